"""Theano's remaining `theano.sparse` names (comparisons, structured functions, stacking, tidying,
products, indexing, CSMGrad, aliases) against scipy.sparse/numpy, in every mode, with their
gradients checked by finite differences."""
import numpy as np
import pytest
import scipy.sparse as sps

import transpile
import transpile.sparse as S
import transpile.tensor as T
from tests.batched import batched_verify_grad, case_rng
from tests.sparse.test_sparse_grad import check_sparse_grads, sparse_grad_run
from transpile import function, grad


@pytest.fixture(autouse=True)
def _float64_default():
    with transpile.config.change_flags(floatX="float64"):
        yield


FORMATS = ["csr", "csc"]


def messy(fmt="csr", shape=(4, 5), seed=0, dtype="float64"):
    """A matrix with explicit zeros, unsorted indices and no canonical format."""
    m = sps.random(*shape, density=0.5, format=fmt, random_state=seed, dtype=dtype)
    m.data[:] = np.round(m.data * 4 - 2, 1)
    if m.nnz > 2:
        m.data[1] = 0.0  # an explicit zero
    m = m.copy()
    for i in range(len(m.indptr) - 1):  # reverse each line: unsorted indices
        lo, hi = m.indptr[i], m.indptr[i + 1]
        m.indices[lo:hi] = m.indices[lo:hi][::-1].copy()
        m.data[lo:hi] = m.data[lo:hi][::-1].copy()
    m.has_sorted_indices = False
    return m


def dense(v):
    return v.toarray() if sps.issparse(v) else np.asarray(v)


def assert_sparse(got, fmt, dtype, expected):
    assert sps.issparse(got) and got.format == fmt and got.dtype == np.dtype(dtype), (got.format, got.dtype)
    np.testing.assert_allclose(got.toarray(), dense(expected), rtol=1e-6, atol=1e-12)


# -- comparisons -------------------------------------------------------------------------------------
COMPARISONS = [("equal", np.equal), ("not_equal", np.not_equal), ("less_than", np.less),
               ("greater_than", np.greater), ("less_equal", np.less_equal), ("greater_equal", np.greater_equal)]
SWAPPED = {"eq": np.equal, "neq": np.not_equal, "lt": np.less, "gt": np.greater, "le": np.less_equal,
           "ge": np.greater_equal}


def test_comparisons_against_numpy(rng):
    xs = {fmt: S.matrix(fmt, f"x{fmt}") for fmt in FORMATS}
    ys = {fmt: S.matrix(fmt, f"y{fmt}") for fmt in FORMATS}
    d = T.dmatrix("d")
    outs, refs = [], []
    a = {fmt: messy(fmt, seed=1) for fmt in FORMATS}
    b = {fmt: messy(fmt, seed=2) for fmt in FORMATS}
    dv = np.round(rng.normal(size=(4, 5)), 0)
    dv[0, :] = 0.0  # ties with implicit zeros
    for fmt in FORMATS:
        x, y, av, bv = xs[fmt], ys[fmt], dense(a[fmt]), dense(b[fmt])
        for name, ref in COMPARISONS:
            outs += [getattr(S, f"{name}_s_s")(x, y), getattr(S, f"{name}_s_d")(x, d)]
            refs += [("sparse", fmt, ref(av, bv)), ("dense", None, ref(av, dv))]
        for name, ref in SWAPPED.items():  # a dense left operand is swapped, not lost
            outs += [getattr(S, name)(d, x), getattr(S, name)(x, y)]
            refs += [("dense", None, ref(dv, av)), ("sparse", fmt, ref(av, bv))]
        outs += [x < y, x <= d, x > d, x >= y]
        refs += [("sparse", fmt, av < bv), ("dense", None, av <= dv), ("dense", None, av > dv),
                 ("sparse", fmt, av >= bv)]
    f = function([xs["csr"], ys["csr"], xs["csc"], ys["csc"], d], outs)
    got = f(a["csr"], b["csr"], a["csc"], b["csc"], dv)
    for k, (g, (kind, fmt, ref)) in enumerate(zip(got, refs)):
        if kind == "sparse":
            assert sps.issparse(g) and g.format == fmt, k
        else:
            assert isinstance(g, np.ndarray), k
        assert g.dtype == np.uint8, k
        np.testing.assert_array_equal(dense(g), ref.astype("uint8"), err_msg=str(k))


