"""Symbolic differentiation: `grad` (reverse mode), `Lop`, `disconnected_grad`/`zero_grad`, and
`jacobian`/`hessian`, `verify_grad` (finite differences), `Rop`, `grad_clip`, `grad_scale`,
`undefined_grad`, `consider_constant` and `subgraph_grad`. They are defined in their own modules
(`transpile.jacobian_op` and `transpile.gradcheck`, above the compiler since they compile
functions; `transpile.gradient_extras`) and add themselves to this module when imported
(`import transpile` imports them).

`grad` walks the graph between `wrt` and the cost backwards in toposort order, calling each
node's `op.grad(inputs, output_grads)` (always the op's own method, so user subclasses are
honoured), summing the contributions reaching each variable, and fitting each contribution to
the variable's type (dtype, broadcastable dims). Integer-valued variables stop gradients.
"""
import warnings

from transpile.configdefaults import config
import transpile.tensor as T
from transpile.graph.basic import Variable
from transpile.graph.traversal import IdMap, io_toposort
from transpile.scalar import dtypes as D
from transpile.tensor.gradient_ops import (  # noqa: F401  undefined gradients and barriers, re-exported
    DisconnectedGrad,
    DisconnectedType,
    NullType,
    ZeroGrad,
    _GradientBarrier,
    _is_null,
    disconnected_grad,
    disconnected_grad_,
    disconnected_type,
    grad_not_implemented,
    gradient_as,
    is_disconnected,
    grad_undefined,
    zero_grad,
    zero_grad_,
)
from transpile.tensor.type import TensorType


class DisconnectedInputError(ValueError):
    """`wrt` is not part of the graph computing the cost."""


class NullTypeGradError(TypeError):
    """A gradient needed for `wrt` is mathematically undefined or not implemented."""


# -- grad ------------------------------------------------------------------------------------------
def _is_tensor(v):
    return isinstance(v.type, TensorType)


def _zeros_like(v):
    if _is_tensor(v):
        dtype = config.floatX if D.is_discrete(v.dtype) else v.dtype
        return T.zeros_like(v, dtype=dtype)
    if hasattr(v, "zeros_like"):
        return v.zeros_like()
    raise TypeError(f"grad: cannot make a zero gradient for {v} of type {v.type}")


def _fit(g, var, where):
    """`g` as a gradient of `var`: same ndim, dtype and broadcastable pattern."""
    if not (_is_tensor(var) and _is_tensor(g)):
        return g
    if g.ndim != var.ndim:
        raise ValueError(f"{where}: the gradient has {g.ndim} dimension(s) ({g.type}) but {var} has "
                         f"{var.ndim} ({var.type})")
    axes = [d for d in range(var.ndim) if var.broadcastable[d] and not g.broadcastable[d]]
    if axes:
        g = T.sum(g, axis=axes, keepdims=True)
    if any(gb and not vb for gb, vb in zip(g.broadcastable, var.broadcastable)):
        g = T.second(var, g)
    return gradient_as(g, var.dtype)


def _total(contributions):
    nulls = [g for g in contributions if _is_null(g)]
    if nulls:
        return nulls[0]
    if len(contributions) == 1:
        return contributions[0]
    if all(_is_tensor(g) for g in contributions):
        return T.add(*contributions)
    total = contributions[0]
    for g in contributions[1:]:
        total = total + g
    return total


def _connections(node):
    """connection[i][j]: whether output j depends on input i (all True unless the op says)."""
    pattern = getattr(node.op, "connection_pattern", None)
    if pattern is None:
        return [[True] * len(node.outputs) for _ in node.inputs]
    return pattern(node)


def _as_list(wrt, what):
    if isinstance(wrt, (list, tuple)):
        return list(wrt), False
    if isinstance(wrt, Variable):
        return [wrt], True
    raise TypeError(f"{what} must be a variable or a list of variables, got {type(wrt).__name__}")


