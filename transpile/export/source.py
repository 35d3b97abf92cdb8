"""What an export is made from: the optimized graph of a compiled function, split into ports.

`from_function(f)` reads `f.maker`: its optimized `fgraph` has the explicit inputs, then the
shared variables, as inputs, and the outputs, then the update expressions, as outputs.
`from_outputs(outputs, inputs, updates)` compiles such a function first (FAST_RUN rewrites, the
reference linker: nothing is built). Either way the shared variables' values are copied here,
and nothing ever writes to the Python-side containers.
"""
from dataclasses import dataclass, field

import numpy as np

from transpile.compile.function import Function
from transpile.compile.mode import Mode
from transpile.export.names import Namer
from transpile.graph.basic import Variable


@dataclass
class Port:
    ident: str           # the sanitised identifier (runner arguments, file names, lookups)
    label: str           # the user's text, for comments and messages (never raw in code)
    dtype: str
    broadcastable: tuple

    @property
    def ndim(self):
        return len(self.broadcastable)


@dataclass
class SharedPort(Port):
    value: np.ndarray = None  # the value at export time (a private copy)


@dataclass
class Source:
    fgraph: object                 # the optimized graph: inputs + shared -> outputs + updates
    inputs: list                   # Port per explicit input
    shared: list                   # SharedPort per shared variable the graph reads or updates
    outputs: list                  # Port per output
    update_targets: list           # per update output: index into `shared`
    output_kind: str               # "single" or "list" (run() returns an array or a list)
    function: Function = field(repr=False, default=None)  # the compiled function (debugprint, reference)


_EXPORT_MODE = Mode("py", "fast_run", name="FAST_RUN (export)")


def from_outputs(outputs, inputs=None, updates=None):
    """Compile `outputs` (a variable, a list of them, or None) for export."""
    from transpile.compile.function import function
    if outputs is not None and not isinstance(outputs, (Variable, list, tuple)):
        raise TypeError(f"export: expected a compiled function, a variable or a list of variables, "
                        f"got {type(outputs).__name__}")
    f = function(list(inputs or []), outputs, updates=updates, mode=_EXPORT_MODE)
    return from_function(f)


def from_function(f):
    maker = f.maker
    if getattr(maker, "input_updates", None):
        raise TypeError("export: inputs with an update (In(..., update=...)) keep state inside the Python function "
                        "and cannot be exported; use a shared variable with updates= instead")
    fgraph = maker.fgraph
    namer = Namer()
    n_in, n_out = len(maker.inputs), len(maker.outputs)
    inputs = [_port(Port, namer, var.name, f"input{k}", fgraph.inputs[k]) for k, var in enumerate(maker.inputs)]
    shared = []
    for k, var in enumerate(maker.shared_inputs):
        value = np.array(var.get_value(borrow=True), copy=True)
        if not isinstance(value, np.ndarray) or value.dtype == object:
            raise TypeError(f"export: shared variable {var} holds a {type(var.get_value(borrow=True)).__name__}; "
                            "only dense tensors can be exported")
        port = _port(SharedPort, namer, var.name, f"shared{k}", fgraph.inputs[n_in + k])
        port.value = np.array(value, dtype=port.dtype, order="C")
        shared.append(port)
    outputs = [_port(Port, namer, var.name, f"output{k}", fgraph.outputs[k]) for k, var in enumerate(maker.outputs)]
    targets = []
    for var, _ in maker.updates:
        targets.append(next(i for i, s in enumerate(maker.shared_inputs) if s is var))
    assert len(fgraph.outputs) == n_out + len(targets)
    return Source(fgraph, inputs, shared, outputs, targets, f.output_kind, f)


def _port(cls, namer, name, fallback, var):
    from transpile.tensor.type import TensorType
    if not isinstance(var.type, TensorType):
        raise TypeError(f"export: {name or fallback} has type {var.type}; only dense tensors can be exported")
    label = name if name is not None else fallback
    return cls(namer.identifier(name, fallback), str(label), var.type.dtype, tuple(var.type.broadcastable))
