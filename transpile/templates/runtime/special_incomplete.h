// transpile_special_incomplete.h: the regularized incomplete beta function I_x(a, b) (betainc)
// and the inverses of I_x(a, b), P(a, x) and Q(a, x) in x (betaincinv, gammaincinv,
// gammainccinv), for the scalar ops of transpile/scalar/incomplete.py, with scipy.special's edge
// values.
//
// I_x(a, b) is x^a (1-x)^b / (a B(a, b)) times a continued fraction (DLMF 8.17.22, evaluated
// by the modified Lentz method), used where it converges fast, x < (a+1) / (a+b+2), and on
// 1 - I_{1-x}(b, a) elsewhere. The inverses solve log F(x) = log target for the tail
// (lower or upper) whose target is at most 1/2, so that small targets keep their relative
// precision: Newton's method in log x, kept inside a bracket that each evaluation narrows
// (geometric bisection when a step would leave it).
// Copied into generated projects from transpile/templates/runtime/special_incomplete.h; do not edit.
#pragma once
#include <cmath>
#include <limits>

#include "transpile_special.h"
#include "transpile_special_gamma.h"

namespace spf {

// The continued fraction of I_x(a, b) without its prefactor (modified Lentz).
inline double betainc_fraction(double a, double b, double x) {
    const double tiny = 1e-300;
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    if (std::abs(d) < tiny) d = tiny;
    d = 1 / d;
    double h = d;
    for (int m = 1; m < 100000; ++m) {
        for (int odd = 0; odd < 2; ++odd) {
            const double coef = odd ? -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
                                    : m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
            d = 1 + coef * d;
            if (std::abs(d) < tiny) d = tiny;
            c = 1 + coef / c;
            if (std::abs(c) < tiny) c = tiny;
            d = 1 / d;
            h *= d * c;
            if (odd && std::abs(d * c - 1) <= 1e-16) return h;
        }
    }
    return h;
}

// I_x(a, b) by the fraction, given log x and log(1 - x) (each computed accurately by the caller).
inline double betainc_direct(double a, double b, double x, double log_x, double log_1mx) {
    return std::exp(a * log_x + b * log_1mx - betaln(a, b)) / a * betainc_fraction(a, b, x);
}

// I_x(a, b) and its complement 1 - I_x(a, b), each with its relative precision (0 < x < 1, a, b > 0
// finite): the fraction gives one of them, the other is 1 minus it.
inline void betainc_tails(double a, double b, double x, double& lower, double& upper) {
    const double log_x = std::log(x), log_1mx = std::log1p(-x);
    if (x < (a + 1) / (a + b + 2)) {
        lower = betainc_direct(a, b, x, log_x, log_1mx);
        upper = 1 - lower;
    } else {
        upper = betainc_direct(b, a, 1 - x, log_1mx, log_x);
        lower = 1 - upper;
    }
}

// Regularized incomplete beta function I_x(a, b) (scipy's betainc).
inline double betainc(double a, double b, double x) {
    if (std::isnan(a) || std::isnan(b) || std::isnan(x) || a < 0 || b < 0 || x < 0 || x > 1 ||
        (a == 0 && b == 0) || (std::isinf(a) && std::isinf(b)))
        return kNaN;
    if (a == 0 || std::isinf(b)) return x > 0 ? 1.0 : 0.0;
    if (b == 0 || std::isinf(a)) return x < 1 ? 0.0 : 1.0;
    if (x == 0 || x == 1) return x;
    double lower, upper;
    betainc_tails(a, b, x, lower, upper);
    return lower;
}

// The x > 0 where the increasing function f (returning f(x) and f(x) / (x f'(x))) crosses zero,
// starting from x0 inside (lo, hi).
template <class F>
double solve_in_log(F f, double x0, double lo, double hi) {
    double x = x0;
    for (int i = 0; i < 300; ++i) {
        double step;  // the Newton step in log x
        const double fx = f(x, step);
        if (fx == 0 || std::abs(step) <= 1e-15) return x * std::exp(-step);
        if (fx < 0) lo = x; else hi = x;
        double next = x * std::exp(-step);
        if (!(next > lo && next < hi)) {  // bisect (lo, hi) in log x, within the doubles
            const double low = lo > 0 ? lo : std::numeric_limits<double>::denorm_min();
            const double high = std::isinf(hi) ? std::numeric_limits<double>::max() : hi;
            next = std::exp((std::log(low) + std::log(high)) / 2);
        }
        if (next == x || (std::isfinite(hi) && hi - lo <= 4e-16 * hi)) return next;
        x = next;
    }
    return x;
}

// The quantile of the standard normal distribution (for starting values).
inline double normal_quantile(double p) { return -std::sqrt(2.0) * erfcinv(2 * p); }

// x with I_x(a, b) = p and 1 - I_x(a, b) = q (p + q = 1, both given for their precision).
inline double beta_quantile(double a, double b, double p, double q) {
    if (std::isnan(a) || std::isnan(b) || std::isnan(p) || !(a > 0 && b > 0) || p < 0 || p > 1 ||
        std::isinf(a) || std::isinf(b))
        return kNaN;
    if (p == 0) return 0.0;
    if (q == 0) return 1.0;
    // solve for the smaller of x and 1 - x (the side of 1/2 the solution is on), keeping its digits
    if (p > betainc(a, b, 0.5)) return 1 - beta_quantile(b, a, q, p);
    const double lbeta = betaln(a, b), log_p = std::log(p);
    double x0 = std::exp((log_p + std::log(a) + lbeta) / a);  // I ~ x^a / (a B) for small x
    if (a > 1 && b > 1) {  // the normal approximation (Abramowitz & Stegun 26.5.22)
        const double y = -normal_quantile(p), r = (y * y - 3) / 6;
        const double s = 1 / (2 * a - 1), t = 1 / (2 * b - 1), h = 2 / (s + t);
        const double w = y * std::sqrt(h + r) / h - (t - s) * (r + 5.0 / 6 - 2 / (3 * h));
        const double guess = a / (a + b * std::exp(2 * w));
        if (guess > 0 && guess < 1) x0 = guess;
    }
    if (!(x0 > 0 && x0 < 0.5)) x0 = 0.25;
    const bool lower = p <= 0.5;  // match the smaller tail, I or 1 - I = I_{1-x}(b, a)
    const double log_target = std::log(lower ? p : q);
    const auto f = [&](double x, double& step) {
        double low, up;
        betainc_tails(a, b, x, low, up);
        const double value = lower ? low : up;
        const double x_density = std::exp(a * std::log(x) + (b - 1) * std::log1p(-x) - lbeta);
        const double dlog = std::log(value) - log_target;
        step = (lower ? dlog : -dlog) * value / x_density;
        return lower ? value - p : q - value;
    };
    return solve_in_log(f, x0, 0.0, 0.5);
}

inline double betaincinv(double a, double b, double y) { return beta_quantile(a, b, y, 1 - y); }

// x with P(a, x) = p and Q(a, x) = q (p + q = 1, both given for their precision).
inline double gamma_quantile(double a, double p, double q) {
    if (std::isnan(a) || std::isnan(p) || std::isnan(q) || !(a > 0) || std::isinf(a) || p < 0 || q < 0 ||
        p > 1 || q > 1)
        return kNaN;
    if (p == 0) return 0.0;
    if (q == 0) return kInf;
    const double lg = std::lgamma(a);
    // Wilson-Hilferty, or P ~ x^a / Gamma(a + 1) for small x
    const double z = p <= 0.5 ? normal_quantile(p) : -normal_quantile(q), c = 1 / (9 * a);
    double x0 = a * std::pow(1 - c + z * std::sqrt(c), 3);
    if (!(x0 > 0) || (p < 0.5 && a < 1)) x0 = std::exp((std::log(p) + lg + std::log(a)) / a);
    if (q < 0.05 && a < 1) {  // Q ~ x^(a-1) e^-x / Gamma(a) for large x
        const double t = -std::log(q);
        x0 = std::max(t + (a - 1) * std::log(t) - lg, 1.0);
    }
    if (!(x0 > 0 && std::isfinite(x0))) x0 = a;
    const bool lower = p <= 0.5;
    const double log_target = std::log(lower ? p : q);
    const auto f = [&](double x, double& step) {
        const double value = lower ? gammainc(a, x) : gammaincc(a, x);
        const double x_density = std::exp(a * std::log(x) - x - lg);
        const double dlog = std::log(value) - log_target;
        step = lower ? dlog * value / x_density : -dlog * value / x_density;
        return lower ? value - p : q - value;
    };
    return solve_in_log(f, x0, 0.0, kInf);
}

inline double gammaincinv(double a, double y) { return gamma_quantile(a, y, 1 - y); }
inline double gammainccinv(double a, double y) { return gamma_quantile(a, 1 - y, y); }

}  // namespace spf