def grad(cost, wrt, consider_constant=None, disconnected_inputs="raise", known_grads=None,
         return_disconnected="zero", null_gradients="raise"):
    """Gradient of the scalar `cost` with respect to `wrt` (a variable or a list: the result has
    the same structure).

    - `consider_constant`: variables through which no gradient flows back.
    - `disconnected_inputs`: 'raise' (DisconnectedInputError, a ValueError), 'warn' or 'ignore'
      when some `wrt` does not influence the cost; such inputs get zeros
      (`return_disconnected='zero'`) or None (`'none'`/`'disconnected'`).
    - `known_grads`: {variable: its gradient}, extra starting points for backpropagation;
      with `cost=None` they are the only ones (backprop from a hidden layer).
    - `null_gradients`: 'raise' (NullTypeGradError) or 'return' the undefined-gradient variable.
    """
    if disconnected_inputs not in ("raise", "warn", "ignore"):
        raise ValueError(f"disconnected_inputs must be 'raise', 'warn' or 'ignore', got {disconnected_inputs!r}")
    if str(return_disconnected).lower() not in ("zero", "none", "disconnected"):
        raise ValueError(f"return_disconnected must be 'zero', 'None' or 'Disconnected', got {return_disconnected!r}")
    wrt_list, single = _as_list(wrt, "grad: wrt")
    for i, w in enumerate(wrt_list):
        if not isinstance(w, Variable):
            raise TypeError(f"grad: wrt[{i}] must be a symbolic variable, got {type(w).__name__}")
        if D.is_discrete(getattr(w.type, "dtype", "float64")):
            raise TypeError(f"grad: cannot differentiate with respect to {w} of integer type {w.type}; "
                            "gradients are defined for floating-point variables only")

    seeds = _seeds(cost, known_grads)
    roots = seeds.keys()
    nodes = io_toposort(list(consider_constant or []), roots)
    connected, reachable = _connectivity(nodes, wrt_list, roots)

    contributions = IdMap()
    declared_disconnected = set()  # ids of inputs an op's grad said its outputs do not depend on
    for var, gs in seeds.items():
        contributions[var] = list(gs)

    for node in reversed(nodes):
        needed = [inp in connected and inp in reachable and not _stops(inp) for inp in node.inputs]
        if not any(needed):
            continue
        out_grads, any_grad = [], False
        for out in node.outputs:
            gs = contributions.get(out)
            if gs and not _stops(out):
                out_grads.append(_total(gs))
                any_grad = True
            else:
                out_grads.append(None)
        if not any_grad:
            continue
        null = next((g for g in out_grads if _is_null(g)), None)
        if null is not None:
            input_grads = [null] * len(node.inputs)
        else:
            out_grads = [g if g is not None else _zeros_like(o) for g, o in zip(out_grads, node.outputs)]
            input_grads = _call_op_grad(node, out_grads)
        for i, (inp, g) in enumerate(zip(node.inputs, input_grads)):
            if needed[i] and is_disconnected(g):
                declared_disconnected.add(id(inp))
            if not needed[i] or g is None or is_disconnected(g):
                continue
            if not _is_null(g):
                if not isinstance(g, Variable):
                    g = T.as_tensor_variable(g)
                g = _fit(g, inp, f"grad of {node.op} with respect to input {i} ({inp})")
            if inp in contributions:
                contributions[inp].append(g)
            else:
                contributions[inp] = [g]

    results = []
    for i, w in enumerate(wrt_list):
        gs = contributions.get(w)
        if w not in reachable or not (w in connected) or (not gs and id(w) in declared_disconnected):
            _disconnected(w, i, disconnected_inputs)
            results.append(_zeros_like(w) if str(return_disconnected).lower() == "zero" else None)
            continue
        if not gs:
            results.append(_zeros_like(w))  # connected only through integer values
            continue
        g = _total(gs)
        if _is_null(g) and null_gradients == "raise":
            raise NullTypeGradError(f"grad: cannot compute the gradient with respect to {w}: {g.type.why}")
        results.append(g)
    return results[0] if single else results


