"""Theano's `tensor.extra_ops`: numpy-style helpers gathered in one namespace. The ops live in
their family modules (cumulative, sort, counting, diagonal, index_ops); the few functions that
only combine existing ops are here: `broadcast_to`, `isclose`, `allclose`, `square`, `power`,
`horizontal_stack`, `vertical_stack`, `stacklists`. PyTensor's numpy-style additions come
from `axes` (expand_dims, flip, moveaxis, atleast_*d, broadcast_arrays), `spacing` (linspace,
logspace, geomspace, bartlett), `stats` (median), `math_numpy` (nan_to_num) and `selection`
(choose, compress, permute_row_elements), `pad` and `interp`.
"""
from transpile.scalar import dtypes as D
from transpile.tensor.alloc import alloc, eye, identity_like
from transpile.tensor.axes import (
    atleast_1d, atleast_2d, atleast_3d, atleast_Nd, broadcast_arrays, concat_with_broadcast, expand_dims, flip, moveaxis,
    slice_at_axis)
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.counting import (
    BinCount,
    Nonzero,
    SearchSorted,
    Unique,
    bincount,
    flatnonzero,
    nonzero,
    nonzero_values,
    searchsorted,
    unique,
    where,
)
from transpile.tensor.cumulative import CumOp, Repeat, cumprod, cumsum, diff, repeat
from transpile.tensor.diagonal import (
    diagonal,
    fill_diagonal,
    fill_diagonal_offset,
    to_one_hot,
    trace,
    tri,
    tril,
    tril_indices,
    tril_indices_from,
    triu,
    triu_indices,
    triu_indices_from,
)
from transpile.tensor.index_ops import (
    RavelMultiIndex,
    UnravelIndex,
    inverse_permutation,
    ravel_multi_index,
    roll,
    take,
    unravel_index,
)
from transpile.tensor.join import concatenate, stack
from transpile.tensor.math import (
    abs_,
    add,
    and_,
    cast,
    eq,
    invert,
    isinf,
    isnan,
    le,
    mul,
    or_,
    sqr,
    sub,
)
from transpile.tensor.math import pow as _pow
from transpile.tensor.math_numpy import nan_to_num
from transpile.tensor.reduce import all as _all
from transpile.tensor.shape import shape_entries
from transpile.tensor.shape_ops import squeeze
from transpile.tensor.interp import interp, interpolate1d
from transpile.tensor.view_ops import cpu_contiguous
from transpile.tensor.pad import pad
from transpile.tensor.selection import choose, compress, permute_row_elements
from transpile.tensor.spacing import bartlett, geomspace, linspace, logspace
from transpile.tensor.stats import median
from transpile.tensor.sort import (
    ArgSortOp,
    SortOp,
    argsort,
    argtopk,
    sort,
    take_along_axis,
    topk,
    topk_and_argtopk,
)

__all__ = [
    "ArgSortOp", "BinCount", "CumOp", "Nonzero", "RavelMultiIndex", "Repeat", "SearchSorted", "SortOp",
    "Unique", "UnravelIndex",
    "allclose", "argsort", "argtopk", "atleast_1d", "atleast_2d", "atleast_3d", "atleast_Nd", "bartlett",
    "bincount", "broadcast_arrays", "broadcast_to", "choose", "compress", "concat_with_broadcast",
    "cpu_contiguous", "cumprod", "cumsum", "diagonal", "diff", "expand_dims", "eye", "fill_diagonal",
    "fill_diagonal_offset", "flatnonzero", "flip", "geomspace", "horizontal_stack", "identity_like",
    "interp", "interpolate1d", "inverse_permutation", "isclose", "linspace", "logspace", "median",
    "moveaxis", "nan_to_num", "nonzero", "nonzero_values", "pad", "permute_row_elements", "power",
    "ravel_multi_index", "repeat", "roll", "searchsorted", "slice_at_axis", "sort", "square", "squeeze",
    "stacklists", "take", "take_along_axis", "to_one_hot", "topk", "topk_and_argtopk", "trace", "tri",
    "tril", "tril_indices", "tril_indices_from", "triu", "triu_indices", "triu_indices_from", "unique",
    "unravel_index", "vertical_stack", "where",
]


def broadcast_to(x, shape):
    """`x` broadcast to `shape` (numpy.broadcast_to; its broadcastable dims are repeated)."""
    return alloc(x, *shape_entries(shape, "broadcast_to: shape"))


def square(x):
    """x * x (numpy's name for `sqr`)."""
    return sqr(x)


def power(x, y):
    """x ** y (numpy's name for `pow`)."""
    return _pow(x, y)


def _finite(v):
    return invert(or_(isnan(v), isinf(v)))


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """numpy.isclose: |a - b| <= atol + rtol * |b| for finite values, equality for infinities,
    and NaN equal to NaN only with `equal_nan`."""
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    dtype = D.upcast(a.dtype, b.dtype)
    if not (D.is_float(dtype) or D.is_complex(dtype)):
        dtype = D.upgrade_to_float(dtype) if dtype != "bool" else "float64"
    a, b = cast(a, dtype), cast(b, dtype)
    near = le(abs_(sub(a, b)), add(atol, mul(rtol, abs_(b))))
    out = or_(eq(a, b), and_(and_(_finite(a), _finite(b)), near))
    return or_(out, and_(isnan(a), isnan(b))) if equal_nan else out


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True (a bool scalar) when every element pair is `isclose`."""
    return _all(isclose(a, b, rtol, atol, equal_nan))


def _matrices(args, what):
    if len(args) < 2:
        raise ValueError(f"{what}: give at least two tensors, got {len(args)}")
    args = [as_tensor_variable(a) for a in args]
    for a in args:
        if a.ndim != 2:
            raise TypeError(f"{what}: expected matrices, got {a} ({a.type})")
    return args


def horizontal_stack(*args):
    """Matrices side by side (concatenated along axis 1)."""
    return concatenate(_matrices(args, "horizontal_stack"), axis=1)


def vertical_stack(*args):
    """Matrices one above the other (concatenated along axis 0)."""
    return concatenate(_matrices(args, "vertical_stack"), axis=0)


def stacklists(arg):
    """A tensor from nested lists of scalars or tensors: stacklists([[a, b], [c, d]]) has
    shape (2, 2) + a.shape."""
    if isinstance(arg, (list, tuple)):
        return stack([stacklists(a) for a in arg])
    return as_tensor_variable(arg)
