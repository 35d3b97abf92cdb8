"""numpy reference kernels for pooling over the last `nd` axes (2: pool_2d, 3: pool_3d), with
Theano's semantics.

Windows start at i*stride in the zero-padded input (of size n + 2*pad per axis) and are clipped
to it, so with ignore_border=False the last window along an axis may be partial. The region
pooled is:

- max, sum, average_exc_pad: the window's intersection with the real (unpadded) input;
- average_inc_pad: the whole clipped window, padding included (padding counts as zeros).

Everything is vectorized over pixels: windows come from `sliding_window_view`, and the
gradients scatter with one strided add per window offset (prod(ws) of them).
"""
import itertools

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def out_len(n, ws, stride, pad, ignore_border):
    """Number of windows along one axis (Theano's Pool.out_shape)."""
    r = n + 2 * pad
    if ignore_border:
        return max(0, (r - ws) // stride + 1)
    if stride >= ws:
        return max(0, (r - 1) // stride + 1)
    return max(0, (r - 1 - ws) // stride + 1) + 1


def _bounds(n, out, ws, stride, pad, include_pad):
    """Per output index along one axis: the number of elements its window pools."""
    start = np.arange(out) * stride
    end = np.minimum(start + ws, n + 2 * pad)
    if include_pad:
        return end - start
    return np.maximum(np.minimum(end, n + pad) - np.maximum(start, pad), 0)


def _extended(x, pad, ext, fill):
    """`x` padded by `pad` on both sides of the last axes, then on the far side to `ext`."""
    nd = len(pad)
    out = np.full(x.shape[:-nd] + tuple(ext), fill, dtype=x.dtype)
    out[(Ellipsis,) + tuple(slice(p, p + n) for p, n in zip(pad, x.shape[-nd:]))] = x
    return out


def _lowest(dtype):
    if np.issubdtype(dtype, np.floating):
        return -np.inf
    if dtype == np.bool_:
        return False
    return np.iinfo(dtype).min


def geometry(shape, ws, stride, pad, ignore_border):
    nd = len(ws)
    spatial = shape[-nd:]
    out = tuple(out_len(n, w, s, p, ignore_border) for n, w, s, p in zip(spatial, ws, stride, pad))
    # room for every window, the partial ones at the far end included
    ext = tuple(max(n + 2 * p, (o - 1) * s + w) for n, o, w, s, p in zip(spatial, out, ws, stride, pad))
    return out, ext


def divisor(shape, out, ws, stride, pad, mode):
    """Array of output shape `out`: the number of elements each average divides by."""
    inc = mode == "average_inc_pad"
    nd = len(ws)
    counts = [_bounds(shape[-nd + a], out[a], ws[a], stride[a], pad[a], inc) for a in range(nd)]
    total = np.ones(out, dtype=np.int64)
    for a, c in enumerate(counts):
        total = total * c.reshape((-1,) + (1,) * (nd - 1 - a))
    return total


def _window_view(xe, out, ws, stride):
    nd = len(ws)
    win = sliding_window_view(xe, ws, axis=tuple(range(-nd, 0)))
    win = win[(Ellipsis,) + tuple(slice(None, None, s) for s in stride) + (slice(None),) * nd]
    return win[(Ellipsis,) + tuple(slice(0, o) for o in out) + (slice(None),) * nd]


def pool(x, ws, stride, pad, ignore_border, mode):
    nd = len(ws)
    out, ext = geometry(x.shape, ws, stride, pad, ignore_border)
    axes = tuple(range(-nd, 0))
    if 0 in out or x.size == 0:
        return np.zeros(x.shape[:-nd] + out, dtype=x.dtype)
    if mode == "max":
        win = _window_view(_extended(x, pad, ext, _lowest(x.dtype)), out, ws, stride)
        return np.ascontiguousarray(win.max(axis=axes))
    acc = np.result_type(x.dtype, np.float64) if mode != "sum" else x.dtype
    win = _window_view(_extended(x, pad, ext, 0), out, ws, stride)
    total = win.sum(axis=axes, dtype=acc)
    if mode != "sum":
        total = total / divisor(x.shape, out, ws, stride, pad, mode)
    return np.asarray(total, dtype=x.dtype)


def _offset_index(offset, out, stride):
    """Index of the elements at window offset `offset` of every window."""
    return (Ellipsis,) + tuple(slice(u, u + (o - 1) * s + 1, s) for u, o, s in zip(offset, out, stride))


def _scatter(shape, dtype, pad, ext, out, ws, stride, contribution):
    """Sum of `contribution(offset)` (an (..., *out) array per window offset) into the input
    positions, cropped back to the unpadded input."""
    nd = len(ws)
    gx = np.zeros(shape[:-nd] + tuple(ext), dtype=dtype)
    for offset in itertools.product(*map(range, ws)):
        gx[_offset_index(offset, out, stride)] += contribution(offset)
    return np.ascontiguousarray(gx[(Ellipsis,) + tuple(slice(p, p + n) for p, n in zip(pad, shape[-nd:]))])


def max_pool_grad(x, z, gz, ws, stride, pad, ignore_border):
    """Gradient of max pooling: gz goes to every input position equal to its window's max."""
    out, ext = geometry(x.shape, ws, stride, pad, ignore_border)
    if 0 in out or x.size == 0:
        return np.zeros_like(x)
    xe = _extended(x, pad, ext, _lowest(x.dtype))
    return _scatter(x.shape, x.dtype, pad, ext, out, ws, stride,
                    lambda offset: (xe[_offset_index(offset, out, stride)] == z) * gz)


def max_pool_grad_grad(x, z, ggx, ws, stride, pad, ignore_border):
    """Adjoint of max_pool_grad in its gz argument: per window, the sum of ggx over the
    positions holding the max."""
    nd = len(ws)
    out, ext = geometry(x.shape, ws, stride, pad, ignore_border)
    res = np.zeros(x.shape[:-nd] + out, dtype=ggx.dtype)
    if 0 in out or x.size == 0:
        return res
    xe = _extended(x, pad, ext, _lowest(x.dtype))
    ge = _extended(ggx, pad, ext, 0)
    for offset in itertools.product(*map(range, ws)):
        index = _offset_index(offset, out, stride)
        res += (xe[index] == z) * ge[index]
    return res


def average_pool_grad(shape, gz, ws, stride, pad, ignore_border, mode):
    """Gradient of sum/average pooling of an input of `shape`: each window spreads its
    gradient (divided by its count for averages) over the positions it pooled."""
    out, ext = geometry(shape, ws, stride, pad, ignore_border)
    if 0 in out or 0 in shape:
        return np.zeros(shape, dtype=gz.dtype)
    g = gz if mode == "sum" else gz / divisor(shape, out, ws, stride, pad, mode)
    g = np.asarray(g, dtype=gz.dtype)
    return _scatter(shape, gz.dtype, pad, ext, out, ws, stride, lambda offset: g)