def test_comparison_errors():
    x, c, d = S.csr_matrix("x"), S.csc_matrix("c"), T.dmatrix("d")
    with pytest.raises(TypeError, match="same format"):
        S.equal_s_s(x, c)
    with pytest.raises(TypeError, match="matrix"):
        S.less_than_s_d(x, T.dvector())
    with pytest.raises(TypeError, match="at least one operand must be sparse"):
        S.eq(d, d)
    with pytest.raises(TypeError):
        S.equal_s_d(x, S.csr_matrix())


def test_comparison_shape_mismatch_raises():
    x, y, d = S.csr_matrix("x"), S.csr_matrix("y"), T.dmatrix("d")
    f = function([x, y, d], [S.equal_s_s(x, y), S.less_than_s_d(x, d)])
    with pytest.raises(ValueError):
        f(messy(), messy(shape=(5, 5)), np.zeros((4, 5)))
    with pytest.raises(ValueError):
        f(messy(), messy(), np.zeros((4, 4)))


# -- structured functions (csm_properties -> dense op -> CSM) ------------------------------------------
def structured_table(x, v, r, s):
    return {
        "pow": (S.structured_pow(x, 2), lambda a: a.power(2)),
        "pow symbolic": (S.structured_pow(x, s), lambda a: a.power(3)),
        "minimum": (S.structured_minimum(x, 0.5), lambda a: a.minimum(0.5)),
        "maximum": (S.structured_maximum(x, -0.5), lambda a: _on_stored(a, lambda d: np.maximum(d, -0.5))),
        "add": (S.structured_add(x, 1.5), lambda a: _on_stored(a, lambda d: d + 1.5)),
        "rint": (S.rint(x * 2.5), lambda a: _on_stored(a, lambda d: np.rint(d * 2.5))),
        "conjugate": (S.structured_conjugate(x), lambda a: a),
        "monoid": (S.structured_monoid(T.exp)(lambda m: None)(x), lambda a: _on_stored(a, np.exp)),
        "add_s_v": (S.structured_add_s_v(x, v), lambda a: _on_stored(a, lambda d, c: d + VEC[c], cols=True)),
        "add_s_s_data": (S.add_s_s_data(x, x), lambda a: a * 2),
        "mul_s_v": (S.mul_s_v(x, v), lambda a: a.multiply(VEC[None, :])),
        "col_scale": (S.col_scale(x, v), lambda a: a.multiply(VEC[None, :])),
        "row_scale": (S.row_scale(x, r), lambda a: a.multiply(ROWS[:, None])),
    }


VEC, ROWS = np.array([1.0, -2.0, 0.5, 3.0, 0.0]), np.array([2.0, 0.0, -1.0, 4.0])


def _on_stored(a, fn, cols=False):
    """`fn` applied to a's stored values (explicit zeros included), a's structure kept."""
    out = a.copy()
    if cols:
        col = out.indices if a.format == "csr" else np.repeat(np.arange(a.shape[1]), np.diff(a.indptr))
        out.data = fn(out.data, col)
    else:
        out.data = fn(out.data)
    return out


@pytest.mark.parametrize("fmt", FORMATS)
def test_structured_functions_keep_the_structure(fmt):
    x, v, r, s = S.matrix(fmt, "x"), T.dvector("v"), T.dvector("r"), T.dscalar("s")
    table = structured_table(x, v, r, s)
    a = messy(fmt)
    got = function([x, v, r, s], [out for out, _ in table.values()], on_unused_input="ignore")(a, VEC, ROWS, 3.0)
    for (name, (_, ref)), g in zip(table.items(), got):
        assert_sparse(g, fmt, "float64", ref(a))
        if name not in ("mul_s_v", "col_scale", "row_scale"):  # MulSD keeps nnz, the others a's arrays too
            assert g.nnz == a.nnz, name
    assert S.structured_elemwise is S.structured_monoid


