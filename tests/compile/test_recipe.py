"""Graph libraries are built by replaying the commands CMake chose for a probe of their project
(learned once per recipe, with a precompiled header of the standard headers): every graph of
the same kind shares one recipe (a graph with products learns it while it is rewritten), the
replayed build gives the right numbers, a missing
precompiled header only costs speed, and the project on disk still builds with CMake alone."""
import json
import os
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile import config
from transpile.compile import cache, native, recipe, units

pytestmark = pytest.mark.single_mode


def _recipes(root):
    return sorted(p for p in (root / "recipes").iterdir() if (p / "recipe.json").exists())


def _wait_for_pch(home, seconds=120, variant="std"):
    """A precompiled header is compiled in the background after the first build that wants it."""
    gch = home / "pch" / f"transpile_{variant}.h.gch"
    deadline = time.monotonic() + seconds
    while not gch.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert gch.is_file(), "the precompiled header was never written"
    return gch


def test_graphs_share_one_recipe_and_use_the_precompiled_header(tmp_path):
    with config.change_flags(compiledir=str(tmp_path)):
        x = T.vector("x")
        first = transpile.function([x], T.exp(x) * 2.0 + 0.5, mode="NATIVE")
        (home,) = _recipes(tmp_path)
        learned = json.loads((home / "recipe.json").read_text())
        assert all("@NAME@" in c for c in learned["commands"]) and len(learned["commands"]) == 2
        assert "-include" not in (first.executor.entry.path / "build.log").read_text()  # not waited for
        _wait_for_pch(home)
        second = transpile.function([x], T.exp(x) * 3.0 + 0.5, mode="NATIVE")
        assert f"-include {learned['pch']['std']}" in (second.executor.entry.path / "build.log").read_text()
        for f, k in ((first, 2.0), (second, 3.0)):
            np.testing.assert_allclose(f(np.arange(3.0)), np.exp(np.arange(3.0)) * k + 0.5)

        m = T.matrix("m")  # a product: the project links a BLAS, another recipe
        g = transpile.function([m], T.dot(m, m), mode="NATIVE")
        np.testing.assert_allclose(g(np.eye(3) * 2), np.eye(3) * 4)
        assert len(_recipes(tmp_path)) == 2


def test_complex_graphs_get_the_precompiled_header_with_complex_and_only_they(tmp_path):
    """Loading <complex> precompiled costs a graph as much as all the other standard headers:
    only a source that includes it gets the header that holds it."""
    with config.change_flags(compiledir=str(tmp_path)):
        z = T.cvector("z")
        first = transpile.function([z], T.exp(z) * 2, mode="NATIVE")
        (home,) = _recipes(tmp_path)
        learned = json.loads((home / "recipe.json").read_text())
        _wait_for_pch(home, variant="complex")
        assert not (home / "pch" / "transpile_std.h.gch.started").exists()  # no real graph asked for it
        second = transpile.function([z], T.exp(z) * 3, mode="NATIVE")
        log = (second.executor.entry.path / "build.log").read_text()
        assert f"-include {learned['pch']['complex']}" in log and learned["pch"]["std"] not in log
        x = T.vector("x")
        real = transpile.function([x], T.exp(x) * 3, mode="NATIVE")
        _wait_for_pch(home)
        again = transpile.function([x], T.exp(x) * 4, mode="NATIVE")
        log = (again.executor.entry.path / "build.log").read_text()
        assert f"-include {learned['pch']['std']}" in log and learned["pch"]["complex"] not in log
        values = np.array([1 + 2j, -0.5j], dtype="complex64")
        for f, k in ((first, 2), (second, 3)):
            np.testing.assert_allclose(f(values), np.exp(values) * k, rtol=1e-6)
        for f, k in ((real, 3), (again, 4)):
            np.testing.assert_allclose(f(np.arange(3.0)), np.exp(np.arange(3.0)) * k)


def test_in_process_libraries_link_with_gold_where_the_compiler_has_it(tmp_path):
    """Linking is a tenth of a small graph's build, and gold does it 2.5x faster than BFD ld;
    an exported project keeps the default linker (tests/export/test_export_embed.py checks that
    its library exports only the C ABI)."""
    with config.change_flags(compiledir=str(tmp_path)):
        x = T.vector("x")
        f = transpile.function([x], x * 2, mode="NATIVE")
        (home,) = _recipes(tmp_path)
        (link,) = [c for c in json.loads((home / "recipe.json").read_text())["commands"] if " -c " not in c]
        assert ("-fuse-ld=gold" in link) == (shutil.which("ld.gold") is not None)
        np.testing.assert_allclose(f(np.arange(3.0)), np.arange(3.0) * 2)


