"""The CUDA target without a GPU: one placed graph that uses every CUDA rule is lowered,
rendered and built by nvcc (the machines of this suite have the CUDA toolkit, no GPU); the
library then loads, and calling it reports CUDA's answer as an error status, never a crash.
What the kernels compute is checked on a GPU by the `cuda` suite (tests/cuda/)."""
import re

import numpy as np
import pytest

import transpile.tensor as T
from transpile.compile import cache
from transpile.compile.cuda_device import device_count
from transpile.compile.native import caller_module, cuda_cmake_args
from transpile.emit import LoweringError, lower
from transpile.emit.cuda.placement import place_on_device
from transpile.emit.registry import LOWERINGS, find_lowering
from transpile.emit.render import render
from transpile.gpuarray import GpuFromHost, GpuOp, HostFromGpu
from transpile.graph.deepcopy import deep_copy_op
from transpile.graph.fg import FunctionGraph
from transpile import scalar
from transpile.tensor.blas_batched import BatchedDot
from transpile.tensor.blas_gemm import Dot22, Gemm, Gemv, Ger
from transpile.tensor.blas_tensordot import TensorDot
from transpile.tensor.reduce import Sum
from transpile.tensor.reduce_fused import FusedReduce
from transpile.tensor.view_ops import view_op
from transpile.tensor.random import (BinomialDraw, CategoricalDraw, ExponentialDraw, GammaDraw, IntegersDraw, NormalDraw,
                                     PoissonDraw, TruncatedNormalDraw, UniformDraw)
from transpile.tensor.random.op import STATE_TYPE
from transpile.tensor.nnet.conv import Conv2dGradInputs, Conv2dGradWeights
from transpile.tensor.nnet.xent import CrossentropyCategorical1HotGrad
from transpile.tensor.nnet.pool import AveragePoolGrad, MaxPoolGrad, MaxPoolGradGrad, Pool
from transpile.tensor.nnet.xent_softmax import CrossentropySoftmax1Hot, CrossentropySoftmax1HotDx

pytestmark = [pytest.mark.single_mode, pytest.mark.slow]


