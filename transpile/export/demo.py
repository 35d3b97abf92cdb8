"""The export part of `python -m transpile.demo`: a logistic-regression training step compiled
natively, exported as a standalone project, built, and trained for the same number of steps
in-process, through the runner (a subprocess with no Python) and through the re-imported
module; the three end with the same weights."""
import json
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

STEPS = 100


def run(section):
    section("Native code and export: a training step deployed with no Python")
    from transpile.compile.cache import BuildError
    from transpile.export.examples import logreg_step
    try:
        _run(logreg_step)
    except (BuildError, OSError, ImportError) as err:
        print(f"skipped: the native toolchain is not available here ({type(err).__name__}: {str(err)[:300]})")


def _run(logreg_step):
    times = {}
    start = time.perf_counter()
    example = logreg_step(mode="NATIVE")
    times["compile natively (transpile.function, mode NATIVE)"] = time.perf_counter() - start
    step = example.function
    X, y = example.example_inputs
    w = step.maker.shared_inputs[0]

    directory = Path(tempfile.mkdtemp(prefix="transpile-demo-")) / example.name
    start = time.perf_counter()
    project = example.export(directory)  # copies w and b as they are now (untrained)
    times["export (write the CMake project)"] = time.perf_counter() - start
    start = time.perf_counter()
    project.build()
    times["build the export (cmake + ninja, with its Python module)"] = time.perf_counter() - start
    print(f"exported to {project.path} (graph {project.graph_hash}); built in {project.build_dir}")

    start = time.perf_counter()
    for _ in range(STEPS):
        cost, error = step(X, y)
    times[f"{STEPS} steps in-process (native function)"] = time.perf_counter() - start
    print(f"in-process: cost {float(cost):.6f}, training error {float(error):.3f} after {STEPS} steps")

    outdir = project.build_dir / "demo-run"
    start = time.perf_counter()
    out = subprocess.run([str(project.runner), "--output-dir", str(outdir), "--repeat", str(STEPS), "--save-shared",
                          "--time", f"X={project.path / 'tests' / 'inputs' / 'X.npy'}",
                          f"y={project.path / 'tests' / 'inputs' / 'y.npy'}"],
                         capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    times[f"{STEPS} steps through the runner (one process, no Python)"] = time.perf_counter() - start
    if out.returncode != 0:
        raise OSError(f"the runner failed: {out.stderr}")
    per_call = json.loads(out.stdout.strip().splitlines()[-1])["median_s"]
    runner_w = np.load(outdir / "w.npy")
    print(f"runner:     cost {float(np.load(outdir / 'cost.npy')):.6f}; |w - in-process w| = "
          f"{np.abs(runner_w - w.get_value()).max():.1e}; median step {per_call * 1e6:.1f} us")

    start = time.perf_counter()
    module = project.load()
    times["import the built module"] = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(STEPS):
        cost, error = module.run(X, y)
    times[f"{STEPS} steps through the re-imported module"] = time.perf_counter() - start
    print(f"module:     cost {float(cost):.6f}; |w - in-process w| = "
          f"{np.abs(module.get_value('w') - w.get_value()).max():.1e}")
    print("timings:")
    for what, seconds in times.items():
        print(f"  {seconds * 1e3:9.1f} ms  {what}")
    print(f"the project is left in {project.path}: see its README.md (C ABI, find_package, runner, pip install)")
