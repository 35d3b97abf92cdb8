"""Theano's functions around a softmax with integer labels, which return several results at
once: the cross-entropy of softmax(x + b) with the labels `y_idx` (the stable
`CrossentropySoftmax1Hot`, finite for any finite logits), the softmax itself, the argmax of each
row and its probability. `b` is a bias added to every row (zero in the versions without it).
Also `softmax_op`, `logsoftmax_op`, `scalar_sigmoid` and the gradient ops
`crossentropy_categorical_1hot_grad`, `crossentropy_softmax_1hot_with_bias_dx`: the op instances
Theano exported; and `softmax_grad`.
"""
from transpile.scalar.activation import sigmoid as scalar_sigmoid
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.nnet.softmax import LogSoftmax, Softmax
from transpile.tensor.nnet.xent import CrossentropyCategorical1HotGrad
from transpile.tensor.nnet.xent_softmax import CrossentropySoftmax1Hot, CrossentropySoftmax1HotDx
from transpile.tensor.reduce import max as _max
from transpile.tensor.reduce import sum as tsum
from transpile.tensor.stats import argmax

__all__ = ["crossentropy_categorical_1hot_grad", "crossentropy_softmax_1hot", "crossentropy_softmax_1hot_with_bias",
           "crossentropy_softmax_1hot_with_bias_dx", "crossentropy_softmax_argmax_1hot_with_bias",
           "crossentropy_softmax_max_and_argmax_1hot", "crossentropy_softmax_max_and_argmax_1hot_with_bias",
           "logsoftmax_op", "scalar_sigmoid", "softmax_grad", "softmax_op"]

softmax_op = Softmax(-1)
logsoftmax_op = LogSoftmax(-1)
#: Theano's op instances of the gradients (called as crossentropy_categorical_1hot_grad(g_y,
#: coding_dist, labels) and crossentropy_softmax_1hot_with_bias_dx(dy, softmax, labels))
crossentropy_categorical_1hot_grad = CrossentropyCategorical1HotGrad()
crossentropy_softmax_1hot_with_bias_dx = CrossentropySoftmax1HotDx()


def softmax_grad(dy, sm):
    """The gradient through a softmax along the last axis: (dy - sum(dy * sm)) * sm, `sm` the
    softmax's output (Theano's SoftmaxGrad)."""
    dy, sm = as_tensor_variable(dy), as_tensor_variable(sm)
    return (dy - tsum(dy * sm, axis=-1, keepdims=True)) * sm


def _logits(x, b):
    x = as_tensor_variable(x)
    if x.ndim != 2:
        raise TypeError(f"crossentropy_softmax: x must be a matrix of logits (rows: examples), got {x} ({x.type})")
    if b is None:
        return x
    b = as_tensor_variable(b)
    if b.ndim != 1:
        raise TypeError(f"crossentropy_softmax: b must be a vector (one bias per class), got {b} ({b.type})")
    return x + b.dimshuffle("x", 0)


def crossentropy_softmax_argmax_1hot_with_bias(x, b, y_idx):
    """(the cross-entropy of each row, softmax(x + b), the argmax of each row)."""
    z = _logits(x, b)
    return CrossentropySoftmax1Hot()(z, y_idx), softmax_op(z), argmax(z, axis=1)


def crossentropy_softmax_1hot_with_bias(x, b, y_idx):
    """(the cross-entropy of each row, softmax(x + b))."""
    return crossentropy_softmax_argmax_1hot_with_bias(x, b, y_idx)[:2]


def crossentropy_softmax_1hot(x, y_idx):
    """(the cross-entropy of each row, softmax(x))."""
    return crossentropy_softmax_argmax_1hot_with_bias(x, None, y_idx)[:2]


def crossentropy_softmax_max_and_argmax_1hot_with_bias(x, b, y_idx):
    """(the cross-entropy of each row, the largest probability of each row, its position)."""
    nll, sm, am = crossentropy_softmax_argmax_1hot_with_bias(x, b, y_idx)
    return nll, _max(sm, axis=1), am


def crossentropy_softmax_max_and_argmax_1hot(x, y_idx):
    """The same without a bias."""
    return crossentropy_softmax_max_and_argmax_1hot_with_bias(x, None, y_idx)
