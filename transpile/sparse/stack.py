"""`hstack(blocks, format, dtype)` and `vstack(...)`: sparse matrices joined side by side or one
above the other (scipy.sparse.hstack/vstack; Theano's default output format is csc, the dtype
the blocks' upcast). The gradient of each block is its slice of the output's gradient, as a
sparse matrix of the block's type (regular, as Theano's)."""
from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.scalar import dtypes as D
from transpile.sparse.basic import SparseFromDense, as_sparse_variable, dense_from_sparse, fit_grad, is_sparse_variable
from transpile.sparse.csm import csm_properties
from transpile.sparse.type import FORMATS, SparseType, scipy_sparse

__all__ = ["HStack", "VStack", "hstack", "vstack"]


class HStack(Op):
    """Blocks (sparse, the same number of rows) side by side, in `format` with `dtype`."""

    __props__ = ("format", "dtype")
    axis = 1
    foldable = False

    def __init__(self, format=None, dtype=None):
        format = format or "csc"
        if format not in FORMATS:
            raise ValueError(f"{type(self).__name__}: format must be one of {', '.join(FORMATS)}, got {format!r}")
        if dtype is None:
            raise ValueError(f"{type(self).__name__}: the output dtype must be given")
        self.format, self.dtype = format, D.check_dtype(dtype)

    def make_node(self, *blocks):
        if not blocks:
            raise ValueError(f"{type(self).__name__}: cannot join an empty list of sparse matrices")
        blocks = [as_sparse_variable(b) for b in blocks]
        return Apply(self, blocks, [SparseType(self.format, self.dtype)()])

    def perform(self, node, inputs, output_storage):
        other = 1 - self.axis
        for k, b in enumerate(inputs):
            if b.shape[other] != inputs[0].shape[other]:
                raise ValueError(f"{self}: block {k} has shape {b.shape}, block 0 {inputs[0].shape}: their "
                                 f"{'rows' if other == 0 else 'columns'} differ")
        stack = scipy_sparse().hstack if self.axis == 1 else scipy_sparse().vstack
        out = stack(list(inputs), format=self.format, dtype=self.dtype)
        output_storage[0][0] = out.astype(self.dtype, copy=False)

    def grad(self, inputs, output_grads):
        (gz,) = output_grads
        gz = dense_from_sparse(gz) if is_sparse_variable(gz) else gz
        grads, start = [], 0
        for b in inputs:
            stop = start + csm_properties(b)[3][self.axis]
            part = gz[:, start:stop] if self.axis == 1 else gz[start:stop]
            grads.append(fit_grad(SparseFromDense(b.type.format)(part), b))
            start = stop
        return grads

    def infer_shape(self, node, input_shapes):
        total = input_shapes[0][self.axis]
        for shape in input_shapes[1:]:
            total = total + shape[self.axis]
        out = list(input_shapes[0])
        out[self.axis] = total
        return [tuple(out)]

    def __str__(self):
        return f"{type(self).__name__}{{{self.format}, {self.dtype}}}"


class VStack(HStack):
    """Blocks (sparse, the same number of columns) one above the other."""

    axis = 0


def _stack(cls, blocks, format, dtype):
    blocks = [as_sparse_variable(b) for b in blocks]
    if not blocks:
        raise ValueError(f"{cls.__name__.lower()}: cannot join an empty list of sparse matrices")
    return cls(format, dtype or D.upcast(*[b.dtype for b in blocks]))(*blocks)


def hstack(blocks, format=None, dtype=None):
    """Sparse `blocks` side by side (the same number of rows): csc unless `format` says."""
    return _stack(HStack, blocks, format, dtype)


def vstack(blocks, format=None, dtype=None):
    """Sparse `blocks` one above the other (the same number of columns): csc unless `format` says."""
    return _stack(VStack, blocks, format, dtype)
