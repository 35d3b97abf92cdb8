// transpile_cuda.h: the host side of a CUDA graph library: the GPU a state runs on (its stream),
// GPU memory of the program's device buffers, copies between host and GPU, and CUDA errors as
// statuses (TRANSPILE_ERR_DEVICE, with the error's name). Host code only (the graph's .cpp
// includes it; kernels are in the .cu); every CUDA call is checked, nothing aborts.
#pragma once
#include <cuda_runtime_api.h>

#include "transpile_runtime.h"

namespace tr {
namespace cu {

// The GPU of one state: started on its first run (so creating a state never fails for lack of
// a GPU; the run reports it), stopped by NAME_destroy.
struct Device {
    bool ready;
    int ordinal;
    cudaStream_t stream;             // where the state's work runs: its own stream, or the caller's
    void* blas;                      // the cuBLAS handle, made by the kernels' source on first use
    void (*destroy_blas)(void*);     // ... and how to destroy it
    cudaStream_t own;                // the state's own stream (made when it starts)
    bool borrowed;                   // `stream` is the caller's (NAME_set_stream)
};

inline Device& device(Context& ctx) {
    return *static_cast<Device*>(ctx.device);
}

inline cudaStream_t stream(Context& ctx) {
    return device(ctx).stream;
}

// A status for a CUDA error: what was called, the error's name and its text.
inline int check(Context& ctx, cudaError_t err, const char* what) {
    if (err == cudaSuccess) {
        return TRANSPILE_OK;
    }
    return fail(ctx, TRANSPILE_ERR_DEVICE, "CUDA error in %s: %s (%s)", what, cudaGetErrorName(err),
                cudaGetErrorString(err));
}

// Select the state's GPU (the calling thread's current device) and make its stream once. The
// GPU's default memory pool (what cudaMallocAsync takes from) then keeps the memory freed to it
// for the next allocations, as PyTorch's caching allocator does: by default it gives everything
// back at each synchronization, so each call of a large graph got its memory from the driver
// again.
inline int start(Context& ctx, Device& dev) {
    TR_CHECK(check(ctx, cudaSetDevice(dev.ordinal), "cudaSetDevice"));
    if (!dev.ready) {
        cudaMemPool_t pool;
        TR_CHECK(check(ctx, cudaDeviceGetDefaultMemPool(&pool, dev.ordinal), "cudaDeviceGetDefaultMemPool"));
        uint64_t keep = UINT64_MAX;
        TR_CHECK(check(ctx, cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep), "cudaMemPoolSetAttribute"));
        TR_CHECK(check(ctx, cudaStreamCreateWithFlags(&dev.own, cudaStreamNonBlocking), "cudaStreamCreateWithFlags"));
        dev.ready = true;
        if (!dev.borrowed) {
            dev.stream = dev.own;
        }
    }
    return TRANSPILE_OK;
}

// Run on the caller's stream from now on (nullptr: the state's own again).
inline void use_stream(Device& dev, cudaStream_t stream) {
    dev.borrowed = stream != nullptr;
    dev.stream = dev.borrowed ? stream : dev.own;
}

// Wait for the run's work on the GPU and report an error of a kernel that ran asynchronously.
inline int finish(Context& ctx) {
    TR_CHECK(check(ctx, cudaStreamSynchronize(stream(ctx)), "cudaStreamSynchronize at the end of the run"));
    return check(ctx, cudaGetLastError(), "a kernel of this run");
}

inline void stop(Device& dev) {
    if (dev.blas != nullptr && dev.destroy_blas != nullptr) {
        dev.destroy_blas(dev.blas);
    }
    if (dev.ready) {
        cudaStreamDestroy(dev.own);
    }
    dev = Device{false, dev.ordinal, nullptr, nullptr, nullptr, nullptr, false};
}

// -- GPU memory ---------------------------------------------------------------------------------
// Stream-ordered (cudaMallocAsync: the driver's pool makes repeated calls cheap). A 0-byte
// array has no memory (data is nullptr; no kernel reads it).
template <class T, int N>
inline int alloc(Context& ctx, Array<T, N>& a, const int64_t* shape, void*& slot) {
    size_t bytes = 0;
    TR_CHECK(checked_size(ctx, shape, N, sizeof(T), &bytes));
    void* p = nullptr;
    if (bytes != 0) {
        const cudaError_t err = cudaMallocAsync(&p, bytes, stream(ctx));
        if (err != cudaSuccess) {
            cudaGetLastError();  // clear it: the run goes on failing cleanly, later calls work
            return fail(ctx, err == cudaErrorMemoryAllocation ? TRANSPILE_ERR_ALLOC : TRANSPILE_ERR_DEVICE,
                        "cannot allocate %llu bytes of GPU memory for an array of shape %s: %s (%s)",
                        (unsigned long long)bytes, shape_text(shape, N).text, cudaGetErrorName(err), cudaGetErrorString(err));
        }
    }
    slot = p;
    a.data = static_cast<T*>(p);
    set_contiguous(a, shape);
    return TRANSPILE_OK;
}

inline void release(Context& ctx, void*& slot) {
    if (slot != nullptr) {
        cudaFreeAsync(slot, stream(ctx));
        slot = nullptr;
    }
}

// Owns the program's GPU allocations: frees what is left on every return path.
struct DeviceSlots {
    Context& ctx;
    void** slots;
    int count;

