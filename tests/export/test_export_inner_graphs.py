"""Exports of graphs with inner graphs (ifelse, OpFromGraph): the branches and the op's graph
are C++ functions of the exported source, so the project builds, its golden vectors pass, and
the runner takes either branch with no Python."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.export.conftest import build_once
from tests.export.export_helpers import as_list, assert_same, run_runner, save_inputs
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
