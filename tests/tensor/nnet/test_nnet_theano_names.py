"""T.nnet's Theano functions that return several results (the crossentropy_softmax_*_1hot
family), the op instances Theano exported (softmax_op, logsoftmax_op, scalar_sigmoid), the
bilinear kernels and confusion_matrix, against numpy/scipy in every mode, with gradients."""
import numpy as np
import pytest
import scipy.special as sp

import transpile.tensor as T
from transpile import function
from transpile.gradient import verify_grad
from transpile.tensor.elemwise import Elemwise

nn = T.nnet


def _reference(xv, bv, yv):
    z = xv + bv
    sm = sp.softmax(z, axis=1)
    return -np.log(sm[np.arange(len(yv)), yv]), sm, z.argmax(axis=1)


def test_crossentropy_softmax_family(rng):
    x, b, y = T.dmatrix("x"), T.dvector("b"), T.lvector("y")
    xv, bv, yv = rng.standard_normal((5, 4)), rng.standard_normal(4), np.array([0, 3, 1, 1, 2])
    nll, sm, am = _reference(xv, bv, yv)
    nll0, sm0, am0 = _reference(xv, 0, yv)
    outs = [*nn.crossentropy_softmax_argmax_1hot_with_bias(x, b, y), *nn.crossentropy_softmax_1hot_with_bias(x, b, y),
            *nn.crossentropy_softmax_1hot(x, y), *nn.crossentropy_softmax_max_and_argmax_1hot_with_bias(x, b, y),
            *nn.crossentropy_softmax_max_and_argmax_1hot(x, y)]
    expected = [nll, sm, am, nll, sm, nll0, sm0, nll, sm.max(axis=1), am, nll0, sm0.max(axis=1), am0]
    got = function([x, b, y], outs)(xv, bv, yv)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-12)
    assert got[2].dtype == np.int64
    # finite for logits whose softmax underflows (the stable op, not log of the softmax)
    big = np.array([[0.0, 800.0], [-800.0, 0.0]])
    np.testing.assert_allclose(function([x, y], nn.crossentropy_softmax_1hot(x, y)[0])(big, np.array([0, 0])),
                               [800.0, 800.0])
    with pytest.raises(TypeError, match="matrix of logits"):
        nn.crossentropy_softmax_1hot(T.dvector(), y)
    with pytest.raises(TypeError, match="one bias per class"):
        nn.crossentropy_softmax_1hot_with_bias(x, x, y)


def test_crossentropy_softmax_gradients(rng):
    yv = np.array([2, 0, 1])
    verify_grad(lambda x, b: nn.crossentropy_softmax_1hot_with_bias(x, b, yv)[0].sum(),
                [rng.standard_normal((3, 4)), rng.standard_normal(4)], rng=rng)
    verify_grad(lambda x: nn.crossentropy_softmax_max_and_argmax_1hot(x, yv)[1], [rng.standard_normal((3, 4))], rng=rng)


def test_op_instances(rng):
    x = T.dmatrix("x")
    xv = rng.standard_normal((3, 5))
    got = function([x], [nn.softmax_op(x), nn.logsoftmax_op(x), Elemwise(nn.scalar_sigmoid)(x)])(xv)
    for g, e in zip(got, [sp.softmax(xv, axis=1), sp.log_softmax(xv, axis=1), sp.expit(xv)]):
        np.testing.assert_allclose(g, e, rtol=1e-12)


def test_bilinear_kernels_and_confusion_matrix():
    r = T.lscalar("r")
    actual, pred = T.ivector("actual"), T.ivector("pred")
    av, pv = np.array([3, 1, 1, 7, 3], dtype="int32"), np.array([3, 3, 1, 1, 5], dtype="int32")
    k1, k2, k2n, conf, order = function([r, actual, pred], [nn.bilinear_kernel_1D(r, normalize=False), nn.bilinear_kernel_2D(r),
                                                            nn.bilinear_kernel_2D(3, normalize=False),
                                                            *nn.confusion_matrix(actual, pred)])(2, av, pv)
    np.testing.assert_array_equal(k1, [1.0, 2.0, 1.0])
    tri = np.concatenate([np.arange(1, 3), np.arange(1, 0, -1)]) / 2.0
    np.testing.assert_allclose(k2, np.outer(tri, tri))
    np.testing.assert_array_equal(k2n, np.outer([1, 2, 3, 2, 1], [1, 2, 3, 2, 1]))
    labels = np.unique(np.concatenate([av, pv]))
    expected = np.array([[np.sum((av == i) & (pv == j)) for j in labels] for i in labels])
    np.testing.assert_array_equal(order, labels)
    np.testing.assert_array_equal(conf, expected)
    assert conf.dtype == np.int64
    with pytest.raises(TypeError, match="vectors"):
        nn.confusion_matrix(T.imatrix(), pred)


def _same_size_reference(x, ph, pw):
    out = np.zeros_like(x)
    rows, cols = x.shape[-2] // ph * ph, x.shape[-1] // pw * pw
    for idx in np.ndindex(x.shape[:-2]):
        for r in range(0, rows, ph):
            for c in range(0, cols, pw):
                patch = x[idx][r:r + ph, c:c + pw]
                i, j = np.unravel_index(np.argmax(patch), patch.shape)
                out[idx][r + i, c + j] = patch[i, j]
    return out


def test_max_pool_2d_same_size(rng):
    from transpile.tensor.signal.pool import max_pool_2d_same_size
    x, m = T.dtensor4("x"), T.fmatrix("m")
    xv = rng.permutation(2 * 3 * 5 * 7).reshape(2, 3, 5, 7).astype("float64")
    mv = rng.standard_normal((4, 6)).astype("float32")
    got = function([x, m], [max_pool_2d_same_size(x, (2, 3)), max_pool_2d_same_size(m, (2, 2))])(xv, mv)
    np.testing.assert_array_equal(got[0], _same_size_reference(xv, 2, 3))
    np.testing.assert_array_equal(got[1], _same_size_reference(mv, 2, 2))
    assert got[1].dtype == np.float32
    verify_grad(lambda a: max_pool_2d_same_size(a, (2, 2)), [rng.permutation(36).reshape(1, 1, 6, 6) / 7.0], rng=rng)
