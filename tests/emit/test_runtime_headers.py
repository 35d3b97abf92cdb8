"""Runtime headers (transpile/templates/runtime/): each compiles on its own, the program
includes each family it uses once, in the fixed order, with the families it requires."""
import subprocess

import numpy as np
import pytest

import transpile.tensor as T
from transpile.emit import lower
from transpile.emit.render import render, runtime_header
from transpile.emit.runtime import FAMILIES, REQUIRES, RUNTIME_DIR, header_name, runtime_source
from transpile.emit.cpp.rules.random import random_constants
from transpile.graph.fg import FunctionGraph

pytestmark = pytest.mark.single_mode

#: the data of each family that is a template (.h.j2)
DATA = {"random": random_constants()}


def test_every_file_is_a_family():
    files = sorted(p.name for p in RUNTIME_DIR.iterdir())
    assert files == sorted(f"{f}.h.j2" if f in DATA else f"{f}.h" for f in FAMILIES)
    for family, required in REQUIRES.items():
        assert all(FAMILIES.index(r) < FAMILIES.index(family) for r in required), family


# what FindTranspileBLAS.cmake defines for a project with LAPACK (linalg.h refuses to compile without)
CONFIGURED = ["-DTRANSPILE_HAVE_LAPACK=1", "-DTRANSPILE_LAPACK_PREFIX=scipy_"]


def test_each_header_compiles_alone(tmp_path):
    """One g++ call; a translation unit per header that includes only that header."""
    (tmp_path / "transpile_runtime.h").write_text(runtime_header())
    units = []
    for family in FAMILIES:
        text = runtime_source(family, **DATA.get(family, {}))
        assert text.startswith(f"// {header_name(family)}: ") and "#pragma once" in text, family
        (tmp_path / header_name(family)).write_text(text)
    for header in ["transpile_runtime.h"] + [header_name(f) for f in FAMILIES]:
        unit = tmp_path / f"only_{header[:-2]}.cpp"
        unit.write_text(f'#include "{header}"\n')
        units.append(unit.name)
    for flags in ([], ["-fopenmp"]):
        done = subprocess.run(["g++", "-std=c++17", "-fsyntax-only", "-Wall", "-Wextra", "-Werror", *flags, *CONFIGURED, *units],
                              cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr


def test_plain_family_takes_no_data_and_unknown_family_is_named():
    with pytest.raises(ValueError, match="takes no data"):
        runtime_source("conv", rounds=3)
    with pytest.raises(ValueError, match="unknown runtime family 'nope'"):
        runtime_source("nope")


def test_program_includes_families_in_fixed_order():
    """Argmax of a complex matrix asks for complex_order (which requires argmax); softmax
    requires row_max; a slice asks for index; the source includes them in FAMILIES order whatever the graph order."""
    m = T.matrix("m")
    cm = T.tensor(dtype="complex128", broadcastable=(False, False), name="cm")
    project = render(lower(FunctionGraph([m, cm], [T.nnet.softmax(m), T.argmax(cm, axis=1), m[np.int64(1):]])))
    src = project.files[f"src/{project.name}.cpp"]
    expected = ["index", "argmax", "complex_order", "row_max", "softmax"]
    included = [line.split('"')[1][len("transpile_"):-2] for line in src.splitlines()
                if line.startswith('#include "transpile_') and line != '#include "transpile_runtime.h"']
    assert included == expected
    for family in expected:
        assert project.files[f"src/{header_name(family)}"] == runtime_source(family)
