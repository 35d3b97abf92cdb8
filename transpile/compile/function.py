"""`function(inputs, outputs, updates, givens, mode)`: compile a graph into a Python callable.

Steps: normalise the arguments, substitute givens, collect the shared variables the graph reads
(they become implicit inputs), clone everything into a FunctionGraph whose outputs are the
requested outputs followed by the update expressions, rewrite it for the mode, protect outputs
that would alias internal storage, and hand it to the mode's linker.
"""
import warnings
from collections import OrderedDict

from transpile.compile.mode import get_mode
from transpile.compile.ops import deep_copy_op
from transpile.compile.sharedvalue import SharedVariable
from transpile.graph.basic import Constant, Variable
from transpile.graph.fg import FunctionGraph
from transpile.graph.traversal import ancestors, clone_replace, graph_inputs


class UnusedInputError(ValueError):
    pass


class FunctionMaker:
    """What was compiled: `fgraph` (the optimized graph actually run), inputs, outputs, mode."""

    def __init__(self, inputs, outputs, updates, shared_inputs, fgraph, mode):
        self.inputs = inputs
        self.outputs = outputs
        self.updates = updates
        self.shared_inputs = shared_inputs
        self.fgraph = fgraph
        self.mode = mode


class Function:
    """A compiled function. Call it with values for the explicit inputs (positionally or by
    name); returns one array, a list, or [] as the outputs were given."""

    def __init__(self, maker, executor, output_kind, allow_downcast, name=None):
        self.maker = maker
        self.executor = executor
        self.output_kind = output_kind
        self.allow_downcast = allow_downcast
        self.name = name
        self._input_names = [v.name for v in maker.inputs]
        self._n_out = len(maker.outputs)
        self._update_cells = [s.container for s, _ in maker.updates]

    def __call__(self, *args, **kwargs):
        values = self._bind(args, kwargs)
        shared_values = [s.container.value for s in self.maker.shared_inputs]
        results = self.executor(values + shared_values)
        outputs = results[:self._n_out]
        for container, value in zip(self._update_cells, results[self._n_out:]):
            container.value = value
        if self.output_kind == "single":
            return outputs[0]
        return list(outputs)

    def _bind(self, args, kwargs):
        inputs = self.maker.inputs
        if len(args) > len(inputs):
            raise TypeError(f"{self._label()} takes {len(inputs)} argument(s), got {len(args)}")
        given = list(args) + [_MISSING] * (len(inputs) - len(args))
        for key, value in kwargs.items():
            matches = [i for i, n in enumerate(self._input_names) if n == key]
            if not matches:
                raise TypeError(f"{self._label()} got an unexpected keyword argument {key!r}")
            if given[matches[0]] is not _MISSING:
                raise TypeError(f"{self._label()} got multiple values for argument {key!r}")
            given[matches[0]] = value
        missing = [self._describe(i) for i, v in enumerate(given) if v is _MISSING]
        if missing:
            raise TypeError(f"{self._label()} takes {len(inputs)} argument(s); missing {', '.join(missing)}")
        values = []
        for i, (var, value) in enumerate(zip(inputs, given)):
            try:
                values.append(var.type.filter(value, allow_downcast=self.allow_downcast))
            except TypeError as err:
                raise TypeError(f"Bad input argument {self._describe(i)} to {self._label()}: {err}") from None
        return values

    def _describe(self, i):
        name = self._input_names[i]
        return f"{i} ({name!r})" if name else f"{i}"

    def _label(self):
        return f"function {self.name!r}" if self.name else "function"

    def copy(self):
        return self


_MISSING = object()


def _as_updates(updates):
    if updates is None:
        return []
    if isinstance(updates, (dict, OrderedDict)):
        pairs = list(updates.items())
    else:
        pairs = list(updates)
        if pairs and isinstance(pairs[0], Variable) and len(pairs) == 2:
            pairs = [tuple(pairs)]
    out, seen = [], set()
    for pair in pairs:
        if len(pair) != 2:
            raise TypeError("updates must be (shared variable, new value) pairs")
        var, expr = pair
        if not isinstance(var, SharedVariable):
            raise TypeError(f"update target {var} is not a shared variable; only shared variables can be updated")
        if id(var) in seen:
            raise ValueError(f"shared variable {var} is updated twice")
        seen.add(id(var))
        from transpile.tensor.basic import as_tensor_variable
        expr = as_tensor_variable(expr) if not isinstance(expr, Variable) else expr
        if expr.type != var.type:
            converted = var.type.convert_variable(expr)
            if converted is None:
                raise TypeError(
                    f"update for shared variable {var} ({var.type}) has type {expr.type}; "
                    f"cast it (e.g. T.cast(expr, {var.type.dtype!r})) so the types match")
            expr = converted
        out.append((var, expr))
    return out


