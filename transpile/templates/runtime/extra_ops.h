// transpile_extra_ops.h: kernels of numpy-style extra ops (cumsum/cumprod, repeat, bincount, searchsorted,
// nonzero). Plain loops over tr::Array views (any strides); no allocation, no errors: the
// generated code checks its inputs before calling these.
// Copied into generated projects from transpile/templates/runtime/extra_ops.h (emit/cpp/rules/extra_ops.py); do not edit.
#pragma once
#include <cstdint>
#include <type_traits>

#include "transpile_runtime.h"

namespace xo {

// Offset (for `strides`) of the start of line r among the lines of `shape` running along
// `axis`; lines are numbered in C order of the other dims.
template <int N>
inline int64_t line_offset(const int64_t* shape, const int64_t* strides, int axis, int64_t r) {
    int64_t off = 0;
    for (int d = N - 1; d >= 0; --d) {
        if (d == axis) continue;
        off += (r % shape[d]) * strides[d];
        r /= shape[d];
    }
    return off;
}

// Offset (for `strides`) of element `flat` (C order) of an array of `shape`.
template <int N>
inline int64_t element_offset(const int64_t* shape, const int64_t* strides, int64_t flat) {
    int64_t off = 0;
    for (int d = N - 1; d >= 0; --d) {
        off += (flat % shape[d]) * strides[d];
        flat /= shape[d];
    }
    return off;
}

// out = running sum (Prod: product) of x along `axis`, accumulated in out's type.
template <bool Prod, class T, class S, int N>
TR_NOINLINE void cumulate(const tr::Array<T, N>& out, const tr::Array<S, N>& x, int axis) {
    const int64_t n = x.shape[axis], total = tr::numel(x);
    if (total == 0) return;
    const int64_t xs = x.strides[axis], os = out.strides[axis];
    tr::parallel_for(total / n, total, [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t r = lo; r < hi; ++r) {
            const S* p = x.data + line_offset<N>(x.shape, x.strides, axis, r);
            T* o = out.data + line_offset<N>(out.shape, out.strides, axis, r);
            T acc = Prod ? T(1) : T(0);
            for (int64_t i = 0; i < n; ++i) {
                if (Prod) acc = acc * static_cast<T>(p[i * xs]);
                else acc = acc + static_cast<T>(p[i * xs]);
                o[i * os] = acc;
            }
        }
    });
}

// out = x with element i along `axis` repeated reps[i * rep_stride] times (rep_stride 0: one
// count for all). The counts were checked non-negative and out has their total length.
template <class T, class R, int N>
TR_NOINLINE void repeat(const tr::Array<T, N>& out, const tr::Array<T, N>& x, int axis, const R* reps, int64_t rep_stride) {
    const int64_t n = x.shape[axis], total = tr::numel(out);
    if (total == 0) return;
    const int64_t lines = total / out.shape[axis], xs = x.strides[axis], os = out.strides[axis];
    tr::parallel_for(lines, total, [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t r = lo; r < hi; ++r) {
            const T* p = x.data + line_offset<N>(x.shape, x.strides, axis, r);
            T* o = out.data + line_offset<N>(out.shape, out.strides, axis, r);
            for (int64_t i = 0, pos = 0; i < n; ++i) {
                const T v = p[i * xs];
                for (int64_t k = 0, m = static_cast<int64_t>(reps[i * rep_stride]); k < m; ++k, ++pos) o[pos * os] = v;
            }
        }
    });
}

// Number of bins of bincount(x): max(x) + 1 (at least minlength); -1 when x holds a negative
// value (stored in *bad).
template <class I>
inline int64_t bincount_length(const tr::Array<I, 1>& x, int64_t minlength, int64_t* bad) {
    int64_t top = -1;
    for (int64_t i = 0; i < x.shape[0]; ++i) {
        const int64_t v = static_cast<int64_t>(x.data[i * x.strides[0]]);
        if (v < 0) {
            *bad = v;
            return -1;
        }
        if (v > top) top = v;
    }
    return top + 1 > minlength ? top + 1 : minlength;
}

// out[x[i]] += w[i] (w null: += 1); out is zeroed here.
template <class T, class I, class W>
TR_NOINLINE void bincount(const tr::Array<T, 1>& out, const tr::Array<I, 1>& x, const tr::Array<W, 1>* w) {
    for (int64_t b = 0; b < out.shape[0]; ++b) out.data[b] = T(0);
    for (int64_t i = 0; i < x.shape[0]; ++i) {
        const int64_t b = static_cast<int64_t>(x.data[i * x.strides[0]]);
        out.data[b] += w ? static_cast<T>(w->data[i * w->strides[0]]) : T(1);
    }
}

