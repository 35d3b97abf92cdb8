"""Shared variables stay in GPU memory between calls of a function placed on a GPU (device=cuda):
the first call uploads a value once, updates computed on the GPU are kept there, `get_value()`
copies back, `set_value()` drops the GPU copy. Run here under the CPU emulation of CUDA
(tests/emit/cuda_emulation/inprocess.py: the same generated library and the same caller, built
by g++ instead of nvcc); tests/cuda/ runs the same on a GPU."""
import copy
import pickle

import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.emit.cuda_emulation.inprocess import emulated_cuda
from transpile.compile.native import caller_module

pytestmark = [pytest.mark.single_mode, pytest.mark.slow]


def mlp_step(params, lr=0.5):
    """(x, y, cost, updates) of an SGD step of a one-hidden-layer classifier over `params`."""
    x, y = T.fmatrix("x"), T.ivector("y")
    W1, b1, W2 = params
    prob = T.nnet.softmax(T.dot(T.tanh(T.dot(x, W1) + b1), W2))
    cost = T.mean(T.nnet.categorical_crossentropy(prob, y))
    return x, y, cost, [(p, p - np.float32(lr) * g) for p, g in zip(params, T.grad(cost, params))]


def initial_params():
    rng = np.random.default_rng(0)
    return [rng.normal(scale=0.3, size=s).astype("float32") for s in [(6, 5), (5,), (5, 4)]]


def data():
    rng = np.random.default_rng(1)
    return rng.standard_normal((40, 6)).astype("float32"), (np.arange(40) % 4).astype("int32")


@pytest.fixture
def gpu(monkeypatch, tmp_path):
    with emulated_cuda(monkeypatch, tmp_path):
        yield


def test_a_training_step_keeps_its_parameters_on_the_gpu(gpu):
    params = [transpile.shared(v, name=n) for v, n in zip(initial_params(), ["W1", "b1", "W2"])]
    x, y, cost, updates = mlp_step(params)
    train = transpile.function([x, y], cost, updates=updates, mode="FAST_RUN")
    with transpile.config.change_flags(device="cpu"):
        cpu_params = [transpile.shared(v) for v in initial_params()]
        cx, cy, ccost, cupdates = mlp_step(cpu_params)
        reference = transpile.function([cx, cy], ccost, updates=cupdates, mode="FAST_COMPILE")
    xs, ys = data()
    costs = []
    for _ in range(4):
        costs.append(float(train(xs, ys)))
        np.testing.assert_allclose(costs[-1], reference(xs, ys), rtol=1e-5)
        for p in params:  # the updates stay in GPU memory: nothing was copied back
            assert p.container.where == "device"
            assert isinstance(p.container.device_value, caller_module().DeviceArray)
    assert costs[-1] < costs[0]
    for p, c in zip(params, cpu_params):
        np.testing.assert_allclose(p.get_value(), c.get_value(), rtol=1e-5, atol=1e-6)
        assert p.container.where == "both"  # get_value copied it back once; the GPU copy stays
    W2 = params[2].container.device_value
    assert (W2.shape, W2.dtype, W2.device) == ((5, 4), np.dtype("float32"), 0)
    assert repr(W2) == "DeviceArray(shape=(5, 4), dtype=float32, device=0)"


def test_a_value_read_only_on_the_gpu_is_uploaded_once(gpu):
    W = transpile.shared(initial_params()[0], name="W")
    x = T.fmatrix("x")
    predict = transpile.function([x], T.tanh(T.dot(x, W)), mode="FAST_RUN")
    xs = data()[0]
    want = np.tanh(xs @ W.get_value())
    np.testing.assert_allclose(predict(xs), want, rtol=1e-5, atol=1e-6)
    uploaded = W.container.device_value
    assert W.container.where == "both"
    np.testing.assert_allclose(predict(xs), want, rtol=1e-5, atol=1e-6)
    assert W.container.device_value is uploaded  # not uploaded again
    W.set_value(2 * W.get_value())
    assert W.container.where == "host"
    np.testing.assert_allclose(predict(xs), np.tanh(xs @ W.get_value()), rtol=1e-5, atol=1e-6)
    assert W.container.device_value is not uploaded


def test_cpu_functions_and_copies_see_the_gpu_updates(gpu):
    w = transpile.shared(np.arange(6, dtype="float32").reshape(2, 3), name="w")
    x = T.fmatrix("x")
    step = transpile.function([x], T.sum(T.dot(x, w)), updates=[(w, w * 0.5 + 1)], mode="FAST_RUN")
    with transpile.config.change_flags(device="cpu"):
        total = transpile.function([], T.sum(w), mode="FAST_RUN")
    step(np.ones((3, 2), dtype="float32"))
    assert w.container.where == "device"
    want = np.arange(6, dtype="float32").reshape(2, 3) * 0.5 + 1
    np.testing.assert_allclose(total(), want.sum())  # the CPU function reads the value back
    step(np.ones((3, 2), dtype="float32"))
    want = want * 0.5 + 1
    np.testing.assert_allclose(pickle.loads(pickle.dumps(w)).get_value(), want)
    np.testing.assert_allclose(copy.deepcopy(w).get_value(), want)
    assert w.container.where == "both"


def test_inputs_in_gpu_memory_are_checked_like_host_ones(gpu):
    w = transpile.shared(np.ones((2, 3), dtype="float32"), name="w")
    x = T.fmatrix("x")
    f = transpile.function([x], T.dot(x, w), mode="FAST_RUN")
    library = f.executor.library
    xs = np.arange(8, dtype="float32").reshape(4, 2)
    # x, read only by its copy to the GPU, may come in GPU memory too
    np.testing.assert_allclose(library.run([library.to_device(xs), library.to_device(w.get_value())])[0], f(xs))
    with pytest.raises(ValueError, match=r"\(4, 2\).*\(3, 3\)|\(3, 3\).*\(4, 2\)"):
        library.run([xs, library.to_device(np.ones((3, 3), dtype="float32"))])
    with pytest.raises(TypeError, match="expected a 2-d array of float32, got a 2-d DeviceArray of float64"):
        library.run([xs, library.to_device(np.ones((2, 3)))])
    np.testing.assert_allclose(f(xs), xs @ w.get_value())  # the state is still usable
    with transpile.config.change_flags(device="cpu"):
        cpu = transpile.function([x], T.dot(x, w), mode="FAST_RUN").executor.library
    with pytest.raises(TypeError, match="expected a 2-d ndarray of float32, got .*DeviceArray"):
        cpu.run([library.to_device(xs), w.get_value()])
    with pytest.raises(TypeError, match="this graph library runs on the CPU"):
        cpu.to_device(xs)
