"""The CUDA target run without a GPU: generated CUDA graph libraries built with g++ against the CPU
emulation of CUDA in tests/emit/cuda_emulation/ (the runtime, CUB's block reduce and cuBLAS's
gemm, from their documented semantics) and compared with the reference executor. This checks
what the lowering and the kernels compute: placement, transfers, GPU memory, every rule, the
row-major products through column-major cuBLAS, errors. It cannot check what only a GPU shows
(races between blocks, the memory model, real CUB and cuBLAS, speed): tests/cuda/ does, on one."""
import warnings

import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.emit.cuda_emulation.build import build_project
from tests.emit.test_cuda_build import rule_table_graph, table_values
from transpile.compile.mode import get_mode
from transpile.compile.native import caller_module
from transpile.emit import lower
from transpile.emit.cuda import placement
from transpile.emit.cuda.placement import place_on_device
from transpile.emit.render import render
from transpile.graph.fg import FunctionGraph
from transpile.tensor.nnet.pool import MaxPoolGradGrad
from transpile.tensor.random import (BinomialDraw, CategoricalDraw, ExponentialDraw, GammaDraw, IntegersDraw, NormalDraw,
                                     PoissonDraw, TruncatedNormalDraw, UniformDraw)
from transpile.tensor.random.op import STATE_TYPE

pytestmark = [pytest.mark.single_mode, pytest.mark.slow]


#: pooling cases: windows, strides, padding, ignore_border, mode (overlapping, partial, padded windows)
POOL_CASES = [((3, 2), (2, 1), (0, 0), False, "max"), ((2, 3), (1, 2), (1, 1), True, "average_exc_pad"),
              ((2, 2), (1, 1), (1, 0), True, "average_inc_pad"), ((3, 3), (2, 2), (0, 0), False, "sum")]
#: convolution cases (keyword arguments of conv2d)
CONV_CASES = [dict(border_mode="valid"), dict(border_mode="full", subsample=(2, 1)),
              dict(border_mode="half", filter_dilation=(2, 1)), dict(border_mode=(1, 2), subsample=(1, 3), filter_flip=False)]

def emulated(fg, tmp_path):
    project = render(lower(fg, target="cuda"))
    return caller_module().Library(str(build_project(project.files, tmp_path)), project.name)


def reference(fg, values):
    return get_mode("FAST_COMPILE").make_executor(fg)(values)


def assert_outputs_equal(fg, got, want):
    for k, (g, w) in enumerate(zip(got, want)):
        g, w = np.asarray(g), np.asarray(w)
        what = f"output {k}: {fg.outputs[k]}"
        assert g.dtype == w.dtype and g.shape == w.shape, (what, g.dtype, w.dtype, g.shape, w.shape)
        if w.dtype.kind == "f":  # float32 sums of 70 products: a few ulp of the largest term
            atol = 2e-5 if w.dtype == np.float32 else 1e-12
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=atol, equal_nan=True, err_msg=what)
        else:
            np.testing.assert_array_equal(g, w, err_msg=what)


@pytest.mark.parametrize("rows, cols", [(4, 3), (37, 70)])  # 70 x 37 elements: the grid-stride loops wrap
def test_every_rule_computes_like_the_reference(rows, cols, tmp_path):
    fg = rule_table_graph(rows, cols)
    library = emulated(fg, tmp_path)
    for seed in (0, 1):
        values = table_values(rows, cols, seed)
        assert_outputs_equal(fg, library.run(values), reference(fg, values))
    strided = table_values(rows, cols, 2)
    strided[0] = np.asfortranarray(strided[0])            # transposed memory
    strided[3] = np.repeat(strided[3], 2)[::2]            # a stride of 2
    strided[7] = strided[7][:, ::-1]                      # a negative stride
    assert_outputs_equal(fg, library.run(strided), reference(fg, strided))


def test_errors_are_the_cpu_rules_errors(tmp_path):
    fg = rule_table_graph()
    library = emulated(fg, tmp_path)
    values = table_values()
    bad = list(values)
    bad[1] = bad[1][:, :2]
    with pytest.raises(ValueError, match="Input dimension mis-match"):
        library.run(bad)
    bad = list(values)
    bad[6] = bad[6].copy()
    bad[6][1] = 9
    with pytest.raises(IndexError, match="class index 9 out of range for 3 classes"):
        library.run(bad)
    assert_outputs_equal(fg, library.run(values), reference(fg, values))  # the state is still usable


