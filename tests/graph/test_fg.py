"""FunctionGraph: cloning, clients, replace (with type checks), features."""
import numpy as np
import pytest

import transpile.tensor as T
from transpile.compile.executor import PerformExecutor
from transpile.graph import Apply, FunctionGraph, MissingInputError, Op
from transpile.graph.rewriting import rewrite_graph

pytestmark = pytest.mark.single_mode


def run(fg, *values):
    return PerformExecutor(fg)(list(values))


def make():
    x, y = T.vector("x"), T.vector("y")
    e = T.exp(x)
    out = e * y + e
    return x, y, e, out


def test_clone_and_structure():
    x, y, e, out = make()
    fg = FunctionGraph([x, y], [out])
    assert fg.inputs[0] is not x and fg.inputs[0].name == "x"
    assert fg.outputs[0] is not out
    assert len(fg.toposort()) == 3 and fg.apply_nodes == fg.toposort()
    assert fg.memo[x] is fg.inputs[0]
    exp_node = fg.toposort()[0]
    assert len(fg.clients(exp_node.outputs[0])) == 2
    assert fg.clients(fg.outputs[0]) == [("output", 0)]
    assert exp_node in fg and fg.inputs[0] in fg
    np.testing.assert_allclose(run(fg, np.zeros(2), np.ones(2))[0], [2.0, 2.0])
    same = FunctionGraph([x, y], [out], clone=False)
    assert same.outputs[0] is out


def test_missing_input():
    x, y, e, out = make()
    with pytest.raises(MissingInputError, match="y"):
        FunctionGraph([x], [out])


def test_replace():
    x, y, e, out = make()
    fg = FunctionGraph([x, y], [out])
    fx, fy = fg.inputs
    e2 = fg.toposort()[0].outputs[0]
    fg.replace(e2, fx * 2, reason="test")
    assert not any(str(n.op).startswith("Elemwise{exp") for n in fg.toposort())
    np.testing.assert_allclose(run(fg, np.ones(2), np.ones(2))[0], [4.0, 4.0])
    fg.replace(fg.outputs[0], fy, reason="output")
    assert fg.outputs[0] is fy and fg.toposort() == []


def test_replace_type_checks():
    x, y, e, out = make()
    fg = FunctionGraph([x, y], [out])
    fx = fg.inputs[0]
    target = fg.toposort()[0].outputs[0]
    with pytest.raises(TypeError, match=r"cannot replace .*TensorType\(float64, vector\).*matrix"):
        fg.replace(target, T.matrix())
    with pytest.raises(TypeError, match="float32"):
        fg.replace(target, T.cast(fx, "float32"), reason="bad_cast")
    with pytest.raises(TypeError, match="bad_cast"):
        fg.replace(target, T.cast(fx, "float32"), reason="bad_cast")
    # a broadcastable vector may replace a vector: it is converted
    b = T.TensorType("float64", (True,))("b")
    fg2 = FunctionGraph([x, y, b], [out], clone=False)
    fg2.replace(e, b + 0.0)
    assert fg2.outputs[0].type == out.type


def test_replace_with_foreign_variable():
    x, y, e, out = make()
    fg = FunctionGraph([x, y], [out])
    with pytest.raises(MissingInputError):
        fg.replace(fg.toposort()[0].outputs[0], T.vector("stranger"))


def test_features_see_changes():
    class Recorder:
        def __init__(self):
            self.attached, self.changes = False, []

        def on_attach(self, fgraph):
            self.attached = True

        def on_change_input(self, fgraph, node, i, old, new, reason):
            self.changes.append((node, i, reason))

    x, y, e, out = make()
    fg = FunctionGraph([x, y], [out])
    rec = Recorder()
    fg.attach_feature(rec)
    assert rec.attached
    fg.replace(fg.toposort()[0].outputs[0], fg.inputs[0], reason="why")
    assert len(rec.changes) == 2 and all(r == "why" for _, _, r in rec.changes)


def test_clone_of_fgraph():
    x, y, e, out = make()
    fg = FunctionGraph([x, y], [out])
    fg2, equiv = fg.clone()
    assert fg2.inputs[0] is not fg.inputs[0] and equiv[fg.inputs[0]] is fg2.inputs[0]
    fg2.replace(fg2.toposort()[0].outputs[0], fg2.inputs[0])
    assert len(fg.toposort()) == 3  # the original is untouched


def test_multi_output_node():
    class Two(Op):
        def make_node(self, a):
            return Apply(self, [a], [a.type(), a.type()])

        def perform(self, node, inputs, out):
            out[0][0] = inputs[0] + 1
            out[1][0] = inputs[0] - 1

    x = T.vector("x")
    a, b = Two()(x)
    fg = FunctionGraph([x], [b * a])
    assert len(fg.toposort()) == 2
    np.testing.assert_allclose(run(fg, np.array([2.0]))[0], [3.0])


def _client_snapshot(fg):
    return {id(v): sorted((id(n), i) for n, i in fg.clients(v)) for v in fg.variables}


def test_clients_kept_up_to_date_through_a_whole_rewrite_match_a_fresh_walk():
    """The client map is updated by each edit, not recomputed; after every replacement the
    FAST_RUN rewrites make on a gradient graph it must equal the map a fresh walk builds."""
    x, W = T.matrix("x"), T.matrix("W")
    parts = T.split(T.tanh(T.dot(x, W)), [1, 2], 2, axis=0)
    cost = T.sum(parts[1] ** 2) + T.sum(T.exp(parts[0]) * 0 + parts[0])
    fg = FunctionGraph([x, W], [cost, *T.grad(cost, [x, W])])
    mismatches, edits = [], []

    class Check:
        def on_change_input(self, fgraph, node, i, old, new, reason):
            kept = _client_snapshot(fgraph)
            fresh, _ = fgraph.clone()  # a clone's map comes from a walk of the edited graph
            edits.append(reason)
            if sorted(map(len, kept.values())) != sorted(map(len, _client_snapshot(fresh).values())):
                mismatches.append(reason)
            fgraph.invalidate()  # and the same graph, walked again, must agree exactly
            if _client_snapshot(fgraph) != kept:
                mismatches.append(reason)

    fg.attach_feature(Check())
    rewrite_graph(fg, ["fast_run"])
    assert len(edits) > 20 and mismatches == []


def test_a_replacement_reading_a_stranger_leaves_the_graph_unchanged():
    x, y, e, out = make()
    fg = FunctionGraph([x, y], [out])
    before = _client_snapshot(fg)
    with pytest.raises(MissingInputError, match="stranger"):
        fg.replace(fg.toposort()[0].outputs[0], T.exp(fg.inputs[0]) + T.vector("stranger"))
    assert _client_snapshot(fg) == before
