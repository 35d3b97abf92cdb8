"""`einsum`: numpy.einsum's subscript language, lowered to the ops transpile already has.

Each step contracts two operands with one `TensorDot` (batch labels merged into its batch axis),
so the products go through the BLAS paths and the gradient comes from theirs. Before a step, a
label repeated within an operand becomes its diagonal, and a label that no other operand and
not the output has is summed out. The order of the steps is numpy's greedy path
(`numpy.einsum_path`), computed on the lengths known when the graph is built (constants',
broadcastable dims) and `UNKNOWN_LENGTH` for the others, so the same graph always gets the same
order.

Broadcasting: as in numpy, only the dims under an ellipsis broadcast, and here only where the
length-1 dim is known when the graph is built (a broadcastable dim, e.g. from `T.row`).
"""
import string

import numpy as np

from transpile.graph.basic import Constant
from transpile.scalar import dtypes as D
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.blas_tensordot import TensorDot, tensordot
from transpile.tensor.diagonal import diagonal
from transpile.tensor.elemwise import DimShuffle
from transpile.tensor.math import cast
from transpile.tensor.reduce import sum as tsum

__all__ = ["einsum"]

#: the length an unknown dim counts for when the contraction order is chosen
UNKNOWN_LENGTH = 64
_LETTERS = string.ascii_letters


def einsum(subscripts, *operands):
    """numpy.einsum(subscripts, *operands): e.g. `einsum("bij,bjk->bik", a, b)`, `"ii->i"`
    (a diagonal), `"...ij,...j->...i"`; without `->` the output has the labels seen once, in
    alphabetical order (after the ellipsis dims)."""
    if not isinstance(subscripts, str):
        raise TypeError(f"einsum: subscripts must be a str, got {type(subscripts).__name__}")
    xs = [as_tensor_variable(x) for x in operands]
    specs, out = _parse(subscripts, xs)
    dtype = D.upcast(*[x.dtype for x in xs])
    terms = [_prepare(x, spec) for x, spec in zip(xs, specs)]
    for step in _path(terms, out):
        group = [terms[k] for k in step]
        terms = [t for k, t in enumerate(terms) if k not in step]
        term = group[0]
        for later, other in enumerate(group[1:], 2):
            term = _contract(term, other, _needed(terms + group[later:], out))
        terms.append(term)
    x, labels = _reduce(terms[0], set(out))
    x = DimShuffle(x.broadcastable, [labels.index(label) for label in out])(x) if labels != out else x
    return cast(x, dtype) if x.dtype != dtype else x


def _parse(subscripts, xs):
    """The label list of each operand and of the output; ellipsis dims get labels "0", "1", ...
    (right-aligned over the operands, as numpy broadcasts them)."""
    text = subscripts.replace(" ", "")
    ins, arrow, out = text.partition("->")
    parts = ins.split(",")
    if len(parts) != len(xs):
        raise ValueError(f"einsum: {subscripts!r} names {len(parts)} operands, got {len(xs)}")
    for part in parts + ([out] if arrow else []):
        if part.count("...") > 1 or any(c not in _LETTERS for c in part.replace("...", "")):
            raise ValueError(f"einsum: invalid subscripts {part!r} in {subscripts!r} (letters and one '...')")
    widths = []
    for part, x in zip(parts, xs):
        letters = len(part.replace("...", ""))
        width = x.ndim - letters if "..." in part else 0
        if width < 0 or ("..." not in part and letters != x.ndim):
            raise ValueError(f"einsum: subscripts {part!r} do not fit operand {x} with {x.ndim} dims")
        widths.append(width)
    ell = max(widths, default=0)
    specs = [_expand(part, w, ell) for part, w in zip(parts, widths)]
    if not arrow:
        counts = {}
        for label in (label for spec in specs for label in spec):
            counts[label] = counts.get(label, 0) + 1
        dots = [str(k) for k in range(ell)]
        return specs, dots + sorted(label for label, n in counts.items() if n == 1 and label in _LETTERS)
    if "..." not in out and ell:
        raise ValueError(f"einsum: the operands of {subscripts!r} have {ell} dims under '...' "
                         f"that its output {out!r} does not name")
    output = _expand(out, ell, ell)
    seen = {label for spec in specs for label in spec}
    for label in output:
        if label not in seen:
            raise ValueError(f"einsum: output label {label!r} of {subscripts!r} is in no operand")
    if len(set(output)) != len(output):
        raise ValueError(f"einsum: output subscripts {out!r} repeat a label")
    return specs, output


def _expand(part, width, ell):
    head, dots, tail = part.partition("...")
    return list(head) + ([str(k) for k in range(ell - width, ell)] if dots else []) + list(tail)


