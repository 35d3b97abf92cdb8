"""`FunctionGraph`: a graph with designated inputs and outputs that rewrites may edit in place.

The node set is derived from the outputs (whatever is reachable), so a replacement never leaves
dangling nodes behind; toposort and clients are recomputed lazily after each edit.
"""
from transpile.graph.basic import Constant
from transpile.graph.traversal import IdMap, clone_get_equiv, graph_inputs, io_toposort


class MissingInputError(ValueError):
    pass


class FunctionGraph:
    def __init__(self, inputs, outputs, clone=True):
        inputs, outputs = list(inputs), list(outputs)
        if clone:
            self.memo = clone_get_equiv(inputs, outputs, copy_inputs=True, copy_orphans=False)
            inputs = [self.memo[i] for i in inputs]
            outputs = [self.memo[o] for o in outputs]
        else:
            self.memo = IdMap((v, v) for v in inputs)
        self.inputs = inputs
        self.outputs = outputs
        self._features = []
        self._cache = None
        self._check_inputs(outputs, "output")

    # -- structure -------------------------------------------------------------------------
    def _check_inputs(self, variables, what):
        allowed = set(map(id, self.inputs))
        for v in graph_inputs(variables):
            if id(v) not in allowed and not isinstance(v, Constant):
                raise MissingInputError(
                    f"{what} depends on {v} (of type {v.type}), which is not an input of the graph; "
                    "pass it in the inputs list (or as a given)")

    def _computed(self):
        if self._cache is None:
            order = io_toposort(self.inputs, self.outputs)
            clients = IdMap()
            for v in self.inputs:
                clients[v] = []
            for node in order:
                for i, var in enumerate(node.inputs):
                    if var not in clients:
                        clients[var] = []
                    clients[var].append((node, i))
                for out in node.outputs:
                    if out not in clients:
                        clients[out] = []
            for i, out in enumerate(self.outputs):
                if out not in clients:
                    clients[out] = []
                clients[out].append(("output", i))
            self._cache = (order, clients)
        return self._cache

    def toposort(self):
        """Apply nodes in a deterministic order where each follows its inputs' producers."""
        return list(self._computed()[0])

    @property
    def apply_nodes(self):
        return self.toposort()

    @property
    def variables(self):
        return self._computed()[1].keys()

    def clients(self, var):
        """[(node, input index)] using `var`; fgraph outputs appear as ("output", i)."""
        return list(self._computed()[1].get(var, []))

    def __contains__(self, var_or_node):
        if hasattr(var_or_node, "op"):
            return any(n is var_or_node for n in self.toposort())
        return var_or_node in self._computed()[1]

    # -- editing ---------------------------------------------------------------------------
    def replace(self, old, new, reason=None):
        """Make every user of `old` use `new` instead. Types must agree (or convert)."""
        if old.type != new.type:
            converted = old.type.convert_variable(new)
            if converted is None:
                raise TypeError(
                    f"replace{f' ({reason})' if reason else ''}: cannot replace {old} of type {old.type} "
                    f"with {new} of type {new.type}")
            new = converted
        if old is new:
            return
        self._check_inputs([new], f"replacement for {old}")
        for node, i in self.clients(old):
            self._set_input(node, i, old, new, reason)

    def change_input(self, node, i, new, reason=None):
        """Make input `i` of `node` (or fgraph output `i` when node is "output") `new`."""
        old = self.outputs[i] if node == "output" else node.inputs[i]
        if old.type != new.type:
            raise TypeError(f"change_input: {new} of type {new.type} cannot replace {old} of type {old.type}")
        self._check_inputs([new], f"replacement for {old}")
        self._set_input(node, i, old, new, reason)

    def _set_input(self, node, i, old, new, reason):
        if node == "output":
            self.outputs[i] = new
        else:
            node.inputs[i] = new
        for f in self._features:
            if hasattr(f, "on_change_input"):
                f.on_change_input(self, node, i, old, new, reason)
        self._cache = None

    def replace_all(self, pairs, reason=None):
        for old, new in pairs:
            self.replace(old, new, reason)

    def attach_feature(self, feature):
        self._features.append(feature)
        if hasattr(feature, "on_attach"):
            feature.on_attach(self)

    def clone(self):
        """An independent copy; returns (fgraph, old->new map)."""
        equiv = clone_get_equiv(self.inputs, self.outputs, copy_inputs=True, copy_orphans=False)
        fg = FunctionGraph([equiv[i] for i in self.inputs], [equiv[o] for o in self.outputs], clone=False)
        return fg, equiv

    def __str__(self):
        return f"FunctionGraph({', '.join(str(o) for o in self.outputs)})"