@pytest.mark.parametrize("prefix, level", [(recipe.BACKGROUND, 10), (recipe.BESIDE, 6)])
def test_lowered_builds_run_at_their_nice_level_in_their_own_session(prefix, level):
    """Builds run in sessions of their own; with autogroups a nice value alone ranks a process
    only inside its session, so the prefix lowers the session's priority as well."""
    assert prefix, "`nice` is part of coreutils: the build machine has it"
    probe = "nice; cat /proc/self/autogroup 2>/dev/null || echo no autogroups"
    out = subprocess.run([*prefix, "/bin/sh", "-c", probe], capture_output=True, text=True, check=True,
                         start_new_session=True).stdout.splitlines()
    assert int(out[0]) == min(19, os.nice(0) + level)  # relative to the caller's own nice value
    assert out[1] == "no autogroups" or out[1].endswith(f" nice {level}")
    own = Path("/proc/self/autogroup")
    if own.exists():  # the caller's own session keeps its priority
        assert not own.read_text().strip().endswith(f" nice {level}")


def test_a_graph_with_products_learns_its_recipe_while_it_is_rewritten(tmp_path, monkeypatch):
    """function() starts learning the recipe of graphs with products before rewriting (native.
    warm_up): the recipe learned ahead is the one the graph is then built with, learned once."""
    configures = []
    execute = cache._execute

    def counting(command, deadline=None, cwd=None):
        if "-S" in command:
            configures.append(threading.current_thread().name)
        return execute(command, deadline, cwd)

    monkeypatch.setattr(cache, "_execute", counting)
    with config.change_flags(compiledir=str(tmp_path)):
        m = T.matrix("m")
        f = transpile.function([m], T.tanh(T.dot(m, m)) + 1, mode="NATIVE")
        a = np.arange(9.0).reshape(3, 3) / 10
        np.testing.assert_allclose(f(a), np.tanh(a @ a) + 1)
        assert len(_recipes(tmp_path)) == 1
        assert configures == ["transpile-recipe"]  # ahead, in its thread: not again by the build
        assert str(tmp_path) in native._warmed


def test_a_missing_precompiled_header_only_costs_time(tmp_path):
    with config.change_flags(compiledir=str(tmp_path)):
        x = T.vector("x")
        transpile.function([x], x + 1, mode="NATIVE")
        (home,) = _recipes(tmp_path)
        _wait_for_pch(home).unlink()
        f = transpile.function([x], x * 7 - 1, mode="NATIVE")
        np.testing.assert_allclose(f(np.arange(4.0)), np.arange(4.0) * 7 - 1)
        assert "-include" not in (f.executor.entry.path / "build.log").read_text()


def test_the_cached_project_still_builds_with_cmake(tmp_path):
    with config.change_flags(compiledir=str(tmp_path / "cache")):
        x = T.vector("x")
        f = transpile.function([x], T.sqrt(x) + 2, mode="NATIVE")
        project = f.executor.entry.project
        build = tmp_path / "by-hand"
        for command in (cache._configure_command(project, build, []), [cache.cmake_program(), "--build", str(build)]):
            out = subprocess.run(command, capture_output=True, text=True)
            assert out.returncode == 0, out.stdout + out.stderr
        assert list(build.glob("libtg_*.so"))


def test_paths_with_spaces_are_built_by_cmake_itself(tmp_path):
    assert not recipe.usable({"CMakeLists.txt": "project(x LANGUAGES CXX)\n"}, [tmp_path / "a b"])
    spaced = tmp_path / "with space"
    with config.change_flags(compiledir=str(spaced)):
        x = T.vector("x")
        f = transpile.function([x], x * 3, mode="NATIVE")
        np.testing.assert_allclose(f(np.ones(2)), [3.0, 3.0])
        assert not (spaced / "recipes").exists()
    shutil.rmtree(spaced)


