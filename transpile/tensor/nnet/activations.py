"""Activation functions built from elementwise operations.

`sigmoid`, `softplus` and `relu` are the elementwise functions of `transpile.tensor.math`
(scalar ops with stable implementations); `T.nnet` re-exports them (see `nnet/__init__.py`).
"""
from transpile.tensor.basic import as_tensor_variable

__all__ = ["elu", "selu", "softsign"]


def _T():
    import transpile.tensor as T
    return T


def softsign(x):
    """x / (1 + |x|)."""
    T = _T()
    x = as_tensor_variable(x)
    return x / (1 + T.abs_(x))


def elu(x, alpha=1):
    """Exponential linear unit: x where x > 0, else alpha * (exp(x) - 1)."""
    T = _T()
    x = as_tensor_variable(x)
    return T.switch(T.gt(x, 0), x, alpha * T.expm1(x))


def selu(x):
    """Scaled ELU (Klambauer et al. 2017) with its fixed constants."""
    alpha = 1.6732632423543772848170429916717
    scale = 1.0507009873554804934193349852946
    return scale * elu(x, alpha)
