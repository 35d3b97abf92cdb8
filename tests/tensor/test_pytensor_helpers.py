"""PyTensor's smaller everyday names against numpy: join_dims, split_dims, pack and unpack
(tensor/reshape_dims.py); atleast_Nd, slice_at_axis, concat_with_broadcast (axes.py); interp
and interpolate1d (interp.py); specify_broadcastable, expit, `a[key].set/.inc`,
get_underlying_scalar_constant_value; hessian_vector_product and pushforward (gradient)."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile.gradient import grad, hessian, hessian_vector_product, jacobian, pushforward, verify_grad
from tests.tensor.extra_ops_helpers import check_table


def test_join_split_pack_unpack(rng):
    x, a, b = T.tensor4("x"), T.tensor3("a"), T.matrix("b")
    xv, av, bv = rng.standard_normal((2, 3, 4, 5)), rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 5))
    packed, shapes = T.pack(a, b, keep_axes=0)
    ua, ub = T.unpack(packed, shapes, keep_axes=0)
    flat, flat_shapes = T.pack(a, b)
    fa, fb = T.unpack(flat, flat_shapes)
    back, back_shapes = T.pack(a, a[:1] * 2, keep_axes=(-2, -1))
    ba, bb = T.unpack(back, back_shapes, keep_axes=(-2, -1))
    table = [("join_dims all", T.join_dims(x), xv.reshape(120)), ("join_dims from 1", T.join_dims(x, 1), xv.reshape(2, 60)),
             ("join_dims 2 axes", T.join_dims(x, 1, 2), xv.reshape(2, 12, 5)),
             ("join_dims 0 axes", T.join_dims(x, 1, 0), xv.reshape(2, 1, 3, 4, 5)),
             ("join_dims negative", T.join_dims(x, -2), xv.reshape(2, 3, 20)),
             ("split_dims", T.split_dims(T.join_dims(x, 1, 2), (3, 4), axis=1), xv),
             ("split_dims int", T.split_dims(b, 5, axis=-1), bv),
             ("split_dims tensor", T.split_dims(T.join_dims(x), T.constant(np.array([6, 20]))), xv.reshape(6, 20)),
             ("split_dims empty", T.split_dims(T.join_dims(x, 0, 0), [], axis=0), xv),
             ("pack keep 0", packed, np.concatenate([av.reshape(2, 12), bv], axis=1)), ("unpack a", ua, av),
             ("unpack b", ub, bv), ("pack all", flat, np.concatenate([av.ravel(), bv.ravel()])), ("unpack all a", fa, av),
             ("unpack all b", fb, bv), ("pack last two", back, np.concatenate([av, av[:1] * 2])),
             ("unpack last two a", ba, av), ("unpack last two b", bb, av[:1] * 2)]
    check_table([x, a, b], [xv, av, bv], table)


def test_pack_gradient_and_errors(rng):
    verify_grad(lambda a, b: T.unpack(*T.pack(a * 2, b, keep_axes=0), keep_axes=0)[0] * 3, [rng.standard_normal((2, 3)),
                                                                                          rng.standard_normal((2, 4))],
                rng=rng)
    verify_grad(lambda a: T.split_dims(T.join_dims(a), (3, 2)), [rng.standard_normal((2, 3))], rng=rng)
    with pytest.raises(ValueError, match="keep_axes"):
        T.pack(T.matrix(), keep_axes=(1,))
    with pytest.raises(ValueError, match="needs 2"):
        T.pack(T.vector(), keep_axes=(0, -1))
    with pytest.raises(IndexError, match="out of bounds"):
        T.join_dims(T.matrix(), 3)
    with pytest.raises(ValueError, match="cannot join 3 dims"):
        T.join_dims(T.matrix(), 0, 3)
    with pytest.raises(ValueError, match="must be known"):
        T.split_dims(T.vector(), T.lvector())
    m = T.matrix("m")
    f = transpile.function([m], T.split_dims(m, (4, 2)))
    with pytest.raises(ValueError):
        f(np.ones((3, 2)))


def test_axes_helpers(rng):
    m, r, c = T.matrix("m"), T.row("r"), T.col("c")
    mv, rv, cv = rng.standard_normal((2, 3)), rng.standard_normal((1, 3)), rng.standard_normal((2, 1))
    table = [("concat rows", T.concat_with_broadcast([m, r], axis=0), np.concatenate([mv, rv])),
             ("concat broadcast col", T.concat_with_broadcast([m, c, m], axis=1),
              np.concatenate([mv, cv, mv], axis=1)),
             ("concat broadcast row", T.concat_with_broadcast([r, c], axis=0),
              np.concatenate([np.broadcast_to(rv, (1, 3)), np.broadcast_to(cv, (2, 3))])),
             ("atleast_Nd left", T.atleast_Nd(r, n=4), rv[None, None]), ("atleast_Nd right", T.atleast_Nd(r, n=3, left=False),
                                                                       rv[..., None]),
             ("atleast_Nd enough", T.atleast_Nd(m, n=1), mv), ("slice_at_axis", m[T.slice_at_axis(slice(1, None), 1)],
                                                            mv[np.s_[:, 1:]]),
             ("specify_broadcastable", T.specify_broadcastable(m[:1], 0) + m, mv[:1] + mv)]
    check_table([m, r, c], [mv, rv, cv], table)
    assert T.specify_broadcastable(m, 1).broadcastable == (False, True)
    assert T.slice_at_axis(slice(2), 2) == (slice(None), slice(None), slice(2), Ellipsis)
    with pytest.raises(TypeError, match="same number of dims"):
        T.concat_with_broadcast([m, T.vector()])


def test_interp_and_interpolate1d(rng):
    x, xp, fp, q = T.vector("x"), T.vector("xp"), T.vector("fp"), T.matrix("q")
    xv = np.array([-1.0, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0])
    xpv, fpv = np.array([0.0, 1.0, 2.0, 3.0]), np.array([1.0, 3.0, 2.0, 5.0])
    qv = np.array([[-1.0, 0.0, 0.4, 0.5], [1.5, 3.0, 4.0, 2.9]])
    xs, ys = np.array([3.0, 0.0, 1.0, 2.0]), np.array([5.0, 1.0, 3.0, 2.0])  # unsorted, as interpolate1d allows
    order = np.argsort(xs)
    sx, sy = xs[order], ys[order]
    idx = np.searchsorted(sx, qv)
    inner = np.clip(idx, 1, 3)
    x0, x1, y0, y1 = sx[inner - 1], sx[inner], sy[inner - 1], sy[inner]
    linear = y0 + (qv - x0) / (x1 - x0) * (y1 - y0)
    table = [("interp", T.interp(x, xp, fp), np.interp(xv, xpv, fpv)),
             ("interp left right", T.interp(x, xp, fp, left=-9, right=9), np.interp(xv, xpv, fpv, left=-9, right=9)),
             ("interp period", T.interp(x, xp, fp, period=2.5), np.interp(xv, xpv, fpv, period=2.5)),
             ("interp one point", T.interp(x, xp[:1], fp[:1]), np.interp(xv, xpv[:1], fpv[:1])),
             ("interp int", T.interp(T.cast(x, "int64"), xp, fp), np.interp(xv.astype("int64"), xpv, fpv)),
             ("linear", T.interpolate1d(T.constant(xs), T.constant(ys))(q), linear),
             ("linear clamped", T.interpolate1d(T.constant(xs), T.constant(ys), extrapolate=False)(q),
              np.interp(qv, sx, sy)),
             ("nearest", T.interpolate1d(T.constant(xs), T.constant(ys), "nearest")(q),
              np.where(qv - x0 <= x1 - qv, y0, y1)),
             ("first", T.interpolate1d(T.constant(xs), T.constant(ys), "first")(q), sy[np.clip(idx - 1, 0, 3)]),
             ("last", T.interpolate1d(T.constant(xs), T.constant(ys), "last", extrapolate=False, left_pad=-1.0,
                                      right_pad=-2.0)(q), np.where(idx == 0, -1.0, np.where(idx == 4, -2.0,
                                                                                           sy[np.clip(idx, 0, 3)]))),
             ("mean", T.interpolate1d(T.constant(xs), T.constant(ys), "mean")(q), (y0 + y1) / 2)]
    check_table([x, xp, fp, q], [xv, xpv, fpv, qv], table)
    verify_grad(lambda v, f: T.interp(v, T.constant(xpv), f), [np.array([0.3, 1.2, 2.6]), fpv], rng=rng)
    with pytest.raises(ValueError, match="1-d"):
        T.interp(x, q, fp)
    with pytest.raises(ValueError, match="method must be one of"):
        T.interpolate1d(xp, fp, "cubic")


def test_expit_set_inc_and_constants(rng):
    v = T.vector("v")
    vv = rng.standard_normal(5)
    expected_set, expected_inc = vv.copy(), vv.copy()
    expected_set[1:3] = 0.0
    expected_inc[[0, 0, 4]] += 2.0
    table = [("expit", T.expit(v), 1 / (1 + np.exp(-vv))), ("set", v[1:3].set(0.0), expected_set),
             ("inc", v[[0, 0, 4]].inc(1.0), vv + np.array([2.0, 0, 0, 0, 1.0])),
             ("inc scalar index", v[4].inc(1.0), vv + np.array([0, 0, 0, 0, 1.0]))]
    check_table([v], [vv], table)
    assert T.expit is T.sigmoid
    assert T.get_underlying_scalar_constant_value(T.constant(3.0) * 2) == 6.0
    assert T.constant(np.array(4)).get_underlying_scalar_constant() == 4
    with pytest.raises(TypeError, match="indexed tensor"):
        v.set(1.0)


def test_hessian_vector_product_and_pushforward(rng):
    x, y, p, q = T.vector("x"), T.vector("y"), T.vector("p"), T.vector("q")
    cost = T.sum(T.exp(x) * x ** 2) + T.prod(x) * T.sum(y ** 3)
    hv = hessian_vector_product(cost, x, p)
    hx, hy = hessian_vector_product(cost, [x, y], [p, q])
    xv, yv, pv, qv = (rng.standard_normal(3) for _ in range(4))
    f = transpile.function([x, y, p, q], [hv, hx, hy, T.dot(hessian(cost, x), p),
                                          pushforward(T.exp(x) * y, [x, y], [p, q])])
    r = f(xv, yv, pv, qv)
    np.testing.assert_allclose(r[0], r[3], rtol=1e-10)
    h = transpile.function([x, y], [hessian(cost, x), jacobian(grad(cost, x), y), hessian(cost, y)])(xv, yv)
    hxx, hxy, hyy = h
    np.testing.assert_allclose(r[1], hxx @ pv + hxy @ qv, rtol=1e-9)
    np.testing.assert_allclose(r[2], hxy.T @ pv + hyy @ qv, rtol=1e-9)
    np.testing.assert_allclose(r[4], np.exp(xv) * yv * pv + np.exp(xv) * qv, rtol=1e-12)
    assert pushforward is transpile.gradient.Rop
    with pytest.raises(ValueError, match="2 wrt variable"):
        hessian_vector_product(cost, [x, y], [p])
