// transpile_pool.h: 2-d and 3-d pooling for the rules in emit/cpp/rules/pool.py.
//
// Windows follow `tensor/nnet/pool_kernels.py`: window (k, i, j) starts at (k*sd, i*sh, j*sw) in
// the zero-padded input and is clipped to it; only its intersection with the real input matters
// (padding never wins a max and adds 0 to sums; the gradients scatter there and are cropped),
// except for the average_inc_pad divisor, which counts the clipped window, padding included.
// Geometry is always 3-d (depth, rows, columns): 2-d pooling is pooling of depth 1 with a window
// of depth 1. Each kernel runs over the planes (every index of the leading dims), in parallel.
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
    int nd;                                        // pooled axes of the arrays: 2 or 3
    int64_t n[3], out[3], ws[3], st[3], pad[3];    // per axis (depth, rows, columns)

    // real positions [lo, hi) along axis a of the windows of output index i
    int64_t lo(int a, int64_t i) const { return std::max<int64_t>(i * st[a] - pad[a], 0); }
    int64_t hi(int a, int64_t i) const { return std::min<int64_t>(i * st[a] + ws[a] - pad[a], n[a]); }
    int64_t outs() const { return out[0] * out[1] * out[2]; }
    int64_t volume() const { return n[0] * n[1] * n[2]; }
    int64_t window() const { return ws[0] * ws[1] * ws[2]; }

    // what the average of window (k, i, j) divides by
    double count(const int64_t* idx, bool inc_pad) const {
        double c = 1;
        for (int a = 0; a < 3; ++a) {
            const int64_t s = idx[a] * st[a];
            c *= inc_pad ? double(std::min<int64_t>(s + ws[a], n[a] + 2 * pad[a]) - s)
                         : double(std::max<int64_t>(hi(a, idx[a]) - lo(a, idx[a]), 0));
        }
        return c;
    }
};

// par: window, strides, padding of the `nd` pooled axes (3 * nd entries).
inline PoolGeom pool_geometry(const int64_t* shape, int ndim, int nd, const int64_t* par, bool ignore_border) {
    PoolGeom g;
    g.nd = nd;
    for (int a = 0; a < 3; ++a) {
        const int k = a - (3 - nd);  // the pooled axis, or < 0 for the depth of 2-d pooling
        g.n[a] = k < 0 ? 1 : shape[ndim - nd + k];
        g.ws[a] = k < 0 ? 1 : par[k];
        g.st[a] = k < 0 ? 1 : par[nd + k];
        g.pad[a] = k < 0 ? 0 : par[2 * nd + k];
        g.out[a] = pool_out_len(g.n[a], g.ws[a], g.st[a], g.pad[a], ignore_border);
    }
    return g;
}

// Offset of plane p (a flat index over the leading N - nd dims) in `a`.
template <class T, int N>
inline int64_t plane_offset(const tr::Array<T, N>& a, int64_t p, int nd) {
    int64_t off = 0;
    for (int d = N - nd - 1; d >= 0; --d) {
        off += (p % a.shape[d]) * a.strides[d];
        p /= a.shape[d];
    }
    return off;
}

// Strides of the (depth, rows, columns) axes of `a` (depth 0 for 2-d pooling).
template <class T, int N>
struct PoolStrides {
    int64_t s[3];
    PoolStrides(const tr::Array<T, N>& a, int nd) : s{nd == 3 ? a.strides[N - 3] : 0, a.strides[N - 2], a.strides[N - 1]} {}
    int64_t at(int64_t z, int64_t r, int64_t c) const { return z * s[0] + r * s[1] + c * s[2]; }
};

// Calls window(idx, o) for every window idx = (k, i, j) of a plane, o its flat output index.
template <class Window>
inline void pool_windows(const PoolGeom& g, Window&& window) {
    int64_t idx[3];
    for (idx[0] = 0; idx[0] < g.out[0]; ++idx[0])
        for (idx[1] = 0; idx[1] < g.out[1]; ++idx[1])
            for (idx[2] = 0; idx[2] < g.out[2]; ++idx[2]) window(idx, (idx[0] * g.out[1] + idx[1]) * g.out[2] + idx[2]);
}

// Calls body(z, r, c) for every real (unpadded) position of window idx.
template <class Body>
inline void pool_window_elements(const PoolGeom& g, const int64_t* idx, Body&& body) {
    for (int64_t z = g.lo(0, idx[0]), z1 = g.hi(0, idx[0]); z < z1; ++z)
        for (int64_t r = g.lo(1, idx[1]), r1 = g.hi(1, idx[1]); r < r1; ++r)
            for (int64_t c = g.lo(2, idx[2]), c1 = g.hi(2, idx[2]); c < c1; ++c) body(z, r, c);
}

template <class T, int N>
inline int64_t pool_planes(const tr::Array<T, N>& a, int nd) {
    return tr::numel(a.shape, N - nd);
}

