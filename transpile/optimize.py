"""PyTensor's `optimize`: scipy.optimize's `minimize`, `minimize_scalar`, `root` and `root_scalar`
as graph nodes.

    x, a = T.dvector("x"), T.dscalar("a")
    solution, success = minimize(((x - a) ** 2).sum(), x)
    da = T.grad(solution.sum(), a)          # implicit: no differentiation through the iterations

The objective (or the equations) is a graph of `x` and of the other inputs it reads, its
parameters (found in the graph, shared variables included). The node calls scipy on the host
with the objective and the derivatives the method uses (built here with `grad`/`jacobian`)
compiled once, from x's value as the start; its outputs are the solution and scipy's success
flag. The solution's gradient with respect to the parameters is the implicit function theorem's
at the solution: a minimum has grad_x f(x*, p) = 0, so dx*/dp = -H^-1 d(grad_x f)/dp; a root has
F(x*, p) = 0, so dx*/dp = -J^-1 dF/dp. The start x gets no gradient.
"""
import numpy as np

import transpile.tensor as T
from transpile.compile.inner import InnerFunction
from transpile.configdefaults import config
from transpile.emit.registry import register_host_only
from transpile.gradient import grad, jacobian
from transpile.graph.basic import Apply, Constant
from transpile.graph.op import Op
from transpile.graph.traversal import ancestors, clone_replace, graph_inputs
from transpile.lazy_import import lazy_module
from transpile.tensor.reshape_dims import pack, unpack

scipy_optimize = lazy_module("scipy.optimize")

__all__ = ["minimize", "minimize_scalar", "root", "root_scalar"]


def _parameters(expression, x):
    """The inputs of `expression` other than `x` (no constants), in graph order."""
    if not any(v is x for v in ancestors([expression])):
        raise ValueError(f"the variable {x} is not an input of the graph of {expression}")
    return [v for v in graph_inputs([expression]) if v is not x and not isinstance(v, Constant)]


class _ScipySolve(Op):
    """A scipy solver over an inner graph of (x, *parameters). `condition` is the outer graph
    that is zero at the solution (the gradient of the objective, or the equations), for the
    implicit gradient. Each instance owns its graph, so instances compare by identity."""

    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def __init__(self, x, params, inner_outputs, condition, method, optimizer_kwargs):
        outer = [x, *params]
        inner = [v.type(v.name) for v in outer]
        self.fn = InnerFunction(inner, clone_replace(inner_outputs, list(zip(outer, inner))),
                                name=type(self).__name__)
        self.x, self.params, self.condition = x, list(params), condition
        self.method, self.optimizer_kwargs = method, dict(optimizer_kwargs or {})

    def make_node(self, x, *params):
        x = T.as_tensor_variable(x)
        return Apply(self, [x, *params], [x.type(), T.TensorType("bool", ())()])

    def perform(self, node, inputs, output_storage):
        self._run(inputs, output_storage, None)

    def prepare_host(self, mode):
        self.fn.prepare(mode)

    def run_host(self, node, inputs, output_storage, mode):
        """The native linker's call: the inner graph compiled with the outer function's mode."""
        self._run(inputs, output_storage, mode)

    def _run(self, inputs, output_storage, mode):
        x0, *params = inputs
        compiled = self.fn.compiled(mode)

        def call(x):
            return compiled(np.asarray(x, dtype=x0.dtype).reshape(x0.shape), *params)

        solution, success = self.solve(call, np.asarray(x0))
        output_storage[0][0] = np.asarray(solution, dtype=x0.dtype).reshape(x0.shape)
        output_storage[1][0] = np.array(bool(success))

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0], ()]

    def grad(self, inputs, output_grads):
        x, *params = inputs
        x_star = self(x, *params)[0]
        g = output_grads[0]
        condition = clone_replace(self.condition, [(self.x, x_star)] + list(zip(self.params, params)))
        if x.ndim == 0:
            v = g / grad(condition, x_star)
        else:
            matrix = jacobian(condition, x_star)
            v = T.linalg.solve(matrix.T, g, b_ndim=1)
        floats = [p for p in params if p.dtype.startswith(("float", "complex"))]
        grads = grad(T.sum(condition * v), floats, consider_constant=[x_star, v], disconnected_inputs="ignore",
                     return_disconnected="zero") if floats else []
        by_param = dict(zip(map(id, floats), grads))
        zeros = T.zeros_like(x, dtype=x.dtype if x.dtype.startswith("float") else config.floatX)
        return [zeros] + [-by_param[id(p)] if id(p) in by_param else T.zeros_like(p, dtype=config.floatX)
                          for p in params]

    def __str__(self):
        return f"{type(self).__name__}{{method={self.method!r}}}"


