"""What ops return as gradients when there is none, and the identity ops that cut or zero a
gradient. They live below `transpile.gradient` (which re-exports them) because ops of the
language use them in their own `grad` methods and rewrites remove the barriers.
"""
from transpile.graph.basic import Apply, Variable
from transpile.graph.op import Op
from transpile.graph.type import Type
from transpile.tensor.basic import as_tensor_variable
from transpile.scalar import dtypes as D
from transpile.tensor.math import cast, real, zeros_like


# -- undefined gradients ---------------------------------------------------------------------------
class NullType(Type):
    """Type of a gradient that cannot be computed; `why` says which op and input."""

    def __init__(self, why):
        self.why = why

    def filter(self, value, strict=False, allow_downcast=None):
        raise TypeError(f"no value can be given to an undefined gradient ({self.why})")

    def __eq__(self, other):
        return type(other) is NullType and other.why == self.why

    def __hash__(self):
        return hash((NullType, self.why))

    def __str__(self):
        return f"NullType({self.why})"


NullType.variable_type = Variable


def grad_undefined(op, x_pos, x, comment=""):
    """Return from `op.grad` for input `x_pos` where the gradient does not exist mathematically;
    `grad` raises only if that gradient is actually needed."""
    return NullType(f"the gradient of {op} with respect to its input {x_pos} ({x}) is undefined"
                    + (f": {comment}" if comment else ""))()


def grad_not_implemented(op, x_pos, x, comment=""):
    """Return from `op.grad` for input `x_pos` where nobody wrote the gradient yet."""
    return NullType(f"the gradient of {op} with respect to its input {x_pos} ({x}) is not implemented"
                    + (f": {comment}" if comment else ""))()


def _is_null(v):
    return v is not None and isinstance(v.type, NullType)


def gradient_as(g, dtype):
    """The gradient `g` in `dtype` (its input's): a complex gradient of a real input is its real
    part, since the gradient of a real cost C with respect to a complex z is dC/dRe(z) + i
    dC/dIm(z) (Theano's convention)."""
    if g.dtype == dtype:
        return g
    if D.is_complex(g.dtype) and not D.is_complex(dtype):
        g = real(g)
    return cast(g, dtype)


class DisconnectedType(Type):
    """Type of the gradient of an input that the op's outputs do not depend on at all (Theano's):
    an op's `grad` may return `disconnected_type()` for it; `grad` adds nothing for that input,
    and an input reached only that way is disconnected (`disconnected_inputs` decides). None,
    by contrast, is a zero gradient."""

    def filter(self, value, strict=False, allow_downcast=None):
        raise TypeError("no value can be given to a disconnected gradient")

    def __eq__(self, other):
        return type(other) is DisconnectedType

    def __hash__(self):
        return hash(DisconnectedType)

    def __str__(self):
        return "DisconnectedType"


DisconnectedType.variable_type = Variable
disconnected_type = DisconnectedType()


def is_disconnected(v):
    """True for a gradient of DisconnectedType (what an op's `grad` returns for an input its
    outputs do not depend on)."""
    return isinstance(getattr(v, "type", None), DisconnectedType)


# -- identity ops that cut or zero the gradient ----------------------------------------------------
class _GradientBarrier(Op):
    view_map = {0: [0]}

    def make_node(self, x):
        x = as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0]

    def infer_shape(self, node, input_shapes):
        return input_shapes


class ZeroGrad(_GradientBarrier):
    """Identity whose gradient is zero (the input stays connected)."""

    def grad(self, inputs, output_grads):
        return [zeros_like(inputs[0])]


class DisconnectedGrad(_GradientBarrier):
    """Identity through which no gradient flows: the input counts as disconnected."""

    def grad(self, inputs, output_grads):
        return [None]

    def connection_pattern(self, node):
        return [[False]]


zero_grad_ = ZeroGrad()
disconnected_grad_ = DisconnectedGrad()


def zero_grad(x):
    """`x`, with a gradient of zero with respect to anything below it."""
    return zero_grad_(x)


def disconnected_grad(x):
    """`x`, treated as a constant by `grad` (like `consider_constant=[x]`)."""
    return disconnected_grad_(x)
