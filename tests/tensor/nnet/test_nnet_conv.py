"""conv2d vs a direct loop reference: border modes, strides, flips, dilation; errors; shapes;
gradients w.r.t. the input and the filters (and of the gradient ops themselves)."""
import numpy as np
import pytest
from scipy import signal

import transpile.tensor as T
from tests.batched import batched_case, batched_verify_grad, case_rng
from transpile import function
from transpile.gradient import verify_grad
from transpile.tensor.nnet import Conv2d, Conv2dGradInputs, Conv2dGradWeights


def conv_reference(img, kern, border_mode="valid", subsample=(1, 1), filter_flip=True, dilation=(1, 1)):
    """Theano's conv2d written as plain loops over output pixels."""
    b, c, h, w = img.shape
    o, _, kh, kw = kern.shape
    if filter_flip:
        kern = kern[:, :, ::-1, ::-1]
    ekh, ekw = (kh - 1) * dilation[0] + 1, (kw - 1) * dilation[1] + 1
    if border_mode == "valid":
        ph, pw = 0, 0
    elif border_mode == "full":
        ph, pw = ekh - 1, ekw - 1
    elif border_mode == "half":
        ph, pw = ekh // 2, ekw // 2
    elif isinstance(border_mode, int):
        ph, pw = border_mode, border_mode
    else:
        ph, pw = border_mode
    padded = np.zeros((b, c, h + 2 * ph, w + 2 * pw))
    padded[:, :, ph:ph + h, pw:pw + w] = img
    oh = (h + 2 * ph - ekh) // subsample[0] + 1
    ow = (w + 2 * pw - ekw) // subsample[1] + 1
    out = np.zeros((b, o, oh, ow))
    for n in range(b):
        for f in range(o):
            for i in range(oh):
                for j in range(ow):
                    total = 0.0
                    for ch in range(c):
                        for u in range(kh):
                            for v in range(kw):
                                total += (padded[n, ch, i * subsample[0] + u * dilation[0],
                                                 j * subsample[1] + v * dilation[1]] * kern[f, ch, u, v])
                    out[n, f, i, j] = total
    return out


BORDER_MODES = ["valid", "full", "half", 1, (2, 1)]
STRIDES = [(1, 1), (2, 2), (1, 3)]


def conv_fn(**kwargs):
    img, kern = T.tensor4("img"), T.tensor4("kern")
    return function([img, kern], T.nnet.conv2d(img, kern, **kwargs))


REFERENCE_CASES = [(bm, s, flip) for bm in BORDER_MODES for s in STRIDES for flip in (True, False)]


def build_reference(case):
    border_mode, subsample, filter_flip = case
    rng = case_rng()
    img, kern = T.tensor4("img"), T.tensor4("kern")
    out = T.nnet.conv2d(img, kern, border_mode=border_mode, subsample=subsample, filter_flip=filter_flip)
    return [img, kern], [out], [rng.standard_normal((2, 2, 7, 6)), rng.standard_normal((3, 2, 3, 2))]


@pytest.mark.parametrize("border_mode", BORDER_MODES)
@pytest.mark.parametrize("subsample", STRIDES)
@pytest.mark.parametrize("filter_flip", [True, False])
def test_conv2d_matches_loop_reference(border_mode, subsample, filter_flip, mode):
    case = (border_mode, subsample, filter_flip)
    (img, kern), _, (got,) = batched_case(mode, REFERENCE_CASES, build_reference, case)
    expected = conv_reference(img, kern, border_mode, subsample, filter_flip)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


DILATION_MODES = ["valid", "full", "half", (1, 2)]


def build_dilation(border_mode):
    rng = case_rng()
    img, kern = T.tensor4("img"), T.tensor4("kern")
    out = T.nnet.conv2d(img, kern, border_mode=border_mode, subsample=(2, 1), filter_dilation=(2, 2))
    return [img, kern], [out], [rng.standard_normal((1, 2, 8, 7)), rng.standard_normal((2, 2, 2, 3))]


@pytest.mark.parametrize("border_mode", DILATION_MODES)
def test_conv2d_with_dilation(border_mode, mode):
    (img, kern), _, (got,) = batched_case(mode, DILATION_MODES, build_dilation, border_mode)
    np.testing.assert_allclose(got, conv_reference(img, kern, border_mode, (2, 1), True, (2, 2)), rtol=1e-10)


