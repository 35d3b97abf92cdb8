"""Time spent per graph node in transpile's generated code, for one benchmark workload.

    python benchmarks/profile_nodes.py mlp [--calls 50]

Compiles the workload (NATIVE), copies its generated project, adds a timer at every node
boundary (`ctx.node = K;`), builds that copy with the same cmake arguments, loads it through the
same caller extension and calls it with the workload's inputs. Prints the median time per call
spent in each node (a node's time runs until the next node starts, so output copies count for
the node before them) and what binding inputs and returning cost. A tool for finding what to
optimize, not a benchmark: the timers cost about 20 ns per node.
"""
import argparse
import ctypes
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

PROFILER = r"""
#include <chrono>
namespace {
constexpr int kProfSlots = 4096;
double tr_prof_total[kProfSlots + 2];
int tr_prof_current = -1;
double tr_prof_start = 0;
inline double tr_prof_now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
// k >= 0: node k starts; -1: the call starts (binding inputs); -2: the call ends.
inline void tr_prof_mark(int k) {
    const double t = tr_prof_now();
    if (k != -1) {
        const int slot = tr_prof_current < 0 ? kProfSlots : tr_prof_current;
        tr_prof_total[slot] += t - tr_prof_start;
    }
    tr_prof_current = k;
    tr_prof_start = t;
}
}  // namespace
extern "C" __attribute__((visibility("default"))) double tr_prof_take(int k) {
    const int slot = k < 0 ? kProfSlots : k;
    const double v = tr_prof_total[slot];
    tr_prof_total[slot] = 0;
    return v;
}
"""


def instrument(source):
    """The generated source with a timer at every node boundary."""
    source = source.replace('#include "transpile_runtime.h"\n', '#include "transpile_runtime.h"\n' + PROFILER, 1)
    source = re.sub(r"^(\s*)ctx\.node = (\d+);$", r"\1ctx.node = \2; tr_prof_mark(\2);", source, flags=re.M)
    source = source.replace("    tr::Slots owner_{", "    tr_prof_mark(-1);\n    tr::Slots owner_{", 1)
    return source.replace("    owner_.commit();\n", "    tr_prof_mark(-2);\n    owner_.commit();\n", 1)


def build_copy(project, workdir, program_features):
    from transpile.compile.cache import cmake_program, ninja_program
    from transpile.compile.native import _blas_arg
    src = Path(workdir) / "project"
    shutil.copytree(project, src)
    (cpp,) = (src / "src").glob("tg_*.cpp")
    cpp.write_text(instrument(cpp.read_text()))
    args = [f"-DCMAKE_MAKE_PROGRAM={ninja_program()}", "-DCMAKE_BUILD_TYPE=Release", "-DTRANSPILE_NATIVE_ARCH=ON",
            "-DTRANSPILE_OPENMP=ON", _blas_arg()]
    subprocess.run([cmake_program(), "-S", str(src), "-B", f"{workdir}/build", "-G", "Ninja", *args], check=True,
                   capture_output=True)
    subprocess.run([cmake_program(), "--build", f"{workdir}/build"], check=True, capture_output=True)
    (lib,) = Path(workdir, "build").glob("libtg_*.so")
    return lib, cpp.stem


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("workload", choices=["fused", "softmax", "mlp", "sgemm", "overhead"])
    p.add_argument("--calls", type=int, default=30)
    args = p.parse_args()
    import workloads
    from engines.transpile_engine import build
    from transpile.compile.native import caller_module, set_openmp_environment
    set_openmp_environment()  # as in FAST_RUN, before the first library loads libgomp
    d = workloads.data(args.workload)
    f, inputs, _ = build(args.workload, d, "NATIVE")
    entry = f.executor.entry
    values = list(inputs) + [s.container.value for s in f.maker.shared_inputs]
    labels = [str(n) for n in f.maker.fgraph.toposort()]
    with tempfile.TemporaryDirectory(prefix="transpile-profile-") as tmp:
        lib_path, name = build_copy(entry.project, tmp, None)
        library = caller_module().Library(str(lib_path), name)
        take = ctypes.CDLL(str(lib_path)).tr_prof_take
        take.restype, take.argtypes = ctypes.c_double, [ctypes.c_int]
        for _ in range(3):
            library.run(values)
        per = {k: [] for k in [-1, *range(len(labels))]}
        walls = []
        for k in per:
            take(k)
        for _ in range(args.calls):
            t0 = time.perf_counter()
            library.run(values)
            walls.append(time.perf_counter() - t0)
            for k in per:
                per[k].append(take(k))
    med = {k: statistics.median(v) for k, v in per.items()}
    total = sum(med.values())
    print(f"{args.workload}: median call {statistics.median(walls) * 1e3:.3f} ms from Python, "
          f"{total * 1e3:.3f} ms inside (sum of node medians), load {os.getloadavg()[0]:.1f}")
    rows = sorted(((v, k) for k, v in med.items()), reverse=True)
    for v, k in rows:
        label = "bind inputs + return" if k == -1 else f"node {k}: {labels[k]}"
        print(f"  {v * 1e3:8.3f} ms {100 * v / total if total else 0:5.1f}%  {label[:150]}")


if __name__ == "__main__":
    main()
