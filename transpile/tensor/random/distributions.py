"""Samples from a draw's word stream: uniform [0, 1), standard normal, binomial counts.

Only integer operations and IEEE-754 double operations that are correctly rounded (+ - * /,
sqrt, frexp, conversions) are used, so a C++ port evaluated in the same order, without FMA
contraction, gives the same bits. `log` and `cos` are therefore computed here with fixed
polynomials (coefficients written as exact hexadecimal doubles) instead of libm. See the
package docstring for the specification.
"""
import numpy as np

from transpile.tensor.random import philox

__all__ = ["binomial", "cos_2pi", "log_unit", "normal", "uniform"]

TWO_M24 = 2.0 ** -24
TWO_M53 = 2.0 ** -53
LN2 = float.fromhex("0x1.62e42fefa39efp-1")
SQRT_HALF = float.fromhex("0x1.6a09e667f3bcdp-1")
HALF_PI = float.fromhex("0x1.921fb54442d18p+0")
#: 1/(2k+1), k = 0..10: log(m) = 2 s sum_k s^(2k) / (2k+1), s = (m-1)/(m+1)
LOG_COEFS = tuple(float.fromhex(h) for h in (
    "0x1.0000000000000p+0", "0x1.5555555555555p-2", "0x1.999999999999ap-3", "0x1.2492492492492p-3",
    "0x1.c71c71c71c71cp-4", "0x1.745d1745d1746p-4", "0x1.3b13b13b13b14p-4", "0x1.1111111111111p-4",
    "0x1.e1e1e1e1e1e1ep-5", "0x1.af286bca1af28p-5", "0x1.8618618618618p-5"))
#: (-1)^k/(2k)!, k = 0..12 (cos Taylor series)
COS_COEFS = tuple(float.fromhex(h) for h in (
    "0x1.0000000000000p+0", "-0x1.0000000000000p-1", "0x1.5555555555555p-5", "-0x1.6c16c16c16c17p-10",
    "0x1.a01a01a01a01ap-16", "-0x1.27e4fb7789f5cp-22", "0x1.1eed8eff8d898p-29", "-0x1.93974a8c07c9dp-37",
    "0x1.ae7f3e733b81fp-45", "-0x1.6827863b97d97p-53", "0x1.e542ba4020225p-62", "-0x1.0ce396db7f853p-70",
    "0x1.f2cf01972f578p-80"))
#: (-1)^k/(2k+1)!, k = 0..11 (sin Taylor series)
SIN_COEFS = tuple(float.fromhex(h) for h in (
    "0x1.0000000000000p+0", "-0x1.5555555555555p-3", "0x1.1111111111111p-7", "-0x1.a01a01a01a01ap-13",
    "0x1.71de3a556c734p-19", "-0x1.ae64567f544e4p-26", "0x1.6124613a86d09p-33", "-0x1.ae7f3e733b81fp-41",
    "0x1.952c77030ad4ap-49", "-0x1.2f49b46814157p-57", "0x1.71b8ef6dcf572p-66", "-0x1.761b41316381ap-75"))

#: binomial draws are generated this many (element, trial) pairs at a time
_CHUNK = 1 << 20


def _horner(coefs, t):
    p = coefs[-1]
    for c in coefs[-2::-1]:
        p = p * t + c
    return p


def log_unit(x):
    """log(x) for float64 x in (0, 1], from frexp and the atanh series (error < 2 ulp)."""
    m, e = np.frexp(x)
    small = m < SQRT_HALF
    m = np.where(small, m * 2.0, m)
    e = np.where(small, e - 1, e).astype(np.float64)
    s = (m - 1.0) / (m + 1.0)
    return e * LN2 + (2.0 * s) * _horner(LOG_COEFS, s * s)


def cos_2pi(u):
    """cos(2 pi u) for float64 u in [0, 1), by quadrant and Taylor series on [0, pi/2)."""
    t = u * 4.0
    q = np.floor(t)
    theta = (t - q) * HALF_PI
    t2 = theta * theta
    c = _horner(COS_COEFS, t2)
    s = theta * _horner(SIN_COEFS, t2)
    return np.select([q == 0.0, q == 1.0, q == 2.0], [c, -s, -c], s)


def _u53(hi, lo):
    """A float64 in [0, 1) from the top 53 bits of the 64-bit word hi:lo."""
    m = (hi << np.uint64(21)) | (lo >> np.uint64(11))
    return m.astype(np.float64) * TWO_M53


def uniform(size, dtype, key, counter):
    """Uniform [0, 1) of `dtype` (float32: 24 bits of one word; float64: 53 bits of two)."""
    n = int(np.prod(size, dtype=np.int64))
    if dtype == "float32":
        w = philox.words(0, n, key, counter)
        out = (w >> np.uint64(8)).astype(np.float32) * np.float32(TWO_M24)
    else:
        w = philox.words(0, 2 * n, key, counter).reshape(n, 2)
        out = _u53(w[:, 0], w[:, 1])
    return out.astype(dtype, copy=False).reshape(size)


def normal(size, dtype, key, counter):
    """Standard normal by Box-Muller from block i of the draw (computed in float64)."""
    n = int(np.prod(size, dtype=np.int64))
    w = philox.blocks(0, n, key, counter).reshape(n, 4)
    u1 = _u53(w[:, 0], w[:, 1])
    u2 = _u53(w[:, 2], w[:, 3])
    z = np.sqrt(-2.0 * log_unit(1.0 - u1)) * cos_2pi(u2)
    return z.astype(dtype).reshape(size)


def binomial(size, n, p, dtype, key, counter, where="binomial"):
    """Binomial(n, p) counts: trial j of element i succeeds when uniform number i*n+j (53 bits,
    words 2(i*n+j) and 2(i*n+j)+1) is < p[i] (p as float64, broadcast to `size`)."""
    count = int(np.prod(size, dtype=np.int64))
    p = np.broadcast_to(np.asarray(p, dtype=np.float64), size).reshape(-1)
    if count and not np.all((p >= 0.0) & (p <= 1.0)):
        raise ValueError(f"{where}: binomial needs 0 <= p <= 1")
    out = np.zeros(count, dtype=np.int64)
    if n > 0:
        step = max(1, _CHUNK // n)
        for a in range(0, count, step):
            b = min(count, a + step)
            w = philox.words(2 * a * n, 2 * (b - a) * n, key, counter).reshape(b - a, n, 2)
            u = _u53(w[..., 0], w[..., 1])
            out[a:b] = np.count_nonzero(u < p[a:b, None], axis=1)
    return out.astype(dtype).reshape(size)
