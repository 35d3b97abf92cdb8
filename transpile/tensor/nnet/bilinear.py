"""Theano's bilinear interpolation kernels (for upsampling by an integer `ratio` with a
transposed convolution): a triangle of 2 * ratio - 1 taps, 1 at the centre, divided by `ratio`
when `normalize`, and its outer product with itself. floatX, as Theano's.
"""
from transpile.configdefaults import config
from transpile.tensor.alloc import arange
from transpile.tensor.join import concatenate

__all__ = ["bilinear_kernel_1D", "bilinear_kernel_2D"]


def bilinear_kernel_1D(ratio, normalize=True):  # noqa: N802  Theano's name
    """[1, 2, ..., ratio, ..., 2, 1] (divided by `ratio` when `normalize`); `ratio` may be symbolic."""
    half = arange(1, ratio + 1, dtype=config.floatX)
    kernel = concatenate([half, half[-2::-1]])
    return kernel / ratio if normalize else kernel


def bilinear_kernel_2D(ratio, normalize=True):  # noqa: N802  Theano's name
    """The outer product of bilinear_kernel_1D with itself: a (2 ratio - 1) square pyramid."""
    k = bilinear_kernel_1D(ratio, normalize)
    return k.dimshuffle(0, "x") * k.dimshuffle("x", 0)
