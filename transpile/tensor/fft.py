"""Theano's `tensor.fft`: `rfft` and `irfft` of real data over every axis but the first (a
batch of m inputs), complex values stored as a trailing axis of (real, imaginary).

Two ops do the transforms, unnormalized, as Theano's: `RFFTOp` (numpy's rfftn over axes 1..)
and `IRFFTOp` (irfftn, times the number of points), with the output lengths as an input since
an odd and an even last length give the same half spectrum. Natively they are FFTs
(templates/runtime/fft.h: radix 2, Bluestein for other lengths), O(n log n). The gradient of
one is the other with the half spectrum's doubled frequencies halved or doubled. `norm`: None
(the inverse divides by the number of points, as numpy), "ortho" (both divide by its square
root) or "no_norm" (neither).
"""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.gradient_ops import disconnected_type
from transpile.tensor.join import stack
from transpile.tensor.math import cast, sqrt
from transpile.tensor.subtensor import set_subtensor
from transpile.tensor.type import TensorType

__all__ = ["IRFFTOp", "RFFTOp", "irfft", "irfft_op", "rfft", "rfft_op"]

NORMS = (None, "ortho", "no_norm")


def _float(x, what, least):
    x = as_tensor_variable(x)
    if x.ndim < least or x.dtype not in ("float32", "float64"):
        raise TypeError(f"{what}: input must be a float32/float64 tensor of at least {least} dims, got {x} ({x.type})")
    return x


def _lengths(s, ndim, what):
    s = as_tensor_variable(s)
    if s.ndim != 1 or s.dtype[0] not in "iu":
        raise TypeError(f"{what}: s must be an int vector (the transform's lengths), got {s} ({s.type})")
    return cast(s, "int64")


def _halved_frequencies(g, n, factor):
    """g (..., h, 2) with the frequencies 1 .. (n - 1) // 2 (those standing for two of the full
    spectrum) times `factor`."""
    key = (Ellipsis, slice(1, (n + 1) // 2), slice(None))
    return set_subtensor(g[key], g[key] * factor)


class RFFTOp(Op):
    """x (m, n1, ..., nd) -> (m, n1, ..., nd // 2 + 1, 2): the unnormalized rfftn over axes 1..
    (Theano's rfft_op; the transform's lengths are the input's)."""

    __props__ = ()

    def make_node(self, x, s=None):
        if s is not None:
            raise TypeError("rfft_op: the transform's lengths are the input's here (Theano's `s`, which could crop "
                            "or pad, is not supported); pad or slice the input instead")
        x = _float(x, "rfft_op", 2)
        return Apply(self, [x], [TensorType(x.dtype, (x.broadcastable[0],) + (False,) * x.ndim)()])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        z = np.fft.rfftn(x.astype("float64"), axes=tuple(range(1, x.ndim)))
        output_storage[0][0] = np.stack([z.real, z.imag], axis=-1).astype(node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        shape = tuple(input_shapes[0])
        return [shape[:-1] + (shape[-1] // 2 + 1, 2)]

    def grad(self, inputs, output_grads):
        (x,) = inputs
        n = x.shape[x.ndim - 1]
        g = _halved_frequencies(output_grads[0], n, 0.5)
        return [irfft_op(g, x.shape[1:])]


class IRFFTOp(Op):
    """(z (m, n1, ..., h, 2), s) -> (m, *s): the irfftn over axes 1.. times the number of points
    (Theano's irfft_op, unnormalized); s holds z's lengths n1, ... and the output's last length n,
    with h = n // 2 + 1 (a ValueError otherwise)."""

    __props__ = ()

    def make_node(self, z, s):
        z = _float(z, "irfft_op", 3)
        s = _lengths(s, z.ndim - 1, "irfft_op")
        return Apply(self, [z, s], [TensorType(z.dtype, (z.broadcastable[0],) + (False,) * (z.ndim - 2))()])

    def perform(self, node, inputs, output_storage):
        z, s = inputs
        s = tuple(int(v) for v in s)
        if len(s) != z.ndim - 2 or tuple(z.shape[1:-2]) != s[:-1] or z.shape[-2] != s[-1] // 2 + 1 or z.shape[-1] != 2:
            raise ValueError(f"irfft_op: lengths {s} do not fit a half spectrum of shape {z.shape}")
        half = z[..., 0].astype("float64") + 1j * z[..., 1].astype("float64")
        x = np.fft.irfftn(half, s=s, axes=tuple(range(1, z.ndim - 1))) * float(np.prod(s))
        output_storage[0][0] = x.astype(node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        z, s = node.inputs
        return [(input_shapes[0][0],) + tuple(s[k] for k in range(z.ndim - 2))]

    def grad(self, inputs, output_grads):
        z, s = inputs
        g = rfft_op(output_grads[0])
        return [_halved_frequencies(g, s[-1], 2.0), disconnected_type()]

    def connection_pattern(self, node):
        return [[True], [False]]


rfft_op = RFFTOp()
irfft_op = IRFFTOp()


def _scale(norm, count, inverse, dtype):
    if norm == "no_norm" or (norm is None and not inverse):
        return None
    count = cast(count, dtype)
    return 1.0 / sqrt(count) if norm == "ortho" else 1.0 / count


def _check_norm(norm, what):
    if norm not in NORMS:
        raise ValueError(f"{what}: norm must be None, 'ortho' or 'no_norm', got {norm!r}")


def _points(shape_entries):
    count = 1
    for n in shape_entries:
        count = count * n
    return count


def rfft(inp, norm=None):
    """The DFT of each real input inp[i] (shape (m, ..., n)) over all its axes: shape
    (m, ..., n // 2 + 1, 2), the last axis holding the real and imaginary parts (numpy's
    rfftn over axes 1.., split)."""
    _check_norm(norm, "rfft")
    x = _float(inp, "rfft", 2)
    out = rfft_op(x)
    scale = _scale(norm, _points([x.shape[d] for d in range(1, x.ndim)]), False, x.dtype)
    return out if scale is None else out * scale


def irfft(inp, norm=None, is_odd=False):
    """The inverse of `rfft`: inp of shape (m, ..., n // 2 + 1, 2) to real (m, ..., n), n even
    unless `is_odd` (numpy's irfftn; the imaginary parts of the zero and, for even n, the
    Nyquist frequency are ignored, as numpy does)."""
    _check_norm(norm, "irfft")
    z = _float(inp, "irfft", 3)
    n = 2 * (z.shape[z.ndim - 2] - 1) + (1 if is_odd else 0)
    lengths = [z.shape[d] for d in range(1, z.ndim - 2)] + [n]
    out = irfft_op(z, stack(lengths))
    scale = _scale(norm, _points(lengths), True, z.dtype)
    # irfft_op is unnormalized (numpy's irfftn times the points): None divides by the points
    return out if scale is None else out * scale
