"""categorical / binary cross-entropies and activations vs numpy, with gradients."""
import numpy as np
import pytest

import transpile.tensor as T
from tests.batched import batched_verify_grad, case_rng
from transpile import function


def probs(rng, n, k):
    p = rng.random((n, k)) + 0.1
    return p / p.sum(axis=1, keepdims=True)


def test_categorical_crossentropy_one_hot_matrix(rng):
    c, t = T.matrix(), T.matrix()
    cv = probs(rng, 4, 3)
    labels = np.array([0, 2, 1, 2])
    tv = np.eye(3)[labels]
    out = T.nnet.categorical_crossentropy(c, t)
    assert out.ndim == 1
    np.testing.assert_allclose(function([c, t], out)(cv, tv), -np.log(cv[np.arange(4), labels]))


def test_categorical_crossentropy_soft_targets(rng):
    c, t = T.matrix(), T.matrix()
    cv, tv = probs(rng, 3, 5), probs(rng, 3, 5)
    np.testing.assert_allclose(function([c, t], T.nnet.categorical_crossentropy(c, t))(cv, tv),
                               -(tv * np.log(cv)).sum(axis=1))


@pytest.mark.parametrize("dtype", ["int32", "int64", "uint8"])
def test_categorical_crossentropy_int_labels(dtype, rng):
    c, y = T.matrix(), T.vector(dtype=dtype)
    cv = probs(rng, 4, 3)
    labels = np.array([0, 2, 1, 2], dtype=dtype)
    out = T.nnet.categorical_crossentropy(c, y)
    assert isinstance(out.owner.op, T.nnet.CrossentropyCategorical1Hot)
    assert str(out.owner.op) == "CrossentropyCategorical1Hot"
    got, direct = function([c, y], [out, T.nnet.crossentropy_categorical_1hot(c, y)])(cv, labels)
    np.testing.assert_allclose(got, -np.log(cv[np.arange(4), labels]))
    np.testing.assert_allclose(direct, -np.log(cv[np.arange(4), labels]))
    (shp,) = out.owner.op.infer_shape(out.owner, [(T.shape_i(c, 0), T.shape_i(c, 1)), (T.shape_i(y, 0),)])
    assert int(shp[0].eval({c: cv})) == 4


def test_int_labels_do_not_take_log_of_other_entries():
    c, y = T.matrix(), T.ivector()
    cv = np.array([[0.0, 1.0], [0.5, 0.5]])
    got = function([c, y], T.nnet.categorical_crossentropy(c, y))(cv, np.array([1, 0], "int32"))
    np.testing.assert_allclose(got, [0.0, np.log(2)])


def test_categorical_crossentropy_errors(rng):
    c, y = T.matrix(), T.ivector()
    f = function([c, y], T.nnet.categorical_crossentropy(c, y))
    with pytest.raises(IndexError, match="class index 3"):
        f(probs(rng, 2, 3), np.array([0, 3], "int32"))
    with pytest.raises(ValueError, match="3 rows"):
        f(probs(rng, 3, 3), np.array([0, 1], "int32"))
    with pytest.raises(TypeError, match="rank mismatch"):
        T.nnet.categorical_crossentropy(T.matrix(), T.scalar())
    with pytest.raises(TypeError, match="integer vector"):
        T.nnet.categorical_crossentropy(T.matrix(), T.vector())


#: the gradient cases of this file: one batched table (tests/batched.py), one native build
GRADS = ["categorical int labels", "categorical one-hot", "categorical of softmax", "binary", "sigmoid binary"]


def build_grad(name):
    rng = case_rng()
    if name == "categorical of softmax":
        labels = T.constant(np.array([1, 0, 2], dtype="int32"))
        return (lambda x: T.nnet.categorical_crossentropy(T.nnet.softmax(x), labels)), [rng.standard_normal((3, 4))]
    if name.startswith("categorical"):
        labels = np.array([0, 2, 1, 2, 1], dtype="int32")
        cv = probs(rng, 5, 3)
        if name == "categorical int labels":
            return (lambda c: T.nnet.categorical_crossentropy(c, T.constant(labels))), [cv]
        return (lambda c, t: T.nnet.categorical_crossentropy(c, t)), [cv, np.eye(3)[labels]]
    if name == "binary":
        return T.nnet.binary_crossentropy, [rng.random((3, 4)) * 0.8 + 0.1, rng.random((3, 4))]
    return T.nnet.sigmoid_binary_crossentropy, [rng.standard_normal(5), rng.random(5)]


