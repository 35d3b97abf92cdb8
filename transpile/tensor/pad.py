"""`pad`: numpy.pad as a graph of the ops transpile has (concatenate, gather, alloc), so every
mode runs natively and has a gradient.

The widths are Python ints (they fix the output's shape, as numpy's do); the array's lengths
may be symbolic. Axes are padded one after another, first to last, so the corners come out as
numpy's. `reflect`, `symmetric` and `wrap` index the axis periodically, which is what numpy
gives for pads longer than the axis too.
"""
import numbers

import numpy as np

from transpile.tensor.alloc import alloc, arange
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.index_ops import take
from transpile.tensor.join import concatenate
from transpile.tensor.math import cast, eq, floor, round as round_, switch
from transpile.tensor.reduce import max as tmax, min as tmin
from transpile.tensor.shape import addbroadcast
from transpile.tensor.stats import mean, median

__all__ = ["pad"]

MODES = ("constant", "edge", "linear_ramp", "maximum", "minimum", "mean", "median", "reflect", "symmetric", "wrap")
_STATS = {"maximum": tmax, "minimum": tmin, "mean": mean, "median": median}


def pad(x, pad_width, mode="constant", **kwargs):
    """numpy.pad(x, pad_width, mode, ...): `pad_width` an int, (before, after) or one pair per
    axis; modes "constant" (constant_values), "edge", "linear_ramp" (end_values), "maximum",
    "minimum", "mean", "median" (stat_length), "reflect", "symmetric" (the even reflect_type)
    and "wrap"."""
    x = as_tensor_variable(x)
    if mode not in MODES:
        raise ValueError(f"pad: mode must be one of {MODES}, got {mode!r}")
    allowed = {"constant": {"constant_values"}, "linear_ramp": {"end_values"}, "reflect": {"reflect_type"},
               "symmetric": {"reflect_type"}}.get(mode, {"stat_length"} if mode in _STATS else set())
    unknown = sorted(set(kwargs) - allowed)
    if unknown:
        raise ValueError(f"pad: mode {mode!r} takes no argument {unknown[0]!r} (it takes {sorted(allowed)})")
    if kwargs.get("reflect_type", "even") != "even":
        raise NotImplementedError("pad: only reflect_type='even' (numpy's default) is implemented")
    widths = _pairs(pad_width, x.ndim, "pad_width", integral=True)
    if mode == "constant":
        values = _pairs(kwargs.get("constant_values", 0), x.ndim, "constant_values")
    elif mode == "linear_ramp":
        values = _pairs(kwargs.get("end_values", 0), x.ndim, "end_values")
    elif mode in _STATS:
        length = kwargs.get("stat_length")
        values = [(None, None)] * x.ndim if length is None else _pairs(length, x.ndim, "stat_length", integral=True)
    else:
        values = [(None, None)] * x.ndim
    for axis, ((before, after), extra) in enumerate(zip(widths, values)):
        if before or after:
            x = _pad_axis(x, axis, before, after, mode, extra)
    return x


def _pairs(value, ndim, what, integral=False):
    """numpy's broadcasting of a pad argument to one (before, after) pair per axis."""
    if not isinstance(value, (numbers.Number, np.ndarray, list, tuple)):
        raise TypeError(f"pad: {what} must be numbers (an int, a pair, or a pair per axis), got {value!r}")
    array = np.asarray(value)
    if integral and (array.dtype.kind not in "iu" or np.any(array < 0)):
        raise ValueError(f"pad: {what} must be non-negative ints, got {value!r}")
    try:
        pairs = np.broadcast_to(array, (ndim, 2))
    except ValueError:
        raise ValueError(f"pad: {what} {value!r} does not broadcast to one (before, after) pair for each of "
                         f"the {ndim} axes") from None
    return [tuple(p.item() for p in pair) for pair in pairs]


def _pad_axis(x, axis, before, after, mode, extra):
    n = x.shape[axis]
    if mode == "constant":
        parts = [_block(x, axis, before, extra[0]), x, _block(x, axis, after, extra[1])]
    elif mode == "linear_ramp":
        parts = [_ramp(x, axis, before, extra[0], first=True), x, _ramp(x, axis, after, extra[1], first=False)]
    elif mode in _STATS:
        parts = [_stat_block(x, axis, before, mode, extra[0], first=True), x,
                 _stat_block(x, axis, after, mode, extra[1], first=False)]
    else:
        parts = [_take(x, axis, _index(mode, arange(-before, 0), n)) if before else None, x,
                 _take(x, axis, _index(mode, arange(n, n + after), n)) if after else None]
    return concatenate([p for p in parts if p is not None], axis=axis)


def _shape_with(x, axis, length):
    return [length if d == axis else x.shape[d] for d in range(x.ndim)]


def _block(x, axis, width, value):
    """`width` copies of `value` along `axis` (None when width is 0)."""
    if not width:
        return None
    return alloc(cast(as_tensor_variable(value), x.dtype), *_shape_with(x, axis, width))


def _take(x, axis, index):
    return take(x, index, axis=axis)


def _index(mode, p, n):
    """The element of the axis (length n) that position p (outside [0, n)) repeats."""
    if mode == "edge":
        return switch(p < 0, 0, n - 1)
    if mode == "wrap":
        return p % n
    if mode == "symmetric":
        q = p % (2 * n)
        return switch(q < n, q, 2 * n - 1 - q)
    period = 2 * n - 2  # reflect: the edge is not repeated; an axis of length 1 repeats itself
    q = p % switch(eq(period, 0), 1, period)
    return switch(q < n, q, period - q)


def _edge(x, axis, first):
    i = 0 if first else x.shape[axis] - 1
    return addbroadcast(_take(x, axis, arange(i, i + 1)), axis)


def _ramp(x, axis, width, end, first):
    """numpy's linear_ramp: from `end` towards the edge value, the edge itself excluded."""
    if not width:
        return None
    steps = arange(width, dtype="float64") / width
    if not first:
        steps = steps[::-1]
    shape = ["x" if d != axis else 0 for d in range(x.ndim)]
    steps = steps.dimshuffle(shape)
    end = cast(as_tensor_variable(end), "float64")
    ramp = end + (_edge(x, axis, first) - end) * steps
    return cast(floor(ramp) if x.dtype[0] in "iu" else ramp, x.dtype)  # numpy's linspace floors for ints


def _stat_block(x, axis, width, mode, length, first):
    """`width` copies of the statistic of the first/last `length` elements (all when None)."""
    if not width:
        return None
    part = x
    if length is not None:
        n = x.shape[axis]
        start = 0 if first else n - switch(length < n, length, n)
        part = _take(x, axis, arange(start, start + switch(length < n, length, n)))
    value = _STATS[mode](part, axis=axis)
    if mode in ("mean", "median") and x.dtype[0] in "iub":
        value = round_(value)
    value = cast(value, x.dtype).dimshuffle([("x" if d == axis else d - (d > axis)) for d in range(x.ndim)])
    return alloc(value, *_shape_with(x, axis, width))
