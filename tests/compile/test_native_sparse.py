"""Sparse ops in the native backend against the reference (scipy): csr and csc, float64 and
float32, empty matrices and lines, non-canonical inputs (unsorted, duplicates), strided dense
operands, sparse constants and outputs that are inputs, gradients through a training step with
dense and sparse shared variables, and the error cases."""
import numpy as np
import pytest
import scipy.sparse as ssp

import transpile
import transpile.sparse as S
import transpile.tensor as T
from tests.compile.native_helpers import TOL, assert_same, strided
from transpile.sparse.structured import StructuredUnary, StructuredUnaryGrad

pytestmark = pytest.mark.single_mode

UNARY = ["neg", "sqr", "abs", "sin", "tanh", "expm1", "sigmoid", "exp", "ones_like", "zeros_like"]


def assert_same_sparse(got, want, what):
    assert ssp.issparse(got), f"{what}: native returned {type(got).__name__}"
    assert (got.format, got.dtype, got.shape, got.nnz) == (want.format, want.dtype, want.shape, want.nnz), \
        f"{what}: {got.format} {got.dtype} {got.shape} nnz={got.nnz} != {want.format} {want.dtype} {want.shape} nnz={want.nnz}"
    g, w = got.copy(), want.copy()
    g.sum_duplicates()
    w.sum_duplicates()
    np.testing.assert_array_equal(g.indptr, w.indptr, err_msg=what)
    np.testing.assert_array_equal(g.indices, w.indices, err_msg=what)
    np.testing.assert_allclose(g.data, w.data, equal_nan=True, err_msg=what, **TOL[want.dtype.name])


def check(native, reference, calls):
    for c, values in enumerate(calls):
        for k, (g, w) in enumerate(zip(native(*values), reference(*values))):
            (assert_same_sparse if ssp.issparse(w) else assert_same)(g, w, f"call {c}, output {k}")


def _random(rows, cols, density, format, dtype, seed):
    m = ssp.random(rows, cols, density=density, format=format, dtype=dtype, random_state=seed)
    m.data = (m.data - 0.5).astype(dtype)  # both signs
    return m


def _non_canonical(m):
    """The same matrix with each line's entries reversed and its first entry split in two."""
    lines = [(m.indices[a:b][::-1], m.data[a:b][::-1]) for a, b in zip(m.indptr[:-1], m.indptr[1:])]
    indices, data, indptr = [], [], [0]
    for idx, val in lines:
        if len(idx):
            idx, val = np.concatenate([idx[:1], idx]), np.concatenate([val[:1] * 0.25, val[:1] * 0.75, val[1:]])
        indices.extend(idx)
        data.extend(val)
        indptr.append(len(indices))
    make = ssp.csr_matrix if m.format == "csr" else ssp.csc_matrix
    out = make((np.array(data, dtype=m.dtype), np.array(indices, dtype="int32"), np.array(indptr, dtype="int32")),
               shape=m.shape)
    assert not out.has_canonical_format or out.nnz == 0
    return out


def _ops_function(mode):
    x, c, xf = S.csr_matrix("x"), S.csc_matrix("c"), S.csr_matrix("xf", dtype="float32")
    y, z, v, s, r = T.matrix("y"), T.matrix("z"), T.vector("v"), T.scalar("s"), T.row("r")
    const = ssp.csr_matrix(np.array([[0, 1.5, 0, 0], [0, 0, 0, -2], [3, 0, 0, 0]]))
    outputs = [
        S.dense_from_sparse(x), S.dense_from_sparse(c), S.structured_dot(x, y), S.structured_dot(c, y),
        S.structured_dot(c, y[:, 0]), S.dot(z.T, c), S.dot(z[:, 0], x), x * z, c * v, x * s, c * r, x * 2, x + z, c + v, x - z,
        S.sp_sum(x), S.sp_sum(x, 0), S.sp_sum(x, 1), S.sp_sum(c, 0), S.sp_sum(c, 1), S.transpose(x), S.transpose(c).T,
        S.as_format(x, "csc"), S.as_format(c, "csr"), S.csr_from_dense(z), S.csc_from_dense(z), x + c, x * c, c - x,
        x * x, S.mul(c, c), S.sp_cast(x, "float32"), x, S.sqrt(S.abs_(x)), S.structured_log(S.abs_(c)),
        S.dense_from_sparse(xf) * 2, S.structured_dot(xf, T.cast(y, "float32")), S.structured_sigmoid(xf), xf * xf,
        S.csc_from_dense(T.cast(z, "float32")), S.sp_sum(xf, 0),
        S.add(S.as_sparse_variable(const), S.csr_from_dense(z[:3])),
    ]
    outputs += [StructuredUnary(name)(c if k % 2 else x) for k, name in enumerate(UNARY)]
    outputs += [StructuredUnaryGrad(name)(x, z) for name in UNARY[:-2]]
    outputs += [StructuredUnaryGrad("tanh")(c, c * 2), StructuredUnaryGrad("sqr")(x, S.as_format(c, "csr")),
                StructuredUnaryGrad("log1p")(S.abs_(c), x), StructuredUnaryGrad("sqrt")(S.abs_(xf), v)]
    return transpile.function([x, c, xf, y, z, v, s, r], outputs, mode=mode)


