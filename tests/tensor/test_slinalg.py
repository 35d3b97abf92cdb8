"""scipy.linalg ops (transpile.tensor.slinalg / linalg) vs scipy: values for float32 and float64,
batches, the triangle each op reads, scipy's errors (singular, not positive definite, NaN),
infer_shape, gradients, and a Gaussian-process regression fitted by gradient descent."""
import numpy as np
import pytest
import scipy.linalg as sl

import transpile
import transpile.tensor as T
from transpile import function
from transpile.compile.cache import BuildError
from transpile.gradient import verify_grad
from transpile.tensor import linalg as L

TOL = {"float32": dict(rtol=5e-4, atol=5e-4), "float64": dict(rtol=1e-9, atol=1e-9)}


def sym(ndim, dtype="float64", name=None):
    return T.TensorType(dtype, (False,) * ndim)(name)


def spd(rng, *shape):
    a = rng.uniform(-1, 1, shape)
    return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])


def well_conditioned(rng, *shape):
    return rng.uniform(-1, 1, shape) + 3.0 * np.eye(shape[-1])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_values_match_scipy(dtype, rng):
    pd_batch = spd(rng, 2, 4, 4).astype(dtype)
    general = well_conditioned(rng, 4, 4).astype(dtype)   # not symmetric: each op reads its triangle
    gen_batch = well_conditioned(rng, 2, 4, 4).astype(dtype)
    rhs = rng.uniform(-1, 1, (4, 3)).astype(dtype)
    vecs = rng.uniform(-1, 1, (2, 4)).astype(dtype)
    pd = (pd_batch[0] + np.triu(general, 1)).astype(dtype)  # lower triangle positive definite
    p, g, gb, b, v, q, cu = [sym(n, dtype) for n in (3, 2, 3, 2, 2, 2, 2)]
    chol = np.linalg.cholesky(pd_batch[0].astype("float64")).astype(dtype)
    upper_factor = (chol.T + np.tril(general, -1)).astype(dtype)  # cho_solve reads the upper triangle only
    c = L.cholesky(p)
    cases = [
        (c, sl.cholesky(pd_batch, lower=True)),
        (L.cholesky(p, lower=False), sl.cholesky(pd_batch, lower=False)),
        (L.cholesky(g + 10 * T.eye(4, dtype=dtype)), sl.cholesky(general + 10 * np.eye(4), lower=True)),
        (L.solve(g, b), sl.solve(general, rhs)),
        (L.solve(g, v[0]), sl.solve(general, vecs[0])),
        (L.solve(gb, v, b_ndim=1), np.stack([sl.solve(gen_batch[k], vecs[k]) for k in range(2)])),
        (L.solve(gb, gb), sl.solve(gen_batch, gen_batch)),
        (L.solve(g, b, assume_a="sym"), sl.solve(general, rhs, assume_a="sym")),
        (L.solve(g, b, assume_a="sym", lower=True), sl.solve(general, rhs, assume_a="sym", lower=True)),
        (L.solve(q, b, assume_a="pos", lower=True), sl.solve(pd, rhs, assume_a="pos", lower=True)),
        (L.solve(p, v, assume_a="pos", b_ndim=1), np.stack([sl.solve(pd_batch[k], vecs[k], assume_a="pos")
                                                             for k in range(2)])),
        (L.solve_triangular(g, b, lower=True), sl.solve_triangular(general, rhs, lower=True)),
        (L.solve_upper_triangular(g, v[1]), sl.solve_triangular(general, vecs[1], lower=False)),
        (L.solve_lower_triangular(g, b, trans=1), sl.solve_triangular(general, rhs, lower=True, trans=1)),
        (L.solve_triangular(g, b, trans="T", unit_diagonal=True),
         sl.solve_triangular(general, rhs, trans="T", unit_diagonal=True)),
        (L.solve_triangular(gb, v, lower=True, b_ndim=1),
         np.stack([sl.solve_triangular(gen_batch[k], vecs[k], lower=True) for k in range(2)])),
        (L.cho_solve((c[0], True), b), sl.cho_solve((chol, True), rhs)),
        (L.cho_solve((cu, False), v[0]), sl.cho_solve((upper_factor, False), vecs[0])),
        (L.cho_solve((c, True), v, b_ndim=1),
         np.stack([sl.cho_solve((sl.cholesky(pd_batch[k], lower=True), True), vecs[k]) for k in range(2)])),
        (L.expm(g * 0.3), sl.expm(general * 0.3)),
        # strided operands (transposed, reversed, sliced): the native code reads any strides
        (L.cholesky(p[:, ::-1, ::-1]), sl.cholesky(pd_batch[:, ::-1, ::-1], lower=True)),
        (L.solve(g.T, b[::-1, ::2]), sl.solve(general.T, rhs[::-1, ::2])),
        (L.solve_triangular(gb.dimshuffle(0, 2, 1), v[:, ::-1], b_ndim=1),
         np.stack([sl.solve_triangular(gen_batch[k].T, vecs[k, ::-1]) for k in range(2)])),
        (L.cho_solve((c.dimshuffle(1, 0, 2)[:, 0], True), b.T[0]), sl.cho_solve((chol, True), rhs.T[0])),
        (T.slinalg.solve_symmetric(g, b), sl.solve(general, rhs, assume_a="sym")),
    ]
    f = function([p, g, gb, b, v, q, cu], [case[0] for case in cases], on_unused_input="ignore")
    got = f(pd_batch, general, gen_batch, rhs, vecs, pd, upper_factor)
    for k, ((out, expected), value) in enumerate(zip(cases, got)):
        assert value.dtype == dtype and value.shape == expected.shape, (k, value.dtype, value.shape)
        np.testing.assert_allclose(value, expected, **TOL[dtype], err_msg=f"case {k}: {out}")


