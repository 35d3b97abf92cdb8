"""Ops the compiler inserts, where Theano kept them (`theano.compile.ops`), and `as_op`, which
makes a Python function an op. `DeepCopyOp` is defined with the IR (`transpile.graph.deepcopy`)
so that the backends below the compiler lower it."""
import functools

from transpile.graph.basic import Apply
from transpile.graph.deepcopy import DeepCopyOp, deep_copy_op  # noqa: F401  re-exported
from transpile.graph.op import Op
from transpile.graph.type import Type
from transpile.tensor.basic import as_tensor_variable


class FromFunctionOp(Op):
    """An op whose `perform` calls a Python function on numpy values (see `as_op`). It runs on
    the host: in FAST_RUN, between native segments. It has no gradient."""

    def __init__(self, fn, itypes, otypes, infer_shape=None):
        self.fn, self.itypes, self.otypes = fn, list(itypes), list(otypes)
        self._infer_shape = infer_shape
        functools.update_wrapper(self, fn)

    def __eq__(self, other):
        return (type(other) is type(self) and other.fn is self.fn and other.itypes == self.itypes
                and other.otypes == self.otypes and other._infer_shape is self._infer_shape)

    def __hash__(self):
        return hash((type(self), id(self.fn), tuple(self.itypes), tuple(self.otypes)))

    def __str__(self):
        return f"FromFunctionOp{{{getattr(self.fn, '__name__', 'fn')}}}"

    def make_node(self, *inputs):
        if len(inputs) != len(self.itypes):
            raise TypeError(f"{self} takes {len(self.itypes)} input(s), got {len(inputs)}")
        converted = []
        for i, (value, itype) in enumerate(zip(inputs, self.itypes)):
            var = as_tensor_variable(value)
            fitted = var if var.type == itype else itype.convert_variable(var)
            if fitted is None:
                raise TypeError(f"{self}: input {i} ({var}) has type {var.type}, expected {itype}")
            converted.append(fitted)
        return Apply(self, converted, [t() for t in self.otypes])

    def perform(self, node, inputs, output_storage):
        results = self.fn(*inputs)
        if len(self.otypes) == 1:
            results = [results]
        elif not isinstance(results, (list, tuple)) or len(results) != len(self.otypes):
            raise ValueError(f"{self}: the function must return {len(self.otypes)} values (a list or tuple)")
        for k, (value, otype, cell) in enumerate(zip(results, self.otypes, output_storage)):
            try:
                cell[0] = otype.filter(value, allow_downcast=True)
            except TypeError as err:
                raise TypeError(f"{self}: output {k} of the function does not fit {otype}: {err}") from None

    def infer_shape(self, node, input_shapes):
        if self._infer_shape is None:
            raise NotImplementedError(f"{self} was made without infer_shape")
        return self._infer_shape(node, input_shapes)


def as_op(itypes, otypes, infer_shape=None):
    """Decorator making a Python function (numpy values in, numpy values out) an op, as Theano's:

        @as_op(itypes=[T.dmatrix], otypes=[T.dvector])
        def row_medians(m):
            return np.median(m, axis=1)

    `itypes`/`otypes`: lists of types; `infer_shape(node, input_shapes) -> output shapes` is
    optional (without it, shape inference computes the op). No gradient."""
    itypes, otypes = _type_list(itypes, "itypes"), _type_list(otypes, "otypes")
    if infer_shape is not None and not callable(infer_shape):
        raise TypeError("as_op: infer_shape must be callable(node, input_shapes)")

    def make_op(fn):
        if not callable(fn):
            raise TypeError(f"as_op decorates a function, got {type(fn).__name__}")
        return FromFunctionOp(fn, itypes, otypes, infer_shape)
    return make_op


def _type_list(types, what):
    """Types, given as types or as Theano-style constructors (`T.dmatrix`, whose result's type is
    taken)."""
    if not isinstance(types, (list, tuple)):
        types = [types]
    out = []
    for t in types:
        if not isinstance(t, Type) and callable(t):
            t = getattr(t(), "type", t)
        if not isinstance(t, Type):
            raise TypeError(f"as_op: {what} must be a list of types (e.g. T.dmatrix), got {t!r}")
        out.append(t)
    return out


wrap_py = as_op  # PyTensor's name
