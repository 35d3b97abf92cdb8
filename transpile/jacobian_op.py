"""`jacobian` and `hessian` without scan.

The Jacobian of `expression` with respect to `wrt` has one row per element of `expression`:
row k is the vector-Jacobian product of the k-th unit vector, i.e.
`grad(None, wrt, known_grads={expression: e_k})`. That product is one symbolic graph with a
cotangent input `v`; `JacobianOp` compiles it once (lazily) as an inner function and, in its
`perform`, evaluates it for every unit vector `e_k`, stacking the rows. The number of rows is
only known at run time, which is why the loop lives in `perform` rather than in the graph.

When the number of rows is known while building the graph, the Jacobian is built symbolically
instead, with no inner function and no host loop (so FAST_RUN compiles it natively): when every
dimension of `expression` is broadcastable (a single element), or when it is a vector of static
length (`T.get_vector_length`; for `hessian`, when `wrt` is) of at most `MAX_SYMBOLIC_ROWS`
rows, one `grad` per row, stacked.

The result has shape `expression.shape + wrt.shape` and the dtype of `wrt`. The op has no
gradient itself (no third derivatives through `hessian`), and no native lowering: it runs its
inner function with the numpy executor.
"""
import numpy as np

import transpile.gradient
import transpile.tensor as T
from transpile.compile.function import function
from transpile.gradient import grad
from transpile.graph.basic import Apply, Constant, Variable
from transpile.graph.op import Op
from transpile.graph.traversal import clone_replace, graph_inputs


#: above this many statically known rows, the Jacobian uses JacobianOp (one graph per row
#: would make graphs, and builds, grow with the row count)
MAX_SYMBOLIC_ROWS = 32


class JacobianOp(Op):
    """Inputs: (expression, wrt, *free inputs of the product graph). Each instance carries its
    own inner graph, so instances compare by identity (never merged)."""

    foldable = False
    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def __init__(self, expression, wrt, consider_constant=None, disconnected_inputs="raise"):
        self.cotangent = expression.type("cotangent")
        vjp = grad(None, wrt, consider_constant=consider_constant, disconnected_inputs=disconnected_inputs,
                   known_grads={expression: self.cotangent})
        self.free = [v for v in graph_inputs([vjp]) if not isinstance(v, Constant) and v is not self.cotangent]
        self.inner_inputs = [v.type(v.name) for v in self.free]
        self.inner_output = clone_replace(vjp, list(zip(self.free, self.inner_inputs)))
        self.out_type = wrt.type.clone(broadcastable=expression.broadcastable + wrt.broadcastable)
        self._fn = None

    def make_node(self, expression, wrt):
        return Apply(self, [expression, wrt] + list(self.free), [self.out_type()])

    def inner_function(self):
        if self._fn is None:
            self._fn = function([self.cotangent] + self.inner_inputs, self.inner_output,
                                on_unused_input="ignore")
        return self._fn

    def perform(self, node, inputs, output_storage):
        expr_value, wrt_value, free_values = inputs[0], inputs[1], inputs[2:]
        fn = self.inner_function()
        n = expr_value.size
        out = np.zeros((n,) + wrt_value.shape, dtype=self.out_type.dtype)
        unit = np.zeros(expr_value.shape, dtype=expr_value.dtype)
        flat_unit = unit.reshape(-1)
        for k in range(n):
            flat_unit[k] = 1
            out[k] = fn(unit, *free_values)
            flat_unit[k] = 0
        output_storage[0][0] = out.reshape(expr_value.shape + wrt_value.shape)

    def infer_shape(self, node, input_shapes):
        return [tuple(input_shapes[0]) + tuple(input_shapes[1])]

    def __str__(self):
        return "JacobianOp"


def _static_length(v, depth=8):
    """Length of vector `v` when known while building the graph: `get_vector_length`, or for
    an elementwise result, that of an input it is not broadcast from."""
    known = T.get_vector_length(v)
    if known is not None or depth == 0 or v.owner is None or getattr(v.owner.op, "scalar_op", None) is None:
        return known
    for inp in v.owner.inputs:
        if inp.ndim == 1 and not inp.broadcastable[0]:
            known = _static_length(inp, depth - 1)
            if known is not None:
                return known
    return None


def _jacobian_one(expression, wrt, consider_constant, disconnected_inputs, rows=None):
    if rows is None and expression.ndim == 1:
        rows = _static_length(expression)
    if expression.ndim == 1 and rows is not None and 1 < rows <= MAX_SYMBOLIC_ROWS:
        return T.stack([grad(expression[k], wrt, consider_constant=consider_constant,
                             disconnected_inputs=disconnected_inputs) for k in range(rows)])
    if expression.ndim == 0:
        return grad(expression, wrt, consider_constant=consider_constant,
                    disconnected_inputs=disconnected_inputs)
    if all(expression.broadcastable):
        g = grad(T.sum(expression), wrt, consider_constant=consider_constant,
                 disconnected_inputs=disconnected_inputs)
        return g.dimshuffle(["x"] * expression.ndim + list(range(wrt.ndim)))
    op = JacobianOp(expression, wrt, consider_constant, disconnected_inputs)
    return op(expression, wrt)


def jacobian(expression, wrt, consider_constant=None, disconnected_inputs="raise"):
    """d expression / d wrt, of shape `expression.shape + wrt.shape` (`wrt` a variable or a
    list: the result has the same structure). A 0-d expression gives `grad`."""
    if not isinstance(expression, Variable):
        expression = T.as_tensor_variable(expression)
    single = not isinstance(wrt, (list, tuple))
    wrts = [wrt] if single else list(wrt)
    result = [_jacobian_one(expression, w, consider_constant, disconnected_inputs) for w in wrts]
    return result[0] if single else result


def hessian(cost, wrt, consider_constant=None, disconnected_inputs="raise"):
    """Matrix of second derivatives of the scalar `cost`: the Jacobian of `grad(cost, wrt)` with
    respect to `wrt`, of shape `wrt.shape + wrt.shape` (one per `wrt` given as a list)."""
    cost = cost if isinstance(cost, Variable) else T.as_tensor_variable(cost)
    if cost.ndim != 0:
        raise TypeError(f"hessian: the cost must be a scalar (0-d tensor), got {cost} of type {cost.type}")
    single = not isinstance(wrt, (list, tuple))
    wrts = [wrt] if single else list(wrt)
    result = []
    for w in wrts:
        g = grad(cost, w, consider_constant=consider_constant, disconnected_inputs=disconnected_inputs)
        rows = T.get_vector_length(w) if w.ndim == 1 else None  # g has w's shape
        result.append(_jacobian_one(g, w, consider_constant, disconnected_inputs, rows))
    return result[0] if single else result


transpile.gradient.jacobian, transpile.gradient.hessian = jacobian, hessian  # offered where Theano had them
