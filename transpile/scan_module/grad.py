"""Backpropagation through time: the gradient of a Scan node is another Scan running backwards.

Backward step for forward step t (from the last step down; only the last `truncate_gradient`
steps when that is positive): the forward step's inputs are recomputed from the saved
sequences, output buffers and non-sequences; the vector-Jacobian product of the forward step
(`transpile.gradient.grad` with `known_grads`) is taken with, as cotangent of each recurrent
output, its outer gradient at step t plus what later steps sent back through their taps.
Where that product reads the forward step's outputs (tanh's derivative is `1 - out**2`), it
reads the saved ones as sequences rather than recomputing them.

Carried from step to step:
- per float recurrent output with taps reaching `m` steps back, `S` of shape (m, ...): the
  gradient gathered so far for its values at steps t-m+1 .. t. After the step it is shifted by
  one, and the tap gradients are added where each tap reads (index m + tap);
- per float non-sequence, the sum of its gradients over the steps.
Each step also emits the gradient of each float sequence at step t (a nit-sot output).

After the last backward step, `S` holds the gradient of the initial values (when the whole
loop was backpropagated), and the accumulators the non-sequences' gradients.

The backward op carries a `ForwardLink`: which forward value each of its inputs holds, so that
a FAST_RUN rewrite (save_for_backward.py) can make the forward loop save what the backward
step would recompute.

A `while` loop (until) is backpropagated through the steps it actually ran, read from the length
of its outputs (as Theano did); the backward loop is a plain loop of that many steps.
"""
from dataclasses import dataclass

from transpile.configdefaults import config
from transpile.gradient import grad, grad_not_implemented
from transpile.graph.traversal import ancestors, clone_replace
from transpile.scalar import dtypes as D
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.join import concatenate
from transpile.tensor.math import cast, eq, minimum, switch, zeros_like
from transpile.tensor.shape import patternbroadcast, unbroadcast
from transpile.tensor.shape_ops import shape_padleft
from transpile.tensor.subtensor import inc_subtensor, set_subtensor


@dataclass(frozen=True)
class ForwardLink:
    """What the inputs of a backward loop hold: backward step s reads, through inner input j,
    the value of step n-1-s of the forward loop (the node of Scan `op`; n: its n_steps) named by
    `sources[j]`: ("in", i), the forward step's inner input i, or ("out", k), its inner output k;
    None for inputs of the backward loop's own (cotangents, states, accumulators). It names the
    op, not the node: compiling clones the graph's nodes, not its ops."""
    op: object
    sources: tuple


def _is_float(var):
    return var.dtype in D.FLOAT