def test_structured_function_dtypes_and_errors():
    xi = S.csr_matrix("xi", dtype="int32")
    assert S.structured_pow(xi, 2).dtype == "int32"
    assert S.structured_add(S.csc_fmatrix(), np.float32(1)).type == S.csc_fmatrix
    with pytest.raises(TypeError, match="scalars"):
        S.structured_pow(S.csr_matrix(), T.dvector())
    with pytest.raises(TypeError, match="vector"):
        S.structured_add_s_v(S.csr_matrix(), T.dmatrix())
    with pytest.raises(TypeError, match="vector"):
        S.row_scale(S.csr_matrix(), T.dmatrix())
    with pytest.raises(TypeError, match="same format"):
        S.add_s_s_data(S.csr_matrix(), S.csc_matrix())
    with pytest.raises(TypeError):
        S.structured_pow(T.dmatrix(), 2)


def test_add_s_s_data_checks_the_number_of_stored_values_and_the_shapes():
    x, y = S.csr_matrix("x"), S.csr_matrix("y")
    f = function([x, y], S.add_s_s_data(x, y))
    with pytest.raises(ValueError):
        f(messy(seed=1), messy(seed=2, shape=(4, 7)))
    a = sps.csr_matrix(np.array([[1.0, 0.0], [0.0, 2.0]]))
    b = sps.csr_matrix(np.array([[3.0, 0.0, 0.0], [0.0, 0.0, 4.0]]))
    with pytest.raises(AssertionError, match="different shapes"):
        f(a, b)


def test_square_diagonal():
    v = T.dvector("v")
    out, empty = function([v], S.square_diagonal(v)), None
    got = out(np.array([1.0, 0.0, -2.0]))
    assert_sparse(got, "csc", "float64", np.diag([1.0, 0.0, -2.0]))
    assert got.nnz == 3  # Theano's: the zero is stored
    empty = out(np.zeros(0))
    assert empty.shape == (0, 0) and empty.nnz == 0
    with pytest.raises(TypeError, match="vector"):
        S.square_diagonal(T.dmatrix())
    g = function([v], grad(T.sum(S.dense_from_sparse(S.square_diagonal(v)) * np.arange(9.0).reshape(3, 3)), v))
    np.testing.assert_allclose(g(np.ones(3)), [0.0, 4.0, 8.0])


@pytest.mark.parametrize("fmt", FORMATS)
def test_structured_function_sparse_grads(fmt, mode):
    a = sps.random(5, 4, density=0.4, format=fmt, random_state=0)
    a.data += 0.3  # away from 0 and from maximum's threshold
    w = case_rng().normal(size=4)
    rows = case_rng().normal(size=5)
    check_sparse_grads(a, [
        ("pow", lambda x: S.sp_sum(S.structured_pow(x, 3))),
        ("maximum", lambda x: T.sum(S.sp_sum(S.structured_maximum(x, 0.5), axis=0) ** 2)),
        ("add_s_v", lambda x, y: S.sp_sum(S.sqr(S.structured_add_s_v(x, y))), w),
        ("add_s_s_data", lambda x: S.sp_sum(S.sqr(S.add_s_s_data(x, x)))),
        ("mul_s_v", lambda x, y: S.sp_sum(S.sqr(S.mul_s_v(x, y))), w),
        ("row_scale", lambda x, y: S.sp_sum(S.sqr(S.row_scale(x, y))), rows),
        ("col_scale", lambda x, y: S.sp_sum(S.sqr(S.col_scale(x, y))), w),
        ("sampling_dot pattern", lambda x, u, z: S.sp_sum(S.sqr(S.sampling_dot(u, z, x))),
         case_rng().normal(size=(5, 3)), case_rng().normal(size=(4, 3))),
        ("remove0", lambda x: S.sp_sum(S.sqr(S.remove0(x)))),
        ("clean", lambda x: T.sum(S.sp_sum(S.clean(x) * 2.0, axis=1) ** 2)),
        ("hstack", lambda x: T.sum(S.dense_from_sparse(S.hstack([x, x * 2.0], format=fmt)) ** 2)),
        ("vstack", lambda x: T.sum(S.dense_from_sparse(S.vstack([x, x], format="csr")) ** 3)),
    ])


