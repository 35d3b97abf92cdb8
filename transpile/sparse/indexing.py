"""Theano's sparse indexing, behind `x[...]` on sparse variables, as graphs over the densified
matrix (so they run natively and differentiate; each costs rows * cols memory):

- `get_item_2d(x, (slice, slice))`: a sparse matrix in x's format (`x[a:b]`, `x[a:b, c:d]`);
- `get_item_list(x, rows)`: those rows, sparse (`x[[0, 2]]`);
- `get_item_2lists(x, rows, cols)`: the entries (rows[k], cols[k]), a dense vector;
- `get_item_scalar(x, (i, j))`: one entry, a dense scalar;
- `get_item_list_grad`, `get_item_2lists_grad`: their gradients as sparse matrices of x's shape
  (repeated indices accumulate);
- `construct_sparse_from_list(x, values, ilist)`: a csc matrix of x's shape whose row ilist[k]
  is values[k] (repeated rows add up).
"""
import numpy as np

import transpile.tensor as T
from transpile.graph.basic import Variable
from transpile.scalar import dtypes as D
from transpile.sparse.basic import SparseFromDense, as_dense, as_sparse_variable, dense_from_sparse

__all__ = ["construct_sparse_from_list", "get_item_2d", "get_item_2lists", "get_item_2lists_grad", "get_item_list",
           "get_item_list_grad", "get_item_scalar", "getitem"]


def _index_vector(v, who):
    v = as_dense(v, who)
    if v.ndim != 1 or not D.is_integer(v.dtype):
        raise TypeError(f"{who}: expected an integer vector of indices, got {v} ({v.type})")
    return v


def _index_scalar(v, who):
    v = as_dense(v, who)
    if v.ndim != 0 or not D.is_integer(v.dtype):
        raise TypeError(f"{who}: expected an integer scalar index, got {v} ({v.type})")
    return v


def _is_scalar_index(v):
    if isinstance(v, Variable):
        return getattr(v, "ndim", None) == 0
    return np.isscalar(v) and not isinstance(v, (str, bytes))


def get_item_2d(x, index):
    """x[index] for a tuple of one or two slices: a sparse matrix in x's format."""
    x = as_sparse_variable(x)
    index = index if isinstance(index, tuple) else (index,)
    if len(index) not in (1, 2):
        raise ValueError(f"get_item_2d: expected 1 or 2 slices, got {len(index)} indices")
    for ind in index:
        if _is_scalar_index(ind):
            raise NotImplementedError("get_item_2d: there are no sparse vectors; use x[a:a+1, b:c] or "
                                      "get_item_scalar for one entry")
        if not isinstance(ind, slice):
            raise ValueError(f"get_item_2d: advanced indexing is not supported here, got {ind!r}; use "
                             "get_item_list or get_item_2lists")
    return SparseFromDense(x.type.format)(dense_from_sparse(x)[index])


def get_item_list(x, index):
    """The rows `index` (an integer vector) of x: a sparse matrix in x's format."""
    x = as_sparse_variable(x)
    return SparseFromDense(x.type.format)(dense_from_sparse(x)[_index_vector(index, "get_item_list")])


def get_item_2lists(x, ind1, ind2):
    """x[ind1[k], ind2[k]] for each k: a dense vector."""
    x = as_sparse_variable(x)
    return dense_from_sparse(x)[_index_vector(ind1, "get_item_2lists"), _index_vector(ind2, "get_item_2lists")]


def get_item_scalar(x, index):
    """x[i, j] for integer scalars (i, j): a dense scalar of x's dtype."""
    x = as_sparse_variable(x)
    if not isinstance(index, tuple) or len(index) != 2:
        raise ValueError(f"get_item_scalar: expected a pair of scalar indices, got {index!r}")
    i, j = (_index_scalar(v, "get_item_scalar") for v in index)
    return dense_from_sparse(x)[i, j]


def _zeros_of(x, gz):
    return T.zeros_like(dense_from_sparse(x), dtype=D.upcast(x.dtype, gz.dtype))


def get_item_list_grad(x, index, gz):
    """The gradient of get_item_list(x, index) given the output's (sparse or dense) `gz`: a
    sparse matrix of x's shape and format, gz's rows added at rows `index`."""
    x = as_sparse_variable(x)
    gz = dense_from_sparse(gz) if hasattr(gz, "format") else as_dense(gz, "get_item_list_grad")
    out = T.inc_subtensor(_zeros_of(x, gz)[_index_vector(index, "get_item_list_grad")], gz)
    return SparseFromDense(x.type.format)(out)


def get_item_2lists_grad(x, ind1, ind2, gz):
    """The gradient of get_item_2lists(x, ind1, ind2) given the output's `gz` (a dense vector): a
    sparse matrix of x's shape and format."""
    x = as_sparse_variable(x)
    gz = as_dense(gz, "get_item_2lists_grad")
    rows, cols = _index_vector(ind1, "get_item_2lists_grad"), _index_vector(ind2, "get_item_2lists_grad")
    return SparseFromDense(x.type.format)(T.inc_subtensor(_zeros_of(x, gz)[rows, cols], gz))


def construct_sparse_from_list(x, values, ilist):
    """A csc matrix with x's shape (x dense) whose row ilist[k] is values[k] (rows given more than
    once add up); the gradient for `values` is the output gradient's rows `ilist`."""
    x, values = as_dense(x, "construct_sparse_from_list: x"), as_dense(values, "construct_sparse_from_list: values")
    if x.ndim != 2 or values.ndim != 2:
        raise TypeError(f"construct_sparse_from_list: x and values must be matrices, got {x.type} and {values.type}")
    rows = _index_vector(ilist, "construct_sparse_from_list")
    out = T.inc_subtensor(T.zeros_like(x, dtype=values.dtype)[rows], values)
    return SparseFromDense("csc")(out)


def getitem(x, args):
    """`x[args]` for a sparse variable, dispatched as Theano did: two scalars -> get_item_scalar,
    a list first -> get_item_2lists (with two indices) or get_item_list, slices -> get_item_2d."""
    args = args if isinstance(args, tuple) else (args,)
    if len(args) == 2:
        if _is_scalar_index(args[0]) and _is_scalar_index(args[1]):
            return get_item_scalar(x, args)
        if isinstance(args[0], (list, np.ndarray)) or getattr(args[0], "ndim", None) == 1:
            return get_item_2lists(x, args[0], args[1])
        return get_item_2d(x, args)
    if len(args) == 1 and (isinstance(args[0], (list, np.ndarray)) or getattr(args[0], "ndim", None) == 1):
        return get_item_list(x, args[0])
    return get_item_2d(x, args)
