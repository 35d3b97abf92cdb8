"""`ScalarOp`: a function of scalars, applied to tensors elementwise by `T.Elemwise`.

Each scalar op carries, side by side:
- `impl(*arrays)`: its numpy implementation (vectorized, so Elemwise.perform calls it once);
- `output_dtypes(*dtypes)`: its type rule;
- `grad(inputs, outputs, output_grads)`: its gradient, written with tensor operations on the
  Elemwise's tensor inputs (broadcast reduction is Elemwise's job);
- `c_expr`: one C++ expression, a format string over `{0}`, `{1}`, ... (the inputs, already of
  the C type named `{otype}`, the output's). The native printers in `transpile.emit` use it;
  the op itself never looks at it.
"""
import numpy as np

from transpile.graph.op import Props
from transpile.scalar import dtypes as D


# -- output type rules -------------------------------------------------------------------------
def same_out(*dtypes):
    return (D.upcast(*dtypes),)


def upgrade_to_float(*dtypes):
    return (D.upgrade_to_float(*dtypes),)


def upgrade_to_float_no_complex(*dtypes):
    for d in dtypes:
        if D.is_complex(d):
            raise TypeError(f"complex input ({d}) is not supported by this operation")
    return upgrade_to_float(*dtypes)


def same_out_nocomplex(*dtypes):
    for d in dtypes:
        if D.is_complex(d):
            raise TypeError(f"complex input ({d}) is not supported by this operation")
    return same_out(*dtypes)


def int_out(*dtypes):
    for d in dtypes:
        if not D.is_discrete(d):
            raise TypeError(f"integer inputs required, got {d}")
    return same_out(*dtypes)


def bool_out(*dtypes):
    return ("bool",)


def same_out_float_only(*dtypes):
    for d in dtypes:
        if not D.is_float(d):
            raise TypeError(f"float inputs required, got {d}")
    return same_out(*dtypes)


def float_out(*dtypes):
    return (D.config.floatX,)


def tensor():
    """`transpile.tensor`, imported late: gradients are tensor graphs, and the tensor package
    itself is built on scalar ops."""
    import transpile.tensor as T
    return T


class ScalarOp(Props):
    nin = 1
    nout = 1
    #: numpy function with the op's semantics (used by the default `impl`)
    ufunc = None
    #: C++ expression template; None when the op has no one-line form
    c_expr = None
    output_types_preference = staticmethod(same_out)
    #: neutral element when used as a reduction (add: 0, mul: 1, maximum: -inf), else None
    identity = None
    commutative = False
    associative = False

    def __init__(self, name=None):
        self.name = name or type(self).__name__.lower()

    def output_dtypes(self, *dtypes):
        if self.nin >= 0 and len(dtypes) != self.nin:
            raise TypeError(f"{self.name} takes {self.nin} inputs, got {len(dtypes)}")
        return tuple(self.output_types_preference(*dtypes))

    def impl(self, *inputs):
        if self.ufunc is None:
            raise NotImplementedError(f"scalar op {self.name} has no numpy implementation")
        return self.ufunc(*inputs)

    def grad(self, inputs, outputs, output_grads):
        raise NotImplementedError(f"scalar op {self.name} has no gradient")

    def __str__(self):
        return self.name

    __repr__ = __str__

    # ScalarOps compare by class (and props, none by default): the name is only a label.
    def __eq__(self, other):
        return type(self) is type(other) and self._props() == other._props()

    def __hash__(self):
        return hash((type(self), self._props()))


class UnaryScalarOp(ScalarOp):
    nin = 1


class BinaryScalarOp(ScalarOp):
    nin = 2


def as_numpy(value, dtype):
    """Cast a result of `impl` to `dtype` without copying when it already is."""
    arr = np.asarray(value)
    return arr if arr.dtype == dtype else arr.astype(dtype)
