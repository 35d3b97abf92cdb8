"""Generated code: a golden file for a small graph, byte-identical output across processes
with different hash seeds, and the conventions every generated file follows.

Regenerate the golden files after an intended change of the generated code with

    TRANSPILE_REGEN_GOLDEN=1 python -m pytest tests/emit/test_emit_golden.py

and review the diff like any other change.
"""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import transpile.tensor as T
from transpile.compile.builders import OpFromGraph
from transpile.compile.mode import Mode
from transpile.emit import lower
from transpile.emit.cuda.placement import place_on_device
from transpile.emit.render import render
from transpile.graph.fg import FunctionGraph
from transpile.ifelse import ifelse, make_lazy

pytestmark = pytest.mark.single_mode

GOLDEN = Path(__file__).parent / "golden"


def small_graph():
    """Elementwise with broadcasting, a reduction, a view returned as output, a constant."""
    x, y = T.matrix("x"), T.row("y")
    z = T.exp(x) * y
    return FunctionGraph([x, y], [z, T.sum(z, axis=1), z.T, x * T.constant(np.array([[1.0, 2.0, 3.0]]))])


def ifelse_graph():
    """A lazy ifelse whose then branch calls an OpFromGraph (three inner functions), and a
    plain IfElse (a select)."""
    c, x, y, a = T.scalar("c"), T.vector("x"), T.vector("y"), T.vector("a")
    double = OpFromGraph([a], [a * 2.0], name="double")
    lazy = ifelse(T.gt(c, 0), double(x) + 1.0, T.exp(y))
    fgraph = FunctionGraph([c, x, y], [lazy, ifelse(c, x, y)])
    make_lazy(fgraph, fgraph.outputs[0].owner)
    return fgraph


def cuda_graph():
    """small_graph placed on the GPU: transfers, an elementwise kernel with a broadcast operand,
    a reduction, a strided view copied to the host, a constant copied to the GPU."""
    graph = small_graph()
    place_on_device(graph)
    return graph


#: inner graphs lowered as they are (no rewrites): the golden file follows the rules alone
NO_REWRITES = Mode("py", None)


GOLDEN_FILES = {"cpp": "src/{name}.cpp", "h": "include/{name}.h", "cu": "src/{name}_kernels.cu"}


@pytest.mark.parametrize("case", ["small_graph", "ifelse_graph", "cuda_graph"])
def test_golden(case):
    graph = {"small_graph": small_graph, "ifelse_graph": ifelse_graph, "cuda_graph": cuda_graph}[case]()
    target = "cuda" if case == "cuda_graph" else "cpp"
    project = render(lower(graph, mode=NO_REWRITES, target=target))
    for suffix in ("cpp", "h", "cu") if target == "cuda" else ("cpp", "h"):
        generated = project.files[GOLDEN_FILES[suffix].format(name=project.name)]
        path = GOLDEN / f"{case}.{suffix}"
        if os.environ.get("TRANSPILE_REGEN_GOLDEN"):
            path.write_text(generated)
        assert generated == path.read_text(), (
            f"generated code differs from {path}; if the change is intended, regenerate with "
            "TRANSPILE_REGEN_GOLDEN=1 python -m pytest tests/emit/test_emit_golden.py")


SCRIPT = """
import hashlib, sys
import numpy as np
import transpile.tensor as T
from transpile.compile.builders import OpFromGraph
from transpile.compile.mode import Mode
from transpile.emit import lower
from transpile.emit.cuda.placement import place_on_device
from transpile.emit.render import render
from transpile.graph.fg import FunctionGraph
x, y, v = T.matrix("x"), T.row("y"), T.vector("v")
w = T.constant(np.arange(12.0).reshape(3, 4), name="w")
outs = [T.tanh(T.dot(x, w)) + y, T.max(x, axis=0), T.concatenate([v, v * 2]), T.reshape(x, (-1,)),
        (x > 0).sum(), T.alloc(v, 2, v.shape[0])]
project = render(lower(FunctionGraph([x, y, v], outs)))
for path, text in project.files.items():
    print(path, hashlib.sha256(text.encode()).hexdigest())
from transpile.compile.builders import OpFromGraph
from transpile.ifelse import ifelse
c, a = T.scalar("c"), T.vector("a")
twice = OpFromGraph([a], [a * 2.0 + T.sum(a)], name="twice")
fg = FunctionGraph([c, x, v], [ifelse(T.gt(c, 0), twice(v) * ifelse(c, v.sum(), v.max()), T.exp(v)), twice(v)])
from transpile.compile.mode import get_mode
get_mode("FAST_RUN").optimize(fg)
project = render(lower(fg))
for path, text in project.files.items():
    print(path, hashlib.sha256(text.encode()).hexdigest())
print("inner functions", len(lower(fg).functions))
from transpile.emit.cuda.placement import place_on_device
gpu = FunctionGraph([x, y, v], [T.tanh(T.dot(x, w)) + y, T.max(x, axis=0), T.nnet.softmax(x * 2), x.T.sum(axis=1)])
get_mode("FAST_RUN").optimize(gpu)
place_on_device(gpu)
for path, text in render(lower(gpu, target="cuda")).files.items():
    print(path, hashlib.sha256(text.encode()).hexdigest())
"""


def test_byte_identical_across_hash_seeds():
    outputs = []
    for seed in ("1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env,
                                cwd=Path(__file__).resolve().parents[2])
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    assert "src/transpile_blas.h" in outputs[0] and "src/transpile_inner.h" in outputs[0]
    assert "inner functions 5" in outputs[0]  # then, nested then and else, twice (once), else


def test_every_generated_file_names_its_graph_and_every_node():
    fgraph = small_graph()
    project = render(lower(fgraph))
    header = f"generated by transpile from graph {project.graph_hash}; do not edit"
    for path, text in project.files.items():
        if path.startswith("cmake/"):
            continue  # copied modules, the same in every project
        if path.startswith("src/transpile_"):  # the runtime: the same in every project (built once for all)
            assert text.splitlines()[0] == "// generated by transpile; do not edit", path
            continue
        assert header in text.splitlines()[0], path
    source = project.files[f"src/{project.name}.cpp"]
    for index, node in enumerate(fgraph.toposort()):
        assert f"    // node {index}: {node} -> t{index}" in source
    assert project.name == f"tg_{project.graph_hash}"


def test_user_names_cannot_break_the_generated_code():
    x = T.vector('x"); abort(); //')
    project = render(lower(FunctionGraph([x], [T.exp(x)], clone=False), output_names=["out\n#include <evil>"]))
    source = project.files[f"src/{project.name}.cpp"]
    assert not any(line.strip().startswith(("abort", "#include <evil>")) for line in source.splitlines())
    assert '"x\\"); abort(); //"' in source
    assert '"out\\012#include <evil>"' in source