def test_conv2d_full_is_scipy_convolve2d(rng):
    img = rng.standard_normal((2, 3, 5, 6))
    kern = rng.standard_normal((2, 3, 3, 4))
    got = conv_fn(border_mode="full")(img, kern)
    for n in range(2):
        for f in range(2):
            expected = sum(signal.convolve2d(img[n, c], kern[f, c], mode="full") for c in range(3))
            np.testing.assert_allclose(got[n, f], expected, rtol=1e-10)
    got_valid = conv_fn(border_mode="valid", filter_flip=False)(img, kern)
    expected = sum(signal.correlate2d(img[1, c], kern[0, c], mode="valid") for c in range(3))
    np.testing.assert_allclose(got_valid[1, 0], expected, rtol=1e-10)


def test_conv2d_dtypes(rng):
    img, kern = T.ftensor4(), T.ftensor4()
    out = T.nnet.conv2d(img, kern)
    assert out.dtype == "float32"
    iv, kv = rng.standard_normal((1, 1, 4, 4)).astype("float32"), rng.standard_normal((1, 1, 2, 2)).astype("float32")
    got = function([img, kern], out)(iv, kv)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, conv_reference(iv, kv), rtol=1e-5)
    assert T.nnet.conv2d(T.ftensor4(), T.dtensor4()).dtype == "float64"
    ii = T.TensorType("int32", (False,) * 4)()
    got = function([ii], T.nnet.conv2d(ii, np.ones((1, 1, 2, 2), "int32")))(np.arange(9, dtype="int32").reshape(1, 1, 3, 3))
    np.testing.assert_array_equal(got, [[[[8, 12], [20, 24]]]])


def test_conv2d_op_str_and_broadcastable():
    out = T.nnet.conv2d(T.tensor4(), T.tensor4(), border_mode="half", subsample=(2, 1))
    assert isinstance(out.owner.op, Conv2d)
    assert str(out.owner.op) == "Conv2d{border_mode='half', subsample=(2, 1), filter_flip=True}"
    assert out.broadcastable == (False, False, False, False)
    b = T.TensorType("float64", (True, False, False, False))()
    assert T.nnet.conv2d(b, T.tensor4()).broadcastable[0]


INFER_CASES = [(bm, s) for bm in BORDER_MODES for s in [(1, 1), (2, 3)]]


def build_infer(case):
    border_mode, subsample = case
    rng = case_rng()
    img, kern = T.tensor4(), T.tensor4()
    out = T.nnet.conv2d(img, kern, border_mode=border_mode, subsample=subsample)
    iv, kv = rng.standard_normal((2, 2, 7, 6)), rng.standard_normal((3, 2, 3, 2))
    shapes = [tuple(T.shape_i(v, d) for d in range(4)) for v in (img, kern)]
    (inferred,) = out.owner.op.infer_shape(out.owner, shapes)
    return [img, kern], [out] + list(inferred), [iv, kv]


@pytest.mark.parametrize("border_mode", BORDER_MODES)
@pytest.mark.parametrize("subsample", [(1, 1), (2, 3)])
def test_conv2d_infer_shape(border_mode, subsample, mode):
    (iv, kv), _, res = batched_case(mode, INFER_CASES, build_infer, (border_mode, subsample))
    assert tuple(int(s) for s in res[1:]) == res[0].shape
    assert T.nnet.conv_output_shape(iv.shape, kv.shape, border_mode, subsample) == res[0].shape


def test_conv2d_errors(rng):
    with pytest.raises(TypeError, match="4-d"):
        T.nnet.conv2d(T.tensor3(), T.tensor4())
    with pytest.raises(TypeError, match="4-d"):
        T.nnet.conv2d(T.tensor4(), T.matrix())
    for bad in ("same", -1, (1, -1), (1, 2, 3), 1.5, None):
        with pytest.raises(ValueError, match="border_mode"):
            T.nnet.conv2d(T.tensor4(), T.tensor4(), border_mode=bad)
    with pytest.raises(ValueError, match="subsample"):
        T.nnet.conv2d(T.tensor4(), T.tensor4(), subsample=(0, 1))
    with pytest.raises(ValueError, match="channels"):
        T.nnet.conv2d(T.tensor4(), T.tensor4(), input_shape=(1, 3, 5, 5), filter_shape=(2, 2, 3, 3))
    with pytest.raises(ValueError, match="larger than the input"):
        T.nnet.conv2d(T.tensor4(), T.tensor4(), input_shape=(1, 3, 2, 5), filter_shape=(2, 3, 3, 3))
    f = conv_fn()
    with pytest.raises(ValueError, match=r"channels.*\(1, 3, 5, 5\).*\(2, 2, 3, 3\)"):
        f(rng.standard_normal((1, 3, 5, 5)), rng.standard_normal((2, 2, 3, 3)))
    with pytest.raises(ValueError, match=r"larger than the input.*\(1, 2, 2, 5\)"):
        f(rng.standard_normal((1, 2, 2, 5)), rng.standard_normal((2, 2, 3, 3)))
    # 'full' accepts a filter larger than the input
    assert conv_fn(border_mode="full")(rng.standard_normal((1, 2, 2, 2)), rng.standard_normal((1, 2, 3, 3))).shape == (1, 1, 4, 4)
    g = conv_fn(input_shape=(None, 2, 5, 5))
    with pytest.raises(ValueError, match="input_shape"):
        g(rng.standard_normal((1, 2, 6, 5)), rng.standard_normal((2, 2, 3, 3)))