def test_a_training_step_computes_like_the_reference(tmp_path):
    """An MLP SGD step as FAST_RUN optimizes it (Gemm, the fused cross-entropy and its
    gradient, reductions of the bias gradients), parameters in and updated parameters out."""
    rng = np.random.default_rng(0)
    x, y = T.fmatrix("x"), T.ivector("y")
    W1, b1, W2 = T.fmatrix("W1"), T.fvector("b1"), T.fmatrix("W2")
    prob = T.nnet.softmax(T.dot(T.tanh(T.dot(x, W1) + b1), W2))
    cost = T.mean(T.nnet.categorical_crossentropy(prob, y))
    params = [W1, b1, W2]
    new = [p - np.float32(0.5) * g for p, g in zip(params, T.grad(cost, params))]
    fg = FunctionGraph([x, y, *params], [cost, *new])
    get_mode("FAST_RUN").optimize(fg)
    reference_fg = fg.clone()[0]
    place_on_device(fg)
    assert sum(type(n.op).__name__ == "GpuOp" for n in fg.toposort()) >= 8
    library = emulated(fg, tmp_path)
    data = rng.standard_normal((40, 6)).astype("float32")
    labels = (np.arange(40) % 4).astype("int32")
    state = [rng.normal(scale=0.3, size=s).astype("float32") for s in [(6, 5), (5,), (5, 4)]]
    ref_state = list(state)
    costs = []
    for _ in range(5):
        got = library.run([data, labels, *state])
        want = reference(reference_fg, [data, labels, *ref_state])
        assert_outputs_equal(fg, got, want)
        costs.append(float(got[0]))
        state, ref_state = list(got[1:]), list(want[1:])
    assert costs[-1] < costs[0]


def test_a_device_cuda_function_graph_builds_and_runs_under_emulation(tmp_path):
    """The graph `function()` places with device=cuda (shared variables, updates, outputs that
    are inputs) computes like the same function on the CPU."""
    w = transpile.shared(np.linspace(-1, 1, 6).astype("float32").reshape(2, 3), name="w")
    x = T.fmatrix("x")
    out = T.dot(x, w) + 1
    f = transpile.function([x], [out, x, T.argmax(out, axis=1)], updates=[(w, w * 0.5)], mode="FAST_RUN")
    fg = f.maker.fgraph.clone()[0]
    place_on_device(fg)
    library = emulated(fg, tmp_path)
    value = np.arange(8, dtype="float32").reshape(4, 2)
    got = library.run([value, w.get_value()])
    want = f(value)
    for g, v in zip(got, want + [w.get_value()]):
        np.testing.assert_allclose(g, v, rtol=1e-6)



def test_row_scatters_add_repeated_increments_bit_for_bit_like_the_cpu(tmp_path):
    """x[idx] += y with many repeats: each row's increments are added in the order of idx on the
    GPU too (a plan sorted on the host, no atomics), so the float32 sums are the CPU's bits; a set
    keeps the last write; out-of-range indices and a y of the wrong shape are the CPU's errors."""
    x, y, b, w = T.fmatrix("x"), T.fmatrix("y"), T.fvector("b"), T.fvector("w")
    idx = T.lvector("idx")
    fg = FunctionGraph([x, y, b, w, idx], [T.inc_subtensor(x[idx], y), T.set_subtensor(x[idx], y),
                                           T.inc_subtensor(x[idx], b), T.inc_subtensor(w[idx], y[:, 0] * 2),
                                           T.inc_subtensor(x.T[idx % 6], T.addbroadcast(y[:, :1], 1))])
    place_on_device(fg)
    assert sum(type(n.op).__name__ == "GpuOp" and "IncSubtensor1" in type(n.op.op).__name__
               for n in fg.toposort()) == 5
    library = emulated(fg, tmp_path)
    rng = np.random.default_rng(3)
    for rows, n in [(5, 300), (40, 7), (3, 0), (1, 64)]:
        values = [rng.standard_normal((rows, 6)).astype("float32") * 100, rng.standard_normal((n, 6)).astype("float32"),
                  rng.standard_normal(6).astype("float32"), rng.standard_normal(rows).astype("float32"),
                  rng.integers(-rows, rows, n)]
        if n == 300:
            values[1] = values[1][::-1]                   # a negative stride
        got, want = library.run(values), reference(fg, values)
        for k, (g, r) in enumerate(zip(got, want)):
            np.testing.assert_array_equal(g, r, err_msg=f"rows {rows}, {n} indices, output {k}")
    values = [np.ones((4, 6), "float32"), np.ones((2, 6), "float32"), np.ones(6, "float32"), np.ones(4, "float32"),
              np.array([0, 4])]
    with pytest.raises(IndexError, match="index 4 is out of bounds for dim 0 with length 4"):
        library.run(values)
    values[4] = np.array([0, -5])
    with pytest.raises(IndexError, match="index -5 is out of bounds"):
        library.run(values)
    values[4], values[1] = np.array([0, 1]), np.ones((3, 6), "float32")
    with pytest.raises(ValueError, match="cannot broadcast y of shape"):
        library.run(values)


