// transpile_sparse.h: the sparse ops of emit/cpp/rules/sparse_*.py.
//
// A compressed matrix is seen along its *lines*: line i (a row of a csr matrix, a column of a csc
// one) stores minor indices `indices[indptr[i]:indptr[i+1]]` and values `data[...]`; `major` is
// the number of lines, `minor` their length. Parts are contiguous (CSM copies strided inputs);
// dense operands are read through strides (element counts, 0 where broadcast). Helpers run in the
// output's C type `T`, converting each operand value first.
// Copied into generated projects from transpile/templates/runtime/sparse.h; do not edit.
#pragma once
#include <algorithm>
#include <cstdint>

#include "transpile_runtime.h"

namespace sp {

constexpr int64_t kIndexMax = 2147483647;

// CSM: the parts given by the caller describe a valid matrix (nothing later reads out of bounds).
inline int check(tr::Context& ctx, const char* who, int64_t rows, int64_t cols, bool csr, int64_t n_data,
                 const int32_t* indices, int64_t n_indices, const int32_t* indptr, int64_t n_indptr) {
    if (rows < 0 || cols < 0 || rows > kIndexMax || cols > kIndexMax) {
        return tr::fail(ctx, TRANSPILE_ERR_VALUE, "%s: invalid shape (%lld, %lld)", who, (long long)rows, (long long)cols);
    }
    const int64_t major = csr ? rows : cols, minor = csr ? cols : rows;
    if (n_indptr != major + 1) {
        return tr::fail(ctx, TRANSPILE_ERR_VALUE, "%s: indptr has %lld entries, expected %lld", who, (long long)n_indptr,
                        (long long)(major + 1));
    }
    if (n_indices != n_data) {
        return tr::fail(ctx, TRANSPILE_ERR_VALUE, "%s: indices has %lld entries but data has %lld", who,
                        (long long)n_indices, (long long)n_data);
    }
    bool ok = indptr[0] == 0 && indptr[major] == n_data;
    for (int64_t i = 0; ok && i < major; ++i) ok = indptr[i] <= indptr[i + 1];
    if (!ok) {
        return tr::fail(ctx, TRANSPILE_ERR_VALUE, "%s: indptr must start at 0, never decrease and end at the number of "
                        "stored values (%lld)", who, (long long)n_data);
    }
    for (int64_t k = 0; k < n_indices; ++k) {
        if (indices[k] < 0 || indices[k] >= minor) {
            return tr::fail(ctx, TRANSPILE_ERR_VALUE, "%s: an index is out of range [0, %lld)", who, (long long)minor);
        }
    }
    return TRANSPILE_OK;
}

// out[r * so0 + c * so1] += x at every stored (r, c) (duplicates add up).
template <class T, class S>
TR_NOINLINE void add_to_dense(const S* data, const int32_t* indices, const int32_t* indptr, int64_t major, bool csr,
                              T* out, int64_t so0, int64_t so1) {
    const int64_t sm = csr ? so0 : so1, sn = csr ? so1 : so0;
    tr::parallel_for(major, indptr[major], [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t i = lo; i < hi; ++i) {
            for (int64_t k = indptr[i]; k < indptr[i + 1]; ++k) {
                T& o = out[i * sm + indices[k] * sn];
                o = static_cast<T>(o + static_cast<T>(data[k]));
            }
        }
    });
}

// out (rows x cols, contiguous) = y broadcast (y[r * y0 + c * y1]).
template <class T, class Y>
TR_NOINLINE void broadcast_dense(T* out, int64_t rows, int64_t cols, const Y* y, int64_t y0, int64_t y1) {
    tr::parallel_for(rows, rows * cols, [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t r = lo; r < hi; ++r) {
            for (int64_t c = 0; c < cols; ++c) out[r * cols + c] = static_cast<T>(y[r * y0 + c * y1]);
        }
    });
}

// indptr of the nonzeros of dense x (line i of x at x + i * sm, elements sn apart); false when
// there are more than kIndexMax.
template <class T>
TR_NOINLINE bool count_dense(const T* x, int64_t sm, int64_t sn, int64_t major, int64_t minor, int32_t* indptr) {
    int64_t total = 0;
    indptr[0] = 0;
    for (int64_t i = 0; i < major; ++i) {
        const T* line = x + i * sm;
        for (int64_t j = 0; j < minor; ++j) total += line[j * sn] != T(0);
        if (total > kIndexMax) return false;
        indptr[i + 1] = int32_t(total);
    }
    return true;
}

