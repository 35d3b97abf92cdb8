"""Elementwise functions of the tensor language: one `Elemwise` per scalar op.

`elemwise_function(scalar_op)` makes the user-facing function; the table at the bottom lists
which scalar op each public name maps to.
"""
from transpile.scalar import arith as S
from transpile.scalar import dtypes as D
from transpile.tensor.basic import as_tensor_variable, constant
from transpile.tensor.elemwise import Elemwise

_ELEMWISE = {}


def elemwise_op(scalar_op):
    """The (shared) Elemwise of `scalar_op`."""
    op = _ELEMWISE.get(scalar_op)
    if op is None:
        op = _ELEMWISE[scalar_op] = Elemwise(scalar_op)
    return op


def elemwise_function(scalar_op, name, doc=None):
    op = elemwise_op(scalar_op)

    def apply(*inputs):
        return op(*inputs)

    apply.__name__ = apply.__qualname__ = name
    apply.__doc__ = doc or f"Elementwise {scalar_op.name}, with broadcasting."
    apply.op = op
    return apply


add = elemwise_function(S.add, "add", "Elementwise sum of any number of tensors.")
mul = elemwise_function(S.mul, "mul", "Elementwise product of any number of tensors.")
sub = elemwise_function(S.sub, "sub")
true_div = elemwise_function(S.true_div, "true_div", "Elementwise division; integers give floats.")
neg = elemwise_function(S.neg, "neg")
exp = elemwise_function(S.exp, "exp")
log = elemwise_function(S.log, "log")
sqrt = elemwise_function(S.sqrt, "sqrt")
pow = elemwise_function(S.pow, "pow")
second = elemwise_function(S.second, "second", "second(x, y): y broadcast to the shape of x.")
fill = second
identity = elemwise_function(S.identity, "identity")
tensor_copy = identity


def cast(x, dtype):
    """`x` converted to `dtype` (a no-op when it already is)."""
    x = as_tensor_variable(x)
    dtype = D.check_dtype(dtype)
    if x.dtype == dtype:
        return x
    return elemwise_op(S.Cast(dtype))(x)


def zeros_like(x, dtype=None):
    """Zeros with the shape (and dtype, unless given) of `x`."""
    x = as_tensor_variable(x)
    return second(x, constant(0, dtype=D.check_dtype(dtype or x.dtype)))


def ones_like(x, dtype=None):
    x = as_tensor_variable(x)
    return second(x, constant(1, dtype=D.check_dtype(dtype or x.dtype)))
