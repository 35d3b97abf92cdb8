"""Elementwise fusion into one Composite node, reductions fused with what feeds them."""
import numpy as np
import pytest

from transpile.printing import debugprint
import transpile.tensor as T
from transpile import function
from transpile.scalar.composite import Composite
from transpile.tensor.elemwise import Elemwise
from transpile.tensor.reduce import Max, Sum
from transpile.tensor.reduce_fused import FusedReduce
from tests.tensor.rewriting.rw_helpers import assert_close, compile_fn, fast_run, nodes, op_types


def _fused(f):
    return [n for n in nodes(f) if isinstance(n.op, Elemwise) and isinstance(n.op.scalar_op, Composite)]


def test_chain_becomes_one_node(mode, rng):
    x = T.vector("x")
    y = T.exp(-x * x) * T.sin(x) + T.tanh(0.5 * x) * T.sqrt(T.abs_(x) + 1)
    f = compile_fn([x], y)
    xv = rng.normal(size=50)
    assert_close(f(xv), np.exp(-xv * xv) * np.sin(xv) + np.tanh(0.5 * xv) * np.sqrt(np.abs(xv) + 1))
    if fast_run(mode):
        assert op_types(f) == ["Elemwise"] and len(_fused(f)) == 1
    else:
        assert len(nodes(f)) > 5


def test_debugprint_shows_one_readable_node(mode):
    x, y = T.vector("x"), T.vector("y")
    e = T.exp(x)
    f = compile_fn([x, y], e * e + T.tanh(e) * y)
    text = debugprint(f, file="str")
    if fast_run(mode):
        first = text.splitlines()[0]
        assert first.startswith("Elemwise{Composite{t0=exp(i0); add(mul(t0, t0), mul(tanh(t0), i1))}")
        assert len(text.splitlines()) == 3  # the node and its two inputs


def test_shared_intermediate_output_not_fused_away(mode, rng):
    x = T.vector("x")
    e = T.exp(x) + 1
    f = compile_fn([x], [e * 2, e])
    xv = rng.normal(size=4)
    a, b = f(xv)
    assert_close(a, (np.exp(xv) + 1) * 2)
    assert_close(b, np.exp(xv) + 1)


def test_broadcast_operand_not_recomputed(mode, rng):
    """exp of a bias row stays its own (small) loop instead of being redone for every row."""
    m, b = T.matrix("m"), T.row("b")
    f = compile_fn([m, b], T.tanh(m * 2 + T.exp(b)))
    mv, bv = rng.normal(size=(3, 4)), rng.normal(size=(1, 4))
    assert_close(f(mv, bv), np.tanh(mv * 2 + np.exp(bv)))
    if fast_run(mode):
        assert len(nodes(f)) == 2
        big = [n for n in nodes(f) if n.outputs[0].broadcastable == (False, False)]
        assert len(big) == 1


def test_long_chain_with_reuse_compiles_fast(mode, rng):
    """Composite text names shared subexpressions, so it stays linear in the chain length."""
    x = T.vector("x")
    y = x
    for _ in range(40):
        y = T.tanh(y) * y + y
    f = compile_fn([x], y)
    xv = rng.uniform(-0.1, 0.1, size=3)
    expected = xv
    for _ in range(40):
        expected = np.tanh(expected) * expected + expected
    assert_close(f(xv), expected)
    if fast_run(mode):
        assert len(str(nodes(f)[0].op)) < 10000


def test_fused_errors_name_the_mismatch(mode):
    x, y = T.vector("x"), T.vector("y")
    f = compile_fn([x, y], T.exp(x) * 2 + y)
    with pytest.raises(ValueError, match="mis-match"):
        f(np.zeros(2), np.zeros(3))


def test_sum_of_elementwise_is_one_op(mode, rng):
    x = T.matrix("x")
    f = compile_fn([x], T.sum(T.exp(x) * 2 + 1, axis=1))
    xv = rng.normal(size=(3, 4))
    assert_close(f(xv), (np.exp(xv) * 2 + 1).sum(axis=1))
    if fast_run(mode):
        (node,) = nodes(f)
        assert isinstance(node.op, FusedReduce) and node.op.reduce_op == Sum((1,))
        assert str(node.op) == "FusedReduce{Sum{1}, Composite{add(mul(exp(i0), 2.0), 1.0)}}"


