"""Theano's `theano.tensor.nnet.neighbours`: `images2neibs` cuts every (batch, channel) image of
a 4-d tensor into patches (neighbourhoods), one patch per row of a matrix; `neibs2images` puts
non-overlapping patches back.

Rows are ordered (batch, channel, patch row, patch column), each row the patch read row-major.
Patch (a, b) reads image rows a*step_r + i - shift_r (i < patch rows) and columns likewise, with
per mode (n the image rows, c the patch rows; columns alike):

- 'valid': shift 0, (n - c) % step == 0 required; 1 + (n - c) // step patches.
- 'ignore_borders': shift 0, patches that do not fit are dropped.
- 'wrap_centered': odd patches centred on each step-th pixel (shift c // 2), reading wrapped
  around the image (n >= c required); ceil(n / step) patches.
- 'half': shift c // 2, zeros outside; 1 + (n - c % 2) // step patches, which must tile exactly.
- 'full': shift c - 1, zeros outside; 1 + (n + c - 2) // step patches, which must tile exactly.

`Images2Neibs` is a gather; its gradient `Images2NeibsGrad` is the adjoint scatter-add (every
mode), whose own gradient is the gather again.
"""
import numpy as np

from transpile.graph.basic import Apply, Variable
from transpile.graph.op import Op
import transpile.tensor.basic as TB
import transpile.tensor.math as TM
from transpile.scalar import dtypes as D
from transpile.tensor.alloc import zeros
from transpile.tensor.join import stack
from transpile.tensor.shape_ops import reshape
from transpile.tensor.subtensor import set_subtensor
from transpile.tensor.type import TensorType

__all__ = ["Images2Neibs", "Images2NeibsGrad", "images2neibs", "neibs2images"]

MODES = ("valid", "ignore_borders", "wrap_centered", "half", "full")


def _pair(value, what):
    try:
        a, b = value
        pair = (int(a), int(b))
    except (TypeError, ValueError):
        raise TypeError(f"images2neibs: {what} must be a pair of ints, got {value!r}") from None
    if pair != tuple(value) or min(pair) < 1 or any(isinstance(v, bool) for v in value):
        raise ValueError(f"images2neibs: {what} must be a pair of ints >= 1, got {value!r}")
    return pair


