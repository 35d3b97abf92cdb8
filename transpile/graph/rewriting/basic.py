"""The rewriting framework: rewrites are plain functions registered with tags.

A *node rewrite* `fn(fgraph, node)` returns None (no change), a list of replacement variables
(one per node output), or a dict {old variable: new variable}. A *graph pass* `fn(fgraph)`
edits the whole graph. Both are registered in one ordered database; a mode picks them by tag,
and `config.optimizer_excluding` / `optimizer_including` adjust by tag or name.

Phases run in a fixed order (`PHASES`); within a phase, node rewrites run to a fixed point
(equilibrium) over the graph's deterministic toposort, so results never depend on hashing.
"""
from dataclasses import dataclass, field

from transpile.configdefaults import config

#: phases in the order they run; a rewrite's phase is its first tag found here
PHASES = ("merge", "constant_folding", "canonicalize", "stabilize", "specialize", "fusion", "inplace")


@dataclass
class Rewrite:
    name: str
    fn: object
    tags: frozenset
    tracks: tuple = ()  # op classes the node rewrite looks at (empty: every node)
    kind: str = "node"  # "node" or "graph"
    order: int = 0
    applied: int = field(default=0, compare=False)

    @property
    def phase(self):
        for p in PHASES:
            if p in self.tags:
                return p
        return "canonicalize"

    def wants(self, node):
        return not self.tracks or isinstance(node.op, self.tracks)


class RewriteDB:
    def __init__(self):
        self._rewrites = []

    def register(self, rewrite):
        if any(r.name == rewrite.name for r in self._rewrites):
            raise ValueError(f"a rewrite named {rewrite.name!r} is already registered")
        rewrite.order = len(self._rewrites)
        self._rewrites.append(rewrite)
        return rewrite

    def query(self, include, exclude=()):
        """Rewrites having a tag (or name) in `include` and none in `exclude`."""
        include, exclude = set(include), set(exclude)
        return [r for r in self._rewrites
                if (include & (r.tags | {r.name})) and not (exclude & (r.tags | {r.name}))]

    def __iter__(self):
        return iter(list(self._rewrites))

    def __getitem__(self, name):
        for r in self._rewrites:
            if r.name == name:
                return r
        raise KeyError(name)


rewrite_db = RewriteDB()


def node_rewriter(*tags, tracks=(), name=None):
    """Register `fn(fgraph, node)` as a node rewrite with `tags` (e.g. "canonicalize", "fast_run")."""
    def register(fn):
        rewrite_db.register(Rewrite(name or fn.__name__, fn, frozenset(tags), tuple(tracks), "node"))
        return fn
    return register


def graph_rewriter(*tags, name=None):
    """Register `fn(fgraph)` as a whole-graph pass with `tags`."""
    def register(fn):
        rewrite_db.register(Rewrite(name or fn.__name__, fn, frozenset(tags), (), "graph"))
        return fn
    return register


def select(include, exclude=()):
    """The rewrites `rewrite_graph` would run for these tags (config flags included), in
    registration order."""
    include = set(include) | set(config.optimizer_including)
    exclude = set(exclude) | set(config.optimizer_excluding)
    return rewrite_db.query(include, exclude)


def rewrite_graph(fgraph, include, exclude=(), max_passes=50):
    """Run the rewrites selected by tags on `fgraph`, phase by phase. Returns the fgraph.

    Nodes built by rewrites get no test values (`compute_test_value` is off meanwhile): their
    inputs are the graph's clones, which carry none."""
    with config.change_flags(compute_test_value="off"):
        return _rewrite(fgraph, select(include, exclude), max_passes)


def _rewrite(fgraph, selected, max_passes):
    folding = [r for r in selected if r.phase == "constant_folding"]
    merging = any(r.phase == "merge" for r in selected)
    for phase in PHASES:
        rewrites = [r for r in selected if r.phase == phase]
        if PHASES.index(phase) > PHASES.index("constant_folding") and phase != "inplace":
            rewrites = folding + [r for r in rewrites if r not in folding]  # fold what rewrites expose
        graph_passes = [r for r in rewrites if r.kind == "graph"]
        node_rewrites = [r for r in rewrites if r.kind == "node"]
        for r in graph_passes:
            r.fn(fgraph)
        if node_rewrites:
            equilibrium(fgraph, node_rewrites, max_passes=max_passes, merge=merging and phase != "inplace")
    return fgraph


def equilibrium(fgraph, rewrites, max_passes=50, merge=True):
    """Apply node rewrites until none changes the graph (or `max_passes` sweeps). Within a
    sweep, a node that a rewrite replaced is left (the nodes that replaced it are visited in
    the next sweep)."""
    from transpile.graph.rewriting.merge import merge_graph
    for _ in range(max_passes):
        changed = False
        for node in fgraph.toposort():
            if not _still_in(fgraph, node):
                continue
            for r in rewrites:
                if r.wants(node) and _apply(fgraph, node, r):
                    changed = True
                    break
        if merge:
            changed = merge_graph(fgraph) or changed
        if not changed:
            return


def _apply(fgraph, node, r):
    """Run rewrite `r` on `node`; True when it replaced something."""
    result = r.fn(fgraph, node)
    if result is None or result is False:
        return False
    pairs = list(result.items()) if isinstance(result, dict) else list(zip(node.outputs, result))
    pairs = [(old, new) for old, new in pairs if new is not None and old is not new]
    if not pairs:
        return False
    for old, new in pairs:
        if new.name is None and old.name is not None:
            new.name = old.name
        fgraph.replace(old, new, reason=r.name)
    r.applied += 1
    return True


def _still_in(fgraph, node):
    return all(o.owner is node for o in node.outputs) and any(
        fgraph.clients(o) for o in node.outputs)
