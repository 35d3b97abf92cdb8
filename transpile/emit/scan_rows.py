"""Does a scan's step treat the rows of its values independently? (the batch of an RNN)

A step computes row b of its outputs from row b of its sequences and states alone when it only
multiplies rows by weights, applies elementwise functions, slices other axes and so on: each
example of a batch goes through the loop on its own. Then the loop can run as several loops, one
per block of rows, each on its own thread through every step (cpp/rules/scan.py), with no
synchronization between steps, instead of splitting each step's small products and loops across
the threads and joining them a few times per step.

`row_axes(op)` proves it on the step's own graph (op.inner_outputs; rewrites keep its values),
propagating through each node the axis that holds the rows, or None for a value that is the same
for every row (a weight, a constant, a length). A node that mixes rows (a sum over them, a
product contracting them, a random draw, a use of their count other than as a length) makes the
answer None, as does any op not named here with an input that holds rows. The rows' axis of a
sequence entry or a state is its next-to-last (an entry (batch, features), or Theano's gradient
state (1, batch, features)), else its first; the non-sequences are the same for every row.
"""
from typing import NamedTuple

from transpile.graph.basic import Constant
from transpile.graph.traversal import IdMap, io_toposort
from transpile.tensor.alloc import Alloc
from transpile.tensor.blas import Dot
from transpile.tensor.elemwise import DimShuffle, Elemwise
from transpile.tensor.nnet.softmax import _AxisOp
from transpile.tensor.random.op import RandomDraw
from transpile.tensor.reduce import CAReduce
from transpile.tensor.shape import Shape, Shape_i, Unbroadcast
from transpile.tensor.subtensor_basic import Subtensor
from transpile.tensor.subtensor_inc import IncSubtensor
from transpile.tensor.subtensor_key import SliceEntry, Sym, is_advanced

#: the value of an integer scalar that is the number of rows (`h.shape[0]`): usable as a length
ROWS = "rows"


class _ShapeOf(NamedTuple):
    """The value of `shape(v)` for v holding rows at `axis`: entry `axis` is their count."""
    axis: int
    ndim: int


class RowAxes(NamedTuple):
    """The axis holding the rows: of each sequence entry (None: the same for every row), of each
    recurrent output's entry and of each nit-sot output's entry."""
    seqs: list
    recs: list
    nitsots: list


class _Mixed(Exception):
    """The step mixes rows (or reads what this analysis does not know)."""


def row_axes(op):
    """RowAxes of the Scan `op`, or None when its step may mix rows (see the module doc)."""
    if op.as_while or not op.inner_outputs:
        return None
    for pick in (_next_to_last, _first):
        try:
            return _prove(op, pick)
        except _Mixed:
            continue
    return None


def _next_to_last(var):
    return var.ndim - 2 if var.ndim >= 2 else None


def _first(var):
    return 0 if var.ndim >= 1 else None


def _prove(op, pick):
    seqs = op.inner_inputs[:op.n_seqs]
    taps, k = [], op.n_seqs
    for t in op.taps:
        taps.append(op.inner_inputs[k:k + len(t)])
        k += len(t)
    axes = IdMap()
    for v in seqs:
        axes[v] = _rows_at(v, pick(v))
    for v in (v for group in taps for v in group):
        axes[v] = _rows_at(v, pick(v))
        if axes[v] is None:  # a state the same for every row would be written by every thread
            raise _Mixed()
    for v in op.inner_inputs[k:]:
        axes[v] = None
    for node in io_toposort(op.inner_inputs, op.inner_outputs):
        for v, a in zip(node.outputs, _node_axes(node, [_axis_of(axes, v) for v in node.inputs])):
            axes[v] = a
    outputs = [_axis_of(axes, v) for v in op.inner_outputs[:op.n_rec + op.n_nitsot]]
    if not all(isinstance(a, int) for a in outputs):  # the same for every row, a count, a shape
        raise _Mixed()
    if any(axes[v] != outputs[r] for r, group in enumerate(taps) for v in group):
        raise _Mixed()  # a state read with its rows on one axis and written with them on another
    return RowAxes([axes[v] for v in seqs], outputs[:op.n_rec], outputs[op.n_rec:])


def _rows_at(var, axis):
    """`axis` if `var` can hold rows there (a dim not broadcastable), else None."""
    return axis if axis is not None and not var.broadcastable[axis] else None


def _axis_of(axes, var):
    if isinstance(var, Constant):
        return None
    if var not in axes:
        raise _Mixed()
    return axes[var]


