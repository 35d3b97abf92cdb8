"""Index keys (`x[key]`) as the subtensor ops store them.

A Python key is parsed once, while building the graph, into an *index list*: a tuple with one
entry per key element (Ellipsis expanded into full slices), where

- an `int` is a constant integer index,
- `None` inserts a broadcastable dim (np.newaxis),
- a `SliceEntry(start, stop, step)` is a slice whose parts are None, ints or `Sym`,
- a `Sym(dtype, ndim)` stands for the next symbolic input of the node: a 0-d integer tensor,
  an integer index array or a boolean mask.

The index list is hashable and lives in the op's props; the symbolic parts are node inputs, in
the order their `Sym`s appear. `numpy_key` puts run-time values back in to index with numpy.
"""
from typing import NamedTuple

import numpy as np

from transpile.graph.basic import Constant, Variable
from transpile.scalar import dtypes as D

__all__ = ["FULL", "SliceEntry", "Sym", "index_list_str", "is_advanced", "numpy_key", "parse_key"]


class Sym:
    """Placeholder for a symbolic index input (printed as its dtype, Theano-style)."""

    __slots__ = ("dtype", "ndim")

    def __init__(self, dtype, ndim=0):
        self.dtype = dtype
        self.ndim = ndim

    def __eq__(self, other):
        return type(other) is Sym and other.dtype == self.dtype and other.ndim == self.ndim

    def __hash__(self):
        return hash((Sym, self.dtype, self.ndim))

    def __str__(self):
        return self.dtype if self.ndim == 0 else f"{self.dtype}[{self.ndim}d]"

    __repr__ = __str__

    @property
    def is_array(self):
        return self.ndim > 0

    @property
    def is_mask(self):
        return self.dtype == "bool"


class SliceEntry(NamedTuple):
    start: object = None
    stop: object = None
    step: object = None

    def __str__(self):
        def part(p):
            return "" if p is None else str(p)
        text = f"{part(self.start)}:{part(self.stop)}"
        return text if self.step is None else f"{text}:{part(self.step)}"

    @property
    def is_full(self):
        return self.start is None and self.stop is None and self.step is None


FULL = SliceEntry()


def entry_str(entry):
    return "newaxis" if entry is None else str(entry)


def index_list_str(name, idx_list):
    return f"{name}{{{', '.join(entry_str(e) for e in idx_list)}}}"


def dims_consumed(entry):
    """How many dims of the indexed tensor an entry uses."""
    if entry is None:
        return 0
    if isinstance(entry, Sym) and entry.is_mask:
        return entry.ndim
    return 1


def is_fancy(entry):
    """Entries numpy treats as advanced indices once an index array is present (ints too)."""
    return isinstance(entry, int) or isinstance(entry, Sym)


def is_advanced(idx_list):
    return any(isinstance(e, Sym) and e.is_array for e in idx_list)


