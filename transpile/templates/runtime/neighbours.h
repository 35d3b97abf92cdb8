// transpile_neighbours.h: images2neibs (a gather of patches) and its gradient (the adjoint
// scatter-add) for the rules in emit/cpp/rules/neighbours.py.
//
// Patch (a, b) of plane p (a flat (batch, channel) index) is row (p*gr + a)*gc + b of the
// matrix; its tap (i, j) is column i*c + j and reads image position (neib_source(a, i),
// neib_source(b, j)), or a zero where that is -1 (modes half and full). The modes and their
// checks are those of tensor/nnet/neighbours.py. Each kernel runs over the planes, in parallel.
// Copied into generated projects from transpile/templates/runtime/neighbours.h; do not edit.
#pragma once
#include <algorithm>
#include <cstdint>

#include "transpile_runtime.h"

enum NeibMode { NEIB_VALID = 0, NEIB_IGNORE_BORDERS = 1, NEIB_WRAP_CENTERED = 2, NEIB_HALF = 3, NEIB_FULL = 4 };

struct NeibGeom {
    int mode;
    int64_t planes, h, w, r, c, sr, sc, gr, gc;

    // the image position along an axis of length n read by tap i of patch a (-1: outside)
    int64_t source(int64_t n, int64_t k, int64_t step, int64_t a, int64_t i) const {
        const int64_t shift = mode == NEIB_WRAP_CENTERED || mode == NEIB_HALF ? k / 2 : mode == NEIB_FULL ? k - 1 : 0;
        int64_t pos = a * step + i - shift;
        if (mode == NEIB_WRAP_CENTERED) pos = pos < 0 ? pos + n : pos >= n ? pos - n : pos;
        return pos >= 0 && pos < n ? pos : -1;
    }
    int64_t row(int64_t a, int64_t i) const { return source(h, r, sr, a, i); }
    int64_t col(int64_t b, int64_t j) const { return source(w, c, sc, b, j); }
};

// Patches along an axis of length n (patch k, step s), or a failed status with the reference's message.
inline int neib_grid(tr::Context& ctx, const char* who, const char* mode_text, int mode, int64_t n, int64_t k,
                     int64_t s, int64_t* grid) {
    if (mode == NEIB_WRAP_CENTERED) {
        if (n < k) {
            return tr::fail(ctx, TRANSPILE_ERR_VALUE, "%s: in mode 'wrap_centered' the image (%lld) must not be smaller than the patch (%lld)",
                            who, (long long)n, (long long)k);
        }
        *grid = (n + s - 1) / s;
        return TRANSPILE_OK;
    }
    if (mode == NEIB_IGNORE_BORDERS) {
        *grid = n < k ? 0 : (n - k) / s + 1;
        return TRANSPILE_OK;
    }
    const int64_t span = mode == NEIB_VALID ? n - k : mode == NEIB_HALF ? n - k % 2 : n + k - 2;
    if (n < k || span % s != 0) {
        return tr::fail(ctx, TRANSPILE_ERR_VALUE, "%s: in mode %s the patches (length %lld, step %lld) must tile the image (length %lld) exactly",
                        who, mode_text, (long long)k, (long long)s, (long long)n);
    }
    *grid = span / s + 1;
    return TRANSPILE_OK;
}

inline int neib_geometry(tr::Context& ctx, const char* who, const char* mode_text, NeibGeom& g, const int64_t* shape,
                         int mode, int64_t r, int64_t c, int64_t sr, int64_t sc) {
    g = NeibGeom{mode, shape[0] * shape[1], shape[2], shape[3], r, c, sr, sc, 0, 0};
    TR_CHECK(neib_grid(ctx, who, mode_text, mode, g.h, r, sr, &g.gr));
    return neib_grid(ctx, who, mode_text, mode, g.w, c, sc, &g.gc);
}

// out (contiguous, planes*gr*gc x r*c) = the patches of x.
template <class T, class X>
TR_NOINLINE void images2neibs(const tr::Array<X, 4>& x, const tr::Array<T, 2>& out, NeibGeom g) {
    const int64_t per_plane = g.gr * g.gc * g.r * g.c;
    tr::parallel_for(g.planes, g.planes * per_plane, [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t p = lo; p < hi; ++p) {
            const X* plane = x.data + (p / x.shape[1]) * x.strides[0] + (p % x.shape[1]) * x.strides[1];
            T* o = out.data + p * per_plane;
            for (int64_t a = 0; a < g.gr; ++a)
                for (int64_t b = 0; b < g.gc; ++b)
                    for (int64_t i = 0; i < g.r; ++i) {
                        const int64_t y = g.row(a, i);
                        for (int64_t j = 0; j < g.c; ++j, ++o) {
                            const int64_t z = g.col(b, j);
                            *o = y < 0 || z < 0 ? T(0) : static_cast<T>(plane[y * x.strides[2] + z * x.strides[3]]);
                        }
                    }
        }
    });
}

// gx (contiguous, of the images' shape; zeroed here) = every patch tap of gz added where it was read.
template <class T, class G>
TR_NOINLINE void images2neibs_grad(const tr::Array<G, 2>& gz, const tr::Array<T, 4>& gx, NeibGeom g) {
    std::fill(gx.data, gx.data + tr::numel(gx), T(0));
    const int64_t per_plane = g.gr * g.gc * g.r * g.c;
    tr::parallel_for(g.planes, g.planes * per_plane, [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t p = lo; p < hi; ++p) {
            T* plane = gx.data + p * g.h * g.w;
            for (int64_t a = 0; a < g.gr; ++a)
                for (int64_t b = 0; b < g.gc; ++b) {
                    const int64_t row = (p * g.gr + a) * g.gc + b;
                    for (int64_t i = 0; i < g.r; ++i) {
                        const int64_t y = g.row(a, i);
                        if (y < 0) continue;
                        for (int64_t j = 0; j < g.c; ++j) {
                            const int64_t z = g.col(b, j);
                            if (z >= 0) plane[y * g.w + z] += static_cast<T>(gz.data[row * gz.strides[0] + (i * g.c + j) * gz.strides[1]]);
                        }
                    }
                }
        }
    });
}
