"""dot, tensordot, outer, batched_dot, batched_tensordot vs numpy; types, errors, shapes, grads."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.batched import batched_case, batched_verify_grad, case_rng
from transpile import config, function
from transpile.gradient import verify_grad
from transpile.tensor.blas import Dot
from transpile.tensor.blas_batched import BatchedDot
from transpile.tensor.blas_tensordot import TensorDot

SHAPES = {0: (), 1: (4,), 2: (3, 4), 3: (2, 3, 4), 4: (2, 2, 3, 4)}


def sym(ndim, dtype="float64", name=None):
    return T.TensorType(dtype, (False,) * ndim)(name)


def value(rng, shape, dtype="float64"):
    if dtype.startswith("int"):
        return rng.integers(-5, 6, size=shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def b_shape(na, nb, a_shape):
    """A shape for b that numpy.dot accepts against a of a_shape."""
    if na == 0 or nb == 0:
        return SHAPES[nb]
    k = a_shape[-1]
    if nb == 1:
        return (k,)
    return (2,) * (nb - 2) + (k, 5)


def inferred_shape(out):
    """The op's infer_shape for `out`, as scalar variables."""
    node = out.owner
    shapes = [tuple(T.shape_i(i, d) for d in range(i.ndim)) for i in node.inputs]
    return [T.as_tensor_variable(s) for s in node.op.infer_shape(node, shapes)[out.index]]


def assert_inferred_shape(res):
    """res: the computed output then its inferred shape, evaluated."""
    assert tuple(int(s) for s in res[1:]) == res[0].shape


def check_infer_shape(out, inputs, values):
    """The op's infer_shape, evaluated, equals the shape of the computed output."""
    f = function(inputs, [out] + inferred_shape(out), on_unused_input="ignore")
    assert_inferred_shape(f(*values))


RANKS = [(na, nb) for na in range(5) for nb in range(5) if na + nb <= 6]


def build_rank(case):
    na, nb = case
    rng = case_rng()
    a_val = value(rng, SHAPES[na])
    b_val = value(rng, b_shape(na, nb, SHAPES[na]))
    a, b = sym(na, name="a"), sym(nb, name="b")
    return [a, b], [T.dot(a, b)], [a_val, b_val]


@pytest.mark.parametrize("na,nb", RANKS)
def test_dot_matches_numpy_for_every_rank(na, nb, mode):
    (a_val, b_val), (out,), (got,) = batched_case(mode, RANKS, build_rank, (na, nb))
    expected = np.dot(a_val, b_val)
    assert out.ndim == np.ndim(expected)
    assert got.shape == np.shape(expected)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize("na,nb", [(1, 1), (1, 2), (2, 1), (2, 2)])
def test_dot_of_vectors_and_matrices_is_a_Dot_node(na, nb):
    out = T.dot(sym(na), sym(nb))
    assert isinstance(out.owner.op, Dot)
    assert str(out.owner.op) == "dot"


def test_vector_dot_vector_is_a_scalar_and_seed_example(rng):
    x, y = T.vector(), T.vector()
    a = x * y
    b = T.dot(x, y)
    c = a + b
    assert b.ndim == 0
    xv, yv = value(rng, (5,)), value(rng, (5,))
    np.testing.assert_allclose(function([x, y], c)(xv, yv), xv * yv + np.dot(xv, yv))


def test_seed_matrix_math(rng):
    x, y, a = T.matrix(), T.matrix(), T.vector()
    b, c = T.dot(x, y), T.dot(x, a)
    xv, yv, av = value(rng, (3, 4)), value(rng, (4, 2)), value(rng, (4,))
    got_b, got_c = function([x, y, a], [b, c])(xv, yv, av)
    np.testing.assert_allclose(got_b, xv @ yv)
    np.testing.assert_allclose(got_c, xv @ av)


DTYPE_PAIRS = [("float32", "float32"), ("float64", "float32"), ("int32", "int32"),
               ("int64", "int8"), ("int32", "float32"), ("int8", "float64")]
DTYPE_RANKS = [(1, 1), (2, 1), (2, 2), (3, 2)]
DTYPE_CASES = [(da, db, na, nb) for da, db in DTYPE_PAIRS for na, nb in DTYPE_RANKS]


def build_dtypes(case):
    da, db, na, nb = case
    rng = case_rng()
    a_val = value(rng, SHAPES[na], da)
    b_val = value(rng, b_shape(na, nb, SHAPES[na]), db)
    a, b = sym(na, da), sym(nb, db)
    return [a, b], [T.dot(a, b)], [a_val, b_val]


