"""Generated code has no undefined behaviour on representative graphs: `ubsan_graphs.py` runs in a
subprocess whose native builds add `-fsanitize=undefined -fno-sanitize-recover=all` through
`config.cxxflags` (and `config.blas=builtin`, so the built-in product kernel is checked too)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.single_mode

ROOT = Path(__file__).resolve().parents[2]


def test_representative_graphs_are_clean_under_ubsan(tmp_path):
    flags = f"compiledir={tmp_path},cxxflags=-fsanitize=undefined -fno-sanitize-recover=all,blas=builtin"
    env = dict(os.environ, TRANSPILE_FLAGS=flags, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
               UBSAN_OPTIONS="print_stacktrace=1")
    result = subprocess.run([sys.executable, str(Path(__file__).with_name("ubsan_graphs.py"))], env=env,
                            capture_output=True, text=True, timeout=900)
    assert "runtime error" not in result.stderr, result.stderr[-6000:]
    assert result.returncode == 0, result.stderr[-6000:]
    assert "ubsan graphs: OK" in result.stdout
    assert "-fsanitize=undefined" in "".join(p.read_text() for p in tmp_path.glob("graphs/*/build.log"))
