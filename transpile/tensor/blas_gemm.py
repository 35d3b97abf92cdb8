"""BLAS-shaped products, made by the FAST_RUN rewrites (tensor/rewriting/blas.py) from `dot`
and the additions around it; the native backend maps each to one BLAS call.

- `Dot22(trans_x, trans_y)(x, y) = op(x) @ op(y)`: matrix product, op = transpose where the
  flag says so (a transposed operand is read in place, never copied);
- `Gemm(trans_x, trans_y)(z, alpha, x, y, beta) = beta * z + alpha * op(x) @ op(y)`;
- `Gemv(trans_a)(z, alpha, a, x, beta) = beta * z + alpha * op(a) @ x`;
- `Ger()(a, alpha, x, y) = a + alpha * outer(x, y)`.

alpha and beta are 0-d of the output dtype; all operands share one float dtype. z (or a) may
have broadcastable dims (a bias row); it follows the elementwise rule: a dim that is not
broadcastable must have the product's length. With `inplace=True` the result is written into
z (a), declared in `destroy_map`; only the `inplace` rewrites set it.

They appear after differentiation, so their `grad` raises.
"""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.type import TensorType

__all__ = ["Dot22", "Gemm", "Gemv", "Ger"]

FLOATS = ("float32", "float64")


def _check(op, variables, ndims):
    dtype = variables[0].dtype
    for name, (var, ndim) in zip("abcdefgh", zip(variables, ndims)):
        if var.ndim != ndim:
            raise TypeError(f"{op}: operand {name} must be {ndim}-d, got {var} ({var.type})")
        if var.dtype != dtype or dtype not in FLOATS:
            raise TypeError(f"{op}: all operands must share one float dtype; got "
                            f"{', '.join(str(v.type) for v in variables)}")
    return dtype


def _mat(value, trans):
    return value.T if trans else value


def _product(op, a, b):
    if a.shape[-1] != b.shape[0]:
        raise ValueError(f"{op}: shapes {a.shape} and {b.shape} not aligned: {a.shape[-1]} != {b.shape[0]}")
    return np.dot(a, b)


def _accumulate(op, node, z, beta, prod, prod_bcast):
    """beta * z + prod with the elementwise shape rule (a dim that is not broadcastable must
    have the same length in both); written into z when the op is in place."""
    zvar = node.inputs[0]
    out_shape = []
    for d, (n, m) in enumerate(zip(z.shape, prod.shape)):
        zb, pb = zvar.broadcastable[d], prod_bcast[d]
        if not zb and not pb and n != m:
            raise ValueError(f"{op}: z of shape {z.shape} does not match the product's shape {prod.shape}")
        out_shape.append(m if zb else n)
    out_shape = tuple(out_shape)
    if prod.shape != out_shape:
        prod = np.broadcast_to(prod, out_shape)
    dtype = node.outputs[0].dtype
    scaled = z if beta == 1 else beta * z
    if getattr(op, "inplace", False) and z.shape == out_shape and z.flags.writeable and z.dtype == dtype:
        if beta != 1:
            np.multiply(z, beta, out=z)
        np.add(z, prod, out=z)
        return z
    return np.asarray(scaled + prod, dtype=dtype)


def _out_broadcastable(z, prod_bcast):
    return tuple(a and b for a, b in zip(z.broadcastable, prod_bcast))


def _grad_error(op):
    raise NotImplementedError(
        f"{op} is introduced by FAST_RUN rewrites after differentiation; take gradients of the "
        "graph before compiling it")


def _lengths(z_shape, z, prod_shape, prod_bcast):
    """Output lengths: the product's, except where only z is not broadcastable."""
    return tuple(zs if (pb and not zb) else ps
                 for zs, zb, ps, pb in zip(z_shape, z.broadcastable, prod_shape, prod_bcast))


class _Blas(Op):
    def grad(self, inputs, output_grads):
        _grad_error(self)

    def _flags(self):
        return ",".join(n for n in self.__props__ if getattr(self, n)) or "no_trans"

    def __str__(self):
        return f"{type(self).__name__}{{{self._flags()}}}"


class Dot22(_Blas):
    __props__ = ("trans_x", "trans_y")

    def __init__(self, trans_x=False, trans_y=False):
        self.trans_x, self.trans_y = bool(trans_x), bool(trans_y)

    def _bcast(self, x, y):
        bx = x.broadcastable[::-1] if self.trans_x else x.broadcastable
        by = y.broadcastable[::-1] if self.trans_y else y.broadcastable
        return (bx[0], by[1])

    def make_node(self, x, y):
        x, y = as_tensor_variable(x), as_tensor_variable(y)
        dtype = _check(self, [x, y], [2, 2])
        return Apply(self, [x, y], [TensorType(dtype, self._bcast(x, y))()])

    def perform(self, node, inputs, output_storage):
        x, y = inputs
        out = _product(self, _mat(x, self.trans_x), _mat(y, self.trans_y))
        output_storage[0][0] = np.asarray(out, dtype=node.outputs[0].dtype)

    def infer_shape(self, node, input_shapes):
        sx, sy = input_shapes
        return [(sx[1] if self.trans_x else sx[0], sy[0] if self.trans_y else sy[1])]


