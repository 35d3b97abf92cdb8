"""Output shapes of a Scan node (`Scan.infer_shape`).

A recurrent output has `m + n_steps` entries (its initial values, then one per step) of the
initial state's shape. A nit-sot output has `n_steps` entries whose shape is found by running
`infer_shape` through the inner graph from the outer inputs' shapes; when that shape would
need an inner value (not only shapes), or for a `while` loop (the number of steps is known only
after running), the shapes are not inferred (NotImplementedError, which callers handle).
"""
from transpile.graph.basic import Constant
from transpile.graph.traversal import IdMap, graph_inputs, io_toposort
from transpile.tensor.math import minimum
from transpile.tensor.shape import shape_const


def scan_output_shapes(op, node, input_shapes):
    if op.as_while:
        raise NotImplementedError(f"{op}: a while loop's length is known only after it runs")
    n = node.inputs[0]
    first_init = 1 + op.n_seqs
    shapes = []
    for r, m in enumerate(op.mintaps):
        length = {"tail": shape_const(m), "last_step": minimum(n, 1)}.get(op.last_only[r], n + m)
        shapes.append((length,) + tuple(input_shapes[first_init + r][1:]))
    if op.n_nitsot:
        inner = _inner_shapes(op, input_shapes)
        for out in op.inner_outputs[op.n_rec:op.n_rec + op.n_nitsot]:
            shapes.append((n,) + inner(out))
    return shapes


def _inner_shapes(op, input_shapes):
    """shape_of(inner variable) -> its shape in terms of outer inputs' shapes."""
    known = IdMap()
    for inner, pos in zip(op.inner_inputs, op.inner_to_outer()):
        outer = tuple(input_shapes[pos])
        known[inner] = outer if pos > op.n_seqs + op.n_rec else outer[1:]
    inner_vars = IdMap((v, True) for v in op.inner_inputs)

    def shape_of(var):
        if var in known:
            return known[var]
        if isinstance(var, Constant):
            return tuple(shape_const(d) for d in var.data.shape)
        raise NotImplementedError(f"{op}: no shape for inner variable {var}")

    def infer(out):
        for node in io_toposort(op.inner_inputs, [out]):
            if all(o in known for o in node.outputs):
                continue
            result = node.op.infer_shape(node, [shape_of(i) for i in node.inputs])
            for o, shp in zip(node.outputs, result):
                known[o] = tuple(shp)
                inner_vars[o] = True
        shape = shape_of(out)
        if any(v in inner_vars for v in graph_inputs(list(shape))):
            raise NotImplementedError(f"{op}: the shape of {out} depends on values computed in the loop")
        return shape

    return infer
