"""Gradients of sparse ops: `verify_grad` for the dense operands, and a finite-difference check
on the stored values for the sparse operand (gradients there are structured)."""
import numpy as np
import pytest
import scipy.sparse as sp

import transpile
import transpile.sparse as S
import transpile.tensor as T
from tests.batched import batched_verify_grad, case_rng
from transpile import function, grad
from transpile.sparse.basic import values_at


@pytest.fixture(autouse=True)
def _float64_default():
    """These tests build float64 data: pin floatX whatever TRANSPILE_FLAGS says."""
    with transpile.config.change_flags(floatX="float64"):
        yield


def rand(fmt="csr", shape=(5, 4), dtype="float64", seed=0):
    m = sp.random(*shape, density=0.4, format=fmt, random_state=seed, dtype=dtype)
    m.data += 0.2
    return m


def sparse_grad_run(a, checks, eps=1e-6):
    """{name: (gradient at the stored entries of `a`, central differences there)} of each check
    (name, build, *dense values), where cost = build(x, *dense variables) is a scalar.

    Every check gets its own sparse input (all valued `a`) and all are compiled into one
    function (one native build); a cost depends on its own input only, so perturbing one stored
    value of every input at once gives each check's finite difference."""
    inputs, outputs, values, slots = [], [], [], []
    for name, build, *dense in checks:
        x = S.matrix(a.format, "x", a.dtype.name)
        dvars = [T.TensorType(d.dtype.name, (False,) * d.ndim)(f"d{i}") for i, d in enumerate(dense)]
        cost = build(x, *dvars)
        slots.append(len(inputs))
        inputs += [x, *dvars]
        outputs += [cost, grad(cost, x)]
        values += [a, *dense]
    f = function(inputs, outputs)

    def costs(point):
        args = list(values)
        for slot in slots:
            args[slot] = point
        return f(*args)[0::2]

    grads = f(*values)[1::2]
    numeric = np.empty((len(checks), a.nnz))
    for k in range(a.nnz):
        plus, minus = a.copy(), a.copy()
        plus.data[k] += eps
        minus.data[k] -= eps
        numeric[:, k] = (np.array(costs(plus)) - np.array(costs(minus))) / (2 * eps)
    run = {}
    for (name, *_), ga, num in zip(checks, grads, numeric):
        assert sp.issparse(ga) and ga.format == a.format and ga.dtype == a.dtype, name
        run[name] = (values_at(ga, a), num)
    return run


def check_sparse_grads(a, checks, rtol=1e-5, atol=1e-7):
    """Compare T.grad(cost, x) at the stored entries of `a` with central differences for each
    check (name, build, *dense values): see sparse_grad_run."""
    for name, (analytic, numeric) in sparse_grad_run(a, checks).items():
        np.testing.assert_allclose(analytic, numeric, rtol=rtol, atol=atol, err_msg=name)


#: verify_grad cases for the dense operand: name -> (fn of the sparse constant and the dense
#: variable, the point's shape or value). Each test's cases, in both formats, are one table of
#: tests/batched.py: one native build.
STRUCTURED_DOT_GRADS = {
    "structured_dot": (lambda a, y: S.structured_dot(a, y), (4, 3)),
    "dot sparse-dense": (lambda a, y: S.dot(a, y), (4,)),
    "dot dense-sparse.T": (lambda a, y: S.dot(y, a.T.asformat(a.format)), (2, 4)),
    "dot dense-sparse": (lambda a, y: S.dot(y, a), (5,)),
}
ELEMENTWISE_GRADS = {
    "mul dense": (lambda a, y: S.dense_from_sparse(S.mul(a, y)), (5, 4)),
    "mul row": (lambda a, y: S.dense_from_sparse(S.mul(a, y)), (4,)),
    "mul scalar": (lambda a, s: S.sp_sum(S.mul(a, s), axis=0), np.array(1.7)),
    "add dense": (lambda a, y: S.add(a, y), (5, 4)),
    "add row": (lambda a, y: S.add(a, y), (4,)),
    "csr_from_dense": (lambda a, y: S.dense_from_sparse(S.csr_from_dense(y)) * 2, (5, 4)),
    "csc_from_dense": (lambda a, y: S.sp_sum(S.sqr(S.csc_from_dense(y)), axis=1), (5, 4)),
}
DENSE_GRADS = {**STRUCTURED_DOT_GRADS, **ELEMENTWISE_GRADS}


