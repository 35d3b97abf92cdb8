// transpile_fft.h: real multidimensional discrete Fourier transforms (Theano's RFFTOp and IRFFTOp,
// numpy's rfftn / irfftn over every axis but the first, unnormalized), computed in double.
// A line of length n is transformed in place: iteratively by radix 2 when n is a power of two,
// otherwise by Bluestein's chirp-z identity jk = (j^2 + k^2 - (k - j)^2) / 2, which turns it into
// a convolution done with power-of-two transforms. Twiddles are cos/sin of exact angles (index
// products taken modulo the period first), tabulated once per length, so errors grow with log n,
// not n.
// Copied into generated projects from transpile/templates/runtime/fft.h (emit/cpp/rules/fft.py); do not edit.
#pragma once
#include <atomic>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdlib>

#include "transpile_runtime.h"

namespace tr_fft {

using cd = std::complex<double>;
constexpr double kPi = 3.14159265358979323846;

inline bool power_of_two(int64_t n) { return n > 0 && (n & (n - 1)) == 0; }

// twiddle[k] = e^(-2 pi i k / n), k < n / 2 (malloc'ed; nullptr when that failed)
inline cd* twiddles(int64_t n) {
    cd* w = static_cast<cd*>(std::malloc(sizeof(cd) * size_t(n / 2 > 0 ? n / 2 : 1)));
    if (w != nullptr) {
        for (int64_t k = 0; k < n / 2; ++k) {
            const double angle = -2 * kPi * double(k) / double(n);
            w[k] = cd(std::cos(angle), std::sin(angle));
        }
    }
    return w;
}

// a <- its DFT with e^(sign 2 pi i jk / n), n a power of two, `twiddle` its table.
inline void radix2(cd* a, int64_t n, int sign, const cd* twiddle) {
    for (int64_t i = 1, j = 0; i < n; ++i) {  // bit-reversed order
        int64_t bit = n >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j ^= bit;
        if (i < j) std::swap(a[i], a[j]);
    }
    for (int64_t len = 2; len <= n; len <<= 1) {
        const int64_t half = len / 2, step = n / len;
        for (int64_t i = 0; i < n; i += len) {
            for (int64_t k = 0; k < half; ++k) {
                const cd w = sign < 0 ? twiddle[k * step] : std::conj(twiddle[k * step]);
                const cd u = a[i + k], v = a[i + k + half] * w;
                a[i + k] = u + v;
                a[i + k + half] = u - v;
            }
        }
    }
}

// What one length needs, made once and then only read (by every thread): the twiddles of the
// power-of-two transforms it runs; for Bluestein, the chirp e^(sign pi i j^2 / n) and the
// transform of its conjugate laid out for a circular convolution of length m >= 2n - 1.
struct Plan {
    int64_t n = 0, m = 0;
    int sign = -1;
    cd* twiddle = nullptr;
    cd* chirp = nullptr;
    cd* kernel = nullptr;

    Plan() = default;
    Plan(const Plan&) = delete;
    Plan& operator=(const Plan&) = delete;
    ~Plan() {
        std::free(twiddle);
        std::free(chirp);
        std::free(kernel);
    }

    // false when scratch memory cannot be had
    bool make(int64_t length, int direction) {
        n = length;
        sign = direction;
        if (n <= 1) return true;
        if (power_of_two(n)) return (twiddle = twiddles(n)) != nullptr;
        m = 1;
        while (m < 2 * n - 1) m <<= 1;
        twiddle = twiddles(m);
        chirp = static_cast<cd*>(std::malloc(sizeof(cd) * size_t(n)));
        kernel = static_cast<cd*>(std::malloc(sizeof(cd) * size_t(m)));
        if (twiddle == nullptr || chirp == nullptr || kernel == nullptr) return false;
        for (int64_t j = 0; j < n; ++j) {
            const double angle = sign * kPi * double((j * j) % (2 * n)) / double(n);
            chirp[j] = cd(std::cos(angle), std::sin(angle));
        }
        for (int64_t j = 0; j < m; ++j) kernel[j] = 0;
        kernel[0] = std::conj(chirp[0]);
        for (int64_t j = 1; j < n; ++j) kernel[j] = kernel[m - j] = std::conj(chirp[j]);
        radix2(kernel, m, -1, twiddle);
        return true;
    }

