// transpile_linalg.h: dense linear algebra through LAPACK for transpile-generated code (the
// rules of transpile/emit/cpp/rules/linalg.py call these). cmake/FindTranspileBLAS.cmake defines
// TRANSPILE_HAVE_LAPACK and TRANSPILE_LAPACK_PREFIX ("scipy_" for scipy-openblas32).
//
// Every routine runs over the leading (batch) dims of its operands: each matrix is copied into
// a dense scratch matrix of the compute type (any input strides and dtype), handed to LAPACK,
// and the result written to the C-contiguous output. A row-major n x n matrix is, to LAPACK
// (column-major), its transpose; the routines use that instead of transposing (inv(A^T) =
// inv(A)^T, A x = b is A^T^T x = b, the lower triangle of A is the upper one of A^T). Failures
// return a status with numpy's or scipy's message; nothing throws or aborts.
// Copied into generated projects from transpile/templates/runtime/linalg.h; do not edit.
#pragma once
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>

#include "transpile_runtime.h"
#ifdef TRANSPILE_HAVE_CBLAS
#include "transpile_blas.h"
#endif

#ifndef TRANSPILE_HAVE_LAPACK
#error "this project needs LAPACK: cmake/FindTranspileBLAS.cmake found none (install scipy-openblas32)"
#endif

#define TR_LAPACK_CAT2(a, b) a##b
#define TR_LAPACK_CAT(a, b) TR_LAPACK_CAT2(a, b)
#define TR_LAPACK(name) TR_LAPACK_CAT(TRANSPILE_LAPACK_PREFIX, name)

