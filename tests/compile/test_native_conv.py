"""conv2d and its two gradient ops in the native backend against the reference: every border
mode, subsample, filter_flip and dilation in one compiled function per dtype; mixed and integer
dtypes, shape hints, odd layouts, and the error cases (ValueError, same messages)."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.compile.native_helpers import compare, strided
from tests.compile.test_native_nnet import raises_alike
from transpile.tensor.nnet import Conv2dGradInputs, Conv2dGradWeights, conv2d

pytestmark = pytest.mark.single_mode

CONFIGS = [dict(), dict(border_mode="full"), dict(border_mode="half", subsample=(2, 1)),
           dict(border_mode=(1, 2), subsample=(2, 3), filter_flip=False),
           dict(border_mode="valid", filter_dilation=(2, 1)),
           dict(border_mode="half", filter_dilation=(2, 2), subsample=(1, 2)),
           dict(border_mode="full", subsample=(3, 2), filter_flip=False), dict(border_mode=2, filter_dilation=(1, 3))]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_conv2d_configurations(dtype, rng):
    """Forward, input gradient and filter gradient of each configuration; strided operands, an
    empty batch and no output channels."""
    x, k, u = T.tensor(dtype, (False,) * 4, name="x"), T.tensor(dtype, (False,) * 4, name="k"), T.tensor(dtype, (False,) * 4, name="u")
    outputs = []
    for cfg in CONFIGS:
        out = conv2d(x, k, **cfg)
        gx, gk = T.grad(T.sum(T.tanh(out)), [x, k])
        outputs += [out, gx, gk]
    outputs.append(conv2d(x, u, border_mode="half"))  # 1x1 filters
    X = rng.normal(size=(2, 3, 7, 8)).astype(dtype)
    K = rng.normal(size=(4, 3, 3, 2)).astype(dtype)
    U = rng.normal(size=(5, 3, 1, 1)).astype(dtype)
    compare([x, k, u], outputs, [[X, K, U], [strided(X), strided(K), U[::-1]], [X[:0], K, U], [X, K[:0], U[:0]]])


def test_conv2d_dtypes_hints_and_errors(rng):
    x, k = T.ftensor4("x"), T.dtensor4("k")
    i, j = T.itensor4("i"), T.itensor4("j")
    outputs = [conv2d(x, k, border_mode="half"), conv2d(i, j, border_mode="full", subsample=(2, 2)),
               conv2d(x, k, input_shape=(None, 3, 7, 8), filter_shape=(4, 3, None, None))]
    X = rng.normal(size=(2, 3, 7, 8)).astype("float32")
    K = rng.normal(size=(4, 3, 3, 3))
    I = rng.integers(-5, 5, size=(2, 3, 6, 5)).astype("int32")
    J = rng.integers(-5, 5, size=(2, 3, 2, 3)).astype("int32")
    f = compare([x, k, i, j], outputs, [[X, K, I, J], [X[..., ::-1], K[::-1, :, ::-1], np.asfortranarray(I), J]])
    reference = transpile.function([x, k, i, j], outputs, mode="FAST_COMPILE")
    for bad in ([X[:, :2], K, I, J], [X[..., :2, :], K, I, J], [X[..., :6], K, I, J], [X, K, I, J[:, :2]]):
        raises_alike(f, reference, bad, ValueError)


def test_conv2d_gradient_ops_check_shapes(rng):
    a, g, h, w = T.dtensor4("a"), T.dtensor4("g"), T.lscalar("h"), T.lscalar("w")
    kern, img = rng.normal(size=(2, 3, 3, 3)), rng.normal(size=(1, 3, 6, 6))
    top = rng.normal(size=(1, 2, 4, 4))
    cases = [(Conv2dGradInputs(border_mode="valid"), [kern, top, 6, 6],
              [[kern, top[..., :-1], 6, 6], [kern, top, 9, 6], [kern[:, :, :1], top, 6, 6], [kern, top[:, :1], 6, 6],
               [kern, top, -1, 6]]),
             (Conv2dGradWeights(border_mode=(1, 1), subsample=(2, 2)), [img, top[..., :3, :3], 3, 3],
              [[img, top, 3, 3], [img, top[..., :3, :3], 9, 3], [img[..., :4, :], top[..., :3, :3], 3, 3],
               [np.concatenate([img, img]), top[..., :3, :3], 3, 3], [img, top[..., :3, :3], 3, -2]])]
    for op, good, bads in cases:
        out = op(a, g, h, w)
        native = transpile.function([a, g, h, w], out, mode="NATIVE")
        reference = transpile.function([a, g, h, w], out, mode="FAST_COMPILE")
        np.testing.assert_allclose(native(*good), reference(*good), rtol=1e-10, atol=1e-12)
        for bad in bads:
            raises_alike(native, reference, bad, ValueError, same_message=False)
