"""`OpFromGraph(inputs, outputs, inline=False, name=None)`: a subgraph used as an op.

    x, y = T.matrices("x", "y")
    op = OpFromGraph([x, y], [x + 2 * y])
    z = op(a, b)            # a node of `op` applied to any a, b of the same types

The op owns a private copy of the graph (fresh input variables). Shared variables the graph
reads become implicit inputs: appended to every node's inputs, so their current values flow in
when the function runs. `perform` runs the inner graph with the reference executor; FAST_RUN
lowers it into a C++ function of the outer graph's library (transpile/emit/cpp/rules/control.py),
or, when it holds a host-only op, calls `run_host`, which runs it compiled once with the outer
mode (see `transpile.compile.inner`). `grad` is another OpFromGraph: the inner graph's gradient. With
`inline=True`, FAST_RUN replaces each node by a copy of the inner graph (rewrite
`inline_op_from_graph`), so the outer rewrites see through it.
"""
import transpile.tensor as T
from transpile.compile.inner import InnerFunction, store
from transpile.compile.sharedvalue import SharedVariable
from transpile.configdefaults import config
from transpile.gradient import grad as symbolic_grad
from transpile.graph.basic import Apply, Constant, Variable
from transpile.graph.fg import FunctionGraph
from transpile.graph.op import Op
from transpile.graph.rewriting import node_rewriter, rewrite_graph
from transpile.graph.traversal import IdMap, clone_replace, graph_inputs, io_toposort
from transpile.scalar import dtypes
from transpile.tensor.join import make_vector
from transpile.tensor.shape import Shape, Shape_i, shape_i
from transpile.tensor.type import TensorType

__all__ = ["OpFromGraph"]


def _as_output_list(outputs):
    if isinstance(outputs, Variable):
        return [outputs]
    if not isinstance(outputs, (list, tuple)) or not outputs:
        raise TypeError(f"OpFromGraph: outputs must be a variable or a non-empty list of variables, got {outputs!r}")
    return [o if isinstance(o, Variable) else T.as_tensor_variable(o) for o in outputs]


def _free_shared(inputs, outputs):
    """Shared variables the outputs read besides `inputs`; any other free variable is an error."""
    explicit = {id(v) for v in inputs}
    shared = []
    for v in graph_inputs(outputs, blockers=inputs):
        if id(v) in explicit or isinstance(v, Constant):
            continue
        if isinstance(v, SharedVariable):
            shared.append(v)
            continue
        raise ValueError(f"OpFromGraph: the outputs depend on {v} (of type {v.type}), which is not among "
                         "the inputs; add it to the inputs list")
    return shared


