"""Sparse ops against scipy/numpy on random sparse matrices."""
import numpy as np
import pytest
import scipy.sparse as sp

import transpile
import transpile.sparse as S
import transpile.tensor as T
from tests.batched import batched_case, case_rng
from transpile import function


@pytest.fixture(autouse=True)
def _float64_default():
    """These tests build float64 data: pin floatX whatever TRANSPILE_FLAGS says."""
    with transpile.config.change_flags(floatX="float64"):
        yield


def rand(fmt="csr", shape=(6, 5), dtype="float64", seed=0, density=0.35):
    m = sp.random(*shape, density=density, format=fmt, random_state=seed, dtype=dtype)
    m.data += 0.1  # keep values away from 0 (sqrt, log)
    return m


def sparse_var(fmt, dtype="float64"):
    return S.matrix(fmt, "x", dtype)


FORMATS = ["csr", "csc"]


DOT_DTYPES = [("float64", "float64"), ("float32", "float32"), ("float32", "float64")]
DOT_CASES = [(fmt, dtypes) for fmt in FORMATS for dtypes in DOT_DTYPES]


def build_structured_dot(case):
    """One batched table (tests/batched.py): one native build for every format and dtype pair."""
    fmt, (xd, yd) = case
    x, y, v = sparse_var(fmt, xd), T.matrix("y", yd), T.vector("v", yd)
    rng = case_rng()
    b, c = rng.normal(size=(5, 3)).astype(yd), rng.normal(size=5).astype(yd)
    return [x, y, v], [S.structured_dot(x, y), S.dot(x, v), x @ y], [rand(fmt, dtype=xd), b, c]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("dtypes", DOT_DTYPES)
def test_structured_dot(fmt, dtypes, mode):
    xd, yd = dtypes
    (a, b, c), _, (out_m, out_v, out_at) = batched_case(mode, DOT_CASES, build_structured_dot, (fmt, dtypes))
    expected_dtype = np.result_type(xd, yd)
    assert out_m.dtype == out_v.dtype == expected_dtype
    tol = 1e-5 if "float32" in dtypes else 1e-12
    np.testing.assert_allclose(out_m, a.toarray() @ b, rtol=tol, atol=tol)
    np.testing.assert_allclose(out_v, a.toarray() @ c, rtol=tol, atol=tol)
    np.testing.assert_allclose(out_at, out_m)


@pytest.mark.parametrize("fmt", FORMATS)
def test_dense_times_sparse(fmt, rng):
    a = rand(fmt)
    x, y, v = sparse_var(fmt), T.matrix("y"), T.vector("v")
    f = function([y, v, x], [S.dot(y, x), S.dot(v, x), S.dot(y.dimshuffle(0, 1), x)])
    b, c = rng.normal(size=(3, 6)), rng.normal(size=6)
    out_m, out_v, out_at = f(b, c, a)
    np.testing.assert_allclose(out_m, b @ a.toarray())
    np.testing.assert_allclose(out_v, c @ a.toarray())
    np.testing.assert_allclose(out_at, out_m)
    np.testing.assert_allclose(function([y, v], S.dot(y, v))(rng.normal(size=(2, 3)), np.ones(3)).shape, (2,))


@pytest.mark.parametrize("fmt", FORMATS)
def test_conversions_and_transpose(fmt, rng):
    a = rand(fmt)
    x = sparse_var(fmt)
    d = T.matrix("d")
    f = function([x], [S.transpose(x), x.T, S.dense_from_sparse(x), x.toarray(), S.as_format(x, "csr")])
    t, t2, dense, dense2, as_csr = f(a)
    other = "csc" if fmt == "csr" else "csr"
    assert t.format == other and t2.format == other and as_csr.format == "csr"
    np.testing.assert_array_equal(t.toarray(), a.toarray().T)
    np.testing.assert_array_equal(dense, a.toarray())
    np.testing.assert_array_equal(dense2, a.toarray())
    np.testing.assert_array_equal(as_csr.toarray(), a.toarray())
    m = a.toarray()
    csr, csc = function([d], [S.csr_from_dense(d), S.csc_from_dense(d)])(m)
    assert csr.format == "csr" and csc.format == "csc" and csr.nnz == a.nnz
    np.testing.assert_array_equal(csr.toarray(), m)
    np.testing.assert_array_equal(csc.toarray(), m)
    with pytest.raises(TypeError, match="matrix"):
        S.csr_from_dense(T.vector())
    with pytest.raises(TypeError, match="dense"):
        S.csr_from_dense(x)


