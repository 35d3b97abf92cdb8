"""Tidying a sparse matrix's storage without changing its value: `remove0` (drop stored zeros),
`ensure_sorted_indices` (sort each line's indices, stably: duplicates keep their order and are
not summed), `clean` (both). Their gradients are the output's gradient (Theano's: regular)."""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.sparse.basic import as_sparse_variable, fit_grad, with_data

__all__ = ["EnsureSortedIndices", "Remove0", "clean", "ensure_sorted_indices", "remove0"]


class _Tidy(Op):
    foldable = False

    def make_node(self, x):
        x = as_sparse_variable(x)
        return Apply(self, [x], [x.type()])

    def grad(self, inputs, output_grads):
        return [fit_grad(output_grads[0], inputs[0])]

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]


class Remove0(_Tidy):
    """x without its explicitly stored zeros (the other entries keep their order)."""

    def perform(self, node, inputs, output_storage):
        out = inputs[0].copy()
        out.eliminate_zeros()
        output_storage[0][0] = out


class EnsureSortedIndices(_Tidy):
    """x with the indices of each line in increasing order (a stable sort; duplicates kept)."""

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        lines = np.repeat(np.arange(len(x.indptr) - 1), np.diff(x.indptr))
        order = np.lexsort((x.indices, lines))  # stable: equal (line, index) keep their order
        out = with_data(x, x.data[order])
        out.indices = np.ascontiguousarray(x.indices[order])
        output_storage[0][0] = out


remove0 = Remove0()
ensure_sorted_indices = EnsureSortedIndices()


def clean(x):
    """x without stored zeros and with sorted indices (ensure_sorted_indices(remove0(x)))."""
    return ensure_sorted_indices(remove0(x))
