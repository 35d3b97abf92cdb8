// cuda_kernels_harness.cu: `extern "C"` entry points over transpile_cuda_kernels.cuh for
// tests/emit/test_cuda_kernels.py (loaded with ctypes). Each entry copies the whole host buffer of
// every view to the device, runs one launcher on a stream of its own, waits, and copies the
// written buffers back; it returns the first CUDA error (a cudaError_t) or 0.
#include <cstdint>
#include <type_traits>

#include "transpile_cuda_kernels.cuh"

extern "C" {
// A strided view into a host buffer: `elems` elements at `base`, the view's element [0, ..., 0]
// at base[offset], `strides` in elements (one per dim).
struct HostView {
    void* base;
    int64_t elems;
    int64_t offset;
    const int64_t* strides;
};
}

namespace {

#define TRY(...)                                    \
    do {                                            \
        const cudaError_t status_ = (__VA_ARGS__);  \
        if (status_ != cudaSuccess) return status_; \
    } while (0)

// Device memory freed at scope exit.
struct DeviceBuffer {
    void* ptr = nullptr;
    ~DeviceBuffer() {
        if (ptr != nullptr) cudaFree(ptr);
    }
};

struct Stream {
    cudaStream_t stream = nullptr;
    ~Stream() {
        if (stream != nullptr) cudaStreamDestroy(stream);
    }
};

template <class T>
cudaError_t upload(const HostView& h, DeviceBuffer& d) {
    TRY(cudaMalloc(&d.ptr, size_t(h.elems > 0 ? h.elems : 1) * sizeof(T)));
    return cudaMemcpy(d.ptr, h.base, size_t(h.elems) * sizeof(T), cudaMemcpyHostToDevice);
}

template <class T>
cudaError_t download(const HostView& h, const DeviceBuffer& d) {
    return cudaMemcpy(h.base, d.ptr, size_t(h.elems) * sizeof(T), cudaMemcpyDeviceToHost);
}

template <class T, int N>
tr::Array<T, N> array_of(const DeviceBuffer& d, const HostView& h, const int64_t* shape) {
    tr::Array<T, N> a;
    a.data = static_cast<T*>(d.ptr) + h.offset;
    a.shape[0] = 1;
    a.strides[0] = 0;
    for (int k = 0; k < N; ++k) {
        a.shape[k] = shape[k];
        a.strides[k] = h.strides[k];
    }
    return a;
}

// f(std::integral_constant<int, rank>) for ranks 0..4.
template <class F>
int by_rank(int rank, F&& f) {
    switch (rank) {
        case 0: return f(std::integral_constant<int, 0>());
        case 1: return f(std::integral_constant<int, 1>());
        case 2: return f(std::integral_constant<int, 2>());
        case 3: return f(std::integral_constant<int, 3>());
        case 4: return f(std::integral_constant<int, 4>());
        default: return -1;
    }
}

// Uploads done, a stream of our own: the launch must not rely on the legacy default stream.
cudaError_t start(Stream& s) {
    TRY(cudaDeviceSynchronize());
    return cudaStreamCreateWithFlags(&s.stream, cudaStreamNonBlocking);
}

template <class D, class S>
int run_copy(int rank, const int64_t* shape, const HostView* dst, const HostView* src) {
    return by_rank(rank, [&](auto r) -> int {
        constexpr int N = decltype(r)::value;
        DeviceBuffer dd, ds;
        Stream s;
        TRY(upload<D>(*dst, dd));
        TRY(upload<S>(*src, ds));
        TRY(start(s));
        TRY(tr::cu::copy(s.stream, array_of<D, N>(dd, *dst, shape), array_of<const S, N>(ds, *src, shape)));
        TRY(cudaStreamSynchronize(s.stream));
        return download<D>(*dst, dd);
    });
}

template <class T>
int run_fill(int rank, const int64_t* shape, const HostView* dst, const void* value) {
    return by_rank(rank, [&](auto r) -> int {
        constexpr int N = decltype(r)::value;
        DeviceBuffer dd;
        Stream s;
        TRY(upload<T>(*dst, dd));
        TRY(start(s));
        TRY(tr::cu::fill(s.stream, array_of<T, N>(dd, *dst, shape), *static_cast<const T*>(value)));
        TRY(cudaStreamSynchronize(s.stream));
        return download<T>(*dst, dd);
    });
}

// The output's shape: extent 1 on the reduced dims.
void reduced_shape(int rank, const int64_t* shape, uint32_t mask, int64_t* out) {
    for (int d = 0; d < rank; ++d) out[d] = (mask >> d) & 1u ? 1 : shape[d];
}

template <class Acc, class Op, class U, class T>
int run_reduce(int rank, const int64_t* shape, uint32_t mask, const HostView* out, const HostView* in,
               int64_t* scratch_used) {
    return by_rank(rank, [&](auto r) -> int {
        constexpr int N = decltype(r)::value;
        int64_t out_shape[5];
        reduced_shape(rank, shape, mask, out_shape);
        DeviceBuffer dout, din, scratch;
        Stream s;
        TRY(upload<U>(*out, dout));
        TRY(upload<T>(*in, din));
        const tr::Array<const T, N> a = array_of<const T, N>(din, *in, shape);
        const size_t bytes = tr::cu::reduce_scratch_bytes<Acc>(a, mask);
        *scratch_used = int64_t(bytes);
        if (bytes > 0) TRY(cudaMalloc(&scratch.ptr, bytes));
        TRY(start(s));
        TRY(tr::cu::reduce<Acc, Op>(s.stream, array_of<U, N>(dout, *out, out_shape), a, mask, scratch.ptr, bytes));
        TRY(cudaStreamSynchronize(s.stream));
        return download<U>(*out, dout);
    });
}

template <bool IsMax, class T>
int run_arg(int rank, const int64_t* shape, uint32_t mask, const HostView* out, const HostView* in) {
    return by_rank(rank, [&](auto r) -> int {
        constexpr int N = decltype(r)::value;
        int64_t out_shape[5];
        reduced_shape(rank, shape, mask, out_shape);
        DeviceBuffer dout, din;
        Stream s;
        TRY(upload<int64_t>(*out, dout));
        TRY(upload<T>(*in, din));
        TRY(start(s));
        TRY(tr::cu::arg_reduce<IsMax>(s.stream, array_of<int64_t, N>(dout, *out, out_shape),
                                      array_of<const T, N>(din, *in, shape), mask));
        TRY(cudaStreamSynchronize(s.stream));
        return download<int64_t>(*out, dout);
    });
}

template <class T>
int run_softmax(const int64_t* shape, const HostView* out, const HostView* in, int log) {
    DeviceBuffer dout, din;
    Stream s;
    TRY(upload<T>(*out, dout));
    TRY(upload<T>(*in, din));
    TRY(start(s));
    TRY(tr::cu::softmax_rows(s.stream, array_of<T, 2>(dout, *out, shape), array_of<T, 2>(din, *in, shape), log != 0));
    TRY(cudaStreamSynchronize(s.stream));
    return download<T>(*out, dout);
}

template <class T>
int run_softmax_grad(const int64_t* shape, const HostView* dx, const HostView* dy, const HostView* sm, int log) {
    DeviceBuffer ddx, ddy, dsm;
    Stream s;
    TRY(upload<T>(*dx, ddx));
    TRY(upload<T>(*dy, ddy));
    TRY(upload<T>(*sm, dsm));
    TRY(start(s));
    const tr::Array<T, 2> gx = array_of<T, 2>(ddx, *dx, shape), gy = array_of<T, 2>(ddy, *dy, shape);
    const tr::Array<T, 2> p = array_of<T, 2>(dsm, *sm, shape);
    TRY(log ? tr::cu::log_softmax_grad_rows(s.stream, gx, gy, p) : tr::cu::softmax_grad_rows(s.stream, gx, gy, p));
    TRY(cudaStreamSynchronize(s.stream));
    return download<T>(*dx, ddx);
}

template <int N>
tr::Array<double, N> shaped(const int64_t* shape, const int64_t* strides) {
    tr::Array<double, N> a;
    a.data = nullptr;
    a.shape[0] = 1;
    a.strides[0] = 0;
    for (int k = 0; k < N; ++k) {
        a.shape[k] = shape[k];
        a.strides[k] = strides[k];
    }
    return a;
}

}  // namespace

