"""`function(inputs, outputs, updates, givens, mode)`: compile a graph into a Python callable.

Steps: normalise the arguments, substitute givens, collect the shared variables the graph reads
(they become implicit inputs), clone everything into a FunctionGraph whose outputs are the
requested outputs followed by the update expressions, rewrite it for the mode, protect outputs
that would alias internal storage, and hand it to the mode's linker.
"""
import warnings
from collections import OrderedDict

from transpile.compile.cuda_device import require_cuda
from transpile.compile.function_copy import copy_function
from transpile.compile.io import as_in, as_output_variable, default_containers
from transpile.compile.mode import get_mode, warm_up_linker
from transpile.compile.profiling import ProfileStats, ProfilingExecutor
from transpile.compile.ops import deep_copy_op
from transpile.compile.sharedvalue import SharedVariable
from transpile.configdefaults import config
from transpile.emit.cuda.placement import place_on_device
from transpile.graph.basic import Constant, Variable
from transpile.graph.fg import FunctionGraph, MissingInputError
from transpile.graph.traversal import ancestors, clone_replace, graph_inputs
from transpile.tensor.basic import as_tensor_variable


class UnusedInputError(ValueError):
    pass


class FunctionMaker:
    """What was compiled: `fgraph` (the optimized graph actually run), inputs, outputs, mode."""

    def __init__(self, inputs, outputs, updates, shared_inputs, fgraph, mode, input_specs=None, defaults=None,
                 input_updates=()):
        self.inputs = inputs
        self.outputs = outputs
        self.updates = updates
        self.shared_inputs = shared_inputs
        self.fgraph = fgraph
        self.mode = mode
        #: the `In` of each input, its default-value container (None if required), and the
        #: (container, expression) updates of In's with `update` (see transpile.compile.io)
        self.input_specs = input_specs
        self.defaults = defaults if defaults is not None else [None] * len(inputs)
        self.input_updates = list(input_updates)


class Function:
    """A compiled function. Call it with values for the explicit inputs (positionally or by
    name); returns one array, a list, or [] as the outputs were given."""

    def __init__(self, maker, executor, output_kind, allow_downcast, name=None):
        self.maker = maker
        self.executor = executor
        self.output_kind = output_kind
        self.allow_downcast = allow_downcast
        self.name = name
        self.profile = None  # a ProfileStats when compiled with profile=
        specs = maker.input_specs
        self._input_names = [s.name for s in specs] if specs else [v.name for v in maker.inputs]
        self._n_out = len(maker.outputs)
        # in the order of the fgraph's outputs after the function's outputs
        self._update_cells = [s.container for s, _ in maker.updates] + [c for c, _ in maker.input_updates]

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
        for i, container in enumerate(self.maker.defaults):
            if given[i] is _MISSING and container is not None:
                given[i] = container.value
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

    def __getitem__(self, key):
        """The current default value of an optional input (by name or variable), as Theano's f[x]."""
        return self._default_container(key).value

    def __setitem__(self, key, value):
        i = self._input_index(key)
        container = self._default_container(key)
        try:
            container.value = self.maker.inputs[i].type.filter(value, allow_downcast=self.allow_downcast)
        except TypeError as err:
            raise TypeError(f"Bad default value for input {self._describe(i)} of {self._label()}: {err}") from None

    def _input_index(self, key):
        for i, (var, name) in enumerate(zip(self.maker.inputs, self._input_names)):
            if var is key or (isinstance(key, str) and name == key):
                return i
        raise KeyError(f"{self._label()} has no input {key!r}")

    def _default_container(self, key):
        i = self._input_index(key)
        container = self.maker.defaults[i]
        if container is None:
            raise KeyError(f"input {self._describe(i)} of {self._label()} has no default value; give it one "
                           "with In(variable, value=...)")
        return container

    def copy(self, share_memory=False, swap=None, delete_updates=False, name=None):
        """A new function computing the same graph (Theano's semantics): `swap` maps shared
        variables to others used in their place, `delete_updates` drops every update, and
        `share_memory=True` reuses this function's executor (else a new one is made from a copy
        of the compiled graph; native libraries come from the build cache)."""
        return copy_function(self, share_memory=share_memory, swap=swap, delete_updates=delete_updates, name=name)

    def __reduce__(self):
        """Pickle what was compiled (the optimized graph, its shared variables, the mode), not
        the executor: unpickling builds the executor again, which finds a native library in
        the compile cache or rebuilds it, in any process. Shared variables come along with
        their values, so a deep copy (which goes through here too) has its own state."""
        return _make_function, (self.maker, self.output_kind, self.allow_downcast, self.name, self.profile)


