"""`scan(fn, sequences, outputs_info, non_sequences, n_steps, ...)`: Theano's loop.

`fn` is called once, symbolically, with (in this order) one variable per sequence tap, one per
recurrent output tap, and the non-sequences themselves; what it returns becomes the inner graph
of a `Scan` op (see `op.py`). Every variable the step reads that is not one of its arguments
(closures, shared variables) becomes an implicit non-sequence, except shared variables the step
updates (through the updates it returns, or their default update, as random streams do): those
are carried from step to step, and their final value is returned in `updates`.
"""
from collections import OrderedDict

import numpy as np

from transpile.compile.sharedvalue import SharedVariable
from transpile.graph.basic import Constant, Variable
from transpile.graph.traversal import clone_replace, graph_inputs
from transpile.scan_module.op import Scan
from transpile.scan_module.until import until
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.math import cast, minimum
from transpile.tensor.shape import addbroadcast, static_int, unbroadcast
from transpile.tensor.shape_ops import shape_padleft
from transpile.tensor.type import TensorType

__all__ = ["scan"]


def scan(fn, sequences=None, outputs_info=None, non_sequences=None, n_steps=None, truncate_gradient=-1,
         go_backwards=False, mode=None, name=None, strict=False, return_list=False, profile=None, allow_gc=None):
    """Repeat `fn` over `sequences`; returns `(outputs, updates)` (see the module docstring).

    - `sequences`: variables or `dict(input=x, taps=[-1, 0, 1])` (taps default [0]); step t
      reads `x[t - min(taps) + k]` for tap k, so the loop runs `len(x) - (max - min)` steps.
    - `outputs_info`: per output, its initial value (taps [-1]), `dict(initial=x0, taps=[-2, -1])`
      (`x0[:2]` holds the values of taps -2 and -1 at step 0) or None (not fed back).
    - `non_sequences`: passed unchanged to every step.
    - `n_steps`: number of steps (symbolic allowed); by default the shortest sequence's length.
    - `go_backwards`: read the sequences from their end.
    - `truncate_gradient`: backpropagate through at most this many steps (-1: all).
    - `fn` may return outputs, `(outputs, updates)`, and `until(condition)` to stop early.
    - `strict`: every variable the step reads must be an argument (or a constant).
    """
    seqs = [_as_seq(s, i) for i, s in enumerate(_as_list(sequences))]
    outs_info = [_as_output_info(o, i) for i, o in enumerate(_as_list(outputs_info))]
    non_seqs = [v if isinstance(v, Variable) else as_tensor_variable(v) for v in _as_list(non_sequences)]
    for i, v in enumerate(non_seqs):
        if not isinstance(v.type, TensorType):
            raise TypeError(f"scan: non_sequences[{i}] ({v}) must be a tensor, got {v.type}")

    # sequences: one outer slice and one step variable per tap
    seq_slices, seq_args, lengths = [], [], []
    for i, (x, taps) in enumerate(seqs):
        lo, hi = min(taps), max(taps)
        for k in taps:
            stop = -(hi - k) if hi != k else None
            piece = x[k - lo: stop] if (k - lo, stop) != (0, None) else x
            if go_backwards:
                piece = piece[::-1]
            seq_slices.append(piece)
            seq_args.append(_step_variable(x.type, _tap_name(x.name, k)))
        lengths.append(x.shape[0] - (hi - lo) if hi != lo else x.shape[0])
    n_steps = _steps(n_steps, lengths)

    # recurrent outputs: the initial buffer and one step variable per tap
    rec, inits, tap_args = [], [], []
    for i, info in enumerate(outs_info):
        if info is None:
            continue
        x0, taps = info
        m = -min(taps)
        if taps == [-1]:
            init, arg_type = shape_padleft(x0), x0.type
        else:
            if x0.ndim == 0:
                raise TypeError(f"scan: outputs_info[{i}] has taps {taps}; its initial value must hold "
                                f"{m} past values (a leading dimension), got a scalar")
            init, arg_type = x0[:m], TensorType(x0.dtype, x0.broadcastable[1:])
        rec.append((i, taps, m))
        inits.append(unbroadcast(init, 0))
        tap_args.append([arg_type(_tap_name(x0.name, k)) for k in taps])

    args = seq_args + [a for group in tap_args for a in group] + non_seqs
    outputs, updates, condition = _parse_step_result(fn(*args))
    if outs_info and len(outputs) != len(outs_info):
        raise ValueError(f"scan: the step function returned {len(outputs)} output(s) but outputs_info has "
                         f"{len(outs_info)} entries (use None for outputs that are not fed back)")
    if not outs_info:
        outs_info = [None] * len(outputs)
    outputs = [o if isinstance(o, Variable) else as_tensor_variable(o) for o in outputs]

    rec_outs = [_fit_recurrent(outputs[i], group[0].type, i) for (i, _, _), group in zip(rec, tap_args)]
    nitsot_idx = [i for i, info in enumerate(outs_info) if info is None]
    nitsot_outs = [outputs[i] for i in nitsot_idx]

    # shared variables the step reads: updated ones become states, the others non-sequences
    explicit = list(args)
    step_outputs = rec_outs + nitsot_outs + [e for _, e in updates] + ([condition] if condition is not None else [])
    states, free = _free_variables(step_outputs, explicit, updates)
    if strict and free:
        raise ValueError(f"scan(strict=True): the step reads {', '.join(map(str, free))}, which are not "
                         "arguments; pass them in non_sequences")
    state_vars = [s for s, _ in states]
    state_args = [s.type(s.name) for s in state_vars]
    state_ids = {id(s) for s in state_vars}
    nonseq_outer = [v for v in non_seqs + free if id(v) not in state_ids]
    nonseq_args = [v.type(v.name) for v in nonseq_outer]
    replace = list(zip(state_vars, state_args)) + list(zip(nonseq_outer, nonseq_args))
    state_outs = [_fit_update(s, e) for s, e in states]
    inner_out = rec_outs + state_outs + nitsot_outs + ([condition] if condition is not None else [])
    inner_out = clone_replace(inner_out, replace) if replace else inner_out
    inner_in = seq_args + [a for group in tap_args for a in group] + state_args + nonseq_args

    names = ([outputs[i].name for i, _, _ in rec] + [s.name for s in state_vars]
             + [outputs[i].name for i in nitsot_idx])
    op = Scan(inner_in, inner_out, len(seq_slices), [t for _, t, _ in rec] + [[-1]] * len(states),
              len(nitsot_outs), len(nonseq_outer), as_while=condition is not None,
              truncate_gradient=truncate_gradient, mode=mode, name=name, output_names=names)
    state_inits = [unbroadcast(shape_padleft(s), 0) for s in state_vars]
    results = op.make_node(n_steps, *seq_slices, *inits, *state_inits, *nonseq_outer).outputs

    user = [None] * len(outs_info)
    for (i, _, m), buf in zip(rec, results):
        user[i] = buf[m:]
        user[i].name = outputs[i].name
    for i, z in zip(nitsot_idx, results[len(rec) + len(states):]):
        user[i] = z
        z.name = outputs[i].name
    new_updates = OrderedDict()
    for s, buf in zip(state_vars, results[len(rec):len(rec) + len(states)]):
        new_updates[s] = buf[-1]
    if len(user) == 1 and not return_list:
        return user[0], new_updates
    return user, new_updates


