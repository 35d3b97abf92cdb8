"""A whole MLP training step (dot/gemm, tanh, softmax, cross-entropy with integer labels, their
gradients, SGD updates of shared variables) in the native backend against the reference,
step by step."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.compile.native_helpers import assert_same

pytestmark = pytest.mark.single_mode


def mlp_step(mode, sizes, lr, rng_seed, dtype):
    rng = np.random.default_rng(rng_seed)
    n_in, n_hidden, n_out = sizes
    W1 = transpile.shared((rng.normal(size=(n_in, n_hidden)) * 0.1).astype(dtype), name="W1")
    b1 = transpile.shared(np.zeros(n_hidden, dtype), name="b1")
    W2 = transpile.shared((rng.normal(size=(n_hidden, n_out)) * 0.1).astype(dtype), name="W2")
    b2 = transpile.shared(np.zeros(n_out, dtype), name="b2")
    x, y = T.tensor(dtype, (False, False), name="x"), T.ivector("y")
    hidden = T.tanh(T.dot(x, W1) + b1)
    prob = T.nnet.softmax(T.dot(hidden, W2) + b2)
    cost = T.mean(T.nnet.categorical_crossentropy(prob, y))
    params = [W1, b1, W2, b2]
    grads = T.grad(cost, params)
    updates = [(p, p - np.asarray(lr, dtype) * g) for p, g in zip(params, grads)]
    step = transpile.function([x, y], [cost, T.max(prob, axis=1)],
                              updates=updates, mode=mode)
    return step, params


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_mlp_training_step(dtype, rng):
    sizes = (12, 8, 3)
    native, native_params = mlp_step("NATIVE", sizes, 0.5, 7, dtype)
    reference, reference_params = mlp_step("FAST_COMPILE", sizes, 0.5, 7, dtype)
    X = rng.normal(size=(16, 12)).astype(dtype)
    Y = rng.integers(0, 3, 16).astype("int32")
    for _ in range(4):
        for got, want in zip(native(X, Y), reference(X, Y)):
            assert_same(got, want, "outputs")
    for p, q in zip(native_params, reference_params):
        assert_same(p.get_value(), q.get_value(), p.name)
    ops = {type(n.op).__name__ for n in native.maker.fgraph.toposort()}
    assert ops & {"Softmax", "CrossentropySoftmax1Hot", "CrossentropySoftmax1HotDx", "Dot22", "Gemm", "Dot"}