@pytest.mark.parametrize("da,db", DTYPE_PAIRS)
@pytest.mark.parametrize("na,nb", DTYPE_RANKS)
def test_dot_dtypes_upcast_like_numpy(da, db, na, nb, mode):
    (a_val, b_val), (out,), (got,) = batched_case(mode, DTYPE_CASES, build_dtypes, (da, db, na, nb))
    assert out.dtype == np.result_type(a_val, b_val).name
    assert got.dtype == out.dtype
    expected = np.dot(a_val, b_val)
    if got.dtype.kind == "f":
        np.testing.assert_allclose(got, expected, rtol=1e-5)
    else:
        np.testing.assert_array_equal(got, expected)


def test_int_matrices_give_int():
    x, y = T.imatrix(), T.imatrix()
    out = T.dot(x, y)
    assert out.dtype == "int32"
    got = function([x, y], out)(np.arange(6, dtype="int32").reshape(2, 3), np.ones((3, 2), "int32"))
    np.testing.assert_array_equal(got, [[3, 3], [12, 12]])


def test_dot_floatx_float32_rule():
    with config.change_flags(floatX="float32"):
        out = T.dot(T.imatrix(), T.fmatrix())
        assert out.dtype == "float32"


def test_dot_with_python_scalar_is_weakly_typed(rng):
    x = T.fmatrix()
    out = T.dot(x, 2.0)
    assert out.dtype == "float32"
    xv = value(rng, (2, 3), "float32")
    np.testing.assert_allclose(function([x], out)(xv), 2 * xv)
    np.testing.assert_allclose(function([x], T.dot(3, x))(xv), 3 * xv)


def test_dot_method_and_matmul_operator(rng):
    x, y = T.matrix(), T.matrix()
    xv, yv = value(rng, (2, 3)), value(rng, (3, 2))
    f = function([x, y], [x.dot(y), x @ y])
    for got in f(xv, yv):
        np.testing.assert_allclose(got, xv @ yv)


def test_dot_broadcastable_pattern():
    assert T.dot(T.row(), T.matrix()).broadcastable == (True, False)
    assert T.dot(T.matrix(), T.col()).broadcastable == (False, True)
    assert T.dot(T.row(), T.col()).broadcastable == (True, True)
    assert T.dot(T.vector(), T.col()).broadcastable == (True,)


@pytest.mark.parametrize("sa,sb", [((3, 4), (5, 2)), ((4,), (3,)), ((3, 4), (3,)), ((4,), (3, 2)),
                                   ((2, 3, 4), (5, 6))])
def test_dot_shape_mismatch_is_a_value_error_naming_both_shapes(sa, sb, rng):
    a, b = sym(len(sa)), sym(len(sb))
    f = function([a, b], T.dot(a, b))
    with pytest.raises(ValueError) as err:
        f(value(rng, sa), value(rng, sb))
    assert str(sa) in str(err.value) and str(sb) in str(err.value)


def test_Dot_op_rejects_other_ranks():
    with pytest.raises(TypeError, match="1-d or 2-d"):
        Dot()(T.tensor3(), T.matrix())
    with pytest.raises(TypeError, match="1-d or 2-d"):
        Dot()(T.scalar(), T.matrix())


INFER_RANKS = [(1, 1), (1, 2), (2, 1), (2, 2)]


def build_infer(case):
    na, nb = case
    rng = case_rng()
    a, b = sym(na), sym(nb)
    a_val = value(rng, SHAPES[na])
    out = T.dot(a, b)
    return [a, b], [out] + inferred_shape(out), [a_val, value(rng, b_shape(na, nb, SHAPES[na]))]


@pytest.mark.parametrize("na,nb", INFER_RANKS)
def test_dot_infer_shape(na, nb, mode):
    assert_inferred_shape(batched_case(mode, INFER_RANKS, build_infer, (na, nb))[2])


def test_outer(rng):
    x, y = T.vector(), T.vector()
    xv, yv = value(rng, (3,)), value(rng, (4,))
    np.testing.assert_allclose(function([x, y], T.outer(x, y))(xv, yv), np.outer(xv, yv))
    m = T.matrix()
    mv = value(rng, (2, 2))
    np.testing.assert_allclose(function([m, y], T.outer(m, y))(mv, yv), np.outer(mv, yv))


# -- tensordot -------------------------------------------------------------------------------------
TENSORDOT_CASES = [
    ((2, 3, 4), (3, 4, 5), 2),
    ((2, 3, 4), (4, 5), 1),
    ((2, 3), (4, 5), 0),
    ((2, 3, 4), (4, 3, 5), [[1, 2], [1, 0]]),
    ((2, 3, 4), (5, 2), [0, 1]),
    ((2, 3, 4), (4, 2, 3), [[-1, 0], [0, 1]]),
    ((3, 4), (4, 5), [[1], [0]]),
    ((4,), (4, 2, 3), [[0], [0]]),
    ((2, 3, 4), (2, 3, 4), 3),
]