def test_element_gathers_compute_and_check_like_the_cpu(tmp_path):
    """Theano's negative log-likelihood `-mean(log(p)[arange(n), y])` and its gradient: the
    gather of one element per row runs on the GPU (offsets found on the host), as do gathers
    with slices, several index arrays broadcast together and masks; a label out of range is the
    CPU rule's IndexError."""
    p, y, m = T.fmatrix("p"), T.ivector("y"), T.dtensor3("m")
    nll = -T.mean(T.log(p)[T.arange(y.shape[0]), y])
    outputs = [nll, T.grad(nll, p), T.exp(p)[y[:2, None], y[None, :3]], m[1:, y % 2, ::2], p[T.gt(p, 0.5)]]
    fg = FunctionGraph([p, y, m], outputs)
    get_mode("FAST_RUN").optimize(fg)
    reference_fg = fg.clone()[0]
    place_on_device(fg)
    placed = [type(n.op.op).__name__ for n in fg.toposort() if type(n.op).__name__ == "GpuOp"]
    assert placed.count("AdvancedSubtensor") == 4 and placed.count("AdvancedIncSubtensor") == 1  # the gradient
    library = emulated(fg, tmp_path)
    rng = np.random.default_rng(5)
    for rows in (5, 70, 3):
        values = [rng.uniform(0.05, 1, (rows, 4)).astype("float32"), rng.integers(-4, 4, rows).astype("int32"),
                  rng.standard_normal((3, 2, 5))]
        assert_outputs_equal(fg, library.run(values), reference(reference_fg, values))
    values[1] = np.array([0, 1, 4], dtype="int32")
    with pytest.raises(IndexError, match="index 4 is out of bounds for axis 1 with size 4"):
        reference(reference_fg, values)
    with pytest.raises(IndexError, match="index 4 is out of bounds for dim 1 with length 4"):
        library.run(values)


def test_element_scatters_add_repeated_increments_bit_for_bit_like_the_cpu(tmp_path):
    """x[key] += y for keys with several index arrays, slices and broadcasting: each element's
    increments are added in the CPU rule's walk order (a plan sorted on the host), so the sums
    are the CPU's bits; a set keeps the last write; errors are the CPU rule's."""
    x, y, m = T.fmatrix("x"), T.fvector("y"), T.dtensor3("m")
    i, j = T.lvector("i"), T.lvector("j")
    fg = FunctionGraph([x, y, m, i, j], [T.inc_subtensor(x[i, j], y), T.set_subtensor(x[i, j], y),
                                         T.inc_subtensor(x[i[:, None], j[None, :2]], np.float32(0.25)),
                                         T.inc_subtensor(m[1:, i % 2, ::2], m[1:, i % 2, ::2] * 3)])
    place_on_device(fg)
    placed = [type(n.op.op).__name__ for n in fg.toposort() if type(n.op).__name__ == "GpuOp"]
    assert placed.count("AdvancedIncSubtensor") == 4
    library = emulated(fg, tmp_path)
    rng = np.random.default_rng(4)
    for rows, n in [(5, 300), (3, 0), (40, 7)]:
        values = [rng.standard_normal((rows, 6)).astype("float32") * 100, rng.standard_normal(n).astype("float32"),
                  rng.standard_normal((3, 2, 5)), rng.integers(-rows, rows, n), rng.integers(-6, 6, n)]
        got, want = library.run(values), reference(fg, values)
        for k, (g, r) in enumerate(zip(got, want)):
            np.testing.assert_array_equal(g, r, err_msg=f"rows {rows}, {n} indices, output {k}")
    values[4] = np.array([0, 1, 2, 3, 4, 5, 6])
    with pytest.raises(IndexError, match="index 6 is out of bounds for dim 1 with length 6"):
        library.run(values)


