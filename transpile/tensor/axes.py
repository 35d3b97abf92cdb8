"""numpy's functions that add, reverse or move axes, written as DimShuffles, reversed slices and
broadcasts: `expand_dims`, `flip`, `moveaxis`, `atleast_1d/2d/3d`, `broadcast_arrays`.
"""
import numbers
import operator

from transpile.tensor.alloc import alloc
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.elemwise import DimShuffle
from transpile.tensor.join import concatenate
from transpile.tensor.math import second
from transpile.tensor.shape_ops import transpose

__all__ = ["expand_dims", "flip", "moveaxis", "atleast_1d", "atleast_2d", "atleast_3d", "atleast_Nd", "broadcast_arrays",
           "concat_with_broadcast", "slice_at_axis"]


def normalize_axes(axis, ndim, what):
    """`axis` (an int or a sequence of ints, negatives counted from the end) as a list of
    distinct dims in [0, ndim), in the order given."""
    axes = [axis] if isinstance(axis, numbers.Integral) else axis
    try:
        axes = [operator.index(a) for a in axes]
    except TypeError:
        raise TypeError(f"{what}: axis must be an int or a sequence of ints, got {axis!r}") from None
    out = []
    for a in axes:
        if isinstance(a, bool) or not -ndim <= a < ndim:
            raise ValueError(f"{what}: axis {a} is out of range for {ndim} dims")
        if a % ndim in out:
            raise ValueError(f"{what}: axis {a} repeated in {axis!r}")
        out.append(a % ndim)
    return out


def expand_dims(x, axis):
    """`x` with a length-1 (broadcastable) dim inserted at each of `axis` (positions of the result)."""
    x = as_tensor_variable(x)
    if not isinstance(axis, (numbers.Integral, tuple, list)):
        raise TypeError(f"expand_dims: axis must be an int or a tuple of ints, got {axis!r}")
    ndim = x.ndim + (1 if isinstance(axis, numbers.Integral) else len(axis))
    new = normalize_axes(axis, ndim, "expand_dims")
    dims = iter(range(x.ndim))
    return DimShuffle(x.broadcastable, ["x" if d in new else next(dims) for d in range(ndim)])(x)


def flip(x, axis=None):
    """`x` with the order of its elements reversed along `axis` (None: every axis)."""
    x = as_tensor_variable(x)
    axes = range(x.ndim) if axis is None else normalize_axes(axis, x.ndim, "flip")
    if not axes:
        return x
    key = [slice(None)] * x.ndim
    for a in axes:
        key[a] = slice(None, None, -1)
    return x[tuple(key)]


def moveaxis(x, source, destination):
    """`x` with its dims `source` moved to positions `destination`, the others keeping their order."""
    x = as_tensor_variable(x)
    src = normalize_axes(source, x.ndim, "moveaxis: source")
    dst = normalize_axes(destination, x.ndim, "moveaxis: destination")
    if len(src) != len(dst):
        raise ValueError(f"moveaxis: source {source!r} and destination {destination!r} differ in length")
    order = [d for d in range(x.ndim) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return transpose(x, order)


def concat_with_broadcast(tensor_list, axis=0):
    """Concatenate along `axis` after broadcasting each tensor's broadcastable dims (but `axis`)
    to the length the others have there (PyTensor's; numpy's concatenate needs equal lengths)."""
    xs = [as_tensor_variable(x) for x in tensor_list]
    if not xs:
        raise ValueError("concat_with_broadcast: needs at least one tensor")
    ndim = xs[0].ndim
    if any(x.ndim != ndim for x in xs):
        raise TypeError(f"concat_with_broadcast: the tensors must have the same number of dims, got "
                        f"{[x.ndim for x in xs]}")
    axis = normalize_axes(axis, ndim, "concat_with_broadcast")[0]
    lengths = [next((x.shape[d] for x in xs if not x.broadcastable[d]), 1) for d in range(ndim)]
    out = []
    for x in xs:
        if any(x.broadcastable[d] and not isinstance(lengths[d], int) for d in range(ndim) if d != axis):
            x = alloc(x, *[x.shape[d] if d == axis else lengths[d] for d in range(ndim)])
        out.append(x)
    return concatenate(out, axis=axis)


def _at_least(arys, patterns):
    out = []
    for a in arys:
        a = as_tensor_variable(a)
        pattern = patterns.get(a.ndim)
        out.append(a if pattern is None else DimShuffle(a.broadcastable, pattern)(a))
    return out[0] if len(out) == 1 else tuple(out)


def atleast_1d(*arys):
    """Each input with at least 1 dim (a scalar becomes shape (1,)); one input gives a tensor,
    several a tuple, as numpy 2."""
    return _at_least(arys, {0: ["x"]})


def atleast_2d(*arys):
    """At least 2 dims: a scalar becomes (1, 1), a vector of length N the row (1, N)."""
    return _at_least(arys, {0: ["x", "x"], 1: ["x", 0]})


def atleast_3d(*arys):
    """At least 3 dims: a scalar becomes (1, 1, 1), a vector (1, N, 1), a matrix (M, N, 1)."""
    return _at_least(arys, {0: ["x", "x", "x"], 1: ["x", 0, "x"], 2: [0, 1, "x"]})


def atleast_Nd(x, *, n=1, left=True):  # noqa: N802  PyTensor's name
    """PyTensor's atleast_Nd: `x` with length-1 dims added on the left (or the right, `left=False`)
    until it has `n` dims."""
    x = as_tensor_variable(x)
    extra = ["x"] * max(0, n - x.ndim)
    dims = list(range(x.ndim))
    return DimShuffle(x.broadcastable, extra + dims if left else dims + extra)(x) if extra else x


def slice_at_axis(sl, axis):
    """numpy's (and PyTensor's) index tuple applying slice `sl` at dim `axis` only:
    `x[slice_at_axis(slice(1, None), 2)]` is `x[:, :, 1:]`."""
    return (slice(None),) * axis + (sl,) + (...,)


def broadcast_arrays(*xs):
    """The inputs broadcast against each other (numpy.broadcast_arrays), as a tuple; each keeps its dtype."""
    xs = [as_tensor_variable(x) for x in xs]
    out = []
    for i, x in enumerate(xs):
        for other in xs[:i] + xs[i + 1:]:
            x = second(other, x)
        out.append(x)
    return tuple(out)
