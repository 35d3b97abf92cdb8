"""Theano's shape arithmetic of convolutions (`theano.tensor.nnet.abstract_conv`): the output
shape of a convolution, and the filter or input shape its gradients give back, one spatial axis
or all of them. Each entry may be an int, None (unknown: the result is None) or a symbolic
integer scalar (the result is then symbolic), so a layer can compute shapes before any value
exists. `border_mode` is 'valid', 'half', 'full', a padding, or a (left, right) pair. Also its
run-time checks of shapes, `assert_shape` and `assert_conv_shape`.
"""
from transpile.tensor import math
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.check import assert_op
from transpile.tensor.nnet import conv_kernels as K
from transpile.tensor.scalar_constant import NotScalarConstantError, get_scalar_constant_value

__all__ = ["assert_conv_shape", "assert_shape", "border_mode_to_pad", "get_conv_gradinputs_shape", "get_conv_gradinputs_shape_1axis",
           "get_conv_gradweights_shape", "get_conv_gradweights_shape_1axis", "get_conv_output_shape",
           "get_conv_shape_1axis"]


def _pads(border_mode, kernel, dilation):
    """(left, right) padding of one axis for filters of length `kernel`."""
    if isinstance(border_mode, str):
        if border_mode not in ("valid", "half", "full"):
            raise ValueError(f"border_mode must be 'valid', 'half', 'full' or paddings >= 0, got {border_mode!r}")
        pad = K.resolve_pad(border_mode, (kernel,), (dilation,))[0]
        return pad, pad
    left, right = border_mode if isinstance(border_mode, tuple) else (border_mode, border_mode)
    if isinstance(left, int) and isinstance(right, int) and (left < 0 or right < 0):
        raise ValueError(f"border_mode must be 'valid', 'half', 'full' or paddings >= 0, got {border_mode!r}")
    return left, right


def _per_axis(border_mode, n):
    return list(border_mode) if isinstance(border_mode, tuple) else [border_mode] * n


def get_conv_shape_1axis(image_shape, kernel_shape, border_mode, subsample, dilation=1):
    """The output length of one axis: (image + pads - dilated kernel) // subsample + 1."""
    if None in (image_shape, kernel_shape, border_mode, subsample, dilation):
        return None
    left, right = _pads(border_mode, kernel_shape, dilation)
    return (image_shape + left + right - K.dilated(kernel_shape, dilation)) // subsample + 1


def get_conv_output_shape(image_shape, kernel_shape, border_mode, subsample, filter_dilation=None):
    """(batch, output channels, lengths...) of a convolution of images of `image_shape` (batch,
    channels, lengths...) by filters of `kernel_shape` (output channels, input channels,
    lengths...)."""
    nd = len(image_shape) - 2
    dilation = (1,) * nd if filter_dilation is None else tuple(filter_dilation)
    modes = _per_axis(border_mode, nd)
    return (image_shape[0], kernel_shape[0]) + tuple(
        get_conv_shape_1axis(image_shape[2 + i], kernel_shape[len(kernel_shape) - nd + i], modes[i], subsample[i],
                             dilation[i]) for i in range(nd))


