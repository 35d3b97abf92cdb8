"""Theano's smaller names: `OrderedUpdates`, `pfunc`, `function_dump`, `disconnected_type`,
`is_flat`, `extract_constant`, and the functional spellings of advanced indexing
(`advanced_subtensor`, `advanced_inc_subtensor`, `advanced_set_subtensor`, their boolean twins),
the scalar ops `scalar_xlogx`, `scalar_xlogy0` (Theano's theano.tensor.xlogx), each against what Theano did
and numpy computes, in every mode."""
import pickle
import subprocess
import sys

import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile import function
from transpile.gradient import disconnected_type, grad, verify_grad
from transpile.graph.basic import Apply
from transpile.graph.op import Op


def test_ordered_updates_take_shared_keys_and_merge():
    a, b = transpile.shared(np.zeros(2), name="a"), transpile.shared(1.0, name="b")
    up = transpile.OrderedUpdates()
    up[a] = a + 1
    merged = up + [(b, b * 3)]
    assert list(merged) == [a, b] and list(up) == [a]
    assert list(([(b, b * 3)] + up)) == [b, a]  # __radd__ keeps the left operand first
    f = function([], [], updates=merged)
    f()
    f()
    np.testing.assert_array_equal(a.get_value(), [2.0, 2.0])
    assert b.get_value() == 9.0
    with pytest.raises(TypeError, match="shared variables"):
        up[T.vector()] = 1
    with pytest.raises(KeyError, match="two updates"):
        up + {a: a * 5}
    assert (up + {a: up[a]})[a] is up[a]  # the same update twice is no clash


def test_pfunc_and_function_dump(tmp_path):
    x = T.dvector("x")
    s = transpile.shared(np.ones(2), name="s")
    f = transpile.compile.pfunc([x], x * s, updates=[(s, s + x)])
    np.testing.assert_array_equal(f(np.array([2.0, 3.0])), [2.0, 3.0])
    np.testing.assert_array_equal(s.get_value(), [3.0, 4.0])
    with pytest.raises(NotImplementedError, match="output_keys"):
        transpile.compile.pfunc([x], x, output_keys=["y"])
    path = tmp_path / "dump.pkl"
    transpile.function_dump(str(path), [x], x * s + 1, name="dumped")
    code = (f"import pickle, numpy as np, transpile\n"
            f"d = pickle.load(open({str(path)!r}, 'rb'))\n"
            f"print(transpile.function(**d)(np.array([1.0, 2.0])).tolist(), d['name'])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["[4.0,", "9.0]", "dumped"]  # s's value at the dump: [3, 4]
    d = pickle.loads(path.read_bytes())
    assert set(d) >= {"inputs", "outputs", "updates", "givens", "mode"}


class HalfDisconnected(Op):
    """out = 2 * x, with `y` an input the output does not depend on."""
    __props__ = ()

    def make_node(self, x, y):
        x, y = T.as_tensor_variable(x), T.as_tensor_variable(y)
        return Apply(self, [x, y], [x.type()])

    def perform(self, node, inputs, outputs):
        outputs[0][0] = 2 * inputs[0]

    def grad(self, inputs, output_grads):
        return [2 * output_grads[0], disconnected_type()]


def test_an_op_may_say_an_input_is_disconnected():
    x, y = T.dvector("x"), T.dvector("y")
    out = HalfDisconnected()(x, y).sum()
    gx = grad(out, x)
    np.testing.assert_array_equal(function([x, y], gx, on_unused_input="ignore")(np.ones(3), np.ones(3)),
                                  [2.0, 2.0, 2.0])
    with pytest.raises(ValueError, match="disconnected|not part"):
        grad(out, y)
    assert grad(out, y, disconnected_inputs="ignore") is not None
    with pytest.raises(TypeError, match="disconnected"):
        disconnected_type.filter(1.0)


def test_is_flat_and_extract_constant():
    m = T.dmatrix()
    assert T.is_flat(T.flatten(m)) and T.is_flat(m, 2) and not T.is_flat(m) and T.is_flat(m, outdim=2)
    with pytest.raises(ValueError, match="ndim only"):
        T.is_flat(m, 1, 1)
    c = T.extract_constant(T.cast(T.constant(3), "float32"))
    assert isinstance(c, T.TensorConstant) and c.data == 3.0
    assert T.extract_constant(m) is m


def test_advanced_indexing_functions(rng):
    m, i, j, y, mask = T.dmatrix("m"), T.lvector("i"), T.lvector("j"), T.dvector("y"), T.vector("mask", dtype="bool")
    mv, iv, jv = rng.standard_normal((3, 4)), np.array([0, 2, 0]), np.array([1, 3, 1])
    yv, maskv = np.array([10.0, 20.0, 30.0]), np.array([True, False, True])
    added, replaced = mv.copy(), mv.copy()
    np.add.at(added, (iv, jv), yv)
    replaced[iv, jv] = yv
    bool_added = mv.copy()
    bool_added[maskv] += 1.0
    outs = function([m, i, j, y, mask], [T.advanced_subtensor(m, i, j), T.advanced_inc_subtensor(m, y, i, j),
                                         T.advanced_set_subtensor(m, y, i, j), T.advanced_boolean_subtensor(m, mask),
                                         T.advanced_boolean_inc_subtensor(m, 1.0, mask),
                                         T.advanced_subtensor(m, slice(1, None), j)])(mv, iv, jv, yv, maskv)
    for got, expected in zip(outs, [mv[iv, jv], added, replaced, mv[maskv], bool_added, mv[1:, jv]]):
        np.testing.assert_array_equal(got, expected)
    verify_grad(lambda a: T.advanced_subtensor(a, iv, jv) * 2, [mv], rng=rng)
    verify_grad(lambda a, b: T.advanced_inc_subtensor(a, b, iv, jv), [mv, yv], rng=rng)


def test_scalar_xlogx_and_scalar_xlogy0_are_the_scalar_ops_of_xlogx_and_xlogy0():
    import scipy.special as sp

    from transpile import scalar as S

    assert T.scalar_xlogx is S.xlogx and T.scalar_xlogy0 is S.xlogy
    assert T.xlogx.op.scalar_op is T.scalar_xlogx and T.xlogy0.op.scalar_op is T.scalar_xlogy0
    x, y = T.dvector("x"), T.dvector("y")
    xv, yv = np.array([0.0, 0.5, 2.0, 0.0]), np.array([3.0, 0.25, 7.0, 0.0])
    got = function([x, y], [T.Elemwise(T.scalar_xlogx)(x), T.Elemwise(T.scalar_xlogy0)(x, y)])(xv, yv)
    np.testing.assert_allclose(got[0], sp.xlogy(xv, xv), rtol=1e-14)
    np.testing.assert_allclose(got[1], sp.xlogy(xv, yv), rtol=1e-14)