# -- parsing ----------------------------------------------------------------------------------
def _as_int(value, what):
    """A Python int from an int-like constant, or None if `value` is not one."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{what} must be an integer, got the boolean {value!r}")
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iu":
        return int(value)
    return None


def _tensor_index(value, what):
    """A tensor variable (or a constant int) from an index given as a variable, array or list."""
    from transpile.tensor.basic import as_tensor_variable
    from transpile.tensor.type import TensorType
    if isinstance(value, Variable):
        var = as_tensor_variable(value)
    else:
        arr = np.asarray(value) if not _holds_variables(value) else None
        if arr is None:
            var = as_tensor_variable(value)
        else:
            if arr.dtype == object:
                raise TypeError(f"{what}: cannot use {value!r} as an index")
            if arr.size == 0 and arr.dtype.kind == "f":
                arr = arr.astype("int64")  # [] means an empty integer index
            var = as_tensor_variable(arr)
    if not isinstance(var.type, TensorType):
        raise TypeError(f"{what}: expected an integer or boolean tensor, got {var} of type {var.type}")
    if not (D.is_integer(var.dtype) or var.dtype == "bool"):
        raise TypeError(f"{what}: indices must be integers or booleans, got {var} of dtype {var.dtype}")
    if var.ndim == 0 and var.dtype == "bool":
        raise TypeError(f"{what}: a boolean scalar is not a valid index; use T.switch for conditions")
    if var.ndim == 0 and isinstance(var, Constant):
        return int(var.data)
    return var


def _holds_variables(value):
    if isinstance(value, (list, tuple)):
        return any(_holds_variables(v) for v in value)
    return isinstance(value, Variable)


def _slice_part(value, what):
    if value is None:
        return None, None
    as_int = _as_int(value, what)
    if as_int is not None:
        return as_int, None
    if isinstance(value, (float, np.floating)):
        raise TypeError(f"{what} must be an integer or None, got the float {value!r}")
    var = _tensor_index(value, what)
    if isinstance(var, int):
        return var, None
    if var.ndim != 0 or not D.is_integer(var.dtype):
        raise TypeError(f"{what} must be an integer scalar, got {var} ({var.type})")
    return Sym(var.dtype), var


def parse_key(x, key):
    """Parse `key` for indexing `x`: returns (idx_list, inputs) as described in the module doc.

    Raises IndexError for too many indices or a constant index out of range of a broadcastable
    (length-1) dim, TypeError for index values that are not integers, booleans or slices."""
    if not isinstance(key, tuple):
        key = (key,)
    items, inputs = [], []
    ellipsis = None
    for k in key:
        if k is Ellipsis:
            if ellipsis is not None:
                raise IndexError("an index can only have a single ellipsis ('...')")
            ellipsis = len(items)
            continue
        if k is None:
            items.append(None)
        elif isinstance(k, slice):
            parts = []
            for name in ("start", "stop", "step"):
                part, var = _slice_part(getattr(k, name), f"slice {name} in index of {x}")
                parts.append(part)
                if var is not None:
                    inputs.append(var)
            items.append(SliceEntry(*parts))
        else:
            as_int = _as_int(k, f"index of {x}")
            if as_int is not None:
                items.append(as_int)
                continue
            if isinstance(k, (float, np.floating)):
                raise TypeError(f"index of {x} must be an integer, slice, array or None, got the float {k!r}")
            var = _tensor_index(k, f"index of {x}")
            if isinstance(var, int):
                items.append(var)
            else:
                items.append(Sym(var.dtype, var.ndim))
                inputs.append(var)
    used = sum(dims_consumed(e) for e in items)
    if used > x.ndim:
        raise IndexError(f"too many indices for {x} ({x.type}): {x.ndim}-d, but {used} dims are indexed")
    if ellipsis is not None:
        items[ellipsis:ellipsis] = [FULL] * (x.ndim - used)
    idx_list = tuple(items)
    check_constant_ints(x.broadcastable, idx_list, x)
    return idx_list, inputs


def check_constant_ints(broadcastable, idx_list, x="the tensor"):
    """A constant int on a broadcastable dim (known length 1) must be 0 or -1."""
    d = 0
    for e in idx_list:
        if isinstance(e, int) and broadcastable[d] and e not in (0, -1):
            raise IndexError(f"index {e} is out of bounds for dim {d} of {x}, which has length 1 "
                             f"(broadcastable {tuple(broadcastable)})")
        d += dims_consumed(e)


def check_inputs(op, idx_list, inputs):
    """The symbolic index inputs of a node must match the `Sym`s of its index list."""
    syms = list(symbols(idx_list))
    if len(syms) != len(inputs):
        raise TypeError(f"{op}: expected {len(syms)} index inputs, got {len(inputs)}")
    for s, var in zip(syms, inputs):
        if var.dtype != s.dtype or var.ndim != s.ndim:
            raise TypeError(f"{op}: index input {var} has type {var.type}; expected a {s.ndim}-d {s.dtype} tensor")


def symbols(idx_list):
    for e in idx_list:
        if isinstance(e, Sym):
            yield e
        elif isinstance(e, SliceEntry):
            for p in e:
                if isinstance(p, Sym):
                    yield p


def numpy_key(idx_list, values):
    """The numpy index tuple for run-time `values` of the symbolic inputs."""
    values = iter(values)

    def fill(p):
        if isinstance(p, Sym):
            v = next(values)
            return int(v) if p.ndim == 0 else v
        return p

    key = []
    for e in idx_list:
        if isinstance(e, SliceEntry):
            key.append(slice(fill(e.start), fill(e.stop), fill(e.step)))
        else:
            key.append(fill(e))
    return tuple(key)


# -- output types -----------------------------------------------------------------------------
def slice_keeps_broadcastable(entry):
    """Whether a slice applied to a length-1 dim surely gives length 1 (constant parts only)."""
    if any(isinstance(p, Sym) for p in entry):
        return False
    if entry.step == 0:
        return False
    return len(range(1)[slice(*entry)]) == 1


def basic_broadcastable(x_broadcastable, idx_list):
    """Output broadcastable pattern of basic indexing (ints, scalar Syms, slices, newaxis)."""
    out, d = [], 0
    for e in idx_list:
        if e is None:
            out.append(True)
            continue
        if isinstance(e, SliceEntry):
            out.append(x_broadcastable[d] and slice_keeps_broadcastable(e))
        d += 1
    return tuple(out) + tuple(x_broadcastable[d:])


def fancy_layout(idx_list):
    """(positions of the advanced entries, whether they are consecutive) — numpy's rule: the
    broadcast index dims replace the indexed dims in place only when no slice or newaxis
    separates the advanced indices; otherwise they come first."""
    pos = [i for i, e in enumerate(idx_list) if is_fancy(e)]
    consecutive = not pos or pos[-1] - pos[0] + 1 == len(pos)
    return pos, consecutive


def advanced_broadcastable(x_broadcastable, idx_list, index_types):
    """Output broadcastable pattern of numpy advanced indexing. `index_types` are the types of
    the symbolic inputs (in `Sym` order)."""
    types = iter(index_types)
    fancy_shapes = []   # broadcastable tuples of each advanced index
    before, after = [], []
    pos, consecutive = fancy_layout(idx_list)
    d = 0
    for i, e in enumerate(idx_list):
        target = before if not pos or i < pos[0] else after
        if e is None:
            target.append(True)
        elif isinstance(e, SliceEntry):
            for p in e:
                if isinstance(p, Sym):
                    next(types)
            target.append(x_broadcastable[d] and slice_keeps_broadcastable(e))
            d += 1
        elif isinstance(e, int):
            fancy_shapes.append(())
            d += 1
        else:
            t = next(types)
            fancy_shapes.append((False,) if e.is_mask else t.broadcastable)
            d += dims_consumed(e)
    rest = tuple(x_broadcastable[d:])
    nd = max((len(s) for s in fancy_shapes), default=0)
    fancy = tuple(all(s[k - (nd - len(s))] for s in fancy_shapes if k >= nd - len(s)) for k in range(nd))
    if consecutive:
        return tuple(before) + fancy + tuple(after) + rest
    return fancy + tuple(before) + tuple(after) + rest
