"""numpy reference kernels for convolution over N spatial dims (2 for conv2d, 3 for conv3d) on
(batch, channels, *spatial) arrays, with channel groups: the forward cross-correlation and its
two adjoints (gradient w.r.t. the input, gradient w.r.t. the filters).

All three take a *correlation* kernel (flipping for true convolution is the op's business), a
symmetric zero padding `pad`, `stride` and `dilation` (one entry per spatial dim):

    out[b, o, i..] = sum_{c, u..} xpad[b, g*C + c, i*s + u*d ..] * k[o, c, u..]   (g = o // (O/G))

The forward gathers every window with `sliding_window_view` (im2col as a strided view) and
contracts it with one `tensordot` (a BLAS gemm) per group. The input gradient scatters back with
one vectorized add per kernel tap (never one per pixel).
"""
import itertools

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def dilated(k, d):
    """Extent of a kernel of `k` taps with dilation `d`."""
    return (k - 1) * d + 1


def out_len(n, k, pad, stride, dil):
    """Output length along one axis (may be < 1 when the kernel does not fit)."""
    return (n + 2 * pad - dilated(k, dil)) // stride + 1


def resolve_pad(border_mode, kshape, dilation):
    """Per-axis padding for a border mode ('valid', 'full', 'half', or a tuple of ints) and the
    kernel's spatial shape."""
    if border_mode == "valid":
        return (0,) * len(kshape)
    dk = [dilated(k, d) for k, d in zip(kshape, dilation)]
    if border_mode == "full":
        return tuple(e - 1 for e in dk)
    if border_mode == "half":
        return tuple(e // 2 for e in dk)
    return tuple(border_mode)


def _padded(x, pad):
    if not any(pad):
        return x
    return np.pad(x, ((0, 0), (0, 0)) + tuple((p, p) for p in pad))


def _windows(x, kshape, pad, stride, dil, out_shape):
    """(B, C, *out_shape, *kshape) view of the windows of padded `x`."""
    n = len(kshape)
    xp = _padded(x, pad)
    ext = tuple(dilated(k, d) for k, d in zip(kshape, dil))
    win = sliding_window_view(xp, ext, axis=tuple(range(2, 2 + n)))
    win = win[(slice(None), slice(None)) + tuple(slice(None, None, s) for s in stride)
              + tuple(slice(None, None, d) for d in dil)]
    return win[(slice(None), slice(None)) + tuple(slice(0, o) for o in out_shape)]


def _group(a, axis, groups, i):
    """Block `i` of `groups` equal blocks of `a` along `axis`."""
    size = a.shape[axis] // groups
    index = [slice(None)] * a.ndim
    index[axis] = slice(i * size, (i + 1) * size)
    return a[tuple(index)]


def corr(x, k, pad, stride, dil, groups, dtype):
    """Forward cross-correlation: x (B, G*C, *S), k (O, C, *ks) -> (B, O, *out)."""
    n = k.ndim - 2
    out = tuple(out_len(x.shape[2 + a], k.shape[2 + a], pad[a], stride[a], dil[a]) for a in range(n))
    res = np.zeros((x.shape[0], k.shape[0]) + out, dtype=dtype)
    if res.size == 0:
        return res
    axes_w = [1] + list(range(2 + n, 2 + 2 * n))
    for g in range(groups):
        win = _windows(_group(x, 1, groups, g), k.shape[2:], pad, stride, dil, out)
        part = np.tensordot(win, _group(k, 0, groups, g), axes=(axes_w, list(range(1, n + 2))))  # (B, *out, O/G)
        _group(res, 1, groups, g)[...] = np.moveaxis(part, -1, 1)
    return res


def corr_grad_input(k, g, in_shape, pad, stride, dil, groups, dtype):
    """Gradient w.r.t. x of sum(corr(x, k) * g): k (O, C, *ks), g (B, O, *out), in_shape the
    spatial input shape -> (B, G*C, *in_shape)."""
    n = k.ndim - 2
    out = g.shape[2:]
    b, c = g.shape[0], k.shape[1]
    gx = np.zeros((b, c * groups) + tuple(s + 2 * p for s, p in zip(in_shape, pad)), dtype=dtype)
    if all(out):
        for grp in range(groups):
            cols = np.tensordot(_group(g, 1, groups, grp), _group(k, 0, groups, grp), axes=([1], [0]))
            cols = np.moveaxis(cols, n + 1, 1)  # (B, C, *out, *ks)
            dst = _group(gx, 1, groups, grp)
            for taps in itertools.product(*(range(s) for s in k.shape[2:])):
                where = tuple(slice(t * d, t * d + (o - 1) * s + 1, s)
                              for t, d, o, s in zip(taps, dil, out, stride))
                dst[(slice(None), slice(None)) + where] += cols[(Ellipsis,) + taps]
    crop = tuple(slice(p, p + s) for p, s in zip(pad, in_shape))
    return np.ascontiguousarray(gx[(slice(None), slice(None)) + crop])


def corr_grad_filters(x, g, kshape, pad, stride, dil, groups, dtype):
    """Gradient w.r.t. k of sum(corr(x, k) * g): x (B, G*C, *S), g (B, O, *out), kshape the
    spatial filter shape -> (O, C, *kshape)."""
    n = len(kshape)
    o, c = g.shape[1], x.shape[1] // groups
    gk = np.zeros((o, c) + tuple(kshape), dtype=dtype)
    axes = [0] + list(range(2, 2 + n))
    for grp in range(groups):
        win = _windows(_group(x, 1, groups, grp), kshape, pad, stride, dil, g.shape[2:])
        _group(gk, 0, groups, grp)[...] = np.tensordot(_group(g, 1, groups, grp), win, axes=(axes, axes))
    return gk
