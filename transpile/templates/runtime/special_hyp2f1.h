// transpile_special_hyp2f1.h: the Gauss hypergeometric function 2F1(a, b; c; z) for real
// arguments (hyp2f1), for the scalar op of transpile/scalar/hypergeometric.py, with
// scipy.special's values on its domain: -1 < z <= 0.9999 (NaN outside; scipy continues it there).
// Nearer 1 the series need more than about 40 / (1 - z) terms, and the transformations to 1 - z
// (with their logarithmic cases) are not written.
//
// The defining series, or when its terms cancel, the one of the series of Euler's and Pfaff's
// transformations (for z < 1/2: argument z / (z - 1), inside (-1, 1/2)) whose terms cancel least:
// the error is about 1e-16 times the ratio of the terms' magnitudes to the sum, which stays small
// for moderate parameters (|a|, |b|, |c| up to about 10) and grows with them.
// A nonpositive integer a or b ends the series (a polynomial); a nonpositive integer c that
// ends it no earlier is a pole (inf).
// Copied into generated projects from transpile/templates/runtime/special_hyp2f1.h; do not edit.
#pragma once
#include <algorithm>
#include <cmath>

#include "transpile_special.h"

namespace spf {

// The series sum_k (a)_k (b)_k / ((c)_k k!) z^k for |z| < 1 (or any z when it terminates), summed
// until the remaining terms (bounded by a geometric series once the term ratio is below 1) are
// below 1e-17 of the sum; `size` gets the sum of the terms' magnitudes (the sum's rounding error
// is about 1e-16 * size).
inline double hyp2f1_series(double a, double b, double c, double z, double& size) {
    double term = 1, sum = 1;
    size = 1;
    for (int k = 0; k < 10000000; ++k) {
        if (a + k == 0 || b + k == 0) break;  // a polynomial: the remaining terms are 0
        const double ratio = (a + k) * (b + k) / ((c + k) * (k + 1)) * z;
        term *= ratio;
        sum += term;
        size += std::abs(term);
        if (term == 0) break;
        const double r = std::abs(ratio);
        if (r < 1 && std::abs(term) * r / (1 - r) <= 1e-17 * std::abs(sum)) break;
    }
    return sum;
}

inline bool is_nonpositive_integer(double x) { return x <= 0 && std::floor(x) == x; }

// 2F1(a, b; c; z) for real arguments and -1 < z <= 0.9999 (scipy's hyp2f1 there).
inline double hyp2f1(double a, double b, double c, double z) {
    if (std::isnan(a) || std::isnan(b) || std::isnan(c) || std::isnan(z) || !(z > -1 && z <= 0.9999)) return kNaN;
    if (std::isinf(a) || std::isinf(b) || std::isinf(c)) return kNaN;
    if (c == a) return std::pow(1 - z, -b);  // scipy's convention, also where c is a pole
    if (c == b) return std::pow(1 - z, -a);
    if (z == 0 || a == 0 || b == 0) return 1.0;
    const bool ends = is_nonpositive_integer(a) || is_nonpositive_integer(b);
    const double length = std::max(is_nonpositive_integer(a) ? -a : -kInf, is_nonpositive_integer(b) ? -b : -kInf);
    if (is_nonpositive_integer(c) && (!ends || length >= -c + 1)) return kInf;
    double size, best_size;
    double best = hyp2f1_series(a, b, c, z, best_size);
    if (ends) return best;
    best_size /= std::abs(best);
    // the same function by other series: keep the one that cancels least (relative size of its terms)
    const auto consider = [&](double factor, double p, double q, double w) {
        const double value = factor * hyp2f1_series(p, q, c, w, size);
        size *= std::abs(factor / value);
        if (size < best_size && std::isfinite(value)) {
            best = value;
            best_size = size;
        }
    };
    if (best_size > 4) {
        consider(std::pow(1 - z, c - a - b), c - a, c - b, z);  // Euler
        if (z < 0.5) {                                           // Pfaff, |z / (z - 1)| < 1
            const double w = z / (z - 1);
            consider(std::pow(1 - z, -a), a, c - b, w);
            consider(std::pow(1 - z, -b), c - a, b, w);
        }
    }
    return best;
}

}  // namespace spf
