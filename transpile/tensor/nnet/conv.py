"""Convolution on (batch, channels, *spatial) input with (out_channels, in_channels / num_groups,
*kernel) filters, and its two gradient ops, over `nd` spatial dims: Theano's `conv2d` here
(`Conv2d`, ...), `conv3d` in `conv3d_ops.py` (the same classes with nd = 3).

- `ConvForward(img, kern)`: the forward convolution.
- `ConvGradInputs(kern, topgrad, *lengths)`: gradient w.r.t. the input, of spatial size
  `lengths` (given explicitly: with strides several input sizes give the same output size).
- `ConvGradWeights(img, topgrad, *lengths)`: gradient w.r.t. the filters of spatial size `lengths`.

The three are adjoint to one another, so each one's gradient is made of the other two (the
`family` of a class names its siblings). `filter_flip=True` (the default) is true convolution:
the kernels are flipped, as in Theano. With num_groups = G, the channels split into G blocks and
output block g sees only input block g.
"""
import numpy as np

import transpile.tensor.math as TM
from transpile.graph.basic import Apply
from transpile.scalar import dtypes as D
from transpile.tensor.blas import grad_like
from transpile.tensor.nnet import conv_kernels as K
from transpile.tensor.nnet.conv_base import (
    ConvBase,
    check_len,
    check_tensor,
    conv_output_shape,
    normalize_border_mode,
)
from transpile.tensor.shape import shape_i
from transpile.tensor.type import TensorType

__all__ = ["Conv2d", "Conv2dGradInputs", "Conv2dGradWeights", "conv2d", "conv_output_shape",
           "normalize_border_mode"]

_AXES = ("rows", "columns")


def _axis_names(nd):
    return ("depth",) * (nd - 2) + _AXES


def _float_zero(v):
    return TM.zeros_like(v, dtype=D.config.floatX)


