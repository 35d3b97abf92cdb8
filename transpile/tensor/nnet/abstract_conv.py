"""The functions of Theano's `theano.tensor.nnet.abstract_conv` over the conv2d gradient ops: the gradient of a
convolution w.r.t. its input or its filters as a function of the output gradient, and the
transposed convolution ("deconvolution"), which is the gradient w.r.t. the input of a
convolution whose stride is the transposed one's input dilation.

They build `Conv2dGradInputs` / `Conv2dGradWeights` nodes, which lower natively and whose
gradients are convolutions again.
"""
import numpy as np

from transpile.graph.basic import Variable
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.math import cast
from transpile.tensor.nnet.conv import Conv2dGradInputs, Conv2dGradWeights
from transpile.tensor.nnet.conv3d_ops import Conv3dGradInputs, Conv3dGradWeights

__all__ = ["conv2d_grad_wrt_inputs", "conv2d_grad_wrt_weights", "conv2d_transpose", "conv3d_grad_wrt_inputs",
           "conv3d_grad_wrt_weights"]

_SPATIAL = {4: "rows, columns", 5: "depth, rows, columns"}


def _shape4(shape, what, who, n=4):
    """`shape` (n entries: ints, None or symbolic integer scalars) as (static hint, entries)."""
    if shape is None or isinstance(shape, (str, Variable)) or not hasattr(shape, "__len__") or len(shape) != n:
        raise ValueError(f"{who}: {what} must have {n} entries (batch/out channels, channels, {_SPATIAL[n]}), "
                         f"got {shape!r}")
    hint = []
    for entry in shape:
        if entry is None or isinstance(entry, Variable):
            hint.append(None)
        elif isinstance(entry, (int, np.integer)) and not isinstance(entry, bool) and entry >= 0:
            hint.append(int(entry))
        else:
            raise ValueError(f"{who}: {what} entries must be non-negative ints, None or integer scalars, "
                             f"got {entry!r} in {shape!r}")
    return tuple(hint), tuple(shape)


def _length(entry, what, who):
    """A spatial length as an int64 scalar (it must be known: a value or a symbolic scalar)."""
    if entry is None:
        raise ValueError(f"{who}: the {what} must be given (an int or an integer scalar), got None")
    v = as_tensor_variable(entry)
    if v.ndim != 0 or not v.dtype.startswith(("int", "uint")):
        raise TypeError(f"{who}: the {what} must be an integer scalar, got {v} ({v.type})")
    return cast(v, "int64")


def _grad_inputs(op_class, who, output_grad, filters, input_shape, filter_shape, params):
    n = op_class.nd + 2
    hint, entries = _shape4(input_shape, "input_shape", who, n)
    kshp = _shape4(filter_shape, "filter_shape", who, n)[0] if filter_shape is not None else None
    op = op_class(imshp=hint, kshp=kshp, **params)
    names = ("depth", "rows", "columns")[5 - n:]
    return op(filters, output_grad, *[_length(entries[2 + a], f"input {name} (input_shape[{2 + a}])", who)
                                      for a, name in enumerate(names)])


def _grad_weights(op_class, who, input, output_grad, filter_shape, input_shape, params):
    n = op_class.nd + 2
    hint, entries = _shape4(filter_shape, "filter_shape", who, n)
    imshp = _shape4(input_shape, "input_shape", who, n)[0] if input_shape is not None else None
    op = op_class(imshp=imshp, kshp=hint, **params)
    names = ("depth", "rows", "columns")[5 - n:]
    return op(input, output_grad, *[_length(entries[2 + a], f"filter {name} (filter_shape[{2 + a}])", who)
                                    for a, name in enumerate(names)])


def conv2d_grad_wrt_inputs(output_grad, filters, input_shape, filter_shape=None, border_mode="valid",
                           subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1), num_groups=1):
    """The gradient of `conv2d(input, filters, ...)` w.r.t. its input, given the gradient
    `output_grad` of its output. `input_shape` (4 entries; the rows and columns are required,
    since with strides several input sizes give one output size) is the input's shape."""
    params = dict(border_mode=border_mode, subsample=subsample, filter_flip=filter_flip,
                  filter_dilation=filter_dilation, num_groups=num_groups)
    return _grad_inputs(Conv2dGradInputs, "conv2d_grad_wrt_inputs", output_grad, filters, input_shape,
                        filter_shape, params)


def conv2d_grad_wrt_weights(input, output_grad, filter_shape, input_shape=None, border_mode="valid",
                            subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1), num_groups=1):
    """The gradient of `conv2d(input, filters, ...)` w.r.t. its filters, given the gradient
    `output_grad` of its output; `filter_shape` (4 entries; rows and columns required)."""
    params = dict(border_mode=border_mode, subsample=subsample, filter_flip=filter_flip,
                  filter_dilation=filter_dilation, num_groups=num_groups)
    return _grad_weights(Conv2dGradWeights, "conv2d_grad_wrt_weights", input, output_grad, filter_shape,
                         input_shape, params)


def conv3d_grad_wrt_inputs(output_grad, filters, input_shape, filter_shape=None, border_mode="valid",
                           subsample=(1, 1, 1), filter_flip=True, filter_dilation=(1, 1, 1), num_groups=1):
    """conv2d_grad_wrt_inputs for conv3d: `input_shape` has 5 entries (depth, rows, columns required)."""
    params = dict(border_mode=border_mode, subsample=subsample, filter_flip=filter_flip,
                  filter_dilation=filter_dilation, num_groups=num_groups)
    return _grad_inputs(Conv3dGradInputs, "conv3d_grad_wrt_inputs", output_grad, filters, input_shape,
                        filter_shape, params)


def conv3d_grad_wrt_weights(input, output_grad, filter_shape, input_shape=None, border_mode="valid",
                            subsample=(1, 1, 1), filter_flip=True, filter_dilation=(1, 1, 1), num_groups=1):
    """conv2d_grad_wrt_weights for conv3d: `filter_shape` has 5 entries (depth, rows, columns required)."""
    params = dict(border_mode=border_mode, subsample=subsample, filter_flip=filter_flip,
                  filter_dilation=filter_dilation, num_groups=num_groups)
    return _grad_weights(Conv3dGradWeights, "conv3d_grad_wrt_weights", input, output_grad, filter_shape,
                         input_shape, params)


def conv2d_transpose(input, filters, output_shape, filter_shape=None, border_mode="valid",
                     input_dilation=(1, 1), filter_flip=True, filter_dilation=(1, 1), num_groups=1):
    """Transposed convolution of `input` (batch, filters' out_channels, rows, columns) with
    `filters` (out_channels, channels, rows, columns), giving `output_shape` (4 entries; rows and
    columns required): the adjoint of conv2d with strides `input_dilation`."""
    return conv2d_grad_wrt_inputs(input, filters, output_shape, filter_shape, border_mode,
                                  subsample=input_dilation, filter_flip=filter_flip,
                                  filter_dilation=filter_dilation, num_groups=num_groups)
