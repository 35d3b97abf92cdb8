"""ifelse: values against numpy, several outputs, nesting, with OpFromGraph, laziness (only the
branch taken runs, unlike switch), gradients, shapes, errors and debugprint."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile import function
from transpile.compile.builders import OpFromGraph
from transpile.gradient import DisconnectedInputError, verify_grad
from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.ifelse import IfElse, LazyIfElse, ifelse
from transpile.printing import debugprint


class Counted(Op):
    """Identity that counts its runs (a user op: it runs on the host in every mode)."""

    __props__ = ("label",)
    runs = {}

    def __init__(self, label):
        self.label = label

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        Counted.runs[self.label] = Counted.runs.get(self.label, 0) + 1
        output_storage[0][0] = np.array(inputs[0], copy=True)

    def infer_shape(self, node, input_shapes):
        return input_shapes


def _vg(fn, *points):
    verify_grad(fn, list(points), rng=np.random.default_rng(5))


def _op_names(f):
    return [type(n.op).__name__ for n in f.maker.fgraph.toposort()]


def test_only_the_branch_taken_runs_unlike_switch(rng):
    """The tutorial's example: ifelse(lt(a, b), mean(x), mean(y)) computes one mean, switch
    computes both."""
    a, b = T.scalar("a"), T.scalar("b")
    x, y = T.matrix("x"), T.matrix("y")
    lazy = ifelse(T.lt(a, b), T.mean(Counted("then")(x)), T.mean(Counted("else")(y)))
    eager = T.switch(T.lt(a, b), T.mean(Counted("s_then")(x)), T.mean(Counted("s_else")(y)))
    f = function([a, b, x, y], [lazy, eager])
    xv, yv = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    Counted.runs.clear()
    got = f(1.0, 2.0, xv, yv)
    np.testing.assert_allclose(got, [xv.mean(), xv.mean()])
    assert Counted.runs == {"then": 1, "s_then": 1, "s_else": 1}
    Counted.runs.clear()
    got = f(3.0, 2.0, xv, yv)
    np.testing.assert_allclose(got, [yv.mean(), yv.mean()])
    assert Counted.runs == {"else": 1, "s_then": 1, "s_else": 1}
    assert "IfElse" not in _op_names(f) and "LazyIfElse" in _op_names(f)


def test_several_outputs_nested_and_any_condition_dtype(rng):
    """One compiled function: two outputs, an ifelse nested in a branch, a value shared by both
    branches (kept outside), integer and boolean conditions."""
    c, k = T.iscalar("c"), T.bscalar("k")
    x, y = T.vector("x"), T.vector("y")
    twice = x * 2.0
    first, second = ifelse(c, [T.exp(x), twice + 1.0], [y * 3.0, twice - 1.0])
    nested = ifelse(T.gt(c, 0), ifelse(k, T.sum(x), T.sum(y)), T.prod(y))
    by_bool = ifelse(T.lt(T.sum(x), 0), x, y)
    f = function([c, k, x, y], [first, second, nested, by_bool])
    xv, yv = rng.standard_normal(4), rng.standard_normal(4)
    for cv, kv in [(2, 1), (0, 1), (-1, 0), (1, 0)]:
        got = f(cv, kv, xv, yv)
        expected = [np.exp(xv) if cv else yv * 3.0, xv * 2 + 1 if cv else xv * 2 - 1,
                    (xv.sum() if kv else yv.sum()) if cv > 0 else yv.prod(), xv if xv.sum() < 0 else yv]
        for g, e in zip(got, expected):
            np.testing.assert_allclose(g, e, rtol=1e-12)
            assert g.dtype == np.float64


def test_ifelse_inside_op_from_graph_and_back(rng):
    c, x = T.scalar("c"), T.vector("x")
    inner = OpFromGraph([c, x], [ifelse(T.gt(c, 0.5), T.exp(x), -x)], name="pick")
    d, v = T.scalar("d"), T.vector("v")
    out = ifelse(T.gt(d, 0.5), inner(d, v) + 1.0, T.zeros_like(v))
    f = function([d, v], out)
    vv = rng.standard_normal(3)
    np.testing.assert_allclose(f(1.0, vv), np.exp(vv) + 1.0)
    np.testing.assert_allclose(f(0.25, vv), np.zeros(3))
    np.testing.assert_allclose(f(0.75, vv), np.exp(vv) + 1.0)


def test_float_condition_nan_is_true_and_python_branches():
    c, x = T.scalar("c"), T.vector("x")
    f = function([c, x], ifelse(c, x, 0.0 * x + 7))
    np.testing.assert_allclose(f(np.nan, np.ones(2)), np.ones(2))
    np.testing.assert_allclose(f(0.0, np.ones(2)), [7.0, 7.0])
    g = function([c], ifelse(c, 1.5, T.constant(2.5)))
    assert g(1.0) == 1.5 and g(0.0) == 2.5


def test_gradients(rng):
    def pick(a, b):
        return ifelse(T.gt(T.sum(a), 0), a * b, T.sin(b) * 2.0)

    positive, negative = np.abs(rng.standard_normal(3)) + 0.1, -np.abs(rng.standard_normal(3)) - 0.1
    _vg(pick, positive, rng.standard_normal(3))
    _vg(pick, negative, rng.standard_normal(3))
    _vg(lambda a, b: ifelse(T.lt(T.sum(b), 0), [a * 2.0, b], [b, a ** 2])[1] * 3.0,
        rng.standard_normal(3), np.abs(rng.standard_normal(3)))


def test_gradient_values_and_condition_is_disconnected():
    c, x, y = T.scalar("c"), T.vector("x"), T.vector("y")
    cost = T.sum(ifelse(c, x ** 2, y * 3.0))
    gx, gy = T.grad(cost, [x, y])
    f = function([c, x, y], [gx, gy])
    xv = np.array([1.0, -2.0])
    np.testing.assert_allclose(f(1.0, xv, xv), [2 * xv, [0.0, 0.0]])
    np.testing.assert_allclose(f(0.0, xv, xv), [[0.0, 0.0], [3.0, 3.0]])
    with pytest.raises(DisconnectedInputError):
        T.grad(cost, c)
    zero = T.grad(cost, c, disconnected_inputs="ignore")
    assert function([c, x, y], zero, on_unused_input="ignore")(1.0, xv, xv) == 0.0


@pytest.mark.single_mode
def test_shapes_where_branches_agree_need_no_branch():
    c, x, y = T.scalar("c"), T.matrix("x"), T.matrix("y")
    same = ifelse(c, T.exp(x), x * 2.0)
    different = ifelse(c, x, y[1:])
    f = function([c, x, y], same.shape, mode="FAST_RUN", on_unused_input="ignore")
    assert not any("IfElse" in name for name in _op_names(f))
    assert list(f(1.0, np.ones((2, 3)), np.ones((4, 3)))) == [2, 3]
    g = function([c, x, y], different.shape, mode="FAST_RUN")
    assert list(g(1.0, np.ones((2, 3)), np.ones((4, 3)))) == [2, 3]
    assert list(g(0.0, np.ones((2, 3)), np.ones((4, 3)))) == [3, 3]


def test_errors():
    c, x, v = T.scalar("c"), T.matrix("x"), T.vector("v")
    with pytest.raises(TypeError, match="condition must be a scalar"):
        ifelse(v, x, x)
    with pytest.raises(TypeError, match="same number"):
        ifelse(c, [x, x], [x])
    with pytest.raises(TypeError, match="both be lists"):
        ifelse(c, [x], x)
    with pytest.raises(TypeError, match="output 0.*same dtype and number of dimensions"):
        ifelse(c, x, v)
    with pytest.raises(TypeError, match="output 1.*float64.*int32"):
        ifelse(c, [x, v], [x, T.ivector("i")])
    with pytest.raises(TypeError, match="empty"):
        ifelse(c, [], [])
    f = function([c, x, v], ifelse(c, x + v, x))  # a shape error only in the branch taken
    assert f(0.0, np.ones((2, 3)), np.ones(4)).shape == (2, 3)
    with pytest.raises(ValueError):
        f(1.0, np.ones((2, 3)), np.ones(4))


@pytest.mark.single_mode
def test_debugprint_of_a_lazy_function():
    a, b = T.scalar("a"), T.scalar("b")
    f = function([a, b], ifelse(T.lt(a, b), T.exp(a), b), mode="FAST_COMPILE")
    (node,) = [n for n in f.maker.fgraph.toposort() if isinstance(n.op, LazyIfElse)]
    assert isinstance(node.op, LazyIfElse)
    assert debugprint(f, file="str") == (
        "LazyIfElse [id A] ''   1\n"
        " |Elemwise{lt,no_inplace} [id B] ''   0\n"
        " | |a [id C]\n"
        " | |b [id D]\n"
        " |a [id C]\n"
        " |b [id D]\n"
        "\n"
        "Inner graphs:\n"
        "\n"
        "LazyIfElse [id A]\n"
        " >then:\n"
        " >Elemwise{exp,no_inplace} [id E] ''\n"
        " > |a [id F]\n"
        " >else:\n"
        " >b [id G]\n")
    z = ifelse(T.lt(a, b), a, b, name="choose")
    assert isinstance(z.owner.op, IfElse) and str(z.owner.op) == "if{choose}"
