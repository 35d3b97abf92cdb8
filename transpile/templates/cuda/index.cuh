// transpile_cuda_index.cuh: gathering and scattering rows on the GPU (emit/cuda/rules/
// subtensor_advanced.py, subtensor_inc.py): out[r, ...] = x[idx[r], ...] for `x[ivec]`, and
// x[idx] += y / x[idx] = y, a negative index counting from the end; and elements at offsets
// found on the host, for any other advanced key. The indices were checked on
// the host (each in [-rows, rows)) before these launch.
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

// out[k] = x[at[k]] over C-contiguous `out`: `at` holds, for each element of an advanced-index
// region, its offset into x, found on the host by the CPU rule's walk (emit/cuda/rules/
// subtensor_advanced.py), which checked the indices.
template <class T>
__global__ void take_at_kernel(T* out, const T* x, const int64_t* at, int64_t total) {
    for (int64_t k = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; k < total; k += int64_t(gridDim.x) * blockDim.x) {
        out[k] = x[at[k]];
    }
}

template <class T>
cudaError_t take_at(cudaStream_t stream, T* out, const T* x, Array<int64_t, 1> at) {
    const int64_t total = at.shape[0];
    if (total == 0) {
        return cudaSuccess;
    }
    take_at_kernel<T><<<grid_for(total, kBlock), kBlock, 0, stream>>>(out, x, at.data, total);
    return cudaGetLastError();
}

// x[idx] += y (or = y, `set`) on a plan made by tr::cu::row_runs (transpile_cuda.h) from the host
// indices: one thread per (run of equal rows, element of a row) over runs x inner elements. A
// thread adds its run's increments in the order of idx, converting after each addition like the
// CPU rule, so repeated indices accumulate deterministically, bit for bit as on the CPU (no
// atomics); a set writes the last one. out is the output (a copy of x, or x in place); y has
// out's rank and the region's shape (idx's length, then out's), stride 0 where it broadcasts.
template <class T, class U, int N>
__global__ void scatter_rows_kernel(Array<T, N> out, Array<U, N> y, const int64_t* plan, int64_t n, int64_t runs,
                                    int64_t inner, bool set) {
    const int64_t* order = plan;
    const int64_t* start = plan + n;
    const int64_t* row = plan + 2 * n + 1;
    for (int64_t k = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; k < runs * inner;
         k += int64_t(gridDim.x) * blockDim.x) {
        const int64_t s = k / inner;
        int64_t rest = k - s * inner, oo = 0, oy = 0;
        for (int d = N - 1; d >= 1; --d) {
            const int64_t c = rest % out.shape[d];
            rest /= out.shape[d];
            oo += c * out.strides[d];
            oy += c * y.strides[d];
        }
        T* const dst = out.data + row[s] * out.strides[0] + oo;
        if (set) {
            *dst = static_cast<T>(y.data[order[start[s + 1] - 1] * y.strides[0] + oy]);
            continue;
        }
        T acc = *dst;
        for (int64_t p = start[s]; p < start[s + 1]; ++p) {
            acc = static_cast<T>(acc + y.data[order[p] * y.strides[0] + oy]);
        }
        *dst = acc;
    }
}

template <class T, class U, int N>
cudaError_t scatter_rows(cudaStream_t stream, Array<T, N> out, Array<U, N> y, Array<int64_t, 1> plan, int64_t runs,
                         bool set) {
    const int64_t n = (plan.shape[0] - 1) / 3;  // idx's length
    int64_t inner = 1;
    for (int d = 1; d < N; ++d) {
        inner *= out.shape[d];
    }
    if (runs == 0 || inner == 0) {
        return cudaSuccess;
    }
    scatter_rows_kernel<T, U, N><<<grid_for(runs * inner, kBlock), kBlock, 0, stream>>>(out, y, plan.data, n, runs,
                                                                                        inner, set);
    return cudaGetLastError();
}

// x[key] += y (or = y, `set`) for any other advanced key, on a plan made by tr::cu::offset_runs
// (transpile_cuda.h): one thread per x element written, adding its increments in the CPU rule's
// order (bit for bit, no atomics); a set writes the last one. x and y point at offset 0 of the
// region's offsets.
template <class T>
__global__ void scatter_at_kernel(T* x, const T* y, const int64_t* plan, int64_t count, int64_t runs, bool set) {
    const int64_t* yo = plan;
    const int64_t* start = plan + count;
    const int64_t* xo = plan + 2 * count + 1;
    for (int64_t s = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; s < runs; s += int64_t(gridDim.x) * blockDim.x) {
        T* const dst = x + xo[s];
        if (set) {
            *dst = y[yo[start[s + 1] - 1]];
            continue;
        }
        T acc = *dst;
        for (int64_t p = start[s]; p < start[s + 1]; ++p) {
            acc = static_cast<T>(acc + y[yo[p]]);
        }
        *dst = acc;
    }
}

template <class T>
cudaError_t scatter_at(cudaStream_t stream, T* x, const T* y, Array<int64_t, 1> plan, int64_t runs, bool set) {
    if (runs == 0) {
        return cudaSuccess;
    }
    const int64_t count = (plan.shape[0] - 1) / 3;
    scatter_at_kernel<T><<<grid_for(runs, kBlock), kBlock, 0, stream>>>(x, y, plan.data, count, runs, set);
    return cudaGetLastError();
}

}  // namespace cu
}  // namespace tr
