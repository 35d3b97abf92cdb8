// transpile_sort.h: sorting rows with numpy's order (ascending, NaN last; complex numbers by real part,
// then imaginary part) and stably, so that equal elements keep their order.
// Copied into generated projects from transpile/templates/runtime/sort.h (emit/cpp/rules/sort.py, unique.py); do not edit.
#pragma once
#include <algorithm>
#include <cstdint>

#include "transpile_runtime.h"

namespace xs {

template <class T>
struct Order {
    static bool less(T a, T b) { return a < b || (b != b && a == a); }
};

template <>
struct Order<bool> {
    static bool less(bool a, bool b) { return !a && b; }
};

// Sort each of `lines` contiguous rows of n elements in place.
template <class T>
TR_NOINLINE void sort_rows(T* data, int64_t lines, int64_t n) {
    if (n < 2) return;
    tr::parallel_for(lines, lines * n * 8, [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t r = lo; r < hi; ++r) std::stable_sort(data + r * n, data + (r + 1) * n, Order<T>::less);
    });
}

// idx (contiguous rows of n = x.shape[axis]) = the positions sorting each line of x along
// `axis` (lines in C order of the other dims).
template <class T, int N>
TR_NOINLINE void argsort_rows(int64_t* idx, const tr::Array<T, N>& x, int axis) {
    const int64_t n = x.shape[axis], total = tr::numel(x);
    if (total == 0) return;
    const int64_t xs = x.strides[axis];
    tr::parallel_for(total / n, total * 8, [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t r = lo; r < hi; ++r) {
            int64_t off = 0, rest = r;
            for (int d = N - 1; d >= 0; --d) {
                if (d == axis) continue;
                off += (rest % x.shape[d]) * x.strides[d];
                rest /= x.shape[d];
            }
            const T* p = x.data + off;
            int64_t* o = idx + r * n;
            for (int64_t i = 0; i < n; ++i) o[i] = i;
            std::stable_sort(o, o + n, [p, xs](int64_t a, int64_t b) { return Order<T>::less(p[a * xs], p[b * xs]); });
        }
    });
}

}  // namespace xs
