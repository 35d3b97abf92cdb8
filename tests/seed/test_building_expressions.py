"""The seed's "Building expressions" slides, with `transpile` for `theano`, checked against numpy."""
import numpy as np

import transpile
from transpile import tensor as T


def test_scalar_math():
    x = T.scalar()
    y = T.scalar()
    z = x + y
    w = z * x
    a = T.sqrt(w)
    b = T.exp(a)
    c = a ** b
    d = T.log(c)
    f = transpile.function([x, y], [z, w, a, b, c, d])
    xv, yv = 1.5, 0.25
    zv = xv + yv
    wv = zv * xv
    av = np.sqrt(wv)
    bv = np.exp(av)
    cv = av ** bv
    expected = [zv, wv, av, bv, cv, np.log(cv)]
    for got, want in zip(f(xv, yv), expected):
        assert got.shape == () and got.dtype == np.float64
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_vector_math(rng):
    x = T.vector()
    y = T.vector()
    # Scalar math applied elementwise
    a = x * y
    # Vector dot product
    b = T.dot(x, y)
    # Broadcasting
    c = a + b
    assert b.ndim == 0 and c.ndim == 1
    f = transpile.function([x, y], [a, b, c])
    xv, yv = rng.normal(size=5), rng.normal(size=5)
    av, bv, cv = f(xv, yv)
    np.testing.assert_allclose(av, xv * yv)
    np.testing.assert_allclose(bv, np.dot(xv, yv))
    np.testing.assert_allclose(cv, xv * yv + np.dot(xv, yv))


def test_matrix_math(rng):
    x = T.matrix()
    y = T.matrix()
    a = T.vector()
    # Matrix-matrix product
    b = T.dot(x, y)
    # Matrix-vector product
    c = T.dot(x, a)
    f = transpile.function([x, y, a], [b, c])
    xv, yv, av = rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=4)
    bv, cv = f(xv, yv, av)
    np.testing.assert_allclose(bv, xv @ yv)
    np.testing.assert_allclose(cv, xv @ av)


def test_tensors(rng):
    tensor3 = T.TensorType(broadcastable=(False, False, False), dtype="float32")
    x = tensor3()
    assert x.type == T.TensorType("float32", (False, False, False))
    assert x.ndim == 3 and x.dtype == "float32"
    # same dimensionality: elementwise; broadcastable dims are duplicated to match
    y = T.TensorType("float32", (True, False, True))()
    f = transpile.function([x, y], x + y)
    xv = rng.normal(size=(2, 3, 4)).astype("float32")
    yv = rng.normal(size=(1, 3, 1)).astype("float32")
    out = f(xv, yv)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, xv + yv, rtol=1e-6)


def test_reductions(rng):
    tensor3 = T.TensorType(broadcastable=(False, False, False), dtype="float32")
    x = tensor3()
    total = x.sum()
    marginals = x.sum(axis=(0, 2))
    mx = x.max(axis=1)
    f = transpile.function([x], [total, marginals, mx])
    xv = rng.normal(size=(2, 3, 4)).astype("float32")
    t, m, mxv = f(xv)
    np.testing.assert_allclose(t, xv.sum(), rtol=1e-5)
    np.testing.assert_allclose(m, xv.sum(axis=(0, 2)), rtol=1e-5)
    np.testing.assert_array_equal(mxv, xv.max(axis=1))
    assert t.dtype == m.dtype == mxv.dtype == np.float32


def test_dimshuffle(rng):
    tensor3 = T.TensorType(broadcastable=(False, False, False), dtype="float32")
    x = tensor3()
    y = x.dimshuffle((2, 1, 0))
    a = T.matrix()
    b = a.T
    # Same as b
    c = a.dimshuffle((0, 1))
    # Adding to larger tensor
    d = a.dimshuffle((0, 1, "x"))
    e = a + d
    assert d.broadcastable == (False, False, True)
    assert e.ndim == 3
    f = transpile.function([x, a], [y, b, c, d, e])
    xv = rng.normal(size=(2, 3, 4)).astype("float32")
    av = rng.normal(size=(3, 3))
    yv, bv, cv, dv, ev = f(xv, av)
    np.testing.assert_array_equal(yv, xv.transpose(2, 1, 0))
    np.testing.assert_array_equal(bv, av.T)
    np.testing.assert_array_equal(cv, av)
    np.testing.assert_array_equal(dv, av[:, :, None])
    np.testing.assert_allclose(ev, av + av[:, :, None])