class MinimizeOp(_ScipySolve):
    """scipy.optimize.minimize of a scalar objective of a scalar or vector x."""

    def __init__(self, x, params, objective, method, jac, hess, optimizer_kwargs):
        gradient = grad(objective, x)
        outputs = [objective] + ([gradient] if jac else []) + ([jacobian(gradient, x)] if hess else [])
        super().__init__(x, params, outputs, gradient, method, optimizer_kwargs)
        self.jac, self.hess = jac, hess

    def solve(self, call, x0):
        def fun(x):
            values = call(x)
            return (float(values[0]), np.ravel(values[1])) if self.jac else float(values[0])

        hess = (lambda x: np.atleast_2d(call(x)[-1])) if self.hess else None
        result = scipy_optimize.minimize(fun, np.ravel(x0), jac=self.jac, hess=hess, method=self.method,
                                         **self.optimizer_kwargs)
        return result.x, result.success


class MinimizeScalarOp(_ScipySolve):
    """scipy.optimize.minimize_scalar of a scalar objective of a scalar x (x's value unused:
    the method brackets the minimum itself, or from `bracket`/`bounds` in optimizer_kwargs)."""

    def __init__(self, x, params, objective, method, optimizer_kwargs):
        super().__init__(x, params, [objective], grad(objective, x), method, optimizer_kwargs)

    def solve(self, call, x0):
        result = scipy_optimize.minimize_scalar(lambda x: float(call(x)[0]), method=self.method, **self.optimizer_kwargs)
        return result.x, result.success


class RootOp(_ScipySolve):
    """scipy.optimize.root of vector equations in a vector x of the same length."""

    def __init__(self, x, params, equations, method, jac, optimizer_kwargs):
        outputs = [equations] + ([jacobian(equations, x)] if jac else [])
        super().__init__(x, params, outputs, equations, method, optimizer_kwargs)
        self.jac = jac

    def solve(self, call, x0):
        def fun(x):
            values = call(x)
            return (np.ravel(values[0]), np.atleast_2d(values[1])) if self.jac else np.ravel(values[0])

        result = scipy_optimize.root(fun, np.ravel(x0), jac=self.jac, method=self.method, **self.optimizer_kwargs)
        return result.x, result.success


class RootScalarOp(_ScipySolve):
    """scipy.optimize.root_scalar of one equation in a scalar x (x's value is the start x0)."""

    def __init__(self, x, params, equation, method, jac, hess, optimizer_kwargs):
        first = grad(equation, x) if jac or hess else None
        outputs = [equation] + ([first] if jac else []) + ([grad(first, x)] if hess else [])
        super().__init__(x, params, outputs, equation, method, optimizer_kwargs)
        self.jac, self.hess = jac, hess

    def solve(self, call, x0):
        kwargs = dict(self.optimizer_kwargs)
        kwargs.setdefault("x0", float(x0))
        result = scipy_optimize.root_scalar(
            lambda x: float(call(x)[0]), method=self.method,
            fprime=(lambda x: float(call(x)[1])) if self.jac else None,
            fprime2=(lambda x: float(call(x)[-1])) if self.hess else None, **kwargs)
        return result.root, result.converged