def rule_table_graph(rows=4, cols=3):
    """A graph with a node for every CUDA rule (and the shapes of operands each must handle), for
    the inputs `table_values(rows, cols)` gives."""
    x, y, W = T.fmatrix("x"), T.fmatrix("y"), T.fmatrix("W")
    v, b = T.fvector("v"), T.fvector("b")
    s = T.fscalar("s")
    i = T.ivector("i")
    d = T.dmatrix("d")
    k = T.lscalar("k")
    outs = [
        T.exp(x) * 2 + y,                                   # a Composite; a literal
        x + b.dimshuffle("x", 0),                          # a broadcast operand (a GPU view)
        x * s,                                              # a 0-d operand
        s * 3 + 1,                                          # a 0-d node
        T.shape_padleft(s, 2) * 2 - s,                      # an output broadcast on every dim (one element)
        T.cast(i * 2 + 1, "int64"),                         # integers
        x > y,                                              # a bool output
        x + np.arange(rows * cols, dtype="float32").reshape(rows, cols),  # a constant copied to the GPU
        x.T,                                                # a strided GPU view returned (copied to the host)
        x.T.reshape((x.shape[0] * x.shape[1],)),             # reshape of a non-contiguous value (a GPU copy)
        T.specify_shape(x, (rows, cols)) * 1.5,
        T.assert_op(T.exp(x), T.gt(k, -1), msg="k >= 0") * 2,  # a run-time check at a host scalar
        view_op(T.exp(y)) + 1, T.cpu_contiguous(T.exp(x).T) * 3,  # a view; a contiguous GPU copy
        T.addbroadcast(T.exp(x[:1]), 0) + 1,
        T.unbroadcast(b.dimshuffle("x", 0), 0) * 2,
        T.dot(x, W), T.dot(x, v), T.dot(v, W.T), T.dot(v, v),  # Dot: 2x2, 2x1, 1x2 (strided), 1x1
        Dot22(trans_x=True)(W, x.T),
        Gemm()(b.dimshuffle("x", 0), np.float32(0.5), x, W, np.float32(1)),  # z broadcast to the product
        Gemv()(v, np.float32(2), W.T, b, np.float32(0.5)),
        Ger()(W, np.float32(1), v, b),
        T.exp(d).sum(axis=0),                               # float64; a host node (Sum) after a GPU one
        T.exp(x)[k, ::2],                                   # a GPU view at a host index
        deep_copy_op(T.exp(x)),
        T.sum(x, axis=1), T.max(x, axis=0), T.prod(x), T.min(T.exp(x).T, axis=1),  # reductions, a strided input
        T.all(x > 0, axis=0), T.any(T.eq(i, 3)), T.sum(i),
        FusedReduce(Sum((0, 1)), scalar.sqr)(x),             # map and reduce
        T.argmax(x, axis=1), T.argmin(x), T.argmax(d.T, axis=0),
        T.nnet.softmax(x), T.nnet.logsoftmax(v), T.nnet.softmax(x.T),
        CrossentropySoftmax1Hot()(x, i[:rows]),
        CrossentropySoftmax1HotDx()(T.sum(x, axis=1) * 2, T.nnet.softmax(x), i[:rows]),
        T.alloc(np.float32(1.5), x.shape[0], 2), T.alloc(T.exp(b), k, x.shape[1]),   # a literal; a GPU row
        T.concatenate([x, T.exp(y), x.T.T[:1]], axis=0), T.split(T.exp(v), [1, cols - 1], 2)[1] * 2,
        T.inc_subtensor(x[1:, ::2], T.exp(x[:-1, ::2])), T.set_subtensor(T.exp(x)[k], b),  # a region; a host index
        T.inc_subtensor(x.T[:, 0], np.float32(1)),            # a strided region, a broadcast literal
        T.exp(x)[i[:2]], x.T[i - 1], d[i[:3] % 2],            # gathers: rows, negative indices, float64
        T.inc_subtensor(x.T[i - 1], T.exp(x.T[i - 1])),      # scatters: repeated and negative indices
        T.set_subtensor(W[i - 1], v), T.inc_subtensor(v[i - 1], np.float32(1)),  # a broadcast row; a literal
        T.inc_subtensor(d[i[:3] % 2], d[i[:3] % 2] * 2), T.inc_subtensor(i[i % 2], i),  # float64 (strided); int32
        T.log(T.abs(x) + 1)[T.arange(rows), i[:rows]], T.exp(x).T[i[:2] - 1, 1:],  # elements: Theano's NLL; a slice
        x[T.gt(x, 0)], d[i[:3] % 2, ::-2],                  # a mask computed on the GPU; float64, a negative step
        T.inc_subtensor(x[i[:3], i[1:4] - 1], T.exp(v[:3])), T.set_subtensor(d[i[:3] % 2, ::-2], 0.5),  # element scatters
    ]
    pooled, avg, avg3 = Pool((2, 2), False, (1, 2))(x), Pool((2, 1), True, (1, 1), (1, 0), "average_inc_pad"), \
        Pool((3, 2), True, (2, 1), (1, 1), "average_exc_pad")
    outs += [
        pooled, avg(T.exp(x).T), avg3(x.dimshuffle("x", 0, 1)),  # max, partial windows; padding, a strided input
        Pool((1, 2, 2), False, None, None, "sum", ndim=3)(d.dimshuffle("x", 0, 1)),  # 3-d, float64
        MaxPoolGrad((2, 2), False, (1, 2))(x, pooled, pooled * 2 + 1),
        MaxPoolGradGrad((2, 2), False, (1, 2))(x, pooled, T.exp(x)),
        AveragePoolGrad((2, 1), True, (1, 1), (1, 0), "average_inc_pad")(T.exp(x).T, avg(T.exp(x).T) * 3),
        AveragePoolGrad((3, 2), True, (2, 1), (1, 1), "average_exc_pad")(x, avg3(x) + 1),
        AveragePoolGrad((2, 2), False, None, None, "sum")(y, Pool((2, 2), False, None, None, "sum")(y) - 1),
    ]
    img, filt = T.exp(x).dimshuffle("x", "x", 0, 1), W[:2].dimshuffle("x", "x", 0, 1)   # (1, 1, rows, cols), (1, 1, 2, cols)
    pair = T.concatenate([img, img.T.T * 2], axis=1)                                      # two channels
    outs += [
        T.nnet.conv2d(img, filt, border_mode="full"), T.nnet.conv2d(pair, T.concatenate([filt, filt], axis=0),
                                                                    border_mode="half", num_groups=2, subsample=(2, 1)),
        T.nnet.conv2d(d.dimshuffle("x", "x", 0, 1), d[:, ::-2].dimshuffle("x", "x", 0, 1)[:, :, :, :2],
                      filter_flip=False),                                                  # float64, a strided filter
        Conv2dGradWeights("full", (1, 2))(pair, (T.alloc(b[0], 1, 1, rows + 1, cols // 2 * 2 + 2)
                                                 + T.arange(cols // 2 * 2 + 2).astype("float32"))[:, :, :, ::2],  # strided
                                          2, 2),
        Conv2dGradInputs(1, filter_dilation=(1, 2))(T.concatenate([filt, filt], axis=1), x.dimshuffle("x", "x", 0, 1),
                                                    rows - 1, 3 * cols - 4),  # input rows, cols giving x's shape
    ]
    outs += [
        BatchedDot()(x.dimshuffle("x", 0, 1), W.dimshuffle("x", 0, 1)),             # a shared (stride 0) batch
        BatchedDot()(T.stack([x, y]), T.stack([W, W.T])),                           # a transposed entry: a copy
        T.tensordot(T.stack([x, y]), T.cast(W, "float64"), [[2], [0]]),               # mixed dtypes: the host
        T.tensordot(d, d.T.T, [[0, 1], [0, 1]]), TensorDot((0,), (1,))(x.T, W),      # float64 to a scalar; strided
        TensorDot((2,), (1,), batch=True)(T.exp(x).dimshuffle(0, "x", 1), y.dimshuffle(0, 1, "x")),
        T.nnet.crossentropy_categorical_1hot(T.nnet.softmax(x), i[:rows]),
        CrossentropyCategorical1HotGrad()(T.sum(x, axis=1), T.nnet.softmax(x).T.T, i[:rows]),
        CrossentropyCategorical1HotGrad()(T.exp(v[:1]).astype("float64"), T.nnet.softmax(d), i[:2] % 5),  # one g, float64
        T.cumsum(x, axis=0), T.cumprod(x.T, axis=1), T.cumsum(i), T.cumprod(T.exp(d), axis=None),
        T.eye(k + 1, 3, -1, dtype="float32"), T.eye(k, dtype="int64"),
        T.arange(k), T.arange(s, np.float32(5), np.float32(0.5)), T.arange(np.float64(0.5), k, np.float64(0.3)),
        T.sort(x), T.argsort(x.T, axis=1), T.sort(i, axis=None), T.argsort(d, axis=0),
    ]
    state = STATE_TYPE("state")
    draws = [UniformDraw(2, "float32")(state, x.shape), UniformDraw(1, "float64")(state, [5]),  # a symbolic size; 1-d
             NormalDraw(2, "float64")(state, (rows, 3)), NormalDraw(0, "float32")(state, np.zeros(0, "int64")),  # 0-d
             BinomialDraw(2, "int64", 5)(state, x.shape, T.nnet.sigmoid(b)),   # p broadcast along rows
             IntegersDraw(1, "int32")(state, [7], np.int64(-3), T.cast(k, "int64") + 10),
             PoissonDraw(2, "int64")(state, x.shape, T.abs(x) * 3), ExponentialDraw(1, "float32")(state, [cols], T.exp(v)),
             GammaDraw(2, "float64")(state, d.shape, T.abs(d) + 0.3, np.float64(2)),
             TruncatedNormalDraw(1, "float32")(state, [9]), CategoricalDraw(1, "int64")(state, [rows], T.nnet.softmax(x))]
    outs += draws + [draws[-1].owner.outputs[0]]  # the samples, a new state
    inputs = [x, y, W, v, b, s, i, d, k, state]
    fg = FunctionGraph(inputs, outs)
    place_on_device(fg)
    return fg


def table_values(rows=4, cols=3, seed=0):
    """Inputs of `rule_table_graph(rows, cols)`: x, y (rows x cols), W (cols x cols), v, b (cols),
    s, labels i (rows + 1, each < cols), d, an index k < rows, a random state [key, counter]."""
    rng = np.random.default_rng(seed)
    f32 = lambda *shape: rng.standard_normal(shape).astype("float32")  # noqa: E731
    labels = (np.arange(rows + 1) * 7 % cols).astype("int32")
    labels[-1] = 3
    return [f32(rows, cols), f32(rows, cols), f32(cols, cols), f32(cols), f32(cols), np.asarray(f32()), labels,
            rng.standard_normal((2, 5)), np.array(rows // 2, dtype="int64"), np.array([seed + 7, 2 ** 40 + seed], "uint64")]


def test_every_cuda_rule_is_used_by_the_table_graph():
    fg = rule_table_graph()
    used = set()
    for node in fg.toposort():
        op = node.op.op if isinstance(node.op, GpuOp) else node.op
        if isinstance(node.op, (GpuOp, GpuFromHost, HostFromGpu)):
            used.add(find_lowering(op, "cuda"))
    missing = [cls for cls, rule in LOWERINGS["cuda"].items() if rule not in used]
    assert missing == []


def test_a_placed_graph_needs_the_cuda_target():
    with pytest.raises(LoweringError, match="target='cuda'"):
        lower(rule_table_graph())


def test_the_sources_are_the_same_every_time():
    first = render(lower(rule_table_graph(), target="cuda")).files
    second = render(lower(rule_table_graph(), target="cuda")).files
    assert first == second
    cu = next(text for rel, text in first.items() if rel.endswith("_kernels.cu"))
    assert cu.startswith("// generated by transpile from graph")
    assert re.search(r"// node \d+: GpuElemwise", cu)  # each kernel names its graph node


def test_the_table_graph_builds_with_nvcc_and_reports_the_missing_gpu():
    program = lower(rule_table_graph(), target="cuda")
    project = render(program)
    assert "cublas" in program.features
    cmake = project.files["CMakeLists.txt"]
    assert "LANGUAGES CXX CUDA" in cmake and "75;80;86;89;90" in cmake
    entry = cache.get_or_build("graphs", project.files, lambda key: cuda_cmake_args(program, "80"),
                               lambda key: f"lib{project.name}.so", "the CUDA rule table")
    library = caller_module().Library(str(entry.artifact), project.name)
    values = table_values()
    count, error = device_count()
    assert count == 0  # this suite runs without a GPU; tests/cuda/ runs the kernels
    with pytest.raises(RuntimeError, match=r"CUDA error in cudaSetDevice: cudaError\w+ \("):
        library.run(values)
    with pytest.raises(RuntimeError, match="cudaSetDevice"):  # the state stays usable: same answer again
        library.run(values)
