// transpile_cuda_index.cuh: gathering rows on the GPU (emit/cuda/rules/subtensor_advanced.py):
// out[r, ...] = x[idx[r], ...] for `x[ivec]`, a negative index counting from the end. The
// indices were checked on the host (each in [-rows, rows)) before this launches.
// Copied into generated projects from transpile/templates/cuda/index.cuh; do not edit.
#pragma once
#include <cuda_runtime.h>

#include "transpile_cuda_kernels.cuh"

namespace tr {
namespace cu {

// Grid-stride over the elements of `out` in C order: each splits its index into coordinates,
// reads its row number from idx and copies one element.
template <class T, class I, int N>
__global__ void take_rows_kernel(Array<T, N> out, Array<T, N> x, const I* idx, int64_t idx_stride, int64_t total) {
    for (int64_t k = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; k < total; k += int64_t(gridDim.x) * blockDim.x) {
        int64_t rest = k, oo = 0, ox = 0;
        for (int d = N - 1; d >= 1; --d) {
            const int64_t c = rest % out.shape[d];
            rest /= out.shape[d];
            oo += c * out.strides[d];
            ox += c * x.strides[d];
        }
        int64_t row = int64_t(idx[rest * idx_stride]);
        if (row < 0) {
            row += x.shape[0];
        }
        out.data[oo + rest * out.strides[0]] = x.data[ox + row * x.strides[0]];
    }
}

template <class T, class I, int N>
cudaError_t take_rows(cudaStream_t stream, Array<T, N> out, Array<T, N> x, Array<I, 1> idx) {
    const int64_t total = numel(out.shape, N);
    if (total == 0) {
        return cudaSuccess;
    }
    take_rows_kernel<T, I, N><<<grid_for(total, kBlock), kBlock, 0, stream>>>(out, x, idx.data, idx.strides[0], total);
    return cudaGetLastError();
}

}  // namespace cu
}  // namespace tr