def _check(expression, x, what, expression_name, expression_ndim, x_ndims):
    expression, x = T.as_tensor_variable(expression), T.as_tensor_variable(x)
    if x.owner is not None or isinstance(x, Constant):
        raise TypeError(f"{what}: x must be an input variable (not computed, not a constant), got {x}")
    if x.ndim not in x_ndims:
        raise TypeError(f"{what}: x must have {' or '.join(map(str, x_ndims))} dims, got {x} ({x.type})")
    if expression.ndim != expression_ndim:
        raise TypeError(f"{what}: the {expression_name} must have {expression_ndim} dims, got {expression} "
                        f"({expression.type})")
    return expression, x


def _packed(expression, x):
    """x as one vector (several variables are packed, the expression rewritten over it)."""
    if not isinstance(x, (list, tuple)):
        return expression, x, None
    if len(x) == 1:
        return expression, x[0], None
    xs = [T.as_tensor_variable(v) for v in x]
    packed, shapes = pack(*xs)
    start = T.TensorType(packed.dtype, (False,))("x_packed")
    pieces = unpack(start, shapes)
    expression = clone_replace(expression, [(v, p.astype(v.dtype)) for v, p in zip(xs, pieces)])
    return expression, (start, packed, shapes), xs


def minimize(objective, x, method="BFGS", jac=True, hess=False, optimizer_kwargs=None):
    """(solution, success) of scipy.optimize.minimize of the scalar `objective` over `x` (a
    scalar or vector input variable, or a list of input variables, optimized together),
    starting from x's value; `jac`/`hess` give the method the gradient / Hessian."""
    objective, packing, xs = _packed(T.as_tensor_variable(objective), x)
    if xs is None:
        objective, x = _check(objective, packing, "minimize", "objective", 0, (0, 1))
        params = _parameters(objective, x)
        return MinimizeOp(x, params, objective, method, jac, hess, optimizer_kwargs)(x, *params)
    start, packed, shapes = packing
    params = _parameters(objective, start)
    solution, success = MinimizeOp(start, params, objective, method, jac, hess, optimizer_kwargs)(packed, *params)
    return [p.astype(v.dtype) for p, v in zip(unpack(solution, shapes), xs)], success


def minimize_scalar(objective, x, method="brent", optimizer_kwargs=None):
    """(solution, success) of scipy.optimize.minimize_scalar of the scalar `objective` over the
    scalar input variable `x`."""
    objective, x = _check(objective, x, "minimize_scalar", "objective", 0, (0,))
    params = _parameters(objective, x)
    return MinimizeScalarOp(x, params, objective, method, optimizer_kwargs)(x, *params)


def root(equations, variables, method="hybr", jac=True, optimizer_kwargs=None):
    """(solution, success) of scipy.optimize.root: `variables` (a vector input variable) with
    `equations` (a vector of the same length) zero, starting from their value."""
    equations, x = _check(equations, variables, "root", "equations", 1, (1,))
    params = _parameters(equations, x)
    return RootOp(x, params, equations, method, jac, optimizer_kwargs)(x, *params)


def root_scalar(equation, variable, method="secant", jac=False, hess=False, optimizer_kwargs=None):
    """(solution, success) of scipy.optimize.root_scalar: the scalar input `variable` with the
    scalar `equation` zero, from its value (methods that bracket take `bracket` in
    optimizer_kwargs)."""
    equation, x = _check(equation, variable, "root_scalar", "equation", 0, (0,))
    params = _parameters(equation, x)
    return RootScalarOp(x, params, equation, method, jac, hess, optimizer_kwargs)(x, *params)


for _op in (MinimizeOp, MinimizeScalarOp, RootOp, RootScalarOp):
    register_host_only(_op, "scipy.optimize iterates on the host, calling the objective compiled once")
