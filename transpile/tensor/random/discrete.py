"""PyTensor's discrete samplers, and Theano's multinomial_wo_replacement, as graphs over the base
draws (`RandomStreams` inherits them); see `continuous` for the conventions (known parameters
checked at graph build, symbolic ones by the draws they reach). Counts come out as `dtype`
(int64 by default) and are the same in both modes."""
import numbers

import numpy as np

from transpile.tensor.alloc import zeros
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.math import cast, floor, gt, log1p, minimum, switch
from transpile.tensor.random.choice import choice_weights_error
from transpile.tensor.random.params import _size, check_known, float_params, known_value
from transpile.tensor.shape import shape_entries
from transpile.tensor.sort import argsort, sort

__all__ = ["DiscreteDistributions"]

F64 = "float64"


def _count(value, what, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"{what}: {name} must be a non-negative int, got {value!r}")
    return int(value)


class DiscreteDistributions:
    """Mixin of `RandomStreams`: needs its `exponential`, `gamma`, `poisson`, `binomial`, `beta`
    and `uniform`."""

    def geometric(self, p, size=None, ndim=None, dtype="int64"):
        """Trials up to the first success (1, 2, ...): 1 + floor(X), X exponential of scale
        -1 / log1p(-p) (P(X >= k) = (1 - p)**k), whose check of the scale refuses p < 0 and p > 1
        (p = 0 has no finite value)."""
        check_known("geometric", "p", p, lambda v: (v > 0) & (v <= 1), "in (0, 1]")
        (p,), _ = float_params("geometric", F64, p)
        size, nd = _size(size, ndim, [p])
        e = self.exponential(-1.0 / log1p(-p), size=size, ndim=nd, dtype=F64)
        return cast(floor(e) + 1.0, dtype)

    def negative_binomial(self, n, p, size=None, ndim=None, dtype="int64"):
        """Failures before the n-th success of trials of probability p (scipy's nbinom):
        poisson(gamma(n, (1 - p) / p)). The gamma checks n > 0 and 0 < p <= 1; the poisson's
        limit (lam <= 1e7) bounds n (1 - p) / p."""
        check_known("negative_binomial", "n", n, lambda v: v > 0, "> 0")
        check_known("negative_binomial", "p", p, lambda v: (v > 0) & (v <= 1), "in (0, 1]")
        (n, p), _ = float_params("negative_binomial", F64, n, p)
        size, nd = _size(size, ndim, [n, p])
        rate = self.gamma(n, (1.0 - p) / p, size=size, ndim=nd, dtype=F64)
        return self.poisson(rate, size=size, ndim=nd, dtype=dtype)

    nbinom = negative_binomial

    def betabinom(self, n, a, b, size=None, ndim=None, dtype="int64"):
        """Binomial(n, P) with P ~ beta(a, b); n is a non-negative Python int, as `binomial`'s."""
        n = _count(n, "betabinom", "n")
        check_known("betabinom", "a", a, lambda v: v > 0, "> 0")
        check_known("betabinom", "b", b, lambda v: v > 0, "> 0")
        (a, b), _ = float_params("betabinom", F64, a, b)
        size, nd = _size(size, ndim, [a, b])
        return self.binomial(size, n=n, p=self.beta(a, b, size=size, ndim=nd, dtype=F64), ndim=nd, dtype=dtype)

    def hypergeometric(self, ngood, nbad, nsample, size=None, ndim=None, dtype="int64"):
        """Good items among `nsample` taken without replacement from ngood good and nbad bad ones
        (non-negative Python ints, nsample <= ngood + nbad): per element, the items with the
        nsample smallest of ngood + nbad float64 uniform keys (a uniform subset; O(ngood + nbad)
        work and memory per element)."""
        ngood, nbad, nsample = (_count(v, "hypergeometric", k)
                                for v, k in ((ngood, "ngood"), (nbad, "nbad"), (nsample, "nsample")))
        if nsample > ngood + nbad:
            raise ValueError(f"hypergeometric: nsample ({nsample}) must be <= ngood + nbad ({ngood + nbad})")
        size, nd = _size(() if size is None else size, ndim, [])
        entries = tuple(shape_entries(size, "size", ndim=nd))
        if nsample == 0 or ngood == 0:
            return zeros(entries, dtype=dtype)
        keys = self.uniform(entries + (ngood + nbad,), dtype=F64)
        threshold = sort(keys, axis=-1)[..., nsample - 1]
        hits = keys[..., :ngood] <= threshold.dimshuffle(*range(nd), "x")
        return cast(hits.sum(axis=-1), dtype)

    def multinomial_wo_replacement(self, size=None, n=1, pvals=None, ndim=None, dtype="int64"):
        """Theano's: for each row of the matrix `pvals`, `n` distinct column indices drawn one
        after another with probabilities proportional to the row among those left (shape
        (rows, n)); `choice(replace=False, p=row)` row by row, through the stable argsort of the
        exponential keys E / p (a zero p never comes before a positive one). A known pvals is
        checked as `choice`'s p; a symbolic one is not (as in Theano), and with fewer than n
        positive entries in a row, zero-p columns fill it. size and ndim must be None (Theano's)."""
        if size is not None or ndim is not None:
            raise ValueError("multinomial_wo_replacement: size and ndim must be None (n sets the samples)")
        if pvals is None:
            raise TypeError("multinomial_wo_replacement: pvals is required")
        n = _count(n, "multinomial_wo_replacement", "n")
        data = known_value(pvals)
        pvals = as_tensor_variable(pvals)
        if pvals.ndim != 2:
            raise TypeError(f"multinomial_wo_replacement: pvals must be a matrix, got {pvals.type}")
        if data is not None:
            for row in data:
                message = choice_weights_error(row, data.shape[1], n)
                if message is not None:
                    raise ValueError(message.replace("choice:", "multinomial_wo_replacement:", 1)
                                     .replace("element of a", "column of pvals"))
        p = cast(pvals, F64)
        e = self.exponential(size=pvals.shape, ndim=2, dtype=F64)
        keys = switch(gt(p, 0), minimum(e / p, np.finfo(np.float64).max), np.inf)
        return cast(argsort(keys, axis=-1)[:, :n], dtype)
