"""The native build cache: concurrent builds of one graph, broken entries rebuilt, management
commands, and what a failing build reports."""
import errno
import io
import json
import os
import shutil
import subprocess
import sys
import time
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


def test_a_manifest_naming_a_file_outside_its_entry_is_rejected_and_rebuilt(tmp_path):
    f, scale = unique_function()
    entry = f.executor.entry
    manifest_path = entry.path / "manifest.json"
    good = json.loads(manifest_path.read_text())
    forged_library = tmp_path / "elsewhere.so"  # a library with the very size and hash the manifest says
    forged_library.write_bytes(entry.artifact.read_bytes())
    for artifact in (str(forged_library), os.path.relpath(forged_library, entry.path)):
        manifest_path.write_text(json.dumps(dict(good, artifact=artifact)))
        assert cache.read_entry(entry.path) is None, artifact
    g, _ = unique_function(scale)  # the entry is moved aside and rebuilt
    rebuilt = json.loads((g.executor.entry.path / "manifest.json").read_text())
    assert g.executor.entry.path == entry.path and rebuilt["artifact"] == good["artifact"]
    assert g(np.zeros(1))[0] == scale


def test_stale_build_directories_are_removed(monkeypatch):
    tmp = Path(config.compiledir) / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    old_time = time.time() - 2 * config.build_timeout
    crashed, running, ancient = tmp / f"crashed-{uuid.uuid4().hex}", tmp / f"running-{uuid.uuid4().hex}", \
        tmp / f"ancient-{uuid.uuid4().hex}"
    for work, owner in ((crashed, dead.pid), (running, os.getppid()), (ancient, None)):
        (work / "project").mkdir(parents=True)
        if owner is not None:
            (work / "owner").write_text(f"{owner}\n")
    os.utime(ancient, (old_time, old_time))
    unique_function()  # a build cleans up first
    assert not crashed.exists() and not ancient.exists()
    assert running.exists()  # a live builder's directory (and young): left alone
    shutil.rmtree(running)


def _dead(pid):
    """True when `pid` is gone or a zombie (killed, not yet reaped by its new parent)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True


def test_a_build_past_its_timeout_is_killed_with_its_children(tmp_path):
    child_file = tmp_path / "child.pid"
    command = ["sh", "-c", f"sleep 60 & echo $! > {child_file}; wait"]
    log = []
    start = time.monotonic()
    assert cache._run(log, command, deadline=time.monotonic() + 1.0) is False
    assert time.monotonic() - start < 30 and "killed after config.build_timeout" in log[-1]
    deadline = time.monotonic() + 10
    while not _dead(int(child_file.read_text())) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _dead(int(child_file.read_text()))  # the grandchild (a compiler, in a real build) too


def test_an_interrupted_build_kills_its_process_group(tmp_path, monkeypatch):
    child_file = tmp_path / "child.pid"
    original = subprocess.Popen.communicate

    def interrupted(self, input=None, timeout=None):
        if timeout is not None:  # the build's wait (the kill's own wait has no timeout)
            while not child_file.exists() or not child_file.read_text().strip():
                time.sleep(0.01)
            raise KeyboardInterrupt
        return original(self, input, timeout)

    monkeypatch.setattr(subprocess.Popen, "communicate", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cache._run([], ["sh", "-c", f"sleep 60 & echo $! > {child_file}; wait"], deadline=time.monotonic() + 60)
    deadline = time.monotonic() + 10
    while not _dead(int(child_file.read_text())) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _dead(int(child_file.read_text()))


def test_a_full_disk_is_a_clear_error(monkeypatch):
    tmp = Path(config.compiledir) / "tmp"
    real_write = Path.write_text

    def full(self, *args, **kwargs):
        if tmp in self.parents and self.suffix in (".cpp", ".h"):
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full)
    before = set(tmp.iterdir()) if tmp.exists() else set()
    with pytest.raises(cache.CompiledirFull) as info:
        unique_function()
    message = str(info.value)
    assert f"compiledir {config.compiledir}" in message and "MiB free" in message and info.value.errno == errno.ENOSPC
    assert set(tmp.iterdir()) == before  # the half-written build directory is gone
