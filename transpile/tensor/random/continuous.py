"""PyTensor's continuous samplers as graphs over the base draws (`RandomStreams` inherits them).

Each is a formula over standard draws (Z normal, U uniform on [0, 1), E exponential of mean 1,
G(a) gamma of shape a) computed in float64 and rounded once to the output dtype (as the
bounded-round samplers do); parameter names, order and meaning are PyTensor's
(`pytensor.tensor.random.basic`), followed by `size`, `ndim` and `dtype` as in the other samplers.
A parameter whose value is known when the graph is built is checked then (ValueError naming
it); a symbolic one is checked only where it reaches a draw that checks it (a gamma's shape),
as `normal` does not check `std`. Location and scale parameters enter by ordinary ops, so the
samples are differentiable in them (as `normal` in avg and std); parameters that reach a draw
(shapes, degrees of freedom) are not. The draws are bit-identical in both modes and so are
formulas of +, -, *, /, sqrt and abs alone; log, exp and pow (libm's against numpy's) and a
product the native compiler fuses into a multiply-add agree to rounding.
"""
import numpy as np

from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.join import concatenate
from transpile.tensor.math import (
    abs as abs_, arccos, cast, clip, cos, exp, expm1, ge, gt, log, log1p, lt, maximum, mod, or_, sgn, sqrt, switch)
from transpile.tensor.random.params import _size, check_known, float_params, known_value
from transpile.tensor.sort import take_along_axis
from transpile.tensor.stats import argmax

__all__ = ["ContinuousDistributions"]

F64 = "float64"
#: candidates per element of `vonmises` (each accepted with probability > 0.65)
VONMISES_TRIES = 24


def _positive(x):
    return x > 0


def _non_negative(x):
    return x >= 0


