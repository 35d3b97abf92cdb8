"""numpy reference kernels for 2-d convolution on NCHW arrays: the forward cross-correlation
and its two adjoints (gradient w.r.t. the input, gradient w.r.t. the filters).

All three take a *correlation* kernel (flipping for true convolution is the op's business), a
symmetric zero padding `pad=(ph, pw)`, `stride=(sh, sw)` and `dilation=(dh, dw)`:

    out[b, o, i, j] = sum_{c,u,v} xpad[b, c, i*sh + u*dh, j*sw + v*dw] * k[o, c, u, v]

The forward gathers every window with `sliding_window_view` (im2col as a strided view) and
contracts it with one `tensordot` (a BLAS gemm). The input gradient scatters back with one
vectorized add per kernel tap (kh*kw of them, never one per pixel).
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def dilated(k, d):
    """Extent of a kernel of `k` taps with dilation `d`."""
    return (k - 1) * d + 1


def out_len(n, k, pad, stride, dil):
    """Output length along one axis (may be < 1 when the kernel does not fit)."""
    return (n + 2 * pad - dilated(k, dil)) // stride + 1


def resolve_pad(border_mode, kshape, dilation):
    """(ph, pw) for a border mode ('valid', 'full', 'half', or a pair of ints) and the
    kernel's spatial shape."""
    if border_mode == "valid":
        return (0, 0)
    dk = [dilated(k, d) for k, d in zip(kshape, dilation)]
    if border_mode == "full":
        return (dk[0] - 1, dk[1] - 1)
    if border_mode == "half":
        return (dk[0] // 2, dk[1] // 2)
    return tuple(border_mode)


def _padded(x, pad):
    ph, pw = pad
    if ph == 0 and pw == 0:
        return x
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))


def _windows(x, kshape, pad, stride, dil, out_shape):
    """(B, C, OH, OW, kh, kw) view of the windows of padded `x`."""
    kh, kw = kshape
    xp = _padded(x, pad)
    win = sliding_window_view(xp, (dilated(kh, dil[0]), dilated(kw, dil[1])), axis=(2, 3))
    win = win[:, :, ::stride[0], ::stride[1], ::dil[0], ::dil[1]]
    return win[:, :, :out_shape[0], :out_shape[1]]


def corr2d(x, k, pad, stride, dil, dtype):
    """Forward cross-correlation: x (B, C, H, W), k (O, C, kh, kw) -> (B, O, OH, OW)."""
    oh = out_len(x.shape[2], k.shape[2], pad[0], stride[0], dil[0])
    ow = out_len(x.shape[3], k.shape[3], pad[1], stride[1], dil[1])
    if x.shape[0] == 0 or k.shape[0] == 0:
        return np.zeros((x.shape[0], k.shape[0], oh, ow), dtype=dtype)
    win = _windows(x, k.shape[2:], pad, stride, dil, (oh, ow))
    out = np.tensordot(win, k, axes=([1, 4, 5], [1, 2, 3]))  # (B, OH, OW, O)
    return np.ascontiguousarray(out.transpose(0, 3, 1, 2), dtype=dtype)


def corr2d_grad_input(k, g, in_shape, pad, stride, dil, dtype):
    """Gradient w.r.t. x of sum(corr2d(x, k) * g): k (O, C, kh, kw), g (B, O, OH, OW),
    in_shape = (H, W) -> (B, C, H, W)."""
    (h, w), (ph, pw), (sh, sw), (dh, dw) = in_shape, pad, stride, dil
    b, _, oh, ow = g.shape
    _, c, kh, kw = k.shape
    gx = np.zeros((b, c, h + 2 * ph, w + 2 * pw), dtype=dtype)
    if oh and ow:
        cols = np.tensordot(g, k, axes=([1], [0]))  # (B, OH, OW, C, kh, kw)
        cols = cols.transpose(0, 3, 4, 5, 1, 2)  # (B, C, kh, kw, OH, OW)
        for u in range(kh):
            for v in range(kw):
                gx[:, :, u * dh:u * dh + (oh - 1) * sh + 1:sh,
                   v * dw:v * dw + (ow - 1) * sw + 1:sw] += cols[:, :, u, v]
    return np.ascontiguousarray(gx[:, :, ph:ph + h, pw:pw + w])


def corr2d_grad_filters(x, g, kshape, pad, stride, dil, dtype):
    """Gradient w.r.t. k of sum(corr2d(x, k) * g): x (B, C, H, W), g (B, O, OH, OW),
    kshape = (kh, kw) -> (O, C, kh, kw)."""
    win = _windows(x, kshape, pad, stride, dil, g.shape[2:])
    gk = np.tensordot(g, win, axes=([0, 2, 3], [0, 2, 3]))  # (O, C, kh, kw)
    return np.ascontiguousarray(gk, dtype=dtype)
