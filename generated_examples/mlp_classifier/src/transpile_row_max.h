// transpile_row_max.h: the maximum of a strided row, shared by softmax and the cross-entropies
// (emit/cpp/rules/softmax.py, xent.py).
// Copied into generated projects from transpile/templates/runtime/row_max.h; do not edit.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>

#include "transpile_runtime.h"

// Maximum of x[i * s] (n elements), NaN ignored: wherever it matters (a row holding a NaN) every
// result of the row is NaN whatever the shift, so this agrees with the reference's NaN maximum.
template <class T>
inline T row_max(const T* __restrict x, int64_t s, int64_t n) {
    constexpr int kLanes = 16;
    T m = -std::numeric_limits<T>::infinity();
    int64_t i = 0;
    if (s == 1 && n >= kLanes) {
        T lanes[kLanes];
        for (int k = 0; k < kLanes; ++k) lanes[k] = m;
        for (; i + kLanes <= n; i += kLanes) {
            for (int k = 0; k < kLanes; ++k) lanes[k] = x[i + k] > lanes[k] ? x[i + k] : lanes[k];
        }
        for (int k = 0; k < kLanes; ++k) m = lanes[k] > m ? lanes[k] : m;
    }
    for (; i < n; ++i) m = x[i * s] > m ? x[i * s] : m;
    return std::isfinite(m) ? m : T(0);  // like the reference: rows of -inf or with +inf are not shifted
}
