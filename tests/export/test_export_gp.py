"""Gaussian-process regression exports: the negative log marginal likelihood of an RBF-kernel GP and
its gradient with respect to the log hyperparameters (cholesky, solve_triangular, slogdet and their
gradients) build into a project that links LAPACK as it links BLAS, passes its golden vectors under
ctest with no Python, runs other data through its runner, and imports as a module giving the same
values as the FAST_RUN function."""
import subprocess

import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.export.conftest import build_once
from tests.export.export_helpers import NO_PYTHON_ENV, assert_same, run_runner, save_inputs
from transpile.compile.cache import cmake_program
from transpile.tensor import linalg as L

pytestmark = [pytest.mark.single_mode, pytest.mark.slow]


def gp_nll_and_grad():
    """FAST_RUN function (x, y, log_params) -> [nll, d nll / d log_params]; log_params = log of
    (length scale, signal scale, noise)."""
    x, y, log_params = T.dvector("x"), T.dvector("y"), T.dvector("log_params")
    length, scale, noise = T.exp(log_params[0]), T.exp(log_params[1]), T.exp(log_params[2])
    d2 = T.sqr(x.dimshuffle(0, "x") - x.dimshuffle("x", 0))
    k = scale ** 2 * T.exp(-0.5 * d2 / length ** 2) + (noise ** 2 + 1e-6) * T.eye(x.shape[0])
    chol = L.cholesky(k)
    alpha = L.solve_triangular(chol.T, L.solve_triangular(chol, y, lower=True), lower=False)
    nll = 0.5 * T.dot(y, alpha) + 0.5 * L.slogdet(k)[1] + 0.5 * x.shape[0] * np.log(2 * np.pi)
    return transpile.function([x, y, log_params], [nll, T.grad(nll, log_params)], mode="FAST_RUN")


def numpy_nll(x, y, log_params):
    ln, sc, ns = np.exp(log_params)
    k = sc ** 2 * np.exp(-0.5 * (x[:, None] - x[None, :]) ** 2 / ln ** 2) + (ns ** 2 + 1e-6) * np.eye(len(x))
    return 0.5 * y @ np.linalg.solve(k, y) + 0.5 * np.linalg.slogdet(k)[1] + 0.5 * len(x) * np.log(2 * np.pi)


def data(seed, n):
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-3, 3, n))
    return [x, np.sin(x) + 0.1 * rng.standard_normal(n), np.array([1.5, 0.5, -1.0]) + 0.3 * rng.standard_normal(3)]


@pytest.fixture(scope="module")
def exported():
    f = gp_nll_and_grad()
    project = build_once("gp_nll", lambda d: transpile.export(f, d, "gp_nll", example_inputs=data(0, 12)))
    return f, project


def test_function_matches_numpy_and_finite_differences():
    f = gp_nll_and_grad()
    x, y, p = data(1, 10)
    nll, grad = f(x, y, p)
    np.testing.assert_allclose(nll, numpy_nll(x, y, p), rtol=1e-10)
    eps = 1e-6
    numeric = [(numpy_nll(x, y, p + eps * e) - numpy_nll(x, y, p - eps * e)) / (2 * eps) for e in np.eye(3)]
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)


def test_ctest_golden_vectors_pass_without_python(exported):
    _, project = exported
    assert "TRANSPILE_HAVE_LAPACK" in (project.path / "CMakeLists.txt").read_text()  # it asks for LAPACK
    ctest = cmake_program()[: -len("cmake")] + "ctest"
    out = subprocess.run(["env", "-i", "PATH=/usr/bin:/bin", ctest, "--test-dir", str(project.build_dir),
                          "--output-on-failure"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "100% tests passed" in out.stdout


def test_runner_on_other_data_matches_the_function(exported, tmp_path):
    f, project = exported
    inputs = data(7, 17)  # another size than the golden vectors'
    args = save_inputs(tmp_path, ["x", "y", "log_params"], inputs)
    out = run_runner(project, ["--output-dir", tmp_path / "out", *args], env=NO_PYTHON_ENV)
    assert out.returncode == 0, out.stderr
    outputs = sorted(p.name for p in (tmp_path / "out").glob("*.npy"))
    assert len(outputs) == 2, outputs
    want = f(*inputs)
    got = [np.load(tmp_path / "out" / name) for name in outputs]
    # outputs are written under their names; match them by shape (scalar nll, 3-vector gradient)
    by_ndim = {g.ndim: g for g in got}
    assert_same(by_ndim[0], want[0], "nll")
    assert_same(by_ndim[1], want[1], "gradient")


def test_module_matches_the_function(exported):
    f, project = exported
    module = project.load()
    for seed, n in ((2, 5), (3, 12), (4, 30)):
        inputs = data(seed, n)
        got, want = module.run(*inputs), f(*inputs)
        assert len(got) == 2
        assert_same(got[0], want[0], f"nll, n={n}")
        assert_same(got[1], want[1], f"gradient, n={n}")
    bad = (np.zeros(3), np.ones(4), np.zeros(3))  # y longer than x: a clear error on both sides
    for call in (module.run, f):
        with pytest.raises(ValueError):
            call(*bad)