def _wait_for_units(root, count, seconds=120):
    """Units missing when a graph was built are compiled after it, in a thread."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        entries = [e for kind, e, _ in cache.entries() if kind == "units" and e is not None]
        if len(entries) >= count:
            return entries
        time.sleep(0.1)
    raise AssertionError(f"expected {count} runtime units in {root}/units")


def test_runtime_units_are_built_once_and_linked_into_every_graph(tmp_path):
    """The first graph has the runtime's unit and the kernels it calls of the other units
    (-DTRANSPILE_<UNIT>_LOCAL: none is built yet) compiled in one source beside its own, which
    declares them `extern`; the units are built after it, and the next graphs link all of them:
    their own compile is only the graph's code."""
    with config.change_flags(compiledir=str(tmp_path)):
        m = T.matrix("m")
        first = transpile.function([m], T.nnet.softmax(T.dot(m, m.T)) * 2.0, mode="NATIVE")
        log = (first.executor.entry.path / "build.log").read_text()
        for unit in ("COPY", "BLAS", "SOFTMAX"):
            assert f"-DTRANSPILE_{unit}_LOCAL=1" in log
        compiles = [line for line in log.splitlines() if line.startswith("$") and " -c " in line]
        (graph,) = [line for line in compiles if "transpile_kernels.cpp" not in line]
        (beside,) = [line for line in compiles if "transpile_kernels.cpp" in line]
        assert graph.split(" -include ")[1].split()[0].endswith("/transpile_kernels.h")
        assert "nice -n 6" in beside and "transpile_kernels.cpp.o" in log and "transpile_runtime.cpp.o" not in log
        units = _wait_for_units(tmp_path, 4)
        assert sorted(e.artifact.name for e in units) == ["transpile_blas.cpp.o", "transpile_copy.cpp.o",
                                                          "transpile_runtime.cpp.o", "transpile_softmax.cpp.o"]
        second = transpile.function([m], T.nnet.softmax(T.dot(m, m.T)) * 3.0, mode="NATIVE")
        log = (second.executor.entry.path / "build.log").read_text()
        assert "_LOCAL" not in log
        assert len([line for line in log.splitlines() if line.startswith("$") and " -c " in line]) == 1  # the graph's
        for e in units:
            assert str(e.artifact) in log  # linked
        x = np.random.default_rng(0).standard_normal((4, 3))
        z = x @ x.T
        expected = np.exp(z - z.max(axis=1, keepdims=True))
        expected /= expected.sum(axis=1, keepdims=True)
        for f, k in ((first, 2.0), (second, 3.0)):
            np.testing.assert_allclose(f(x), expected * k, rtol=1e-12)
        assert len([kind for kind, _, _ in cache.entries() if kind == "units"]) == 4  # one per unit


def test_a_first_graph_compiles_the_kernels_it_calls_beside_itself(tmp_path):
    """Every kernel the rules record is instantiated beside the first graph of a compiledir and
    declared `extern` in its own source (products through Dot, Dot22, Gemv, Ger and Gemm,
    softmax along the last and another axis, copies between dtypes); a call no rule recorded
    (sort's copies) is compiled in the graph's own source. Each result against numpy."""
    rng = np.random.default_rng(1)
    a, b, c = rng.standard_normal((4, 3)), rng.standard_normal((3, 5)), rng.standard_normal((4, 5))
    u, v = rng.standard_normal(4), rng.standard_normal(3)
    with config.change_flags(compiledir=str(tmp_path)):
        A, B, C, U, V = T.dmatrix("A"), T.dmatrix("B"), T.dmatrix("C"), T.dvector("U"), T.dvector("V")
        outputs = [T.nnet.softmax(T.dot(A, B)), T.nnet.logsoftmax(A, axis=0), T.dot(V, B), U + 2 * T.dot(A, V),
                   T.outer(U, V) + A, C + 3 * T.dot(A, B[:, ::-1]), T.cast(A, "float32").sum(axis=0), T.sort(A, axis=0),
                   T.dot(T.cast(A, "float32"), T.cast(B, "float32"))]
        f = transpile.function([A, B, C, U, V], outputs, mode="NATIVE")
        source = next(f.executor.entry.path.glob("project/src/tg_*.cpp")).read_text()
        assert {"Dot22", "Gemv", "Ger", "Gemm", "Softmax", "LogSoftmax", "SortOp"} <= set(re.findall(r"node \d+: (\w+)", source))
        log = (f.executor.entry.path / "build.log").read_text()
        assert "transpile_kernels.cpp" in log and " -include " in log
        got = f(a, b, c, u, v)
    e = np.exp(a @ b - (a @ b).max(axis=1, keepdims=True))
    expected = [e / e.sum(axis=1, keepdims=True), a - np.log(np.exp(a).sum(axis=0, keepdims=True)), v @ b, u + 2 * a @ v,
                np.outer(u, v) + a, c + 3 * a @ b[:, ::-1], a.astype("float32").sum(axis=0), np.sort(a, axis=0),
                a.astype("float32") @ b.astype("float32")]
    for g, x in zip(got, expected):
        assert g.dtype == x.dtype
        np.testing.assert_allclose(g, x, rtol=1e-5, atol=1e-6)