def test_categorical_crossentropy_grads(mode):
    for name in ["categorical int labels", "categorical one-hot"]:
        batched_verify_grad(mode, GRADS, build_grad, name)


def test_crossentropy_of_softmax_grad(mode):
    batched_verify_grad(mode, GRADS, build_grad, "categorical of softmax")


def test_int_label_gradient_matches_one_hot(rng):
    c, y = T.matrix(), T.ivector()
    labels = np.array([2, 0, 1], dtype="int32")
    cv = probs(rng, 3, 3)
    g_int = function([c, y], T.grad(T.nnet.categorical_crossentropy(c, y).sum(), c))(cv, labels)
    t = T.matrix()
    g_hot = function([c, t], T.grad(T.nnet.categorical_crossentropy(c, t).sum(), c))(cv, np.eye(3)[labels])
    np.testing.assert_allclose(g_int, g_hot)


def test_binary_crossentropy(rng, mode):
    o, t = T.matrix(), T.matrix()
    ov, tv = rng.random((3, 4)) * 0.8 + 0.1, (rng.random((3, 4)) > 0.5).astype("float64")
    expected = -(tv * np.log(ov) + (1 - tv) * np.log(1 - ov))
    np.testing.assert_allclose(function([o, t], T.nnet.binary_crossentropy(o, t))(ov, tv), expected)
    batched_verify_grad(mode, GRADS, build_grad, "binary")


def test_binary_crossentropy_float32_stays_float32():
    assert T.nnet.binary_crossentropy(T.fvector(), T.fvector()).dtype == "float32"


def test_sigmoid_binary_crossentropy(mode):
    x, t = T.vector(), T.vector()
    xv = np.array([-800.0, -3.0, 0.0, 2.5, 800.0])
    tv = np.array([0.0, 1.0, 0.5, 0.0, 1.0])
    got = function([x, t], T.nnet.sigmoid_binary_crossentropy(x, t))(xv, tv)
    assert np.all(np.isfinite(got))
    sig = 1 / (1 + np.exp(-xv[1:4]))
    np.testing.assert_allclose(got[1:4], -(tv[1:4] * np.log(sig) + (1 - tv[1:4]) * np.log(1 - sig)))
    np.testing.assert_allclose(got[[0, 4]], [0.0, 0.0], atol=1e-12)
    batched_verify_grad(mode, GRADS, build_grad, "sigmoid binary")


def test_activations(rng):
    x = T.vector()
    xv = np.array([-2.0, -0.5, 0.3, 4.0])
    f = function([x], [T.nnet.sigmoid(x), T.nnet.softplus(x), T.nnet.relu(x), T.nnet.relu(x, 0.1),
                       T.nnet.softsign(x), T.nnet.elu(x), T.nnet.selu(x)])
    sig, sp, r, lr, ss, elu, selu = f(xv)
    np.testing.assert_allclose(sig, 1 / (1 + np.exp(-xv)))
    np.testing.assert_allclose(sp, np.log1p(np.exp(xv)))
    np.testing.assert_allclose(r, np.maximum(xv, 0))
    np.testing.assert_allclose(lr, np.where(xv > 0, xv, 0.1 * xv))
    np.testing.assert_allclose(ss, xv / (1 + np.abs(xv)))
    np.testing.assert_allclose(elu, np.where(xv > 0, xv, np.expm1(xv)))
    np.testing.assert_allclose(selu, 1.0507009873554805 * np.where(xv > 0, xv, 1.6732632423543772 * np.expm1(xv)))
    assert T.nnet.sigmoid is T.sigmoid and T.nnet.softplus is T.softplus


def test_unknown_nnet_attribute():
    with pytest.raises(AttributeError, match="no attribute"):
        T.nnet.does_not_exist