def scan_grad(op, inputs, output_grads):
    """`Scan.grad`: one gradient per outer input (see the module docstring)."""
    if any(op.last_only) or (op.as_while and not op.n_rec + op.n_nitsot):
        why = ("a while loop without outputs has nothing to differentiate" if not any(op.last_only) else
               "this loop keeps only its final values (a compile-time rewrite); differentiate the graph before compiling")
        return [grad_not_implemented(op, i, x, why) for i, x in enumerate(inputs)]
    node = op.node_of(inputs)
    n, seqs, inits, nonseqs = op.outer_parts(inputs)
    n_steps = n
    if op.as_while:  # the steps actually run: the length of an output
        n = node.outputs[0].shape[0] - op.mintaps[0] if op.n_rec else node.outputs[0].shape[0]
    bufs = node.outputs[:op.n_rec]
    g_bufs = output_grads[:op.n_rec]
    g_nitsot = output_grads[op.n_rec:]
    k = n if op.truncate_gradient is None or op.truncate_gradient <= 0 else minimum(n, op.truncate_gradient)

    fwd_seq_in = op.inner_inputs[:op.n_seqs]
    fwd_tap_in = op.inner_inputs[op.n_seqs:len(op.inner_inputs) - op.n_nonseqs]
    fwd_nonseq_in = op.inner_inputs[len(op.inner_inputs) - op.n_nonseqs:]
    fwd_out = op.inner_outputs[:op.n_rec + op.n_nitsot]
    rec_float = [r for r in range(op.n_rec) if _is_float(bufs[r])]
    nit_float = [q for q in range(op.n_nitsot) if _is_float(fwd_out[op.n_rec + q])]
    seq_float = [i for i in range(op.n_seqs) if _is_float(seqs[i])]
    nonseq_float = [p for p in range(op.n_nonseqs) if _is_float(nonseqs[p])]

    # the backward step's inputs: sequences (read from the end), states, non-sequences
    b_seq = [v.type(v.name) for v in fwd_seq_in]
    b_tap = [v.type(v.name) for v in fwd_tap_in]
    b_gy = [fwd_out[r].type(f"g_{op.output_names[r] or r}") for r in rec_float]
    b_gz = [fwd_out[op.n_rec + q].type() for q in nit_float]
    b_state = [inits[r].type() for r in rec_float]
    b_acc = [nonseqs[p].type() for p in nonseq_float]
    b_w = [v.type(v.name) for v in fwd_nonseq_in]

    outs = clone_replace(fwd_out, list(zip(fwd_seq_in + fwd_tap_in + fwd_nonseq_in, b_seq + b_tap + b_w)))
    known = [(outs[r], gy + s[op.mintaps[r] - 1]) for r, gy, s in zip(rec_float, b_gy, b_state)]
    known += [(outs[op.n_rec + q], gz) for q, gz in zip(nit_float, b_gz)]
    tap_owner = [r for r, taps in enumerate(op.taps) for _ in taps]
    tap_value = [tap for taps in op.taps for tap in taps]
    wrt = ([b_seq[i] for i in seq_float] + [v for v, r in zip(b_tap, tap_owner) if r in rec_float]
           + [b_w[p] for p in nonseq_float])
    if known and wrt:
        grads = grad(None, wrt, known_grads=known, disconnected_inputs="ignore", return_disconnected="zero")
    else:
        grads = [zeros_like(v) for v in wrt]
    grads, saved_in, saved_outer, saved_k = _read_saved_outputs(op, node, n, outs, grads)
    g_seq = grads[:len(seq_float)]
    g_tap = grads[len(seq_float):len(wrt) - len(nonseq_float)]
    g_w = grads[len(wrt) - len(nonseq_float):]

    new_states = []
    float_taps = [(r, tap) for r, tap in zip(tap_owner, tap_value) if r in rec_float]
    for r, s in zip(rec_float, b_state):
        m = op.mintaps[r]
        own = [(tap, g) for (owner, tap), g in zip(float_taps, g_tap) if owner == r]
        if m == 1 and len(own) == 1:  # the single tap -1: S is that tap's gradient (no zeros to fill)
            new_states.append(_as_type(shape_padleft(own[0][1]), s))
            continue
        shifted = concatenate([zeros_like(s[:1]), s[:m - 1]]) if m > 1 else zeros_like(s)
        for tap, g in own:
            shifted = inc_subtensor(shifted[m + tap], g)
        new_states.append(_as_type(shifted, s))
    new_accs = [_as_type(a + g, a) for a, g in zip(b_acc, g_w)]
    seq_grads = [_as_type(g, b_seq[i]) for i, g in zip(seq_float, g_seq)]

    backward = type(op)(b_seq + b_tap + b_gy + b_gz + saved_in + b_state + b_acc + b_w,
                        new_states + new_accs + seq_grads,
                        n_seqs=len(b_seq) + len(b_tap) + len(b_gy) + len(b_gz) + len(saved_in),
                        taps=[[-1]] * (len(b_state) + len(b_acc)), n_nitsot=len(seq_grads),
                        n_nonseqs=len(b_w), mode=op.mode, name=f"grad_of_{op.name}")
    if not op.as_while:
        n_fwd_seq = op.n_seqs + len(b_tap)
        backward.forward_link = ForwardLink(op, tuple(
            [("in", i) for i in range(n_fwd_seq)] + [None] * (len(b_gy) + len(b_gz))
            + [("out", k) for k in saved_k] + [None] * (len(b_state) + len(b_acc))
            + [("in", n_fwd_seq + p) for p in range(len(b_w))]))
    outer_seqs = [x[:n][::-1] for x in seqs]
    outer_seqs += [buf[m + tap:m + tap + n][::-1] for r, (buf, m, taps) in enumerate(zip(bufs, op.mintaps, op.taps))
                   for tap in taps]
    outer_seqs += [g_bufs[r][op.mintaps[r]:][::-1] for r in rec_float]
    outer_seqs += [g_nitsot[q][:n][::-1] for q in nit_float]
    outer_seqs += saved_outer
    outer_inits = [unbroadcast(shape_padleft(zeros_like(inits[r])), 0) for r in rec_float]
    outer_inits += [unbroadcast(shape_padleft(zeros_like(nonseqs[p])), 0) for p in nonseq_float]
    results = backward.make_node(k, *outer_seqs, *outer_inits, *nonseqs).outputs

    result = [zeros_like(n_steps, dtype=config.floatX)]
    for i, x in enumerate(seqs):
        if i in seq_float:
            g = results[len(new_states) + len(new_accs) + seq_float.index(i)][::-1]
            result.append(set_subtensor(zeros_like(x)[n - k:n], g))
        else:
            result.append(zeros_like(x, dtype=config.floatX))
    for r, x in enumerate(inits):
        if r in rec_float:
            final = results[rec_float.index(r)][-1]
            if k is not n:
                final = switch(eq(k, n), final, zeros_like(final))
            result.append(g_bufs[r][:op.mintaps[r]] + final)
        else:
            result.append(zeros_like(x, dtype=config.floatX))
    for p, x in enumerate(nonseqs):
        if p in nonseq_float:
            result.append(results[len(new_states) + nonseq_float.index(p)][-1])
        else:
            result.append(zeros_like(x, dtype=config.floatX))
    return result