def build_dense_grad(case):
    """(fn, point) of verify_grad case (fmt, name): rand(fmt) is a constant of the graph."""
    fmt, name = case
    fn, point = DENSE_GRADS[name]
    a = rand(fmt)
    if isinstance(point, tuple):
        point = case_rng().normal(size=point)
    return (lambda y: fn(a, y)), [point]


def check_dense_grads(mode, names):
    cases = [(fmt, name) for fmt in ["csr", "csc"] for name in names]
    for case in cases:
        batched_verify_grad(mode, cases, build_dense_grad, case)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_structured_dot_grads(fmt, mode, rng):
    check_dense_grads(mode, list(STRUCTURED_DOT_GRADS))
    a = rand(fmt)
    b, v = rng.normal(size=(4, 3)), rng.normal(size=4)
    check_sparse_grads(a, [("structured_dot", lambda x, y: T.sum(S.structured_dot(x, y) ** 2), b),
                           ("dot sparse-dense", lambda x, y: T.sum(S.dot(x, y) ** 2), v),
                           ("dot dense-sparse", lambda x, y: T.sum(S.dot(y, x) ** 2), rng.normal(size=(2, 5)))])


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_elementwise_grads(fmt, mode, rng):
    check_dense_grads(mode, list(ELEMENTWISE_GRADS))
    a, b = rand(fmt), rand(fmt, seed=3)
    m = rng.normal(size=(5, 4))
    check_sparse_grads(a, [
        ("mul dense", lambda x, y: T.sum(S.dense_from_sparse(S.mul(x, y)) ** 2), m),
        ("mul self", lambda x: S.sp_sum(S.mul(x, x) * 3.0)),
        ("mul sparse constant", lambda x: S.sp_sum(S.mul(x, S.as_sparse_variable(b)))),
        ("add dense", lambda x, y: T.sum(S.add(x, y) ** 2), m),
        ("add sparse constant", lambda x: S.sp_sum(S.sqr(S.add(x, S.as_sparse_variable(b))))),
        ("sub", lambda x: S.sp_sum(S.sqr(x - x * 0.5))),
        ("transpose", lambda x: T.sum(S.dense_from_sparse(S.transpose(x)) ** 3)),
        ("as_format", lambda x: T.sum(S.dense_from_sparse(S.as_format(x, "csr")) ** 3))])


UNARY = [("neg", S.neg), ("sqr", S.sqr), ("sqrt", S.sqrt), ("abs", S.abs_), ("sin", S.sin), ("tanh", S.tanh),
         ("expm1", S.expm1), ("log1p", S.log1p), ("sigmoid", S.structured_sigmoid), ("exp", S.structured_exp),
         ("log", S.structured_log)]
_UNARY_RUNS = {}


def unary_run(mode):
    """Every unary case's check (one native build per mode), on one csr matrix and weights."""
    if mode not in _UNARY_RUNS:
        w = case_rng().normal(size=5)
        checks = [(name, lambda x, y, fn=fn: T.sum(S.sp_sum(fn(x), axis=1) * y), w) for name, fn in UNARY]
        _UNARY_RUNS[mode] = sparse_grad_run(rand("csr"), checks)
    return _UNARY_RUNS[mode]


@pytest.mark.parametrize("name", [name for name, _ in UNARY])
def test_unary_grads(name, mode):
    analytic, numeric = unary_run(mode)[name]
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_sp_sum_grad(axis, rng):
    check_sparse_grads(rand("csc"), [(f"sp_sum axis={axis}", lambda x: T.sum(S.sp_sum(x, axis) ** 2))])


def test_grad_dtypes_follow_inputs(rng):
    a = rand("csr", dtype="float32")
    x, y = S.matrix("csr", "x", "float32"), T.dmatrix("y")
    cost = T.sum(S.structured_dot(x, y))
    gx, gy = grad(cost, [x, y])
    assert gx.type == x.type and gy.type == y.type
    gxv, gyv = function([x, y], [gx, gy])(a, rng.normal(size=(4, 2)))
    assert gxv.dtype == np.float32 and gyv.dtype == np.float64
    s = T.fscalar("s")
    assert grad(S.sp_sum(S.mul(S.csr_matrix("z"), s)), s).dtype == "float32"


def test_disconnected_sparse_gets_a_sparse_zero():
    x, y = S.csr_matrix("x"), T.matrix("y")
    g = grad(T.sum(y), x, disconnected_inputs="ignore")
    a = rand()
    out = function([x], g)(a)
    assert sp.issparse(out) and out.format == "csr" and abs(out).max() == 0
