// transpile_argmax.h: Argmax / Argmin over a block of dims (emit/cpp/rules/stats.py):
// `ix::Order` says which value is better, the first NaN wins.
// Copied into generated projects from transpile/templates/runtime/argmax.h; do not edit.
#pragma once
#include <cstdint>

#include "transpile_runtime.h"

namespace ix {

template <class T>
struct Order {
    static bool nan(T v) { return v != v; }
    static bool better(bool max, T v, T best) { return max ? v > best : v < best; }
};

// Position (C order) of the first best element of the block at x: na dims of lengths `as`,
// strides `ast`; the first NaN wins.
template <bool Max, class T>
inline int64_t arg_block(const T* x, int na, const int64_t* as, const int64_t* ast) {
    if (na == 0) return 0;
    int64_t idx[17] = {0};
    const int64_t n = as[na - 1], s = ast[na - 1];
    T best = x[0];
    int64_t best_i = 0, i = 0;
    if (Order<T>::nan(best)) return 0;
    for (;;) {
        int64_t off = 0;
        for (int d = 0; d < na - 1; ++d) off += idx[d] * ast[d];
        const T* row = x + off;
        for (int64_t j = 0; j < n; ++j, ++i) {
            const T v = row[j * s];
            if (Order<T>::nan(v)) return i;
            if (Order<T>::better(Max, v, best)) {
                best = v;
                best_i = i;
            }
        }
        int d = na - 2;
        for (; d >= 0; --d) {
            if (++idx[d] < as[d]) break;
            idx[d] = 0;
        }
        if (d < 0) return best_i;
    }
}

// out[o] = the block position for every element o of the kept dims (nk dims: ks, kst).
template <bool Max, class T>
TR_NOINLINE void arg_reduce(const T* x, int nk, const int64_t* ks, const int64_t* kst, int na, const int64_t* as,
                            const int64_t* ast, int64_t* out) {
    const int64_t n_out = tr::numel(ks, nk), block = tr::numel(as, na);
    tr::parallel_for(n_out, n_out * block, [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t o = lo; o < hi; ++o) {
            int64_t rest = o, base = 0;
            for (int d = nk - 1; d >= 0; --d) {
                base += (rest % ks[d]) * kst[d];
                rest /= ks[d];
            }
            out[o] = arg_block<Max>(x + base, na, as, ast);
        }
    });
}

}  // namespace ix
