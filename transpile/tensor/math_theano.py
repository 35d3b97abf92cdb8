"""Theano's elementwise names that combine the ops of `transpile.tensor.math`: integer division
rounding up (`ceil_intdiv`), `divmod`, the unregularized incomplete gamma functions (`gammal`,
`gammau`), the chi-square survival function (`chi2sf`) and the Bessel functions `j0`, `j1`.
Gradients come from the ops they are made of.
"""
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.math import cast, gamma, gammainc, gammaincc, int_div, jv, mod, neq, true_div

__all__ = ["ceil_intdiv", "divmod", "gammal", "gammau", "chi2sf", "j0", "j1"]


def ceil_intdiv(a, b):
    """ceil(a / b), exact for integers (Theano's): the floor quotient, plus one where the
    division leaves a remainder. Floats give the ceiling of their quotient as well."""
    div = int_div(a, b)
    return cast(neq(mod(a, b), 0), div.dtype) + div


def divmod(x, y):  # noqa: A001  Theano's name, like the builtin
    """(x // y, x % y) elementwise, as numpy.divmod: the floor quotient and the remainder with
    the sign of y."""
    return int_div(x, y), mod(x, y)


def gammal(k, x):
    """The lower incomplete gamma function, gamma(k) * P(k, x) (not regularized)."""
    return gammainc(k, x) * gamma(k)


def gammau(k, x):
    """The upper incomplete gamma function, gamma(k) * Q(k, x) (not regularized)."""
    return gammaincc(k, x) * gamma(k)


def chi2sf(x, k):
    """The survival function of the chi-square distribution with `k` degrees of freedom at `x`
    (scipy.stats.chi2.sf): Q(k / 2, x / 2)."""
    return gammaincc(true_div(k, 2), true_div(x, 2))


def j0(x):
    """The Bessel function of the first kind of order 0 (scipy.special.j0)."""
    return jv(0, as_tensor_variable(x))


def j1(x):
    """The Bessel function of the first kind of order 1 (scipy.special.j1)."""
    return jv(1, as_tensor_variable(x))

