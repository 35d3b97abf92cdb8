"""Pictures of graphs with no system package: a layered layout computed here, drawn as a
self-contained SVG (or an HTML page embedding it).

Apply nodes are boxes; graph inputs, constants, shared variables and outputs are ellipses;
intermediate variables are the edges between boxes. The layout is Sugiyama's: longest-path
layers (leaves pulled down next to their first user), dummy nodes on long edges, barycentric
ordering sweeps that keep the order with the fewest crossings, then x positions pulled towards
neighbours. Every step is ordered by graph traversal, never by hashing, so the same graph gives
the same bytes.
"""
import os
import re
from types import SimpleNamespace

import numpy as np

from transpile.graph.basic import Apply, Constant, Variable
from transpile.graph.fg import FunctionGraph
from transpile.graph.traversal import ancestors, io_toposort
from transpile.picture_png import render_png

__all__ = ["pydotprint", "graph_svg"]

FONT = 12
CHAR_W = 0.6 * FONT  # monospace advance
LINE_H = 15
H_GAP, V_GAP, MARGIN = 24.0, 56.0, 20.0
COLORS = {"input": "#7ed87e", "shared": "#7fd4f0", "constant": "#d9d9d9", "output": "#7fa8f0",
          "update": "#f5b869", "apply": "#fff3c4", "elemwise": "#ffd1dc"}
LEGEND = [("input", "input"), ("shared", "shared variable"), ("constant", "constant"),
          ("output", "output"), ("update", "update"), ("apply", "op"), ("elemwise", "elementwise op")]


def pydotprint(fct, outfile=None, format=None, with_ids=False, max_label_size=70, inputs=None,
               title=None, print_output_file=False):
    """Draw the graph of `fct` (a compiled function, FunctionGraph, variable, list of variables
    or Apply). `format`: "svg", "html" or "png" (default: from `outfile`'s extension, else svg;
    png needs Pillow, the `transpile[png]` extra).
    `inputs`: values of the inputs (a list in the function's input order, or a dict
    {variable: value}) to show every variable's shape; test values are used otherwise.
    Returns `outfile` once written, or the text when `outfile` is None."""
    if format is None:
        ext = os.path.splitext(str(outfile or ""))[1].lower()
        format = "html" if ext in (".html", ".htm") else "svg" if ext in ("", ".svg") else ext[1:]
    if format not in ("svg", "html", "png"):
        raise ValueError(f"pydotprint: format {format!r} is not supported (it would need graphviz); "
                         "use 'svg', 'html' or 'png'")
    if format == "png":
        return _write_png(fct, outfile, with_ids, max_label_size, inputs, print_output_file)
    svg = graph_svg(fct, with_ids=with_ids, max_label_size=max_label_size, inputs=inputs, title=title)
    text = svg if format == "svg" else _html(svg, title or "transpile graph")
    if outfile is None:
        return text
    with open(outfile, "w", encoding="utf-8") as fh:
        fh.write(text)
    if print_output_file:
        print(f"The output file is available at {outfile}")
    return outfile


def _write_png(fct, outfile, with_ids, max_label_size, inputs, print_output_file):
    graph = _Graph(fct, inputs, with_ids, max_label_size)
    pos, dummies = _layout(graph)
    style = SimpleNamespace(FONT=FONT, LINE_H=LINE_H, MARGIN=MARGIN, COLORS=COLORS, LEGEND=LEGEND)
    data = render_png(graph, pos, dummies, style)
    if outfile is None:
        return data
    with open(outfile, "wb") as fh:
        fh.write(data)
    if print_output_file:
        print(f"The output file is available at {outfile}")
    return outfile


def graph_svg(fct, with_ids=False, max_label_size=70, inputs=None, title=None):
    """The SVG text of `pydotprint` (same arguments)."""
    graph = _Graph(fct, inputs, with_ids, max_label_size)
    pos, dummies = _layout(graph)
    return _render(graph, pos, dummies, title)