# -- arguments ---------------------------------------------------------------------------------
def _as_list(x):
    if x is None:
        return []
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]


def _as_seq(s, i):
    if isinstance(s, dict):
        if "input" not in s:
            raise ValueError(f"scan: sequences[{i}] is a dict without 'input'")
        x, taps = s["input"], s.get("taps", [0])
        taps = [0] if taps is None else list(taps)
    else:
        x, taps = s, [0]
    x = as_tensor_variable(x)
    if x.ndim == 0:
        raise TypeError(f"scan: sequences[{i}] ({x}) is a scalar; a sequence needs a leading dimension to "
                        "iterate over")
    if not taps or len(set(taps)) != len(taps) or not all(isinstance(k, (int, np.integer)) for k in taps):
        raise ValueError(f"scan: sequences[{i}] taps must be distinct ints, got {taps}")
    return x, [int(k) for k in taps]


def _as_output_info(o, i):
    if o is None:
        return None
    if isinstance(o, dict):
        if o.get("initial") is None:
            if o.get("taps"):
                raise ValueError(f"scan: outputs_info[{i}] has taps but no initial value")
            return None
        x0, taps = o["initial"], list(o.get("taps", [-1]) or [-1])
    else:
        x0, taps = o, [-1]
    x0 = as_tensor_variable(x0)
    if len(set(taps)) != len(taps) or not all(isinstance(k, (int, np.integer)) and k < 0 for k in taps):
        raise ValueError(f"scan: outputs_info[{i}] taps must be distinct negative ints (past values), got {taps}")
    return x0, [int(k) for k in taps]


