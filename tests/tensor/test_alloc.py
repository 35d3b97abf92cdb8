"""alloc, zeros, ones, full, full_like, empty, empty_like, eye, identity_like and arange against
numpy: symbolic shapes and bounds, dtype rules, broadcastable patterns, folding limits, errors and gradients."""
import numpy as np
import pytest

import transpile.tensor as T
from tests.batched import batched_case, batched_verify_grad, case_rng
from tests.tensor.shape_check import assert_inferred_shapes, check_infer_shape, inferred_shapes
from transpile import config, function
from transpile.gradient import verify_grad
from transpile.graph.rewriting.merge import MAX_FOLDED_SIZE
from transpile.tensor.alloc import Alloc


# -- alloc -----------------------------------------------------------------------------------------
def test_alloc_scalar_value(rng):
    n, m = T.lscalar("n"), T.iscalar("m")
    out = T.alloc(2.5, n, m)
    assert out.dtype == config.floatX and out.broadcastable == (False, False)
    np.testing.assert_array_equal(function([n, m], out)(2, 3), np.full((2, 3), 2.5))
    check_infer_shape(out, [n, m], [2, 3])
    assert T.alloc(1.0, 1, n).broadcastable == (True, False)
    assert T.alloc(1.0).ndim == 0
    assert function([n], T.alloc(np.int32(7), n, 0))(4).shape == (4, 0)


ALLOC_DTYPES = ["float64", "float32", "int32", "bool"]


def build_alloc_broadcast(dtype):
    v = T.TensorType(dtype, (True, False))("v")
    n = T.lscalar("n")
    vv = (case_rng().standard_normal((1, 3)) * 3).astype(dtype)
    return [v, n], inferred_shapes(T.alloc(v, 2, n, 3)), [vv, 4]


@pytest.mark.parametrize("dtype", ALLOC_DTYPES)
def test_alloc_broadcasts_value(mode, dtype):
    (vv, _), (out, *_), results = batched_case(mode, ALLOC_DTYPES, build_alloc_broadcast, dtype)
    got = results[0]
    np.testing.assert_array_equal(got, np.broadcast_to(vv, (2, 4, 3)))
    assert got.dtype == dtype
    assert_inferred_shapes(out, results)


def test_alloc_shape_forms(rng):
    x = T.dmatrix("x")
    xv = rng.standard_normal((2, 3))
    np.testing.assert_array_equal(function([x], T.alloc(1.0, x.shape))(xv), np.ones((2, 3)))
    np.testing.assert_array_equal(function([x], T.alloc(1.0, (x.shape[0], 3)))(xv), np.ones((2, 3)))
    assert str(T.alloc(0.0, 2, 3).owner.op) == "Alloc"


def test_alloc_errors(rng):
    v = T.dvector("v")
    n = T.lscalar("n")
    f = function([v, n], T.alloc(v, n, 3))
    with pytest.raises(ValueError, match="not broadcastable"):
        f(np.ones(2), 2)  # a non-broadcastable value dim is never broadcast
    with pytest.raises(ValueError, match="not broadcastable"):
        f(np.ones(1), 2)
    with pytest.raises(ValueError, match="negative"):
        function([n], T.alloc(0.0, n))(-1)
    with pytest.raises(TypeError, match="more dims"):
        T.alloc(T.dmatrix(), 3)
    with pytest.raises(TypeError, match="integer"):
        T.alloc(0.0, 2.5)
    with pytest.raises(TypeError, match="integer"):
        T.alloc(0.0, T.dscalar())


def test_alloc_not_folded_when_large():
    big = int(np.sqrt(MAX_FOLDED_SIZE)) + 2
    f = function([], T.alloc(1.0, big, big))
    assert any(isinstance(n.op, Alloc) for n in f.maker.fgraph.toposort())
    assert f().shape == (big, big)
    g = function([], T.alloc(1.0, 2, 2) * 3)
    assert f.maker.fgraph.outputs and g().sum() == 12
    assert not any(isinstance(n.op, Alloc) for n in g.maker.fgraph.toposort())


#: (value's shape, alloc'd shape): one batched table (tests/batched.py), one native build
ALLOC_GRADS = [((4,), (3, 4)), ((1, 4), (2, 3, 4)), ((3, 1), (3, 1)), ((), (2, 3)), ((2, 1), (2, 3))]


def build_alloc_grad(case):
    shape, out_shape = case
    point = np.asarray(1.5) if shape == () else case_rng().standard_normal(shape)
    return (lambda v: T.alloc(v, *out_shape)), [point]


