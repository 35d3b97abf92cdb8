"""reshape, flatten, transpose, swapaxes, padding, squeeze, broadcast patterns, tile and
specify_shape against numpy, with shape inference, errors and gradients."""
import numpy as np
import pytest

import transpile.tensor as T
from tests.batched import batched_case, case_rng
from tests.tensor.shape_check import assert_inferred_shapes, check_infer_shape, inferred_shapes
from transpile import function
from transpile.gradient import verify_grad


# -- reshape -----------------------------------------------------------------------------------
RESHAPE_DTYPES = ["float64", "float32", "int32", "bool"]
RESHAPES = [((6,), (2, 3)), ((2, 3), (3, 2)), ((2, 3, 4), (4, -1)), ((2, 3), (-1,)), ((2, 3), (1, 6, 1)),
            ((0, 3), (3, 0)), ((1,), ()), ((), (1, 1))]
RESHAPE_CASES = [(dtype, src, target) for dtype in RESHAPE_DTYPES for src, target in RESHAPES]


def build_reshape(case):
    dtype, src, target = case
    x = T.TensorType(dtype, (False,) * len(src))("x")
    xv = (case_rng().standard_normal(src) * 3).astype(dtype)
    return [x], inferred_shapes(T.reshape(x, target)), [xv]


@pytest.mark.parametrize("dtype", RESHAPE_DTYPES)
@pytest.mark.parametrize("src,target", RESHAPES)
def test_reshape_constant_shapes(mode, dtype, src, target):
    (xv,), (out, *_), results = batched_case(mode, RESHAPE_CASES, build_reshape, (dtype, src, target))
    got = results[0]
    np.testing.assert_array_equal(got, xv.reshape(target))
    assert got.dtype == dtype
    assert out.broadcastable == tuple(t == 1 for t in target)
    assert_inferred_shapes(out, results)


def test_reshape_symbolic_entries(rng):
    x = T.dtensor3("x")
    n, m = T.iscalar("n"), T.lscalar("m")
    xv = rng.standard_normal((2, 3, 4))
    for target, shape in [((n, -1), (6, 4)), ((n, m), (6, 4)), ((-1, n), (4, 6)), ((n, 1, m), (6, 1, 4))]:
        out = x.reshape(target)
        assert out.ndim == len(target)
        got = function([x, n, m], out, on_unused_input="ignore")(xv, shape[0] if target[0] is n else shape[-1],
                                                                 shape[-1])
        np.testing.assert_array_equal(got, xv.reshape(shape))
    assert x.reshape((n, 1, m)).broadcastable == (False, True, False)
    # a symbolic entry that is -1 at run time
    out = x.reshape((n, m))
    np.testing.assert_array_equal(function([x, n, m], out)(xv, -1, 8), xv.reshape(3, 8))
    check_infer_shape(out, [x, n, m], [xv, -1, 8])
    check_infer_shape(out, [x, n, m], [xv, 12, -1])
    check_infer_shape(x.reshape((n, -1)), [x, n], [xv, 4])


def test_reshape_vector_shape(rng):
    x = T.dmatrix("x")
    y = T.dtensor3("y")
    xv, yv = rng.standard_normal((6, 4)), rng.standard_normal((3, 2, 4))
    out = T.reshape(x, y.shape)
    assert out.ndim == 3
    np.testing.assert_array_equal(function([x, y], out)(xv, yv), xv.reshape(3, 2, 4))
    check_infer_shape(out, [x, y], [xv, yv])
    v = T.ivector("v")
    out = T.reshape(x, v, ndim=2)
    assert out.ndim == 2
    np.testing.assert_array_equal(function([x, v], out)(xv, np.array([-1, 3], "int32")), xv.reshape(8, 3))
    check_infer_shape(out, [x, v], [xv, np.array([-1, 3], "int32")])
    check_infer_shape(out, [x, v], [xv, np.array([2, 12], "int32")])
    assert function([x], x.reshape(np.array([24])))(xv).shape == (24,)
    assert function([x], x.reshape(24))(xv).shape == (24,)
    assert function([x], x.reshape(T.stack([4, 6])))(xv).shape == (4, 6)
    with pytest.raises(ValueError, match="ndim"):
        T.reshape(x, v)
    with pytest.raises(TypeError, match="integer"):
        T.reshape(x, T.dvector())
    with pytest.raises(TypeError, match="integer"):
        T.reshape(x, (2.5, 3))


def test_reshape_errors(rng):
    x = T.dmatrix("x")
    n = T.lscalar("n")
    with pytest.raises(ValueError, match="at most one"):
        T.reshape(x, (-1, 2, -1))
    with pytest.raises(ValueError, match=">= 0"):
        T.reshape(x, (-2, 3))
    with pytest.raises(ValueError, match="ndim"):
        T.reshape(x, (2, 3), ndim=3)
    f = function([x], T.reshape(x, (4, 2)))
    with pytest.raises(ValueError, match=r"shape \(2, 3\).*shape \(4, 2\)"):
        f(np.zeros((2, 3)))
    f = function([x, n], T.reshape(x, (n, -1)))
    with pytest.raises(ValueError, match=r"shape \(2, 3\).*shape \(4, -1\)"):
        f(np.zeros((2, 3)), 4)
    f = function([x, n], T.reshape(x, (n, n)))
    with pytest.raises(ValueError, match=r"into shape \(-1, -1\)"):
        f(np.zeros((2, 2)), -1)
    f = function([x], T.reshape(x, (1, -1)))
    np.testing.assert_array_equal(f(np.ones((2, 3))), np.ones((1, 6)))