def _seeds(cost, known_grads):
    """{variable: [gradient]} where backpropagation starts: ones for the cost, known_grads."""
    seeds = IdMap()
    if cost is not None:
        if not isinstance(cost, Variable):
            cost = T.as_tensor_variable(cost)
        if getattr(cost.type, "ndim", None) != 0:
            raise TypeError(f"grad: the cost must be a scalar (0-d tensor), got {cost} of type {cost.type}; "
                            "sum it (or use jacobian) first")
        seeds[cost] = [T.ones_like(cost, dtype=config.floatX if D.is_discrete(cost.dtype) else cost.dtype)]
    elif not known_grads:
        raise TypeError("grad: cost is None and no known_grads were given: nothing to differentiate")
    for var, g in (known_grads.items() if hasattr(known_grads, "items") else known_grads or ()):
        if not isinstance(var, Variable):
            raise TypeError(f"grad: known_grads keys must be variables, got {type(var).__name__}")
        if not isinstance(g, Variable):
            g = T.as_tensor_variable(g)
        g = _fit(g, var, f"known_grads[{var}]")
        if var in seeds:
            seeds[var].append(g)
        else:
            seeds[var] = [g]
    return seeds


def _connectivity(nodes, wrt_list, roots):
    """(connected, reachable): variables depending on some wrt, and variables some root depends
    on, both through connected op inputs (see `connection_pattern`)."""
    connected = IdMap((w, True) for w in wrt_list)
    for node in nodes:
        pattern = _connections(node)
        for j, out in enumerate(node.outputs):
            if out not in connected and any(
                    inp in connected and pattern[i][j] for i, inp in enumerate(node.inputs)):
                connected[out] = True
    reachable = IdMap((r, True) for r in roots)
    for node in reversed(nodes):
        if any(o in reachable for o in node.outputs):
            pattern = _connections(node)
            for i, inp in enumerate(node.inputs):
                if any(pattern[i][j] for j, o in enumerate(node.outputs) if o in reachable):
                    reachable[inp] = True
    return connected, reachable


def _stops(var):
    """Integer-valued variables carry no gradient."""
    return _is_tensor(var) and D.is_discrete(var.dtype)


def _disconnected(w, i, policy):
    if policy == "ignore":
        return
    msg = (f"grad: the cost does not depend on wrt[{i}] ({w}, of type {w.type}): it is not part of the "
           "computational graph of the cost, or only through non-differentiable or constant parts. "
           "Pass disconnected_inputs='ignore' (or 'warn') to get zeros.")
    if policy == "raise":
        raise DisconnectedInputError(msg)
    warnings.warn(msg, stacklevel=3)


def _call_op_grad(node, out_grads):
    try:
        result = node.op.grad(list(node.inputs), out_grads)
    except NotImplementedError as err:
        raise NotImplementedError(
            f"grad: op {node.op} (node {node}) does not implement its gradient: {err}") from err
    if result is None or len(result) != len(node.inputs):
        got = "None" if result is None else f"{len(result)}"
        raise ValueError(f"grad: {node.op}.grad returned {got} gradients for {len(node.inputs)} inputs")
    return list(result)


T.grad = grad  # the language offers grad as Theano's T.grad did


def Lop(f, wrt, eval_points, consider_constant=None, disconnected_inputs="raise"):
    """Vector-Jacobian product: the gradient with respect to `wrt` of sum(f * eval_points)
    (`f` and `eval_points` may be lists)."""
    fs, _ = _as_list(f, "Lop: f")
    points = eval_points if isinstance(eval_points, (list, tuple)) else [eval_points]
    if len(points) != len(fs):
        raise ValueError(f"Lop: {len(fs)} expressions but {len(points)} eval_points")
    return grad(None, wrt, consider_constant=consider_constant, disconnected_inputs=disconnected_inputs,
                known_grads=list(zip(fs, points)))

