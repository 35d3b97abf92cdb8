// transpile_special.h: special functions that <cmath> lacks or only has for part of the domain,
// called by the C++ forms of the scalar ops in transpile/scalar/special_more.py and bessel.py
// (regularized incomplete gamma, erfcx, erfcinv, Bessel I and J of real order). All compute in
// double, return NaN outside their domain like scipy.special, and never throw or abort (the
// C++17 Bessel functions of libstdc++ throw std::domain_error for x < 0 or order < 0: those are
// reduced to nonnegative arguments first, and any remaining exception becomes NaN).
// Copied into generated projects from transpile/templates/runtime/special.h (emit/cpp/printer.py
// asks for it through the scalar ops' c_runtime); do not edit.
#pragma once
#include <cmath>
#include <limits>

namespace spf {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kPi = 3.141592653589793;
constexpr double kSqrtPi = 1.7724538509055160;

// exp(-x) x^a / Gamma(a), the factor common to both expansions, computed in logs.
inline double gamma_prefactor(double a, double x) {
    return std::exp(a * std::log(x) - x - std::lgamma(a));
}

// P(a, x) by its power series; converges fast for x < a + 1.
inline double gammainc_series(double a, double x) {
    double term = 1.0 / a, sum = term;
    for (int n = 1; n < 100000; ++n) {
        term *= x / (a + n);
        sum += term;
        if (std::abs(term) <= std::abs(sum) * 1e-17) break;
    }
    return sum * gamma_prefactor(a, x);
}

// Q(a, x) by its continued fraction (modified Lentz); converges fast for x >= a + 1.
inline double gammaincc_fraction(double a, double x) {
    const double tiny = 1e-300;
    double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
    for (int i = 1; i < 100000; ++i) {
        const double an = -i * (i - a);
        b += 2;
        d = an * d + b;
        if (std::abs(d) < tiny) d = tiny;
        c = b + an / c;
        if (std::abs(c) < tiny) c = tiny;
        d = 1 / d;
        const double step = d * c;
        h *= step;
        if (std::abs(step - 1) <= 1e-16) break;
    }
    return h * gamma_prefactor(a, x);
}

// Regularized lower (upper = false) or upper incomplete gamma function, scipy's edge values.
inline double incomplete_gamma(double a, double x, bool upper) {
    if (std::isnan(a) || std::isnan(x) || a < 0 || x < 0 || (a == 0 && x == 0)) return kNaN;
    if (std::isinf(a)) return std::isinf(x) ? kNaN : (upper ? 1.0 : 0.0);
    if (a == 0 || std::isinf(x)) return upper ? 0.0 : 1.0;
    if (x == 0) return upper ? 1.0 : 0.0;
    if (x < a + 1) {
        const double p = gammainc_series(a, x);
        return upper ? 1 - p : p;
    }
    const double q = gammaincc_fraction(a, x);
    return upper ? q : 1 - q;
}

inline double gammainc(double a, double x) { return incomplete_gamma(a, x, false); }
inline double gammaincc(double a, double x) { return incomplete_gamma(a, x, true); }

// exp(x^2) erfc(x): the product with x^2 split exactly (fma) below 12, the asymptotic series
// 1 / (x sqrt(pi)) sum (-1)^k (2k-1)!! / (2x^2)^k above.
inline double erfcx(double x) {
    if (std::isnan(x)) return x;
    if (x == -kInf) return kInf;
    if (x < 12) {
        const double x2 = x * x, low = std::fma(x, x, -x2);
        return std::exp(x2) * std::erfc(x) * (1 + low);
    }
    const double r = 1 / (2 * x * x);
    double term = 1, sum = 1;
    for (int k = 1; k < 40; ++k) {
        term *= -(2 * k - 1) * r;
        sum += term;
        if (std::abs(term) < 1e-17) break;
    }
    return sum / (x * kSqrtPi);
}

// Inverse of erfc on [0, 2]. Winitzki's closed form starts Newton's method: on erf(x) = 1 - y
// (exact for y >= 0.5) near 0, on log erfc(x) = log y in the tail, where erfc underflows.
inline double erfcinv(double y) {
    if (!(y >= 0 && y <= 2)) return kNaN;
    if (y == 0) return kInf;
    if (y == 2) return -kInf;
    if (y == 1) return -0.0;  // scipy's sign
    if (y > 1) return -erfcinv(2 - y);
    const double a = 1 - y;
    const double lg = y >= 0.5 ? std::log1p(-a * a) : std::log(y * (2 - y));
    const double t = 2 / (kPi * 0.147) + lg / 2;
    double x = std::sqrt(std::sqrt(t * t - lg / 0.147) - t);
    if (y >= 0.5) {
        for (int i = 0; i < 5; ++i) x -= (std::erf(x) - a) * kSqrtPi / 2 * std::exp(x * x);
        return x;
    }
    const double log_y = std::log(y);
    for (int i = 0; i < 5; ++i) {
        const double e = erfcx(x);
        x += (std::log(e) - x * x - log_y) * e * kSqrtPi / 2;
    }
    return x;
}

inline bool is_integer(double v) { return std::floor(v) == v; }
inline bool is_odd(double v) { return std::fmod(v, 2.0) != 0; }

// Modified Bessel function of the first kind I_v(x), for real order v (scipy's iv).
inline double iv(double v, double x) {
    if (std::isnan(v) || std::isnan(x)) return kNaN;
    if (x < 0) {
        if (!is_integer(v)) return kNaN;
        const double r = iv(v, -x);
        return is_odd(v) ? -r : r;
    }
    if (v < 0) {
        if (is_integer(v)) return iv(-v, x);
        if (x == 0) return kInf;
        try {  // I_{-n}(x) = I_n(x) + 2/pi sin(n pi) K_n(x)
            return iv(-v, x) + 2 / kPi * std::sin(-v * kPi) * std::cyl_bessel_k(-v, x);
        } catch (...) {
            return kNaN;
        }
    }
    if (std::isinf(x) || std::isinf(v)) return kNaN;
    try {
        return std::cyl_bessel_i(v, x);
    } catch (...) {
        return kNaN;
    }
}

// Bessel function of the first kind J_v(x), for real order v (scipy's jv).
inline double jv(double v, double x) {
    if (std::isnan(v) || std::isnan(x)) return kNaN;
    if (x < 0) {
        if (!is_integer(v)) return kNaN;
        const double r = jv(v, -x);
        return is_odd(v) ? -r : r;
    }
    if (v < 0) {
        if (is_integer(v)) {
            const double r = jv(-v, x);
            return is_odd(v) ? -r : r;
        }
        const double s = std::sin(-v * kPi);
        if (x == 0) return s > 0 ? kInf : -kInf;
        try {  // J_{-n}(x) = cos(n pi) J_n(x) - sin(n pi) Y_n(x)
            return std::cos(-v * kPi) * jv(-v, x) - s * std::cyl_neumann(-v, x);
        } catch (...) {
            return kNaN;
        }
    }
    if (std::isinf(x) || std::isinf(v)) return kNaN;
    try {
        return std::cyl_bessel_j(v, x);
    } catch (...) {
        return kNaN;
    }
}

// I_0 and I_1 (even and odd in x).
inline double i0(double x) { return std::isinf(x) ? kNaN : iv(0.0, std::abs(x)); }
inline double i1(double x) { return std::isinf(x) ? kNaN : x == 0 ? 0.0 : std::copysign(iv(1.0, std::abs(x)), x); }

}  // namespace spf
