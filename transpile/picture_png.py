"""PNG output of `pydotprint`: the same layout as the SVG (transpile.picture), drawn with Pillow.

Pillow ships as wheels with its libraries bundled (no system package needed); it is the
optional extra `transpile[png]`. Curves are drawn as polylines through sampled Bezier points.
The image is drawn at `scale` times the SVG's size (2 by default, for legible text).
"""
import io

try:
    from PIL import Image, ImageDraw, ImageFont
except ImportError:  # pragma: no cover - exercised only without the extra
    Image = None



def require_pillow():
    if Image is None:
        raise ImportError("pydotprint: PNG output needs Pillow; install it with `pip install transpile[png]` "
                          "(or `pip install pillow`), or write 'svg' / 'html'")


def render_png(graph, pos, dummies, style, scale=2):
    """PNG bytes of the laid-out graph; `style` carries transpile.picture's FONT, LINE_H,
    MARGIN, COLORS and LEGEND (passed in: that module imports this one)."""
    require_pillow()
    P = style
    nodes = graph.nodes
    width = max((pos[v][0] + nodes[v].w / 2 for v in range(len(nodes))), default=0.0) + P.MARGIN
    height = max((pos[v][1] + nodes[v].h / 2 for v in range(len(nodes))), default=0.0) + P.MARGIN
    kinds = [k for k, _ in P.LEGEND if any(node.kind == k for node in nodes)]
    legend_y = height + 4
    height += 30 if kinds else 0
    slots, x = [], P.MARGIN
    names = dict(P.LEGEND)
    for kind in kinds:
        slots.append(x)
        x += 34 + len(names[kind]) * 6.0
    width = max(width, x + P.MARGIN)

    image = Image.new("RGB", (int(width * scale) + 1, int(height * scale) + 1), "white")
    draw = ImageDraw.Draw(image)
    font, small = _font(P.FONT * scale), _font(10 * scale)
    for e, (src, dst, port, nports, label, _tooltip) in enumerate(graph.edges):
        _edge(draw, small, nodes, pos, src, dst, port, nports, dummies[e], label, scale)
    for v, node in enumerate(nodes):
        _node(draw, font, node, pos[v], scale, P)
    for x, kind in zip(slots, kinds):
        box = [x * scale, legend_y * scale, (x + 14) * scale, (legend_y + 14) * scale]
        draw.rectangle(box, fill=P.COLORS[kind], outline="#333333", width=scale)
        draw.text(((x + 20) * scale, (legend_y + 7) * scale), names[kind], fill="#000000", font=small, anchor="lm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _font(size):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1: a fixed bitmap font
        return ImageFont.load_default()


def _bezier(a, b, steps=12):
    """Points of the vertical S-curve from a to b that the SVG draws (control points at mid-height)."""
    (ax, ay), (bx, by) = a, b
    my = (ay + by) / 2
    pts = []
    for k in range(1, steps + 1):
        t = k / steps
        u = 1 - t
        x = u ** 3 * ax + 3 * u * u * t * ax + 3 * u * t * t * bx + t ** 3 * bx
        y = u ** 3 * ay + 3 * u * u * t * my + 3 * u * t * t * my + t ** 3 * by
        pts.append((x, y))
    return pts


def _edge(draw, font, nodes, pos, src, dst, port, nports, chain, label, scale):
    (x0, y0), (x1, y1) = pos[src], pos[dst]
    points = [(x0, y0 + nodes[src].h / 2)] + [pos[d] for d in chain]
    if nodes[dst].shape == "box":
        x1 = x1 - nodes[dst].w / 2 + nodes[dst].w * (port + 1) / (nports + 1)
    points.append((x1, y1 - nodes[dst].h / 2))
    path = [points[0]]
    for a, b in zip(points, points[1:]):
        path.extend(_bezier(a, b))
    draw.line([(x * scale, y * scale) for x, y in path], fill="#444444", width=scale)
    _arrow_head(draw, path[-2], path[-1], scale)
    if label:
        draw.text(((points[-1][0] + 4) * scale, (points[-1][1] - 8) * scale), label, fill="#333333", font=font,
                  anchor="ls")


def _arrow_head(draw, before, tip, scale, length=7.0, half_width=3.5):
    dx, dy = tip[0] - before[0], tip[1] - before[1]
    norm = (dx * dx + dy * dy) ** 0.5 or 1.0
    ux, uy = dx / norm, dy / norm
    bx, by = tip[0] - ux * length, tip[1] - uy * length
    corners = [tip, (bx - uy * half_width, by + ux * half_width), (bx + uy * half_width, by - ux * half_width)]
    draw.polygon([(x * scale, y * scale) for x, y in corners], fill="#444444")


def _node(draw, font, node, xy, scale, P):
    x, y = xy
    box = [(x - node.w / 2) * scale, (y - node.h / 2) * scale, (x + node.w / 2) * scale, (y + node.h / 2) * scale]
    if node.shape == "box":
        draw.rounded_rectangle(box, radius=3 * scale, fill=P.COLORS[node.kind], outline="#333333", width=scale)
    else:
        draw.ellipse(box, fill=P.COLORS[node.kind], outline="#333333", width=scale)
    top = y - (len(node.lines) - 1) * P.LINE_H / 2
    for k, line in enumerate(node.lines):
        draw.text((x * scale, (top + k * P.LINE_H) * scale), line, fill="#000000", font=font, anchor="mm")