@pytest.mark.parametrize("fmt", FORMATS)
def test_mul(fmt, rng):
    a, b = rand(fmt), rand(fmt, seed=1)
    x, x2 = sparse_var(fmt), S.matrix(fmt, "x2")
    y, r, s = T.matrix("y"), T.vector("r"), T.scalar("s")
    f = function([x, x2, y, r, s], [S.mul(x, y), S.mul(y, x), x * r, x * s, x * 2, S.mul(x, x2), 3 * x])
    m, row, k = rng.normal(size=(6, 5)), rng.normal(size=5), 1.5
    outs = f(a, b, m, row, k)
    expected = [a.toarray() * m, a.toarray() * m, a.toarray() * row, a.toarray() * k, a.toarray() * 2,
                a.toarray() * b.toarray(), a.toarray() * 3]
    for out, exp in zip(outs, expected):
        assert sp.issparse(out) and out.format == fmt
        np.testing.assert_allclose(out.toarray(), exp)
    assert outs[0].nnz <= a.nnz  # the sparse structure is kept
    f32 = S.matrix(fmt, "f", "float32")
    assert (f32 * 2).dtype == "float32" and (f32 * 0.5).dtype == "float32"
    assert (f32 * T.dscalar()).dtype == "float64"
    with pytest.raises(TypeError, match="at most 2"):
        S.mul(x, T.tensor3())


@pytest.mark.parametrize("fmt", FORMATS)
def test_add_sub(fmt, rng):
    a, b = rand(fmt), rand("csr", seed=2)
    x, other = sparse_var(fmt), S.csr_matrix("o")
    y, r = T.matrix("y"), T.vector("r")
    f = function([x, other, y, r], [S.add(x, other), x + y, S.add(y, x), x + r, x - other, x - y, S.sub(y, x), x + 1.0])
    m, row = rng.normal(size=(6, 5)), rng.normal(size=5)
    ss, sd, ds, sr, sub_ss, sub_sd, sub_ds, plus1 = f(a, b, m, row)
    ad, bd = a.toarray(), b.toarray()
    assert sp.issparse(ss) and ss.format == fmt and sp.issparse(sub_ss)
    np.testing.assert_allclose(ss.toarray(), ad + bd)
    np.testing.assert_allclose(sub_ss.toarray(), ad - bd)
    for out, exp in [(sd, ad + m), (ds, ad + m), (sr, ad + row), (sub_sd, ad - m), (sub_ds, m - ad),
                     (plus1, ad + 1)]:
        assert isinstance(out, np.ndarray)
        np.testing.assert_allclose(out, exp)


UNARY = [
    ("neg", S.neg, np.negative), ("sqr", S.sqr, np.square), ("sqrt", S.sqrt, np.sqrt),
    ("abs", S.abs_, np.abs), ("sin", S.sin, np.sin), ("tanh", S.tanh, np.tanh),
    ("expm1", S.expm1, np.expm1), ("log1p", S.log1p, np.log1p),
    ("sigmoid", S.structured_sigmoid, lambda v: 1 / (1 + np.exp(-v))), ("exp", S.structured_exp, np.exp),
    ("log", S.structured_log, np.log),
]


UNARY_FNS = {name: fn for name, fn, _ in UNARY}
UNARY_CASES = [(name, dtype) for name, _, _ in UNARY for dtype in ("float32", "float64")]


def unary_input(name, dtype):
    a = rand("csr", dtype=dtype)
    if name in ("neg", "abs", "sin", "tanh", "sigmoid", "exp"):
        a.data -= 0.5  # negative values too
    return a


def build_structured_unary(case):
    name, dtype = case
    x = S.matrix("csr", "x", dtype)
    return [x], [UNARY_FNS[name](x)], [unary_input(name, dtype)]


