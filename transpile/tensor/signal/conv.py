"""PyTensor's `signal.convolve1d` and `signal.convolve2d`: numpy's / scipy.signal's linear
convolutions of the last one or two axes, batched over the leading ones (broadcast where a
leading dim is broadcastable).

The full convolution gathers, for each output position, the in1 entries each tap of in2 meets
(in1 padded with zeros: one gather with a (positions, taps) index table per axis), and sums their
products with the taps (an einsum): ordinary ops, so it runs natively and has their gradients,
for any batch size, at the cost of that gathered array (batch x outputs x taps). "valid" and
"same" are slices of the full result: "valid" the part that needs no padding, whichever input is
longer (as numpy swaps them), "same" the length of in1, centred as scipy centres it.
"""
from transpile.scalar import dtypes as D
from transpile.tensor.alloc import alloc, arange, zeros
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.einsum import einsum
from transpile.tensor.join import concatenate
from transpile.tensor.math import cast, maximum, minimum

__all__ = ["convolve1d", "convolve2d"]

MODES = ("full", "valid", "same")


def _batched(in1, in2, core, what):
    """(in1, in2) with their leading dims broadcast to one shape and merged into one axis, the
    leading lengths, the float dtype computed in and the result dtype."""
    a, b = as_tensor_variable(in1), as_tensor_variable(in2)
    if a.ndim < core or b.ndim < core:
        raise TypeError(f"{what}: inputs need at least {core} dims, got {a.type} and {b.type}")
    dtype = D.upcast(a.dtype, b.dtype)
    work = dtype if dtype in ("float32", "float64") else "float64"
    lead = max(a.ndim, b.ndim) - core
    a = a.dimshuffle(*(["x"] * (lead + core - a.ndim) + list(range(a.ndim))))
    b = b.dimshuffle(*(["x"] * (lead + core - b.ndim) + list(range(b.ndim))))
    lengths = [a.shape[d] if not a.broadcastable[d] else b.shape[d] for d in range(lead)]
    a = alloc(cast(a, work), *lengths, *[a.shape[d] for d in range(lead, a.ndim)])
    b = alloc(cast(b, work), *lengths, *[b.shape[d] for d in range(lead, b.ndim)])
    a = a.reshape([-1] + [a.shape[d] for d in range(lead, a.ndim)], ndim=core + 1)
    b = b.reshape([-1] + [b.shape[d] for d in range(lead, b.ndim)], ndim=core + 1)
    return a, b, lengths, dtype


def _cut(full, n, m, mode, axis):
    """The `mode` part of `full` along `axis` (lengths n of in1, m of in2)."""
    key = [slice(None)] * full.ndim
    if mode == "valid":
        key[axis] = slice(minimum(n, m) - 1, maximum(n, m))
    elif mode == "same":
        key[axis] = slice((m - 1) // 2, (m - 1) // 2 + n)
    return full[tuple(key)] if mode != "full" else full


def _taps(n, m):
    """The (n + m - 1, m) table of positions in in1 padded by m - 1 zeros on each side that
    output t meets at tap j: t + m - 1 - j."""
    return arange(n + m - 1).dimshuffle(0, "x") + (m - 1) - arange(m).dimshuffle("x", 0)


def _full(a, b, core):
    """The full convolutions of a and b (batch first), (batch, n + m - 1[, ...])."""
    n, m = [a.shape[1 + k] for k in range(core)], [b.shape[1 + k] for k in range(core)]
    padded = a
    for axis in range(core):
        z = zeros([padded.shape[d] if d != 1 + axis else m[axis] - 1 for d in range(padded.ndim)], dtype=a.dtype)
        padded = concatenate([z, padded, z], axis=1 + axis)
    if core == 1:
        return einsum("btj,bj->bt", padded[:, _taps(n[0], m[0])], b)
    rows, cols = _taps(n[0], m[0]), _taps(n[1], m[1])
    gathered = padded[:, rows.dimshuffle(0, 1, "x", "x"), cols.dimshuffle("x", "x", 0, 1)]  # (b, r, i, c, j)
    return einsum("bricj,bij->brc", gathered, b)


def _convolve(in1, in2, mode, core, what):
    if mode not in MODES:
        raise ValueError(f"{what}: mode must be one of {MODES}, got {mode!r}")
    a, b, lengths, dtype = _batched(in1, in2, core, what)
    full = _full(a, b, core)
    for k in range(core):
        full = _cut(full, a.shape[1 + k], b.shape[1 + k], mode, 1 + k)
    out = full.reshape(lengths + [full.shape[1 + k] for k in range(core)], ndim=len(lengths) + core)
    return cast(out, dtype) if out.dtype != dtype else out


def convolve1d(in1, in2, mode="full"):
    """numpy.convolve of the last axes, batched: "full" (n + m - 1), "valid" (max - min + 1,
    either input the longer) or "same" (n, scipy's centring)."""
    return _convolve(in1, in2, mode, 1, "convolve1d")


def convolve2d(in1, in2, mode="full", boundary="fill", fillvalue=0):
    """scipy.signal.convolve2d of the last two axes, batched; boundary "fill" with fillvalue 0
    only. "valid" takes, on each axis, the part that needs no padding (scipy asks one input to
    be at least as large as the other on both)."""
    if boundary != "fill" or fillvalue != 0:
        raise NotImplementedError("convolve2d: only boundary='fill' with fillvalue=0 is implemented")
    return _convolve(in1, in2, mode, 2, "convolve2d")
