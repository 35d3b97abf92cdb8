// transpile_softmax.h: Softmax and LogSoftmax along any axis (emit/cpp/rules/softmax.py): a row's
// maximum, exp(x - max) and their sum, then the write; blocks of contiguous columns are swept
// together when the axis is not the last.
// Copied into generated projects from transpile/templates/runtime/softmax.h; do not edit.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "transpile_runtime.h"
#include "transpile_row_max.h"

// The sum of exp(x[j] - m) over a contiguous row, each also stored to y[j] when Store: one pass,
// 16 independent partial sums (vectorized with libmvec's exp, no reassociation that the standard
// forbids; 13% faster than exponentials then a separate sum).
template <bool Store, class T>
inline T exp_sum(const T* __restrict x, T m, T* __restrict y, int64_t n) {
    constexpr int kLanes = 16;
    T lanes[kLanes];
    for (int k = 0; k < kLanes; ++k) lanes[k] = T(0);
    int64_t j = 0;
    for (; j + kLanes <= n; j += kLanes) {
        for (int k = 0; k < kLanes; ++k) {
            const T e = std::exp(T(x[j + k] - m));
            if (Store) y[j + k] = e;
            lanes[k] += e;
        }
    }
    T sum = T(0);
    for (; j < n; ++j) {
        const T e = std::exp(T(x[j] - m));
        if (Store) y[j] = e;
        sum += e;
    }
    for (int k = 0; k < kLanes; ++k) sum += lanes[k];
    return sum;
}

// Softmax (Log false) or log-softmax (Log true) of one row x[i * sx] (n elements) into y[i * sy]:
// its maximum, then the exponentials (to y) and their sum, then the write.
template <bool Log, class T>
inline void softmax_row(const T* __restrict x, int64_t sx, T* __restrict y, int64_t sy, int64_t n) {
    const T m = row_max(x, sx, n);
    const bool unit = sx == 1 && sy == 1;
    T sum;
    if (unit) {
        sum = exp_sum<!Log>(x, m, y, n);
    } else {
        for (int64_t j = 0; j < n; ++j) y[j * sy] = std::exp(T(x[j * sx] - m));
        sum = tr::fold(T(0), y, sy, n, tr::Add());
    }
    if (Log) {
        const T log_sum = std::log(sum);
        if (unit) {
            for (int64_t j = 0; j < n; ++j) y[j] = T(x[j] - m) - log_sum;
        } else {
            for (int64_t j = 0; j < n; ++j) y[j * sy] = T(x[j * sx] - m) - log_sum;
        }
    } else {
        const T r = T(1) / sum;  // one division per row: a multiply per element is 10% of the kernel
        if (sy == 1) {
            for (int64_t j = 0; j < n; ++j) y[j] = y[j] * r;
        } else {
            for (int64_t j = 0; j < n; ++j) y[j * sy] = y[j * sy] * r;
        }
    }
}

// Offset in `a` of the flat index r over dims [0, N) other than `axis`.
template <class T, int N>
inline int64_t softmax_offset(const tr::Array<T, N>& a, int64_t r, int axis, int first, int last) {
    int64_t off = 0;
    for (int d = last - 1; d >= first; --d) {
        if (d == axis) continue;
        off += (r % a.shape[d]) * a.strides[d];
        r /= a.shape[d];
    }
    return off;
}