DENSE_GRADS = {
    "add_s_v": (lambda a, y: S.dense_from_sparse(S.structured_add_s_v(a, y)), (4,)),
    "mul_s_v": (lambda a, y: S.dense_from_sparse(S.mul_s_v(a, y)), (4,)),
    "row_scale": (lambda a, y: S.dense_from_sparse(S.row_scale(a, y)), (5,)),
    "structured_pow exponent": (lambda a, y: S.csm_data(S.structured_pow(a, y)), np.array(1.5)),
    "square_diagonal": (lambda a, y: S.dense_from_sparse(S.square_diagonal(y)) * 2.0, (3,)),
    "sampling_dot x": (lambda a, y: S.dense_from_sparse(S.sampling_dot(y, np.ones((4, 2)), a)), (5, 2)),
    "sampling_dot y": (lambda a, y: S.csm_data(S.sampling_dot(np.ones((5, 2)), y, a)), (4, 2)),
    "true_dot dense": (lambda a, y: S.dense_from_sparse(S.true_dot(a, y)), (4, 3)),
    "true_dot dense left": (lambda a, y: S.dense_from_sparse(S.true_dot(y, a)), (2, 5)),
    "usmm": (lambda a, y: S.usmm(2.0, a, y, T.ones((5, 3))), (4, 3)),
    "construct_sparse_from_list": (
        lambda a, y: S.dense_from_sparse(S.construct_sparse_from_list(np.zeros((4, 3)), y, [2, 0, 2])), (3, 3)),
    "get_item_2lists": (lambda a, y: S.get_item_2lists(S.csr_from_dense(y), [0, 2, 2], [1, 1, 0]), (3, 2)),
}


def build_dense_grad(case):
    fmt, name = case
    fn, point = DENSE_GRADS[name]
    a = sps.random(5, 4, density=0.5, format=fmt, random_state=1)
    a.data += 0.2
    if isinstance(point, tuple):
        point = case_rng().uniform(0.5, 1.5, size=point)
    return (lambda y: fn(a, y)), [point]


@pytest.mark.parametrize("name", list(DENSE_GRADS))
def test_dense_operand_grads(name, mode):
    cases = [(fmt, n) for fmt in FORMATS for n in DENSE_GRADS]
    for fmt in FORMATS:
        batched_verify_grad(mode, cases, build_dense_grad, (fmt, name))


# -- products ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_true_dot_sampling_dot_usmm(fmt, rng):
    x, y, d, e, z = S.matrix(fmt, "x"), S.csr_matrix("y"), T.dmatrix("d"), T.dmatrix("e"), T.dmatrix("z")
    a, b = messy(fmt), messy("csr", shape=(5, 3), seed=3)
    dv, ev, zv = rng.normal(size=(5, 3)), rng.normal(size=(2, 4)), rng.normal(size=(4, 3))
    outs = [S.true_dot(x, d), S.true_dot(x, y), S.true_dot(e, x), S.usmm(T.constant(-1.5), x, d, z),
            S.usmm(2.0, e, x, T.zeros((2, 5))), S.sampling_dot(d[:4, :2], d[:, :2], x)]
    got = function([x, y, d, e, z], outs)(a, b, dv, ev, zv)
    ad = a.toarray()
    assert_sparse(got[0], fmt, "float64", ad @ dv)
    assert_sparse(got[1], fmt, "float64", ad @ b.toarray())
    assert_sparse(got[2], fmt, "float64", ev @ ad)  # transposed twice
    assert got[0].has_sorted_indices and not np.any(got[0].data == 0)
    np.testing.assert_allclose(got[3], -1.5 * ad @ dv + zv)
    np.testing.assert_allclose(got[4], 2.0 * ev @ ad)
    assert_sparse(got[5], fmt, "float64", a.multiply(dv[:4, :2] @ dv[:, :2].T))


