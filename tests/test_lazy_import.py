"""scipy is imported when a graph first evaluates one of its functions in Python, not by
`import transpile` (scipy.special and scipy.linalg were more than half of its time)."""
import pickle
import subprocess
import sys

import numpy as np
import pytest
import scipy.special

import transpile.tensor as T
from transpile import function
from transpile.lazy_import import LazyFunction, lazy_module

pytestmark = pytest.mark.single_mode


def test_import_transpile_leaves_scipy_special_and_linalg_unimported():
    code = ("import sys, transpile, transpile.tensor\n"
            "print(sorted(m for m in ('scipy.special', 'scipy.linalg') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["[]"]


def test_a_lazy_function_calls_the_real_one_and_pickles():
    erf = lazy_module("scipy.special").erf
    assert isinstance(erf, LazyFunction) and repr(erf) == "scipy.special.erf"
    x = np.linspace(-2, 2, 7)
    np.testing.assert_array_equal(erf(x), scipy.special.erf(x))
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(erf))(x), scipy.special.erf(x))
    with pytest.raises(AttributeError):
        lazy_module("scipy.special").__wrapped__  # noqa: B018  private names are not functions
    with pytest.raises(AttributeError, match="no_such_function"):
        lazy_module("scipy.special").no_such_function(x)


def test_graphs_evaluated_in_python_use_scipy():
    x, a = T.dvector("x"), T.dmatrix("a")
    f = function([x, a], [T.erf(x), T.gammaln(x + 3), T.slinalg.cholesky(a)], mode="FAST_COMPILE")
    values = np.array([0.1, 0.5, 1.5])
    spd = np.array([[4.0, 1.0], [1.0, 3.0]])
    got = f(values, spd)
    np.testing.assert_allclose(got[0], scipy.special.erf(values), rtol=1e-15)
    np.testing.assert_allclose(got[1], scipy.special.gammaln(values + 3), rtol=1e-15)
    np.testing.assert_allclose(got[2], np.linalg.cholesky(spd), rtol=1e-14)
