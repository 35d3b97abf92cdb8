"""MonitorMode calls the user's hooks around every node, with the thunk's storage cells."""
import numpy as np
import pytest

import transpile.tensor as T
from transpile import function
from transpile.compile import MonitorMode


def test_hooks_see_every_node_in_order():
    x = T.vector("x")
    seen_pre, seen_post = [], []

    def pre(i, node, fn):
        assert all(len(c) == 1 for c in fn.inputs + fn.outputs)
        assert all(c[0] is not None for c in fn.inputs)
        seen_pre.append((i, node))

    def post(i, node, fn):
        assert all(isinstance(c[0], np.ndarray) for c in fn.outputs)
        seen_post.append((i, node, [c[0].copy() for c in fn.outputs]))

    f = function([x], T.exp(x) * 2 + T.sum(x), mode=MonitorMode(pre_func=pre, post_func=post))
    out = f(np.array([0.0, 1.0]))
    nodes = f.maker.fgraph.toposort()
    assert [n for _, n in seen_pre] == nodes
    assert [i for i, _ in seen_pre] == list(range(len(nodes)))
    assert [n for _, n, _ in seen_post] == nodes
    np.testing.assert_allclose(seen_post[-1][2][0], out)
    f(np.array([0.0, 1.0]))
    assert len(seen_pre) == 2 * len(nodes)


def test_post_func_only_and_print_values(capsys):
    x = T.scalar("x")

    def show(i, node, fn):
        print(i, node.op, [c[0] for c in fn.outputs])

    f = function([x], (x + 1) * 3, mode=MonitorMode(post_func=show, optimizer="fast_compile"))
    assert f(1.0) == 6.0
    text = capsys.readouterr().out
    assert "add" in text and "mul" in text and "array(6.)" in text


def test_arguments_checked():
    with pytest.raises(TypeError):
        MonitorMode(pre_func=3)
    with pytest.raises(ValueError):
        MonitorMode(linker="native")
    MonitorMode(optimizer="default")
