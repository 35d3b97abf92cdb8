"""Core arithmetic scalar ops: the ones the graph machinery itself relies on."""
import numpy as np

from transpile.scalar import dtypes as D
from transpile.scalar.basic import (
    BinaryScalarOp,
    ScalarOp,
    UnaryScalarOp,
    same_out,
    tensor,
    upgrade_to_float,
)


class Add(ScalarOp):
    nin = -1
    identity = 0
    commutative = associative = True
    c_expr = None  # variadic: printed as ({0} + {1} + ...)

    def impl(self, *inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = np.add(out, x)
        return out

    def output_dtypes(self, *dtypes):
        return same_out(*dtypes)

    def grad(self, inputs, outputs, output_grads):
        (gz,) = output_grads
        return [gz for _ in inputs]


class Mul(ScalarOp):
    nin = -1
    identity = 1
    commutative = associative = True

    def impl(self, *inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = np.multiply(out, x)
        return out

    def output_dtypes(self, *dtypes):
        return same_out(*dtypes)

    def grad(self, inputs, outputs, output_grads):
        T = tensor()
        (gz,) = output_grads
        grads = []
        for i in range(len(inputs)):
            others = inputs[:i] + inputs[i + 1:]
            grads.append(T.mul(gz, *others) if others else gz)
        return grads


class Sub(BinaryScalarOp):
    ufunc = staticmethod(np.subtract)
    c_expr = "({0} - {1})"

    def grad(self, inputs, outputs, output_grads):
        (gz,) = output_grads
        return [gz, -gz]


class TrueDiv(BinaryScalarOp):
    ufunc = staticmethod(np.true_divide)
    c_expr = "({0} / {1})"
    output_types_preference = staticmethod(upgrade_to_float)

    def grad(self, inputs, outputs, output_grads):
        x, y = inputs
        (gz,) = output_grads
        return [gz / y, -gz * x / (y * y)]


class Neg(UnaryScalarOp):
    ufunc = staticmethod(np.negative)
    c_expr = "(-{0})"

    def grad(self, inputs, outputs, output_grads):
        return [-output_grads[0]]


class Exp(UnaryScalarOp):
    ufunc = staticmethod(np.exp)
    c_expr = "std::exp({0})"
    output_types_preference = staticmethod(upgrade_to_float)

    def grad(self, inputs, outputs, output_grads):
        return [output_grads[0] * outputs[0]]


class Log(UnaryScalarOp):
    ufunc = staticmethod(np.log)
    c_expr = "std::log({0})"
    output_types_preference = staticmethod(upgrade_to_float)

    def grad(self, inputs, outputs, output_grads):
        return [output_grads[0] / inputs[0]]


class Sqrt(UnaryScalarOp):
    ufunc = staticmethod(np.sqrt)
    c_expr = "std::sqrt({0})"
    output_types_preference = staticmethod(upgrade_to_float)

    def grad(self, inputs, outputs, output_grads):
        return [output_grads[0] * 0.5 / outputs[0]]


class Pow(BinaryScalarOp):
    c_expr = "std::pow({0}, {1})"

    def impl(self, x, y):
        return np.power(x, y)

    def grad(self, inputs, outputs, output_grads):
        T = tensor()
        x, y = inputs
        (gz,) = output_grads
        gx = gz * y * T.pow(x, y - 1)
        gy = gz * outputs[0] * T.log(T.switch(T.eq(x, 0), 1, x))
        return [gx, gy]


class Second(BinaryScalarOp):
    """second(x, y): y, broadcast to the shape of x (Theano's `fill`)."""

    c_expr = "{1}"

    def impl(self, x, y):
        return np.broadcast_to(y, np.broadcast_shapes(np.shape(x), np.shape(y)))

    def output_dtypes(self, x, y):
        return (y,)

    def grad(self, inputs, outputs, output_grads):
        T = tensor()
        return [T.zeros_like(inputs[0], dtype=D.config.floatX)
                if D.is_discrete(inputs[0].dtype) else T.zeros_like(inputs[0]), output_grads[0]]


class Identity(UnaryScalarOp):
    c_expr = "{0}"

    def impl(self, x):
        return x

    def grad(self, inputs, outputs, output_grads):
        return [output_grads[0]]


class Cast(UnaryScalarOp):
    """Conversion to `o_type` (a dtype name)."""

    __props__ = ("o_type",)
    c_expr = "static_cast<{otype}>({0})"

    def __init__(self, o_type):
        self.o_type = D.check_dtype(o_type)
        super().__init__(f"convert_to_{self.o_type}")

    def output_dtypes(self, *dtypes):
        return (self.o_type,)

    def impl(self, x):
        return np.asarray(x).astype(self.o_type)

    def __str__(self):
        return f"Cast{{{self.o_type}}}"

    def grad(self, inputs, outputs, output_grads):
        T = tensor()
        (x,) = inputs
        if D.is_discrete(x.dtype):
            return [T.zeros_like(x, dtype=D.config.floatX)]
        return [T.cast(output_grads[0], x.dtype)]


add = Add("add")
mul = Mul("mul")
sub = Sub("sub")
true_div = TrueDiv("true_div")
neg = Neg("neg")
exp = Exp("exp")
log = Log("log")
sqrt = Sqrt("sqrt")
pow = Pow("pow")
second = Second("second")
identity = Identity("identity")
