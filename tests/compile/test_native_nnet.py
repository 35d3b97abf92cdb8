"""Softmax, log-softmax and the one-hot cross-entropies in the native backend against the
reference: every axis and layout, extreme logits, and the error cases (same exception types)."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.compile.native_helpers import compare, strided
from transpile.tensor.nnet import CrossentropyCategorical1HotGrad

pytestmark = [pytest.mark.single_mode, pytest.mark.filterwarnings("ignore::RuntimeWarning")]


def raises_alike(native, reference, args, kind, same_message=True):
    """Both functions raise `kind` on `args` (with the same first line of message)."""
    with pytest.raises(kind) as want:
        reference(*args)
    with pytest.raises(kind) as got:
        native(*args)
    if same_message:
        assert str(got.value).splitlines()[0] == str(want.value).splitlines()[0]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_softmax_every_axis(dtype, rng):
    """Last axis (rows), a non-last axis with contiguous trailing dims (column blocks), strided
    layouts (row by row), vectors; huge logits, rows of -inf, +inf and nan; the gradients."""
    x, t3, v = T.tensor(dtype, (False, False), name="x"), T.tensor(dtype, (False,) * 3, name="t3"), T.tensor(dtype, (False,), name="v")
    w = T.tensor(dtype, (False, False), name="w")
    nn = T.nnet
    outputs = [nn.softmax(x), nn.log_softmax(x), nn.softmax(x, axis=0), nn.log_softmax(x, axis=0),
               nn.softmax(t3, axis=1), nn.log_softmax(t3, axis=0), nn.softmax(t3), nn.softmax(v), nn.log_softmax(v),
               T.grad(T.sum(nn.softmax(x) * w), x), T.grad(T.sum(nn.log_softmax(x) * w), x)]
    big = 3e4 if dtype == "float64" else 3e3
    X = (rng.normal(size=(6, 300)) * big).astype(dtype)
    X[1] = -np.inf
    X[2, 7] = np.inf
    X[3, 11] = np.nan
    X[4] = 1e300 if dtype == "float64" else 1e30  # equal huge logits: uniform, no overflow
    W = rng.normal(size=(6, 300)).astype(dtype)
    T3 = (rng.normal(size=(3, 40, 7)) * big).astype(dtype)
    V = (rng.normal(size=33) * big).astype(dtype)
    finite = X[[0, 4, 5]]
    compare([x, t3, v, w], outputs,
            [[X, T3, V, W], [strided(X), strided(T3), V[::-1], strided(W)],
             [np.asfortranarray(finite), T3.transpose(1, 0, 2).copy().transpose(1, 0, 2), V, W[[0, 4, 5]]],
             [X[:0], T3[:, :0], V[:0], W[:0]], [X[:, :0], T3[:, :, :0], V[:0], W[:, :0]]])
    f = transpile.function([x], nn.softmax(x), mode="NATIVE")
    out = f(finite)
    assert np.all(np.isfinite(out)) and np.allclose(out.sum(axis=1), 1)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_crossentropies(dtype, rng):
    """CrossentropyCategorical1Hot and its gradient on probabilities; the fused softmax forms
    (FAST_RUN rewrites them in) on logits large enough for the naive graph to overflow."""
    x, p = T.tensor(dtype, (False, False), name="x"), T.tensor(dtype, (False, False), name="p")
    y, g = T.ivector("y"), T.tensor(dtype, (False,), name="g")
    nn = T.nnet
    c1, c2 = nn.categorical_crossentropy(p, y), nn.categorical_crossentropy(nn.softmax(x), y)
    outputs = [c1, T.grad(T.sum(c1 * g), p), c2, T.grad(T.sum(c2 * g), x)]
    X = (rng.normal(size=(7, 9)) * 20).astype(dtype)
    P = rng.uniform(0.01, 1, size=(7, 9)).astype(dtype)
    Y = rng.integers(0, 9, 7).astype("int32")
    G = rng.normal(size=7).astype(dtype)
    f = compare([x, p, y, g], outputs,
                [[X, P, Y, G], [strided(X), strided(P), strided(Y), G[::-1]], [X[:0], P[:0], Y[:0], G[:0]]])
    ops = {type(n.op).__name__ for n in f.maker.fgraph.toposort()}
    assert {"CrossentropyCategorical1Hot", "CrossentropyCategorical1HotGrad"} <= ops
    huge = X * (1e3 if dtype == "float32" else 1e5)
    cost = f(huge, P, Y, G)[2]
    if "CrossentropySoftmax1Hot" in ops:
        assert np.all(np.isfinite(cost))
    reference = transpile.function([x, p, y, g], outputs, mode="FAST_COMPILE")
    bad = Y.copy()
    bad[3] = 9
    raises_alike(f, reference, [X, P, bad, G], IndexError)
    bad[3] = -1
    raises_alike(f, reference, [X, P, bad, G], IndexError)
    raises_alike(f, reference, [X, P, Y[:5], G], ValueError)


def test_crossentropy_grad_op_broadcasts_g(rng):
    """The gradient op itself: numpy broadcasts a g of length 1 over the rows."""
    g, p, y = T.vector("g"), T.matrix("p"), T.lvector("y")
    out = CrossentropyCategorical1HotGrad()(g, p, y)
    P, Y = rng.uniform(0.1, 1, size=(4, 3)), np.array([2, 0, 1, 1])
    f = compare([g, p, y], [out], [[np.array([1.5]), P, Y], [rng.normal(size=4), P, Y]])
    raises_alike(f, transpile.function([g, p, y], [out], mode="FAST_COMPILE"), [np.ones(3), P, Y], ValueError,
                 same_message=False)
