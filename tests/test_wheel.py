"""transpile installed from its wheel, as a user gets it: the wheel is built from this checkout,
installed into a new virtual environment outside it, and a script run from an unrelated
directory compiles a graph natively, calls it, exports it and builds the exported project. This
catches what an editable checkout hides (templates, cmake modules or the caller's source missing
from the wheel). The environment sees the already-installed dependencies (no downloads); the
script checks that transpile itself comes from the venv."""
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.single_mode, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = textwrap.dedent("""
    import sys
    import numpy as np
    import transpile
    import transpile.tensor as T

    assert transpile.__file__.startswith(sys.prefix), transpile.__file__
    x = T.matrix("x")
    W = transpile.shared(np.arange(12.0).reshape(4, 3) / 10, name="W")
    f = transpile.function([x], T.nnet.softmax(T.tanh(T.dot(x, W))), mode="FAST_RUN")
    X = np.ones((2, 4))
    h = np.tanh(X @ W.get_value())
    want = np.exp(h) / np.exp(h).sum(axis=1, keepdims=True)
    assert type(f).__name__ == "NativeFunction"
    assert np.allclose(f(X), want)
    project = transpile.export(f, "exported", "wheel_mlp").build(python=False)
    import os, subprocess, cmake
    out = subprocess.run([os.path.join(cmake.CMAKE_BIN_DIR, "ctest"), "--test-dir", str(project.build_dir)],
                         capture_output=True, text=True)
    print(out.stdout[-2000:], out.stderr[-2000:])
    print("ok", project.path, out.returncode)
""")


def test_wheel_installs_and_compiles_outside_the_checkout(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels),
                    str(ROOT)], check=True, capture_output=True)
    (wheel,) = wheels.glob("transpile-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for needed in ("transpile/cmake/FindTranspileBLAS.cmake", "transpile/templates/caller/transpile_caller.c",
                   "transpile/templates/graph.cpp.j2", "transpile/templates/export/CMakeLists.txt.j2"):
        assert needed in names, f"{needed} is not in the wheel"

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel)], check=True, capture_output=True)

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {"PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path),
           "TRANSPILE_FLAGS": f"compiledir={tmp_path / 'cache'}"}
    out = subprocess.run([str(python), "-c", SCRIPT], cwd=work, capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    word, path, ctest_status = out.stdout.split()[-3:]
    assert word == "ok" and (work / path / "CMakeLists.txt").is_file()
    assert ctest_status == "0", out.stdout  # the golden vectors guessed from the graph pass
