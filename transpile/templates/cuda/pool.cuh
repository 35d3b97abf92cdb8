// transpile_cuda_pool.cuh: 2-d and 3-d pooling on the GPU (emit/cuda/rules/pool.py): Pool (max,
// sum, average_inc_pad, average_exc_pad), MaxPoolGrad, AveragePoolGrad, MaxPoolGradGrad.
//
// The windows are those of the CPU runtime (transpile_pool.h, geometry computed and checked on
// the host by its pool_geometry): window (k, i, j) starts at (k*sd, i*sh, j*sw) in the zero-
// padded input and is clipped to the real input, except for the average_inc_pad divisor. Every
// value is computed in the CPU kernels' order and types, so the results are the CPU's bits:
// the forward passes and MaxPoolGradGrad run one thread per output element; the gradients run
// one thread per input element, which adds the contributions of the windows that contain it in
// the order the CPU's scatter adds them (windows in C order), so overlapping windows need no
// atomics. Leading dims (the planes) may have any strides; the outputs are C-contiguous.
// Copied into generated projects from transpile/templates/cuda/pool.cuh; do not edit.
#pragma once
#include <cuda_runtime.h>

#include "transpile_cuda_kernels.cuh"

namespace tr {
namespace cu {

// The geometry of transpile_pool.h's PoolGeom as plain values: per axis (depth, rows, columns)
// the input length, the output length, window, stride and padding; 2-d pooling has depth 1.
struct PoolWindows {
    int nd;
    int64_t n[3], out[3], ws[3], st[3], pad[3];

    TR_HD int64_t lo(int a, int64_t i) const { return i * st[a] - pad[a] > 0 ? i * st[a] - pad[a] : 0; }
    TR_HD int64_t hi(int a, int64_t i) const { return i * st[a] + ws[a] - pad[a] < n[a] ? i * st[a] + ws[a] - pad[a] : n[a]; }
    TR_HD int64_t outs() const { return out[0] * out[1] * out[2]; }
    TR_HD int64_t volume() const { return n[0] * n[1] * n[2]; }

    // what the average of window idx divides by (PoolGeom::count)
    TR_HD double count(const int64_t* idx, bool inc_pad) const {
        double c = 1;
        for (int a = 0; a < 3; ++a) {
            const int64_t s = idx[a] * st[a];
            if (inc_pad) {
                const int64_t end = s + ws[a] < n[a] + 2 * pad[a] ? s + ws[a] : n[a] + 2 * pad[a];
                c *= double(end - s);
            } else {
                const int64_t len = hi(a, idx[a]) - lo(a, idx[a]);
                c *= double(len > 0 ? len : 0);
            }
        }
        return c;
    }