class Gemm(_Blas):
    __props__ = ("trans_x", "trans_y", "inplace")

    def __init__(self, trans_x=False, trans_y=False, inplace=False):
        self.trans_x, self.trans_y, self.inplace = bool(trans_x), bool(trans_y), bool(inplace)
        self.destroy_map = {0: [0]} if self.inplace else {}

    def make_node(self, z, alpha, x, y, beta):
        z, alpha, x, y, beta = (as_tensor_variable(v) for v in (z, alpha, x, y, beta))
        dtype = _check(self, [z, alpha, x, y, beta], [2, 0, 2, 2, 0])
        bcast = _out_broadcastable(z, Dot22(self.trans_x, self.trans_y)._bcast(x, y))
        if self.inplace and bcast != z.broadcastable:
            raise TypeError(f"{self}: cannot write a result of pattern {bcast} into z ({z.type})")
        return Apply(self, [z, alpha, x, y, beta], [TensorType(dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        z, alpha, x, y, beta = inputs
        prod = alpha * _product(self, _mat(x, self.trans_x), _mat(y, self.trans_y))
        bcast = Dot22(self.trans_x, self.trans_y)._bcast(node.inputs[2], node.inputs[3])
        output_storage[0][0] = _accumulate(self, node, z, beta, prod, bcast)

    def infer_shape(self, node, input_shapes):
        sz, _, sx, sy, _ = input_shapes
        z, _, x, y, _ = node.inputs
        prod = Dot22(self.trans_x, self.trans_y)
        prod_shape = prod.infer_shape(None, [sx, sy])[0]
        return [_lengths(sz, z, prod_shape, prod._bcast(x, y))]


class Gemv(_Blas):
    __props__ = ("trans_a", "inplace")

    def __init__(self, trans_a=False, inplace=False):
        self.trans_a, self.inplace = bool(trans_a), bool(inplace)
        self.destroy_map = {0: [0]} if self.inplace else {}

    def _prod_bcast(self, a):
        return (a.broadcastable[1] if self.trans_a else a.broadcastable[0],)

    def make_node(self, z, alpha, a, x, beta):
        z, alpha, a, x, beta = (as_tensor_variable(v) for v in (z, alpha, a, x, beta))
        dtype = _check(self, [z, alpha, a, x, beta], [1, 0, 2, 1, 0])
        bcast = _out_broadcastable(z, self._prod_bcast(a))
        if self.inplace and bcast != z.broadcastable:
            raise TypeError(f"{self}: cannot write a result of pattern {bcast} into z ({z.type})")
        return Apply(self, [z, alpha, a, x, beta], [TensorType(dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        z, alpha, a, x, beta = inputs
        prod = alpha * _product(self, _mat(a, self.trans_a), x)
        output_storage[0][0] = _accumulate(self, node, z, beta, prod, self._prod_bcast(node.inputs[2]))

    def infer_shape(self, node, input_shapes):
        sz, _, sa, _, _ = input_shapes
        z, _, a, _, _ = node.inputs
        return [_lengths(sz, z, (sa[1] if self.trans_a else sa[0],), self._prod_bcast(a))]


class Ger(_Blas):
    __props__ = ("inplace",)

    def __init__(self, inplace=False):
        self.inplace = bool(inplace)
        self.destroy_map = {0: [0]} if self.inplace else {}

    def make_node(self, a, alpha, x, y):
        a, alpha, x, y = (as_tensor_variable(v) for v in (a, alpha, x, y))
        dtype = _check(self, [a, alpha, x, y], [2, 0, 1, 1])
        bcast = _out_broadcastable(a, (x.broadcastable[0], y.broadcastable[0]))
        if self.inplace and bcast != a.broadcastable:
            raise TypeError(f"{self}: cannot write a result of pattern {bcast} into a ({a.type})")
        return Apply(self, [a, alpha, x, y], [TensorType(dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        a, alpha, x, y = inputs
        prod = alpha * np.outer(x, y)
        bcast = (node.inputs[2].broadcastable[0], node.inputs[3].broadcastable[0])
        output_storage[0][0] = _accumulate(self, node, a, 1, prod, bcast)

    def infer_shape(self, node, input_shapes):
        sa, _, sx, sy = input_shapes
        a, _, x, y = node.inputs
        return [_lengths(sa, a, (sx[0], sy[0]), (x.broadcastable[0], y.broadcastable[0]))]
