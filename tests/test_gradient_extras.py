"""Rop (Jacobian- and Hessian-vector products), grad_clip, grad_scale, undefined_grad,
consider_constant, subgraph_grad, and hessian/jacobian without the host loop when the row count
is static."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile import function
from transpile.gradient import (
    DisconnectedInputError,
    NullTypeGradError,
    Rop,
    consider_constant,
    grad,
    grad_clip,
    grad_scale,
    hessian,
    jacobian,
    subgraph_grad,
    undefined_grad,
    verify_grad,
)
from transpile.jacobian_op import JacobianOp


def _numeric_jacobian(fn, x, eps=1e-6):
    cols = []
    for k in range(x.size):
        d = np.zeros_like(x)
        d.flat[k] = eps
        cols.append(((fn(x + d) - fn(x - d)) / (2 * eps)).ravel())
    return np.stack(cols, axis=1)


def test_rop_jacobian_and_hessian_vector_products(rng):
    w, v, b, u = T.vector("w"), T.vector("v"), T.vector("b"), T.vector("u")
    A = T.matrix("A")
    layer = T.tanh(T.dot(A, w) + b)
    cost = T.sum(layer ** 2) + T.sum(w ** 3)
    jv = Rop(layer, w, v)                       # one wrt
    jv2 = Rop([layer, T.exp(w)], [w, b], [v, u])  # lists: sum over wrt of J_j . v_j
    hv = Rop(grad(cost, w), w, v)               # Hessian-vector product
    f = function([w, v, b, u, A], [jv, jv2[0], jv2[1], hv, hessian(cost, w)])
    for n, m in ((3, 4), (5, 2)):
        wv, vv, bv, uv, av = (rng.standard_normal(n), rng.standard_normal(n), rng.standard_normal(m),
                              rng.standard_normal(m), rng.standard_normal((m, n)))
        got_jv, got_jv2, got_exp, got_hv, H = f(wv, vv, bv, uv, av)
        J = _numeric_jacobian(lambda x: np.tanh(av @ x + bv), wv)
        Jb = _numeric_jacobian(lambda x: np.tanh(av @ wv + x), bv)
        np.testing.assert_allclose(got_jv, J @ vv, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(got_jv2, J @ vv + Jb @ uv, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(got_exp, np.exp(wv) * vv, rtol=1e-10)
        np.testing.assert_allclose(got_hv, H @ vv, rtol=1e-8, atol=1e-10)
        def grad_np(x):
            t = np.tanh(av @ x + bv)
            return 2 * (av.T @ (t * (1 - t ** 2))) + 3 * x ** 2

        np.testing.assert_allclose(got_hv, _numeric_jacobian(grad_np, wv) @ vv, rtol=1e-5, atol=1e-6)


def test_rop_matrix_wrt_and_errors(rng):
    X, V = T.matrix("X"), T.matrix("V")
    y = T.sum(T.sqr(X), axis=1) * T.sum(X)
    f = function([X, V], Rop(y, X, V))
    xv, vv = rng.standard_normal((3, 2)), rng.standard_normal((3, 2))
    J = _numeric_jacobian(lambda x: np.sum(x ** 2, axis=1) * x.sum(), xv)
    np.testing.assert_allclose(f(xv, vv), J @ vv.ravel(), rtol=1e-6, atol=1e-8)

    x, z = T.vector("x"), T.vector("z")
    with pytest.raises(ValueError, match="1 wrt variable\\(s\\) but 2 eval_points"):
        Rop(x * 2, x, [z, z])
    with pytest.raises(TypeError, match="must have the dimensionality of wrt\\[0\\]"):
        Rop(x * 2, x, T.matrix())
    with pytest.raises(DisconnectedInputError, match="does not depend on any wrt"):
        Rop(z * 2, x, x)
    zero = Rop(z * 2, x, x, disconnected_outputs="ignore")
    np.testing.assert_array_equal(function([x, z], zero, on_unused_input="ignore")(np.ones(2), np.ones(3)), 0)
    assert Rop(z * 2, x, x, disconnected_outputs="ignore", return_disconnected="none") is None
    with pytest.raises(ValueError, match="disconnected_outputs"):
        Rop(x, x, x, disconnected_outputs="loud")


def test_grad_clip_and_grad_scale(rng):
    x, c = T.vector("x"), T.vector("c")
    g_clip = grad(T.sum(grad_clip(x, -0.5, 0.25) * c), x)
    g_scale = grad(T.sum(grad_scale(T.sin(x), -3.0) * c), x)
    g_both = grad(T.sum(grad_scale(grad_clip(x * 2.0, -1.0, 1.0), 0.5) * c), x)
    f = function([x, c], [grad_clip(x, -0.5, 0.25) + grad_scale(x, 7.0), g_clip, g_scale, g_both])
    xv, cv = rng.standard_normal(6), rng.standard_normal(6) * 2
    fwd, gc, gs, gb = f(xv, cv)
    np.testing.assert_allclose(fwd, 2 * xv)  # identities in the forward pass
    np.testing.assert_allclose(gc, np.clip(cv, -0.5, 0.25))
    np.testing.assert_allclose(gs, -3.0 * np.cos(xv) * cv)
    np.testing.assert_allclose(gb, 2.0 * np.clip(0.5 * cv, -1.0, 1.0))
    # wide bounds / cancelling scales leave the true gradient: verify_grad agrees
    verify_grad(lambda a: T.tanh(grad_clip(a, -1e3, 1e3)) * 2.0, [rng.standard_normal(4)], rng=rng)
    verify_grad(lambda a: grad_scale(grad_scale(T.exp(a), 4.0), 0.25), [rng.standard_normal(4)], rng=rng)
    with pytest.raises(ValueError, match="lower bound 1 is above upper bound -1"):
        grad_clip(x, 1, -1)
    assert grad_clip(x, -1, 1).owner.op == grad_clip(c, -1.0, 1.0).owner.op
    assert grad_scale(x, 2).owner.op != grad_scale(x, 3).owner.op


def test_undefined_grad_and_consider_constant(rng):
    x, y = T.vector("x"), T.vector("y")
    marked = undefined_grad(x) * y
    with pytest.raises(NullTypeGradError, match="marked with undefined_grad"):
        grad(T.sum(marked), x)
    gy = grad(T.sum(marked), y)  # only x's gradient is undefined
    held = consider_constant(x) * x
    gx = grad(T.sum(held), x)
    f = function([x, y], [marked, gy, held, gx])
    xv, yv = rng.standard_normal(3), rng.standard_normal(3)
    out, got_gy, h, got_gx = f(xv, yv)
    np.testing.assert_allclose(out, xv * yv)
    np.testing.assert_allclose(got_gy, xv)
    np.testing.assert_allclose(h, xv * xv)
    np.testing.assert_allclose(got_gx, xv)  # only the unmarked factor contributes
    np.testing.assert_array_equal(function([x], grad(T.sum(consider_constant(x)), x))(xv), 0)


def test_subgraph_grad_chains_to_the_full_gradient(rng):
    x = T.vector("x")
    W1, W2 = T.matrix("W1"), T.matrix("W2")
    h = T.tanh(T.dot(W1, x))
    out = T.sum(T.sqr(T.dot(W2, h)))
    full = grad(out, [W1, W2])
    (gW2,), (gh,) = subgraph_grad(wrt=[W2], end=[h], cost=out)
    (gW1,), (gx,) = subgraph_grad(wrt=[W1], end=[x], start={h: gh})
    both, ends, start_only, cost_only = subgraph_grad(wrt=[W1], end=[x], start={h: gh}, cost=T.sum(W1 ** 2),
                                                      details=True)
    assert len(cost_only) == 2 and len(start_only) == 2  # over wrt + end
    f = function([x, W1, W2], full + [gW1, gW2, gx, both[0], ends[0]])
    gh_value = function([x, W1, W2], gh)
    xv, w1, w2 = rng.standard_normal(3), rng.standard_normal((4, 3)), rng.standard_normal((2, 4))
    f1, f2, s1, s2, sx, b1, bh = f(xv, w1, w2)
    np.testing.assert_allclose(s1, f1)
    np.testing.assert_allclose(s2, f2)
    hv = np.tanh(w1 @ xv)
    np.testing.assert_allclose(gh_value(xv, w1, w2), 2 * w2.T @ (w2 @ hv))  # the end gradient, at h
    np.testing.assert_allclose(sx, w1.T @ ((1 - hv ** 2) * (2 * w2.T @ (w2 @ hv))))
    np.testing.assert_allclose(b1, f1 + 2 * w1)
    np.testing.assert_allclose(bh, sx)
    with pytest.raises(ValueError, match="give a cost"):
        subgraph_grad([W1], [h])
    with pytest.raises(TypeError, match="lists of variables"):
        subgraph_grad(W1, [h], cost=out)
    with pytest.raises(TypeError, match="must be a dict"):
        subgraph_grad([W1], [h], start=[(h, gh)])


def test_static_rows_build_the_jacobian_without_a_host_loop(rng):
    a, b, c = T.scalar("a"), T.scalar("b"), T.scalar("c")
    w = T.stack([a, b, c])
    cost = T.sum(T.exp(w) * w[::-1]) + T.sum(w) ** 3
    H, J = hessian(cost, w), jacobian(T.tanh(w * w[0]) + 1.0, w)
    f = function([a, b, c], [H, J])
    assert not any(isinstance(n.op, JacobianOp) for n in f.maker.fgraph.toposort())
    wv = rng.standard_normal(3)
    got_h, got_j = f(*wv)

    def grad_np(x):
        return np.exp(x) * x[::-1] + np.exp(x[::-1]) + 3 * x.sum() ** 2

    np.testing.assert_allclose(got_h, _numeric_jacobian(grad_np, wv), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_j, _numeric_jacobian(lambda x: np.tanh(x * x[0]), wv), rtol=1e-5, atol=1e-6)
    # a vector of unknown length still uses JacobianOp
    v = T.vector("v")
    assert isinstance(hessian(T.sum(v ** 3), v).owner.op, JacobianOp)


def test_reexports():
    for name in ("Rop", "Lop", "grad_clip", "grad_scale", "subgraph_grad", "undefined_grad", "consider_constant",
                 "hessian", "jacobian"):
        assert callable(getattr(transpile.gradient, name))
