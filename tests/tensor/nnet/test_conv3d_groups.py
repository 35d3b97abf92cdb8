"""conv3d (and its gradient ops) and grouped conv2d / conv3d (num_groups) vs an explicit-loop
numpy reference and scipy.signal; gradients, bad input, native lowering."""
import itertools

import numpy as np
import pytest
import scipy.signal

import transpile.tensor as T
from transpile import function
from transpile.gradient import verify_grad
from transpile.tensor.nnet import conv3d, conv3d_grad_wrt_inputs, conv3d_grad_wrt_weights
from transpile.tensor.nnet import conv2d, conv2d_grad_wrt_inputs, conv2d_grad_wrt_weights


def _pads(border_mode, kshape, dil):
    ext = [(k - 1) * d + 1 for k, d in zip(kshape, dil)]
    if border_mode == "valid":
        return (0,) * len(kshape)
    if border_mode == "full":
        return tuple(e - 1 for e in ext)
    if border_mode == "half":
        return tuple(e // 2 for e in ext)
    return tuple(border_mode)


def _out_shape(ishape, kshape, border_mode, stride, dil):
    pads = _pads(border_mode, kshape[2:], dil)
    return (ishape[0], kshape[0]) + tuple((n + 2 * p - ((k - 1) * d + 1)) // s + 1 for n, k, p, s, d in
                                          zip(ishape[2:], kshape[2:], pads, stride, dil))


def _window(pos, kshape, stride, dil):
    return tuple(slice(i * s, i * s + (k - 1) * d + 1, d) for i, k, s, d in zip(pos, kshape, stride, dil))


def _blocks(n, groups):
    size = n // groups
    return [slice(q * size, (q + 1) * size) for q in range(groups)]


def _flip(w, flip):
    return w[(slice(None), slice(None)) + (slice(None, None, -1),) * (w.ndim - 2)] if flip else w


def ref_conv(x, w, border_mode, stride, flip, dil, groups):
    """One output position at a time: the window times each group's filters."""
    nd = x.ndim - 2
    pads = _pads(border_mode, w.shape[2:], dil)
    xp = np.pad(x, ((0, 0), (0, 0)) + tuple((p, p) for p in pads))
    wk, oshape = _flip(w, flip), _out_shape(x.shape, w.shape, border_mode, stride, dil)
    out = np.zeros(oshape)
    axes = list(range(1, nd + 2))
    for pos in itertools.product(*map(range, oshape[2:])):
        win = xp[(slice(None), slice(None)) + _window(pos, w.shape[2:], stride, dil)]
        for ci, oi in zip(_blocks(x.shape[1], groups), _blocks(w.shape[0], groups)):
            out[(slice(None), oi) + pos] = np.tensordot(win[:, ci], wk[oi], axes=(axes, axes))
    return out


def ref_grad_inputs(g, w, ishape, border_mode, stride, flip, dil, groups):
    pads = _pads(border_mode, w.shape[2:], dil)
    gx = np.zeros(ishape[:2] + tuple(n + 2 * p for n, p in zip(ishape[2:], pads)))
    wk = _flip(w, flip)
    for pos in itertools.product(*map(range, g.shape[2:])):
        where = _window(pos, w.shape[2:], stride, dil)
        for ci, oi in zip(_blocks(ishape[1], groups), _blocks(w.shape[0], groups)):
            gx[(slice(None), ci) + where] += np.tensordot(g[(slice(None), oi) + pos], wk[oi], axes=([1], [0]))
    return gx[(slice(None), slice(None)) + tuple(slice(p, p + n) for p, n in zip(pads, ishape[2:]))]


def ref_grad_weights(x, g, kshape, border_mode, stride, flip, dil, groups):
    pads = _pads(border_mode, kshape[2:], dil)
    xp = np.pad(x, ((0, 0), (0, 0)) + tuple((p, p) for p in pads))
    gw = np.zeros(kshape)
    for pos in itertools.product(*map(range, g.shape[2:])):
        win = xp[(slice(None), slice(None)) + _window(pos, kshape[2:], stride, dil)]
        for ci, oi in zip(_blocks(x.shape[1], groups), _blocks(kshape[0], groups)):
            gw[oi] += np.tensordot(g[(slice(None), oi) + pos], win[:, ci], axes=([0], [0]))
    return _flip(gw, flip)


# (input shape, filter shape, border_mode, subsample, filter_flip, filter_dilation, num_groups)
CASES = [
    ((2, 2, 4, 5, 4), (3, 2, 2, 3, 2), "valid", (1, 1, 1), True, (1, 1, 1), 1),
    ((1, 1, 5, 4, 6), (2, 1, 3, 2, 3), "full", (2, 1, 2), False, (1, 1, 1), 1),
    ((1, 2, 6, 5, 5), (2, 2, 3, 3, 2), "half", (1, 2, 1), True, (2, 1, 1), 1),
    ((2, 4, 4, 5, 3), (6, 2, 2, 2, 1), (1, 0, 2), (1, 1, 2), True, (1, 2, 1), 2),
    ((1, 6, 3, 4, 4), (3, 2, 1, 3, 2), "valid", (1, 1, 1), False, (1, 1, 1), 3),
    ((2, 4, 6, 5), (4, 2, 3, 2), "valid", (1, 1), True, (1, 1), 2),
    ((1, 6, 7, 6), (6, 1, 3, 3), "half", (2, 1), False, (1, 2), 6),
    ((2, 3, 5, 5), (6, 1, 2, 3), (1, 2), (1, 2), True, (1, 1), 3),
]

_FUNCS = {3: (conv3d, conv3d_grad_wrt_inputs, conv3d_grad_wrt_weights),
          2: (conv2d, conv2d_grad_wrt_inputs, conv2d_grad_wrt_weights)}


def test_matches_loop_reference(rng):
    """Forward and both gradient functions of every case, in one compiled function."""
    ins, outs, feeds, expected = [], [], [], []
    for ishape, kshape, bm, st, flip, dil, groups in CASES:
        nd = len(ishape) - 2
        fwd, grad_in, grad_w = _FUNCS[nd]
        x, w, g = (T.TensorType("float64", (False,) * (nd + 2))() for _ in range(3))
        xv, wv = rng.standard_normal(ishape), rng.standard_normal(kshape)
        gv = rng.standard_normal(_out_shape(ishape, kshape, bm, st, dil))
        params = dict(border_mode=bm, subsample=st, filter_flip=flip, filter_dilation=dil, num_groups=groups)
        ins += [x, w, g]
        feeds += [xv, wv, gv]
        outs += [fwd(x, w, **params), grad_in(g, w, ishape, **params), grad_w(x, g, kshape, **params)]
        expected += [ref_conv(xv, wv, bm, st, flip, dil, groups),
                     ref_grad_inputs(gv, wv, ishape, bm, st, flip, dil, groups),
                     ref_grad_weights(xv, gv, kshape, bm, st, flip, dil, groups)]
    got = function(ins, outs)(*feeds)
    for a, e in zip(got, expected):
        assert a.shape == e.shape
        np.testing.assert_allclose(a, e, rtol=1e-10, atol=1e-10)


def test_conv3d_matches_scipy(rng):
    """Ungrouped, unit-stride conv3d is scipy's N-d convolution summed over channels."""
    x, w = T.dtensor5(), T.dtensor5()
    xv, wv = rng.standard_normal((2, 3, 5, 6, 4)), rng.standard_normal((2, 3, 2, 3, 3))
    outs = [conv3d(x, w, border_mode=bm, filter_flip=flip) for bm in ("valid", "full") for flip in (True, False)]
    got = function([x, w], outs)(xv, wv)
    i = 0
    for bm in ("valid", "full"):
        for flip in (True, False):
            op = scipy.signal.convolve if flip else scipy.signal.correlate
            want = np.array([[sum(op(xv[b, c], wv[o, c], mode=bm) for c in range(3)) for o in range(2)]
                             for b in range(2)])
            np.testing.assert_allclose(got[i], want, rtol=1e-10, atol=1e-10)
            i += 1


def test_float32_and_gradient_consistency(rng):
    """float32 in, float32 out; T.grad of conv3d / grouped conv2d is the gradient functions."""
    x, w = T.ftensor5(), T.ftensor5()
    y = conv3d(x, w, border_mode="half", subsample=(2, 1, 1), num_groups=2)
    g = T.grad(T.sum(y * y), [x, w])
    xv = rng.standard_normal((1, 4, 5, 4, 4)).astype("float32")
    wv = rng.standard_normal((2, 2, 3, 3, 1)).astype("float32")
    yv, gx, gw = function([x, w], [y] + g)(xv, wv)
    assert yv.dtype == gx.dtype == gw.dtype == np.float32
    want = ref_conv(xv.astype(float), wv.astype(float), "half", (2, 1, 1), True, (1, 1, 1), 2)
    np.testing.assert_allclose(yv, want, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(gx, ref_grad_inputs(2 * want, wv.astype(float), xv.shape, "half", (2, 1, 1), True,
                                                   (1, 1, 1), 2), rtol=1e-3, atol=1e-3)
    np.testing.assert_allclose(gw, ref_grad_weights(xv.astype(float), 2 * want, wv.shape, "half", (2, 1, 1), True,
                                                    (1, 1, 1), 2), rtol=1e-3, atol=1e-3)


def test_infer_shape(rng):
    x, w = T.dtensor5(), T.dtensor5()
    y = conv3d(x, w, border_mode=(1, 0, 2), subsample=(2, 1, 3), num_groups=2)
    f = function([x, w], [y, y.shape])
    yv, shape = f(rng.standard_normal((1, 4, 5, 6, 7)), rng.standard_normal((4, 2, 2, 3, 2)))
    assert tuple(shape) == yv.shape == T.nnet.conv_output_shape((1, 4, 5, 6, 7), (4, 2, 2, 3, 2), (1, 0, 2),
                                                                 (2, 1, 3))


def test_grad_conv3d(rng):
    verify_grad(lambda i, k: conv3d(i, k, border_mode="half", subsample=(1, 2, 1)),
                [rng.standard_normal((1, 2, 3, 4, 3)), rng.standard_normal((2, 2, 2, 3, 2))], rng=rng)


def test_grad_grouped(rng):
    verify_grad(lambda i, k: conv2d(i, k, border_mode="full", num_groups=2, filter_dilation=(1, 2)),
                [rng.standard_normal((2, 4, 4, 4)), rng.standard_normal((4, 2, 2, 2))], rng=rng)
    verify_grad(lambda i, k: conv3d(i, k, num_groups=2),
                [rng.standard_normal((1, 2, 3, 3, 3)), rng.standard_normal((2, 1, 2, 2, 2))], rng=rng)


def test_errors(rng):
    with pytest.raises(TypeError, match="5-d"):
        conv3d(T.tensor4(), T.tensor5())
    with pytest.raises(TypeError, match="5-d"):
        conv3d(T.tensor5(), T.tensor4())
    with pytest.raises(ValueError, match="subsample"):
        conv3d(T.tensor5(), T.tensor5(), subsample=(1, 1))
    with pytest.raises(ValueError, match="border_mode"):
        conv3d(T.tensor5(), T.tensor5(), border_mode=(1, 1))
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="num_groups"):
            conv2d(T.tensor4(), T.tensor4(), num_groups=bad)
    with pytest.raises(ValueError, match="per group x num_groups 2"):
        conv2d(T.tensor4(), T.tensor4(), input_shape=(1, 4, 5, 5), filter_shape=(2, 4, 3, 3), num_groups=2)
    with pytest.raises(ValueError, match="input_shape must have 5 entries"):
        conv3d_grad_wrt_inputs(T.tensor5(), T.tensor5(), (1, 2, 3, 3))
    x, w = T.dtensor4(), T.dtensor4()
    f = function([x, w], conv2d(x, w, num_groups=2))
    with pytest.raises(ValueError, match=r"channels.*\(1, 3, 5, 5\).*per group x num_groups 2"):
        f(rng.standard_normal((1, 3, 5, 5)), rng.standard_normal((2, 2, 3, 3)))
    with pytest.raises(ValueError, match="3 output channels.*num_groups=2"):
        f(rng.standard_normal((1, 4, 5, 5)), rng.standard_normal((3, 2, 3, 3)))
    gw = function([x, w], conv2d_grad_wrt_weights(x, w, (None, None, 2, 2), num_groups=2))
    with pytest.raises(ValueError, match=r"3 channels \(shape \(1, 3, 5, 5\)\), which do not divide into num_groups=2"):
        gw(rng.standard_normal((1, 3, 5, 5)), rng.standard_normal((1, 2, 4, 4)))
    x5, w5 = T.dtensor5(), T.dtensor5()
    f3 = function([x5, w5], conv3d(x5, w5))
    with pytest.raises(ValueError, match=r"larger than the input.*\(1, 1, 2, 4, 4\)"):
        f3(rng.standard_normal((1, 1, 2, 4, 4)), rng.standard_normal((1, 1, 3, 2, 2)))


@pytest.mark.single_mode
def test_lower_natively(rng):
    """mode="NATIVE" refuses any op without a C++ lowering: conv3d, its gradients and grouped
    convolutions all have one."""
    x, w = T.dtensor5(), T.dtensor5()
    y = conv3d(x, w, border_mode="half", num_groups=2, subsample=(1, 2, 1))
    outs = [y] + T.grad(T.sum(y ** 2), [x, w])
    vals = [rng.standard_normal((2, 4, 4, 5, 3)), rng.standard_normal((4, 2, 3, 2, 2))]
    got = function([x, w], outs, mode="NATIVE")(*vals)
    want = function([x, w], outs, mode="FAST_COMPILE")(*vals)
    for a, e in zip(got, want):
        np.testing.assert_allclose(a, e, rtol=1e-12, atol=1e-12)


@pytest.mark.single_mode
def test_native_matches_reference_on_a_larger_size(rng):
    """Times one conv3d size natively and in the numpy reference (printed; -s to see it)."""
    import time
    x, w = T.ftensor5(), T.ftensor5()
    y = conv3d(x, w, border_mode="half")
    xv = rng.standard_normal((4, 8, 16, 16, 16)).astype("float32")
    wv = rng.standard_normal((16, 8, 3, 3, 3)).astype("float32")
    times = {}
    for mode in ("NATIVE", "FAST_COMPILE"):
        f = function([x, w], y, mode=mode)
        f(xv, wv)
        start = time.perf_counter()
        for _ in range(3):
            out = f(xv, wv)
        times[mode] = (time.perf_counter() - start) / 3
        times[mode + "_out"] = out
    np.testing.assert_allclose(times["NATIVE_out"], times["FAST_COMPILE_out"], rtol=1e-3, atol=1e-3)
    print(f"conv3d (4, 8, 16, 16, 16) x (16, 8, 3, 3, 3) half: native {times['NATIVE'] * 1e3:.1f} ms, "
          f"numpy reference {times['FAST_COMPILE'] * 1e3:.1f} ms")
