// transpile_cuda_kernels.cuh: generic kernels of CUDA graph libraries (copies), with their launchers.
#pragma once
#include <cuda_runtime.h>

#include "transpile_runtime.h"

namespace tr {
namespace cu {

template <class T, class U, int N>
__global__ void copy_kernel(Array<T, N> dst, Array<U, N> src, int64_t n) {
    for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
        int64_t rest = i, od = 0, os = 0;
        for (int d = N - 1; d >= 0; --d) {
            const int64_t c = rest % dst.shape[d];
            rest /= dst.shape[d];
            od += c * dst.strides[d];
            os += c * src.strides[d];
        }
        dst.data[od] = static_cast<T>(src.data[os]);
    }
}

template <class T, class U, int N>
inline cudaError_t copy(cudaStream_t stream, Array<T, N> dst, Array<U, N> src) {
    const int64_t n = numel(dst.shape, N);
    if (n == 0) {
        return cudaSuccess;
    }
    const int64_t blocks = (n + 255) / 256 < 65536 ? (n + 255) / 256 : 65536;
    copy_kernel<<<unsigned(blocks), 256, 0, stream>>>(dst, src, n);
    return cudaGetLastError();
}

}  // namespace cu
}  // namespace tr