@pytest.mark.parametrize("name,fn,ref", UNARY, ids=[u[0] for u in UNARY])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_structured_unary(name, fn, ref, dtype, mode):
    (a,), _, (out,) = batched_case(mode, UNARY_CASES, build_structured_unary, (name, dtype))
    assert out.dtype == dtype and out.format == "csr" and out.nnz == a.nnz
    expected = a.copy()
    expected.data = ref(a.data)
    np.testing.assert_allclose(out.toarray(), expected.toarray(), rtol=1e-6)


def test_unary_int_to_float_and_helpers():
    a = sp.csr_matrix(np.array([[0, 4], [9, 0]], dtype="int32"))
    x = S.matrix("csr", "x", "int32")
    out = function([x], [S.sqrt(x), S.sqr(x), S.sp_ones_like(x), S.sp_zeros_like(x), S.sp_cast(x, "float32")])(a)
    assert out[0].dtype == np.float64 and out[1].dtype == np.int32 and out[4].dtype == np.float32
    np.testing.assert_allclose(out[0].toarray(), [[0, 2], [3, 0]])
    np.testing.assert_array_equal(out[2].toarray(), [[0, 1], [1, 0]])
    assert out[3].nnz == 2 and abs(out[3]).max() == 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_sp_sum(fmt):
    a = rand(fmt)
    x = sparse_var(fmt)
    total, cols, rows, rows_neg = function([x], [S.sp_sum(x), S.sp_sum(x, 0), x.sum(1), S.sp_sum(x, -1)])(a)
    ad = a.toarray()
    assert total.shape == () and cols.shape == (5,) and rows.shape == (6,)
    np.testing.assert_allclose(total, ad.sum())
    np.testing.assert_allclose(cols, ad.sum(0))
    np.testing.assert_allclose(rows, ad.sum(1))
    np.testing.assert_allclose(rows_neg, ad.sum(1))
    xi = S.matrix(fmt, "xi", "int32")
    assert S.sp_sum(xi).dtype == "int64"
    assert function([xi], S.sp_sum(xi))(a.astype("int32") * 0 + sp.eye(6, 5, format=fmt, dtype="int32")) == 5
    with pytest.raises(ValueError, match="axis"):
        S.sp_sum(x, 2)


def test_shape_and_type_errors(rng):
    x, y = S.csr_matrix("x"), T.matrix("y")
    f = function([x, y], S.structured_dot(x, y))
    with pytest.raises(ValueError, match="not aligned"):
        f(rand(), rng.normal(size=(4, 3)))
    with pytest.raises(TypeError, match="first operand must be sparse"):
        S.structured_dot(y, y)
    with pytest.raises(TypeError, match="dense"):
        S.structured_dot(x, x)
    with pytest.raises(TypeError, match="sparse x sparse"):
        S.dot(x, S.csc_matrix())
    with pytest.raises(TypeError, match="vector or a matrix"):
        S.structured_dot(x, T.tensor3())
    g = function([x, y], S.mul(x, y))
    with pytest.raises(ValueError, match="broadcast"):
        g(rand(), rng.normal(size=(3, 3)))
    k = function([x, y], x + y)
    with pytest.raises(ValueError, match="broadcast"):
        k(rand(), rng.normal(size=(2, 2)))


def test_constant_sparse_operand_and_merge(rng):
    a = rand()
    y = T.matrix("y")
    f = function([y], [S.dot(a, y), S.dot(a.copy(), y)])
    b = rng.normal(size=(5, 2))
    r1, r2 = f(b)
    np.testing.assert_allclose(r1, a @ b)
    np.testing.assert_allclose(r2, r1)


@pytest.mark.single_mode
def test_debug_mode(rng):
    a = rand()
    x, y, y2 = S.csr_matrix("x"), T.matrix("y"), T.matrix("y2")
    outs = [S.dot(x, y), S.sp_sum(S.sqr(x) * 2.0, 0), S.add(x, y2), S.mul(x, y2), x.T]
    f = function([x, y, y2], outs, mode="DEBUG_MODE")
    m, m2 = rng.normal(size=(5, 3)), rng.normal(size=(6, 5))
    dot, sums, added, mult, t = f(a, m, m2)
    np.testing.assert_allclose(dot, a @ m)
    np.testing.assert_allclose(t.toarray(), a.toarray().T)
    g = function([x, y], transpile.grad(T.sum(S.dot(x, y) ** 2), x), mode="DEBUG_MODE")(a, m)
    assert g.format == "csr" and g.nnz == a.nnz
