"""Activation functions built from elementwise operations, so they fuse with their neighbours,
lower natively with no rule of their own, and get their gradients from the ops they use.

`sigmoid`, `softplus`, `relu`, `hard_sigmoid` and `ultra_fast_sigmoid` are functions of
`transpile.tensor.math`; `T.nnet` re-exports them (see `nnet/__init__.py`).
"""
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.math import abs_, expm1, gt, mul, switch, true_div, add

__all__ = ["elu", "selu", "softsign"]

#: SELU's constants (Klambauer et al. 2017, "Self-Normalizing Neural Networks")
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def softsign(x):
    """x / (1 + |x|)."""
    x = as_tensor_variable(x)
    return true_div(x, add(abs_(x), 1))


def elu(x, alpha=1):
    """Exponential linear unit: x where x > 0, else alpha * (exp(x) - 1) (expm1: exact near 0)."""
    x = as_tensor_variable(x)
    return switch(gt(x, 0), x, mul(expm1(x), alpha))


def selu(x):
    """Scaled ELU: SELU_SCALE * elu(x, SELU_ALPHA)."""
    return mul(elu(x, SELU_ALPHA), SELU_SCALE)
