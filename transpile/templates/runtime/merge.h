// transpile_merge.h: `ix::merge`, whether a run of dims can be read as one strided dim
// (emit/cpp/rules/tensordot.py).
// Copied into generated projects from transpile/templates/runtime/merge.h; do not edit.
#pragma once
#include <cstdint>

#include "transpile_runtime.h"

namespace ix {

// The stride of dims [lo, hi) of an array taken together as one dim (C order; lengths 1 do
// not matter); false when their strides do not allow it.
inline bool merge(const int64_t* shape, const int64_t* strides, int lo, int hi, int64_t* stride) {
    bool found = false;
    int64_t first = 0, expect = 0;
    for (int d = lo; d < hi; ++d) {
        if (shape[d] == 0) {
            *stride = 0;
            return true;
        }
    }
    for (int d = hi - 1; d >= lo; --d) {
        if (shape[d] == 1) continue;
        if (!found) {
            first = strides[d];
            expect = strides[d] * shape[d];
            found = true;
        } else if (strides[d] != expect) {
            return false;
        } else {
            expect *= shape[d];
        }
    }
    *stride = first;
    return true;
}

}  // namespace ix
