"""3-d convolution (Theano's `conv3d`) on (batch, channels, depth, rows, columns) input with
(out_channels, in_channels / num_groups, depth, rows, columns) filters: the ops of `conv.py`
over three spatial dims."""
from transpile.tensor.nnet.conv import ConvForward, ConvGradInputs, ConvGradWeights, convolve

__all__ = ["Conv3d", "Conv3dGradInputs", "Conv3dGradWeights", "conv3d"]


class Conv3d(ConvForward):
    nd = 3


class Conv3dGradInputs(ConvGradInputs):
    nd = 3


class Conv3dGradWeights(ConvGradWeights):
    nd = 3


for _cls in (Conv3d, Conv3dGradInputs, Conv3dGradWeights):
    _cls.family = (Conv3d, Conv3dGradInputs, Conv3dGradWeights)


def conv3d(input, filters, input_shape=None, filter_shape=None, border_mode="valid", subsample=(1, 1, 1),
           filter_flip=True, filter_dilation=(1, 1, 1), num_groups=1):
    """Theano's conv3d: `input` (batch, channels, depth, rows, cols) convolved with `filters`
    (out_channels, channels / num_groups, depth, rows, cols). border_mode: 'valid', 'full',
    'half', an int or 3 ints of zero padding; subsample: strides; filter_flip=False gives
    cross-correlation; input_shape / filter_shape (5 entries, None where unknown) are checked."""
    op = Conv3d(border_mode, subsample, filter_flip, filter_dilation, input_shape, filter_shape, num_groups)
    return convolve(op, input, filters)
