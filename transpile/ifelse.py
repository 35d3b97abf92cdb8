"""`ifelse(condition, then_branch, else_branch)`: lazy choice between two graphs (Theano's).

    from transpile.ifelse import ifelse
    z = ifelse(T.lt(a, b), T.mean(x), T.mean(y))     # only one mean is computed

`T.switch` computes both sides elementwise and picks per element; `ifelse` takes a scalar
condition (any dtype, nonzero is true) and computes only the branch it takes. Lists of
then/else values (same length, matching types) give several outputs.

Design: `ifelse` builds an `IfElse` node whose inputs are the condition and both branches'
values (so gradients, shapes and every rewrite see an ordinary node). At compile time, in every
mode, the pass `lazy_ifelse` moves the nodes that only feed one branch into that branch's inner
graph, turning the node into a `LazyIfElse`: its inputs are the condition and the values each
branch reads from outside; its `perform` evaluates the condition and runs only the taken
branch's inner graph (`transpile.compile.inner`). Laziness is thus a property of the op, not of
the executor: the reference executor and the native backend both get it. FAST_RUN lowers each
branch into a C++ function of the graph's own library, called under `if (cond != 0)`
(transpile/emit/cpp/rules/control.py); a branch holding a host-only op keeps the node on the
host, each branch then compiled once with the outer mode and called from Python.
"""
import numpy as np

import transpile.tensor as T
from transpile.compile.inner import InnerFunction, store
from transpile.configdefaults import config
from transpile.graph.basic import Apply, Constant, Variable
from transpile.graph.op import Op
from transpile.graph.rewriting import graph_rewriter, node_rewriter
from transpile.graph.traversal import clone_replace
from transpile.scalar import dtypes
from transpile.tensor.type import TensorType

__all__ = ["IfElse", "LazyIfElse", "ifelse"]


def _truth(value):
    """Nonzero (NaN included) is true, as in C and Theano."""
    return bool(np.asarray(value) != 0)


def _check_condition(condition):
    cond = condition if isinstance(condition, Variable) else T.as_tensor_variable(condition)
    if not isinstance(cond.type, TensorType) or cond.ndim != 0:
        raise TypeError(f"ifelse: the condition must be a scalar (0-d tensor), got {cond} of type {cond.type}")
    return cond


def _unify(i, then_value, else_value):
    """(then, else) of one output with one type: python values adopt the other side's dtype,
    and a side more broadcastable than the other stands in for it."""
    if not isinstance(then_value, Variable) and isinstance(else_value, Variable):
        then_value = T.as_tensor_variable(then_value, dtype=getattr(else_value, "dtype", None))
    if not isinstance(else_value, Variable):
        else_value = T.as_tensor_variable(else_value, dtype=getattr(then_value, "dtype", None))
    if not isinstance(then_value, Variable):
        then_value = T.as_tensor_variable(then_value)
    if then_value.type == else_value.type:
        return then_value, else_value
    fitted = then_value.type.convert_variable(else_value)
    if fitted is not None:
        return then_value, fitted
    fitted = else_value.type.convert_variable(then_value)
    if fitted is not None:
        return fitted, else_value
    raise TypeError(f"ifelse: output {i}: the then branch has type {then_value.type} but the else branch has type "
                    f"{else_value.type}; both branches must have the same dtype and number of dimensions "
                    "(cast one of them)")