def _step_variable(ttype, name):
    """A step's variable: `ttype` without its leading dimension."""
    return TensorType(ttype.dtype, ttype.broadcastable[1:])(name)


def _tap_name(name, k):
    if name is None:
        return None
    return f"{name}[t]" if k == 0 else f"{name}[t{k:+d}]"


def _steps(n_steps, lengths):
    if n_steps is None:
        if not lengths:
            raise ValueError("scan: no sequences and no n_steps: the number of steps is unknown")
        n = lengths[0]
        for length in lengths[1:]:
            n = minimum(n, length)
        return n
    n = as_tensor_variable(n_steps)
    if n.ndim != 0 or not str(n.dtype).startswith(("int", "uint")):
        raise TypeError(f"scan: n_steps must be an integer scalar, got {n.type}")
    known = static_int(n)
    if known is not None and known < 0:
        raise ValueError(f"scan: n_steps must be non-negative, got {known}")
    return cast(n, "int64") if n.dtype != "int64" else n


# -- what the step returned -----------------------------------------------------------------------
def _parse_step_result(result):
    """(outputs, [(shared, update)], condition or None) from what `fn` returned."""
    if isinstance(result, until):
        return [], [], result.condition
    if isinstance(result, dict):
        return [], _as_update_pairs(result), None
    if not isinstance(result, (list, tuple)):
        return [result], [], None
    updates = [r for r in result if isinstance(r, dict)]
    conds = [r for r in result if isinstance(r, until)]
    rest = [r for r in result if not isinstance(r, (dict, until))]
    if len(updates) > 1 or len(conds) > 1:
        raise ValueError("scan: the step function returned more than one updates dict or until condition")
    if not updates and not conds:
        return list(result), [], None
    if len(rest) == 1 and isinstance(rest[0], (list, tuple)):
        rest = list(rest[0])
    return rest, _as_update_pairs(updates[0]) if updates else [], conds[0].condition if conds else None


def _as_update_pairs(updates):
    pairs = []
    for var, expr in updates.items():
        if not isinstance(var, SharedVariable):
            raise TypeError(f"scan: the step's updates must target shared variables, got {var}")
        pairs.append((var, expr if isinstance(expr, Variable) else as_tensor_variable(expr)))
    return pairs


def _fit_recurrent(out, arg_type, i):
    """The step's output `i`, checked against the type of the value it is fed back as."""
    if not isinstance(out.type, TensorType):
        raise TypeError(f"scan: output {i} of the step function ({out}) is not a tensor")
    label = f"output {i}" + (f" ({out.name!r})" if out.name else "")
    if out.dtype != arg_type.dtype or out.ndim != arg_type.ndim:
        raise TypeError(f"scan: {label} of the step function is {out.type} but its initial value "
                        f"(outputs_info[{i}]) gives {arg_type}; it is fed back to the next step, so dtype "
                        "and number of dimensions must match (cast one of them)")
    drop = [d for d in range(out.ndim) if out.broadcastable[d] and not arg_type.broadcastable[d]]
    add = [d for d in range(out.ndim) if arg_type.broadcastable[d] and not out.broadcastable[d]]
    if drop:
        out = unbroadcast(out, *drop)
    if add:
        out = addbroadcast(out, *add)
    return out


def _fit_update(shared, expr):
    if expr.type != shared.type:
        converted = shared.type.convert_variable(expr)
        if converted is None:
            raise TypeError(f"scan: the update of shared variable {shared} ({shared.type}) has type {expr.type}; "
                            "cast it so the types match")
        expr = converted
    return expr


def _free_variables(outputs, explicit, updates):
    """(states, free): states are [(shared, update)] for the shared variables the step updates
    (its own updates, then default updates such as random streams'), free are the other
    variables it reads that are not arguments, in first-visit order."""
    states = list(updates)
    targets = list(outputs)
    while True:
        leaves = [v for v in graph_inputs(targets, blockers=explicit)
                  if not isinstance(v, Constant) and not any(v is a for a in explicit)]
        found = [v for v in leaves if isinstance(v, SharedVariable)
                 and getattr(v, "default_update", None) is not None and not any(v is s for s, _ in states)]
        if not found:
            return states, leaves
        for v in found:
            states.append((v, v.default_update))
            targets.append(v.default_update)
