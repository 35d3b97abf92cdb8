"""Categorical cross-entropy of a softmax: fused, stable, and its gradient fused too."""
import numpy as np
import pytest

import transpile.tensor as T
from transpile import function
from transpile.tensor.nnet.xent_softmax import CrossentropySoftmax1Hot, CrossentropySoftmax1HotDx
from tests.tensor.rewriting.rw_helpers import assert_close, compile_fn, fast_run, nodes


def np_nll(x, y):
    s = x - x.max(1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(1, keepdims=True))
    return -logp[np.arange(len(y)), y]


def np_softmax(x):
    e = np.exp(x - x.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def _has(f, cls):
    return any(isinstance(n.op, cls) for n in nodes(f))


def test_crossentropy_of_softmax_is_fused_and_stable(mode, rng):
    x, y = T.matrix("x"), T.ivector("y")
    f = compile_fn([x, y], T.nnet.categorical_crossentropy(T.nnet.softmax(x), y))
    xv = rng.normal(size=(4, 5))
    yv = np.array([0, 4, 2, 2], dtype="int32")
    assert_close(f(xv, yv), np_nll(xv, yv))
    big = xv * 1000
    with np.errstate(all="ignore"):
        out = f(big, yv)
    if fast_run(mode):
        assert _has(f, CrossentropySoftmax1Hot)
        assert np.all(np.isfinite(out))
        assert_close(out, np_nll(big, yv))
    else:
        assert np.isinf(out).any()  # -log(0) in the naive graph


def test_gradient_is_fused_and_stable(mode, rng):
    x, y = T.matrix("x"), T.ivector("y")
    cost = T.mean(T.nnet.categorical_crossentropy(T.nnet.softmax(x), y))
    gx = T.grad(cost, x)
    f = compile_fn([x, y], [cost, gx])
    xv = rng.normal(size=(4, 5))
    yv = np.array([1, 0, 3, 4], dtype="int32")
    onehot = np.eye(5)[yv]
    c, g = f(xv, yv)
    assert_close(c, np_nll(xv, yv).mean())
    assert_close(g, (np_softmax(xv) - onehot) / 4)
    if fast_run(mode):
        assert _has(f, CrossentropySoftmax1HotDx)
        big = xv * 1000
        c, g = f(big, yv)
        assert np.isfinite(c) and np.all(np.isfinite(g))
        assert_close(g, (np_softmax(big) - onehot) / 4)


def test_mlp_training_graph(mode, rng):
    x, y = T.matrix("x"), T.ivector("y")
    W, b = T.matrix("W"), T.vector("b")
    p = T.nnet.softmax(T.dot(x, W) + b)
    cost = T.mean(T.nnet.categorical_crossentropy(p, y))
    gW, gb = T.grad(cost, [W, b])
    f = compile_fn([x, y, W, b], [cost, gW, gb])
    ref = function([x, y, W, b], [cost, gW, gb], mode="FAST_COMPILE")
    args = (rng.normal(size=(6, 3)), np.array([0, 1, 2, 3, 0, 1], dtype="int32"),
            rng.normal(size=(3, 4)), rng.normal(size=4))
    for got, want in zip(f(*args), ref(*args)):
        assert_close(got, want)


def test_label_errors_are_kept(mode, rng):
    x, y = T.matrix("x"), T.ivector("y")
    f = compile_fn([x, y], T.nnet.categorical_crossentropy(T.nnet.softmax(x), y))
    with pytest.raises(IndexError, match="out of range"):
        f(rng.normal(size=(2, 3)), np.array([0, 3], dtype="int32"))
    with pytest.raises(IndexError, match="out of range"):
        f(rng.normal(size=(2, 3)), np.array([0, -1], dtype="int32"))


def test_one_hot_targets_use_log_softmax(mode, rng):
    x, t = T.matrix("x"), T.matrix("t")
    f = compile_fn([x, t], T.nnet.categorical_crossentropy(T.nnet.softmax(x), t))
    xv = rng.normal(size=(3, 4)) * 1000
    tv = np.eye(4)[[0, 1, 3]]
    with np.errstate(all="ignore"):
        out = f(xv, tv)
    if fast_run(mode):
        assert np.all(np.isfinite(out))
        assert_close(out, np_nll(xv, np.array([0, 1, 3])))


def test_float32(mode, rng):
    x, y = T.fmatrix("x"), T.ivector("y")
    f = compile_fn([x, y], T.nnet.categorical_crossentropy(T.nnet.softmax(x), y))
    xv = rng.normal(size=(3, 4)).astype("float32")
    yv = np.array([0, 1, 2], dtype="int32")
    out = f(xv, yv)
    assert out.dtype == np.float32
    assert_close(out, np_nll(xv.astype("float64"), yv), np.float32)


@pytest.mark.single_mode
def test_ops_directly(rng):
    x, y, g = T.matrix("x"), T.ivector("y"), T.vector("g")
    sm = T.matrix("sm")
    nll = function([x, y], CrossentropySoftmax1Hot()(x, y), mode="FAST_COMPILE")
    dx = function([g, sm, y], CrossentropySoftmax1HotDx()(g, sm, y), mode="FAST_COMPILE")
    xv = rng.normal(size=(3, 4))
    yv = np.array([3, 0, 1], dtype="int32")
    assert_close(nll(xv, yv), np_nll(xv, yv))
    gv = rng.normal(size=3)
    smv = np_softmax(xv)
    assert_close(dx(gv, smv, yv), gv[:, None] * (smv - np.eye(4)[yv]))
    with pytest.raises(ValueError, match="rows"):
        dx(gv[:2], smv, yv)
    with pytest.raises(NotImplementedError, match="after differentiation"):
        T.grad(T.sum(CrossentropySoftmax1HotDx()(g, sm, y)), sm)
    gx = function([x, y], T.grad(T.sum(CrossentropySoftmax1Hot()(x, y)), x), mode="FAST_COMPILE")
    assert_close(gx(xv, yv), smv - np.eye(4)[yv])