def test_alloc_grad(mode):
    for case in ALLOC_GRADS:
        batched_verify_grad(mode, ALLOC_GRADS, build_alloc_grad, case)


# -- zeros, ones, full -----------------------------------------------------------------------------
def test_zeros_ones_full(rng):
    x = T.dtensor3("x")
    n = T.lscalar("n")
    xv = rng.standard_normal((2, 3, 4))
    cases = [(T.zeros((n, 3)), np.zeros((2, 3))), (T.ones(n), np.ones(2)),
             (T.zeros(x.shape), np.zeros((2, 3, 4))), (T.ones((2, 1), dtype="int32"), np.ones((2, 1), "int32")),
             (T.zeros(()), np.zeros(())), (T.full((n, 2), 7), np.full((2, 2), 7)),
             (T.full(3, 1.5, dtype="float32"), np.full(3, 1.5, "float32")),
             (T.full((n,), n, dtype="int32"), np.full(2, 2, "int32"))]
    got = function([x, n], [c[0] for c in cases], on_unused_input="ignore")(xv, 2)
    for (out, e), g in zip(cases, got):
        assert out.dtype == (e.dtype.name if e.dtype != "float64" else config.floatX)
        np.testing.assert_array_equal(g, e)
    assert T.zeros((n, 1)).broadcastable == (False, True)
    with config.change_flags(floatX="float32"):
        assert T.zeros(3).dtype == "float32" and T.ones((2,)).dtype == "float32"


def test_full_int_value_dtype():
    assert T.full((2,), 3).dtype == "int64"
    assert T.full((2,), True).dtype == "bool"


# -- eye, identity_like ----------------------------------------------------------------------------
def test_eye(rng):
    n, m, k = T.lscalar("n"), T.lscalar("m"), T.lscalar("k")
    out = T.eye(n, m, k)
    f = function([n, m, k], out)
    for args in [(3, 3, 0), (2, 4, 1), (4, 2, -1), (3, 3, 5), (0, 2, 0)]:
        np.testing.assert_array_equal(f(*args), np.eye(*args))
    check_infer_shape(out, [n, m, k], [2, 4, 1])
    assert out.dtype == config.floatX
    assert T.eye(n, dtype="int32").dtype == "int32"
    np.testing.assert_array_equal(function([n], T.eye(n))(3), np.eye(3))
    np.testing.assert_array_equal(function([], T.eye(2, k=1))(), np.eye(2, k=1))
    assert str(T.eye(n, dtype="float32").owner.op) == "Eye{float32}"
    with pytest.raises(ValueError, match="negative"):
        f(-1, 2, 0)


def test_identity_like(rng):
    x = T.imatrix("x")
    out = T.identity_like(x)
    assert out.dtype == "int32"
    np.testing.assert_array_equal(function([x], out)(np.zeros((2, 3), "int32")), np.eye(2, 3))
    with pytest.raises(TypeError, match="matrix"):
        T.identity_like(T.dvector())


# -- arange ----------------------------------------------------------------------------------------
ARANGE_INT = [(5,), (2, 7), (7, 2, -2), (0, 10, 3), (5, 2), (-3, 3, 1)]
ARANGE_FLOAT = [(0.0, 1.0, 0.1), (2.5,), (1.0, -1.0, -0.3), (0.0, 1.0, 0.25), (3.0, 1.0, 0.5)]


def build_arange(args):
    """arange of symbolic bounds (int64 scalars for int arguments, float64 for floats)."""
    scalar = T.lscalar if isinstance(args[0], int) else T.dscalar
    syms = [scalar(f"a{i}") for i in range(len(args))]
    return syms, inferred_shapes(T.arange(*syms)), list(args)


@pytest.mark.parametrize("args", ARANGE_INT)
def test_arange_int(mode, args):
    _, (out, *_), results = batched_case(mode, ARANGE_INT, build_arange, args)
    assert out.dtype == "int64"
    np.testing.assert_array_equal(results[0], np.arange(*args))
    assert_inferred_shapes(out, results)


@pytest.mark.parametrize("args", ARANGE_FLOAT)
def test_arange_float(mode, args):
    _, (out, *_), results = batched_case(mode, ARANGE_FLOAT, build_arange, args)
    assert out.dtype == "float64"
    np.testing.assert_allclose(results[0], np.arange(*args))
    assert_inferred_shapes(out, results)


