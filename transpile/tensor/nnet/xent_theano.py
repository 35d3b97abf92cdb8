"""Theano's functions around a softmax with integer labels, which return several results at
once: the cross-entropy of softmax(x + b) with the labels `y_idx` (the stable
`CrossentropySoftmax1Hot`, finite for any finite logits), the softmax itself, the argmax of each
row and its probability. `b` is a bias added to every row (zero in the versions without it).
Also `softmax_op`, `logsoftmax_op` and `scalar_sigmoid`, the op instances Theano exported.
"""
from transpile.scalar.activation import sigmoid as scalar_sigmoid
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.nnet.softmax import LogSoftmax, Softmax
from transpile.tensor.nnet.xent_softmax import CrossentropySoftmax1Hot
from transpile.tensor.reduce import max as _max
from transpile.tensor.stats import argmax

__all__ = ["crossentropy_softmax_1hot", "crossentropy_softmax_1hot_with_bias",
           "crossentropy_softmax_argmax_1hot_with_bias", "crossentropy_softmax_max_and_argmax_1hot",
           "crossentropy_softmax_max_and_argmax_1hot_with_bias", "logsoftmax_op", "scalar_sigmoid", "softmax_op"]

softmax_op = Softmax(-1)
logsoftmax_op = LogSoftmax(-1)


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