def grid_len(mode, n, c, step, where="images2neibs"):
    """Number of patches along an axis of length n for patches of c and step `step`."""
    if mode == "wrap_centered":
        if n < c:
            raise ValueError(f"{where}: in mode 'wrap_centered' the image ({n}) must not be smaller than the "
                             f"patch ({c})")
        return -(-n // step)
    if mode == "ignore_borders":
        return max(0, (n - c) // step + 1)
    span = {"valid": n - c, "half": n - c % 2, "full": n + c - 2}[mode]
    if n < c or span % step:
        raise ValueError(f"{where}: in mode {mode!r} the patches (length {c}, step {step}) must tile the image "
                         f"(length {n}) exactly")
    return span // step + 1


def source_index(mode, n, c, step, grid):
    """(grid, c) array of the image positions read by each patch tap along an axis; -1 where
    the tap is outside the image (a zero)."""
    shift = {"wrap_centered": c // 2, "half": c // 2, "full": c - 1}.get(mode, 0)
    pos = np.arange(grid)[:, None] * step + np.arange(c)[None, :] - shift
    if mode == "wrap_centered":
        pos = np.where(pos < 0, pos + n, np.where(pos >= n, pos - n, pos))
    return np.where((pos >= 0) & (pos < n), pos, -1)


class _NeibsBase(Op):
    __props__ = ("neib_shape", "neib_step", "mode")

    def __init__(self, neib_shape, neib_step=None, mode="valid"):
        if mode not in MODES:
            raise ValueError(f"images2neibs: mode must be one of {', '.join(MODES)}, got {mode!r}")
        self.neib_shape = _pair(neib_shape, "neib_shape")
        self.neib_step = self.neib_shape if neib_step is None else _pair(neib_step, "neib_step")
        self.mode = mode
        if mode == "wrap_centered" and not all(c % 2 for c in self.neib_shape):
            raise ValueError(f"images2neibs: mode 'wrap_centered' needs odd patch shapes, got {self.neib_shape}")

    def geometry(self, shape, where):
        """(rows index (gr, c), columns index (gc, d)) of an image shape (B, C, H, W)."""
        idx = []
        for axis in (0, 1):
            n, c, s = shape[2 + axis], self.neib_shape[axis], self.neib_step[axis]
            idx.append(source_index(self.mode, n, c, s, grid_len(self.mode, n, c, s, where)))
        return idx

    def __str__(self):
        return f"{type(self).__name__}{{{self.neib_shape}, {self.neib_step}, {self.mode!r}}}"


def _image(x, who):
    x = TB.as_tensor_variable(x)
    if x.ndim != 4:
        raise TypeError(f"{who}: the images must be a 4-d tensor (batch, channels, rows, columns), got {x} "
                        f"({x.type}, {x.ndim}-d)")
    return x


class Images2Neibs(_NeibsBase):
    def make_node(self, x):
        x = _image(x, "images2neibs")
        return Apply(self, [x], [TensorType(x.dtype, (False, False))()])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        rows, cols = self.geometry(x.shape, "images2neibs")
        pad = np.zeros(x.shape[:2] + (x.shape[2] + 1, x.shape[3] + 1), dtype=x.dtype)
        pad[:, :, :-1, :-1] = x  # index -1 reads the zero row / column
        patches = pad[:, :, rows[:, None, :, None], cols[None, :, None, :]]  # (B, C, gr, gc, c, d)
        output_storage[0][0] = np.ascontiguousarray(patches.reshape(-1, rows.shape[1] * cols.shape[1]))

    def infer_shape(self, node, input_shapes):
        (s,) = input_shapes
        grid = []
        for axis in (0, 1):
            n, c, st = s[2 + axis], self.neib_shape[axis], self.neib_step[axis]
            if self.mode == "wrap_centered":
                grid.append(TM.int_div(n + st - 1, st))
            elif self.mode == "ignore_borders":
                grid.append(TM.maximum(TM.int_div(n - c, st) + 1, 0))
            else:
                span = {"valid": n - c, "half": n - c % 2, "full": n + c - 2}[self.mode]
                grid.append(TM.int_div(span, st) + 1)
        return [(s[0] * s[1] * grid[0] * grid[1], self.neib_shape[0] * self.neib_shape[1])]

    def grad(self, inputs, output_grads):
        (x,) = inputs
        (gz,) = output_grads
        gx = Images2NeibsGrad(**self._props_dict())(gz, x)
        return [gx if gx.dtype == x.dtype else TM.cast(gx, x.dtype)]


class Images2NeibsGrad(_NeibsBase):
    """Gradient of images2neibs: (gz (rows, c*d), x) -> every patch tap of gz added into an
    array of x's shape; x gives only the shape."""

    def make_node(self, gz, x):
        x = _image(x, str(self))
        gz = TB.as_tensor_variable(gz)
        if gz.ndim != 2:
            raise TypeError(f"{self}: the patches gradient must be a matrix, got {gz} ({gz.type})")
        return Apply(self, [gz, x], [TensorType(D.upcast(gz.dtype, x.dtype), (False,) * 4)()])

    def perform(self, node, inputs, output_storage):
        gz, x = inputs
        rows, cols = self.geometry(x.shape, str(self))
        expected = (x.shape[0] * x.shape[1] * rows.shape[0] * cols.shape[0], rows.shape[1] * cols.shape[1])
        if gz.shape != expected:
            raise ValueError(f"{self}: the patches gradient has shape {gz.shape}, expected {expected} for images of "
                             f"shape {x.shape}")
        dtype = node.outputs[0].dtype
        pad = np.zeros(x.shape[:2] + (x.shape[2] + 1, x.shape[3] + 1), dtype=dtype)
        g = gz.reshape(x.shape[:2] + (rows.shape[0], cols.shape[0], rows.shape[1], cols.shape[1]))
        # positions repeat (overlapping or wrapped patches), hence add.at; -1 adds into the margin
        np.add.at(pad, (slice(None), slice(None), rows[:, None, :, None], cols[None, :, None, :]), g)
        output_storage[0][0] = np.ascontiguousarray(pad[:, :, :-1, :-1])

    def infer_shape(self, node, input_shapes):
        return [input_shapes[1]]

    def grad(self, inputs, output_grads):
        gz, x = inputs
        (g,) = output_grads
        return [Images2Neibs(**self._props_dict())(g), TM.zeros_like(x)]


def images2neibs(ten4, neib_shape, neib_step=None, mode="valid"):
    """The patches of shape neib_shape (rows, columns), stepped by neib_step (default:
    neib_shape), of every image of `ten4` (batch, channels, rows, columns), one per row of the
    result; see the module docstring for the modes."""
    return Images2Neibs(neib_shape, neib_step, mode)(ten4)


def neibs2images(neibs, neib_shape, original_shape, mode="valid"):
    """The inverse of images2neibs(..., neib_shape, mode=mode) with the default step
    (non-overlapping patches): the images of shape `original_shape` (4 entries, ints or integer
    scalars) from their patches. mode 'valid' or 'ignore_borders' (the dropped borders are zeros)."""
    if mode not in ("valid", "ignore_borders"):
        raise NotImplementedError(f"neibs2images: mode {mode!r} is not supported (only 'valid' and "
                                  f"'ignore_borders', like Theano)")
    r, c = _pair(neib_shape, "neib_shape")
    neibs = TB.as_tensor_variable(neibs)
    if neibs.ndim != 2:
        raise TypeError(f"neibs2images: the patches must be a matrix, got {neibs} ({neibs.type})")
    if isinstance(original_shape, Variable):
        if original_shape.ndim != 1 or not original_shape.dtype.startswith(("int", "uint")):
            raise TypeError(f"neibs2images: original_shape must be 4 integers, got {original_shape} "
                            f"({original_shape.type})")
        original_shape = [original_shape[i] for i in range(4)]
    if len(original_shape) != 4:
        raise ValueError(f"neibs2images: original_shape must have 4 entries, got {original_shape!r}")
    b, ch, h, w = original_shape
    gr, gc = TM.int_div(h, r), TM.int_div(w, c)
    blocks = reshape(neibs, stack([b, ch, gr, gc, r, c]), ndim=6).dimshuffle(0, 1, 2, 4, 3, 5)
    images = reshape(blocks, stack([b, ch, gr * r, gc * c]), ndim=4)
    if mode == "valid":
        return reshape(images, stack([b, ch, h, w]), ndim=4)  # checks that the patches tile exactly
    return set_subtensor(zeros(stack([b, ch, h, w]), dtype=neibs.dtype)[:, :, :gr * r, :gc * c], images)