template <class T>
TR_NOINLINE void fill_from_dense(const T* x, int64_t sm, int64_t sn, int64_t major, int64_t minor, const int32_t* indptr,
                                 T* data, int32_t* indices) {
    tr::parallel_for(major, major * minor, [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t i = lo; i < hi; ++i) {
            const T* line = x + i * sm;
            int64_t k = indptr[i];
            for (int64_t j = 0; j < minor; ++j) {
                if (line[j * sn] != T(0)) {
                    indices[k] = int32_t(j);
                    data[k++] = line[j * sn];
                }
            }
        }
    });
}

// The same matrix compressed along the other dimension (scipy's csr_tocsc: a counting sort,
// stable, so each new line lists its entries in old-line order; duplicates are kept).
template <class T>
TR_NOINLINE void convert(int64_t major, int64_t minor, const int32_t* indptr, const int32_t* indices, const T* data,
                         int32_t* out_indptr, int32_t* out_indices, T* out_data) {
    const int64_t nnz = indptr[major];
    std::fill(out_indptr, out_indptr + minor + 1, int32_t(0));
    for (int64_t k = 0; k < nnz; ++k) out_indptr[indices[k]]++;
    int32_t sum = 0;
    for (int64_t j = 0; j <= minor; ++j) {
        const int32_t c = out_indptr[j];
        out_indptr[j] = sum;
        sum += c;
    }
    for (int64_t i = 0; i < major; ++i) {
        for (int64_t k = indptr[i]; k < indptr[i + 1]; ++k) {
            const int32_t dest = out_indptr[indices[k]]++;
            out_indices[dest] = int32_t(i);
            out_data[dest] = data[k];
        }
    }
    for (int64_t j = minor; j > 0; --j) out_indptr[j] = out_indptr[j - 1];
    out_indptr[0] = 0;
}

// out[i] = the sum of line i (out fresh, major entries).
template <class T, class S>
TR_NOINLINE void sum_lines(const S* data, const int32_t* indptr, int64_t major, T* out) {
    tr::parallel_for(major, indptr[major], [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t i = lo; i < hi; ++i) {
            T acc = T(0);
            for (int64_t k = indptr[i]; k < indptr[i + 1]; ++k) acc = static_cast<T>(acc + static_cast<T>(data[k]));
            out[i] = acc;
        }
    });
}

// out[j] += the values stored at minor index j (out zeroed by the caller).
template <class T, class S>
TR_NOINLINE void sum_minor(const S* data, const int32_t* indices, int64_t nnz, T* out) {
    for (int64_t k = 0; k < nnz; ++k) out[indices[k]] = static_cast<T>(out[indices[k]] + static_cast<T>(data[k]));
}

// out (m x n, contiguous) = a (csr, m lines) . b (b[k, j] at b + k * b0 + j * b1).
template <class T, class A, class B>
TR_NOINLINE void dot_csr(const A* data, const int32_t* indices, const int32_t* indptr, int64_t m, const B* b,
                         int64_t b0, int64_t b1, int64_t n, T* out) {
    tr::parallel_for(m, (indptr[m] + m) * n, [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t i = lo; i < hi; ++i) {
            T* row = out + i * n;
            std::fill(row, row + n, T(0));
            for (int64_t k = indptr[i]; k < indptr[i + 1]; ++k) {
                const T a = static_cast<T>(data[k]);
                const B* bk = b + indices[k] * b0;
                for (int64_t j = 0; j < n; ++j) row[j] += a * static_cast<T>(bk[j * b1]);
            }
        }
    });
}

// out (m x n, contiguous) = a (csc, kdim lines of length m) . b; threads split the n columns.
template <class T, class A, class B>
TR_NOINLINE void dot_csc(const A* data, const int32_t* indices, const int32_t* indptr, int64_t kdim, int64_t m,
                         const B* b, int64_t b0, int64_t b1, int64_t n, T* out) {
    std::fill(out, out + m * n, T(0));
    tr::parallel_for(n, indptr[kdim] * n, [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t c = 0; c < kdim; ++c) {
            const B* bc = b + c * b0;
            for (int64_t k = indptr[c]; k < indptr[c + 1]; ++k) {
                const T a = static_cast<T>(data[k]);
                T* row = out + int64_t(indices[k]) * n;
                for (int64_t j = lo; j < hi; ++j) row[j] += a * static_cast<T>(bc[j * b1]);
            }
        }
    });
}

