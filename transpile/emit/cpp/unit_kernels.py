"""The kernels of the runtime's units that a graph's steps call, as explicit instantiations.

The units (templates/units/, compiled once per build recipe: transpile/compile/units.py) hold
kernel templates instantiated for the common dtypes. A graph built before a unit exists (the
first graphs of a new compiledir) compiles what it calls of that unit itself, which made its own
compile, the longest step of a cold first `function()`, about 0.2 s longer. So a rule records the
instances it calls (`lc.use_kernel`), and such a graph has exactly these compiled beside its own
source, on another core. A call left unrecorded is compiled in the graph's own source: slower,
never wrong.

Each function returns (unit, declaration): the unit that instantiates the kernel for the common
dtypes and the declaration of the instance, as written after `template` or `extern template`.
"""


def copy(dst, src):
    """`tr::copy(dst, src)` of two host buffers of one rank (None for 0-d ones: no unit has them)."""
    if dst.ndim == 0 or dst.ndim != src.ndim:
        return None
    t, s, n = dst.ctype, src.ctype, dst.ndim
    return "copy", f"void tr::copy<{t}, {s}, {n}>(const tr::Array<{t}, {n}>&, const tr::Array<{s}, {n}>&)"


def product(c, a, b):
    """`tr::product<c>(...)` of matrices of the C types `a` and `b` into one of `c`."""
    return "blas", (f"void tr::product<{c}, {a}, {b}>(int64_t, int64_t, int64_t, {c}, tr::Mat<{a}>, tr::Mat<{b}>, {c}, "
                    f"{c}*, int64_t, int64_t)")


def softmax(log, x, last):
    """`softmax_last<log>(x, y)` (`last`) or `softmax_rows<log>(x, y, axis)` of a buffer like `x`."""
    t, n, flag = x.ctype, x.ndim, "true" if log else "false"
    arrays = f"const tr::Array<{t}, {n}>&, const tr::Array<{t}, {n}>&"
    if last:
        return "softmax", f"void softmax_last<{flag}, {t}, {n}>({arrays})"
    return "softmax", f"void softmax_rows<{flag}, {t}, {n}>({arrays}, int)"