def test_sparse_ops_match_scipy(rng):
    native, reference = _ops_function("NATIVE"), _ops_function("FAST_COMPILE")
    calls = []
    for (rows, cols, n, density) in [(5, 4, 3, 0.4), (3, 4, 2, 0.6), (6, 4, 1, 0.0)]:
        x, c = _random(rows, cols, density, "csr", "float64", 1), _random(rows, cols, density, "csc", "float64", 2)
        xf = _random(rows, cols, density, "csr", "float32", 3)
        z = rng.normal(size=(rows, cols))
        z[z < 0.3] = 0
        calls.append([x, c, xf, rng.normal(size=(cols, n)), z, rng.normal(size=cols), 1.5, rng.normal(size=(1, cols))])
    x, c, xf, y, z, v, s, r = calls[0]
    calls.append([_non_canonical(x), _non_canonical(c), xf, strided(y), strided(z), v[::-1], s, strided(r)])
    check(native, reference, calls)


def _training_step(mode, rng_seed):
    rng = np.random.default_rng(rng_seed)
    x, t = S.csr_matrix("x"), T.matrix("t")
    w = transpile.shared(rng.normal(size=(6, 3)) * 0.1, name="w")
    b = transpile.shared(np.zeros(3), name="b")
    m = transpile.shared(_random(3, 3, 0.5, "csc", "float64", 4), name="m")
    h = T.tanh(S.structured_dot(x, w) + b)
    out = T.nnet.sigmoid(S.dot(h, m) + S.dense_from_sparse(S.structured_sigmoid(m)).sum(axis=0))
    cost = T.mean(T.nnet.binary_crossentropy(out, t)) + 0.01 * S.sp_sum(S.sqr(m)) + 0.001 * S.sp_sum(S.sqr(x))
    gw, gb, gm, gx = T.grad(cost, [w, b, m, x])
    updates = [(w, w - 0.5 * gw), (b, b - 0.5 * gb), (m, m - gm * 0.5)]
    f = transpile.function([x, t], [cost, gx, gm, out], updates=updates, mode=mode)
    return f, (w, b, m)


def test_training_step_with_sparse_gradients(rng):
    native, n_shared = _training_step("NATIVE", 0)
    reference, r_shared = _training_step("FAST_COMPILE", 0)
    for step in range(3):
        x = _random(5, 6, 0.4, "csr", "float64", 10 + step)
        t = (rng.random((5, 3)) > 0.5).astype("float64")
        check(native, reference, [[x, t]])
        for a, b in zip(n_shared, r_shared):
            va, vb = a.get_value(), b.get_value()
            (assert_same_sparse if ssp.issparse(vb) else assert_same)(va, vb, f"step {step}: {a.name}")


def test_errors_match_the_reference():
    data, indices, indptr, shape = T.vector("data"), T.ivector("indices"), T.ivector("indptr"), T.lvector("shape")
    x, c, y = S.csr_matrix("x"), S.csc_matrix("c"), T.matrix("y")
    made = S.CSM("csr")(data, indices, indptr, shape)
    good = [np.array([1.0, 2.0]), np.array([0, 2], "int32"), np.array([0, 1, 2], "int32"), np.array([2, 3])]
    bad = [(1, np.array([0, 3], "int32"), "out of range"), (2, np.array([0, 2, 1], "int32"), "indptr"),
           (2, np.array([0, 1], "int32"), "indptr has"), (3, np.array([2, 3, 1]), "2 entries"),
           (3, np.array([-1, 3]), "shape")]
    m1, m2 = _random(2, 3, 0.5, "csr", "float64", 1), _random(3, 2, 0.5, "csc", "float64", 2)
    for mode in ("NATIVE", "FAST_COMPILE"):
        f = transpile.function([data, indices, indptr, shape], S.dense_from_sparse(made) * 2, mode=mode)
        np.testing.assert_array_equal(f(*good), [[2.0, 0, 0], [0, 0, 4.0]])
        for k, value, message in bad:
            with pytest.raises(ValueError, match=message):
                f(*[value if i == k else g for i, g in enumerate(good)])
        g = transpile.function([x, c, y], [x + c, S.structured_dot(x, y)], mode=mode)
        with pytest.raises(ValueError, match="shapes differ"):
            g(m1, m2, np.zeros((3, 1)))
        with pytest.raises(ValueError, match="not aligned"):
            g(m1, m2.T.tocsc(), np.zeros((2, 1)))