def _make_function(maker, output_kind, allow_downcast, name, stats=None):
    """The Function of `maker`: its executor built by the mode (timed by `stats` if given)."""
    prepare_nodes(maker.fgraph, maker.mode)
    executor = maker.mode.make_executor(maker.fgraph)
    if stats is not None:
        executor = ProfilingExecutor(executor, stats)
    cls = getattr(executor, "function_class", Function)  # a linker may supply a faster Function
    fn = cls(maker, executor, output_kind, allow_downcast, name)
    fn.profile = stats
    return fn


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
             allow_input_downcast=None, on_unused_input="raise", no_default_updates=False, profile=None):
    """Compile `outputs` as a function of `inputs` (see the module docstring).

    A shared variable read by the graph that has a `default_update` attribute (random states)
    is updated with it unless `updates` names it or `no_default_updates` is True or lists it.

    `profile`: True (or a ProfileStats, or a name for one) times the calls; see `f.profile`
    and transpile.compile.profiling."""
    if isinstance(inputs, Variable):
        raise TypeError("function(inputs, ...): inputs must be a list of variables, e.g. function([x], y)")
    specs = [as_in(v, i) for i, v in enumerate(inputs)]
    inputs = [spec.variable for spec in specs]
    for i, v in enumerate(inputs):
        if isinstance(v, Constant):
            raise TypeError(f"input {i} of function is a constant ({v}); constants cannot be inputs")
        if isinstance(v, SharedVariable):
            raise TypeError(f"input {i} ({v}) is a shared variable; shared variables are implicit "
                            "inputs and cannot be listed explicitly")
    if len({id(v) for v in inputs}) != len(inputs):
        raise ValueError("the same variable appears twice in the inputs of function")
    if on_unused_input not in ("raise", "warn", "ignore"):
        raise ValueError("on_unused_input must be 'raise', 'warn' or 'ignore'")

    if outputs is None:
        output_kind, outs = "list", []
    elif isinstance(outputs, (list, tuple)):
        output_kind, outs = "list", [as_output_variable(o) for o in outputs]
    else:
        output_kind, outs = "single", [as_output_variable(outputs)]
    outs = [o if isinstance(o, Variable) else as_tensor_variable(o) for o in outs]
    update_pairs = _as_updates(updates)
    defaults = default_containers(specs, lambda i, value: _filter_default(inputs[i], value, allow_input_downcast))
    in_updates = [(defaults[i], _fit_update(spec.update, spec.variable)) for i, spec in enumerate(specs)
                  if spec.update is not None]

    # fgraph outputs: outputs, shared variables' updates (explicit, then default ones), In updates
    targets = outs + [expr for _, expr in update_pairs] + [expr for _, expr in in_updates]
    if givens:
        given_pairs = list(givens.items()) if hasattr(givens, "items") else list(givens)
        targets = clone_replace(targets, given_pairs) if targets else []
    else:
        given_pairs = []
    first_in_update = len(outs) + len(update_pairs)
    targets, update_pairs = _add_default_updates(targets, update_pairs, given_pairs, inputs, no_default_updates)
    in_targets = targets[first_in_update:first_in_update + len(in_updates)]
    targets = targets[:first_in_update] + targets[first_in_update + len(in_updates):] + in_targets

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
        raise MissingInputError(
            f"the outputs depend on {v} (of type {v.type}) which is not among the inputs of function; "
            "add it to the inputs list or give it a value with givens")
    for s, _ in update_pairs:
        if s not in shared_inputs and not any(s is x for x in shared_inputs):
            shared_inputs.append(s)

    if config.device != "cpu":
        require_cuda(config.device)
    m = get_mode(mode)
    warm_up_linker(m.linker, targets)
    fgraph = FunctionGraph(inputs + shared_inputs, targets, clone=True)
    m.optimize(fgraph)
    if config.device != "cpu" and m.linker == "native":
        place_on_device(fgraph)  # the GPU's nodes and the copies (debugprint shows them)
    elif config.device != "cpu":
        warnings.warn(f"device={config.device}: mode {m} runs the numpy reference on the host; the GPU runs "
                      "functions of a native mode (FAST_RUN)", stacklevel=2)
    protect_outputs(fgraph)
    maker = FunctionMaker(inputs, outs, update_pairs, shared_inputs, fgraph, m, specs, defaults,
                          [(c, expr) for (c, _), expr in zip(in_updates, in_targets)])
    return _make_function(maker, output_kind, allow_input_downcast, name, _profile_stats(profile, name))


Variable.compile_function = staticmethod(function)  # Variable.eval compiles through here


def _profile_stats(profile, name):
    if profile is None or profile is False:
        return None
    if profile is True:
        return ProfileStats(name)
    if isinstance(profile, str):
        return ProfileStats(profile)
    if isinstance(profile, ProfileStats):
        return profile
    raise TypeError(f"function: profile must be True, False, a name or a ProfileStats, got {type(profile).__name__}")


def _filter_default(var, value, allow_downcast):
    try:
        return var.type.filter(value, allow_downcast=allow_downcast)
    except TypeError as err:
        raise TypeError(f"In({var}): bad default value: {err}") from None


def _fit_update(expr, var):
    """An In's update expression, converted to the input's type."""
    expr = expr if isinstance(expr, Variable) else as_tensor_variable(expr)
    if expr.type == var.type:
        return expr
    converted = var.type.convert_variable(expr)
    if converted is None:
        raise TypeError(f"In({var}): the update has type {expr.type} but the input is {var.type}; cast it")
    return converted


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
            fgraph.invalidate()
        seen.add(id(fgraph.outputs[i]))
