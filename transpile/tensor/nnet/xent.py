"""Cross-entropy costs.

`categorical_crossentropy(coding_dist, true_dist)` follows Theano: with a one-hot (or any
probability) matrix `true_dist` it is -sum(true_dist * log(coding_dist)) per row; with an
integer vector of class indices it is -log(coding_dist[i, true_dist[i]]), computed by the
`CrossentropyCategorical1Hot` op (no log of the entries that are not picked).
"""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.scalar import dtypes as D
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.type import TensorType

__all__ = ["CrossentropyCategorical1Hot", "CrossentropyCategorical1HotGrad", "binary_crossentropy",
           "categorical_crossentropy", "crossentropy_categorical_1hot", "sigmoid_binary_crossentropy"]


def _check_labels(coding, labels, who):
    if labels.shape[0] != coding.shape[0]:
        raise ValueError(f"{who}: {coding.shape[0]} rows of coding_dist (shape {coding.shape}) but "
                         f"{labels.shape[0]} labels (shape {labels.shape})")
    bad = (labels < 0) | (labels >= coding.shape[1])
    if np.any(bad):
        raise IndexError(f"{who}: class index {labels[bad][0]} out of range for {coding.shape[1]} "
                         f"classes (coding_dist shape {coding.shape})")
    return np.arange(coding.shape[0])


def _as_float_matrix(x, who):
    x = as_tensor_variable(x)
    if x.ndim != 2:
        raise TypeError(f"{who}: coding_dist must be a matrix, got {x} ({x.type})")
    if not D.is_float(x.dtype):
        raise TypeError(f"{who}: coding_dist must be float, got {x} ({x.type})")
    return x


def _as_labels(y, who):
    y = as_tensor_variable(y)
    if y.ndim != 1 or not D.is_integer(y.dtype):
        raise TypeError(f"{who}: true_dist must be an integer vector of class indices, got {y} ({y.type})")
    return y


class CrossentropyCategorical1Hot(Op):
    """out[i] = -log(coding_dist[i, labels[i]])."""

    def make_node(self, coding_dist, labels):
        coding = _as_float_matrix(coding_dist, str(self))
        labels = _as_labels(labels, str(self))
        return Apply(self, [coding, labels], [TensorType(coding.dtype, coding.broadcastable[:1])()])

    def perform(self, node, inputs, output_storage):
        coding, labels = inputs
        rows = _check_labels(coding, labels, str(self))
        with np.errstate(divide="ignore"):
            out = -np.log(coding[rows, labels])
        output_storage[0][0] = np.asarray(out, dtype=node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0][:1]]

    def grad(self, inputs, output_grads):
        import transpile.tensor as T
        coding, labels = inputs
        (gy,) = output_grads
        return [CrossentropyCategorical1HotGrad()(gy, coding, labels),
                T.zeros_like(labels, dtype=D.config.floatX)]


class CrossentropyCategorical1HotGrad(Op):
    """Gradient of CrossentropyCategorical1Hot w.r.t. coding_dist: a matrix of zeros except
    out[i, labels[i]] = -g_y[i] / coding_dist[i, labels[i]]."""

    def make_node(self, g_y, coding_dist, labels):
        coding = _as_float_matrix(coding_dist, str(self))
        labels = _as_labels(labels, str(self))
        g_y = as_tensor_variable(g_y)
        if g_y.ndim != 1:
            raise TypeError(f"{self}: g_y must be a vector, got {g_y} ({g_y.type})")
        return Apply(self, [g_y, coding, labels], [coding.type()])

    def perform(self, node, inputs, output_storage):
        g_y, coding, labels = inputs
        rows = _check_labels(coding, labels, str(self))
        out = np.zeros_like(coding, dtype=node.outputs[0].dtype)
        out[rows, labels] = -g_y / coding[rows, labels]
        output_storage[0][0] = out

    def infer_shape(self, node, input_shapes):
        return [input_shapes[1]]

    def grad(self, inputs, output_grads):
        raise NotImplementedError(
            "the second derivative of categorical_crossentropy with integer labels is not "
            "implemented; pass one-hot labels (a matrix) to differentiate twice")


crossentropy_categorical_1hot = CrossentropyCategorical1Hot()


def categorical_crossentropy(coding_dist, true_dist):
    """Cross-entropy between each row of `coding_dist` (probabilities) and `true_dist`:
    a matrix of target distributions (one-hot) or an integer vector of class indices."""
    import transpile.tensor as T
    coding = as_tensor_variable(coding_dist)
    true = as_tensor_variable(true_dist)
    if true.ndim == coding.ndim:
        return -T.sum(true * T.log(coding), axis=coding.ndim - 1)
    if true.ndim == coding.ndim - 1:
        return crossentropy_categorical_1hot(coding, true)
    raise TypeError(f"categorical_crossentropy: rank mismatch between coding_dist ({coding.type}) "
                    f"and true_dist ({true.type}); true_dist must be a matrix like coding_dist or "
                    "an integer vector of class indices")


def binary_crossentropy(output, target):
    """-(target * log(output) + (1 - target) * log(1 - output)), elementwise; `output` holds
    probabilities (e.g. a sigmoid's output)."""
    import transpile.tensor as T
    output, target = as_tensor_variable(output), as_tensor_variable(target)
    return -(target * T.log(output) + (1.0 - target) * T.log(1.0 - output))


def sigmoid_binary_crossentropy(output, target):
    """binary_crossentropy(sigmoid(output), target) for logits `output`, computed stably as
    target * softplus(-output) + (1 - target) * softplus(output)."""
    import transpile.tensor as T
    output, target = as_tensor_variable(output), as_tensor_variable(target)
    return target * T.softplus(-output) + (1.0 - target) * T.softplus(output)
