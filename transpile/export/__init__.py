"""`transpile.export`: a compiled graph as a standalone CMake project (see DESIGN.md, "The export
contract", and the README.md written into every project).

    project = transpile.export(f, "out/logreg", "logreg")      # f: a compiled function
    project = transpile.export([y], "out/k", "k", inputs=[x])   # or outputs + inputs/updates
    project.build().load().run(x_value)

Modules: `names` (project names, identifiers), `source` (the graph and its ports), `golden`
(example inputs, reference outputs), `programs` (the generated C++), `project` (all files),
`build` (`ExportedProject`: cmake, install, import).

`transpile.export` is this package, made callable: `transpile.export(...)` is `export(...)`.
"""
import hashlib
import json
import os
import sys
import types
from pathlib import Path

from transpile.compile.function import Function
from transpile.export import golden, programs, project, source
from transpile.export.build import ExportedProject
from transpile.export.names import check_project_name

TARGETS = ("cpu", "cuda")

__all__ = ["ExportedProject", "export", "render_files"]


def render_files(function_or_outputs, name, target="cpu", inputs=None, updates=None, example_inputs=None):
    """(files, graph hash) of the project `export` would write: {relative path: str or bytes}."""
    check_project_name(name)
    if target not in TARGETS:
        raise ValueError(f"export: target must be one of {', '.join(map(repr, TARGETS))}, got {target!r}")
    if isinstance(function_or_outputs, Function):
        if inputs is not None or updates is not None:
            raise TypeError("export: inputs= and updates= are taken from the compiled function; "
                            "pass them only with outputs")
        src = source.from_function(function_or_outputs)
    else:
        src = source.from_outputs(function_or_outputs, inputs, updates)
    generated = programs.build(src, name, target)
    values, guessed = golden.example_values(src, example_inputs)
    vectors = golden.reference(src, values, guessed)
    from transpile.printing import debugprint
    graph_text = debugprint(src.function, file="str")
    vectors = None if vectors is None else (values, *vectors)
    return project.files(src, name, generated, vectors, graph_text, target), generated.graph_hash


#: the list of files an export wrote, so that exporting again replaces exactly those
MANIFEST = ".transpile-export.json"


def export(function_or_outputs, directory, name, target="cpu", inputs=None, updates=None, example_inputs=None):
    """Write the project `name` computing `function_or_outputs` into `directory`.

    `function_or_outputs`: a compiled `Function` (its optimized graph, inputs, outputs and
    updates) or outputs (a variable or a list) with `inputs=` and `updates=` as for `function`.
    `example_inputs`: values for the golden vectors (a list in input order or a dict by name);
    by default test values, else random values of the shapes the graph implies (without golden
    vectors, and a warning, when the graph rejects those). `directory` must be empty or absent,
    or hold an earlier export and nothing else (its `build/` folder aside): the files that export
    wrote (listed in its `.transpile-export.json`) are replaced; any other file is an error
    naming it. Returns an `ExportedProject`."""
    files, hash_ = render_files(function_or_outputs, name, target, inputs, updates, example_inputs)
    directory = Path(directory)
    _prepare(directory, files)
    digest = hashlib.sha256()
    for rel, content in files.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        digest.update(rel.encode() + b"\0" + data + b"\0")
        path = directory / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    manifest = {"generator": "transpile.export", "name": name, "graph": hash_, "files": sorted(files)}
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return ExportedProject(directory, name, hash_, digest.hexdigest())


def _present_files(directory):
    """Relative paths (posix) of the files under `directory`, its top-level build/ aside."""
    found = []
    for dirpath, dirnames, filenames in os.walk(directory):
        rel_dir = Path(dirpath).relative_to(directory)
        if rel_dir == Path("."):
            dirnames[:] = [d for d in dirnames if d != "build"]
        dirnames.sort()
        found += [(rel_dir / f).as_posix() for f in sorted(filenames)]
        found += [(rel_dir / d).as_posix() + "/" for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
    return found


def _prepare(directory, files):
    """Make `directory` ready for writing `files`: absent, empty, or holding only files an
    earlier export wrote (which are removed); refuse, naming them, when other files are there.
    An export made before manifests existed is recognized by its CMakeLists.txt header, and
    then only the files about to be rewritten count as its own."""
    if not directory.exists():
        return
    if not directory.is_dir():
        raise ValueError(f"export: {directory} exists and is not a directory")
    present = _present_files(directory)
    if not present:
        return
    written = None
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("generator") == "transpile.export":
            written = set(manifest["files"]) | set(files) | {MANIFEST}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        marker = directory / "CMakeLists.txt"
        head = marker.read_text(encoding="utf-8", errors="replace")[:200] if marker.is_file() else ""
        if "generated by transpile" in head:
            written = set(files)
    if written is None:
        raise ValueError(f"export: {directory} is not empty and does not hold an exported project (no "
                         f"{MANIFEST}); choose an empty or new directory. It holds: {_listing(present)}")
    foreign = [rel for rel in present if rel not in written]
    if foreign:
        raise ValueError(f"export: {directory} holds files the earlier export did not write; move them away "
                         f"or choose another directory (nothing was changed): {_listing(foreign)}")
    for rel in present:
        (directory / rel).unlink()
    for dirpath, _dirnames, _filenames in os.walk(directory, topdown=False):  # children first
        path = Path(dirpath)
        if path != directory and path.relative_to(directory).parts[0] != "build" and not any(path.iterdir()):
            path.rmdir()


def _listing(paths, limit=10):
    shown = ", ".join(paths[:limit])
    return shown + (f" and {len(paths) - limit} more" if len(paths) > limit else "")


class _CallableModule(types.ModuleType):
    def __call__(self, *args, **kwargs):
        return export(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
