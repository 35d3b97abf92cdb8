// transpile_index.h: what the indexing rules (emit/cpp/rules/subtensor*.py) share: index positions
// with numpy's range rule, Python's slice rule, and `walk`, the loop over an indexed region that
// gathers and scatters go through.
//
// A region is a list of `ix::Dim`s in C order. A dim steps two arrays at once (the indexed
// tensor x and the other side: the gathered output, or the y being scattered); it either has
// strides, or tables of offsets (the dim that stands for all the broadcast index arrays, whose
// positions in x are arbitrary).
// Copied into generated projects from transpile/templates/runtime/index.h; do not edit.
#pragma once
#include <cstdint>
#include <limits>

#include "transpile_runtime.h"

namespace ix {

// The position of index `v` on a dim of length n (negative counts from the end); false when
// out of range. Unsigned indices never wrap.
template <class I>
inline bool position(I v, int64_t n, int64_t* out) {
    if constexpr (I(-1) > I(0)) {
        if (uint64_t(v) >= uint64_t(n)) return false;
        *out = int64_t(v);
    } else {
        const int64_t w = int64_t(v);
        if (w < -n || w >= n) return false;
        *out = w < 0 ? w + n : w;
    }
    return true;
}

// A slice part as Python reads it: clipped to the int64 range.
template <class I>
inline int64_t clip(I v) {
    if constexpr (I(-1) > I(0)) {
        return uint64_t(v) > uint64_t(std::numeric_limits<int64_t>::max()) ? std::numeric_limits<int64_t>::max()
                                                                          : int64_t(v);
    } else {
        return int64_t(v);
    }
}

// Python's slice rule on a dim of `length`: first position, count and step; false for step 0.
inline bool slice(int64_t length, bool has_start, int64_t start, bool has_stop, int64_t stop, int64_t step,
                  int64_t* first, int64_t* count, int64_t* step_out) {
    if (step == 0) return false;
    if (step < -std::numeric_limits<int64_t>::max()) step = -std::numeric_limits<int64_t>::max();
    const auto adjust = [&](int64_t v) {
        if (v < 0) {
            v += length;
            return v < 0 ? (step < 0 ? int64_t(-1) : int64_t(0)) : v;
        }
        return v >= length ? (step < 0 ? length - 1 : length) : v;
    };
    start = has_start ? adjust(start) : (step < 0 ? length - 1 : 0);
    stop = has_stop ? adjust(stop) : (step < 0 ? int64_t(-1) : length);
    if (step < 0) {
        *count = stop < start ? (start - stop - 1) / (-step) + 1 : 0;
    } else {
        *count = start < stop ? (stop - start - 1) / step + 1 : 0;
    }
    *first = *count > 0 ? start : 0;
    *step_out = step;
    return true;
}

// One dim of a region: n positions; offsets i * xs and i * ys, or xt[i] and yt[i] (tables).
struct Dim {
    int64_t n, xs, ys;
    const int64_t* xt;
    const int64_t* yt;
};

inline int64_t at_x(const Dim& d, int64_t i) { return d.xt != nullptr ? d.xt[i] : i * d.xs; }
inline int64_t at_y(const Dim& d, int64_t i) { return d.yt != nullptr ? d.yt[i] : i * d.ys; }

// f(x offset, y offset) for every element of the region, in C order, with dim 0 limited to
// [lo, hi) (how parallel loops split it).
template <class F>
inline void walk(const Dim* dims, int nd, int64_t lo, int64_t hi, F&& f) {
    if (nd == 0) {
        f(int64_t(0), int64_t(0));
        return;
    }
    for (int d = 1; d < nd; ++d) {
        if (dims[d].n == 0) return;
    }
    if (lo >= hi) return;
    int64_t idx[17];
    idx[0] = lo;
    for (int d = 1; d < nd; ++d) idx[d] = 0;
    const Dim& last = dims[nd - 1];
    const int64_t first = nd == 1 ? lo : 0, end = nd == 1 ? hi : last.n;
    for (;;) {
        int64_t xo = 0, yo = 0;
        for (int d = 0; d < nd - 1; ++d) {
            xo += at_x(dims[d], idx[d]);
            yo += at_y(dims[d], idx[d]);
        }
        if (last.xt == nullptr && last.yt == nullptr && last.xs == 1 && last.ys == 1) {
            for (int64_t i = first; i < end; ++i) f(xo + i, yo + i);  // unit strides: vectorizable
        } else if (last.xt == nullptr && last.yt == nullptr) {
            for (int64_t i = first; i < end; ++i) f(xo + i * last.xs, yo + i * last.ys);
        } else {
            for (int64_t i = first; i < end; ++i) f(xo + at_x(last, i), yo + at_y(last, i));
        }
        int d = nd - 2;
        for (; d >= 0; --d) {
            if (++idx[d] < (d == 0 ? hi : dims[d].n)) break;
            idx[d] = d == 0 ? lo : 0;
        }
        if (d < 0) return;
    }
}

}  // namespace ix