// Fortran ABI: every argument by pointer, then one hidden length per character argument.
extern "C" {
#define TR_LAPACK_DECLARE(T, p)                                                                                   \
    void TR_LAPACK(p##getrf_)(const int* m, const int* n, T* a, const int* lda, int* ipiv, int* info);            \
    void TR_LAPACK(p##getri_)(const int* n, T* a, const int* lda, const int* ipiv, T* work, const int* lwork,     \
                              int* info);                                                                        \
    void TR_LAPACK(p##getrs_)(const char* trans, const int* n, const int* nrhs, const T* a, const int* lda,       \
                              const int* ipiv, T* b, const int* ldb, int* info, size_t);                         \
    void TR_LAPACK(p##potrf_)(const char* uplo, const int* n, T* a, const int* lda, int* info, size_t);          \
    void TR_LAPACK(p##potrs_)(const char* uplo, const int* n, const int* nrhs, const T* a, const int* lda, T* b,  \
                              const int* ldb, int* info, size_t);                                                \
    void TR_LAPACK(p##trtrs_)(const char* uplo, const char* trans, const char* diag, const int* n,               \
                              const int* nrhs, const T* a, const int* lda, T* b, const int* ldb, int* info,      \
                              size_t, size_t, size_t);                                                           \
    void TR_LAPACK(p##syevd_)(const char* jobz, const char* uplo, const int* n, T* a, const int* lda, T* w,       \
                              T* work, const int* lwork, int* iwork, const int* liwork, int* info, size_t, size_t); \
    void TR_LAPACK(p##gesdd_)(const char* jobz, const int* m, const int* n, T* a, const int* lda, T* s, T* u,       \
                              const int* ldu, T* vt, const int* ldvt, T* work, const int* lwork, int* iwork,     \
                              int* info, size_t);
TR_LAPACK_DECLARE(float, s)
TR_LAPACK_DECLARE(double, d)
#undef TR_LAPACK_DECLARE
}

namespace tr_linalg {

// The LAPACK routines of one real type.
template <class T>
struct Lapack;

#define TR_LAPACK_BIND(T, p)                                                                                     \
    template <>                                                                                                  \
    struct Lapack<T> {                                                                                           \
        static void getrf(int n, T* a, int* ipiv, int* info) { TR_LAPACK(p##getrf_)(&n, &n, a, &n, ipiv, info); } \
        static void getri(int n, T* a, const int* ipiv, T* work, int lwork, int* info) {                         \
            TR_LAPACK(p##getri_)(&n, a, &n, ipiv, work, &lwork, info);                                           \
        }                                                                                                        \
        static void getrs(char trans, int n, int nrhs, const T* a, const int* ipiv, T* b, int* info) {           \
            TR_LAPACK(p##getrs_)(&trans, &n, &nrhs, a, &n, ipiv, b, &n, info, 1);                               \
        }                                                                                                        \
        static void potrf(char uplo, int n, T* a, int* info) { TR_LAPACK(p##potrf_)(&uplo, &n, a, &n, info, 1); } \
        static void potrs(char uplo, int n, int nrhs, const T* a, T* b, int* info) {                             \
            TR_LAPACK(p##potrs_)(&uplo, &n, &nrhs, a, &n, b, &n, info, 1);                                       \
        }                                                                                                        \
        static void trtrs(char uplo, char trans, char diag, int n, int nrhs, const T* a, T* b, int* info) {      \
            TR_LAPACK(p##trtrs_)(&uplo, &trans, &diag, &n, &nrhs, a, &n, b, &n, info, 1, 1, 1);                  \
        }                                                                                                        \
        static void syevd(char jobz, char uplo, int n, T* a, T* w, T* work, int lwork, int* iwork, int liwork,   \
                          int* info) {                                                                           \
            TR_LAPACK(p##syevd_)(&jobz, &uplo, &n, a, &n, w, work, &lwork, iwork, &liwork, info, 1, 1);         \
        }                                                                                                        \
        static void gesdd(char jobz, int m, int n, T* a, T* s, T* u, int ldu, T* vt, int ldvt, T* work, int lwork, \
                          int* iwork, int* info) {                                                               \
            TR_LAPACK(p##gesdd_)(&jobz, &m, &n, a, &m, s, u, &ldu, vt, &ldvt, work, &lwork, iwork, info, 1);      \
        }                                                                                                        \
    };
TR_LAPACK_BIND(float, s)
TR_LAPACK_BIND(double, d)
#undef TR_LAPACK_BIND

#ifdef TRANSPILE_HAVE_CBLAS
// LU of a column-major m x n block (m >= n) by halves of its columns (Toledo's recursion): the
// left half factored, its row swaps applied to the right half, which one triangular solve and
// one product update (split by columns across the OpenMP threads), then the lower right part
// factored and its swaps applied to the left. Most of the work is in large products; the pivot
// search walks contiguous columns. pivots are 0-based rows of the block.
namespace lu {

constexpr int kPanel = 8;             // columns factored one at a time
constexpr int kRecursiveMin = 256;    // smaller matrices go to LAPACK's getrf

inline void product(int m, int n, int k, const double* a, int lda, const double* b, int ldb, double* c, int ldc) {
    TR_CBLAS(cblas_dgemm)(CblasColMajor, CblasNoTrans, CblasNoTrans, m, n, k, -1.0, a, lda, b, ldb, 1.0, c, ldc);
}
inline void product(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc) {
    TR_CBLAS(cblas_sgemm)(CblasColMajor, CblasNoTrans, CblasNoTrans, m, n, k, -1.0f, a, lda, b, ldb, 1.0f, c, ldc);
}
inline void unit_lower_solve(int m, int n, const double* l, int ldl, double* b, int ldb) {
    TR_CBLAS(cblas_dtrsm)(CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasUnit, m, n, 1.0, l, ldl, b, ldb);
}
inline void unit_lower_solve(int m, int n, const float* l, int ldl, float* b, int ldb) {
    TR_CBLAS(cblas_strsm)(CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasUnit, m, n, 1.0f, l, ldl, b, ldb);
}

// The row swaps piv[k0..k1) applied, in order, to columns [c0, c1).
template <class T>
void swap_rows(T* a, int lda, int c0, int c1, int k0, int k1, const int* piv) {
    tr::parallel_for(c1 - c0, int64_t(c1 - c0) * (k1 - k0), [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t c = c0 + lo; c < c0 + hi; ++c) {
            T* col = a + c * lda;
            for (int k = k0; k < k1; ++k) {
                if (piv[k] != k) std::swap(col[k], col[piv[k]]);
            }
        }
    });
}

// One column at a time (LAPACK's getf2): 1 + the first zero pivot's column, or 0.
template <class T>
int panel(int m, int n, T* a, int lda, int* piv) {
    int info = 0;
    for (int j = 0; j < n; ++j) {
        T* cj = a + int64_t(j) * lda;
        int p = j;
        T best = std::abs(cj[j]);
        for (int i = j + 1; i < m; ++i) {
            if (std::abs(cj[i]) > best) {
                best = std::abs(cj[i]);
                p = i;
            }
        }
        piv[j] = p;
        if (p != j) {
            for (int c = 0; c < n; ++c) std::swap(a[int64_t(c) * lda + j], a[int64_t(c) * lda + p]);
        }
        if (cj[j] == T(0)) {  // the column below is zero too: nothing to eliminate
            if (info == 0) info = j + 1;
            continue;
        }
        const T inverse = T(1) / cj[j];
        for (int i = j + 1; i < m; ++i) cj[i] *= inverse;
        for (int c = j + 1; c < n; ++c) {
            T* cc = a + int64_t(c) * lda;
            const T f = cc[j];
            for (int i = j + 1; i < m; ++i) cc[i] -= f * cj[i];
        }
    }
    return info;
}

template <class T>
int factor(int m, int n, T* a, int lda, int* piv) {
    if (n <= kPanel) return panel(m, n, a, lda, piv);
    const int n1 = std::max(kPanel, n / 2 / kPanel * kPanel), n2 = n - n1;
    int info = factor(m, n1, a, lda, piv);
    swap_rows(a, lda, n1, n, 0, n1, piv);
    tr::parallel_for(n2, int64_t(m) * n1 * n2, [&](int64_t lo, int64_t hi) TR_NOINLINE {
        T* a12 = a + (n1 + lo) * lda;
        unit_lower_solve(n1, int(hi - lo), a, lda, a12, lda);
        product(m - n1, int(hi - lo), n1, a + n1, lda, a12, lda, a12 + n1, lda);
    });
    const int lower = factor(m - n1, n2, a + int64_t(n1) * lda + n1, lda, piv + n1);
    for (int j = n1; j < n; ++j) piv[j] += n1;
    swap_rows(a, lda, 0, n1, n1, n, piv);
    return info != 0 ? info : (lower != 0 ? lower + n1 : 0);
}

}  // namespace lu
#endif

// LAPACK's getrf of an n x n column-major matrix (a = P L U in place, 1-based ipiv, info > 0 at
// the first zero pivot). With a CBLAS, matrices from kRecursiveMin up go through lu::factor on
// one pool of threads: 13-15 ms for 1024 x 1024 float64 on 2 cores here, against 16-21 ms for
// OpenBLAS's getrf (whose own threads then also stop competing with OpenMP's).
template <class T>
void lu_factor(int n, T* a, int* ipiv, int* info) {
#ifdef TRANSPILE_HAVE_CBLAS
    if (n >= lu::kRecursiveMin) {
#ifdef TR_SPLIT_PRODUCTS
        tr::blas_single_threaded();
#endif
        *info = lu::factor(n, n, a, n, ipiv);
        for (int i = 0; i < n; ++i) ipiv[i] += 1;
        return;
    }
#endif
    Lapack<T>::getrf(n, a, ipiv, info);
}

// malloc'ed scratch, freed on scope exit (ok() is false when the allocation failed).
template <class T>
struct Scratch {
    T* p;
    explicit Scratch(int64_t n) : p(static_cast<T*>(std::malloc(sizeof(T) * size_t(n > 0 ? n : 1)))) {}
    ~Scratch() { std::free(p); }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
    bool ok() const { return p != nullptr; }
};

// Element offset of matrix `index` (row-major over the first `lead` dims) of a batched array.
template <class A, int N>
inline A* batch_item(const tr::Array<A, N>& a, int64_t index, int lead) {
    int64_t offset = 0;
    for (int d = lead - 1; d >= 0; --d) {
        offset += (index % a.shape[d]) * a.strides[d];
        index /= a.shape[d];
    }
    return a.data + offset;
}

// dst(i, j) = src(i, j) for a rows x cols block, each side with its own strides; false when
// `check` and a value is not finite. Branch-free, so unit-strided rows vectorize; a large block
// is split by rows across the OpenMP threads (a 1024 x 1024 copy is a twentieth of its solve).
template <class T, class A>
inline bool load(T* dst, int64_t d0, int64_t d1, const A* src, int64_t s0, int64_t s1, int64_t rows, int64_t cols,
                 bool check) {
    std::atomic<int> all_finite{1};
    tr::parallel_for(rows, rows * cols, [&](int64_t lo, int64_t hi) TR_NOINLINE {
        int finite = 1;
        for (int64_t i = lo; i < hi; ++i) {
            T* d = dst + i * d0;
            const A* s = src + i * s0;
            if (d1 == 1 && s1 == 1) {
                for (int64_t j = 0; j < cols; ++j) d[j] = static_cast<T>(s[j]);
            } else {
                for (int64_t j = 0; j < cols; ++j) d[j * d1] = static_cast<T>(s[j * s1]);
            }
            if (check) {  // |v| <= max is false for inf and NaN
                for (int64_t j = 0; j < cols; ++j) finite &= int(std::abs(d[j * d1]) <= std::numeric_limits<T>::max());
            }
        }
        if (!finite) all_finite.store(0, std::memory_order_relaxed);
    });
    return all_finite.load(std::memory_order_relaxed) != 0;
}

// What the routines share: the batch, the matrix size n, LAPACK's int range, scratch.
struct Batch {
    int64_t count;  // matrices
    int n;
};

template <class A, int N>
inline int start(tr::Context& ctx, const tr::Array<A, N>& a, Batch* batch) {
    const int64_t n = a.shape[N - 1];
    if (n > 0x7fffffff / (n > 0 ? n : 1)) {
        return tr::fail(ctx, TRANSPILE_ERR_VALUE, "linear algebra: matrices of size %lld are too large for LAPACK",
                        (long long)n);
    }
    batch->count = tr::numel(a.shape, N - 2);
    batch->n = int(n);
    return TRANSPILE_OK;
}

inline int alloc_failed(tr::Context& ctx) {
    return tr::fail(ctx, TRANSPILE_ERR_ALLOC, "linear algebra: out of memory for LAPACK scratch");
}

inline int not_finite(tr::Context& ctx) {
    return tr::fail(ctx, TRANSPILE_ERR_VALUE, "array must not contain infs or NaNs");
}

// numpy.linalg.inv: out = a^-1 for each matrix, in order on this thread. (Split across the two
// OpenMP threads, 64 matrices 64x64 took 2.2-2.4 ms at best against 2.9-3.5 ms, but 10-12 ms in
// most calls while other processes kept the cores busy: the woken thread waits for a core.)
template <class T, class A, int N>
int inverse(tr::Context& ctx, const tr::Array<A, N>& a, const tr::Array<T, N>& out) {
    Batch b;
    TR_CHECK(start(ctx, a, &b));
    const int n = b.n;
    if (b.count == 0 || n == 0) return TRANSPILE_OK;
    T query;
    int info = 0;
    Scratch<int> ipiv(n);
    Lapack<T>::getri(n, nullptr, ipiv.p, &query, -1, &info);
    const int lwork = std::max(int(query), n);
    Scratch<T> work(lwork);
    if (!ipiv.ok() || !work.ok()) return alloc_failed(ctx);
    for (int64_t k = 0; k < b.count; ++k) {
        T* m = batch_item(out, k, N - 2);  // computed in place in the contiguous output
        load(m, n, 1, batch_item(a, k, N - 2), a.strides[N - 2], a.strides[N - 1], n, n, false);
        lu_factor(n, m, ipiv.p, &info);
        if (info > 0) return tr::fail(ctx, TRANSPILE_ERR_VALUE, "Singular matrix");
        Lapack<T>::getri(n, m, ipiv.p, work.p, lwork, &info);
        if (info > 0) return tr::fail(ctx, TRANSPILE_ERR_VALUE, "Singular matrix");
    }
    return TRANSPILE_OK;
}

// numpy.linalg.slogdet (and det = sign * exp(logdet) computed as a product): through LU.
template <class T, class A, int N, int M>
int determinant(tr::Context& ctx, const tr::Array<A, N>& a, const tr::Array<T, M>& sign, const tr::Array<T, M>& logdet,
                bool as_product) {
    Batch b;
    TR_CHECK(start(ctx, a, &b));
    const int n = b.n;
    Scratch<T> m(int64_t(n) * n);
    Scratch<int> ipiv(n);
    if (!m.ok() || !ipiv.ok()) return alloc_failed(ctx);
    for (int64_t k = 0; k < b.count; ++k) {
        load(m.p, n, 1, batch_item(a, k, N - 2), a.strides[N - 2], a.strides[N - 1], n, n, false);
        int info = 0;
        if (n > 0) lu_factor(n, m.p, ipiv.p, &info);
        T s = T(1), l = T(0), product = T(1);
        for (int i = 0; i < n; ++i) {
            const T u = m.p[int64_t(i) * n + i];
            product *= u;
            if (ipiv.p[i] != i + 1) {
                s = -s;
                product = -product;
            }
            s = u < T(0) ? -s : (u == T(0) ? T(0) : s);
            l += std::log(std::abs(u));
        }
        if (as_product) {
            sign.data[k] = product;  // det: sign is the output
        } else {
            sign.data[k] = s;
            logdet.data[k] = s == T(0) ? -std::numeric_limits<T>::infinity() : l;
        }
    }
    return TRANSPILE_OK;
}

// Copies right-hand sides b (rows n, `nrhs` columns; a vector when V == 1 extra dim) of batch
// item k into column-major scratch, and back.
template <class T, class B, int M>
inline bool load_rhs(T* dst, const tr::Array<B, M>& b, int64_t k, int lead, int n, int nrhs, bool check) {
    const B* src = batch_item(b, k, lead);
    const int64_t s0 = b.strides[lead], s1 = M - lead == 2 ? b.strides[lead + 1] : 0;
    return load(dst, 1, n, src, s0, s1, n, nrhs, check);
}

template <class T, int M>
inline void store_rhs(const tr::Array<T, M>& x, int64_t k, int lead, int n, int nrhs, const T* src) {
    T* dst = batch_item(x, k, lead);
    load(dst, nrhs, 1, src, 1, n, n, nrhs, false);  // x is C-contiguous: (n, nrhs) or (n,)
}

// scipy.linalg.solve: kind 0 "gen" (LU), 1 "sym" and 2 "pos" (read from the `lower` triangle).
template <class T, class A, int N, class B, int M>
int solve(tr::Context& ctx, int kind, bool lower, const tr::Array<A, N>& a, const tr::Array<B, M>& b,
          const tr::Array<T, M>& x) {
    Batch bt;
    TR_CHECK(start(ctx, a, &bt));
    const int n = bt.n, lead = N - 2, nrhs = M - lead == 2 ? int(b.shape[M - 1]) : 1;
    Scratch<T> m(int64_t(n) * n), rhs(int64_t(n) * nrhs);
    Scratch<int> ipiv(n);
    if (!m.ok() || !rhs.ok() || !ipiv.ok()) return alloc_failed(ctx);
    for (int64_t k = 0; k < bt.count; ++k) {
        // m(i, j) at m[i * n + j]: LAPACK sees a^T
        if (!load(m.p, n, 1, batch_item(a, k, lead), a.strides[N - 2], a.strides[N - 1], n, n, true) ||
            !load_rhs(rhs.p, b, k, lead, n, nrhs, true)) {
            return not_finite(ctx);
        }
        if (n == 0 || nrhs == 0) continue;
        if (kind != 0) {  // the symmetric matrix of the triangle read
            for (int i = 0; i < n; ++i) {
                for (int j = 0; j < i; ++j) {
                    T* below = m.p + int64_t(i) * n + j;
                    T* above = m.p + int64_t(j) * n + i;
                    if (lower) *above = *below; else *below = *above;
                }
            }
        }
        int info = 0;
        if (kind == 2) {
            Lapack<T>::potrf('U', n, m.p, &info);
            if (info == 0) Lapack<T>::potrs('U', n, nrhs, m.p, rhs.p, &info);
        } else {
            lu_factor(n, m.p, ipiv.p, &info);
            if (info == 0) Lapack<T>::getrs('T', n, nrhs, m.p, ipiv.p, rhs.p, &info);
        }
        if (info > 0) {
            return tr::fail(ctx, TRANSPILE_ERR_VALUE, "A singular matrix detected: slice(s) [%lld] are singular.",
                            (long long)k);
        }
        store_rhs(x, k, lead, n, nrhs, rhs.p);
    }
    return TRANSPILE_OK;
}

// scipy.linalg.solve_triangular (trans 0: a x = b, 1: a^T x = b).
template <class T, class A, int N, class B, int M>
int solve_triangular(tr::Context& ctx, bool lower, int trans, bool unit_diagonal, const tr::Array<A, N>& a,
                     const tr::Array<B, M>& b, const tr::Array<T, M>& x) {
    Batch bt;
    TR_CHECK(start(ctx, a, &bt));
    const int n = bt.n, lead = N - 2, nrhs = M - lead == 2 ? int(b.shape[M - 1]) : 1;
    Scratch<T> m(int64_t(n) * n), rhs(int64_t(n) * nrhs);
    if (!m.ok() || !rhs.ok()) return alloc_failed(ctx);
    for (int64_t k = 0; k < bt.count; ++k) {
        if (!load(m.p, n, 1, batch_item(a, k, lead), a.strides[N - 2], a.strides[N - 1], n, n, true) ||
            !load_rhs(rhs.p, b, k, lead, n, nrhs, true)) {
            return not_finite(ctx);
        }
        if (n == 0 || nrhs == 0) continue;
        int info = 0;
        Lapack<T>::trtrs(lower ? 'U' : 'L', trans == 0 ? 'T' : 'N', unit_diagonal ? 'U' : 'N', n, nrhs, m.p, rhs.p,
                         &info);
        if (info > 0) {
            return tr::fail(ctx, TRANSPILE_ERR_VALUE, "singular matrix: resolution failed at diagonal %d", info - 1);
        }
        store_rhs(x, k, lead, n, nrhs, rhs.p);
    }
    return TRANSPILE_OK;
}

// scipy.linalg.cho_solve((c, lower), b): potrs, no singularity check (a zero pivot gives inf/nan).
template <class T, class A, int N, class B, int M>
int cho_solve(tr::Context& ctx, bool lower, const tr::Array<A, N>& c, const tr::Array<B, M>& b,
              const tr::Array<T, M>& x) {
    Batch bt;
    TR_CHECK(start(ctx, c, &bt));
    const int n = bt.n, lead = N - 2, nrhs = M - lead == 2 ? int(b.shape[M - 1]) : 1;
    Scratch<T> m(int64_t(n) * n), rhs(int64_t(n) * nrhs);
    if (!m.ok() || !rhs.ok()) return alloc_failed(ctx);
    for (int64_t k = 0; k < bt.count; ++k) {
        if (!load(m.p, n, 1, batch_item(c, k, lead), c.strides[N - 2], c.strides[N - 1], n, n, true) ||
            !load_rhs(rhs.p, b, k, lead, n, nrhs, true)) {
            return not_finite(ctx);
        }
        if (n == 0 || nrhs == 0) continue;
        int info = 0;
        Lapack<T>::potrs(lower ? 'U' : 'L', n, nrhs, m.p, rhs.p, &info);
        store_rhs(x, k, lead, n, nrhs, rhs.p);
    }
    return TRANSPILE_OK;
}

// scipy.linalg.cholesky: the factor of the `lower` triangle, the other triangle zero.
template <class T, class A, int N>
int cholesky(tr::Context& ctx, bool lower, const tr::Array<A, N>& a, const tr::Array<T, N>& out) {
    Batch b;
    TR_CHECK(start(ctx, a, &b));
    const int n = b.n;
    for (int64_t k = 0; k < b.count; ++k) {
        T* m = batch_item(out, k, N - 2);
        if (!load(m, n, 1, batch_item(a, k, N - 2), a.strides[N - 2], a.strides[N - 1], n, n, true)) {
            return not_finite(ctx);
        }
        if (n == 0) continue;
        int info = 0;
        Lapack<T>::potrf(lower ? 'U' : 'L', n, m, &info);
        if (info > 0) {
            return tr::fail(ctx, TRANSPILE_ERR_VALUE, "%d-th leading minor of the array is not positive definite",
                            info);
        }
        for (int64_t i = 0; i < n; ++i) {  // the other triangle: zero
            T* row = m + i * n;
            if (lower) std::fill(row + i + 1, row + n, T(0)); else std::fill(row, row + i, T(0));
        }
    }
    return TRANSPILE_OK;
}

// scipy.linalg.lu_factor: lu holds L (unit diagonal, below) and U of P a = L U, piv the 0-based
// row interchanges (row i was swapped with row piv[i]); getrf runs on the column-major copy. A
// singular matrix is factored as far as it goes, as scipy does (it only warns).
template <class T, class A, int N, int M>
int lu_factor_rows(tr::Context& ctx, const tr::Array<A, N>& a, const tr::Array<T, N>& lu, const tr::Array<int32_t, M>& piv) {
    static_assert(M == N - 1, "pivots have one dim less than the matrices");
    Batch b;
    TR_CHECK(start(ctx, a, &b));
    const int n = b.n;
    if (n == 0) return TRANSPILE_OK;
    Scratch<T> m(int64_t(n) * n);
    Scratch<int> ipiv(n);
    if (!m.ok() || !ipiv.ok()) return alloc_failed(ctx);
    for (int64_t k = 0; k < b.count; ++k) {
        if (!load(m.p, 1, n, batch_item(a, k, N - 2), a.strides[N - 2], a.strides[N - 1], n, n, true)) {
            return not_finite(ctx);
        }
        int info = 0;
        lu_factor(n, m.p, ipiv.p, &info);
        load(batch_item(lu, k, N - 2), lu.strides[N - 2], lu.strides[N - 1], m.p, 1, n, n, n, false);
        int32_t* p = batch_item(piv, k, M - 1);
        for (int i = 0; i < n; ++i) p[i * piv.strides[M - 1]] = ipiv.p[i] - 1;
    }
    return TRANSPILE_OK;
}

// numpy.linalg.eigh / eigvalsh of a matrix (syevd as numpy calls it, on the column-major copy).
template <class T, class A>
int eigh(tr::Context& ctx, bool lower, const tr::Array<A, 2>& a, const tr::Array<T, 1>& w, const tr::Array<T, 2>* v) {
    Batch b;
    TR_CHECK(start(ctx, a, &b));
    const int n = b.n;
    if (n == 0) return TRANSPILE_OK;
    Scratch<T> m(int64_t(n) * n);
    if (!m.ok()) return alloc_failed(ctx);
    load(m.p, 1, n, a.data, a.strides[0], a.strides[1], n, n, false);  // m(i, j) at m[i + j * n]
    const char jobz = v ? 'V' : 'N';
    T query;
    int iquery = 0, info = 0;
    Lapack<T>::syevd(jobz, lower ? 'L' : 'U', n, m.p, w.data, &query, -1, &iquery, -1, &info);
    const int lwork = std::max(int(query), 1), liwork = std::max(iquery, 1);
    Scratch<T> work(lwork);
    Scratch<int> iwork(liwork);
    if (!work.ok() || !iwork.ok()) return alloc_failed(ctx);
    Lapack<T>::syevd(jobz, lower ? 'L' : 'U', n, m.p, w.data, work.p, lwork, iwork.p, liwork, &info);
    if (info > 0) return tr::fail(ctx, TRANSPILE_ERR_VALUE, "Eigenvalues did not converge");
    if (v) load(v->data, n, 1, m.p, 1, n, n, n, false);  // v(i, j) = m[i + j * n]
    return TRANSPILE_OK;
}

}  // namespace tr_linalg
