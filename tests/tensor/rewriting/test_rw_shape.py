"""The shape feature: shapes of intermediates never compute them."""
import numpy as np
import pytest

import transpile.tensor as T
from transpile.graph import Apply, Op
from transpile.tensor.join import MakeVector
from transpile.tensor.shape import Shape, Shape_i
from tests.tensor.rewriting.rw_helpers import compile_fn, fast_run, nodes, op_types


def _only_shape_ops(f):
    return set(op_types(f)) <= {"Shape", "Shape_i", "MakeVector", "DeepCopyOp", "Elemwise", "Unbroadcast"} and \
        not any(getattr(n.op, "scalar_op", None) is not None and "exp" in str(n.op) for n in nodes(f))


def test_shape_of_intermediate_does_not_compute_it(mode, rng):
    m = T.matrix("m")
    e = T.exp(m) + 1
    f = compile_fn([m], e.shape)
    np.testing.assert_array_equal(f(rng.normal(size=(3, 4))), [3, 4])
    if fast_run(mode):
        assert _only_shape_ops(f), op_types(f)
        assert any(isinstance(n.op, MakeVector) for n in nodes(f))
    else:
        assert any("exp" in str(n.op) for n in nodes(f))


def test_shape_entry_of_intermediate(mode, rng):
    m = T.matrix("m")
    f = compile_fn([m], (T.exp(m) + 1).shape[1])
    assert f(rng.normal(size=(3, 4))) == 4
    if fast_run(mode):
        (node,) = nodes(f)
        assert isinstance(node.op, Shape_i) and node.op.i == 1 and node.inputs[0] is f.maker.fgraph.inputs[0]


def test_shape_of_graph_input_indexed(mode):
    m = T.matrix("m")
    f = compile_fn([m], m.shape[-1])
    assert f(np.zeros((2, 5))) == 5
    if fast_run(mode):
        assert op_types(f) == ["Shape_i"]
    else:
        assert op_types(f) == ["Shape", "Subtensor"]


def test_shape_through_dot_and_reduction(mode, rng):
    x, y = T.matrix("x"), T.matrix("y")
    out = T.dot(T.tanh(x), y).sum(axis=0)
    f = compile_fn([x, y], out.shape[0])
    assert f(rng.normal(size=(2, 3)), rng.normal(size=(3, 7))) == 7
    if fast_run(mode):
        (node,) = nodes(f)
        assert isinstance(node.op, Shape_i) and node.inputs[0] is f.maker.fgraph.inputs[1]


def test_broadcastable_dim_length_is_constant(mode):
    r = T.row("r")
    f = compile_fn([r], T.exp(r).shape[0])
    assert f(np.zeros((1, 3))) == 1
    if fast_run(mode):
        assert op_types(f) == ["DeepCopyOp"]


def test_shape_i_of_shape_used_in_alloc(mode, rng):
    x = T.matrix("x")
    z = T.zeros((T.exp(x).shape[0], 2))
    f = compile_fn([x], z)
    assert f(rng.normal(size=(4, 3))).shape == (4, 2)
    if fast_run(mode):
        assert not any("exp" in str(n.op) for n in nodes(f))


def test_reshape_to_shape_of_intermediate(mode, rng):
    x, y = T.matrix("x"), T.vector("y")
    f = compile_fn([x, y], T.reshape(y, (T.exp(x) * 2).shape))
    out = f(rng.normal(size=(2, 3)), np.arange(6.0))
    np.testing.assert_array_equal(out, np.arange(6.0).reshape(2, 3))
    if fast_run(mode):
        assert not any("exp" in str(n.op) for n in nodes(f))


def test_shape_slice_of_intermediate(mode, rng):
    t = T.tensor3("t")
    f = compile_fn([t], T.exp(t).shape[1:])
    np.testing.assert_array_equal(f(rng.normal(size=(2, 3, 4))), [3, 4])
    if fast_run(mode):
        assert not any("exp" in str(n.op) for n in nodes(f))


def test_shape_of_a_vector_intermediate(mode):
    v = T.vector("v")
    f = compile_fn([v], T.exp(v).shape)
    out = f(np.zeros(3))
    np.testing.assert_array_equal(out, [3])
    assert out.dtype == np.int64


def test_value_of_intermediate_still_checked_when_computed(mode):
    """The shape rewrite only removes computations nobody else needs."""
    x, y = T.vector("x"), T.vector("y")
    s = x + y
    f = compile_fn([x, y], [s, s.shape[0]])
    with pytest.raises(ValueError, match="mis-match"):
        f(np.zeros(2), np.zeros(3))


class _NoShape(Op):
    """An op without infer_shape: the lifting stops at it."""

    def make_node(self, x):
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0].copy()


def test_lifting_stops_at_op_without_infer_shape(mode):
    x = T.vector("x")
    f = compile_fn([x], T.exp(_NoShape()(x)).shape[0])
    assert f(np.zeros(4)) == 4
    if fast_run(mode):
        assert op_types(f) == ["_NoShape", "Shape_i"]


@pytest.mark.single_mode
def test_shape_rewrites_are_tagged():
    from transpile.graph.rewriting import rewrite_db
    for name in ("local_shape_i_lift", "local_shape_subtensor", "local_shape_to_make_vector"):
        tags = rewrite_db[name].tags
        assert {"shape", "fast_run", "canonicalize"} <= tags and "fast_compile" not in tags
    assert Shape and Shape_i
