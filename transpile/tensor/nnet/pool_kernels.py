"""numpy reference kernels for 2-d pooling over the last two axes (Theano's semantics).

Windows start at i*stride in the zero-padded image (of size n + 2*pad) and are clipped to it,
so with ignore_border=False the last window of a row may be partial. The region pooled is:

- max, sum, average_exc_pad: the window's intersection with the real (unpadded) image;
- average_inc_pad: the whole clipped window, padding included (padding counts as zeros).

Everything is vectorized over pixels: windows come from `sliding_window_view`, and the
gradients scatter with one strided add per window offset (ws[0]*ws[1] of them).
"""
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
    """Per output index: window [start, end) in padded coordinates, and the pooled count."""
    start = np.arange(out) * stride
    end = np.minimum(start + ws, n + 2 * pad)
    if include_pad:
        return end - start
    return np.maximum(np.minimum(end, n + pad) - np.maximum(start, pad), 0)


def _extended(x, pad, ext, fill):
    """`x` padded by `pad` on both sides of the last two axes, then on the far side to `ext`."""
    (ph, pw), (eh, ew) = pad, ext
    h, w = x.shape[-2:]
    out = np.full(x.shape[:-2] + (eh, ew), fill, dtype=x.dtype)
    out[..., ph:ph + h, pw:pw + w] = x
    return out


def _lowest(dtype):
    if np.issubdtype(dtype, np.floating):
        return -np.inf
    if dtype == np.bool_:
        return False
    return np.iinfo(dtype).min


def geometry(shape, ws, stride, pad, ignore_border):
    h, w = shape[-2:]
    out = (out_len(h, ws[0], stride[0], pad[0], ignore_border),
           out_len(w, ws[1], stride[1], pad[1], ignore_border))
    # room for every window, the partial ones at the far end included
    ext = (max(h + 2 * pad[0], (out[0] - 1) * stride[0] + ws[0]),
           max(w + 2 * pad[1], (out[1] - 1) * stride[1] + ws[1]))
    return out, ext


def divisor(shape, out, ws, stride, pad, mode):
    """(OH, OW) array of the number of elements each average divides by."""
    inc = mode == "average_inc_pad"
    ch = _bounds(shape[-2], out[0], ws[0], stride[0], pad[0], inc)
    cw = _bounds(shape[-1], out[1], ws[1], stride[1], pad[1], inc)
    return np.outer(ch, cw)


def _window_view(xe, out, ws, stride):
    win = sliding_window_view(xe, ws, axis=(-2, -1))
    return win[..., ::stride[0], ::stride[1], :, :][..., :out[0], :out[1], :, :]


def pool(x, ws, stride, pad, ignore_border, mode):
    out, ext = geometry(x.shape, ws, stride, pad, ignore_border)
    if 0 in out or x.size == 0:
        return np.zeros(x.shape[:-2] + out, dtype=x.dtype)
    if mode == "max":
        win = _window_view(_extended(x, pad, ext, _lowest(x.dtype)), out, ws, stride)
        return np.ascontiguousarray(win.max(axis=(-2, -1)))
    acc = np.result_type(x.dtype, np.float64) if mode != "sum" else x.dtype
    win = _window_view(_extended(x, pad, ext, 0), out, ws, stride)
    total = win.sum(axis=(-2, -1), dtype=acc)
    if mode != "sum":
        total = total / divisor(x.shape, out, ws, stride, pad, mode)
    return np.asarray(total, dtype=x.dtype)


def _scatter(shape, dtype, pad, ext, out, ws, stride, contribution):
    """Sum of `contribution(u, v)` (an (..., OH, OW) array for window offset (u, v)) into the
    input positions, cropped back to the unpadded input."""
    gx = np.zeros(shape[:-2] + ext, dtype=dtype)
    for u in range(ws[0]):
        for v in range(ws[1]):
            gx[..., u:u + (out[0] - 1) * stride[0] + 1:stride[0],
               v:v + (out[1] - 1) * stride[1] + 1:stride[1]] += contribution(u, v)
    h, w = shape[-2:]
    return np.ascontiguousarray(gx[..., pad[0]:pad[0] + h, pad[1]:pad[1] + w])


def _offset(xe, u, v, out, stride):
    return xe[..., u:u + (out[0] - 1) * stride[0] + 1:stride[0], v:v + (out[1] - 1) * stride[1] + 1:stride[1]]


def max_pool_grad(x, z, gz, ws, stride, pad, ignore_border):
    """Gradient of max pooling: gz goes to every input position equal to its window's max."""
    out, ext = geometry(x.shape, ws, stride, pad, ignore_border)
    if 0 in out or x.size == 0:
        return np.zeros_like(x)
    xe = _extended(x, pad, ext, _lowest(x.dtype))
    return _scatter(x.shape, x.dtype, pad, ext, out, ws, stride,
                    lambda u, v: (_offset(xe, u, v, out, stride) == z) * gz)


def max_pool_grad_grad(x, z, ggx, ws, stride, pad, ignore_border):
    """Adjoint of max_pool_grad in its gz argument: per window, the sum of ggx over the
    positions holding the max."""
    out, ext = geometry(x.shape, ws, stride, pad, ignore_border)
    res = np.zeros(x.shape[:-2] + out, dtype=ggx.dtype)
    if 0 in out or x.size == 0:
        return res
    xe = _extended(x, pad, ext, _lowest(x.dtype))
    ge = _extended(ggx, pad, ext, 0)
    for u in range(ws[0]):
        for v in range(ws[1]):
            res += (_offset(xe, u, v, out, stride) == z) * _offset(ge, u, v, out, stride)
    return res


def average_pool_grad(shape, gz, ws, stride, pad, ignore_border, mode):
    """Gradient of sum/average pooling of an input of `shape`: each window spreads its
    gradient (divided by its count for averages) over the positions it pooled."""
    out, ext = geometry(shape, ws, stride, pad, ignore_border)
    if 0 in out or 0 in shape:
        return np.zeros(shape, dtype=gz.dtype)
    g = gz if mode == "sum" else gz / divisor(shape, out, ws, stride, pad, mode)
    g = np.asarray(g, dtype=gz.dtype)
    gx = _scatter(shape, gz.dtype, pad, ext, out, ws, stride, lambda u, v: g)
    return gx