def test_max_of_single_elementwise(mode, rng):
    x, y = T.matrix("x"), T.matrix("y")
    f = compile_fn([x, y], T.max(x * y, axis=0))
    xv, yv = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    assert_close(f(xv, yv), (xv * yv).max(axis=0))
    if fast_run(mode):
        (node,) = nodes(f)
        assert isinstance(node.op, FusedReduce) and isinstance(node.op.reduce_op, Max)


def test_sum_not_fused_when_mapped_value_is_needed(mode, rng):
    x = T.vector("x")
    e = T.exp(x) * 2
    f = compile_fn([x], [T.sum(e), e])
    xv = rng.normal(size=5)
    s, v = f(xv)
    assert_close(s, (np.exp(xv) * 2).sum())
    assert not any(isinstance(n.op, FusedReduce) for n in nodes(f))


def test_mean_of_squares(mode, rng):
    x = T.fmatrix("x")
    f = compile_fn([x], T.mean(T.sqr(x - 1)))
    xv = rng.normal(size=(4, 5)).astype("float32")
    out = f(xv)
    assert out.dtype == np.float32
    assert_close(out, np.mean((xv - 1) ** 2), np.float32)
    if fast_run(mode):
        assert any(isinstance(n.op, FusedReduce) for n in nodes(f))


def test_fused_reduce_with_broadcast_inputs(mode, rng):
    m, r = T.matrix("m"), T.row("r")
    f = compile_fn([m, r], T.sum(m * r + 1, axis=0))
    mv, rv = rng.normal(size=(3, 4)), rng.normal(size=(1, 4))
    assert_close(f(mv, rv), (mv * rv + 1).sum(axis=0))
    with pytest.raises(ValueError):
        f(mv, rng.normal(size=(1, 5)))


def test_integer_sum(mode):
    x = T.ivector("x")
    out = compile_fn([x], T.sum(x * 3))(np.array([1, 2, 3], dtype="int32"))
    assert out.dtype == np.int64 and out == 18


@pytest.mark.single_mode
def test_fused_reduce_op_directly(rng):
    from transpile.compile.debugmode import DebugMode
    from transpile.scalar import arith as S
    x, y = T.matrix("x"), T.row("y")
    op = FusedReduce(Sum((0,)), S.mul)
    f = function([x, y], op(x, y), mode=DebugMode(optimizer="fast_compile"))
    xv, yv = rng.normal(size=(3, 4)), rng.normal(size=(1, 4))
    assert_close(f(xv, yv), (xv * yv).sum(axis=0))
    empty_max = function([x], FusedReduce(Max((0,)), S.exp)(x), mode="FAST_COMPILE")
    with pytest.raises(ValueError, match="empty"):
        empty_max(np.zeros((0, 2)))
    with pytest.raises(NotImplementedError, match="after differentiation"):
        T.grad(T.sum(op(x, y)), x)


class _Halved(Elemwise):
    """An Elemwise subclass with its own perform: rewrites must not replace it."""

    def perform(self, node, inputs, output_storage):
        super().perform(node, inputs, output_storage)
        output_storage[0][0] = output_storage[0][0] / 2


class _OwnGrad(Elemwise):
    """An Elemwise subclass overriding only grad: it computes what its scalar op says."""

    def grad(self, inputs, output_grads):
        return [output_grads[0] * 0]


def test_elemwise_subclasses(mode, rng):
    from transpile.scalar import arith as S
    x = T.vector("x")
    xv = rng.normal(size=3)
    f = compile_fn([x], T.exp(_Halved(S.exp)(x) * 2))
    assert_close(f(xv), np.exp(np.exp(xv)))
    assert any(isinstance(n.op, _Halved) for n in nodes(f))
    g = compile_fn([x], T.exp(_OwnGrad(S.exp)(x) * 2))
    assert_close(g(xv), np.exp(np.exp(xv) * 2))
    if fast_run(mode):
        assert len(nodes(g)) == 1
