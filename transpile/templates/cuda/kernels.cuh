// transpile_cuda_kernels.cuh: the generic CUDA kernels of transpile's CUDA target and their host
// launchers: converting copies, fills, reductions over any axes, argmax/argmin, row softmax and
// its gradients.
// Copied into generated projects from transpile/templates/cuda/kernels.cuh; do not edit.
//
// Conventions. Every launcher is a host function taking the stream first; it launches nothing for
// empty arrays (and then returns cudaSuccess), otherwise it returns cudaGetLastError() after its
// launches. Arrays are tr::Array<T, N> views of device memory (strides in elements; 0 on
// broadcast dims, negative allowed), rank N from 0 (one element) to 16. Kernels use grid-stride
// loops (correct for any grid), blocks of kBlock threads, 64-bit indices. Results are
// deterministic: the same input gives the same bits on every run and every GPU (the work split
// depends on the shapes only, never on the device).
#pragma once
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include <cub/cub.cuh>

#include "transpile_runtime.h"

namespace tr {
namespace cu {

constexpr int kBlock = 256;           // threads per block of every kernel
constexpr int kMaxDims = 16;          // the largest rank of an Array
constexpr int64_t kMaxGrid = 65535;   // blocks of a grid-stride launch at most

// -- layouts ------------------------------------------------------------------------------------
// The dims of K arrays of one shape, with extent-1 dims dropped and neighbours merged where every
// array steps through them as through one dim. Merging keeps the C-order flat index of the
// elements (so argmax positions and accumulation order are those of the original dims).
template <int K>
struct Layout {
    int rank;
    int64_t shape[kMaxDims];
    int64_t strides[K][kMaxDims];
};

// The layout of the dims d < n whose bit is set in `dims` (shape[d], strides[k][d]).
template <int K>
inline Layout<K> make_layout(int n, const int64_t* shape, const int64_t* const (&strides)[K], uint32_t dims) {
    Layout<K> l{};
    l.rank = 0;
    for (int d = 0; d < n; ++d) {
        if (!((dims >> d) & 1u) || shape[d] == 1) {
            continue;
        }
        bool merge = l.rank > 0;
        for (int k = 0; k < K && merge; ++k) {
            merge = l.strides[k][l.rank - 1] == strides[k][d] * shape[d];
        }
        if (merge) {
            l.shape[l.rank - 1] *= shape[d];
            for (int k = 0; k < K; ++k) l.strides[k][l.rank - 1] = strides[k][d];
        } else {
            l.shape[l.rank] = shape[d];
            for (int k = 0; k < K; ++k) l.strides[k][l.rank] = strides[k][d];
            ++l.rank;
        }
    }
    return l;
}

// The element offsets, in each of the K arrays, of flat index i (C order, i < the element count).
template <int K>
TR_HD inline void offsets_of(const Layout<K>& l, int64_t i, int64_t (&off)[K]) {
    for (int k = 0; k < K; ++k) off[k] = 0;
    for (int d = l.rank - 1; d > 0; --d) {
        const int64_t q = i / l.shape[d], c = i - q * l.shape[d];
        for (int k = 0; k < K; ++k) off[k] += c * l.strides[k][d];
        i = q;
    }
    if (l.rank > 0) {
        for (int k = 0; k < K; ++k) off[k] += i * l.strides[k][0];
    }
}

// The mask of all N dims.
template <int N>
constexpr uint32_t all_dims() {
    return N >= 32 ? ~0u : (1u << N) - 1u;
}

// Blocks of a grid-stride launch over `items` work items of `per_block` each.
inline unsigned grid_for(int64_t items, int64_t per_block = 1) {
    const int64_t blocks = (items + per_block - 1) / per_block;
    return unsigned(blocks < 1 ? 1 : (blocks > kMaxGrid ? kMaxGrid : blocks));
}

// Offset (for `strides`) of the start of line r among the lines of `shape` along `axis`, the
// lines numbered in C order of the other dims (the per-line kernels: cumulative.cuh, sort.cuh).
template <int N>
TR_HD inline int64_t line_start(const int64_t* shape, const int64_t* strides, int axis, int64_t r) {
    int64_t off = 0;
    for (int d = N - 1; d >= 0; --d) {
        if (d == axis) continue;
        off += (r % shape[d]) * strides[d];
        r /= shape[d];
    }
    return off;
}

// This thread's first index and the stride of a grid-stride loop over elements.
__device__ inline int64_t thread_index() { return int64_t(blockIdx.x) * blockDim.x + threadIdx.x; }
__device__ inline int64_t thread_stride() { return int64_t(gridDim.x) * blockDim.x; }

// -- copy and fill ------------------------------------------------------------------------------
// dst[i] = convert<T>(src[i]) over n contiguous elements. Launch: 1-d grid-stride, kBlock threads.
template <class T, class U>
__global__ void copy_flat_kernel(T* __restrict__ dst, const U* __restrict__ src, int64_t n) {
    for (int64_t i = thread_index(); i < n; i += thread_stride()) dst[i] = convert<T>(src[i]);
}

// dst = src elementwise over a layout of both (strides[0]: dst, strides[1]: src), n elements.
// Launch: 1-d grid-stride, kBlock threads.
template <class T, class U>
__global__ void copy_strided_kernel(T* dst, const U* src, Layout<2> l, int64_t n) {
    for (int64_t i = thread_index(); i < n; i += thread_stride()) {
        int64_t off[2];
        offsets_of(l, i, off);
        dst[off[0]] = convert<T>(src[off[1]]);
    }
}

// dst[i] = value over a layout of dst (contiguous: one dim of stride 1), n elements.
// Launch: 1-d grid-stride, kBlock threads.
template <class T>
__global__ void fill_kernel(T* dst, T value, Layout<1> l, int64_t n) {
    if (l.rank <= 1) {
        const int64_t s = l.rank ? l.strides[0][0] : 0;
        for (int64_t i = thread_index(); i < n; i += thread_stride()) dst[i * s] = value;
    } else {
        for (int64_t i = thread_index(); i < n; i += thread_stride()) {
            int64_t off[1];
            offsets_of(l, i, off);
            dst[off[0]] = value;
        }
    }
}

// dst = src (same shape, any strides: 0 and negative on src too), converting each element with
// tr::convert (static_cast, except float to integer: numpy's x86 results, never undefined).
// dst must not overlap src.
template <class T, class U, int N>
cudaError_t copy(cudaStream_t stream, Array<T, N> dst, Array<U, N> src) {
    const int64_t n = numel(dst.shape, N);
    if (n == 0) {
        return cudaSuccess;
    }
    const int64_t* strides[2] = {dst.strides, src.strides};
    const Layout<2> l = make_layout<2>(N, dst.shape, strides, all_dims<N>());
    const unsigned grid = grid_for(n, kBlock);
    if (l.rank == 0 || (l.rank == 1 && l.strides[0][0] == 1 && l.strides[1][0] == 1)) {
        copy_flat_kernel<T, typename std::remove_const<U>::type><<<grid, kBlock, 0, stream>>>(dst.data, src.data, n);
    } else {
        copy_strided_kernel<T, typename std::remove_const<U>::type><<<grid, kBlock, 0, stream>>>(dst.data, src.data, l, n);
    }
    return cudaGetLastError();
}

// Every element of dst (any strides) = value.
template <class T, int N>
cudaError_t fill(cudaStream_t stream, Array<T, N> dst, T value) {
    const int64_t n = numel(dst.shape, N);
    if (n == 0) {
        return cudaSuccess;
    }
    const int64_t* strides[1] = {dst.strides};
    const Layout<1> l = make_layout<1>(N, dst.shape, strides, all_dims<N>());
    fill_kernel<T><<<grid_for(n, kBlock), kBlock, 0, stream>>>(dst.data, value, l, n);
    return cudaGetLastError();
}

// -- combining operations -----------------------------------------------------------------------
// op(accumulator, element) and the identity they start from; the device twins of the CPU
// runtime's tr::Add ... tr::Or, with the same semantics.
struct Add {  // integers wrap
    template <class T> TR_HD T operator()(T a, T b) const { return wrap_add(a, b); }
    template <class T> TR_HD static T identity() { return T(0); }
};
struct Mul {  // integers wrap
    template <class T> TR_HD T operator()(T a, T b) const { return wrap_mul(a, b); }
    template <class T> TR_HD static T identity() { return T(1); }
};
struct Max {  // a NaN wins, like numpy
    template <class T> TR_HD T operator()(T a, T b) const { return (a != a || a > b) ? a : b; }
    template <class T> TR_HD static T identity() {
        return std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::lowest();
    }
};
struct Min {  // a NaN wins, like numpy
    template <class T> TR_HD T operator()(T a, T b) const { return (a != a || a < b) ? a : b; }
    template <class T> TR_HD static T identity() {
        return std::numeric_limits<T>::has_infinity ? std::numeric_limits<T>::infinity() : std::numeric_limits<T>::max();
    }
};
struct And {
    template <class T> TR_HD T operator()(T a, T b) const { return a && b; }
    template <class T> TR_HD static T identity() { return T(true); }
};
struct Or {
    template <class T> TR_HD T operator()(T a, T b) const { return a || b; }
    template <class T> TR_HD static T identity() { return T(false); }
};

// -- reductions ---------------------------------------------------------------------------------
// The shapes of a reduction: the kept dims (strides[0]: in, strides[1]: out) and the reduced dims
// (strides[0]: in), with their element counts.
struct ReduceGeometry {
    Layout<2> kept;
    Layout<1> reduced;
    int64_t n_out;
    int64_t n_reduced;
};

// How a reduction is spread over the GPU; a function of the input's shape, strides and mask only.
//  - kThread: one thread per output (few reduced elements, or the kept dims are the fast ones in
//    memory: neighbouring threads then read neighbouring elements);
//  - kBlock: one block per output (the block strides through the reduced elements);
//  - kSplit: few outputs with many reduced elements: `parts` blocks per output each fold a chunk
//    into the scratch buffer, then one block per output combines its parts (two passes).
enum class ReduceStrategy { kThread, kBlock, kSplit };

struct ReducePlan {
    ReduceStrategy strategy;
    int64_t parts;  // blocks per output (kSplit), else 1
    int64_t chunk;  // reduced elements per part (kSplit)
};

constexpr int64_t kThreadReduceMax = 32;       // reduced elements a thread folds alone at most
constexpr int64_t kThreadReduceOutputs = 8192;  // outputs that fill the GPU with one thread each
constexpr int64_t kPartElements = 32768;       // reduced elements per block before splitting pays
constexpr int64_t kSplitBlocks = 2048;          // blocks of a split reduction at most

template <class T, int N>
inline ReducePlan reduce_plan(const Array<T, N>& in, uint32_t reduced_mask) {
    int64_t n_out = 1, n_reduced = 1, fast_stride = std::numeric_limits<int64_t>::max();
    bool fast_kept = false;
    for (int d = 0; d < N; ++d) {
        const bool reduced = (reduced_mask >> d) & 1u;
        (reduced ? n_reduced : n_out) *= in.shape[d];
        const int64_t s = in.strides[d] < 0 ? -in.strides[d] : in.strides[d];
        if (in.shape[d] > 1 && s != 0 && s <= fast_stride) {  // the innermost dim wins ties
            fast_stride = s;
            fast_kept = !reduced;
        }
    }
    if (n_reduced <= kThreadReduceMax || (fast_kept && n_out >= kThreadReduceOutputs)) {
        return {ReduceStrategy::kThread, 1, n_reduced};
    }
    int64_t parts = (n_reduced + kPartElements - 1) / kPartElements;
    const int64_t most = kSplitBlocks / n_out;
    parts = parts < most ? parts : most;
    if (parts <= 1) {
        return {ReduceStrategy::kBlock, 1, n_reduced};
    }
    return {ReduceStrategy::kSplit, parts, (n_reduced + parts - 1) / parts};
}

template <class U, class T, int N>
inline ReduceGeometry reduce_geometry(const Array<U, N>& out, const Array<T, N>& in, uint32_t reduced_mask) {
    ReduceGeometry g;
    const int64_t* kept[2] = {in.strides, out.strides};
    const int64_t* reduced[1] = {in.strides};
    g.kept = make_layout<2>(N, in.shape, kept, all_dims<N>() & ~reduced_mask);
    g.reduced = make_layout<1>(N, in.shape, reduced, all_dims<N>() & reduced_mask);
    g.n_out = 1;
    g.n_reduced = 1;
    for (int d = 0; d < N; ++d) ((reduced_mask >> d) & 1u ? g.n_reduced : g.n_out) *= in.shape[d];
    return g;
}

// Op over the reduced elements begin, begin + step, ... (< end) of the block of `in` at x,
// starting from the identity.
template <class Acc, class Op, class T>
__device__ Acc fold_reduced(const T* x, const Layout<1>& r, int64_t begin, int64_t end, int64_t step) {
    Op op;
    Acc acc = Op::template identity<Acc>();
    if (r.rank <= 1) {
        const int64_t s = r.rank ? r.strides[0][0] : 0;
        for (int64_t i = begin; i < end; i += step) acc = op(acc, convert<Acc>(x[i * s]));
    } else {
        for (int64_t i = begin; i < end; i += step) {
            int64_t off[1];
            offsets_of(r, i, off);
            acc = op(acc, convert<Acc>(x[off[0]]));
        }
    }
    return acc;
}

// out[o] = Op over the reduced elements of output o, one thread per output, in C order.
// Launch: 1-d grid-stride over outputs, kBlock threads.
template <class Acc, class Op, class U, class T>
__global__ void reduce_thread_kernel(U* out, const T* in, ReduceGeometry g) {
    for (int64_t o = thread_index(); o < g.n_out; o += thread_stride()) {
        int64_t off[2];
        offsets_of(g.kept, o, off);
        out[off[1]] = convert<U>(fold_reduced<Acc, Op>(in + off[0], g.reduced, 0, g.n_reduced, 1));
    }
}

// out[o] = Op over the reduced elements of output o: thread t folds elements t, t + kBlock, ...,
// then the block combines the threads' results (cub::BlockReduce, a fixed tree).
// Launch: one block per output, grid-stride over outputs, kBlock threads.
template <class Acc, class Op, class U, class T>
__global__ void reduce_block_kernel(U* out, const T* in, ReduceGeometry g) {
    using BlockReduce = cub::BlockReduce<Acc, kBlock>;
    __shared__ typename BlockReduce::TempStorage temp;
    for (int64_t o = blockIdx.x; o < g.n_out; o += gridDim.x) {
        int64_t off[2];
        offsets_of(g.kept, o, off);
        const Acc mine = fold_reduced<Acc, Op>(in + off[0], g.reduced, threadIdx.x, g.n_reduced, kBlock);
        const Acc total = BlockReduce(temp).Reduce(mine, Op());
        if (threadIdx.x == 0) out[off[1]] = convert<U>(total);
        __syncthreads();  // temp is reused
    }
}

// First pass of a split reduction: partial[o * parts + p] = Op over the reduced elements
// [p * chunk, (p + 1) * chunk) of output o, folded as in reduce_block_kernel.
// Launch: one block per (output, part), grid-stride over them, kBlock threads.
template <class Acc, class Op, class T>
__global__ void reduce_part_kernel(Acc* partial, const T* in, ReduceGeometry g, int64_t parts, int64_t chunk) {
    using BlockReduce = cub::BlockReduce<Acc, kBlock>;
    __shared__ typename BlockReduce::TempStorage temp;
    for (int64_t item = blockIdx.x; item < g.n_out * parts; item += gridDim.x) {
        const int64_t o = item / parts, begin = (item - o * parts) * chunk;
        const int64_t end = begin + chunk < g.n_reduced ? begin + chunk : g.n_reduced;
        int64_t off[2];
        offsets_of(g.kept, o, off);
        const Acc mine = fold_reduced<Acc, Op>(in + off[0], g.reduced, begin + threadIdx.x, end, kBlock);
        const Acc total = BlockReduce(temp).Reduce(mine, Op());
        if (threadIdx.x == 0) partial[item] = total;
        __syncthreads();
    }
}

// Second pass: out[o] = Op over partial[o * parts, (o + 1) * parts).
// Launch: one block per output, grid-stride over outputs, kBlock threads.
template <class Acc, class Op, class U>
__global__ void reduce_finish_kernel(U* out, const Acc* partial, ReduceGeometry g, int64_t parts) {
    using BlockReduce = cub::BlockReduce<Acc, kBlock>;
    __shared__ typename BlockReduce::TempStorage temp;
    Op op;
    for (int64_t o = blockIdx.x; o < g.n_out; o += gridDim.x) {
        Acc mine = Op::template identity<Acc>();
        for (int64_t p = threadIdx.x; p < parts; p += kBlock) mine = op(mine, partial[o * parts + p]);
        const Acc total = BlockReduce(temp).Reduce(mine, op);
        if (threadIdx.x == 0) {
            int64_t off[2];
            offsets_of(g.kept, o, off);
            out[off[1]] = convert<U>(total);
        }
        __syncthreads();
    }
}

// Bytes of device scratch memory reduce<Acc, ...>(..., in, reduced_mask, ...) needs (0: none).
template <class Acc, class T, int N>
size_t reduce_scratch_bytes(Array<T, N> in, uint32_t reduced_mask) {
    if (numel(in.shape, N) == 0) {
        return 0;
    }
    const ReducePlan plan = reduce_plan(in, reduced_mask & all_dims<N>());
    if (plan.strategy != ReduceStrategy::kSplit) {
        return 0;
    }
    int64_t n_out = 1;
    for (int d = 0; d < N; ++d) n_out *= (reduced_mask >> d) & 1u ? 1 : in.shape[d];
    return size_t(n_out * plan.parts) * sizeof(Acc);
}

// out = Op over the dims of `in` whose bit is set in reduced_mask, accumulated in Acc from
// Op::identity<Acc>() and converted to U. `out` has rank N: extent 1 and stride 0 on the reduced
// dims, the extents of `in` elsewhere (any strides). An output with no reduced element gets the
// identity. `scratch` is device memory of at least reduce_scratch_bytes<Acc>(in, reduced_mask)
// bytes (may be null when that is 0); too little gives cudaErrorInvalidValue and launches nothing.
// Usage: tr::cu::reduce<double, tr::cu::Add>(stream, out, in, mask, scratch, scratch_bytes).
template <class Acc, class Op, class U, class T, int N>
cudaError_t reduce(cudaStream_t stream, Array<U, N> out, Array<T, N> in, uint32_t reduced_mask, void* scratch,
                   size_t scratch_bytes) {
    using V = typename std::remove_const<T>::type;
    reduced_mask &= all_dims<N>();
    const ReduceGeometry g = reduce_geometry(out, in, reduced_mask);
    if (g.n_out == 0) {
        return cudaSuccess;
    }
    const ReducePlan plan = g.n_reduced == 0 ? ReducePlan{ReduceStrategy::kThread, 1, 0} : reduce_plan(in, reduced_mask);
    switch (plan.strategy) {
        case ReduceStrategy::kThread:
            reduce_thread_kernel<Acc, Op, U, V><<<grid_for(g.n_out, kBlock), kBlock, 0, stream>>>(out.data, in.data, g);
            break;
        case ReduceStrategy::kBlock:
            reduce_block_kernel<Acc, Op, U, V><<<grid_for(g.n_out), kBlock, 0, stream>>>(out.data, in.data, g);
            break;
        case ReduceStrategy::kSplit: {
            if (scratch == nullptr || scratch_bytes < size_t(g.n_out * plan.parts) * sizeof(Acc)) {
                return cudaErrorInvalidValue;
            }
            Acc* partial = static_cast<Acc*>(scratch);
            reduce_part_kernel<Acc, Op, V><<<grid_for(g.n_out * plan.parts), kBlock, 0, stream>>>(partial, in.data, g,
                                                                                                  plan.parts, plan.chunk);
            reduce_finish_kernel<Acc, Op, U><<<grid_for(g.n_out), kBlock, 0, stream>>>(out.data, partial, g, plan.parts);
            break;
        }
    }
    return cudaGetLastError();
}

// -- argmax / argmin ----------------------------------------------------------------------------
// A candidate element: its value and its position among the reduced elements (index < 0: none).
template <class T>
struct ArgCandidate {
    T value;
    int64_t index;
};

// The better of two candidates: a NaN beats everything, then the larger (IsMax) or smaller value,
// then the smaller index. A total order, so any combining tree picks numpy's answer: the first
// maximum (minimum), or the first NaN.
template <bool IsMax>
struct ArgBetter {
    template <class T>
    TR_HD ArgCandidate<T> operator()(const ArgCandidate<T>& a, const ArgCandidate<T>& b) const {
        if (a.index < 0) return b;
        if (b.index < 0) return a;
        const bool a_nan = a.value != a.value, b_nan = b.value != b.value;
        const bool first = a.index < b.index;
        if (a_nan || b_nan) return (a_nan && b_nan) ? (first ? a : b) : (a_nan ? a : b);
        if (IsMax ? a.value > b.value : a.value < b.value) return a;
        if (IsMax ? b.value > a.value : b.value < a.value) return b;
        return first ? a : b;
    }
};

// The best of the reduced elements begin, begin + step, ... (< end) of the block of `in` at x.
template <bool IsMax, class T>
__device__ ArgCandidate<T> arg_fold(const T* x, const Layout<1>& r, int64_t begin, int64_t end, int64_t step) {
    ArgBetter<IsMax> better;
    ArgCandidate<T> best{T(), -1};
    for (int64_t i = begin; i < end; i += step) {
        int64_t off[1];
        offsets_of(r, i, off);
        best = better(best, ArgCandidate<T>{x[off[0]], i});
    }
    return best;
}

// out[o] = position of the best reduced element of output o, one thread per output.
// Launch: 1-d grid-stride over outputs, kBlock threads.
template <bool IsMax, class T>
__global__ void arg_thread_kernel(int64_t* out, const T* in, ReduceGeometry g) {
    for (int64_t o = thread_index(); o < g.n_out; o += thread_stride()) {
        int64_t off[2];
        offsets_of(g.kept, o, off);
        out[off[1]] = arg_fold<IsMax>(in + off[0], g.reduced, 0, g.n_reduced, 1).index;
    }
}

// out[o] = position of the best reduced element of output o: threads fold strided elements, the
// block combines them (cub::BlockReduce). Launch: one block per output, grid-stride, kBlock threads.
template <bool IsMax, class T>
__global__ void arg_block_kernel(int64_t* out, const T* in, ReduceGeometry g) {
    using BlockReduce = cub::BlockReduce<ArgCandidate<T>, kBlock>;
    __shared__ typename BlockReduce::TempStorage temp;
    for (int64_t o = blockIdx.x; o < g.n_out; o += gridDim.x) {
        int64_t off[2];
        offsets_of(g.kept, o, off);
        const ArgCandidate<T> mine = arg_fold<IsMax>(in + off[0], g.reduced, threadIdx.x, g.n_reduced, kBlock);
        const ArgCandidate<T> best = BlockReduce(temp).Reduce(mine, ArgBetter<IsMax>());
        if (threadIdx.x == 0) out[off[1]] = best.index;
        __syncthreads();
    }
}

// numpy's argmax (IsMax) / argmin over the dims in reduced_mask: out[o] = the flat position (C
// order over the reduced dims only) of the first maximum (minimum) of output o's elements, or of
// its first NaN. `out` as for reduce. No reduced element while there are outputs (numpy: "attempt
// to get argmax of an empty sequence") gives cudaErrorInvalidValue and launches nothing.
template <bool IsMax, class T, int N>
cudaError_t arg_reduce(cudaStream_t stream, Array<int64_t, N> out, Array<T, N> in, uint32_t reduced_mask) {
    using V = typename std::remove_const<T>::type;
    reduced_mask &= all_dims<N>();
    const ReduceGeometry g = reduce_geometry(out, in, reduced_mask);
    if (g.n_out == 0) {
        return cudaSuccess;
    }
    if (g.n_reduced == 0) {
        return cudaErrorInvalidValue;
    }
    if (reduce_plan(in, reduced_mask).strategy == ReduceStrategy::kThread) {
        arg_thread_kernel<IsMax, V><<<grid_for(g.n_out, kBlock), kBlock, 0, stream>>>(out.data, in.data, g);
    } else {
        arg_block_kernel<IsMax, V><<<grid_for(g.n_out), kBlock, 0, stream>>>(out.data, in.data, g);
    }
    return cudaGetLastError();
}

// -- softmax rows -------------------------------------------------------------------------------
TR_HD inline float exp_of(float x) { return ::expf(x); }
TR_HD inline double exp_of(double x) { return ::exp(x); }
TR_HD inline float log_of(float x) { return ::logf(x); }
TR_HD inline double log_of(double x) { return ::log(x); }

struct SumOp {
    template <class T> TR_HD T operator()(T a, T b) const { return a + b; }
};
struct MaxNoNaN {  // operands are never NaN (partial maxima that skipped NaNs)
    template <class T> TR_HD T operator()(T a, T b) const { return a > b ? a : b; }
};

constexpr int64_t kRowCacheBytes = 32768;  // rows up to this size are read from memory once

// y[r, :] = softmax (Log: log-softmax) of x[r, :], like the CPU runtime's softmax_row: the row's
// maximum m ignoring NaNs (0 when not finite: rows of -inf or holding +inf are not shifted),
// s = sum exp(x - m), then y = exp(x - m) * (1 / s) or (x - m) - log(s). When `cached`, the row
// is kept in dynamic shared memory (cols elements of T) between the three sweeps: x is read from
// global memory once, each exponential computed once. Each thread touches only its own columns
// of the cache (j = threadIdx.x + k * kBlock), so the sweeps need no barrier between them.
// Launch: one block per row, grid-stride over rows, kBlock threads striding along the row,
// cols * sizeof(T) bytes of dynamic shared memory when cached. The sweeps are unrolled so that
// each thread has several loads in flight, not one at a time.
template <bool Log, class T>
__global__ void softmax_rows_kernel(T* y, int64_t ys0, int64_t ys1, const T* x, int64_t xs0, int64_t xs1, int64_t rows,
                                    int64_t cols, bool cached) {
    using BlockReduce = cub::BlockReduce<T, kBlock>;
    __shared__ typename BlockReduce::TempStorage temp;
    __shared__ T row_shift, row_scale;
    extern __shared__ double dynamic_words[];
    T* row = reinterpret_cast<T*>(dynamic_words);
    for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
        const T* xr = x + r * xs0;
        T* yr = y + r * ys0;
        T m = -std::numeric_limits<T>::infinity();
#pragma unroll 4
        for (int64_t j = threadIdx.x; j < cols; j += kBlock) {
            const T v = xr[j * xs1];
            if (cached) row[j] = v;
            m = v > m ? v : m;
        }
        m = BlockReduce(temp).Reduce(m, MaxNoNaN());
        if (threadIdx.x == 0) row_shift = T(m - m) == T(0) ? m : T(0);
        __syncthreads();
        m = row_shift;
        T s = T(0);
#pragma unroll 4
        for (int64_t j = threadIdx.x; j < cols; j += kBlock) {
            const T e = exp_of(T((cached ? row[j] : xr[j * xs1]) - m));
            if (cached && !Log) row[j] = e;
            s += e;
        }
        s = BlockReduce(temp).Reduce(s, SumOp());
        if (threadIdx.x == 0) row_scale = Log ? log_of(s) : T(1) / s;
        __syncthreads();
        const T scale = row_scale;
#pragma unroll 4
        for (int64_t j = threadIdx.x; j < cols; j += kBlock) {
            if (Log) {
                yr[j * ys1] = T(T((cached ? row[j] : xr[j * xs1]) - m) - scale);
            } else {
                yr[j * ys1] = T((cached ? row[j] : exp_of(T(xr[j * xs1] - m))) * scale);
            }
        }
        __syncthreads();  // row_shift, row_scale, temp and the row cache are reused
    }
}

// Softmax (log false) or log-softmax (log true) of every row (the last axis) of `in` (any
// strides) into `out` (same shape, any strides; contiguous in the CUDA rules).
template <class T>
cudaError_t softmax_rows(cudaStream_t stream, Array<T, 2> out, Array<T, 2> in, bool log) {
    const int64_t rows = in.shape[0], cols = in.shape[1];
    if (rows == 0 || cols == 0) {
        return cudaSuccess;
    }
    const bool cached = cols * int64_t(sizeof(T)) <= kRowCacheBytes;
    const size_t cache = cached ? size_t(cols) * sizeof(T) : 0;
    if (log) {
        softmax_rows_kernel<true, T><<<grid_for(rows), kBlock, cache, stream>>>(out.data, out.strides[0], out.strides[1],
                                                                                in.data, in.strides[0], in.strides[1], rows,
                                                                                cols, cached);
    } else {
        softmax_rows_kernel<false, T><<<grid_for(rows), kBlock, cache, stream>>>(out.data, out.strides[0], out.strides[1],
                                                                                 in.data, in.strides[0], in.strides[1], rows,
                                                                                 cols, cached);
    }
    return cudaGetLastError();
}

// Gradients of softmax rows. Log false: dx = (dy - sum(dy * sm, row)) * sm (sm: the softmax);
// Log true: dx = dy - exp(sm) * sum(dy, row) (sm: the log-softmax). Each array has its own
// strides (element [r, j] at a[r * s0 + j * s1]).
// Launch: one block per row, grid-stride over rows, kBlock threads striding along the row.
template <bool Log, class T>
__global__ void softmax_grad_rows_kernel(T* dx, int64_t dxs0, int64_t dxs1, const T* dy, int64_t dys0, int64_t dys1,
                                         const T* sm, int64_t sms0, int64_t sms1, int64_t rows, int64_t cols) {
    using BlockReduce = cub::BlockReduce<T, kBlock>;
    __shared__ typename BlockReduce::TempStorage temp;
    __shared__ T row_sum;
    for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
        const T* dyr = dy + r * dys0;
        const T* smr = sm + r * sms0;
        T* dxr = dx + r * dxs0;
        T s = T(0);
        for (int64_t j = threadIdx.x; j < cols; j += kBlock) s += Log ? dyr[j * dys1] : T(dyr[j * dys1] * smr[j * sms1]);
        s = BlockReduce(temp).Reduce(s, SumOp());
        if (threadIdx.x == 0) row_sum = s;
        __syncthreads();
        s = row_sum;
        for (int64_t j = threadIdx.x; j < cols; j += kBlock) {
            const T g = dyr[j * dys1], p = smr[j * sms1];
            dxr[j * dxs1] = Log ? T(g - T(exp_of(p) * s)) : T(T(g - s) * p);
        }
        __syncthreads();  // row_sum and temp are reused
    }
}

