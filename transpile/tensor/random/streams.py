"""`RandomStreams`: a factory of random draws whose states advance at every call.

Each draw gets its own state, a shared uint64 vector [key, counter] whose `default_update` is
the draw's new state, so `function()` advances it without being told. The j-th draw of a stream
seeded with `s` has key `draw_key(s, j)` (see `philox`); `seed(s)` resets every draw's state.
"""
import numbers

import numpy as np

from transpile.graph.basic import Constant, Variable
from transpile.graph.shared import shared
from transpile.scalar import dtypes as D
from transpile.tensor.basic import as_tensor_like, as_tensor_variable, constant
from transpile.tensor.random import philox
from transpile.tensor.random.op import BinomialDraw, NormalDraw, UniformDraw

__all__ = ["DEFAULT_SEED", "MRG_RandomStreams", "RandomStreams"]

DEFAULT_SEED = 12345


def _check_seed(seed):
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an int, got {seed!r}")
    return int(seed) & philox.MASK64


class RandomStreams:
    """`RandomStreams(seed=None)`: uniform, normal and binomial draws; `seed()` reseeds them all.

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


def _float_params(a, b, dtype, what):
    a, b = as_tensor_like([a, b])
    if dtype is None:
        dtype = D.upcast(a.dtype, b.dtype)
        if D.is_discrete(dtype):
            dtype = D.config.floatX
    dtype = D.check_dtype(dtype)
    if dtype not in D.FLOAT:
        raise TypeError(f"{what}: dtype must be float32 or float64, got {dtype}")
    from transpile.tensor.math import cast
    return cast(a, dtype), cast(b, dtype), dtype


def _is_const(var, value):
    return isinstance(var, Constant) and var.data.ndim == 0 and var.data == value


def _size(size, ndim, params):
    """(int64 size vector, ndim) from a size argument, or from the parameters' shape."""
    from transpile.tensor.shape import shape_entries, static_int
    if size is None:
        if ndim is not None and ndim != max((p.ndim for p in params), default=0):
            raise ValueError(f"ndim={ndim} but size is None and the parameters have "
                             f"{max(p.ndim for p in params)} dims")
        params = [p for p in params if p.ndim > 0]
        if not params:
            return constant(np.zeros(0, dtype="int64")), 0
        ref = params[0] if len(params) == 1 else as_tensor_variable(params[0] + sum(params[1:]))
        size = ref.shape
    if isinstance(size, Variable) and ndim is not None and size.ndim == 1 and not isinstance(size, Constant):
        entries = [size[i] for i in range(ndim)]
        entries = shape_entries(tuple(entries), "size")
    else:
        entries = shape_entries(size, "size")
    if ndim is not None and ndim != len(entries):
        raise ValueError(f"ndim={ndim} does not match size {size!r} ({len(entries)} entries)")
    for p in params:
        if p.ndim > len(entries):
            raise ValueError(f"parameter {p} ({p.type}) has more dims than size ({len(entries)})")
    static = [static_int(e) for e in entries]
    if all(s is not None for s in static):
        if any(s < 0 for s in static):
            raise ValueError(f"size must be non-negative, got {tuple(static)}")
        return constant(np.array(static, dtype="int64")), len(entries)
    from transpile.tensor.join import make_vector
    return make_vector(*entries, dtype="int64"), len(entries)
