"""`Argmax` / `Argmin` over several axes (flattened together in the order the op lists them):
for each output element, one sweep of its block keeps the first best position; the first NaN
wins, as in numpy. Complex values compare by real part, then imaginary part (numpy's order).
One runtime template per (kind, dtype) serves every node; output elements are split across
threads."""
from transpile.emit.registry import register_lowering
from transpile.tensor.stats import Argmax, Argmin

ARG_HELPER = r"""
namespace ix {

template <class T>
struct Order {
    static bool nan(T v) { return v != v; }
    static bool better(bool max, T v, T best) { return max ? v > best : v < best; }
};

// Position (C order) of the first best element of the block at x: na dims of lengths `as`,
// strides `ast`; the first NaN wins.
template <bool Max, class T>
inline int64_t arg_block(const T* x, int na, const int64_t* as, const int64_t* ast) {
    if (na == 0) return 0;
    int64_t idx[17] = {0};
    const int64_t n = as[na - 1], s = ast[na - 1];
    T best = x[0];
    int64_t best_i = 0, i = 0;
    if (Order<T>::nan(best)) return 0;
    for (;;) {
        int64_t off = 0;
        for (int d = 0; d < na - 1; ++d) off += idx[d] * ast[d];
        const T* row = x + off;
        for (int64_t j = 0; j < n; ++j, ++i) {
            const T v = row[j * s];
            if (Order<T>::nan(v)) return i;
            if (Order<T>::better(Max, v, best)) {
                best = v;
                best_i = i;
            }
        }
        int d = na - 2;
        for (; d >= 0; --d) {
            if (++idx[d] < as[d]) break;
            idx[d] = 0;
        }
        if (d < 0) return best_i;
    }
}

// out[o] = the block position for every element o of the kept dims (nk dims: ks, kst).
template <bool Max, class T>
TR_NOINLINE void arg_reduce(const T* x, int nk, const int64_t* ks, const int64_t* kst, int na, const int64_t* as,
                            const int64_t* ast, int64_t* out) {
    const int64_t n_out = tr::numel(ks, nk), block = tr::numel(as, na);
    tr::parallel_for(n_out, n_out * block, [&](int64_t lo, int64_t hi) TR_NOINLINE {
        for (int64_t o = lo; o < hi; ++o) {
            int64_t rest = o, base = 0;
            for (int d = nk - 1; d >= 0; --d) {
                base += (rest % ks[d]) * kst[d];
                rest /= ks[d];
            }
            out[o] = arg_block<Max>(x + base, na, as, ast);
        }
    });
}

}  // namespace ix
"""

COMPLEX_ORDER = r"""
namespace ix {

template <class R>
struct Order<std::complex<R>> {
    static bool nan(std::complex<R> v) { return v != v; }
    static bool better(bool max, std::complex<R> v, std::complex<R> b) {
        return max ? (v.real() > b.real() || (v.real() == b.real() && v.imag() > b.imag()))
                   : (v.real() < b.real() || (v.real() == b.real() && v.imag() < b.imag()));
    }
};

}  // namespace ix
"""


@register_lowering(Argmax)  # Argmin too (a subclass)
def lower_argmax(lc, node):
    (x,), (out,) = node.inputs, node.outputs
    src = lc.name(x)
    axes = list(node.op.axis)
    kept = [d for d in range(x.ndim) if d not in axes]
    lc.program.add_helper(ARG_HELPER.strip("\n"))
    if x.dtype.startswith("complex"):
        lc.program.add_helper(COMPLEX_ORDER.strip("\n"))
    if axes:
        empty = " || ".join(f"{src}.shape[{a}] == 0" for a in axes)
        lc.emit(f"if ({empty}) "
                + lc.fail("value", f"%s: attempt to get the {node.op.what} of an empty axis (input shape %s)", lc.label(),
                          f"tr::shape_text({src}.shape, {x.ndim}).text"))

    def dims(name, which):
        return f"const int64_t {name}[{max(len(which), 1)}] = {{{', '.join(which) or '0'}}};"

    lc.emit(dims("ks_", [f"{src}.shape[{d}]" for d in kept]), dims("kst_", [f"{src}.strides[{d}]" for d in kept]),
            dims("as_", [f"{src}.shape[{d}]" for d in axes]), dims("ast_", [f"{src}.strides[{d}]" for d in axes]))
    dst = lc.alloc(out, "ks_" if kept else "nullptr")
    is_max = "false" if isinstance(node.op, Argmin) else "true"
    lc.emit(f"ix::arg_reduce<{is_max}>({src}.data, {len(kept)}, ks_, kst_, {len(axes)}, as_, ast_, {dst.name}.data);")
