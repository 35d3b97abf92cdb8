"""Gradient tools beyond `grad`, added to `transpile.gradient` when imported (`import transpile` does):

- `Rop(f, wrt, eval_points)`: Jacobian-vector products (forward mode), e.g. Hessian-vector
  products `Rop(grad(cost, w), w, v)`;
- `grad_clip`, `grad_scale`, `undefined_grad`, `consider_constant`: identities in the forward
  pass that change what `grad` sees;
- `subgraph_grad`: the gradient of one part of a graph, for chaining gradients by hand;
- PyTensor's `pushforward` (= Rop) and `hessian_vector_product`.

Rop is built by the double-Lop trick rather than per-op R-operators: with a dummy `u` of f's
type, `Lop(f, wrt, u) = J^T u` is linear in `u`, so `J v = d/du <J^T u, v>`, which is one more
`grad`. Every op with a `grad` (whose gradient graph is itself differentiable) gets an Rop for
free; no op needs a second method. `u` is then replaced by zeros (the result does not depend on
its value, only possibly on its shape). The rewrites simplify the second backward pass; the
price is that the graph is built through two reverse passes instead of one forward one.
"""
import transpile.gradient
import transpile.tensor as T
from transpile.gradient import (
    DisconnectedInputError,
    _GradientBarrier,
    _as_list,
    grad,
    grad_undefined,
    zero_grad,
)
from transpile.graph.basic import Variable
from transpile.graph.traversal import ancestors, clone_replace


# -- identities that change the gradient -----------------------------------------------------------
class GradClip(_GradientBarrier):
    """Identity whose gradient is clipped elementwise to [lower_bound, upper_bound]."""

    __props__ = ("lower_bound", "upper_bound")

    def __init__(self, lower_bound, upper_bound):
        self.lower_bound, self.upper_bound = float(lower_bound), float(upper_bound)
        if not self.lower_bound <= self.upper_bound:
            raise ValueError(f"grad_clip: lower bound {lower_bound} is above upper bound {upper_bound}")

    def grad(self, inputs, output_grads):
        return [T.clip(output_grads[0], self.lower_bound, self.upper_bound)]

    def __str__(self):
        return f"GradClip{{{self.lower_bound}, {self.upper_bound}}}"


class GradScale(_GradientBarrier):
    """Identity whose gradient is multiplied by `multiplier`."""

    __props__ = ("multiplier",)

    def __init__(self, multiplier):
        self.multiplier = float(multiplier)

    def grad(self, inputs, output_grads):
        return [output_grads[0] * self.multiplier]

    def __str__(self):
        return f"GradScale{{{self.multiplier}}}"


class UndefinedGrad(_GradientBarrier):
    """Identity whose gradient is undefined: `grad` raises NullTypeGradError if it needs it."""

    def grad(self, inputs, output_grads):
        return [grad_undefined(self, 0, inputs[0], "the variable was marked with undefined_grad")]


undefined_grad_ = UndefinedGrad()


def grad_clip(x, lower_bound, upper_bound):
    """`x`, whose gradient is clipped to [lower_bound, upper_bound] as it flows back through it
    (against exploding gradients). Bounds are Python numbers."""
    return GradClip(lower_bound, upper_bound)(x)


def grad_scale(x, multiplier):
    """`x`, whose gradient is multiplied by `multiplier` (a Python number; negative reverses it,
    as in gradient-reversal layers)."""
    return GradScale(multiplier)(x)


def undefined_grad(x):
    """`x`, through which taking a gradient is an error (NullTypeGradError naming it)."""
    return undefined_grad_(x)


def consider_constant(x):
    """`x`, with a zero gradient (Theano's deprecated `consider_constant` op; `zero_grad` and
    `disconnected_grad` are the current names). Unlike `grad(..., consider_constant=[x])`,
    the input stays connected, so no DisconnectedInputError is raised."""
    return zero_grad(x)


# -- forward mode ----------------------------------------------------------------------------------
def Rop(f, wrt, eval_points, disconnected_outputs="raise", return_disconnected="zero"):
    """Jacobian of `f` with respect to `wrt` times `eval_points` (one per `wrt`, same shape):
    sum_j df/dwrt_j . eval_points_j. `f` and `wrt` may be variables or lists; the result has f's
    structure. See the module docstring for how it is computed.

    `disconnected_outputs`: 'raise' (DisconnectedInputError, a ValueError) or 'ignore' when
    some f depends on no `wrt`; such an f gets zeros (`return_disconnected='zero'`) or None."""
    if disconnected_outputs not in ("raise", "ignore", "warn"):
        raise ValueError(f"Rop: disconnected_outputs must be 'raise', 'warn' or 'ignore', got {disconnected_outputs!r}")
    fs, single_f = _as_list(f, "Rop: f")
    wrts, single_w = _as_list(wrt, "Rop: wrt")
    points = _paired(eval_points, wrts, "Rop", "eval_points")
    fs = [v if isinstance(v, Variable) else T.as_tensor_variable(v) for v in fs]
    results = []
    for i, fi in enumerate(fs):
        if not _depends_on(fi, wrts):
            if disconnected_outputs == "raise":
                raise DisconnectedInputError(
                    f"Rop: f[{i}] ({fi}) does not depend on any wrt variable; pass "
                    "disconnected_outputs='ignore' to get zeros")
            results.append(T.zeros_like(fi) if str(return_disconnected).lower() == "zero" else None)
            continue
        results.append(_rop_one(fi, wrts, points))
    return results[0] if single_f else results


