// transpile_cuda_sort.cuh: sort and argsort along an axis on the GPU (`SortOp`, `ArgSortOp`: the
// rules of emit/cuda/rules/sort.py) with the CPU runtime's order (transpile_sort.h: ascending,
// NaN last) and stably, so equal elements (0.0 and -0.0, NaNs) keep their order: the CPU's bits.
// One thread per line along the axis (any strides) runs a bottom-up merge sort (stable) through
// two scratch rows of its own, then writes the line of the C-contiguous output.
// Copied into generated projects from transpile/templates/cuda/sort.cuh; do not edit.
#pragma once
#include <cuda_runtime.h>

#include "transpile_cuda_kernels.cuh"

namespace tr {
namespace cu {

template <class T>
struct SortOrder {
    TR_HD static bool less(T a, T b) { return a < b || (b != b && a == a); }
};

template <>
struct SortOrder<bool> {
    TR_HD static bool less(bool a, bool b) { return !a && b; }
};

// Values compared as they are.
template <class T>
struct ByValue {
    TR_HD bool operator()(T a, T b) const { return SortOrder<T>::less(a, b); }
};

// Positions compared by the values of a strided line.
template <class T>
struct ByPosition {
    const T* line;
    int64_t stride;
    TR_HD bool operator()(int64_t a, int64_t b) const { return SortOrder<T>::less(line[a * stride], line[b * stride]); }
};

// Stable bottom-up merge sort of a[0, n) using b[0, n); returns the one of a, b holding the result.
template <class K, class Less>
TR_HD K* merge_sort(K* a, K* b, int64_t n, Less less) {
    for (int64_t width = 1; width < n; width *= 2) {
        for (int64_t lo = 0; lo < n; lo += 2 * width) {
            const int64_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            int64_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) b[k++] = less(a[j], a[i]) ? a[j++] : a[i++];  // ties: the left run first
            while (i < mid) b[k++] = a[i++];
            while (j < hi) b[k++] = a[j++];
        }
        K* t = a;
        a = b;
        b = t;
    }
    return a;
}

// Launch: 1-d grid-stride over the lines, kBlock threads; scratch a, b: n elements per line.
template <class T, int N>
__global__ void sort_lines_kernel(Array<T, N> out, Array<T, N> x, int axis, T* a, T* b, int64_t lines) {
    const int64_t n = x.shape[axis], xs = x.strides[axis], os = out.strides[axis];
    for (int64_t r = thread_index(); r < lines; r += thread_stride()) {
        const T* p = x.data + line_start<N>(x.shape, x.strides, axis, r);
        T* ra = a + r * n;
        for (int64_t i = 0; i < n; ++i) ra[i] = p[i * xs];
        const T* sorted = merge_sort(ra, b + r * n, n, ByValue<T>());
        T* o = out.data + line_start<N>(out.shape, out.strides, axis, r);
        for (int64_t i = 0; i < n; ++i) o[i * os] = sorted[i];
    }
}

template <class T, int N>
__global__ void argsort_lines_kernel(Array<int64_t, N> out, Array<T, N> x, int axis, int64_t* a, int64_t* b,
                                     int64_t lines) {
    const int64_t n = x.shape[axis], xs = x.strides[axis], os = out.strides[axis];
    for (int64_t r = thread_index(); r < lines; r += thread_stride()) {
        const T* p = x.data + line_start<N>(x.shape, x.strides, axis, r);
        int64_t* ra = a + r * n;
        for (int64_t i = 0; i < n; ++i) ra[i] = i;
        const int64_t* sorted = merge_sort(ra, b + r * n, n, ByPosition<T>{p, xs});
        int64_t* o = out.data + line_start<N>(out.shape, out.strides, axis, r);
        for (int64_t i = 0; i < n; ++i) o[i * os] = sorted[i];
    }
}

// out (x's shape) = x sorted along `axis` (argsort: the positions, int64); a and b hold numel(x)
// elements of scratch each (of out's type).
template <class T, int N>
cudaError_t sort_lines(cudaStream_t stream, Array<T, N> out, Array<T, N> x, int axis, T* a, T* b) {
    int64_t total = 1;
    for (int d = 0; d < N; ++d) total *= x.shape[d];
    if (total == 0) {
        return cudaSuccess;
    }
    const int64_t lines = total / x.shape[axis];
    sort_lines_kernel<T, N><<<grid_for(lines, kBlock), kBlock, 0, stream>>>(out, x, axis, a, b, lines);
    return cudaGetLastError();
}

template <class T, int N>
cudaError_t argsort_lines(cudaStream_t stream, Array<int64_t, N> out, Array<T, N> x, int axis, int64_t* a, int64_t* b) {
    int64_t total = 1;
    for (int d = 0; d < N; ++d) total *= x.shape[d];
    if (total == 0) {
        return cudaSuccess;
    }
    const int64_t lines = total / x.shape[axis];
    argsort_lines_kernel<T, N><<<grid_for(lines, kBlock), kBlock, 0, stream>>>(out, x, axis, a, b, lines);
    return cudaGetLastError();
}

}  // namespace cu
}  // namespace tr