// Host-only checks of the launchers' index arithmetic (no GPU needed).
// The element offsets copy's layout gives every flat index of two arrays; *flat: the launcher's
// contiguous path is taken.
extern "C" int h_copy_offsets(int rank, const int64_t* shape, const int64_t* dst_strides, const int64_t* src_strides,
                              int64_t* dst_offsets, int64_t* src_offsets, int* flat) {
    return by_rank(rank, [&](auto r) -> int {
        constexpr int N = decltype(r)::value;
        const int64_t* strides[2] = {dst_strides, src_strides};
        const tr::cu::Layout<2> l = tr::cu::make_layout<2>(N, shape, strides, tr::cu::all_dims<N>());
        *flat = l.rank == 0 || (l.rank == 1 && l.strides[0][0] == 1 && l.strides[1][0] == 1);
        for (int64_t i = 0, n = tr::numel(shape, N); i < n; ++i) {
            int64_t off[2];
            tr::cu::offsets_of(l, i, off);
            dst_offsets[i] = off[0];
            src_offsets[i] = off[1];
        }
        return 0;
    });
}

// The offsets the reduction kernels use: in_offsets[o * n_reduced + k] (input element k, in C
// order over the reduced dims, of output o, in C order over the kept dims), out_offsets[o]; and
// the plan: strategy (0 thread, 1 block, 2 split), parts, chunk, scratch bytes for a double Acc.
extern "C" int h_reduce_offsets(int rank, const int64_t* shape, const int64_t* in_strides, const int64_t* out_strides,
                                uint32_t mask, int64_t* in_offsets, int64_t* out_offsets, int64_t* plan) {
    return by_rank(rank, [&](auto r) -> int {
        constexpr int N = decltype(r)::value;
        int64_t out_shape[5];
        reduced_shape(rank, shape, mask, out_shape);
        const tr::Array<double, N> in = shaped<N>(shape, in_strides), out = shaped<N>(out_shape, out_strides);
        const tr::cu::ReduceGeometry g = tr::cu::reduce_geometry(out, in, mask);
        const tr::cu::ReducePlan p = tr::cu::reduce_plan(in, mask);
        plan[0] = int64_t(p.strategy);
        plan[1] = p.parts;
        plan[2] = p.chunk;
        plan[3] = int64_t(tr::cu::reduce_scratch_bytes<double>(in, mask));
        for (int64_t o = 0; o < g.n_out; ++o) {
            int64_t off[2];
            tr::cu::offsets_of(g.kept, o, off);
            out_offsets[o] = off[1];
            for (int64_t k = 0; k < g.n_reduced; ++k) {
                int64_t roff[1];
                tr::cu::offsets_of(g.reduced, k, roff);
                in_offsets[o * g.n_reduced + k] = off[0] + roff[0];
            }
        }
        return 0;
    });
}

