"""device=cuda on a GPU: every CUDA rule against the CPU path (the same function compiled with
device=cpu), the seed's "Compilation for GPU" slide, and a training step whose parameters are
shared variables. Marked `cuda`: deselected by default, run with `pytest -m cuda` where an
NVIDIA GPU is present (each test also checks that its nodes really ran on the GPU)."""
import os
import subprocess
import sys

import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile import config
from transpile.gpuarray import GpuOp
from transpile.tensor.blas_gemm import Gemm, Gemv, Ger
from transpile.tensor.random import RandomStreams

pytestmark = [pytest.mark.cuda, pytest.mark.single_mode]

RNG = np.random.default_rng(42)


#: pooling cases: windows, strides, padding, ignore_border, mode (overlapping, partial, padded windows)
POOL_CASES = [((3, 2), (2, 1), (0, 0), False, "max"), ((2, 3), (1, 2), (1, 1), True, "average_exc_pad"),
              ((2, 2), (1, 1), (1, 0), True, "average_inc_pad"), ((3, 3), (2, 2), (0, 0), False, "sum")]
#: convolution cases (keyword arguments of conv2d)
CONV_CASES = [dict(border_mode="valid"), dict(border_mode="full", subsample=(2, 1)),
              dict(border_mode="half", filter_dilation=(2, 1)), dict(border_mode=(1, 2), subsample=(1, 3), filter_flip=False)]

def compiled(inputs, outputs, device, **kwargs):
    with config.change_flags(device=device):
        return transpile.function(inputs, outputs, mode="FAST_RUN", **kwargs)


def gpu_nodes(f):
    return [n for n in f.maker.fgraph.toposort() if isinstance(n.op, GpuOp)]


def assert_same_as_cpu(inputs, outputs, values, rtol=1e-5, atol=1e-6, min_gpu_nodes=1, atol_per_largest=False):
    """The GPU's outputs against the CPU's. `atol_per_largest`: atol counts in units of each
    output's largest magnitude (sums of many terms in another order differ by a few ulp of
    their largest terms, not of each result)."""
    cpu, gpu = compiled(inputs, outputs, "cpu"), compiled(inputs, outputs, "cuda")
    assert len(gpu_nodes(gpu)) >= min_gpu_nodes, transpile.printing.debugprint(gpu, file="str")
    want, got = cpu(*values), gpu(*values)
    for k, (g, w) in enumerate(zip(got if isinstance(got, list) else [got], want if isinstance(want, list) else [want])):
        g, w = np.asarray(g), np.asarray(w)
        assert g.dtype == w.dtype and g.shape == w.shape, (k, g.dtype, w.dtype, g.shape, w.shape)
        if w.dtype.kind == "f":
            scale = max(1.0, float(np.abs(w).max(initial=0))) if atol_per_largest else 1.0
            np.testing.assert_allclose(g, w, rtol=rtol, atol=atol * scale, err_msg=f"output {k}")
        else:
            np.testing.assert_array_equal(g, w, err_msg=f"output {k}")
    return gpu


def floats(*shape, dtype="float32"):
    return RNG.standard_normal(shape).astype(dtype)


UNARY = ["exp", "log", "log1p", "expm1", "sqrt", "tanh", "sin", "cos", "tan", "arcsin", "arctan", "sinh", "cosh",
         "arcsinh", "erf", "erfc", "abs", "sgn", "floor", "ceil", "sqr", "neg", "inv", "sigmoid", "softplus"]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_unary_float_ops(dtype):
    x = T.matrix("x", dtype=dtype)
    outs, values = [], floats(37, 53, dtype=dtype)
    positive = np.abs(values) + 0.5
    for name in UNARY:
        fn = getattr(T, name, None) or getattr(T.nnet, name)
        arg = x if name not in ("log", "sqrt", "log1p", "inv") else T.abs(x) + 0.5
        if name in ("arcsin",):
            arg = T.tanh(x)
        outs.append(fn(arg))
    assert_same_as_cpu([x], outs, [values], rtol=2e-5 if dtype == "float32" else 1e-12, atol=1e-6)
    del positive


