"""Cross-entropy of a softmax with integer labels as one stable op, what the FAST_RUN rewrites
(tensor/rewriting/xent.py) make of `categorical_crossentropy(softmax(x), y)` and its gradient.

`CrossentropySoftmax1Hot()(x, y)[i] = logsumexp(x[i]) - x[i, y[i]]`: the same values as
-log(softmax(x)[i, y[i]]), but finite for any finite logits (the naive graph gives inf once the
picked probability underflows to 0).

`CrossentropySoftmax1HotDx()(g, sm, y) = g[:, None] * (sm - onehot(y))`: the gradient with
respect to the logits, from the softmax `sm`, with no division by a probability.
"""
import numpy as np

from transpile.configdefaults import config
from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.nnet.xent import _as_float_matrix, _as_labels, _check_labels
from transpile.tensor.type import TensorType

__all__ = ["CrossentropySoftmax1Hot", "CrossentropySoftmax1HotDx"]


class CrossentropySoftmax1Hot(Op):
    """out[i] = -log(softmax(x)[i, y[i]]), computed as logsumexp(x[i]) - x[i, y[i]]."""

    def make_node(self, x, y):
        x = _as_float_matrix(x, str(self))
        y = _as_labels(y, str(self))
        return Apply(self, [x, y], [TensorType(x.dtype, x.broadcastable[:1])()])

    def perform(self, node, inputs, output_storage):
        x, y = inputs
        rows = _check_labels(x, y, str(self))
        if x.shape[1] == 0:
            out = np.full(x.shape[0], np.inf)
        else:
            m = np.max(x, axis=1, keepdims=True)
            m = np.where(np.isfinite(m), m, 0)
            with np.errstate(divide="ignore"):
                lse = np.log(np.sum(np.exp(x - m), axis=1)) + m[:, 0]
            out = lse - x[rows, y]
        output_storage[0][0] = np.asarray(out, dtype=node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0][:1]]

    def grad(self, inputs, output_grads):
        import transpile.tensor as T
        from transpile.tensor.nnet.softmax import Softmax
        x, y = inputs
        (gy,) = output_grads
        return [CrossentropySoftmax1HotDx()(gy, Softmax(1)(x), y),
                T.zeros_like(y, dtype=config.floatX)]


class CrossentropySoftmax1HotDx(Op):
    """dx = g[:, None] * (sm - onehot(y)): the gradient of CrossentropySoftmax1Hot."""

    def make_node(self, g, sm, y):
        sm = _as_float_matrix(sm, str(self))
        y = _as_labels(y, str(self))
        g = as_tensor_variable(g)
        if g.ndim != 1:
            raise TypeError(f"{self}: g must be a vector, got {g} ({g.type})")
        return Apply(self, [g, sm, y], [sm.type()])

    def perform(self, node, inputs, output_storage):
        g, sm, y = inputs
        rows = _check_labels(sm, y, str(self))
        if g.shape[0] != sm.shape[0]:
            raise ValueError(f"{self}: {g.shape[0]} gradient entries for {sm.shape[0]} rows")
        dtype = node.outputs[0].dtype
        out = np.asarray(g[:, None] * sm, dtype=dtype)
        out[rows, y] -= g.astype(dtype, copy=False)
        output_storage[0][0] = out

    def infer_shape(self, node, input_shapes):
        return [input_shapes[1]]

    def grad(self, inputs, output_grads):
        raise NotImplementedError(
            f"{self} is introduced by FAST_RUN rewrites after differentiation; take second "
            "derivatives of the graph before compiling it")
