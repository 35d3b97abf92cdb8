"""Theano's structured elementwise functions built as graphs: take the matrix apart
(`csm_properties`), apply a dense elementwise op to its stored values, rebuild it (`CSM`) with
the same structure. So they run natively and differentiate (through CSM's gradient) like the
dense op they wrap; implicit zeros stay zero whatever f(0) is.

`structured_monoid(tensor_op)` is Theano's decorator (PyTensor: `structured_elemwise`); the
scalars after the matrix are passed to `tensor_op` unchanged.
"""
import functools

import transpile.tensor as T
from transpile.graph.basic import Variable
from transpile.sparse.arith import MulSD
from transpile.sparse.basic import as_dense, as_sparse_variable
from transpile.sparse.csm import CSM, csm_properties
from transpile.sparse.structured import sp_ones_like
from transpile.tensor.check import assert_op
from transpile.tensor.shape_ops import specify_shape

__all__ = ["add_s_s_data", "rint", "square_diagonal", "structured_add", "structured_add_s_v", "structured_conjugate",
           "structured_elemwise", "structured_maximum", "structured_minimum", "structured_monoid",
           "structured_pow"]


def _scalar(v, who):
    if isinstance(v, Variable) or hasattr(v, "shape"):
        v = as_dense(v, who)
        if v.ndim != 0:
            raise TypeError(f"{who}: the arguments after the sparse matrix must be scalars, got {v} ({v.type})")
    return v


def structured_monoid(tensor_op):
    """Decorator: `f(x, *scalars)` becomes `tensor_op(x's stored values, *scalars)` rebuilt with
    x's structure (the decorated function supplies the name and the docstring)."""
    def decorator(f):
        @functools.wraps(f)
        def wrapper(x, *args):
            who = f.__name__
            x = as_sparse_variable(x)
            data, indices, indptr, shape = csm_properties(x)
            values = tensor_op(data, *(_scalar(a, who) for a in args))
            return CSM(x.type.format)(values, indices, indptr, shape)
        return wrapper
    return decorator


structured_elemwise = structured_monoid


@structured_monoid(T.pow)
def structured_pow(x, y):
    """x's stored values raised to the scalar `y`."""


@structured_monoid(T.minimum)
def structured_minimum(x, y):
    """min(value, y) for each stored value (implicit zeros stay 0)."""


@structured_monoid(T.maximum)
def structured_maximum(x, y):
    """max(value, y) for each stored value (implicit zeros stay 0)."""


@structured_monoid(T.add)
def structured_add(x, y):
    """y added to each stored value only (implicit zeros stay 0)."""


@structured_monoid(T.round_half_to_even)
def rint(x):
    """The stored values rounded half to even (numpy's rint)."""


@structured_monoid(T.conj)
def structured_conjugate(x):
    """The complex conjugate of the stored values (the values themselves when real)."""


def structured_add_s_v(x, y):
    """y[j] added to every stored value of column j (a sparse matrix with x's structure)."""
    x = as_sparse_variable(x)
    y = as_dense(y, "structured_add_s_v")
    if y.ndim != 1:
        raise TypeError(f"structured_add_s_v: y must be a vector, got {y} ({y.type})")
    data, indices, indptr, shape = csm_properties(x)
    spread = csm_properties(MulSD()(sp_ones_like(x), y))[0]  # y[col] at x's stored positions, in order
    return CSM(x.type.format)(data + spread, indices, indptr, shape)


def add_s_s_data(x, y):
    """x + y for two matrices with the same structure: their `data` added, x's structure kept
    (Theano's AddSSData). The shapes and the numbers of stored values are checked (an
    AssertionError and a ValueError), not the structures."""
    x, y = as_sparse_variable(x), as_sparse_variable(y)
    if x.type != y.type:
        raise TypeError(f"add_s_s_data: x and y must have the same format and dtype, got {x.type} and {y.type}")
    data, indices, indptr, shape = csm_properties(x)
    y_data, _, _, y_shape = csm_properties(y)
    y_data = specify_shape(y_data, (data.shape[0],))
    shape = assert_op(shape, T.all(T.eq(shape, y_shape)), msg="add_s_s_data: x and y have different shapes")
    return CSM(x.type.format)(data + y_data, indices, indptr, shape)


def square_diagonal(diag):
    """The square csc matrix with `diag` (a dense vector) on its diagonal: n stored values, even
    zeros (Theano's SquareDiagonal); the gradient is the diagonal of the output's."""
    diag = as_dense(diag, "square_diagonal")
    if diag.ndim != 1:
        raise TypeError(f"square_diagonal: expected a vector, got {diag} ({diag.type})")
    n = diag.shape[0]
    indices = T.arange(n, dtype="int32")
    indptr = T.arange(n + 1, dtype="int32")
    return CSM("csc")(diag, indices, indptr, T.stack([n, n]).astype("int64"))