def test_pooling_and_its_gradients_compute_like_the_reference(tmp_path):
    """2-d and 3-d pooling of batches in every mode, overlapping and partial windows, padding,
    ties for the max gradient; the window check is the CPU rule's error."""
    x = T.ftensor4("x")
    g = T.ftensor4("g")
    outs = []
    for ws, stride, pad, ignore, mode in POOL_CASES:
        pooled = T.nnet.pool_2d(x, ws, ignore_border=ignore, stride=stride, pad=pad, mode=mode)
        outs += [pooled, T.grad(T.sum(pooled * pooled.shape[3]), x)]
    pooled3 = T.nnet.pool_3d(x, (2, 2, 3), ignore_border=False, stride=(1, 2, 2))
    grad_grad = MaxPoolGradGrad((2, 2), True, (1, 1))(x, T.nnet.pool_2d(x, (2, 2), stride=(1, 1)), g)
    outs += [pooled3, T.grad(T.sum(pooled3 * 2), x), grad_grad,
             T.nnet.pool_2d(x.dimshuffle(1, 0, 3, 2), (2, 2), mode="average_exc_pad")]  # strided planes and rows
    fg = FunctionGraph([x, g], outs)
    place_on_device(fg)
    assert sum(type(n.op).__name__ == "GpuOp" and "Pool" in type(n.op.op).__name__ for n in fg.toposort()) >= 13
    library = emulated(fg, tmp_path)
    rng = np.random.default_rng(5)
    for shape in [(2, 3, 7, 6), (1, 2, 4, 9)]:
        value = (np.round(rng.standard_normal(shape) * 2) / 2).astype("float32")  # ties in most windows
        values = [value, rng.standard_normal(shape).astype("float32")]
        assert_outputs_equal(fg, library.run(values), reference(fg, values))
    small = [np.ones((1, 1, 1, 1), "float32")] * 2
    with pytest.raises(ValueError, match=r"ws \(2, 2\) is larger than the input's last two dims"):
        library.run(small)


def test_random_draws_are_the_cpus_bits(tmp_path):
    """Every sampler on the GPU calls the CPU runtime's own Philox stream and samplers: the
    samples and the new state equal the reference's bit for bit, for sizes that end inside a
    thread's group of elements and parameters with strides; an invalid parameter is the CPU
    rule's error."""
    state, n = STATE_TYPE("state"), T.lscalar("n")
    p, lam, a = T.fvector("p"), T.dmatrix("lam"), T.dvector("a")
    draws = [UniformDraw(1, "float32")(state, T.stack([n])), UniformDraw(2, "float64")(state, T.stack([n, 3])),
             NormalDraw(2, "float32")(state, T.stack([3, n])), NormalDraw(1, "float64")(state, T.stack([n])),
             BinomialDraw(1, "int32", 7)(state, T.stack([n]), p),
             IntegersDraw(2, "int64")(state, T.stack([2, n]), np.int64(-5), np.int64(2 ** 40)),
             PoissonDraw(2, "int64")(state, T.stack([3, n]), lam), ExponentialDraw(1, "float64")(state, T.stack([n]), a),
             GammaDraw(2, "float32")(state, T.stack([3, n]), lam, a), TruncatedNormalDraw(1, "float64")(state, T.stack([n])),
             CategoricalDraw(1, "int16")(state, T.stack([n]), T.nnet.softmax(lam.T))]
    fg = FunctionGraph([state, n, p, lam, a], draws + [d.owner.outputs[0] for d in draws[:2]])
    placement._warned.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        place_on_device(fg)
    assert not any("Draw" in str(w.message) for w in caught), [str(w.message) for w in caught]
    assert sum(type(node.op).__name__ == "GpuOp" and "Draw" in type(node.op.op).__name__ for node in fg.toposort()) == 11
    library = emulated(fg, tmp_path)
    rng = np.random.default_rng(11)
    for count in (0, 1, 5, 130):
        lam_value = rng.uniform(0, 40, (3, 2 * count))[:, ::2]                  # strided
        values = [np.array([2 ** 63 + count, 12345], "uint64"), np.array(count, "int64"),
                  rng.uniform(0, 1, count).astype("float32"), lam_value, rng.uniform(0.1, 3, count)]
        for k, (g, w) in enumerate(zip(library.run(values), reference(fg, values))):
            assert g.dtype == w.dtype and g.shape == w.shape, (k, g.dtype, w.dtype, g.shape, w.shape)
            np.testing.assert_array_equal(g, w, err_msg=f"{count} elements, output {k}: {fg.outputs[k]}")
    values[2] = np.full(130, 1.5, "float32")
    with pytest.raises(ValueError, match=r"binomial needs 0 <= p <= 1"):
        library.run(values)
    values[2] = np.full(7, 0.5, "float32")
    with pytest.raises(ValueError, match=r"parameter of shape \(7,\) cannot be broadcast to size \(130,\)"):
        library.run(values)


