"""The generated C++ of an export: the graph and its shape query, through the native backend's
own lowering (`transpile.emit.lower`) and rendering (`transpile.emit.render`).

Two per-graph programs, each with the per-graph C ABI of templates/graph.h.j2 (explicit inputs,
then shared values, in; outputs, then updates, out):

- `NAME_impl`: the exported graph itself;
- `NAME_impl_shapes`: one int64 vector per output of rank > 0 holding its shape, rewritten with
  FAST_RUN's shape feature so it usually reads only input shapes (`NAME_output_shapes`).

Their files go under src/ (the per-graph headers too: they are internal; the public header is
the wrapper's). Their entry points are compiled with TRANSPILE_EXPORT empty (see the
`impl_unit.cpp.j2` template), so the library exports only the wrapper's C ABI.

With `target="cuda"` the graph is placed on the GPU (`emit/cuda/placement.py`) and `NAME_impl`
gets its kernels' source (`src/NAME_impl_kernels.cu`, compiled by nvcc); the shape program
stays on the host (it reads shapes).
"""
from dataclasses import dataclass, field

from transpile.compile.mode import Mode
from transpile.emit import lower
from transpile.emit.cuda.placement import place_on_device
from transpile.emit.render import render
from transpile.emit.runtime import FAMILIES, header_name, is_unit_source
from transpile.graph.fg import FunctionGraph

_SHAPE_MODE = Mode("py", "fast_run")


@dataclass
class Programs:
    graph_hash: str
    files: dict              # src/... -> text
    units: list              # the translation units to compile (src/...)
    has_shapes: bool         # a shape program exists (some output has rank > 0)
    shape_outputs: list      # output index per shape-program output
    features: set            # "blas", "cublas", ...
    n_nodes: int
    cuda_sources: list = field(default_factory=list)  # src/... compiled by nvcc (target cuda)
    shared_on_device: list = field(default_factory=list)  # per shared variable: the state keeps it in GPU memory


def build(source, name, target="cpu"):
    in_names = [p.ident for p in source.inputs] + [p.ident for p in source.shared]
    out_names = [p.ident for p in source.outputs]
    out_names += [f"{source.shared[t].ident} (update)" for t in source.update_targets]
    if target == "cuda":
        placed = source.fgraph.clone()[0]
        place_on_device(placed)
        program = lower(placed, in_names, out_names, target="cuda")
    else:
        program = lower(source.fgraph, in_names, out_names)
    main = render(program, name=f"{name}_impl")
    files, units = {}, []
    _take(main, f"{name}_impl", files, units, runtime=True)
    cuda_sources = sorted(rel for rel in main.files if rel.startswith("src/") and (rel.endswith(".cu")
                          or rel.endswith("_kernels.h") or "transpile_cuda" in rel))
    files.update((rel, main.files[rel]) for rel in cuda_sources)
    features = set(program.features)
    shape_outputs = [k for k, p in enumerate(source.outputs) if p.ndim > 0]
    shapes = None
    if shape_outputs:
        shapes = _shape_program(source, shape_outputs, in_names)
        features |= shapes.features
        _take(render(shapes, name=f"{name}_impl_shapes"), f"{name}_impl_shapes", files, units, runtime=False,
              blas="blas" in shapes.features and "blas" not in program.features)
    return Programs(main.graph_hash, files, units, bool(shape_outputs), shape_outputs, features,
                    len(program.node_labels), [rel for rel in cuda_sources if rel.endswith(".cu")],
                    _shared_on_device(source, program, shapes) if target == "cuda" else [False] * len(source.shared))


def _shared_on_device(source, program, shapes):
    """Per shared variable: whether the state keeps it in GPU memory, which it does when the
    graph reads it only on the GPU, computes its update there, and the shape query reads at
    most its shape."""
    n_in, n_out = len(source.inputs), len(source.outputs)
    kept = []
    for k in range(len(source.shared)):
        updates = [n_out + j for j, target in enumerate(source.update_targets) if target == k]
        kept.append(n_in + k in program.device_inputs and all(u in program.device_outputs for u in updates)
                    and (shapes is None or n_in + k in shapes.device_inputs))
    return kept


def _take(project, impl, files, units, runtime, blas=False):
    files[f"src/{impl}.h"] = project.files[f"include/{impl}.h"]
    files[f"src/{impl}.cpp"] = project.files[f"src/{impl}.cpp"]
    if runtime:
        files["src/transpile_runtime.h"] = project.files["src/transpile_runtime.h"]
    if (runtime or blas) and "src/transpile_blas.h" in project.files:
        files["src/transpile_blas.h"] = project.files["src/transpile_blas.h"]
    for rel, text in project.files.items():  # the runtime's units (the same text in every program)
        if is_unit_source(rel):
            files[rel] = text
    for family in FAMILIES:  # the same text in every program that uses the family
        path = f"src/{header_name(family)}"
        if path in project.files:
            files[path] = project.files[path]
    units.append(impl)


def _shape_program(source, shape_outputs, in_names):
    fg = source.fgraph
    targets = [fg.outputs[k].shape for k in shape_outputs]
    shapes = FunctionGraph(fg.inputs, targets, clone=True)
    _SHAPE_MODE.optimize(shapes)
    return lower(shapes, in_names, [f"shape of {source.outputs[k].ident}" for k in shape_outputs])