def build_tensordot(case):
    sa, sb, axes = case
    rng = case_rng()
    a, b = sym(len(sa)), sym(len(sb))
    a_val, b_val = value(rng, sa), value(rng, sb)
    out = T.tensordot(a, b, axes)
    return [a, b], [out] + inferred_shape(out), [a_val, b_val]


@pytest.mark.parametrize("sa,sb,axes", TENSORDOT_CASES)
def test_tensordot_matches_numpy(sa, sb, axes, mode):
    run = batched_case(mode, TENSORDOT_CASES, build_tensordot, (sa, sb, axes))
    (a_val, b_val), (out, *_), results = run
    expected = np.tensordot(a_val, b_val, axes)
    assert out.ndim == expected.ndim
    np.testing.assert_allclose(results[0], expected, rtol=1e-12)
    assert_inferred_shape(results)


def test_tensordot_default_axes_and_dot_pattern():
    assert isinstance(T.tensordot(T.matrix(), T.matrix(), 1).owner.op, Dot)
    op = T.tensordot(T.tensor3(), T.tensor3()).owner.op
    assert isinstance(op, TensorDot) and (op.axes_a, op.axes_b) == ((1, 2), (0, 1))
    assert str(op) == "TensorDot{axes=((1, 2), (0, 1))}"


@pytest.mark.parametrize("axes", [4, [[0, 1], [0]], [[3], [0]], [[0, 0], [0, 1]], "x"])
def test_tensordot_bad_axes(axes):
    with pytest.raises(ValueError):
        T.tensordot(T.tensor3(), T.tensor3(), axes)


def test_tensordot_length_mismatch_at_run_time(rng):
    a, b = T.tensor3(), T.matrix()
    f = function([a, b], T.tensordot(a, b, [[2], [0]]))
    with pytest.raises(ValueError, match=r"\(2, 3, 4\).*\(5, 2\)"):
        f(value(rng, (2, 3, 4)), value(rng, (5, 2)))


def test_tensordot_int_dtype(rng):
    a, b = sym(3, "int32"), sym(2, "int64")
    a_val, b_val = value(rng, (2, 3, 4), "int32"), value(rng, (4, 2), "int64")
    out = T.tensordot(a, b, 1)
    assert out.dtype == "int64"
    np.testing.assert_array_equal(function([a, b], out)(a_val, b_val), np.tensordot(a_val, b_val, 1))


# -- batched_dot / batched_tensordot ---------------------------------------------------------------
BATCHED_CASES = [((3, 2, 4), (3, 4, 5)), ((3, 2, 4), (3, 4)), ((3, 4), (3, 4, 5)), ((3, 4), (3, 4)),
                 ((3,), (3, 4, 2)), ((3, 2, 4), (3,)), ((3, 2, 2, 4), (3, 4, 5)), ((3, 2, 4), (3, 2, 4, 5))]


def batched_reference(a, b):
    if a.ndim == 1 or b.ndim == 1:
        return np.stack([x * y for x, y in zip(a, b)])
    return np.stack([np.dot(x, y) for x, y in zip(a, b)])


def build_batched(case):
    sa, sb = case
    rng = case_rng()
    a, b = sym(len(sa)), sym(len(sb))
    a_val, b_val = value(rng, sa), value(rng, sb)
    return [a, b], [T.batched_dot(a, b)], [a_val, b_val]


@pytest.mark.parametrize("sa,sb", BATCHED_CASES)
def test_batched_dot_matches_a_loop(sa, sb, mode):
    (a_val, b_val), (out,), (got,) = batched_case(mode, BATCHED_CASES, build_batched, (sa, sb))
    expected = batched_reference(a_val, b_val)
    assert out.ndim == expected.ndim
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_batched_dot_3d_is_a_BatchedDot_node(rng):
    a, b = T.tensor3(), T.tensor3()
    out = T.batched_dot(a, b)
    assert isinstance(out.owner.op, BatchedDot) and str(out.owner.op) == "BatchedDot"
    check_infer_shape(out, [a, b], [value(rng, (3, 2, 4)), value(rng, (3, 4, 5))])


def test_batched_dot_errors(rng):
    a, b = T.tensor3(), T.tensor3()
    f = function([a, b], T.batched_dot(a, b))
    with pytest.raises(ValueError, match=r"\(3, 2, 4\).*\(2, 4, 5\)"):
        f(value(rng, (3, 2, 4)), value(rng, (2, 4, 5)))
    with pytest.raises(ValueError, match=r"\(3, 2, 4\).*\(3, 3, 5\)"):
        f(value(rng, (3, 2, 4)), value(rng, (3, 3, 5)))
    with pytest.raises(TypeError):
        T.batched_dot(T.scalar(), T.tensor3())
    with pytest.raises(TypeError, match="3-d"):
        BatchedDot()(T.matrix(), T.tensor3())


