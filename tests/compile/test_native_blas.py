"""Matrix products in the native backend: `Dot` of every rank pair, and the BLAS-shaped ops
the FAST_RUN rewrites make (Dot22, Gemm, Gemv, Ger), through the CBLAS and the built-in kernel,
plus reductions fused with their elementwise input (FusedReduce)."""
import os

import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.compile.native_helpers import compare, strided

pytestmark = pytest.mark.single_mode


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_dot(dtype, rng):
    a, b, u, w = (T.tensor(dtype, (False, False), name="a"), T.tensor(dtype, (False, False), name="b"),
                  T.tensor(dtype, (False,), name="u"), T.tensor(dtype, (False,), name="w"))
    i = T.imatrix("i")
    outputs = [T.dot(a, b), T.dot(b.T, a.T), T.dot(a, u), T.dot(u, b), T.dot(u, u * 2),
               T.dot(a.T, w), T.dot(i, i.T), T.dot(a, i)]
    A, B = rng.normal(size=(6, 7)).astype(dtype), rng.normal(size=(7, 3)).astype(dtype)
    U, W = rng.normal(size=7).astype(dtype), rng.normal(size=6).astype(dtype)
    I = rng.integers(-3, 4, (7, 7)).astype("int32")
    calls = [[A, B, U, W, I], [strided(A), strided(B), strided(U), strided(W), strided(I)],
             [np.asfortranarray(A), np.asfortranarray(B), U[::-1], W, I.T]]
    compare([a, b, u, w, i], outputs, calls)
    f = transpile.function([a, b], T.dot(a, b), mode="NATIVE")
    np.testing.assert_array_equal(f(A[:, :0], B[:0]), np.zeros((6, 3), dtype))
    with pytest.raises(ValueError, match="not aligned"):
        f(A, A)


def _ops(f):
    return {type(node.op).__name__ for node in f.maker.fgraph.toposort()}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_blas_shaped_products(dtype, rng):
    """z + a*dot(x, y) patterns; FAST_RUN turns them into Gemm/Gemv/Ger/Dot22 (checked when the
    rewrites exist), each computed with alpha/beta in one product call."""
    def t(name, bcast):
        return T.tensor(dtype, bcast, name=name)
    x, y, z, b = t("x", (False, False)), t("y", (False, False)), t("z", (False, False)), t("b", (True, False))
    u, v, w = t("u", (False,)), t("v", (False,)), t("w", (False,))
    half = np.asarray(0.5, dtype=dtype)
    outputs = [T.dot(x, y) * 2, z * 3 + T.dot(x, y) * half, T.dot(x, y) + b, T.dot(z.T, x).T - y,
               w + T.dot(x, u) * half, T.dot(u, y) - v, z + T.outer(w, v) * 2, T.exp(T.dot(x, y)) + 1]
    X, Y = rng.normal(size=(4, 5)).astype(dtype), rng.normal(size=(5, 3)).astype(dtype)
    Z, B = rng.normal(size=(4, 3)).astype(dtype), rng.normal(size=(1, 3)).astype(dtype)
    U, V, W = (rng.normal(size=n).astype(dtype) for n in (5, 3, 4))
    f = compare([x, y, z, b, u, v, w], outputs,
                [[X, Y, Z, B, U, V, W], [strided(X), np.asfortranarray(Y), strided(Z), B, U[::-1], V, strided(W)]])
    made = _ops(f) & {"Gemm", "Gemv", "Ger", "Dot22"}
    assert made or "Dot" in _ops(f)


def test_fused_reductions(rng):
    x, y, r = T.matrix("x"), T.matrix("y"), T.row("r")
    outputs = [T.sum(T.exp(x) * y, axis=1), T.max(x * r - 1, axis=0), T.sum(x ** 2), T.prod(x + 2, axis=(0, 1)),
               T.mean(T.tanh(x * y), axis=0), T.any(x > y, axis=1), T.sum(T.cast(x > 0, "int32"), axis=0)]
    X, Y, R = rng.normal(size=(5, 6)), rng.normal(size=(5, 6)), rng.normal(size=(1, 6))
    f = compare([x, y, r], outputs, [[X, Y, R], [strided(X), Y.T.copy().T, strided(R)], [X[:, :0], Y[:, :0], R[:, :0]]])
    assert "FusedReduce" in _ops(f) or "Sum" in _ops(f)


