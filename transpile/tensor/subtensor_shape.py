"""Symbolic output shapes of the subtensor ops (their `infer_shape`).

Lengths are Python ints while everything they depend on is constant, and int64 scalar graphs
otherwise, so shapes of constant slices of broadcastable dims fold to plain constants.
"""
from transpile.graph.basic import Constant
from transpile.tensor.subtensor_key import SliceEntry, Sym, dims_consumed, fancy_layout

__all__ = ["advanced_shape", "basic_shape", "shape_tuple", "slice_length"]


def _T():
    import transpile.tensor as T
    return T


def as_value(v):
    """A Python int for constant scalars, else the variable cast to int64."""
    if v is None or isinstance(v, int):
        return v
    if isinstance(v, Constant):
        return int(v.data)
    return v if v.dtype == "int64" else _T().cast(v, "int64")


def as_shape_var(v):
    """An int64 scalar variable (constants for Python ints)."""
    from transpile.tensor.shape import shape_const
    return shape_const(v) if isinstance(v, int) else v


def _maximum(a, b):
    return max(a, b) if isinstance(a, int) and isinstance(b, int) else _T().maximum(a, b)


def _minimum(a, b):
    return min(a, b) if isinstance(a, int) and isinstance(b, int) else _T().minimum(a, b)


def _where(cond, a, b):
    if isinstance(cond, bool):
        return a if cond else b
    if isinstance(a, int) and isinstance(b, int) and a == b:
        return a
    return _T().switch(cond, a, b)


def _negative(v):
    return v < 0 if isinstance(v, int) else _T().lt(v, 0)


def _floordiv(a, b):
    if isinstance(b, int) and b == 1:
        return a
    return a // b  # Python ints, or T.floor_div on variables


def _clip_bound(v, n, low, high_offset):
    """Normalise a slice bound: negatives count from the end (not below `low`), positives are
    capped at n + high_offset."""
    return _where(_negative(v), _maximum(v + n, low), _minimum(v, n + high_offset))


def _length_for_sign(n, start, stop, step, positive):
    if positive:
        b = 0 if start is None else _clip_bound(start, n, 0, 0)
        e = n if stop is None else _clip_bound(stop, n, 0, 0)
        span, stride = e - b, step
    else:
        b = n - 1 if start is None else _clip_bound(start, n, -1, -1)
        e = -1 if stop is None else _clip_bound(stop, n, -1, -1)
        span, stride = b - e, -step
    if isinstance(stride, int) and stride == 1:
        return _maximum(span, 0)
    return _maximum(_floordiv(span + stride - 1, stride), 0)


def slice_length(n, start=None, stop=None, step=None):
    """Length of `range(n)[start:stop:step]`: n, start, stop, step are ints, None or int scalars."""
    n, start, stop, step = as_value(n), as_value(start), as_value(stop), as_value(step)
    if step is None:
        step = 1
    if isinstance(step, int):
        if step == 0:
            raise ValueError("slice step cannot be zero")
        if isinstance(n, int) and all(isinstance(p, (int, type(None))) for p in (start, stop)):
            return len(range(n)[slice(start, stop, step)])
        return _length_for_sign(n, start, stop, step, step > 0)
    pos = _length_for_sign(n, start, stop, step, True)
    neg = _length_for_sign(n, start, stop, step, False)
    return _T().switch(_T().gt(step, 0), pos, neg)


def basic_shape(idx_list, x_shape, index_values):
    """Output shape (list of ints / int64 vars) of basic indexing."""
    values = iter(index_values)

    def fill(p):
        return next(values) if isinstance(p, Sym) else p

    out, d = [], 0
    for e in idx_list:
        if e is None:
            out.append(1)
        elif isinstance(e, SliceEntry):
            parts = [fill(p) for p in e]
            out.append(slice_length(x_shape[d], *parts))
            d += 1
        else:
            if isinstance(e, Sym):
                next(values)
            d += 1
    return out + list(x_shape[d:])


def advanced_shape(idx_list, x_shape, index_vars, index_shapes):
    """Output shape of numpy advanced indexing; index arrays broadcast, masks give their count."""
    T = _T()
    items = iter(zip(index_vars, index_shapes))
    fancy = []  # (broadcastable, shape) per advanced index
    before, after = [], []
    pos, consecutive = fancy_layout(idx_list)
    d = 0
    for i, e in enumerate(idx_list):
        target = before if not pos or i < pos[0] else after
        if e is None:
            target.append(1)
        elif isinstance(e, SliceEntry):
            parts = [next(items)[0] if isinstance(p, Sym) else p for p in e]
            target.append(slice_length(x_shape[d], *parts))
            d += 1
        elif isinstance(e, int):
            fancy.append(((), ()))
            d += 1
        else:
            var, shp = next(items)
            if e.is_mask:
                fancy.append(((False,), (T.sum(var),)))
            else:
                fancy.append((var.broadcastable, tuple(shp)))
            d += dims_consumed(e)
    nd = max((len(b) for b, _ in fancy), default=0)
    fancy_dims = []
    for k in range(nd):
        # numpy broadcasts index arrays at run time: a dim not marked broadcastable may still
        # have length 1, so the length is the largest of the candidates (all 1 or the same L)
        candidates = [shp[k - (nd - len(b))] for b, shp in fancy
                      if k >= nd - len(b) and not b[k - (nd - len(b))]]
        length = as_value(candidates[0]) if candidates else 1
        for c in candidates[1:]:
            length = _maximum(length, as_value(c))
        fancy_dims.append(length)
    rest = list(x_shape[d:])
    if consecutive:
        return before + fancy_dims + after + rest
    return fancy_dims + before + after + rest


def shape_tuple(lengths):
    """A tuple of int64 scalar variables, as `infer_shape` returns."""
    return tuple(as_shape_var(as_value(v)) for v in lengths)
