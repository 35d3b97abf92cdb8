"""`RandomStreams`: a factory of random draws whose states advance at every call.

Each draw gets its own state, a shared uint64 vector [key, counter] whose `default_update` is
the draw's new state, so `function()` advances it without being told. The j-th draw of a stream
seeded with `s` has key `draw_key(s, j)` (see `philox`); `seed(s)` resets every draw's state.
"""
import numbers

import numpy as np

from transpile.graph.basic import Constant
from transpile.graph.shared import shared
from transpile.scalar import dtypes as D
from transpile.tensor.alloc import arange
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.math import cast, eq, gt, minimum, switch
from transpile.tensor.random import philox
from transpile.tensor.random.choice import check_choice_weights, choice_weights_error
from transpile.tensor.random.continuous import ContinuousDistributions
from transpile.tensor.random.discrete import DiscreteDistributions
from transpile.tensor.random.draws import (
    CategoricalDraw, ExponentialDraw, GammaDraw, IntegersDraw, PoissonDraw, TruncatedNormalDraw)
from transpile.tensor.random.multivariate import MultivariateDistributions
from transpile.tensor.random.op import BinomialDraw, NormalDraw, UniformDraw
from transpile.tensor.random.params import _float_params, _int_param, _is_const, _size
from transpile.tensor.shape import static_int
from transpile.tensor.sort import argsort

__all__ = ["DEFAULT_SEED", "MRG_RandomStreams", "RandomStreams"]

DEFAULT_SEED = 12345


def _check_seed(seed):
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an int, got {seed!r}")
    return int(seed) & philox.MASK64


