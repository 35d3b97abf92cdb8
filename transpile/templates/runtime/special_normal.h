// transpile_special_normal.h: functions of the normal distribution that <cmath> lacks, for the
// scalar ops of transpile/scalar/normal.py: ndtri_exp(y), the quantile at probability e^y (for
// y far below -745, where e^y underflows), and Owen's T function owens_t(h, a), with
// scipy.special's edge values.
// Copied into generated projects from transpile/templates/runtime/special_normal.h; do not edit.
#pragma once
#include <algorithm>
#include <cmath>

#include "transpile_special.h"

namespace spf {

constexpr double kSqrt2 = 1.4142135623730951;
constexpr double kSqrt2OverPi = 0.7978845608028654;  // sqrt(2 / pi)

// The x with log Phi(x) = y (scipy's ndtri_exp). Near 0, through the upper tail 1 - e^y =
// -expm1(y); down to y = -700, through erfcinv; below, Newton's method on
// log Phi(x) = log(erfcx(-x / sqrt 2) / 2) - x^2 / 2, whose slope is sqrt(2/pi) / erfcx(-x / sqrt 2).
inline double ndtri_exp(double y) {
    if (std::isnan(y) || y > 0) return kNaN;
    if (y == 0) return kInf;
    if (y == -kInf) return -kInf;
    if (y > -0.6931471805599453) return kSqrt2 * erfcinv(-2 * std::expm1(y));
    if (y > -700) return -kSqrt2 * erfcinv(2 * std::exp(y));
    const double t = -2 * y;
    double x = -std::sqrt(t - std::log(t * 2 * kPi));  // the tail's leading terms
    for (int i = 0; i < 8; ++i) {
        const double e = erfcx(-x / kSqrt2);
        const double step = (std::log(e / 2) - x * x / 2 - y) * e / kSqrt2OverPi;
        x -= step;
        if (std::abs(step) <= 1e-16 * std::abs(x)) break;
    }
    return x;
}

// 20-point Gauss-Legendre nodes and weights on [-1, 1], from Newton's method on the Legendre
// recurrence (computed once).
struct GaussLegendre20 {
    double node[20], weight[20];
    GaussLegendre20() {
        const int n = 20;
        for (int i = 0; i < n; ++i) {
            double x = std::cos(kPi * (i + 0.75) / (n + 0.5)), dp = 1;
            for (int it = 0; it < 100; ++it) {
                double p0 = 1, p1 = x;  // P_0, P_1, then up to P_n
                for (int k = 2; k <= n; ++k) {
                    const double p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
                    p0 = p1;
                    p1 = p2;
                }
                dp = n * (x * p1 - p0) / (x * x - 1);
                const double dx = p1 / dp;
                x -= dx;
                if (std::abs(dx) < 1e-16) break;
            }
            node[i] = x;
            weight[i] = 2 / ((1 - x * x) * dp * dp);
        }
    }
};

// T(h, a) for h >= 0, 0 <= a <= 1: (1/2pi) integral_0^a exp(-h^2 (1 + t^2) / 2) / (1 + t^2) dt
// by Gauss-Legendre on panels no wider than the integrand's scale 1/h (past 12/h it is below
// e^-72 of its value at 0).
inline double owens_t_small_a(double h, double a) {
    static const GaussLegendre20 gl;
    const double end = std::min(a, 12 / std::max(h, 1e-300));
    const int panels = std::max(1, static_cast<int>(std::ceil(end * std::max(h, 2.0) / 2)));
    const double width = end / panels, h2 = h * h;
    double sum = 0;
    for (int p = 0; p < panels; ++p) {
        const double mid = (p + 0.5) * width;
        for (int i = 0; i < 20; ++i) {
            const double t = mid + width / 2 * gl.node[i], t2 = t * t;
            sum += gl.weight[i] * std::exp(-h2 * t2 / 2) / (1 + t2);
        }
    }
    return sum * width / 2 * std::exp(-h2 / 2) / (2 * kPi);
}

// Owen's T function T(h, a) (scipy's owens_t): even in h, odd in a; for a > 1 through
// T(h, a) = (Q(h) + Q(ah)) / 2 - Q(h) Q(ah) - T(ah, 1/a), with Q the normal upper tail.
inline double owens_t(double h, double a) {
    if (std::isnan(h) || std::isnan(a)) return kNaN;
    if (a < 0) return -owens_t(h, -a);
    h = std::abs(h);
    const double qh = std::erfc(h / kSqrt2) / 2;
    if (a == kInf) return qh / 2;
    if (h == kInf || a == 0) return 0.0;
    if (a <= 1) return owens_t_small_a(h, a);
    const double ah = a * h, qah = std::erfc(ah / kSqrt2) / 2;
    return (qh + qah) / 2 - qh * qah - owens_t_small_a(ah, 1 / a);
}

}  // namespace spf