def test_reshape_str():
    x = T.dmatrix("x")
    assert str(x.reshape((3, 2)).owner.op) == "Reshape{2}"
    assert str(x.reshape((T.lscalar(), 2)).owner.inputs[1].owner.op) == "MakeVector{int64}"


def test_reshape_grad(rng):
    verify_grad(lambda x: T.reshape(x, (3, 2)), [rng.standard_normal((2, 3))], rng=rng)
    verify_grad(lambda x: T.reshape(x, (-1,)), [rng.standard_normal((1, 3))], rng=rng)
    verify_grad(lambda x: T.reshape(x, (1, 6)) * 2, [rng.standard_normal((2, 3))], rng=rng)


# -- flatten -----------------------------------------------------------------------------------
FLATTEN_SHAPES = [(5,), (2, 3), (2, 3, 4), (2, 0, 3), (1, 1, 3)]


def build_flatten(shape):
    """flatten to every ndim (each with its inferred shape), then the method x.flatten()."""
    x = T.TensorType("float64", tuple(s == 1 for s in shape))("x")
    outs = [v for ndim in range(1, len(shape) + 1) for v in inferred_shapes(T.flatten(x, ndim))]
    return [x], outs + [x.flatten()], [case_rng().standard_normal(shape)]


@pytest.mark.parametrize("shape", FLATTEN_SHAPES)
def test_flatten(mode, shape):
    (xv,), outs, results = batched_case(mode, FLATTEN_SHAPES, build_flatten, shape)
    pos = 0
    for ndim in range(1, len(shape) + 1):
        out, size = outs[pos], 1 + ndim  # the output, then its ndim inferred entries
        assert out.ndim == ndim
        expected = xv.reshape(shape[:ndim - 1] + (int(np.prod(shape[ndim - 1:])),))
        np.testing.assert_array_equal(results[pos], expected, err_msg=f"ndim={ndim}")
        assert out.broadcastable == tuple(s == 1 for s in expected.shape)
        assert_inferred_shapes(out, results[pos:pos + size])
        pos += size
    assert pos == len(results) - 1
    assert results[-1].shape == (xv.size,)


def test_flatten_scalar_and_errors():
    s = T.dscalar("s")
    np.testing.assert_array_equal(function([s], T.flatten(s))(2.0), [2.0])
    x = T.dmatrix("x")
    with pytest.raises(ValueError, match="ndim"):
        T.flatten(x, 3)
    with pytest.raises(ValueError, match="ndim"):
        T.flatten(x, 0)


def test_flatten_grad(rng):
    verify_grad(lambda x: T.flatten(x, 2), [rng.standard_normal((2, 3, 2))], rng=rng)


# -- transpose, swapaxes, padding, squeeze -------------------------------------------------------------
def test_transpose(rng):
    x = T.dtensor3("x")
    xv = rng.standard_normal((2, 3, 4))
    cases = [(T.transpose(x), xv.T), (x.T, xv.T), (T.transpose(x, (1, 0, 2)), xv.transpose(1, 0, 2)),
             (x.transpose(2, 0, 1), xv.transpose(2, 0, 1)), (x.transpose((-1, 0, 1)), xv.transpose(2, 0, 1)),
             (T.swapaxes(x, 0, -1), np.swapaxes(xv, 0, -1))]
    got = function([x], [c[0] for c in cases])(xv)
    for g, (_, e) in zip(got, cases):
        np.testing.assert_array_equal(g, e)
    check_infer_shape(x.transpose(2, 0, 1), [x], [xv])
    assert T.drow().T.broadcastable == (False, True)
    v = T.dvector("v")
    np.testing.assert_array_equal(function([v], v.T)(np.arange(3.0)), np.arange(3.0))
    with pytest.raises(ValueError, match="permutation"):
        T.transpose(x, (0, 1))
    with pytest.raises(ValueError, match="permutation"):
        T.transpose(x, (0, 0, 1))
    with pytest.raises(ValueError, match="out of range"):
        T.transpose(x, (0, 1, 3))
    with pytest.raises(ValueError, match="out of range"):
        T.swapaxes(x, 0, 3)


def test_padding(rng):
    x = T.dmatrix("x")
    xv = rng.standard_normal((2, 3))
    cases = [(T.shape_padleft(x), xv[None]), (T.shape_padleft(x, 2), xv[None, None]),
             (T.shape_padright(x), xv[..., None]), (T.shape_padaxis(x, 1), xv[:, None]),
             (T.shape_padaxis(x, -1), xv[:, :, None]), (T.shape_padaxis(x, 0), xv[None])]
    got = function([x], [c[0] for c in cases])(xv)
    for (out, e), g in zip(cases, got):
        np.testing.assert_array_equal(g, e)
        assert out.broadcastable == tuple(s == 1 for s in e.shape)
    with pytest.raises(ValueError, match="out of range"):
        T.shape_padaxis(x, 3)


