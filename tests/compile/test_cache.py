"""The native build cache: concurrent builds of one graph, broken entries rebuilt, management
commands, and what a failing build reports."""
import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile import config
from transpile.__main__ import main
from transpile.compile import cache
from transpile.compile.cache import BuildError
from transpile.emit import register_lowering
from transpile.emit.registry import LOWERINGS
from transpile.graph import Apply, Op

pytestmark = pytest.mark.single_mode

ROOT = Path(__file__).resolve().parents[2]


def unique_function(scale=None):
    """A function no other test (or run) has built: a fresh literal in its code."""
    scale = scale if scale is not None else 1.0 + uuid.uuid4().int % 10**9 / 10**12
    x = T.vector("x")
    return transpile.function([x], T.exp(x) * scale, mode="NATIVE"), scale


SCRIPT = """
import sys, numpy as np, transpile, transpile.tensor as T
x = T.vector("x")
f = transpile.function([x], T.exp(x) * float(sys.argv[1]), mode="NATIVE")
print(f.executor.entry.path, float(f(np.zeros(2))[0]))
"""


def test_two_processes_building_the_same_graph_both_succeed():
    scale = 1.0 + uuid.uuid4().int % 10**9 / 10**12
    env = dict(os.environ, TRANSPILE_FLAGS=f"compiledir={config.compiledir}")
    procs = [subprocess.Popen([sys.executable, "-c", SCRIPT, repr(scale)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT) for _ in range(2)]
    results = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, results):
        assert p.returncode == 0, err
    paths = {out.split()[0] for out, _ in results}
    assert len(paths) == 1 and all(float(out.split()[1]) == scale for out, _ in results)
    assert cache.read_entry(paths.pop()) is not None


def test_broken_entries_are_rebuilt():
    f, scale = unique_function()
    entry = f.executor.entry
    with open(entry.artifact, "ab") as lib:  # corrupt the library (appending: it stays loaded here)
        lib.write(b"\0garbage\0")
    assert cache.read_entry(entry.path) is None
    g, _ = unique_function(scale)
    assert g.executor.entry.path == entry.path and cache.read_entry(entry.path) is not None
    assert g(np.zeros(1))[0] == scale
    (entry.path / "manifest.json").unlink()  # a half-written entry: no manifest
    h, _ = unique_function(scale)
    assert json.loads((h.executor.entry.path / "manifest.json").read_text())["key"] == entry.path.name


def test_list_and_clear(tmp_path):
    with config.change_flags(compiledir=str(tmp_path)):
        for kind, key in [("graphs", "ab" * 32), ("caller", "cd" * 32)]:
            path = tmp_path / kind / key
            (path / "lib").mkdir(parents=True)
            (path / "lib" / "libx.so").write_bytes(b"binary")
            manifest = {"key": key, "artifact": "lib/libx.so", "size": 6, "description": f"fake {kind}",
                        "sha256": cache._sha256(path / "lib" / "libx.so"), "created": 0}
            (path / "manifest.json").write_text(json.dumps(manifest))
        (tmp_path / "graphs" / ("ef" * 32)).mkdir()  # broken: no manifest
        out = io.StringIO()
        main(["cache", "list"], out=out)
        text = out.getvalue()
        assert "fake graphs" in text and "fake caller" in text and "BROKEN" in text and "3 entries" in text
        out = io.StringIO()
        main(["cache", "clear"], out=out)
        assert "removed 3 entries" in out.getvalue()
        assert cache.entries() == []
    result = subprocess.run([sys.executable, "-m", "transpile", "cache", "list"], capture_output=True, text=True,
                            cwd=ROOT, env=dict(os.environ, TRANSPILE_FLAGS=f"compiledir={tmp_path}"))
    assert result.returncode == 0 and "(empty)" in result.stdout


class BrokenCode(Op):
    """An op whose lowering writes invalid C++ (to see what a failing build reports)."""

    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type()])


def test_a_failing_build_reports_the_compiler_and_the_project(capsys, monkeypatch):
    @register_lowering(BrokenCode)
    def lower_broken(lc, node):
        lc.emit(f"this_is_not_cpp {uuid.uuid4().hex};")
        lc.alloc(node.outputs[0], f"{lc.name(node.inputs[0])}.shape")

    monkeypatch.setattr(cache, "PROGRESS_DELAY", 0.0)
    try:
        x = T.vector("x")
        with pytest.raises(BuildError) as info:
            transpile.function([x], BrokenCode()(x), mode="NATIVE")
    finally:
        del LOWERINGS["cpp"][BrokenCode]
    message = str(info.value)
    assert "this_is_not_cpp" in message and "error" in message
    project = info.value.project_path
    assert f"generated project: {project}" in message and project.is_dir()
    assert "this_is_not_cpp" in next((project / "src").glob("tg_*.cpp")).read_text()
    assert "transpile: compiling graph" in capsys.readouterr().err  # the progress line
