"""`ScalarOp`: a function of scalars, applied to tensors elementwise by `T.Elemwise`.

Each scalar op carries, side by side:

- `impl(*arrays)`: its numpy implementation, vectorized (Elemwise.perform calls it once on the
  whole input arrays). Before computing, inputs are converted as `input_cast` says (by default
  to the output dtype), so int8 inputs of `exp` compute in float32, not numpy's float16.
- `output_types_preference(*dtypes)`: its type rule (`output_dtypes` checks the arity first).
- `grad(inputs, outputs, output_grads)`: its gradient, written with tensor operations on the
  Elemwise's tensor inputs (broadcast reduction and integer inputs are Elemwise's job).
- `c_expr` / `c_code(input_dtypes, output_dtype)`: its C++17 form, see below.

The C++ convention (what the native printers in `transpile.emit` consume; ops never use it):

- `op.c_code(input_dtypes, output_dtype)` is authoritative: it returns a Python format string
  holding ONE C++17 expression. Printers call it and then `.format(*args, otype=...)`.
- Each `{k}` is replaced by a parenthesised C++ expression whose type is input k's own C type
  (`transpile.scalar.dtypes.C_TYPES[input_dtypes[k]]`); `{otype}` by the output's C type.
  The printer casts the expression's value to the output type (`static_cast<otype>(...)`).
- Literal braces (lambda bodies) are doubled, `{{` and `}}`, as in any format string.
- Only <cmath>, <cstdint>, <algorithm> and <limits> may be assumed. Multi-statement code is
  written as an immediately invoked lambda: `[](double x) {{ ... }}({0})`. Longer code lives in a
  runtime header (`transpile/templates/runtime/<family>.h`) named in the op's `c_runtime`.
- `c_expr` is the common case: the expression for inputs that already have the dtype
  `input_cast` names. The default `c_code` starts from it and wraps each input whose dtype
  differs in `static_cast<T>(...)`, so `float32 + int32 -> float64` computes in double exactly
  as numpy does. Ops whose int and float code differ (floor division, mod, abs, ...) override
  `c_code`; variadic ops (add, mul) build theirs by joining their inputs.
"""
import re

import numpy as np

from transpile.graph.op import Props
from transpile.scalar import dtypes as D


# -- output type rules -------------------------------------------------------------------------
def same_out(*dtypes):
    return (D.upcast(*dtypes),)


def upgrade_to_float(*dtypes):
    return (D.upgrade_to_float(*dtypes),)


def _no_complex(dtypes):
    for d in dtypes:
        if D.is_complex(d):
            raise TypeError(f"complex input ({d}) is not supported by this operation")


def upgrade_to_float_no_complex(*dtypes):
    _no_complex(dtypes)
    return upgrade_to_float(*dtypes)


def same_out_nocomplex(*dtypes):
    _no_complex(dtypes)
    return same_out(*dtypes)


def same_out_no_bool(*dtypes):
    """numpy refuses `-` on booleans; so do we (use `~` or `xor`)."""
    if all(d == "bool" for d in dtypes):
        raise TypeError("boolean inputs are not supported (use invert / xor for logic)")
    return same_out(*dtypes)


def same_out_bool_as_int8(*dtypes):
    """Like numpy's floor_divide, remainder, power, square: booleans compute as int8."""
    _no_complex(dtypes)
    return same_out(*["int8" if d == "bool" else d for d in dtypes])


def int_out(*dtypes):
    for d in dtypes:
        if not D.is_discrete(d):
            raise TypeError(f"integer or boolean inputs required, got {d}")
    return same_out(*dtypes)


def bool_out(*dtypes):
    return ("bool",)


def bool_out_nocomplex(*dtypes):
    _no_complex(dtypes)
    return ("bool",)


def same_out_float_only(*dtypes):
    for d in dtypes:
        if not D.is_float(d):
            raise TypeError(f"float inputs required, got {d}")
    return same_out(*dtypes)


def float_out(*dtypes):
    return (D.config.floatX,)


_GRADIENT_LANGUAGE = []


def register_gradient_language(namespace):
    """Called by `transpile.tensor` once it is built: the namespace whose functions (cos, sqrt,
    zeros_like, ...) scalar ops write their gradients with. Gradients are tensor graphs, and the
    tensor language is built on scalar ops, so the language registers itself from above."""
    _GRADIENT_LANGUAGE[:] = [namespace]