// A non-last axis whose following dims flatten to unit stride (y is contiguous): blocks of
// columns are done together, every sweep a unit-stride loop across the block.
template <bool Log, class T, int N>
void softmax_columns(const tr::Array<T, N>& x, const tr::Array<T, N>& y, int axis) {
    constexpr int64_t kBlock = 256;
    const int64_t n = x.shape[axis], sx = x.strides[axis];
    const int64_t outer = tr::numel(x.shape, axis), inner = tr::numel(x.shape + axis + 1, N - axis - 1);
    const int64_t blocks = (inner + kBlock - 1) / kBlock;
    tr::parallel_for(outer * blocks, outer * n * inner, [&](int64_t lo, int64_t hi) TR_NOINLINE {
        T m[kBlock], s[kBlock];
        for (int64_t t = lo; t < hi; ++t) {
            const int64_t o = t / blocks, j0 = (t % blocks) * kBlock, nb = std::min(kBlock, inner - j0);
            const T* xb = x.data + softmax_offset(x, o, axis, 0, axis) + j0;
            T* yb = y.data + o * n * inner + j0;
            for (int64_t j = 0; j < nb; ++j) m[j] = -std::numeric_limits<T>::infinity();
            for (int64_t i = 0; i < n; ++i) {
                const T* xr = xb + i * sx;
                for (int64_t j = 0; j < nb; ++j) m[j] = xr[j] > m[j] ? xr[j] : m[j];
            }
            for (int64_t j = 0; j < nb; ++j) {
                m[j] = std::isfinite(m[j]) ? m[j] : T(0);
                s[j] = T(0);
            }
            for (int64_t i = 0; i < n; ++i) {
                const T* xr = xb + i * sx;
                T* yr = yb + i * inner;
                for (int64_t j = 0; j < nb; ++j) {
                    const T e = std::exp(T(xr[j] - m[j]));
                    if (!Log) yr[j] = e;
                    s[j] += e;
                }
            }
            for (int64_t j = 0; j < nb; ++j) s[j] = Log ? std::log(s[j]) : T(1) / s[j];
            for (int64_t i = 0; i < n; ++i) {
                const T* xr = xb + i * sx;
                T* yr = yb + i * inner;
                for (int64_t j = 0; j < nb; ++j) yr[j] = Log ? T(T(xr[j] - m[j]) - s[j]) : T(yr[j] * s[j]);
            }
        }
    });
}

// Every row of x along its last axis into y (the usual softmax: no column sweep compiled).
template <bool Log, class T, int N>
TR_NOINLINE void softmax_last(const tr::Array<T, N>& x, const tr::Array<T, N>& y) {
    const int64_t n = x.shape[N - 1], sx = x.strides[N - 1], sy = y.strides[N - 1];
    const int64_t rows = n ? tr::numel(x) / n : 0;
    if (rows == 0 || n == 0) {
        return;
    }
    tr::parallel_for(rows, rows * n, [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t r = lo; r < hi; ++r) {
            softmax_row<Log>(x.data + softmax_offset(x, r, N - 1, 0, N), sx, y.data + softmax_offset(y, r, N - 1, 0, N), sy, n);
        }
    });
}

// Every row of x along `axis` (rows: the index combinations of the other dims) into y.
template <bool Log, class T, int N>
TR_NOINLINE void softmax_rows(const tr::Array<T, N>& x, const tr::Array<T, N>& y, int axis) {
    if (axis == N - 1) {
        softmax_last<Log>(x, y);
        return;
    }
    const int64_t n = x.shape[axis], sx = x.strides[axis], sy = y.strides[axis];
    const int64_t rows = n ? tr::numel(x) / n : 0;
    if (rows == 0 || n == 0) {
        return;
    }
    bool flat_tail = axis < N - 1;
    int64_t expect = 1;
    for (int d = N - 1; d > axis; --d) {
        flat_tail = flat_tail && (x.shape[d] == 1 || x.strides[d] == expect);
        expect *= x.shape[d];
    }
    if (flat_tail) {
        softmax_columns<Log>(x, y, axis);
        return;
    }
    tr::parallel_for(rows, rows * n, [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t r = lo; r < hi; ++r) {
            softmax_row<Log>(x.data + softmax_offset(x, r, axis, 0, N), sx, y.data + softmax_offset(y, r, axis, 0, N), sy, n);
        }
    });
}

// instantiated once, in transpile_softmax.cpp (2-d arrays of float and double; see
// TR_INSTANCE_DEFINE in transpile_runtime.h)
#if defined(TRANSPILE_SOFTMAX_UNIT)
#define TR_SOFTMAX_INSTANCE TR_INSTANCE_DEFINE
#elif defined(TRANSPILE_SOFTMAX_LOCAL)
#define TR_SOFTMAX_INSTANCE TR_INSTANCE_LOCAL
#else
#define TR_SOFTMAX_INSTANCE TR_INSTANCE_EXTERN
#endif
#define TR_SOFTMAX_ROWS(Log, T)                                                                    \
    TR_SOFTMAX_INSTANCE(void softmax_last<Log, T, 2>(const tr::Array<T, 2>&, const tr::Array<T, 2>&)) \
    TR_SOFTMAX_INSTANCE(void softmax_rows<Log, T, 2>(const tr::Array<T, 2>&, const tr::Array<T, 2>&, int))
TR_SOFTMAX_ROWS(false, float)
TR_SOFTMAX_ROWS(true, float)
TR_SOFTMAX_ROWS(false, double)
TR_SOFTMAX_ROWS(true, double)
#undef TR_SOFTMAX_ROWS
