"""`scan_save_for_backward` (FAST_RUN): the forward loop saves what its backward loop would
recompute.

The backward step (grad.py) recomputes the forward step from the saved sequences and states
(an LSTM's gate pre-activations `x_t W + h_{t-1} U + b` and their sigmoids/tanhs) wherever its
vector-Jacobian product reads them. The backward op's `ForwardLink` says which forward value
each of its inputs holds; from those, every node of the backward step that applies the same op
to the same (linked) values as a node of the forward step computes the same value. Those of
them that the rest of the backward step reads become nit-sot outputs of the forward loop, and
the backward loop reads them, reversed, as sequences: the recomputation (and the inputs only it
needed, dropped by `scan_remove_unused`) goes. Values that depend on no per-step input stay
(`scan_pushout_invariants` moves them out of both loops), and so do views (a Subtensor or
DimShuffle of a saved value is free to recompute). A constant fill `second(v, c)` (the
gradient of `v[a]` starts from `zeros_like(v)`) reads only v's shape: it becomes
`alloc(c, *shape)`, the shape taken from the ops' `infer_shape` down to the step's inputs, so
that v need not be saved for it.

Runs on the forward node, before the other scan rewrites change either step (a rewritten loop
is a new op, which carries no link): registered first of them (so this module imports none). Not for `while` loops, random draws or nested loops (a
recomputed random draw is not the forward's value: it stays as it is).
"""
from transpile.graph.basic import Constant
from transpile.graph.rewriting import node_rewriter
from transpile.graph.traversal import IdMap, clone_replace, io_toposort
from transpile.scalar.arith import Second
from transpile.scan_module.op import Scan
from transpile.tensor.alloc import alloc
from transpile.tensor.basic import constant
from transpile.tensor.rewriting.utils import constant_value, scalar_op_of
from transpile.tensor.shape import shape_const, shape_i
from transpile.tensor.elemwise import DimShuffle
from transpile.tensor.subtensor_basic import Subtensor
from transpile.tensor.type import TensorType

#: ops whose output is a view of their input: recomputed, not saved
_VIEWS = (Subtensor, DimShuffle)


@node_rewriter("canonicalize", "fast_run", "scan", tracks=(Scan,))
def scan_save_for_backward(fgraph, node):
    op = node.op
    if op.as_while or any(op.last_only):
        return None
    scans = [n for n in fgraph.toposort() if isinstance(n.op, Scan)]
    if sum(n.op is op for n in scans) != 1:
        return None  # the op applied to other inputs too: which one a link means is unclear
    backwards = [b for b in scans if b.op.forward_link is not None and b.op.forward_link.op is op]
    plans = [(b, *_recomputed(node, b)) for b in backwards]
    plans = [(b, plan, fills) for b, plan, fills in plans if plan]
    if not plans:
        return None
    # the forward values to save, each once, in a deterministic order
    saved, position = [], IdMap()
    for _, plan, _ in plans:
        for _, fwd in plan:
            if fwd not in position:
                position[fwd] = len(saved)
                saved.append(fwd)
    n_out = op.n_rec + op.n_nitsot
    new_fwd = Scan(op.inner_inputs, op.inner_outputs[:n_out] + saved + op.inner_outputs[n_out:], op.n_seqs,
                   op.taps, op.n_nitsot + len(saved), op.n_nonseqs, as_while=op.as_while,
                   truncate_gradient=op.truncate_gradient, mode=op.mode, name=op.name,
                   output_names=op.output_names + [None] * len(saved), last_only=op.last_only)
    fwd_node = new_fwd.make_node(*node.inputs)
    result = dict(zip(node.outputs, fwd_node.outputs[:n_out]))
    n_steps = node.inputs[0]
    for b, plan, fills in plans:
        fwds = []  # the saved values this backward step reads, once each
        for _, fwd in plan:
            if not any(fwd is f for f in fwds):
                fwds.append(fwd)
        groups = [[bwd for bwd, f in plan if f is fwd] for fwd in fwds]
        outer = [fwd_node.outputs[n_out + position[fwd]][:n_steps][::-1] for fwd in fwds]
        result.update(_read_as_sequences(b, groups, outer, fills))
    return result