def _read_saved_outputs(op, node, n, outs, grads):
    """The vector-Jacobian product often reads the forward step's outputs themselves (tanh's
    derivative is `1 - out**2`); the forward loop saved them, so the backward step reads them
    as sequences instead of recomputing them (and what only they needed). Returns the
    rewritten gradients, the new inner sequence inputs, their outer sequences and the forward
    inner outputs they hold."""
    saved = [(outs[r], node.outputs[r][op.mintaps[r]:op.mintaps[r] + n][::-1]) for r in range(op.n_rec)]
    saved += [(outs[op.n_rec + q], node.outputs[op.n_rec + q][:n][::-1]) for q in range(op.n_nitsot)]
    replace, new_in, new_outer, new_k = [], [], [], []
    read = ancestors(grads)
    for k, (inner, outer) in enumerate(saved):
        if inner.owner is None:
            continue
        copies = [v for v in read if _same_value(v, inner)]
        if copies and not any(inner is done for done, _ in replace):
            new_in.append(inner.type(inner.name))
            new_outer.append(outer)
            new_k.append(k)
            replace += [(v, new_in[-1]) for v in copies]
    if not replace:
        return grads, [], [], []
    return clone_replace(grads, replace), new_in, new_outer, new_k


def _same_value(v, inner):
    """`v` is `inner` or the same op applied to the same inputs (ops' `grad` methods may
    rebuild their node, e.g. Elemwise's, so identity alone would miss them)."""
    if v is inner:
        return True
    a, b = v.owner, inner.owner
    return (a is not None and a.op == b.op and len(a.inputs) == len(b.inputs)
            and all(x is y for x, y in zip(a.inputs, b.inputs))
            and _position(a.outputs, v) == _position(b.outputs, inner))


def _position(variables, v):
    return next(i for i, x in enumerate(variables) if x is v)


def _as_type(value, like):
    """`value` with the dtype and broadcastable pattern of `like` (the type the loop carries)."""
    value = as_tensor_variable(value)
    if value.dtype != like.dtype:
        value = cast(value, like.dtype)
    if value.broadcastable != like.broadcastable:
        value = patternbroadcast(value, like.broadcastable)
    return value
