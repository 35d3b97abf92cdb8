"""The numpy fallbacks of the special functions (used when scipy is missing) against scipy."""
import numpy as np
import pytest
import scipy.special as sp

from transpile.scalar import special_numpy as N

pytestmark = pytest.mark.single_mode

X = np.concatenate([np.linspace(-9.9, 20, 2001), np.logspace(-12, 2, 200), -np.logspace(-6, 1, 100)])


@pytest.mark.parametrize("fallback, reference, rtol", [
    (N.erf_fallback, sp.erf, 1e-15), (N.erfc_fallback, sp.erfc, 1e-13),
    (N.gamma_fallback, sp.gamma, 1e-13), (N.gammaln_fallback, sp.gammaln, 1e-13),
    (N.psi_fallback, sp.psi, 1e-11), (N.trigamma_fallback, lambda x: sp.polygamma(1, x), 1e-11),
])
def test_fallback_matches_scipy(fallback, reference, rtol):
    got, expected = fallback(X), reference(X)
    finite = np.isfinite(expected)
    np.testing.assert_allclose(got[finite], expected[finite], rtol=rtol, atol=rtol)


def test_erfinv_fallback():
    y = np.concatenate([np.linspace(-0.999, 0.999, 4001), 1 - np.logspace(-15, -1, 100),
                        np.logspace(-300, -1, 100), [-1.0, 1.0, 1.5, -2.0, np.nan]])
    with np.errstate(all="ignore"):
        np.testing.assert_allclose(N.erfinv_fallback(y), sp.erfinv(y), rtol=1e-14, atol=1e-300, equal_nan=True)


def test_poles():
    assert N.gamma_fallback([0.0])[0] == np.inf and np.isnan(N.gamma_fallback([-2.0])[0])
    assert N.gammaln_fallback([0.0, -3.0]).tolist() == [np.inf, np.inf]
    assert N.psi_fallback([0.0])[0] == -np.inf and np.isnan(N.psi_fallback([-1.0])[0])
    assert N.trigamma_fallback([0.0, -2.0]).tolist() == [np.inf, np.inf]


def test_empty_and_scalar_inputs():
    assert N.erf_fallback(np.array([])).shape == (0,)
    assert N.psi_fallback(1.0) == pytest.approx(-0.5772156649015329, rel=1e-14)
