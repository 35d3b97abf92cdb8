"""Theano's `get_scalar_constant_value`: the single value a variable is known to hold while the
graph is built, looking through the ops that only move or convert a constant (DimShuffle, Alloc,
casts, `second`, identity) and computing, as Theano did, the arithmetic and comparisons of such
values (`FOLDED`), else `NotScalarConstantError`.
"""
import numbers

import numpy as np

from transpile.graph.basic import Constant, Variable
from transpile.scalar.arith import Add, Cast, Identity, IntDiv, Mod, Mul, Neg, Second, Sub, TrueDiv
from transpile.scalar.compare import EQ, GE, GT, LE, LT, NEQ, Maximum, Minimum, Switch
from transpile.tensor.alloc import Alloc
from transpile.tensor.basic import constant
from transpile.tensor.elemwise import DimShuffle, Elemwise

__all__ = ["NotScalarConstantError", "extract_constant", "get_scalar_constant_value",
           "get_underlying_scalar_constant_value"]

#: elementwise ops whose value is computed when all their inputs are known (Theano's list)
FOLDED = (Add, Sub, Mul, TrueDiv, IntDiv, Mod, Neg, Minimum, Maximum, Switch, EQ, NEQ, LT, GT, LE, GE)


class NotScalarConstantError(Exception):
    """The variable is not known to be a constant of one element (Theano's error of that name)."""


def _single(data, what):
    data = np.asarray(data)
    if data.size != 1:
        raise NotScalarConstantError(f"{what} holds {data.size} elements (shape {data.shape}), not one")
    return data.reshape(()).copy()


def get_scalar_constant_value(v, elemwise=True, only_process_constants=False, max_recur=10):
    """The value (a 0-d numpy array) of `v`: a Python or numpy number, a one-element array or
    constant, or such a constant behind DimShuffle, Alloc and (with `elemwise`) the elementwise
    casts, `second`, identity and the `FOLDED` arithmetic. `only_process_constants` stops at the first op; `max_recur`
    bounds how many ops are looked through. Anything else raises `NotScalarConstantError`."""
    if isinstance(v, (numbers.Number, np.generic, np.ndarray)):
        return _single(v, repr(v))
    if not isinstance(v, Variable):
        raise NotScalarConstantError(f"{v!r} is not a variable or a number")
    if isinstance(v, Constant):
        return _single(v.data, str(v))
    node = v.owner
    if node is None or only_process_constants or max_recur <= 0:
        raise NotScalarConstantError(f"{v} is not a constant")

    def inner(var):
        return get_scalar_constant_value(var, elemwise, only_process_constants, max_recur - 1)

    if isinstance(node.op, (DimShuffle, Alloc)):
        return inner(node.inputs[0])
    scalar_op = node.op.scalar_op if elemwise and isinstance(node.op, Elemwise) else None
    if isinstance(scalar_op, Cast):
        return inner(node.inputs[0]).astype(scalar_op.o_type)
    if isinstance(scalar_op, Identity):
        return inner(node.inputs[0])
    if isinstance(scalar_op, Second):
        return inner(node.inputs[1]).astype(v.dtype)
    if isinstance(scalar_op, FOLDED):
        storage = [[None]]
        node.op.perform(node, [inner(i) for i in node.inputs], storage)
        return _single(storage[0][0], str(v))
    raise NotScalarConstantError(f"{v} (computed by {node.op}) is not known to be a constant")


def extract_constant(x, elemwise=True, only_process_constants=False):
    """The one value of `x` as a 0-d constant when get_scalar_constant_value finds it, else `x`
    itself (Theano's: where that function raises, this one gives the variable back)."""
    try:
        value = get_scalar_constant_value(x, elemwise=elemwise, only_process_constants=only_process_constants)
    except NotScalarConstantError:
        return x
    return constant(value)


get_underlying_scalar_constant_value = get_scalar_constant_value  # PyTensor's name