def test_errors_as_scipy():
    a, b = sym(3), sym(3)
    cho, sol = function([a], L.cholesky(a)), function([a, b], L.solve(a, b))
    tri = function([a, b], L.solve_triangular(a, b, lower=True))
    not_pd = np.stack([np.eye(2), [[1.0, 2.0], [2.0, 1.0]]])
    singular = np.stack([np.eye(2), [[1.0, 2.0], [2.0, 4.0]]])
    rhs = np.ones((2, 2, 1))
    with pytest.raises(ValueError, match="2-th leading minor of the array is not positive definite"):
        cho(not_pd)
    with pytest.raises(ValueError, match="singular matrix detected"):
        sol(singular, rhs)
    with pytest.raises(ValueError, match="singular matrix: resolution failed at diagonal 1"):
        tri(np.stack([np.eye(2), [[1.0, 0.0], [2.0, 0.0]]]), rhs)
    with pytest.raises(ValueError, match="infs or NaNs"):
        cho(np.full((1, 2, 2), np.nan))
    with pytest.raises(ValueError, match="square"):
        cho(np.ones((1, 2, 3)))
    with pytest.raises(ValueError, match="do not match"):
        sol(np.ones((2, 3, 3)), np.ones((2, 2, 1)))
    with pytest.raises(ValueError, match="do not match"):
        sol(np.ones((2, 3, 3)), np.ones((1, 3, 1)))
    for fn in (lambda: sl.cholesky(not_pd[1]), lambda: sl.solve(singular[1], np.ones(2))):
        with pytest.raises(np.linalg.LinAlgError):
            fn()


def test_cho_solve_does_not_check_singularity_as_scipy():
    c, b = sym(2), sym(1)
    factor = np.array([[1.0, 0.0], [2.0, 0.0]])
    got = function([c, b], L.cho_solve((c, True), b))(factor, np.array([1.0, 2.0]))
    expected = sl.cho_solve((factor, True), np.array([1.0, 2.0]))
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))


def test_bad_input():
    with pytest.raises(TypeError, match="batch dims"):
        L.solve(T.tensor3(), T.vector())
    with pytest.raises(TypeError, match="matrix"):
        L.cholesky(T.vector())
    with pytest.raises(ValueError, match="assume_a"):
        L.solve(T.matrix(), T.matrix(), assume_a="banded")
    with pytest.raises(ValueError, match="trans"):
        L.solve_triangular(T.matrix(), T.matrix(), trans=3)


def test_infer_shape():
    a, b, v = sym(3), sym(3), sym(2)
    outs = [L.cholesky(a), L.solve(a, b), L.solve(a, v, b_ndim=1), L.solve_triangular(a, b), L.cho_solve((a, True), v,
            b_ndim=1), L.expm(a[0])]
    inferred = []
    for out in outs:
        node = out.owner
        shapes = [tuple(T.shape_i(i, d) for d in range(i.ndim)) for i in node.inputs]
        inferred.append(T.stack([T.as_tensor_variable(s) for s in node.op.infer_shape(node, shapes)[out.index]]))
    rng = np.random.default_rng(0)
    got = function([a, b, v], outs + inferred)(spd(rng, 2, 3, 3), rng.uniform(size=(2, 3, 4)), rng.uniform(size=(2, 3)))
    for value, shape in zip(got[:len(outs)], got[len(outs):]):
        assert tuple(int(s) for s in shape) == value.shape


def test_more_gradients(rng):
    verify_grad(lambda a, b: L.solve(a, b, assume_a="sym"), [well_conditioned(rng, 3, 3), rng.uniform(-1, 1, (3, 2))],
                rng=rng)
    verify_grad(lambda a, b: L.solve(a, b, b_ndim=1), [well_conditioned(rng, 2, 3, 3), rng.uniform(-1, 1, (2, 3))],
                rng=rng)