def test_builtin_kernel_without_a_cblas(rng):
    """With no CBLAS (config.blas="builtin": TRANSPILE_BLAS=OFF), products go through the
    generated project's blocked kernel, with the same results."""
    x, y, z, u = T.matrix("x"), T.matrix("y"), T.matrix("z"), T.vector("u")
    outputs = [T.dot(x, y), z * 2 + T.dot(x, y) * 0.5, T.dot(x, u), T.dot(u, u), T.dot(y.T, x.T)]
    X, Y, Z, U = rng.normal(size=(40, 300)), rng.normal(size=(300, 30)), rng.normal(size=(40, 30)), rng.normal(size=300)
    with transpile.config.change_flags(blas="builtin"):
        f = compare([x, y, z, u], outputs, [[X, Y, Z, U], [strided(X), np.asfortranarray(Y), Z, U[::-1]]])
    source = next((f.executor.entry.project / "src").glob("tg_*.cpp")).read_text()
    assert "transpile_blas.h" in source
    log = (f.executor.entry.path / "build.log").read_text()  # the compile and link commands
    assert "TRANSPILE_HAVE_CBLAS" not in log and "openblas" not in log.lower()


def test_builtin_kernel_long_float32_sums_stay_accurate(rng):
    """An inner dimension of 10^7 float32 terms (all positive, the worst case for a running sum)
    keeps float32 accuracy in the built-in kernel: terms are summed in blocks, not one by one
    into the total (which lost 1% here). Dot (vector . vector), Gemv-shaped and Dot22 products."""
    n = 10 ** 7
    u, m = T.fvector("u"), T.fmatrix("m")
    U = rng.random(n, dtype=np.float32)
    M = rng.random((3, n), dtype=np.float32)
    with transpile.config.change_flags(blas="builtin"):
        f = transpile.function([u, m], [T.dot(u, u), T.dot(m, u), T.dot(m, m.T)], mode="NATIVE")
    U64, M64 = U.astype("float64"), M.astype("float64")
    for got, want in zip(f(U, M), [U64 @ U64, M64 @ U64, M64 @ M64.T]):
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, want, rtol=3e-6)
    log = (f.executor.entry.path / "build.log").read_text()  # the compile and link commands
    assert "TRANSPILE_HAVE_CBLAS" not in log and "openblas" not in log.lower()


def test_integer_products_wrap_like_numpy(rng):
    """Integer products in the built-in kernel wrap on overflow, like numpy (no undefined behaviour)."""
    a, b = T.imatrix("a"), T.ivector("b")
    A = rng.integers(2 ** 30, 2 ** 31 - 1, (4, 300)).astype("int32")
    B = rng.integers(-2 ** 31, 2 ** 31 - 1, 300).astype("int32")
    f = transpile.function([a, b], [T.dot(a, b), T.dot(a, a.T)], mode="NATIVE")
    for got, want in zip(f(A, B), [A @ B, A @ A.T]):
        np.testing.assert_array_equal(got, want)


def test_the_cblas_is_loaded_before_the_graph_it_serves():
    """OpenBLAS's thread pool spins for about 0.1 s after the library loads: function() of a
    graph with products loads scipy-openblas32's library before rewriting the graph, so the
    graph's own library finds it loaded and its first calls do not share a core with the pool."""
    from transpile.compile import native
    library = native.load_cblas()
    assert library is not None and os.path.basename(library._name).startswith("libscipy_openblas")
    mapped = open("/proc/self/maps").read()
    assert os.path.realpath(library._name) in mapped
    m = T.matrix("m")
    f = transpile.function([m], T.dot(m, m.T), mode="NATIVE")
    M = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(f(M), M @ M.T)
    # the graph's library links the very file loaded ahead: one copy in the process
    copies = {line.split()[-1] for line in open("/proc/self/maps") if "libscipy_openblas.so" in line}
    assert copies == {os.path.realpath(library._name)}