def get_conv_gradweights_shape_1axis(image_shape, top_shape, border_mode, subsample, dilation):
    """The filter length of one axis that the gradient w.r.t. the filters gives back, from the
    input's and the output's lengths (None with a stride or 'half': it is not determined)."""
    if None in (image_shape, top_shape, border_mode, subsample, dilation) or subsample != 1 or border_mode == "half":
        return None
    if border_mode == "full":
        span = top_shape - image_shape
    elif border_mode == "valid":
        span = image_shape - top_shape
    else:
        left, right = _pads(border_mode, 1, 1)
        span = image_shape + left + right - top_shape
    return (span // dilation if dilation != 1 else span) + 1


def get_conv_gradweights_shape(image_shape, top_shape, border_mode, subsample, filter_dilation=None, num_groups=1):
    """(output channels, input channels per group, lengths...) of the filters, from the input's
    and the output's shapes."""
    nd = len(subsample)
    dilation = (1,) * nd if filter_dilation is None else tuple(filter_dilation)
    modes = _per_axis(border_mode, nd)
    channels = image_shape[1] // num_groups if num_groups > 1 else image_shape[1]
    return (top_shape[1], channels) + tuple(
        get_conv_gradweights_shape_1axis(image_shape[2 + i], top_shape[2 + i], modes[i], subsample[i], dilation[i])
        for i in range(nd))


def get_conv_gradinputs_shape_1axis(kernel_shape, top_shape, border_mode, subsample, dilation):
    """The input length of one axis that the gradient w.r.t. the input gives back, from the
    filter's and the output's lengths (None with a stride: it is not determined)."""
    if None in (kernel_shape, top_shape, border_mode, subsample, dilation) or subsample != 1:
        return None
    left, right = _pads(border_mode, kernel_shape, dilation)
    return top_shape + K.dilated(kernel_shape, dilation) - 1 - left - right


def get_conv_gradinputs_shape(kernel_shape, top_shape, border_mode, subsample, filter_dilation=None, num_groups=1):
    """(batch, input channels, lengths...) of the input, from the filters' and the output's
    shapes."""
    nd = len(subsample)
    dilation = (1,) * nd if filter_dilation is None else tuple(filter_dilation)
    modes = _per_axis(border_mode, nd)
    channels = kernel_shape[1] * num_groups if num_groups > 1 else kernel_shape[1]
    return (top_shape[0], channels) + tuple(
        get_conv_gradinputs_shape_1axis(kernel_shape[2 + i], top_shape[2 + i], modes[i], subsample[i], dilation[i])
        for i in range(nd))


def border_mode_to_pad(mode, convdim, kshp):
    """The ((left, right), ...) padding of each of `convdim` axes that `mode` means for filters
    of lengths `kshp`."""
    if isinstance(mode, tuple):
        if len(mode) != convdim:
            raise ValueError(f"border_mode_to_pad: {convdim} paddings expected, got {mode!r}")
        pads = []
        for m in mode:
            pair = m if isinstance(m, tuple) else (m, m)
            if len(pair) != 2 or not all(isinstance(p, int) and p >= 0 for p in pair):
                raise ValueError(f"border_mode_to_pad: each padding must be an int >= 0 or a pair of them, got {m!r}")
            pads.append(tuple(pair))
        return tuple(pads)
    if mode == "full":
        return tuple((kshp[i] - 1,) * 2 for i in range(convdim))
    if mode == "half":
        return tuple((kshp[i] // 2,) * 2 for i in range(convdim))
    if mode == "valid":
        return ((0, 0),) * convdim
    raise ValueError(f"border_mode_to_pad: expected 'valid', 'half', 'full' or a tuple of paddings, got {mode!r}")


def assert_shape(x, expected_shape, msg="Unexpected shape."):
    """`x`, checked at run time to have `expected_shape` (None entries are not checked):
    Theano's helper, which checked only with its flag conv.assert_shape; this one always
    checks. A wrong length raises AssertionError with `msg`."""
    x = as_tensor_variable(x)
    if len(expected_shape) != x.ndim:
        raise ValueError(f"assert_shape: {x} has {x.ndim} dims, the expected shape {expected_shape!r} "
                         f"{len(expected_shape)}")
    checks = [math.eq(x.shape[d], n) for d, n in enumerate(expected_shape) if n is not None]
    return assert_op(x, *checks, msg=msg)


def assert_conv_shape(shape):
    """The entries of a convolution shape (batch and channels, or the filters' two channel
    counts, then the spatial lengths), each checked: the first two >= 0, the others > 0. A known
    entry raises ValueError now; a symbolic one is checked at run time (AssertionError)."""
    out = []
    for i, n in enumerate(shape):
        invalid = "<" if i < 2 else "<="
        try:
            value = int(get_scalar_constant_value(n))
        except NotScalarConstantError:
            valid = math.ge(n, 0) if i < 2 else math.gt(n, 0)
            out.append(assert_op(n, valid, msg=f"The convolution would produce an invalid shape (dim[{i}] {invalid} 0)."))
            continue
        if value < 0 or (i >= 2 and value == 0):
            raise ValueError(f"The convolution would produce an invalid shape (dim[{i}]: {value} {invalid} 0).")
        out.append(n)
    return tuple(out)
