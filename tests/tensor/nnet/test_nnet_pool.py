"""pool_2d vs a direct loop reference for every mode, ignore_border, strides and padding;
errors; shapes; gradients (max pooling away from ties)."""
import numpy as np
import pytest

import transpile.tensor as T
from tests.batched import batched_case, batched_verify_grad, case_rng
from transpile import function
from transpile.tensor.nnet import AveragePoolGrad, MaxPoolGrad, Pool
from transpile.tensor.signal import pool as signal_pool

MODES = ["max", "sum", "average_inc_pad", "average_exc_pad"]


def n_windows(n, ws, st, pad, ignore_border):
    r = n + 2 * pad
    if ignore_border:
        return (r - ws) // st + 1
    if st >= ws:
        return (r - 1) // st + 1
    return max(0, (r - 1 - ws) // st + 1) + 1


def pool_reference(x, ws, ignore_border=True, stride=None, pad=(0, 0), mode="max"):
    """Theano's pool_2d as loops over output pixels of the last two dims."""
    stride = stride or ws
    h, w = x.shape[-2:]
    hp, wp = h + 2 * pad[0], w + 2 * pad[1]
    padded = np.zeros(x.shape[:-2] + (hp, wp))
    padded[..., pad[0]:pad[0] + h, pad[1]:pad[1] + w] = x
    oh = n_windows(h, ws[0], stride[0], pad[0], ignore_border)
    ow = n_windows(w, ws[1], stride[1], pad[1], ignore_border)
    out = np.zeros(x.shape[:-2] + (oh, ow))
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * stride[0], j * stride[1]
            r1, c1 = min(r0 + ws[0], hp), min(c0 + ws[1], wp)
            if mode == "average_inc_pad":
                out[..., i, j] = padded[..., r0:r1, c0:c1].mean(axis=(-2, -1))
                continue
            r0, c0 = max(r0, pad[0]), max(c0, pad[1])
            r1, c1 = min(r1, h + pad[0]), min(c1, w + pad[1])
            region = padded[..., r0:r1, c0:c1]
            if mode == "max":
                out[..., i, j] = region.max(axis=(-2, -1))
            elif mode == "sum":
                out[..., i, j] = region.sum(axis=(-2, -1))
            else:
                out[..., i, j] = region.mean(axis=(-2, -1))
    return out


CASES = [
    # ws, ignore_border, stride, pad
    ((2, 2), True, None, (0, 0)),
    ((2, 2), False, None, (0, 0)),
    ((3, 2), True, (1, 1), (0, 0)),
    ((3, 2), False, (1, 1), (0, 0)),
    ((2, 3), False, (3, 2), (0, 0)),
    ((3, 3), True, (2, 2), (1, 1)),
    ((3, 2), True, (2, 1), (2, 1)),
    ((1, 1), False, (2, 2), (0, 0)),
]


def pool_fn(ndim, **kwargs):
    x = T.TensorType("float64", (False,) * ndim)()
    return function([x], T.nnet.pool_2d(x, **kwargs))


REFERENCE_CASES = [(pmode,) + case for pmode in MODES for case in CASES]


def build_reference_case(case):
    pmode, ws, ignore_border, stride, pad = case
    x = T.TensorType("float64", (False,) * 4)()
    out = T.nnet.pool_2d(x, ws=ws, ignore_border=ignore_border, stride=stride, pad=pad, mode=pmode)
    return [x], [out], [case_rng().standard_normal((2, 2, 5, 7))]


@pytest.mark.parametrize("pmode", MODES)
@pytest.mark.parametrize("ws,ignore_border,stride,pad", CASES)
def test_pool_matches_loop_reference(pmode, ws, ignore_border, stride, pad, mode):
    case = (pmode, ws, ignore_border, stride, pad)
    (x,), _, (got,) = batched_case(mode, REFERENCE_CASES, build_reference_case, case)
    expected = pool_reference(x, ws, ignore_border, stride, pad, pmode)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-12)


RANK_SHAPES = [(5, 6), (3, 5, 6), (1, 2, 2, 5, 6)]


def build_rank_case(shape):
    x = T.TensorType("float64", (False,) * len(shape))()
    out = T.nnet.pool_2d(x, ws=(2, 3), ignore_border=False, mode="average_exc_pad")
    return [x], [out], [case_rng().standard_normal(shape)]


@pytest.mark.parametrize("shape", RANK_SHAPES)
def test_pool_any_rank_pools_the_last_two_dims(shape, mode):
    (x,), _, (got,) = batched_case(mode, RANK_SHAPES, build_rank_case, shape)
    np.testing.assert_allclose(got, pool_reference(x, (2, 3), False, None, (0, 0), "average_exc_pad"))


def test_max_pool_with_padding_ignores_the_padding(rng):
    x = -1 - rng.random((1, 1, 4, 4))  # all negative: a zero from the padding must never win
    got = pool_fn(4, ws=(2, 2), pad=(1, 1))(x)
    assert np.all(got < 0)
    np.testing.assert_allclose(got, pool_reference(x, (2, 2), True, None, (1, 1), "max"))


def test_pool_dtypes(rng):
    x = T.ftensor4()
    got = function([x], T.nnet.pool_2d(x, (2, 2), mode="average_inc_pad"))(
        rng.standard_normal((1, 1, 4, 4)).astype("float32"))
    assert got.dtype == np.float32
    i = T.TensorType("int32", (False,) * 4)()
    xi = rng.integers(-50, 50, (1, 2, 4, 5)).astype("int32")
    for pmode in ("max", "sum"):
        got = function([i], T.nnet.pool_2d(i, (2, 2), ignore_border=False, mode=pmode))(xi)
        assert got.dtype == np.int32
        np.testing.assert_array_equal(got, pool_reference(xi, (2, 2), False, None, (0, 0), pmode))


