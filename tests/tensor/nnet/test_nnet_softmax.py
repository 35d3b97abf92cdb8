"""softmax / log_softmax vs numpy: rows, any axis, stability, dtypes, gradients."""
import numpy as np
import pytest

import transpile.tensor as T
from tests.batched import batched_verify_grad, case_rng
from transpile import function
from transpile.gradient import verify_grad


def np_softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def np_log_softmax(x, axis=-1):
    s = x - x.max(axis=axis, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=axis, keepdims=True))


def test_softmax_of_matrix_rows(rng):
    x = T.matrix()
    out = T.nnet.softmax(x)
    assert isinstance(out.owner.op, T.nnet.Softmax)
    assert str(out.owner.op) == "Softmax{axis=1}"
    xv = rng.standard_normal((4, 5))
    got = function([x], out)(xv)
    np.testing.assert_allclose(got, np_softmax(xv), rtol=1e-12)
    np.testing.assert_allclose(got.sum(axis=1), 1.0)


@pytest.mark.parametrize("shape,axis", [((5,), -1), ((5,), 0), ((2, 3, 4), -1), ((2, 3, 4), 1), ((2, 3, 4), 0)])
def test_softmax_and_log_softmax_any_axis(shape, axis, rng):
    x = T.TensorType("float64", (False,) * len(shape))()
    xv = rng.standard_normal(shape)
    sm, lsm = function([x], [T.nnet.softmax(x, axis=axis), T.nnet.log_softmax(x, axis=axis)])(xv)
    np.testing.assert_allclose(sm, np_softmax(xv, axis), rtol=1e-12)
    np.testing.assert_allclose(lsm, np_log_softmax(xv, axis), rtol=1e-12)


def test_large_values_are_stable():
    x = T.matrix()
    xv = np.array([[1000.0, 0.0, -1000.0], [1e308, 1e308, 0.0], [-1e4, -1e4 - 1, -1e4 - 2]])
    sm, lsm = function([x], [T.nnet.softmax(x), T.nnet.log_softmax(x)])(xv)
    assert np.all(np.isfinite(sm)) and np.all(np.isfinite(lsm))
    np.testing.assert_allclose(sm[0], [1, 0, 0], atol=1e-300)
    np.testing.assert_allclose(sm[1], [0.5, 0.5, 0])
    np.testing.assert_allclose(sm[2], np_softmax(np.array([0.0, -1, -2])))
    np.testing.assert_allclose(lsm[0], [0, -1000, -2000])
    np.testing.assert_allclose(lsm[2], np_log_softmax(np.array([0.0, -1, -2])))


def test_float32_stays_float32_and_ints_become_float(rng):
    x = T.fmatrix()
    out = T.nnet.softmax(x)
    assert out.dtype == "float32"
    xv = rng.standard_normal((3, 4)).astype("float32")
    got = function([x], out)(xv)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, np_softmax(xv), rtol=1e-5)
    i = T.imatrix()
    assert T.nnet.softmax(i).dtype == "float64"
    np.testing.assert_allclose(function([i], T.nnet.log_softmax(i))(np.array([[1, 2]], "int32")),
                               np_log_softmax(np.array([[1.0, 2.0]])))


def test_log_softmax_op_class_and_str():
    out = T.nnet.log_softmax(T.tensor3(), axis=-2)
    assert isinstance(out.owner.op, T.nnet.LogSoftmax)
    assert out.owner.op == T.nnet.LogSoftmax(1)
    assert str(out.owner.op) == "LogSoftmax{axis=1}"


def test_softmax_errors():
    with pytest.raises(TypeError, match="at least 1"):
        T.nnet.softmax(T.scalar())
    with pytest.raises(ValueError, match="out of range"):
        T.nnet.softmax(T.matrix(), axis=2)
    with pytest.raises(TypeError):
        T.nnet.softmax(T.matrix(), axis=1.5)


def test_infer_shape(rng):
    x = T.tensor3()
    for out in (T.nnet.softmax(x, 1), T.nnet.log_softmax(x)):
        (shp,) = out.owner.op.infer_shape(out.owner, [tuple(T.shape_i(x, d) for d in range(3))])
        assert tuple(int(s.eval({x: np.zeros((2, 3, 4))})) for s in shp) == (2, 3, 4)


def test_softmax_with_bias(rng):
    x, b = T.matrix(), T.vector()
    xv, bv = rng.standard_normal((3, 4)), rng.standard_normal(4)
    np.testing.assert_allclose(function([x, b], T.nnet.softmax_with_bias(x, b))(xv, bv), np_softmax(xv + bv))
    np.testing.assert_allclose(function([x], T.nnet.softmax_graph(x))(xv), np_softmax(xv))


#: one batched table (tests/batched.py): one native build
SOFTMAX_GRADS = [("softmax", (3, 4), -1), ("softmax", (4,), 0), ("softmax", (2, 3, 4), 1),
                 ("log_softmax", (3, 4), -1), ("log_softmax", (4,), 0), ("log_softmax", (2, 3, 4), 0)]


def build_softmax_grad(case):
    name, shape, axis = case
    return (lambda x: getattr(T.nnet, name)(x, axis)), [case_rng().standard_normal(shape)]


@pytest.mark.parametrize("shape,axis", [((3, 4), -1), ((4,), 0), ((2, 3, 4), 1)])
def test_softmax_grad(shape, axis, mode):
    batched_verify_grad(mode, SOFTMAX_GRADS, build_softmax_grad, ("softmax", shape, axis))


@pytest.mark.parametrize("shape,axis", [((3, 4), -1), ((4,), 0), ((2, 3, 4), 0)])
def test_log_softmax_grad(shape, axis, mode):
    batched_verify_grad(mode, SOFTMAX_GRADS, build_softmax_grad, ("log_softmax", shape, axis))


def test_log_softmax_grad_is_finite_for_large_inputs():
    x = T.matrix()
    g = T.grad(T.nnet.log_softmax(x)[:, 0].sum(), x)
    got = function([x], g)(np.array([[1000.0, 0.0, -1000.0]]))
    np.testing.assert_allclose(got, [[0, 0, 0]], atol=1e-12)


def test_softmax_and_log_softmax_second_derivatives(rng):
    w = np.arange(4.0)
    for f in (T.nnet.softmax, T.nnet.log_softmax):
        verify_grad(lambda v: T.grad(T.sum(f(v) * w), v), [rng.standard_normal(4)], rng=rng)


def test_log_of_softmax_becomes_log_softmax_in_fast_run(mode):
    x = T.matrix()
    f = function([x], T.log(T.nnet.softmax(x)))
    xv = np.array([[1000.0, 0.0, -1000.0]])
    ops = [type(n.op) for n in f.maker.fgraph.toposort()]
    if mode == "FAST_RUN":
        assert T.nnet.LogSoftmax in ops and T.nnet.Softmax not in ops
        np.testing.assert_allclose(f(xv), np_log_softmax(xv))
    else:
        assert T.nnet.Softmax in ops
