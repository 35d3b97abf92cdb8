// transpile_cuda_cumulative.cuh: cumsum/cumprod along an axis on the GPU (`CumOp`, the rule of
// emit/cuda/rules/cumulative.py), with the CPU runtime's semantics (xo::cumulate of
// transpile_extra_ops.h): each line along the axis is accumulated in the output's type, in order,
// integers wrapping. One thread per line (any strides; the output is C-contiguous).
// Copied into generated projects from transpile/templates/cuda/cumulative.cuh; do not edit.
#pragma once
#include <cuda_runtime.h>

#include "transpile_cuda_kernels.cuh"

namespace tr {
namespace cu {

// Launch: 1-d grid-stride over the lines, kBlock threads.
template <bool Prod, class T, class S, int N>
__global__ void cumulate_kernel(Array<T, N> out, Array<S, N> x, int axis, int64_t lines) {
    const int64_t n = x.shape[axis], xs = x.strides[axis], os = out.strides[axis];
    for (int64_t r = thread_index(); r < lines; r += thread_stride()) {
        const S* p = x.data + line_start<N>(x.shape, x.strides, axis, r);
        T* o = out.data + line_start<N>(out.shape, out.strides, axis, r);
        T acc = Prod ? T(1) : T(0);
        for (int64_t i = 0; i < n; ++i) {
            acc = Prod ? wrap_mul(acc, static_cast<T>(p[i * xs])) : wrap_add(acc, static_cast<T>(p[i * xs]));
            o[i * os] = acc;
        }
    }
}

template <bool Prod, class T, class S, int N>
cudaError_t cumulate(cudaStream_t stream, Array<T, N> out, Array<S, N> x, int axis) {
    int64_t total = 1;
    for (int d = 0; d < N; ++d) total *= x.shape[d];
    if (total == 0) {
        return cudaSuccess;
    }
    const int64_t lines = total / x.shape[axis];
    cumulate_kernel<Prod, T, S, N><<<grid_for(lines, kBlock), kBlock, 0, stream>>>(out, x, axis, lines);
    return cudaGetLastError();
}

}  // namespace cu
}  // namespace tr
