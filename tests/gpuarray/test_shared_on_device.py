"""Shared variables stay in GPU memory between calls of a function placed on a GPU (device=cuda):
the first call uploads a value once, updates computed on the GPU are kept there, `get_value()`
copies back, `set_value()` drops the GPU copy. Run here under the CPU emulation of CUDA
(tests/emit/cuda_emulation/inprocess.py: the same generated library and the same caller, built
by g++ instead of nvcc); tests/cuda/ runs the same on a GPU."""
import copy
import ctypes
import pickle
import re

import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.emit.cuda_emulation.build import build_project
from tests.emit.cuda_emulation.inprocess import emulated_cuda
from transpile.compile.mode import get_mode
from transpile.compile.native import caller_module
from transpile.emit import lower
from transpile.emit.cuda.placement import place_on_device
from transpile.emit.program import DTYPE_CODES, MAX_NDIM
from transpile.emit.render import render
from transpile.graph.fg import FunctionGraph

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
    W2 = params[2].get_value(return_internal_type=True)
    assert W2 is params[2].container.device_value
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


def test_an_update_target_the_graph_does_not_read_stays_on_the_gpu(gpu):
    """`result <- f(x)` with `result` read by nothing: its value kept on the GPU by the last call
    is not copied back to the host to be passed in again (a 400 MB result cost 16 ms a call on an
    H200 before)."""
    x = transpile.shared(np.arange(5, dtype="float32"), name="x")
    result = transpile.shared(np.zeros(5, "float32"), name="result")
    step = transpile.function([], [], updates=[(result, T.exp(x) * 2)], mode="FAST_RUN")
    reads = []

    class Watched(type(result.container)):  # counts the caller's reads of the host value
        @property
        def value(self):
            reads.append(self.where)
            return super().value

        @value.setter
        def value(self, value):
            type(result.container).value.fset(self, value)

    result.container.__class__ = Watched
    for _ in range(3):
        step()
        assert result.container.where == "device"
    assert reads == ["host"]  # the first call passes the host value as it is, and never asks again
    np.testing.assert_allclose(result.get_value(), np.exp(np.arange(5, dtype="float32")) * 2, rtol=1e-6)


def test_an_update_computed_on_the_gpu_becomes_the_shared_value_without_a_copy(gpu, tmp_path):
    """The GPU array an update computes, read by nothing after, is handed over as the new value
    (`tr::cu::hand_over`); a transposed view of one is copied (it is not the whole allocation)."""
    start = np.arange(9, dtype="float32").reshape(3, 3)
    for transpose in (False, True):
        w = transpile.shared(start, name="w")
        new = w * 0.5 + 1
        step = transpile.function([], [], updates=[(w, new.T if transpose else new)], mode="FAST_RUN")
        want = start
        for _ in range(3):
            step()
            want = (want * 0.5 + 1).T if transpose else want * 0.5 + 1
            assert w.container.where == "device"
        np.testing.assert_allclose(w.get_value(), want)
    sources = [p.read_text() for p in tmp_path.glob("*/src/tg_*.cpp") if "_kernels" not in p.name]
    assert len(sources) == 2 and sorted("tr::cu::hand_over(" in s for s in sources) == [False, True]


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


# -- the C ABI of a CUDA library (ctypes on the emulated build: GPU memory is host memory there) --
class Tensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("dtype", ctypes.c_int32), ("ndim", ctypes.c_int32),
                ("shape", ctypes.c_int64 * MAX_NDIM), ("strides", ctypes.c_int64 * MAX_NDIM),
                ("memory", ctypes.c_int32), ("device", ctypes.c_int32)]


HOST, DEVICE = 0, 1


def describe(array, memory=HOST, device=0):
    t = Tensor(array.ctypes.data, DTYPE_CODES[array.dtype.name], array.ndim)
    for d, n in enumerate(array.shape):
        t.shape[d], t.strides[d] = n, array.strides[d] // array.itemsize
    t.memory, t.device = memory, device
    return t


def c_library(tmp_path):
    """(ctypes library, its name prefix, a state) for y = exp(x) * w + 1 with x read on the
    host too (a repeat, with no CUDA rule: a host output) and w only on the GPU."""
    x, w = T.dmatrix("x"), T.dmatrix("w")
    fg = FunctionGraph([x, w], [T.exp(x) * w + 1, T.repeat(x, 1, axis=0)])
    get_mode("FAST_RUN").optimize(fg)
    with pytest.warns(UserWarning, match="Repeat has no CUDA rule"):
        place_on_device(fg)
    project = render(lower(fg, ["x", "w"], ["y", "total"], target="cuda"))
    lib = ctypes.CDLL(str(build_project(project.files, tmp_path)))
    name = project.name
    for fn in ("run", "to_device", "to_host", "create", "set_stream"):
        getattr(lib, f"{name}_{fn}").restype = ctypes.c_int32
    getattr(lib, f"{name}_last_error").restype = ctypes.c_char_p
    state = ctypes.c_void_p()
    assert getattr(lib, f"{name}_create")(ctypes.byref(state)) == 0
    return lib, name, state, fg


