"""Export with no example inputs: the golden vectors take the shapes the graph implies (a product
with a shared (4, 3) matrix fixes the input's last dim to 4), and when no accepted shapes can be
found the project is still written, without golden vectors, with a warning saying how to add
them."""
import warnings

import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile.export import render_files
from transpile.export.implied_shapes import implied_input_shapes

pytestmark = pytest.mark.single_mode


def _mlp(mode="FAST_RUN"):
    rng = np.random.default_rng(0)
    x = T.matrix("x")
    W = transpile.shared(rng.normal(size=(4, 3)), name="W")
    b = transpile.shared(np.zeros(3), name="b")
    return transpile.function([x], T.nnet.softmax(T.tanh(T.dot(x, W) + b)), mode=mode)


def _inputs(files):
    return {k: v for k, v in files.items() if k.startswith("tests/inputs/")}


def _shape(npy):
    header = npy[10:npy.index(b"\n")].decode()
    return eval(header.split("'shape':")[1].split(")")[0] + ")")  # noqa: S307  the .npy header we wrote


@pytest.mark.parametrize("mode", ["FAST_RUN", "FAST_COMPILE"])
def test_mlp_exports_with_the_implied_input_width(mode):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        files, _ = render_files(_mlp(mode), "mlp")
    (path, npy), = _inputs(files).items()
    assert path == "tests/inputs/x.npy"
    assert _shape(npy) == (3, 4)
    assert any(k.startswith("tests/expected/") for k in files)
    assert "_golden" in files["CMakeLists.txt"]


def test_implied_shapes_through_products_and_elementwise():
    v, m, row = T.vector("v"), T.matrix("m"), T.row("r")
    A = transpile.shared(np.ones((5, 2)), name="A")
    c = transpile.shared(np.ones(7), name="c")
    out = [T.dot(A, v), (m * 2).dot(A.T) + row, T.outer(c, c) + m.T.dot(m)[:1, :1].sum()]
    f = transpile.function([v, m, row], out, mode="FAST_RUN")
    fg = f.maker.fgraph
    shared = [s.get_value() for s in f.maker.shared_inputs]
    shapes = implied_input_shapes(fg, 3, shared, default=3)
    assert shapes[0] == (2,)          # dot(A, v): v has A's column count
    assert shapes[1][1] == 2          # m . A^T: m has A's columns
    assert shapes[2] == (1, 5)        # a row added to an (n, 5) result
    files, _ = render_files(f, "implied")
    assert len(_inputs(files)) == 3


def test_unguessable_graph_exports_without_golden_vectors(tmp_path):
    x = T.vector("x")
    f = transpile.function([x], x.reshape((2, 5)) * 2, mode="FAST_RUN")  # needs exactly 10 elements
    with pytest.warns(UserWarning, match="example_inputs"):
        project = transpile.export(f, tmp_path / "p", "reshaper")
    written = {str(p.relative_to(project.path)) for p in project.path.rglob("*") if p.is_file()}
    assert not any(p.startswith("tests/") for p in written)
    assert "_golden" not in (project.path / "CMakeLists.txt").read_text()
    assert "example_inputs" in (project.path / "README.md").read_text()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        files, _ = render_files(f, "reshaper", example_inputs=[np.arange(10.0)])
    assert "tests/inputs/x.npy" in files


def test_explicit_bad_example_inputs_still_raise():
    with pytest.raises(ValueError, match="reference executor failed"):
        render_files(_mlp(), "mlp", example_inputs=[np.ones((2, 5))])
