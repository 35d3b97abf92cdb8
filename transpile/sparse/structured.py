"""Elementwise functions of the stored values only (the structure is kept, implicit zeros stay
zero): `neg sqr sqrt abs_ sin tanh expm1 log1p` (f(0) = 0, so they agree with the dense
function) and `structured_sigmoid structured_exp structured_log` (applied to stored values
only), plus `sp_ones_like`, `sp_zeros_like`, `sp_cast`.
"""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.scalar import dtypes as D
from transpile.sparse.basic import as_sparse_variable, fit_grad, values_at, with_data
from transpile.sparse.type import SparseType

__all__ = ["StructuredUnary", "StructuredUnaryGrad", "abs_", "expm1", "log1p", "neg", "sin", "sp_cast",
           "sp_ones_like", "sp_zeros_like", "sqr", "sqrt", "structured_exp", "structured_log",
           "structured_sigmoid", "tanh"]


def _sigmoid(x):
    with np.errstate(over="ignore"):
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


#: name: (numpy function, output is float, derivative d(x, y) with y = f(x); None: no gradient)
FUNCTIONS = {
    "neg": (np.negative, False, lambda x, y: -np.ones_like(x)),
    "sqr": (np.square, False, lambda x, y: 2 * x),
    "sqrt": (np.sqrt, True, lambda x, y: 0.5 / y),
    "abs": (np.abs, False, lambda x, y: np.sign(x)),
    "sin": (np.sin, True, lambda x, y: np.cos(x)),
    "tanh": (np.tanh, True, lambda x, y: 1 - y * y),
    "expm1": (np.expm1, True, lambda x, y: y + 1),
    "log1p": (np.log1p, True, lambda x, y: 1 / (1 + x)),
    "sigmoid": (_sigmoid, True, lambda x, y: y * (1 - y)),
    "exp": (np.exp, True, lambda x, y: y),
    "log": (np.log, True, lambda x, y: 1 / x),
    "ones_like": (np.ones_like, False, None),
    "zeros_like": (np.zeros_like, False, None),
    "identity": (lambda x: x, False, lambda x, y: np.ones_like(x)),
}


class StructuredUnary(Op):
    """`name`'s function applied to the stored values; `dtype` forces the output dtype (a cast)."""

    __props__ = ("name", "dtype")
    foldable = False

    def __init__(self, name, dtype=None):
        if name not in FUNCTIONS:
            raise ValueError(f"StructuredUnary: unknown function {name!r}; known: {', '.join(FUNCTIONS)}")
        self.name = name
        self.dtype = dtype and D.check_dtype(dtype)

    def out_dtype(self, dtype):
        if self.dtype:
            return self.dtype
        return D.upgrade_to_float(dtype) if FUNCTIONS[self.name][1] else dtype

    def make_node(self, x):
        x = as_sparse_variable(x)
        return Apply(self, [x], [SparseType(x.type.format, self.out_dtype(x.dtype))()])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        dtype = node.outputs[0].dtype
        data = FUNCTIONS[self.name][0](x.data.astype(dtype) if self.dtype else x.data)
        output_storage[0][0] = with_data(x, np.asarray(data, dtype=dtype))

    def grad(self, inputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        if FUNCTIONS[self.name][2] is None:
            return [sp_zeros_like(x)]
        return [fit_grad(StructuredUnaryGrad(self.name)(x, gz), x)]

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def __str__(self):
        return f"Structured{{{self.name}{', ' + self.dtype if self.dtype else ''}}}"


class StructuredUnaryGrad(Op):
    """(x, gz) -> f'(x) * gz at x's stored positions (gz sparse or dense)."""

    __props__ = ("name",)
    foldable = False

    def __init__(self, name):
        self.name = name

    def make_node(self, x, gz):
        x = as_sparse_variable(x)
        from transpile.sparse.basic import is_sparse_variable
        from transpile.tensor.basic import as_tensor_variable
        gz = gz if is_sparse_variable(gz) else as_tensor_variable(gz)
        return Apply(self, [x, gz], [SparseType(x.type.format, D.upcast(x.dtype, gz.dtype))()])

    def perform(self, node, inputs, output_storage):
        x, gz = inputs
        fn, _, deriv = FUNCTIONS[self.name]
        with np.errstate(divide="ignore", invalid="ignore"):
            d = deriv(x.data, fn(x.data))
        data = np.asarray(d * values_at(gz, x), dtype=node.outputs[0].dtype)
        output_storage[0][0] = with_data(x, data)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]


def _function(name, doc):
    op = StructuredUnary(name)

    def apply(x):
        return op(x)

    apply.__name__ = apply.__qualname__ = name
    apply.__doc__ = doc
    return apply


neg = _function("neg", "-x on the stored values.")
sqr = _function("sqr", "x**2 on the stored values.")
sqrt = _function("sqrt", "sqrt(x) on the stored values.")
abs_ = _function("abs", "|x| on the stored values.")
sin = _function("sin", "sin(x) on the stored values.")
tanh = _function("tanh", "tanh(x) on the stored values.")
expm1 = _function("expm1", "exp(x) - 1 on the stored values.")
log1p = _function("log1p", "log(1 + x) on the stored values.")
structured_sigmoid = _function("sigmoid", "sigmoid of the stored values (implicit zeros stay 0).")
structured_exp = _function("exp", "exp of the stored values (implicit zeros stay 0).")
structured_log = _function("log", "log of the stored values (implicit zeros stay 0).")
sp_ones_like = _function("ones_like", "Ones at the stored positions of x.")
sp_zeros_like = _function("zeros_like", "Zeros at the stored positions of x (its structure kept).")


def sp_cast(x, dtype):
    """`x` with its values converted to `dtype`."""
    x = as_sparse_variable(x)
    dtype = D.check_dtype(dtype)
    return x if x.dtype == dtype else StructuredUnary("identity", dtype)(x)