// dx = (dy - sum(dy * sm, row)) * sm for every row of the (rows, cols) arrays (any strides).
template <class T>
cudaError_t softmax_grad_rows(cudaStream_t stream, Array<T, 2> dx, Array<T, 2> dy, Array<T, 2> sm) {
    const int64_t rows = dx.shape[0], cols = dx.shape[1];
    if (rows == 0 || cols == 0) {
        return cudaSuccess;
    }
    softmax_grad_rows_kernel<false, T><<<grid_for(rows), kBlock, 0, stream>>>(
        dx.data, dx.strides[0], dx.strides[1], dy.data, dy.strides[0], dy.strides[1], sm.data, sm.strides[0], sm.strides[1],
        rows, cols);
    return cudaGetLastError();
}

// dx = dy - exp(lsm) * sum(dy, row) for every row of the (rows, cols) arrays (any strides).
template <class T>
cudaError_t log_softmax_grad_rows(cudaStream_t stream, Array<T, 2> dx, Array<T, 2> dy, Array<T, 2> lsm) {
    const int64_t rows = dx.shape[0], cols = dx.shape[1];
    if (rows == 0 || cols == 0) {
        return cudaSuccess;
    }
    softmax_grad_rows_kernel<true, T><<<grid_for(rows), kBlock, 0, stream>>>(
        dx.data, dx.strides[0], dx.strides[1], dy.data, dy.strides[0], dy.strides[1], lsm.data, lsm.strides[0],
        lsm.strides[1], rows, cols);
    return cudaGetLastError();
}

}  // namespace cu
}  // namespace tr
