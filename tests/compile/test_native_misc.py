"""Argmax/argmin and contractions (tensordot, batched tensordot, batched_dot) in the native
backend against the reference executor: every axis subset, ties and NaNs, several dtypes,
strided and transposed operands, and the error cases."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.compile.native_helpers import compare, strided
from transpile.tensor.blas_tensordot import batched_tensordot
from transpile.tensor.stats import Argmax, Argmin

pytestmark = pytest.mark.single_mode

SUBSETS = [(), (0,), (1,), (2,), (0, 1), (0, 2), (1, 2), (0, 1, 2)]


def _layouts(value):
    """A 3-d value as given, strided, and transposed in memory."""
    return [value, strided(value), np.ascontiguousarray(value.transpose(2, 0, 1)).transpose(1, 2, 0)]


def test_argmax_argmin_every_axis_subset(rng):
    x, f, i, b = T.tensor3("x"), T.ftensor3("f"), T.itensor3("i"), T.tensor3("b", dtype="bool")
    c = T.tensor3("c", dtype="complex128")
    outputs = [fn(x, axis=axes) for axes in SUBSETS for fn in (T.argmax, T.argmin)]
    outputs += [Argmax((2, 0))(x), Argmin((1, 0))(x), T.argmax(x, axis=1, keepdims=True), T.argmax(x, axis=-1)]
    outputs += [fn(v, axis=axes) for v in (f, i, b) for axes in ((1,), (0, 2), None) for fn in (T.argmax, T.argmin)]
    outputs += [T.argmax(c, axis=1), T.argmin(c)]
    X = rng.integers(-3, 4, (3, 4, 5)).astype("float64")  # many ties: the first one wins
    X[1, 2, 3] = X[2, 0, 1] = np.nan  # the first NaN wins
    X[0] = np.nan
    F = (rng.normal(size=(3, 4, 5)) * 3).astype("float32")
    F[1, 1, 1] = np.nan
    I, B = rng.integers(-9, 9, (3, 4, 5)).astype("int32"), rng.random((3, 4, 5)) > 0.7
    C = rng.integers(0, 2, (3, 4, 5)) + 1j * rng.integers(0, 3, (3, 4, 5))
    C[2, 1, 1] = complex(1, np.nan)
    calls = [list(vs) for vs in zip(*[_layouts(v) for v in (X, F, I, B, C)])]
    calls.append([X[:1, :1, :1], F[:1, :1, :1], I[:1, :1, :1], B[:1, :1, :1], C[:1, :1, :1]])
    compare([x, f, i, b, c], outputs, calls)


def test_argmax_of_an_empty_axis_raises_like_the_reference():
    x = T.tensor3("x")
    outputs = [T.argmax(x, axis=1), T.argmin(x, axis=(0, 2))]
    native = transpile.function([x], outputs, mode="NATIVE")
    reference = transpile.function([x], outputs, mode="FAST_COMPILE")
    for value in (np.zeros((2, 0, 3)), np.zeros((0, 2, 3)), np.zeros((2, 3, 0))):
        with pytest.raises(ValueError, match="empty"):
            reference(value)
        with pytest.raises(ValueError, match="empty"):
            native(value)
    got = native(np.zeros((2, 3, 4)))
    assert got[0].shape == (2, 4) and got[1].shape == (3,)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_tensordot_and_batched_dot(dtype, rng):
    def t(name, ndim, d=dtype):
        return T.tensor(d, (False,) * ndim, name=name)
    a, b, m, v = t("a", 3), t("b", 4), t("m", 2), t("v", 1)
    p, q, i = t("p", 3), t("q", 3), t("i", 3, "int32")
    outputs = [T.tensordot(a, b, [[1, 2], [0, 3]]), T.tensordot(a, m, 1), T.tensordot(a, b, [[2, 1], [3, 0]]),
               T.tensordot(a.dimshuffle(2, 0, 1), b, [[0], [3]]), T.tensordot(a, v, [[2], [0]]),
               T.tensordot(a, a, 3), T.tensordot(a, b, 0).sum(axis=(0, 6)), T.tensordot(m, b, [[1, 0], [1, 3]]),
               T.batched_dot(p, q.dimshuffle(0, 2, 1)), T.batched_dot(p, q.dimshuffle(0, 2, 1)[:, :, :2]), T.batched_dot(p[:, 0], q[:, 0]),
               batched_tensordot(p, b[:p.shape[0]], [[2], [3]]), batched_tensordot(p, p, [[1, 2], [1, 2]]),
               T.tensordot(i, i, [[0, 1], [0, 1]]), T.tensordot(i, a, [[2], [2]]), T.batched_dot(i, p[:2].dimshuffle(0, 2, 1)), T.tensordot(a, a, [[0], [0]])]
    A, B = rng.normal(size=(2, 4, 5)).astype(dtype), rng.normal(size=(4, 3, 2, 5)).astype(dtype)
    M, V = rng.normal(size=(5, 3)).astype(dtype), rng.normal(size=5).astype(dtype)
    P, Q = rng.normal(size=(3, 4, 5)).astype(dtype), rng.normal(size=(3, 4, 5)).astype(dtype)
    I = rng.integers(-4, 5, (2, 4, 5)).astype("int32")
    calls = [[A, B, M, V, P, Q, I],
             [strided(A), np.asfortranarray(B), M.T.copy().T, V[::-1], strided(P), np.asfortranarray(Q), strided(I)],
             [A[:0], B, M, V, P[:0], Q[:0], I[:0]]]  # empty; nothing summed in a.a over axis 0
    compare([a, b, m, v, p, q, i], outputs, calls)


def test_contraction_shape_errors():
    a, b, p, q = T.tensor3("a"), T.tensor3("b"), T.tensor3("p"), T.tensor3("q")
    outputs = [T.tensordot(a, b, [[1, 2], [0, 1]]), T.batched_dot(p, q), batched_tensordot(p, q, [[2], [1]])]
    native = transpile.function([a, b, p, q], outputs, mode="NATIVE")
    reference = transpile.function([a, b, p, q], outputs, mode="FAST_COMPILE")
    good = [np.ones((2, 3, 4)), np.ones((3, 4, 5)), np.ones((2, 3, 4)), np.ones((2, 4, 5))]
    for g, w in zip(native(*good), reference(*good)):
        np.testing.assert_allclose(g, w)
    for k, bad in [(1, np.ones((3, 3, 5))), (3, np.ones((3, 4, 5))), (3, np.ones((2, 5, 5)))]:
        values = list(good)
        values[k] = bad
        with pytest.raises(ValueError):
            reference(*values)
        with pytest.raises(ValueError):
            native(*values)
