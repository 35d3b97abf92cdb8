"""pool_3d vs an explicit loop reference (every mode, ignore_border, strides, padding) and its
gradients vs loop-scattered references; verify_grad; errors; native lowering."""
import itertools

import numpy as np
import pytest

import transpile.tensor as T
from tests.batched import batched_verify_grad, case_rng
from transpile import function
from transpile.gradient import verify_grad
from transpile.tensor.signal.pool import pool_3d
from tests.tensor.nnet.test_nnet_pool import MODES, n_windows  # the 2-d tests' window count, per axis


def _regions(shape, ws, ignore_border, stride, pad):
    """Per output index: (index, real region slices, inc_pad count) over the last three dims."""
    spatial = shape[-3:]
    outs = _out_shape(shape, ws, ignore_border, stride, pad)[-3:]
    for idx in itertools.product(*map(range, outs)):
        starts = [i * s for i, s in zip(idx, stride)]
        ends = [min(a + w, n + 2 * p) for a, w, n, p in zip(starts, ws, spatial, pad)]
        inc = int(np.prod([e - a for a, e in zip(starts, ends)]))
        real = tuple(slice(max(a, p) - p, min(e, n + p) - p) for a, e, n, p in zip(starts, ends, spatial, pad))
        yield idx, real, inc


def _out_shape(shape, ws, ignore_border, stride, pad):
    return shape[:-3] + tuple(n_windows(n, w, s, p, ignore_border) for n, w, s, p in zip(shape[-3:], ws, stride, pad))


def ref_pool(x, ws, ignore_border, stride, pad, mode):
    out = np.zeros(_out_shape(x.shape, ws, ignore_border, stride, pad))
    for idx, real, inc in _regions(x.shape, ws, ignore_border, stride, pad):
        region = x[(Ellipsis,) + real].reshape(x.shape[:-3] + (-1,))
        if mode == "max":
            out[(Ellipsis,) + idx] = region.max(axis=-1)
        elif mode == "sum":
            out[(Ellipsis,) + idx] = region.sum(axis=-1)
        elif mode == "average_inc_pad":
            out[(Ellipsis,) + idx] = region.sum(axis=-1) / inc
        else:
            out[(Ellipsis,) + idx] = region.mean(axis=-1)
    return out


def ref_pool_grad(x, gz, ws, ignore_border, stride, pad, mode):
    gx = np.zeros(x.shape)
    z = ref_pool(x, ws, ignore_border, stride, pad, mode)
    for idx, real, inc in _regions(x.shape, ws, ignore_border, stride, pad):
        region = x[(Ellipsis,) + real]
        g = gz[(Ellipsis,) + idx][(Ellipsis,) + (None,) * 3]
        if mode == "max":
            gx[(Ellipsis,) + real] += (region == z[(Ellipsis,) + idx][(Ellipsis,) + (None,) * 3]) * g
        elif mode == "sum":
            gx[(Ellipsis,) + real] += g
        else:
            count = inc if mode == "average_inc_pad" else int(np.prod(region.shape[-3:]))
            gx[(Ellipsis,) + real] += g / count
    return gx


CASES = [
    # ws, ignore_border, stride, pad
    ((2, 2, 2), True, None, (0, 0, 0)),
    ((2, 2, 2), False, None, (0, 0, 0)),
    ((3, 2, 1), True, (1, 2, 1), (0, 0, 0)),
    ((2, 3, 2), False, (1, 1, 3), (0, 0, 0)),
    ((3, 3, 2), True, (2, 1, 2), (1, 1, 1)),
    ((2, 1, 3), True, (1, 1, 2), (1, 0, 2)),
]


@pytest.mark.parametrize("mode_name", MODES)
def test_pool3d_and_grad_match_reference(mode_name, rng):
    """Every case of one mode (on 5-d and 3-d inputs) in one compiled function."""
    ins, outs, feeds, expected = [], [], [], []
    for ws, ib, st, pad in CASES:
        stride = st or ws
        for shape in ((2, 3, 5, 6, 4), (5, 4, 6)):
            x, g = T.TensorType("float64", (False,) * len(shape))(), T.TensorType("float64", (False,) * len(shape))()
            xv = rng.permutation(int(np.prod(shape))).reshape(shape) * 0.5 - 3.0  # no ties
            gv = rng.standard_normal(_out_shape(shape, ws, ib, stride, pad))
            y = pool_3d(x, ws, ignore_border=ib, stride=st, pad=pad, mode=mode_name)
            ins += [x, g]
            feeds += [xv, gv]
            outs += [y, T.grad(T.sum(y * g), x)]
            expected += [ref_pool(xv, ws, ib, stride, pad, mode_name),
                         ref_pool_grad(xv, gv, ws, ib, stride, pad, mode_name)]
    got = function(ins, outs)(*feeds)
    for a, e in zip(got, expected):
        assert a.shape == e.shape
        np.testing.assert_allclose(a, e, rtol=1e-12, atol=1e-12)


