"""A small CNN trained natively, step by step against the reference: conv2d + relu + max
pooling, conv2d + tanh + average pooling, a dense softmax layer and the mean cross-entropy,
with the SGD updates of every parameter in the same compiled function."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.compile.native_helpers import assert_same
from transpile.tensor.nnet import conv2d, pool_2d

pytestmark = pytest.mark.single_mode


def cnn_step(mode, dtype, seed):
    rng = np.random.default_rng(seed)

    def param(shape, name, scale=0.3):
        return transpile.shared((rng.normal(size=shape) * scale).astype(dtype), name=name)

    W1, b1 = param((4, 2, 3, 3), "W1"), param((4,), "b1", 0.1)
    W2, b2 = param((5, 4, 2, 2), "W2"), param((5,), "b2", 0.1)
    W3, b3 = param((20, 3), "W3"), param((3,), "b3", 0.1)
    x, y = T.tensor(dtype, (False,) * 4, name="x"), T.ivector("y")
    h1 = T.nnet.relu(conv2d(x, W1, border_mode="half") + b1.dimshuffle("x", 0, "x", "x"))
    p1 = pool_2d(h1, ws=(2, 2))
    h2 = T.tanh(conv2d(p1, W2, filter_flip=False) + b2.dimshuffle("x", 0, "x", "x"))
    p2 = pool_2d(h2, ws=(2, 2), ignore_border=False, mode="average_exc_pad")
    prob = T.nnet.softmax(T.dot(p2.flatten(2), W3) + b3)
    cost = T.mean(T.nnet.categorical_crossentropy(prob, y))
    params = [W1, b1, W2, b2, W3, b3]
    lr = np.asarray(0.2, dtype)
    updates = [(p, p - lr * g) for p, g in zip(params, T.grad(cost, params))]
    step = transpile.function([x, y], [cost, T.argmax(prob, axis=1)], updates=updates, mode=mode)
    return step, params


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_cnn_training_steps(dtype, rng):
    native, native_params = cnn_step("NATIVE", dtype, 3)
    reference, reference_params = cnn_step("FAST_COMPILE", dtype, 3)
    X = rng.normal(size=(6, 2, 9, 9)).astype(dtype)
    Y = rng.integers(0, 3, 6).astype("int32")
    costs = []
    for _ in range(4):
        got, want = native(X, Y), reference(X, Y)
        assert_same(got[0], want[0], "cost")
        costs.append(float(got[0]))
        for p, q in zip(native_params, reference_params):
            assert_same(p.get_value(), q.get_value(), p.name)
    assert costs[-1] < costs[0]
    ops = {type(n.op).__name__ for n in native.maker.fgraph.toposort()}
    assert {"Conv2d", "Conv2dGradInputs", "Conv2dGradWeights", "Pool", "MaxPoolGrad", "AveragePoolGrad"} <= ops
