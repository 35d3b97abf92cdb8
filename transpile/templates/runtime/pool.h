// transpile_pool.h: 2-d pooling for the rules in emit/cpp/rules/pool.py.
//
// Windows follow `tensor/nnet/pool_kernels.py`: window (i, j) starts at (i*sh, j*sw) in the
// zero-padded image and is clipped to it; only its intersection with the real image matters
// (padding never wins a max and adds 0 to sums; the gradients scatter there and are cropped),
// except for the average_inc_pad divisor, which counts the clipped window, padding included.
// Each kernel runs over the planes (every index of the leading dims), in parallel.
// Copied into generated projects from transpile/templates/runtime/pool.h; do not edit.
#pragma once
#include <algorithm>
#include <cstdint>

#include "transpile_runtime.h"

inline int64_t pool_floordiv(int64_t a, int64_t b) {
    const int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// Number of windows along one axis (Theano's Pool.out_shape).
inline int64_t pool_out_len(int64_t n, int64_t ws, int64_t st, int64_t pad, bool ignore_border) {
    const int64_t r = n + 2 * pad;
    if (ignore_border) return std::max<int64_t>(0, pool_floordiv(r - ws, st) + 1);
    if (st >= ws) return std::max<int64_t>(0, pool_floordiv(r - 1, st) + 1);
    return std::max<int64_t>(0, pool_floordiv(r - 1 - ws, st) + 1) + 1;
}

struct PoolGeom {
    int64_t h, w, oh, ow, wh, ww, sh, sw, ph, pw;

    // real rows [r0, r1) of the windows of output row i (columns: same with j)
    int64_t r0(int64_t i) const { return std::max<int64_t>(i * sh - ph, 0); }
    int64_t r1(int64_t i) const { return std::min<int64_t>(i * sh + wh - ph, h); }
    int64_t c0(int64_t j) const { return std::max<int64_t>(j * sw - pw, 0); }
    int64_t c1(int64_t j) const { return std::min<int64_t>(j * sw + ww - pw, w); }

    // what the average of window (i, j) divides by
    double count(int64_t i, int64_t j, bool inc_pad) const {
        if (inc_pad) {
            return double(std::min<int64_t>(i * sh + wh, h + 2 * ph) - i * sh) *
                   double(std::min<int64_t>(j * sw + ww, w + 2 * pw) - j * sw);
        }
        return double(std::max<int64_t>(r1(i) - r0(i), 0)) * double(std::max<int64_t>(c1(j) - c0(j), 0));
    }
};

inline PoolGeom pool_geometry(const int64_t* shape, int ndim, int64_t wh, int64_t ww, int64_t sh, int64_t sw,
                              int64_t ph, int64_t pw, bool ignore_border) {
    const int64_t h = shape[ndim - 2], w = shape[ndim - 1];
    return PoolGeom{h, w, pool_out_len(h, wh, sh, ph, ignore_border), pool_out_len(w, ww, sw, pw, ignore_border),
                    wh, ww, sh, sw, ph, pw};
}

// Offset of plane p (a flat index over the leading dims) in `a`.
template <class T, int N>
inline int64_t plane_offset(const tr::Array<T, N>& a, int64_t p) {
    int64_t off = 0;
    for (int d = N - 3; d >= 0; --d) {
        off += (p % a.shape[d]) * a.strides[d];
        p /= a.shape[d];
    }
    return off;
}

template <class T, int N>
inline int64_t pool_planes(const tr::Array<T, N>& a) {
    return tr::numel(a.shape, N - 2);
}

// z (contiguous) = Pool(x). Mode: 0 max, 1 sum, 2 average_inc_pad, 3 average_exc_pad.
template <int Mode, class T, int N>
TR_NOINLINE void pool_forward(const tr::Array<T, N>& x, const tr::Array<T, N>& z, PoolGeom g) {
    const int64_t planes = pool_planes(x), xs0 = x.strides[N - 2], xs1 = x.strides[N - 1];
    tr::parallel_for(planes, planes * g.oh * g.ow * g.wh * g.ww, [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t p = lo; p < hi; ++p) {
            const T* xp = x.data + plane_offset(x, p);
            T* zp = z.data + p * g.oh * g.ow;
            for (int64_t i = 0; i < g.oh; ++i) {
                const int64_t r0 = g.r0(i), r1 = g.r1(i);
                for (int64_t j = 0; j < g.ow; ++j) {
                    const int64_t c0 = g.c0(j), c1 = g.c1(j);
                    if constexpr (Mode == 0) {
                        T m = tr::Max::identity<T>();
                        for (int64_t r = r0; r < r1; ++r)
                            for (int64_t c = c0; c < c1; ++c) m = tr::Max()(m, xp[r * xs0 + c * xs1]);
                        zp[i * g.ow + j] = m;
                    } else if constexpr (Mode == 1) {
                        T s = T(0);
                        for (int64_t r = r0; r < r1; ++r)
                            for (int64_t c = c0; c < c1; ++c) s = T(s + xp[r * xs0 + c * xs1]);
                        zp[i * g.ow + j] = s;
                    } else {
                        double s = 0;
                        for (int64_t r = r0; r < r1; ++r)
                            for (int64_t c = c0; c < c1; ++c) s += double(xp[r * xs0 + c * xs1]);
                        zp[i * g.ow + j] = static_cast<T>(s / g.count(i, j, Mode == 2));
                    }
                }
            }
        }
    });
}

