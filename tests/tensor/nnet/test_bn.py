"""Batch normalization (T.nnet.bn) vs numpy: every axes form, full-ndim and reduced parameters,
running averages, gradients, errors, and a small MLP trained with running averages in updates."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.batched import batched_verify_grad, case_rng
from transpile import function
from transpile.tensor.nnet import bn


def np_axes(axes, ndim):
    return {"per-activation": (0,), "spatial": (0,) + tuple(range(2, ndim))}.get(axes, axes)


def np_train(x, gamma, beta, axes, eps, factor, rmean, rvar):
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    invstd = 1 / np.sqrt(var + eps)
    out = (x - mean) * invstd * gamma + beta
    m = np.prod([x.shape[a] for a in axes])
    return out, mean, invstd, rmean * (1 - factor) + mean * factor, rvar * (1 - factor) + var * m / (m - 1) * factor


def param_shape(shape, axes):
    return tuple(1 if d in axes else n for d, n in enumerate(shape))


CASES = [((6, 3), "per-activation"), ((4, 3, 2, 5), "spatial"), ((4, 3, 2, 5), "per-activation"),
         ((3, 4, 5), (0, 2)), ((5, 4), (1,)), ((2, 3, 4), (-1, 0))]


@pytest.mark.parametrize("reduced", [False, True], ids=["full_ndim", "reduced_ndim"])
def test_train_and_test_match_numpy(reduced, rng):
    ins, outs, expected, feeds = [], [], [], []
    for shape, axes in CASES:
        ax = tuple(sorted(a % len(shape) for a in np_axes(axes, len(shape))))
        pshape = param_shape(shape, ax)
        sym_shape = tuple(n for d, n in enumerate(pshape) if d not in ax) if reduced else pshape
        x = T.TensorType("float64", (False,) * len(shape))()
        params = [T.TensorType("float64", tuple(n == 1 and not reduced for n in sym_shape))() for _ in range(4)]
        xv = rng.standard_normal(shape) * 3 + 1
        pv = [rng.uniform(0.5, 2, pshape), rng.standard_normal(pshape), rng.standard_normal(pshape),
              rng.uniform(0.5, 2, pshape)]
        ins += [x, *params]
        feeds += [xv] + [p.reshape(sym_shape) for p in pv]
        res = bn.batch_normalization_train(x, params[0], params[1], axes=axes, epsilon=1e-3,
                                           running_average_factor=0.3, running_mean=params[2], running_var=params[3])
        test_out = bn.batch_normalization_test(x, params[0], params[1], params[2], params[3], axes=axes, epsilon=1e-3)
        outs += [*res, test_out]
        ref = np_train(xv, pv[0], pv[1], ax, 1e-3, 0.3, pv[2], pv[3])
        expected += [ref[0]] + [r.reshape(sym_shape) for r in ref[1:]]
        expected.append((xv - pv[2]) * pv[0] / np.sqrt(pv[3] + 1e-3) + pv[1])
    got = function(ins, outs)(*feeds)
    for k, (g, e) in enumerate(zip(got, expected)):
        assert g.shape == e.shape, k
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-12, err_msg=str(k))


def test_batch_normalization_modes(rng):
    x, g, b, m, s = T.dmatrix(), T.drow(), T.drow(), T.drow(), T.drow()
    xv = rng.standard_normal((4, 3))
    gv, bv, mv, sv = rng.standard_normal((1, 3)), rng.standard_normal((1, 3)), rng.standard_normal((1, 3)), \
        rng.uniform(0.5, 2, (1, 3))
    f = function([x, g, b, m, s], [bn.batch_normalization(x, g, b, m, s, mode=mode) for mode in ("low_mem", "high_mem")])
    for out in f(xv, gv, bv, mv, sv):
        np.testing.assert_allclose(out, (xv - mv) * (gv / sv) + bv, rtol=1e-13)


def test_float32_and_without_running_averages(rng):
    x, g, b = T.ftensor4(), T.fvector(), T.fvector()
    out, mean, invstd = bn.batch_normalization_train(x, g, b, axes="spatial")
    assert out.dtype == mean.dtype == invstd.dtype == "float32" and mean.ndim == 1
    xv = rng.standard_normal((3, 2, 4, 4)).astype("float32")
    gv, bv = np.array([1.5, 0.5], "float32"), np.array([0.1, -0.2], "float32")
    got = function([x, g, b], [out, mean, invstd])(xv, gv, bv)
    ref = np_train(xv.astype("float64"), gv.reshape(1, 2, 1, 1), bv.reshape(1, 2, 1, 1), (0, 2, 3), 1e-4, 0.1, 0, 0)
    np.testing.assert_allclose(got[0], ref[0], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got[1], ref[1].ravel(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got[2], ref[2].ravel(), rtol=1e-4)


GRAD_CASES = [(phase, axes) for axes in ["per-activation", "spatial"] for phase in ["train", "test"]]


def build_grad(case):
    """Training (outputs, mean and invstd) or inference batch norm: one batched table."""
    phase, axes = case
    rng = case_rng()
    xv = rng.standard_normal((3, 2, 3))
    gv, bv = rng.uniform(0.5, 2, 2 if axes == "spatial" else (2, 3)), rng.standard_normal(2 if axes == "spatial" else (2, 3))
    if phase == "test":
        return (lambda x, g, m, v: bn.batch_normalization_test(x, g, 0.5, m, v, axes=axes)), [xv, gv, bv, gv + 0.3]

    def train(x, g, b):
        out, mean, invstd = bn.batch_normalization_train(x, g, b, axes=axes)
        return out * T.arange(18).reshape((3, 2, 3)) + T.sum(mean) + T.sum(invstd)
    return train, [xv, gv, bv]


@pytest.mark.parametrize("axes", ["per-activation", "spatial"])
def test_grad(axes, mode):
    for phase in ["train", "test"]:
        batched_verify_grad(mode, GRAD_CASES, build_grad, (phase, axes))


def test_errors():
    x, v = T.dmatrix(), T.dvector()
    with pytest.raises(ValueError, match="mode must be"):
        bn.batch_normalization(x, v, v, v, v, mode="fast")
    with pytest.raises(ValueError, match="axes must be"):
        bn.batch_normalization_train(x, v, v, axes="channel")
    with pytest.raises(ValueError, match="out of range"):
        bn.batch_normalization_train(x, v, v, axes=(2,))
    with pytest.raises(ValueError, match="both running_mean and running_var"):
        bn.batch_normalization_train(x, v, v, running_mean=v)
    with pytest.raises(ValueError, match="gamma must have 2 dimensions"):
        bn.batch_normalization_train(x, T.dtensor3(), v)
    with pytest.raises(ValueError, match="broadcastable on the axes"):
        bn.batch_normalization_train(x, x, x)
    with pytest.raises(ValueError, match="an earlier parameter"):
        bn.batch_normalization_test(x, v, T.drow(), v, v)


@pytest.mark.single_mode
def test_mlp_with_batch_norm_trains_in_fast_run():
    """A 2-layer MLP with batch norm; the running averages are shared variables updated through
    `updates` with the parameters. The cost falls; the running statistics approach the batch's."""
    assert transpile.config.mode == "FAST_RUN"
    rng = np.random.default_rng(0)
    xv = rng.standard_normal((64, 5)) * 4 + 2
    yv = (xv[:, 0] * xv[:, 1] > xv[:, 2]).astype("int64")
    w1 = transpile.shared(rng.standard_normal((5, 16)) * 0.3)
    gamma = transpile.shared(np.ones(16))
    beta = transpile.shared(np.zeros(16))
    w2 = transpile.shared(rng.standard_normal((16, 2)) * 0.3)
    b2 = transpile.shared(np.zeros(2))
    run_mean, run_var = transpile.shared(np.zeros(16)), transpile.shared(np.ones(16))
    x, y = T.dmatrix(), T.lvector()
    h, _, _, new_mean, new_var = bn.batch_normalization_train(
        T.dot(x, w1), gamma, beta, running_mean=run_mean, running_var=run_var, running_average_factor=0.2)
    p = T.nnet.softmax(T.dot(T.nnet.relu(h), w2) + b2)
    cost = T.mean(T.nnet.categorical_crossentropy(p, y))
    params = [w1, gamma, beta, w2, b2]
    grads = T.grad(cost, params)
    updates = [(q, q - 0.5 * g) for q, g in zip(params, grads)] + [(run_mean, new_mean), (run_var, new_var)]
    train = function([x, y], cost, updates=updates)
    costs = [float(train(xv, yv)) for _ in range(60)]
    assert costs[-1] < 0.6 * costs[0], costs[::10]
    pre = xv @ w1.get_value()
    np.testing.assert_allclose(run_mean.get_value(), pre.mean(0), rtol=0.05, atol=0.05)
    np.testing.assert_allclose(run_var.get_value(), pre.var(0, ddof=1), rtol=0.1)
    # inference with the running averages is close to training-mode normalization
    infer = function([x], bn.batch_normalization_test(T.dot(x, w1), gamma, beta, run_mean, run_var))
    out = infer(xv)
    assert np.all(np.abs(out.mean(0) - beta.get_value()) < 0.2 * (1 + np.abs(gamma.get_value())))


