"""Making sparse variables and converting between sparse and dense: `csr_matrix`, `csc_matrix`,
`as_sparse_variable`, `dense_from_sparse`, `csr_from_dense`, `csc_from_dense`, `transpose`,
`as_format`.

Gradients with respect to a sparse input are *structured*: a sparse matrix with the input's
stored positions, holding the derivative with respect to each stored value.
"""
import numpy as np

from transpile.graph.basic import Apply, Variable
from transpile.graph.op import Op
from transpile.sparse.type import FORMATS, SparseType, is_sparse_value, scipy_sparse
from transpile.sparse.variable import SparseConstant
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.type import TensorType

__all__ = ["AsFormat", "DenseFromSparse", "SparseFromDense", "Transpose", "as_format", "as_sparse_variable",
           "csc_from_dense", "csc_matrix", "csr_from_dense", "csr_matrix", "dense_from_sparse", "matrix",
           "todense", "transpose"]


def matrix(format, name=None, dtype=None):
    """A sparse matrix input variable of `format` ('csr' or 'csc') and `dtype` (floatX)."""
    return SparseType(format, dtype)(name)


def csr_matrix(name=None, dtype=None):
    return matrix("csr", name, dtype)


def csc_matrix(name=None, dtype=None):
    return matrix("csc", name, dtype)


def is_sparse_variable(x):
    return isinstance(x, Variable) and isinstance(x.type, SparseType)


def as_sparse_variable(x, name=None):
    """`x` as a sparse variable: sparse variables pass, scipy matrices become constants."""
    if isinstance(x, Variable):
        if not isinstance(x.type, SparseType):
            raise TypeError(f"expected a sparse variable, got {x} of type {x.type}")
        return x
    if is_sparse_value(x):
        if x.format not in FORMATS:
            x = x.tocsr()
        return SparseConstant(SparseType(x.format, x.dtype.name), x, name=name)
    raise TypeError(f"expected a sparse variable or a scipy.sparse matrix, got {type(x).__name__}")


def as_dense(x, what):
    """`x` as a tensor variable; a sparse one is a TypeError naming `what`."""
    if is_sparse_variable(x) or is_sparse_value(x):
        raise TypeError(f"{what}: expected a dense tensor, got sparse {getattr(x, 'type', type(x).__name__)}")
    return as_tensor_variable(x)


# -- helpers on values ----------------------------------------------------------------------------
def coords(m):
    """(rows, cols) of the stored entries of csr/csc `m`, in storage order."""
    major = np.repeat(np.arange(len(m.indptr) - 1), np.diff(m.indptr))
    return (major, m.indices) if m.format == "csr" else (m.indices, major)


def values_at(v, like):
    """The values of `v` (sparse, or dense broadcastable to like's shape) at the stored positions
    of `like`, aligned with `like.data`."""
    if is_sparse_value(v):
        if v.format == like.format and np.array_equal(v.indptr, like.indptr) and np.array_equal(v.indices, like.indices):
            return v.data
        rows, cols = coords(like)
        return np.asarray(v.tocsr()[rows, cols]).reshape(-1)
    rows, cols = coords(like)
    return np.broadcast_to(v, like.shape)[rows, cols]


def with_data(like, data):
    """A matrix of like's format and structure holding `data`."""
    sp = scipy_sparse()
    make = sp.csr_matrix if like.format == "csr" else sp.csc_matrix
    return make((data, like.indices.copy(), like.indptr.copy()), shape=like.shape)


def fit_grad(g, x):
    """Gradient `g` made to have x's type (format and dtype)."""
    if is_sparse_variable(x):
        g = as_format(g, x.type.format)
        if g.dtype != x.dtype:
            from transpile.sparse.structured import sp_cast
            g = sp_cast(g, x.dtype)
        return g
    import transpile.tensor as T
    return T.cast(g, x.dtype) if g.dtype != x.dtype else g


# -- ops ------------------------------------------------------------------------------------------
class DenseFromSparse(Op):
    """The dense ndarray of a sparse matrix."""

    def make_node(self, x):
        x = as_sparse_variable(x)
        return Apply(self, [x], [TensorType(x.dtype, (False, False))()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0].toarray()

    def grad(self, inputs, output_grads):
        from transpile.sparse.arith import mul
        from transpile.sparse.structured import sp_ones_like
        (x,), (gz,) = inputs, output_grads
        return [fit_grad(mul(sp_ones_like(x), gz), x)]

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]


class SparseFromDense(Op):
    """A csr or csc matrix storing the nonzeros of a dense matrix."""

    __props__ = ("format",)
    foldable = False  # constant folding makes dense constants only

    def __init__(self, format):
        if format not in FORMATS:
            raise ValueError(f"SparseFromDense: format must be one of {', '.join(FORMATS)}, got {format!r}")
        self.format = format

    def make_node(self, x):
        x = as_dense(x, str(self))
        if x.ndim != 2:
            raise TypeError(f"{self}: expected a matrix, got {x} ({x.type})")
        return Apply(self, [x], [SparseType(self.format, x.dtype)()])

    def perform(self, node, inputs, output_storage):
        sp = scipy_sparse()
        make = sp.csr_matrix if self.format == "csr" else sp.csc_matrix
        output_storage[0][0] = make(inputs[0])

    def grad(self, inputs, output_grads):
        return [fit_grad(dense_from_sparse(output_grads[0]), inputs[0])]

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]


class Transpose(Op):
    """The transpose (csr <-> csc, sharing the input's arrays)."""

    view_map = {0: [0]}
    foldable = False

    def make_node(self, x):
        x = as_sparse_variable(x)
        fmt = "csc" if x.type.format == "csr" else "csr"
        return Apply(self, [x], [SparseType(fmt, x.dtype)()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0].transpose()

    def grad(self, inputs, output_grads):
        return [fit_grad(transpose(output_grads[0]), inputs[0])]

    def infer_shape(self, node, input_shapes):
        return [tuple(reversed(input_shapes[0]))]


class AsFormat(Op):
    """The same matrix in another format."""

    __props__ = ("format",)
    foldable = False

    def __init__(self, format):
        if format not in FORMATS:
            raise ValueError(f"AsFormat: format must be one of {', '.join(FORMATS)}, got {format!r}")
        self.format = format

    def make_node(self, x):
        x = as_sparse_variable(x)
        return Apply(self, [x], [SparseType(self.format, x.dtype)()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0].asformat(self.format, copy=True)

    def grad(self, inputs, output_grads):
        return [as_format(output_grads[0], inputs[0].type.format)]

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]


dense_from_sparse = DenseFromSparse()
todense = dense_from_sparse
csr_from_dense = SparseFromDense("csr")
csc_from_dense = SparseFromDense("csc")
_transpose = Transpose()


def transpose(x):
    """The transpose of a sparse matrix (a csr matrix gives a csc one and vice versa)."""
    return _transpose(x)


def as_format(x, format):
    """`x` in `format` (unchanged when it already is)."""
    x = as_sparse_variable(x)
    return x if x.type.format == format else AsFormat(format)(x)