// gx (contiguous, zeroed here) = MaxPoolGrad(x, z, gz): gz goes to the positions equal to their
// window's max (W: the type the reference adds in; a non-max position still adds 0 * gz).
template <class W, class T, class Z, class G, int N>
TR_NOINLINE void max_pool_grad(const tr::Array<T, N>& x, const tr::Array<Z, N>& z, const tr::Array<G, N>& gz,
                               const tr::Array<T, N>& gx, PoolGeom g) {
    std::fill(gx.data, gx.data + tr::numel(gx), T(0));
    const int64_t planes = pool_planes(x), xs0 = x.strides[N - 2], xs1 = x.strides[N - 1];
    const int64_t zs0 = z.strides[N - 2], zs1 = z.strides[N - 1], gs0 = gz.strides[N - 2], gs1 = gz.strides[N - 1];
    tr::parallel_for(planes, planes * g.oh * g.ow * g.wh * g.ww, [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t p = lo; p < hi; ++p) {
            const T* xp = x.data + plane_offset(x, p);
            const Z* zp = z.data + plane_offset(z, p);
            const G* gp = gz.data + plane_offset(gz, p);
            T* op = gx.data + p * g.h * g.w;
            for (int64_t i = 0; i < g.oh; ++i) {
                for (int64_t j = 0; j < g.ow; ++j) {
                    const Z zv = zp[i * zs0 + j * zs1];
                    const W gv = static_cast<W>(gp[i * gs0 + j * gs1]);
                    for (int64_t r = g.r0(i), r1 = g.r1(i); r < r1; ++r)
                        for (int64_t c = g.c0(j), c1 = g.c1(j); c < c1; ++c) {
                            T& o = op[r * g.w + c];
                            o = static_cast<T>(static_cast<W>(o) + static_cast<W>(xp[r * xs0 + c * xs1] == zv) * gv);
                        }
                }
            }
        }
    });
}

// out (contiguous) = MaxPoolGradGrad(x, z, ggx): per window, the sum of ggx where x is the max
// (accumulated in ggx's type G, like the reference).
template <class T, class Z, class G, class O, int N>
TR_NOINLINE void max_pool_grad_grad(const tr::Array<T, N>& x, const tr::Array<Z, N>& z, const tr::Array<G, N>& gg,
                                    const tr::Array<O, N>& out, PoolGeom g) {
    const int64_t planes = pool_planes(x), xs0 = x.strides[N - 2], xs1 = x.strides[N - 1];
    const int64_t zs0 = z.strides[N - 2], zs1 = z.strides[N - 1], gs0 = gg.strides[N - 2], gs1 = gg.strides[N - 1];
    tr::parallel_for(planes, planes * g.oh * g.ow * g.wh * g.ww, [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t p = lo; p < hi; ++p) {
            const T* xp = x.data + plane_offset(x, p);
            const Z* zp = z.data + plane_offset(z, p);
            const G* gp = gg.data + plane_offset(gg, p);
            O* op = out.data + p * g.oh * g.ow;
            for (int64_t i = 0; i < g.oh; ++i) {
                for (int64_t j = 0; j < g.ow; ++j) {
                    const Z zv = zp[i * zs0 + j * zs1];
                    G s = G(0);
                    for (int64_t r = g.r0(i), r1 = g.r1(i); r < r1; ++r)
                        for (int64_t c = g.c0(j), c1 = g.c1(j); c < c1; ++c)
                            s = G(s + G(xp[r * xs0 + c * xs1] == zv) * gp[r * gs0 + c * gs1]);
                    op[i * g.ow + j] = static_cast<O>(s);
                }
            }
        }
    });
}

// acc (contiguous, of the input's shape, zeroed here) = AveragePoolGrad(gz): each window spreads
// its gradient (divided by its count for the averages, then rounded to G) over its real positions.
template <int Mode, class G, int N>
TR_NOINLINE void avg_pool_grad(const tr::Array<G, N>& gz, const tr::Array<G, N>& acc, PoolGeom g) {
    std::fill(acc.data, acc.data + tr::numel(acc), G(0));
    const int64_t planes = pool_planes(acc), gs0 = gz.strides[N - 2], gs1 = gz.strides[N - 1];
    tr::parallel_for(planes, planes * g.oh * g.ow * g.wh * g.ww, [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t p = lo; p < hi; ++p) {
            const G* gp = gz.data + plane_offset(gz, p);
            G* op = acc.data + p * g.h * g.w;
            for (int64_t i = 0; i < g.oh; ++i) {
                for (int64_t j = 0; j < g.ow; ++j) {
                    G gv = gp[i * gs0 + j * gs1];
                    if constexpr (Mode != 1) gv = static_cast<G>(double(gv) / g.count(i, j, Mode == 2));
                    for (int64_t r = g.r0(i), r1 = g.r1(i); r < r1; ++r)
                        for (int64_t c = g.c0(j), c1 = g.c1(j); c < c1; ++c) op[r * g.w + c] = G(op[r * g.w + c] + gv);
                }
            }
        }
    });
}
