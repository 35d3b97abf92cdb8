"""Graph walking and copying: ancestors, graph_inputs, io_toposort, clone, clone_replace."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile import function
from transpile.graph import ancestors, clone, clone_get_equiv, clone_replace, graph_inputs, io_toposort
from transpile.graph import variables_between

pytestmark = pytest.mark.single_mode


def diamond():
    x, y = T.scalar("x"), T.scalar("y")
    s = T.exp(x)  # shared by both branches
    p, q = s * y, s + 1
    out = p * q
    return x, y, s, p, q, out


def test_ancestors_and_graph_inputs():
    x, y, s, p, q, out = diamond()
    anc = ancestors([out])
    assert anc[0] is out
    assert {id(v) for v in anc} >= {id(v) for v in (x, y, s, p, q)}
    assert len(anc) == len({id(v) for v in anc})
    leaves = graph_inputs([out])
    assert [v for v in leaves if v.name] == [x, y]
    assert any(isinstance(v, T.TensorConstant) for v in leaves)
    # blockers stop the walk
    assert graph_inputs([out], blockers=[s])[0] is s
    assert x not in graph_inputs([out], blockers=[s])


def test_io_toposort_order():
    x, y, s, p, q, out = diamond()
    order = io_toposort([x, y], [out])
    pos = {id(n): k for k, n in enumerate(order)}
    for node in order:
        for i in node.inputs:
            if i.owner is not None:
                assert pos[id(i.owner)] < pos[id(node)]
    assert order[-1] is out.owner and len(order) == 4
    # deterministic: same graph, same order
    assert [str(n) for n in io_toposort([x, y], [out])] == [str(n) for n in order]
    # inputs stop the sort
    assert io_toposort([s], [q]) == [q.owner]
    assert len(variables_between([x, y], [out])) == len({id(v) for v in variables_between([x, y], [out])})


def test_clone_is_independent():
    x, y, s, p, q, out = diamond()
    (x2, y2), (out2,) = clone([x, y], [out])
    assert x2 is not x and out2 is not out and out2.owner is not out.owner
    assert x not in ancestors([out2])
    assert function([x2, y2], out2)(0.5, 2.0) == function([x, y], out)(0.5, 2.0)
    equiv = clone_get_equiv([x, y], [out])
    assert equiv[s] is not s and equiv[s].owner.op == s.owner.op
    (x3, _), _ = clone([x, y], [out], copy_inputs=False)
    assert x3 is x


def test_clone_replace_diamond():
    x, y, s, p, q, out = diamond()
    z = T.scalar("z")
    new = clone_replace(out, {x: z})
    assert x not in ancestors([new]) and z in ancestors([new])
    xv, yv = 0.3, 1.7
    assert np.isclose(function([z, y], new)(xv, yv), function([x, y], out)(xv, yv))
    # the original graph is untouched
    assert x in ancestors([out])


def test_clone_replace_keeps_unchanged_subgraphs():
    x, y, s, p, q, out = diamond()
    y2 = T.scalar("y2")
    new_p, new_q = clone_replace([p, q], [(y, y2)])
    assert new_q is q  # does not depend on y: kept as is
    assert new_p is not p and new_p.owner.inputs[0] is s


def test_clone_replace_intermediate_and_values():
    x, y, s, p, q, out = diamond()
    replaced = clone_replace(out, {s: T.constant(2.0)})
    assert function([y], replaced)(3.0) == (2.0 * 3.0) * (2.0 + 1)
    # python values become constants
    assert function([y], clone_replace(p, {s: 4.0}))(0.5) == 2.0


def test_clone_replace_type_check():
    x = T.vector("x")
    with pytest.raises(TypeError, match="cannot replace"):
        clone_replace(x * 2, {x: T.matrix()})
    with pytest.raises(TypeError, match="cannot replace"):
        clone_replace(x * 2, {x: T.ivector()})
    # a more specific type (broadcastable) may stand in
    r = T.TensorType("float64", (True,))("r")
    out = clone_replace(x * 2, {x: r})
    assert out.type == (x * 2).type
    np.testing.assert_allclose(function([r], out)(np.array([3.0])), [6.0])


def test_givens_use_clone_replace():
    x = T.vector("x")
    s = transpile.shared(np.array([1.0, 2.0]))
    f = function([], T.sum(x * 2), givens={x: s})
    assert f() == 6.0


def test_clone_replace_with_expression_of_itself():
    x = T.scalar("x")
    out = clone_replace(T.exp(x) + x, {x: x * 2})
    assert np.isclose(function([x], out)(1.0), np.exp(2.0) + 2.0)
