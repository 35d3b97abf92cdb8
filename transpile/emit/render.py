"""Rendering a `Program` into the files of a CMake project (jinja2, StrictUndefined).

Templates only loop over data prepared here; expressions and loops come from the printer and
the rules. The output is a function of the program alone: the graph hash is computed from the
program's canonical text, and nothing depends on dict/set/id order, so the same graph gives
byte-identical files.
"""
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from transpile.emit import cpp
from transpile.emit.program import DTYPE_CODES, MAX_NDIM
from transpile.emit.runtime import header_name, units
from transpile.emit.templates import TEMPLATES, render_template

ABI_VERSION = 2  # 2: transpile_tensor.memory/.device (arrays in GPU memory)
STATUSES = [("OK", 0), ("ERR_ARGUMENT", 1), ("ERR_DTYPE", 2), ("ERR_RANK", 3), ("ERR_SHAPE", 4),
            ("ERR_VALUE", 5), ("ERR_ALLOC", 6), ("ERR_INTERNAL", 7), ("ERR_INDEX", 8), ("ERR_DEVICE", 9),
            ("ERR_ASSERT", 10)]
PARALLEL_MIN_WORK = 1 << 17
SIMD_UNARY = ["exp", "log", "sin", "cos"]  # glibc >= 2.22
SIMD_UNARY_235 = ["tan", "sinh", "cosh", "tanh", "asin", "acos", "atan", "asinh", "acosh", "atanh", "exp2",
                  "expm1", "exp10", "log2", "log10", "log1p", "erf", "erfc", "cbrt"]
SIMD_BINARY_235 = ["atan2", "hypot"]


#: GPU architectures a CUDA project compiles for unless configured with -DCMAKE_CUDA_ARCHITECTURES
CUDA_ARCHITECTURES = "75;80;86;89;90"


#: the optional static CUDA headers: (program feature, templates/cuda/<file>.cuh), in include order
CUDA_HEADERS = (("cublas", "blas"), ("cuda_xent", "xent"), ("cuda_index", "index"), ("cuda_pool", "pool"),
                ("cuda_random", "random"), ("cuda_conv", "conv"), ("cuda_cumulative", "cumulative"),
                ("cuda_alloc", "alloc"), ("cuda_sort", "sort"))


def cuda_files(program, name, hash_):
    """The CUDA sources of a CUDA program: its kernels (.cu, with the header declaring their
    launchers) and the static CUDA runtime headers."""
    functions = program.device_functions
    headers = [family for feature, family in CUDA_HEADERS if feature in program.features]
    files = {
        f"src/{name}_kernels.h": render_template("cuda/kernels.h.j2", hash=hash_, name=name, functions=functions),
        f"src/{name}_kernels.cu": render_template("cuda/kernels.cu.j2", hash=hash_, name=name, functions=functions,
                                                  headers=headers),
        "src/transpile_cuda.h": (TEMPLATES / "cuda" / "runtime.h").read_text(encoding="utf-8"),
        "src/transpile_cuda_kernels.cuh": (TEMPLATES / "cuda" / "kernels.cuh").read_text(encoding="utf-8"),
    }
    for family in headers:
        files[f"src/transpile_cuda_{family}.cuh"] = (TEMPLATES / "cuda" / f"{family}.cuh").read_text(encoding="utf-8")
    return files


def cmake_modules_dir():
    """The cmake/ modules copied into every project: the package's own (`transpile/cmake`, mapped
    there when the wheel is built) or, in a checkout, the top-level cmake/. Told apart by a module
    they hold: beside an installed package, `site-packages/cmake` is the PyPI cmake package."""
    for candidate in (TEMPLATES.parent / "cmake", TEMPLATES.parent.parent / "cmake"):
        if (candidate / "TranspileFlags.cmake").is_file():
            return candidate
    raise FileNotFoundError("transpile's cmake/ modules directory is missing")


@dataclass
class Project:
    """The files of one generated project: {relative path: text}, in sorted order."""
    name: str
    graph_hash: str
    files: dict = field(default_factory=dict)

    def write(self, directory):
        directory = Path(directory)
        for rel, text in self.files.items():
            path = directory / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return directory

    def digest(self):
        h = hashlib.sha256()
        for rel, text in self.files.items():
            h.update(rel.encode() + b"\0" + text.encode() + b"\0")
        return h.hexdigest()


def graph_hash(program):
    return hashlib.sha256(program.summary().encode()).hexdigest()[:16]


def abi_types():
    return render_template("abi_types.h.j2", abi_version=ABI_VERSION, max_ndim=MAX_NDIM, statuses=STATUSES,
                           dtypes=sorted(DTYPE_CODES.items(), key=lambda kv: kv[1]))


def runtime_header():
    """transpile_runtime.h: the same text in every project (no graph hash: the runtime's units
    are compiled once for all graphs)."""
    dtypes = sorted(DTYPE_CODES.items(), key=lambda kv: kv[1])
    return render_template("runtime.h.j2", abi_types=abi_types(), parallel_min_work=PARALLEL_MIN_WORK,
                           simd_unary=SIMD_UNARY, simd_unary_235=SIMD_UNARY_235, simd_binary_235=SIMD_BINARY_235,
                           dtypes=dtypes, itemsizes=[np.dtype(name).itemsize for name, _ in dtypes])


