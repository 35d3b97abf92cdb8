"""Exports of graphs with inner graphs (ifelse, OpFromGraph, scan): the branches, the op's graph
and the loop's step are C++ functions of the exported source, so the project builds, its golden
vectors pass (runner and ctest), and the runner takes either branch or runs the loop with no
Python."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.export.conftest import build_once
from tests.export.export_helpers import as_list, assert_same, run_runner, save_inputs
from tests.export.test_export_runner import _ctest
from transpile.compile.builders import OpFromGraph
from transpile.ifelse import ifelse

pytestmark = [pytest.mark.single_mode, pytest.mark.slow]


def _branchy():
    c, x, y = T.scalar("c"), T.vector("x"), T.vector("y")
    a, b = T.vector("a"), T.vector("b")
    affine = OpFromGraph([a, b], [T.tanh(a) * 2.0 + b], name="affine")
    then_value = affine(x, y) + T.sum(x)
    else_value = ifelse(T.lt(T.sum(y), 0), y * 3.0, T.exp(y))  # nested: the else branch has its own
    picked = ifelse(T.gt(c, 0), then_value, else_value)
    return transpile.function([c, x, y], [picked, affine(y, x)], mode="FAST_RUN")


def _inputs(c, n=5, seed=3):
    rng = np.random.default_rng(seed)
    return [np.float64(c), rng.standard_normal(n), rng.standard_normal(n)]


def test_ifelse_and_op_from_graph_export_and_run_without_python(tmp_path):
    project = build_once("inner_graphs", lambda d: transpile.export(_branchy(), d, "branchy",
                                                                    example_inputs=_inputs(1.0)))
    f = _branchy()
    names = ["c", "x", "y"]
    cases = [_inputs(1.0), _inputs(-1.0, n=7, seed=4), _inputs(0.0, n=3, seed=5)]
    cases[2][2] = -np.abs(cases[2][2])  # else branch, then the nested branch with sum(y) < 0
    cases[1][2] = np.abs(cases[1][2])   # else branch, the nested one's other side
    module = project.load()
    for k, values in enumerate(cases):
        out = run_runner(project, ["--output-dir", tmp_path / f"out{k}",
                                   *save_inputs(tmp_path, names, values)])
        assert out.returncode == 0, out.stderr
        want = as_list(f(*values))
        for j, output_name in enumerate(module.output_names):
            assert_same(np.load(tmp_path / f"out{k}" / f"{output_name}.npy"), want[j], f"case {k} {output_name}")
            assert_same(as_list(module.run(*values))[j], want[j], f"module, case {k} {output_name}")
    golden = run_runner(project, ["--output-dir", tmp_path / "golden", "--expect", project.path / "tests" / "expected",
                                  *[f"{n}={project.path / 'tests' / 'inputs' / (n + '.npy')}" for n in names]])
    assert golden.returncode == 0, golden.stderr


def _rnn():
    """A tanh RNN (scan), its cost and the gradient (a backward scan) of the cost."""
    x, W, h0 = T.matrix("x"), T.matrix("W"), T.vector("h0")
    h, _ = transpile.scan(lambda xt, hp: T.tanh(T.dot(hp, W) + xt), sequences=x, outputs_info=h0)
    cost = T.sum(h[-1] ** 2) + T.mean(h)
    gW, gh0 = T.grad(cost, [W, h0])
    return transpile.function([x, W, h0], [h, cost, gW, gh0], mode="FAST_RUN")


def _rnn_inputs(steps, n=4, seed=3):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1, 1, size=(steps, n)), rng.uniform(-0.8, 0.8, size=(n, n)), rng.uniform(-1, 1, size=n)]


def test_scan_and_its_gradient_export_and_run_without_python(tmp_path):
    project = build_once("scan_rnn", lambda d: transpile.export(_rnn(), d, "rnn", example_inputs=_rnn_inputs(5)))
    f = _rnn()
    names = ["x", "W", "h0"]
    module = project.load()
    for k, values in enumerate([_rnn_inputs(5), _rnn_inputs(9, seed=4), _rnn_inputs(1, seed=5)]):
        out = run_runner(project, ["--output-dir", tmp_path / f"out{k}", *save_inputs(tmp_path, names, values)])
        assert out.returncode == 0, out.stderr
        want = as_list(f(*values))
        for j, output_name in enumerate(module.output_names):
            assert_same(np.load(tmp_path / f"out{k}" / f"{output_name}.npy"), want[j], f"case {k} {output_name}")
            assert_same(as_list(module.run(*values))[j], want[j], f"module, case {k} {output_name}")
    ctest = _ctest(project)
    assert ctest.returncode == 0, ctest.stdout + ctest.stderr
    assert "100% tests passed" in ctest.stdout
    bad = _rnn_inputs(3)
    bad[2] = np.zeros(5)  # h0 of the wrong length: a clear failure, no signal
    out = run_runner(project, ["--output-dir", tmp_path / "bad", *save_inputs(tmp_path, names, bad)])
    assert out.returncode != 0 and out.returncode < 128 and out.stderr.strip()