def test_convolutions_and_their_gradients_compute_like_the_reference(tmp_path):
    """conv2d and conv3d as im2col + gemm per image and group, every border mode, strides,
    dilation, groups, filter_flip off, float32 and float64; both gradients (the input's through
    the col2im gather); a channel mismatch is the CPU rule's error."""
    x, w = T.ftensor4("x"), T.ftensor4("w")
    xd, wd = T.dtensor5("xd"), T.dtensor5("wd")
    outs = []
    for kwargs in CONV_CASES:
        conv = T.nnet.conv2d(x, w, **kwargs)
        outs += [conv, *T.grad(T.sum(conv * T.cos(conv)), [x, w])]
    grouped = T.nnet.conv2d(x[:, :4], w[:, :2], num_groups=2, border_mode="half")
    outs += [grouped, *T.grad(T.sum(grouped ** 2), [x, w])]
    conv3 = T.nnet.conv3d(xd, wd, border_mode="half", subsample=(1, 2, 1))
    outs += [conv3, *T.grad(T.sum(conv3 * 3), [xd, wd])]
    fg = FunctionGraph([x, w, xd, wd], outs)
    place_on_device(fg)
    kinds = [type(n.op.op).__name__ for n in fg.toposort() if type(n.op).__name__ == "GpuOp"]
    assert kinds.count("Conv2d") == 5 and kinds.count("Conv2dGradInputs") == 5 and kinds.count("Conv2dGradWeights") == 5
    assert kinds.count("Conv3d") == 1 and kinds.count("Conv3dGradInputs") == 1 and kinds.count("Conv3dGradWeights") == 1
    library = emulated(fg, tmp_path)
    rng = np.random.default_rng(7)
    values = [rng.standard_normal((2, 4, 9, 8)).astype("float32"),
              rng.standard_normal((4, 4, 3, 2)).astype("float32")[:, :, ::-1],   # a negative stride: a GPU copy for the gemm
              rng.standard_normal((2, 2, 5, 6, 4)), rng.standard_normal((3, 2, 3, 2, 3))]
    got, want = library.run(values), reference(fg, values)
    for k, (g, r) in enumerate(zip(got, want)):
        assert g.dtype == r.dtype and g.shape == r.shape, (k, g.dtype, r.dtype, g.shape, r.shape)
        tol = 1e-4 if r.dtype == np.float32 else 1e-10  # gemm sums in another order than the reference's
        np.testing.assert_allclose(g, r, rtol=2 * tol, atol=tol, err_msg=f"output {k}: {fg.outputs[k]}")
    values[1] = values[1][:, :3]
    with pytest.raises(ValueError, match=r"the input has 4 channels \(shape \(2, 4, 9, 8\)\) but the filters expect 3"):
        library.run(values)
