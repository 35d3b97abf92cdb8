"""Walking and copying graphs. Every traversal here is ordered by input position and first visit,
never by set or dict-of-ids iteration, so results (and generated code) are deterministic."""
from transpile.graph.basic import Constant, Variable


def ancestors(outputs, blockers=None):
    """Variables that `outputs` depend on (including themselves), outputs-first, depth-first."""
    blockers = set(map(id, blockers or ()))
    seen, order, stack = set(), [], list(reversed(list(outputs)))
    while stack:
        v = stack.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        order.append(v)
        if v.owner is not None and id(v) not in blockers:
            stack.extend(reversed(v.owner.inputs))
    return order


def graph_inputs(outputs, blockers=None):
    """Leaf variables (no owner, or blocked) of the graph, in first-visit order."""
    blocked = set(map(id, blockers or ()))
    return [v for v in ancestors(outputs, blockers) if v.owner is None or id(v) in blocked]


def applys_between(inputs, outputs):
    """Apply nodes on a path from `inputs` to `outputs`, in toposort order."""
    return io_toposort(inputs, outputs)


def io_toposort(inputs, outputs):
    """Apply nodes needed to compute `outputs` from `inputs`, each after its inputs' owners.

    Post-order depth-first search from the outputs in their order, visiting inputs left to right.
    """
    stop = set(map(id, inputs))
    done, order = set(), []
    for out in outputs:
        stack = [(out, False)]
        while stack:
            var, expanded = stack.pop()
            node = var.owner
            if node is None or id(var) in stop or id(node) in done:
                continue
            if expanded:
                done.add(id(node))
                order.append(node)
                continue
            stack.append((var, True))
            for i in reversed(node.inputs):
                if i.owner is not None and id(i.owner) not in done:
                    stack.append((i, False))
    return order


def variables_between(inputs, outputs):
    nodes = io_toposort(inputs, outputs)
    seen, order = set(), []
    for v in list(inputs) + [v for n in nodes for v in n.inputs + n.outputs]:
        if id(v) not in seen:
            seen.add(id(v))
            order.append(v)
    return order


def clone_get_equiv(inputs, outputs, copy_inputs=True, copy_orphans=True, memo=None):
    """Copy the graph between `inputs` and `outputs`; return the old->new map (keyed by object).

    `memo` may pre-seed replacements (old variable -> new variable)."""
    equiv = IdMap(memo or {})
    for v in inputs:
        if v not in equiv:
            equiv[v] = v.clone() if copy_inputs else v
    for node in io_toposort(inputs, outputs):
        new_inputs = []
        for i in node.inputs:
            if i not in equiv:
                if isinstance(i, Constant) or i.owner is None:
                    equiv[i] = i.clone() if copy_orphans else i
            new_inputs.append(equiv[i])
        new_node = node.clone_with_new_inputs(new_inputs, strict=False)
        equiv[node] = new_node
        for old, new in zip(node.outputs, new_node.outputs):
            if old not in equiv:
                equiv[old] = new
    for o in outputs:
        if o not in equiv:
            equiv[o] = o.clone() if copy_orphans else o
    return equiv


def clone(inputs, outputs, copy_inputs=True, copy_orphans=True):
    equiv = clone_get_equiv(inputs, outputs, copy_inputs, copy_orphans)
    return [equiv[i] for i in inputs], [equiv[o] for o in outputs]


def clone_replace(output, replace=None):
    """Rebuild `output` (a variable or list) with variables replaced as `replace` says
    (a dict or a list of (old, new) pairs). Variables not depending on a replaced one are kept."""
    pairs = list(replace.items()) if hasattr(replace, "items") else list(replace or [])
    single = isinstance(output, Variable)
    outputs = [output] if single else list(output)
    memo = IdMap()
    for old, new in pairs:
        if not isinstance(new, Variable):  # a python or numpy value: a constant of the replaced type
            new = old.type.constant_type(old.type, old.type.filter(new, allow_downcast=True))
        if new.type != old.type:
            converted = old.type.convert_variable(new)
            if converted is None:
                raise TypeError(f"clone_replace: cannot replace {old} of type {old.type} with {new} of type {new.type}")
            new = converted
        memo[old] = new
    result = [_rebuild(o, memo) for o in outputs]
    return result[0] if single else result


def _rebuild(var, memo):
    """Rebuild `var` bottom-up through `memo`; unchanged subgraphs are shared, not copied."""
    for node in io_toposort(memo.keys(), [var]):
        if all(o in memo for o in node.outputs):
            continue
        new_inputs = [memo.get(i, i) for i in node.inputs]
        if all(a is b for a, b in zip(new_inputs, node.inputs)):
            new_outputs = node.outputs
        else:
            new_outputs = node.clone_with_new_inputs(new_inputs, strict=False).outputs
        for o, n in zip(node.outputs, new_outputs):
            if o not in memo:  # an output replaced explicitly keeps its replacement
                memo[o] = n
    return memo.get(var, var)


class IdMap:
    """A dict keyed by object identity (graph objects hash by identity anyway; this also
    accepts unhashable keys and keeps insertion order)."""

    def __init__(self, items=None):
        self._d = {}
        for k, v in (items.items() if hasattr(items, "items") else items or ()):
            self[k] = v

    def __contains__(self, key):
        return id(key) in self._d

    def __getitem__(self, key):
        return self._d[id(key)][1]

    def __setitem__(self, key, value):
        self._d[id(key)] = (key, value)

    def get(self, key, default=None):
        item = self._d.get(id(key))
        return default if item is None else item[1]

    def pop(self, key, default=None):
        item = self._d.pop(id(key), None)
        return default if item is None else item[1]

    def items(self):
        return list(self._d.values())

    def keys(self):
        return [k for k, _ in self._d.values()]

    def __len__(self):
        return len(self._d)
