// transpile_conv.h: 2-d and 3-d grouped convolution for the rules in emit/cpp/rules/conv.py.
//
// Every op is im2col + GEMM (`tr::product`: a CBLAS when there is one), one GEMM per image and
// channel group. Geometry is always 3-d (depth, rows, columns): a 2-d convolution is one of depth
// 1 with a 1-tap depth filter. For image b and group q, the column matrix `cols` (taps =
// C*kd*kh*kw rows, C the channels per group; pixels = OD*OH*OW columns) holds in row (c, t, u, v)
// the input values of channel q*C + c that kernel element [., c, t, u, v] multiplies, zero where
// the window is in the padding: with filter_flip the element reads the mirrored tap, so the stored
// kernel is used as it is (no flipped copy), and the filter gradient comes out flipped for free.
//
//     forward:        out[b, group q] (O/G x pixels) = K[group q] (O/G x taps) . cols
//     filter grad:    gk[group q] (O/G x taps)     += topgrad[b, group q] . cols^T
//     input grad:     cols = K[group q]^T . topgrad[b, group q], then scattered back (col2im)
// Copied into generated projects from transpile/templates/runtime/conv.h; do not edit.
#pragma once
#include <algorithm>
#include <cstdint>

#include "transpile_runtime.h"

inline int64_t conv_floordiv(int64_t a, int64_t b) {
    const int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

struct ConvGeom {
    int64_t b, c, groups, o, og;  // c: input channels per group; og: output channels per group
    int64_t d, h, w, kd, kh, kw, od, oh, ow, pd, ph, pw, sd, sh, sw, dd, dh, dw;
    bool flip;
    int64_t taps() const { return c * kd * kh * kw; }
    int64_t pixels() const { return od * oh * ow; }
    int64_t volume() const { return d * h * w; }
    // output columns [lo, hi) whose input column ox * sw + off lies in [0, w)
    void span(int64_t off, int64_t* lo, int64_t* hi) const {
        *lo = off < 0 ? std::min(ow, (-off + sw - 1) / sw) : 0;
        *hi = std::max(*lo, std::min(ow, conv_floordiv(w - 1 - off, sw) + 1));
    }
    // the input tap of kernel tap t of k taps (mirrored with filter_flip)
    int64_t tap(int64_t t, int64_t k) const { return flip ? k - 1 - t : t; }
};

// The geometry of an image of shape `img` and filters of shape `kern` (nd + 2 entries each, nd 2
// or 3) in `groups` channel groups; border: 0 valid, 1 full, 2 half, 3 the explicit padding;
// par: padding, strides and dilations of (depth, rows, columns), 9 entries. The reference's checks.
inline int conv_geometry(tr::Context& ctx, const char* who, const char* border_text, ConvGeom& g, const int64_t* img,
                         const int64_t* kern, int nd, int64_t groups, int border, const int64_t* par, bool flip) {
    const int n = nd + 2;
    const int64_t s[3] = {nd == 3 ? img[2] : 1, img[n - 2], img[n - 1]};
    const int64_t k[3] = {nd == 3 ? kern[2] : 1, kern[n - 2], kern[n - 1]};
    if (img[1] != kern[1] * groups) {
        if (groups == 1) {
            return tr::fail(ctx, TRANSPILE_ERR_VALUE, "%s: the input has %lld channels (shape %s) but the filters expect %lld (shape %s)",
                            who, (long long)img[1], tr::shape_text(img, n).text, (long long)kern[1], tr::shape_text(kern, n).text);
        }
        return tr::fail(ctx, TRANSPILE_ERR_VALUE,
                        "%s: the input has %lld channels (shape %s) but the filters (shape %s) expect %lld per group x "
                        "num_groups %lld = %lld", who, (long long)img[1], tr::shape_text(img, n).text,
                        tr::shape_text(kern, n).text, (long long)kern[1], (long long)groups, (long long)(kern[1] * groups));
    }
    if (kern[0] % groups != 0) {
        return tr::fail(ctx, TRANSPILE_ERR_VALUE, "%s: the filters' %lld output channels (shape %s) do not divide into num_groups=%lld",
                        who, (long long)kern[0], tr::shape_text(kern, n).text, (long long)groups);
    }
    int64_t pad[3], ext[3], out[3];
    for (int a = 0; a < 3; ++a) {
        ext[a] = (k[a] - 1) * par[6 + a] + 1;
        pad[a] = border == 0 ? 0 : border == 1 ? ext[a] - 1 : border == 2 ? conv_floordiv(ext[a], 2) : par[a];
        out[a] = conv_floordiv(s[a] + 2 * pad[a] - ext[a], par[3 + a]) + 1;
    }
    g = ConvGeom{img[0], kern[1], groups, kern[0], kern[0] / groups, s[0], s[1], s[2], k[0], k[1], k[2], out[0], out[1],
                 out[2], pad[0], pad[1], pad[2], par[3], par[4], par[5], par[6], par[7], par[8], flip};
    if (out[0] < 1 || out[1] < 1 || out[2] < 1) {
        return tr::fail(ctx, TRANSPILE_ERR_VALUE,
                        "%s: the filter (shape %s, extent %s) is larger than the input (shape %s) padded by %s in "
                        "border_mode=%s", who, tr::shape_text(kern, n).text, tr::shape_text(ext + 3 - nd, nd).text,
                        tr::shape_text(img, n).text, tr::shape_text(pad + 3 - nd, nd).text, border_text);
    }
    return TRANSPILE_OK;
}

// True when dims [from, N) of `a` flatten to one run of unit stride (length-1 dims ignored).
template <class T, int N>
inline bool conv_flat(const tr::Array<T, N>& a, int from) {
    int64_t expect = 1;
    for (int d = N - 1; d >= from; --d) {
        if (a.shape[d] != 1 && a.strides[d] != expect) return false;
        expect *= a.shape[d];
    }
    return true;
}

// cols (taps x pixels, contiguous) = the windows of channels [c0, c0 + g.c) of image b of x.
template <class T, class X, int N>
TR_NOINLINE void conv_im2col(const tr::Array<X, N>& x, int64_t b, int64_t c0, const ConvGeom& g, T* cols) {
    const int64_t taps = g.taps(), n = g.pixels(), kk = g.kd * g.kh * g.kw;
    const int64_t zs = N == 5 ? x.strides[2] : 0, ys = x.strides[N - 2], xs = x.strides[N - 1];
    tr::parallel_for(taps, taps * n, [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t r = lo; r < hi; ++r) {
            const int64_t c = r / kk, t = (r / (g.kh * g.kw)) % g.kd, u = (r / g.kw) % g.kh, v = r % g.kw;
            const int64_t tt = g.tap(t, g.kd), tu = g.tap(u, g.kh), tv = g.tap(v, g.kw);
            const int64_t off = tv * g.dw - g.pw;
            int64_t a, e;
            g.span(off, &a, &e);
            const X* plane = x.data + b * x.strides[0] + (c0 + c) * x.strides[1];
            for (int64_t oz = 0; oz < g.od; ++oz) {
                const int64_t iz = oz * g.sd + tt * g.dd - g.pd;
                for (int64_t oy = 0; oy < g.oh; ++oy) {
                    T* out = cols + r * n + (oz * g.oh + oy) * g.ow;
                    const int64_t iy = oy * g.sh + tu * g.dh - g.ph;
                    if (iz < 0 || iz >= g.d || iy < 0 || iy >= g.h) {
                        std::fill(out, out + g.ow, T(0));
                        continue;
                    }
                    const X* line = plane + iz * zs + iy * ys;
                    std::fill(out, out + a, T(0));
                    if (g.sw == 1 && xs == 1) {
                        for (int64_t ox = a; ox < e; ++ox) out[ox] = static_cast<T>(line[ox + off]);
                    } else {
                        for (int64_t ox = a; ox < e; ++ox) out[ox] = static_cast<T>(line[(ox * g.sw + off) * xs]);
                    }
                    std::fill(out + e, out + g.ow, T(0));
                }
            }
        }
    });
}

