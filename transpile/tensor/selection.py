"""Theano's selections by index arrays, composed from `take` and `take_along_axis` (so their
gradients and native code are those ops'): `choose` (numpy.choose), `compress` (numpy.compress)
and `permute_row_elements`.
"""
from transpile.scalar import dtypes as D
from transpile.tensor.alloc import alloc
from transpile.tensor.axes import broadcast_arrays
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.counting import flatnonzero
from transpile.tensor.index_ops import take
from transpile.tensor.join import stack
from transpile.tensor.math import cast, clip, lt, mod, sub, switch
from transpile.tensor.shape import shape_i
from transpile.tensor.sort import argsort, take_along_axis

__all__ = ["choose", "compress", "permute_row_elements"]


def _leading(x, ndim, keep=0):
    """`x` with broadcastable dims added after its first `keep` dims, up to `ndim` dims."""
    return x.dimshuffle(list(range(keep)) + ["x"] * (ndim - x.ndim) + list(range(keep, x.ndim)))


def choose(a, choices, mode="raise"):
    """numpy.choose: out[i] = choices[a[i]][i], with `a` (integers) and every choice broadcast
    against each other. `choices` is a sequence of tensors or one tensor whose first axis runs
    over the choices. mode "raise": an entry of `a` outside [0, n) is an error (negative ones
    too, as in numpy); "wrap": taken modulo n; "clip": clipped to [0, n - 1]."""
    a = as_tensor_variable(a)
    if not D.is_integer(a.dtype):
        raise TypeError(f"choose: a must hold integers, got {a} ({a.type})")
    if isinstance(choices, (list, tuple)):
        if not choices:
            raise ValueError("choose: choices is empty")
        parts = broadcast_arrays(*choices)
        dtype = D.upcast(*(p.dtype for p in parts))
        stacked = stack([cast(p, dtype) for p in parts])
    else:
        stacked = as_tensor_variable(choices)
        if stacked.ndim == 0:
            raise TypeError(f"choose: choices must be a sequence or a tensor of at least 1 dim, got {stacked} "
                            f"({stacked.type})")
    n, ndim = shape_i(stacked, 0), max(a.ndim, stacked.ndim - 1)
    index, _ = broadcast_arrays(_leading(a, ndim), _leading(stacked, ndim + 1, keep=1)[0])
    index = cast(index, "int64")
    if mode == "wrap":
        index = mod(index, n)
    elif mode == "clip":
        index = clip(index, 0, sub(n, 1))
    elif mode == "raise":
        index = switch(lt(index, 0), n, index)  # out of range: advanced indexing raises
    else:
        raise ValueError(f"choose: mode must be 'raise', 'wrap' or 'clip', got {mode!r}")
    stacked = alloc(_leading(stacked, ndim + 1, keep=1), n, *(shape_i(index, d) for d in range(ndim)))
    return take_along_axis(stacked, index.dimshuffle("x", *range(ndim)), 0)[0]


def compress(condition, x, axis=None):
    """numpy.compress: the slices of `x` along `axis` (of the flattened `x` when None) where the
    flattened `condition` is nonzero; a condition shorter than the axis leaves the rest out."""
    return take(x, flatnonzero(condition), axis=axis)


def permute_row_elements(x, y, inverse=0):
    """Each row (last axis) of `x` permuted by the matching row of `y` (integers; `x` and the
    leading dims of `y` broadcast): out[..., i] = x[..., y[..., i]], or with `inverse`,
    out[..., y[..., i]] = x[..., i]. One permutation (`y` a vector) applies to every row."""
    x, y = as_tensor_variable(x), as_tensor_variable(y)
    if not D.is_integer(y.dtype) or y.ndim == 0:
        raise TypeError(f"permute_row_elements: y must be an int tensor of permutations, got {y} ({y.type})")
    if x.ndim == 0:
        raise TypeError(f"permute_row_elements: x must have at least 1 dim, got {x} ({x.type})")
    ndim = max(x.ndim, y.ndim)
    x, y = _leading(x, ndim), _leading(y, ndim)
    # the leading dims broadcast; the rows keep their own lengths
    x_rows, y_rows = broadcast_arrays(x[..., :1], y[..., :1])
    lead = [shape_i(x_rows, d) for d in range(ndim - 1)]
    x = alloc(x, *lead, shape_i(x, ndim - 1))
    y = alloc(y, *lead, shape_i(y, ndim - 1))
    return take_along_axis(x, argsort(y, axis=-1) if inverse else y, ndim - 1)