    // the scratch `run` needs (a multiple of n for the line itself, then m for Bluestein)
    int64_t scratch() const { return n + m; }

    // a (contiguous, length n) <- its DFT; work: m elements of scratch
    void run(cd* a, cd* work) const {
        if (n <= 1) return;
        if (m == 0) {
            radix2(a, n, sign, twiddle);
            return;
        }
        for (int64_t j = 0; j < m; ++j) work[j] = j < n ? a[j] * chirp[j] : cd(0);
        radix2(work, m, -1, twiddle);
        for (int64_t j = 0; j < m; ++j) work[j] *= kernel[j];
        radix2(work, m, 1, twiddle);
        const double scale = 1.0 / double(m);
        for (int64_t k = 0; k < n; ++k) a[k] = work[k] * scale * chirp[k];
    }
};

// Owns malloc'ed memory (nullptr when the allocation failed).
struct Buffer {
    cd* p;
    explicit Buffer(int64_t count) : p(static_cast<cd*>(std::malloc(sizeof(cd) * size_t(count > 0 ? count : 1)))) {}
    ~Buffer() { std::free(p); }
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;
};

inline int out_of_memory(tr::Context& ctx) { return tr::fail(ctx, TRANSPILE_ERR_ALLOC, "fft: out of memory for scratch"); }

// Run body(r, line, work) for the lines r < lines across the OpenMP threads, each thread with
// its own line (n) and Bluestein scratch; false when scratch memory cannot be had.
template <class F>
inline bool each_line(const Plan& plan, int64_t lines, F&& body) {
    std::atomic<int> failed{0};
    tr::parallel_for(lines, lines * plan.n * 8, [&](int64_t lo, int64_t hi) TR_NOINLINE {
        Buffer scratch(plan.scratch());
        if (scratch.p == nullptr) {
            failed.store(1, std::memory_order_relaxed);
            return;
        }
        for (int64_t r = lo; r < hi; ++r) body(r, scratch.p, scratch.p + plan.n);
    });
    return failed.load(std::memory_order_relaxed) == 0;
}

// The complex DFT along `axis` of the C-contiguous complex array c of `shape` (ndim dims).
inline int along(tr::Context& ctx, cd* c, const int64_t* shape, int ndim, int axis, int sign) {
    const int64_t n = shape[axis];
    int64_t inner = 1, outer = 1;
    for (int d = axis + 1; d < ndim; ++d) inner *= shape[d];
    for (int d = 0; d < axis; ++d) outer *= shape[d];
    if (n <= 1 || inner * outer == 0) return TRANSPILE_OK;
    Plan plan;
    if (!plan.make(n, sign)) return out_of_memory(ctx);
    const bool ok = each_line(plan, outer * inner, [&](int64_t r, cd* line, cd* work) {
        cd* base = c + (r / inner) * n * inner + r % inner;
        for (int64_t k = 0; k < n; ++k) line[k] = base[k * inner];
        plan.run(line, work);
        for (int64_t k = 0; k < n; ++k) base[k * inner] = line[k];
    });
    return ok ? TRANSPILE_OK : out_of_memory(ctx);
}

// Offset of line r (C order over the first ndim - 1 dims) of an array of `shape` and `strides`.
inline int64_t line_offset(const int64_t* shape, const int64_t* strides, int ndim, int64_t r) {
    int64_t offset = 0;
    for (int d = ndim - 2; d >= 0; --d) {
        offset += (r % shape[d]) * strides[d];
        r /= shape[d];
    }
    return offset;
}

// out (m, n1, ..., h, 2) <- the unnormalized rfftn of x (m, n1, ..., nd) over its axes 1.., as
// (real, imaginary) pairs; h = nd / 2 + 1.
template <class T, class A, int N, int M>
int rfft(tr::Context& ctx, const tr::Array<A, N>& x, const tr::Array<T, M>& out) {
    static_assert(M == N + 1, "the output has a trailing (real, imaginary) axis");
    int64_t shape[N];
    for (int d = 0; d < N; ++d) shape[d] = x.shape[d];
    const int64_t nd = x.shape[N - 1], h = nd / 2 + 1;
    shape[N - 1] = h;
    const int64_t lines = tr::numel(x.shape, N - 1), total = lines * h;
    if (total == 0) return TRANSPILE_OK;
    Buffer c(total);
    Plan plan;
    if (c.p == nullptr || !plan.make(nd, -1)) return out_of_memory(ctx);
    const bool ok = each_line(plan, lines, [&](int64_t r, cd* line, cd* work) {  // real lines, half spectra
        const A* src = x.data + line_offset(x.shape, x.strides, N, r);
        for (int64_t k = 0; k < nd; ++k) line[k] = cd(double(src[k * x.strides[N - 1]]), 0.0);
        plan.run(line, work);
        for (int64_t k = 0; k < h; ++k) c.p[r * h + k] = line[k];
    });
    if (!ok) return out_of_memory(ctx);
    for (int axis = N - 2; axis >= 1; --axis) TR_CHECK(along(ctx, c.p, shape, N, axis, -1));
    for (int64_t i = 0; i < total; ++i) {  // out is C-contiguous
        out.data[2 * i] = T(c.p[i].real());
        out.data[2 * i + 1] = T(c.p[i].imag());
    }
    return TRANSPILE_OK;
}

// out (m, n1, ..., nd) <- the unnormalized irfftn of z (m, n1, ..., nd / 2 + 1, 2) over axes 1..
// (nd the output's last length; the caller checks the shapes). The imaginary parts of the zero
// and Nyquist frequencies are ignored, as numpy does.
template <class T, class A, int N, int M>
int irfft(tr::Context& ctx, const tr::Array<A, M>& z, const tr::Array<T, N>& out) {
    static_assert(M == N + 1, "the input has a trailing (real, imaginary) axis");
    const int64_t nd = out.shape[N - 1], h = nd / 2 + 1;
    int64_t shape[N];
    for (int d = 0; d < N; ++d) shape[d] = out.shape[d];
    shape[N - 1] = h;
    const int64_t lines = tr::numel(out.shape, N - 1);
    if (lines * nd == 0) return TRANSPILE_OK;
    Buffer c(lines * h);
    Plan plan;
    if (c.p == nullptr || !plan.make(nd, 1)) return out_of_memory(ctx);
    for (int64_t r = 0; r < lines; ++r) {
        const A* src = z.data + line_offset(z.shape, z.strides, N, r);
        for (int64_t k = 0; k < h; ++k) {
            const A* v = src + k * z.strides[N - 1];
            c.p[r * h + k] = cd(double(v[0]), double(v[z.strides[N]]));
        }
    }
    for (int axis = 1; axis <= N - 2; ++axis) TR_CHECK(along(ctx, c.p, shape, N, axis, 1));
    const bool ok = each_line(plan, lines, [&](int64_t r, cd* line, cd* work) {  // Hermitian lines to real ones
        const cd* half = c.p + r * h;
        for (int64_t k = 0; k < nd; ++k) line[k] = k < h ? half[k] : std::conj(half[nd - k]);
        plan.run(line, work);
        T* dst = out.data + line_offset(out.shape, out.strides, N, r);
        for (int64_t k = 0; k < nd; ++k) dst[k * out.strides[N - 1]] = T(line[k].real());
    });
    return ok ? TRANSPILE_OK : out_of_memory(ctx);
}

}  // namespace tr_fft
