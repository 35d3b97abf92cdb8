"""`Op`: what a node computes. Ops are values: equal (and equally hashed) when their class and
`__props__` agree, so the merge pass can unify identical nodes.

An op knows its meaning (`make_node`, `perform` in numpy, `grad`, `infer_shape`) and nothing of
C++: native lowering rules are registered per op class in `transpile.emit`.
"""
import warnings

from transpile.configdefaults import config


class Props:
    """Value semantics from `__props__`: equal and equally hashed when class and props agree."""

    __props__ = ()

    def _props(self):
        return tuple(getattr(self, p) for p in self.__props__)

    def _props_dict(self):
        return {p: getattr(self, p) for p in self.__props__}

    def __eq__(self, other):
        return type(self) is type(other) and self._props() == other._props()

    def __hash__(self):
        return hash((type(self), self._props()))


class Op(Props):
    #: index of the output returned by `op(...)` when the op has several outputs
    default_output = None
    #: {output index: [input index]}: outputs that are views of (alias) inputs
    view_map = {}
    #: {output index: [input index]}: outputs computed by overwriting inputs
    destroy_map = {}

    def make_node(self, *inputs):
        raise NotImplementedError(f"{type(self).__name__} must define make_node")

    def __call__(self, *inputs, **kwargs):
        node = self.make_node(*inputs, **kwargs)
        if config.compute_test_value != "off":
            compute_test_value(node)
        if self.default_output is not None:
            return node.outputs[self.default_output]
        return node.outputs[0] if len(node.outputs) == 1 else node.outputs

    def perform(self, node, inputs, output_storage):
        """Compute outputs in numpy: set `output_storage[i][0]` for every output."""
        raise NotImplementedError(f"{type(self).__name__} has no perform (no reference implementation)")

    def grad(self, inputs, output_grads):
        """Symbolic gradient: one variable per input (or a disconnected/null marker)."""
        raise NotImplementedError(f"{self} does not define grad")

    def infer_shape(self, node, input_shapes):
        """Symbolic output shapes from input shapes (tuples of scalar int variables)."""
        raise NotImplementedError(f"{self} does not define infer_shape")

    def __str__(self):
        if not self.__props__:
            return type(self).__name__
        return f"{type(self).__name__}{{{', '.join(str(p) for p in self._props())}}}"

    __repr__ = __str__


def compute_test_value(node):
    """Run `node` on its inputs' `tag.test_value`s (config.compute_test_value != 'off'), so a
    shape or type error surfaces at the line building the graph. Shared variables and constants
    supply their values. An input without a test value is an error ('raise') or a warning
    ('warn') when it is a graph input; the outputs then get no test value."""
    values = []
    for i in node.inputs:
        value = _test_value(i)
        if value is None:
            if i.owner is None:
                msg = (f"{node.op}: input {i} (of type {i.type}) has no test value; set {i}.tag.test_value "
                       f"(config.compute_test_value={config.compute_test_value!r})")
                if config.compute_test_value == "raise":
                    raise ValueError(msg)
                warnings.warn(msg, stacklevel=4)
            return
        values.append(value)
    storage = [[None] for _ in node.outputs]
    try:
        node.op.perform(node, values, storage)
    except NotImplementedError:
        return  # no reference implementation: nothing to check
    except (ValueError, TypeError, IndexError) as err:
        shapes = ", ".join(str(getattr(v, "shape", type(v).__name__)) for v in values)
        raise type(err)(f"{err}\nwhile computing test values of {node} (input shapes: {shapes})") from None
    for out, cell in zip(node.outputs, storage):
        out.tag.test_value = cell[0]


def _test_value(var):
    if hasattr(var.tag, "test_value"):
        return var.type.filter(var.tag.test_value, allow_downcast=True)
    if hasattr(var, "data"):
        return var.data
    if hasattr(var, "get_value"):
        return var.get_value(borrow=True)
    return None
