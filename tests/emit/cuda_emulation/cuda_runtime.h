// A CPU emulation of the few CUDA runtime pieces that transpile_cuda_kernels.cuh and
// tests/emit/cuda_kernels_harness.cu use, to check the kernels' logic where there is no GPU (see
// build.py here). Not CUDA: no concurrency between blocks, no memory model, no timing.
#pragma once
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>
#define __global__
#define __device__
#define __host__
#define __shared__ static
#define __restrict__ __restrict
#include <math.h>
enum cudaError_t { cudaSuccess = 0, cudaErrorInvalidValue = 1, cudaErrorMemoryAllocation = 2 };
enum cudaMemcpyKind { cudaMemcpyHostToDevice, cudaMemcpyDeviceToHost, cudaMemcpyDeviceToDevice };
typedef struct CUstream_st* cudaStream_t;
constexpr unsigned cudaStreamNonBlocking = 1;
struct dim3 { unsigned x = 0, y = 0, z = 0; };
inline thread_local dim3 threadIdx, blockIdx;
inline dim3 blockDim, gridDim;
#include <functional>
#include <ucontext.h>
// GPU memory the host cannot touch outside kernels and copies (device_memory.cpp, linked by every
// emulated library): a host read of a GPU array faults here as on a GPU.
extern "C" void* emu_device_alloc(size_t n);
extern "C" void emu_device_free(void* p);
extern "C" void emu_device_open();
extern "C" void emu_device_close();
namespace emu {
struct DeviceAccess {  // GPU memory readable and writable while one is alive (a kernel, a copy)
    DeviceAccess() { emu_device_open(); }
    ~DeviceAccess() { emu_device_close(); }
    DeviceAccess(const DeviceAccess&) = delete;
    DeviceAccess& operator=(const DeviceAccess&) = delete;
};
constexpr int kThreads = 32;
inline unsigned max_grid = 3;
// The threads of a block are user-level contexts run round-robin by one OS thread: each runs
// until its next __syncthreads (or its end), so every barrier holds.
inline ucontext_t scheduler, contexts[kThreads];
inline bool finished[kThreads];
inline int current = 0;
inline std::function<void()> job;
inline void entry(int t) {
    job();
    finished[t] = true;
    swapcontext(&contexts[t], &scheduler);
}
template <class F>
void launch(unsigned grid, int block, int, cudaStream_t, F f) {
    // kernels that name their block size (kBlock, rewritten to 32) must get it; the generated
    // elementwise kernels (256 in the source) only grid-stride, so 32 threads serve them too
    if (block != kThreads && block != 256) std::abort();
    block = kThreads;
    if (grid > max_grid) grid = max_grid;  // the kernels must be right for any grid
    DeviceAccess access;
    gridDim.x = grid;
    blockDim.x = unsigned(block);
    static std::vector<char> stacks(size_t(kThreads) * 256 * 1024);
    for (unsigned b = 0; b < grid; ++b) {
        blockIdx.x = b;
        job = [&] { f(); };
        for (int t = 0; t < kThreads; ++t) {
            getcontext(&contexts[t]);
            contexts[t].uc_stack.ss_sp = stacks.data() + size_t(t) * 256 * 1024;
            contexts[t].uc_stack.ss_size = 256 * 1024;
            contexts[t].uc_link = &scheduler;
            makecontext(&contexts[t], (void (*)())entry, 1, t);
            finished[t] = false;
        }
        for (bool live = true; live;) {
            live = false;
            int done = 0;
            for (int t = 0; t < kThreads; ++t) {
                if (finished[t]) { ++done; continue; }
                current = t;
                threadIdx.x = unsigned(t);
                swapcontext(&scheduler, &contexts[t]);
                live = true;
            }
            if (live && done > 0) std::abort();  // some threads ended while others wait at a barrier
        }
    }
}
}  // namespace emu
inline void __syncthreads() { swapcontext(&emu::contexts[emu::current], &emu::scheduler); }
inline cudaError_t cudaMalloc(void** p, size_t n) {
    *p = emu_device_alloc(n);
    return *p ? cudaSuccess : cudaErrorMemoryAllocation;
}
inline cudaError_t cudaFree(void* p) { emu_device_free(p); return cudaSuccess; }
inline cudaError_t cudaMemcpy(void* d, const void* s, size_t n, cudaMemcpyKind) {
    emu::DeviceAccess access;
    std::memcpy(d, s, n);
    return cudaSuccess;
}
inline cudaError_t cudaDeviceSynchronize() { return cudaSuccess; }
inline cudaError_t cudaStreamCreateWithFlags(cudaStream_t* s, unsigned) { *s = reinterpret_cast<cudaStream_t>(1); return cudaSuccess; }
inline cudaError_t cudaStreamDestroy(cudaStream_t) { return cudaSuccess; }
inline cudaError_t cudaStreamSynchronize(cudaStream_t) { return cudaSuccess; }
inline cudaError_t cudaGetLastError() { return cudaSuccess; }

// -- what a generated graph library's host code calls (transpile_cuda.h) -------------------------------
inline cudaError_t cudaSetDevice(int) { return cudaSuccess; }
typedef struct CUmemPoolHandle_st* cudaMemPool_t;
enum cudaMemPoolAttr { cudaMemPoolAttrReleaseThreshold = 4 };
inline cudaError_t cudaDeviceGetDefaultMemPool(cudaMemPool_t* pool, int) {
    *pool = reinterpret_cast<cudaMemPool_t>(1);
    return cudaSuccess;
}
inline cudaError_t cudaMemPoolSetAttribute(cudaMemPool_t, cudaMemPoolAttr, void*) { return cudaSuccess; }
inline cudaError_t cudaMallocAsync(void** p, size_t n, cudaStream_t) {
    *p = emu_device_alloc(n);
    return *p ? cudaSuccess : cudaErrorMemoryAllocation;
}
inline cudaError_t cudaMemsetAsync(void* p, int value, size_t n, cudaStream_t) {
    emu::DeviceAccess access;
    std::memset(p, value, n);
    return cudaSuccess;
}
inline cudaError_t cudaFreeAsync(void* p, cudaStream_t) { emu_device_free(p); return cudaSuccess; }
inline cudaError_t cudaMemcpyAsync(void* d, const void* s, size_t n, cudaMemcpyKind, cudaStream_t) {
    emu::DeviceAccess access;
    std::memcpy(d, s, n);
    return cudaSuccess;
}
inline const char* cudaGetErrorName(cudaError_t e) { return e == cudaSuccess ? "cudaSuccess" : "cudaErrorEmulated"; }
inline const char* cudaGetErrorString(cudaError_t) { return "emulated CUDA error"; }
