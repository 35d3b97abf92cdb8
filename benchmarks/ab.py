"""A/B timing of generated-code variants on a busy machine: one workload's generated project is
built once per variant and the variants are called in turn, so every variant sees the same load.

    python benchmarks/ab.py softmax VARIANT [VARIANT ...] [--calls 40]

A VARIANT is a file: `*.cmake` replaces the project's cmake/TranspileFlags.cmake, `*.j2`
replaces src/transpile_runtime.h (rendered like transpile/templates/runtime.h.j2), and `-` is
the project as generated. The workload is one of benchmarks/workloads.py or of EXTRA below.
Prints the median and minimum time per call of each variant.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]


def extra_workloads():
    """Kernels the main workloads do not cover: (input variables, outputs function, values)."""
    import numpy as np

    import transpile.tensor as T
    rng = np.random.default_rng(0)

    def f32(*shape):
        return rng.normal(size=shape).astype("float32")

    return {
        "sum": lambda: ([T.fvector("x")], lambda x: T.sum(x), [f32(10**7)]),
        "max1": lambda: ([T.fmatrix("x")], lambda x: T.max(x, axis=1), [f32(4096, 1024)]),
        "sum0": lambda: ([T.fmatrix("x")], lambda x: T.sum(x, axis=0), [f32(4096, 1024)]),
        "bcast": lambda: ([T.fmatrix("x"), T.frow("y")], lambda x, y: x * y + 1, [f32(4096, 1024), f32(1, 1024)]),
        "transpose": lambda: ([T.fmatrix("x")], lambda x: x.T * 2, [f32(2048, 2048)]),
        "transpose_copy": lambda: ([T.fmatrix("x")], lambda x: x.T, [f32(2048, 2048)]),
        "transpose3": lambda: ([T.ftensor3("x")], lambda x: x.dimshuffle(0, 2, 1), [f32(8, 512, 1000)]),
        "conv": lambda: ([T.ftensor4("x"), T.ftensor4("w")], lambda x, w: T.nnet.conv2d(x, w),
                         [f32(32, 8, 32, 32), f32(16, 8, 3, 3)]),
        "logsoftmax": lambda: ([T.fmatrix("x")], lambda x: T.nnet.log_softmax(x), [f32(4096, 1024)]),
        "idot": lambda: ([T.imatrix("a"), T.imatrix("b")], lambda a, b: T.dot(a, b),
                         [rng.integers(-5, 5, size=(384, 384)).astype("int32")] * 2),
    }


def compiled(workload):
    """(function, values for its library's run) of `workload`."""
    import transpile
    extra = extra_workloads()
    if workload in extra:
        ins, outs, values = extra[workload]()
        return transpile.function(ins, outs(*ins), mode="NATIVE"), values
    import workloads
    from engines.transpile_engine import build
    f, inputs, _ = build(workload, workloads.data(workload), "NATIVE")
    return f, list(inputs) + [s.container.value for s in f.maker.shared_inputs]


def runtime_header(template):
    import jinja2

    from transpile.emit import render as R
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(Path(template).parent)), undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    return env.get_template(Path(template).name).render(
        hash="ab", parallel_min_work=R.PARALLEL_MIN_WORK, simd_unary=R.SIMD_UNARY, simd_unary_235=R.SIMD_UNARY_235,
        simd_binary_235=R.SIMD_BINARY_235, dtypes=sorted(R.DTYPE_CODES.items(), key=lambda kv: kv[1]))


def build_variant(project, workdir, variant):
    from transpile.compile.cache import cmake_program, ninja_program
    from transpile.compile.native import _blas_arg, caller_module
    src = Path(workdir) / "project"
    shutil.copytree(project, src)
    if variant.endswith(".cmake"):
        shutil.copy(variant, src / "cmake" / "TranspileFlags.cmake")
    elif variant.endswith(".j2"):
        (src / "src" / "transpile_runtime.h").write_text(runtime_header(variant))
    elif variant != "-":
        raise SystemExit(f"unknown variant {variant!r}: a .cmake file, a .j2 file or -")
    args = [f"-DCMAKE_MAKE_PROGRAM={ninja_program()}", "-DCMAKE_BUILD_TYPE=Release", "-DTRANSPILE_NATIVE_ARCH=ON",
            "-DTRANSPILE_OPENMP=ON", _blas_arg()]
    subprocess.run([cmake_program(), "-S", str(src), "-B", f"{workdir}/build", "-G", "Ninja", *args], check=True,
                   capture_output=True)
    subprocess.run([cmake_program(), "--build", f"{workdir}/build"], check=True, capture_output=True)
    (lib,) = Path(workdir, "build").glob("libtg_*.so")
    return caller_module().Library(str(lib), lib.stem[3:])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("workload")
    p.add_argument("variants", nargs="+")
    p.add_argument("--calls", type=int, default=40)
    args = p.parse_args()
    from transpile.compile.native import set_openmp_environment
    set_openmp_environment()  # as in FAST_RUN, before the first library loads libgomp
    f, values = compiled(args.workload)
    with tempfile.TemporaryDirectory(prefix="transpile-ab-") as tmp:
        libs = [build_variant(f.executor.entry.project, f"{tmp}/v{i}", v) for i, v in enumerate(args.variants)]
        for lib in libs:
            for _ in range(3):
                lib.run(values)
        times = [[] for _ in libs]
        for _ in range(args.calls):
            for k, lib in enumerate(libs):
                t0 = time.perf_counter()
                lib.run(values)
                times[k].append(time.perf_counter() - t0)
    print(f"{args.workload} (load {os.getloadavg()[0]:.1f}, {args.calls} calls each, interleaved):")
    for v, ts in zip(args.variants, times):
        print(f"  {statistics.median(ts) * 1e3:9.3f} ms median  {min(ts) * 1e3:9.3f} ms min  {v}")


if __name__ == "__main__":
    main()