def _paired(points, wrts, what, name):
    """`points` (one or a list) as variables, one per wrt variable with its number of dims."""
    points = list(points) if isinstance(points, (list, tuple)) else [points]
    if len(points) != len(wrts):
        raise ValueError(f"{what}: {len(wrts)} wrt variable(s) but {len(points)} {name}")
    points = [p if isinstance(p, Variable) else T.as_tensor_variable(p) for p in points]
    for i, (w, p) in enumerate(zip(wrts, points)):
        if getattr(p, "ndim", None) != getattr(w, "ndim", None):
            raise TypeError(f"{what}: {name}[{i}] ({p}, {p.type}) must have the dimensionality of wrt[{i}] "
                            f"({w}, {w.type})")
    return points


def _depends_on(f, wrts):
    seen = {id(v) for v in ancestors([f], blockers=wrts)}
    return any(id(w) in seen for w in wrts)


def _rop_one(f, wrts, points):
    dummy = f.type("rop_cotangent")
    vjps = grad(None, wrts, known_grads={f: dummy}, disconnected_inputs="ignore", return_disconnected="none")
    terms = [T.sum(g * p) for g, p in zip(vjps, points) if g is not None]
    jvp = grad(T.add(*terms) if len(terms) > 1 else terms[0], dummy, disconnected_inputs="ignore")
    return clone_replace(jvp, [(dummy, T.zeros_like(f))])


#: PyTensor's names: its Rop by the double-Lop trick is `pushforward_through_pullback`, the
#: one this Rop always uses
pushforward = pushforward_through_pullback = Rop


def hessian_vector_product(cost, wrt, p, consider_constant=None):
    """The Hessian of scalar `cost` with respect to `wrt` times `p` (one per wrt, same shapes;
    lists or single variables): the gradient of <grad(cost, wrt), p> (Pearlmutter), one more
    reverse pass instead of the Hessian."""
    wrts, single = _as_list(wrt, "hessian_vector_product: wrt")
    points = _paired(p, wrts, "hessian_vector_product", "p")
    grads = grad(cost, wrts, consider_constant=consider_constant)
    inner = T.add(*[T.sum(g * v) for g, v in zip(grads, points)]) if len(grads) > 1 else T.sum(grads[0] * points[0])
    products = grad(inner, wrts, consider_constant=consider_constant, disconnected_inputs="ignore")
    return products[0] if single else products


# -- gradients of a part of a graph ----------------------------------------------------------------
def subgraph_grad(wrt, end, start=None, cost=None, details=False):
    """Gradients with respect to `wrt` and to `end` (lists of variables) of `cost` and/or of the
    known gradients `start` ({variable: its gradient}), with backpropagation stopped at the `end`
    variables: the gradient of one stage of a graph, chained by hand to the next stage with
    `start={end_var: its gradient}`, as Theano's `subgraph_grad`.

    Returns (wrt gradients, end gradients), or with `details=True` also the gradients of
    `start` alone and of `cost` alone (over wrt + end, None when not given)."""
    if cost is None and start is None:
        raise ValueError("subgraph_grad: give a cost, start gradients, or both")
    if not isinstance(wrt, (list, tuple)) or not isinstance(end, (list, tuple)):
        raise TypeError("subgraph_grad: wrt and end must be lists of variables")
    if start is not None and not hasattr(start, "items"):
        raise TypeError(f"subgraph_grad: start must be a dict {{variable: gradient}}, got {type(start).__name__}")
    params = []
    for v in list(wrt) + list(end):
        if not any(v is p for p in params):
            params.append(v)
    start_grads = cost_grads = None
    if start is not None:
        start_grads = grad(None, params, known_grads=start, consider_constant=list(end),
                           disconnected_inputs="ignore")
    if cost is not None:
        cost_grads = grad(cost, params, consider_constant=list(end), disconnected_inputs="ignore")
    if start_grads is None:
        total = cost_grads
    elif cost_grads is None:
        total = start_grads
    else:
        total = [a + b for a, b in zip(start_grads, cost_grads)]

    def lookup(v):
        return total[next(k for k, p in enumerate(params) if p is v)]

    wrt_grads, end_grads = [lookup(v) for v in wrt], [lookup(v) for v in end]
    if details:
        return wrt_grads, end_grads, start_grads, cost_grads
    return wrt_grads, end_grads


for _name in ("GradClip", "GradScale", "Rop", "UndefinedGrad", "consider_constant", "grad_clip", "grad_scale",
              "hessian_vector_product", "pushforward", "pushforward_through_pullback", "subgraph_grad", "undefined_grad"):
    setattr(transpile.gradient, _name, globals()[_name])  # offered where Theano had them
