"""transpile.d3viz: the graph of a compiled function as a web page and in DOT."""
import re

import pytest

import transpile
import transpile.tensor as T
from transpile.d3viz import d3viz, d3write

pytestmark = pytest.mark.single_mode

NODE = re.compile(r'^  n(\d+) \[label="((?:[^"\\]|\\.)*)", shape=(box|ellipse), style=filled, '
                  r'fillcolor="#[0-9a-f]{6}", tooltip="((?:[^"\\]|\\.)*)"\];$')
EDGE = re.compile(r'^  n(\d+) -> n(\d+) \[label="((?:[^"\\]|\\.)*)", tooltip="((?:[^"\\]|\\.)*)"\];$')


def test_the_page_and_the_dot_file(tmp_path):
    x = T.dvector("x")
    s = transpile.shared(1.0, name="s")
    f = transpile.function([x], T.exp(x).sum() * s, updates=[(s, s + 1)])
    page = d3viz(f, str(tmp_path / "graph.html"))
    html = (tmp_path / "graph.html").read_text()
    assert page == str(tmp_path / "graph.html") and html.startswith("<!DOCTYPE html>") and "<svg" in html
    assert "<script" not in html  # nothing to download or run
    d3write(f, str(tmp_path / "graph.dot"), title='a "quoted" title')
    lines = (tmp_path / "graph.dot").read_text().splitlines()
    assert lines[0] == 'digraph "a \\"quoted\\" title" {' and lines[-1] == "}"
    nodes = [NODE.match(line) for line in lines[2:-1] if " -> " not in line]
    edges = [EDGE.match(line) for line in lines[2:-1] if " -> " in line]
    assert all(nodes) and all(edges) and len(nodes) + len(edges) == len(lines) - 3
    ids = {int(m.group(1)) for m in nodes}
    assert ids == set(range(len(nodes)))
    assert all(int(m.group(1)) in ids and int(m.group(2)) in ids for m in edges)
    labels = [m.group(2) for m in nodes]
    assert any(label.startswith("x\\n") for label in labels) and any(label.startswith("s\\n") for label in labels)
    assert sum(m.group(3) == "box" for m in nodes) == len(f.maker.fgraph.apply_nodes)
