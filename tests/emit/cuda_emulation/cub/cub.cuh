#pragma once
// cub::BlockReduce emulated: every thread stores its value, a barrier, thread 0 combines them in
// order; the other threads get a poisoned value (CUB: only thread 0's result is defined). Like
// CUB, the temp storage must not be reused before the next __syncthreads.
namespace cub {
template <class T, int N>
struct BlockReduce {
    struct TempStorage { T v[N]; };
    TempStorage& t;
    explicit BlockReduce(TempStorage& s) : t(s) {}
    template <class Op>
    T Reduce(T x, Op op) {
        t.v[threadIdx.x] = x;
        __syncthreads();
        if (threadIdx.x != 0) return T();
        T r = t.v[0];
        for (int i = 1; i < N; ++i) r = op(r, t.v[i]);
        return r;
    }
};
}  // namespace cub