def function(inputs, outputs=None, updates=None, givens=None, mode=None, name=None,
             allow_input_downcast=None, on_unused_input="raise", no_default_updates=False):
    """Compile `outputs` as a function of `inputs` (see the module docstring).

    A shared variable read by the graph that has a `default_update` attribute (random states)
    is updated with it unless `updates` names it or `no_default_updates` is True or lists it."""
    if isinstance(inputs, Variable):
        raise TypeError("function(inputs, ...): inputs must be a list of variables, e.g. function([x], y)")
    inputs = list(inputs)
    for i, v in enumerate(inputs):
        if not isinstance(v, Variable):
            raise TypeError(f"input {i} of function is not a symbolic variable: {v!r}")
        if isinstance(v, Constant):
            raise TypeError(f"input {i} of function is a constant ({v}); constants cannot be inputs")
        if isinstance(v, SharedVariable):
            raise TypeError(f"input {i} ({v}) is a shared variable; shared variables are implicit "
                            "inputs and cannot be listed explicitly")
    if len({id(v) for v in inputs}) != len(inputs):
        raise ValueError("the same variable appears twice in the inputs of function")
    if on_unused_input not in ("raise", "warn", "ignore"):
        raise ValueError("on_unused_input must be 'raise', 'warn' or 'ignore'")

    from transpile.tensor.basic import as_tensor_variable
    if outputs is None:
        output_kind, outs = "list", []
    elif isinstance(outputs, (list, tuple)):
        output_kind, outs = "list", [as_tensor_variable(o) if not isinstance(o, Variable) else o for o in outputs]
    else:
        output_kind, outs = "single", [outputs if isinstance(outputs, Variable) else as_tensor_variable(outputs)]
    update_pairs = _as_updates(updates)

    targets = outs + [expr for _, expr in update_pairs]
    if givens:
        given_pairs = list(givens.items()) if hasattr(givens, "items") else list(givens)
        targets = clone_replace(targets, given_pairs) if targets else []
    else:
        given_pairs = []
    targets, update_pairs = _add_default_updates(targets, update_pairs, given_pairs, inputs, no_default_updates)

    explicit = {id(v) for v in inputs}
    needed = ancestors(targets, blockers=inputs)
    used = {id(v) for v in needed}
    unused = [v for v in inputs if id(v) not in used]
    if unused and on_unused_input != "ignore":
        msg = (f"function input(s) {', '.join(str(v) for v in unused)} are not used to compute the outputs; "
               "pass on_unused_input='ignore' (or 'warn') to allow this")
        if on_unused_input == "raise":
            raise UnusedInputError(msg)
        warnings.warn(msg, stacklevel=2)

    shared_inputs = []
    for v in graph_inputs(targets, blockers=inputs):
        if id(v) in explicit or isinstance(v, Constant):
            continue
        if isinstance(v, SharedVariable):
            shared_inputs.append(v)
            continue
        from transpile.graph.fg import MissingInputError
        raise MissingInputError(
            f"the outputs depend on {v} (of type {v.type}) which is not among the inputs of function; "
            "add it to the inputs list or give it a value with givens")
    for s, _ in update_pairs:
        if s not in shared_inputs and not any(s is x for x in shared_inputs):
            shared_inputs.append(s)

    m = get_mode(mode)
    fgraph = FunctionGraph(inputs + shared_inputs, targets, clone=True)
    m.optimize(fgraph)
    protect_outputs(fgraph)
    prepare_nodes(fgraph, m)
    executor = m.make_executor(fgraph)
    maker = FunctionMaker(inputs, outs, update_pairs, shared_inputs, fgraph, m)
    cls = getattr(executor, "function_class", Function)  # a linker may supply a faster Function
    return cls(maker, executor, output_kind, allow_input_downcast, name)


def _add_default_updates(targets, update_pairs, given_pairs, inputs, skip):
    """Append (var, var.default_update) for each shared variable the targets read that has one
    and no explicit update; repeated, since a default update may read more shared variables."""
    if skip is True:
        return targets, update_pairs
    skip = {id(v) for v in (skip or ())} | {id(s) for s, _ in update_pairs}
    targets, update_pairs = list(targets), list(update_pairs)
    while True:
        found = [v for v in graph_inputs(targets, blockers=inputs) if isinstance(v, SharedVariable)
                 and id(v) not in skip and getattr(v, "default_update", None) is not None]
        for v in [v for v in found if not _computable(v.default_update, inputs + [g for g, _ in given_pairs])]:
            skip.add(id(v))  # a draw made inside a scan step: its update comes from scan's updates
            found.remove(v)
        if not found:
            return targets, update_pairs
        for var, expr in _as_updates([(v, v.default_update) for v in found]):
            skip.add(id(var))
            update_pairs.append((var, expr))
            targets.append(clone_replace(expr, given_pairs) if given_pairs else expr)


def _computable(expr, inputs):
    """Whether `expr` depends only on `inputs`, shared variables and constants."""
    allowed = {id(v) for v in inputs}
    return all(isinstance(v, (Constant, SharedVariable)) or id(v) in allowed
               for v in graph_inputs([expr], blockers=inputs))


def prepare_nodes(fgraph, mode):
    """Tell each node whose op has `prepare_node(node, mode)` the mode it will run under (an op
    with an inner graph, such as Scan, compiles its inner function for that mode here)."""
    for node in fgraph.toposort():
        prepare = getattr(node.op, "prepare_node", None)
        if prepare is not None:
            prepare(node, mode)


def protect_outputs(fgraph):
    """Outputs that are inputs, constants, views of those, or repeated get a DeepCopyOp, so
    every returned array is fresh and owned by the caller."""
    inputs = {id(v) for v in fgraph.inputs}
    seen = set()
    for i, out in enumerate(list(fgraph.outputs)):
        root = out
        while root.owner is not None and root.index in getattr(root.owner.op, "view_map", {}):
            root = root.owner.inputs[root.owner.op.view_map[root.index][0]]
        if isinstance(root, Constant) or id(root) in inputs or id(out) in seen:
            fgraph.outputs[i] = deep_copy_op(out)
            fgraph._cache = None
        seen.add(id(fgraph.outputs[i]))
