"""The program IR: what the lowering produces and the templates render.

A `Program` is a list of `Buffer`s (typed n-d arrays, by role) and `Step`s (C++ lines for one
graph node: computing the output shape at run time from input shapes, allocating, looping).
Nothing here depends on the graph classes, so the IR can be built by hand in tests, and a CUDA
renderer can consume the same structure later.

Buffer roles:
- ``input``: bound from the caller's tensor descriptor `in[index]` (read-only);
- ``output``: written into `out[index]` (caller-provided or allocated by the library);
- ``temp``: allocated by the program, freed after its last use (0-d temps live on the stack);
- ``view``: aliases the memory of `base` with its own shape and strides (no copy);
- ``constant``: a static array in the generated source (`data`).

A sparse value is a `SparseBuffers`: four such buffers (its parts).
"""
from dataclasses import dataclass, field

import numpy as np

from transpile.emit.runtime import ordered
from transpile.scalar.dtypes import C_TYPES

ROLES = ("input", "output", "temp", "view", "constant")

#: the ABI's dtype codes (same numbers in every generated header and in the caller)
DTYPE_CODES = {
    "bool": 1, "int8": 2, "int16": 3, "int32": 4, "int64": 5, "uint8": 6, "uint16": 7,
    "uint32": 8, "uint64": 9, "float32": 10, "float64": 11, "complex64": 12, "complex128": 13,
}

def dtype_const(dtype):
    """The C++ name of a dtype's ABI code: `TRANSPILE_FLOAT64`."""
    return f"TRANSPILE_{dtype.upper()}"


#: largest rank a tensor descriptor carries
MAX_NDIM = 16


@dataclass(eq=False)
class Buffer:
    name: str
    dtype: str
    broadcastable: tuple
    role: str
    index: int = None        # position among the program's inputs or outputs
    base: "Buffer" = None    # views: the buffer whose memory this one aliases
    aliases: tuple = ()      # views: other buffers it may alias, chosen at run time
    slot: int = None         # owning heap buffers: their allocation slot
    data: np.ndarray = None  # constants: the value
    label: str = ""          # the graph variable, for comments and messages
    space: str = "host"      # "device": GPU memory (target cuda; slot in the device slots)

    @property
    def ndim(self):
        return len(self.broadcastable)

    @property
    def ctype(self):
        return C_TYPES[self.dtype]

    @property
    def dtype_code(self):
        return DTYPE_CODES[self.dtype]

    @property
    def decl(self):
        """The C++ type of the array struct: `tr::Array<double, 2>`."""
        return f"tr::Array<{self.ctype}, {self.ndim}>"

    def roots(self):
        """The buffers owning the memory this one may point into (itself unless a view)."""
        if self.base is None:
            return [self]
        found = []
        for b in (self.base, *self.aliases):
            found.extend(r for r in b.roots() if all(r is not f for f in found))
        return found


@dataclass(eq=False)
class SparseBuffers:
    """A csr/csc matrix in the program: four 1-d `Buffer`s (the parts of
    `transpile.sparse.csm`): `data`, int32 `indices` and `indptr`, and the int64 `shape`
    (two entries, read through its stride). Parts are shared freely between values (a
    transpose shares all but the shape): nothing writes into a part after creating it."""
    format: str
    data: Buffer
    indices: Buffer
    indptr: Buffer
    shape: Buffer

    def parts(self):
        return [self.data, self.indices, self.indptr, self.shape]

    def dims(self):
        """C++ expressions of (rows, cols)."""
        s = self.shape.name
        return f"{s}.data[0]", f"{s}.data[{s}.strides[0]]"


@dataclass
class Step:
    index: int               # graph node index (toposort position) or -1 for glue code
    comment: str             # one line naming the node: "node 3: Elemwise{mul}(x, y) -> t3"
    lines: list = field(default_factory=list)


@dataclass
class InnerProgram:
    """An inner graph lowered as a function of the same source (emit/inner.py): `name` is the
    C++ function, with the run function's ABI; `comment` names the graph node that owns it."""
    name: str
    comment: str
    program: "Program"