def _port(buf, name, on_device=0):
    """A port of the ABI tables; on_device: 0 host memory, 1 either (read on the GPU), 2 either
    (not read)."""
    mask = sum(1 << d for d, b in enumerate(buf.broadcastable) if b)
    return {"name": cpp.string_literal(name), "dtype": f"TRANSPILE_{buf.dtype.upper()}", "ndim": buf.ndim,
            "on_device": int(on_device),
            "bcast": f"{mask}ull", "comment": cpp.comment(f"{name!r}: {buf.dtype}, {buf.ndim}-d, broadcastable {buf.broadcastable}")}


def _declarations(program):
    lines = []
    for b in program.locals:
        lines.append(f"{b.decl} {b.name};")
        if b.role == "temp" and b.ndim == 0 and b.slot is None:  # on the stack (an adopted one has a slot)
            lines.append(f"{b.ctype} {b.name}_v;")
    for b in program.constants:
        shape, strides, step = list(b.data.shape) or [1], [], 1
        for n in reversed(b.data.shape):
            strides.insert(0, step)
            step *= n
        strides = strides or [0]
        lines.append(f"{b.decl} {b.name} = {{const_cast<{b.ctype}*>({b.name}_data), "
                     f"{{{', '.join(map(str, shape))}}}, {{{', '.join(map(str, strides))}}}}};")
    return lines


def _function(program, name, labels, comment=""):
    """What the template needs to write one C++ function of `program` (the graph's run
    function, or an inner graph's: same ABI, its own node labels, constants, slots; a CUDA
    graph's run function also owns GPU memory slots and waits for the GPU before returning)."""
    return {
        "name": name, "comment": comment, "labels": labels,
        "n_device_slots": program.n_device_slots, "finish_gpu": program.target == "cuda" and name == "run_graph",
        "node_labels": [cpp.string_literal(label) for label in program.node_labels],
        "constants": [{"name": b.name, "ctype": b.ctype, "lines": cpp.array_initializer(b.data, b.dtype),
                       "comment": cpp.comment(f"constant {b.label}: {b.dtype}, shape {b.data.shape}")}
                      for b in program.constants],
        "steps": program.steps, "declarations": _declarations(program), "commit_lines": program.commit_lines,
        "n_slots": program.n_slots, "n_slots_decl": max(program.n_slots, 1),
        "output_slots": ", ".join(str(b.slot) for b in program.outputs) or "0",
        "output_slots_decl": max(len(program.outputs), 1), "n_outputs": len(program.outputs)}


def cmake_files(name, hash_, features, cuda=False, unit_files=()):
    """The build description of a graph project: its CMakeLists.txt (what it needs follows from
    the program's `features`) and the cmake/ modules."""
    files = {"CMakeLists.txt": render_template(
        "CMakeLists.txt.j2", hash=hash_, name=name, units=list(unit_files),
        packages=["TranspileBLAS"] if "blas" in features else [],
        link=["Transpile::BLAS"] if "blas" in features else [], lapack="lapack" in features,
        cuda=cuda, cuda_architectures=CUDA_ARCHITECTURES, cublas="cublas" in features,
        cuda_exact="cuda_random" in features)}
    modules = cmake_modules_dir()
    for module in sorted(os.listdir(modules)):
        if module.endswith(".cmake"):
            files[f"cmake/{module}"] = (modules / module).read_text(encoding="utf-8")
    return files


def render(program, name=None):
    """The Project of `program` (its name defaults to one derived from the graph hash)."""
    hash_ = graph_hash(program)
    name = name or f"tg_{hash_}"
    headers = []
    if "complex" in program.features:
        headers.append("<complex>")
    if "blas" in program.features:
        headers.append('"transpile_blas.h"')
    headers += [f'"{header_name(family)}"' for family, _ in program.runtime_headers()]
    cuda = program.target == "cuda"
    if cuda:
        headers += ['"transpile_cuda.h"', f'"{name}_kernels.h"']
    inputs = [_port(b, n, 2 if k in program.unread_inputs else k in program.device_inputs)
              for k, (b, n) in enumerate(zip(program.inputs, program.input_names))]
    outputs = [_port(b, n, k in program.device_outputs)
               for k, (b, n) in enumerate(zip(program.outputs, program.output_names))]
    unit_files = units([family for family, _ in program.runtime_headers()], "blas" in program.features)
    files = cmake_files(name, hash_, program.features, cuda, list(unit_files))
    files[f"include/{name}.h"] = render_template(
        "graph.h.j2", hash=hash_, name=name, guard=f"TRANSPILE_{name.upper()}_H", abi_types=abi_types(),
        inputs=inputs, outputs=outputs, cuda=cuda)
    files[f"src/{name}.cpp"] = render_template(
        "graph.cpp.j2", hash=hash_, name=name, headers=headers,
        n_nodes=len(program.node_labels), main=_function(program, "run_graph", "kNodeLabels"),
        functions=[_function(f.program, f.name, f"kNodeLabels_{f.name}", f.comment) for f in program.functions],
        inputs=inputs, outputs=outputs, cuda=cuda, device_ordinal=program.device_ordinal)
    if cuda:
        files.update(cuda_files(program, name, hash_))
    if "blas" in program.features:
        files["src/transpile_blas.h"] = render_template("blas.h.j2")
    files["src/transpile_runtime.h"] = runtime_header()
    files.update((f"src/{rel}", text) for rel, text in unit_files.items())
    for family, text in program.runtime_headers():
        files[f"src/{header_name(family)}"] = text
    return Project(name, hash_, dict(sorted(files.items())))