def test_true_dot_gradient_is_regular():
    """Theano's TrueDot gradient covers every position, not only x's stored ones."""
    x, d = S.csr_matrix("x"), T.dmatrix("d")
    a = sps.csr_matrix(np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 2.0]]))
    dv = np.arange(1.0, 7.0).reshape(3, 2)  # a . dv stores every entry (sp_sum's gradient is structured)
    gx, gd = function([x, d], grad(S.sp_sum(S.true_dot(x, d)), [x, d]))(a, dv)
    assert sps.issparse(gx) and gx.format == "csr" and gx.nnz == 6
    np.testing.assert_allclose(gx.toarray(), np.ones((2, 2)) @ dv.T)
    np.testing.assert_allclose(gd, a.toarray().T @ np.ones((2, 2)))
    gs = function([x], grad(S.sp_sum(S.true_dot(x, x.T)), x))(a)  # a . a^T stores its diagonal only
    np.testing.assert_allclose(gs.toarray(), 2 * np.eye(2) @ a.toarray())


def test_product_errors():
    x = S.csr_matrix("x")
    with pytest.raises(TypeError, match="sparse"):
        S.true_dot(T.dmatrix(), T.dmatrix())
    with pytest.raises(TypeError, match="matrix"):
        S.true_dot(x, T.dvector())
    with pytest.raises(TypeError, match="sparse"):
        S.usmm(1.0, T.dmatrix(), T.dmatrix(), T.dmatrix())
    with pytest.raises(TypeError, match="matrices"):
        S.sampling_dot(T.dvector(), T.dmatrix(), x)
    d = T.dmatrix("d")
    f = function([x, d], [S.true_dot(x, d), S.sampling_dot(d, d, x)])
    with pytest.raises(ValueError):
        f(messy(), np.ones((3, 3)))


@pytest.mark.parametrize("fmt", FORMATS)
def test_structured_dot_grad_names(fmt, rng):
    x, b, g = S.matrix(fmt, "x"), T.dmatrix("b"), T.dmatrix("g")
    a = messy(fmt)
    bv, gv = rng.normal(size=(5, 3)), rng.normal(size=(4, 3))
    sdg = S.sdg_csr if fmt == "csr" else S.sdg_csc
    outs = [S.structured_dot_grad(x, b, g), sdg(S.csm_indices(x), S.csm_indptr(x), b, g)]
    full, data = function([x, b, g], outs)(a, bv, gv)
    ref = (gv @ bv.T)
    rows, cols = (np.repeat(np.arange(4), np.diff(a.indptr)), a.indices) if fmt == "csr" else \
        (a.indices, np.repeat(np.arange(5), np.diff(a.indptr)))
    assert_sparse(full, fmt, "float64", sps.csr_matrix((ref[rows, cols], (rows, cols)), shape=(4, 5)))
    np.testing.assert_allclose(data, ref[rows, cols])


# -- stacking and tidying ----------------------------------------------------------------------------
def test_hstack_vstack_formats_and_dtypes():
    x, c, f32 = S.csr_matrix("x"), S.csc_matrix("c"), S.csr_fmatrix("f")
    e = S.csc_matrix("e")
    a, b, fv = messy("csr"), messy("csc", shape=(4, 3), seed=2), messy("csr", shape=(2, 5), seed=3, dtype="float32")
    ev = sps.csc_matrix((0, 5))
    outs = [S.hstack([x, c]), S.hstack([x, c, x], format="csr"), S.vstack([x, f32]), S.vstack([f32, x, e], "csr"),
            S.vstack([x, f32], dtype="float32"), S.hstack([c])]
    got = function([x, c, f32, e], outs)(a, b, fv, ev)
    assert_sparse(got[0], "csc", "float64", sps.hstack([a, b]))
    assert_sparse(got[1], "csr", "float64", sps.hstack([a, b, a]))
    assert_sparse(got[2], "csc", "float64", sps.vstack([a, fv]))
    assert_sparse(got[3], "csr", "float64", sps.vstack([fv, a, ev]))
    assert_sparse(got[4], "csc", "float32", sps.vstack([a, fv]))
    assert_sparse(got[5], "csc", "float64", b)
    assert str(S.HStack("csr", "float32")) == "HStack{csr, float32}"