def test_the_next_graphs_link_the_runtime_compiled_beside_the_first(tmp_path, monkeypatch):
    """The runtime's unit compiled with a first graph's kernels stands in for the unit in the
    next graphs of the process until the unit is built: they do not compile it again."""
    monkeypatch.setattr(units, "_build_later", lambda *args: None)  # the units stay unbuilt
    rng = np.random.default_rng(2)
    a = rng.standard_normal((3, 4))
    with config.change_flags(compiledir=str(tmp_path)):
        m = T.matrix("m")
        first = transpile.function([m], T.nnet.softmax(T.dot(m, m.T)), mode="NATIVE")
        log = (first.executor.entry.path / "build.log").read_text()
        assert '"transpile_runtime.cpp"' not in log and "transpile_kernels.cpp" in log
        second = transpile.function([m], T.dot(m.T, m) * 2, mode="NATIVE")
        log = (second.executor.entry.path / "build.log").read_text()
        assert "transpile_runtime.cpp" not in log and "/transpile-runtime-" in log
        assert not [e for kind, e, _ in cache.entries() if kind == "units"]
        np.testing.assert_allclose(second(a), a.T @ a * 2)
        e = np.exp(a @ a.T - (a @ a.T).max(axis=1, keepdims=True))
        np.testing.assert_allclose(first(a), e / e.sum(axis=1, keepdims=True))


def test_the_kernels_beside_a_graph_are_declared_extern_for_its_own_source(tmp_path):
    """recipe.write_kernels: the header repeats the graph source's includes and declares each
    kernel `extern`; the source instantiates each (with the runtime's unit, when asked)."""
    graph = '#include "tg_a.h"\n#include "transpile_runtime.h"\n\nnamespace {\n#include "not_an_include.h"\n'
    header = recipe.write_kernels(tmp_path, graph, ["void tr::f<int>(int)"], with_runtime=True)
    assert header == tmp_path / "transpile_kernels.h"
    lines = header.read_text().splitlines()
    assert lines[2:] == ["#pragma once", '#include "tg_a.h"', '#include "transpile_runtime.h"',
                         "extern template void tr::f<int>(int);"]
    source = (tmp_path / "transpile_kernels.cpp").read_text().splitlines()
    assert source[2:] == ['#include "tg_a.h"', '#include "transpile_runtime.h"', '#include "transpile_runtime.cpp"',
                          "template void tr::f<int>(int);"]
    recipe.write_kernels(tmp_path, graph, ["void tr::f<int>(int)"])
    assert '#include "transpile_runtime.cpp"' not in (tmp_path / "transpile_kernels.cpp").read_text()


def test_a_broken_runtime_unit_is_rebuilt(tmp_path):
    with config.change_flags(compiledir=str(tmp_path)):
        x = T.vector("x")
        transpile.function([x], x + 1, mode="NATIVE")
        (runtime,) = [e for kind, e, _ in cache.entries() if kind == "units" and e.artifact.name.startswith("transpile_runtime")]
        runtime.artifact.write_bytes(b"not an object")
        f = transpile.function([x], x * 5 + 1, mode="NATIVE")
        np.testing.assert_allclose(f(np.arange(3.0)), np.arange(3.0) * 5 + 1)
        assert cache.read_entry(runtime.path) is not None


def test_learning_ahead_holds_the_recipe_until_its_thread_has_learned_it(tmp_path):
    """recipe.learn_ahead writes the probe on the calling thread and hands only the configure to
    its thread; a second start does nothing, and load_or_learn of the same recipe waits for it
    rather than configuring again."""
    files = {"CMakeLists.txt": "project(tg_a LANGUAGES CXX)\n", "src/tg_a.cpp": "// the graph\n"}
    ran = []

    def configure(source, build):
        return ["cmake", "-S", str(source), "-B", str(build)]

    def run(command, cwd):
        ran.append(command[0])
        if command[0] == "cmake":
            build = Path(command[-1])
            build.mkdir(parents=True)
            (build / "CMakeCache.txt").write_text("CMAKE_MAKE_PROGRAM:FILEPATH=ninja\n")
            return True, ""
        source = Path(command[2]).parent / "project"
        return True, f"c++ -O2 -o x.o -c {source}/src/{recipe.PROBE_NAME}.cpp\n"

    started = []
    for _ in range(2):
        recipe.learn_ahead(tmp_path, files, [], "toolchain", configure, run, started.append)
    assert len(started) == 1 and ran == []
    (work,) = tmp_path.iterdir()
    probe = (work / "probe" / "project" / "CMakeLists.txt").read_text()
    assert probe.startswith(f"project({recipe.PROBE_NAME} ")

    learned = []
    waiter = threading.Thread(target=lambda: learned.append(
        recipe.load_or_learn(tmp_path, files, [], "toolchain", configure, run)))
    waiter.start()
    waiter.join(0.3)
    assert waiter.is_alive() and not learned  # the recipe is being learned: it waits
    started[0]()
    waiter.join(30)
    assert ran == ["cmake", "ninja"]  # configured once, by the thread
    assert learned[0]["commands"] == ["c++ -O2 -o x.o -c @SOURCE@/src/@NAME@.cpp"]
