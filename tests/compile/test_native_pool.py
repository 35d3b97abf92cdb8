"""pool_2d and its gradient ops in the native backend against the reference: every mode,
ignore_border, stride and padding in one compiled function per dtype (forward, gradient, and
the max-pool second derivative), integer inputs, and the error cases (ValueError)."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.compile.native_helpers import compare, strided
from tests.compile.test_native_nnet import raises_alike
from transpile.tensor.nnet import AveragePoolGrad, MaxPoolGrad, MaxPoolGradGrad, pool_2d

pytestmark = [pytest.mark.single_mode, pytest.mark.filterwarnings("ignore::RuntimeWarning")]

MODES = ["max", "sum", "average_inc_pad", "average_exc_pad"]
CONFIGS = [dict(ws=(2, 2)), dict(ws=(3, 2), stride=(2, 1)), dict(ws=(3, 3), stride=(2, 2), pad=(1, 2)),
           dict(ws=(2, 3), ignore_border=False), dict(ws=(3, 2), stride=(1, 3), ignore_border=False),
           dict(ws=(2, 2), stride=(3, 3), pad=(1, 1))]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_pool_configurations(dtype, rng):
    x, m = T.tensor(dtype, (False,) * 4, name="x"), T.tensor(dtype, (False,) * 3, name="m")
    outputs = []
    for cfg in CONFIGS:
        for mode in MODES:
            out = pool_2d(x, mode=mode, **cfg)
            gx = T.grad(T.sum(out * out), x)
            outputs += [out, gx, pool_2d(m, mode=mode, **cfg)]
            if mode == "max":
                outputs.append(T.grad(T.sum(gx * T.sin(x)), x))  # through MaxPoolGradGrad
    X = rng.normal(size=(2, 3, 7, 8)).astype(dtype)
    X[0, 0, :3, :3] = 1.5  # ties: every maximum gets the gradient
    X[1, 2, 4, 4] = np.inf
    M = rng.normal(size=(3, 5, 6)).astype(dtype)
    f = compare([x, m], outputs, [[X, M], [strided(X), strided(M)], [X[:0], M[:0]]])
    ops = {type(n.op).__name__ for n in f.maker.fgraph.toposort()}
    assert {"Pool", "MaxPoolGrad", "AveragePoolGrad", "MaxPoolGradGrad"} <= ops


def test_pool_integers_and_errors(rng):
    i, x = T.itensor4("i"), T.tensor4("x")
    outputs = [pool_2d(i, ws=(2, 2), mode=mode, ignore_border=False) for mode in MODES]
    outputs += [pool_2d(x, ws=(3, 3), ignore_border=True), pool_2d(x, ws=(3, 2), ignore_border=False, mode="sum")]
    I = rng.integers(-50, 50, size=(2, 2, 5, 5)).astype("int32")
    X = rng.normal(size=(1, 2, 4, 5))
    f = compare([i, x], outputs, [[I, X], [I[..., :0, :], X]])
    reference = transpile.function([i, x], outputs, mode="FAST_COMPILE")
    raises_alike(f, reference, [I, X[..., :2, :]], ValueError)


def test_pool_gradient_ops_check_shapes(rng):
    x, z, g = T.tensor4("x"), T.tensor4("z"), T.tensor4("g")
    geometry = dict(ws=(2, 2), stride=(1, 2), pad=(1, 0))
    X = rng.normal(size=(1, 2, 4, 5))
    Z = rng.normal(size=(1, 2, 5, 2))
    for out, args, bads in [
            (MaxPoolGrad(**geometry)(x, z, g), [X, Z, Z], [[X, Z[..., :1], Z], [X, Z, Z[:, :1]], [X[..., :1], Z, Z]]),
            (MaxPoolGradGrad(**geometry)(x, z, g), [X, Z, X], [[X, Z[..., :1], X], [X, Z, Z]]),
            (AveragePoolGrad(mode="average_exc_pad", **geometry)(x, g), [X, Z], [[X, Z[..., :1, :]], [X[..., :1], Z]])]:
        inputs = [v for v in (x, z, g) if any(v is w for w in out.owner.inputs)]
        native = transpile.function(inputs, out, mode="NATIVE")
        reference = transpile.function(inputs, out, mode="FAST_COMPILE")
        np.testing.assert_allclose(native(*args), reference(*args), rtol=1e-10, atol=1e-12)
        for bad in bads:
            raises_alike(native, reference, bad, ValueError, same_message=False)
