"""Indexing (`x[key]`) and writing into indexed regions (`inc_subtensor`, `set_subtensor`).

`subtensor(x, key)` (what `x[key]` calls) parses the key once and picks the op:
`Subtensor` for ints, slices (symbolic bounds too), Ellipsis and newaxis; `AdvancedSubtensor1`
for one integer vector on the first dim; `AdvancedSubtensor` for any other key with index
arrays or boolean masks. The ops live in `subtensor_basic`, `subtensor_advanced` and
`subtensor_inc`; this module gathers the public names.
"""
import numpy as np

from transpile.tensor.basic import as_tensor_like, as_tensor_variable
from transpile.tensor.subtensor_advanced import AdvancedSubtensor, AdvancedSubtensor1, advanced_subtensor1
from transpile.tensor.subtensor_basic import Subtensor
from transpile.tensor.subtensor_inc import AdvancedIncSubtensor, AdvancedIncSubtensor1, IncSubtensor
from transpile.tensor.subtensor_key import Sym, is_advanced, parse_key

__all__ = [
    "AdvancedIncSubtensor", "AdvancedIncSubtensor1", "AdvancedSubtensor", "AdvancedSubtensor1",
    "IncSubtensor", "Subtensor", "advanced_boolean_inc_subtensor", "advanced_boolean_set_subtensor",
    "advanced_boolean_subtensor", "advanced_inc_subtensor", "advanced_inc_subtensor1", "advanced_set_subtensor",
    "advanced_set_subtensor1", "advanced_subtensor", "advanced_subtensor1", "inc_subtensor", "make_slice",
    "set_subtensor", "subtensor",
]


def make_slice(start=None, stop=None, step=None):
    """Theano's symbolic slice: `x[make_slice(a, b)]` is `x[a:b]`, the bounds ints or int scalars
    (`make_slice(s)` with a Python slice gives it back). A Python slice of symbolic scalars is
    what indexing takes here, so that is what this returns."""
    if isinstance(start, slice):
        return start
    for name, value in (("start", start), ("stop", stop), ("step", step)):
        if value is not None and not isinstance(value, int):
            v = as_tensor_variable(value)
            if v.ndim != 0 or v.dtype[0] not in "iu":
                raise TypeError(f"make_slice: {name} must be None, an int or an int scalar, got {value} ({v.type})")
    return slice(start, stop, step)


def subtensor(x, key):
    """`x[key]` with numpy's semantics (basic indexing gives a view, advanced a copy)."""
    x = as_tensor_variable(x)
    idx_list, inputs = parse_key(x, key)
    if not is_advanced(idx_list):
        return Subtensor(idx_list)(x, *inputs)
    if _is_rows(idx_list):
        return advanced_subtensor1(x, inputs[0])
    return AdvancedSubtensor(idx_list)(x, *inputs)


def _is_rows(idx_list):
    """One integer vector on the first dim, nothing else indexed: `x[ivec]`, `x[ivec, :]`."""
    first = idx_list[0]
    return (isinstance(first, Sym) and first.ndim == 1 and not first.is_mask
            and all(getattr(e, "is_full", False) for e in idx_list[1:]))


_INDEXING_OPS = (Subtensor, AdvancedSubtensor1, AdvancedSubtensor)


def inc_subtensor(x, y, inplace=False, set_instead_of_inc=False, tolerate_inplace_aliasing=False):
    """The tensor that `x` indexes, with `y` added to the indexed region.

    `x` must be the result of indexing (`a[key]`); the result is a new version of `a`. `y` may
    have fewer dims than the region and broadcasts along its broadcastable dims; Python scalars
    take `a`'s dtype, other dtypes are cast when numpy's `same_kind` rule allows (never float
    into int). Repeated indices accumulate. `inplace` is accepted for Theano compatibility and
    ignored: in-place updates are introduced by graph rewrites."""
    x = as_tensor_variable(x)
    node = x.owner
    if node is None or not isinstance(node.op, _INDEXING_OPS):
        what = f"the output of {node.op}" if node is not None else "not computed by indexing"
        raise TypeError(f"{'set' if set_instead_of_inc else 'inc'}_subtensor: the first argument must be "
                        f"an indexed tensor such as a[1:3] or a[idx]; {x} is {what}")
    base, *index_inputs = node.inputs
    y = _as_y(base, y, set_instead_of_inc)
    if isinstance(node.op, Subtensor):
        op = IncSubtensor(node.op.idx_list, set_instead_of_inc=set_instead_of_inc)
    elif isinstance(node.op, AdvancedSubtensor1):
        op = AdvancedIncSubtensor1(set_instead_of_inc=set_instead_of_inc)
    else:
        op = AdvancedIncSubtensor(node.op.idx_list, set_instead_of_inc=set_instead_of_inc)
    return op(base, y, *index_inputs)


def set_subtensor(x, y, inplace=False, tolerate_inplace_aliasing=False):
    """The tensor that `x` indexes, with the indexed region replaced by `y` (see
    `inc_subtensor`). With repeated indices the last write wins."""
    return inc_subtensor(x, y, inplace, set_instead_of_inc=True)


def _as_y(base, y, set_instead_of_inc):
    import transpile.tensor as T
    _, y = as_tensor_like([base, y])
    if y.dtype != base.dtype:
        if not np.can_cast(y.dtype, base.dtype, "same_kind"):
            name = "set_subtensor" if set_instead_of_inc else "inc_subtensor"
            raise TypeError(f"{name}: cannot store y ({y.type}) into a tensor of dtype {base.dtype} without "
                            f"losing its kind; cast y explicitly")
        y = T.cast(y, base.dtype)
    return y


def advanced_inc_subtensor1(x, y, ilist):
    """`x` with `y` added to the rows `ilist` (repeated rows accumulate)."""
    x = as_tensor_variable(x)
    return AdvancedIncSubtensor1()(x, _as_y(x, y, False), ilist)


def advanced_set_subtensor1(x, y, ilist):
    """`x` with the rows `ilist` replaced by `y` (the last write wins)."""
    x = as_tensor_variable(x)
    return AdvancedIncSubtensor1(set_instead_of_inc=True)(x, _as_y(x, y, True), ilist)


def advanced_subtensor(x, *index):
    """x[index...]: Theano's functional spelling of indexing with index arrays (boolean masks and
    slices too), `advanced_subtensor(x, rows, cols)` for `x[rows, cols]`."""
    return subtensor(x, tuple(index))


def advanced_inc_subtensor(x, y, *index):
    """`x` with `y` added at x[index...] (repeated positions accumulate)."""
    return inc_subtensor(subtensor(x, tuple(index)), y)


def advanced_set_subtensor(x, y, *index):
    """`x` with x[index...] replaced by `y` (with repeated positions the last write wins)."""
    return set_subtensor(subtensor(x, tuple(index)), y)


# Theano's names for the same with boolean masks: the masks are index arrays like any other here
advanced_boolean_subtensor = advanced_subtensor
advanced_boolean_inc_subtensor = advanced_inc_subtensor
advanced_boolean_set_subtensor = advanced_set_subtensor