    // the first and last index of the windows along axis a that contain real position pos
    TR_HD void covering(int a, int64_t pos, int64_t& first, int64_t& last) const {
        const int64_t num = pos + pad[a] - ws[a] + 1;
        first = num <= 0 ? 0 : (num + st[a] - 1) / st[a];
        last = (pos + pad[a]) / st[a];
        if (last > out[a] - 1) last = out[a] - 1;
    }
};

// geom: 15 values, (n, out, ws, st, pad) x (depth, rows, columns), read on the host.
inline PoolWindows pool_windows(int nd, const int64_t* geom) {
    PoolWindows w;
    w.nd = nd;
    for (int a = 0; a < 3; ++a) {
        w.n[a] = geom[a];
        w.out[a] = geom[3 + a];
        w.ws[a] = geom[6 + a];
        w.st[a] = geom[9 + a];
        w.pad[a] = geom[12 + a];
    }
    return w;
}

// Offset of plane p (a flat index over the leading N - nd dims) in `a`, and the strides of its
// (depth, rows, columns) axes (depth 0 for 2-d pooling).
template <class T, int N>
struct PoolPlane {
    int64_t s[3];
    TR_HD PoolPlane(const Array<T, N>& a, int nd) : s{nd == 3 ? a.strides[N - 3] : 0, a.strides[N - 2], a.strides[N - 1]} {}
    TR_HD static int64_t offset(const Array<T, N>& a, int64_t p, int nd) {
        int64_t off = 0;
        for (int d = N - nd - 1; d >= 0; --d) {
            off += (p % a.shape[d]) * a.strides[d];
            p /= a.shape[d];
        }
        return off;
    }
    TR_HD int64_t at(int64_t z, int64_t r, int64_t c) const { return z * s[0] + r * s[1] + c * s[2]; }
};

// The plane and the (k, i, j) of flat index o of `extent` (out: windows, n: input positions).
TR_HD inline int64_t split_index(int64_t o, const int64_t* extent, int64_t* idx) {
    const int64_t per_plane = extent[0] * extent[1] * extent[2];
    const int64_t p = o / per_plane;
    int64_t rest = o - p * per_plane;
    idx[2] = rest % extent[2];
    rest /= extent[2];
    idx[1] = rest % extent[1];
    idx[0] = rest / extent[1];
    return p;
}

// z (contiguous) = Pool(x). Mode: 0 max, 1 sum, 2 average_inc_pad, 3 average_exc_pad.
template <int Mode, class T, int N>
__global__ void pool_forward_kernel(Array<T, N> x, T* z, PoolWindows g, int64_t total) {
    const PoolPlane<T, N> xs(x, g.nd);
    for (int64_t o = thread_index(); o < total; o += thread_stride()) {
        int64_t idx[3];
        const T* xp = x.data + PoolPlane<T, N>::offset(x, split_index(o, g.out, idx), g.nd);
        const int64_t z0 = g.lo(0, idx[0]), z1 = g.hi(0, idx[0]), r0 = g.lo(1, idx[1]), r1 = g.hi(1, idx[1]);
        const int64_t c0 = g.lo(2, idx[2]), c1 = g.hi(2, idx[2]);
        if (Mode == 0) {
            T m = Max::identity<T>();
            for (int64_t a = z0; a < z1; ++a)
                for (int64_t b = r0; b < r1; ++b)
                    for (int64_t c = c0; c < c1; ++c) m = Max()(m, xp[xs.at(a, b, c)]);
            z[o] = m;
        } else if (Mode == 1) {
            T s = T(0);
            for (int64_t a = z0; a < z1; ++a)
                for (int64_t b = r0; b < r1; ++b)
                    for (int64_t c = c0; c < c1; ++c) s = T(s + xp[xs.at(a, b, c)]);
            z[o] = s;
        } else {
            double s = 0;
            for (int64_t a = z0; a < z1; ++a)
                for (int64_t b = r0; b < r1; ++b)
                    for (int64_t c = c0; c < c1; ++c) s += double(xp[xs.at(a, b, c)]);
            z[o] = static_cast<T>(s / g.count(idx, Mode == 2));
        }
    }
}

template <int Mode, class T, int N>
cudaError_t pool_forward(cudaStream_t stream, Array<T, N> z, Array<T, N> x, PoolWindows g) {
    const int64_t total = numel(z.shape, N);
    if (total == 0) {
        return cudaSuccess;
    }
    pool_forward_kernel<Mode, T, N><<<grid_for(total, kBlock), kBlock, 0, stream>>>(x, z.data, g, total);
    return cudaGetLastError();
}

// gx (contiguous) = MaxPoolGrad(x, z, gz): each window's gz goes to its positions equal to its
// max (W: the type the reference adds in; a non-max position still adds 0 * gz).
template <class W, class T, class Z, class G, int N>
__global__ void max_pool_grad_kernel(Array<T, N> x, Array<Z, N> z, Array<G, N> gz, T* gx, PoolWindows g, int64_t total) {
    const PoolPlane<T, N> xs(x, g.nd);
    const PoolPlane<Z, N> zs(z, g.nd);
    const PoolPlane<G, N> gs(gz, g.nd);
    for (int64_t e = thread_index(); e < total; e += thread_stride()) {
        int64_t pos[3], first[3], last[3], k[3];
        const int64_t p = split_index(e, g.n, pos);
        const T xv = x.data[PoolPlane<T, N>::offset(x, p, g.nd) + xs.at(pos[0], pos[1], pos[2])];
        const Z* zp = z.data + PoolPlane<Z, N>::offset(z, p, g.nd);
        const G* gp = gz.data + PoolPlane<G, N>::offset(gz, p, g.nd);
        for (int a = 0; a < 3; ++a) g.covering(a, pos[a], first[a], last[a]);
        T o = T(0);
        for (k[0] = first[0]; k[0] <= last[0]; ++k[0])
            for (k[1] = first[1]; k[1] <= last[1]; ++k[1])
                for (k[2] = first[2]; k[2] <= last[2]; ++k[2]) {
                    const Z zv = zp[zs.at(k[0], k[1], k[2])];
                    const W gv = static_cast<W>(gp[gs.at(k[0], k[1], k[2])]);
                    o = static_cast<T>(static_cast<W>(o) + static_cast<W>(xv == zv) * gv);
                }
        gx[e] = o;
    }
}

template <class W, class T, class Z, class G, int N>
cudaError_t max_pool_grad(cudaStream_t stream, Array<T, N> gx, Array<T, N> x, Array<Z, N> z, Array<G, N> gz,
                          PoolWindows g) {
    const int64_t total = numel(gx.shape, N);
    if (total == 0) {
        return cudaSuccess;
    }
    max_pool_grad_kernel<W, T, Z, G, N><<<grid_for(total, kBlock), kBlock, 0, stream>>>(x, z, gz, gx.data, g, total);
    return cudaGetLastError();
}

// acc (contiguous, of the input's shape) = AveragePoolGrad(gz) in gz's type G: each window's
// gradient (divided by its count for the averages, then rounded to G) added over its positions.
template <int Mode, class G, int N>
__global__ void avg_pool_grad_kernel(Array<G, N> gz, G* acc, PoolWindows g, int64_t total) {
    const PoolPlane<G, N> gs(gz, g.nd);
    for (int64_t e = thread_index(); e < total; e += thread_stride()) {
        int64_t pos[3], first[3], last[3], k[3];
        const G* gp = gz.data + PoolPlane<G, N>::offset(gz, split_index(e, g.n, pos), g.nd);
        for (int a = 0; a < 3; ++a) g.covering(a, pos[a], first[a], last[a]);
        G o = G(0);
        for (k[0] = first[0]; k[0] <= last[0]; ++k[0])
            for (k[1] = first[1]; k[1] <= last[1]; ++k[1])
                for (k[2] = first[2]; k[2] <= last[2]; ++k[2]) {
                    G gv = gp[gs.at(k[0], k[1], k[2])];
                    if (Mode != 1) gv = static_cast<G>(double(gv) / g.count(k, Mode == 2));
                    o = G(o + gv);
                }
        acc[e] = o;
    }
}

template <int Mode, class G, int N>
cudaError_t avg_pool_grad(cudaStream_t stream, Array<G, N> acc, Array<G, N> gz, PoolWindows g) {
    const int64_t total = numel(acc.shape, N);
    if (total == 0) {
        return cudaSuccess;
    }
    avg_pool_grad_kernel<Mode, G, N><<<grid_for(total, kBlock), kBlock, 0, stream>>>(gz, acc.data, g, total);
    return cudaGetLastError();
}

// out (contiguous, pooled shape) = MaxPoolGradGrad(x, z, ggx): per window, the sum of ggx where
// x is the max, accumulated in ggx's type G.
template <class T, class Z, class G, class O, int N>
__global__ void max_pool_grad_grad_kernel(Array<T, N> x, Array<Z, N> z, Array<G, N> gg, O* out, PoolWindows g,
                                          int64_t total) {
    const PoolPlane<T, N> xs(x, g.nd);
    const PoolPlane<Z, N> zs(z, g.nd);
    const PoolPlane<G, N> gs(gg, g.nd);
    for (int64_t o = thread_index(); o < total; o += thread_stride()) {
        int64_t idx[3];
        const int64_t p = split_index(o, g.out, idx);
        const T* xp = x.data + PoolPlane<T, N>::offset(x, p, g.nd);
        const G* gp = gg.data + PoolPlane<G, N>::offset(gg, p, g.nd);
        const Z zv = z.data[PoolPlane<Z, N>::offset(z, p, g.nd) + zs.at(idx[0], idx[1], idx[2])];
        G s = G(0);
        for (int64_t a = g.lo(0, idx[0]); a < g.hi(0, idx[0]); ++a)
            for (int64_t b = g.lo(1, idx[1]); b < g.hi(1, idx[1]); ++b)
                for (int64_t c = g.lo(2, idx[2]); c < g.hi(2, idx[2]); ++c)
                    s = G(s + G(xp[xs.at(a, b, c)] == zv) * gp[gs.at(a, b, c)]);
        out[o] = static_cast<O>(s);
    }
}

template <class T, class Z, class G, class O, int N>
cudaError_t max_pool_grad_grad(cudaStream_t stream, Array<O, N> out, Array<T, N> x, Array<Z, N> z, Array<G, N> gg,
                               PoolWindows g) {
    const int64_t total = numel(out.shape, N);
    if (total == 0) {
        return cudaSuccess;
    }
    max_pool_grad_grad_kernel<T, Z, G, O, N><<<grid_for(total, kBlock), kBlock, 0, stream>>>(x, z, gg, out.data, g,
                                                                                            total);
    return cudaGetLastError();
}

}  // namespace cu
}  // namespace tr
