"""OpFromGraph: values against numpy, several outputs, shared variables as implicit inputs,
nesting, gradients (verify_grad), inlining, shape inference, errors and debugprint."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile import function
from transpile.compile.builders import OpFromGraph
from transpile.gradient import DisconnectedInputError, verify_grad
from transpile.ifelse import ifelse
from transpile.printing import debugprint


def _vg(fn, *points):
    verify_grad(fn, list(points), rng=np.random.default_rng(3))


def _ops_in(f):
    return [type(n.op).__name__ for n in f.maker.fgraph.toposort()]


def test_values_several_outputs_nested_and_shared(rng, mode):
    """One compiled function: two outputs, the op applied twice, an op inside an op, and a
    shared variable read inside the graph (its current value flows in)."""
    x, y = T.matrix("x"), T.matrix("y")
    pair = OpFromGraph([x, y], [x + 2 * y, T.exp(x) * y], name="pair")
    w = transpile.shared(rng.standard_normal(3), name="w")
    v = T.vector("v")
    scaled = OpFromGraph([v], [v * w + T.sum(w)])
    outer = OpFromGraph([x, y], [T.sum(pair(x, y)[0] * y)], name="outer")
    assert scaled.shared_inputs == [w]

    a, b, c = T.matrix("a"), T.matrix("b"), T.vector("c")
    s, p = pair(a, b)
    s2, _ = pair(b, a)
    f = function([a, b, c], [s, p, s2, scaled(c), outer(a, b)])
    av, bv, cv = rng.standard_normal((2, 3)), rng.standard_normal((2, 3)), rng.standard_normal(3)
    got = f(av, bv, cv)
    wv = w.get_value()
    expected = [av + 2 * bv, np.exp(av) * bv, bv + 2 * av, cv * wv + wv.sum(), np.sum((av + 2 * bv) * bv)]
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-12)
        assert g.dtype == np.float64
    w.set_value(np.ones(3))
    np.testing.assert_allclose(f(av, bv, cv)[3], cv + 3.0)
    again = function([b], pair(b, b)[1])  # the inner graph is compiled once per op and mode
    np.testing.assert_allclose(again(bv), np.exp(bv) * bv)
    if mode == "FAST_COMPILE":
        assert len(pair.fn._compiled) == 1
    else:  # rewritten once, lowered into each outer graph's source: nothing compiled on its own
        assert len(pair.fn._graphs) == 1 and not pair.fn._compiled


def test_integer_and_float32_inputs(rng):
    x, k = T.fvector("x"), T.iscalar("k")
    op = OpFromGraph([x, k], [x * T.cast(k, "float32"), k + 1])
    a, j = T.fvector("a"), T.iscalar("j")
    scaled, bumped = op(a, j)
    av = rng.standard_normal(4).astype("float32")
    got = function([a, j], [scaled, bumped])(av, 3)
    np.testing.assert_allclose(got[0], av * 3, rtol=1e-6)
    assert got[0].dtype == np.float32 and got[1] == 4 and got[1].dtype == np.int32
    g = T.grad(T.sum(scaled), [a])[0]
    np.testing.assert_allclose(function([a, j], g)(av, 3), np.full(4, 3.0, "float32"))


def test_gradients(rng, mode):
    x, y = T.vector("x"), T.vector("y")
    op = OpFromGraph([x, y], [x * y + T.sin(x), T.exp(y) * 2.0])
    _vg(lambda a, b: op(a, b)[0] * op(a, b)[1], rng.standard_normal(3), rng.standard_normal(3))
    if mode == "FAST_COMPILE":  # second derivatives: the gradient op is an OpFromGraph too
        assert isinstance(op.grad_op(), OpFromGraph)
        w = transpile.shared(rng.standard_normal(3), name="w")
        with_shared = OpFromGraph([x], [T.tanh(x * w)])
        _vg(lambda a: with_shared(a) ** 2, rng.standard_normal(3))
        _vg(lambda a: T.grad(T.sum(op(a, a)[0] ** 2), a), rng.standard_normal(3))


@pytest.mark.single_mode
def test_disconnected_inputs_follow_the_inner_graph():
    x, y, c = T.vector("x"), T.vector("y"), T.scalar("c")
    op = OpFromGraph([x, y, c], [x * 2.0, ifelse(c, y, x)])
    assert op.connection_pattern(None) == [[True, True], [False, True], [False, False]]
    a, b, d = T.vector("a"), T.vector("b"), T.scalar("d")
    first, second = op(a, b, d)
    with pytest.raises(DisconnectedInputError):
        T.grad(T.sum(first), b)
    with pytest.raises(DisconnectedInputError):
        T.grad(T.sum(second), d)
    gb = T.grad(T.sum(second * 3.0), b)
    f = function([a, b, d], gb, on_unused_input="ignore", mode="FAST_COMPILE")
    np.testing.assert_allclose(f(np.ones(2), np.ones(2), 1.0), [3.0, 3.0])
    np.testing.assert_allclose(f(np.ones(2), np.ones(2), 0.0), [0.0, 0.0])


def test_inline_replaces_the_node_in_fast_run(rng, mode):
    x = T.vector("x")
    inline = OpFromGraph([x], [T.exp(x) + 1.0], inline=True)
    a = T.vector("a")
    f = function([a], inline(a) * 2.0)
    av = rng.standard_normal(5)
    np.testing.assert_allclose(f(av), (np.exp(av) + 1.0) * 2.0)
    assert ("OpFromGraph" in _ops_in(f)) == (mode == "FAST_COMPILE")


@pytest.mark.single_mode
def test_infer_shape_lifts_through_the_inner_graph(rng):
    x, n = T.matrix("x"), T.iscalar("n")
    op = OpFromGraph([x, n], [T.exp(x[1:]).T, T.alloc(0.0, n, 2)])
    a, m = T.matrix("a"), T.iscalar("m")
    first, second = op(a, m)
    f = function([a, m], [first.shape, second.shape], mode="FAST_RUN")
    assert "OpFromGraph" not in _ops_in(f)  # the shapes never run the op
    got = f(rng.standard_normal((4, 3)), 5)
    assert list(got[0]) == [3, 3] and list(got[1]) == [5, 2]
    shapes = op.infer_shape(first.owner, [(T.constant(np.int64(7)), T.constant(np.int64(2))), ()])
    assert function([m], list(shapes[0]) + list(shapes[1]), on_unused_input="ignore",
                    mode="FAST_COMPILE")(4) == [2, 6, 4, 2]


def test_errors():
    x, y = T.vector("x"), T.vector("y")
    op = OpFromGraph([x], [x * 2])
    with pytest.raises(TypeError, match="takes 1 input"):
        op(x, y)
    with pytest.raises(TypeError, match="input 0 .* has type .*expected"):
        op(T.matrix("m"))
    with pytest.raises(TypeError, match="input 0 .* has type .*expected"):
        op(T.ivector("i"))
    with pytest.raises(ValueError, match="not among the inputs"):
        OpFromGraph([x], [x + y])
    with pytest.raises(TypeError, match="list of variables"):
        OpFromGraph(x, [x * 2])
    with pytest.raises(TypeError, match="non-constant"):
        OpFromGraph([T.constant(1.0)], [x])
    with pytest.raises(ValueError, match="twice"):
        OpFromGraph([x, x], [x])
    with pytest.raises(ValueError, match="shape"):
        function([x, y], OpFromGraph([x, y], [x + y])(x, y))(np.ones(2), np.ones(3))


@pytest.mark.single_mode
def test_debugprint_shows_the_inner_graph():
    x, y = T.vector("x"), T.vector("y")
    op = OpFromGraph([x, y], [x + y], name="plus")
    a = T.vector("a")
    text = debugprint(op(a, a), file="str")
    assert text == (
        "plus{inline=False} [id A] ''\n"
        " |a [id B]\n"
        " |a [id B]\n"
        "\n"
        "Inner graphs:\n"
        "\n"
        "plus{inline=False} [id A]\n"
        " >Elemwise{add,no_inplace} [id C] ''\n"
        " > |x [id D]\n"
        " > |y [id E]\n")
