"""Samplers with a bounded number of rounds: integers, poisson, exponential, gamma, truncated
normal, categorical (the numpy reference; templates/runtime/random.h.j2 ports them bit for bit).

Layout. A draw of n elements (C order) gives element i, in round t, the Philox block
`t * n + i` of the call (words w0..w3; see the package docstring). Rounds are numbered per
sampler below; a sampler never reads a block of another element, so the native code can fill
any range of elements independently. Values come from the same operations as `distributions`
(u53, LOG, Box-Muller), plus EXP; every sampler works in float64 and rounds once to the dtype.

- integers(low, high), exclusive: r = high - low (1 <= r <= 2**53, else ValueError);
  u = u53(w0, w1) of round 0; value = low + min(floor(u * r), r - 1).
- exponential(scale): -LOG(1 - u53(w0, w1) of round 0) * scale (scale >= 0).
- poisson(lam), 0 <= lam <= 1e7: lam is split into m = max(1, ceil(lam / 16)) equal parts
  q = lam / m; part j is inverted from u = u53(w0, w1) of round j: k = 0, p = F = EXP(-q);
  while u >= F: k += 1, p = p * q / k, stop if F + p == F, else F = F + p. The value is the sum
  of the m counts (so a large lam costs about lam steps, and never an unbounded loop).
- truncated normal (Theano's: |z| <= 2 standard deviations): round t (t < 16) gives a
  Box-Muller z from its four words (as `distributions.normal`); the first with |z| <= 2 is
  kept; if none (probability 0.0455**16 < 1e-21) the value is 0.
- gamma(shape, scale), shape > 0, scale >= 0: Marsaglia-Tsang with a = shape (shape + 1 when
  shape < 1), d = a - 1/3, c = 1 / sqrt(9 d). Try t (t < 16) takes a Box-Muller x from round
  2t and u = 1 - u53(w0, w1) of round 2t + 1; v = 1 + c x; it is accepted when v > 0 and
  LOG(u) < 0.5 x x + d - d v^3 + d LOG(v^3), giving y = d v^3 (evaluated left to right). If
  no try is accepted (probability < 0.05**16) y = d. When shape < 1, y *= EXP(LOG(u') / shape)
  with u' = 1 - u53(w0, w1) of round 32. The value is y * scale.
- categorical(p), p's last axis the K >= 1 categories, every entry >= 0 and every row summing
  to 1 within 1e-5 (checked when the sample is not empty, since then every row is used):
  c = the row's running sums (in order, float64), target = u53(w0, w1) of round 0 * c[K-1];
  the value is the first k with target < c[k], or (rounding) the last k with p[k] > 0.

EXP(x), x <= 0: 0 when x < -746; else k = floor(x / ln2 + 0.5), r = (x - k LN2_HI) - k LN2_LO,
EXP = ldexp(Horner(EXP_COEFS, r), k), EXP_COEFS = 1/j! (j = 0..13, correctly rounded).
"""
import math
from fractions import Fraction

import numpy as np

from transpile.tensor.random import philox
from transpile.tensor.random.distributions import (
    _horner, _u53, cos_2pi, log_unit)

__all__ = ["categorical", "exp_neg", "exponential", "gamma", "integers", "poisson", "truncated_normal"]

LN2_HI = float.fromhex("0x1.62e42fee00000p-1")
LN2_LO = float.fromhex("0x1.a39ef35793c76p-33")
INV_LN2 = float.fromhex("0x1.71547652b82fep+0")
EXP_COEFS = tuple(float(Fraction(1, math.factorial(j))) for j in range(14))
EXP_MIN = -746.0
POISSON_PART = 16.0
POISSON_LAM_MAX = 1e7
TRUNC_ROUNDS = 16
TRUNC_BOUND = 2.0
GAMMA_TRIES = 16
CATEGORICAL_TOL = 1e-5
THIRD = 1.0 / 3.0


def exp_neg(x):
    """exp(x) for float64 x <= 0 (Cody-Waite reduction and a Taylor polynomial)."""
    x = np.asarray(x, dtype=np.float64)
    under = x < EXP_MIN
    xs = np.where(under, 0.0, x)
    k = np.floor(xs * INV_LN2 + 0.5)
    r = (xs - k * LN2_HI) - k * LN2_LO
    out = np.ldexp(_horner(EXP_COEFS, r), k.astype(np.int32))
    return np.where(under, 0.0, out)


def _round_words(rounds, elements, n, key, counter):
    """Words (len, 4) of round `rounds[j]` of element `elements[j]` (block rounds * n + elements)."""
    b = np.asarray(rounds, dtype=np.uint64) * np.uint64(n) + np.asarray(elements, dtype=np.uint64)
    m32 = np.uint64(philox.MASK32)
    out = philox.philox4x32(b & m32, b >> np.uint64(32), counter & philox.MASK32, counter >> 32,
                            key & philox.MASK32, key >> 32)
    return np.stack(out, axis=-1).reshape(-1, 4)


def _uniform_round(t, n, key, counter, elements=None):
    elements = np.arange(n, dtype=np.uint64) if elements is None else elements
    w = _round_words(np.full(len(elements), t), elements, n, key, counter)
    return _u53(w[:, 0], w[:, 1])


def _normal_round(t, elements, n, key, counter):
    w = _round_words(np.full(len(elements), t), elements, n, key, counter)
    return np.sqrt(-2.0 * log_unit(1.0 - _u53(w[:, 0], w[:, 1]))) * cos_2pi(_u53(w[:, 2], w[:, 3]))


def _flat(param, shape, dtype):
    return np.broadcast_to(np.asarray(param, dtype=dtype), shape).reshape(-1)