@pytest.mark.single_mode
def test_lowers_natively_with_its_gradients(rng):
    """mode="NATIVE" refuses any op without a C++ lowering: batch norm and its gradients have none of their own."""
    x, g, b, rm, rv = T.dtensor4(), T.dvector(), T.dvector(), T.dvector(), T.dvector()
    out, mean, invstd, new_mean, new_var = bn.batch_normalization_train(x, g, b, "spatial", running_mean=rm,
                                                                        running_var=rv)
    cost = T.sum(T.sqr(out)) + T.sum(mean * invstd)
    outs = [out, new_mean, new_var, bn.batch_normalization_test(x, g, b, rm, rv, "spatial"), *T.grad(cost, [x, g, b])]
    vals = [rng.standard_normal((2, 3, 4, 4)), rng.uniform(0.5, 2, 3), rng.standard_normal(3), rng.standard_normal(3),
            rng.uniform(0.5, 2, 3)]
    native = function([x, g, b, rm, rv], outs, mode="NATIVE")(*vals)
    reference = function([x, g, b, rm, rv], outs, mode="FAST_COMPILE")(*vals)
    for k, (a, e) in enumerate(zip(native, reference)):
        np.testing.assert_allclose(a, e, rtol=1e-10, atol=1e-12, err_msg=str(k))
