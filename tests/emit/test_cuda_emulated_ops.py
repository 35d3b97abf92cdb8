"""The CUDA rules of issue 10 run under the CPU emulation of CUDA (tests/emit/cuda_emulation/):
contractions through cuBLAS's strided-batched gemm (`BatchedDot`, `TensorDot`), the categorical
cross-entropy with integer labels and its gradient, `CumOp`, `Eye` and `ARange`, `SortOp` and
`ArgSortOp`. Each graph is compared with the reference executor on random, strided, transposed,
empty and odd shapes, for several dtypes (sorts bit for bit), and its errors are the C++ rules'.
The emulation runs grids of at most 3 blocks of 32 threads: shapes beyond 96 lines make every
grid-stride loop wrap. What only a GPU shows is checked by tests/cuda/test_cuda_ops.py."""
import numpy as np
import pytest

import transpile.tensor as T
from tests.emit.test_cuda_emulated import assert_outputs_equal, emulated, reference
from transpile.emit.cuda.placement import place_on_device
from transpile.gpuarray import GpuOp
from transpile.graph.fg import FunctionGraph
from transpile.tensor.alloc import ARange, Eye
from transpile.tensor.blas_batched import BatchedDot
from transpile.tensor.blas_tensordot import TensorDot
from transpile.tensor.nnet.xent import CrossentropyCategorical1Hot, CrossentropyCategorical1HotGrad

pytestmark = [pytest.mark.single_mode, pytest.mark.slow]


def placed(inputs, outputs, names, count):
    """The graph placed on the GPU, with `count` GpuOp nodes of the op classes `names`."""
    fg = FunctionGraph(inputs, outputs)
    place_on_device(fg)
    found = [type(n.op.op).__name__ for n in fg.toposort() if isinstance(n.op, GpuOp)]
    assert sum(found.count(name) for name in names) == count, found
    return fg


def check(fg, library, values, exact=False):
    got, want = library.run(values), reference(fg, values)
    if not exact:
        assert_outputs_equal(fg, got, want)
        return
    for k, (g, w) in enumerate(zip(got, want)):
        g, w = np.asarray(g), np.asarray(w)
        assert g.dtype == w.dtype and g.shape == w.shape, (k, g.dtype, w.dtype, g.shape, w.shape)
        assert g.tobytes() == w.tobytes(), (k, fg.outputs[k], g, w)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_contractions_compute_like_the_reference(dtype, tmp_path):
    """One strided-batched gemm per node: operands as they are when their merged dims suit cuBLAS,
    else copied (transposed within a group, negative strides, a negative batch stride); empty
    batches, rows, columns and sums (k = 0: zeros)."""
    a, b = T.tensor3("a", dtype=dtype), T.tensor3("b", dtype=dtype)
    c, m = T.tensor4("c", dtype=dtype), T.matrix("m", dtype=dtype)
    outs = [BatchedDot()(a, b), BatchedDot()(b.dimshuffle(0, 2, 1), a.dimshuffle(0, 2, 1)),
            T.batched_dot(b[:, :, 0], a.dimshuffle(0, 2, 1)),            # a batch of vectors (a strided row)
            T.tensordot(c, m, [[1, 3], [1, 0]]), T.tensordot(c.dimshuffle(3, 1, 2, 0), m, [[0], [0]]),
            T.tensordot(c, c, [[0, 1, 2, 3], [0, 1, 2, 3]]),             # to a scalar
            T.tensordot(m, c, [[0], [3]]),                               # free dims not adjacent
            TensorDot((2, 3), (3, 1), batch=True)(c, c.dimshuffle(0, 3, 1, 2))]
    fg = placed([a, b, c, m], outs, ("BatchedDot", "TensorDot"), 8)
    library = emulated(fg, tmp_path)
    rng = np.random.default_rng(0)
    f = lambda *s: rng.standard_normal(s).astype(dtype)  # noqa: E731
    # a (B, n, k), b (B, k, p) with p >= 1; c of `shape`, m (shape[3], shape[1])
    for B, n, k, p, shape in [(3, 4, 5, 2, (2, 3, 4, 5)), (1, 1, 7, 1, (1, 1, 1, 1)), (4, 3, 0, 2, (2, 3, 0, 5)),
                              (0, 2, 3, 4, (0, 3, 4, 5)), (5, 0, 3, 6, (3, 0, 2, 3)), (2, 9, 40, 3, (6, 5, 4, 6))]:
        values = [f(B, n, k), f(B, k, p), f(*shape), f(shape[3], shape[1])]
        check(fg, library, values)
        strided = [np.asfortranarray(values[0]), values[1][::-1, :, ::-1], values[2][:, ::-1, :, ::-1],
                   np.asfortranarray(values[3])]  # transposed; negative strides (batch too): GPU copies
        check(fg, library, strided)
    values = [f(3, 4, 5), f(3, 5, 2), f(5, 3, 4, 5), f(5, 3)]
    check(fg, library, [values[0].transpose(0, 2, 1).copy().transpose(0, 2, 1), *values[1:]])
    with pytest.raises(ValueError, match=r"BatchedDot: shapes \(3, \d, \d\) and \(3, \d, \d\) do not match \(not aligned\)"):
        library.run([f(3, 4, 5), f(3, 4, 2), *values[2:]])
    with pytest.raises(ValueError, match=r"BatchedDot: shapes \([23], \d, \d\) and \([23], \d, \d\) do not match"):
        library.run([f(3, 4, 5), f(2, 5, 2), *values[2:]])
    with pytest.raises(ValueError, match=r"TensorDot\{axes=\(\(1, 3\), \(1, 0\)\)\}: shapes \(5, 3, 4, 5\) and \(5, 4\)"):
        library.run([*values[:3], f(5, 4)])
    check(fg, library, values)  # the state is still usable


