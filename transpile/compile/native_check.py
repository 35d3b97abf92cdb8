"""DEBUG_MODE's native check: the optimized graph is also built natively, with every
intermediate value as an extra output, and each node's native result is compared with the
reference executor's; the first node (in toposort order) that differs beyond its dtype's
tolerance is named.

One native build per compiled function covers all nodes. In-place variants are replaced by
their out-of-place forms in the probe build, so an intermediate returned to the caller is never
overwritten by a later node.
"""
import copy

from transpile.graph.fg import FunctionGraph
from transpile.graph.traversal import clone_get_equiv


class NativeMismatchError(ValueError):
    """A node's native output differs from its reference (numpy) output."""


def _out_of_place(op):
    """The same op without in-place writes (ops mark them with `inplace_pattern` or `inplace`)."""
    props = op._props_dict() if op.__props__ else {}
    if "inplace_pattern" in props and props["inplace_pattern"]:
        return type(op)(op.scalar_op)
    if props.get("inplace"):
        props["inplace"] = False
        return type(op)(**props)
    return op


class NativeProbe:
    """A native build of `fgraph` returning `fgraph`'s outputs followed by every tensor value
    computed by a node."""

    def __init__(self, fgraph, linker_mode):
        from transpile.compile.mode import LINKERS
        from transpile.tensor.type import TensorType

        equiv = clone_get_equiv(fgraph.inputs, fgraph.outputs, copy_inputs=True, copy_orphans=False)
        self.watched = []  # (original variable, node) in toposort order
        for node in fgraph.toposort():
            new_node = equiv[node]
            plain = _out_of_place(node.op)
            if plain is not node.op:
                rebuilt = plain.make_node(*new_node.inputs)
                for old, new in zip(new_node.outputs, rebuilt.outputs):
                    _redirect(equiv, old, new)
            for var in node.outputs:
                if isinstance(var.type, TensorType):
                    self.watched.append((var, node))
        outputs = [equiv[o] for o in fgraph.outputs] + [equiv[v] for v, _ in self.watched]
        probe = FunctionGraph([equiv[i] for i in fgraph.inputs], outputs, clone=False)
        self.n_outputs = len(fgraph.outputs)
        self.executor = LINKERS[linker_mode.linker](probe, linker_mode)

    def compare(self, values, reference):
        """Run natively on (copies of) `values`; `reference` maps id(variable) -> reference value
        of every watched variable. Raises NativeMismatchError at the first differing node."""
        from transpile.compile.debugmode import _node_error, _short
        results = self.executor([copy.deepcopy(v) for v in values])
        for (var, node), got in zip(self.watched, results[self.n_outputs:]):
            if id(var) not in reference:
                continue
            expected = reference[id(var)]
            if not var.type.values_eq_approx(got, expected):
                raise _node_error(
                    NativeMismatchError, node,
                    f"DebugMode: the native code of {node.op} computes {_short(got)} "
                    f"but the reference (numpy perform) gives {_short(expected)}")


def _redirect(equiv, old, new):
    """Make every cloned node that reads `old` read `new` instead."""
    for key, value in equiv.items():
        node = value if hasattr(value, "op") else None
        if node is not None:
            node.inputs = [new if i is old else i for i in node.inputs]
    for key, value in equiv.items():
        if value is old:
            equiv[key] = new