class RandomStreams(ContinuousDistributions, DiscreteDistributions, MultivariateDistributions):
    """`RandomStreams(seed=None)`: random draws; `seed()` reseeds them all.

    Draw ops (one state each): uniform, normal, binomial (and bernoulli = binomial n=1),
    integers/random_integers, poisson, exponential, gamma, truncated_normal, categorical.
    Graphs over them: beta = X / (X + Y) of two gammas; multinomial counts n categorical draws
    per row; choice indexes `a` with integers (p=None), categorical (p given), the head of a
    permutation (replace=False) or, weighted without replacement (replace=False, p given), the
    head of the stable argsort of exponential keys E_i / p_i (after numpy's checks of p:
    `CheckChoiceWeights`); permutation is the stable argsort of float64 uniform keys, and
    shuffle_row_elements indexes each row with its own permutation. PyTensor's other samplers
    come from the mixins (`continuous`, `discrete`, `multivariate`).

    The same seed gives the same numbers in every process (no global state is involved); the
    default seed is 12345."""

    def __init__(self, seed=None):
        self.seed_value = DEFAULT_SEED if seed is None else _check_seed(seed)
        #: [(state shared variable, its new state)], one per draw, in creation order
        self.state_updates = []

    def seed(self, seed=None):
        """Reset every draw of this stream (and later ones) to the states of `seed`."""
        self.seed_value = DEFAULT_SEED if seed is None else _check_seed(seed)
        for j, (state, _) in enumerate(self.state_updates):
            state.set_value(philox.initial_state(self.seed_value, j), borrow=True)

    def updates(self):
        """The (state, new state) pairs of all draws (they are also their default updates)."""
        return list(self.state_updates)

    # -- distributions -----------------------------------------------------------------------
    def uniform(self, size=None, low=0.0, high=1.0, ndim=None, dtype=None):
        """Uniform on [low, high); low/high may be tensors broadcast to `size`."""
        low, high, dtype = _float_params(low, high, dtype, "uniform")
        size, nd = _size(size, ndim, [low, high])
        u = self._draw(UniformDraw(nd, dtype), size, [])
        return u if _is_const(low, 0) and _is_const(high, 1) else low + (high - low) * u

    def normal(self, size=None, avg=0.0, std=1.0, ndim=None, dtype=None):
        """Normal with mean `avg` and standard deviation `std` (tensors broadcast to `size`)."""
        avg, std, dtype = _float_params(avg, std, dtype, "normal")
        size, nd = _size(size, ndim, [avg, std])
        z = self._draw(NormalDraw(nd, dtype), size, [])
        return z if _is_const(avg, 0) and _is_const(std, 1) else avg + std * z

    def binomial(self, size=None, n=1, p=0.5, ndim=None, dtype="int64"):
        """Number of successes in `n` trials of probability `p` (a tensor broadcast to `size`)."""
        p = as_tensor_variable(p)
        if D.is_complex(p.dtype):
            raise TypeError(f"binomial: p must be real, got {p.type}")
        size, nd = _size(size, ndim, [p])
        return self._draw(BinomialDraw(nd, dtype, n), size, [p])

    def bernoulli(self, p=0.5, size=None, ndim=None, dtype="int64"):
        """1 with probability `p`, else 0 (a binomial draw with n = 1)."""
        return self.binomial(size=size, n=1, p=p, ndim=ndim, dtype=dtype)

    def integers(self, low, high=None, size=None, ndim=None, dtype="int64"):
        """Integers uniform on [low, high) (PyTensor's; `integers(high)` is [0, high))."""
        if high is None:
            low, high = 0, low
        low, high = (_int_param(v, "integers") for v in (low, high))
        size, nd = _size(size, ndim, [low, high])
        return self._draw(IntegersDraw(nd, dtype), size, [low, high])

    def random_integers(self, size=None, low=0, high=1, ndim=None, dtype="int64"):
        """Integers uniform on [low, high], both ends included (Theano's)."""
        return self.integers(low, _int_param(high, "random_integers") + 1, size=size, ndim=ndim, dtype=dtype)

    def poisson(self, lam=1.0, size=None, ndim=None, dtype="int64"):
        """Poisson(lam) counts (0 <= lam <= 1e7)."""
        lam = as_tensor_variable(lam)
        size, nd = _size(size, ndim, [lam])
        return self._draw(PoissonDraw(nd, dtype), size, [lam])

    def exponential(self, scale=1.0, size=None, ndim=None, dtype=None):
        """Exponential with mean `scale` (>= 0)."""
        scale, _, dtype = _float_params(scale, scale, dtype, "exponential")
        size, nd = _size(size, ndim, [scale])
        return self._draw(ExponentialDraw(nd, dtype), size, [scale])

    def gamma(self, shape, scale=1.0, size=None, ndim=None, dtype=None):
        """Gamma with shape `shape` (> 0) and scale `scale` (>= 0): mean shape * scale."""
        shape, scale, dtype = _float_params(shape, scale, dtype, "gamma")
        size, nd = _size(size, ndim, [shape, scale])
        return self._draw(GammaDraw(nd, dtype), size, [shape, scale])

    def beta(self, a, b, size=None, ndim=None, dtype=None):
        """Beta(a, b) as X / (X + Y), X ~ gamma(a), Y ~ gamma(b) (two draws)."""
        a, b, dtype = _float_params(a, b, dtype, "beta")
        if size is None:
            size, ndim = _size(None, ndim, [a, b])
        x = self.gamma(a, 1.0, size=size, ndim=ndim, dtype=dtype)
        return x / (x + self.gamma(b, 1.0, size=size, ndim=ndim, dtype=dtype))

    def truncated_normal(self, size=None, avg=0.0, std=1.0, ndim=None, dtype=None):
        """Normal(avg, std) with values beyond 2 std resampled (Theano's)."""
        avg, std, dtype = _float_params(avg, std, dtype, "truncated_normal")
        size, nd = _size(size, ndim, [avg, std])
        z = self._draw(TruncatedNormalDraw(nd, dtype), size, [])
        return z if _is_const(avg, 0) and _is_const(std, 1) else avg + std * z

    def categorical(self, p, size=None, ndim=None, dtype="int64"):
        """Category indices drawn from the rows of `p` (probabilities along the last axis;
        the size defaults to p.shape[:-1])."""
        p = as_tensor_variable(p)
        if p.ndim < 1 or D.is_complex(p.dtype):
            raise TypeError(f"categorical: p must be a real tensor with categories last, got {p.type}")
        if size is None and p.ndim > 1:
            size, ndim = p.shape[:-1], p.ndim - 1
        size, nd = _size(() if size is None else size, ndim, [])
        return self._draw(CategoricalDraw(nd, dtype), size, [p])

    def multinomial(self, size=None, n=1, pvals=None, ndim=None, dtype="int64"):
        """Counts of `n` draws from each row of the matrix `pvals` (Theano's): same shape as pvals."""
        if pvals is None:
            raise TypeError("multinomial: pvals is required")
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 0:
            raise ValueError(f"multinomial: n must be a non-negative int, got {n!r}")
        pvals = as_tensor_variable(pvals)
        if pvals.ndim != 2:
            raise TypeError(f"multinomial: pvals must be a matrix, got {pvals.type}")
        idx = self.categorical(pvals, size=(int(n), pvals.shape[0]))
        hits = eq(idx.dimshuffle(0, 1, "x"), arange(pvals.shape[1]).dimshuffle("x", "x", 0))
        return cast(hits.sum(axis=0), dtype)

    def choice(self, size=1, a=2, replace=True, p=None, ndim=None, dtype="int64"):
        """Elements of `a` (a 1-d tensor, or an int n for arange(n)) at uniform indices, or with
        probabilities `p`; without replacement, the first elements of a permutation, or with `p`
        numpy's successive weighted draws (p: one entry per element of a, non-negative, summing to
        1, with at least as many non-zero entries as samples; else ValueError)."""
        a = as_tensor_variable(a)
        if a.ndim > 1:
            raise TypeError(f"choice: a must be an int or a vector, got {a.type}")
        length = a.shape[0] if a.ndim == 1 else a
        if not replace:
            size, nd = _size(size, ndim, [])
            known = len(a.data) if isinstance(a, Constant) and a.ndim == 1 else static_int(a) if a.ndim == 0 else None
            wanted = int(np.prod(size.data)) if isinstance(size, Constant) else None
            if known is not None and wanted is not None and wanted > known:
                raise ValueError(f"choice: cannot take {wanted} samples without replacement from {known}")
            count = size.prod() if nd else 1
            if p is None:
                order = self.permutation(n=length)
            else:
                order = self._weighted_order(p, length, count, known, wanted)
            idx = order[:count].reshape(size, ndim=nd)
        elif p is None:
            idx = self.integers(0, length, size=size, ndim=ndim)
        else:
            idx = self.categorical(p, size=size, ndim=ndim)
        return a[idx] if a.ndim == 1 else cast(idx, dtype)

    def _weighted_order(self, p, length, count, known, wanted):
        """Indices in the order of a weighted draw without replacement (numpy's successive draws,
        each proportional to p among the items left): the stable argsort of the keys E_i / p_i,
        E_i ~ Exp(1) (Efraimidis-Spirakis). A zero p_i has key inf, so it comes after every other
        (a positive p_i's key is clamped to the largest finite double); the checked p makes sure
        `count` never reaches them."""
        p = as_tensor_variable(p)
        if p.ndim != 1 or not (D.is_integer(p.dtype) or p.dtype in D.FLOAT):
            raise TypeError(f"choice: p must be a real vector, got {p.type}")
        if isinstance(p, Constant) and known is not None and wanted is not None:
            message = choice_weights_error(p.data, known, wanted)
            if message is not None:
                raise ValueError(message)
        p = check_choice_weights(p, length, count)
        e = self.exponential(size=(length,), dtype="float64")
        keys = switch(gt(p, 0), minimum(e / p, np.finfo(np.float64).max), np.inf)
        return argsort(keys)

    def permutation(self, size=None, n=1, ndim=None, dtype="int64"):
        """Permutations of arange(n), one per entry of `size`: shape size + (n,). Each is the
        stable argsort of n float64 uniform keys (ties, of probability < n**2 / 2**54, keep order)."""
        if size is None:
            size = ()
        entries = tuple(size) if isinstance(size, (tuple, list)) else (size,)
        keys = self.uniform(entries + (n,), dtype="float64")
        return cast(argsort(keys, axis=-1), dtype)

    def shuffle_row_elements(self, input):
        """`input` with the elements of every row (last axis) shuffled independently."""
        input = as_tensor_variable(input)
        if input.ndim == 0:
            raise TypeError("shuffle_row_elements: input must have at least one dim")
        if input.ndim == 1:
            perm = self.permutation(n=input.shape[0])
            return input[perm]
        flat = input.reshape((-1, input.shape[-1]), ndim=2)
        perm = self.permutation(size=(flat.shape[0],), n=flat.shape[1])
        out = flat[arange(flat.shape[0]).dimshuffle(0, "x"), perm]
        return out.reshape(input.shape, ndim=input.ndim)

    def _draw(self, op, size, params):
        j = len(self.state_updates)
        state = shared(philox.initial_state(self.seed_value, j), name=f"random_state_{j}")
        new_state, sample = op.make_node(state, size, *params).outputs
        state.default_update = new_state
        self.state_updates.append((state, new_state))
        sample.rng = state
        sample.update = (state, new_state)
        return sample


MRG_RandomStreams = RandomStreams
