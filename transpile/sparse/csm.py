"""A sparse matrix and its parts: `CSM(format)(data, indices, indptr, shape)` builds one,
`CSMProperties()(x)` takes one apart (Theano's names).

The parts are dense vectors: `data` (the stored values), `indices` and `indptr` (int32, the
compressed structure: for csr, row i stores columns indices[indptr[i]:indptr[i+1]]), `shape`
(int64, two entries). Where values cross a dense-only boundary (the native backend's C ABI,
see `transpile.emit.sparse_abi`) a sparse value travels as these four arrays. `CSM` checks the
parts fully (they may come from outside), so no later op can read out of bounds.
"""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.scalar import dtypes as D
from transpile.sparse.basic import SparseFromDense, as_format, as_sparse_variable, is_sparse_variable
from transpile.sparse.type import FORMATS, SparseType, scipy_sparse
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.math import cast
from transpile.tensor.shape import shape_const
from transpile.tensor.subtensor_basic import int_input_grads
from transpile.tensor.type import TensorType

__all__ = ["CSM", "CSMGrad", "CSMProperties", "INDEX_DTYPE", "check_parts", "csm_grad", "csm_properties", "parts_of"]

#: dtype of `indices` and `indptr` (scipy's own for matrices with fewer than 2**31 entries)
INDEX_DTYPE = "int32"
_INDEX_MAX = np.iinfo(INDEX_DTYPE).max


def check_parts(format, data, indices, indptr, shape, who):
    """ValueError unless the parts describe a valid `format` matrix (what the native CSM checks)."""
    if np.shape(shape) != (2,):
        raise ValueError(f"{who}: shape must have 2 entries, got {np.shape(shape)[0] if np.ndim(shape) else 0}")
    rows, cols = (int(s) for s in shape)
    if not (0 <= rows <= _INDEX_MAX and 0 <= cols <= _INDEX_MAX):
        raise ValueError(f"{who}: invalid shape ({rows}, {cols})")
    major, minor = (rows, cols) if format == "csr" else (cols, rows)
    if len(indptr) != major + 1:
        raise ValueError(f"{who}: indptr has {len(indptr)} entries, expected {major + 1}")
    if len(indices) != len(data):
        raise ValueError(f"{who}: indices has {len(indices)} entries but data has {len(data)}")
    if indptr[0] != 0 or np.any(np.diff(indptr) < 0) or indptr[-1] != len(data):
        raise ValueError(f"{who}: indptr must start at 0, never decrease and end at the number of stored "
                         f"values ({len(data)})")
    if len(indices) and (indices.min() < 0 or indices.max() >= minor):
        raise ValueError(f"{who}: an index is out of range [0, {minor})")


def parts_of(value):
    """The four parts of a scipy csr/csc matrix, with int32 indices (ValueError if too large)."""
    if value.nnz > _INDEX_MAX or max(value.shape, default=0) > _INDEX_MAX:
        raise ValueError(f"sparse matrix of shape {value.shape} with {value.nnz} stored values is too large for "
                         f"{INDEX_DTYPE} indices")
    return (np.ascontiguousarray(value.data), np.ascontiguousarray(value.indices, dtype=INDEX_DTYPE),
            np.ascontiguousarray(value.indptr, dtype=INDEX_DTYPE), np.array(value.shape, dtype="int64"))


def _vector(x, what, who, dtype=None):
    x = as_tensor_variable(x)
    if dtype is not None and x.dtype != dtype:
        if not D.is_integer(x.dtype):
            raise TypeError(f"{who}: {what} must be an integer vector, got {x.type}")
        x = cast(x, dtype)
    if x.ndim != 1:
        raise TypeError(f"{who}: {what} must be a vector, got {x.type}")
    return x


class CSM(Op):
    """(data, indices, indptr, shape) -> the `format` matrix they describe (checked)."""

    __props__ = ("format",)
    foldable = False  # constant folding makes dense constants only

    def __init__(self, format):
        if format not in FORMATS:
            raise ValueError(f"CSM: format must be one of {', '.join(FORMATS)}, got {format!r}")
        self.format = format

    def make_node(self, data, indices, indptr, shape):
        who = str(self)
        data = _vector(data, "data", who)
        indices = _vector(indices, "indices", who, INDEX_DTYPE)
        indptr = _vector(indptr, "indptr", who, INDEX_DTYPE)
        shape = _vector(shape, "shape", who, "int64")
        return Apply(self, [data, indices, indptr, shape], [SparseType(self.format, data.dtype)()])

    def perform(self, node, inputs, output_storage):
        data, indices, indptr, shape = inputs
        check_parts(self.format, data, indices, indptr, shape, str(self))
        sp = scipy_sparse()
        make = sp.csr_matrix if self.format == "csr" else sp.csc_matrix
        output_storage[0][0] = make((data.copy(), indices.copy(), indptr.copy()), shape=tuple(int(s) for s in shape))

    def infer_shape(self, node, input_shapes):
        shape = node.inputs[3]
        return [(shape[0], shape[1])]

    def grad(self, inputs, output_grads):
        """The gradient of `data`: the output gradient's values at the stored positions (summed
        where it stores duplicates, 0 where it stores nothing); the integer parts get zeros."""
        data, indices, indptr, shape = inputs
        (gz,) = output_grads
        gz = as_format(gz, self.format) if is_sparse_variable(gz) else SparseFromDense(self.format)(gz)
        g = CSMGrad()(data, indices, indptr, shape, *CSMProperties()(gz))
        return [g if g.dtype == data.dtype else cast(g, data.dtype)] + int_input_grads([indices, indptr, shape])