@pytest.mark.single_mode
def test_gaussian_process_regression_fits_by_gradient_descent(rng):
    """The negative log marginal likelihood of a GP (RBF kernel) through cholesky, triangular
    solves and slogdet, minimized over log hyperparameters by a few gradient steps."""
    x_train = np.sort(rng.uniform(-3, 3, 25))
    y_train = np.sin(x_train) + 0.1 * rng.standard_normal(25)
    x, y = T.vector("x"), T.vector("y")
    log_params = transpile.shared(np.array([1.5, 0.5, -1.0]), name="log_params")  # length, scale, noise
    length, scale, noise = T.exp(log_params[0]), T.exp(log_params[1]), T.exp(log_params[2])
    d2 = T.sqr(x.dimshuffle(0, "x") - x.dimshuffle("x", 0))
    k = scale ** 2 * T.exp(-0.5 * d2 / length ** 2) + (noise ** 2 + 1e-6) * T.eye(x.shape[0])
    chol = L.cholesky(k)
    alpha = L.solve_triangular(chol.T, L.solve_triangular(chol, y, lower=True), lower=False)
    nll = 0.5 * T.dot(y, alpha) + 0.5 * L.slogdet(k)[1] + 0.5 * x.shape[0] * np.log(2 * np.pi)
    grad = T.grad(nll, log_params)
    step = function([x, y], nll, updates=[(log_params, log_params - 0.02 * grad)], mode="FAST_RUN")
    losses = [float(step(x_train, y_train)) for _ in range(15)]
    assert all(b < a for a, b in zip(losses, losses[1:])), losses

    params = log_params.get_value()
    ln, sc, ns = np.exp(params)
    kk = sc ** 2 * np.exp(-0.5 * (x_train[:, None] - x_train[None, :]) ** 2 / ln ** 2) + (ns ** 2 + 1e-6) * np.eye(25)
    expected = 0.5 * y_train @ np.linalg.solve(kk, y_train) + 0.5 * np.linalg.slogdet(kk)[1] + 12.5 * np.log(2 * np.pi)
    final = function([x, y], nll, mode="FAST_RUN")(x_train, y_train)
    np.testing.assert_allclose(final, expected, rtol=1e-8)


@pytest.mark.single_mode
def test_exported_project_finds_lapack_or_says_it_needs_one(tmp_path):
    a, b = T.matrix("a"), T.vector("b")
    project = transpile.export(function([a, b], [L.solve(a, b), L.det(a)], mode="FAST_RUN"), tmp_path / "p", "lin")
    project.build(python=False)  # configured with scipy-openblas32's LAPACK, compiled and linked
    with pytest.raises(BuildError, match="needs LAPACK"):
        project.build(build_dir=tmp_path / "no_lapack", cmake_args=["-DTRANSPILE_BLAS=OFF"], python=False)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_expm_matches_scipy_at_every_scale(dtype, rng):
    """Norms from 1e-3 to 100 take every Pade degree and the scaling-and-squaring path."""
    x = sym(2, dtype)
    f = function([x], L.expm(x))
    for scale in (1e-3, 0.05, 0.2, 0.6, 1.5, 3.0, 10.0, 100.0):
        value = (rng.standard_normal((5, 5)) * scale / 5).astype(dtype)
        expected = sl.expm(value)
        rtol = 1e-11 if dtype == "float64" else 1e-4
        np.testing.assert_allclose(f(value), expected, rtol=rtol, atol=rtol * np.abs(expected).max())
    assert f(np.zeros((0, 0), dtype)).shape == (0, 0)
    np.testing.assert_allclose(f(np.zeros((1, 1), dtype)), [[1.0]])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_large_matrices_go_through_the_recursive_lu(dtype, rng):
    """From 256 rows the native LU is transpile's own (runtime/linalg.h, lu::factor) instead of
    LAPACK's getrf: solve, inv and slogdet against numpy on sizes that split unevenly, a matrix
    that needs its pivots (zero diagonal), and a singular one (a zero column far from the first)."""
    a, b = sym(2, dtype), sym(2, dtype)
    f = function([a, b], [L.solve(a, b), T.nlinalg.matrix_inverse(a), *T.nlinalg.slogdet(a)])
    pivoted = rng.uniform(-1, 1, (300, 300))
    pivoted[np.arange(300), np.arange(300)] = 0.0
    for m in (rng.uniform(-1, 1, (300, 300)) + 2 * np.eye(300), pivoted, rng.uniform(-1, 1, (521, 521))):
        m = m.astype(dtype)
        rhs = rng.uniform(-1, 1, (len(m), 3)).astype(dtype)
        x, inv, sign, logdet = f(m, rhs)
        want = np.linalg.slogdet(m.astype("float64"))
        tol = dict(rtol=2e-2, atol=2e-3) if dtype == "float32" else dict(rtol=1e-7, atol=1e-8)
        np.testing.assert_allclose(m.astype("float64") @ x, rhs, **tol)
        np.testing.assert_allclose(inv @ m.astype("float64"), np.eye(len(m)), **tol)
        assert sign == want[0]
        np.testing.assert_allclose(logdet, want[1], rtol=1e-4 if dtype == "float32" else 1e-10)
    singular = rng.uniform(-1, 1, (300, 300)).astype(dtype)
    singular[:, 290] = 0.0
    with pytest.raises(ValueError, match="singular matrix"):
        function([a, b], L.solve(a, b))(singular, np.ones((300, 1), dtype))
