"""The C++ of the random draws (a program helper added by rules/random.py): Philox4x32-10 and
the uniform, normal and binomial samplers of `transpile.tensor.random`, bit for bit.

Bit-identity with the numpy reference rests on three things:
- integers only for Philox and the bit extraction (u24, u53), converted exactly;
- the normal's float64 arithmetic in the reference's order with every operation rounded:
  the whole helper is compiled without FMA contraction (GCC `optimize("fp-contract=off")`
  around it, clang's and MSVC's pragmas) and its entry points are not inlined into callers
  compiled with contraction (TR_NOINLINE); `frexp` is done on the bits, `log` and `cos` are the reference's
  polynomials, `sqrt` and `floor` are correctly rounded; no libm;
- the polynomial coefficients are printed from `distributions.py` as hexadecimal literals.
"""
from transpile.tensor.random import distributions as dist
from transpile.tensor.random import philox


def _coefs(name, values):
    return f"constexpr double {name}[{len(values)}] = {{{', '.join(float(v).hex() for v in values)}}};"


_HEAD = r"""
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
#elif defined(_MSC_VER)
#pragma fp_contract(off)
#endif
namespace rnd {
"""

_TAIL = r"""
}  // namespace rnd
#if defined(__clang__)
#pragma STDC FP_CONTRACT DEFAULT
#elif defined(__GNUC__)
#pragma GCC pop_options
#endif
"""

