"""h_softmax (Theano's two-level hierarchical softmax) vs a numpy reference, with and without
targets; gradients; errors; native lowering."""
import numpy as np
import pytest

import transpile.tensor as T
from transpile import function
from transpile.gradient import verify_grad
from transpile.tensor.nnet import h_softmax


def np_softmax(a):
    e = np.exp(a - a.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def ref_h_softmax(x, n_outputs, W1, b1, W2, b2):
    """Every output's probability: P(class) * P(output | class), loops over classes."""
    class_probs = np_softmax(x @ W1 + b1)
    cols = [class_probs[:, [c]] * np_softmax(x @ W2[c] + b2[c]) for c in range(W2.shape[0])]
    return np.concatenate(cols, axis=1)[:, :n_outputs]


def _params(rng, n_in, n_classes, per_class):
    return (rng.standard_normal((n_in, n_classes)), rng.standard_normal(n_classes),
            rng.standard_normal((n_classes, n_in, per_class)), rng.standard_normal((n_classes, per_class)))


@pytest.mark.parametrize("batch,n_in,n_outputs,n_classes,per_class", [(4, 3, 10, 4, 3), (3, 5, 9, 3, 3), (1, 2, 5, 5, 1)])
def test_matches_reference(batch, n_in, n_outputs, n_classes, per_class, rng):
    x, W1, b1, W2, b2 = T.dmatrix(), T.dmatrix(), T.dvector(), T.dtensor3(), T.dmatrix()
    t = T.ivector()
    full = h_softmax(x, batch, n_outputs, n_classes, per_class, W1, b1, W2, b2)
    picked = h_softmax(x, batch, n_outputs, n_classes, per_class, W1, b1, W2, b2, target=t)
    xv = rng.standard_normal((batch, n_in))
    params = _params(rng, n_in, n_classes, per_class)
    tv = rng.integers(0, n_outputs, batch).astype("int32")
    got_full, got_picked = function([x, W1, b1, W2, b2, t], [full, picked])(xv, *params, tv)
    want = ref_h_softmax(xv, n_outputs, *params)
    np.testing.assert_allclose(got_full, want, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(got_picked, want[np.arange(batch), tv], rtol=1e-12, atol=1e-14)
    if n_outputs == n_classes * per_class:  # a proper distribution over the outputs
        np.testing.assert_allclose(got_full.sum(axis=1), 1.0, rtol=1e-12)


def test_grad(rng):
    xv = rng.standard_normal((3, 4))
    params = _params(rng, 4, 3, 2)
    target = T.constant(np.array([0, 5, 3], dtype="int32"))
    verify_grad(lambda x, W1, b1, W2, b2: h_softmax(x, 3, 5, 3, 2, W1, b1, W2, b2), [xv, *params], rng=rng)
    verify_grad(lambda x, W1, b1, W2, b2: h_softmax(x, 3, 6, 3, 2, W1, b1, W2, b2, target=target),
                [xv, *params], rng=rng)


def test_errors():
    x, W1, b1, W2, b2 = T.dmatrix(), T.dmatrix(), T.dvector(), T.dtensor3(), T.dmatrix()
    with pytest.raises(ValueError, match="n_outputs"):
        h_softmax(x, 2, 10, 3, 3, W1, b1, W2, b2)
    with pytest.raises(TypeError, match="W2 must be 3-d"):
        h_softmax(x, 2, 6, 3, 2, W1, b1, T.dmatrix(), b2)
    with pytest.raises(TypeError, match="integer labels"):
        h_softmax(x, 2, 6, 3, 2, W1, b1, W2, b2, target=T.dvector())


@pytest.mark.single_mode
def test_lower_natively(rng):
    """mode="NATIVE" refuses any op without a C++ lowering: h_softmax is made of lowered ops."""
    x, W1, b1, W2, b2 = T.dmatrix(), T.dmatrix(), T.dvector(), T.dtensor3(), T.dmatrix()
    t = T.ivector()
    outs = [h_softmax(x, 4, 7, 3, 3, W1, b1, W2, b2), h_softmax(x, 4, 7, 3, 3, W1, b1, W2, b2, target=t)]
    outs += T.grad(T.sum(T.log(outs[1])), [W1, W2])
    vals = [rng.standard_normal((4, 5)), *_params(rng, 5, 3, 3), np.array([0, 6, 2, 4], dtype="int32")]
    got = function([x, W1, b1, W2, b2, t], outs, mode="NATIVE")(*vals)
    want = function([x, W1, b1, W2, b2, t], outs, mode="FAST_COMPILE")(*vals)
    for a, e in zip(got, want):
        np.testing.assert_allclose(a, e, rtol=1e-10, atol=1e-12)
