"""Exercises 02_advanced/01_symbolic (grad, traverse, energy, two_step_backprop) of the tutorial's
exercise repository, with `transpile` for `theano`, checked against numpy."""
from collections import OrderedDict

import numpy as np
import pytest

import transpile
from transpile import config, function, shared
from transpile import tensor as T
from transpile.gradient import verify_grad
from transpile.graph import Variable


# -- 01_grad -----------------------------------------------------------------------------------
def _grad_sum(x, y, z):
    """dz/dx + dz/dy."""
    return sum(transpile.grad(z, [x, y]))


def test_grad_sum_of_a_sum():
    """01_grad: d(x+y)/dx + d(x+y)/dy == 2, evaluated at x = y = 0."""
    x = T.scalar()
    y = T.scalar()
    s = _grad_sum(x, y, x + y)
    assert s.ndim == 0
    assert s.eval({x: 0, y: 0}) == 2


def test_grad_sum_other_expressions(rng):
    """01_grad on non-linear expressions, against the derivatives worked out by hand."""
    x = T.scalar()
    y = T.scalar()
    cases = [
        (x * y + T.sin(x), lambda a, b: b + np.cos(a) + a),
        (T.exp(x * y), lambda a, b: (b + a) * np.exp(a * b)),
        (x ** 3 / y, lambda a, b: 3 * a ** 2 / b - a ** 3 / b ** 2),
        (T.log(x) * y ** 2, lambda a, b: b ** 2 / a + 2 * b * np.log(a)),
    ]
    for z, expected in cases:
        f = function([x, y], _grad_sum(x, y, z))
        for a, b in rng.uniform(0.5, 2.0, size=(3, 2)):
            np.testing.assert_allclose(f(a, b), expected(a, b), rtol=1e-10)


def test_grad_sum_tensors(rng):
    """01_grad with a vector and a matrix: grad of a scalar cost has the shape of each input; the
    cost below is checked numerically too."""
    x = T.vector()
    W = T.matrix()
    z = T.tanh(T.dot(W, x)).sum()
    gx, gW = transpile.grad(z, [x, W])
    assert gx.type == x.type and gW.type == W.type
    xv = rng.normal(size=3)
    Wv = rng.normal(size=(2, 3))
    gxv, gWv = function([x, W], [gx, gW])(xv, Wv)
    d = 1 - np.tanh(Wv @ xv) ** 2
    np.testing.assert_allclose(gxv, Wv.T @ d, rtol=1e-10)
    np.testing.assert_allclose(gWv, np.outer(d, xv), rtol=1e-10)
    verify_grad(lambda a, b: T.tanh(T.dot(b, a)).sum(), [xv, Wv], rng=rng)


# -- 02_traverse -------------------------------------------------------------------------------
def _arg_to_softmax(prob):
    """The argument of the softmax that produced `prob`; TypeError when prob is not the output
    of a Softmax."""
    if not isinstance(prob, Variable):
        raise TypeError(f"expected a symbolic variable, got {type(prob).__name__}")
    if prob.owner is None or not isinstance(prob.owner.op, T.nnet.Softmax):
        raise TypeError(f"{prob} is not the output of a softmax")
    (arg,) = prob.owner.inputs
    return arg


@pytest.mark.single_mode
def test_arg_to_softmax():
    """02_traverse: a numpy array, a graph input and a sigmoid are rejected with TypeError; the
    softmax of x gives back x itself."""
    with pytest.raises(TypeError):
        _arg_to_softmax(np.ones((5, 4)))
    x = T.matrix()
    with pytest.raises(TypeError):
        _arg_to_softmax(x)
    with pytest.raises(TypeError):
        _arg_to_softmax(T.nnet.sigmoid(x))
    assert _arg_to_softmax(T.nnet.softmax(x)) is x


@pytest.mark.single_mode
def test_arg_to_softmax_of_expressions():
    """02_traverse: the argument may itself be an expression; an expression of a softmax (its
    log, a constant) is not a softmax's output; log_softmax is another op."""
    x = T.matrix()
    b = T.vector()
    arg = T.dot(x, x.T) + b
    assert _arg_to_softmax(T.nnet.softmax(arg)) is arg
    with pytest.raises(TypeError):
        _arg_to_softmax(T.log(T.nnet.softmax(x)))
    with pytest.raises(TypeError):
        _arg_to_softmax(T.nnet.log_softmax(x))
    with pytest.raises(TypeError):
        _arg_to_softmax(T.constant(np.ones((2, 2))))