class ConvForward(ConvBase):
    def make_node(self, img, kern):
        nd, who = self.nd, self.who
        img = check_tensor(img, nd, "input (batch, channels, *spatial)", who)
        kern = check_tensor(kern, nd, "filters (out_channels, in_channels, *spatial)", who)
        out_b = (img.broadcastable[0], kern.broadcastable[0]) + (False,) * nd
        return Apply(self, [img, kern], [TensorType(D.upcast(img.dtype, kern.dtype), out_b)()])

    def perform(self, node, inputs, output_storage):
        img, kern = inputs
        self.check(img.shape, kern.shape, self.who)
        output_storage[0][0] = K.corr(img, self.corr_kernel(kern), self.pad_for(kern.shape[2:]), self.subsample,
                                      self.filter_dilation, self.num_groups, node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        si, sk = input_shapes
        return [(si[0], sk[0]) + tuple(self.out_len_symbolic(si[2 + a], sk[2 + a], a) for a in range(self.nd))]

    def grad(self, inputs, output_grads):
        img, kern = inputs
        (gz,) = output_grads
        _, grad_inputs, grad_weights = self.family
        spatial = range(2, 2 + self.nd)
        gi = grad_inputs(**self.params)(kern, gz, *[shape_i(img, a) for a in spatial])
        gk = grad_weights(**self.params)(img, gz, *[shape_i(kern, a) for a in spatial])
        return [grad_like(gi, img), grad_like(gk, kern)]


class ConvGradInputs(ConvBase):
    """Gradient of a convolution w.r.t. its input: (kern, topgrad, *lengths) -> (B, C, *lengths)."""

    def make_node(self, kern, topgrad, *lengths):
        nd, who = self.nd, f"{type(self).__name__}"
        kern, topgrad = check_tensor(kern, nd, "filters", who), check_tensor(topgrad, nd, "topgrad", who)
        if len(lengths) != nd:
            raise TypeError(f"{who}: expected {nd} input lengths, got {len(lengths)}")
        lengths = [check_len(n, f"input {a}", who) for n, a in zip(lengths, _axis_names(nd))]
        out_b = (topgrad.broadcastable[0], kern.broadcastable[1] and self.num_groups == 1) + (False,) * nd
        return Apply(self, [kern, topgrad] + lengths, [TensorType(D.upcast(kern.dtype, topgrad.dtype), out_b)()])

    def perform(self, node, inputs, output_storage):
        kern, topgrad, *lengths = inputs
        where = f"{self.who} gradient w.r.t. the input"
        lengths = tuple(int(n) for n in lengths)
        img_shape = (topgrad.shape[0], kern.shape[1] * self.num_groups) + lengths
        expected = self.check(img_shape, kern.shape, where)
        if topgrad.shape[1] != kern.shape[0] or topgrad.shape[2:] != expected:
            raise ValueError(f"{where}: topgrad has shape {topgrad.shape}, expected "
                             f"{(img_shape[0], kern.shape[0]) + expected} for filters {kern.shape} and input "
                             f"size {lengths}")
        output_storage[0][0] = K.corr_grad_input(self.corr_kernel(kern), topgrad, lengths, self.pad_for(kern.shape[2:]),
                                                 self.subsample, self.filter_dilation, self.num_groups,
                                                 node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        sk, sg = input_shapes[:2]
        return [(sg[0], sk[1] * self.num_groups) + tuple(node.inputs[2:])]

    def grad(self, inputs, output_grads):
        kern, topgrad, *lengths = inputs
        (g,) = output_grads
        forward, _, grad_weights = self.family
        gk = grad_weights(**self.params)(g, topgrad, *[shape_i(kern, a) for a in range(2, 2 + self.nd)])
        gt = forward(**self.params)(g, kern)
        return [grad_like(gk, kern), grad_like(gt, topgrad)] + [_float_zero(n) for n in lengths]


class ConvGradWeights(ConvBase):
    """Gradient of a convolution w.r.t. its filters: (img, topgrad, *lengths) -> (O, C/G, *lengths)."""

    def make_node(self, img, topgrad, *lengths):
        nd, who = self.nd, f"{type(self).__name__}"
        img, topgrad = check_tensor(img, nd, "input", who), check_tensor(topgrad, nd, "topgrad", who)
        if len(lengths) != nd:
            raise TypeError(f"{who}: expected {nd} filter lengths, got {len(lengths)}")
        lengths = [check_len(n, f"filter {a}", who) for n, a in zip(lengths, _axis_names(nd))]
        out_b = (topgrad.broadcastable[1], img.broadcastable[1] and self.num_groups == 1) + (False,) * nd
        return Apply(self, [img, topgrad] + lengths, [TensorType(D.upcast(img.dtype, topgrad.dtype), out_b)()])

    def perform(self, node, inputs, output_storage):
        img, topgrad, *lengths = inputs
        where = f"{self.who} gradient w.r.t. the filters"
        groups = self.num_groups
        if img.shape[1] % groups:
            raise ValueError(f"{where}: the input has {img.shape[1]} channels (shape {img.shape}), which do not "
                             f"divide into num_groups={groups}")
        kshape = (topgrad.shape[1], img.shape[1] // groups) + tuple(int(n) for n in lengths)
        expected = self.check(img.shape, kshape, where)
        if topgrad.shape[0] != img.shape[0] or topgrad.shape[2:] != expected:
            raise ValueError(f"{where}: topgrad has shape {topgrad.shape}, expected "
                             f"{(img.shape[0], kshape[0]) + expected} for input {img.shape} and filter size "
                             f"{kshape[2:]}")
        gk = K.corr_grad_filters(img, topgrad, kshape[2:], self.pad_for(kshape[2:]), self.subsample,
                                 self.filter_dilation, groups, node.outputs[0].dtype)
        output_storage[0][0] = np.ascontiguousarray(self.corr_kernel(gk))

    def infer_shape(self, node, input_shapes):
        si, sg = input_shapes[:2]
        channels = si[1] if self.num_groups == 1 else si[1] // self.num_groups
        return [(sg[1], channels) + tuple(node.inputs[2:])]

    def grad(self, inputs, output_grads):
        img, topgrad, *lengths = inputs
        (g,) = output_grads
        forward, grad_inputs, _ = self.family
        gi = grad_inputs(**self.params)(g, topgrad, *[shape_i(img, a) for a in range(2, 2 + self.nd)])
        gt = forward(**self.params)(img, g)
        return [grad_like(gi, img), grad_like(gt, topgrad)] + [_float_zero(n) for n in lengths]


class Conv2d(ConvForward):
    nd = 2


class Conv2dGradInputs(ConvGradInputs):
    nd = 2


class Conv2dGradWeights(ConvGradWeights):
    nd = 2


for _cls in (Conv2d, Conv2dGradInputs, Conv2dGradWeights):
    _cls.family = (Conv2d, Conv2dGradInputs, Conv2dGradWeights)


def check_hints(op):
    """ValueError when the given input_shape / filter_shape cannot be convolved."""
    if op.imshp is None or op.kshp is None:
        return
    ishp, kshp, groups = op.imshp, op.kshp, op.num_groups
    if ishp[1] is not None and kshp[1] is not None and ishp[1] != kshp[1] * groups:
        raise ValueError(f"{op.who}: input_shape {ishp} has {ishp[1]} channels but filter_shape {kshp} expects "
                         f"{kshp[1] * groups}" + (f" ({kshp[1]} per group x num_groups {groups})" if groups > 1 else ""))
    out = conv_output_shape(ishp, kshp, op.border_mode, op.subsample, op.filter_dilation)
    if any(n is not None and n < 1 for n in out[2:]):
        raise ValueError(f"{op.who}: the filter (shape {kshp}) is larger than the input (shape {ishp}) "
                         f"in border_mode={op.border_mode!r}")


def convolve(op, input, filters):
    """Apply forward convolution `op` after checking the arguments and the shape hints."""
    img = check_tensor(input, op.nd, "input (batch, channels, *spatial)", op.who)
    kern = check_tensor(filters, op.nd, "filters (out_channels, in_channels, *spatial)", op.who)
    check_hints(op)
    return op(img, kern)


def conv2d(input, filters, input_shape=None, filter_shape=None, border_mode="valid",
           subsample=(1, 1), filter_flip=True, image_shape=None, filter_dilation=(1, 1), num_groups=1):
    """Theano's conv2d: `input` (batch, channels, rows, cols) convolved with `filters`
    (out_channels, channels / num_groups, rows, cols).

    border_mode: 'valid' (no padding), 'full' (pad by the filter extent - 1), 'half' (pad by
    half the filter extent: same size for odd filters and unit strides), an int p or a pair
    (p, q) of zero paddings. subsample: strides. filter_flip=False gives cross-correlation.
    input_shape / filter_shape (4 entries, None where unknown) are checked when given.
    num_groups: grouped convolution (channels and filters split into that many blocks).
    """
    if image_shape is not None:
        if input_shape is not None:
            raise TypeError("conv2d: give input_shape or image_shape (its old name), not both")
        input_shape = image_shape
    op = Conv2d(border_mode, subsample, filter_flip, filter_dilation, input_shape, filter_shape, num_groups)
    return convolve(op, input, filters)
