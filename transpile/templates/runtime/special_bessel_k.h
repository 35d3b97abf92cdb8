// transpile_special_bessel_k.h: the modified Bessel function of the second kind K_v(x) (kv), its
// exponentially scaled form e^x K_v(x) (kve), and the scaled first kind e^-|x| I_v(x) (ive), for
// the scalar ops of transpile/scalar/bessel_k.py, with scipy.special's edge values.
//
// K_v comes from K_v(x) = integral_0^inf exp(-x cosh t) cosh(v t) dt by the trapezoidal rule:
// the integrand is analytic and decays double exponentially, so the rule converges
// geometrically in 1/step; the step shrinks with the integrand's width at its peak,
// 1 / (x^2 + v^2)^(1/4). The sum is taken relative to the peak (in logs), so e^x K_v(x) needs
// no overflowing or underflowing factor. e^-x I_v(x) is spf::iv scaled while that is finite, and
// beyond x = 600 the trapezoidal sum of (1/pi) integral_0^pi exp(-x (1 - cos t)) cos(v t) dt (the
// term of I_v for non-integer v that the integral leaves out is below e^-2x there).
// Copied into generated projects from transpile/templates/runtime/special_bessel_k.h; do not edit.
#pragma once
#include <algorithm>
#include <cmath>

#include "transpile_special.h"

namespace spf {

// log(e^x K_v(x)) for x > 0, v >= 0, finite.
inline double log_kve(double v, double x) {
    const double h = std::min(0.15, 0.5 / std::sqrt(std::sqrt(x * x + v * v)));
    const double peak_t = std::asinh(v / x);
    const auto phi = [&](double t, double sign) {  // log of one half of the integrand, scaled by e^x
        const double s = std::sinh(t / 2);
        return -2 * x * s * s + sign * v * t;
    };
    const double peak = phi(peak_t, 1);
    double sum = std::exp(phi(0, 1) - peak);  // the two halves at t = 0 together, halved (trapezoid)
    for (int k = 1; k < 1000000; ++k) {
        const double t = k * h;
        const double term = std::exp(phi(t, 1) - peak) + std::exp(phi(t, -1) - peak);
        sum += term;
        if (t > peak_t && term < 1e-18 * sum) break;
    }
    return peak + std::log(sum * h / 2);
}

// e^x K_v(x) (scipy's kve: NaN at x = inf); K_-v = K_v.
inline double kve(double v, double x) {
    if (std::isnan(v) || std::isnan(x) || x < 0 || std::isinf(v) || std::isinf(x)) return kNaN;
    if (x == 0) return kInf;
    return std::exp(log_kve(std::abs(v), x));
}

// K_v(x) (scipy's kv).
inline double kv(double v, double x) {
    if (std::isnan(v) || std::isnan(x) || x < 0 || std::isinf(v)) return kNaN;
    if (x == 0) return kInf;
    if (x == kInf) return 0.0;
    return std::exp(log_kve(std::abs(v), x) - x);
}

// e^-|x| I_v(x) (scipy's ive: NaN at x = +-inf).
inline double ive(double v, double x) {
    if (std::isnan(v) || std::isnan(x)) return kNaN;
    const double ax = std::abs(x);
    if (ax <= 600) return iv(v, x) * std::exp(-ax);
    if (x < 0 && !is_integer(v)) return kNaN;
    if (std::isinf(v) || std::isinf(ax)) return kNaN;
    const double h = std::min(0.1, 0.5 / std::sqrt(ax));
    double sum = 0.5;
    for (int k = 1; k * h < kPi; ++k) {
        const double t = k * h, s = std::sin(t / 2);
        const double term = std::exp(-2 * ax * s * s) * std::cos(v * t);
        sum += term;
        if (std::abs(term) < 1e-18 * std::abs(sum)) break;
    }
    const double r = sum * h / kPi;
    return x < 0 && is_odd(v) ? -r : r;
}

}  // namespace spf
