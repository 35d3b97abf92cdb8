"""Random streams: `T.random.RandomStreams(seed)` (alias `MRG_RandomStreams`).

    srng = T.random.RandomStreams(seed=234)
    f = transpile.function([], srng.uniform((2, 2)))   # a new matrix at every call

The generator is counter-based, so the native backend can reproduce the numbers bit for bit.
This is its specification (all integers unsigned; `>>`/`<<` logical shifts).

State. Each draw (each call of `uniform`/`normal`/`binomial`) owns a shared uint64 vector
`state = [K, C]`: a 64-bit key and a 64-bit call counter. Running the draw reads the state and
produces `new_state = [K, (C + 1) mod 2**64]`, the draw's `default_update`. The j-th draw (j = 0,
1, ...) created by a stream with seed s (s mod 2**64; default 12345) starts at
`[splitmix64((splitmix64(s) + (j + 1) * 0x9E3779B97F4A7C15) mod 2**64), 0]` where
`splitmix64(z)`: z ^= z >> 30; z *= 0xBF58476D1CE4E5B9; z ^= z >> 27; z *= 0x94D049BB133111EB;
z ^= z >> 31 (products mod 2**64). The key derivation only matters in Python: exported
functions carry the states as values.

Block. Block b (a 64-bit index) of a call is Philox4x32-10 (Random123) applied to the counter
(b & 0xFFFFFFFF, b >> 32, C & 0xFFFFFFFF, C >> 32) under the key (K & 0xFFFFFFFF, K >> 32):
10 rounds; before every round but the first, k0 += 0x9E3779B9, k1 += 0xBB67AE85 (mod 2**32);
a round maps (c0, c1, c2, c3) with p0 = 0xD2511F53 * c0, p1 = 0xCD9E8D57 * c2 (64-bit products)
to (hi(p1) ^ c1 ^ k0, lo(p1), hi(p0) ^ c3 ^ k1, lo(p0)), hi/lo the upper/lower 32 bits. The
call's word stream is the blocks' outputs in order: word w is output (w mod 4) of block w / 4.

Uniform numbers (the `size` elements in C order, element i):
- u24(w) = (w >> 8) * 2**-24, exact in float32; u53(a, b) = ((a << 21) | (b >> 11)) * 2**-53,
  exact in float64 (the top 53 bits of the 64-bit word a:b).
- uniform float32: u24(word i); float64: u53(word 2i, word 2i+1). Then `low + (high - low) * u`
  in the output dtype (an ordinary elementwise graph, skipped when low=0 and high=1; natively it
  may become one multiply-add, so with such bounds the modes agree to rounding, the draws u
  themselves bit for bit).

Normal (element i uses block i, words w0..w3; computed in float64, then rounded to the dtype):
  u1 = u53(w0, w1); u2 = u53(w2, w3); z = sqrt(-2.0 * LOG(1.0 - u1)) * COS2PI(u2), then
  `avg + std * z` in the output dtype (skipped when avg=0 and std=1; an elementwise graph, like
  uniform's bounds). LOG and COS2PI are fixed polynomials (no libm, so bits do not depend on the
  math library), evaluated in double with each operation rounded (the runtime's draw code is
  compiled without FMA contraction):
- LOG(x), x in (0, 1]: (m, e) = frexp(x); if m < SQRT_HALF: m = m * 2.0, e = e - 1;
  s = (m - 1.0) / (m + 1.0); p = Horner(LOG_COEFS, s * s); result = double(e) * LN2 + (2.0 * s) * p.
- COS2PI(u), u in [0, 1): t = u * 4.0; q = floor(t); th = (t - q) * HALF_PI; t2 = th * th;
  c = Horner(COS_COEFS, t2); s = th * Horner(SIN_COEFS, t2); result = c, -s, -c, s for q = 0..3.
- Horner(a[0..n], t): p = a[n]; for k = n-1 down to 0: p = p * t + a[k].
- The constants are the hexadecimal doubles in `distributions.py` (LN2, SQRT_HALF, HALF_PI,
  LOG_COEFS = 1/(2k+1), COS_COEFS = (-1)^k/(2k)!, SIN_COEFS = (-1)^k/(2k+1)!, each correctly
  rounded).

Binomial(n, p), n a non-negative int, every p in [0, 1] (else ValueError): element i counts the trials j = 0..n-1 with
  u53(word 2(i*n+j), word 2(i*n+j)+1) < double(p_i), p broadcast to the size; the count is then
  converted to the output dtype (int64 by default).

More samplers (integers, poisson, exponential, gamma, truncated normal, categorical) read the
same word stream with a fixed number of rounds per element: their layout and algorithms are
specified in `sampling.py`. bernoulli, beta, multinomial, choice, permutation and
shuffle_row_elements are graphs over those draws (see `RandomStreams`), and so are PyTensor's
other samplers (`continuous.py`: lognormal, laplace, logistic, gumbel, cauchy, halfnormal,
halfcauchy, weibull, pareto, wald, triangular, chisquare, invgamma, t, truncexpon, gengamma,
standard_normal; `discrete.py`: geometric, negative_binomial/nbinom, betabinom, hypergeometric and
Theano's multinomial_wo_replacement; `multivariate.py`: dirichlet, multivariate_normal).

`RandomStream` is PyTensor's name of the class, and `default_rng(seed)` is `RandomStreams(seed)`;
its uniform, normal and binomial keep Theano's argument order (size first). The module-level
functions (`functions.py`: `T.random.normal(loc, scale, size=None, rng=None)`, ...) take
PyTensor's order and draw from `rng` or from the module's `default_stream`.
"""
from transpile.tensor.random.draws import (
    CategoricalDraw, ExponentialDraw, GammaDraw, IntegersDraw, PoissonDraw, TruncatedNormalDraw)
from transpile.tensor.random.functions import *  # noqa: F401,F403  normal, gamma, ..., default_stream
from transpile.tensor.random.functions import __all__ as _functions
from transpile.tensor.random.op import BinomialDraw, NormalDraw, RandomDraw, UniformDraw
from transpile.tensor.random.streams import MRG_RandomStreams, RandomStreams

RandomStream = RandomStreams


def default_rng(seed=None):
    """A new `RandomStreams(seed)` (PyTensor's `default_rng`; the default seed is 12345)."""
    return RandomStreams(seed)


__all__ = ["BinomialDraw", "CategoricalDraw", "ExponentialDraw", "GammaDraw", "IntegersDraw", "MRG_RandomStreams",
           "NormalDraw", "PoissonDraw", "RandomDraw", "RandomStream", "RandomStreams", "TruncatedNormalDraw",
           "UniformDraw", "default_rng", *_functions]