// gx (the g.c channels of one image's group, contiguous C x D x H x W) += cols scattered back to
// where im2col read them.
template <class T>
TR_NOINLINE void conv_col2im(const T* cols, const ConvGeom& g, T* gx) {
    const int64_t n = g.pixels(), kk = g.kd * g.kh * g.kw;
    tr::parallel_for(g.c, g.c * kk * n, [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t c = lo; c < hi; ++c) {
            T* plane = gx + c * g.volume();
            for (int64_t k = 0; k < kk; ++k) {
                const int64_t tt = g.tap(k / (g.kh * g.kw), g.kd), tu = g.tap((k / g.kw) % g.kh, g.kh);
                const int64_t tv = g.tap(k % g.kw, g.kw), off = tv * g.dw - g.pw;
                int64_t a, e;
                g.span(off, &a, &e);
                const T* row = cols + (c * kk + k) * n;
                for (int64_t oz = 0; oz < g.od; ++oz) {
                    const int64_t iz = oz * g.sd + tt * g.dd - g.pd;
                    if (iz < 0 || iz >= g.d) continue;
                    for (int64_t oy = 0; oy < g.oh; ++oy) {
                        const int64_t iy = oy * g.sh + tu * g.dh - g.ph;
                        if (iy < 0 || iy >= g.h) continue;
                        T* line = plane + (iz * g.h + iy) * g.w;
                        const T* src = row + (oz * g.oh + oy) * g.ow;
                        for (int64_t ox = a; ox < e; ++ox) line[ox * g.sw + off] += src[ox];
                    }
                }
            }
        }
    });
}
