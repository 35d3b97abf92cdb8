"""The reference executor: runs a FunctionGraph node by node with each op's numpy `perform`.

Each node becomes a `Thunk` whose `inputs`/`outputs` are one-element storage cells (the
interface MonitorMode callbacks see). Intermediate cells are cleared after their last use.
"""
from transpile.configdefaults import config
from transpile.printing import debugprint


class Thunk:
    __slots__ = ("node", "inputs", "outputs")

    def __init__(self, node, inputs, outputs):
        self.node = node
        self.inputs = inputs
        self.outputs = outputs

    def __call__(self):
        node = self.node
        for cell in self.outputs:
            cell[0] = None
        node.op.perform(node, [c[0] for c in self.inputs], self.outputs)
        for var, cell in zip(node.outputs, self.outputs):
            if cell[0] is None:
                raise RuntimeError(f"{node.op}.perform did not set output {var.index} of {node}")


class PerformExecutor:
    """Callable: input values (fgraph.inputs order) -> output values (fgraph.outputs order)."""

    def __init__(self, fgraph, pre_func=None, post_func=None, checker=None):
        self.fgraph = fgraph
        self.order = fgraph.toposort()
        self.pre_func, self.post_func, self.checker = pre_func, post_func, checker
        cells = {}

        def cell(var):
            c = cells.get(id(var))
            if c is None:
                c = cells[id(var)] = [getattr(var, "data", None)]
            return c

        self.input_cells = [cell(v) for v in fgraph.inputs]
        self.thunks = [Thunk(n, [cell(v) for v in n.inputs], [cell(v) for v in n.outputs]) for n in self.order]
        self.output_cells = [cell(v) for v in fgraph.outputs]
        # cells to clear after each step: intermediates whose last reader is that step
        keep = {id(c) for c in self.input_cells + self.output_cells}
        last_use = {}
        for step, thunk in enumerate(self.thunks):
            for var, c in zip(thunk.node.inputs, thunk.inputs):
                if id(c) not in keep and var.owner is not None:
                    last_use[id(c)] = (step, c)
        self.release = [[] for _ in self.thunks]
        for step, c in last_use.values():
            self.release[step].append(c)

    def __call__(self, values):
        for c, v in zip(self.input_cells, values):
            c[0] = v
        pre, post, checker = self.pre_func, self.post_func, self.checker
        for i, thunk in enumerate(self.thunks):
            if pre is not None:
                pre(i, thunk.node, thunk)
            try:
                thunk()
            except Exception as err:
                raise_with_node(err, thunk.node, [c[0] for c in thunk.inputs])
            if checker is not None:
                checker(i, thunk.node, thunk)
            if post is not None:
                post(i, thunk.node, thunk)
            for c in self.release[i]:
                c[0] = None
        out = [c[0] for c in self.output_cells]
        for c in self.input_cells:
            c[0] = None
        return out


def raise_with_node(err, node, values):
    """Re-raise `err` (same type) with the failing node and its input shapes appended."""
    if getattr(err, "_transpile_node_info", False):
        raise err
    shapes = ", ".join(str(getattr(v, "shape", type(v).__name__)) for v in values)
    message = f"{err}\nApply node that caused the error: {node}\nInput shapes: {shapes}"
    if config.exception_verbosity == "high":
        message += "\nDebugprint of the apply node:\n" + debugprint(node.outputs, file="str", print_type=True)
    else:
        message += "\nHINT: set transpile.config.exception_verbosity = 'high' to print the node's graph."
    try:
        new = type(err)(message)
    except Exception:
        raise err
    new._transpile_node_info = True
    raise new.with_traceback(err.__traceback__) from None
