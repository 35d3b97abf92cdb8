"""log(sum(exp(x))) and its gradient made stable in FAST_RUN (tensor/rewriting/logsumexp.py):
values and gradients at extreme inputs against a stable numpy formula; FAST_COMPILE keeps the
naive reference semantics (inf, NaN), and `T.logsumexp` is stable in every mode."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.tensor.rewriting.rw_helpers import assert_close, fast_run, scalar_names


def lse(a, axis=None, keepdims=False):
    """The stable numpy formula: max + log(sum(exp(a - max)))."""
    top = np.max(a, axis=axis, keepdims=True)
    out = top + np.log(np.sum(np.exp(a - top), axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis) if axis is not None else out.reshape(())


def softmax(a, axis=None):
    e = np.exp(a - np.max(a, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


V = np.array([1000.0, 1000.0, 999.0])
M = np.array([[1000.0, -1000.0, 3.0], [-1000.0, -1000.0, -999.0], [0.5, 0.25, -0.5]])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_naive_logsumexp_and_its_gradient_are_stable_in_fast_run(mode, dtype):
    v, m = T.vector("v", dtype=dtype), T.matrix("m", dtype=dtype)
    naive_v = T.log(T.sum(T.exp(v)))
    naive_rows = T.log(T.sum(T.exp(m), axis=1))
    naive_cols = T.log(T.sum(T.exp(m), axis=0, keepdims=True))
    weights = np.array([1.0, 2.0, 3.0], dtype)
    outs = [naive_v, naive_rows, naive_cols, T.grad(naive_v, v), T.grad((naive_rows * weights).sum(), m),
            T.grad(naive_cols.sum(), m)]
    f = transpile.function([v, m], outs, mode=mode)
    Vd, Md = V.astype(dtype), M.astype(dtype)
    with np.errstate(all="ignore"):
        got = f(Vd, Md)
    expected = [lse(V), lse(M, 1), lse(M, 0, keepdims=True), softmax(V),
                softmax(M, 1) * weights[:, None], softmax(M, 0)]
    if not fast_run(mode):  # the reference semantics: exp(1000) overflows
        assert np.isinf(got[0]) and np.isnan(got[3]).all()
        return
    for g, e in zip(got, expected):
        assert g.dtype == dtype
        assert_close(g, e, np.dtype(dtype))
    assert "Exp" in scalar_names(f)  # the shifted form computes exp(x - max)


def test_moderate_values_agree_with_the_naive_form(mode, rng):
    m = T.matrix("m")
    f = transpile.function([m], [T.log(T.exp(m).sum(axis=1)), T.grad(T.log(T.exp(m).sum()), m)], mode=mode)
    X = rng.normal(size=(4, 5))
    got = f(X)
    assert_close(got[0], np.log(np.exp(X).sum(axis=1)))
    assert_close(got[1], np.exp(X) / np.exp(X).sum())


def test_logsumexp_is_stable_in_every_mode(mode):
    v, m = T.vector("v"), T.matrix("m")
    outs = [T.logsumexp(v), T.logsumexp(m, axis=1), T.logsumexp(m, axis=(0, 1), keepdims=True),
            T.logsumexp(m, axis=-2), T.grad(T.logsumexp(v), v), T.grad(T.logsumexp(m, axis=1).sum(), m)]
    f = transpile.function([v, m], outs, mode=mode)
    got = f(V, M)
    expected = [lse(V), lse(M, 1), lse(M, (0, 1), keepdims=True), lse(M, 0), softmax(V), softmax(M, 1)]
    for g, e in zip(got, expected):
        assert g.shape == np.shape(e)
        assert_close(g, e)
    inf = np.inf  # all -inf gives -inf and a +inf gives +inf (no inf - inf)
    with np.errstate(all="ignore"):  # (the gradient of an all -inf row is undefined)
        special = f(np.array([-inf, -inf]), np.array([[inf, 0.0], [-inf, 1.0]]))
    assert special[0] == -inf and special[1].tolist() == [inf, 1.0]
    transpile.gradient.verify_grad(lambda a: T.logsumexp(a, axis=1), [np.random.default_rng(3).normal(size=(3, 4))],
                                   rng=np.random.default_rng(4))