def test_binary_ops_broadcasting_and_literals():
    x, y, v, s = T.fmatrix("x"), T.fmatrix("y"), T.fvector("v"), T.fscalar("s")
    outs = [x + y, x - v, x * s, x / (T.abs(y) + 1), T.maximum(x, y), T.minimum(x, v), x ** 2, T.pow(T.abs(x), y),
            T.arctan2(x, y), x * 2 + 1, T.switch(x > y, x, v), T.exp(x) * 2 + y.T.T]
    assert_same_as_cpu([x, y, v, s], outs, [floats(64, 33), floats(64, 33), floats(33), floats()])


def test_empty_odd_and_zero_dimensional_shapes():
    x, y = T.fmatrix("x"), T.fscalar("y")
    f_outs = [T.exp(x) + 1, y * 3 + 1]
    for shape in [(0, 5), (1, 1), (3, 0), (1, 1000003 // 1000), (257, 129)]:
        assert_same_as_cpu([x, y], f_outs, [floats(*shape), floats()])


def test_integers_and_comparisons():
    i, j = T.ivector("i"), T.ivector("j")
    b = T.lvector("b")
    big = np.array([2**31 - 1, -2**31, 5, 7], "int32")
    outs = [i + j, i * j, i - j, i // (T.abs(j) + 1), i % (T.abs(j) + 1), T.cast(i, "int64") * b, i > j, T.eq(i, j),
            T.and_(i > 0, j > 0), -i, T.cast(T.cast(i, "float32") * 1.5, "int32")]
    assert_same_as_cpu([i, j, b], outs, [big, np.array([1, 1, -3, 9], "int32"), np.array([3, -4, 5, 6], "int64")])


def test_strided_inputs_and_views():
    x = T.fmatrix("x")
    k = T.lscalar("k")
    outs = [x.T + 1, x[::2, 1:] * 2, x.T.reshape((x.shape[0] * x.shape[1],)), x.dimshuffle(1, "x", 0) * 3,
            T.exp(x)[k], T.exp(x)[:, k], x.reshape((-1,))[::3] + 0]
    value = floats(10, 14)[::1, ::2]  # a strided input
    assert_same_as_cpu([x, k], outs, [value, np.int64(3)])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_matrix_products(dtype):
    m = lambda name: T.matrix(name, dtype=dtype)  # noqa: E731
    v = lambda name: T.vector(name, dtype=dtype)  # noqa: E731
    x, W, a, b = m("x"), m("W"), v("a"), v("b")
    outs = [T.dot(x, W), T.dot(x.T, x), T.dot(W, a), T.dot(a, W.T), T.dot(a, a), T.dot(x[::2], W),
            Gemm()(b.dimshuffle("x", 0), np.asarray(0.5, dtype), x, W, np.asarray(1, dtype)),
            Gemv()(a, np.asarray(2, dtype), W.T, b, np.asarray(0.5, dtype)), Ger()(W, np.asarray(1, dtype), a, b)]
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == "float32" else dict(rtol=1e-10, atol=1e-10)
    assert_same_as_cpu([x, W, a, b], outs, [floats(40, 30, dtype=dtype), floats(30, 30, dtype=dtype),
                                           floats(30, dtype=dtype), floats(30, dtype=dtype)], **tol)


def test_errors_are_the_cpu_paths_errors():
    x, y = T.fmatrix("x"), T.fmatrix("y")
    gpu = compiled([x, y], T.exp(x) + y, "cuda")
    with pytest.raises(ValueError, match="Input dimension mis-match"):
        gpu(floats(3, 4), floats(4, 3))
    dot = compiled([x, y], T.dot(x, y), "cuda")
    with pytest.raises(ValueError, match="not aligned"):
        dot(floats(3, 4), floats(3, 4))
    np.testing.assert_allclose(gpu(floats(2, 2) * 0, floats(2, 2) * 0), np.ones((2, 2)))  # still usable


def test_the_seed_gpu_slide_with_device_and_floatx_flags():
    """`device=gpu` (read as cuda) and floatX=float32: T.matrix is float32 and runs on the GPU."""
    script = ("import numpy as np, transpile, transpile.tensor as T\n"
              "from transpile.printing import debugprint\n"
              "x, y = T.matrix('x'), T.matrix('y')\n"
              "assert x.dtype == 'float32'\n"
              "f = transpile.function([x, y], T.dot(x, y) + 1)\n"
              "a = np.arange(6, dtype='float32').reshape(2, 3); b = np.ones((3, 2), 'float32')\n"
              "np.testing.assert_allclose(f(a, b), a @ b + 1)\n"
              "text = debugprint(f, file='str')\n"
              "assert 'HostFromGpu' in text and 'GpuFromHost' in text, text\n"
              "print('ok')\n")
    env = dict(os.environ, TRANSPILE_FLAGS="device=gpu,floatX=float32")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0 and out.stdout.strip().endswith("ok"), out.stderr


def test_a_training_step_with_shared_parameters_matches_the_cpu():
    def step(device):
        rng = np.random.default_rng(0)
        W1 = transpile.shared(rng.normal(scale=0.1, size=(20, 16)).astype("float32"), name="W1")
        b1 = transpile.shared(np.zeros(16, "float32"), name="b1")
        W2 = transpile.shared(rng.normal(scale=0.1, size=(16, 4)).astype("float32"), name="W2")
        x, y = T.fmatrix("x"), T.ivector("y")
        prob = T.nnet.softmax(T.dot(T.tanh(T.dot(x, W1) + b1), W2))
        cost = T.mean(T.nnet.categorical_crossentropy(prob, y))
        params = [W1, b1, W2]
        updates = [(p, p - np.float32(0.5) * g) for p, g in zip(params, T.grad(cost, params))]
        return compiled([x, y], cost, device, updates=updates), params

    data = np.random.default_rng(1).normal(size=(32, 20)).astype("float32")
    labels = (data[:, 0] > 0).astype("int32") + 2 * (data[:, 1] > 0).astype("int32")
    (cpu, cpu_params), (gpu, gpu_params) = step("cpu"), step("cuda")
    assert gpu_nodes(gpu)
    costs = []
    for _ in range(10):
        want, got = cpu(data, labels), gpu(data, labels)
        np.testing.assert_allclose(got, want, rtol=1e-4)
        costs.append(float(got))
        assert [p.container.where for p in gpu_params] == ["device"] * 3  # kept in GPU memory between calls
    assert costs[-1] < costs[0]
    for p, q in zip(cpu_params, gpu_params):
        np.testing.assert_allclose(q.get_value(), p.get_value(), rtol=1e-4, atol=1e-5)


def test_a_shared_value_read_on_the_gpu_is_uploaded_once_and_set_value_replaces_it():
    W = transpile.shared(floats(64, 32), name="W")
    x = T.fmatrix("x")
    predict = compiled([x], T.tanh(T.dot(x, W)), "cuda")
    xs = floats(16, 64)
    np.testing.assert_allclose(predict(xs), np.tanh(xs @ W.get_value()), rtol=1e-5, atol=1e-6)
    uploaded = W.container.device_value
    assert uploaded is not None and uploaded.shape == (64, 32) and uploaded.device == 0
    predict(xs)
    assert W.container.device_value is uploaded
    W.set_value(2 * W.get_value())
    np.testing.assert_allclose(predict(xs), np.tanh(xs @ W.get_value()), rtol=1e-5, atol=1e-6)
    assert W.container.device_value is not uploaded


def test_reductions_over_every_set_of_axes():
    x = T.ftensor3("x")
    i = T.imatrix("i")
    axes = [None, 0, 1, 2, (0, 1), (0, 2), (1, 2)]
    outs = [T.sum(x, axis=a) for a in axes] + [T.max(x, axis=a) for a in axes] + [
        T.min(x, axis=(0, 2)), T.prod(x * np.float32(0.01) + 1, axis=2), T.all(x > -1, axis=0), T.any(x > 2),
        T.mean(x), T.sum(T.sqr(x)), T.sum(x.dimshuffle(2, 0, 1), axis=1), T.sum(i, axis=0), T.max(i)]
    assert_same_as_cpu([x, i], outs, [floats(7, 130, 9), RNG.integers(-2**31, 2**31 - 1, (50, 3)).astype("int32")],
                       rtol=1e-5, atol=1e-5)


def test_large_reductions_and_nans():
    v = T.fvector("v")
    outs = [T.sum(v), T.max(v), T.min(v), T.argmax(v), T.argmin(v)]
    big = floats(1 << 22)
    assert_same_as_cpu([v], outs, [big], rtol=1e-5, atol=1e-3)
    with_nan = big.copy()
    with_nan[[1000, 3000000]] = np.nan
    assert_same_as_cpu([v], outs, [with_nan])


def test_argmax_argmin_and_softmax_rows():
    x, v = T.fmatrix("x"), T.fvector("v")
    outs = [T.argmax(x, axis=1), T.argmin(x, axis=0), T.argmax(x), T.nnet.softmax(x), T.nnet.logsoftmax(x),
            T.nnet.softmax(v), T.nnet.softmax(x.T), T.nnet.softmax(x * 1000)]
    value = floats(33, 1025)
    value[3, 7] = np.inf
    value[5, :] = -np.inf
    assert_same_as_cpu([x, v], outs, [value, floats(17)], rtol=1e-5, atol=1e-6)


def test_alloc_join_split_and_the_softmax_crossentropy():
    x, v, b = T.fmatrix("x"), T.fvector("v"), T.fvector("b")
    k = T.lscalar("k")
    y = T.ivector("y")
    prob = T.nnet.softmax(x)
    outs = [T.alloc(np.float32(1.5), x.shape[0], 3), T.alloc(T.exp(b), k, b.shape[0]), T.alloc(x, 2, x.shape[0], x.shape[1]),
            T.concatenate([x, T.exp(x), x[::-1]], axis=0), T.concatenate([x, T.exp(x)[:, :3]], axis=1),
            T.split(T.exp(v), [2, 3], 2)[1] * 2, T.exp(x)[y % 6], x.T[y - 9],
            T.inc_subtensor(x[1:, ::2], T.exp(x[:-1, ::2])), T.set_subtensor(T.exp(x)[k], np.float32(2)),
            T.nnet.categorical_crossentropy(prob, y), T.grad(T.sum(T.nnet.categorical_crossentropy(prob, y)), x)]
    assert_same_as_cpu([x, v, b, k, y], outs, [floats(6, 9), floats(5), floats(4), np.int64(3),
                                               np.array([0, 8, 3, 3, 1, 2], "int32")])
    gpu = compiled([x, y], T.nnet.categorical_crossentropy(T.nnet.softmax(x), y), "cuda")
    with pytest.raises(IndexError, match="class index 9 out of range"):
        gpu(floats(2, 9), np.array([0, 9], "int32"))


def test_row_scatters_with_repeated_indices_are_the_cpus_bits():
    x, y, b, w = T.fmatrix("x"), T.fmatrix("y"), T.fvector("b"), T.fvector("w")
    idx = T.lvector("idx")
    outs = [T.inc_subtensor(x[idx], y), T.set_subtensor(x[idx], y), T.inc_subtensor(x[idx], b),
            T.inc_subtensor(w[idx], y[:, 0] * 2), T.inc_subtensor(x.T[idx % 7], T.addbroadcast(y[:, :1], 1))]
    values = [floats(50, 7) * 100, floats(3000, 7), floats(7), floats(50), RNG.integers(-50, 50, 3000)]
    assert_same_as_cpu([x, y, b, w, idx], outs, values, rtol=0, atol=0, min_gpu_nodes=5)
    gpu = compiled([x, y, idx], T.inc_subtensor(x[idx], y), "cuda")
    with pytest.raises(IndexError, match="index 50 is out of bounds"):
        gpu(floats(50, 7), floats(2, 7), np.array([0, 50]))


def test_element_gathers_and_scatters_are_the_cpus_bits():
    """Theano's negative log-likelihood and its gradient, gathers with slices and masks, element
    scatters with repeated positions: all on the GPU, the CPU's values and errors."""
    p, y, m = T.fmatrix("p"), T.ivector("y"), T.dtensor3("m")
    i, j, v = T.lvector("i"), T.lvector("j"), T.fvector("v")
    nll = -T.mean(T.log(p)[T.arange(y.shape[0]), y])  # a mean: CUB sums in another order
    values = [RNG.uniform(0.05, 1, (5000, 10)).astype("float32"), RNG.integers(-10, 10, 5000).astype("int32"),
              floats(3, 2, 5, dtype="float64")]
    gpu = assert_same_as_cpu([p, y, m], [nll, T.grad(nll, p), T.exp(p)[y[:2, None], y[None, :3]], m[1:, y % 2, ::2],
                                         p[T.gt(p, 0.5)]], values, min_gpu_nodes=5)
    assert [type(n.op.op).__name__ for n in gpu_nodes(gpu)].count("AdvancedSubtensor") == 4
    values[1] = np.full(5000, 10, dtype="int32")
    with pytest.raises(IndexError, match="index 10 is out of bounds"):
        gpu(*values)
    scatters = [T.inc_subtensor(p[i, j], v), T.set_subtensor(p[i, j], v), T.inc_subtensor(m[1:, i % 2, ::2], 1.5)]
    values = [floats(5000, 10) * 100, floats(3, 2, 5, dtype="float64"), RNG.integers(-5000, 5000, 20000),
              RNG.integers(-10, 10, 20000), floats(20000)]
    gpu = assert_same_as_cpu([p, m, i, j, v], scatters, values, rtol=0, atol=0, min_gpu_nodes=3)
    assert [type(n.op.op).__name__ for n in gpu_nodes(gpu)].count("AdvancedIncSubtensor") == 3


def test_pooling_and_its_gradients():
    x = T.ftensor4("x")
    outs = []
    for ws, stride, pad, ignore, mode in POOL_CASES:
        pooled = T.nnet.pool_2d(x, ws, ignore_border=ignore, stride=stride, pad=pad, mode=mode)
        outs += [pooled, T.grad(T.sum(pooled * T.cast(pooled.shape[3], "float32")), x)]
    pooled3 = T.nnet.pool_3d(x, (2, 2, 3), ignore_border=False, stride=(1, 2, 2))
    outs += [pooled3, T.grad(T.sum(pooled3 * 2), x),
             T.nnet.pool_2d(x.dimshuffle(1, 0, 3, 2), (2, 2), mode="average_exc_pad")]  # strided planes and rows
    value = (np.round(floats(8, 5, 33, 29) * 2) / 2).astype("float32")  # ties in most windows
    assert_same_as_cpu([x], outs, [value], rtol=1e-6, atol=1e-6, min_gpu_nodes=11)


def test_random_draws_are_the_cpus_bits():
    """The same seed gives the same bits on the GPU (the CPU runtime's Philox stream and samplers,
    compiled for the device without FMA contraction) for every sampler, call after call."""
    def draws():
        srng = RandomStreams(seed=1234)
        return [srng.uniform((1001,)), srng.uniform((3, 333), dtype="float32"), srng.normal((77, 5)),
                srng.normal((1001,), dtype="float32"), srng.binomial((999,), n=5, p=0.3), srng.integers(-5, 9, size=(1001,)),
                srng.poisson(lam=4.5, size=(50, 9)), srng.exponential(2.0, size=(1001,)), srng.gamma(0.7, 2.0, size=(1001,)),
                srng.truncated_normal((1001,)), srng.categorical(np.full((7, 4), 0.25), size=(7,))]
    cpu, gpu = compiled([], draws(), "cpu"), compiled([], draws(), "cuda")
    placed = sum("Draw" in type(n.op.op).__name__ for n in gpu_nodes(gpu))
    assert placed == 11, transpile.printing.debugprint(gpu, file="str")
    for _ in range(2):  # the states advance alike
        for k, (g, w) in enumerate(zip(gpu(), cpu())):
            assert g.dtype == w.dtype and g.shape == w.shape, k
            np.testing.assert_array_equal(g, w, err_msg=f"output {k}")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_convolutions_and_their_gradients(dtype):  # cuBLAS and the CPU BLAS sum in other orders
    x, w = T.tensor4("x", dtype=dtype), T.tensor4("w", dtype=dtype)
    xd, wd = T.tensor5("xd", dtype=dtype), T.tensor5("wd", dtype=dtype)
    outs = []
    for kwargs in CONV_CASES + [dict(border_mode="half", num_groups=2)]:
        conv = T.nnet.conv2d(x, w if "num_groups" not in kwargs else w[:, :4], **kwargs)
        outs += [conv, *T.grad(T.sum(T.sqr(conv)) / 2, [x, w])]  # cos(conv) would amplify rounding by |conv|
    conv3 = T.nnet.conv3d(xd, wd, border_mode="half", subsample=(1, 2, 1))
    outs += [conv3, *T.grad(T.sum(conv3 * 3), [xd, wd])]
    values = [floats(8, 8, 33, 29, dtype=dtype), floats(16, 8, 3, 5, dtype=dtype)[:, :, ::-1],
              floats(2, 3, 9, 10, 7, dtype=dtype), floats(4, 3, 3, 2, 3, dtype=dtype)]
    tol = dict(rtol=1e-4, atol=1e-5) if dtype == "float32" else dict(rtol=1e-10, atol=1e-12)
    assert_same_as_cpu([x, w, xd, wd], outs, values, min_gpu_nodes=18, atol_per_largest=True, **tol)


def on_gpu(inputs, outputs, names, count):
    """The function compiled with device=cuda, with `count` GPU nodes of the op classes `names`."""
    gpu = compiled(inputs, outputs, "cuda")
    found = [type(n.op.op).__name__ for n in gpu_nodes(gpu)]
    assert sum(found.count(name) for name in names) == count, transpile.printing.debugprint(gpu, file="str")
    return gpu


def assert_like_numpy(got, want, rtol=0.0, atol=0.0):
    for k, (g, w) in enumerate(zip(got, want)):
        g, w = np.asarray(g), np.asarray(w)
        assert g.dtype == w.dtype and g.shape == w.shape, (k, g.dtype, w.dtype, g.shape, w.shape)
        if rtol or atol:
            np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, err_msg=f"output {k}")
        else:
            assert g.tobytes() == w.tobytes(), f"output {k}"


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_batched_dot_and_tensordot_through_cublas(dtype):
    """One strided-batched gemm per node; strided and transposed operands (GPU copies), an empty
    sum (zeros), a batched tensordot; values against numpy."""
    a, b = T.tensor3("a", dtype=dtype), T.tensor3("b", dtype=dtype)
    c, m = T.tensor4("c", dtype=dtype), T.matrix("m", dtype=dtype)
    outs = [T.batched_dot(a, b), T.batched_dot(b.dimshuffle(0, 2, 1), a.dimshuffle(0, 2, 1)),
            T.tensordot(c, m, [[1, 3], [1, 0]]), T.tensordot(m, c, [[0], [3]]),
            T.batched_tensordot(c, c, [[2, 3], [2, 3]])]
    gpu = on_gpu([a, b, c, m], outs, ("BatchedDot", "TensorDot"), 5)
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == "float32" else dict(rtol=1e-10, atol=1e-10)
    for B, n, k, p, shape in [(16, 65, 130, 33, (7, 20, 9, 31)), (3, 4, 0, 2, (2, 3, 0, 5)), (1, 1, 1, 1, (1, 1, 1, 1))]:
        av, bv = floats(B, n, k, dtype=dtype), floats(B, k, p, dtype=dtype)
        cv, mv = floats(*shape, dtype=dtype), floats(shape[3], shape[1], dtype=dtype)
        for values in ([av, bv, cv, mv], [np.asfortranarray(av), bv[::-1, :, ::-1], cv[:, ::-1, :, ::-1], mv.T.copy().T]):
            av_, bv_, cv_, mv_ = values
            want = [np.matmul(av_, bv_), np.matmul(bv_.transpose(0, 2, 1), av_.transpose(0, 2, 1)),
                    np.tensordot(cv_, mv_, [[1, 3], [1, 0]]), np.tensordot(mv_, cv_, [[0], [3]]),
                    np.einsum("bijk,bljk->bil", cv_, cv_)]
            assert_like_numpy(gpu(*values), want, **tol)
    with pytest.raises(ValueError, match="do not match"):
        gpu(floats(3, 4, 5, dtype=dtype), floats(3, 4, 2, dtype=dtype), cv, mv)


def test_categorical_crossentropy_with_integer_labels_and_its_gradient():
    x, y, g = T.fmatrix("x"), T.ivector("y"), T.fvector("g")
    outs = [T.nnet.crossentropy_categorical_1hot(x, y), T.grad(T.sum(T.nnet.crossentropy_categorical_1hot(x, y) * g), x)]
    gpu = on_gpu([x, y, g], outs, ("CrossentropyCategorical1Hot", "CrossentropyCategorical1HotGrad"), 2)
    xv = RNG.uniform(0.01, 1, (3000, 17)).astype("float32")
    yv, gv = RNG.integers(0, 17, 3000).astype("int32"), floats(3000)
    rows = np.arange(3000)
    want_grad = np.zeros_like(xv)
    want_grad[rows, yv] = -gv / xv[rows, yv]
    assert_like_numpy(gpu(xv, yv, gv), [-np.log(xv[rows, yv]), want_grad], rtol=1e-6, atol=1e-7)
    assert_like_numpy(gpu(xv.T.copy().T, yv, gv), [-np.log(xv[rows, yv]), want_grad], rtol=1e-6, atol=1e-7)
    yv[17] = 17
    with pytest.raises(IndexError, match="class index 17 out of range for 17 classes"):
        gpu(xv, yv, gv)
    with pytest.raises(ValueError, match="rows of coding_dist"):
        gpu(xv, yv[:5], gv)


def test_cumsum_cumprod_eye_and_arange():
    x, i = T.dmatrix("x"), T.bmatrix("i")
    n, f = T.lscalar("n"), T.dscalar("f")
    outs = [T.cumsum(x, axis=0), T.cumprod(x, axis=1), T.cumsum(x.T, axis=None), T.cumsum(i, axis=1), T.cumprod(i, axis=0),
            T.eye(n, n + 3, 2, dtype="float32"), T.arange(n), T.arange(f, np.float64(40), np.float64(0.1)),
            T.arange(np.float32(-2), n, np.float32(0.3), dtype="float32")]
    gpu = on_gpu([x, i, n, f], outs, ("CumOp", "Eye", "ARange"), 9)
    xv = RNG.uniform(0.9, 1.1, (513, 300))
    iv = RNG.integers(-100, 100, (300, 513)).astype("int8")
    for xs, is_ in [(xv, iv), (xv[::-1, ::2], iv.T.copy().T)]:
        got = gpu(xs, is_, np.int64(700), np.float64(-3.3))
        want = [np.cumsum(xs, axis=0), np.cumprod(xs, axis=1), np.cumsum(xs.T), np.cumsum(is_, axis=1),
                np.cumprod(is_, axis=0), np.eye(700, 703, 2, dtype="float32"), np.arange(700),
                np.arange(-3.3, 40.0, 0.1), np.arange(np.float32(-2), 700, np.float32(0.3), dtype="float32")]
        assert_like_numpy(got[:3], want[:3], rtol=1e-9, atol=1e-9)    # float running sums and products
        assert_like_numpy(got[3:7], want[3:7])                          # integers (wrapping), eye, integer arange
        assert_like_numpy(got[7:], want[7:], rtol=1e-6, atol=1e-12)     # float aranges: first + i * delta
    cpu = compiled([x, i, n, f], outs, "cpu")
    assert_like_numpy(gpu(xv, iv, np.int64(700), np.float64(-3.3))[3:7], cpu(xv, iv, np.int64(700), np.float64(-3.3))[3:7])
    with pytest.raises(ValueError, match="eye: negative dimensions"):
        gpu(xv, iv, np.int64(-5), np.float64(0))


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "uint8"])
def test_sorts_are_numpys_stable_order(dtype):
    """Values and positions of numpy's stable sort (NaN last, ties in their order), bit for bit,
    along every axis and flattened, for many short lines and a few long ones."""
    x = T.matrix("x", dtype=dtype)
    outs = [T.sort(x), T.argsort(x), T.sort(x, axis=0), T.argsort(x, axis=0), T.argsort(x, axis=None)]
    gpu = on_gpu([x], outs, ("SortOp", "ArgSortOp"), 5)
    for shape in [(20000, 9), (3, 5000), (0, 4)]:
        if dtype.startswith(("int", "uint")):
            value = RNG.integers(0, 50, shape).astype(dtype)
        else:
            value = np.round(floats(*shape, dtype=dtype) * 4)
            value.reshape(-1)[::97] = np.nan
            value.reshape(-1)[5::89] = -0.0
        for v in (value, value[::-1, ::-1]):
            want = [np.sort(v, axis=1, kind="stable"), np.argsort(v, axis=1, kind="stable"),
                    np.sort(v, axis=0, kind="stable"), np.argsort(v, axis=0, kind="stable"),
                    np.argsort(v, axis=None, kind="stable")]
            assert_like_numpy(gpu(v), want)