// numpy's order for real values: ascending, NaN after everything.
template <class C>
inline bool less_nan_last(C a, C b) {
    return a < b || (b != b && a == a);
}

// out[j] = the position where v[j] goes in the sorted vector x (Right: after equal values).
template <bool Right, class T, class V, int N>
TR_NOINLINE void searchsorted(const tr::Array<int64_t, N>& out, const tr::Array<T, 1>& x, const tr::Array<V, N>& v) {
    using C = typename std::conditional<std::is_integral<T>::value && std::is_integral<V>::value,
                                        typename std::common_type<T, V>::type,
                                        typename std::common_type<T, V, double>::type>::type;
    const int64_t total = tr::numel(v), n = x.shape[0], xs = x.strides[0];
    int64_t lg = 1;
    for (int64_t m = n; m > 1; m >>= 1) ++lg;
    tr::parallel_for(total, total * lg, [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t j = lo; j < hi; ++j) {
            const C key = static_cast<C>(v.data[element_offset<N>(v.shape, v.strides, j)]);
            int64_t a = 0, b = n;
            while (a < b) {
                const int64_t mid = a + (b - a) / 2;
                const C m = static_cast<C>(x.data[mid * xs]);
                const bool go_right = Right ? !less_nan_last(key, m) : less_nan_last(m, key);
                if (go_right) a = mid + 1;
                else b = mid;
            }
            out.data[j] = a;  // out is C-contiguous
        }
    });
}

template <class T>
inline bool is_nonzero(T v) {
    return v != T(0);
}

template <class T, int N>
inline int64_t count_nonzero(const tr::Array<T, N>& x) {
    const int64_t total = tr::numel(x);
    int64_t count = 0;
    for (int64_t f = 0; f < total; ++f) count += is_nonzero(x.data[element_offset<N>(x.shape, x.strides, f)]);
    return count;
}

// out (N x count, C-contiguous): the coordinates of the nonzero elements of x in C order.
template <class T, int N>
TR_NOINLINE void nonzero(const tr::Array<int64_t, 2>& out, const tr::Array<T, N>& x) {
    const int64_t total = tr::numel(x), count = out.shape[1];
    int64_t k = 0;
    for (int64_t f = 0; f < total && k < count; ++f) {
        if (!is_nonzero(x.data[element_offset<N>(x.shape, x.strides, f)])) continue;
        int64_t rest = f;
        for (int d = N - 1; d >= 0; --d) {
            out.data[d * count + k] = rest % x.shape[d];
            rest /= x.shape[d];
        }
        ++k;
    }
}

// PyTensor's pivot_to_permutation, for each line of `piv` (LAPACK's 0-based row interchanges:
// row i swapped with row piv[i], in order): the rows q they give (a[q] = L U) with `inverse`,
// otherwise q's inverse p (a = (L U)[p]), written to `out` (q's inverse by following its
// cycles, the visited entries marked by complementing them). Returns the first out-of-range
// pivot's flat index, or -1.
template <class P, int N>
int64_t pivots_to_permutation(const tr::Array<P, N>& piv, const tr::Array<int64_t, N>& out, bool inverse) {
    const int64_t n = piv.shape[N - 1];
    const int64_t lines = tr::numel(piv.shape, N - 1);
    const int64_t ps = piv.strides[N - 1], os = out.strides[N - 1];
    for (int64_t r = 0; r < lines; ++r) {
        const P* p = piv.data + line_offset<N>(piv.shape, piv.strides, N - 1, r);
        int64_t* o = out.data + line_offset<N>(out.shape, out.strides, N - 1, r);
        for (int64_t i = 0; i < n; ++i) o[i * os] = i;
        for (int64_t i = 0; i < n; ++i) {
            const int64_t j = int64_t(p[i * ps]);
            if (j < 0 || j >= n) return r * n + i;
            const int64_t t = o[i * os];
            o[i * os] = o[j * os];
            o[j * os] = t;
        }
        if (inverse) continue;
        for (int64_t i = 0; i < n; ++i) {
            if (o[i * os] < 0) continue;
            int64_t prev = i, j = o[i * os];
            while (j != i) {
                const int64_t next = o[j * os];
                o[j * os] = ~prev;
                prev = j;
                j = next;
            }
            o[i * os] = ~prev;
        }
        for (int64_t i = 0; i < n; ++i) o[i * os] = ~o[i * os];
    }
    return -1;
}

}  // namespace xo