def test_float32_int_and_shapes(rng):
    x, xi = T.ftensor5(), T.itensor4()
    y = pool_3d(x, (2, 2, 2), ignore_border=False, mode="average_exc_pad")
    yi = pool_3d(xi, (2, 1, 2), stride=(1, 1, 1), mode="max")
    xv = rng.standard_normal((1, 2, 3, 5, 4)).astype("float32")
    xiv = rng.integers(-50, 50, (3, 4, 5, 6)).astype("int32")
    yv, yiv, shape = function([x, xi], [y, yi, y.shape])(xv, xiv)
    assert yv.dtype == np.float32 and yiv.dtype == np.int32
    np.testing.assert_allclose(yv, ref_pool(xv.astype(float), (2, 2, 2), False, (2, 2, 2), (0, 0, 0),
                                            "average_exc_pad"), rtol=1e-6)
    np.testing.assert_array_equal(yiv, ref_pool(xiv, (2, 1, 2), True, (1, 1, 1), (0, 0, 0), "max"))
    assert tuple(shape) == yv.shape == T.nnet.pool_output_shape(xv.shape, (2, 2, 2), False)


def build_grad(mode_name):
    x = case_rng().permutation(2 * 4 * 3 * 4).reshape(2, 4, 3, 4) * 0.1  # no ties for max
    return (lambda a: pool_3d(a, (2, 2, 3), ignore_border=mode_name != "sum", stride=(1, 2, 1),
                              pad=(1, 0, 1) if mode_name != "sum" else (0, 0, 0), mode=mode_name)), [x]


@pytest.mark.parametrize("mode_name", MODES)
def test_grad(mode_name, mode):
    batched_verify_grad(mode, MODES, build_grad, mode_name)  # one native build for all


def test_max_pool_second_derivative(rng):
    x = T.constant(rng.permutation(48).reshape(1, 4, 3, 4) * 1.0)
    verify_grad(lambda g: T.grad(T.sum(T.sqr(T.grad(T.sum(pool_3d(x, (2, 2, 2)) * g), x))), g),
                [rng.standard_normal((1, 2, 1, 2))], rng=rng)


def test_errors(rng):
    with pytest.raises(TypeError, match="at least 3"):
        pool_3d(T.matrix(), (2, 2, 2))
    with pytest.raises(ValueError, match="ws"):
        pool_3d(T.tensor3(), (2, 2))
    with pytest.raises(ValueError, match="mode"):
        pool_3d(T.tensor3(), (2, 2, 2), mode="median")
    with pytest.raises(ValueError, match="ignore_border=True"):
        pool_3d(T.tensor3(), (2, 2, 2), ignore_border=False, pad=(1, 0, 0))
    with pytest.raises(ValueError, match="smaller than ws"):
        pool_3d(T.tensor3(), (2, 2, 2), pad=(0, 2, 0))
    with pytest.raises(TypeError, match="ws"):
        pool_3d(T.tensor3())
    f = function([x := T.dtensor4()], pool_3d(x, (2, 3, 2)))
    with pytest.raises(ValueError, match=r"larger than the input's last three dims.*\(1, 2, 2, 5\)"):
        f(rng.standard_normal((1, 2, 2, 5)))


@pytest.mark.single_mode
def test_lower_natively(rng):
    """mode="NATIVE" refuses any op without a C++ lowering: pool_3d and its gradients have one."""
    x = T.dtensor5()
    outs = []
    for m in MODES:
        y = pool_3d(x, (2, 2, 2), stride=(1, 2, 1), ignore_border=False, mode=m)
        outs += [y, T.grad(T.sum(y ** 2), x)]
    xv = rng.permutation(2 * 2 * 4 * 5 * 3).reshape(2, 2, 4, 5, 3) * 0.25
    got = function([x], outs, mode="NATIVE")(xv)
    want = function([x], outs, mode="FAST_COMPILE")(xv)
    for a, e in zip(got, want):
        np.testing.assert_allclose(a, e, rtol=1e-12, atol=1e-12)
