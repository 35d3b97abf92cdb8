"""function(profile=True): ProfileStats per node (reference executor), per native segment and
host node, or per whole call (one native library), with an honest table header."""
import contextlib
import io

import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile import function
from transpile.compile.profiling import ProfileStats
from transpile.printing import Print


def test_profile_counts_calls_and_times_what_it_can(mode, rng):
    x, w = T.matrix("x"), T.matrix("w")
    f = function([x, w], T.tanh(T.dot(x, w)).sum(), profile=True, name="layer")
    a, b = rng.standard_normal((4, 3)), rng.standard_normal((3, 2))
    for _ in range(3):
        np.testing.assert_allclose(f(a, b), np.tanh(a @ b).sum())
    stats = f.profile
    assert isinstance(stats, ProfileStats) and stats.call_count == 3 and stats.call_time > 0
    text = stats.summary(file="str")
    assert "Time in 3 calls" in text and "Message: layer" in text and "Apply" in text and "Ops" in text
    if mode == "FAST_COMPILE":
        assert "Measured per: Apply node" in text
        ops = stats.op_time
        assert {"dot", "Elemwise{tanh,no_inplace}"} <= set(ops) and all(t >= 0 for t in ops.values())
        assert sum(stats.apply_time.values()) <= stats.call_time
    else:
        assert "per-node times are not measurable" in text
        assert list(stats.apply_time) == [label for label in stats.apply_time if label.startswith("native library")]
    out = io.StringIO()
    stats.summary(file=out)
    assert out.getvalue() == stats.summary(file="str")


def test_profile_with_host_nodes_times_segments(mode, rng):
    x = T.vector("x")
    f = function([x], T.exp(Print("p")(x * 2.0) + 1.0).sum(), profile="with print")
    a = rng.standard_normal(5)
    with contextlib.redirect_stdout(io.StringIO()):
        np.testing.assert_allclose(f(a), np.exp(a * 2 + 1).sum())
    text = f.profile.summary(file="str")
    assert "Message: with print" in text and "Print{p}" in text
    if mode == "FAST_RUN":
        assert "native segment or host node" in text and "(host)" in text
        assert any(label.startswith("native segment") for label in f.profile.apply_time)


def test_profile_argument_forms():
    x = T.scalar("x")
    stats = ProfileStats("shared")
    f = function([x], x + 1, profile=stats)
    g = function([x], x * 2, profile=stats)
    f(1.0), g(1.0)
    assert f.profile is stats and stats.call_count == 2
    assert function([x], x + 1).profile is None
    with pytest.raises(TypeError, match="profile must be"):
        function([x], x + 1, profile=3)
    assert transpile.function([x], x + 1, profile=False).profile is None
