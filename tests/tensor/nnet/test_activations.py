"""elu, selu, softsign, hard_sigmoid, ultra_fast_sigmoid vs numpy (one compiled function for
all), their gradients, and that they are plain elementwise graphs (they fuse and lower natively)."""
import numpy as np
import pytest

import transpile.tensor as T
from tests.batched import batched_verify_grad, case_rng
from transpile import function
from transpile.tensor.elemwise import Elemwise

ALPHA, SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def np_elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(x))


def np_ultra_fast_sigmoid(x):
    """Theano's definition, written out per element."""
    out = []
    for v in np.ravel(x):
        h = 0.5 * v
        a = abs(h)
        z = 1.5 * a / (1 + a) if a < 1.7 else 0.935409070603099 + 0.0458812946797165 * (a - 1.7) if a < 3 \
            else 0.99505475368673
        out.append(0.5 * ((z if h >= 0 else -z) + 1))
    return np.array(out).reshape(np.shape(x))


CASES = {
    "elu": (T.nnet.elu, np_elu),
    "elu_alpha": (lambda x: T.nnet.elu(x, 0.3), lambda x: np_elu(x, 0.3)),
    "selu": (T.nnet.selu, lambda x: SCALE * np_elu(x, ALPHA)),
    "softsign": (T.nnet.softsign, lambda x: x / (1 + np.abs(x))),
    "hard_sigmoid": (T.nnet.hard_sigmoid, lambda x: np.clip(0.2 * x + 0.5, 0, 1)),
    "ultra_fast_sigmoid": (T.nnet.ultra_fast_sigmoid, np_ultra_fast_sigmoid),
}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_values(dtype, rng):
    x = T.TensorType(dtype, (False, False))()
    xv = np.concatenate([rng.uniform(-9, 9, (3, 8)), [[-7.0, -3.0, -0.0, 0.0, 1e-8, 3.4, 6.0, 100.0]]]).astype(dtype)
    outs = function([x], [fn(x) for fn, _ in CASES.values()])(xv)
    tol = 1e-6 if dtype == "float32" else 1e-13
    for (name, (_, ref)), got in zip(CASES.items(), outs):
        assert got.dtype == dtype, name
        np.testing.assert_allclose(got, ref(xv.astype("float64")), rtol=tol, atol=tol, err_msg=name)


def test_ultra_fast_sigmoid_approximates_sigmoid(rng):
    x = T.dvector()
    xv = np.linspace(-20, 20, 4001)
    got = function([x], T.nnet.ultra_fast_sigmoid(x))(xv)
    assert np.max(np.abs(got - 1 / (1 + np.exp(-xv)))) < 0.03
    # increasing, but for Theano's pieces meeting with a 0.0045 step down at |x| = 3.4 and a
    # 5e-7 one at |x| = 6
    steps = np.diff(got)
    jump = np.abs(np.abs(xv[1:]) - 3.4) < 0.011
    assert np.all(steps[~jump] >= -1e-6)
    assert np.all(np.abs(steps[jump]) < 0.005)


def test_integer_input_computes_in_float():
    x = T.ivector()
    got = function([x], [T.nnet.softsign(x), T.nnet.elu(x)])(np.array([-2, 0, 3], dtype="int32"))
    np.testing.assert_allclose(got[0], [-2 / 3, 0, 0.75])
    np.testing.assert_allclose(got[1], [np.expm1(-2), 0, 3])


@pytest.mark.parametrize("name", sorted(CASES))
def test_graphs_are_elementwise(name):
    x = T.dmatrix()
    out = CASES[name][0](x)
    stack, seen = [out], []
    while stack:
        v = stack.pop()
        if v.owner is not None and v.owner not in seen:
            seen.append(v.owner)
            assert isinstance(v.owner.op, (Elemwise, T.DimShuffle)), v.owner.op
            stack.extend(v.owner.inputs)


def build_grad(name):
    # away from the kinks (0 for elu/selu, +-2.5 for hard_sigmoid, +-3.4 and +-6 for ultra_fast_sigmoid)
    rng = case_rng()
    return CASES[name][0], [rng.choice([-1, 1], (3, 4)) * rng.uniform(0.2, 2.3, (3, 4))]


@pytest.mark.parametrize("name", sorted(CASES))
def test_grad(name, mode):
    batched_verify_grad(mode, sorted(CASES), build_grad, name)  # one native build for all


def test_bad_input_is_named():
    with pytest.raises(TypeError):
        T.nnet.elu("not a tensor")
