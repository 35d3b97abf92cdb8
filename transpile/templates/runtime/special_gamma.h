// transpile_special_gamma.h: functions of the gamma family that <cmath> lacks, for the scalar ops
// of transpile/scalar/gamma_family.py: digamma and polygamma (through the Hurwitz zeta function),
// the Pochhammer symbol poch(z, m) = Gamma(z + m) / Gamma(z) and betaln(a, b) = log |B(a, b)|.
// All compute in double with scipy.special's edge values. Where lgamma differences would lose
// digits to cancellation (large arguments), the log of the ratio comes from Stirling's series,
// whose large terms cancel analytically.
// Copied into generated projects from transpile/templates/runtime/special_gamma.h; do not edit.
#pragma once
#include <algorithm>
#include <cmath>
#include <vector>

#include "transpile_special.h"

namespace spf {

constexpr double kEulerGamma = 0.5772156649015329;

// B_2k / (2k)! for k = 1..10, the Euler-Maclaurin (and Stirling) coefficients.
constexpr double kBernoulliOverFactorial[10] = {
    1.0 / 6 / 2, -1.0 / 30 / 24, 1.0 / 42 / 720, -1.0 / 30 / 40320, 5.0 / 66 / 3628800,
    -691.0 / 2730 / 479001600, 7.0 / 6 / 87178291200.0, -3617.0 / 510 / 20922789888000.0,
    43867.0 / 798 / 6402373705728000.0, -174611.0 / 330 / 2432902008176640000.0};

// cot(pi x), with the argument reduced exactly (x - round(x), then 1/2 - |d| near the zeros).
inline double cotpi(double x) {
    const double d = x - std::nearbyint(x);
    return std::abs(d) <= 0.25 ? 1 / std::tan(kPi * d) : std::copysign(std::tan(kPi * (0.5 - std::abs(d))), d);
}

// sin(pi x), with the argument reduced exactly.
inline double sinpi(double x) {
    const double d = x - 2 * std::nearbyint(x / 2);  // in [-1, 1]
    return std::abs(d) <= 0.5 ? std::sin(kPi * d) : std::copysign(std::sin(kPi * (1 - std::abs(d))), d);
}

// Digamma: reflection for x < 0, recurrence up to x >= 20, then the asymptotic series.
inline double digamma(double x) {
    if (std::isnan(x) || x == kInf) return x;
    if (x <= 0 && std::floor(x) == x) return x == 0 ? -std::copysign(kInf, x) : kNaN;
    double r = 0;
    if (x < 0) {  // psi(1 - x) - psi(x) = pi cot(pi x)
        r = -kPi * cotpi(x);
        x = 1 - x;
    }
    while (x < 20) {
        r -= 1 / x;
        x += 1;
    }
    const double f = 1 / (x * x);
    // B_2k / (2k), k = 1..8
    constexpr double c[8] = {1.0 / 12, -1.0 / 120, 1.0 / 252, -1.0 / 240, 1.0 / 132, -691.0 / 32760, 1.0 / 12,
                             -3617.0 / 8160};
    double s = 0, p = f;  // psi(x) ~ log x - 1/(2x) - sum_k B_2k / (2k x^2k)
    for (int k = 0; k < 8; ++k, p *= f) s += c[k] * p;
    return r + std::log(x) - 0.5 / x - s;
}

// Hurwitz zeta(s, x) for integer s >= 2 and x > 0: the sum of the first terms up to
// x + m >= 20 + s, then Euler-Maclaurin (10 Bernoulli terms: below 1e-17 relative there).
inline double hurwitz_zeta_int(int s, double x) {
    double head = 0;
    const double start = 20.0 + s;
    while (x < start) {
        head += std::pow(x, -s);
        x += 1;
    }
    const double xs = std::pow(x, -s);
    double tail = x * xs / (s - 1) + xs / 2;
    double rising = s, power = xs / x;  // s (s+1) ... (s+2k-2) and x^(-s-2k+1)
    for (int k = 1; k <= 10; ++k) {
        tail += kBernoulliOverFactorial[k - 1] * rising * power;
        rising *= (s + 2.0 * k - 1) * (s + 2.0 * k);
        power /= x * x;
    }
    return head + tail;
}

// The n-th derivative of cot(u) as a polynomial in c = cot(u), evaluated at c:
// P_0 = c, P_{k+1} = -(1 + c^2) P_k'.
inline double cot_derivative(int n, double c) {
    std::vector<double> p(n + 2, 0.0), q(n + 2, 0.0);
    p[1] = 1;
    for (int k = 0; k < n; ++k) {
        std::fill(q.begin(), q.end(), 0.0);
        for (int j = 1; j <= k + 1; ++j) {  // d/dc of p[j] c^j, times -(1 + c^2)
            q[j - 1] -= j * p[j];
            q[j + 1] -= j * p[j];
        }
        p.swap(q);
    }
    double r = 0;
    for (int j = n + 1; j >= 0; --j) r = r * c + p[j];
    return r;
}

// polygamma(n, x) = (-1)^(n+1) n! zeta(n + 1, x) for integer n >= 1; digamma for n == 0.
inline double polygamma(double n, double x) {
    if (std::isnan(n) || std::isnan(x) || n < 0 || std::floor(n) != n) return kNaN;
    if (n == 0) return digamma(x);
    if (n > 200) return kNaN;
    const int k = static_cast<int>(n);
    const double sign = k % 2 ? 1.0 : -1.0;
    if (x <= 0 && std::floor(x) == x) return sign * kInf;
    if (x == kInf) return sign * 0.0;
    if (x == -kInf) return kNaN;
    if (x < 0) {  // (-1)^n psi_n(1 - x) - psi_n(x) = pi d^n/dx^n cot(pi x)
        const double c = cotpi(x);
        return (k % 2 ? -1.0 : 1.0) * polygamma(n, 1 - x) - std::pow(kPi, k + 1) * cot_derivative(k, c);
    }
    return sign * std::tgamma(n + 1) * hurwitz_zeta_int(k + 1, x);
}

// log Gamma(x) - ((x - 1/2) log x - x + log(2 pi) / 2): Stirling's correction, for x >= 10.
inline double stirling_correction(double x) {
    const double f = 1 / (x * x);
    // B_2k / (2k (2k - 1)), k = 1..8
    constexpr double c[8] = {1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188, -691.0 / 360360, 1.0 / 156,
                             -3617.0 / 122400};
    double s = 0, p = 1 / x;
    for (int k = 0; k < 8; ++k, p *= f) s += c[k] * p;
    return s;
}

// log(Gamma(z + m) / Gamma(z)) for z >= 10 and z + m >= 10, without forming either log Gamma.
inline double log_poch_large(double z, double m) {
    return (z - 0.5) * std::log1p(m / z) + m * (std::log(z + m) - 1) + stirling_correction(z + m) -
           stirling_correction(z);
}

inline bool is_pole(double x) { return x <= 0 && std::floor(x) == x; }

// The sign of Gamma(x) (x not a pole): negative on (-2k - 1, -2k).
inline double gamma_sign(double x) { return x > 0 ? 1.0 : (std::fmod(std::floor(x), 2.0) == 0 ? 1.0 : -1.0); }

// Pochhammer's symbol (z)_m = Gamma(z + m) / Gamma(z) (scipy's poch).
inline double poch(double z, double m) {
    if (std::isnan(z) || std::isnan(m)) return kNaN;
    if (m == 0) return 1;
    if (std::floor(m) == m && std::abs(m) <= 30) {  // a finite product (or its reciprocal)
        double r = 1;
        if (m > 0) {
            for (int i = 0; i < m; ++i) r *= z + i;
            return r;
        }
        for (int i = 1; i <= -m; ++i) r *= z - i;
        return 1 / r;
    }
    const double w = z + m;
    if (is_pole(z)) return is_pole(w) ? kNaN : 0.0;
    if (is_pole(w)) return kInf;
    if (z >= 10 && w >= 10) return std::exp(log_poch_large(z, m));
    if (z < 0 && w < 0)  // reflection: Gamma(1 - z) / Gamma(1 - w), arguments > 1
        return sinpi(z) / sinpi(w) * poch(1 - w, m);
    return gamma_sign(w) * gamma_sign(z) * std::exp(std::lgamma(w) - std::lgamma(z));
}

// log |B(a, b)| = log |Gamma(a) Gamma(b) / Gamma(a + b)| (scipy's betaln).
inline double betaln(double a, double b) {
    if (std::isnan(a) || std::isnan(b)) return kNaN;
    const double lo = std::min(a, b), hi = std::max(a, b);
    if (lo > 0 && hi >= 10) return std::lgamma(lo) - log_poch_large(hi, lo);
    return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b);
}

}  // namespace spf
