"""Numpy implementations of the special functions: scipy.special's (imported at their first
call: transpile.lazy_import), and vectorized `*_fallback` forms written here.

The fallbacks follow the same algorithms as the ops' C++ expressions (series + recurrence for
psi and trigamma, Newton refinement for erfinv), so they are a readable reference of them,
checked against scipy (tests/scalar/test_special.py).
All work in float64; the op casts the result.
"""
import math

import numpy as np

from transpile.lazy_import import lazy_module

_sp = lazy_module("scipy.special")

_SQRT_PI = math.sqrt(math.pi)


def _vectorized(fn, pole):
    """`fn` (a math-module function) over arrays; ValueError (a pole) gives `pole`,
    OverflowError gives inf."""
    def scalar(x):
        try:
            return fn(x)
        except ValueError:
            return pole(x)
        except OverflowError:
            return math.inf
    vf = np.vectorize(scalar, otypes=[np.float64])

    def apply(x):
        x = np.asarray(x, dtype=np.float64)
        return vf(x) if x.size else np.empty(x.shape)
    return apply


def _nonpositive_integer(x):
    return (x <= 0) & (np.floor(x) == x)


erf_fallback = _vectorized(math.erf, lambda x: math.nan)
erfc_fallback = _vectorized(math.erfc, lambda x: math.nan)
gamma_fallback = _vectorized(math.gamma, lambda x: math.inf if x == 0 else math.nan)
gammaln_fallback = _vectorized(math.lgamma, lambda x: math.inf)


def erfinv_fallback(y):
    """Inverse of erf: Winitzki's closed-form guess, then 4 Newton steps (on erf near 0,
    on erfc near +-1 where 1 - |y| is exact)."""
    y = np.asarray(y, dtype=np.float64)
    a = np.abs(y)
    with np.errstate(all="ignore"):
        lg = np.log((1 - a) * (1 + a))
        t = 2 / (math.pi * 0.147) + lg / 2
        x = np.sqrt(np.sqrt(t * t - lg / 0.147) - t)
        for _ in range(4):
            f = np.where(a < 0.5, erf_fallback(x) - a, (1 - a) - erfc_fallback(x))
            x = x - f / (2 / _SQRT_PI * np.exp(-x * x))
        x = np.where(a == 1, np.inf, np.where(a > 1, np.nan, x))
    return np.copysign(x, y)


def psi_fallback(x):
    """Digamma: reflection for x < 0, recurrence up to x >= 10, then the asymptotic series."""
    x = np.array(x, dtype=np.float64)
    with np.errstate(all="ignore"):
        pole = np.where(x == 0, -np.copysign(np.inf, x), np.where(_nonpositive_integer(x), np.nan, 0.0))
        result = np.zeros_like(x)
        neg = x < 0
        result = np.where(neg, -math.pi / np.tan(math.pi * (x - np.rint(x))), result)
        x = np.where(neg, 1 - x, x)
        for _ in range(10):
            small = x < 10
            result = result - np.where(small, 1 / x, 0)
            x = np.where(small, x + 1, x)
        f = 1 / (x * x)
        series = f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f * (1 / 132)))))
        result = result + np.log(x) - 0.5 / x - series
        return np.where(pole != 0, pole, result)


def trigamma_fallback(x):
    """Trigamma: reflection for x < 0, recurrence up to x >= 10, then the asymptotic series."""
    x = np.array(x, dtype=np.float64)
    with np.errstate(all="ignore"):
        pole = _nonpositive_integer(x)
        sign = np.where(x < 0, -1.0, 1.0)
        base = np.where(x < 0, (math.pi / np.sin(math.pi * (x - np.rint(x)))) ** 2, 0.0)
        x = np.where(x < 0, 1 - x, x)
        acc = np.zeros_like(x)
        for _ in range(10):
            small = x < 10
            acc = acc + np.where(small, 1 / (x * x), 0)
            x = np.where(small, x + 1, x)
        f = 1 / (x * x)
        series = 1 / x + f / 2 + f / x * (1 / 6 - f * (1 / 30 - f * (1 / 42 - f * (1 / 30 - f * (5 / 66)))))
        result = base + sign * (acc + series)
        return np.where(pole, np.inf, result)


erf, erfc, erfinv = _sp.erf, _sp.erfc, _sp.erfinv
gamma, gammaln, psi = _sp.gamma, _sp.gammaln, _sp.psi


def trigamma(x):
    return _sp.polygamma(1, x)
