"""Names in exported projects: project names are validated, user variable names sanitised into
unique identifiers, and hostile names can neither inject code nor break a string; API errors."""
import json

import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.export.export_helpers import run_runner
from transpile.export import render_files
from transpile.export.names import Namer, check_project_name, sanitize

pytestmark = pytest.mark.single_mode

HOSTILE = 'x"); abort(); /* */ #include <stdio.h> \\\n${EVIL} ```rm -rf /``` ]]'


@pytest.mark.parametrize("name", ["logreg", "MyNet2", "a_b", "k"])
def test_valid_project_names(name):
    assert check_project_name(name) == name


@pytest.mark.parametrize("name", ["", "1abc", "a-b", "a b", "ab__c", "_x", "class", "for", "test", "install",
                                  "transpile_x", "os", "json", "caf\u00e9", "a" * 49, 'x";', "x/../y", "None",
                                  "demo\n", "demo\r\n", "\ndemo", "demo\x00"])
def test_invalid_project_names(name):
    with pytest.raises(ValueError, match="export: project name"):
        check_project_name(name)


def test_project_name_must_be_a_string():
    with pytest.raises(TypeError):
        check_project_name(3)


def test_identifiers_are_sanitised_unique_and_deterministic():
    assert sanitize("W 1") == "W_1" and sanitize("1st") == "v_1st" and sanitize("class") == "class_"
    assert sanitize("a--b..c") == "a_b_c" and sanitize("\u00e9") == ""
    namer = Namer()
    got = [namer.identifier(n, f"input{k}") for k, n in enumerate(["x", "X", "x", None, "\u00e9", "W 1", "W_1"])]
    assert got == ["x", "X_2", "x_3", "input3", "input4", "W_1", "W_1_2"]


def test_hostile_names_cannot_inject(tmp_path):
    x = T.dvector(HOSTILE)
    w = transpile.shared(np.arange(3.0), name="w */ evil(); /* \"")
    y = (x * w).sum()
    y.name = HOSTILE
    z = x + 1
    z.name = "x"
    files, _ = render_files([y, z], "hostile", inputs=[x], updates=[(w, w * 2)])
    for rel, content in files.items():
        if isinstance(content, bytes) or rel == "README.md":
            continue
        code = _code_only(content) if rel.endswith((".h", ".hpp", ".cpp")) else content
        for fragment in ("abort(", "evil(", "${EVIL}", "`rm"):
            assert fragment not in code, (rel, fragment)
    readme = files["README.md"]
    fence = readme.rsplit("\n", 2)[-2]
    assert set(fence) == {"`"} and len(fence) > 3  # longer than the backticks inside the names
    project = transpile.export([y, z], tmp_path / "hostile", "hostile", inputs=[x], updates=[(w, w * 2)],
                               example_inputs=[np.ones(3)])
    project.build(tmp_path / "build", python=False, jobs=2)
    listing = run_runner(project, ["--list"]).stdout
    assert "input  x_abort_include_stdio_h_EVIL_rm_rf: float64, 1-d" in listing, listing
    assert "output x_abort_include_stdio_h_EVIL_rm_rf_2: float64, 0-d" in listing
    assert "output x: float64, 1-d" in listing and "shared w_evil: float64, 1-d" in listing, listing
    ident = "x_abort_include_stdio_h_EVIL_rm_rf"
    out = run_runner(project, ["--output-dir", tmp_path / "out", "--save-shared",
                               f"{ident}={project.path / 'tests' / 'inputs' / (ident + '.npy')}",
                               "--expect", project.path / "tests" / "expected"])
    assert out.returncode == 0, out.stderr
    np.testing.assert_array_equal(np.load(tmp_path / "out" / "w_evil.npy"), [0.0, 2.0, 4.0])