def test_stack_errors():
    x, y = S.csr_matrix("x"), S.csr_matrix("y")
    with pytest.raises(ValueError, match="empty"):
        S.hstack([])
    with pytest.raises(ValueError, match="format"):
        S.vstack([x], format="coo")
    with pytest.raises(ValueError, match="dtype"):
        S.HStack("csr")
    with pytest.raises(TypeError):
        S.hstack([x, T.dmatrix()])
    f = function([x, y], [S.hstack([x, y]), S.vstack([x, y])])
    with pytest.raises(ValueError, match="differ"):
        f(messy(shape=(4, 5)), messy(shape=(3, 5)))


@pytest.mark.parametrize("fmt", FORMATS)
def test_remove0_sorted_indices_clean(fmt):
    x = S.matrix(fmt, "x")
    a = messy(fmt)
    dup = with_duplicate(a)
    empty = sps.csr_matrix((0, 3)).asformat(fmt)
    f = function([x], [S.remove0(x), S.ensure_sorted_indices(x), S.clean(x)])
    for value in (a, dup, empty):
        r0, srt, cln = f(value)
        ref = value.toarray()
        assert_sparse(r0, fmt, "float64", ref)
        assert r0.nnz == np.count_nonzero(value.data) and np.all(r0.data != 0)
        assert_sparse(srt, fmt, "float64", ref)
        assert srt.nnz == value.nnz and _sorted(srt)
        assert_sparse(cln, fmt, "float64", ref)
        assert np.all(cln.data != 0) and _sorted(cln) and cln.nnz == np.count_nonzero(value.data)
    assert S.remove0(S.csc_fmatrix()).type == S.csc_fmatrix


def with_duplicate(m):
    """m with one line storing an index twice (kept, not summed, by remove0/sorting)."""
    m = m.copy()
    line = int(np.argmax(np.diff(m.indptr)))
    assert m.indptr[line + 1] - m.indptr[line] >= 2
    m.indices[m.indptr[line] + 1] = m.indices[m.indptr[line]]
    return m


def _sorted(m):
    return all(np.all(np.diff(m.indices[m.indptr[i]:m.indptr[i + 1]]) >= 0) for i in range(len(m.indptr) - 1))


# -- indexing ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_indexing(fmt):
    x, i, iv, d = S.matrix(fmt, "x"), T.iscalar("i"), T.ivector("iv"), T.dmatrix("d")
    a = messy(fmt)
    ad = a.toarray()
    idx = np.array([2, 0, 2], dtype="int32")
    outs = [x[1:3], x[1:3, 2:], x[::2, 1:4], x[[0, 2, 2]], x[[0, 3], [1, 4]], x[1, i], x[iv], S.get_item_2d(x, (slice(0, 0),)),
            S.get_item_list_grad(x, iv, x[iv]), S.get_item_2lists_grad(x, iv, iv, T.ones_like(iv, dtype="float64")),
            S.construct_sparse_from_list(d, d[:2], iv[:2]), S.get_item_scalar(x, (0, 4)), x[iv, iv]]
    got = function([x, i, iv, d], outs)(a, 3, idx, ad)
    gl = np.zeros_like(ad)
    np.add.at(gl, idx, ad[idx])
    g2 = np.zeros_like(ad)
    np.add.at(g2, (idx, idx), 1.0)
    cs = np.zeros_like(ad)
    np.add.at(cs, idx[:2], ad[:2])
    refs = [("s", fmt, ad[1:3]), ("s", fmt, ad[1:3, 2:]), ("s", fmt, ad[::2, 1:4]), ("s", fmt, ad[[0, 2, 2]]),
            ("d", None, ad[[0, 3], [1, 4]]), ("d", None, ad[1, 3]), ("s", fmt, ad[idx]), ("s", fmt, ad[0:0]),
            ("s", fmt, gl), ("s", fmt, g2), ("s", "csc", cs), ("d", None, ad[0, 4]), ("d", None, ad[idx, idx])]
    for k, (g, (kind, f, ref)) in enumerate(zip(got, refs)):
        if kind == "s":
            assert_sparse(g, f, "float64", ref)
        else:
            assert isinstance(g, np.ndarray) and g.dtype == np.float64, k
            np.testing.assert_allclose(g, ref, err_msg=str(k))