def test_the_c_abi_takes_and_returns_arrays_in_gpu_memory(tmp_path):
    lib, name, state, fg = c_library(tmp_path)
    call = lambda fn, *args: getattr(lib, f"{name}_{fn}")(*args)  # noqa: E731
    error = lambda: call("last_error", state).decode()  # noqa: E731
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((3, 4)), rng.standard_normal((4, 3)).T  # w strided in "GPU memory"
    want = np.exp(x) * w + 1
    placed = [bool(call("input_on_device", k)) for k in range(2)], [bool(call("output_on_device", k)) for k in range(2)]
    assert placed == ([False, True], [True, False]), [str(v) for v in fg.outputs]
    inputs = (Tensor * 2)(describe(x), describe(w, DEVICE))
    outputs = (Tensor * 2)()
    outputs[0].memory = DEVICE  # library-allocated GPU memory
    assert call("run", state, inputs, 2, outputs, 2) == 0, error()
    assert (outputs[0].memory, outputs[0].device, outputs[1].memory) == (DEVICE, 0, HOST)
    host = Tensor()
    assert call("to_host", state, ctypes.byref(outputs[0]), ctypes.byref(host)) == 0, error()
    got = np.ctypeslib.as_array(ctypes.cast(host.data, ctypes.POINTER(ctypes.c_double)), shape=(3, 4)).copy()
    np.testing.assert_allclose(got, want)
    call("free_device", ctypes.c_void_p(outputs[0].data))
    call("free", ctypes.c_void_p(host.data))
    total = np.ctypeslib.as_array(ctypes.cast(outputs[1].data, ctypes.POINTER(ctypes.c_double)), shape=(3, 4))
    np.testing.assert_allclose(total, np.repeat(x, 1, axis=0))
    call("free", ctypes.c_void_p(outputs[1].data))
    mine = np.zeros((3, 4))  # the caller's own "GPU" array to fill
    outputs = (Tensor * 2)(describe(mine, DEVICE), Tensor())
    assert call("run", state, inputs, 2, outputs, 2) == 0, error()
    np.testing.assert_allclose(mine, want)
    call("free", ctypes.c_void_p(outputs[1].data))
    for inputs, outputs, message in [
        ((describe(x, DEVICE), describe(w, DEVICE)), (Tensor(), Tensor()),
         "input x: expected an array in host memory, got one in GPU memory"),
        ((describe(x), describe(w, DEVICE, device=1)), (Tensor(), Tensor()),
         "input w: in the memory of GPU 1, but this state runs on GPU 0"),
        ((describe(x), describe(w, 7)), (Tensor(), Tensor()), r"got one in an unknown memory \(memory 7\)"),
        ((describe(x), describe(w)), (Tensor(), describe(np.zeros((3, 4)), DEVICE)),
         "output total: this library returns it in host memory, not GPU memory"),
        ((describe(x), describe(w)), (describe(np.zeros((3, 2)), DEVICE), Tensor()),
         r"output y: expected a C-contiguous array of shape \(3, 4\), got shape \(3, 2\)"),
    ]:
        status = call("run", state, (Tensor * 2)(*inputs), 2, (Tensor * 2)(*outputs), 2)
        assert status == 1 or status == 4, (status, message)
        assert re.search(message, error()), (error(), message)
    assert call("set_stream", state, ctypes.c_void_p(0x5eed)) == 0  # the caller's stream (any pointer here)
    outputs = (Tensor * 2)()
    assert call("run", state, (Tensor * 2)(describe(x), describe(w)), 2, outputs, 2) == 0, error()  # still usable
    call("free", ctypes.c_void_p(outputs[0].data))
    call("free", ctypes.c_void_p(outputs[1].data))
    assert call("set_stream", state, None) == 0  # its own again
    outputs = (Tensor * 2)()
    assert call("run", state, (Tensor * 2)(describe(x), describe(w)), 2, outputs, 2) == 0, error()
    call("free", ctypes.c_void_p(outputs[0].data))
    call("free", ctypes.c_void_p(outputs[1].data))
    call("destroy", state)