#define COPY(DN, D, SN, S)                                                                                   \
    extern "C" int h_copy_##DN##_##SN(int rank, const int64_t* shape, const HostView* dst, const HostView* src) { \
        return run_copy<D, S>(rank, shape, dst, src);                                                           \
    }
COPY(float32, float, float64, double)
COPY(float64, double, float32, float)
COPY(int32, int32_t, float32, float)
COPY(int32, int32_t, float64, double)
COPY(int64, int64_t, float64, double)
COPY(int64, int64_t, float32, float)
COPY(float32, float, int64, int64_t)
COPY(bool, bool, float32, float)
COPY(float32, float, bool, bool)
COPY(float32, float, float32, float)
COPY(int64, int64_t, int64, int64_t)
COPY(int32, int32_t, int64, int64_t)

#define FILL(TN, T)                                                                                 \
    extern "C" int h_fill_##TN(int rank, const int64_t* shape, const HostView* dst, const void* value) { \
        return run_fill<T>(rank, shape, dst, value);                                                   \
    }
FILL(float32, float)
FILL(float64, double)
FILL(int32, int32_t)
FILL(int64, int64_t)
FILL(bool, bool)

// h_reduce_<op>_<input>_<accumulator>_<output>
#define REDUCE(OPN, OP, TN, T, AN, A, UN, U)                                                                    \
    extern "C" int h_reduce_##OPN##_##TN##_##AN##_##UN(int rank, const int64_t* shape, uint32_t mask,           \
                                                       const HostView* out, const HostView* in, int64_t* scratch) { \
        return run_reduce<A, tr::cu::OP, U, T>(rank, shape, mask, out, in, scratch);                            \
    }