class IfElse(Op):
    """Inputs: (condition, then_0..then_{n-1}, else_0..else_{n-1}); outputs: n values, each the
    then or the else value. Its own `perform` merely selects (both values are already
    computed); laziness comes from the `lazy_ifelse` pass, which every mode runs."""

    __props__ = ("n_outs",)

    def __init__(self, n_outs, name=None):
        self.n_outs = int(n_outs)
        self.name = name

    def __str__(self):
        return f"if{{{self.name}}}" if self.name else "if{}"

    __repr__ = __str__

    def make_node(self, condition, *branches):
        if len(branches) != 2 * self.n_outs:
            raise TypeError(f"{self}: expected {self.n_outs} then and {self.n_outs} else values, "
                            f"got {len(branches)} values")
        cond = _check_condition(condition)
        pairs = [_unify(i, t, e) for i, (t, e) in enumerate(zip(branches[:self.n_outs], branches[self.n_outs:]))]
        thens = [t for t, _ in pairs]
        elses = [e for _, e in pairs]
        return Apply(self, [cond] + thens + elses, [t.type() for t in thens])

    def perform(self, node, inputs, output_storage):
        n = self.n_outs
        chosen = inputs[1:1 + n] if _truth(inputs[0]) else inputs[1 + n:]
        store(node, output_storage, [np.array(v, copy=True) for v in chosen])

    def connection_pattern(self, node):
        n = self.n_outs
        pattern = [[False] * n]
        for k in range(2 * n):
            pattern.append([j == k % n for j in range(n)])
        return pattern

    def grad(self, inputs, output_grads):
        """The gradient flows to the branch taken, zeros to the other; the condition is
        disconnected."""
        n = self.n_outs
        cond = inputs[0]
        thens, elses = inputs[1:1 + n], inputs[1 + n:]
        keep = [k for k in range(n) if not dtypes.is_discrete(_dtype(thens[k]))]
        then_grads = [T.zeros_like(v, dtype=config.floatX) for v in thens]
        else_grads = [T.zeros_like(v, dtype=config.floatX) for v in elses]
        if keep:
            gs = [output_grads[k] for k in keep]
            zeros = [T.zeros_like(g) for g in gs]
            op = IfElse(len(keep), f"grad_{self.name}" if self.name else None)
            to_then = _as_list(op(cond, *gs, *zeros))
            to_else = _as_list(op(cond, *zeros, *gs))
            for k, a, b in zip(keep, to_then, to_else):
                then_grads[k], else_grads[k] = a, b
        return [None] + then_grads + else_grads

    def infer_shape(self, node, input_shapes):
        """Where both branches agree on a length, that length; elsewhere an ifelse of the two."""
        n = self.n_outs
        cond = node.inputs[0]
        shapes = []
        for k in range(n):
            dims = []
            for a, b in zip(input_shapes[1 + k], input_shapes[1 + n + k]):
                if a is b or (isinstance(a, Constant) and isinstance(b, Constant) and a.data == b.data):
                    dims.append(a)
                else:
                    dims.append(IfElse(1)(cond, _length(a), _length(b)))
            shapes.append(tuple(dims))
        return shapes


def _dtype(var):
    return getattr(var.type, "dtype", "float64")


def _length(value):
    return T.cast(T.as_tensor_variable(value), "int64")


def _as_list(outputs):
    return outputs if isinstance(outputs, list) else [outputs]


def ifelse(condition, then_branch, else_branch, name=None):
    """`then_branch` if the scalar `condition` is nonzero, else `else_branch`; only the branch
    taken is computed. Branches are variables or equal-length lists of variables (then the
    result is a list)."""
    several = isinstance(then_branch, (list, tuple))
    if several != isinstance(else_branch, (list, tuple)):
        raise TypeError("ifelse: then_branch and else_branch must both be variables or both be lists; got "
                        f"{type(then_branch).__name__} and {type(else_branch).__name__}")
    thens = list(then_branch) if several else [then_branch]
    elses = list(else_branch) if several else [else_branch]
    if len(thens) != len(elses):
        raise TypeError(f"ifelse: the then branch has {len(thens)} outputs but the else branch has {len(elses)}; "
                        "they must have the same number")
    if not thens:
        raise TypeError("ifelse: the branches are empty lists")
    outputs = _as_list(IfElse(len(thens), name)(condition, *thens, *elses))
    return outputs if several else outputs[0]


@node_rewriter("canonicalize", "fast_run", "useless_ifelse", tracks=(IfElse,))
def useless_ifelse(fgraph, node):
    """A constant condition picks its branch; an output whose two branches are the same
    variable is that variable (e.g. the lengths the branches agree on, once merged)."""
    n = node.op.n_outs
    cond, thens, elses = node.inputs[0], node.inputs[1:1 + n], node.inputs[1 + n:]
    if isinstance(cond, Constant):
        return list(thens) if _truth(cond.data) else list(elses)
    same = {out: t for out, t, e in zip(node.outputs, thens, elses) if t is e and fgraph.clients(out)}
    return same or None


