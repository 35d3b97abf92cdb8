// transpile_scan.h: the loop of a Scan node (emit/cpp/rules/scan.py): descriptors of storage
// rows handed to the step's inner function, growing storage, running one step with the errors
// of Scan.perform (a step's output of another shape, the step that failed).
// Copied into generated projects from transpile/templates/runtime/scan.h; do not edit.
#pragma once
#include <atomic>
#include <cstdio>
#include <cstring>
#include <memory>

#include "transpile_runtime.h"
#include "transpile_inner.h"

namespace tr {

// The signature of an inner function (the ABI of a graph's run function).
using InnerFunction = int (*)(Context&, const transpile_tensor*, transpile_tensor*);

// The descriptor of row `i` of `a` (its entries of one step): N - 1 dims, a's strides.
template <class T, int N>
inline transpile_tensor row_tensor(const Array<T, N>& a, int64_t i, int dtype) {
    static_assert(N >= 1, "a row needs a leading dimension");
    transpile_tensor t;
    std::memset(&t, 0, sizeof(t));
    t.data = static_cast<void*>(const_cast<T*>(a.data + i * a.strides[0]));
    t.dtype = dtype;
    t.ndim = N - 1;
    for (int d = 1; d < N; ++d) {
        t.shape[d - 1] = a.shape[d];
        t.strides[d - 1] = a.strides[d];
    }
    return t;
}

// The descriptor of a 0-d value at `p` (a while loop's condition, written by the step).
template <class T>
inline transpile_tensor scalar_tensor(T* p, int dtype) {
    transpile_tensor t;
    std::memset(&t, 0, sizeof(t));
    t.data = static_cast<void*>(p);
    t.dtype = dtype;
    return t;
}

// Storage `a` (a C-contiguous temporary in `slot`) becomes `rows` entries of shape `entry`
// (N - 1 lengths) keeping its first `keep` rows, which must have that entry shape.
template <class T, int N>
inline int resize_rows(Context& ctx, Array<T, N>& a, int64_t rows, const int64_t* entry, int64_t keep, void*& slot) {
    int64_t shape[N];
    shape[0] = rows;
    for (int d = 1; d < N; ++d) {
        shape[d] = entry[d - 1];
    }
    Array<T, N> old = a;
    void* fresh = nullptr;
    TR_CHECK(alloc(ctx, a, shape, fresh));
    if (keep > 0) {
        std::memcpy(static_cast<void*>(a.data), static_cast<const void*>(old.data),
                    size_t(keep) * size_t(numel(shape + 1, N - 1)) * sizeof(T));
    }
    release(slot);
    slot = fresh;
    return TRANSPILE_OK;
}

// Copy row `j` of `src` into row `i` of `dst` (same entry shape; dst C-contiguous).
template <class T, int N>
inline void copy_row(Array<T, N>& dst, int64_t i, const Array<T, N>& src, int64_t j) {
    const int64_t size = numel(dst.shape + 1, N - 1);
    const T* from = src.data + j * src.strides[0];
    std::memcpy(static_cast<void*>(dst.data + i * dst.strides[0]), static_cast<const void*>(from), size_t(size) * sizeof(T));
}

// Step 0 of a nit-sot output: its entry, returned in descriptor `t` (C-contiguous, allocated
// by the step), fixes the shape of storage `a` (a temporary in `slot`): `rows` such entries,
// the first one copied from `t`, which is then freed (on failure too).
template <class T, int N>
inline int first_row(Context& ctx, Array<T, N>& a, int64_t rows, transpile_tensor& t, void*& slot) {
    const int status = resize_rows(ctx, a, rows, t.shape, 0, slot);
    if (status == TRANSPILE_OK) {
        std::memcpy(static_cast<void*>(a.data), t.data, size_t(numel(a.shape + 1, N - 1)) * sizeof(T));
    }
    free_bytes(t.data);
    t.data = nullptr;
    return status;
}

// What Scan.perform appends to an error of step t: "... at scan step t of n" ("at most n" for
// a while loop).
inline int at_step(Context& ctx, int status, int64_t t, int64_t n, bool as_while) {
    size_t len = std::strlen(ctx.message);
    if (len + 1 < size_t(kMessageSize)) {
        std::snprintf(ctx.message + len, kMessageSize - len, "\n... at scan step %lld of %s%lld", (long long)t,
                      as_while ? "at most " : "", (long long)n);
    }
    return status;
}

// Run step t of a scan: `fn(in, out)` writes each output whose descriptor has data into it
// (a row of the loop's storage), allocates the others. When a preset row does not have the
// shape the step computes (a shape status), the step runs again with every output allocated
// by the callee to tell which output changed shape, and fails with Scan.perform's message
// (`labels[k]`: "output k ('name')"; `first[k]`: what fixed the expected shape). Any other
// failure keeps the inner node's message, naming the scan node and the step.
template <int NOut>
inline int run_step(Context& ctx, InnerFunction fn, const transpile_tensor* in, transpile_tensor* out,
                    const char* scan, const char* const* labels, const char* const* first, int64_t t, int64_t n,
                    bool as_while) {
    int status = fn(ctx, in, out);
    if (status == TRANSPILE_OK) {
        return status;
    }
    if (status != TRANSPILE_ERR_SHAPE) {
        return at_step(ctx, inner_status(ctx, status), t, n, as_while);
    }
    transpile_tensor fresh[NOut];
    std::memset(fresh, 0, sizeof(fresh));
    const int again = fn(ctx, in, fresh);
    if (again != TRANSPILE_OK) {  // the step itself fails: its own message
        return at_step(ctx, inner_status(ctx, again), t, n, as_while);
    }
    int changed = -1;
    for (int k = 0; k < NOut; ++k) {
        if (changed < 0 && out[k].data != nullptr) {
            for (int d = 0; d < fresh[k].ndim; ++d) {
                changed = fresh[k].shape[d] != out[k].shape[d] ? k : changed;
            }
        }
    }
    ShapeText got = changed >= 0 ? shape_text(fresh[changed].shape, fresh[changed].ndim) : ShapeText{};
    ShapeText want = changed >= 0 ? shape_text(out[changed].shape, out[changed].ndim) : ShapeText{};
    for (int k = 0; k < NOut; ++k) {
        free_bytes(fresh[k].data);
    }
    if (changed < 0) {
        return at_step(ctx, fail(ctx, TRANSPILE_ERR_INTERNAL, "%s: step failed with a shape error, then ran",
                                 scan), t, n, as_while);
    }
    return fail(ctx, TRANSPILE_ERR_SHAPE,
                "%s: %s of the step function has shape %s at scan step %lld of %lld, but %s gave shape %s; "
                "every step must return the same shape",
                scan, labels[changed], got.text, (long long)t, (long long)n, first[changed], want.text);
}

// -- rows apart: a step that treats the rows of its values independently (emit/scan_rows.py)
// runs, on each thread, every step for its own block of rows.

// `t` with only its rows [lo, hi) along `axis` (a view); all of it when hi < 0.
inline transpile_tensor rows_of(transpile_tensor t, int axis, int64_t lo, int64_t hi) {
    if (hi >= 0) {
        t.data = static_cast<char*>(t.data) + lo * t.strides[axis] * int64_t(dtype_size(t.dtype));
        t.shape[axis] = hi - lo;
    }
    return t;
}

// Each thread's block holds at least this many rows: fewer, and each step's products would
// rather be split by columns, each thread then reading half of the weights (tr::product).
// Rows run apart only when every thread gets such a block: with more threads than blocks (64
// rows on 16 cores), splitting each step's work across all of them may well be faster, and only
// two threads' case was measured (benchmarks/README.md).
constexpr int64_t kRowsPerThread = 32;

// step(ctx, t, lo, hi) for the rows [lo, hi) (all of them when hi < 0).
using RowStep = int (*)(void* body, Context& ctx, int64_t t, int64_t lo, int64_t hi);

// Steps [t0, n) of every row: with `rows` >= 0 rows and a block of them for every thread, each
// thread runs them all on its block of rows, with its own message; the failure reported is that
// of the earliest step (then of the first block), as one thread running the rows would report
// it. Else one loop over all the rows.
inline int split_steps(Context& ctx, int64_t t0, int64_t n, int64_t rows, RowStep run, void* body) {
#ifdef _OPENMP
    const int64_t threads = omp_get_max_threads();
    if (threads > 1 && rows / kRowsPerThread >= threads && n - t0 > 1 && !omp_in_parallel() &&
        ctx.device == nullptr) {
        struct Outcome {
            int status;
            int64_t t;
            Context ctx;
            char message[kMessageSize];
        };
        std::unique_ptr<Outcome[]> outcomes(new Outcome[threads]);
        for (int64_t k = 0; k < threads; ++k) {
            outcomes[k].status = TRANSPILE_OK;  // also those of threads OpenMP did not start
        }
        std::atomic<int64_t> last(n - 1);  // no thread runs a step after the earliest failed one
#pragma omp parallel num_threads(int(threads))
        {
            const int64_t k = omp_get_thread_num(), count = omp_get_num_threads();
            Outcome& mine = outcomes[k];
            mine.ctx = ctx;
            mine.ctx.message = mine.message;
            mine.message[0] = '\0';
            for (int64_t t = t0; t <= last.load(std::memory_order_relaxed); ++t) {
                mine.status = run(body, mine.ctx, t, rows * k / count, rows * (k + 1) / count);
                if (mine.status != TRANSPILE_OK) {
                    mine.t = t;
                    int64_t seen = last.load();
                    while (t < seen && !last.compare_exchange_weak(seen, t)) {
                    }
                    break;
                }
            }
        }
        const Outcome* first = nullptr;
        for (int64_t k = 0; k < threads; ++k) {
            if (outcomes[k].status != TRANSPILE_OK && (first == nullptr || outcomes[k].t < first->t)) {
                first = &outcomes[k];
            }
        }
        if (first == nullptr) {
            return TRANSPILE_OK;
        }
        std::memcpy(ctx.message, first->message, size_t(kMessageSize));
        ctx.node = first->ctx.node;
        return first->status;
    }
#endif
    (void)rows;
    for (int64_t t = t0; t < n; ++t) {
        TR_CHECK(run(body, ctx, t, 0, -1));
    }
    return TRANSPILE_OK;
}

// split_steps for a callable `step` (the loop's lambda).
template <class F>
inline int steps_by_rows(Context& ctx, int64_t t0, int64_t n, int64_t rows, F& step) {
    return split_steps(ctx, t0, n, rows, [](void* body, Context& c, int64_t t, int64_t lo, int64_t hi) {
        return (*static_cast<F*>(body))(c, t, lo, hi);
    }, &step);
}

}  // namespace tr