// out[k] = sum_j gz[r, j] * b[c, j] at every stored (r, c) of a (n terms).
template <class T, class B, class G>
TR_NOINLINE void dot_grad_a(const int32_t* indices, const int32_t* indptr, int64_t major, bool csr, const B* b,
                            int64_t b0, int64_t b1, const G* gz, int64_t g0, int64_t g1, int64_t n, T* out) {
    tr::parallel_for(major, (indptr[major] + 1) * n, [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t i = lo; i < hi; ++i) {
            for (int64_t k = indptr[i]; k < indptr[i + 1]; ++k) {
                const int64_t r = csr ? i : indices[k], c = csr ? indices[k] : i;
                T acc = T(0);
                for (int64_t j = 0; j < n; ++j) {
                    acc += static_cast<T>(gz[r * g0 + j * g1]) * static_cast<T>(b[c * b0 + j * b1]);
                }
                out[k] = acc;
            }
        }
    });
}

// out[k] = y[r * y0 + c * y1] at every stored (r, c) (y dense, broadcast through 0 strides).
template <class T, class Y>
TR_NOINLINE void gather_dense(const int32_t* indices, const int32_t* indptr, int64_t major, bool csr, const Y* y,
                              int64_t y0, int64_t y1, T* out) {
    const int64_t sm = csr ? y0 : y1, sn = csr ? y1 : y0;
    tr::parallel_for(major, indptr[major], [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t i = lo; i < hi; ++i) {
            for (int64_t k = indptr[i]; k < indptr[i + 1]; ++k) out[k] = static_cast<T>(y[i * sm + indices[k] * sn]);
        }
    });
}

// out[k] = the value of sparse v (same orientation) at every stored position of `like`: v's
// values aligned one to one when the structures are identical, else the sum of v's entries at
// that position (0 if none). ws/stamp: scratch of `minor` entries.
template <class T, class V>
TR_NOINLINE void gather_sparse(const int32_t* indices, const int32_t* indptr, int64_t major, int64_t minor,
                               const V* vdata, const int32_t* vindices, const int32_t* vindptr, T* ws, int64_t* stamp,
                               T* out) {
    const int64_t nnz = indptr[major];
    if (std::equal(indptr, indptr + major + 1, vindptr) && std::equal(indices, indices + nnz, vindices)) {
        for (int64_t k = 0; k < nnz; ++k) out[k] = static_cast<T>(vdata[k]);
        return;
    }
    std::fill(stamp, stamp + minor, int64_t(-1));
    for (int64_t i = 0; i < major; ++i) {
        for (int64_t k = vindptr[i]; k < vindptr[i + 1]; ++k) {
            const int32_t c = vindices[k];
            if (stamp[c] != i) {
                stamp[c] = i;
                ws[c] = T(0);
            }
            ws[c] = static_cast<T>(ws[c] + static_cast<T>(vdata[k]));
        }
        for (int64_t k = indptr[i]; k < indptr[i + 1]; ++k) out[k] = stamp[indices[k]] == i ? ws[indices[k]] : T(0);
    }
}