@dataclass
class DeviceFunction:
    """A host function of the CUDA source (`NAME_kernels.cu`, compiled by nvcc) that the
    program's steps call: `cudaError_t name(cudaStream_t stream, params...)` (or, with
    `context`, `int name(tr::Context& ctx, params...)` returning a status with its message: for
    library calls such as cuBLAS), after `kernels` (namespace-scope lines: its `__global__`
    kernels)."""
    name: str
    params: tuple
    body: tuple
    kernels: tuple = ()
    context: bool = False  # True: `int name(tr::Context& ctx, params...)`, returning a status

    @property
    def signature(self):
        if self.context:
            return f"int {self.name}({', '.join(('tr::Context& ctx',) + tuple(self.params))})"
        return f"cudaError_t {self.name}({', '.join(('cudaStream_t stream',) + tuple(self.params))})"


@dataclass
class Program:
    target: str = "cpp"                              # "cuda": device buffers and device functions
    device_ordinal: int = 0                          # target cuda: the GPU a state runs on
    buffers: list = field(default_factory=list)
    inputs: list = field(default_factory=list)       # Buffers in call order
    outputs: list = field(default_factory=list)      # Buffers in call order
    input_names: list = field(default_factory=list)
    output_names: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    node_labels: list = field(default_factory=list)  # per graph node, for error messages
    features: set = field(default_factory=set)        # "blas", "complex", ...
    runtimes: dict = field(default_factory=dict)     # runtime family -> its header text (emit/runtime.py)
    sparse_inputs: list = field(default_factory=list)   # sparse_abi.SparsePort per sparse graph input
    sparse_outputs: list = field(default_factory=list)  # ... and per sparse graph output
    functions: list = field(default_factory=list)    # InnerPrograms, each after those it calls
    device_functions: list = field(default_factory=list)  # DeviceFunctions (target cuda), by first use
    n_slots: int = 0
    n_device_slots: int = 0
    device_inputs: list = field(default_factory=list)   # inputs it may take in GPU memory (read on the GPU, or only their shape)
    device_outputs: list = field(default_factory=list)  # ... outputs it may return in GPU memory
    unread_inputs: list = field(default_factory=list)   # device inputs it never reads (either memory will do)
    commit_lines: list = field(default_factory=list)    # run when the call succeeds, before outputs are handed over
    kernels: list = field(default_factory=list)  # (unit, declaration) of the units' kernels the steps call, by first use

    def add_kernel(self, unit, declaration):
        """Record that steps call a kernel of unit `unit` (emit/cpp/unit_kernels.py)."""
        if (unit, declaration) not in self.kernels:
            self.kernels.append((unit, declaration))

    def add_runtime(self, family, text):
        """Record that steps use runtime family `family`, whose header text is `text`."""
        if self.runtimes.setdefault(family, text) != text:
            raise ValueError(f"runtime family {family!r} asked for with two different texts")

    def runtime_headers(self):
        """[(family, text)] in include order."""
        return [(f, self.runtimes[f]) for f in ordered(self.runtimes)]

    @property
    def constants(self):
        return [b for b in self.buffers if b.role == "constant"]

    @property
    def locals(self):
        """Buffers declared in the run function (everything but constants)."""
        return [b for b in self.buffers if b.role != "constant"]

    def summary(self):
        """Canonical text of the program (what the graph hash is computed from)."""
        parts = [f"in {b.name} {b.dtype} {b.broadcastable} {n!r}" for b, n in zip(self.inputs, self.input_names)]
        parts += [f"out {b.name} {b.dtype} {b.broadcastable} {n!r}" for b, n in zip(self.outputs, self.output_names)]
        for b in self.constants:
            parts.append(f"const {b.name} {b.dtype} {b.data.shape} {b.data.tobytes().hex()}")
        for family, text in self.runtime_headers():
            parts += [f"runtime {family}", text]
        for s in self.steps:
            parts.append(s.comment)
            parts.extend(s.lines)
        parts.append(" ".join(sorted(self.features)))
        for f in self.functions:
            parts += [f"function {f.name}", f.comment, f.program.summary()]
        if self.target != "cpp":
            parts.append(f"target {self.target} {self.device_ordinal} in {self.device_inputs} out {self.device_outputs}")
        parts.extend(self.commit_lines)
        for f in self.device_functions:
            parts += [f.signature, *f.kernels, *f.body]
        return "\n".join(parts)
