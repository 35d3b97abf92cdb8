"""Theano's convolutions built from `conv2d`/`conv3d`: `separable_conv2d`/`separable_conv3d`
(a depthwise convolution, one group per input channel, then a pointwise 1x1 one) and
`causal_conv1d` (a 1-d convolution whose output at t sees inputs up to t only: zeros padded on
the left of the time axis)."""
from transpile.tensor.alloc import alloc
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.join import concatenate
from transpile.tensor.nnet.conv import conv2d
from transpile.tensor.nnet.conv3d_ops import conv3d

__all__ = ["causal_conv1d", "separable_conv2d", "separable_conv3d"]


def separable_conv2d(input, depthwise_filters, pointwise_filters, num_channels, input_shape=None,
                     depthwise_filter_shape=None, pointwise_filter_shape=None, border_mode="valid", subsample=(1, 1),
                     filter_flip=True, filter_dilation=(1, 1)):
    """conv2d(conv2d(input, depthwise_filters, num_groups=num_channels), pointwise_filters):
    depthwise_filters (num_channels * depth_multiplier, 1, rows, cols), pointwise_filters
    (out_channels, num_channels * depth_multiplier, 1, 1); border_mode, subsample and
    filter_dilation apply to the depthwise step."""
    depthwise = conv2d(input, depthwise_filters, input_shape, depthwise_filter_shape, border_mode, subsample,
                       filter_flip, filter_dilation=filter_dilation, num_groups=num_channels)
    return conv2d(depthwise, pointwise_filters, None, pointwise_filter_shape, "valid", (1, 1), filter_flip)


def separable_conv3d(input, depthwise_filters, pointwise_filters, num_channels, input_shape=None,
                     depthwise_filter_shape=None, pointwise_filter_shape=None, border_mode="valid",
                     subsample=(1, 1, 1), filter_flip=True, filter_dilation=(1, 1, 1)):
    """The 3-d form of `separable_conv2d` (filters with three spatial dims)."""
    depthwise = conv3d(input, depthwise_filters, input_shape, depthwise_filter_shape, border_mode, subsample,
                       filter_flip, filter_dilation, num_groups=num_channels)
    return conv3d(depthwise, pointwise_filters, None, pointwise_filter_shape, "valid", (1, 1, 1), filter_flip)


def causal_conv1d(input, filters, filter_shape=None, input_shape=None, subsample=1, filter_dilation=1, num_groups=1):
    """input (batch, channels, time) convolved with filters (out_channels, channels / groups,
    width) so that output t depends on inputs t, t - 1, ... only: dilation * (width - 1) zeros
    are padded before the first step. `filter_shape` (3 entries) is checked when given."""
    x, w = as_tensor_variable(input), as_tensor_variable(filters)
    if x.ndim != 3 or w.ndim != 3:
        raise TypeError(f"causal_conv1d: input and filters must be 3-d (batch/out, channels, time), got {x.type} "
                        f"and {w.type}")
    width = w.shape[2] if filter_shape is None or filter_shape[2] is None else filter_shape[2]
    pad = filter_dilation * (width - 1)
    zeros = alloc(as_tensor_variable(0).astype(x.dtype), x.shape[0], x.shape[1], pad)
    padded = concatenate([zeros, x], axis=2)
    out = conv2d(padded.dimshuffle(0, 1, 2, "x"), w.dimshuffle(0, 1, 2, "x"),
                 None if input_shape is None else (*input_shape[:2], None, 1),
                 None if filter_shape is None else (*filter_shape, 1), "valid", (subsample, 1),
                 filter_dilation=(filter_dilation, 1), num_groups=num_groups)
    return out[:, :, :, 0]
