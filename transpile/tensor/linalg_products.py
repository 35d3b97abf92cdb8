"""numpy 2's batched vector products and scipy's `block_diag`, composed from elementwise
products, sums, transposes and joins: `matrix_transpose`, `vecdot`, `matvec`, `vecmat`,
`block_diag`. Leading (batch) dims broadcast as in numpy's gufuncs.
"""
import numpy as np

from transpile.scalar import dtypes as D
from transpile.tensor.alloc import alloc
from transpile.tensor.axes import atleast_2d, expand_dims, moveaxis
from transpile.tensor.basic import as_tensor_variable, constant
from transpile.tensor.join import concatenate
from transpile.tensor.math import and_, cast, conj, mul
from transpile.tensor.reduce import any as _any, sum as _sum
from transpile.tensor.shape import shape_i
from transpile.tensor.shape_ops import swapaxes

__all__ = ["block_diag", "matrix_transpose", "matvec", "vecdot", "vecmat"]


def _at_least(x, ndim, what, name):
    x = as_tensor_variable(x)
    if x.ndim < ndim:
        raise ValueError(f"{what}: {name} must have at least {ndim} dims, got {x} ({x.type})")
    return x


def matrix_transpose(x):
    """`x` with its last two axes swapped (numpy's `matrix_transpose`, `x.mT`)."""
    return swapaxes(_at_least(x, 2, "matrix_transpose", "x"), -1, -2)


def _sum_products(a, b, axis):
    """sum(a * b) over `axis`, in numpy's result dtype (booleans: any of the ands)."""
    dtype = D.upcast(a.dtype, b.dtype)
    if dtype == "bool":
        return _any(and_(a, b), axis=axis)
    return _sum(mul(a, b), axis=axis, dtype=dtype)


def vecdot(x1, x2, axis=-1):
    """sum(conj(x1) * x2) over `axis` of each input (numpy.vecdot), other dims broadcast."""
    x1, x2 = _at_least(x1, 1, "vecdot", "x1"), _at_least(x2, 1, "vecdot", "x2")
    x1, x2 = moveaxis(x1, axis, -1), moveaxis(x2, axis, -1)
    return _sum_products(conj(x1), x2, -1)


def matvec(x1, x2):
    """Matrix (..., m, n) times vector (..., n), giving (..., m) (numpy.matvec)."""
    x1, x2 = _at_least(x1, 2, "matvec", "x1 (the matrices)"), _at_least(x2, 1, "matvec", "x2 (the vectors)")
    return _sum_products(x1, expand_dims(x2, -2), -1)


def vecmat(x1, x2):
    """conj(vector (..., n)) times matrix (..., n, m), giving (..., m) (numpy.vecmat)."""
    x1, x2 = _at_least(x1, 1, "vecmat", "x1 (the vectors)"), _at_least(x2, 2, "vecmat", "x2 (the matrices)")
    return _sum_products(expand_dims(conj(x1), -1), x2, -2)


def block_diag(*matrices):
    """scipy.linalg.block_diag: the matrices along the diagonal of a zero matrix (vectors are
    rows, scalars 1 x 1; no input gives shape (1, 0)); dtype: the inputs' upcast."""
    if not matrices:
        return constant(np.zeros((1, 0)))
    mats = [as_tensor_variable(m) for m in matrices]
    high = [i for i, m in enumerate(mats) if m.ndim > 2]
    if high:
        raise ValueError(f"block_diag: arguments in positions {high} have more than 2 dims")
    mats = [atleast_2d(m) for m in mats]
    dtype = D.upcast(*[m.dtype for m in mats])
    mats = [cast(m, dtype) for m in mats]
    if len(mats) == 1:
        return mats[0]
    zero = constant(0, dtype=dtype)
    rows = []
    for i, m in enumerate(mats):
        parts = [m if j == i else alloc(zero, shape_i(m, 0), shape_i(other, 1)) for j, other in enumerate(mats)]
        rows.append(concatenate(parts, axis=1))
    return concatenate(rows, axis=0)
