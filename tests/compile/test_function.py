"""function(): argument handling, outputs, updates, givens, shared variables, eval."""
import warnings
from collections import OrderedDict

import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile import function, shared
from transpile.compile import UnusedInputError
from transpile.graph import MissingInputError


def test_output_structure():
    x, y = T.scalar("x"), T.scalar("y")
    single = function([x, y], x + y)
    assert isinstance(single(1.0, 2.0), np.ndarray) and single(1.0, 2.0) == 3.0
    as_list = function([x, y], [x + y, x * y])
    assert isinstance(as_list(1.0, 2.0), list) and as_list(1.0, 2.0) == [3.0, 2.0]
    one_in_list = function([x], [x * 2])
    assert one_in_list(2.0) == [4.0]
    assert function([x], [x * 2, x * 2])(1.0) == [2.0, 2.0]
    s = shared(0.0)
    assert function([], updates=[(s, s + 1)])() == []
    assert function([x], outputs=None, updates={s: s + x})(2.0) == []
    assert s.get_value() == 3.0


def test_updates_forms():
    for make in (lambda s: [(s, s + 1)], lambda s: OrderedDict([(s, s + 1)]), lambda s: {s: s + 1},
                 lambda s: (s, s + 1)):
        s = shared(np.array([1.0, 2.0]))
        f = function([], s * 2, updates=make(s))
        np.testing.assert_allclose(f(), [2.0, 4.0])
        np.testing.assert_allclose(f(), [4.0, 6.0])
        np.testing.assert_allclose(s.get_value(), [3.0, 4.0])


def test_updates_are_simultaneous_and_checked():
    a, b = shared(1.0, name="a"), shared(2.0, name="b")
    function([], updates=[(a, b), (b, a)])()
    assert (a.get_value(), b.get_value()) == (2.0, 1.0)
    x = T.scalar()
    with pytest.raises(TypeError, match="not a shared variable"):
        function([x], updates=[(x, x + 1)])
    with pytest.raises(ValueError, match="twice"):
        function([], updates=[(a, a + 1), (a, a + 2)])
    with pytest.raises(TypeError, match="cast"):
        function([], updates=[(a, T.cast(a, "int32"))])


def test_givens():
    x, y = T.scalar("x"), T.scalar("y")
    s = shared(10.0, name="s")
    f = function([y], x * 2 + s, givens={x: y + 1})
    assert f(1.0) == 14.0
    g = function([], x * 2, givens=[(x, s)])
    assert g() == 20.0
    with pytest.raises(TypeError, match="cannot replace"):
        function([], x * 2, givens={x: T.vector()})


def test_wrong_arg_count():
    x, y = T.scalar("x"), T.scalar("y")
    f = function([x, y], x + y)
    with pytest.raises(TypeError, match="2 argument"):
        f(1.0, 2.0, 3.0)
    with pytest.raises(TypeError, match="missing"):
        f(1.0)


def test_wrong_dtype_names_input():
    x = T.fvector("xf")
    f = function([x], x * 2)
    with pytest.raises(TypeError, match="xf"):
        f(np.array([1.0, 2.0]))  # float64 -> float32 loses precision
    np.testing.assert_allclose(function([x], x * 2, allow_input_downcast=True)(np.array([1.0])), [2.0])
    with pytest.raises(TypeError, match="xf"):
        f(np.ones((2, 2), dtype="float32"))
    i = T.ivector("iv")
    with pytest.raises(TypeError, match="iv"):
        function([i], i + 1)(np.array([1.5]))


def test_kwargs_by_name():
    x, y = T.scalar("x"), T.scalar("y")
    f = function([x, y], x - y)
    assert f(y=1.0, x=3.0) == 2.0
    assert f(3.0, y=1.0) == 2.0
    with pytest.raises(TypeError, match="unexpected keyword"):
        f(3.0, z=1.0)
    with pytest.raises(TypeError, match="multiple values"):
        f(3.0, x=1.0)


def test_unused_inputs():
    x, y = T.scalar("x"), T.scalar("unused")
    with pytest.raises(UnusedInputError, match="unused"):
        function([x, y], x * 2)
    assert issubclass(UnusedInputError, ValueError)
    with pytest.warns(UserWarning, match="unused"):
        f = function([x, y], x * 2, on_unused_input="warn")
    assert f(1.0, 5.0) == 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert function([x, y], x * 2, on_unused_input="ignore")(1.0, 5.0) == 2.0


def test_missing_input():
    x, y = T.scalar("x"), T.scalar("forgotten")
    with pytest.raises(MissingInputError, match="forgotten"):
        function([x], x + y)
    assert issubclass(MissingInputError, ValueError)


def test_bad_inputs_list():
    x = T.scalar()
    with pytest.raises(TypeError):
        function(x, x)
    with pytest.raises(TypeError):
        function([T.constant(1.0)], x)
    with pytest.raises(TypeError, match="shared"):
        function([shared(1.0)], x, on_unused_input="ignore")
    with pytest.raises(ValueError, match="twice"):
        function([x, x], x)


def test_shared_value_semantics():
    value = np.array([1.0, 2.0])
    s = shared(value, name="s")
    value[0] = 100.0  # shared() copied its argument
    assert s.get_value()[0] == 1.0
    got = s.get_value()
    got[0] = 50.0  # get_value() returns a copy
    assert s.get_value()[0] == 1.0
    assert s.get_value(borrow=True) is s.get_value(borrow=True)
    s.set_value(np.array([3.0, 4.0, 5.0]))  # lengths may change (dims not broadcastable)
    f = function([], s.sum())
    assert f() == 12.0
    new = np.array([1.0])
    s.set_value(new)
    new[0] = 7.0
    assert f() == 1.0
    with pytest.raises(TypeError):
        s.set_value(np.ones((2, 2)))
    i = shared(np.int32(3))
    i.set_value(5)
    assert i.get_value() == 5 and i.get_value().dtype == np.int32


def test_outputs_are_fresh_arrays():
    x = T.vector("x")
    s = shared(np.array([1.0, 2.0]))
    f = function([x], [x, s])
    xv = np.array([3.0])
    a, b = f(xv)
    a[0] = 0.0
    b[0] = 0.0
    assert xv[0] == 3.0 and s.get_value()[0] == 1.0


def test_eval():
    x, y = T.scalar("x"), T.scalar("y")
    z = x * y + 1
    assert z.eval({x: 2.0, y: 3.0}) == 7.0
    assert z.eval({x: 1.0, y: 1.0}) == 2.0
    assert T.constant(2.0).eval() == 2.0
    s = shared(np.array([1.0, 2.0]))
    np.testing.assert_allclose((s * 2).eval(), [2.0, 4.0])


def test_fgraph_is_exposed():
    x = T.scalar()
    f = function([x], T.exp(x) + 1)
    fg = f.maker.fgraph
    assert len(fg.inputs) == 1 and len(fg.outputs) == 1
    assert fg.toposort() and all(n in fg.apply_nodes for n in fg.toposort())


def test_mode_argument():
    x = T.scalar()
    for mode in ("FAST_COMPILE", "FAST_RUN", "DEBUG_MODE", transpile.compile.FAST_RUN):
        assert function([x], x + 1, mode=mode)(1.0) == 2.0
    with pytest.raises(ValueError, match="unknown mode"):
        function([x], x + 1, mode="SLOW")
