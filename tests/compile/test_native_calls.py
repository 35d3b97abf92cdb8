"""Calling native functions: shared variables and updates, argument validation (the same
errors as the reference path), fast paths for scalars, output ownership, host-only ops between
native segments, and the error for an op without a lowering."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.compile.native_helpers import assert_same

pytestmark = pytest.mark.single_mode


def test_shared_variables_and_updates(rng):
    W0 = rng.normal(size=(3, 2))
    w = transpile.shared(W0.copy(), name="w")
    count = transpile.shared(np.int64(0), name="count")
    x, y = T.matrix("x"), T.matrix("y")
    cost = T.sum((T.dot(x, w) - y) ** 2)
    grad = 2 * T.dot(x.T, T.dot(x, w) - y)
    step = transpile.function([x, y], cost, updates=[(w, w - 0.01 * grad), (count, count + 1)], mode="NATIVE")
    X, Y = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    expected = W0.copy()
    for _ in range(3):
        c = step(X, Y)
        assert c == pytest.approx(np.sum((X @ expected - Y) ** 2))
        expected = expected - 0.01 * 2 * X.T @ (X @ expected - Y)
    np.testing.assert_allclose(w.get_value(), expected)
    assert count.get_value() == 3
    w.set_value(np.zeros((3, 2)))
    assert step(X, Y) == pytest.approx(np.sum(Y ** 2))
    only_updates = transpile.function([], [], updates=[(count, count * 2)], mode="NATIVE")
    assert only_updates() == [] and count.get_value() == 8


def test_input_validation_matches_the_reference():
    x, y = T.matrix("x"), T.row("y")
    native = transpile.function([x, y], x + y, mode="NATIVE", name="f")
    reference = transpile.function([x, y], x + y, mode="FAST_COMPILE", name="f")
    bad_calls = [
        ((np.ones((2, 3), "float32"), np.ones((1, 3))), {}),   # upcast is fine
        ((np.ones((2, 3)), np.ones((2, 3))), {}),              # broadcastable dim of length 2
        ((np.ones(3), np.ones((1, 3))), {}),                   # wrong rank
        ((np.ones((2, 3), "int64"), np.ones((1, 3))), {}),     # int64 -> float64 may lose
        (("text", np.ones((1, 3))), {}),
        ((np.ones((2, 3)),), {}),                               # missing
        ((np.ones((2, 3)), np.ones((1, 3)), 1), {}),           # too many
        ((np.ones((2, 3)),), {"z": 1}),                         # unknown keyword
        ((np.ones((2, 3)), np.ones((1, 4))), {}),              # shapes do not match
    ]
    for args, kwargs in bad_calls:
        try:
            want = reference(*args, **kwargs)
        except (TypeError, ValueError) as err:
            with pytest.raises(type(err)) as info:
                native(*args, **kwargs)
            if isinstance(err, TypeError):
                assert str(info.value) == str(err)
            else:
                assert str(err).splitlines()[0] in str(info.value)
        else:
            assert_same(native(*args, **kwargs), want)
    assert_same(native(y=np.ones((1, 3)), x=np.ones((2, 3))), reference(np.ones((2, 3)), np.ones((1, 3))))
    assert_same(native([[1, 2, 3]], [[1.0, 2.0, 3.0]]), reference([[1, 2, 3]], [[1.0, 2.0, 3.0]]))
    big_endian = np.ones((2, 3), dtype=">f8")
    assert_same(native(big_endian, np.ones((1, 3))), reference(big_endian, np.ones((1, 3))))


def test_scalar_fast_paths_and_output_ownership():
    a, b = T.dscalar("a"), T.lscalar("b")
    f = transpile.function([a, b], [a + b, a * 2, b + 1], mode="NATIVE")
    for args in [(1.5, 2), (np.float64(1.5), np.int64(2)), (np.array(1.5), np.array(2)), (2, 3), (True, 1)]:
        got, want = f(*args), transpile.function([a, b], [a + b, a * 2, b + 1], mode="FAST_COMPILE")(*args)
        for g, w in zip(got, want):
            assert_same(g, w)
    x = T.vector("x")
    g = transpile.function([x], [x, x, x * 1, T.constant(np.arange(3.0))], mode="NATIVE")
    value = np.arange(3.0)
    r = g(value)
    assert not any(np.shares_memory(value, o) for o in r)
    assert not np.shares_memory(r[0], r[1])
    r[3][0] = 100.0
    assert g(value)[3][0] == 0.0  # constants are copied out
    # IEEE semantics kept: no -ffast-math, so loading a library did not flush denormals to zero
    assert np.array([5e-324]) * np.array([1.0]) > 0 and f(5e-324, 0)[1] == 1e-323


def test_missing_lowering_is_an_error_naming_the_op():
    """An op of transpile itself without a lowering is a build-time error (a user's op would
    run on the host instead: see test_native_check.py)."""
    from transpile.emit import LoweringError
    from transpile.graph import Apply, Op

    class Twice(Op):
        def make_node(self, x):
            x = T.as_tensor_variable(x)
            return Apply(self, [x], [x.type()])

        def perform(self, node, inputs, output_storage):
            output_storage[0][0] = inputs[0] * 2

    Twice.__module__ = "transpile.tensor.fake"
    x = T.vector("x")
    with pytest.raises(LoweringError, match=r"no native lowering for op Twice .*register_lowering\(Twice\)"):
        transpile.function([x], Twice()(x) + 1, mode="NATIVE")


def test_host_only_ops_run_between_native_segments(capsys):
    from transpile.compile.native import SegmentedExecutor
    from transpile.printing import Print
    x = T.vector("x")
    y = Print("y")(T.exp(x) * 2)
    f = transpile.function([x], [y.sum(), y + 1], mode="NATIVE")
    assert isinstance(f.executor, SegmentedExecutor)
    assert [item[0] for item in f.executor.plan] == ["native", "host", "native"]
    total, plus = f(np.zeros(3))
    assert total == 6.0 and plus.tolist() == [3.0, 3.0, 3.0]
    assert "y" in capsys.readouterr().out