def test_arg_to_softmax_recovers_log_probabilities(rng):
    """02_traverse: what the exercise wants the argument for, the unnormalized log-probabilities,
    agree with the log of the softmax up to a per-row constant."""
    x = T.matrix()
    prob = T.nnet.softmax(x * 2)
    f = function([x], [prob, _arg_to_softmax(prob)])
    xv = rng.normal(size=(3, 4))
    pv, av = f(xv)
    np.testing.assert_allclose(av, 2 * xv, rtol=1e-12)
    shift = np.log(pv) - av
    np.testing.assert_allclose(shift, shift[:, :1] * np.ones((1, 4)), rtol=1e-10, atol=1e-12)


# -- 03_energy ---------------------------------------------------------------------------------
def _energy(W, V, H):
    """Energy of each configuration (V[i], H[i]) of an RBM with weights W and no biases."""
    return -(T.dot(V, W) * H).sum(axis=1)


def _grad_expected_energy(W, V, H):
    """d mean(energy) / dW, holding the samples V and H constant."""
    return transpile.grad(_energy(W, V, H).mean(), W, consider_constant=[V, H])


class _ElemwiseNoGradient(T.Elemwise):
    """An identity whose gradient must never be asked for (the sampling process)."""

    def grad(self, inputs, output_grads):
        raise TypeError("You shouldn't be differentiating through the sampling process.")


def test_energy_gradient_of_sampled_rbm():
    """03_energy: W drawn normal, v and h Bernoulli samples depending on W, wrapped in a user
    Elemwise subclass whose grad raises. With consider_constant=[v, h] the gradient never
    reaches that grad, and d mean(E)/dW == -v^T h / m (one call computes both, from the same
    samples)."""
    m, nv, nh = 2, 3, 4
    v0 = T.alloc(1.0, m, nv)
    h0 = T.alloc(1.0, m, nh)
    streams = T.random.RandomStreams(42)
    W = streams.normal(size=(nv, nh), dtype=v0.dtype)
    pv = T.nnet.sigmoid(T.dot(h0, W.T))
    v = streams.binomial(p=pv, size=pv.shape, dtype=W.dtype)
    ph = T.nnet.sigmoid(T.dot(v, W))
    h = streams.binomial(p=ph, size=ph.shape, dtype=W.dtype)
    block_gradient = _ElemwiseNoGradient(transpile.scalar.identity)
    v = block_gradient(v)
    h = block_gradient(h)
    g = _grad_expected_energy(W, v, h)
    stats = T.dot(v.T, h) / m
    f = function([], [g, stats, v, h])
    for _ in range(3):  # fresh samples each call
        gv, sv, vv, hv = f()
        assert gv.shape == (nv, nh)
        assert set(np.unique(vv)) <= {0.0, 1.0} and set(np.unique(hv)) <= {0.0, 1.0}
        np.testing.assert_allclose(gv, -sv, rtol=1e-12)
        np.testing.assert_allclose(gv, -vv.T @ hv / m, rtol=1e-12)


def test_energy_user_grad_is_honoured():
    """03_energy: without consider_constant the gradient goes through the samples, and the user
    subclass's grad is called (transpile documents that an Elemwise subclass overriding grad is
    always honoured), so its TypeError comes out."""
    W = T.matrix()
    V = _ElemwiseNoGradient(transpile.scalar.identity)(T.nnet.sigmoid(T.matrix()) + W.sum())
    H = T.matrix()
    with pytest.raises(TypeError, match="sampling process"):
        transpile.grad(_energy(W, V, H).mean(), W)
    # the subclass still computes the identity
    x = T.matrix()
    xv = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(function([x], _ElemwiseNoGradient(transpile.scalar.identity)(x))(xv), xv)


def test_energy_values_and_gradient(rng):
    """03_energy with plain matrix inputs: energies match numpy, and the gradient with V, H held
    constant is -V^T H / m even though V depends on W."""
    W = T.matrix()
    V0 = T.matrix()
    H = T.matrix()
    V = T.nnet.sigmoid(T.dot(V0, W.T))  # depends on W: consider_constant must cut it
    m, nv, nh = 5, 3, 4
    Wv = rng.normal(size=(nv, nh))
    V0v = rng.uniform(size=(m, nh))
    Hv = (rng.uniform(size=(m, nh)) < 0.5).astype(float)
    f = function([W, V0, H], [_energy(W, V, H), _grad_expected_energy(W, V, H), V])
    ev, gv, vv = f(Wv, V0v, Hv)
    np.testing.assert_allclose(ev, -np.einsum("ij,jk,ik->i", vv, Wv, Hv), rtol=1e-12)
    np.testing.assert_allclose(gv, -vv.T @ Hv / m, rtol=1e-12)


