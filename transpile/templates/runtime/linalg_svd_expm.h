// transpile_linalg_svd_expm.h: the SVD-based routines (svd, pinv) and the matrix exponential, on top
// of transpile_linalg.h (its LAPACK bindings, scratch and batch helpers).

// Copied into generated projects from transpile/templates/runtime/linalg_svd_expm.h; do not edit.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "transpile_runtime.h"
#include "transpile_linalg.h"

namespace tr_linalg {

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
