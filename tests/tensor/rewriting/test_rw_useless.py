"""Useless ops removed in FAST_RUN: fills of full values, casts to the same dtype, identity,
identity and nested DimShuffles, reductions over length-1 dims."""
import numpy as np

import transpile.tensor as T
from transpile.scalar import arith as S
from transpile.tensor.elemwise import DimShuffle, Elemwise
from tests.tensor.rewriting.rw_helpers import assert_close, fast_run, nodes, op_types, unfused


def test_fill_of_full_value(mode, rng):
    x = T.matrix("x")
    f = unfused([x], T.second(x, T.exp(x)))
    xv = rng.normal(size=(2, 3))
    assert_close(f(xv), np.exp(xv))
    if fast_run(mode):
        assert not any(isinstance(getattr(n.op, "scalar_op", None), S.Second) for n in nodes(f))


def test_fill_that_broadcasts_is_kept(mode):
    x, r = T.matrix("x"), T.row("r")
    f = unfused([x, r], T.second(x, r))
    out = f(np.zeros((3, 2)), np.array([[1.0, 2.0]]))
    assert out.shape == (3, 2) and np.all(out == [1.0, 2.0])


def test_cast_to_same_dtype(mode, rng):
    x = T.vector("x")
    cast = Elemwise(S.Cast("float64"))(x)
    f = unfused([x], T.exp(cast))
    xv = rng.normal(size=3)
    assert_close(f(xv), np.exp(xv))
    has_cast = any(isinstance(getattr(n.op, "scalar_op", None), S.Cast) for n in nodes(f))
    assert has_cast != fast_run(mode)


def test_identity_removed(mode, rng):
    x = T.vector("x")
    f = unfused([x], T.exp(T.identity(x)))
    xv = rng.normal(size=3)
    assert_close(f(xv), np.exp(xv))
    has_identity = any(isinstance(getattr(n.op, "scalar_op", None), S.Identity) for n in nodes(f))
    assert has_identity != fast_run(mode)


def test_identity_output_is_still_a_copy(mode):
    x = T.vector("x")
    f = unfused([x], T.identity(x))
    xv = np.arange(3.0)
    out = f(xv)
    out[0] = 100
    assert xv[0] == 0


def test_dimshuffle_identity_and_merge(mode, rng):
    x = T.matrix("x")
    y = x.dimshuffle(1, 0).dimshuffle(1, "x", 0).dimshuffle(0, 2)  # (0, 1) overall
    same = DimShuffle(x.broadcastable, (0, 1))(x)
    f = unfused([x], T.exp(y) + same)
    xv = rng.normal(size=(2, 3))
    assert_close(f(xv), np.exp(xv) + xv)
    shuffles = [n for n in nodes(f) if isinstance(n.op, DimShuffle)]
    assert (shuffles == []) == fast_run(mode)


def test_dimshuffle_merge_keeps_a_real_transpose(mode, rng):
    x = T.matrix("x")
    f = unfused([x], T.exp(x.dimshuffle(1, "x", 0).dimshuffle(0, 2)))
    xv = rng.normal(size=(2, 3))
    assert_close(f(xv), np.exp(xv.T))
    if fast_run(mode):
        (shuffle,) = [n for n in nodes(f) if isinstance(n.op, DimShuffle)]
        assert shuffle.op.new_order == (1, 0)


def test_sum_over_broadcastable_dims(mode):
    r = T.row("r")
    s = T.sum(r, axis=0)
    f = unfused([r], s * 2)
    out = f(np.array([[1.0, 2.0]]))
    assert list(out) == [2.0, 4.0]
    if fast_run(mode):
        assert "Sum" not in op_types(f)


def test_sum_over_broadcastable_dims_keeps_integer_dtype(mode):
    r = T.irow("r")
    out = unfused([r], T.sum(r, axis=0))(np.array([[1, 2]], dtype="int32"))
    assert out.dtype == np.int64 and list(out) == [1, 2]


def test_fill_read_only_for_its_shape_is_cut(mode, rng):
    """Gradients build fill(x, c) * y: when y already gives the shape, x is not read."""
    x, w = T.matrix("x"), T.matrix("w")
    f = unfused([x, w], T.second(T.sqr(x), 0.5) * w)
    xv, wv = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    assert_close(f(xv, wv), 0.5 * wv)
    if fast_run(mode):
        assert not any(isinstance(getattr(n.op, "scalar_op", None), (S.Second, S.Sqr)) for n in nodes(f))


def test_fill_that_gives_the_shape_is_kept(mode):
    x, c = T.matrix("x"), T.scalar("c")
    f = unfused([x, c], T.second(x, 0.5) * c)
    out = f(np.zeros((2, 3)), 4.0)
    assert out.shape == (2, 3) and np.all(out == 2.0)


def test_gradient_barriers_removed(mode, rng):
    """zero_grad / disconnected_grad only matter to grad(): FAST_RUN drops them (an output that
    was one is still a fresh copy)."""
    from transpile.gradient import _GradientBarrier, disconnected_grad, zero_grad
    x = T.vector("x")
    f = unfused([x], [T.exp(zero_grad(x)) * disconnected_grad(x), disconnected_grad(x)])
    xv = rng.normal(size=3)
    got, same = f(xv)
    assert_close(got, np.exp(xv) * xv)
    assert_close(same, xv)
    assert same is not xv
    has_barrier = any(isinstance(n.op, _GradientBarrier) for n in nodes(f))
    assert has_barrier != fast_run(mode)
