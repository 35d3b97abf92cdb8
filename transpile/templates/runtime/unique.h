// transpile_unique.h: numpy.unique over n rows of L contiguous elements (L = 1: of single values). Rows
// are ordered lexicographically with sort.h's order (NaN last) by a stable sort, so the first
// row of each group of equal rows is its first occurrence; rows are equal when all their
// elements compare == (each NaN is distinct, numpy's equal_nan=False). Needs sort.h.
// Copied into generated projects from transpile/templates/runtime/unique.h (emit/cpp/rules/unique.py); do not edit.
#pragma once
#include <algorithm>
#include <cstdint>

#include "transpile_runtime.h"
#include "transpile_sort.h"

namespace xu {

template <class T>
inline bool row_less(const T* a, const T* b, int64_t L) {
    for (int64_t k = 0; k < L; ++k) {
        if (xs::Order<T>::less(a[k], b[k])) return true;
        if (xs::Order<T>::less(b[k], a[k])) return false;
    }
    return false;
}

template <class T>
inline bool row_equal(const T* a, const T* b, int64_t L) {
    for (int64_t k = 0; k < L; ++k) {
        if (!(a[k] == b[k])) return false;
    }
    return true;
}

// order = the stable sorting permutation of the rows; returns the number of distinct rows.
template <class T>
TR_NOINLINE int64_t sort_and_count(const T* rows, int64_t n, int64_t L, int64_t* order) {
    for (int64_t i = 0; i < n; ++i) order[i] = i;
    std::stable_sort(order, order + n, [rows, L](int64_t a, int64_t b) { return row_less(rows + a * L, rows + b * L, L); });
    int64_t groups = n ? 1 : 0;
    for (int64_t i = 1; i < n; ++i) groups += !row_equal(rows + order[i - 1] * L, rows + order[i] * L, L);
    return groups;
}

// values (groups x L), and each of index / inverse / counts unless null.
template <class T>
TR_NOINLINE void fill(const T* rows, int64_t n, int64_t L, const int64_t* order, T* values, int64_t* index,
                      int64_t* inverse, int64_t* counts) {
    int64_t g = -1;
    for (int64_t i = 0; i < n; ++i) {
        const int64_t r = order[i];
        if (i == 0 || !row_equal(rows + order[i - 1] * L, rows + r * L, L)) {
            ++g;
            for (int64_t k = 0; k < L; ++k) values[g * L + k] = rows[r * L + k];
            if (index) index[g] = r;
            if (counts) counts[g] = 0;
        }
        if (counts) ++counts[g];
        if (inverse) inverse[r] = g;
    }
}

}  // namespace xu