def integers(shape, low, high, dtype, key, counter, where):
    n = math.prod(shape)
    low, high = _flat(low, shape, np.int64), _flat(high, shape, np.int64)
    r = high.astype(np.uint64) - low.astype(np.uint64)
    if n and (np.any(high <= low) or np.any(r > np.uint64(2 ** 53))):
        raise ValueError(f"{where}: integers need low < high and high - low <= 2**53")
    u = _uniform_round(0, n, key, counter)
    off = np.minimum(np.floor(u * r.astype(np.float64)).astype(np.uint64), r - np.uint64(1))
    return (low.astype(np.uint64) + off).astype(np.int64).astype(dtype).reshape(shape)


def exponential(shape, scale, dtype, key, counter, where):
    n = math.prod(shape)
    scale = _flat(scale, shape, np.float64)
    if n and not np.all(scale >= 0):
        raise ValueError(f"{where}: exponential needs scale >= 0")
    return ((-log_unit(1.0 - _uniform_round(0, n, key, counter))) * scale).astype(dtype).reshape(shape)


def _invert_poisson(u, q, e):
    k = np.zeros(len(u), dtype=np.int64)
    p, f = e.copy(), e.copy()
    active = u >= f
    while active.any():
        k[active] += 1
        p = np.where(active, p * q / np.maximum(k, 1), p)
        fn = f + p
        stop = active & (fn == f)
        f = np.where(active & ~stop, fn, f)
        active &= ~stop & (u >= f)
    return k


def poisson(shape, lam, dtype, key, counter, where):
    n = math.prod(shape)
    lam = _flat(lam, shape, np.float64)
    if n and not np.all((lam >= 0) & (lam <= POISSON_LAM_MAX)):
        raise ValueError(f"{where}: poisson needs 0 <= lam <= {POISSON_LAM_MAX:g}")
    m = np.maximum(1.0, np.ceil(lam / POISSON_PART)).astype(np.int64)
    q = lam / m.astype(np.float64)
    elements = np.repeat(np.arange(n, dtype=np.int64), m)
    starts = np.cumsum(m) - m
    parts = np.arange(len(elements), dtype=np.int64) - np.repeat(starts, m)
    u = _u53(*_round_words(parts, elements, n, key, counter)[:, :2].T)
    qe = q[elements]
    k = _invert_poisson(u, qe, exp_neg(-qe))
    return np.bincount(elements, weights=k, minlength=n).astype(np.int64).astype(dtype).reshape(shape)


def truncated_normal(shape, dtype, key, counter):
    n = math.prod(shape)
    out = np.zeros(n)
    pending = np.arange(n, dtype=np.int64)
    for t in range(TRUNC_ROUNDS):
        if not len(pending):
            break
        z = _normal_round(t, pending, n, key, counter)
        ok = np.abs(z) <= TRUNC_BOUND
        out[pending[ok]] = z[ok]
        pending = pending[~ok]
    return out.astype(dtype).reshape(shape)


def gamma(shape, alpha, scale, dtype, key, counter, where):
    n = math.prod(shape)
    alpha, scale = _flat(alpha, shape, np.float64), _flat(scale, shape, np.float64)
    if n and not (np.all((alpha > 0) & (alpha < np.inf)) and np.all(scale >= 0)):
        raise ValueError(f"{where}: gamma needs 0 < shape < inf and scale >= 0")
    a = np.where(alpha < 1.0, alpha + 1.0, alpha)
    d = a - THIRD
    c = 1.0 / np.sqrt(9.0 * d)
    y = d.copy()
    pending = np.arange(n, dtype=np.int64)
    for t in range(GAMMA_TRIES):
        if not len(pending):
            break
        x = _normal_round(2 * t, pending, n, key, counter)
        u = 1.0 - _uniform_round(2 * t + 1, n, key, counter, pending)
        dp, cp = d[pending], c[pending]
        v = 1.0 + cp * x
        pos = v > 0
        v = np.where(pos, v, 1.0)
        v3 = v * v * v
        ok = pos & (log_unit(u) < 0.5 * x * x + dp - dp * v3 + dp * log_unit(v3))
        y[pending[ok]] = (dp * v3)[ok]
        pending = pending[~ok]
    small = np.flatnonzero(alpha < 1.0)
    if len(small):
        u = 1.0 - _uniform_round(2 * GAMMA_TRIES, n, key, counter, small)
        y[small] = y[small] * exp_neg(log_unit(u) / alpha[small])
    return (y * scale).astype(dtype).reshape(shape)


def check_categorical(p, where):
    """ValueError unless p has >= 1 categories, entries >= 0 and rows summing to 1."""
    p = np.asarray(p, dtype=np.float64)
    if p.shape[-1] == 0 or not np.all(p >= 0) or not np.all(
            np.abs(np.cumsum(p, axis=-1)[..., -1] - 1.0) <= CATEGORICAL_TOL):
        raise ValueError(f"{where}: p must have non-negative entries and rows summing to 1 "
                         f"(within {CATEGORICAL_TOL:g}) over at least one category")


def categorical(shape, p, dtype, key, counter, where):
    n = math.prod(shape)
    p = np.asarray(p, dtype=np.float64)
    if n:
        check_categorical(p, where)
    k = p.shape[-1]
    rows = np.broadcast_to(p, tuple(shape) + (k,)).reshape(n, k)
    c = np.cumsum(rows, axis=1)
    target = _uniform_round(0, n, key, counter) * (c[:, -1] if k else np.zeros(n))
    idx = np.count_nonzero(c <= target[:, None], axis=1)
    last = k - 1 - np.argmax(rows[:, ::-1] > 0, axis=1) if k else idx
    return np.where(idx >= k, last, idx).astype(np.int64).astype(dtype).reshape(shape)
