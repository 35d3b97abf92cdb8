"""Batch normalization (Theano's `theano.tensor.nnet.bn`), as compositions of elementwise ops,
reductions and dimshuffles: it fuses, lowers natively and is differentiated with no op of its own.

Parameters (gamma, beta, means, variances) either have the inputs' ndim, broadcastable on the
normalized axes, or omit those axes altogether (ndim = inputs.ndim - len(axes)); then they are
dimshuffled in, and the statistics returned come back in the parameters' shape. A scalar (0-d)
parameter applies to every feature.
"""
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.math import add, cast, inv, mul, sqrt, sub, true_div
from transpile.tensor.stats import mean as _mean
from transpile.tensor.stats import var as _var

__all__ = ["batch_normalization", "batch_normalization_train", "batch_normalization_test"]

_MODES = ("low_mem", "high_mem")


def batch_normalization(inputs, gamma, beta, mean, std, mode="low_mem"):
    """(inputs - mean) * (gamma / std) + beta, all broadcasting elementwise. `mode` is Theano's
    memory hint ('low_mem' or 'high_mem'); both give this one fused expression here."""
    if mode not in _MODES:
        raise ValueError(f"batch_normalization: mode must be 'low_mem' or 'high_mem', got {mode!r}")
    inputs, gamma, beta, mean, std = (as_tensor_variable(v) for v in (inputs, gamma, beta, mean, std))
    return add(mul(sub(inputs, mean), true_div(gamma, std)), beta)


def normalization_axes(axes, ndim):
    """`axes` ('per-activation', 'spatial' or a tuple of ints) as a sorted tuple of axes of an
    `ndim`-dimensional input."""
    if axes == "per-activation":
        return (0,)
    if axes == "spatial":
        return (0,) + tuple(range(2, ndim))
    if isinstance(axes, str) or not isinstance(axes, (tuple, list)):
        raise ValueError(f"batch normalization: axes must be 'per-activation', 'spatial' or a tuple of ints, "
                         f"got {axes!r}")
    out = []
    for a in axes:
        if not isinstance(a, int) or not -ndim <= a < ndim:
            raise ValueError(f"batch normalization: axis {a!r} is out of range for {ndim}-d inputs")
        out.append(a % ndim)
    if len(set(out)) != len(out) or not out:
        raise ValueError(f"batch normalization: axes must be distinct and not empty, got {axes!r}")
    return tuple(sorted(out))


class _Params:
    """Moves parameters between the caller's shape and the inputs' ndim (broadcastable on `axes`)."""

    def __init__(self, ndim, axes):
        self.ndim, self.axes = ndim, axes
        self.kept = [d for d in range(ndim) if d not in axes]
        self.reduced = None  # whether the parameters omit the normalized axes

    def expand(self, name, param):
        param = as_tensor_variable(param)
        if param.ndim == 0:  # one value for every feature: broadcasts as it is
            return param
        reduced = param.ndim == len(self.kept)
        if param.ndim != self.ndim and not reduced:
            raise ValueError(f"batch normalization: {name} must have {self.ndim} dimensions (those of the "
                             f"inputs) or {len(self.kept)} (without the axes {self.axes}), got {param.ndim}")
        if self.reduced is None:
            self.reduced = reduced
        elif self.reduced != reduced:
            raise ValueError(f"batch normalization: {name} has {param.ndim} dimensions but an earlier "
                             f"parameter had {self.ndim if not reduced else len(self.kept)}")
        if not reduced:
            if any(not param.broadcastable[a] for a in self.axes):
                raise ValueError(f"batch normalization: {name} must be broadcastable on the axes {self.axes}, "
                                 f"got broadcastable={param.broadcastable}")
            return param
        pattern, k = [], 0
        for d in range(self.ndim):
            if d in self.axes:
                pattern.append("x")
            else:
                pattern.append(k)
                k += 1
        return param.dimshuffle(*pattern)

    def restore(self, stat):
        """A keepdims statistic back in the parameters' shape."""
        return stat.dimshuffle(*self.kept) if self.reduced else stat


def _start(inputs, axes, named_params):
    inputs = as_tensor_variable(inputs)
    axes = normalization_axes(axes, inputs.ndim)
    params = _Params(inputs.ndim, axes)
    return inputs, axes, params, [params.expand(name, p) for name, p in named_params]


def batch_normalization_train(inputs, gamma, beta, axes="per-activation", epsilon=1e-4,
                              running_average_factor=0.1, running_mean=None, running_var=None):
    """Normalize `inputs` with the mean and (biased) variance of the batch over `axes`.

    Returns (out, mean, invstd), plus (new_running_mean, new_running_var) when running averages
    are given (both or neither): running * (1 - factor) + batch statistic * factor, the variance
    unbiased by m / (m - 1) for the m values reduced, as Theano does. Use them in `updates`."""
    if (running_mean is None) != (running_var is None):
        raise ValueError("batch_normalization_train: give both running_mean and running_var, or neither")
    named = [("gamma", gamma), ("beta", beta)]
    if running_mean is not None:
        named += [("running_mean", running_mean), ("running_var", running_var)]
    inputs, axes, params, expanded = _start(inputs, axes, named)
    gamma, beta = expanded[:2]
    mean = _mean(inputs, axis=axes, keepdims=True)
    var = _var(inputs, axis=axes, keepdims=True)
    invstd = inv(sqrt(add(var, epsilon)))
    out = add(mul(mul(sub(inputs, mean), invstd), gamma), beta)
    results = [out, params.restore(mean), params.restore(invstd)]
    if running_mean is not None:
        run_mean, run_var = expanded[2:]
        m = 1
        for a in axes:
            m = mul(m, inputs.shape[a])
        m = cast(m, var.dtype)
        factor = running_average_factor
        new_mean = add(mul(run_mean, 1.0 - factor), mul(mean, factor))
        new_var = add(mul(run_var, 1.0 - factor), mul(mul(var, true_div(m, sub(m, 1))), factor))
        results += [params.restore(new_mean), params.restore(new_var)]
    return tuple(results)


def batch_normalization_test(inputs, gamma, beta, mean, var, axes="per-activation", epsilon=1e-4):
    """Normalize `inputs` with given statistics (the running averages, at inference):
    (inputs - mean) * gamma / sqrt(var + epsilon) + beta."""
    inputs, axes, params, (gamma, beta, mean, var) = _start(
        inputs, axes, [("gamma", gamma), ("beta", beta), ("mean", mean), ("var", var)])
    return add(mul(mul(sub(inputs, mean), inv(sqrt(add(var, epsilon)))), gamma), beta)