BATCHED_TENSORDOT_CASES = [((3, 2, 4), (3, 4, 5), [[2], [1]]), ((3, 2, 4, 5), (3, 4, 5, 2), 2),
                           ((3, 4, 2), (3, 5, 4), [[1], [2]])]


def build_batched_tensordot(case):
    sa, sb, axes = case
    rng = case_rng()
    a, b = sym(len(sa)), sym(len(sb))
    a_val, b_val = value(rng, sa), value(rng, sb)
    out = T.batched_tensordot(a, b, axes)
    return [a, b], [out] + inferred_shape(out), [a_val, b_val]


@pytest.mark.parametrize("sa,sb,axes", BATCHED_TENSORDOT_CASES)
def test_batched_tensordot_matches_a_loop(sa, sb, axes, mode):
    run = batched_case(mode, BATCHED_TENSORDOT_CASES, build_batched_tensordot, (sa, sb, axes))
    (a_val, b_val), (out, *_), results = run
    if isinstance(axes, int):
        np_axes = axes
    else:
        np_axes = [[d - 1 for d in axes[0]], [d - 1 for d in axes[1]]]
    expected = np.stack([np.tensordot(x, y, np_axes) for x, y in zip(a_val, b_val)])
    np.testing.assert_allclose(results[0], expected, rtol=1e-12)
    assert_inferred_shape(results)
    assert str(out.owner.op).startswith("BatchedTensorDot{")


def test_batched_tensordot_refuses_the_batch_axis():
    with pytest.raises(ValueError, match="batch axis"):
        T.batched_tensordot(T.tensor3(), T.tensor3(), [[0], [0]])


# -- gradients ---------------------------------------------------------------------------------------
DOT_GRAD_RANKS = [(1, 1), (1, 2), (2, 1), (2, 2), (3, 2), (2, 3), (0, 2), (3, 1)]


def build_dot_grad(case):
    na, nb = case
    rng = case_rng()
    a_val = value(rng, SHAPES[na])
    return T.dot, [a_val, value(rng, b_shape(na, nb, SHAPES[na]))]


@pytest.mark.parametrize("na,nb", DOT_GRAD_RANKS)
def test_dot_grad(na, nb, mode):
    batched_verify_grad(mode, DOT_GRAD_RANKS, build_dot_grad, (na, nb))


def test_dot_grad_with_broadcastable_operands(rng):
    # row . col: both operands have broadcastable dims the gradient must respect
    verify_grad(T.dot, [value(rng, (1, 4)), value(rng, (4, 1))], rng=rng)
    verify_grad(T.dot, [value(rng, (3, 1)), value(rng, (1, 2))], rng=rng)


def test_dot_grad_mixed_dtypes(rng):
    x, y = T.fmatrix(), T.dmatrix()
    gx, gy = T.grad(T.sum(T.dot(x, y)), [x, y])
    assert gx.type == x.type and gy.type == y.type


def test_dot_grad_int_input_is_zero_float():
    x, y = T.imatrix(), T.dmatrix()
    (gy,) = T.grad(T.sum(T.dot(x, y)), [y])
    assert gy.type == y.type


def build_tensordot_grad(case):
    sa, sb, axes = case
    rng = case_rng()
    a_val = value(rng, sa)
    return (lambda a, b: T.tensordot(a, b, axes)), [a_val, value(rng, sb)]


@pytest.mark.parametrize("sa,sb,axes", TENSORDOT_CASES)
def test_tensordot_grad(sa, sb, axes, mode):
    batched_verify_grad(mode, TENSORDOT_CASES, build_tensordot_grad, (sa, sb, axes))


def build_batched_dot_grad(case):
    sa, sb = case
    rng = case_rng()
    a_val = value(rng, sa)
    return T.batched_dot, [a_val, value(rng, sb)]


@pytest.mark.parametrize("sa,sb", BATCHED_CASES)
def test_batched_dot_grad(sa, sb, mode):
    batched_verify_grad(mode, BATCHED_CASES, build_batched_dot_grad, (sa, sb))


def test_batched_tensordot_grad(rng):
    verify_grad(lambda a, b: T.batched_tensordot(a, b, [[1, 3], [3, 1]]),
                [value(rng, (2, 3, 2, 4)), value(rng, (2, 4, 5, 3))], rng=rng)


def test_dot_second_derivative(rng):
    x = T.matrix()
    w = T.vector()
    cost = T.sum(T.dot(x, w) ** 2)
    h = transpile.gradient.hessian(cost, w)
    xv, wv = value(rng, (4, 3)), value(rng, (3,))
    np.testing.assert_allclose(function([x, w], h)(xv, wv), 2 * xv.T @ xv, rtol=1e-10)