class CSMProperties(Op):
    """x -> (data, indices, indptr, shape) of a csr/csc matrix (views of its arrays)."""

    view_map = {0: [0], 1: [0], 2: [0], 3: [0]}
    foldable = False

    def make_node(self, x):
        x = as_sparse_variable(x)
        vec = lambda dtype: TensorType(dtype, (False,))()  # noqa: E731
        return Apply(self, [x], [vec(x.dtype), vec(INDEX_DTYPE), vec(INDEX_DTYPE), vec("int64")])

    def perform(self, node, inputs, output_storage):
        for cell, part in zip(output_storage, parts_of(inputs[0])):
            cell[0] = part

    def infer_shape(self, node, input_shapes):
        return [None, None, None, (shape_const(2),)]

    def grad(self, inputs, output_grads):
        """The gradient of `data` at the stored positions (a structured gradient, as sparse
        inputs get); the integer parts carry none."""
        (x,) = inputs
        _, indices, indptr, shape = self(x)
        return [CSM(x.type.format)(output_grads[0], indices, indptr, shape)]


class CSMGrad(Op):
    """(x's parts, g's parts) -> g's values at x's stored positions, aligned with x's `data`:
    what CSM's gradient needs when g's structure differs from x's (fewer entries, another
    order, duplicates). Both are compressed along the same lines (len(indptr) - 1 of them)."""

    foldable = False

    def make_node(self, x_data, x_indices, x_indptr, x_shape, g_data, g_indices, g_indptr, g_shape):
        who = str(self)
        x_data, g_data = _vector(x_data, "x_data", who), _vector(g_data, "g_data", who)
        x_indices, x_indptr = _vector(x_indices, "x_indices", who, INDEX_DTYPE), _vector(x_indptr, "x_indptr", who, INDEX_DTYPE)
        g_indices, g_indptr = _vector(g_indices, "g_indices", who, INDEX_DTYPE), _vector(g_indptr, "g_indptr", who, INDEX_DTYPE)
        x_shape, g_shape = _vector(x_shape, "x_shape", who, "int64"), _vector(g_shape, "g_shape", who, "int64")
        inputs = [x_data, x_indices, x_indptr, x_shape, g_data, g_indices, g_indptr, g_shape]
        return Apply(self, inputs, [TensorType(g_data.dtype, (False,))()])

    def perform(self, node, inputs, output_storage):
        x_data, x_indices, x_indptr, x_shape, g_data, g_indices, g_indptr, g_shape = inputs
        who = str(self)
        if np.shape(x_shape) != (2,) or np.shape(g_shape) != (2,) or tuple(x_shape) != tuple(g_shape):
            raise ValueError(f"{who}: the gradient's shape {tuple(g_shape)} differs from x's {tuple(x_shape)}")
        fmt = "csr" if len(x_indptr) == x_shape[0] + 1 else "csc"
        check_parts(fmt, x_data, x_indices, x_indptr, x_shape, who)
        check_parts(fmt, g_data, g_indices, g_indptr, g_shape, who)
        major = len(x_indptr) - 1
        minor = int(x_shape[1] if fmt == "csr" else x_shape[0])
        g_lines = np.repeat(np.arange(major), np.diff(g_indptr))
        x_lines = np.repeat(np.arange(major), np.diff(x_indptr))
        keys, where = np.unique(g_lines * minor + g_indices, return_inverse=True)
        sums = np.zeros(len(keys), dtype=g_data.dtype)
        np.add.at(sums, where.reshape(-1), g_data)
        wanted = x_lines * minor + x_indices
        at = np.minimum(np.searchsorted(keys, wanted), max(len(keys) - 1, 0))
        found = (at < len(keys)) & (keys[at] == wanted) if len(keys) else np.zeros(len(wanted), bool)
        out = np.zeros(len(wanted), dtype=g_data.dtype)
        out[found] = sums[at[found]]
        output_storage[0][0] = out

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]


#: Theano's name: the class (`csm_grad()(x parts, g parts)`)
csm_grad = CSMGrad
csm_properties = CSMProperties()
