"""`FunctionGraph`: a graph with designated inputs and outputs that rewrites may edit in place.

The node set is derived from the outputs (whatever is reachable), so a replacement never leaves
dangling nodes behind. The toposort is recomputed lazily after an edit; the clients are kept up
to date by each edit (nodes a replacement brings in are added, nodes nothing reads any more are
dropped), since rewrites ask for them after every replacement.
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
        self._clients = None
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
        """(toposort order, variables in the order the walk meets them), recomputed lazily."""
        if self._cache is None:
            order = io_toposort(self.inputs, self.outputs)
            seen = IdMap((v, True) for v in self.inputs)
            for node in order:
                for var in node.inputs + node.outputs:
                    seen[var] = True
            for out in self.outputs:
                seen[out] = True
            self._cache = (order, seen)
        return self._cache

    def _client_map(self):
        """{variable: [(node, input index) or ("output", i)]}, built once and then kept up to date
        by every edit (a rewrite asks for clients after each replacement: recomputing them from
        the whole graph each time made rewriting quadratic in the graph's size)."""
        if self._clients is None:
            order, _ = self._computed()
            clients = IdMap((v, []) for v in self.inputs)
            for node in order:
                _add_reader(clients, node)
            for i, out in enumerate(self.outputs):
                if out not in clients:
                    clients[out] = []
                clients[out].append(("output", i))
            self._clients = clients
        return self._clients

    def invalidate(self):
        """Forget derived structure after an edit made behind the graph's back."""
        self._cache = None
        self._clients = None

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
        return list(self._client_map().get(var, []))

    def __contains__(self, var_or_node):
        if hasattr(var_or_node, "op"):
            return any(n is var_or_node for n in self.toposort())
        return var_or_node in self._client_map()

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
        imported = self._new_nodes(new, f"replacement for {old}")
        for node, i in self.clients(old):
            self._set_input(node, i, old, new, reason, imported)
            imported = []

    def change_input(self, node, i, new, reason=None):
        """Make input `i` of `node` (or fgraph output `i` when node is "output") `new`."""
        old = self.outputs[i] if node == "output" else node.inputs[i]
        if old.type != new.type:
            raise TypeError(f"change_input: {new} of type {new.type} cannot replace {old} of type {old.type}")
        self._set_input(node, i, old, new, reason, self._new_nodes(new, f"replacement for {old}"))

    def _new_nodes(self, new, what):
        """The nodes `new` brings into the graph, producers first; raises if it reads a variable
        that is neither in the graph nor a constant. Walks only what the graph lacks."""
        known, found, seen, stack = self._client_map(), [], IdMap(), [(new, False)]
        while stack:
            var, expanded = stack.pop()
            node = var.owner
            if expanded:
                found.append(node)
                continue
            if var in known or (node is not None and node in seen):
                continue
            if node is None:
                if not isinstance(var, Constant):
                    self._check_inputs([var], what)  # raises MissingInputError naming it
                continue
            seen[node] = True
            stack.append((var, True))
            stack.extend((i, False) for i in reversed(node.inputs))
        return found

    def _set_input(self, node, i, old, new, reason, imported=()):
        if node == "output":
            self.outputs[i] = new
        else:
            node.inputs[i] = new
        if self._clients is not None:
            self._track(node, i, old, new, imported)
        self._cache = None
        for f in self._features:
            if hasattr(f, "on_change_input"):
                f.on_change_input(self, node, i, old, new, reason)

    def _track(self, client, i, old, new, imported):
        """Update the client map for `client`'s input `i` changed from `old` to `new`."""
        clients = self._clients
        for n in imported:
            _add_reader(clients, n)
        if new not in clients:
            clients[new] = []
        clients[new].append((client, i))
        users = clients[old]
        users[:] = [u for u in users if not (u[0] is client and u[1] == i)]
        self._prune(old)

    def _prune(self, var):
        """Drop `var`'s producer (and, in turn, theirs) once nothing reads any of its outputs."""
        clients, inputs = self._clients, IdMap((v, True) for v in self.inputs)
        stack = [var]
        while stack:
            v = stack.pop()
            if v in inputs or v not in clients or clients[v]:
                continue
            node = v.owner
            if node is None:
                clients.pop(v)
                continue
            if any(clients.get(o) for o in node.outputs):
                continue
            for o in node.outputs:
                clients.pop(o)
            for k, inp in enumerate(node.inputs):
                users = clients.get(inp)
                if users is not None:
                    users[:] = [u for u in users if not (u[0] is node and u[1] == k)]
                    stack.append(inp)

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


def _add_reader(clients, node):
    """Record `node` as a client of each of its inputs, and its outputs as (so far) unread."""
    for i, var in enumerate(node.inputs):
        if var not in clients:
            clients[var] = []
        clients[var].append((node, i))
    for out in node.outputs:
        if out not in clients:
            clients[out] = []
