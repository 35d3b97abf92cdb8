"""Theano's `confusion_matrix`: counts of (actual, predicted) label pairs over the labels that
occur in either, sorted."""
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.counting import unique
from transpile.tensor.join import concatenate
from transpile.tensor.math import eq

__all__ = ["confusion_matrix"]


def confusion_matrix(actual, pred):
    """[conf, order]: `order` holds the distinct labels of `actual` and `pred` (vectors), sorted;
    conf[i, j] counts the examples whose actual label is order[i] and predicted label order[j]
    (int64)."""
    actual, pred = as_tensor_variable(actual), as_tensor_variable(pred)
    if actual.ndim != 1 or pred.ndim != 1:
        raise TypeError(f"confusion_matrix: actual and pred must be vectors, got {actual.type} and {pred.type}")
    order = unique(concatenate([actual, pred]))
    one_hot_actual = eq(actual.dimshuffle(0, "x"), order.dimshuffle("x", 0)).astype("int64")
    one_hot_pred = eq(pred.dimshuffle(0, "x"), order.dimshuffle("x", 0)).astype("int64")
    return [one_hot_actual.T.dot(one_hot_pred), order]