class ContinuousDistributions:
    """Mixin of `RandomStreams`: needs its `normal`, `uniform`, `exponential` and `gamma`."""

    def _start(self, what, dtype, size, ndim, values, checks=()):
        """(float64 params, dtype, size, ndim) after checking the known values: `checks` are
        (index, name, ok, requirement)."""
        for i, name, ok, requirement in checks:
            check_known(what, name, values[i], ok, requirement)
        params, dtype = float_params(what, dtype, *values)
        size, nd = _size(size, ndim, params)
        return params, dtype, size, nd

    def _z(self, size, nd):
        return self.normal(size, ndim=nd, dtype=F64)

    def _e(self, size, nd):
        return self.exponential(size=size, ndim=nd, dtype=F64)

    def _g(self, shape, size, nd, scale=1.0):
        return self.gamma(shape, scale, size=size, ndim=nd, dtype=F64)

    def _u(self, size, nd):
        return self.uniform(size, ndim=nd, dtype=F64)

    def standard_normal(self, size=None, ndim=None, dtype=None):
        """Normal with mean 0 and standard deviation 1 (`normal` with its defaults)."""
        return self.normal(() if size is None else size, ndim=ndim, dtype=dtype)

    def lognormal(self, mean=0.0, sigma=1.0, size=None, ndim=None, dtype=None):
        """exp(mean + sigma Z): log-normal whose logarithm has mean `mean` and deviation `sigma`."""
        (mean, sigma), dtype, size, nd = self._start(
            "lognormal", dtype, size, ndim, [mean, sigma], [(1, "sigma", _non_negative, ">= 0")])
        return cast(exp(mean + sigma * self._z(size, nd)), dtype)

    def laplace(self, loc=0.0, scale=1.0, size=None, ndim=None, dtype=None):
        """loc + scale (E1 - E2): the difference of two exponentials is standard Laplace."""
        (loc, scale), dtype, size, nd = self._start(
            "laplace", dtype, size, ndim, [loc, scale], [(1, "scale", _non_negative, ">= 0")])
        return cast(loc + scale * (self._e(size, nd) - self._e(size, nd)), dtype)

    def logistic(self, loc=0.0, scale=1.0, size=None, ndim=None, dtype=None):
        """loc + scale log(E1 / E2) (E1 / E2 has the CDF x / (1 + x))."""
        (loc, scale), dtype, size, nd = self._start(
            "logistic", dtype, size, ndim, [loc, scale], [(1, "scale", _non_negative, ">= 0")])
        return cast(loc + scale * log(self._e(size, nd) / self._e(size, nd)), dtype)

    def gumbel(self, loc=0.0, scale=1.0, size=None, ndim=None, dtype=None):
        """loc - scale log(E): Gumbel of the maximum (scipy's gumbel_r)."""
        (loc, scale), dtype, size, nd = self._start(
            "gumbel", dtype, size, ndim, [loc, scale], [(1, "scale", _non_negative, ">= 0")])
        return cast(loc - scale * log(self._e(size, nd)), dtype)

    def cauchy(self, loc=0.0, scale=1.0, size=None, ndim=None, dtype=None):
        """loc + scale Z1 / Z2: the ratio of two independent normals is standard Cauchy."""
        (loc, scale), dtype, size, nd = self._start(
            "cauchy", dtype, size, ndim, [loc, scale], [(1, "scale", _non_negative, ">= 0")])
        return cast(loc + scale * (self._z(size, nd) / self._z(size, nd)), dtype)

    def halfnormal(self, loc=0.0, scale=1.0, size=None, ndim=None, dtype=None):
        """loc + scale |Z| (scipy's halfnorm): values >= loc."""
        (loc, scale), dtype, size, nd = self._start(
            "halfnormal", dtype, size, ndim, [loc, scale], [(1, "scale", _non_negative, ">= 0")])
        return cast(loc + scale * abs_(self._z(size, nd)), dtype)

    def halfcauchy(self, loc=0.0, scale=1.0, size=None, ndim=None, dtype=None):
        """loc + scale |Z1 / Z2| (scipy's halfcauchy): values >= loc."""
        (loc, scale), dtype, size, nd = self._start(
            "halfcauchy", dtype, size, ndim, [loc, scale], [(1, "scale", _non_negative, ">= 0")])
        return cast(loc + scale * abs_(self._z(size, nd) / self._z(size, nd)), dtype)

    def weibull(self, shape, size=None, ndim=None, dtype=None):
        """E ** (1 / shape): numpy's Weibull of scale 1 (PyTensor's `weibull(shape)`)."""
        (shape,), dtype, size, nd = self._start(
            "weibull", dtype, size, ndim, [shape], [(0, "shape", _positive, "> 0")])
        return cast(self._e(size, nd) ** (1.0 / shape), dtype)

    def pareto(self, b, scale=1.0, size=None, ndim=None, dtype=None):
        """scale exp(E / b): PyTensor's (scipy's) Pareto, values >= scale, not numpy's Lomax
        (`numpy.random.pareto(a)` is `pareto(a) - 1`)."""
        (b, scale), dtype, size, nd = self._start(
            "pareto", dtype, size, ndim, [b, scale],
            [(0, "b", _positive, "> 0"), (1, "scale", _positive, "> 0")])
        return cast(scale * exp(self._e(size, nd) / b), dtype)

    def wald(self, mean=1.0, scale=1.0, size=None, ndim=None, dtype=None):
        """Inverse Gaussian of mean `mean` and shape `scale` (Michael, Schucany and Haas): with
        Y = mean Z**2, X = mean - 2 mean Y / (Y + sqrt(Y**2 + 4 scale Y)) (the root in its
        cancellation-free form), the value is X when U (mean + X) <= mean, else mean**2 / X."""
        (mean, scale), dtype, size, nd = self._start(
            "wald", dtype, size, ndim, [mean, scale],
            [(0, "mean", _positive, "> 0"), (1, "scale", _positive, "> 0")])
        z = self._z(size, nd)
        y = mean * (z * z)
        x = mean - 2.0 * mean * y / (y + sqrt(y * y + 4.0 * scale * y))
        return cast(switch(self._u(size, nd) * (mean + x) <= mean, x, mean * mean / x), dtype)

    def triangular(self, left, mode, right, size=None, ndim=None, dtype=None):
        """Inverse CDF of U: left + sqrt(U (right - left) (mode - left)) while U < (mode - left) /
        (right - left), else right - sqrt((1 - U) (right - left) (right - mode))."""
        for name, value in (("left", left), ("mode", mode), ("right", right)):
            check_known("triangular", name, value, np.isfinite, "finite")
        lo, mo, hi = (known_value(v) for v in (left, mode, right))
        if all(v is not None for v in (lo, mo, hi)) and not np.all((lo <= mo) & (mo <= hi) & (lo < hi)):
            raise ValueError("triangular: need left <= mode <= right and left < right")
        (left, mode, right), dtype, size, nd = self._start("triangular", dtype, size, ndim, [left, mode, right])
        u, width = self._u(size, nd), right - left
        low = left + sqrt(u * width * (mode - left))
        high = right - sqrt((1.0 - u) * width * (right - mode))
        return cast(switch(u * width < mode - left, low, high), dtype)

    def chisquare(self, df, size=None, ndim=None, dtype=None):
        """Chi-square with `df` degrees of freedom: gamma of shape df / 2 and scale 2."""
        (df,), dtype, size, nd = self._start("chisquare", dtype, size, ndim, [df], [(0, "df", _positive, "> 0")])
        return cast(self._g(df * 0.5, size, nd, 2.0), dtype)

    def invgamma(self, shape, scale, size=None, ndim=None, dtype=None):
        """scale / G(shape): the reciprocal of a gamma draw of scale 1 / scale."""
        (shape, scale), dtype, size, nd = self._start(
            "invgamma", dtype, size, ndim, [shape, scale],
            [(0, "shape", _positive, "> 0"), (1, "scale", _positive, "> 0")])
        return cast(scale / self._g(shape, size, nd), dtype)

    def t(self, df, loc=0.0, scale=1.0, size=None, ndim=None, dtype=None):
        """Student's t: loc + scale Z sqrt(df / V), V chi-square with df degrees of freedom."""
        (df, loc, scale), dtype, size, nd = self._start(
            "t", dtype, size, ndim, [df, loc, scale],
            [(0, "df", _positive, "> 0"), (2, "scale", _non_negative, ">= 0")])
        z = self._z(size, nd)
        return cast(loc + scale * (z * sqrt(df / self._g(df * 0.5, size, nd, 2.0))), dtype)

    def truncexpon(self, b, loc=0.0, scale=1.0, size=None, ndim=None, dtype=None):
        """scipy's truncexpon: loc + scale X, X exponential truncated to [0, b), by the inverse
        CDF X = -log1p(U expm1(-b))."""
        (b, loc, scale), dtype, size, nd = self._start(
            "truncexpon", dtype, size, ndim, [b, loc, scale],
            [(0, "b", _positive, "> 0"), (2, "scale", _non_negative, ">= 0")])
        return cast(loc - scale * log1p(self._u(size, nd) * expm1(-b)), dtype)

    def gengamma(self, alpha=1.0, p=1.0, lambd=1.0, size=None, ndim=None, dtype=None):
        """PyTensor's generalized gamma (scipy's gengamma(alpha / p, p, scale=lambd)):
        lambd G(alpha / p) ** (1 / p)."""
        (alpha, p, lambd), dtype, size, nd = self._start(
            "gengamma", dtype, size, ndim, [alpha, p, lambd],
            [(0, "alpha", _positive, "> 0"), (1, "p", _positive, "> 0"), (2, "lambd", _positive, "> 0")])
        return cast(lambd * self._g(alpha / p, size, nd) ** (1.0 / p), dtype)

    def vonmises(self, mu, kappa, size=None, ndim=None, dtype=None):
        """von Mises on [-pi, pi) around `mu` with concentration `kappa` >= 0 (numpy's), by Best and
        Fisher's (1979) rejection, made a fixed graph: VONMISES_TRIES candidates per element (three
        uniforms each), the first accepted one kept. Each candidate is accepted with probability
        above 0.65, so an element keeps a rejected candidate with probability below 1e-11. Below
        kappa = 1e-8 the angle is uniform. The draws are not differentiable in kappa."""
        (mu, kappa), dtype, size, nd = self._start(
            "vonmises", dtype, size, ndim, [mu, kappa], [(1, "kappa", _non_negative, ">= 0")])
        tries = concatenate([as_tensor_variable(np.array([VONMISES_TRIES], dtype="int64")), size])
        u1, u2, u3 = (self._u(tries, nd + 1) for _ in range(3))
        k = maximum(kappa, 1e-300)
        s = sqrt(1.0 + 4.0 * k * k)
        tau = 1.0 + s
        rho = 2.0 * k * tau / ((s + 1.0) * (tau + sqrt(2.0 * tau)))  # (tau - sqrt(2 tau)) / (2 kappa), stably
        r = (1.0 + rho * rho) / (2.0 * rho)
        z = cos(np.pi * u1)
        f = (1.0 + r * z) / (r + z)
        c = k * (r - f)
        accept = or_(gt(c * (2.0 - c) - u2, 0.0), ge(log(c / u2) + 1.0 - c, 0.0))
        first = argmax(accept, axis=0, keepdims=True)
        f_kept = take_along_axis(f, first, axis=0)[0]
        side = take_along_axis(u3, first, axis=0)[0]
        angle = sgn(side - 0.5) * arccos(clip(f_kept, -1.0, 1.0))
        angle = switch(lt(kappa, 1e-8), np.pi * (2.0 * side - 1.0), angle)
        wrapped = mod(mu + angle + np.pi, 2.0 * np.pi) - np.pi
        return cast(wrapped, dtype)

