// transpile_cuda_conv.cuh: 2-d and 3-d grouped convolution on the GPU (emit/cuda/rules/conv.py):
// the forward op and its two gradients as the CPU runtime computes them (transpile_conv.h, whose
// ConvGeom the host code fills and checks): per image and channel group, an im2col kernel and
// one cuBLAS gemm (transpile_cuda_blas.cuh), and for the input gradient a gemm then a col2im
// kernel. col2im gathers instead of scattering: one thread per input element adds, in the CPU's
// order (kernel taps ascending), the column entries that read it, so overlapping windows need no
// atomics and the sum does not depend on scheduling. Host functions run their launches and
// gemms on the state's stream, in order; `cols` is GPU scratch of taps x pixels.
// Copied into generated projects from transpile/templates/cuda/conv.cuh; do not edit.
#pragma once
#include <cuda_runtime.h>

#include "transpile_conv.h"
#include "transpile_cuda_blas.cuh"
#include "transpile_cuda_kernels.cuh"

namespace tr {
namespace cu {

// ConvGeom from the 24 values the host code lists (b, c, groups, o, og, d, h, w, kd, kh, kw,
// od, oh, ow, pd, ph, pw, sd, sh, sw, dd, dh, dw, flip).
inline ConvGeom conv_geom_of(const int64_t* v) {
    return ConvGeom{v[0],  v[1],  v[2],  v[3],  v[4],  v[5],  v[6],  v[7],  v[8],  v[9],  v[10], v[11],
                    v[12], v[13], v[14], v[15], v[16], v[17], v[18], v[19], v[20], v[21], v[22], v[23] != 0};
}

// cols (taps x pixels, contiguous) = the windows of channels [c0, c0 + g.c) of image b of x
// (transpile_conv.h's conv_im2col), one thread per entry.
template <class T, class X, int N>
__global__ void im2col_kernel(Array<X, N> x, int64_t b, int64_t c0, ConvGeom g, T* cols, int64_t total) {
    const int64_t n = g.od * g.oh * g.ow, kk = g.kd * g.kh * g.kw;
    const int64_t zs = N == 5 ? x.strides[2] : 0, ys = x.strides[N - 2], xs = x.strides[N - 1];
    for (int64_t e = thread_index(); e < total; e += thread_stride()) {
        const int64_t r = e / n, p = e - r * n;
        const int64_t ox = p % g.ow, oy = (p / g.ow) % g.oh, oz = p / (g.ow * g.oh);
        const int64_t c = r / kk, t = (r / (g.kh * g.kw)) % g.kd, u = (r / g.kw) % g.kh, v = r % g.kw;
        const int64_t tt = g.flip ? g.kd - 1 - t : t, tu = g.flip ? g.kh - 1 - u : u, tv = g.flip ? g.kw - 1 - v : v;
        const int64_t iz = oz * g.sd + tt * g.dd - g.pd, iy = oy * g.sh + tu * g.dh - g.ph, ix = ox * g.sw + tv * g.dw - g.pw;
        T value = T(0);
        if (iz >= 0 && iz < g.d && iy >= 0 && iy < g.h && ix >= 0 && ix < g.w) {
            value = static_cast<T>(x.data[b * x.strides[0] + (c0 + c) * x.strides[1] + iz * zs + iy * ys + ix * xs]);
        }
        cols[e] = value;
    }
}

// gx (the g.c channels of one image's group, contiguous C x D x H x W) = cols gathered back to
// where im2col read them, each input element summing its taps in ascending order.
template <class T>
__global__ void col2im_kernel(const T* cols, ConvGeom g, T* gx, int64_t total) {
    const int64_t n = g.od * g.oh * g.ow, kk = g.kd * g.kh * g.kw, volume = g.d * g.h * g.w;
    for (int64_t e = thread_index(); e < total; e += thread_stride()) {
        const int64_t c = e / volume, rest = e - c * volume;
        const int64_t ix = rest % g.w, iy = (rest / g.w) % g.h, iz = rest / (g.w * g.h);
        T acc = T(0);
        for (int64_t k = 0; k < kk; ++k) {
            const int64_t t = k / (g.kh * g.kw), u = (k / g.kw) % g.kh, v = k % g.kw;
            const int64_t tt = g.flip ? g.kd - 1 - t : t, tu = g.flip ? g.kh - 1 - u : u, tv = g.flip ? g.kw - 1 - v : v;
            const int64_t nz = iz + g.pd - tt * g.dd, ny = iy + g.ph - tu * g.dh, nx = ix + g.pw - tv * g.dw;
            if (nz < 0 || ny < 0 || nx < 0 || nz % g.sd != 0 || ny % g.sh != 0 || nx % g.sw != 0) continue;
            const int64_t oz = nz / g.sd, oy = ny / g.sh, ox = nx / g.sw;
            if (oz >= g.od || oy >= g.oh || ox >= g.ow) continue;
            acc += cols[(c * kk + k) * n + (oz * g.oh + oy) * g.ow + ox];
        }
        gx[e] = acc;
    }
}

template <class T, class X, int N>
int im2col(Context& ctx, const Array<X, N>& x, int64_t b, int64_t c0, const ConvGeom& g, T* cols) {
    const int64_t total = g.taps() * g.pixels();
    if (total == 0) {
        return TRANSPILE_OK;
    }
    im2col_kernel<T, X, N><<<grid_for(total, kBlock), kBlock, 0, stream(ctx)>>>(x, b, c0, g, cols, total);
    return check(ctx, cudaGetLastError(), "im2col");
}

// out = conv(x, kernels): kernels read as rows o of taps (k, row stride ks).
template <class T, class X, int N>
int conv_forward(Context& ctx, Array<T, N> out, Array<X, N> x, const T* k, int64_t ks, const int64_t* geom, T* cols) {
    const ConvGeom g = conv_geom_of(geom);
    const int64_t per_image = g.o * g.pixels();
    for (int64_t b = 0; b < g.b; ++b) {
        for (int64_t q = 0; q < g.groups; ++q) {
            TR_CHECK(im2col(ctx, x, b, q * g.c, g, cols));
            TR_CHECK(gemm<T>(ctx, g.og, g.pixels(), g.taps(), T(1), Mat<T>{k + q * g.og * ks, ks, 1},
                             Mat<T>{cols, g.pixels(), 1}, T(0), out.data + b * per_image + q * g.og * g.pixels(), g.pixels()));
        }
    }
    return TRANSPILE_OK;
}

// gk (contiguous, zeroed here) = the filter gradient: topgrad read per image (stride gb) and
// row o (stride go) as runs of pixels.
template <class T, class X, int N>
int conv_grad_weights(Context& ctx, Array<T, N> gk, Array<X, N> x, const T* tg, int64_t gb, int64_t go,
                      const int64_t* geom, T* cols) {
    const ConvGeom g = conv_geom_of(geom);
    TR_CHECK(check(ctx, fill(stream(ctx), gk, T(0)), "fill (filter gradient)"));
    for (int64_t b = 0; b < g.b; ++b) {
        for (int64_t q = 0; q < g.groups; ++q) {
            TR_CHECK(im2col(ctx, x, b, q * g.c, g, cols));
            TR_CHECK(gemm<T>(ctx, g.og, g.taps(), g.pixels(), T(1), Mat<T>{tg + b * gb + q * g.og * go, go, 1},
                             Mat<T>{cols, 1, g.pixels()}, T(1), gk.data + q * g.og * g.taps(), g.taps()));
        }
    }
    return TRANSPILE_OK;
}

// gx (contiguous) = the input gradient: cols = K[group]^T . topgrad[image, group], gathered back.
template <class T, int N>
int conv_grad_inputs(Context& ctx, Array<T, N> gx, const T* k, int64_t ks, const T* tg, int64_t gb, int64_t go,
                     const int64_t* geom, T* cols) {
    const ConvGeom g = conv_geom_of(geom);
    const int64_t per_group = g.c * g.volume(), per_image = g.groups * per_group;
    for (int64_t b = 0; b < g.b; ++b) {
        for (int64_t q = 0; q < g.groups; ++q) {
            T* region = gx.data + b * per_image + q * per_group;
            if (per_group == 0) continue;
            if (g.og == 0 || g.taps() == 0 || g.pixels() == 0) {  // nothing reads these inputs
                TR_CHECK(check(ctx, cudaMemsetAsync(region, 0, size_t(per_group) * sizeof(T), stream(ctx)), "cudaMemsetAsync"));
                continue;
            }
            TR_CHECK(gemm<T>(ctx, g.taps(), g.pixels(), g.og, T(1), Mat<T>{k + q * g.og * ks, 1, ks},
                             Mat<T>{tg + b * gb + q * g.og * go, go, 1}, T(0), cols, g.pixels()));
            col2im_kernel<T><<<grid_for(per_group, kBlock), kBlock, 0, stream(ctx)>>>(cols, g, region, per_group);
            TR_CHECK(check(ctx, cudaGetLastError(), "col2im"));
        }
    }
    return TRANSPILE_OK;
}

}  // namespace cu
}  // namespace tr