# -- 04_two_step_backprop ----------------------------------------------------------------------
NUM_VIS = 2


class _SimpleMLP:
    """One sigmoid hidden layer and a linear output (regression)."""

    def __init__(self):
        rng = np.random.RandomState([1, 2, 3])
        self.num_hid = 3
        self.W_hid = shared(rng.randn(NUM_VIS, self.num_hid).astype(config.floatX))
        self.w_out = shared(rng.randn(self.num_hid).astype(config.floatX))

    def fprop(self, X):
        H = T.nnet.sigmoid(T.dot(X, self.W_hid))
        return H, T.dot(H, self.w_out)


def _loss(y_hat, y):
    return T.sqr(y_hat - y).mean()


def _two_step_backprop(mlp):
    """f1(X, y) -> (grad on w_out, grad on H); f2(X, grad on H) -> grad on W_hid, through
    known_grads, without touching w_out."""
    X = T.matrix()
    y = T.vector()
    H, y_hat = mlp.fprop(X)
    g_w, g_H = transpile.grad(_loss(y_hat, y), [mlp.w_out, H])
    f1 = function([X, y], [g_w, g_H])
    g_W = transpile.grad(None, mlp.W_hid, known_grads=OrderedDict([(H, g_H)]))
    f2 = function([X, g_H], g_W)
    return f1, f2


def _numpy_grads(W_hid, w_out, X, y):
    H = 1 / (1 + np.exp(-X @ W_hid))
    d_yhat = 2 * (H @ w_out - y) / len(y)
    d_H = np.outer(d_yhat, w_out)
    return X.T @ (d_H * H * (1 - H)), H.T @ d_yhat, d_H


def test_two_step_backprop():
    """04_two_step_backprop: the gradient on W_hid computed in two steps (the second from the
    gradient on H, given as known_grads) equals the one-step gradient; f2 works after w_out is
    given a wrong shape, so it does not use w_out."""
    mlp = _SimpleMLP()
    X = T.matrix()
    y = T.vector()
    H, y_hat = mlp.fprop(X)
    g_W, g_w = transpile.grad(_loss(y_hat, y), [mlp.W_hid, mlp.w_out])
    f = function([X, y], [g_W, g_w])
    rng = np.random.RandomState([1, 2, 3])
    Xv = rng.randn(5, NUM_VIS).astype(X.dtype)
    yv = rng.randn(5).astype(y.dtype)
    g_Wv, g_wv = f(Xv, yv)
    e_W, e_w, e_H = _numpy_grads(mlp.W_hid.get_value(), mlp.w_out.get_value(), Xv, yv)
    np.testing.assert_allclose(g_Wv, e_W, rtol=1e-10)
    np.testing.assert_allclose(g_wv, e_w, rtol=1e-10)

    f1, f2 = _two_step_backprop(mlp)
    g_w2, aux = f1(Xv, yv)
    np.testing.assert_allclose(g_w2, g_wv, rtol=1e-12)
    np.testing.assert_allclose(aux, e_H, rtol=1e-10)
    mlp.w_out.set_value(np.ones(1).astype(mlp.w_out.dtype))
    np.testing.assert_allclose(f2(Xv, aux), g_Wv, rtol=1e-12)
    assert not any(s is mlp.w_out for s in f2.maker.shared_inputs)
    assert any(s is mlp.w_out for s in f1.maker.shared_inputs)
    # f1 does use w_out: with the wrong shape it fails
    with pytest.raises(ValueError):
        f1(Xv, yv)


def test_known_grads_alone():
    """04_two_step_backprop: grad(None, wrt, known_grads) with nothing but the known gradient
    is the chain rule from that variable: here d/dx of sum(g * tanh(x)) for a given g."""
    x = T.vector()
    h = T.tanh(x)
    g = T.vector()
    gx = transpile.grad(None, x, known_grads={h: g})
    xv = np.array([-1.0, 0.0, 0.5])
    gv = np.array([2.0, -1.0, 3.0])
    np.testing.assert_allclose(function([x, g], gx)(xv, gv), gv * (1 - np.tanh(xv) ** 2), rtol=1e-12)
