"""In-place elementwise outputs: only intermediates nobody else reads are overwritten."""
import numpy as np
import pytest

import transpile.tensor as T
from transpile import shared
from transpile.compile.debugmode import DebugMode
from transpile.graph.rewriting import rewrite_db
from transpile.tensor.elemwise import Elemwise
from tests.tensor.rewriting.rw_helpers import assert_close, compile_fn, fast_run, nodes


def _inplace(f):
    return [n for n in nodes(f) if isinstance(n.op, Elemwise) and n.op.inplace_pattern]


def _chain(x):
    """Elementwise nodes separated by a reduction, so fusion cannot merge them."""
    e = T.exp(x)
    s = T.sum(e, axis=1, keepdims=True)
    return T.tanh(s * 2 + 1)


def test_intermediate_overwritten(mode, rng):
    x = T.matrix("x")
    y = T.log(T.dot(x, x.T)) * 3 + 1  # the dot's result is fresh and read once
    f = compile_fn([x], y)
    xv = rng.uniform(1, 2, size=(3, 3))
    assert_close(f(xv), np.log(xv @ xv.T) * 3 + 1)
    if fast_run(mode):
        (node,) = _inplace(f)
        assert node.op.destroy_map == {0: [0]} and "inplace" in str(node.op)
    else:
        assert not _inplace(f)


def test_graph_inputs_never_overwritten(mode, rng):
    x = T.vector("x")
    f = compile_fn([x], T.exp(x) + x)
    xv = rng.normal(size=4)
    before = xv.copy()
    f(xv)
    np.testing.assert_array_equal(xv, before)
    assert not any(n.op.destroy_map and n.inputs[0] is f.maker.fgraph.inputs[0] for n in nodes(f))


def test_shared_and_constants_never_overwritten(mode, rng):
    s = shared(np.ones(3), name="s")
    c = T.constant(np.arange(3.0))
    x = T.vector("x")
    f = compile_fn([x], [T.exp(s) * x, T.tanh(c * 1.5) + x, s + 0])
    for _ in range(2):
        out = f(np.zeros(3))
        assert_close(out[0], np.zeros(3))
        assert_close(out[1], np.tanh(np.arange(3.0) * 1.5))
    np.testing.assert_array_equal(s.get_value(), np.ones(3))
    np.testing.assert_array_equal(c.data, np.arange(3.0))


def test_intermediate_with_other_readers_not_overwritten(mode, rng):
    x, W = T.matrix("x"), T.matrix("W")
    d = T.dot(x, W)
    f = compile_fn([x, W], [T.exp(d), d])
    xv, Wv = rng.normal(size=(2, 2)), rng.normal(size=(2, 2))
    a, b = f(xv, Wv)
    assert_close(b, xv @ Wv)
    assert_close(a, np.exp(xv @ Wv))
    assert not _inplace(f)


def test_view_of_shared_intermediate_not_overwritten(mode, rng):
    x, W = T.matrix("x"), T.matrix("W")
    d = T.dot(x, W)
    f = compile_fn([x, W], [T.exp(d.T), T.sum(d)])
    xv, Wv = rng.normal(size=(2, 3)), rng.normal(size=(3, 2))
    a, b = f(xv, Wv)
    assert_close(a, np.exp((xv @ Wv).T))
    assert_close(b, (xv @ Wv).sum())


def test_view_chain_of_single_reader_may_be_overwritten(mode, rng):
    x, W = T.matrix("x"), T.matrix("W")
    f = compile_fn([x, W], T.exp(T.dot(x, W).T))
    xv, Wv = rng.normal(size=(2, 3)), rng.normal(size=(3, 2))
    assert_close(f(xv, Wv), np.exp((xv @ Wv).T))
    if fast_run(mode):
        assert _inplace(f)


def test_repeated_calls_are_independent(mode, rng):
    x = T.matrix("x")
    f = compile_fn([x], _chain(x))
    xv = rng.normal(size=(3, 4))
    first = f(xv)
    second = f(xv)
    assert first is not second
    assert_close(first, second)
    assert_close(first, np.tanh(np.exp(xv).sum(1, keepdims=True) * 2 + 1))


def test_debug_mode_accepts_inplace_graph(rng):
    x = T.matrix("x")
    f = compile_fn([x], T.log(T.dot(x, x.T)) * 3 + 1, mode=DebugMode())
    assert _inplace(f)
    xv = rng.uniform(1, 2, size=(3, 3))
    assert_close(f(xv), np.log(xv @ xv.T) * 3 + 1)


@pytest.mark.single_mode
def test_elemwise_perform_writes_into_input(rng):
    """The reference executor honours destroy_map: the output is the input's buffer."""
    from transpile.scalar import arith as S
    op = Elemwise(S.add, {0: 0})
    x, y = T.vector("x"), T.vector("y")
    node = op.make_node(x, y)
    a, b = rng.normal(size=3), rng.normal(size=3)
    expected = a + b
    storage = [[None]]
    op.perform(node, [a, b], storage)
    assert storage[0][0] is a
    assert_close(a, expected)
    ro = np.broadcast_to(np.ones(3), (3,))  # not writeable: perform allocates instead
    storage = [[None]]
    op.perform(node, [ro, b], storage)
    assert storage[0][0] is not ro
    assert_close(storage[0][0], 1 + b)
    comp = Elemwise(S.second, {0: 0})  # a scalar op without a ufunc
    storage = [[None]]
    c = np.zeros(3)
    comp.perform(comp.make_node(x, y), [c, b], storage)
    assert storage[0][0] is c and np.array_equal(c, b)


@pytest.mark.single_mode
def test_inplace_is_its_own_phase():
    assert rewrite_db["local_elemwise_inplace"].phase == "inplace"
    assert "fast_compile" not in rewrite_db["local_elemwise_inplace"].tags


def test_gradient_of_indexing_writes_into_fresh_zeros(mode, rng):
    from transpile.tensor.subtensor_inc import AdvancedIncSubtensor1, IncSubtensor
    x, idx = T.matrix("x"), T.ivector("idx")
    cost = T.sum(T.exp(x[1:3])) + T.sum(x[idx] ** 2)
    g = T.grad(cost, x)
    f = compile_fn([x, idx], g)
    xv = rng.normal(size=(4, 3))
    iv = np.array([0, 0, 3], dtype="int32")
    expected = np.zeros((4, 3))
    expected[1:3] += np.exp(xv[1:3])
    np.add.at(expected, iv, 2 * xv[iv])
    before = xv.copy()
    assert_close(f(xv, iv), expected)
    np.testing.assert_array_equal(xv, before)
    incs = [n.op for n in nodes(f) if isinstance(n.op, (IncSubtensor, AdvancedIncSubtensor1))]
    assert incs and all(op.inplace for op in incs) == fast_run(mode)


def test_operand_read_twice_is_not_overwritten(mode, rng):
    """z + dot(z, y) with z computed: Gemm must not accumulate into z while reading it as x."""
    from transpile.tensor.blas_gemm import Gemm
    x, y = T.matrix("x"), T.matrix("y")
    z = x - y
    f = compile_fn([x, y], z + T.dot(z, y))
    xv, yv = rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    assert_close(f(xv, yv), (xv - yv) + (xv - yv) @ yv)
    assert not any(isinstance(n.op, Gemm) and n.op.inplace for n in nodes(f))
    g = compile_fn([x, y], [T.maximum(x, y) * T.maximum(x, y)], mode=DebugMode())
    g(xv, yv)
