"""2-d convolution (Theano's `conv2d`) on NCHW input with (out_channels, in_channels, kh, kw)
filters, and its two gradient ops.

- `Conv2d(img, kern)`: the forward convolution.
- `Conv2dGradInputs(kern, topgrad, h, w)`: gradient w.r.t. the input, of spatial size (h, w)
  (given explicitly: with strides several input sizes give the same output size).
- `Conv2dGradWeights(img, topgrad, kh, kw)`: gradient w.r.t. the filters.

The three are adjoint to one another, so each one's gradient is made of the other two.
`filter_flip=True` (the default) is true convolution: the kernels are flipped, as in Theano.
"""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.scalar import dtypes as D
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.nnet import conv_kernels as K
from transpile.tensor.type import TensorType

__all__ = ["Conv2d", "Conv2dGradInputs", "Conv2dGradWeights", "conv2d", "conv_output_shape"]


def _pair(value, what, minimum):
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (value, value)
    try:
        a, b = value
        pair = (int(a), int(b))
    except (TypeError, ValueError):
        raise ValueError(f"conv2d: {what} must be a pair of ints, got {value!r}") from None
    if pair != tuple(value) or min(pair) < minimum:
        raise ValueError(f"conv2d: {what} must be a pair of ints >= {minimum}, got {value!r}")
    return pair


def normalize_border_mode(border_mode):
    """'valid' | 'full' | 'half' | int p | (p, q), checked; ints become an (p, q) tuple."""
    if isinstance(border_mode, str):
        if border_mode not in ("valid", "full", "half"):
            raise ValueError(f"conv2d: border_mode must be 'valid', 'full', 'half', an int or a pair "
                             f"of ints, got {border_mode!r}")
        return border_mode
    if isinstance(border_mode, (int, np.integer, tuple, list)) and not isinstance(border_mode, bool):
        try:
            pad = _pair(border_mode, "border_mode padding", 0)
        except ValueError:
            pad = None
        if pad is not None:
            return pad if pad != (0, 0) else "valid"
    raise ValueError(f"conv2d: border_mode must be 'valid', 'full', 'half', an int or a pair of "
                     f"non-negative ints, got {border_mode!r}")


def _shape_hint(shape, what):
    if shape is None:
        return None
    shape = tuple(None if s is None else int(s) for s in shape)
    if len(shape) != 4:
        raise ValueError(f"conv2d: {what} must have 4 entries, got {shape}")
    return shape


def conv_output_shape(image_shape, kernel_shape, border_mode="valid", subsample=(1, 1),
                      filter_dilation=(1, 1)):
    """Output shape of conv2d for known (int) shapes; None entries stay None."""
    border_mode = normalize_border_mode(border_mode)
    b, _, h, w = image_shape
    o, _, kh, kw = kernel_shape
    out = [b, o]
    for n, k, i in ((h, kh, 0), (w, kw, 1)):
        if n is None or k is None:
            out.append(None)
            continue
        pad = K.resolve_pad(border_mode, (k, k), filter_dilation)[i]
        out.append(K.out_len(n, k, pad, subsample[i], filter_dilation[i]))
    return tuple(out)


class _ConvBase(Op):
    __props__ = ("border_mode", "subsample", "filter_flip", "filter_dilation", "imshp", "kshp")

    def __init__(self, border_mode="valid", subsample=(1, 1), filter_flip=True,
                 filter_dilation=(1, 1), imshp=None, kshp=None):
        self.border_mode = normalize_border_mode(border_mode)
        self.subsample = _pair(subsample, "subsample", 1)
        self.filter_flip = bool(filter_flip)
        self.filter_dilation = _pair(filter_dilation, "filter_dilation", 1)
        self.imshp = _shape_hint(imshp, "input_shape")
        self.kshp = _shape_hint(kshp, "filter_shape")

    @property
    def params(self):
        return dict(border_mode=self.border_mode, subsample=self.subsample,
                    filter_flip=self.filter_flip, filter_dilation=self.filter_dilation)

    def pad_for(self, kshape):
        return K.resolve_pad(self.border_mode, kshape, self.filter_dilation)

    def corr_kernel(self, k):
        return k[:, :, ::-1, ::-1] if self.filter_flip else k

    def check(self, img_shape, kern_shape, where):
        """Raise ValueError for shapes that cannot be convolved; return the output (oh, ow)."""
        for hint, shape, what in ((self.imshp, img_shape, "input"), (self.kshp, kern_shape, "filter")):
            if hint is not None and any(h is not None and h != s for h, s in zip(hint, shape)):
                raise ValueError(f"{where}: the {what} has shape {tuple(shape)}, but {what}_shape "
                                 f"{hint} was given")
        if img_shape[1] != kern_shape[1]:
            raise ValueError(f"{where}: the input has {img_shape[1]} channels (shape {tuple(img_shape)}) "
                             f"but the filters expect {kern_shape[1]} (shape {tuple(kern_shape)})")
        pad = self.pad_for(kern_shape[2:])
        out = [K.out_len(n, k, p, s, d) for n, k, p, s, d in
               zip(img_shape[2:], kern_shape[2:], pad, self.subsample, self.filter_dilation)]
        if min(out) < 1:
            ext = tuple(K.dilated(k, d) for k, d in zip(kern_shape[2:], self.filter_dilation))
            raise ValueError(
                f"{where}: the filter (shape {tuple(kern_shape)}, extent {ext}) is larger than the "
                f"input (shape {tuple(img_shape)}) padded by {pad} in border_mode={self.border_mode!r}")
        return tuple(out)

    def out_len_symbolic(self, n, k, axis):
        """Output length from symbolic lengths (int64 scalars) along one spatial axis."""
        s, d = self.subsample[axis], self.filter_dilation[axis]
        ext = k if d == 1 else (k - 1) * d + 1
        if self.border_mode == "valid":
            span = n - ext
        elif self.border_mode == "full":
            span = n + ext - 2
        elif self.border_mode == "half":
            import transpile.tensor as T
            span = n + 2 * T.floor_div(ext, 2) - ext
        else:
            span = n + 2 * self.border_mode[axis] - ext
        if s == 1:
            return span + 1
        import transpile.tensor as T
        return T.floor_div(span, s) + 1

    def __str__(self):
        parts = [f"border_mode={self.border_mode!r}", f"subsample={self.subsample}",
                 f"filter_flip={self.filter_flip}"]
        if self.filter_dilation != (1, 1):
            parts.append(f"filter_dilation={self.filter_dilation}")
        return f"{type(self).__name__}{{{', '.join(parts)}}}"


