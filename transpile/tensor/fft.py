"""Theano's `tensor.fft`: `rfft` and `irfft` of real data over every axis but the first (a
batch of m inputs), complex values stored as a trailing axis of (real, imaginary).

Each axis is transformed by a product with its DFT matrix (cosines and sines of 2 pi (j k mod
n) / n, built for the run-time length), in real arithmetic, so the transforms run natively through
the BLAS products and their gradients are those of the products. That is O(n^2) work per axis
length n, not an FFT's O(n log n): meant for the lengths of signal-processing layers, not for
very long signals. `norm`: None (the inverse divides by the number of points, as numpy),
"ortho" (both divide by its square root) or "no_norm" (neither).
"""
import numpy as np

from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.blas_tensordot import tensordot
from transpile.tensor.alloc import arange
from transpile.tensor.join import stack
from transpile.tensor.math import cast, cos, mod, sin, sqrt, switch, true_div
from transpile.tensor.shape_ops import transpose

__all__ = ["rfft", "irfft"]

NORMS = (None, "ortho", "no_norm")


def _check(inp, norm, what, least):
    inp = as_tensor_variable(inp)
    if norm not in NORMS:
        raise ValueError(f"{what}: norm must be None, 'ortho' or 'no_norm', got {norm!r}")
    if inp.ndim < least or inp.dtype not in ("float32", "float64"):
        raise TypeError(f"{what}: input must be a float32/float64 tensor of at least {least} dims, got {inp} "
                        f"({inp.type})")
    return inp


def _angles(rows, cols, n):
    """2 pi (j k mod n) / n for j < rows, k < cols: the phase of DFT entry (j, k), exact in j k."""
    j = arange(rows, dtype="int64").dimshuffle(0, "x")
    k = arange(cols, dtype="int64").dimshuffle("x", 0)
    return true_div(cast(mod(j * k, n), "float64") * (2 * np.pi), cast(n, "float64"))


def _apply(x, matrix, axis):
    """`matrix` (lengths (n_in, n_out)) applied along `axis` of x (the axis keeps its place)."""
    out = tensordot(x, cast(matrix, x.dtype), [[axis], [0]])
    order = list(range(axis)) + [x.ndim - 1] + list(range(axis, x.ndim - 1))
    return transpose(out, order)


def _complex_axis(re, im, axis, inverse):
    """The DFT along `axis` of re + i im (e^{-} forward, e^{+} inverse): (re', im')."""
    n = re.shape[axis]
    a = _angles(n, n, n)
    c, s = cos(a), sin(a) * (1.0 if inverse else -1.0)
    return _apply(re, c, axis) - _apply(im, s, axis), _apply(re, s, axis) + _apply(im, c, axis)


def _scale(norm, count, inverse, dtype):
    if norm == "no_norm" or (norm is None and not inverse):
        return None
    count = cast(count, dtype)
    return 1.0 / sqrt(count) if norm == "ortho" else 1.0 / count


def rfft(inp, norm=None):
    """The DFT of each real input inp[i] (shape (m, ..., n)) over all its axes: shape
    (m, ..., n // 2 + 1, 2), the last axis holding the real and imaginary parts (numpy's
    rfftn over axes 1.., split)."""
    x = _check(inp, norm, "rfft", 2)
    last = x.ndim - 1
    n = x.shape[last]
    a = _angles(n, n // 2 + 1, n)
    re, im = _apply(x, cos(a), last), _apply(x, -sin(a), last)
    for axis in range(1, last):
        re, im = _complex_axis(re, im, axis, inverse=False)
    scale = _scale(norm, _points(x, 1, x.ndim), False, x.dtype)
    out = stack([re, im], axis=x.ndim)
    return out if scale is None else out * scale


def irfft(inp, norm=None, is_odd=False):
    """The inverse of `rfft`: inp of shape (m, ..., n // 2 + 1, 2) to real (m, ..., n), n even
    unless `is_odd` (numpy's irfftn; the imaginary parts of the zero and, for even n, the
    Nyquist frequency are ignored, as numpy does)."""
    z = _check(inp, norm, "irfft", 3)
    re, im = z[..., 0], z[..., 1]
    last = re.ndim - 1
    for axis in range(1, last):
        re, im = _complex_axis(re, im, axis, inverse=True)
    half = re.shape[last]
    n = 2 * (half - 1) + (1 if is_odd else 0)
    a = _angles(half, n, n)
    k = arange(half, dtype="int64").dimshuffle(0, "x")
    weight = switch((k > 0) & (2 * k < n), 2.0, 1.0)  # the conjugate half counted twice
    x = _apply(re, weight * cos(a), last) - _apply(im, weight * sin(a), last)
    count = _points(re, 1, last) * n
    scale = _scale(norm, count, True, x.dtype)
    return x if scale is None else x * scale


def _points(x, start, stop):
    count = 1
    for d in range(start, stop):
        count = count * x.shape[d]
    return count
