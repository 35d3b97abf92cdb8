"""The rewriting framework: merge (CSE), constant folding, registration and selection by tag."""
import numpy as np
import pytest

import transpile.tensor as T
from transpile import function
from transpile.compile import Mode
from transpile.graph import FunctionGraph
from transpile.graph.rewriting import constant_folding, merge_graph, node_rewriter, rewrite_db, rewrite_graph
from transpile.scalar import arith as S

pytestmark = pytest.mark.single_mode


@node_rewriter("test_graph_rewriting_tag", tracks=(T.Elemwise,))
def graph_test_neg_neg(fgraph, node):
    """neg(neg(x)) -> x."""
    if isinstance(node.op.scalar_op, S.Neg):
        inner = node.inputs[0].owner
        if inner is not None and isinstance(getattr(inner.op, "scalar_op", None), S.Neg):
            return [inner.inputs[0]]
    return None


def test_merge_unifies_equal_nodes_and_constants():
    x = T.scalar("x")
    a, b = T.exp(x) + 1.0, T.exp(x) + 1.0
    fg = FunctionGraph([x], [a * b])
    assert len(fg.toposort()) == 5
    assert merge_graph(fg)
    assert len(fg.toposort()) == 3
    assert not merge_graph(fg)


def test_merge_keeps_different_ops_apart():
    x = T.vector("x")
    fg = FunctionGraph([x], [T.exp(x) * T.log(x)])
    assert not merge_graph(fg) and len(fg.toposort()) == 3


def test_constant_folding():
    x = T.vector("x")
    c = T.exp(T.constant(np.array([0.0, 1.0]))) * 2.0
    fg = FunctionGraph([x], [x + c])
    rewrite_graph(fg, ["fast_compile"])
    nodes = fg.toposort()
    assert len(nodes) == 1
    folded = [i for i in nodes[0].inputs if isinstance(i, T.TensorConstant)]
    np.testing.assert_allclose(folded[0].data, np.exp([0.0, 1.0]) * 2)
    assert constant_folding.__name__ == "constant_folding"


def test_constant_folding_skips_errors_and_big_results():
    x = T.vector("x")
    big = T.constant(np.ones(10000)) * 2.0
    fg = FunctionGraph([x], [T.sum(big) + x])
    rewrite_graph(fg, ["fast_compile"])
    assert any(str(n.op).startswith("Elemwise{mul") for n in fg.toposort())


def test_registered_rewrite_selected_by_tag():
    assert rewrite_db["graph_test_neg_neg"].tags == frozenset({"test_graph_rewriting_tag"})
    x = T.vector("x")
    out = -(-x) * 2
    plain = function([x], out, mode=Mode(optimizer="fast_compile"))
    assert any(isinstance(getattr(n.op, "scalar_op", None), S.Neg) for n in plain.maker.fgraph.toposort())
    rewritten = function([x], out, mode=Mode(optimizer="fast_compile").including("test_graph_rewriting_tag"))
    assert not any(isinstance(getattr(n.op, "scalar_op", None), S.Neg)
                   for n in rewritten.maker.fgraph.toposort())
    np.testing.assert_allclose(rewritten(np.array([1.5])), [3.0])
    excluded = Mode(optimizer="fast_compile").including("test_graph_rewriting_tag").excluding("graph_test_neg_neg")
    assert any(isinstance(getattr(n.op, "scalar_op", None), S.Neg)
               for n in function([x], out, mode=excluded).maker.fgraph.toposort())


def test_duplicate_rewrite_name_rejected():
    with pytest.raises(ValueError, match="already registered"):
        node_rewriter("x", name="graph_test_neg_neg")(lambda fg, node: None)


def test_optimizer_none_keeps_graph():
    x = T.scalar("x")
    f = function([x], x / x, mode=Mode(optimizer=None))
    assert len(f.maker.fgraph.toposort()) == 1 and f(2.0) == 1.0