def graph_dot(fct, with_ids=False, max_label_size=70, inputs=None, title=None):
    """The graph of `pydotprint` (same arguments) in graphviz's DOT language: the same nodes,
    colours, shapes and edge labels, for `dot` or any tool that reads it."""
    graph = _Graph(fct, inputs, with_ids, max_label_size)

    def quoted(text):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    lines = [f"digraph {quoted(title or 'transpile graph')} {{", "  node [fontname=monospace];"]
    for k, node in enumerate(graph.nodes):
        label = "\n".join(node.lines)
        lines.append(f"  n{k} [label={quoted(label)}, shape={node.shape}, style=filled, "
                     f"fillcolor={quoted(COLORS[node.kind])}, tooltip={quoted(node.tooltip)}];")
    for src, dst, _, _, label, tooltip in graph.edges:
        lines.append(f"  n{src} -> n{dst} [label={quoted(label)}, tooltip={quoted(tooltip)}];")
    return "\n".join(lines + ["}"]) + "\n"


# -- graph extraction ------------------------------------------------------------------------------
class _Node:
    def __init__(self, kind, lines, tooltip, shape):
        self.kind, self.lines, self.tooltip, self.shape = kind, lines, tooltip, shape
        width = max(len(line) for line in lines) * CHAR_W
        if shape == "box":
            self.w, self.h = width + 16, len(lines) * LINE_H + 10
        else:
            self.w, self.h = width * 1.15 + 24, len(lines) * LINE_H + 18


class _Graph:
    """Layout nodes (`nodes`) and edges (`edges`: (src, dst, port, nports, label, tooltip))."""

    def __init__(self, obj, input_values, with_ids, max_label):
        self.max_label = max_label
        outputs, names, graph_inputs = self._roots(obj)
        self.values = _evaluate(obj, outputs, input_values)
        self.nodes, self.edges, index = [], [], {}
        for var in ancestors(outputs):  # constants get one node per use, added with the user
            if var.owner is None and not isinstance(var, Constant):
                index[var] = self._add_leaf(var, graph_inputs)
        for k, node in enumerate(io_toposort([], outputs)):
            consts = {i: self._add_leaf(v, graph_inputs)
                      for i, v in enumerate(node.inputs) if isinstance(v, Constant)}
            label = self._cut(str(node.op)) + (f"  id={k}" if with_ids else "")
            kind = "elemwise" if type(node.op).__name__ == "Elemwise" else "apply"
            index[node] = self._add(kind, [label], str(node.op), "box")
            for port, var in enumerate(node.inputs):
                src = index[var.owner] if var.owner is not None else consts.get(port, index.get(var))
                parts = [str(port)] if len(node.inputs) > 1 else []
                if var.owner is not None and len(var.owner.outputs) > 1:
                    parts.append(f"out{var.index}")
                if var.owner is not None and var.name is not None:
                    parts.append(var.name)
                if var.owner is not None and self._shape(var) is not None:
                    parts.append(str(self._shape(var)))
                self.edges.append((src, index[node], port, len(node.inputs), self._cut(" ".join(parts)),
                                   self._describe(var)))
        for k, var in enumerate(outputs):
            kind, title = names[k]
            lines = [self._cut(var.name if var.name is not None and kind == "output" else title),
                     str(var.type)]
            if self._shape(var) is not None:
                lines.append(f"shape {self._shape(var)}")
            src = index[var.owner] if var.owner is not None else index.get(var)
            if src is None:  # a constant output
                src = self._add_leaf(var, graph_inputs)
            out = self._add(kind, lines, self._describe(var), "ellipse")
            label = f"out{var.index}" if var.owner is not None and len(var.owner.outputs) > 1 else ""
            self.edges.append((src, out, 0, 1, label, self._describe(var)))

    @staticmethod
    def _roots(obj):
        """(outputs, [(kind, title)] per output, input variables in order)."""
        if hasattr(obj, "maker") and isinstance(getattr(obj.maker, "fgraph", None), FunctionGraph):
            maker = obj.maker
            fg = maker.fgraph
            n_out = len(maker.outputs)
            names = [("output", f"output {k}") for k in range(n_out)]
            names += [("update", f"update {s}") for s, _ in maker.updates]
            names += [("update", f"update {spec.name or spec.variable}")  # In(..., update=...) inputs
                      for spec in (getattr(maker, "input_specs", None) or ()) if spec.update is not None]
            return list(fg.outputs), names, list(fg.inputs)
        if isinstance(obj, FunctionGraph):
            outputs, inputs = list(obj.outputs), list(obj.inputs)
        elif isinstance(obj, Apply):
            outputs, inputs = list(obj.outputs), []
        else:
            outputs, inputs = (list(obj) if isinstance(obj, (list, tuple)) else [obj]), []
        for var in outputs:
            if not isinstance(var, Variable):
                raise TypeError(f"pydotprint: expected a compiled function, FunctionGraph, Apply, variable "
                                f"or list of variables, got {type(var).__name__}")
        return outputs, [("output", f"output {k}") for k in range(len(outputs))], inputs

    def _add(self, kind, lines, tooltip, shape):
        self.nodes.append(_Node(kind, lines, tooltip, shape))
        return len(self.nodes) - 1

    def _add_leaf(self, var, graph_inputs):
        if isinstance(var, Constant):
            kind, title = "constant", str(var)
        elif hasattr(var, "container"):
            kind, title = "shared", var.name or "shared"
        else:
            pos = next((k for k, v in enumerate(graph_inputs) if v is var), None)
            kind, title = "input", var.name or (f"input {pos}" if pos is not None else "input")
        lines = [self._cut(title), str(var.type)]
        if self._shape(var) is not None:
            lines.append(f"shape {self._shape(var)}")
        return self._add(kind, lines, self._describe(var), "ellipse")

    def _shape(self, var):
        if var in self.values:
            return tuple(np.shape(self.values[var]))
        if hasattr(var.tag, "test_value"):
            return tuple(np.shape(var.tag.test_value))
        return None

    def _describe(self, var):
        shape = self._shape(var)
        return f"{var} : {var.type}" + (f" shape {shape}" if shape is not None else "")

    def _cut(self, text):
        if self.max_label and len(text) > self.max_label:
            return text[:max(self.max_label - 3, 1)] + "..."
        return text


