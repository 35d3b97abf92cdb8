"""Fixtures of the export tests: each example project is exported and built once per test
session (shared by the xdist workers through the session's compile directory and a lock), with
its Python module, then checked from many tests."""
import fcntl
import json
import os
import shutil
from pathlib import Path

import pytest

from transpile.export.build import ExportedProject
from transpile.export.examples import ALL

JOBS = 2


def _shared_root():
    root = Path(os.environ["TRANSPILE_TEST_COMPILEDIR"]) / "export-tests"
    root.mkdir(parents=True, exist_ok=True)
    return root


def build_once(key, make_project, python=True):
    """The ExportedProject `make_project(directory)` returns, built in the session's shared
    directory under `key` the first time any worker asks, reused afterwards."""
    root = _shared_root()
    base = root / key
    marker = base / "built.json"
    with open(root / f"{key}.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if marker.exists():
                info = json.loads(marker.read_text())
                project = ExportedProject(base / "project", info["name"], info["graph_hash"], info["digest"])
                project.build_dir, project.built_python = base / "build", info["python"]
                return project
            if base.exists():
                shutil.rmtree(base)
            project = make_project(base / "project")
            project.build(base / "build", python=python, jobs=JOBS)
            marker.write_text(json.dumps({"name": project.name, "graph_hash": project.graph_hash,
                                          "digest": project.digest, "python": python}))
            return project
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def built_examples():
    """{name: (Example, built ExportedProject)} for every example of transpile.export.examples.
    Each Example's function is fresh (its shared variables at their initial values)."""
    found = {}
    for make in ALL:
        example = make()
        found[example.name] = (example, build_once(example.name, example.export))
    return found


@pytest.fixture
def fresh_example():
    """A fresh Example by name (new shared variables, at the exported values)."""
    by_name = {make.__name__: make for make in ALL}
    return lambda name: by_name[name]()
