"""PyTensor's special functions beyond `transpile.tensor.math`: the elementwise functions of the
scalar ops in transpile/scalar/{gamma_family,bessel_k,incomplete,normal,hypergeometric}.py, and the names that
are compositions of existing ops (`digamma`, `factorial`, `kn`). Values are scipy.special's.

Also Theano's names for the scalar ops of xlogx and xlogy0, `scalar_xlogx` and `scalar_xlogy0`
(Theano had them in the module theano.tensor.xlogx; a module transpile.tensor.xlogx would replace
the function T.xlogx by itself when imported, so they live here).
"""
from transpile import scalar as S
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.math import elemwise_function, gamma, lt, psi, switch, trunc

__all__ = ["scalar_xlogx", "scalar_xlogy0", "digamma", "polygamma", "poch", "betaln", "factorial", "kv", "kn", "kve", "ive", "betainc",
           "betaincinv", "gammaincinv", "gammainccinv", "ndtri_exp", "owens_t", "hyp2f1"]

scalar_xlogx = S.xlogx
scalar_xlogy0 = S.xlogy
digamma = psi

polygamma = elemwise_function(
    S.polygamma, "polygamma", "polygamma(n, x): the n-th derivative of digamma (n a nonnegative integer).")
poch = elemwise_function(S.poch, "poch", "poch(z, m) = gamma(z + m) / gamma(z), the Pochhammer symbol.")
betaln = elemwise_function(
    S.betaln, "betaln", "betaln(a, b) = log |B(a, b)|, accurate where gammaln differences are not.")
kv = elemwise_function(S.kv, "kv", "kv(v, x): modified Bessel function of the second kind, real order v.")
kve = elemwise_function(S.kve, "kve", "kve(v, x) = kv(v, x) * exp(x), finite where kv underflows.")
ive = elemwise_function(S.ive, "ive", "ive(v, x) = iv(v, x) * exp(-|x|), finite where iv overflows.")
betainc = elemwise_function(
    S.betainc, "betainc", "betainc(a, b, x): the regularized incomplete beta function I_x(a, b).")
betaincinv = elemwise_function(
    S.betaincinv, "betaincinv", "betaincinv(a, b, y): the x with betainc(a, b, x) = y.")
gammaincinv = elemwise_function(S.gammaincinv, "gammaincinv", "gammaincinv(a, y): the x with gammainc(a, x) = y.")
gammainccinv = elemwise_function(
    S.gammainccinv, "gammainccinv", "gammainccinv(a, y): the x with gammaincc(a, x) = y.")
ndtri_exp = elemwise_function(
    S.ndtri_exp, "ndtri_exp", "ndtri_exp(y): the standard normal quantile at probability exp(y), for y <= 0.")
owens_t = elemwise_function(S.owens_t, "owens_t", "owens_t(h, a): Owen's T function.")
hyp2f1 = elemwise_function(
    S.hyp2f1, "hyp2f1", "hyp2f1(a, b, c, z): the Gauss hypergeometric function 2F1 for -1 < z <= 0.9999 (nan outside).")


def factorial(n):
    """gamma(n + 1), and 0 for n < 0 (scipy.special.factorial with exact=False)."""
    n = as_tensor_variable(n)
    return switch(lt(n, 0), 0, gamma(n + 1))


def kn(n, x):
    """The modified Bessel function of the second kind of integer order: kv with the order
    truncated toward 0 (scipy.special.kn)."""
    return kv(trunc(n), x)
