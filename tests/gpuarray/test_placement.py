"""Where nodes run with device=cuda (`transpile.emit.cuda.placement`), checked without a GPU: the
placed graph's structure (which nodes are GpuOps, where the transfers are, what stays on the
host and why) and its values, computed by the reference executor (a GpuOp computes what its op
computes; a transfer is a copy) against the graph before placement."""
import warnings

import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile.compile.mode import get_mode
from transpile.emit.cuda import placement
from transpile.emit.cuda.placement import place_on_device
from transpile.gpuarray import GpuFromHost, GpuOp, HostFromGpu
from transpile.graph.fg import FunctionGraph
from transpile.printing import debugprint

pytestmark = pytest.mark.single_mode


def placed(inputs, outputs, optimizer="FAST_RUN"):
    fg = FunctionGraph(inputs, outputs)
    get_mode(optimizer).optimize(fg)
    reference = fg.clone()[0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        place_on_device(fg)
    return fg, reference, [str(w.message) for w in caught]


def run(fg, values):
    return get_mode("FAST_COMPILE").make_executor(fg)(values)


def kinds(fg):
    return [type(n.op).__name__ if not isinstance(n.op, GpuOp) else f"Gpu:{type(n.op.op).__name__}" for n in fg.toposort()]


def test_an_mlp_layer_runs_on_the_gpu_between_two_transfers():
    x, W, b = T.fmatrix("x"), T.fmatrix("W"), T.fvector("b")
    fg, reference, warned = placed([x, W, b], [T.nnet.sigmoid(T.dot(x, W) + b)])
    found = kinds(fg)
    assert found.count("GpuFromHost") == 3 and found.count("HostFromGpu") == 1, found
    assert all(k.startswith("Gpu") or k in ("GpuFromHost", "HostFromGpu") for k in found), found
    assert isinstance(fg.outputs[0].owner.op, HostFromGpu)
    assert warned == []
    rng = np.random.default_rng(0)
    values = [rng.standard_normal(s).astype("float32") for s in [(5, 4), (4, 3), (3,)]]
    np.testing.assert_allclose(run(fg, values)[0], run(reference, values)[0], rtol=1e-6)


def test_shape_arithmetic_stays_on_the_host_and_reads_the_gpu_descriptor():
    x = T.fmatrix("x")
    y = T.exp(x).reshape((x.shape[0] * x.shape[1],))
    fg, reference, _ = placed([x], [y, y.shape[0] * 2])
    for node in fg.toposort():
        if isinstance(node.op, GpuOp):
            continue
        name = type(node.op).__name__
        if name in ("Shape_i", "Shape", "HostFromGpu"):
            continue  # a shape may be read of a GPU value: its descriptor is on the host
        for var in node.inputs:
            assert not (var.owner is not None and isinstance(var.owner.op, (GpuOp, GpuFromHost))), (node, var)
    reshape = next(n for n in fg.toposort() if isinstance(n.op, GpuOp) and type(n.op.op).__name__ == "Reshape")
    assert reshape.inputs[1].owner is None or not isinstance(reshape.inputs[1].owner.op, (GpuOp, GpuFromHost))
    value = np.arange(6, dtype="float32").reshape(2, 3) / 7
    for got, want in zip(run(fg, [value]), run(reference, [value])):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_an_op_without_a_cuda_rule_runs_on_the_host_with_a_warning_naming_it():
    x = T.fmatrix("x")
    w = T.fmatrix("w")
    y = (T.repeat(T.exp(x), 2, axis=1) * w).sum()
    placement._warned.clear()
    fg, reference, warned = placed([x, w], [y])
    assert any("Repeat" in text and "no CUDA rule" in text and "run on the host" in text for text in warned), warned
    repeat = next(n for n in fg.toposort() if "Repeat" in type(n.op).__name__)
    assert not isinstance(repeat.op, GpuOp)
    assert any(isinstance(v.owner.op, HostFromGpu) for v in repeat.inputs if v.owner is not None)
    rng = np.random.default_rng(1)
    values = [rng.standard_normal((4, 5)).astype("float32"), rng.standard_normal((4, 10)).astype("float32")]
    np.testing.assert_allclose(run(fg, values)[0], run(reference, values)[0], rtol=1e-5)
    placement._warned.clear()
    with warnings.catch_warnings(record=True) as again:
        warnings.simplefilter("always")
        fg2, _, _ = placed([x, w], [y])
        place_on_device(fg2)
    assert sum("Repeat" in str(w.message) for w in again) <= 1  # once per op class


def test_contractions_crossentropies_scans_fills_and_sorts_run_on_the_gpu():
    """The ops of issue 10 stay on the GPU between their neighbours: no transfer around them, no
    warning, and debugprint names them as GPU nodes."""
    x, y, a = T.fmatrix("x"), T.ivector("y"), T.ftensor3("a")
    n = T.lscalar("n")
    prob = T.nnet.softmax(T.exp(x))
    outs = [T.batched_dot(T.exp(a), a.dimshuffle(0, 2, 1)) * 2, T.tensordot(T.exp(a), a, [[1, 2], [1, 2]]) + 1,
            T.nnet.categorical_crossentropy(prob, y) * 2, T.cumsum(T.exp(x), axis=1) + 1,
            T.sort(T.exp(x), axis=0) + 1, T.argsort(T.exp(x)) + 1,
            T.eye(n, dtype="float32") + T.exp(x[:, 0]).dimshuffle(0, "x"), T.arange(n).astype("float32") * x[0, 0]]
    outs.append(T.grad(T.sum(T.nnet.crossentropy_categorical_1hot(T.exp(x), y)), x) * 2)
    placement._warned.clear()
    fg, reference, warned = placed([x, y, a, n], outs, optimizer="FAST_COMPILE")
    names = ("BatchedDot", "TensorDot", "CrossentropyCategorical1Hot", "CrossentropyCategorical1HotGrad", "CumOp",
             "SortOp", "ArgSortOp", "Eye", "ARange")
    assert not any(name in text for text in warned for name in names), warned
    found = kinds(fg)
    for name in names:
        assert f"Gpu:{name}" in found, (name, found)
    for node in fg.toposort():
        if isinstance(node.op, GpuOp) and type(node.op.op).__name__ in names:
            for var in node.inputs:  # read on the GPU: made there (or a host scalar: labels, n)
                assert var.owner is None or not isinstance(var.owner.op, HostFromGpu), (node, var)
            for client, _ in fg.clients(node.outputs[0]):  # read on the GPU by the next node
                assert isinstance(client.op, GpuOp), (node, client)
    text = debugprint(fg.outputs, file="str")
    for name in ("GpuBatchedDot", "GpuTensorDot", "GpuCrossentropyCategorical1Hot", "GpuCum", "GpuSortOp",
                 "GpuArgSortOp", "GpuEye", "GpuARange"):
        assert name in text, (name, text)
    rng = np.random.default_rng(2)
    values = [rng.uniform(0.1, 1, (4, 5)).astype("float32"), np.array([0, 4, 2, 2], "int32"),
              rng.standard_normal((3, 4, 5)).astype("float32") * 0.3, np.array(4, "int64")]
    for got, want in zip(run(fg, values), run(reference, values)):
        np.testing.assert_allclose(got, want, rtol=1e-5)


def test_convolutions_and_their_gradients_run_on_the_gpu():
    x, w = T.ftensor4("x"), T.ftensor4("w")
    y = T.nnet.conv2d(T.exp(x), w)
    placement._warned.clear()
    fg, reference, warned = placed([x, w], [y, *T.grad(T.sum(y ** 2), [x, w])])
    assert not any("Conv" in text for text in warned), warned
    found = kinds(fg)
    for name in ("Conv2d", "Conv2dGradInputs", "Conv2dGradWeights"):
        assert f"Gpu:{name}" in found, (name, found)
    rng = np.random.default_rng(1)
    values = [rng.standard_normal((1, 2, 5, 5)).astype("float32"), rng.standard_normal((3, 2, 2, 2)).astype("float32")]
    for got, want in zip(run(fg, values), run(reference, values)):
        np.testing.assert_allclose(got, want, rtol=1e-5)


def test_nodes_the_cuda_printer_cannot_print_stay_on_the_host():
    i, j = T.ivector("i"), T.ivector("j")
    z = T.zvector("z")
    fg, reference, _ = placed([i, j, z], [(i ** j) + 1, T.exp(z) * 2], optimizer="FAST_COMPILE")
    stayed = [n for n in fg.toposort() if not isinstance(n.op, (GpuOp, GpuFromHost, HostFromGpu))]
    names = [str(n.op) for n in stayed]
    assert any("pow" in name for name in names), names  # an integer power checks its exponent on the host
    assert all(not isinstance(n.op, GpuOp) for n in fg.toposort() if any(v.dtype.startswith("complex") for v in n.outputs))
    assert any(isinstance(n.op, GpuOp) for n in fg.toposort())  # the + 1 after the power runs on the GPU


def test_each_value_is_copied_once_per_direction():
    x = T.fmatrix("x")
    a = T.exp(x)
    fg, _, _ = placed([x], [a, a * 2, a + x])
    uploads = [n for n in fg.toposort() if isinstance(n.op, GpuFromHost)]
    assert len(uploads) == 1, fg.toposort()


def test_placing_twice_changes_nothing():
    x, W = T.fmatrix("x"), T.fmatrix("W")
    fg, _, _ = placed([x, W], [T.tanh(T.dot(x, W))])
    before = kinds(fg)
    assert place_on_device(fg) == 0
    assert kinds(fg) == before


def test_debugprint_names_the_gpu_nodes_and_the_transfers_as_theano_did(capsys):
    x, y = T.fmatrix("x"), T.fmatrix("y")
    fg, _, _ = placed([x, y], [T.dot(x, y) + 1])
    text = debugprint(fg.outputs, file="str")
    assert "HostFromGpu" in text and "GpuFromHost" in text
    assert "GpuDot22" in text or "GpuGemm" in text or "GpuDot" in text, text


def test_gpu_op_is_the_op_it_wraps():
    x = T.fmatrix("x")
    node = T.exp(x).owner
    wrapped = GpuOp(node.op)
    assert wrapped == GpuOp(node.op) and hash(wrapped) == hash(GpuOp(node.op))
    assert wrapped.destroy_map == node.op.destroy_map and wrapped.view_map == node.op.view_map
    out = wrapped(x)
    assert out.type == node.outputs[0].type
    value = np.full((2, 2), 0.5, "float32")
    np.testing.assert_allclose(transpile.function([x], out, mode="FAST_COMPILE")(value), np.exp(value))
    with pytest.raises(TypeError, match="wraps a host op"):
        GpuOp(wrapped)


def test_row_gathers_and_scatters_run_on_the_gpu_with_their_indices_on_the_host():
    x, y, idx = T.fmatrix("x"), T.fmatrix("y"), T.lvector("idx")
    placement._warned.clear()
    fg, reference, warned = placed([x, y, idx], [T.inc_subtensor(x[idx], y), T.set_subtensor(x[idx], y) * 2,
                                                 T.exp(x)[idx]])
    assert not any("Subtensor1" in text for text in warned), warned
    found = kinds(fg)
    assert "Gpu:AdvancedIncSubtensor1" in found and "Gpu:AdvancedSubtensor1" in found, found
    for node in fg.toposort():
        if isinstance(node.op, GpuOp) and "IncSubtensor1" in type(node.op.op).__name__:
            assert node.inputs[2] in fg.inputs  # the indices are read on the host, no transfer
    values = [np.arange(12, dtype="float32").reshape(4, 3), np.ones((5, 3), "float32"), np.array([0, 3, 0, -1, 2])]
    for got, want in zip(run(fg, values), run(reference, values)):
        np.testing.assert_array_equal(got, want)


def test_pooling_and_its_gradients_run_on_the_gpu():
    x = T.ftensor4("x")
    pooled = T.nnet.pool_2d(x, (2, 2), ignore_border=False)
    averaged = T.nnet.pool_2d(x, (2, 2), mode="average_exc_pad")
    placement._warned.clear()
    fg, reference, warned = placed([x], [pooled, T.grad(T.sum(pooled) + T.sum(averaged), x)])
    assert not any("Pool" in text for text in warned), warned
    found = kinds(fg)
    for name in ("Pool", "MaxPoolGrad", "AveragePoolGrad"):
        assert f"Gpu:{name}" in found, (name, found)
    value = np.random.default_rng(0).standard_normal((2, 3, 5, 4)).astype("float32")
    for got, want in zip(run(fg, [value]), run(reference, [value])):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_random_draws_run_on_the_gpu_with_their_state_and_size_on_the_host():
    srng = transpile.tensor.random.RandomStreams(seed=3)
    x = T.fmatrix("x")
    placement._warned.clear()
    outs = [srng.normal(x.shape) + x, srng.binomial((4,), n=3, p=T.nnet.sigmoid(x[0]))]
    fg, _, warned = placed([x] + [state for state, _ in srng.state_updates], outs)
    assert not any("Draw" in text for text in warned), warned
    draws = [n for n in fg.toposort() if isinstance(n.op, GpuOp) and "Draw" in type(n.op.op).__name__]
    assert len(draws) == 2
    for node in draws:
        for var in node.inputs[:2]:  # state and size: read on the host, no transfer
            assert var.owner is None or not isinstance(var.owner.op, (GpuOp, GpuFromHost)), (node, var)
