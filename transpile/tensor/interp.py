"""`interp` (numpy.interp) and PyTensor's `interpolate1d`: one-dimensional interpolation as a
graph (a binary search, gathers, numpy's formula), so it runs natively and has a gradient in
the query points and the values.
"""
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.counting import searchsorted
from transpile.tensor.join import concatenate
from transpile.tensor.math import cast, clip, eq, gt, lt, maximum, minimum, mod, switch
from transpile.tensor.sort import argsort

__all__ = ["interp", "interpolate1d"]

METHODS = ("linear", "nearest", "first", "last", "mean")


def interp(x, xp, fp, left=None, right=None, period=None):
    """numpy.interp(x, xp, fp, left, right, period): the piecewise-linear function through the
    points (xp[i], fp[i]), xp increasing (not checked, as numpy), at `x`; `left`/`right` (default
    fp[0]/fp[-1]) outside [xp[0], xp[-1]]; with `period`, xp and x are taken modulo it. float64,
    as numpy."""
    x, xp, fp = (cast(as_tensor_variable(v), "float64") for v in (x, xp, fp))
    if xp.ndim != 1 or fp.ndim != 1:
        raise ValueError(f"interp: xp and fp must be 1-d, got {xp.type} and {fp.type}")
    if period is not None:
        if left is not None or right is not None:
            raise ValueError("interp: left and right are ignored with period; give neither")
        period = abs(as_tensor_variable(period))
        x = mod(x, period)
        xp = mod(xp, period)
        order = argsort(xp)
        xp, fp = xp[order], fp[order]
        xp = concatenate([xp[-1:] - period, xp, xp[:1] + period])
        fp = concatenate([fp[-1:], fp, fp[:1]])
    n = xp.shape[0]
    j = clip(searchsorted(xp, x, side="right") - 1, 0, maximum(n - 2, 0))
    k = minimum(j + 1, n - 1)
    x0, x1, y0, y1 = xp[j], xp[k], fp[j], fp[k]
    inside = (y1 - y0) / (x1 - x0) * (x - x0) + y0
    result = switch(eq(x, xp[-1]), fp[-1], switch(eq(n, 1), fp[0], inside))
    if period is not None:
        return result
    low = fp[0] if left is None else cast(as_tensor_variable(left), "float64")
    high = fp[-1] if right is None else cast(as_tensor_variable(right), "float64")
    return switch(lt(x, xp[0]), low, switch(gt(x, xp[-1]), high, result))


def interpolate1d(x, y, method="linear", left_pad=None, right_pad=None, extrapolate=True):
    """PyTensor's interpolate1d: a function of query points `x_hat` (any shape) interpolating
    the points (x, y) (sorted here by x). `method`: "linear", "nearest" (a tie goes left),
    "first"/"last" (the value at the point left/right of x_hat), "mean" (of those two). With
    `extrapolate=False`, a query below x[0] gives `left_pad` (default y[0]) and one above
    x[-1] `right_pad` (default y[-1]); otherwise the end segments extend."""
    if method not in METHODS:
        raise ValueError(f"interpolate1d: method must be one of {METHODS}, got {method!r}")
    x, y = as_tensor_variable(x), as_tensor_variable(y)
    if x.ndim != 1 or y.ndim != 1:
        raise ValueError(f"interpolate1d: x and y must be 1-d, got {x.type} and {y.type}")
    order = argsort(x)
    x, y = x[order], y[order]
    left = y[0] if left_pad is None else as_tensor_variable(left_pad)
    right = y[-1] if right_pad is None else as_tensor_variable(right_pad)

    def interpolate(x_hat):
        x_hat = as_tensor_variable(x_hat)
        n = x.shape[0]
        idx = searchsorted(x, x_hat)
        inner = clip(idx, 1, n - 1)
        x0, x1, y0, y1 = x[inner - 1], x[inner], y[inner - 1], y[inner]
        if method == "linear":
            value = y0 + (x_hat - x0) / (x1 - x0) * (y1 - y0)
        elif method == "nearest":
            value = switch(x_hat - x0 <= x1 - x_hat, y0, y1)
        elif method == "first":
            value = y[clip(idx - 1, 0, n - 1)]
        elif method == "last":
            value = y[clip(idx, 0, n - 1)]
        else:
            value = (y0 + y1) / 2
        if extrapolate:
            return value
        return switch(eq(idx, 0), left, switch(eq(idx, n), right, value))

    return interpolate
