"""Exercises 01_basics/01_building_expressions (scalar, vector_mat, tensor) of the tutorial's
exercise repository, with `transpile` for `theano`, checked against numpy."""
import numpy as np
import pytest

import transpile
from transpile import function
from transpile import tensor as T


def _tensor(ndim, dtype="float32"):
    """A tensor variable with `ndim` non-broadcastable dimensions."""
    return T.TensorType(broadcastable=(False,) * ndim, dtype=dtype)()


# -- 01_scalar ---------------------------------------------------------------------------------
def test_scalar_log_and_add():
    """01_scalar: two scalars a, b; compile a + log(b); f(1, 2) == 1 + log 2."""
    a = T.scalar()
    b = T.scalar()
    d = a + T.log(b)
    assert d.ndim == 0 and d.dtype == a.dtype == transpile.config.floatX
    f = function([a, b], d)
    out = f(np.asarray(1.0, dtype=a.dtype), np.asarray(2.0, dtype=b.dtype))
    assert out.shape == () and out.dtype == np.dtype(d.dtype)
    np.testing.assert_allclose(out, 1.0 + np.log(2.0))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_scalar_log_and_add_many_points(dtype, rng):
    """01_scalar, more points and both float dtypes; log of a negative number is NaN, as in numpy."""
    a = T.scalar(dtype=dtype)
    b = T.scalar(dtype=dtype)
    f = function([a, b], a + T.log(b))
    for av, bv in rng.uniform(0.1, 10.0, size=(5, 2)).astype(dtype):
        out = f(av, bv)
        assert out.dtype == np.dtype(dtype)
        np.testing.assert_allclose(out, av + np.log(bv), rtol=1e-6)
    with np.errstate(invalid="ignore"):
        assert np.isnan(f(np.asarray(1, dtype), np.asarray(-1, dtype)))


# -- 02_vector_mat -----------------------------------------------------------------------------
def test_vector_matrix_products(rng):
    """02_vector_mat: elementwise product of two vectors, then a matrix-vector product."""
    a = T.vector()
    b = T.vector()
    c = a * b
    d = T.matrix()
    e = T.dot(d, c)
    assert (c.ndim, d.ndim, e.ndim) == (1, 2, 1)
    f = function([a, b, d], e)
    av = rng.normal(size=5).astype(a.dtype)
    bv = rng.uniform(size=5).astype(b.dtype)
    dv = rng.normal(size=(5, 5)).astype(d.dtype)
    np.testing.assert_allclose(f(av, bv, dv), dv @ (av * bv), rtol=1e-12)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("m, n", [(1, 1), (3, 5), (7, 2)])
def test_vector_matrix_products_shapes(dtype, m, n, rng):
    """02_vector_mat on non-square shapes and both float dtypes; mismatched lengths raise."""
    a = T.vector(dtype=dtype)
    b = T.vector(dtype=dtype)
    d = T.matrix(dtype=dtype)
    f = function([a, b, d], [a * b, T.dot(d, a * b)])
    av = rng.normal(size=n).astype(dtype)
    bv = rng.normal(size=n).astype(dtype)
    dv = rng.normal(size=(m, n)).astype(dtype)
    c_out, e_out = f(av, bv, dv)
    assert c_out.dtype == e_out.dtype == np.dtype(dtype)
    assert e_out.shape == (m,)
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(c_out, av * bv, rtol=tol)
    np.testing.assert_allclose(e_out, dv @ (av * bv), rtol=tol, atol=tol)
    with pytest.raises(ValueError):
        f(av, rng.normal(size=n + 1).astype(dtype), dv)
    with pytest.raises(ValueError):
        f(av, bv, rng.normal(size=(m, n + 1)).astype(dtype))


# -- 03_tensor ---------------------------------------------------------------------------------
def _broadcasted_add(a, b):
    """c[i, j, k, l] = a[l, k, i] + b[i, j, k, l]."""
    return a.dimshuffle(2, "x", 1, 0) + b


def _partial_max(a):
    """b[i, j] = max over k, l of a[i, k, l, j]."""
    return a.max(axis=(1, 2))


def test_tensor_broadcast_and_partial_max(rng):
    """03_tensor: make 3-d and 4-d float32 tensors with no broadcastable dimension, add them with
    the 3-d one transposed and broadcast along axis 1, then take the max over axes 1 and 2."""
    a = _tensor(3)
    b = _tensor(4)
    assert a.broadcastable == (False,) * 3 and b.broadcastable == (False,) * 4
    assert a.dtype == b.dtype == "float32"
    c = _broadcasted_add(a, b)
    assert c.ndim == 4 and c.broadcastable == (False,) * 4
    d = _partial_max(c)
    assert d.ndim == 2
    f = function([a, b], d)
    av = rng.normal(size=(2, 2, 2)).astype(a.dtype)
    bv = rng.uniform(size=(2, 2, 2, 2)).astype(b.dtype)
    cv = np.transpose(av, (2, 1, 0))[:, None, :, :] + bv
    out = f(av, bv)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, cv.max(axis=1).max(axis=1), rtol=1e-6)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32"])
def test_tensor_broadcast_and_partial_max_uneven_shapes(dtype, rng):
    """03_tensor with every dimension of a different length (so a wrong transpose or a wrong
    reduction axis cannot go unnoticed) and several dtypes, element by element against the
    exercise's index formulas."""
    a = _tensor(3, dtype)
    b = _tensor(4, dtype)
    c = _broadcasted_add(a, b)
    f = function([a, b], [c, _partial_max(c)])
    # b is (I, J, K, L); a is (L, K, I)
    av = (rng.normal(size=(2, 3, 4)) * 10).astype(dtype)
    bv = (rng.normal(size=(4, 5, 3, 2)) * 10).astype(dtype)
    c_out, d_out = f(av, bv)
    assert c_out.shape == (4, 5, 3, 2) and c_out.dtype == np.dtype(dtype)
    for i, j, k, l in np.ndindex(*c_out.shape):
        assert c_out[i, j, k, l] == av[l, k, i] + bv[i, j, k, l]
    assert d_out.shape == (4, 2)
    for i, j in np.ndindex(*d_out.shape):
        assert d_out[i, j] == c_out[i, :, :, j].max()


def test_tensor_broadcast_needs_matching_lengths(rng):
    """03_tensor: the dims that are not broadcastable must agree in length (Theano's rule)."""
    a = _tensor(3)
    b = _tensor(4)
    f = function([a, b], _partial_max(_broadcasted_add(a, b)))
    with pytest.raises(ValueError):
        f(rng.normal(size=(2, 3, 4)).astype("float32"), rng.normal(size=(4, 5, 3, 3)).astype("float32"))


@pytest.mark.single_mode
def test_tensor_wrong_ndim_is_a_type_error():
    """03_tensor: a dimshuffle must keep every non-broadcastable dimension, and a compiled
    function rejects an input of the wrong rank."""
    a = _tensor(3)
    with pytest.raises((TypeError, ValueError)):
        a.dimshuffle(2, "x", 1)  # a dimshuffle must mention every input dimension
    f = function([a], a.sum())
    with pytest.raises((TypeError, ValueError)):
        f(np.zeros((2, 2), dtype="float32"))
