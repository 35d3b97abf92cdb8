"""Checks that an op's `infer_shape` predicts the shapes its node actually computes.

`inferred_shapes(out)` gives extra outputs to compile along with the case (so a batched table
checks shape inference in the same native build); `assert_inferred_shapes` reads them back."""
import transpile.tensor as T
from transpile import function


def _predicted(node):
    return node.op.infer_shape(node, [tuple(T.shape_i(i, d) for d in range(i.ndim)) for i in node.inputs])


def inferred_shapes(out):
    """The node's outputs, then every entry of the shapes its op's infer_shape predicts."""
    node = out.owner
    flat = [s for shp in _predicted(node) for s in shp]
    assert all(s.ndim == 0 and s.dtype == "int64" for s in flat), [s.type for s in flat]
    return list(node.outputs) + flat


def assert_inferred_shapes(out, results):
    """results: `inferred_shapes(out)`, evaluated."""
    node = out.owner
    outs, sizes = results[:len(node.outputs)], [int(s) for s in results[len(node.outputs):]]
    for o, shp in zip(outs, _predicted(node)):
        assert tuple(sizes[:len(shp)]) == o.shape
        sizes = sizes[len(shp):]


def check_infer_shape(out, inputs, values):
    """The shapes `out.owner.op.infer_shape` predicts equal the shapes actually computed."""
    assert_inferred_shapes(out, function(inputs, inferred_shapes(out), on_unused_input="ignore")(*values))