    ~DeviceSlots() {
        for (int i = 0; i < count; ++i) {
            release(ctx, slots[i]);
        }
    }
};

// -- copies between host and GPU (same dtype, same shape) ---------------------------------------
// Fresh C-contiguous `dst` on the GPU from host `src` (any strides: a contiguous host copy is
// made first). The source may be reused on return (pageable copies are staged by then).
template <class T, int N>
inline int upload(Context& ctx, Array<T, N>& dst, const Array<T, N>& src) {
    const int64_t n = numel(src);
    if (n == 0) {
        return TRANSPILE_OK;
    }
    const T* from = src.data;
    void* staging = nullptr;
    if (!contiguous(src)) {
        staging = alloc_bytes(size_t(n) * sizeof(T));
        if (staging == nullptr) {
            return fail(ctx, TRANSPILE_ERR_ALLOC, "cannot allocate %llu bytes to stage a copy to the GPU",
                        (unsigned long long)(size_t(n) * sizeof(T)));
        }
        Array<T, N> packed;
        packed.data = static_cast<T*>(staging);
        set_contiguous(packed, src.shape);
        tr::copy(packed, src);
        from = packed.data;
    }
    const int status = check(ctx, cudaMemcpyAsync(dst.data, from, size_t(n) * sizeof(T), cudaMemcpyHostToDevice,
                                                  stream(ctx)), "cudaMemcpyAsync (host to GPU)");
    free_bytes(staging);
    return status;
}

// Fresh C-contiguous host `dst` from GPU array `src`; a strided `src` is first made contiguous
// on the GPU by `squeeze` (a copy function of the kernels' source). Waits for the copy.
template <class T, int N>
inline int download(Context& ctx, Array<T, N>& dst, const Array<T, N>& src,
                    cudaError_t (*squeeze)(cudaStream_t, Array<T, N>, Array<T, N>)) {
    const int64_t n = numel(src);
    if (n == 0) {
        return TRANSPILE_OK;
    }
    Array<T, N> from = src;
    void* scratch = nullptr;
    if (!contiguous(src)) {
        TR_CHECK(cu::alloc(ctx, from, src.shape, scratch));
        const int status = check(ctx, squeeze(stream(ctx), from, src), "a copy making a GPU array contiguous");
        if (status != TRANSPILE_OK) {
            release(ctx, scratch);
            return status;
        }
    }
    int status = check(ctx, cudaMemcpyAsync(dst.data, from.data, size_t(n) * sizeof(T), cudaMemcpyDeviceToHost,
                                            stream(ctx)), "cudaMemcpyAsync (GPU to host)");
    release(ctx, scratch);
    if (status == TRANSPILE_OK) {
        status = check(ctx, cudaStreamSynchronize(stream(ctx)), "cudaStreamSynchronize after a copy to the host");
    }
    return status;
}

// -- arrays the caller keeps in GPU memory ---------------------------------------------------------
// A CUDA library takes an input in GPU memory where every reader of it copies it to the GPU
// (it is then read where it is, never copied), and returns an output in GPU memory where the
// caller asks for it (descriptor `memory`): shared variables stay on the GPU between calls.

// An array the caller says is in GPU memory must be on this state's GPU.
inline int check_device_array(Context& ctx, const transpile_tensor& t, const char* what, const char* name) {
    if (t.memory == TRANSPILE_MEMORY_DEVICE && t.device != device(ctx).ordinal) {
        return fail(ctx, TRANSPILE_ERR_ARGUMENT, "%s %s: in the memory of GPU %d, but this state runs on GPU %d", what,
                    name, int(t.device), device(ctx).ordinal);
    }
    return TRANSPILE_OK;
}

// Descriptor `out` of GPU array `a` (its data pointer is set when the run succeeds).
template <class T, int N>
inline void describe_output(Context& ctx, transpile_tensor& out, int dtype, const Array<T, N>& a) {
    out.dtype = dtype;
    out.ndim = N;
    out.device = device(ctx).ordinal;
    for (int d = 0; d < N; ++d) {
        out.shape[d] = a.shape[d];
        out.strides[d] = a.strides[d];
    }
}

// Output `out` in GPU memory: the caller's C-contiguous array when it gave one (checked), else
// fresh GPU memory in `slot`, handed to the caller (out.data) only when the run succeeds.
template <class T, int N>
inline int output_on_device(Context& ctx, Array<T, N>& a, const int64_t* shape, transpile_tensor& out, int dtype,
                            void*& slot, const char* name) {
    TR_CHECK(check_device_array(ctx, out, "output", name));
    if (out.data != nullptr) {
        TR_CHECK(check_given_output(ctx, shape, N, out, dtype, name));
        a.data = static_cast<T*>(out.data);
        set_contiguous(a, shape);
        return TRANSPILE_OK;
    }
    TR_CHECK(cu::alloc(ctx, a, shape, slot));
    describe_output(ctx, out, dtype, a);
    return TRANSPILE_OK;
}

// Output `out` in GPU memory as `a` itself, with no copy, when the caller gave no array to fill
// and `a` is the whole C-contiguous allocation in `from` (a value no later node reads): `from`
// moves to `slot`, handed to the caller when the run succeeds. *handed says whether it was.
template <class T, int N>
inline int hand_over(Context& ctx, const Array<T, N>& a, void*& from, transpile_tensor& out, int dtype, void*& slot,
                     const char* name, bool* handed) {
    TR_CHECK(check_device_array(ctx, out, "output", name));
    *handed = out.data == nullptr && from != nullptr && a.data == from && contiguous(a);
    if (*handed) {
        slot = from;
        from = nullptr;
        describe_output(ctx, out, dtype, a);
    }
    return TRANSPILE_OK;
}

// The bytes of C-contiguous array `t` (false when it is not C-contiguous or too large).
inline bool contiguous_bytes(const transpile_tensor& t, size_t* bytes) {
    uint64_t n = dtype_size(t.dtype);
    if (n == 0 || t.ndim < 0 || t.ndim > TRANSPILE_MAX_NDIM) {
        return false;
    }
    int64_t step = 1;
    bool empty = false;
    for (int d = t.ndim - 1; d >= 0; --d) {
        if (t.shape[d] < 0 || (t.shape[d] > 1 && t.strides[d] != step)) {
            return false;
        }
        empty = empty || t.shape[d] == 0;
        if (__builtin_mul_overflow(n, uint64_t(t.shape[d]), &n) || __builtin_mul_overflow(step, t.shape[d], &step)) {
            return false;
        }
    }
    *bytes = empty ? 0 : size_t(n);
    return true;
}

// `to` becomes a copy of C-contiguous `from` in the other memory (fresh memory, C-contiguous):
// GPU memory from cudaMallocAsync on the state's stream, host memory from alloc_bytes. Waits
// for the copy, so the array is usable on any stream when this returns.
inline int copy_array(Context& ctx, const transpile_tensor& from, transpile_tensor& to, int32_t memory) {
    size_t bytes = 0;
    if (from.memory == memory || !contiguous_bytes(from, &bytes) || (bytes != 0 && from.data == nullptr)) {
        return fail(ctx, TRANSPILE_ERR_ARGUMENT, "copy to %s: expected a C-contiguous array of a known dtype in %s",
                    memory_name(memory), memory_name(memory == TRANSPILE_MEMORY_DEVICE ? TRANSPILE_MEMORY_HOST
                                                                                      : TRANSPILE_MEMORY_DEVICE));
    }
    TR_CHECK(check_device_array(ctx, from, "copy of an array", "to the host"));
    to = from;
    to.data = nullptr;
    to.memory = memory;
    to.device = memory == TRANSPILE_MEMORY_DEVICE ? device(ctx).ordinal : 0;
    if (bytes == 0) {
        return TRANSPILE_OK;
    }
    const bool up = memory == TRANSPILE_MEMORY_DEVICE;
    void* p = nullptr;
    if (up) {
        const cudaError_t err = cudaMallocAsync(&p, bytes, stream(ctx));
        if (err != cudaSuccess) {
            cudaGetLastError();
            return fail(ctx, err == cudaErrorMemoryAllocation ? TRANSPILE_ERR_ALLOC : TRANSPILE_ERR_DEVICE,
                        "cannot allocate %llu bytes of GPU memory: %s (%s)", (unsigned long long)bytes,
                        cudaGetErrorName(err), cudaGetErrorString(err));
        }
    } else if ((p = alloc_bytes(bytes)) == nullptr) {
        return fail(ctx, TRANSPILE_ERR_ALLOC, "cannot allocate %llu bytes of host memory", (unsigned long long)bytes);
    }
    int status = check(ctx, cudaMemcpyAsync(p, from.data, bytes, up ? cudaMemcpyHostToDevice : cudaMemcpyDeviceToHost,
                                            stream(ctx)), "cudaMemcpyAsync");
    if (status == TRANSPILE_OK) {
        status = check(ctx, cudaStreamSynchronize(stream(ctx)), "cudaStreamSynchronize after a copy");
    }
    if (status != TRANSPILE_OK) {
        if (up) {
            cudaFreeAsync(p, stream(ctx));
        } else {
            free_bytes(p);
        }
        return status;
    }
    to.data = p;
    return TRANSPILE_OK;
}

// -- the plan of a row scatter (x[idx] += y on the GPU: transpile_cuda_index.cuh) ----------------
// Sorts the positions r of idx (n of them, each checked to be in [-rows, rows)) by (row, r) into
// plan[0, n); the s runs of equal rows start at plan[n + j] (plan[n + s] = n) and run j is row
// plan[2n + 1 + j] (counted from 0). `plan` holds 3n + 1 values; returns s. The order within a
// run is the order of idx: the GPU then adds the increments of a row in the CPU rule's order.
template <class I>
inline int64_t row_runs(const Array<I, 1>& idx, int64_t rows, int64_t* plan) {
    const int64_t n = idx.shape[0];
    int64_t* order = plan;
    int64_t* start = plan + n;
    int64_t* row = plan + 2 * n + 1;
    const auto row_of = [&](int64_t r) {
        const int64_t v = int64_t(idx.data[r * idx.strides[0]]);
        return v < 0 ? v + rows : v;
    };
    for (int64_t r = 0; r < n; ++r) {
        order[r] = r;
    }
    std::sort(order, order + n, [&](int64_t a, int64_t b) {  // a total order: no stable sort (no allocation) needed
        const int64_t ra = row_of(a), rb = row_of(b);
        return ra < rb || (ra == rb && a < b);
    });
    int64_t s = 0;
    for (int64_t p = 0; p < n; ++p) {
        const int64_t v = row_of(order[p]);
        if (s == 0 || v != row[s - 1]) {
            start[s] = p;
            row[s] = v;
            ++s;
        }
    }
    start[s] = n;
    return s;
}

// -- the plan of an element scatter (x[key] += y for any other advanced key) -----------------------
// From the x and y offsets of the region's `count` elements in the CPU rule's walk order (xo, yo),
// plan[0, count) gets the y offsets sorted by (x offset, walk position); the s runs of one x
// offset start at plan[count + j] (plan[count + s] = count) and run j writes x offset
// plan[2 count + 1 + j]. `plan` holds 3 count + 1 values; returns s. Within a run the order is
// the walk's: the GPU adds an element's increments in the CPU rule's order.
inline int64_t offset_runs(const int64_t* xo, const int64_t* yo, int64_t count, int64_t* plan) {
    int64_t* order = plan;
    int64_t* start = plan + count;
    int64_t* at = plan + 2 * count + 1;
    for (int64_t k = 0; k < count; ++k) {
        order[k] = k;
    }
    std::sort(order, order + count, [&](int64_t a, int64_t b) { return xo[a] < xo[b] || (xo[a] == xo[b] && a < b); });
    int64_t s = 0;
    for (int64_t p = 0; p < count; ++p) {
        const int64_t v = xo[order[p]];
        if (s == 0 || v != at[s - 1]) {
            start[s] = p;
            at[s] = v;
            ++s;
        }
        order[p] = yo[order[p]];
    }
    start[s] = count;
    return s;
}

// -- matrix operands of cuBLAS (transpile_cuda_blas.cuh) -------------------------------------------
// True when a rows x cols matrix with these strides is row-major (s1 == 1) or column-major
// (s0 == 1) with a leading dimension cuBLAS accepts: what gemm needs without a copy. A length-1
// dim's stride does not matter.
inline bool blas_layout(int64_t rows, int64_t cols, int64_t s0, int64_t s1) {
    const bool row = (s1 == 1 || cols <= 1) && (rows <= 1 || s0 >= (cols > 1 ? cols : 1));
    const bool col = (s0 == 1 || rows <= 1) && (cols <= 1 || s1 >= (rows > 1 ? rows : 1));
    const int64_t limit = int64_t(0x7fffffff);
    return (row || col) && rows <= limit && cols <= limit && s0 <= limit && s1 <= limit && s0 >= 0 && s1 >= 0;
}

}  // namespace cu
}  // namespace tr