def _recomputed(fwd_node, bwd_node):
    """([(backward value, forward value)], [(fill, alloc)]): the values of the backward step that
    the forward step computes too and that the rest of the backward step reads, and the constant
    fills of such values, rewritten (see the module docstring)."""
    fwd, bwd = fwd_node.op, bwd_node.op
    same = IdMap()  # backward variable -> the forward variable holding its value
    per_step = IdMap()  # backward variables that change from step to step
    for v, source in zip(bwd.inner_inputs, bwd.forward_link.sources):
        if source is not None:
            kind, k = source
            same[v] = fwd.inner_inputs[k] if kind == "in" else fwd.inner_outputs[k]
            if not (kind == "in" and k >= len(fwd.inner_inputs) - fwd.n_nonseqs):
                per_step[v] = True
    fwd_nodes = io_toposort(fwd.inner_inputs, fwd.inner_outputs)
    bwd_nodes = io_toposort(bwd.inner_inputs, bwd.inner_outputs)
    for b in bwd_nodes:
        if not _pure(b.op) or not all(isinstance(i, Constant) or i in same for i in b.inputs):
            continue
        mapped = [i if isinstance(i, Constant) else same[i] for i in b.inputs]
        f = next((f for f in fwd_nodes if f.op == b.op and len(f.inputs) == len(mapped)
                  and all(x is y for x, y in zip(f.inputs, mapped))), None)
        if f is None:
            continue
        moving = any(i in per_step for i in b.inputs)
        for bo, fo in zip(b.outputs, f.outputs):
            same[bo] = fo
            if moving:
                per_step[bo] = True
    fills, shapes = [], IdMap()
    readers = []
    for b in bwd_nodes:
        if all(o in same for o in b.outputs):
            continue
        if b.inputs and b.inputs[0] in per_step:
            new = _shape_only_fill(b, shapes)
            if new is not None:
                fills.append((b.outputs[0], new))
                continue
        readers.extend(b.inputs)
    # matched values with an owner, read by an unmatched node or returned by the step
    wanted, plan = IdMap(), []
    for v in readers + list(bwd.inner_outputs):
        _want(v, same, per_step, wanted, plan)
    return plan, fills


def _shape_only_fill(node, shapes):
    """`alloc(c, *shape of v)` for a node `second(v, c)` with a constant c, its shape lifted to
    the step's inputs; None for other nodes, or when a shape cannot be lifted."""
    if scalar_op_of(node, Second) is None or len(node.inputs) != 2:
        return None
    value, out = constant_value(node.inputs[1]), node.outputs[0]
    if value is None or not all(node.inputs[1].broadcastable):
        return None
    try:
        new = alloc(constant(value, dtype=out.dtype), *_lifted_shape(node.inputs[0], shapes))
    except Exception:  # an op without infer_shape, or one that cannot work on these shapes
        return None
    return new if new.type == out.type else None


def _lifted_shape(var, shapes):
    """The shape of `var` written with the shapes of the inputs of its graph (memo `shapes`)."""
    if var in shapes:
        return shapes[var]
    if var.owner is None:
        shape = tuple(shape_const(1) if b else shape_i(var, d) for d, b in enumerate(var.broadcastable))
    else:
        node = var.owner
        found = node.op.infer_shape(node, [_lifted_shape(i, shapes) for i in node.inputs])
        for o, shp in zip(node.outputs, found):
            shapes[o] = tuple(shp)
        shape = shapes[var]
    shapes[var] = shape
    return shape


def _want(v, same, per_step, wanted, plan):
    """Add `v` to the plan (or, for a view, what it views), once."""
    if v in wanted or v not in same or v not in per_step or v.owner is None:
        return
    wanted[v] = True
    if isinstance(v.owner.op, _VIEWS):
        for i in v.owner.inputs:
            _want(i, same, per_step, wanted, plan)
        return
    if isinstance(v.type, TensorType):
        plan.append((v, same[v]))


def _pure(op):
    """Ops whose recomputation gives the forward's value (no random draw, no nested loop)."""
    return getattr(op, "foldable", True) and getattr(op, "inner_outputs", None) is None


def _read_as_sequences(node, groups, outer, fills):
    """{old output: new output} of a loop like `node` whose step reads each group of inner
    variables (the same value) from one of the new sequences `outer` instead of computing it,
    and computes the `fills` ((old, new) pairs) anew."""
    op = node.op
    n_steps, outer_seqs, inits, outer_nonseqs = op.outer_parts(node.inputs)
    new_in = [group[0].type(group[0].name) for group in groups]
    replace = fills + [(v, new) for group, new in zip(groups, new_in) for v in group]
    new_out = clone_replace(op.inner_outputs, replace)
    new_op = Scan(op.inner_inputs[:op.n_seqs] + new_in + op.inner_inputs[op.n_seqs:], new_out,
                  op.n_seqs + len(new_in), op.taps, op.n_nitsot, op.n_nonseqs, as_while=op.as_while,
                  truncate_gradient=op.truncate_gradient, mode=op.mode, name=op.name,
                  output_names=op.output_names, last_only=op.last_only)
    new_node = new_op.make_node(n_steps, *outer_seqs, *outer, *inits, *outer_nonseqs)
    return dict(zip(node.outputs, new_node.outputs))
