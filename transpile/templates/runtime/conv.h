// transpile_conv.h: 2-d convolution for the rules in emit/cpp/rules/conv.py.
//
// Every op is im2col + GEMM (`tr::product`: a CBLAS when there is one). For image b, the column
// matrix `cols` (taps = C*kh*kw rows, pixels = OH*OW columns) holds in row (c, u, v) the input
// values that kernel element [., c, u, v] multiplies, zero where the window is in the padding:
// with filter_flip the element (u, v) reads tap (kh-1-u, kw-1-v), so the stored kernel is used as
// it is (no flipped copy), and the filter gradient comes out flipped for free.
//
//     forward:        out[b] (O x pixels) = K (O x taps) . cols
//     filter grad:    gk (O x taps)      += topgrad[b] (O x pixels) . cols^T
//     input grad:     cols = K^T . topgrad[b], then scattered back (col2im) into gx[b]
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
    int64_t b, c, h, w, o, kh, kw, oh, ow, ph, pw, sh, sw, dh, dw;
    bool flip;
    int64_t taps() const { return c * kh * kw; }
    int64_t pixels() const { return oh * ow; }
    // output columns [lo, hi) whose input column ox * sw + off lies in [0, w)
    void span(int64_t off, int64_t* lo, int64_t* hi) const {
        *lo = off < 0 ? std::min(ow, (-off + sw - 1) / sw) : 0;
        *hi = std::max(*lo, std::min(ow, conv_floordiv(w - 1 - off, sw) + 1));
    }
};

// The geometry of an image of shape `img` and filters of shape `kern` (border: 0 valid, 1 full,
// 2 half, 3 the explicit padding ph, pw), with the reference's checks.
inline int conv_geometry(tr::Context& ctx, const char* who, const char* border_text, ConvGeom& g, const int64_t* img,
                         const int64_t* kern, int border, int64_t ph, int64_t pw, int64_t sh, int64_t sw, int64_t dh,
                         int64_t dw, bool flip) {
    g = ConvGeom{img[0], img[1], img[2], img[3], kern[0], kern[2], kern[3], 0, 0, ph, pw, sh, sw, dh, dw, flip};
    if (img[1] != kern[1]) {
        return tr::fail(ctx, TRANSPILE_ERR_VALUE, "%s: the input has %lld channels (shape %s) but the filters expect %lld (shape %s)",
                        who, (long long)img[1], tr::shape_text(img, 4).text, (long long)kern[1], tr::shape_text(kern, 4).text);
    }
    const int64_t eh = (g.kh - 1) * dh + 1, ew = (g.kw - 1) * dw + 1;
    if (border == 0) {
        g.ph = g.pw = 0;
    } else if (border == 1) {
        g.ph = eh - 1;
        g.pw = ew - 1;
    } else if (border == 2) {
        g.ph = conv_floordiv(eh, 2);
        g.pw = conv_floordiv(ew, 2);
    }
    g.oh = conv_floordiv(g.h + 2 * g.ph - eh, sh) + 1;
    g.ow = conv_floordiv(g.w + 2 * g.pw - ew, sw) + 1;
    if (g.oh < 1 || g.ow < 1) {
        return tr::fail(ctx, TRANSPILE_ERR_VALUE,
                        "%s: the filter (shape %s, extent (%lld, %lld)) is larger than the input (shape %s) padded by "
                        "(%lld, %lld) in border_mode=%s", who, tr::shape_text(kern, 4).text, (long long)eh, (long long)ew,
                        tr::shape_text(img, 4).text, (long long)g.ph, (long long)g.pw, border_text);
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

// cols (taps x pixels, contiguous) = the windows of image b of x.
template <class T, class X>
TR_NOINLINE void conv_im2col(const tr::Array<X, 4>& x, int64_t b, const ConvGeom& g, T* cols) {
    const int64_t taps = g.taps(), n = g.pixels();
    tr::parallel_for(taps, taps * n, [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t r = lo; r < hi; ++r) {
            const int64_t c = r / (g.kh * g.kw), u = (r / g.kw) % g.kh, v = r % g.kw;
            const int64_t tu = g.flip ? g.kh - 1 - u : u, tv = g.flip ? g.kw - 1 - v : v;
            const int64_t off = tv * g.dw - g.pw, xs = x.strides[3];
            int64_t a, e;
            g.span(off, &a, &e);
            const X* plane = x.data + b * x.strides[0] + c * x.strides[1];
            for (int64_t oy = 0; oy < g.oh; ++oy) {
                T* out = cols + r * n + oy * g.ow;
                const int64_t iy = oy * g.sh + tu * g.dh - g.ph;
                if (iy < 0 || iy >= g.h) {
                    std::fill(out, out + g.ow, T(0));
                    continue;
                }
                const X* line = plane + iy * x.strides[2];
                std::fill(out, out + a, T(0));
                if (g.sw == 1 && xs == 1) {
                    for (int64_t ox = a; ox < e; ++ox) out[ox] = static_cast<T>(line[ox + off]);
                } else {
                    for (int64_t ox = a; ox < e; ++ox) out[ox] = static_cast<T>(line[(ox * g.sw + off) * xs]);
                }
                std::fill(out + e, out + g.ow, T(0));
            }
        }
    });
}

// gx (one image, contiguous C x H x W) += cols scattered back to where im2col read them.
template <class T>
TR_NOINLINE void conv_col2im(const T* cols, const ConvGeom& g, T* gx) {
    const int64_t n = g.pixels(), kk = g.kh * g.kw;
    tr::parallel_for(g.c, g.c * kk * n, [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t c = lo; c < hi; ++c) {
            T* plane = gx + c * g.h * g.w;
            for (int64_t k = 0; k < kk; ++k) {
                const int64_t u = k / g.kw, v = k % g.kw;
                const int64_t tu = g.flip ? g.kh - 1 - u : u, tv = g.flip ? g.kw - 1 - v : v;
                const int64_t off = tv * g.dw - g.pw;
                int64_t a, e;
                g.span(off, &a, &e);
                const T* row = cols + (c * kk + k) * n;
                for (int64_t oy = 0; oy < g.oh; ++oy) {
                    const int64_t iy = oy * g.sh + tu * g.dh - g.ph;
                    if (iy < 0 || iy >= g.h) continue;
                    T* line = plane + iy * g.w;
                    const T* src = row + oy * g.ow;
                    for (int64_t ox = a; ox < e; ++ox) line[ox * g.sw + off] += src[ox];
                }
            }
        }
    });
}