def _prepare(x, labels):
    """(x, labels) with each repeated label taken on its diagonal (numpy's "ii->i")."""
    labels = list(labels)
    while len(set(labels)) != len(labels):
        label = next(lb for lb in labels if labels.count(lb) > 1)
        first = labels.index(label)
        second = labels.index(label, first + 1)
        x = diagonal(x, 0, first, second)
        labels = [lb for k, lb in enumerate(labels) if k not in (first, second)] + [label]
    return x, labels


def _needed(terms, out):
    return set(out).union(*[set(labels) for _, labels in terms])


def _reduce(term, keep):
    """Sum out the labels not in `keep` (a sum over a broadcastable dim is a squeeze)."""
    x, labels = term
    axes = [k for k, label in enumerate(labels) if label not in keep]
    if not axes:
        return x, labels
    if all(x.broadcastable[k] for k in axes):
        x = DimShuffle(x.broadcastable, [k for k in range(x.ndim) if k not in axes])(x)
    else:
        x = tsum(x, axis=axes, dtype=x.dtype)
    return x, [label for label in labels if label in keep]


def _contract(a, b, needed):
    """The product of two terms summed over the labels they share that `needed` lacks."""
    a = _squeeze_broadcast(a, b)
    b = _squeeze_broadcast(b, a)
    a = _reduce(a, needed | set(b[1]))
    b = _reduce(b, needed | set(a[1]))
    (x, la), (y, lb) = a, b
    batch = [label for label in la if label in lb and label in needed]
    summed = [label for label in la if label in lb and label not in needed]
    free_a = [label for label in la if label not in lb]
    free_b = [label for label in lb if label not in la]
    if not batch:
        z = tensordot(x, y, [[la.index(s) for s in summed], [lb.index(s) for s in summed]])
        return z, free_a + free_b
    x = _to_front(x, la, batch)
    y = _to_front(y, lb, batch)
    la = batch + [label for label in la if label not in batch]
    lb = batch + [label for label in lb if label not in batch]
    n = len(batch)
    batch_shape = [x.shape[k] for k in range(n)]
    x, y = _merge_front(x, n), _merge_front(y, n)
    axes_a = [la.index(s) - n + 1 for s in summed]
    axes_b = [lb.index(s) - n + 1 for s in summed]
    z = TensorDot(axes_a, axes_b, batch=True)(x, y)
    if n > 1:
        z = z.reshape(batch_shape + [z.shape[k] for k in range(1, z.ndim)], ndim=z.ndim + n - 1)
    return z, batch + free_a + free_b


def _squeeze_broadcast(term, other):
    """Drop the broadcastable dims of `term` whose label `other` has at a real length."""
    x, labels = term
    y, other_labels = other
    drop = [k for k, label in enumerate(labels) if x.broadcastable[k] and label in other_labels
            and not y.broadcastable[other_labels.index(label)]]
    if not drop:
        return term
    x = DimShuffle(x.broadcastable, [k for k in range(x.ndim) if k not in drop])(x)
    return x, [label for k, label in enumerate(labels) if k not in drop]


def _to_front(x, labels, front):
    order = [labels.index(label) for label in front] + [k for k, label in enumerate(labels) if label not in front]
    return DimShuffle(x.broadcastable, order)(x) if order != list(range(x.ndim)) else x


def _merge_front(x, n):
    """`x` with its first n dims merged into one."""
    if n == 1:
        return x
    return x.reshape([-1] + [x.shape[k] for k in range(n, x.ndim)], ndim=x.ndim - n + 1)


def _path(terms, out):
    """numpy's greedy order: steps of positions in the shrinking term list, whose terms become
    one (contracted pairwise) appended at its end."""
    if len(terms) < 2:
        return []
    names = {}
    for label in [label for _, labels in terms for label in labels] + list(out):
        names.setdefault(label, _LETTERS[len(names)] if len(names) < len(_LETTERS) else None)
    if None in names.values():  # more labels than letters: contract left to right
        return [(0, 1)] * (len(terms) - 1)
    lengths = {}
    for x, labels in terms:
        static = np.shape(x.data) if isinstance(x, Constant) else (None,) * x.ndim
        for label, bcast, known in zip(labels, x.broadcastable, static):
            length = 1 if bcast else known if known is not None else UNKNOWN_LENGTH
            lengths[label] = max(lengths.get(label, 1), length)
    spec = ",".join("".join(names[label] for label in labels) for _, labels in terms)
    spec += "->" + "".join(names[label] for label in out)
    shapes = [np.broadcast_to(np.empty((), dtype=np.int8), [lengths[label] for label in labels]) for _, labels in terms]
    path, _ = np.einsum_path(spec, *shapes, optimize="greedy")
    return [tuple(sorted(step)) for step in path[1:] if len(step) > 1]
