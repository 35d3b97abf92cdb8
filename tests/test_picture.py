"""transpile.picture: graph pictures as self-contained SVG / HTML (no graphviz)."""
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import transpile
from transpile import tensor as T
from transpile.graph import Apply, Op
from transpile.picture import _crossings, _order, pydotprint

SVG = "{http://www.w3.org/2000/svg}"
RAW = transpile.Mode(linker="py", optimizer=None)


class TwoOut(Op):
    def make_node(self, x):
        x = T.as_tensor_variable(x)
        return Apply(self, [x], [x.type(), x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = inputs[0].copy()
        output_storage[1][0] = -inputs[0]


def build():
    x, y = T.matrix("x"), T.vector("y")
    z = T.exp(x * y + 1.0)
    z.name = "z"
    return x, y, (z * 2.0).sum(axis=1)


def parse(text):
    root = ET.fromstring(text)
    assert root.tag == SVG + "svg"
    return root


def node_groups(root):
    return [g for g in root.iter(SVG + "g") if g.get("class", "").startswith("node")]


def texts(element):
    return [t.text for t in element.iter(SVG + "text")]


@pytest.mark.single_mode
def test_svg_is_valid_xml_with_labels():
    _, _, out = build()
    root = parse(pydotprint(out))
    labels = texts(root)
    for expected in ("x", "y", "Elemwise{mul,no_inplace}", "Elemwise{exp,no_inplace}", "Sum{1}",
                     "TensorType(float64, matrix)", "output 0"):
        assert expected in labels, expected
    assert "z" in " ".join(labels)  # the named intermediate labels its edge
    kinds = [g.get("class") for g in node_groups(root)]
    assert "node input" in kinds and "node constant" in kinds and "node output" in kinds
    assert root.find(SVG + "title").text == "transpile graph"
    from transpile.printing import pydotprint as reexported
    assert reexported is pydotprint


@pytest.mark.single_mode
def test_same_graph_same_bytes():
    first = pydotprint(build()[2])
    second = pydotprint(build()[2])
    assert first == second
    assert pydotprint(build()[2], format="html") == pydotprint(build()[2], format="html")


@pytest.mark.single_mode
def test_shapes_from_test_values():
    from transpile.printing import Print
    x, y = T.matrix("x"), T.vector("y")
    x.tag.test_value = np.ones((2, 3))
    labels = texts(parse(pydotprint(T.exp(x))))
    assert "shape (2, 3)" in labels
    # shapes propagate through the graph; a Print is passed through without printing
    seen = []
    shown = Print("p", global_fn=lambda op, v: seen.append(v))(x)
    labels = texts(parse(pydotprint(T.exp(shown).sum(axis=0))))
    assert "shape (3,)" in labels and seen == []
    # without a value for y, what depends on it has no shape, and nothing fails
    labels = texts(parse(pydotprint((x + y).sum(axis=0))))
    assert "shape (2, 3)" in labels and "shape (3,)" not in labels


def test_compiled_function_with_updates_and_input_values(mode):
    x, y = T.matrix("x"), T.vector("y")
    w = transpile.shared(np.ones(3), name="w")
    f = transpile.function([x, y], (x * w).sum(axis=1) + y, updates={w: w * 2})
    root = parse(pydotprint(f, inputs=[np.ones((4, 3)), np.zeros(4)]))
    labels = texts(root)
    assert "update w" in labels and "w" in labels
    assert "shape (4, 3)" in labels and "shape (4,)" in labels and "shape (3,)" in labels
    kinds = [g.get("class") for g in node_groups(root)]
    assert "node shared" in kinds and "node update" in kinds
    tooltips = " ".join(t.text for t in root.iter(SVG + "title"))
    assert "(4, 3)" in tooltips


@pytest.mark.single_mode
def test_edge_labels_input_index_and_multi_output():
    x = T.vector("x")
    a, b = TwoOut()(x)
    root = parse(pydotprint(a - b))
    edges = [g for g in root.iter(SVG + "g") if g.get("class") == "edge"]
    labels = [t.text for e in edges for t in e.iter(SVG + "text")]
    assert "0 out0" in labels and "1 out1" in labels
    assert len(edges) == 4  # x->TwoOut, two into sub, sub->output


@pytest.mark.single_mode
def test_html_and_files(tmp_path):
    _, _, out = build()
    html = pydotprint(out, format="html", title="my <graph>")
    assert html.startswith("<!DOCTYPE html>")
    page = ET.fromstring(html.split("\n", 1)[1])
    assert page.find("head/title").text == "my <graph>"
    assert page.find(f"body/{SVG}svg") is not None
    path = tmp_path / "g.html"
    assert pydotprint(out, outfile=str(path)) == str(path)
    assert path.read_text().startswith("<!DOCTYPE html>")
    svg_path = tmp_path / "g.svg"
    assert pydotprint(out, outfile=str(svg_path)) == str(svg_path)
    parse(svg_path.read_text())
    with pytest.raises(ValueError, match="graphviz"):
        pydotprint(out, outfile=str(tmp_path / "g.jpg"))
    with pytest.raises(ValueError, match="svg"):
        pydotprint(out, format="pdf")


@pytest.mark.single_mode
def test_png_has_the_svg_layout_and_colors(tmp_path):
    import io

    from PIL import Image

    from transpile.picture import COLORS
    _, _, out = build()
    data = pydotprint(out, format="png")
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data == pydotprint(out, format="png")  # deterministic
    image = Image.open(io.BytesIO(data)).convert("RGB")
    root = parse(pydotprint(out))
    assert abs(image.width - 2 * float(root.get("width"))) <= 2
    assert abs(image.height - 2 * float(root.get("height"))) <= 2
    colors = {"#%02x%02x%02x" % c for _, c in image.getcolors(maxcolors=1 << 20)}
    for kind in ("input", "constant", "output", "apply", "elemwise"):
        assert COLORS[kind] in colors, kind
    path = tmp_path / "g.png"
    assert pydotprint(out, outfile=str(path)) == str(path)
    assert path.read_bytes() == data


@pytest.mark.single_mode
def test_text_is_escaped():
    x = T.vector('a<b & "c"\x01')
    y = T.exp(x)
    y.name = "]]> <!--"
    root = parse(pydotprint(y + 1.0, title="t&t"))
    labels = texts(root)
    assert 'a<b & "c"?' in labels
    assert any("]]> <!--" in (t or "") for t in labels)


@pytest.mark.single_mode
def test_long_labels_are_cut():
    x = T.vector("v" * 200)
    labels = texts(parse(pydotprint(T.exp(x), max_label_size=20)))
    assert "v" * 17 + "..." in labels


def _boxes(root):
    """(x0, y0, x1, y1) of every node shape."""
    boxes = []
    for g in node_groups(root):
        e = g.find(SVG + "ellipse")
        if e is not None:
            cx, cy, rx, ry = (float(e.get(k)) for k in ("cx", "cy", "rx", "ry"))
            boxes.append((cx - rx, cy - ry, cx + rx, cy + ry))
        else:
            r = g.find(SVG + "rect")
            x, y, w, h = (float(r.get(k)) for k in ("x", "y", "width", "height"))
            boxes.append((x, y, x + w, y + h))
    return boxes


@pytest.mark.single_mode
def test_layout_has_no_overlaps_and_fits():
    x, y = T.matrix("x"), T.vector("y")
    w = transpile.shared(np.zeros(3), name="w")
    h = T.exp(x * w)
    out = [(h * y.dimshuffle(0, "x")).sum(), T.log(h).sum(axis=0) + w, h.T, x.max(axis=1) - y]
    root = parse(pydotprint(out))
    width, height = float(root.get("width")), float(root.get("height"))
    boxes = _boxes(root)
    for k, a in enumerate(boxes):
        assert 0 <= a[0] and a[2] <= width and 0 <= a[1] and a[3] <= height
        for b in boxes[k + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
    # inputs sit above their users: every edge goes downwards
    for path in root.iter(SVG + "path"):
        d = path.get("d")
        if d.startswith("M") and " C" in d:
            y0 = float(d[1:].split(" ")[0].split(",")[1])
            y1 = float(d.split(",")[-1])
            assert y1 > y0


@pytest.mark.single_mode
def test_crossing_reduction():
    # layers [[0, 1], [2, 3]] with edges 0->3 and 1->2 cross once; ordering removes it
    layers = [[0, 1], [2, 3]]
    down = [[], [], [(1, 0.0)], [(0, 0.0)]]
    up = [[(3, 0.0)], [(2, 0.0)], [], []]
    assert _crossings(layers, up, [0, 1, 0, 1]) == 1
    _order(layers, down, up)
    rank = [0] * 4
    for lay in layers:
        for i, v in enumerate(lay):
            rank[v] = i
    assert _crossings(layers, up, rank) == 0
    # K2,2 always crosses once
    full = [[(2, 0.0), (3, 0.0)], [(2, 0.0), (3, 0.0)], [], []]
    assert _crossings([[0, 1], [2, 3]], full, [0, 1, 0, 1]) == 1


@pytest.mark.single_mode
def test_large_graph():
    x = T.vector("x")
    outs = []
    y = x
    for k in range(60):
        y = T.exp(y) * (k + 1.0) if k % 2 else T.log(y + x)
        if k % 10 == 0:
            outs.append(y)
    root = parse(pydotprint(outs))
    assert len(node_groups(root)) > 150


@pytest.mark.single_mode
def test_other_inputs():
    x = T.vector("x")
    a, b = TwoOut()(x)
    parse(pydotprint(a.owner))
    parse(pydotprint(x))  # a lone input is its own output
    fg = transpile.graph.FunctionGraph([x], [T.exp(x), T.constant(1.0)], clone=False)
    labels = texts(parse(pydotprint(fg)))
    assert "TensorConstant{1.0}" in labels and "output 1" in labels
    f = transpile.function([x], T.exp(x), mode=RAW)
    for given in ([np.ones(2)], {x: np.ones(2)}, {"x": np.ones(2)}):
        assert "shape (2,)" in texts(parse(pydotprint(f, inputs=given)))
    assert "shape (2,)" in texts(parse(pydotprint(T.exp(x), inputs={x: np.ones(2)})))