def _evaluate(obj, outputs, given):
    """{variable: value}: the given input values (else test values, constants and shared
    values) run through each node's `perform`; nodes that cannot run are skipped."""
    values = {}
    if given is not None and hasattr(obj, "maker"):
        if isinstance(given, dict):  # keyed by the function's input variables or their names
            lookup = {(k if isinstance(k, str) else id(k)): v for k, v in given.items()}
            explicit = [lookup.get(id(v), lookup.get(v.name)) for v in obj.maker.inputs]
        else:
            explicit = list(given)
        for var, value in zip(obj.maker.fgraph.inputs, explicit):
            if value is not None:
                values[var] = var.type.filter(value, allow_downcast=True)
    elif given is not None:
        for var, value in dict(given).items():
            values[var] = var.type.filter(value, allow_downcast=True)
    for var in ancestors(outputs):
        if var.owner is None and var not in values:
            if isinstance(var, Constant):
                values[var] = var.data
            elif hasattr(var, "container"):
                values[var] = var.container.value
            elif hasattr(var.tag, "test_value"):
                values[var] = var.tag.test_value
    for node in io_toposort([], outputs):
        if not all(i in values for i in node.inputs):
            continue
        if getattr(node.op, "foldable", True) is False:  # side effects (Print, random draws)
            out = node.outputs[0]
            if node.op.view_map == {0: [0]} and len(node.outputs) == 1 and out.type == node.inputs[0].type:
                values[out] = values[node.inputs[0]]  # an identity that prints: pass through
            continue
        storage = [[None] for _ in node.outputs]
        try:
            node.op.perform(node, [values[i] for i in node.inputs], storage)
        except Exception:  # a picture never fails: the shapes past this node stay unknown
            continue
        for var, cell in zip(node.outputs, storage):
            if cell[0] is not None:
                values[var] = cell[0]
    return values


# -- layout ----------------------------------------------------------------------------------------
def _layout(graph):
    """(pos: [(x, y)] of every node and dummy, dummies: {edge index: [dummy ids]})."""
    n = len(graph.nodes)
    preds, succs = [[] for _ in range(n)], [[] for _ in range(n)]
    for src, dst, *_ in graph.edges:
        preds[dst].append(src)
        succs[src].append(dst)
    layer = [0] * n
    for v in range(n):  # nodes were added in a topological order
        layer[v] = max((layer[p] + 1 for p in preds[v]), default=0)
    for v in range(n):  # leaves sit just above their first user
        if not preds[v] and succs[v]:
            layer[v] = max(min(layer[s] for s in succs[v]) - 1, 0)
    # split long edges with dummy nodes: segments (a, b, port offset at b)
    widths = [node.w for node in graph.nodes]
    heights = [node.h for node in graph.nodes]
    segments, dummies = [], {}
    for e, (src, dst, port, nports, *_rest) in enumerate(graph.edges):
        chain = [src]
        for lay in range(layer[src] + 1, layer[dst]):
            layer.append(lay)
            widths.append(8.0)
            heights.append(0.0)
            chain.append(len(layer) - 1)
        chain.append(dst)
        dummies[e] = chain[1:-1]
        offset = 0.4 * ((port + 1) / (nports + 1) - 0.5)
        for k in range(len(chain) - 1):
            segments.append((chain[k], chain[k + 1], offset if k == len(chain) - 2 else 0.0))
    total = len(layer)
    layers = [[] for _ in range(max(layer, default=0) + 1)]
    for v in range(total):
        layers[layer[v]].append(v)
    down = [[] for _ in range(total)]
    up = [[] for _ in range(total)]
    for a, b, off in segments:
        down[b].append((a, -off))
        up[a].append((b, off))
    _order(layers, down, up)
    xs = _place_x(layers, widths, down, up)
    pos, y = {}, MARGIN
    for lay in layers:
        h = max((heights[v] for v in lay), default=0.0)
        for v in lay:
            pos[v] = (xs[v], y + h / 2)
        y += h + V_GAP
    return pos, dummies


