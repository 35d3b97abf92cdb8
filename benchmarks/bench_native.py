"""Native backend benchmarks: call overhead, cold and warm compile time, cmake phases.

    python benchmarks/bench_native.py            # prints a table, writes benchmarks/results/native.json

- call overhead: `f(x, y) = x + y` on float64 scalars (Python floats, numpy scalars, 0-d arrays),
  median of many calls, native vs the reference executor;
- cold: `function()` + first call of an MLP 784-500-10 SGD training step (float32, batch 256) in a
  new process with an empty compiledir (the caller extension is built too);
- warm: the same in a new process with the cache filled;
- cmake: configure and build of that MLP's generated project, timed separately;
- step: the MLP training step's run time, native vs reference.
Each timing that involves a process runs in a fresh one (python -c), so imports are counted.
"""
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MLP = """
import time
t0 = time.perf_counter()
import numpy as np
import transpile
import transpile.tensor as T
t_import = time.perf_counter() - t0
rng = np.random.default_rng(0)
W1 = transpile.shared((rng.normal(size=(784, 500)) * 0.01).astype("float32"), name="W1")
b1 = transpile.shared(np.zeros(500, "float32"), name="b1")
W2 = transpile.shared((rng.normal(size=(500, 10)) * 0.01).astype("float32"), name="W2")
b2 = transpile.shared(np.zeros(10, "float32"), name="b2")
x, y = T.fmatrix("x"), T.ivector("y")
prob = T.nnet.softmax(T.dot(T.tanh(T.dot(x, W1) + b1), W2) + b2)
cost = T.mean(T.nnet.categorical_crossentropy(prob, y))
params = [W1, b1, W2, b2]
updates = [(p, p - np.float32(0.1) * g) for p, g in zip(params, T.grad(cost, params))]
X = rng.normal(size=(256, 784)).astype("float32")
Y = rng.integers(0, 10, 256).astype("int32")
t1 = time.perf_counter()
step = transpile.function([x, y], cost, updates=updates, mode=MODE)
t2 = time.perf_counter()
step(X, Y)
t3 = time.perf_counter()
runs = []
for _ in range(RUNS):
    s = time.perf_counter(); step(X, Y); runs.append(time.perf_counter() - s)
runs.sort()
import json
print(json.dumps({"import_s": t_import, "graph_s": t1 - t0 - t_import, "function_s": t2 - t1, "first_call_s": t3 - t2,
                  "function_plus_first_call_s": t3 - t1, "process_total_s": t3 - t0,
                  "step_median_ms": 1e3 * runs[len(runs) // 2] if runs else None,
                  "project": str(getattr(getattr(step.executor, "entry", None), "project", ""))}))
"""


def run_mlp(compiledir, mode="NATIVE", runs=0):
    code = MLP.replace("MODE", repr(mode)).replace("RUNS", str(runs))
    env = dict(os.environ, TRANSPILE_FLAGS=f"compiledir={compiledir}")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def call_overhead(compiledir):
    import numpy as np

    import transpile
    import transpile.tensor as T
    results = {}
    with transpile.config.change_flags(compiledir=compiledir):
        x, y = T.dscalar("x"), T.dscalar("y")
        for mode in ("NATIVE", "FAST_COMPILE"):
            f = transpile.function([x, y], x + y, mode=mode)
            for label, args in [("python floats", (1.0, 2.0)), ("numpy float64", (np.float64(1), np.float64(2))),
                                ("0-d arrays", (np.array(1.0), np.array(2.0)))]:
                f(*args)
                number = 2000 if mode == "NATIVE" else 200
                samples = [t / number for t in timeit.repeat(lambda: f(*args), number=number, repeat=100)]
                results[f"{mode} {label}"] = 1e6 * statistics.median(samples)
        baseline = [t / 20000 for t in timeit.repeat(lambda: None, number=20000, repeat=50)]
        results["empty lambda call (subtracted nowhere)"] = 1e6 * statistics.median(baseline)
    return results


def cmake_phases(project):
    """Configure and build a copy of a generated project, each timed (best of 3)."""
    import shutil

    from transpile.compile.cache import cmake_program, ninja_program
    from transpile.compile.native import _blas_arg
    best = {"configure_s": 1e9, "build_s": 1e9}
    for _ in range(3):
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "project"
            shutil.copytree(project, src)
            args = [f"-DCMAKE_MAKE_PROGRAM={ninja_program()}", "-DCMAKE_BUILD_TYPE=Release", "-DTRANSPILE_NATIVE_ARCH=ON",
                    _blas_arg()]
            t0 = time.perf_counter()
            subprocess.run([cmake_program(), "-S", str(src), "-B", f"{tmp}/build", "-G", "Ninja", *args], check=True,
                           capture_output=True)
            t1 = time.perf_counter()
            subprocess.run([cmake_program(), "--build", f"{tmp}/build"], check=True, capture_output=True)
            t2 = time.perf_counter()
        best["configure_s"] = min(best["configure_s"], t1 - t0)
        best["build_s"] = min(best["build_s"], t2 - t1)
    best["source_lines"] = sum(len(p.read_text().splitlines()) for p in Path(project, "src").glob("*.cpp"))
    return best


def main():
    results = {"machine": {"platform": platform.platform(), "processor": platform.processor(),
                           "cpus": os.cpu_count(), "python": sys.version.split()[0]}}
    with tempfile.TemporaryDirectory(prefix="transpile-bench-") as compiledir:
        results["cold_mlp"] = run_mlp(compiledir)
        results["warm_mlp"] = run_mlp(compiledir, runs=20)
        results["reference_mlp"] = run_mlp(compiledir, mode="FAST_COMPILE", runs=5)
        results["cmake_mlp"] = cmake_phases(results["cold_mlp"]["project"])
        results["call_overhead_us"] = call_overhead(compiledir)
    out = ROOT / "benchmarks" / "results" / "native.json"
    out.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    cold, warm, ref = results["cold_mlp"], results["warm_mlp"], results["reference_mlp"]
    print(f"machine: {results['machine']}")
    print("call overhead of f(x, y) = x + y, median per call:")
    for k, v in results["call_overhead_us"].items():
        print(f"  {k:40s} {v:8.3f} us")
    print("MLP 784-500-10 SGD step (float32, batch 256):")
    print(f"  cold  function() + first call  {cold['function_plus_first_call_s']:6.2f} s "
          f"(function {cold['function_s']:.2f} s, first call {cold['first_call_s']:.3f} s; process {cold['process_total_s']:.2f} s)")
    print(f"  warm  function() + first call  {warm['function_plus_first_call_s']:6.3f} s "
          f"(process with imports {warm['process_total_s']:.2f} s)")
    print(f"  cmake configure {results['cmake_mlp']['configure_s']:.2f} s, build {results['cmake_mlp']['build_s']:.2f} s "
          f"({results['cmake_mlp']['source_lines']} lines of C++)")
    print(f"  step: native {warm['step_median_ms']:.2f} ms, reference {ref['step_median_ms']:.2f} ms")
    print(f"written {out}")


if __name__ == "__main__":
    main()
