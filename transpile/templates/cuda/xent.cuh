// transpile_cuda_xent.cuh: the (softmax) cross-entropies with integer labels on the GPU (the rules of
// emit/cuda/rules/xent.py), with the CPU runtime's semantics (transpile_logsumexp.h):
//   xent_softmax_rows: out[i] = log(sum(exp(x[i, :] - m))) + m - x[i, y[i]], m the row's maximum
//                      ignoring NaNs (0 when not finite); +inf for a row of no element;
//   xent_softmax_dx:   dx[i, j] = g[i] * sm[i, j], minus g[i] where j == y[i].
//   xent_1hot:         out[i] = -log(coding[i, y[i]]) (CrossentropyCategorical1Hot);
//   xent_1hot_grad:    dx zeros except dx[i, y[i]] = -g[i * gs] / coding[i, y[i]] in W (gs 0: one g
//                      for every row).
// Labels were checked on the host (one per row, each a valid class) before these launch.
// Copied into generated projects from transpile/templates/cuda/xent.cuh; do not edit.
#pragma once
#include <cuda_runtime.h>

#include <cub/cub.cuh>

#include "transpile_cuda_kernels.cuh"

namespace tr {
namespace cu {

// One block per row (grid-stride over rows), kBlock threads striding along it: the maximum,
// then the sum of exponentials, each combined over the block.
template <class T, class L>
__global__ void xent_softmax_rows_kernel(T* out, const T* x, int64_t xs0, int64_t xs1, const L* y, int64_t ys,
                                         int64_t rows, int64_t cols) {
    using BlockReduce = cub::BlockReduce<T, kBlock>;
    __shared__ typename BlockReduce::TempStorage temp;
    __shared__ T shared_max;
    for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
        const T* row = x + r * xs0;
        T m = -std::numeric_limits<T>::infinity();
        for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) {
            const T v = row[j * xs1];
            m = v > m ? v : m;  // NaN never wins here
        }
        const T block_max = BlockReduce(temp).Reduce(m, MaxNoNaN());
        if (threadIdx.x == 0) {
            shared_max = isfinite(block_max) ? block_max : T(0);
        }
        __syncthreads();
        const T shift = shared_max;
        T sum = T(0);
        for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) {
            sum += exp_of(T(row[j * xs1] - shift));
        }
        const T total = BlockReduce(temp).Reduce(sum, SumOp());
        if (threadIdx.x == 0) {
            out[r] = cols == 0 ? std::numeric_limits<T>::infinity()
                               : T(log_of(total) + shift - row[int64_t(y[r * ys]) * xs1]);
        }
        __syncthreads();
    }
}

template <class T, class L>
cudaError_t xent_softmax_rows(cudaStream_t stream, Array<T, 1> out, Array<T, 2> x, Array<L, 1> y) {
    const int64_t rows = x.shape[0];
    if (rows == 0) {
        return cudaSuccess;
    }
    xent_softmax_rows_kernel<T, L><<<grid_for(rows), kBlock, 0, stream>>>(out.data, x.data, x.strides[0], x.strides[1],
                                                                         y.data, y.strides[0], rows, x.shape[1]);
    return cudaGetLastError();
}

// Grid-stride over the elements of dx (C-contiguous, the shape of sm).
template <class T, class W, class G, class S, class L>
__global__ void xent_softmax_dx_kernel(T* dx, const G* g, int64_t gs, const S* sm, int64_t ss0, int64_t ss1, const L* y,
                                       int64_t ys, int64_t rows, int64_t cols) {
    const int64_t n = rows * cols;
    for (int64_t k = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; k < n; k += int64_t(gridDim.x) * blockDim.x) {
        const int64_t i = k / cols, j = k % cols;
        const G gi = g[i * gs];
        T v = static_cast<T>(static_cast<W>(gi) * static_cast<W>(sm[i * ss0 + j * ss1]));
        if (int64_t(y[i * ys]) == j) {
            v = static_cast<T>(v - static_cast<T>(gi));
        }
        dx[k] = v;
    }
}

template <class T, class W, class G, class S, class L>
cudaError_t xent_softmax_dx(cudaStream_t stream, Array<T, 2> dx, Array<G, 1> g, Array<S, 2> sm, Array<L, 1> y) {
    const int64_t n = dx.shape[0] * dx.shape[1];
    if (n == 0) {
        return cudaSuccess;
    }
    xent_softmax_dx_kernel<T, W, G, S, L><<<grid_for(n, kBlock), kBlock, 0, stream>>>(
        dx.data, g.data, g.strides[0], sm.data, sm.strides[0], sm.strides[1], y.data, y.strides[0], dx.shape[0], dx.shape[1]);
    return cudaGetLastError();
}

// Grid-stride over the rows.
template <class T, class L>
__global__ void xent_1hot_kernel(T* out, const T* coding, int64_t cs0, int64_t cs1, const L* y, int64_t ys, int64_t rows) {
    for (int64_t i = thread_index(); i < rows; i += thread_stride()) {
        out[i] = -log_of(coding[i * cs0 + int64_t(y[i * ys]) * cs1]);
    }
}

template <class T, class L>
cudaError_t xent_1hot(cudaStream_t stream, Array<T, 1> out, Array<T, 2> coding, Array<L, 1> y) {
    const int64_t rows = out.shape[0];
    if (rows == 0) {
        return cudaSuccess;
    }
    xent_1hot_kernel<T, L><<<grid_for(rows, kBlock), kBlock, 0, stream>>>(out.data, coding.data, coding.strides[0],
                                                                          coding.strides[1], y.data, y.strides[0], rows);
    return cudaGetLastError();
}

// Grid-stride over the elements of dx (C-contiguous, the shape of coding).
template <class T, class W, class G, class L>
__global__ void xent_1hot_grad_kernel(T* dx, const G* g, int64_t gs, const T* coding, int64_t cs0, int64_t cs1, const L* y,
                                      int64_t ys, int64_t rows, int64_t cols) {
    const int64_t n = rows * cols;
    for (int64_t k = thread_index(); k < n; k += thread_stride()) {
        const int64_t i = k / cols, j = k % cols;
        dx[k] = int64_t(y[i * ys]) == j
                    ? static_cast<T>(-static_cast<W>(g[i * gs]) / static_cast<W>(coding[i * cs0 + j * cs1]))
                    : T(0);
    }
}

template <class T, class W, class G, class L>
cudaError_t xent_1hot_grad(cudaStream_t stream, Array<T, 2> dx, Array<G, 1> g, int64_t gs, Array<T, 2> coding,
                           Array<L, 1> y) {
    const int64_t n = dx.shape[0] * dx.shape[1];
    if (n == 0) {
        return cudaSuccess;
    }
    xent_1hot_grad_kernel<T, W, G, L><<<grid_for(n, kBlock), kBlock, 0, stream>>>(
        dx.data, g.data, gs, coding.data, coding.strides[0], coding.strides[1], y.data, y.strides[0], dx.shape[0],
        dx.shape[1]);
    return cudaGetLastError();
}

}  // namespace cu
}  // namespace tr