def _order(layers, down, up, rounds=12):
    """Barycentric sweeps (down then up), keeping the ordering with the fewest crossings;
    stops early after two rounds without improvement."""
    r = [0] * len(down)
    for lay in layers:
        for i, v in enumerate(lay):
            r[v] = i
    best, best_cross = [list(lay) for lay in layers], _crossings(layers, up, r)
    stale = 0
    for _ in range(rounds):
        if best_cross == 0 or stale == 2:
            break
        for sweep, neigh in ((range(1, len(layers)), down), (range(len(layers) - 2, -1, -1), up)):
            for i in sweep:
                keys = {}
                for v in layers[i]:
                    ns = neigh[v]
                    keys[v] = (sum(r[u] + off for u, off in ns) / len(ns)) if ns else r[v]
                layers[i].sort(key=lambda v: (keys[v], r[v]))
                for k, v in enumerate(layers[i]):
                    r[v] = k
        cross = _crossings(layers, up, r)
        stale += 1
        if cross < best_cross:
            best, best_cross, stale = [list(lay) for lay in layers], cross, 0
    layers[:] = best


def _crossings(layers, up, r):
    """Edge crossings between adjacent layers (inversions counted with a Fenwick tree)."""
    total = 0
    for lay in layers[:-1]:
        ends = sorted((r[a], r[b] + off) for a in lay for b, off in up[a])
        targets = sorted({e for _, e in ends})
        where = {t: k + 1 for k, t in enumerate(targets)}
        tree = [0] * (len(targets) + 1)
        for seen, (_, t) in enumerate(ends):
            k, le = where[t], 0
            while k > 0:
                le += tree[k]
                k -= k & -k
            total += seen - le
            k = where[t]
            while k <= len(targets):
                tree[k] += 1
                k += k & -k
    return total


def _place_x(layers, widths, down, up, rounds=6):
    """Centres: packed, then pulled towards the mean of neighbours; overlaps resolved by
    averaging a push-right and a push-left pass (both keep the order and the gaps)."""
    xs = [0.0] * len(widths)
    for lay in layers:
        x = 0.0
        for v in lay:
            xs[v] = x + widths[v] / 2
            x += widths[v] + H_GAP
    for _ in range(rounds):
        for sweep, neigh in ((range(1, len(layers)), down), (range(len(layers) - 2, -1, -1), up)):
            for i in sweep:
                lay = layers[i]
                want = [sum(xs[u] for u, _ in neigh[v]) / len(neigh[v]) if neigh[v] else xs[v] for v in lay]
                _resolve(lay, want, widths, xs)
    left = min((xs[v] - widths[v] / 2 for lay in layers for v in lay), default=0.0)
    return [x - left + MARGIN for x in xs]


def _resolve(lay, want, widths, xs):
    right = list(want)
    for k in range(1, len(lay)):
        gap = (widths[lay[k - 1]] + widths[lay[k]]) / 2 + H_GAP
        right[k] = max(right[k], right[k - 1] + gap)
    left = list(want)
    for k in range(len(lay) - 2, -1, -1):
        gap = (widths[lay[k]] + widths[lay[k + 1]]) / 2 + H_GAP
        left[k] = min(left[k], left[k + 1] - gap)
    for k, v in enumerate(lay):
        xs[v] = (right[k] + left[k]) / 2


