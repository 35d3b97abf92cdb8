// transpile_logsumexp.h: log(sum(exp(row))) of a strided row, for the softmax cross-entropy
// (emit/cpp/rules/xent.py).
// Copied into generated projects from transpile/templates/runtime/logsumexp.h; do not edit.
#pragma once
#include <cmath>
#include <cstdint>

#include "transpile_runtime.h"
#include "transpile_row_max.h"

// log(sum(exp(x[j * s]))) of a row of n > 0 elements, shifted by its maximum (0 when that is not
// finite) the way the reference computes it.
template <class T>
inline T row_logsumexp(const T* x, int64_t s, int64_t n) {
    const T m = row_max(x, s, n);
    T sum = T(0);
    for (int64_t j = 0; j < n; ++j) {
        sum += std::exp(T(x[j * s] - m));
    }
    return T(std::log(sum) + m);
}
