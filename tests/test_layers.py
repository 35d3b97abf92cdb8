"""The package's layers (DESIGN.md) hold: graph < scalar < tensor < sparse < printing < gradient
< emit < compile < gradcheck/jacobian < export, checked by import-linter with the contract in
pyproject.toml, which counts imports inside functions too (no import dodges a cycle)."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.single_mode

ROOT = Path(__file__).resolve().parents[1]


def test_imports_respect_the_layers():
    program = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    out = subprocess.run([program, "--config", str(ROOT / "pyproject.toml")], capture_output=True, text=True,
                         cwd=ROOT)
    assert out.returncode == 0, out.stdout[-6000:] + out.stderr[-2000:]
    assert "1 kept, 0 broken" in out.stdout
