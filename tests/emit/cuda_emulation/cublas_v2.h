// cuBLAS's gemm (and its strided-batched form) for the emulation, written from its documented column-major semantics (with its
// argument checks: a leading dimension below the rows of its matrix is CUBLAS_STATUS_INVALID_VALUE),
// so that the row-major-to-column-major mapping of transpile_cuda_blas.cuh is checked too.
#pragma once
#include "cuda_runtime.h"
typedef struct cublasContext* cublasHandle_t;
enum cublasStatus_t { CUBLAS_STATUS_SUCCESS = 0, CUBLAS_STATUS_ALLOC_FAILED = 3, CUBLAS_STATUS_INVALID_VALUE = 7 };
enum cublasOperation_t { CUBLAS_OP_N = 0, CUBLAS_OP_T = 1 };
inline cublasStatus_t cublasCreate(cublasHandle_t* h) { *h = reinterpret_cast<cublasHandle_t>(1); return CUBLAS_STATUS_SUCCESS; }
inline cublasStatus_t cublasDestroy(cublasHandle_t) { return CUBLAS_STATUS_SUCCESS; }
inline cublasStatus_t cublasSetStream(cublasHandle_t, cudaStream_t) { return CUBLAS_STATUS_SUCCESS; }
inline const char* cublasGetStatusName(cublasStatus_t s) { return s == CUBLAS_STATUS_SUCCESS ? "CUBLAS_STATUS_SUCCESS" : "CUBLAS_STATUS_INVALID_VALUE"; }
inline const char* cublasGetStatusString(cublasStatus_t) { return "emulated cuBLAS status"; }

// C (m x n, ldc) = alpha op(A) op(B) + beta C, column-major; op(A) is m x k, op(B) is k x n.
template <class T>
cublasStatus_t emulated_gemm(cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k, const T* alpha,
                             const T* a, int lda, const T* b, int ldb, const T* beta, T* c, int ldc) {
    emu::DeviceAccess access;  // runs "on the GPU"
    const int arows = ta == CUBLAS_OP_N ? m : k, brows = tb == CUBLAS_OP_N ? k : n;
    if (m < 0 || n < 0 || k < 0 || lda < (arows > 1 ? arows : 1) || ldb < (brows > 1 ? brows : 1) || ldc < (m > 1 ? m : 1)) {
        return CUBLAS_STATUS_INVALID_VALUE;
    }
    for (int j = 0; j < n; ++j) {
        for (int i = 0; i < m; ++i) {
            T sum = T(0);
            for (int p = 0; p < k; ++p) {
                const T av = ta == CUBLAS_OP_N ? a[i + p * lda] : a[p + i * lda];
                const T bv = tb == CUBLAS_OP_N ? b[p + j * ldb] : b[j + p * ldb];
                sum += av * bv;
            }
            c[i + j * ldc] = *alpha * sum + (*beta == T(0) ? T(0) : *beta * c[i + j * ldc]);
        }
    }
    return CUBLAS_STATUS_SUCCESS;
}
inline cublasStatus_t cublasSgemm(cublasHandle_t, cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k,
                                  const float* alpha, const float* a, int lda, const float* b, int ldb, const float* beta,
                                  float* c, int ldc) {
    return emulated_gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
inline cublasStatus_t cublasDgemm(cublasHandle_t, cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k,
                                  const double* alpha, const double* a, int lda, const double* b, int ldb,
                                  const double* beta, double* c, int ldc) {
    return emulated_gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

// For each i < count: C + i * sc = alpha op(A + i * sa) op(B + i * sb) + beta (C + i * sc), as
// cublas<t>gemmStridedBatched documents it (a negative count is an invalid value).
template <class T>
cublasStatus_t emulated_gemm_batched(cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k, const T* alpha,
                                     const T* a, int lda, long long sa, const T* b, int ldb, long long sb, const T* beta,
                                     T* c, int ldc, long long sc, int count) {
    if (count < 0) {
        return CUBLAS_STATUS_INVALID_VALUE;
    }
    for (int i = 0; i < count; ++i) {
        const cublasStatus_t status =
            emulated_gemm(ta, tb, m, n, k, alpha, a + i * sa, lda, b + i * sb, ldb, beta, c + i * sc, ldc);
        if (status != CUBLAS_STATUS_SUCCESS) {
            return status;
        }
    }
    return CUBLAS_STATUS_SUCCESS;
}
inline cublasStatus_t cublasSgemmStridedBatched(cublasHandle_t, cublasOperation_t ta, cublasOperation_t tb, int m, int n,
                                                int k, const float* alpha, const float* a, int lda, long long sa,
                                                const float* b, int ldb, long long sb, const float* beta, float* c, int ldc,
                                                long long sc, int count) {
    return emulated_gemm_batched(ta, tb, m, n, k, alpha, a, lda, sa, b, ldb, sb, beta, c, ldc, sc, count);
}
inline cublasStatus_t cublasDgemmStridedBatched(cublasHandle_t, cublasOperation_t ta, cublasOperation_t tb, int m, int n,
                                                int k, const double* alpha, const double* a, int lda, long long sa,
                                                const double* b, int ldb, long long sb, const double* beta, double* c,
                                                int ldc, long long sc, int count) {
    return emulated_gemm_batched(ta, tb, m, n, k, alpha, a, lda, sa, b, ldb, sb, beta, c, ldc, sc, count);
}
