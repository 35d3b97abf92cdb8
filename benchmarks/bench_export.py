"""Exported-project benchmark: the runner's speed on the MLP example vs the in-process call.

    python benchmarks/bench_export.py [--batch 1024] [--calls 200] [--rounds 7]

- in-process: the MLP classifier (transpile.export.examples) compiled with mode="NATIVE", called
  from Python; the median of `--calls` calls after a warm-up;
- runner: the same graph exported and built with the native cache's compiler flags (-march=native,
  OpenMP, scipy-openblas when installed), `mlp_classifier_run --repeat N --time` on the same input
  (.npy), which times each `mlp_classifier_run` C call inside the process (no process start, no
  file I/O): the median of N calls;
- module: the exported project's Python module (`run(x)`), the median of `--calls` calls.
The three are measured in turn, `--rounds` times (the machine is shared: interleaving spreads
its load over all three); each figure is the median over rounds. Writes
benchmarks/results/export.json and prints a summary.
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def median_call(fn, calls, warmup=20):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=1024)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results" / "export.json"))
    args = parser.parse_args()

    import transpile
    from transpile.compile import native
    from transpile.export.examples import mlp_classifier

    work = Path(tempfile.mkdtemp(prefix="transpile-bench-export-"))
    with transpile.config.change_flags(compiledir=str(work / "cache")):
        example = mlp_classifier(mode="NATIVE")
        f = example.function
        x = np.random.default_rng(7).normal(size=(args.batch, 64)).astype("float32")
        in_process = median_call(lambda: f(x), args.calls)

        start = time.perf_counter()
        project = example.export(work / "mlp_classifier")
        export_s = time.perf_counter() - start
        start = time.perf_counter()
        arch = "ON" if native.NATIVE_ARCH else "OFF"
        openmp = "ON" if transpile.config.openmp == "True" else "OFF"
        project.build(work / "build", python=True,
                      cmake_args=[f"-DTRANSPILE_NATIVE_ARCH={arch}", f"-DTRANSPILE_OPENMP={openmp}"])
        build_s = time.perf_counter() - start

        np.save(work / "x.npy", x)
        env = dict(os.environ)  # the same OMP_WAIT_POLICY the in-process library runs with
        module = project.load()
        rounds = {"in_process": [], "runner": [], "module": []}
        for _ in range(args.rounds):
            rounds["in_process"].append(median_call(lambda: f(x), args.calls))
            out = subprocess.run([str(project.runner), "--output-dir", str(work / "out"), "--repeat", str(args.calls),
                                  "--time", f"x={work / 'x.npy'}"], capture_output=True, text=True, env=env, check=True)
            rounds["runner"].append(json.loads(out.stdout.strip().splitlines()[-1])["median_s"])
            rounds["module"].append(median_call(lambda: module.run(x), args.calls))
        np.testing.assert_allclose(np.load(work / "out" / "probabilities.npy"), f(x)[0], rtol=1e-5, atol=1e-6)
        in_process, runner, module_s = (statistics.median(rounds[k]) for k in ("in_process", "runner", "module"))

    result = {
        "graph": "mlp_classifier 64-128-10 (tanh, softmax, argmax), float32",
        "batch": args.batch,
        "calls": args.calls,
        "rounds": args.rounds,
        "in_process_native_median_us": round(in_process * 1e6, 2),
        "runner_median_us": round(runner * 1e6, 2),
        "per_round_us": {k: [round(v * 1e6, 1) for v in values] for k, values in rounds.items()},
        "module_median_us": round(module_s * 1e6, 2),
        "runner_vs_in_process": round(runner / in_process, 4),
        "within_5_percent": bool(runner <= 1.05 * in_process),
        "export_s": round(export_s, 3),
        "build_s": round(build_s, 2),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY")},
    }
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