def test_indexing_errors_and_gradient():
    x = S.csr_matrix("x")
    with pytest.raises(NotImplementedError, match="sparse vectors"):
        x[1]
    with pytest.raises(NotImplementedError, match="sparse vectors"):
        x[1:2, 3]
    with pytest.raises(TypeError, match="integer"):
        S.get_item_list(x, T.dvector())
    with pytest.raises(ValueError, match="pair"):
        S.get_item_scalar(x, 1)
    with pytest.raises(TypeError, match="matrices"):
        S.construct_sparse_from_list(T.dvector(), T.dmatrix(), [0])
    a = messy()
    g = function([x], grad(T.sum(S.dense_from_sparse(x[[0, 0, 3]]) ** 2), x))(a)
    ref = np.zeros((4, 5))
    ref[0], ref[3] = 2 * 2 * a.toarray()[0], 2 * a.toarray()[3]
    np.testing.assert_allclose(g.toarray(), np.where(a.toarray() != 0, ref, 0))


# -- CSMGrad -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_csm_grad_gathers_other_structures(fmt):
    x, g = S.matrix(fmt, "x"), S.matrix(fmt, "g")
    out = S.csm_grad()(*S.csm_properties(x), *S.csm_properties(g))
    f = function([x, g], out)
    a = messy(fmt)
    gv = messy(fmt, seed=9)
    rows, cols = (np.repeat(np.arange(4), np.diff(a.indptr)), a.indices) if fmt == "csr" else \
        (a.indices, np.repeat(np.arange(5), np.diff(a.indptr)))
    for value in (gv, with_duplicate(gv), a * 3.0, sps.csr_matrix((4, 5)).asformat(fmt)):
        np.testing.assert_allclose(f(a, value), value.toarray()[rows, cols])  # duplicates add up
    with pytest.raises(ValueError, match="shape"):
        f(a, messy(fmt, shape=(4, 6)))
    assert S.csm_grad is S.CSMGrad


# -- aliases -----------------------------------------------------------------------------------------
@pytest.mark.single_mode
def test_aliases_and_hash():
    assert S.multiply is S.mul and S.subtract is S.sub and S.as_symbolic_sparse is S.as_sparse_variable
    a = messy()
    assert S.as_sparse_or_tensor_variable(a).type == S.csr_dmatrix
    x = S.csc_matrix("x")
    assert S.as_sparse_or_tensor_variable(x) is x
    t = S.as_sparse_or_tensor_variable(np.ones((2, 2)), name="t")
    assert isinstance(t.type, T.TensorType) and t.ndim == 2
    h = S.hash_from_sparse(a)
    assert h == S.hash_from_sparse(a.copy()) and len(h) == 32
    assert h != S.hash_from_sparse(a.tocsc())
    assert h != S.hash_from_sparse(a.astype("float32"))
    b = a.copy()
    b.data[0] += 1
    assert h != S.hash_from_sparse(b)
    assert S.hash_from_sparse(sps.csr_matrix((1, 0))) != S.hash_from_sparse(sps.csr_matrix((2, 0)))
