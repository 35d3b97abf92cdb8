"""conv2d_grad_wrt_inputs, conv2d_grad_wrt_weights, conv2d_transpose (T.nnet, Theano's
abstract_conv names) vs numpy loop references and scipy.signal, gradients, and errors."""
import numpy as np
import pytest
import scipy.signal

import transpile.tensor as T
from transpile import function
from transpile.gradient import verify_grad
from transpile.tensor.nnet import abstract_conv
from transpile.tensor.nnet.abstract_conv import conv2d_grad_wrt_inputs, conv2d_grad_wrt_weights, conv2d_transpose


def _pads(border_mode, kshape, dilation):
    ext = [(k - 1) * d + 1 for k, d in zip(kshape, dilation)]
    if border_mode == "valid":
        return (0, 0)
    if border_mode == "full":
        return tuple(e - 1 for e in ext)
    if border_mode == "half":
        return tuple(e // 2 for e in ext)
    return border_mode


def _taps(kshape, stride, dilation, i, j):
    """Padded-input positions read by output (i, j), per filter tap."""
    return [(i * stride[0] + a * dilation[0], j * stride[1] + b * dilation[1], a, b)
            for a in range(kshape[0]) for b in range(kshape[1])]


def np_grad_inputs(g, w, in_hw, border_mode, stride, flip, dilation=(1, 1)):
    wk = w[:, :, ::-1, ::-1] if flip else w
    ph, pw = _pads(border_mode, w.shape[2:], dilation)
    out = np.zeros((g.shape[0], w.shape[1], in_hw[0] + 2 * ph, in_hw[1] + 2 * pw))
    for i in range(g.shape[2]):
        for j in range(g.shape[3]):
            for r, c, a, b in _taps(w.shape[2:], stride, dilation, i, j):
                out[:, :, r, c] += g[:, :, i, j] @ wk[:, :, a, b]
    return out[:, :, ph:ph + in_hw[0], pw:pw + in_hw[1]]


def np_grad_weights(x, g, k_hw, border_mode, stride, flip, dilation=(1, 1)):
    ph, pw = _pads(border_mode, k_hw, dilation)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    out = np.zeros((g.shape[1], x.shape[1]) + tuple(k_hw))
    for i in range(g.shape[2]):
        for j in range(g.shape[3]):
            for r, c, a, b in _taps(k_hw, stride, dilation, i, j):
                out[:, :, a, b] += g[:, :, i, j].T @ xp[:, :, r, c]
    return out[:, :, ::-1, ::-1] if flip else out


# (input shape, filter shape, border_mode, subsample, filter_flip, filter_dilation)
CASES = [
    ((2, 3, 6, 5), (4, 3, 3, 2), "valid", (1, 1), True, (1, 1)),
    ((1, 2, 7, 7), (3, 2, 3, 3), "full", (2, 2), False, (1, 1)),
    ((2, 1, 8, 6), (2, 1, 3, 3), "half", (2, 1), True, (1, 1)),
    ((1, 2, 6, 7), (2, 2, 2, 3), (1, 2), (1, 3), True, (1, 1)),
    ((1, 1, 9, 9), (2, 1, 2, 2), "valid", (2, 2), False, (2, 3)),
]


def _out_hw(in_hw, k_hw, border_mode, stride, dilation):
    pads = _pads(border_mode, k_hw, dilation)
    return tuple((n + 2 * p - ((k - 1) * d + 1)) // s + 1 for n, k, p, s, d in zip(in_hw, k_hw, pads, stride, dilation))


def test_grads_match_numpy(rng):
    ins, outs, feeds, expected = [], [], [], []
    for ishape, kshape, bm, st, flip, dil in CASES:
        oshape = (ishape[0], kshape[0]) + _out_hw(ishape[2:], kshape[2:], bm, st, dil)
        x, w, g = T.dtensor4(), T.dtensor4(), T.dtensor4()
        xv, wv, gv = rng.standard_normal(ishape), rng.standard_normal(kshape), rng.standard_normal(oshape)
        ins += [x, w, g]
        feeds += [xv, wv, gv]
        outs += [conv2d_grad_wrt_inputs(g, w, ishape, kshape, bm, st, flip, dil),
                 conv2d_grad_wrt_weights(x, g, kshape, ishape, bm, st, flip, dil),
                 # the same, with symbolic lengths and unknown batch / channels
                 conv2d_grad_wrt_inputs(g, w, (None, None, x.shape[2], x.shape[3]), border_mode=bm, subsample=st,
                                        filter_flip=flip, filter_dilation=dil)]
        gi = np_grad_inputs(gv, wv, ishape[2:], bm, st, flip, dil)
        expected += [gi, np_grad_weights(xv, gv, kshape[2:], bm, st, flip, dil), gi]
    got = function(ins, outs)(*feeds)
    for k, (a, b) in enumerate(zip(got, expected)):
        assert a.shape == b.shape, (k, a.shape, b.shape)
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12, err_msg=str(k))


def test_grads_are_the_gradients_of_conv2d(rng):
    """Against T.grad of conv2d (same ops) and the numpy references: adjointness, all in one."""
    ishape, kshape = (2, 2, 7, 6), (3, 2, 3, 2)
    x, w, g = T.dtensor4(), T.dtensor4(), T.dtensor4()
    y = T.nnet.conv2d(x, w, border_mode=1, subsample=(2, 1))
    cost = T.sum(y * g)
    f = function([x, w, g], [T.grad(cost, x), T.grad(cost, w),
                             conv2d_grad_wrt_inputs(g, w, ishape, border_mode=1, subsample=(2, 1)),
                             conv2d_grad_wrt_weights(x, g, kshape, border_mode=1, subsample=(2, 1)), y])
    xv, wv = rng.standard_normal(ishape), rng.standard_normal(kshape)
    gv = rng.standard_normal((2, 3, 4, 7))
    gx, gw, gi, gk, yv = f(xv, wv, gv)
    assert yv.shape == gv.shape
    np.testing.assert_allclose(gi, gx, rtol=1e-12)
    np.testing.assert_allclose(gk, gw, rtol=1e-12)
    np.testing.assert_allclose(np.sum(yv * gv), np.sum(xv * gi), rtol=1e-12)  # <conv x, g> = <x, conv^T g>


def test_transpose_matches_scipy(rng):
    """conv2d_transpose with unit dilation, valid borders and flipped filters is a full
    correlation summed over the input's channels."""
    g, w = T.dtensor4(), T.dtensor4()
    gv, wv = rng.standard_normal((2, 3, 4, 5)), rng.standard_normal((3, 2, 3, 2))
    out_shape = (2, 2, 6, 6)
    f = function([g, w], [conv2d_transpose(g, w, out_shape), conv2d_transpose(g, w, (None, 2, 9, 11), (3, 2, 3, 2),
                                                                             input_dilation=(2, 2), border_mode="valid")])
    plain, dilated = f(gv, wv)
    ref = np.array([[sum(scipy.signal.correlate2d(gv[b, o], wv[o, c], mode="full") for o in range(3))
                     for c in range(2)] for b in range(2)])
    np.testing.assert_allclose(plain, ref, rtol=1e-12)
    # input dilation 2: the input spread out with zeros between, then the same full correlation
    spread = np.zeros((2, 3, 7, 9))
    spread[:, :, ::2, ::2] = gv
    ref2 = np.array([[sum(scipy.signal.correlate2d(spread[b, o], wv[o, c], mode="full") for o in range(3))
                      for c in range(2)] for b in range(2)])
    ref2 = np.pad(ref2, ((0, 0), (0, 0), (0, 0), (0, 1)))  # column 11: read by no output, zero gradient
    np.testing.assert_allclose(dilated, ref2, rtol=1e-12)


def test_float32(rng):
    g, w = T.ftensor4(), T.ftensor4()
    out = conv2d_transpose(g, w, (1, 2, 5, 5))
    assert out.dtype == "float32"
    gv, wv = rng.standard_normal((1, 3, 4, 4)).astype("float32"), rng.standard_normal((3, 2, 2, 2)).astype("float32")
    got = function([g, w], out)(gv, wv)
    np.testing.assert_allclose(got, np_grad_inputs(gv.astype(float), wv.astype(float), (5, 5), "valid", (1, 1), True),
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("which", ["inputs", "weights", "transpose"])
def test_grad(which, rng):
    if which == "inputs":
        fn = lambda g, w: conv2d_grad_wrt_inputs(g, w, (1, 2, 5, 4), border_mode="half", subsample=(2, 1))  # noqa: E731
        pts = [rng.standard_normal((1, 2, 3, 4)), rng.standard_normal((2, 2, 3, 3))]
    elif which == "weights":
        fn = lambda x, g: conv2d_grad_wrt_weights(x, g, (2, 2, 2, 3), subsample=(1, 2), filter_flip=False)  # noqa: E731
        pts = [rng.standard_normal((1, 2, 4, 5)), rng.standard_normal((1, 2, 3, 2))]
    else:
        fn = lambda g, w: conv2d_transpose(g, w, (1, 1, 6, 5), input_dilation=(2, 2), border_mode=1)  # noqa: E731
        pts = [rng.standard_normal((1, 2, 3, 3)), rng.standard_normal((2, 1, 3, 2))]
    verify_grad(fn, pts, rng=np.random.default_rng(4))


def test_errors(rng):
    g, w = T.dtensor4(), T.dtensor4()
    with pytest.raises(ValueError, match="input_shape must have 4 entries"):
        conv2d_grad_wrt_inputs(g, w, (5, 5))
    with pytest.raises(ValueError, match="input rows"):
        conv2d_grad_wrt_inputs(g, w, (1, 2, None, 5))
    with pytest.raises(ValueError, match="filter_shape must have 4 entries"):
        conv2d_grad_wrt_weights(g, w, None)
    with pytest.raises(ValueError, match="non-negative ints"):
        conv2d_transpose(g, w, (1, 2, 3.5, 4))
    with pytest.raises(TypeError, match="integer scalar"):
        conv2d_grad_wrt_inputs(g, w, (1, 2, T.dscalar(), 4))
    with pytest.raises(TypeError, match="4-d"):
        conv2d_grad_wrt_inputs(T.dmatrix(), w, (1, 2, 4, 4))
    with pytest.raises(ValueError, match="border_mode"):
        conv2d_transpose(g, w, (1, 2, 4, 4), border_mode="same")
    f = function([g, w], conv2d_grad_wrt_inputs(g, w, (1, 2, 6, 6)))
    with pytest.raises(ValueError):  # topgrad (1, 3, 4, 4) does not fit a 6x6 input and 2x2 filters
        f(rng.standard_normal((1, 3, 4, 4)), rng.standard_normal((3, 2, 2, 2)))
    assert abstract_conv.__all__ == ["conv2d_grad_wrt_inputs", "conv2d_grad_wrt_weights", "conv2d_transpose",
                                     "conv3d_grad_wrt_inputs", "conv3d_grad_wrt_weights"]
    assert T.nnet.conv2d_transpose is conv2d_transpose


@pytest.mark.single_mode
def test_lower_natively(rng):
    """mode="NATIVE" refuses any op without a C++ lowering."""
    g, w, x = T.dtensor4(), T.dtensor4(), T.dtensor4()
    outs = [conv2d_transpose(g, w, (1, 2, 7, 7), input_dilation=(2, 2)),
            conv2d_grad_wrt_weights(x, g, (3, 2, 2, 2), subsample=(2, 2))]
    vals = [rng.standard_normal((1, 3, 3, 3)), rng.standard_normal((3, 2, 2, 2)), rng.standard_normal((1, 2, 7, 7))]
    got = function([g, w, x], outs, mode="NATIVE")(*vals)
    want = function([g, w, x], outs, mode="FAST_COMPILE")(*vals)
    for a, e in zip(got, want):
        np.testing.assert_allclose(a, e, rtol=1e-12)
