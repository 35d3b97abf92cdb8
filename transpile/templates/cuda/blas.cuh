// transpile_cuda_blas.cuh: matrix products of CUDA graph libraries through cuBLAS (the rules of
// emit/cuda/rules/blas.py): C = alpha * A B + beta * C for row-major-or-transposed float32 and
// float64 matrices given by (data, stride of rows, stride of columns). cuBLAS is column-major:
// a row-major C = A B is computed as the column-major C^T = B^T A^T, each operand transposed or
// not by which of its strides is 1. Host code of the kernels' source (compiled by nvcc).
#pragma once
#include <cublas_v2.h>

#include "transpile_cuda.h"

namespace tr {
namespace cu {

inline void destroy_blas(void* handle) {
    cublasDestroy(static_cast<cublasHandle_t>(handle));
}

inline int blas_status(Context& ctx, cublasStatus_t status, const char* what) {
    if (status == CUBLAS_STATUS_SUCCESS) {
        return TRANSPILE_OK;
    }
    return fail(ctx, status == CUBLAS_STATUS_ALLOC_FAILED ? TRANSPILE_ERR_ALLOC : TRANSPILE_ERR_DEVICE,
                "cuBLAS error in %s: %s (%s)", what, cublasGetStatusName(status), cublasGetStatusString(status));
}

// The state's cuBLAS handle (made on first use), bound to the state's current stream.
inline int blas_handle(Context& ctx, cublasHandle_t* handle) {
    Device& dev = device(ctx);
    if (dev.blas == nullptr) {
        cublasHandle_t made = nullptr;
        TR_CHECK(blas_status(ctx, cublasCreate(&made), "cublasCreate"));
        const cublasStatus_t status = cublasSetStream(made, dev.stream);
        if (status != CUBLAS_STATUS_SUCCESS) {
            cublasDestroy(made);
            return blas_status(ctx, status, "cublasSetStream");
        }
        dev.blas = made;
        dev.destroy_blas = destroy_blas;
    }
    *handle = static_cast<cublasHandle_t>(dev.blas);
    return blas_status(ctx, cublasSetStream(*handle, dev.stream), "cublasSetStream");  // the stream may change
}

// A matrix operand: element (i, j) at data[i * s0 + j * s1].
template <class T>
struct Mat {
    const T* data;
    int64_t s0, s1;
};

// (transpose flag, leading dimension) of an operand for the column-major product C^T = B^T A^T:
// the operand as a column-major matrix of its transpose.
inline void blas_operand(int64_t rows, int64_t cols, int64_t s0, int64_t s1, cublasOperation_t* op, int* ld) {
    if ((s1 == 1 || cols <= 1) && (rows <= 1 || s0 >= (cols > 1 ? cols : 1))) {
        *op = CUBLAS_OP_N;  // row-major rows x cols = column-major cols x rows: its transpose as is
        *ld = int(rows <= 1 ? (cols > 1 ? cols : 1) : s0);
    } else {
        *op = CUBLAS_OP_T;  // column-major: transpose it
        *ld = int(cols <= 1 ? (rows > 1 ? rows : 1) : s1);
    }
}

inline cublasStatus_t gemm_call(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k,
                                const float* alpha, const float* a, int lda, const float* b, int ldb,
                                const float* beta, float* c, int ldc) {
    return cublasSgemm(h, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

inline cublasStatus_t gemm_call(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k,
                                const double* alpha, const double* a, int lda, const double* b, int ldb,
                                const double* beta, double* c, int ldc) {
    return cublasDgemm(h, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

// C (m x n, row-major with rows c0 apart) = alpha * A (m x k) B (k x n) + beta * C. The caller
// made A and B blas_layout (copying them otherwise). Sizes beyond int are refused.
template <class T>
inline int gemm(Context& ctx, int64_t m, int64_t n, int64_t k, T alpha, Mat<T> a, Mat<T> b, T beta, T* c, int64_t c0) {
    if (m == 0 || n == 0) {
        return TRANSPILE_OK;
    }
    const int64_t limit = int64_t(0x7fffffff);
    if (m > limit || n > limit || k > limit || c0 > limit) {
        return fail(ctx, TRANSPILE_ERR_VALUE, "matrix product of %lld x %lld by %lld x %lld is too large for cuBLAS",
                    (long long)m, (long long)k, (long long)k, (long long)n);
    }
    cublasHandle_t handle = nullptr;
    TR_CHECK(blas_handle(ctx, &handle));
    cublasOperation_t ta, tb;
    int lda, ldb;
    blas_operand(m, k, a.s0, a.s1, &ta, &lda);
    blas_operand(k, n, b.s0, b.s1, &tb, &ldb);
    const int ldc = int(m <= 1 ? (n > 1 ? n : 1) : c0);
    // column-major: C^T (n x m) = op(B^T) (n x k) op(A^T) (k x m)
    return blas_status(ctx, gemm_call(handle, tb, ta, int(n), int(m), int(k), &alpha, b.data, ldb, a.data, lda, &beta, c, ldc),
                       "gemm");
}

inline cublasStatus_t gemm_batched_call(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k,
                                        const float* alpha, const float* a, int lda, long long sa, const float* b, int ldb,
                                        long long sb, const float* beta, float* c, int ldc, long long sc, int count) {
    return cublasSgemmStridedBatched(h, ta, tb, m, n, k, alpha, a, lda, sa, b, ldb, sb, beta, c, ldc, sc, count);
}

inline cublasStatus_t gemm_batched_call(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k,
                                        const double* alpha, const double* a, int lda, long long sa, const double* b,
                                        int ldb, long long sb, const double* beta, double* c, int ldc, long long sc,
                                        int count) {
    return cublasDgemmStridedBatched(h, ta, tb, m, n, k, alpha, a, lda, sa, b, ldb, sb, beta, c, ldc, sc, count);
}

// For each of `batch` entries i: C_i (m x n, C-contiguous, m * n elements after C_{i-1}) =
// A_i (m x k) B_i (k x n), A_i at a.data + i * sa and B_i at b.data + i * sb (batch strides >= 0,
// 0 for a shared operand), one strided-batched gemm. The caller made A and B blas_layout. With
// k == 0 the products are zeros (set here, not left to cuBLAS).
template <class T>
inline int gemm_batched(Context& ctx, int64_t batch, int64_t m, int64_t n, int64_t k, Mat<T> a, int64_t sa, Mat<T> b,
                        int64_t sb, T* c) {
    if (batch == 0 || m == 0 || n == 0) {
        return TRANSPILE_OK;
    }
    if (k == 0) {
        return check(ctx, cudaMemsetAsync(c, 0, size_t(batch * m * n) * sizeof(T), stream(ctx)), "cudaMemsetAsync");
    }
    const int64_t limit = int64_t(0x7fffffff);
    if (batch > limit || m > limit || n > limit || k > limit) {
        return fail(ctx, TRANSPILE_ERR_VALUE,
                    "batched matrix product of %lld x (%lld x %lld by %lld x %lld) is too large for cuBLAS",
                    (long long)batch, (long long)m, (long long)k, (long long)k, (long long)n);
    }
    cublasHandle_t handle = nullptr;
    TR_CHECK(blas_handle(ctx, &handle));
    cublasOperation_t ta, tb;
    int lda, ldb;
    blas_operand(m, k, a.s0, a.s1, &ta, &lda);
    blas_operand(k, n, b.s0, b.s1, &tb, &ldb);
    const T one = T(1), zero = T(0);
    // column-major: C_i^T (n x m) = op(B_i^T) (n x k) op(A_i^T) (k x m), C^T's columns n apart
    return blas_status(ctx, gemm_batched_call(handle, tb, ta, int(n), int(m), int(k), &one, b.data, ldb, sb, a.data, lda, sa,
                                              &zero, c, int(n), m * n, int(batch)),
                       "gemmStridedBatched");
}

}  // namespace cu
}  // namespace tr