def _check_4d(v, what, who):
    v = as_tensor_variable(v)
    if v.ndim != 4:
        raise TypeError(f"{who}: {what} must be a 4-d tensor, got {v} ({v.type}, {v.ndim}-d)")
    if D.is_complex(v.dtype):
        raise TypeError(f"{who}: complex {what} {v} ({v.type}) is not supported")
    return v


def _check_len(v, what, who):
    v = as_tensor_variable(v)
    if v.ndim != 0 or not D.is_integer(v.dtype):
        raise TypeError(f"{who}: {what} must be an integer scalar, got {v} ({v.type})")
    return v


def _int_zero(v):
    import transpile.tensor as T
    return T.zeros_like(v, dtype=D.config.floatX)


class Conv2d(_ConvBase):
    def make_node(self, img, kern):
        img = _check_4d(img, "input (batch, channels, rows, columns)", "conv2d")
        kern = _check_4d(kern, "filters (out_channels, in_channels, rows, columns)", "conv2d")
        out_b = (img.broadcastable[0], kern.broadcastable[0], False, False)
        return Apply(self, [img, kern], [TensorType(D.upcast(img.dtype, kern.dtype), out_b)()])

    def perform(self, node, inputs, output_storage):
        img, kern = inputs
        self.check(img.shape, kern.shape, "conv2d")
        output_storage[0][0] = K.corr2d(img, self.corr_kernel(kern), self.pad_for(kern.shape[2:]),
                                        self.subsample, self.filter_dilation, node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        si, sk = input_shapes
        return [(si[0], sk[0], self.out_len_symbolic(si[2], sk[2], 0),
                 self.out_len_symbolic(si[3], sk[3], 1))]

    def grad(self, inputs, output_grads):
        from transpile.tensor.blas import grad_like
        from transpile.tensor.shape import shape_i
        img, kern = inputs
        (gz,) = output_grads
        gi = Conv2dGradInputs(**self.params)(kern, gz, shape_i(img, 2), shape_i(img, 3))
        gk = Conv2dGradWeights(**self.params)(img, gz, shape_i(kern, 2), shape_i(kern, 3))
        return [grad_like(gi, img), grad_like(gk, kern)]


class Conv2dGradInputs(_ConvBase):
    """Gradient of conv2d w.r.t. its input: (kern, topgrad, h, w) -> (B, C, h, w)."""

    def make_node(self, kern, topgrad, h, w):
        who = "Conv2dGradInputs"
        kern, topgrad = _check_4d(kern, "filters", who), _check_4d(topgrad, "topgrad", who)
        h, w = _check_len(h, "input rows", who), _check_len(w, "input columns", who)
        out_b = (topgrad.broadcastable[0], kern.broadcastable[1], False, False)
        return Apply(self, [kern, topgrad, h, w], [TensorType(D.upcast(kern.dtype, topgrad.dtype), out_b)()])

    def perform(self, node, inputs, output_storage):
        kern, topgrad, h, w = inputs
        img_shape = (topgrad.shape[0], kern.shape[1], int(h), int(w))
        expected = self.check(img_shape, kern.shape, "conv2d gradient w.r.t. the input")
        if topgrad.shape[1] != kern.shape[0] or topgrad.shape[2:] != expected:
            raise ValueError(f"conv2d gradient w.r.t. the input: topgrad has shape {topgrad.shape}, "
                             f"expected {(img_shape[0], kern.shape[0]) + expected} for filters "
                             f"{kern.shape} and input size {(int(h), int(w))}")
        kc = self.corr_kernel(kern)
        output_storage[0][0] = K.corr2d_grad_input(kc, topgrad, (int(h), int(w)), self.pad_for(kern.shape[2:]),
                                                   self.subsample, self.filter_dilation, node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        sk, sg, _, _ = input_shapes
        return [(sg[0], sk[1], node.inputs[2], node.inputs[3])]

    def grad(self, inputs, output_grads):
        from transpile.tensor.blas import grad_like
        from transpile.tensor.shape import shape_i
        kern, topgrad, h, w = inputs
        (g,) = output_grads
        gk = Conv2dGradWeights(**self.params)(g, topgrad, shape_i(kern, 2), shape_i(kern, 3))
        gt = Conv2d(**self.params)(g, kern)
        return [grad_like(gk, kern), grad_like(gt, topgrad), _int_zero(h), _int_zero(w)]


class Conv2dGradWeights(_ConvBase):
    """Gradient of conv2d w.r.t. its filters: (img, topgrad, kh, kw) -> (O, C, kh, kw)."""

    def make_node(self, img, topgrad, kh, kw):
        who = "Conv2dGradWeights"
        img, topgrad = _check_4d(img, "input", who), _check_4d(topgrad, "topgrad", who)
        kh, kw = _check_len(kh, "filter rows", who), _check_len(kw, "filter columns", who)
        out_b = (topgrad.broadcastable[1], img.broadcastable[1], False, False)
        return Apply(self, [img, topgrad, kh, kw], [TensorType(D.upcast(img.dtype, topgrad.dtype), out_b)()])

    def perform(self, node, inputs, output_storage):
        img, topgrad, kh, kw = inputs
        kshape = (topgrad.shape[1], img.shape[1], int(kh), int(kw))
        expected = self.check(img.shape, kshape, "conv2d gradient w.r.t. the filters")
        if topgrad.shape[0] != img.shape[0] or topgrad.shape[2:] != expected:
            raise ValueError(f"conv2d gradient w.r.t. the filters: topgrad has shape {topgrad.shape}, "
                             f"expected {(img.shape[0], kshape[0]) + expected} for input {img.shape} "
                             f"and filter size {kshape[2:]}")
        gk = K.corr2d_grad_filters(img, topgrad, kshape[2:], self.pad_for(kshape[2:]), self.subsample,
                                   self.filter_dilation, node.outputs[0].dtype)
        output_storage[0][0] = np.ascontiguousarray(self.corr_kernel(gk))

    def infer_shape(self, node, input_shapes):
        si, sg, _, _ = input_shapes
        return [(sg[1], si[1], node.inputs[2], node.inputs[3])]

    def grad(self, inputs, output_grads):
        from transpile.tensor.blas import grad_like
        from transpile.tensor.shape import shape_i
        img, topgrad, kh, kw = inputs
        (g,) = output_grads
        gi = Conv2dGradInputs(**self.params)(g, topgrad, shape_i(img, 2), shape_i(img, 3))
        gt = Conv2d(**self.params)(img, g)
        return [grad_like(gi, img), grad_like(gt, topgrad), _int_zero(kh), _int_zero(kw)]


def conv2d(input, filters, input_shape=None, filter_shape=None, border_mode="valid",
           subsample=(1, 1), filter_flip=True, image_shape=None, filter_dilation=(1, 1)):
    """Theano's conv2d: `input` (batch, channels, rows, cols) convolved with `filters`
    (out_channels, channels, rows, cols).

    border_mode: 'valid' (no padding), 'full' (pad by the filter extent - 1), 'half' (pad by
    half the filter extent: same size for odd filters and unit strides), an int p or a pair
    (p, q) of zero paddings. subsample: strides. filter_flip=False gives cross-correlation.
    input_shape / filter_shape (4 entries, None where unknown) are checked when given.
    """
    if image_shape is not None:
        if input_shape is not None:
            raise TypeError("conv2d: give input_shape or image_shape (its old name), not both")
        input_shape = image_shape
    op = Conv2d(border_mode, subsample, filter_flip, filter_dilation, input_shape, filter_shape)
    img = _check_4d(input, "input (batch, channels, rows, columns)", "conv2d")
    kern = _check_4d(filters, "filters (out_channels, in_channels, rows, columns)", "conv2d")
    if op.imshp is not None and op.kshp is not None:
        ishp, kshp = op.imshp, op.kshp
        if ishp[1] is not None and kshp[1] is not None and ishp[1] != kshp[1]:
            raise ValueError(f"conv2d: input_shape {ishp} has {ishp[1]} channels but filter_shape "
                             f"{kshp} expects {kshp[1]}")
        out = conv_output_shape(ishp, kshp, op.border_mode, op.subsample, op.filter_dilation)
        if any(n is not None and n < 1 for n in out[2:]):
            raise ValueError(f"conv2d: the filter (shape {kshp}) is larger than the input (shape {ishp}) "
                             f"in border_mode={op.border_mode!r}")
    return op(img, kern)
