"""transpile.optimize (PyTensor's minimize, minimize_scalar, root, root_scalar) against
scipy.optimize in every mode, and the implicit gradients against finite differences of the
solution; several variables packed; errors."""
import numpy as np
import pytest
import scipy.optimize as so

import transpile
import transpile.tensor as T
from transpile.optimize import minimize, minimize_scalar, root, root_scalar

TIGHT = {"options": {"gtol": 1e-9}}  # passed to scipy.optimize.minimize


def _finite_difference(f, point, eps=1e-5):
    point = np.asarray(point, dtype="float64")
    flat = point.ravel()
    out = []
    for i in range(flat.size):
        step = np.zeros_like(flat)
        step[i] = eps
        out.append((f((flat + step).reshape(point.shape)) - f((flat - step).reshape(point.shape))) / (2 * eps))
    return np.array(out).reshape(point.shape)


def test_minimize_values_and_implicit_gradients():
    x, a, s = T.dvector("x"), T.dvector("a"), T.dscalar("s")
    objective = ((x - a) ** 2).sum() + s * (x ** 4).sum()
    solution, success = minimize(objective, x, optimizer_kwargs=TIGHT)
    f = transpile.function([x, a, s], [solution, success, T.grad(solution.sum(), a), T.grad(solution.sum(), s),
                                       T.grad(solution.sum(), x)])
    av = np.array([1.0, 2.0, -3.0])
    got, ok, da, ds, dx = f(np.zeros(3), av, 0.1)
    reference = so.minimize(lambda z: ((z - av) ** 2).sum() + 0.1 * (z ** 4).sum(), np.zeros(3), method="BFGS").x
    np.testing.assert_allclose(got, reference, atol=1e-5)
    assert ok and ok.dtype == np.bool_
    value = transpile.function([x, a, s], solution.sum())
    np.testing.assert_allclose(da, _finite_difference(lambda v: value(np.zeros(3), v, 0.1), av), rtol=1e-4)
    np.testing.assert_allclose(ds, _finite_difference(lambda v: value(np.zeros(3), av, v), 0.1), rtol=1e-4)
    np.testing.assert_array_equal(dx, np.zeros(3))  # the start gets no gradient


def test_minimize_with_a_hessian_several_variables_and_shared_parameters():
    target = transpile.shared(np.array([0.5, -1.0]), name="target")
    u, w = T.dvector("u"), T.dscalar("w")
    objective = ((u - target) ** 2).sum() + (w - 3.0) ** 2 + 0.1 * w * u.sum()
    (best_u, best_w), ok = minimize(objective, [u, w], method="Newton-CG", hess=True)
    grads = T.grad(best_u.sum() + best_w, target)
    f = transpile.function([u, w], [best_u, best_w, ok, grads])
    bu, bw, ok, g = f(np.zeros(2), np.float64(0.0))

    def reference(t):  # a quadratic: its minimum solves the linear system of its gradient
        system = np.array([[2.0, 0.0, 0.1], [0.0, 2.0, 0.1], [0.1, 0.1, 2.0]])
        return np.linalg.solve(system, np.append(2 * t, 6.0))

    ref = reference(target.get_value())
    np.testing.assert_allclose(np.append(bu, bw), ref, atol=1e-6)
    np.testing.assert_allclose(g, _finite_difference(lambda t: reference(t).sum(), target.get_value()), rtol=1e-6)
    assert bw.shape == () and ok


def test_minimize_scalar_root_and_root_scalar():
    y, c = T.dscalar("y"), T.dscalar("c")
    best, _ = minimize_scalar((y - c) ** 2 + 0.1 * T.cos(y), y)
    cube_root, converged = root_scalar(y ** 3 - c, y, method="newton", jac=True)
    bracketed, _ = root_scalar(y ** 3 - c, y, method="brentq", optimizer_kwargs={"bracket": (0.0, 10.0)})
    z, p = T.dvector("z"), T.dvector("p")
    solution, ok = root(T.stack([z[0] + 2 * z[1] - p[0], z[0] ** 3 - z[1] - p[1]]), z)
    f = transpile.function([y, c, z, p], [best, T.grad(best, c), cube_root, T.grad(cube_root, c), converged,
                                          bracketed, solution, T.grad(solution.sum(), p), ok])
    b, db, r, dr, conv, br, sol, dsol, ok = f(1.0, 8.0, np.array([1.0, 1.0]), np.array([3.0, 0.0]))
    ref = so.minimize_scalar(lambda v: (v - 8.0) ** 2 + 0.1 * np.cos(v), method="brent").x
    np.testing.assert_allclose(b, ref, rtol=1e-7)
    np.testing.assert_allclose(db, 2 / (2 - 0.1 * np.cos(ref)), rtol=1e-6)   # d/dc of 2 (y - c) = 0.1 sin y
    np.testing.assert_allclose([r, br], [2.0, 2.0], rtol=1e-9)
    np.testing.assert_allclose(dr, 1 / 12, rtol=1e-9)                       # d cbrt(c) / dc at c = 8
    np.testing.assert_allclose(sol, [1.0, 1.0], atol=1e-9)
    np.testing.assert_allclose(dsol, [4 / 7, 1 / 7], rtol=1e-7)              # column sums of J^-1
    assert conv and ok


def test_errors():
    x, a = T.dvector("x"), T.dscalar("a")
    with pytest.raises(ValueError, match="not an input of the graph"):
        minimize((a - 1) ** 2, x)
    with pytest.raises(TypeError, match="objective must have 0 dims"):
        minimize(x ** 2, x)
    with pytest.raises(TypeError, match="input variable"):
        minimize((x ** 2).sum(), x * 2)
    with pytest.raises(TypeError, match="x must have 0 dims"):
        minimize_scalar((x ** 2).sum(), x)
    with pytest.raises(TypeError, match="equations must have 1 dims"):
        root((x ** 2).sum(), x)