def tensor():
    """The tensor language registered by `register_gradient_language` (for `grad` methods)."""
    if not _GRADIENT_LANGUAGE:
        raise RuntimeError("scalar gradients need the tensor language: import transpile.tensor first")
    return _GRADIENT_LANGUAGE[0]


# -- C++ helpers ---------------------------------------------------------------------------------
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{(\d+)\}")


def c_cast_inputs(template, input_dtypes, target_dtypes):
    """`template` with each `{k}` wrapped in a cast to `target_dtypes[k]` where that differs
    from `input_dtypes[k]` (None: leave the input as it is). Doubled braces are kept."""
    def replace(match):
        if match.group(1) is None:
            return match.group(0)
        k = int(match.group(1))
        target = target_dtypes[k]
        if target is None or target == input_dtypes[k]:
            return match.group(0)
        return f"static_cast<{D.C_TYPES[target]}>({{{k}}})"
    return _PLACEHOLDER.sub(replace, template)


def c_join(op_symbol, n):
    """`({0} op {1} op ...)` for a variadic operator."""
    return "(" + f" {op_symbol} ".join(f"{{{k}}}" for k in range(n)) + ")"


class ScalarOp(Props):
    nin = 1
    nout = 1
    #: numpy function with the op's semantics (used by the default `impl`)
    ufunc = None
    #: C++ expression template (see the module docstring); None when only `c_code` knows it
    c_expr = None
    #: runtime header families (templates/runtime/) the C++ form calls, e.g. ("special",)
    c_runtime = ()
    #: what inputs are converted to before computing: "output" (the output dtype), "common"
    #: (the inputs' upcast, for comparisons) or None (as they come)
    input_cast = "output"
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

    # -- computing ---------------------------------------------------------------------------
    def compute_dtypes(self, input_dtypes, output_dtype):
        """Per input, the dtype it is converted to before computing (None: unchanged)."""
        if self.input_cast == "output":
            return [output_dtype] * len(input_dtypes)
        if self.input_cast == "common":
            return [D.upcast(*input_dtypes)] * len(input_dtypes)
        return [None] * len(input_dtypes)

    def prepare(self, inputs):
        """`inputs` as arrays converted to the dtypes `compute_dtypes` names."""
        arrays = [np.asarray(x) for x in inputs]
        dtypes = [a.dtype.name for a in arrays]
        targets = self.compute_dtypes(dtypes, self.output_dtypes(*dtypes)[0])
        return [a if t is None or a.dtype == t else a.astype(t) for a, t in zip(arrays, targets)]

    def impl(self, *inputs):
        if self.ufunc is None:
            raise NotImplementedError(f"scalar op {self.name} has no numpy implementation")
        with np.errstate(all="ignore"):
            return self.ufunc(*self.prepare(inputs))

    def grad(self, inputs, outputs, output_grads):
        raise NotImplementedError(f"scalar op {self.name} has no gradient")

    # -- C++ -----------------------------------------------------------------------------------
    def c_code(self, input_dtypes, output_dtype):
        """The C++ expression template for these dtypes (see the module docstring)."""
        if self.c_expr is None:
            raise NotImplementedError(f"scalar op {self.name} has no C++ expression")
        return c_cast_inputs(self.c_expr, list(input_dtypes),
                             self.compute_dtypes(list(input_dtypes), output_dtype))

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


class FloatUnaryOp(UnaryScalarOp):
    """A real function of one real variable (exp, sin, ...): integers compute as floats."""

    output_types_preference = staticmethod(upgrade_to_float_no_complex)


class FloatBinaryOp(BinaryScalarOp):
    output_types_preference = staticmethod(upgrade_to_float_no_complex)


def as_numpy(value, dtype):
    """Cast a result of `impl` to `dtype` without copying when it already is."""
    arr = np.asarray(value)
    return arr if arr.dtype == dtype else arr.astype(dtype)


def zeros_grads(inputs):
    """Gradient of a piecewise-constant function: zeros of each input's type."""
    T = tensor()
    return [T.zeros_like(x) if not D.is_discrete(x.dtype) else T.zeros_like(x, dtype=D.config.floatX)
            for x in inputs]
