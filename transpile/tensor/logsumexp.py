"""`logsumexp(x, axis=None, keepdims=False)`: log(sum(exp(x), axis)) without overflow.

exp(1000) is inf, so the naive form gives inf for x = [1000, 1000] (and -inf, with a NaN
gradient, for x = [-1000, -1000]). Shifting by the maximum m first, m + log(sum(exp(x - m))),
keeps every exp in [0, 1] with one of them 1. Where m is infinite (all -inf, or a +inf) the shift
is 0 instead, so inf - inf never appears and the result is that infinity, like scipy's.
The gradient comes from the ops (softmax(x) along the axes: the max's share cancels).
FAST_RUN also rewrites log(sum(exp(x))) into this form (`tensor/rewriting/logsumexp.py`).
"""
from transpile.tensor import math as M
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.reduce import max as _max, normalize_axis, sum as _sum

__all__ = ["logsumexp"]


def max_shift(x, axes):
    """max(x, axes, keepdims=True), or 0 where that is infinite: what to subtract from x before
    exp (a switch: the rewrites recognize an exp already shifted by one)."""
    top = _max(x, axis=axes, keepdims=True)
    return M.switch(M.isinf(top), 0, top)


def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x), axis=axis, keepdims=keepdims)), computed stably."""
    x = as_tensor_variable(x)
    axes = normalize_axis(axis, x.ndim)
    shift = max_shift(x, axes)
    out = M.log(_sum(M.exp(x - shift), axis=axes, keepdims=True)) + shift
    if keepdims:
        return out
    return out.dimshuffle([d for d in range(x.ndim) if d not in axes])
