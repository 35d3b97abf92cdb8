// transpile_inner.h: calling an inner graph (the branches of ifelse, an OpFromGraph's graph)
// lowered as a function of the same source, `int innerK(tr::Context&, const transpile_tensor*
// in, transpile_tensor* out)`, which has the ABI of the graph's own run function
// (emit/inner.py, emit/cpp/rules/control.py).
// Copied into generated projects from transpile/templates/runtime/inner.h; do not edit.
#pragma once
#include <cstdio>
#include <cstring>

#include "transpile_runtime.h"

namespace tr {

// The descriptor of array `a` (the inner function binds it as an input, or, for an output,
// writes into it when its data is not NULL: then it must be C-contiguous of the right shape).
template <class T, int N>
inline transpile_tensor tensor_of(const Array<T, N>& a, int dtype) {
    transpile_tensor t;
    std::memset(&t, 0, sizeof(t));
    t.data = static_cast<void*>(const_cast<T*>(a.data));
    t.dtype = dtype;
    t.ndim = N;
    for (int d = 0; d < N; ++d) {
        t.shape[d] = a.shape[d];
        t.strides[d] = a.strides[d];
    }
    return t;
}

// Take an output the inner function allocated (alloc_bytes memory) as the temporary `a` owned
// by `slot` (released with tr::release like any temporary).
template <class T, int N>
inline void adopt(Array<T, N>& a, transpile_tensor& t, void*& slot) {
    slot = t.data;
    t.data = nullptr;
    a.data = static_cast<T*>(slot);
    for (int d = 0; d < N; ++d) {
        a.shape[d] = t.shape[d];
        a.strides[d] = t.strides[d];
    }
}

// Graph output `a` is the array an inner function returned in `t`, which started as the
// caller's descriptor `out`: the caller's own array (written in place) when it gave one, else
// one the callee allocated, now in output `slot` and handed to the caller like any output.
template <class T, int N>
inline void adopt_output(Array<T, N>& a, transpile_tensor& t, transpile_tensor& out, void*& slot) {
    a.data = static_cast<T*>(t.data);
    for (int d = 0; d < N; ++d) {
        a.shape[d] = t.shape[d];
        a.strides[d] = t.strides[d];
    }
    if (out.data == nullptr) {
        slot = t.data;
        out = t;
    }
    t.data = nullptr;
}

// The status of an inner function called by node ctx.node: on failure the message (which
// names the inner node) also names the outer node.
inline int inner_status(Context& ctx, int status) {
    if (status != TRANSPILE_OK && ctx.node >= 0) {
        size_t n = std::strlen(ctx.message);
        if (n + 1 < size_t(kMessageSize)) {
            std::snprintf(ctx.message + n, kMessageSize - n, "\nin the inner graph of node: %s", ctx.labels[ctx.node]);
        }
    }
    return status;
}

}  // namespace tr
