// transpile_cuda_random.cuh: random draws on the GPU (emit/cuda/rules/random.py), bit for bit the
// CPU's: the kernels call the samplers of the CPU runtime's transpile_random.h (Philox4x32-10,
// counter-based: every element's words are known from its index), which are __host__ __device__
// under nvcc, and the kernels' source is compiled with --fmad=false so that their double
// arithmetic is rounded at every operation, as on the CPU. One thread per group of kDrawGroup
// consecutive elements (a Philox block of float32 uniforms), grid-stride.
// Copied into generated projects from transpile/templates/cuda/random.cuh; do not edit.
#pragma once
#include <cuda_runtime.h>

#include "transpile_cuda_kernels.cuh"
#include "transpile_random.h"

namespace tr {
namespace cu {

constexpr int64_t kDrawGroup = 4;

// The sample's shape and the strides of up to two parameters over it (0 where broadcast), by
// value: a kernel argument.
struct DrawDims {
    int ndim;
    int64_t shape[kMaxDims], s0[kMaxDims], s1[kMaxDims];

    TR_HD rnd::Cursor cursor(int64_t lo) const { return rnd::Cursor(ndim, shape, s0, s1, lo); }
};

inline DrawDims draw_dims(int ndim, const int64_t* shape, const int64_t* s0, const int64_t* s1) {
    DrawDims d{};
    d.ndim = ndim;
    for (int k = 0; k < ndim; ++k) {
        d.shape[k] = shape[k];
        d.s0[k] = s0 == nullptr ? 0 : s0[k];
        d.s1[k] = s1 == nullptr ? 0 : s1[k];
    }
    return d;
}

// One functor per sampler: draws elements [lo, hi) of `out`, false on an invalid parameter.
template <class T>
struct UniformDraw {
    T* out;
    uint64_t key, counter;
    TR_HD bool operator()(int64_t lo, int64_t hi, const DrawDims&, uint64_t) const {
        rnd::uniform(out, lo, hi, key, counter);
        return true;
    }
};

template <class T>
struct NormalDraw {
    T* out;
    uint64_t key, counter;
    TR_HD bool operator()(int64_t lo, int64_t hi, const DrawDims&, uint64_t) const {
        rnd::normal(out, lo, hi, key, counter);
        return true;
    }
};

template <class T>
struct TruncatedNormalDraw {
    T* out;
    uint64_t key, counter;
    TR_HD bool operator()(int64_t lo, int64_t hi, const DrawDims&, uint64_t n) const {
        rnd::truncated_normal(out, lo, hi, n, key, counter);
        return true;
    }
};

template <class T, class P>
struct BinomialDraw {
    T* out;
    const P* p;
    int64_t trials;
    uint64_t key, counter;
    TR_HD bool operator()(int64_t lo, int64_t hi, const DrawDims& d, uint64_t) const {
        return rnd::binomial(out, lo, hi, d.ndim, d.shape, p, d.s0, trials, key, counter);
    }
};

template <class T, class L, class H>
struct IntegersDraw {
    T* out;
    const L* low;
    const H* high;
    uint64_t key, counter;
    TR_HD bool operator()(int64_t lo, int64_t hi, const DrawDims& d, uint64_t n) const {
        return rnd::integers(out, lo, hi, d.cursor(lo), low, high, n, key, counter);
    }
};

template <class T, class S>
struct ExponentialDraw {
    T* out;
    const S* scale;
    uint64_t key, counter;
    TR_HD bool operator()(int64_t lo, int64_t hi, const DrawDims& d, uint64_t n) const {
        return rnd::exponential(out, lo, hi, d.cursor(lo), scale, n, key, counter);
    }
};

template <class T, class P>
struct PoissonDraw {
    T* out;
    const P* lam;
    uint64_t key, counter;
    TR_HD bool operator()(int64_t lo, int64_t hi, const DrawDims& d, uint64_t n) const {
        return rnd::poisson(out, lo, hi, d.cursor(lo), lam, n, key, counter);
    }
};

template <class T, class A, class S>
struct GammaDraw {
    T* out;
    const A* shape;
    const S* scale;
    uint64_t key, counter;
    TR_HD bool operator()(int64_t lo, int64_t hi, const DrawDims& d, uint64_t n) const {
        return rnd::gamma(out, lo, hi, d.cursor(lo), shape, scale, n, key, counter);
    }
};

template <class T, class P>
struct CategoricalDraw {
    T* out;
    const P* p;
    int64_t k, pk;  // categories and their stride in p
    uint64_t key, counter;
    TR_HD bool operator()(int64_t lo, int64_t hi, const DrawDims& d, uint64_t n) const {
        return rnd::categorical(out, lo, hi, d.cursor(lo), p, k, pk, n, key, counter);
    }
};

// Elements [0, n) of a draw, kDrawGroup per thread; *bad = 1 where a parameter is invalid.
template <class Draw>
__global__ void draw_kernel(Draw draw, DrawDims dims, int64_t n, int* bad) {
    for (int64_t g = thread_index(); g < (n + kDrawGroup - 1) / kDrawGroup; g += thread_stride()) {
        const int64_t lo = g * kDrawGroup, hi = lo + kDrawGroup < n ? lo + kDrawGroup : n;
        if (!draw(lo, hi, dims, uint64_t(n))) {
            *bad = 1;
        }
    }
}

// Draws n elements; *bad (host) tells whether a parameter was invalid, read back after the
// kernel (only for samplers that check their parameters: `checked`).
template <class Draw>
cudaError_t draw(cudaStream_t stream, Draw d, DrawDims dims, int64_t n, bool checked, bool* bad) {
    *bad = false;
    if (n == 0) {
        return cudaSuccess;
    }
    int* flag = nullptr;
    if (checked) {
        cudaError_t err = cudaMallocAsync(reinterpret_cast<void**>(&flag), sizeof(int), stream);
        if (err == cudaSuccess) err = cudaMemsetAsync(flag, 0, sizeof(int), stream);
        if (err != cudaSuccess) {
            if (flag != nullptr) cudaFreeAsync(flag, stream);
            return err;
        }
    }
    const int64_t groups = (n + kDrawGroup - 1) / kDrawGroup;
    int scratch = 0;  // the flag of an unchecked sampler, never set
    draw_kernel<Draw><<<grid_for(groups, kBlock), kBlock, 0, stream>>>(d, dims, n, checked ? flag : nullptr);
    cudaError_t err = cudaGetLastError();
    if (checked) {
        if (err == cudaSuccess) err = cudaMemcpyAsync(&scratch, flag, sizeof(int), cudaMemcpyDeviceToHost, stream);
        if (err == cudaSuccess) err = cudaStreamSynchronize(stream);
        cudaFreeAsync(flag, stream);
        *bad = scratch != 0;
    }
    return err;
}

}  // namespace cu
}  // namespace tr
