"""Theano's `bilinear_upsampling` and `frac_bilinear_upsampling` of (batch, channels, rows,
cols) feature maps.

Theano computed them as transposed convolutions with the `bilinear` kernels over the input with
its border rows and columns repeated. Worked out, output t of an axis of length n upsampled by
p / q (p / 1 for an integer ratio) is the linear interpolation of the input, clamped at its
edges, at position x = (t q - (p - 1) // 2) / p, for t < ceil(n p / q) (the fraction in lowest
terms). That is what is computed here, as two gathers and a blend per axis: the same values,
without the kernel's zero taps, run natively, differentiable in the input. As Theano notes, for
an even p the last row and column repeat once more than the first.
"""
from math import gcd

from transpile.tensor.alloc import arange
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.math import cast, clip, floor

__all__ = ["bilinear_upsampling", "frac_bilinear_upsampling"]


def _upsample_axis(x, axis, p, q):
    """`x` upsampled along `axis` by p / q (ints, in lowest terms)."""
    n = x.shape[axis]
    count = (n * p + q - 1) // q
    position = cast(arange(count) * q - (p - 1) // 2, "float64") / p
    low = floor(position)
    weight = cast(position - low, x.dtype)
    first = clip(cast(low, "int64"), 0, n - 1)
    second = clip(cast(low, "int64") + 1, 0, n - 1)
    shape = ["x"] * x.ndim
    shape[axis] = 0
    weight = weight.dimshuffle(*shape)
    a, b = x.take(first, axis=axis), x.take(second, axis=axis)
    return a + (b - a) * weight


def _check(input, what):
    x = as_tensor_variable(input)
    if x.ndim != 4:
        raise TypeError(f"{what}: input must be 4-d (batch, channels, rows, cols), got {x} ({x.type})")
    return x


def _reduced(ratio, what):
    p, q = (int(v) for v in ratio)
    if p <= 0 or q <= 0:
        raise ValueError(f"{what}: a ratio needs a positive numerator and denominator, got {ratio!r}")
    g = gcd(p, q)
    return p // g, q // g


def frac_bilinear_upsampling(input, frac_ratio):
    """Upsampling by a fraction: `frac_ratio` (numerator, denominator) for both axes, or one
    such pair per axis ((rows), (cols)); output lengths ceil(n * numerator / denominator)."""
    x = _check(input, "frac_bilinear_upsampling")
    if not isinstance(frac_ratio, tuple) or len(frac_ratio) != 2:
        raise ValueError(f"frac_bilinear_upsampling: frac_ratio must be a tuple (p, q) or ((p, q), (p, q)), "
                         f"got {frac_ratio!r}")
    pairs = frac_ratio if isinstance(frac_ratio[0], tuple) else (frac_ratio, frac_ratio)
    for axis, ratio in zip((2, 3), pairs):
        x = _upsample_axis(x, axis, *_reduced(ratio, "frac_bilinear_upsampling"))
    return x


def bilinear_upsampling(input, ratio=None, frac_ratio=None, batch_size=None, num_input_channels=None,
                        use_1D_kernel=True):  # noqa: N803  Theano's argument name
    """Upsampling of both spatial axes by the int `ratio` (output (rows * ratio, cols * ratio)),
    or by `frac_ratio` (see `frac_bilinear_upsampling`); give one of them. batch_size,
    num_input_channels and use_1D_kernel only chose Theano's implementation; they change
    nothing here."""
    if ratio and frac_ratio:
        raise ValueError("bilinear_upsampling: give ratio or frac_ratio, not both")
    if not (ratio or frac_ratio):
        raise ValueError("bilinear_upsampling: no ratio (or frac_ratio) given")
    if frac_ratio:
        return frac_bilinear_upsampling(input, frac_ratio)
    x = _check(input, "bilinear_upsampling")
    r = int(ratio)
    if r <= 0:
        raise ValueError(f"bilinear_upsampling: ratio must be a positive int, got {ratio!r}")
    return _upsample_axis(_upsample_axis(x, 2, r, 1), 3, r, 1)