def test_squeeze(rng):
    x = T.TensorType("float64", (True, False, True))("x")
    xv = rng.standard_normal((1, 3, 1))
    cases = [(T.squeeze(x), xv.squeeze()), (T.squeeze(x, 0), xv.squeeze(0)),
             (T.squeeze(x, axis=-1), xv.squeeze(-1)), (T.squeeze(x, (0, 2)), xv.squeeze((0, 2)))]
    got = function([x], [c[0] for c in cases])(xv)
    for (out, e), g in zip(cases, got):
        np.testing.assert_array_equal(g, e)
    m = T.dmatrix("m")
    assert T.squeeze(m) is m
    with pytest.raises(ValueError, match="not broadcastable"):
        T.squeeze(m, 0)
    with pytest.raises(ValueError, match="not broadcastable"):
        T.squeeze(x, 1)
    with pytest.raises(ValueError, match="out of range"):
        T.squeeze(x, 3)


def test_dimshuffle_grads(rng):
    verify_grad(lambda x: x.T, [rng.standard_normal((2, 3))], rng=rng)
    verify_grad(lambda x: T.swapaxes(x, 0, 2), [rng.standard_normal((2, 3, 2))], rng=rng)
    verify_grad(lambda x: T.shape_padaxis(x, 1) * 2, [rng.standard_normal((2, 3))], rng=rng)
    verify_grad(lambda x: T.squeeze(x), [rng.standard_normal((1, 3))], rng=rng)


# -- broadcast patterns, specify_shape ------------------------------------------------------------
def test_addbroadcast_patternbroadcast(rng):
    x = T.dmatrix("x")
    y = T.addbroadcast(x, 0)
    assert y.broadcastable == (True, False)
    assert T.addbroadcast(y, 0) is y
    assert T.addbroadcast(x, -1).broadcastable == (False, True)
    f = function([x], y)
    np.testing.assert_array_equal(f(np.ones((1, 4))), np.ones((1, 4)))
    with pytest.raises(ValueError, match="length 1"):
        f(np.ones((2, 4)))
    p = T.patternbroadcast(y, (False, True))
    assert p.broadcastable == (False, True)
    np.testing.assert_array_equal(function([x], p)(np.ones((1, 1))), np.ones((1, 1)))
    with pytest.raises(ValueError, match="pattern"):
        T.patternbroadcast(x, (True,))
    with pytest.raises(ValueError, match="out of range"):
        T.addbroadcast(x, 2)
    # a broadcastable row now broadcasts against a matrix
    m = T.dmatrix("m")
    xv, mv = rng.standard_normal((1, 3)), rng.standard_normal((4, 3))
    np.testing.assert_allclose(function([x, m], T.addbroadcast(x, 0) + m)(xv, mv), xv + mv)
    verify_grad(lambda a, b: T.addbroadcast(a, 0) * b, [rng.standard_normal((1, 3)), mv], rng=rng)


def test_specify_shape(rng):
    x = T.dmatrix("x")
    n = T.lscalar("n")
    y = T.specify_shape(x, (n, 3))
    f = function([x, n], y)
    xv = rng.standard_normal((2, 3))
    np.testing.assert_array_equal(f(xv, 2), xv)
    with pytest.raises(ValueError, match=r"expected shape \(3, 3\)"):
        f(xv, 3)
    assert T.specify_shape(x, (1, 3)).broadcastable == (True, False)
    check_infer_shape(y, [x, n], [xv, 2])
    with pytest.raises(ValueError, match="dims"):
        T.specify_shape(x, (2,))
    verify_grad(lambda a: T.specify_shape(a, (2, 3)) * 3, [xv], rng=rng)


# -- tile ------------------------------------------------------------------------------------------
TILES = [((3,), (2,)), ((2, 3), (2, 1)), ((2, 3), (3,)), ((3,), (2, 2)), ((2, 1), (1, 4)), ((2, 3), (0, 2))]


def build_tile(case):
    shape, reps = case
    x = T.TensorType("float64", tuple(s == 1 for s in shape))("x")
    return [x], [T.tile(x, reps)], [case_rng().standard_normal(shape)]


@pytest.mark.parametrize("shape,reps", TILES)
def test_tile(mode, shape, reps):
    (xv,), (out,), (got,) = batched_case(mode, TILES, build_tile, (shape, reps))
    np.testing.assert_array_equal(got, np.tile(xv, reps))
    assert out.ndim == max(len(shape), len(reps))


def test_tile_symbolic_and_grad(rng):
    x = T.dmatrix("x")
    r = T.iscalar("r")
    xv = rng.standard_normal((2, 3))
    np.testing.assert_array_equal(function([x, r], T.tile(x, (r, 2)))(xv, 3), np.tile(xv, (3, 2)))
    verify_grad(lambda a: T.tile(a, (2, 3)), [xv], rng=rng)
