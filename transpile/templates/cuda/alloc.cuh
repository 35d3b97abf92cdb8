// transpile_cuda_alloc.cuh: new tensors filled on the GPU (`Eye`, `ARange`: the rules of
// emit/cuda/rules/alloc.py), element for element the values of the C++ rules (emit/cpp/rules/
// alloc.py), the lengths and the checks computed on the host. A float arange's products are
// rounded before the sum (no fused multiply-add), as numpy computes them.
// Copied into generated projects from transpile/templates/cuda/alloc.cuh; do not edit.
#pragma once
#include <cuda_runtime.h>

#include "transpile_cuda_kernels.cuh"

namespace tr {
namespace cu {

// a * b rounded to T before any later addition (nvcc would otherwise contract a * b + c);
// integers wrap.
template <class T>
TR_HD inline T product_rn(T a, T b) {
    return wrap_mul(a, b);
}
TR_HD inline float product_rn(float a, float b) {
#ifdef __CUDA_ARCH__
    return __fmul_rn(a, b);
#else
    return a * b;
#endif
}
TR_HD inline double product_rn(double a, double b) {
#ifdef __CUDA_ARCH__
    return __dmul_rn(a, b);
#else
    return a * b;
#endif
}

// out (rows x cols, C-contiguous): 1 where j - i == k, else 0. Launch: 1-d grid-stride, kBlock threads.
template <class T>
__global__ void eye_kernel(T* out, int64_t rows, int64_t cols, int64_t k) {
    const int64_t n = rows * cols;
    for (int64_t e = thread_index(); e < n; e += thread_stride()) {
        out[e] = static_cast<T>(e % cols - e / cols == k ? 1 : 0);
    }
}

template <class T>
cudaError_t eye(cudaStream_t stream, Array<T, 2> out, int64_t k) {
    const int64_t n = out.shape[0] * out.shape[1];
    if (n == 0) {
        return cudaSuccess;
    }
    eye_kernel<T><<<grid_for(n, kBlock), kBlock, 0, stream>>>(out.data, out.shape[0], out.shape[1], k);
    return cudaGetLastError();
}

// out[i] = start + i * step in int64, converted to T. Launch: 1-d grid-stride, kBlock threads.
template <class T>
__global__ void arange_int_kernel(T* out, int64_t n, int64_t start, int64_t step) {
    for (int64_t i = thread_index(); i < n; i += thread_stride()) {
        out[i] = static_cast<T>(start + i * step);
    }
}

template <class T>
cudaError_t arange_int(cudaStream_t stream, Array<T, 1> out, int64_t start, int64_t step) {
    if (out.shape[0] == 0) {
        return cudaSuccess;
    }
    arange_int_kernel<T><<<grid_for(out.shape[0], kBlock), kBlock, 0, stream>>>(out.data, out.shape[0], start, step);
    return cudaGetLastError();
}

// out[0] = first, out[i] = first + T(i) * delta (numpy's fill of an arange of float bounds; T is
// the output's type, integer too).
template <class T>
__global__ void arange_float_kernel(T* out, int64_t n, T first, T delta) {
    for (int64_t i = thread_index(); i < n; i += thread_stride()) {
        out[i] = i == 0 ? first : wrap_add(first, product_rn(static_cast<T>(i), delta));
    }
}

template <class T>
cudaError_t arange_float(cudaStream_t stream, Array<T, 1> out, T first, T delta) {
    if (out.shape[0] == 0) {
        return cudaSuccess;
    }
    arange_float_kernel<T><<<grid_for(out.shape[0], kBlock), kBlock, 0, stream>>>(out.data, out.shape[0], first, delta);
    return cudaGetLastError();
}

}  // namespace cu
}  // namespace tr