class OpFromGraph(Op):
    """An op computing `outputs` from `inputs` (see the module docstring). Each instance owns
    its graph, so instances compare by identity."""

    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def __init__(self, inputs, outputs, inline=False, name=None):
        if isinstance(inputs, Variable) or not isinstance(inputs, (list, tuple)):
            raise TypeError(f"OpFromGraph: inputs must be a list of variables, got {inputs!r}")
        inputs = list(inputs)
        for i, v in enumerate(inputs):
            if not isinstance(v, Variable) or isinstance(v, Constant):
                raise TypeError(f"OpFromGraph: input {i} must be a non-constant symbolic variable, got {v!r}")
        if len({id(v) for v in inputs}) != len(inputs):
            raise ValueError("OpFromGraph: the same variable appears twice in the inputs")
        outputs = _as_output_list(outputs)
        self.shared_inputs = _free_shared(inputs, outputs)
        outer = inputs + self.shared_inputs
        inner_inputs = [v.type(v.name) for v in outer]
        inner_outputs = clone_replace(outputs, list(zip(outer, inner_inputs)))
        self.n_explicit = len(inputs)
        self.inline = bool(inline)
        self.name = name
        self.fn = InnerFunction(inner_inputs, inner_outputs, name=name)
        self._grad_op = None
        self._shape_graph = None
        self._connections = None

    @property
    def inner_inputs(self):
        return self.fn.inputs

    @property
    def inner_outputs(self):
        return self.fn.outputs

    def inner_graphs(self):
        """[(label, outputs)] shown by debugprint under the node."""
        return [(None, self.inner_outputs)]

    def __str__(self):
        label = self.name or "OpFromGraph"
        return f"{label}{{inline={self.inline}}}"

    __repr__ = __str__

    # -- building nodes --------------------------------------------------------------------------
    def make_node(self, *inputs):
        if len(inputs) == len(self.inner_inputs):
            given = list(inputs)  # a rebuild (clone_with_new_inputs) passes the implicit ones too
        elif len(inputs) == self.n_explicit:
            given = list(inputs) + list(self.shared_inputs)
        else:
            raise TypeError(f"{self} takes {self.n_explicit} input(s), got {len(inputs)}")
        converted = []
        for i, (inner, value) in enumerate(zip(self.inner_inputs, given)):
            var = value if isinstance(value, Variable) else T.as_tensor_variable(value)
            fitted = inner.type.convert_variable(var)
            if fitted is None:
                raise TypeError(f"{self}: input {i} ({var}) has type {var.type}, expected {inner.type}")
            converted.append(fitted)
        return Apply(self, converted, [o.type() for o in self.inner_outputs])

    # -- running ---------------------------------------------------------------------------------
    def perform(self, node, inputs, output_storage):
        store(node, output_storage, self.fn.run(inputs))

    def prepare_host(self, mode):
        self.fn.prepare(mode)

    def run_host(self, node, inputs, output_storage, mode):
        """Run the inner graph compiled with `mode` (the native linker's call)."""
        store(node, output_storage, self.fn.run(inputs, mode))

    # -- gradient --------------------------------------------------------------------------------
    def connection_pattern(self, node):
        """[input][output]: whether the inner output depends on the inner input, through the
        inner nodes' own connection patterns (computed once)."""
        if self._connections is None:
            reach = IdMap((v, [k == i for k in range(len(self.inner_inputs))])
                          for i, v in enumerate(self.inner_inputs))
            for inner in io_toposort(self.inner_inputs, self.inner_outputs):
                pattern = getattr(inner.op, "connection_pattern", None)
                pattern = pattern(inner) if pattern is not None else None
                for j, out in enumerate(inner.outputs):
                    sources = [reach[v] for i, v in enumerate(inner.inputs)
                               if v in reach and (pattern is None or pattern[i][j])]
                    reach[out] = [any(col) for col in zip(*sources)] if sources else [False] * len(self.inner_inputs)
            none = [False] * len(self.inner_inputs)
            columns = [reach.get(o, none) for o in self.inner_outputs]
            self._connections = [[col[i] for col in columns] for i in range(len(self.inner_inputs))]
        return [list(row) for row in self._connections]

    def grad(self, inputs, output_grads):
        op = self.grad_op()
        cotangents = [g for o, g in zip(self.inner_outputs, output_grads) if _differentiable(o)]
        results = op(*inputs, *cotangents)
        results = results if isinstance(results, list) else [results]
        grads, it = [], iter(results)
        for var in inputs:
            if _differentiable(var):
                grads.append(next(it))
            else:
                grads.append(T.zeros_like(var, dtype=config.floatX))
        return grads

    def grad_op(self):
        """OpFromGraph(inner inputs + gradients of the differentiable outputs) -> gradients
        of the differentiable inner inputs (built once)."""
        if self._grad_op is None:
            outputs = [o for o in self.inner_outputs if _differentiable(o)]
            cotangents = [o.type(f"d{o.name}" if o.name else None) for o in outputs]
            wrt = [v for v in self.inner_inputs if _differentiable(v)]
            known = list(zip(outputs, cotangents))
            if not wrt:
                raise TypeError(f"{self}: no input is differentiable (all are integer)")
            if known:
                grads = symbolic_grad(None, wrt, known_grads=known, disconnected_inputs="ignore")
            else:
                grads = [T.zeros_like(w) for w in wrt]
            name = f"grad_of_{self.name}" if self.name else None
            self._grad_op = OpFromGraph(list(self.inner_inputs) + cotangents, grads, inline=self.inline, name=name)
        return self._grad_op

    # -- shapes ----------------------------------------------------------------------------------
    def infer_shape(self, node, input_shapes):
        """The inner outputs' shapes, lifted by the shape rewrites down to the inner inputs'
        shapes (and values where a shape needs them), rewritten over the node's inputs."""
        fg = self._shapes()
        replace = []
        for n in fg.toposort():
            source = n.inputs[0] if n.inputs else None
            k = next((k for k, v in enumerate(fg.inputs) if v is source), None)
            if k is None or input_shapes[k] is None:
                continue
            if isinstance(n.op, Shape_i):
                replace.append((n.outputs[0], _length(input_shapes[k][n.op.i])))
            elif isinstance(n.op, Shape):
                replace.append((n.outputs[0], make_vector(*[_length(s) for s in input_shapes[k]], dtype="int64")))
        replace.extend(zip(fg.inputs, node.inputs))
        flat = clone_replace(list(fg.outputs), replace) if fg.outputs else []
        shapes, it = [], iter(flat)
        for out in self.inner_outputs:
            shapes.append(tuple(next(it) for _ in range(out.ndim)))
        return shapes

    def _shapes(self):
        if self._shape_graph is None:
            lengths = [shape_i(o, d) for o in self.inner_outputs for d in range(o.ndim)]
            fg = FunctionGraph(self.inner_inputs, lengths, clone=True)
            rewrite_graph(fg, ("shape",))
            self._shape_graph = fg
        return self._shape_graph


def _differentiable(var):
    return isinstance(var.type, TensorType) and not dtypes.is_discrete(var.type.dtype)


def _length(value):
    return T.cast(T.as_tensor_variable(value), "int64")


@node_rewriter("canonicalize", "fast_run", "inline_op_from_graph", tracks=(OpFromGraph,))
def inline_op_from_graph(fgraph, node):
    """A node of an OpFromGraph built with inline=True becomes a copy of its inner graph."""
    op = node.op
    if not op.inline:
        return None
    return clone_replace(list(op.inner_outputs), list(zip(op.inner_inputs, node.inputs)))