def test_mixed_and_integer_contractions_stay_on_the_host():
    a, b, i = T.ftensor3("a"), T.dtensor3("b"), T.itensor3("i")
    fg = FunctionGraph([a, b, i], [BatchedDot()(a, b), BatchedDot()(i, i), T.tensordot(a, i, [[2], [1]])])
    place_on_device(fg)
    assert not any(isinstance(n.op, GpuOp) and type(n.op.op).__name__ in ("BatchedDot", "TensorDot")
                   for n in fg.toposort())


def test_categorical_crossentropy_and_its_gradient(tmp_path):
    """-log(coding[i, y[i]]) and the gradient's one entry per row (g of one entry broadcast, g of
    another dtype), labels of several integer dtypes, strided coding; the C++ rule's errors."""
    x, d = T.fmatrix("x"), T.dmatrix("d")
    y, y8 = T.ivector("y"), T.bvector("y8")
    g, g1 = T.fvector("g"), T.dvector("g1")
    outs = [CrossentropyCategorical1Hot()(x, y), CrossentropyCategorical1Hot()(d.T, y8),
            CrossentropyCategorical1HotGrad()(g, x, y), CrossentropyCategorical1HotGrad()(g1, x, y),
            CrossentropyCategorical1HotGrad()(g.astype("float64"), d.T, y8)]
    fg = placed([x, d, y, y8, g, g1], outs, ("CrossentropyCategorical1Hot", "CrossentropyCategorical1HotGrad"), 5)
    library = emulated(fg, tmp_path)
    rng = np.random.default_rng(1)
    for rows, cols in [(5, 4), (1, 1), (0, 3), (130, 7)]:
        labels = rng.integers(0, cols, rows) if cols else np.zeros(rows, int)
        values = [rng.uniform(0.01, 1, (rows, cols)).astype("float32"), rng.uniform(0.01, 1, (cols, rows)),
                  labels.astype("int32"), labels.astype("int8"), rng.standard_normal(rows).astype("float32"),
                  rng.standard_normal(1)]
        check(fg, library, values)
    values[0] = np.asfortranarray(values[0])
    values[1] = values[1][:, ::-1].copy()[:, ::-1]
    check(fg, library, values)
    values[0][3, labels[3]] = 0  # -log(0) = inf, -g / 0 = -inf: as numpy
    check(fg, library, values)
    bad = list(values)
    bad[2] = bad[2].copy()
    bad[2][5] = 7
    with pytest.raises(IndexError, match=r"CrossentropyCategorical1Hot: class index 7 out of range for 7 classes "
                                         r"\(coding_dist shape \(130, 7\)\)"):
        library.run(bad)
    bad[2][5] = -1
    with pytest.raises(IndexError, match="class index -1 out of range for 7 classes"):
        library.run(bad)
    bad = list(values)
    bad[2], bad[3] = bad[2][:4], bad[3][:4]
    with pytest.raises(ValueError, match=r"130 rows of coding_dist \(shape \(130, 7\)\) but 4 labels \(shape \(4,\)\)"):
        library.run(bad)
    bad = list(values)
    bad[4] = bad[4][:3]
    with pytest.raises(ValueError, match="operands could not be broadcast together: 3 output gradients for 130 rows"):
        library.run(bad)
    check(fg, library, values)  # the state is still usable


