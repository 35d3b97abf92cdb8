"""Transfers between host and GPU memory, and `GpuOp(op)`: `op` computed on the GPU.

A transfer is a copy in numpy; natively it is `cudaMemcpyAsync` (emit/cuda/rules/transfer.py).
`GpuOp` has the wrapped op's meaning (outputs, `perform`, shapes, view and destroy maps); only
where it runs differs, and its name: `GpuElemwise{add}`."""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op


class _Transfer(Op):
    """Identity of value and type; a copy into the other memory. No gradient: placement runs
    after differentiation and optimization, on the graph about to be compiled."""

    def make_node(self, x):
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        output_storage[0][0] = np.array(inputs[0], copy=True)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]


class GpuFromHost(_Transfer):
    """Copy a host array into GPU memory (C-contiguous)."""


class HostFromGpu(_Transfer):
    """Copy a GPU array into host memory (C-contiguous)."""


gpu_from_host = GpuFromHost()
host_from_gpu = HostFromGpu()


class GpuOp(Op):
    """`op`, computed on the GPU. Built by the placement pass once the graph is optimized
    (nothing rewrites it afterwards), so it only needs to run, infer shapes and print."""

    __props__ = ("op",)

    def __init__(self, op):
        if isinstance(op, (GpuOp, _Transfer)):
            raise TypeError(f"GpuOp wraps a host op, got {op}")
        self.op = op
        self.default_output = op.default_output

    @property
    def view_map(self):
        return self.op.view_map

    @property
    def destroy_map(self):
        return self.op.destroy_map

    def make_node(self, *inputs):
        inner = self.op.make_node(*inputs)
        return Apply(self, inner.inputs, [o.type() for o in inner.outputs])

    def perform(self, node, inputs, output_storage):
        self.op.perform(_InnerView(self.op, node), inputs, output_storage)

    def infer_shape(self, node, input_shapes):
        return self.op.infer_shape(_InnerView(self.op, node), input_shapes)

    def __str__(self):
        name = str(self.op)
        return f"Gpu{name[:1].upper()}{name[1:]}"

    __repr__ = __str__


class _InnerView:
    """The node as the wrapped op sees it (its own op, the same variables)."""

    def __init__(self, op, node):
        self.op, self.inputs, self.outputs, self.tag = op, node.inputs, node.outputs, node.tag

    def __str__(self):
        return f"{self.op}({', '.join(str(i) for i in self.inputs)})"