# -- the lazy form ---------------------------------------------------------------------------------
class LazyIfElse(Op):
    """Inputs: (condition, values the then graph reads, values the else graph reads). Runs only
    the inner graph of the branch taken. Made by the `lazy_ifelse` pass; each instance owns its
    graphs, so instances compare by identity."""

    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def __init__(self, then_fn, else_fn, output_types, name=None):
        self.then_fn, self.else_fn = then_fn, else_fn
        self.output_types = list(output_types)
        self.name = name

    def __str__(self):
        return f"LazyIfElse{{{self.name}}}" if self.name else "LazyIfElse"

    __repr__ = __str__

    def inner_graphs(self):
        return [("then", self.then_fn.outputs), ("else", self.else_fn.outputs)]

    def make_node(self, condition, *values):
        cond = _check_condition(condition)
        n_then, n_else = len(self.then_fn.inputs), len(self.else_fn.inputs)
        if len(values) != n_then + n_else:
            raise TypeError(f"{self}: expected {n_then} + {n_else} branch inputs, got {len(values)}")
        for i, (inner, var) in enumerate(zip(self.then_fn.inputs + self.else_fn.inputs, values)):
            if inner.type != var.type:
                raise TypeError(f"{self}: branch input {i} ({var}) has type {var.type}, expected {inner.type}")
        return Apply(self, [cond] + list(values), [t() for t in self.output_types])

    def perform(self, node, inputs, output_storage):
        self.run_host(node, inputs, output_storage, None)

    def prepare_host(self, mode):
        self.then_fn.prepare(mode)
        self.else_fn.prepare(mode)

    def run_host(self, node, inputs, output_storage, mode):
        n_then = len(self.then_fn.inputs)
        if _truth(inputs[0]):
            values = self.then_fn.run(inputs[1:1 + n_then], mode)
        else:
            values = self.else_fn.run(inputs[1 + n_then:], mode)
        store(node, output_storage, values)


def _movable(fgraph, order, ifnode, positions):
    """Nodes (in toposort order) whose outputs feed only the branch inputs `positions` of
    `ifnode`, directly or through other such nodes."""
    movable = set()
    for node in reversed(order):
        if node is ifnode:
            continue
        ok = True
        for out in node.outputs:
            for client, i in fgraph.clients(out):
                if client == "output" or (client is ifnode and i not in positions) or (
                        client is not ifnode and id(client) not in movable):
                    ok = False
        if ok:
            movable.add(id(node))
    return [node for node in order if id(node) in movable]


def _branch(values, nodes, label):
    """(InnerFunction computing `values` with `nodes`, the outside values it reads)."""
    produced = {id(o) for node in nodes for o in node.outputs}
    free = []
    for var in [v for node in nodes for v in node.inputs] + list(values):
        if not isinstance(var, Constant) and id(var) not in produced and all(var is not f for f in free):
            free.append(var)
    fresh = [v.type(v.name) for v in free]
    outputs = clone_replace(list(values), list(zip(free, fresh)))
    return InnerFunction(fresh, outputs, name=label), free


def make_lazy(fgraph, node):
    """Replace the IfElse `node` of `fgraph` by a LazyIfElse owning each branch's private nodes."""
    n = node.op.n_outs
    order = fgraph.toposort()
    then_pos, else_pos = range(1, 1 + n), range(1 + n, 1 + 2 * n)
    name = node.op.name
    then_fn, then_free = _branch(node.inputs[1:1 + n], _movable(fgraph, order, node, then_pos),
                                 f"{name}.then" if name else "then")
    else_fn, else_free = _branch(node.inputs[1 + n:], _movable(fgraph, order, node, else_pos),
                                 f"{name}.else" if name else "else")
    lazy = LazyIfElse(then_fn, else_fn, [o.type for o in node.outputs], name)
    outputs = _as_list(lazy(node.inputs[0], *then_free, *else_free))
    for old, new in zip(node.outputs, outputs):
        if new.name is None:
            new.name = old.name
        fgraph.replace(old, new, reason="lazy_ifelse")


@graph_rewriter("fusion", "fast_compile", "fast_run", "lazy_ifelse")
def lazy_ifelse(fgraph):
    """Every IfElse becomes a LazyIfElse (all modes: it drops no check, it only defers the
    branch not taken). Toposort order handles nesting: an inner ifelse is made lazy before the
    outer one moves it into a branch."""
    for node in fgraph.toposort():
        if isinstance(node.op, IfElse) and type(node.op).perform is IfElse.perform and any(
                fgraph.clients(o) for o in node.outputs):
            make_lazy(fgraph, node)
