"""What the convolution ops over N spatial dims (conv2d: 2, conv3d: 3) share: the checked
parameters (border mode, strides, dilations, channel groups, shape hints), the shape checks of
their `perform`s, and their output lengths, numeric and symbolic."""
import numpy as np

from transpile.graph.op import Op
from transpile.scalar import dtypes as D
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.nnet import conv_kernels as K
import transpile.tensor.math as TM


def int_tuple(value, nd, what, minimum, who):
    """`value` (an int, or `nd` ints) as a tuple of `nd` ints >= minimum."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (value,) * nd
    try:
        out = tuple(int(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{who}: {what} must be {nd} ints, got {value!r}") from None
    if len(out) != nd or out != tuple(value) or min(out) < minimum:
        raise ValueError(f"{who}: {what} must be {nd} ints >= {minimum}, got {value!r}")
    return out


def normalize_border_mode(border_mode, nd=2, who="conv2d"):
    """'valid' | 'full' | 'half' | int p | nd ints, checked; ints become a tuple."""
    if isinstance(border_mode, str):
        if border_mode not in ("valid", "full", "half"):
            raise ValueError(f"{who}: border_mode must be 'valid', 'full', 'half', an int or {nd} ints, "
                             f"got {border_mode!r}")
        return border_mode
    if isinstance(border_mode, (int, np.integer, tuple, list)) and not isinstance(border_mode, bool):
        try:
            pad = int_tuple(border_mode, nd, "border_mode padding", 0, who)
        except ValueError:
            pad = None
        if pad is not None:
            return pad if any(pad) else "valid"
    raise ValueError(f"{who}: border_mode must be 'valid', 'full', 'half', an int or {nd} "
                     f"non-negative ints, got {border_mode!r}")


def normalize_groups(num_groups, who):
    if not isinstance(num_groups, (int, np.integer)) or isinstance(num_groups, bool) or num_groups < 1:
        raise ValueError(f"{who}: num_groups must be a positive int, got {num_groups!r}")
    return int(num_groups)


def shape_hint(shape, nd, what, who):
    if shape is None:
        return None
    shape = tuple(None if s is None else int(s) for s in shape)
    if len(shape) != nd + 2:
        raise ValueError(f"{who}: {what} must have {nd + 2} entries, got {shape}")
    return shape


def check_channels(img_shape, kern_shape, groups, where):
    """ValueError unless the input's channels are the filters' times num_groups and the output
    channels divide into the groups."""
    if groups == 1:
        if img_shape[1] != kern_shape[1]:
            raise ValueError(f"{where}: the input has {img_shape[1]} channels (shape {tuple(img_shape)}) "
                             f"but the filters expect {kern_shape[1]} (shape {tuple(kern_shape)})")
        return
    if img_shape[1] != kern_shape[1] * groups:
        raise ValueError(f"{where}: the input has {img_shape[1]} channels (shape {tuple(img_shape)}) but the "
                         f"filters (shape {tuple(kern_shape)}) expect {kern_shape[1]} per group x num_groups "
                         f"{groups} = {kern_shape[1] * groups}")
    if kern_shape[0] % groups:
        raise ValueError(f"{where}: the filters' {kern_shape[0]} output channels (shape {tuple(kern_shape)}) "
                         f"do not divide into num_groups={groups}")


def check_tensor(v, nd, what, who):
    v = as_tensor_variable(v)
    if v.ndim != nd + 2:
        raise TypeError(f"{who}: {what} must be a {nd + 2}-d tensor, got {v} ({v.type}, {v.ndim}-d)")
    if D.is_complex(v.dtype):
        raise TypeError(f"{who}: complex {what} {v} ({v.type}) is not supported")
    return v


def check_len(v, what, who):
    v = as_tensor_variable(v)
    if v.ndim != 0 or not D.is_integer(v.dtype):
        raise TypeError(f"{who}: {what} must be an integer scalar, got {v} ({v.type})")
    return v


def conv_output_shape(image_shape, kernel_shape, border_mode="valid", subsample=None,
                      filter_dilation=None):
    """Output shape of a convolution for known (int) shapes; None entries stay None."""
    nd = len(image_shape) - 2
    subsample = (1,) * nd if subsample is None else tuple(subsample)
    filter_dilation = (1,) * nd if filter_dilation is None else tuple(filter_dilation)
    border_mode = normalize_border_mode(border_mode, nd, f"conv{nd}d")
    out = [image_shape[0], kernel_shape[0]]
    for i in range(nd):
        n, k = image_shape[2 + i], kernel_shape[2 + i]
        if n is None or k is None:
            out.append(None)
            continue
        pad = K.resolve_pad(border_mode, (k,) * nd, filter_dilation)[i]
        out.append(K.out_len(n, k, pad, subsample[i], filter_dilation[i]))
    return tuple(out)


class ConvBase(Op):
    """Parameters and checks of a convolution over `nd` spatial dims (a class attribute)."""
    nd = 2
    __props__ = ("border_mode", "subsample", "filter_flip", "filter_dilation", "imshp", "kshp", "num_groups")

    def __init__(self, border_mode="valid", subsample=None, filter_flip=True, filter_dilation=None,
                 imshp=None, kshp=None, num_groups=1):
        nd, who = self.nd, self.who
        self.border_mode = normalize_border_mode(border_mode, nd, who)
        self.subsample = int_tuple((1,) * nd if subsample is None else subsample, nd, "subsample", 1, who)
        self.filter_flip = bool(filter_flip)
        self.filter_dilation = int_tuple((1,) * nd if filter_dilation is None else filter_dilation, nd,
                                         "filter_dilation", 1, who)
        self.imshp = shape_hint(imshp, nd, "input_shape", who)
        self.kshp = shape_hint(kshp, nd, "filter_shape", who)
        self.num_groups = normalize_groups(num_groups, who)

    @property
    def who(self):
        return f"conv{self.nd}d"

    @property
    def params(self):
        return dict(border_mode=self.border_mode, subsample=self.subsample, filter_flip=self.filter_flip,
                    filter_dilation=self.filter_dilation, num_groups=self.num_groups)

    def pad_for(self, kshape):
        return K.resolve_pad(self.border_mode, kshape, self.filter_dilation)

    def corr_kernel(self, k):
        return k[(slice(None), slice(None)) + (slice(None, None, -1),) * self.nd] if self.filter_flip else k

    def check(self, img_shape, kern_shape, where):
        """Raise ValueError for shapes that cannot be convolved; return the output's spatial shape."""
        for hint, shape, what in ((self.imshp, img_shape, "input"), (self.kshp, kern_shape, "filter")):
            if hint is not None and any(h is not None and h != s for h, s in zip(hint, shape)):
                raise ValueError(f"{where}: the {what} has shape {tuple(shape)}, but {what}_shape "
                                 f"{hint} was given")
        check_channels(img_shape, kern_shape, self.num_groups, where)
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
            span = n + 2 * TM.floor_div(ext, 2) - ext
        else:
            span = n + 2 * self.border_mode[axis] - ext
        return span + 1 if s == 1 else TM.floor_div(span, s) + 1

    def __str__(self):
        parts = [f"border_mode={self.border_mode!r}", f"subsample={self.subsample}",
                 f"filter_flip={self.filter_flip}"]
        if self.filter_dilation != (1,) * self.nd:
            parts.append(f"filter_dilation={self.filter_dilation}")
        if self.num_groups != 1:
            parts.append(f"num_groups={self.num_groups}")
        return f"{type(self).__name__}{{{', '.join(parts)}}}"