def test_arange_dtypes():
    i, f, d = T.iscalar(), T.fscalar(), T.dscalar()
    with config.change_flags(floatX="float64"):
        assert T.arange(i).dtype == "int64"
        assert T.arange(T.bscalar(), i).dtype == "int64"
        assert T.arange(10).dtype == "int64"
        assert T.arange(f).dtype == "float32"
        assert T.arange(i, f).dtype == "float64"
        assert T.arange(d).dtype == "float64"
        assert T.arange(2.5).dtype == "float64"
        assert T.arange(i, dtype="float32").dtype == "float32"
    with config.change_flags(floatX="float32"):
        assert T.arange(i, f).dtype == "float32"
        assert T.arange(0.5, i).dtype == "float32"
        assert T.arange(i, d).dtype == "float64"
        assert T.arange(5).dtype == "int64"


def test_arange_constant_and_errors():
    f = function([], T.arange(2, 11, 3))
    np.testing.assert_array_equal(f(), [2, 5, 8])
    node = T.arange(2, 11, 3).owner
    (shp,) = node.op.infer_shape(node, [(), (), ()])
    assert int(shp[0].data) == 3
    n = T.lscalar("n")
    with pytest.raises(ValueError, match="step"):
        function([n], T.arange(0, 5, n))(0)
    with pytest.raises(TypeError, match="scalar"):
        T.arange(T.dvector())
    assert str(T.arange(n).owner.op) == "ARange{int64}"


def test_arange_grad(rng):
    verify_grad(lambda a, s: T.arange(a, 4.0, s) ** 2, [np.asarray(0.3), np.asarray(0.7)], rng=rng)
    n = T.lscalar("n")
    x = T.dscalar("x")
    g = function([x, n], T.grad(T.sum(T.arange(n) * x), x))(2.0, 4)
    assert g == 6


# -- full_like, empty, empty_like -------------------------------------------------------------------
def test_full_like_and_empty_match_numpy(rng):
    x, i, n = T.matrix("x"), T.ivector("i"), T.lscalar("n")
    a, b = rng.standard_normal((2, 3)), np.array([4, -1, 7], dtype="int32")
    cases = [("full_like", T.full_like(x, 2.5), np.full_like(a, 2.5)),
             ("full_like int", T.full_like(i, 7), np.full_like(b, 7)),
             ("full_like int from float", T.full_like(i, 2.0), np.full_like(b, 2.0)),
             ("full_like dtype", T.full_like(x, 3, dtype="int8"), np.full_like(a, 3, dtype="int8")),
             ("full_like symbolic value", T.full_like(x, i[0]), np.full_like(a, b[0])),
             ("full_like empty", T.full_like(x[:0], 1.0), np.full_like(a[:0], 1.0)),
             ("full_like scalar", T.full_like(x[0, 0], -1.0), np.full_like(a[0, 0], -1.0)),
             # numpy.empty leaves values undefined: transpile's are zeros, the shape and dtype are numpy's
             ("empty", T.empty((n, 3), "int32"), np.zeros(np.empty((2, 3), "int32").shape, "int32")),
             ("empty int shape", T.empty(4), np.zeros_like(np.empty(4))),
             ("empty_like", T.empty_like(x), np.zeros_like(np.empty_like(a))),
             ("empty_like dtype", T.empty_like(i, dtype="float32"), np.zeros_like(np.empty_like(b, dtype="float32")))]
    outs = function([x, i, n], [c[1] for c in cases], on_unused_input="ignore")(a, b, 2)
    for (name, out, expected), got in zip(cases, outs):
        assert got.dtype == expected.dtype and got.shape == expected.shape, (name, got.dtype, got.shape)
        np.testing.assert_array_equal(got, expected, err_msg=name)


def test_full_like_gradient(mode, rng):
    verify_grad(lambda v: T.full_like(T.zeros((2, 3)), v) * T.arange(3.0), [np.asarray(0.7)], rng=rng)


def test_float_arange_is_numpys_to_the_bit(mode):
    """start + i * step with the product rounded first, as numpy's (no fused multiply-add in the
    native loop: it differed in the last bit for a third of these values)."""
    outs, wants = [], []
    for dtype in ("float64", "float32"):
        a, b, s = (T.scalar(dtype=dtype) for _ in range(3))
        outs.append(((a, b, s), T.arange(a, b, s)))
        wants.append(np.arange(np.float64(-3.3).astype(dtype), np.asarray(40, dtype), np.asarray(0.1, dtype),
                               dtype=dtype))
    f = function([v for ins, _ in outs for v in ins], [o for _, o in outs], mode=mode)
    got = f(-3.3, 40, 0.1, -3.3, 40, 0.1)
    for g, w in zip(got, wants):
        assert g.dtype == w.dtype and np.array_equal(g, w)
