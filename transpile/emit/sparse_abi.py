"""How sparse values cross the native boundary: as their four dense parts.

The C ABI of a graph library only carries dense tensors. A sparse input `x` of the graph
becomes four consecutive ABI inputs, `x.data`, `x.indices` (int32), `x.indptr` (int32) and
`x.shape` (int64, two entries), reassembled inside the program by a checked `CSM` node; a sparse
output `y` becomes four ABI outputs taken apart by `CSMProperties` (see `transpile.sparse.csm`).
Sparse constants become `CSM` nodes of dense constants, and copies of sparse outputs
(`DeepCopyOp`) are dropped: an output's parts are always fresh arrays.

`expand(fgraph, ...)` does the graph side (called by `emit.lower`, which records the ports in
the `Program`); `split(values, ports)` and `join(results, ports)` do the value side for a
caller in Python (`transpile.compile.native`). A C or C++ caller (an exported project) passes
the four arrays of a scipy-style matrix directly.
"""
from dataclasses import dataclass, field

from transpile.graph.deepcopy import DeepCopyOp
from transpile.graph.basic import Constant
from transpile.graph.fg import FunctionGraph
from transpile.graph.traversal import IdMap, clone_replace, io_toposort
from transpile.sparse.csm import CSM, INDEX_DTYPE, csm_properties, parts_of
from transpile.sparse.type import SparseType, scipy_sparse
from transpile.tensor.basic import constant
from transpile.tensor.type import TensorType

__all__ = ["PARTS", "Layout", "SparsePort", "expand", "is_sparse", "join", "split"]

#: the parts of a sparse value, in ABI order
PARTS = ("data", "indices", "indptr", "shape")


@dataclass(frozen=True)
class SparsePort:
    """Sparse value `position` (among the graph's inputs or outputs) is ABI ports
    `first .. first + 3` (the parts, in `PARTS` order)."""
    position: int
    first: int
    format: str
    dtype: str


@dataclass
class Layout:
    """The ABI's input and output names after expansion, and where the sparse values went."""
    input_names: list
    output_names: list
    sparse_inputs: list = field(default_factory=list)
    sparse_outputs: list = field(default_factory=list)


def is_sparse(var):
    return isinstance(var.type, SparseType)


def _part_types(dtype):
    return [TensorType(dtype, (False,)), TensorType(INDEX_DTYPE, (False,)), TensorType(INDEX_DTYPE, (False,)),
            TensorType("int64", (False,))]


def _ports(variables, names):
    """(expanded names, SparsePorts) for `variables` named `names`."""
    out, ports = [], []
    for k, (var, name) in enumerate(zip(variables, names)):
        if is_sparse(var):
            ports.append(SparsePort(k, len(out), var.type.format, var.type.dtype))
            out.extend(f"{name}.{part}" for part in PARTS)
        else:
            out.append(name)
    return out, ports


def expand(fgraph, input_names, output_names):
    """(fgraph with dense inputs and outputs only, Layout). Unchanged when nothing is sparse."""
    nodes = io_toposort(fgraph.inputs, fgraph.outputs)
    constants = []
    for node in nodes:
        constants.extend(v for v in node.inputs if isinstance(v, Constant) and is_sparse(v)
                         and all(v is not c for c in constants))
    in_names, in_ports = _ports(fgraph.inputs, input_names)
    out_names, out_ports = _ports(fgraph.outputs, output_names)
    copies = [n.outputs[0] for n in nodes if isinstance(n.op, DeepCopyOp) and is_sparse(n.inputs[0])]
    if not (in_ports or out_ports or constants or copies):
        return fgraph, Layout(list(input_names), list(output_names))
    outputs = list(fgraph.outputs)
    if copies:
        outputs = clone_replace(outputs, [(c, c.owner.inputs[0]) for c in copies])
    replace, inputs = IdMap(), []
    for var, name in zip(fgraph.inputs, input_names):
        if not is_sparse(var):
            inputs.append(var)
            continue
        parts = [t(f"{name}.{part}") for t, part in zip(_part_types(var.type.dtype), PARTS)]
        inputs.extend(parts)
        replace[var] = CSM(var.type.format)(*parts)
    for c in constants:
        replace[c] = CSM(c.type.format)(*[constant(p) for p in parts_of(c.data)])
    if len(replace):
        outputs = clone_replace(outputs, list(replace.items()))
    flat = []
    for var in outputs:
        flat.extend(csm_properties(var) if is_sparse(var) else [var])
    return FunctionGraph(inputs, flat, clone=False), Layout(in_names, out_names, in_ports, out_ports)


def split(values, ports):
    """The ABI's input values: each sparse value at a port's position replaced by its parts."""
    if not ports:
        return list(values)
    out, at = [], {p.position: p for p in ports}
    for k, value in enumerate(values):
        if k in at:
            out.extend(parts_of(value))
        else:
            out.append(value)
    return out


def join(results, ports):
    """The graph's output values from the ABI's: the parts of each sparse output reassembled."""
    if not ports:
        return list(results)
    out, k, at = [], 0, {p.first: p for p in ports}
    sp = scipy_sparse() if ports else None
    while k < len(results):
        port = at.get(k)
        if port is None:
            out.append(results[k])
            k += 1
            continue
        data, indices, indptr, shape = results[k:k + 4]
        make = sp.csr_matrix if port.format == "csr" else sp.csc_matrix
        out.append(make((data, indices, indptr), shape=(int(shape[0]), int(shape[1])), copy=False))
        k += 4
    return out