_BODY = r"""
// Philox4x32-10 of block b of call `counter` under `key`: the four 32-bit words in out.
inline void philox(uint64_t b, uint64_t counter, uint64_t key, uint32_t out[4]) {
    uint32_t c0 = uint32_t(b), c1 = uint32_t(b >> 32), c2 = uint32_t(counter), c3 = uint32_t(counter >> 32);
    uint32_t k0 = uint32_t(key), k1 = uint32_t(key >> 32);
    for (int r = 0; r < ROUNDS; ++r) {
        if (r) {
            k0 += W0;
            k1 += W1;
        }
        const uint64_t p0 = uint64_t(M0) * c0, p1 = uint64_t(M1) * c2;
        const uint32_t n0 = uint32_t(p1 >> 32) ^ c1 ^ k0, n2 = uint32_t(p0 >> 32) ^ c3 ^ k1;
        c1 = uint32_t(p1);
        c3 = uint32_t(p0);
        c0 = n0;
        c2 = n2;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
}

// Word w of a call's word stream (word w is output w mod 4 of block w / 4); caches one block.
struct Words {
    uint64_t key, counter, block = ~uint64_t(0);
    uint32_t w[4] = {0, 0, 0, 0};
    uint32_t operator()(uint64_t i) {
        if ((i >> 2) != block) {
            block = i >> 2;
            philox(block, counter, key, w);
        }
        return w[i & 3];
    }
};

inline float u24(uint32_t w) { return static_cast<float>(w >> 8) * 0x1p-24f; }

inline double u53(uint32_t a, uint32_t b) {
    const uint64_t m = (uint64_t(a) << 21) | (uint64_t(b) >> 11);
    return static_cast<double>(static_cast<int64_t>(m)) * 0x1p-53;
}

template <int N>
inline double horner(const double (&a)[N], double t) {
    double p = a[N - 1];
    for (int k = N - 2; k >= 0; --k) p = p * t + a[k];
    return p;
}

// log(x) for x in (0, 1] (never subnormal here: x >= 2**-53), frexp done on the bits.
inline double log_unit(double x) {
    uint64_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    int64_t e = int64_t((bits >> 52) & 0x7ff) - 1022;
    bits = (bits & ~(uint64_t(0x7ff) << 52)) | (uint64_t(1022) << 52);
    double m;
    std::memcpy(&m, &bits, sizeof m);
    if (m < SQRT_HALF) {
        m = m * 2.0;
        e = e - 1;
    }
    const double s = (m - 1.0) / (m + 1.0);
    const double p = horner(LOG_COEFS, s * s);
    return static_cast<double>(e) * LN2 + (2.0 * s) * p;
}

inline double cos_2pi(double u) {
    const double t = u * 4.0;
    const double q = std::floor(t);
    const double th = (t - q) * HALF_PI;
    const double t2 = th * th;
    const double c = horner(COS_COEFS, t2);
    const double s = th * horner(SIN_COEFS, t2);
    return q == 0.0 ? c : q == 1.0 ? -s : q == 2.0 ? -c : s;
}

// Elements [lo, hi) of a uniform [0, 1) draw.
template <class T>
TR_NOINLINE void uniform(T* out, int64_t lo, int64_t hi, uint64_t key, uint64_t counter) {
    Words words{key, counter};
    for (int64_t i = lo; i < hi; ++i) {
        if constexpr (sizeof(T) == 4) {
            out[i] = u24(words(uint64_t(i)));
        } else {
            const uint32_t a = words(2 * uint64_t(i));
            out[i] = u53(a, words(2 * uint64_t(i) + 1));
        }
    }
}

// Elements [lo, hi) of a standard normal draw (Box-Muller on block i, in double).
template <class T>
TR_NOINLINE void normal(T* out, int64_t lo, int64_t hi, uint64_t key, uint64_t counter) {
    uint32_t w[4];
    for (int64_t i = lo; i < hi; ++i) {
        philox(uint64_t(i), counter, key, w);
        const double u1 = u53(w[0], w[1]), u2 = u53(w[2], w[3]);
        const double z = std::sqrt(-2.0 * log_unit(1.0 - u1)) * cos_2pi(u2);
        out[i] = static_cast<T>(z);
    }
}

// Elements [lo, hi) of binomial(n, p) counts; the output has `ndim` dims of lengths `shape`,
// p is read at sum(index[d] * ps[d]) (stride 0 where it is broadcast).
template <class T, class P>
TR_NOINLINE void binomial(T* out, int64_t lo, int64_t hi, int ndim, const int64_t* shape, const P* p, const int64_t* ps,
                          int64_t n, uint64_t key, uint64_t counter) {
    int64_t idx[TRANSPILE_MAX_NDIM] = {0};
    int64_t off = 0, rest = lo;
    for (int d = ndim - 1; d >= 0; --d) {
        idx[d] = rest % shape[d];
        rest /= shape[d];
        off += idx[d] * ps[d];
    }
    Words words{key, counter};
    for (int64_t i = lo; i < hi; ++i) {
        const double pi = static_cast<double>(p[off]);
        int64_t count = 0;
        for (int64_t j = 0; j < n; ++j) {
            const uint64_t q = uint64_t(i) * uint64_t(n) + uint64_t(j);
            const uint32_t a = words(2 * q);
            count += u53(a, words(2 * q + 1)) < pi;
        }
        out[i] = static_cast<T>(count);
        for (int d = ndim - 1; d >= 0; --d) {
            off += ps[d];
            if (++idx[d] < shape[d]) break;
            off -= idx[d] * ps[d];
            idx[d] = 0;
        }
    }
}
"""


def random_helper():
    """The helper's C++ text (constants printed from the reference implementation)."""
    consts = [
        f"constexpr int ROUNDS = {philox.ROUNDS};",
        f"constexpr uint32_t M0 = {philox.PHILOX_M0:#x}u, M1 = {philox.PHILOX_M1:#x}u;",
        f"constexpr uint32_t W0 = {philox.PHILOX_W0:#x}u, W1 = {philox.PHILOX_W1:#x}u;",
        f"constexpr double LN2 = {dist.LN2.hex()}, SQRT_HALF = {dist.SQRT_HALF.hex()}, HALF_PI = {dist.HALF_PI.hex()};",
        _coefs("LOG_COEFS", dist.LOG_COEFS), _coefs("COS_COEFS", dist.COS_COEFS), _coefs("SIN_COEFS", dist.SIN_COEFS),
    ]
    return (_HEAD + "\n".join(consts) + "\n" + _BODY + _TAIL).strip("\n")
