"""Pooling over the last two axes (Theano's `pool_2d`) or three (`pool_3d`) and its gradient ops;
`ndim` (a prop, 2 or 3) is the number of pooled axes.

- `Pool(x)`: max / sum / average_inc_pad / average_exc_pad pooling (see `pool_kernels`).
- `MaxPoolGrad(x, z, gz)`: gradient of max pooling (z = Pool(x)); gz goes to the maxima.
- `AveragePoolGrad(x, gz)`: gradient of sum and average pooling (linear: x gives the shape).
- `MaxPoolGradGrad(x, z, ggx)`: the adjoint of MaxPoolGrad in gz, for second derivatives.
"""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.nnet import pool_kernels as K
from transpile.tensor.type import TensorType
import transpile.tensor.math as TM

__all__ = ["AveragePoolGrad", "MaxPoolGrad", "MaxPoolGradGrad", "Pool", "pool_2d", "pool_3d", "pool_output_shape"]

MODES = ("max", "sum", "average_inc_pad", "average_exc_pad")
_COUNT = {2: "two", 3: "three"}


def _ints(value, nd, what, minimum, who):
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (value,) * nd
    try:
        out = tuple(int(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{who}: {what} must be {'a pair' if nd == 2 else nd} of ints, got {value!r}") from None
    if len(out) != nd or out != tuple(value) or min(out) < minimum:
        raise ValueError(f"{who}: {what} must be {'a pair' if nd == 2 else nd} of ints >= {minimum}, got {value!r}")
    return out


def pool_output_shape(shape, ws, ignore_border=True, stride=None, pad=None):
    """Output shape of pool_2d / pool_3d (len(ws) pooled axes) for an input of known (int) `shape`."""
    nd = len(ws)
    stride = ws if stride is None else stride
    pad = (0,) * nd if pad is None else pad
    return tuple(shape[:-nd]) + tuple(K.out_len(n, w, s, p, ignore_border)
                                      for n, w, s, p in zip(shape[-nd:], ws, stride, pad))


class _PoolBase(Op):
    __props__ = ("ws", "ignore_border", "stride", "pad", "mode", "ndim")

    def __init__(self, ws, ignore_border=True, stride=None, pad=None, mode="max", ndim=2):
        if ndim not in (2, 3):
            raise ValueError(f"Pool: ndim must be 2 or 3, got {ndim!r}")
        self.ndim = ndim
        who = self.who
        self.ws = _ints(ws, ndim, "ws", 1, who)
        self.stride = self.ws if stride is None else _ints(stride, ndim, "stride", 1, who)
        self.pad = _ints((0,) * ndim if pad is None else pad, ndim, "pad", 0, who)
        self.ignore_border = bool(ignore_border)
        if mode == "average":
            mode = "average_inc_pad"
        if mode not in MODES:
            raise ValueError(f"{who}: mode must be one of {', '.join(MODES)}, got {mode!r}")
        self.mode = mode
        if any(self.pad) and not self.ignore_border:
            raise ValueError(f"{who}: padding works only with ignore_border=True")
        if any(p >= w for p, w in zip(self.pad, self.ws)):
            raise ValueError(f"{who}: pad {self.pad} must be smaller than ws {self.ws}")

    @property
    def who(self):
        return f"pool_{self.ndim}d"

    @property
    def geometry(self):
        return dict(ws=self.ws, stride=self.stride, pad=self.pad, ignore_border=self.ignore_border)

    def _check_input(self, x):
        x = as_tensor_variable(x)
        if x.ndim < self.ndim:
            raise TypeError(f"{self.who}: the input must have at least {self.ndim} dimensions (pooling is over the "
                            f"last {_COUNT[self.ndim]}), got {x} ({x.type})")
        return x

    def check(self, shape, where=None):
        where = where or self.who
        if self.ignore_border:
            for n, w, p in zip(shape[-self.ndim:], self.ws, self.pad):
                if w > n + 2 * p:
                    raise ValueError(f"{where}: ws {self.ws} is larger than the input's last {_COUNT[self.ndim]} "
                                     f"dims (shape {tuple(shape)}, padding {self.pad}) with ignore_border=True")

    def out_shape(self, shape):
        return pool_output_shape(shape, self.ws, self.ignore_border, self.stride, self.pad)

    def out_len_symbolic(self, n, axis):
        ws, st, pad = self.ws[axis], self.stride[axis], self.pad[axis]
        r = n + 2 * pad if pad else n
        if self.ignore_border:
            span, extra = r - ws, 1
        elif st >= ws:
            span, extra = r - 1, 1
        else:
            span, extra = TM.maximum(r - 1 - ws + st, 0), 1  # max(0, (r-1-ws)//st + 1) + 1
        return (span if st == 1 else TM.floor_div(span, st)) + extra

    def __str__(self):
        parts = [f"ws={self.ws}", f"stride={self.stride}"]
        if any(self.pad):
            parts.append(f"pad={self.pad}")
        parts.append(f"ignore_border={self.ignore_border}")
        if type(self) is not MaxPoolGrad and type(self) is not MaxPoolGradGrad:
            parts.append(f"mode={self.mode!r}")
        return f"{type(self).__name__}{{{', '.join(parts)}}}"


class Pool(_PoolBase):
    def make_node(self, x):
        x = self._check_input(x)
        out_b = x.broadcastable[:-self.ndim] + (False,) * self.ndim
        return Apply(self, [x], [TensorType(x.dtype, out_b)()])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        self.check(x.shape)
        output_storage[0][0] = K.pool(x, mode=self.mode, **self.geometry)

    def infer_shape(self, node, input_shapes):
        (s,) = input_shapes
        nd = self.ndim
        return [tuple(s[:-nd]) + tuple(self.out_len_symbolic(s[-nd + a], a) for a in range(nd))]

    def grad(self, inputs, output_grads):
        (x,) = inputs
        (gz,) = output_grads
        if self.mode == "max":
            return [MaxPoolGrad(**self._props_dict())(x, self(x), gz)]
        return [AveragePoolGrad(**self._props_dict())(x, gz)]


def _like(v, ref, what, who):
    v = as_tensor_variable(v)
    if v.ndim != ref.ndim:
        raise TypeError(f"{who}: {what} must be {ref.ndim}-d like the input, got {v} ({v.type})")
    return v


def _zero(v):
    import transpile.tensor as T
    return T.zeros_like(v)


class MaxPoolGrad(_PoolBase):
    def make_node(self, x, z, gz):
        x = self._check_input(x)
        z, gz = _like(z, x, "the pooled output", str(self)), _like(gz, x, "the output gradient", str(self))
        return Apply(self, [x, z, gz], [x.type()])

    def _check_out(self, x, arrays):
        self.check(x.shape, str(self))
        expected = self.out_shape(x.shape)
        for name, a in arrays:
            if a.shape != expected:
                raise ValueError(f"{self}: {name} has shape {a.shape}, expected {expected} for input "
                                 f"shape {x.shape}")

    def perform(self, node, inputs, output_storage):
        x, z, gz = inputs
        self._check_out(x, (("the pooled output", z), ("the output gradient", gz)))
        gx = K.max_pool_grad(x, z, gz, **self.geometry)
        output_storage[0][0] = np.asarray(gx, dtype=node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, output_grads):
        x, z, gz = inputs
        (g,) = output_grads
        return [_zero(x), _zero(z), MaxPoolGradGrad(**self._props_dict())(x, z, g)]


class MaxPoolGradGrad(MaxPoolGrad):
    def make_node(self, x, z, ggx):
        x = self._check_input(x)
        z, ggx = _like(z, x, "the pooled output", str(self)), _like(ggx, x, "ggx", str(self))
        return Apply(self, [x, z, ggx], [z.type()])

    def perform(self, node, inputs, output_storage):
        x, z, ggx = inputs
        self._check_out(x, (("the pooled output", z),))
        if ggx.shape != x.shape:
            raise ValueError(f"{self}: ggx has shape {ggx.shape}, expected the input shape {x.shape}")
        out = K.max_pool_grad_grad(x, z, ggx, **self.geometry)
        output_storage[0][0] = np.asarray(out, dtype=node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[1]]

    def grad(self, inputs, output_grads):
        x, z, ggx = inputs
        (g,) = output_grads
        return [_zero(x), _zero(z), MaxPoolGrad(**self._props_dict())(x, z, g)]


class AveragePoolGrad(_PoolBase):
    """Gradient of sum / average pooling; `x` only gives the input shape."""

    def make_node(self, x, gz):
        x = self._check_input(x)
        gz = _like(gz, x, "the output gradient", str(self))
        return Apply(self, [x, gz], [x.type()])

    def perform(self, node, inputs, output_storage):
        x, gz = inputs
        self.check(x.shape, str(self))
        expected = self.out_shape(x.shape)
        if gz.shape != expected:
            raise ValueError(f"{self}: the output gradient has shape {gz.shape}, expected {expected} "
                             f"for input shape {x.shape}")
        gx = K.average_pool_grad(x.shape, gz, mode=self.mode, **self.geometry)
        output_storage[0][0] = np.asarray(gx, dtype=node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, output_grads):
        x, gz = inputs
        (g,) = output_grads
        return [_zero(x), Pool(**self._props_dict())(g)]


def pool_2d(input, ws=None, ignore_border=True, stride=None, pad=(0, 0), mode="max",
            ds=None, st=None, padding=None):
    """Pool the last two dims of `input` with windows `ws` (rows, cols).

    ignore_border: drop partial windows at the far edges (True) or pool them (False).
    stride: window step (default: ws). pad: zero padding on both sides (needs
    ignore_border=True; padding never wins a max). mode: 'max', 'sum', 'average_inc_pad'
    (padding counts in the average) or 'average_exc_pad'. ds, st, padding: Theano's old names.
    """
    if ds is not None:
        if ws is not None:
            raise TypeError("pool_2d: give ws or ds (its old name), not both")
        ws = ds
    if ws is None:
        raise TypeError("pool_2d: ws (the window shape) is required")
    if st is not None:
        stride = st
    if padding is not None:
        pad = padding
    return Pool(ws, ignore_border, stride, pad, mode, ndim=2)(input)


def pool_3d(input, ws=None, ignore_border=True, stride=None, pad=(0, 0, 0), mode="max",
            ds=None, st=None, padding=None):
    """Pool the last three dims of `input` with windows `ws` (depth, rows, cols); the arguments
    are pool_2d's, with three entries each."""
    if ds is not None:
        if ws is not None:
            raise TypeError("pool_3d: give ws or ds (its old name), not both")
        ws = ds
    if ws is None:
        raise TypeError("pool_3d: ws (the window shape) is required")
    if st is not None:
        stride = st
    if padding is not None:
        pad = padding
    return Pool(ws, ignore_border, stride, pad, mode, ndim=3)(input)