# -- rendering -------------------------------------------------------------------------------------
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _esc(text):
    text = _BAD_XML.sub("?", str(text))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _f(v):
    return f"{v:.1f}"


def _render(graph, pos, dummies, title):
    nodes = graph.nodes
    width = max((pos[v][0] + nodes[v].w / 2 for v in range(len(nodes))), default=0.0) + MARGIN
    height = max((pos[v][1] + nodes[v].h / 2 for v in range(len(nodes))), default=0.0) + MARGIN
    kinds = [k for k, _ in LEGEND if any(node.kind == k for node in nodes)]
    legend_y = height + 4
    height += 30 if kinds else 0
    slots, x = [], MARGIN
    for kind in kinds:
        slots.append(x)
        x += 34 + len(dict(LEGEND)[kind]) * 6.0
    width = max(width, x + MARGIN)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<svg xmlns="http://www.w3.org/2000/svg" width="{_f(width)}" height="{_f(height)}" '
           f'viewBox="0 0 {_f(width)} {_f(height)}" font-family="monospace" font-size="{FONT}">',
           f"<title>{_esc(title or 'transpile graph')}</title>",
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
           'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#444"/></marker></defs>',
           '<rect width="100%" height="100%" fill="white"/>']
    for e, (src, dst, port, nports, label, tooltip) in enumerate(graph.edges):
        out.append(_edge(e, nodes, pos, src, dst, port, nports, dummies[e], label, tooltip))
    for v, node in enumerate(nodes):
        out.append(_node(v, node, pos[v]))
    for x, kind in zip(slots, kinds):
        out.append(f'<rect x="{_f(x)}" y="{_f(legend_y)}" width="14" height="14" fill="{COLORS[kind]}" '
                   f'stroke="#333"/><text x="{_f(x + 20)}" y="{_f(legend_y + 11)}" font-size="10">'
                   f"{_esc(dict(LEGEND)[kind])}</text>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _edge(e, nodes, pos, src, dst, port, nports, chain, label, tooltip):
    (x0, y0), (x1, y1) = pos[src], pos[dst]
    points = [(x0, y0 + nodes[src].h / 2)] + [pos[d] for d in chain]
    if nodes[dst].shape == "box":
        x1 = x1 - nodes[dst].w / 2 + nodes[dst].w * (port + 1) / (nports + 1)
    points.append((x1, y1 - nodes[dst].h / 2))
    d = f"M{_f(points[0][0])},{_f(points[0][1])}"
    for (ax, ay), (bx, by) in zip(points, points[1:]):
        my = (ay + by) / 2
        d += f" C{_f(ax)},{_f(my)} {_f(bx)},{_f(my)} {_f(bx)},{_f(by)}"
    text = ""
    if label:
        lx, ly = points[-1][0] + 4, points[-1][1] - 8
        text = f'<text x="{_f(lx)}" y="{_f(ly)}" font-size="10" fill="#333">{_esc(label)}</text>'
    return (f'<g class="edge" id="e{e}"><title>{_esc(tooltip)}</title><path d="{d}" fill="none" '
            f'stroke="#444" marker-end="url(#arrow)"/>{text}</g>')


def _node(v, node, xy):
    x, y = xy
    fill = COLORS[node.kind]
    if node.shape == "box":
        shape = (f'<rect x="{_f(x - node.w / 2)}" y="{_f(y - node.h / 2)}" width="{_f(node.w)}" '
                 f'height="{_f(node.h)}" rx="3" fill="{fill}" stroke="#333"/>')
    else:
        shape = (f'<ellipse cx="{_f(x)}" cy="{_f(y)}" rx="{_f(node.w / 2)}" ry="{_f(node.h / 2)}" '
                 f'fill="{fill}" stroke="#333"/>')
    top = y - (len(node.lines) - 1) * LINE_H / 2 + FONT * 0.35
    texts = "".join(f'<text x="{_f(x)}" y="{_f(top + k * LINE_H)}" text-anchor="middle">{_esc(line)}</text>'
                    for k, line in enumerate(node.lines))
    return f'<g class="node {node.kind}" id="n{v}"><title>{_esc(node.tooltip)}</title>{shape}{texts}</g>'


def _html(svg, title):
    body = svg.split("\n", 1)[1]  # drop the XML declaration
    return ("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\"/>\n"
            f"<title>{_esc(title)}</title>\n</head>\n<body>\n<h3>{_esc(title)}</h3>\n{body}</body>\n</html>\n")
