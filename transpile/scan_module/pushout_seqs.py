"""`scan_pushout_seqs` (FAST_RUN): work of the step that reads only sequence entries,
non-sequences and constants (not the loop's own previous values) is done once over whole
sequences before the loop, and the step reads its result as a new sequence (PyTensor's
`scan_pushout_seqs_ops`). An RNN's input projection `x_t @ W` becomes one large product.

Moved: elementwise ops (applied to the whole sequences; non-sequences broadcast over the step
axis), unless a non-sequence would enlarge the result beyond a sequence entry's shape, and
`dot(entry, W)` with a 1-d or 2-d entry and a non-sequence `W` (a (n, r, k) sequence is
reshaped to (n*r, k) for one product and back). The sequences the step no longer reads are
dropped by `scan_remove_unused`. `while` loops are left alone: they may stop early.

Each moved value derives from one sequence and is computed over all of its entries, so it has
that sequence's length and the loop still reports a sequence shorter than n_steps; an op
combining two sequences (maybe of different lengths) stays in the loop.
"""
from transpile.graph.basic import Constant
from transpile.graph.rewriting import node_rewriter
from transpile.graph.traversal import IdMap, clone_replace, io_toposort
from transpile.scan_module.op import Scan
from transpile.scan_module.prune import inner_groups
from transpile.tensor.blas import Dot, dot
from transpile.tensor.elemwise import Elemwise
from transpile.tensor.shape_ops import reshape


@node_rewriter("canonicalize", "fast_run", "scan", tracks=(Scan,))
def scan_pushout_seqs(fgraph, node):
    op = node.op
    if op.as_while or not op.n_seqs:
        return None
    seq_in, tap_in, nonseq_in = inner_groups(op)
    n_steps, outer_seqs, inits, outer_nonseqs = op.outer_parts(node.inputs)
    whole = IdMap(zip(seq_in, outer_seqs))
    origin = IdMap((v, i) for i, v in enumerate(seq_in))
    invariant = IdMap(zip(nonseq_in, outer_nonseqs))
    pushed, consts = IdMap(), IdMap()
    for inner in io_toposort(op.inner_inputs, op.inner_outputs):
        if _constant_only(inner, consts):  # e.g. a constant DimShuffled to the step's rank
            consts[inner.outputs[0]] = inner.op(*[consts[i] if i in consts else i for i in inner.inputs])
            continue
        sources = sorted({origin[i] for i in inner.inputs if i in origin})
        if len(sources) != 1:
            continue  # mixing sequences of different lengths would hide the loop's length check
        lifted = _lift(inner, whole, invariant, consts)
        if lifted is not None:
            whole[inner.outputs[0]] = lifted
            origin[inner.outputs[0]] = sources[0]
            pushed[inner] = True
    if not pushed:
        return None
    produced = IdMap((n.outputs[0], True) for n in pushed.keys())
    frontier, seen = [], IdMap()
    readers = [n for n in io_toposort(op.inner_inputs, op.inner_outputs) if n not in pushed]
    for v in [i for n in readers for i in n.inputs] + list(op.inner_outputs):
        if v in produced and v not in seen:
            seen[v] = True
            frontier.append(v)
    new_in = [v.type(v.name) for v in frontier]
    new_out = clone_replace(op.inner_outputs, list(zip(frontier, new_in)))
    taps_flat = [v for group in tap_in for v in group]
    new_op = Scan(seq_in + new_in + taps_flat + nonseq_in, new_out, op.n_seqs + len(new_in), op.taps,
                  op.n_nitsot, op.n_nonseqs, as_while=op.as_while, truncate_gradient=op.truncate_gradient,
                  mode=op.mode, name=op.name, output_names=op.output_names, last_only=op.last_only)
    new_seqs = [whole[v] for v in frontier]
    return new_op.make_node(n_steps, *outer_seqs, *new_seqs, *inits, *outer_nonseqs).outputs


def _constant_only(node, consts):
    return (len(node.outputs) == 1 and getattr(node.op, "foldable", True) and node.inputs
            and getattr(node.op, "inner_outputs", None) is None
            and all(isinstance(i, Constant) or i in consts for i in node.inputs))


def _lift(node, whole, invariant, consts):
    """The whole-sequence value of `node`'s single output, or None if it cannot move out."""
    if len(node.outputs) != 1 or not getattr(node.op, "foldable", True):
        return None
    kinds = ["seq" if i in whole else "inv" if i in invariant else "const" if i in consts else
             "leaf" if isinstance(i, Constant) else None for i in node.inputs]
    if None in kinds or "seq" not in kinds:
        return None
    args = [whole[i] if k == "seq" else invariant[i] if k == "inv" else consts[i] if k == "const" else i
            for i, k in zip(node.inputs, kinds)]
    if isinstance(node.op, Elemwise):
        out_bcast = node.outputs[0].broadcastable
        if not any(k == "seq" and i.broadcastable == out_bcast for i, k in zip(node.inputs, kinds)):
            return None  # a non-sequence would make each entry larger: keep it per step
        return node.op(*args)
    if isinstance(node.op, Dot) and kinds[0] == "seq" and kinds[1] != "seq":
        entries, w = args
        if node.inputs[0].ndim == 1:
            return dot(entries, w)
        rows = reshape(entries, (entries.shape[0] * entries.shape[1], entries.shape[2]))
        tail = (w.shape[1],) if w.ndim == 2 else ()
        return reshape(dot(rows, w), (entries.shape[0], entries.shape[1]) + tail)
    return None