// z (contiguous) = Pool(x). Mode: 0 max, 1 sum, 2 average_inc_pad, 3 average_exc_pad.
template <int Mode, class T, int N>
TR_NOINLINE void pool_forward(const tr::Array<T, N>& x, const tr::Array<T, N>& z, PoolGeom g) {
    const int64_t planes = pool_planes(x, g.nd), outs = g.outs();
    const PoolStrides<T, N> xs(x, g.nd);
    tr::parallel_for(planes, planes * outs * g.window(), [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t p = lo; p < hi; ++p) {
            const T* xp = x.data + plane_offset(x, p, g.nd);
            T* zp = z.data + p * outs;
            pool_windows(g, [&](const int64_t* idx, int64_t o) {
                if constexpr (Mode == 0) {
                    T m = tr::Max::identity<T>();
                    pool_window_elements(g, idx, [&](int64_t a, int64_t b, int64_t c) { m = tr::Max()(m, xp[xs.at(a, b, c)]); });
                    zp[o] = m;
                } else if constexpr (Mode == 1) {
                    T s = T(0);
                    pool_window_elements(g, idx, [&](int64_t a, int64_t b, int64_t c) { s = T(s + xp[xs.at(a, b, c)]); });
                    zp[o] = s;
                } else {
                    double s = 0;
                    pool_window_elements(g, idx, [&](int64_t a, int64_t b, int64_t c) { s += double(xp[xs.at(a, b, c)]); });
                    zp[o] = static_cast<T>(s / g.count(idx, Mode == 2));
                }
            });
        }
    });
}

// gx (contiguous, zeroed here) = MaxPoolGrad(x, z, gz): gz goes to the positions equal to their
// window's max (W: the type the reference adds in; a non-max position still adds 0 * gz).
template <class W, class T, class Z, class G, int N>
TR_NOINLINE void max_pool_grad(const tr::Array<T, N>& x, const tr::Array<Z, N>& z, const tr::Array<G, N>& gz,
                               const tr::Array<T, N>& gx, PoolGeom g) {
    std::fill(gx.data, gx.data + tr::numel(gx), T(0));
    const int64_t planes = pool_planes(x, g.nd);
    const PoolStrides<T, N> xs(x, g.nd);
    const PoolStrides<Z, N> zs(z, g.nd);
    const PoolStrides<G, N> gs(gz, g.nd);
    tr::parallel_for(planes, planes * g.outs() * g.window(), [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t p = lo; p < hi; ++p) {
            const T* xp = x.data + plane_offset(x, p, g.nd);
            const Z* zp = z.data + plane_offset(z, p, g.nd);
            const G* gp = gz.data + plane_offset(gz, p, g.nd);
            T* op = gx.data + p * g.volume();
            pool_windows(g, [&](const int64_t* idx, int64_t) {
                const Z zv = zp[zs.at(idx[0], idx[1], idx[2])];
                const W gv = static_cast<W>(gp[gs.at(idx[0], idx[1], idx[2])]);
                pool_window_elements(g, idx, [&](int64_t a, int64_t b, int64_t c) {
                    T& o = op[(a * g.n[1] + b) * g.n[2] + c];
                    o = static_cast<T>(static_cast<W>(o) + static_cast<W>(xp[xs.at(a, b, c)] == zv) * gv);
                });
            });
        }
    });
}

// out (contiguous) = MaxPoolGradGrad(x, z, ggx): per window, the sum of ggx where x is the max
// (accumulated in ggx's type G, like the reference).
template <class T, class Z, class G, class O, int N>
TR_NOINLINE void max_pool_grad_grad(const tr::Array<T, N>& x, const tr::Array<Z, N>& z, const tr::Array<G, N>& gg,
                                    const tr::Array<O, N>& out, PoolGeom g) {
    const int64_t planes = pool_planes(x, g.nd), outs = g.outs();
    const PoolStrides<T, N> xs(x, g.nd);
    const PoolStrides<Z, N> zs(z, g.nd);
    const PoolStrides<G, N> gs(gg, g.nd);
    tr::parallel_for(planes, planes * outs * g.window(), [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t p = lo; p < hi; ++p) {
            const T* xp = x.data + plane_offset(x, p, g.nd);
            const Z* zp = z.data + plane_offset(z, p, g.nd);
            const G* gp = gg.data + plane_offset(gg, p, g.nd);
            O* op = out.data + p * outs;
            pool_windows(g, [&](const int64_t* idx, int64_t o) {
                const Z zv = zp[zs.at(idx[0], idx[1], idx[2])];
                G s = G(0);
                pool_window_elements(g, idx, [&](int64_t a, int64_t b, int64_t c) {
                    s = G(s + G(xp[xs.at(a, b, c)] == zv) * gp[gs.at(a, b, c)]);
                });
                op[o] = static_cast<O>(s);
            });
        }
    });
}

// acc (contiguous, of the input's shape, zeroed here) = AveragePoolGrad(gz): each window spreads
// its gradient (divided by its count for the averages, then rounded to G) over its real positions.
template <int Mode, class G, int N>
TR_NOINLINE void avg_pool_grad(const tr::Array<G, N>& gz, const tr::Array<G, N>& acc, PoolGeom g) {
    std::fill(acc.data, acc.data + tr::numel(acc), G(0));
    const int64_t planes = pool_planes(acc, g.nd);
    const PoolStrides<G, N> gs(gz, g.nd);
    tr::parallel_for(planes, planes * g.outs() * g.window(), [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t p = lo; p < hi; ++p) {
            const G* gp = gz.data + plane_offset(gz, p, g.nd);
            G* op = acc.data + p * g.volume();
            pool_windows(g, [&](const int64_t* idx, int64_t) {
                G gv = gp[gs.at(idx[0], idx[1], idx[2])];
                if constexpr (Mode != 1) gv = static_cast<G>(double(gv) / g.count(idx, Mode == 2));
                pool_window_elements(g, idx, [&](int64_t a, int64_t b, int64_t c) {
                    G& o = op[(a * g.n[1] + b) * g.n[2] + c];
                    o = G(o + gv);
                });
            });
        }
    });
}