def _node_axes(node, ins):
    """The rows' axis of each output of `node` given its inputs'; _Mixed if it may mix rows."""
    op = node.op
    if isinstance(op, RandomDraw) or hasattr(op, "inner_graphs"):
        raise _Mixed()  # a stream advanced once per thread; an inner graph not looked into
    if isinstance(op, Shape_i):
        return [ROWS if ins[0] == op.i else None]
    if isinstance(op, Shape) and isinstance(ins[0], int):
        return [_ShapeOf(ins[0], node.inputs[0].ndim)]
    if isinstance(op, Subtensor) and isinstance(ins[0], _ShapeOf):
        return [_shape_entry(node, ins)]
    if any(isinstance(a, _ShapeOf) for a in ins):
        raise _Mixed()
    if isinstance(op, Alloc):
        return [_alloc(node, ins)]
    if all(a is None for a in ins):
        return [None] * len(node.outputs)
    for kind, rule in _RULES:
        if isinstance(op, kind):
            return [rule(node, ins)] * len(node.outputs)
    raise _Mixed()


def _shape_entry(node, ins):
    """`shape(v)[i]` for a constant i: the rows' count, or a length the same for every row."""
    shape, idx = ins[0], node.op.idx_list
    if len(idx) != 1 or not isinstance(idx[0], int) or len(ins) != 1:
        raise _Mixed()
    return ROWS if idx[0] % shape.ndim == shape.axis else None


def _alloc(node, ins):
    value, lengths = ins[0], ins[1:]
    if value is not None or sum(a == ROWS for a in lengths) > 1 or any(a not in (None, ROWS) for a in lengths):
        raise _Mixed()
    if ROWS not in lengths:
        return None
    axis = lengths.index(ROWS)
    lead = len(lengths) - node.inputs[0].ndim
    if axis >= lead and not node.inputs[0].broadcastable[axis - lead]:
        raise _Mixed()
    return axis


def _elemwise(node, ins):
    held = {a for a in ins if a is not None}
    if len(held) != 1 or ROWS in held or any(v.ndim != node.outputs[0].ndim for v in node.inputs):
        raise _Mixed()
    (axis,) = held
    if any(a is None and not v.broadcastable[axis] for v, a in zip(node.inputs, ins)):
        raise _Mixed()  # a value the same for every row but as long as the rows
    return axis


def _one_input(ins):
    """The rows' axis of the first input; the others must be the same for every row."""
    if ins[0] is None or ins[0] == ROWS or any(a is not None for a in ins[1:]):
        raise _Mixed()
    return ins[0]


def _dimshuffle(node, ins):
    axis = _one_input(ins)
    if axis not in node.op.new_order:
        raise _Mixed()
    return node.op.new_order.index(axis)


def _unbroadcast(node, ins):
    return _one_input(ins)


def _subtensor_axis(idx_list, axis):
    """Where `x[idx_list]` has the axis `axis` of x; _Mixed unless that axis is sliced whole."""
    if is_advanced(idx_list):
        raise _Mixed()
    d = o = 0
    for entry in idx_list:
        if entry is None:  # newaxis
            o += 1
            continue
        if d == axis:
            if not (isinstance(entry, SliceEntry) and entry.is_full):
                raise _Mixed()
            return o
        if isinstance(entry, SliceEntry):
            o += 1
        elif not isinstance(entry, (int, Sym)):
            raise _Mixed()
        d += 1
    return o + axis - d


def _subtensor(node, ins):
    return _subtensor_axis(node.op.idx_list, _one_input(ins))


def _inc_subtensor(node, ins):
    x, y, rest = ins[0], ins[1], ins[2:]
    if x is None or x == ROWS or any(a is not None for a in rest):
        raise _Mixed()
    inner = _subtensor_axis(node.op.idx_list, x)
    region = node.inputs[0].ndim - sum(1 for e in node.op.idx_list if isinstance(e, (int, Sym))) + \
        sum(1 for e in node.op.idx_list if e is None)
    at = inner - (region - node.inputs[1].ndim)  # y's dims align on the right of the region
    if y is None:
        if at >= 0 and not node.inputs[1].broadcastable[at]:
            raise _Mixed()
    elif y != at:
        raise _Mixed()
    return x


def _dot(node, ins):
    a, b = ins
    x, y = node.inputs
    if ROWS in ins:
        raise _Mixed()
    if a is not None and b is None and x.ndim == 2 and a == 0:
        return 0  # rows of x times a weight
    if a is None and b is not None and y.ndim == 2 and b == 1:
        return x.ndim - 1  # a weight times columns of y
    raise _Mixed()


def _careduce(node, ins):
    axis = _one_input(ins)
    if axis in node.op.axis:
        raise _Mixed()
    return axis - sum(1 for d in node.op.axis if d < axis)


def _along_axis(node, ins):
    """softmax-like ops working along `op.axis`: rows stay apart unless that is their axis."""
    held = {a for a in ins if a is not None}
    if len(held) != 1 or ROWS in held or node.op.axis in held:
        raise _Mixed()
    (axis,) = held
    if any(a is None for a in ins) or any(v.ndim != node.outputs[0].ndim for v in node.inputs):
        raise _Mixed()
    return axis


_RULES = [
    (Elemwise, _elemwise),
    (DimShuffle, _dimshuffle),
    (Unbroadcast, _unbroadcast),
    (Subtensor, _subtensor),
    (IncSubtensor, _inc_subtensor),
    (Dot, _dot),
    (CAReduce, _careduce),
    (_AxisOp, _along_axis),
]
