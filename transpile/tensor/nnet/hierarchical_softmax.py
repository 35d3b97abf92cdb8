"""Theano's two-level hierarchical softmax, `h_softmax`, built from existing ops.

The outputs are split into `n_classes` classes of `n_outputs_per_class` outputs each: the
probability of output k is P(class of k | x) * P(k | its class, x), two small softmaxes instead
of one over every output.
"""
import transpile.tensor.basic as TB
from transpile.tensor.alloc import arange
import transpile.tensor.math as TM
from transpile.tensor.blas import dot
from transpile.tensor.blas_tensordot import tensordot
from transpile.tensor.nnet.softmax import softmax

__all__ = ["h_softmax"]


def h_softmax(x, batch_size, n_outputs, n_classes, n_outputs_per_class, W1, b1, W2, b2, target=None):
    """Two-level hierarchical softmax of `x` (batch_size, n_in).

    W1 (n_in, n_classes), b1 (n_classes,): the class softmax; W2 (n_classes, n_in,
    n_outputs_per_class), b2 (n_classes, n_outputs_per_class): the softmax inside each class.
    n_classes * n_outputs_per_class must be >= n_outputs. Without `target`: the probabilities of
    every output, (batch_size, n_outputs). With `target` (batch_size integer labels): the
    probability of each row's target, (batch_size,), computing only its class's softmax.
    """
    if n_classes * n_outputs_per_class < n_outputs:
        raise ValueError(f"h_softmax: n_classes * n_outputs_per_class = {n_classes} * {n_outputs_per_class} must be "
                         f">= n_outputs = {n_outputs}")
    x, W1, b1, W2, b2 = (TB.as_tensor_variable(v) for v in (x, W1, b1, W2, b2))
    for v, nd, what in ((x, 2, "x"), (W1, 2, "W1"), (b1, 1, "b1"), (W2, 3, "W2"), (b2, 2, "b2")):
        if v.ndim != nd:
            raise TypeError(f"h_softmax: {what} must be {nd}-d, got {v} ({v.type})")
    class_probs = softmax(dot(x, W1) + b1)
    if target is None:
        activations = tensordot(x, W2, [[1], [1]]) + b2  # (batch, n_classes, n_outputs_per_class)
        output_probs = softmax(activations.reshape((-1, n_outputs_per_class)))
        output_probs = output_probs.reshape((batch_size, n_classes, -1))
        output_probs = class_probs.dimshuffle(0, 1, "x") * output_probs
        return output_probs.reshape((batch_size, -1))[:, :n_outputs]
    target = TB.as_tensor_variable(target).flatten()
    if not target.dtype.startswith(("int", "uint")):
        raise TypeError(f"h_softmax: target must hold integer labels, got {target.type}")
    target_classes = TM.int_div(target, n_outputs_per_class)
    target_outputs_in_class = target % n_outputs_per_class
    # each row's class block of W2 and b2 only
    activations = (x.dimshuffle(0, 1, "x") * W2[target_classes]).sum(axis=1) + b2[target_classes]
    output_probs = softmax(activations)
    rows = arange(batch_size)
    return class_probs[rows, target_classes] * output_probs[rows, target_outputs_in_class]