def test_pool_op_str_and_aliases():
    out = T.nnet.pool_2d(T.tensor4(), (2, 2), stride=(1, 1), mode="sum")
    assert isinstance(out.owner.op, Pool)
    assert str(out.owner.op) == "Pool{ws=(2, 2), stride=(1, 1), ignore_border=True, mode='sum'}"
    old = signal_pool.pool_2d(T.tensor4(), ds=(2, 2), st=(1, 1), mode="sum").owner.op
    assert old == out.owner.op


def build_infer_case(case):
    ws, ignore_border, stride, pad = case
    x = T.tensor4()
    out = T.nnet.pool_2d(x, ws, ignore_border, stride, pad)
    (inferred,) = out.owner.op.infer_shape(out.owner, [tuple(T.shape_i(x, d) for d in range(4))])
    return [x], [out] + list(inferred), [case_rng().standard_normal((2, 1, 5, 7))]


@pytest.mark.parametrize("ws,ignore_border,stride,pad", CASES)
def test_pool_infer_shape(ws, ignore_border, stride, pad, mode):
    res = batched_case(mode, CASES, build_infer_case, (ws, ignore_border, stride, pad))[2]
    assert tuple(int(s) for s in res[1:]) == res[0].shape
    assert T.nnet.pool_output_shape((2, 1, 5, 7), ws, ignore_border, stride, pad) == res[0].shape


def test_pool_errors(rng):
    with pytest.raises(TypeError, match="at least 2"):
        T.nnet.pool_2d(T.vector(), (2, 2))
    with pytest.raises(ValueError, match="mode"):
        T.nnet.pool_2d(T.matrix(), (2, 2), mode="median")
    with pytest.raises(ValueError, match="ws"):
        T.nnet.pool_2d(T.matrix(), (0, 2))
    with pytest.raises(ValueError, match="ws"):
        T.nnet.pool_2d(T.matrix(), (2, 2, 2))
    with pytest.raises(ValueError, match="ignore_border=True"):
        T.nnet.pool_2d(T.matrix(), (2, 2), ignore_border=False, pad=(1, 1))
    with pytest.raises(ValueError, match="smaller than ws"):
        T.nnet.pool_2d(T.matrix(), (2, 2), pad=(2, 0))
    with pytest.raises(TypeError, match="ws"):
        T.nnet.pool_2d(T.matrix())
    f = pool_fn(4, ws=(3, 3))
    with pytest.raises(ValueError, match=r"larger than the input.*\(1, 1, 2, 5\)"):
        f(rng.standard_normal((1, 1, 2, 5)))
    # without ignore_border a window larger than the input pools what there is
    got = pool_fn(4, ws=(3, 3), ignore_border=False)(np.arange(10.0).reshape(1, 1, 2, 5))
    np.testing.assert_array_equal(got, [[[[7.0, 9.0]]]])


def distinct(rng, shape):
    """Values at least 0.1 apart: no ties, and finite differences cannot change the argmax."""
    n = int(np.prod(shape))
    return rng.permutation(n).reshape(shape) * 0.1


#: one gradient table per pool mode (its 8 window cases)
GRAD_TABLES = {pmode: [(pmode,) + case for case in CASES] for pmode in MODES}


def build_pool_grad(case):
    pmode, ws, ignore_border, stride, pad = case
    return (lambda v: T.nnet.pool_2d(v, ws, ignore_border, stride, pad, pmode)), [distinct(case_rng(), (1, 2, 5, 6))]


@pytest.mark.parametrize("pmode", MODES)
@pytest.mark.parametrize("ws,ignore_border,stride,pad", CASES)
def test_pool_grad(pmode, ws, ignore_border, stride, pad, mode):
    batched_verify_grad(mode, GRAD_TABLES[pmode], build_pool_grad, (pmode, ws, ignore_border, stride, pad))


def test_max_pool_grad_goes_to_the_max(rng):
    x = T.matrix()
    g = T.grad(T.nnet.pool_2d(x, (2, 2)).sum(), x)
    xv = np.array([[1.0, 5.0, 0.0, 2.0], [3.0, 4.0, 7.0, 1.0]])
    np.testing.assert_array_equal(function([x], g)(xv), [[0, 1, 0, 0], [0, 0, 1, 0]])


def build_pool_grad_grad(pmode):
    """The pool gradient ops as functions of the output gradient (one batched table)."""
    rng = case_rng()
    x = distinct(rng, (1, 1, 5, 5))
    gz = rng.standard_normal((1, 1, 4, 4))
    if pmode == "max":
        z = pool_reference(x, (2, 2), True, (1, 1), (0, 0), "max")
        return (lambda g: MaxPoolGrad((2, 2), True, (1, 1))(T.constant(x), T.constant(z), g)), [gz]
    return (lambda g: AveragePoolGrad((2, 2), True, (1, 1), mode=pmode)(T.constant(x), g)), [gz]


@pytest.mark.parametrize("pmode", MODES)
def test_second_derivative_through_pool_grad(pmode, mode):
    batched_verify_grad(mode, MODES, build_pool_grad_grad, pmode)


def test_gradient_op_shape_checks(rng):
    x, gz = T.tensor4(), T.tensor4()
    f = function([x, gz], AveragePoolGrad((2, 2))(x, gz))
    with pytest.raises(ValueError, match="expected"):
        f(rng.standard_normal((1, 1, 4, 4)), rng.standard_normal((1, 1, 3, 2)))