@pytest.mark.parametrize("dtype", ["float32", "float64", "int8", "uint8", "int64", "bool"])
def test_cumulative_sums_and_products(dtype, tmp_path):
    """Along every axis and flattened, in the output's dtype (int8 -> int64, uint8 -> uint64,
    integers wrap like the CPU's), strided inputs, empty dims, lines beyond the grid."""
    x = T.tensor3("x", dtype=dtype)
    outs = [T.cumsum(x, axis=0), T.cumsum(x, axis=1), T.cumprod(x, axis=2), T.cumprod(x.dimshuffle(2, 0, 1), axis=1),
            T.cumsum(x), T.cumprod(x, axis=None)]
    fg = placed([x], outs, ("CumOp",), 6)
    library = emulated(fg, tmp_path)
    rng = np.random.default_rng(2)
    for shape in [(2, 3, 4), (1, 1, 1), (0, 3, 2), (3, 0, 2), (5, 40, 3)]:
        if dtype == "bool":
            value = rng.integers(0, 2, shape).astype(bool)
        elif dtype.startswith(("int", "uint")):
            value = rng.integers(-3 if dtype != "uint8" else 0, 4, shape).astype(dtype)
        else:
            value = (rng.uniform(0.5, 1.5, shape) * rng.choice([-1, 1], shape)).astype(dtype)
        check(fg, library, [value])
        check(fg, library, [value[::-1, :, ::-1]])
        check(fg, library, [np.asfortranarray(value)])


def test_eye_and_arange(tmp_path):
    """The C++ rules' lengths and values (numpy's float arange: first + i * delta, no fused
    multiply-add), every diagonal, empty results; their errors."""
    n, m, k = T.lscalar("n"), T.lscalar("m"), T.lscalar("k")
    f, s = T.dscalar("f"), T.fscalar("s")
    i8 = T.bscalar("i8")
    outs = [Eye("float32")(n, m, k), Eye("int64")(n, n, np.int64(0)), Eye("uint8")(m, n, -k),
            ARange("int64")(n, m, k), ARange("float64")(f, np.float64(3), np.float64(0.1)),
            ARange("float32")(s, n, np.float32(0.7)), ARange("int8")(i8, np.int8(100), np.int8(3)),
            ARange("float64")(n, f, k), ARange("int32")(f, np.float64(9.5), np.float64(1.25))]
    fg = placed([n, m, k, f, s, i8], outs, ("Eye", "ARange"), 9)
    library = emulated(fg, tmp_path)
    for nv, mv, kv, fv, sv, iv in [(3, 4, 1, 0.25, -1.5, -5), (5, 2, -3, -0.3, 2.0, 99), (0, 3, 1, 3.0, 7.0, 100),
                                   (7, 120, 2, -9.7, -3.25, -128), (2, 2, 5, 2.9, 0.1, 0), (4, -3, -2, 1.0, 3.0, 1)]:
        values = [np.array(v, dtype) for v, dtype in
                  [(nv, "int64"), (mv, "int64"), (kv, "int64"), (fv, "float64"), (sv, "float32"), (iv, "int8")]]
        if mv < 0:
            with pytest.raises(ValueError, match=r"eye: negative dimensions \(4, -3\)"):
                library.run(values)
            continue
        check(fg, library, values, exact=True)
    values[1], values[2] = np.array(3, "int64"), np.array(0, "int64")
    with pytest.raises(ValueError, match="arange: step must not be 0"):
        library.run(values)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int16", "int64", "uint8", "bool"])
def test_sorts_are_the_cpus_bits(dtype, tmp_path):
    """Ascending, NaN last, stable (ties, 0.0 and -0.0 keep their order): values and positions
    equal the CPU rule's bit for bit, along every axis and flattened, strided inputs, empty and
    one-element lines, more lines than the grid's threads."""
    x = T.tensor3("x", dtype=dtype)
    outs = [T.sort(x), T.argsort(x), T.sort(x, axis=0), T.argsort(x, axis=1), T.argsort(x.dimshuffle(2, 1, 0), axis=2),
            T.sort(x, axis=None), T.argsort(x, axis=None)]
    fg = placed([x], outs, ("SortOp", "ArgSortOp"), 7)
    library = emulated(fg, tmp_path)
    rng = np.random.default_rng(3)
    for shape in [(2, 3, 4), (1, 1, 1), (0, 2, 3), (2, 5, 0), (3, 40, 7), (2, 1, 33)]:
        if dtype == "bool":
            value = rng.integers(0, 2, shape).astype(bool)
        elif dtype.startswith(("int", "uint")):
            value = rng.integers(0 if dtype == "uint8" else -4, 4, shape).astype(dtype)  # many ties
        else:
            value = np.round(rng.standard_normal(shape) * 2).astype(dtype)
            flat = value.reshape(-1)
            specials = [np.nan, -0.0, 0.0, np.inf, -np.inf, np.nan]
            for j, v in enumerate(specials[:flat.size]):
                flat[(j * 7) % flat.size] = v
        check(fg, library, [value], exact=True)
        check(fg, library, [value[::-1, :, ::-1]], exact=True)
        check(fg, library, [np.asfortranarray(value)], exact=True)