// x op y for two sparse matrices of the same orientation, like scipy's csr_binop_csr: at every
// position stored in either, op(sum of x's entries or 0, sum of y's entries or 0), kept when
// nonzero, lines sorted. out_indices/out_data hold at least nnz(x) + nnz(y); returns the count.
// wx, wy, stamp, touched: scratch of `minor` entries.
template <class T, class X, class Y, class Op>
TR_NOINLINE int64_t combine(int64_t major, int64_t minor, const X* xd, const int32_t* xi, const int32_t* xp,
                            const Y* yd, const int32_t* yi, const int32_t* yp, T* wx, T* wy, int64_t* stamp,
                            int32_t* touched, Op op, int32_t* out_indptr, int32_t* out_indices, T* out_data) {
    std::fill(stamp, stamp + minor, int64_t(-1));
    int64_t nnz = 0;
    out_indptr[0] = 0;
    for (int64_t i = 0; i < major; ++i) {
        int64_t nt = 0;
        const auto touch = [&](int32_t c) {
            if (stamp[c] != i) {
                stamp[c] = i;
                wx[c] = T(0);
                wy[c] = T(0);
                touched[nt++] = c;
            }
        };
        for (int64_t k = xp[i]; k < xp[i + 1]; ++k) {
            touch(xi[k]);
            wx[xi[k]] = static_cast<T>(wx[xi[k]] + static_cast<T>(xd[k]));
        }
        for (int64_t k = yp[i]; k < yp[i + 1]; ++k) {
            touch(yi[k]);
            wy[yi[k]] = static_cast<T>(wy[yi[k]] + static_cast<T>(yd[k]));
        }
        std::sort(touched, touched + nt);
        for (int64_t t = 0; t < nt; ++t) {
            const int32_t c = touched[t];
            const T v = op(wx[c], wy[c]);
            if (v != T(0)) {
                out_indices[nnz] = c;
                out_data[nnz++] = v;
            }
        }
        out_indptr[i + 1] = int32_t(nnz);
    }
    return nnz;
}

struct Plus {
    template <class T> T operator()(T a, T b) const { return static_cast<T>(a + b); }
};
struct Times {
    template <class T> T operator()(T a, T b) const { return static_cast<T>(a * b); }
};

// Remove0: the entries whose value is not zero, in order; returns their count (out_* hold nnz).
template <class T>
TR_NOINLINE int64_t remove_zeros(int64_t major, const T* data, const int32_t* indices, const int32_t* indptr,
                                 int32_t* out_indptr, int32_t* out_indices, T* out_data) {
    int64_t nnz = 0;
    out_indptr[0] = 0;
    for (int64_t i = 0; i < major; ++i) {
        for (int64_t k = indptr[i]; k < indptr[i + 1]; ++k) {
            if (data[k] != T(0)) {
                out_indices[nnz] = indices[k];
                out_data[nnz++] = data[k];
            }
        }
        out_indptr[i + 1] = int32_t(nnz);
    }
    return nnz;
}

// EnsureSortedIndices: each line's entries ordered by index, stably (order: nnz scratch).
template <class T>
TR_NOINLINE void sort_lines(int64_t major, const T* data, const int32_t* indices, const int32_t* indptr,
                            int64_t* order, int32_t* out_indices, T* out_data) {
    tr::parallel_for(major, indptr[major], [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t i = lo; i < hi; ++i) {
            for (int64_t k = indptr[i]; k < indptr[i + 1]; ++k) order[k] = k;
            std::stable_sort(order + indptr[i], order + indptr[i + 1],
                             [&](int64_t a, int64_t b) { return indices[a] < indices[b]; });
            for (int64_t k = indptr[i]; k < indptr[i + 1]; ++k) {
                out_indices[k] = indices[order[k]];
                out_data[k] = data[order[k]];
            }
        }
    });
}

// Stacking along the lines (vstack into csr, hstack into csc): a block's lines appended after
// `line0` lines holding `nnz0` entries (values converted to T).
template <class T, class S>
TR_NOINLINE void append_lines(int64_t major, const S* data, const int32_t* indices, const int32_t* indptr,
                              int64_t line0, int64_t nnz0, int32_t* out_indptr, int32_t* out_indices, T* out_data) {
    for (int64_t i = 0; i < major; ++i) out_indptr[line0 + i + 1] = int32_t(nnz0 + indptr[i + 1]);
    for (int64_t k = 0; k < indptr[major]; ++k) {
        out_indices[nnz0 + k] = indices[k];
        out_data[nnz0 + k] = static_cast<T>(data[k]);
    }
}

// Stacking across the lines (hstack into csr, vstack into csc): line i of a block appended at
// cursor[i] with its indices shifted by `offset` (cursor starts at the output's indptr).
template <class T, class S>
TR_NOINLINE void append_across(int64_t major, const S* data, const int32_t* indices, const int32_t* indptr,
                               int64_t offset, int64_t* cursor, int32_t* out_indices, T* out_data) {
    for (int64_t i = 0; i < major; ++i) {
        for (int64_t k = indptr[i]; k < indptr[i + 1]; ++k) {
            out_indices[cursor[i]] = int32_t(indices[k] + offset);
            out_data[cursor[i]++] = static_cast<T>(data[k]);
        }
    }
}

}  // namespace sp