def test_control_characters_in_names_reach_no_file_unescaped():
    """A newline, terminal escape, NUL or bidi override in a variable name (shown in the README's
    graph and in comments) is written escaped: no file holds a control character but newlines."""
    nasty = "x\n# Injected heading\x1b[31m\r\x00\u202e"
    x = T.dvector(nasty)
    w = transpile.shared(np.arange(3.0), name="w\x07\n")
    y = (x * w).sum()
    y.name = "total\n```\nrm -rf /"
    files, _ = render_files([y], "controls", inputs=[x], updates=[(w, w * 2)])
    for rel, content in files.items():
        if isinstance(content, bytes):
            continue
        bad = sorted({ch for ch in content if not (ch.isprintable() or ch in "\n ")})
        assert bad == [], (rel, bad)
    readme = files["README.md"]
    assert "\n# Injected heading" not in readme and "\nrm -rf /" not in readme
    assert "x\\n# Injected heading\\x1b[31m\\r\\x00\\u202e" in readme  # escaped, still readable


def _code_only(text):
    """C/C++ `text` without its comments, string and character literals (a small lexer: what is
    left is what the compiler reads as code)."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith("//", i):
            i = text.find("\n", i) if text.find("\n", i) >= 0 else n
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            assert end >= 0, "unterminated comment"
            i = end + 2
        elif text[i] in "\"'":
            quote, i = text[i], i + 1
            while text[i] != quote:
                assert text[i] != "\n", "a literal spans lines"
                i += 2 if text[i] == "\\" else 1
            i += 1
            out.append(" ")
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def test_target_and_argument_errors(tmp_path):
    x = T.dvector("x")
    f = transpile.function([x], x * 2, mode="FAST_RUN")
    with pytest.raises(ValueError, match="target must be one of"):
        transpile.export(f, tmp_path / "c", "c", target="tpu")
    with pytest.raises(TypeError, match="taken from the compiled function"):
        transpile.export(f, tmp_path / "c", "c", inputs=[x])
    with pytest.raises(TypeError, match="expected a compiled function, a variable or a list"):
        transpile.export("x * 2", tmp_path / "c", "c")
    with pytest.raises(ValueError, match="example inputs given"):
        transpile.export(f, tmp_path / "c", "c", example_inputs=[])
    y = T.dmatrix("y")  # no example inputs: the golden input takes the width the product implies
    project = transpile.export(T.dot(y, np.ones((4, 2))), tmp_path / "implied", "c", inputs=[y])
    assert np.load(project.path / "tests" / "inputs" / "y.npy").shape == (3, 4)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="not empty and does not hold an exported project"):
        transpile.export(f, tmp_path / "busy", "c")
    assert callable(transpile.export) and transpile.export.export is not None


def test_re_export_replaces_only_what_the_earlier_export_wrote(tmp_path):
    x = T.dvector("x")
    f = transpile.function([x], x * 2, mode="FAST_RUN")
    again = tmp_path / "again"
    first = transpile.export(f, again, "again")
    manifest = json.loads((again / ".transpile-export.json").read_text())
    assert manifest["files"] == sorted(render_files(f, "again")[0]) and "CMakeLists.txt" in manifest["files"]
    (again / "build").mkdir()
    (again / "build" / "CMakeCache.txt").write_text("kept")  # the build folder is not the export's to judge
    second = transpile.export(f, again, "again")  # only exported files: replaced
    assert first.digest == second.digest and (again / "build" / "CMakeCache.txt").read_text() == "kept"
    (again / "src" / "mine.cpp").write_text("// the user's own work")
    (again / "notes.txt").write_text("mine too")
    with pytest.raises(ValueError, match=r"did not write.*nothing was changed.*notes\.txt, src/mine\.cpp"):
        transpile.export(f, again, "again")
    assert (again / "src" / "mine.cpp").exists() and (again / "CMakeLists.txt").exists()
    (again / ".transpile-export.json").unlink()  # an export older than manifests: only what is rewritten is its own
    (again / "notes.txt").unlink()
    with pytest.raises(ValueError, match=r"did not write.*: src/mine\.cpp$"):
        transpile.export(f, again, "again")
    (again / "src" / "mine.cpp").unlink()
    assert transpile.export(f, again, "again").digest == first.digest
    assert (again / ".transpile-export.json").exists()
    assert callable(transpile.export) and transpile.export.export is not None
