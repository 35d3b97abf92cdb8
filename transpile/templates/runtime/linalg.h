// transpile_linalg.h: dense linear algebra through LAPACK for transpile-generated code (the
// rules of transpile/emit/rules/linalg.py call these). cmake/FindTranspileBLAS.cmake defines
// TRANSPILE_HAVE_LAPACK and TRANSPILE_LAPACK_PREFIX ("scipy_" for scipy-openblas32).
//
// Every routine runs over the leading (batch) dims of its operands: each matrix is copied into
// a dense scratch matrix of the compute type (any input strides and dtype), handed to LAPACK,
// and the result written to the C-contiguous output. A row-major n x n matrix is, to LAPACK
// (column-major), its transpose; the routines use that instead of transposing (inv(A^T) =
// inv(A)^T, A x = b is A^T^T x = b, the lower triangle of A is the upper one of A^T). Failures
// return a status with numpy's or scipy's message; nothing throws or aborts.
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
// `check` and a value is not finite.
template <class T, class A>
inline bool load(T* dst, int64_t d0, int64_t d1, const A* src, int64_t s0, int64_t s1, int64_t rows, int64_t cols,
                 bool check) {
    bool finite = true;
    for (int64_t i = 0; i < rows; ++i) {
        for (int64_t j = 0; j < cols; ++j) {
            const T v = static_cast<T>(src[i * s0 + j * s1]);
            finite = finite && (!check || std::isfinite(v));
            dst[i * d0 + j * d1] = v;
        }
    }
    return finite;
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

// numpy.linalg.inv: out = a^-1 for each matrix.
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
        Lapack<T>::getrf(n, m, ipiv.p, &info);
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
        if (n > 0) Lapack<T>::getrf(n, m.p, ipiv.p, &info);
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
            Lapack<T>::getrf(n, m.p, ipiv.p, &info);
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
        for (int i = 0; i < n; ++i) {
            for (int j = 0; j < n; ++j) {
                if (lower ? j > i : j < i) m[int64_t(i) * n + j] = T(0);
            }
        }
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

// numpy.linalg.svd over the leading dims (gesdd on the column-major copy, as numpy calls it):
// s always, u and vh (full m x m and n x n, or thin m x k and k x n) unless they are null.
template <class T, class A, int N>
int svd(tr::Context& ctx, bool full, const tr::Array<A, N>& a, const tr::Array<T, N - 1>& s, const tr::Array<T, N>* u,
        const tr::Array<T, N>* vh) {
    const int64_t m64 = a.shape[N - 2], n64 = a.shape[N - 1];
    if (m64 > 0x7fffffff / (n64 > 0 ? n64 : 1) || m64 * m64 > 0x7fffffff || n64 * n64 > 0x7fffffff) {
        return tr::fail(ctx, TRANSPILE_ERR_VALUE, "svd: a %lld x %lld matrix is too large for LAPACK", (long long)m64,
                        (long long)n64);
    }
    const int m = int(m64), n = int(n64), k = std::min(m, n);
    const int64_t count = tr::numel(a.shape, N - 2);
    const int ucols = full ? m : k, vrows = full ? n : k;
    const char jobz = u ? (full ? 'A' : 'S') : 'N';
    if (count == 0) return TRANSPILE_OK;
    if (k == 0) {  // numpy: identities for the full factors of an empty matrix
        for (int64_t b = 0; b < count && u; ++b) {
            T* uk = batch_item(*u, b, N - 2);
            T* vk = batch_item(*vh, b, N - 2);
            for (int i = 0; i < ucols * m; ++i) uk[i] = i % (ucols + 1) == 0 ? T(1) : T(0);
            for (int i = 0; i < vrows * n; ++i) vk[i] = i % (n + 1) == 0 ? T(1) : T(0);
        }
        return TRANSPILE_OK;
    }
    Scratch<T> m_(int64_t(m) * n), uw(u ? int64_t(m) * ucols : 1), vw(u ? int64_t(vrows) * n : 1);
    Scratch<int> iwork(8 * int64_t(k));
    if (!m_.ok() || !uw.ok() || !vw.ok() || !iwork.ok()) return alloc_failed(ctx);
    T query;
    int info = 0;
    const int ldu = u ? m : 1, ldvt = u ? vrows : 1;
    Lapack<T>::gesdd(jobz, m, n, m_.p, s.data, uw.p, ldu, vw.p, ldvt, &query, -1, iwork.p, &info);
    const int lwork = std::max(int(query), 1);
    Scratch<T> work(lwork);
    if (!work.ok()) return alloc_failed(ctx);
    for (int64_t b = 0; b < count; ++b) {
        load(m_.p, 1, m, batch_item(a, b, N - 2), a.strides[N - 2], a.strides[N - 1], m, n, false);
        Lapack<T>::gesdd(jobz, m, n, m_.p, s.data + b * k, uw.p, ldu, vw.p, ldvt, work.p, lwork, iwork.p, &info);
        if (info > 0) return tr::fail(ctx, TRANSPILE_ERR_VALUE, "SVD did not converge");
        if (u) {
            load(batch_item(*u, b, N - 2), ucols, 1, uw.p, 1, m, m, ucols, false);     // u(i, j) = uw[i + j * m]
            load(batch_item(*vh, b, N - 2), n, 1, vw.p, 1, vrows, vrows, n, false);  // vh(i, j) = vw[i + j * vrows]
        }
    }
    return TRANSPILE_OK;
}

// numpy.linalg.pinv of a matrix: V diag(1/s) U^T over the singular values above rcond * max(s).
template <class T, class A>
int pinv(tr::Context& ctx, double rcond, const tr::Array<A, 2>& a, const tr::Array<T, 2>& out) {
    const int64_t m = a.shape[0], n = a.shape[1], k = std::min(m, n);
    std::fill(out.data, out.data + n * m, T(0));
    if (k == 0) return TRANSPILE_OK;
    const int64_t s_shape[1] = {k}, u_shape[2] = {m, k}, v_shape[2] = {k, n};
    Scratch<T> s(k), u(m * k), vh(k * n);
    if (!s.ok() || !u.ok() || !vh.ok()) return alloc_failed(ctx);
    const tr::Array<T, 1> s_arr = {s.p, {s_shape[0]}, {1}};
    const tr::Array<T, 2> u_arr = {u.p, {u_shape[0], u_shape[1]}, {k, 1}};
    const tr::Array<T, 2> v_arr = {vh.p, {v_shape[0], v_shape[1]}, {n, 1}};
    TR_CHECK(svd(ctx, false, a, s_arr, &u_arr, &v_arr));
    const T cutoff = T(rcond) * *std::max_element(s.p, s.p + k);
    for (int64_t p = 0; p < k; ++p) {
        if (!(s.p[p] > cutoff)) continue;
        const T inv = T(1) / s.p[p];
        for (int64_t i = 0; i < n; ++i) {
            const T vi = vh.p[p * n + i] * inv;
            for (int64_t j = 0; j < m; ++j) out.data[i * m + j] += vi * u.p[j * k + p];
        }
    }
    return TRANSPILE_OK;
}

// c = a b for dense row-major n x n matrices.
template <class T>
inline void matmul_n(int n, const T* a, const T* b, T* c) {
    for (int i = 0; i < n; ++i) {
        T* ci = c + int64_t(i) * n;
        std::fill(ci, ci + n, T(0));
        for (int p = 0; p < n; ++p) {
            const T aip = a[int64_t(i) * n + p];
            const T* bp = b + int64_t(p) * n;
            for (int j = 0; j < n; ++j) ci[j] += aip * bp[j];
        }
    }
}

// scipy.linalg.expm of a matrix: scaling and squaring with a Pade approximant of degree 3, 5,
// 7, 9 or 13 chosen from the 1-norm (Higham 2005). Results agree with scipy's (Al-Mohy and
// Higham 2009) to rounding.
template <class T, class A>
int expm(tr::Context& ctx, const tr::Array<A, 2>& a, const tr::Array<T, 2>& out) {
    Batch bt;
    TR_CHECK(start(ctx, a, &bt));
    const int n = bt.n;
    if (n == 0) return TRANSPILE_OK;
    const int64_t nn = int64_t(n) * n;
    Scratch<T> buf(9 * nn);
    Scratch<int> ipiv(n);
    if (!buf.ok() || !ipiv.ok()) return alloc_failed(ctx);
    T *x = buf.p, *a2 = x + nn, *a4 = a2 + nn, *a6 = a4 + nn, *u = a6 + nn, *v = u + nn, *t = v + nn,
      *t2 = t + nn, *rhs = t2 + nn;
    load(x, n, 1, a.data, a.strides[0], a.strides[1], n, n, false);
    double norm = 0;
    for (int j = 0; j < n; ++j) {
        double column = 0;
        for (int i = 0; i < n; ++i) column += std::abs(double(x[int64_t(i) * n + j]));
        norm = std::max(norm, column);
    }
    static const double theta[5] = {1.495585217958292e-2, 2.539398330063230e-1, 9.504178996162932e-1,
                                    2.097847961257068e0, 5.371920351148152e0};
    static const int degrees[5] = {3, 5, 7, 9, 13};
    static const double b[14] = {64764752532480000., 32382376266240000., 7771770303897600., 1187353796428800.,
                                 129060195264000., 10559470521600., 670442572800., 33522128640., 1323241920.,
                                 40840800., 960960., 16380., 182., 1.};
    static const double small[4][10] = {{120., 60., 12., 1.},
                                        {30240., 15120., 3360., 420., 30., 1.},
                                        {17297280., 8648640., 1995840., 277200., 25200., 1512., 56., 1.},
                                        {17643225600., 8821612800., 2075673600., 302702400., 30270240., 2162160.,
                                         110880., 3960., 90., 1.}};
    if (!std::isfinite(norm)) {  // scipy's result: every entry NaN
        std::fill(out.data, out.data + nn, std::numeric_limits<T>::quiet_NaN());
        return TRANSPILE_OK;
    }
    int squarings = 0, choice = 4;
    for (int k = 0; k < 4; ++k) {
        if (norm <= theta[k]) {
            choice = k;
            break;
        }
    }
    if (choice == 4 && norm > theta[4]) {
        squarings = int(std::ceil(std::log2(norm / theta[4])));
        const T scale = T(std::ldexp(1.0, -squarings));
        for (int64_t i = 0; i < nn; ++i) x[i] *= scale;
    }
    matmul_n(n, x, x, a2);
    std::fill(u, u + nn, T(0));
    std::fill(v, v + nn, T(0));
    if (choice < 4) {  // u = x * sum_j c[2j+1] x^(2j), v = sum_j c[2j] x^(2j); t runs over x^(2j)
        const double* c = small[choice];
        const int m = degrees[choice];
        std::fill(t, t + nn, T(0));
        std::fill(a6, a6 + nn, T(0));
        for (int i = 0; i < n; ++i) t[int64_t(i) * n + i] = T(1);
        for (int k = 0; k < m; k += 2) {
            for (int64_t i = 0; i < nn; ++i) {
                v[i] += T(c[k]) * t[i];
                a6[i] += T(c[k + 1]) * t[i];
            }
            if (k + 2 < m) {
                matmul_n(n, t, a2, t2);
                std::copy(t2, t2 + nn, t);
            }
        }
        matmul_n(n, x, a6, u);
    } else {
        matmul_n(n, a2, a2, a4);
        matmul_n(n, a4, a2, a6);
        for (int64_t i = 0; i < nn; ++i) t[i] = T(b[13]) * a6[i] + T(b[11]) * a4[i] + T(b[9]) * a2[i];
        matmul_n(n, a6, t, t2);
        for (int64_t i = 0; i < nn; ++i) t2[i] += T(b[7]) * a6[i] + T(b[5]) * a4[i] + T(b[3]) * a2[i];
        for (int i = 0; i < n; ++i) t2[int64_t(i) * n + i] += T(b[1]);
        matmul_n(n, x, t2, u);
        for (int64_t i = 0; i < nn; ++i) t[i] = T(b[12]) * a6[i] + T(b[10]) * a4[i] + T(b[8]) * a2[i];
        matmul_n(n, a6, t, v);
        for (int64_t i = 0; i < nn; ++i) v[i] += T(b[6]) * a6[i] + T(b[4]) * a4[i] + T(b[2]) * a2[i];
        for (int i = 0; i < n; ++i) v[int64_t(i) * n + i] += T(b[0]);
    }
    // (v - u) r = (v + u): with row-major storage LAPACK sees the transposes, hence getrs 'T'
    // on a column-major right-hand side.
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < n; ++j) {
            const int64_t ij = int64_t(i) * n + j;
            t[ij] = v[ij] - u[ij];
            rhs[int64_t(j) * n + i] = v[ij] + u[ij];
        }
    }
    int info = 0;
    Lapack<T>::getrf(n, t, ipiv.p, &info);
    if (info > 0) return tr::fail(ctx, TRANSPILE_ERR_VALUE, "expm: the Pade denominator is singular");
    Lapack<T>::getrs('T', n, n, t, ipiv.p, rhs, &info);
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < n; ++j) x[int64_t(i) * n + j] = rhs[int64_t(j) * n + i];
    }
    for (int k = 0; k < squarings; ++k) {
        matmul_n(n, x, x, t);
        std::copy(t, t + nn, x);
    }
    std::copy(x, x + nn, out.data);
    return TRANSPILE_OK;
}

}  // namespace tr_linalg
