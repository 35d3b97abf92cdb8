"""numpy.linalg ops (transpile.tensor.nlinalg / linalg) vs numpy: values for float32 and float64,
batches, singular and empty matrices, errors, infer_shape, gradients. Each table is one
compiled function (FAST_RUN builds cost seconds)."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.batched import batched_verify_grad, case_rng
from transpile import function
from transpile.gradient import verify_grad
from transpile.tensor import linalg as L
from transpile.tensor import nlinalg

TOL = {"float32": dict(rtol=2e-4, atol=2e-4), "float64": dict(rtol=1e-9, atol=1e-9)}


def sym(ndim, dtype="float64", name=None):
    return T.TensorType(dtype, (False,) * ndim)(name)


def well_conditioned(rng, *shape):
    return rng.uniform(-1, 1, shape) + 3.0 * np.eye(shape[-1])


def spd(rng, n):
    a = rng.uniform(-1, 1, (n, n))
    return a @ a.T + n * np.eye(n)


def same_up_to_column_signs(got, expected, tol):
    signs = np.sign(np.sum(got * expected, axis=-2, keepdims=True))
    np.testing.assert_allclose(got * signs, expected, **tol)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_values_match_numpy(dtype, rng):
    batch = well_conditioned(rng, 2, 3, 3).astype(dtype)
    square = spd(rng, 4).astype(dtype)
    rect = rng.uniform(-1, 1, (5, 3)).astype(dtype)
    rhs = rng.uniform(-1, 1, (5, 2)).astype(dtype)
    t4 = well_conditioned(rng, 6, 6).reshape(6, 2, 3).astype(dtype)
    b, m, r, y, t = sym(3, dtype), sym(2, dtype), sym(2, dtype), sym(2, dtype), sym(3, dtype)
    w, v = L.eigh(m)
    u, s, vh = L.svd(r, full_matrices=False)
    q, rr = L.qr(r)
    ew, ev = L.eig(m)
    cases = [
        (L.inv(b), np.linalg.inv(batch)),
        (L.matrix_inverse(m), np.linalg.inv(square)),
        (L.det(b), np.linalg.det(batch)),
        (L.det(m), np.linalg.det(square)),
        (L.slogdet(b)[0], np.linalg.slogdet(batch)[0]),
        (L.slogdet(b)[1], np.linalg.slogdet(batch)[1]),
        (L.slogdet(-m)[0], np.linalg.slogdet(-square)[0]),
        (w, np.linalg.eigh(square)[0]),
        (L.eigvalsh(m, UPLO="U"), np.linalg.eigvalsh(np.triu(square) + 5 * np.tril(square, -1), UPLO="U")),
        (L.svd(r, compute_uv=False), np.linalg.svd(rect, compute_uv=False)),
        (L.svd(b, compute_uv=False), np.linalg.svd(batch, compute_uv=False)),
        (T.dot(u * s, vh), rect),
        (s, np.linalg.svd(rect, compute_uv=False)),
        (T.dot(q, rr), rect),
        (L.qr(r, mode="r"), np.linalg.qr(rect, mode="r")),
        (L.qr(r, mode="complete")[0].shape, np.array([5, 5])),
        (T.dot(m, ev) - ev * ew, np.zeros((4, 4))),
        (L.pinv(r), np.linalg.pinv(rect)),
        (L.lstsq(r, y)[0], np.linalg.lstsq(rect, rhs)[0]),
        (L.lstsq(r, y)[3], np.linalg.lstsq(rect, rhs)[3]),
        (L.lstsq(r, y)[2], np.int32(np.linalg.lstsq(rect, rhs)[2])),
        (L.matrix_power(m, 3), np.linalg.matrix_power(square, 3)),
        (L.matrix_power(b, 2), np.linalg.matrix_power(batch, 2)),
        (L.matrix_power(m, -2), np.linalg.matrix_power(square.astype("float64"), -2)),
        (L.matrix_power(m, 0), np.eye(4)),
        (L.tensorinv(t, ind=1), np.linalg.tensorinv(t4, ind=1)),
        (L.tensorsolve(m, y[:4, 0]), np.linalg.tensorsolve(square, rhs[:4, 0])),
        (L.inv(b.dimshuffle(0, 2, 1)[:, ::-1]), np.linalg.inv(np.swapaxes(batch, 1, 2)[:, ::-1])),
        (L.det(b[::-1, :, ::-1]), np.linalg.det(batch[::-1, :, ::-1])),
        (L.slogdet(m.T)[1], np.linalg.slogdet(square.T)[1]),
        (L.eigvalsh(b[1, ::-1, ::-1]), np.linalg.eigvalsh(batch[1, ::-1, ::-1])),
        (nlinalg.matrix_dot(m, m, m[:, :2]), square @ square @ square[:, :2]),
    ]
    f = function([b, m, r, y, t], [c[0] for c in cases] + [v], on_unused_input="ignore")
    got = f(batch, square, rect, rhs, t4)
    for k, ((out, expected), value) in enumerate(zip(cases, got)):
        assert value.shape == np.shape(expected), k
        np.testing.assert_allclose(value, expected, **TOL[dtype], err_msg=f"case {k}: {out}")
    same_up_to_column_signs(got[-1], np.linalg.eigh(square)[1], TOL[dtype])
    assert got[0].dtype == dtype and got[2].dtype == dtype


def test_result_dtypes():
    m, i = T.matrix("m", dtype="float32"), T.imatrix("i")
    assert L.inv(m).dtype == "float32" and L.det(i).dtype == "float64" and L.eig(m)[0].dtype == "complex64"
    assert L.eig(i)[1].dtype == "complex128" and L.slogdet(i)[1].dtype == "float64"
    f = function([i], [L.inv(i), L.det(i)])
    value = np.array([[2, 1], [1, 3]], dtype="int32")
    got = f(value)
    np.testing.assert_allclose(got[0], np.linalg.inv(value), rtol=1e-12)
    np.testing.assert_allclose(got[1], np.linalg.det(value), rtol=1e-12)


def test_singular_and_empty_matrices_as_numpy():
    singular = np.array([[[1.0, 2.0], [2.0, 4.0]], [[2.0, 0.0], [0.0, 3.0]]])
    b, e = sym(3), sym(2)
    sign, logdet = L.slogdet(b)
    f = function([b, e], [L.det(b), sign, logdet, L.det(e), L.slogdet(e)[0], L.slogdet(e)[1], L.inv(e)])
    got = f(singular, np.zeros((0, 0)))
    np.testing.assert_allclose(got[0], np.linalg.det(singular), atol=1e-12)
    np.testing.assert_array_equal(got[1], [0.0, 1.0])
    assert got[2][0] == -np.inf and np.isclose(got[2][1], np.log(6.0))
    assert got[3] == 1.0 and got[4] == 1.0 and got[5] == 0.0 and got[6].shape == (0, 0)

    g = function([b], L.inv(b))
    with pytest.raises(ValueError, match="Singular matrix"):
        g(singular)
    np.testing.assert_allclose(g(singular[1:]), np.linalg.inv(singular[1:]))
    with pytest.raises(np.linalg.LinAlgError, match="Singular matrix"):
        np.linalg.inv(singular)


def test_bad_input():
    with pytest.raises(TypeError, match="matrix"):
        L.inv(T.vector())
    with pytest.raises(TypeError, match="a matrix"):
        L.eigh(T.tensor3())
    m = T.matrix()
    f = function([m], [L.inv(m), L.det(m)])
    with pytest.raises(ValueError, match="must be square, got shape \\(2, 3\\)"):
        f(np.ones((2, 3)))
    with pytest.raises(ValueError, match="square"):
        function([m], L.eigvalsh(m))(np.ones((2, 3)))
    with pytest.raises(TypeError, match="exponent"):
        L.matrix_power(m, 1.5)


def test_infer_shape():
    b, r = sym(3, name="b"), sym(2, name="r")
    outs = [L.inv(b), L.det(b), L.slogdet(b)[1], L.eigh(L.inv(b)[0])[1], L.eigvalsh(b[0]), L.pinv(r),
            *L.svd(r), *L.svd(r, full_matrices=False), L.svd(b, compute_uv=False), *L.qr(r), *L.qr(r, "complete"),
            L.qr(r, "r"), L.eig(b[0])[0]]
    inferred = []
    for out in outs:
        node = out.owner
        shapes = [tuple(T.shape_i(i, d) for d in range(i.ndim)) for i in node.inputs]
        inferred.append(T.stack([T.as_tensor_variable(s) for s in node.op.infer_shape(node, shapes)[out.index]])
                        if out.ndim else T.constant(np.zeros(0, dtype="int64")))
    f = function([b, r], outs + inferred)
    rng = np.random.default_rng(0)
    got = f(well_conditioned(rng, 2, 3, 3), rng.uniform(-1, 1, (5, 3)))
    for value, shape in zip(got[:len(outs)], got[len(outs):]):
        assert tuple(int(s) for s in shape) == value.shape


#: name: (fn, its point from a generator): one batched table (tests/batched.py), one native build
GRADS = {
    "det and inv": (lambda a: L.det(a) + T.sum(L.inv(a), axis=(1, 2)), lambda rng: well_conditioned(rng, 2, 3, 3)),
    "matrix_power": (lambda a: L.matrix_power(a, 3) + L.matrix_power(a, -1), lambda rng: well_conditioned(rng, 3, 3)),
    "tensorinv": (lambda a: L.tensorinv(a, ind=1), lambda rng: well_conditioned(rng, 4, 4).reshape(4, 2, 2)),
}


def build_grad(name):
    fn, point = GRADS[name]
    return fn, [point(case_rng())]


def test_gradients(mode):
    for name in GRADS:
        batched_verify_grad(mode, list(GRADS), build_grad, name)


def test_float32_gradient(rng):
    point = well_conditioned(rng, 3, 3).astype("float32")
    verify_grad(lambda a: L.slogdet(a)[1] + T.sum(L.inv(a)), [point], rng=rng)


@pytest.mark.single_mode
def test_names():
    assert nlinalg.matrix_inverse is nlinalg.inv and L.extract_diag is L.diagonal
    assert T.linalg.solve is T.slinalg.solve and T.nlinalg.det is L.det
    assert str(L.eigvalsh(T.matrix()).owner.op) == "Eigh{L, values}"
    assert transpile.tensor.linalg.__all__


def test_qr_gradient_of_a_wide_matrix_is_refused():
    a = T.matrix("a")
    f = function([a], T.grad(T.sum(L.qr(a)[1]), a))
    with pytest.raises(ValueError, match="at least as many rows as columns"):
        f(np.ones((2, 3)))
    np.testing.assert_allclose(f(np.eye(3)), function([a], T.grad(T.sum(L.qr(a, mode="r")), a))(np.eye(3)))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_svd_factors_match_numpy(dtype, rng):
    """U and Vh up to the sign of each singular pair, full and thin, batched, empty."""
    x, b = sym(2, dtype), sym(3, dtype)
    outs = [*L.svd(x), *L.svd(x, full_matrices=False), *L.svd(b, full_matrices=False)]
    f = function([x, b], outs)
    for shape in [(5, 3), (3, 5), (4, 4), (0, 3), (3, 0)]:
        a = rng.uniform(-1, 1, shape).astype(dtype)
        batch = rng.uniform(-1, 1, (2,) + shape).astype(dtype)
        got = f(a, batch)
        expected = [*np.linalg.svd(a), *np.linalg.svd(a, full_matrices=False),
                    *np.linalg.svd(batch, full_matrices=False)]
        for k in range(0, 9, 3):
            u, s, vh = got[k:k + 3]
            eu, es, evh = expected[k:k + 3]
            assert u.shape == eu.shape and s.shape == es.shape and vh.shape == evh.shape, (shape, k)
            np.testing.assert_allclose(s, es, **TOL[dtype])
            k_ = s.shape[-1]
            same_up_to_column_signs(u[..., :k_], eu[..., :k_], TOL[dtype])
            same_up_to_column_signs(np.swapaxes(vh, -1, -2)[..., :k_], np.swapaxes(evh, -1, -2)[..., :k_], TOL[dtype])
            if k == 0 and 0 in shape:
                np.testing.assert_array_equal(u, eu)
                np.testing.assert_array_equal(vh, evh)


def test_pinv_of_rank_deficient_and_empty_matrices(rng):
    x = sym(2)
    f = function([x], [L.pinv(x), L.pinv(x, rcond=0.3)])
    deficient = rng.uniform(-1, 1, (4, 4))
    deficient[:, 3] = deficient[:, 2]
    for value in (deficient, np.zeros((0, 3)), np.zeros((3, 0)), np.zeros((2, 3))):
        got = f(value)
        for g, expected in zip(got, (np.linalg.pinv(value), np.linalg.pinv(value, rcond=0.3))):
            assert g.shape == expected.shape
            np.testing.assert_allclose(g, expected, rtol=1e-9, atol=1e-9)
