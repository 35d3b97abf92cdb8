"""Gradient-only ops in the native backend: zero_grad / disconnected_grad lowered as views (a
graph compiled without rewrites keeps them), and JacobianOp run on the host between native
segments."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.compile.native_helpers import assert_same, compare
from transpile.compile.mode import Mode
from transpile.compile.native import SegmentedExecutor
from transpile.gradient import _GradientBarrier, disconnected_grad, jacobian, zero_grad
from transpile.jacobian_op import JacobianOp

pytestmark = pytest.mark.single_mode


def test_gradient_barriers_without_rewrites_are_views(rng):
    x, m = T.vector("x"), T.matrix("m")
    outputs = [T.exp(zero_grad(x)) * disconnected_grad(x), zero_grad(m.T), disconnected_grad(x)]
    f = transpile.function([x, m], outputs, mode=Mode("native", None))
    assert sum(isinstance(n.op, _GradientBarrier) for n in f.maker.fgraph.toposort()) == 4
    xv, mv = rng.normal(size=4), rng.normal(size=(2, 3))
    got = f(xv, mv)
    for g, want in zip(got, [np.exp(xv) * xv, mv.T, xv]):
        assert_same(g, want)
    assert got[2] is not xv


def test_jacobian_runs_on_the_host_between_native_segments(rng):
    x, w = T.vector("x"), T.matrix("w")
    y = T.tanh(T.dot(w, x)) * 2
    out = T.sum(jacobian(y, x) * 3, axis=0) + x
    f = compare([x, w], [out, y], [[rng.normal(size=3), rng.normal(size=(4, 3))],
                                   [rng.normal(size=2), rng.normal(size=(5, 2))]])
    plan = f.executor.plan
    assert isinstance(f.executor, SegmentedExecutor)
    assert [p[0] for p in plan] == ["native", "host", "native"]
    assert isinstance(plan[1][1].op, JacobianOp)