GRAD_CASES = [(bm, s) for bm in BORDER_MODES for s in [(1, 1), (2, 1)]] + [("valid", (2, 3)), ("half", (3, 2))]


def build_conv2d_grad(case):
    border_mode, subsample = case
    rng = case_rng()
    img = rng.standard_normal((2, 2, 5, 6))
    kern = rng.standard_normal((2, 2, 3, 2))
    return (lambda i, k: T.nnet.conv2d(i, k, border_mode=border_mode, subsample=subsample)), [img, kern]


@pytest.mark.parametrize("border_mode,subsample", GRAD_CASES)
def test_conv2d_grad_wrt_input_and_filters(border_mode, subsample, mode):
    batched_verify_grad(mode, GRAD_CASES, build_conv2d_grad, (border_mode, subsample))


@pytest.mark.parametrize("filter_flip", [True, False])
def test_conv2d_grad_with_dilation_and_flip(filter_flip, rng):
    verify_grad(lambda i, k: T.nnet.conv2d(i, k, border_mode="half", filter_flip=filter_flip,
                                           filter_dilation=(2, 1), subsample=(1, 2)),
                [rng.standard_normal((1, 2, 6, 5)), rng.standard_normal((2, 2, 2, 3))], rng=rng)


GRADIENT_OP_GEOMETRIES = [("valid", (2, 2)), ("full", (1, 1)), ((1, 2), (2, 1))]
GRADIENT_OP_CASES = [(op, *geometry) for geometry in GRADIENT_OP_GEOMETRIES for op in ["inputs", "weights"]]


def build_gradient_op_grad(case):
    """Conv2dGradInputs / Conv2dGradWeights as functions of their operands (one batched table)."""
    op, border_mode, subsample = case
    params = dict(border_mode=border_mode, subsample=subsample)
    img_shape, kern_shape = (2, 2, 6, 5), (3, 2, 3, 2)
    out_shape = T.nnet.conv_output_shape(img_shape, kern_shape, border_mode, subsample)
    rng = case_rng()
    kern, top, img = rng.standard_normal(kern_shape), rng.standard_normal(out_shape), rng.standard_normal(img_shape)
    if op == "inputs":
        return (lambda k, g: Conv2dGradInputs(**params)(k, g, 6, 5)), [kern, top]
    return (lambda i, g: Conv2dGradWeights(**params)(i, g, 3, 2)), [img, top]


@pytest.mark.parametrize("border_mode,subsample", GRADIENT_OP_GEOMETRIES)
def test_gradient_ops_are_differentiable(border_mode, subsample, mode):
    for op in ["inputs", "weights"]:
        batched_verify_grad(mode, GRADIENT_OP_CASES, build_gradient_op_grad, (op, border_mode, subsample))


def test_gradient_ops_check_shapes(rng):
    k, g = T.tensor4(), T.tensor4()
    f = function([k, g], Conv2dGradInputs()(k, g, 6, 5))
    assert f(rng.standard_normal((3, 2, 3, 2)), rng.standard_normal((1, 3, 4, 4))).shape == (1, 2, 6, 5)
    with pytest.raises(ValueError, match="topgrad"):
        f(rng.standard_normal((3, 2, 3, 2)), rng.standard_normal((1, 3, 5, 4)))
    with pytest.raises(TypeError, match="integer scalar"):
        Conv2dGradWeights()(T.tensor4(), T.tensor4(), 2.5, 3)


def test_lenet_like_layer_trains(rng):
    """A conv + pool + softmax layer: the gradient of the cost reaches the filters."""
    x, w = T.tensor4(), T.tensor4()
    h = T.nnet.relu(T.nnet.conv2d(x, w, border_mode="half"))
    p = T.nnet.pool_2d(h, (2, 2))
    y = T.nnet.softmax(p.flatten(2))
    cost = T.nnet.categorical_crossentropy(y, T.constant(np.array([0, 1], dtype="int32"))).mean()
    gw = T.grad(cost, w)
    c, g = function([x, w], [cost, gw])(rng.standard_normal((2, 1, 4, 4)), rng.standard_normal((2, 1, 3, 3)))
    assert np.isfinite(c) and g.shape == (2, 1, 3, 3) and np.any(g != 0)