REDUCE(add, Add, float32, float, float64, double, float32, float)
REDUCE(add, Add, float32, float, float32, float, float32, float)
REDUCE(add, Add, float64, double, float64, double, float64, double)
REDUCE(add, Add, int32, int32_t, int32, int32_t, int32, int32_t)
REDUCE(add, Add, int32, int32_t, int64, int64_t, int64, int64_t)
REDUCE(add, Add, int64, int64_t, int64, int64_t, int64, int64_t)
REDUCE(add, Add, bool, bool, int64, int64_t, int64, int64_t)
REDUCE(mul, Mul, float64, double, float64, double, float64, double)
REDUCE(mul, Mul, float32, float, float64, double, float32, float)
REDUCE(mul, Mul, int64, int64_t, int64, int64_t, int64, int64_t)
REDUCE(mul, Mul, int32, int32_t, int32, int32_t, int32, int32_t)
#define MAX_MIN(TN, T)                            \
    REDUCE(max, Max, TN, T, TN, T, TN, T) \
    REDUCE(min, Min, TN, T, TN, T, TN, T)
MAX_MIN(float32, float)
MAX_MIN(float64, double)
MAX_MIN(int32, int32_t)
MAX_MIN(int64, int64_t)
MAX_MIN(bool, bool)
REDUCE(and, And, bool, bool, bool, bool, bool, bool)
REDUCE(or, Or, bool, bool, bool, bool, bool, bool)
REDUCE(and, And, float32, float, bool, bool, bool, bool)
REDUCE(or, Or, float32, float, bool, bool, bool, bool)

#define ARG(TN, T)                                                                                              \
    extern "C" int h_argmax_##TN(int rank, const int64_t* shape, uint32_t mask, const HostView* out, const HostView* in) { \
        return run_arg<true, T>(rank, shape, mask, out, in);                                                   \
    }                                                                                                          \
    extern "C" int h_argmin_##TN(int rank, const int64_t* shape, uint32_t mask, const HostView* out, const HostView* in) { \
        return run_arg<false, T>(rank, shape, mask, out, in);                                                  \
    }
ARG(float32, float)
ARG(float64, double)
ARG(int32, int32_t)
ARG(bool, bool)

#define SOFTMAX(TN, T)                                                                                     \
    extern "C" int h_softmax_##TN(const int64_t* shape, const HostView* out, const HostView* in, int log) {  \
        return run_softmax<T>(shape, out, in, log);                                                        \
    }                                                                                                      \
    extern "C" int h_softmax_grad_##TN(const int64_t* shape, const HostView* dx, const HostView* dy,      \
                                       const HostView* sm, int log) {                                      \
        return run_softmax_grad<T>(shape, dx, dy, sm, log);                                                \
    }
SOFTMAX(float32, float)
SOFTMAX(float64, double)
