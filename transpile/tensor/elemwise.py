"""`Elemwise` (a scalar op mapped over tensors with broadcasting) and `DimShuffle` (transpose,
drop broadcastable dims, insert broadcastable dims with 'x').

Broadcasting follows Theano: inputs of lower rank gain broadcastable dims on the left; a dim is
broadcast only where its type says broadcastable. At run time non-broadcastable dims must agree
exactly (a length-1 dim not marked broadcastable is an error against a longer one), which keeps
the native code's loops static.
"""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.scalar import dtypes as D
from transpile.tensor.basic import as_tensor_like, as_tensor_variable
from transpile.tensor.type import TensorType


class Elemwise(Op):
    __props__ = ("scalar_op", "inplace_pattern")

    def __init__(self, scalar_op, inplace_pattern=None, name=None):
        self.scalar_op = scalar_op
        self.inplace_pattern = tuple(sorted((inplace_pattern or {}).items()))
        self.name = name
        self.destroy_map = {o: [i] for o, i in self.inplace_pattern}

    def make_node(self, *inputs):
        inputs = as_tensor_like(list(inputs))
        nin = self.scalar_op.nin
        if nin >= 0 and len(inputs) != nin:
            raise TypeError(f"{self} takes {nin} inputs, got {len(inputs)}")
        ndim = max((i.ndim for i in inputs), default=0)
        inputs = [i if i.ndim == ndim else
                  DimShuffle(i.broadcastable, ["x"] * (ndim - i.ndim) + list(range(i.ndim)))(i)
                  for i in inputs]
        bcast = tuple(all(i.broadcastable[d] for i in inputs) for d in range(ndim))
        try:
            out_dtypes = self.scalar_op.output_dtypes(*[i.dtype for i in inputs])
        except TypeError as err:
            raise TypeError(f"{self}: {err} (inputs: {', '.join(str(i.type) for i in inputs)})") from None
        for o, i in self.inplace_pattern:
            if inputs[i].dtype != out_dtypes[o] or inputs[i].broadcastable != bcast:
                raise TypeError(f"{self}: in-place output {o} cannot overwrite input {i} of type {inputs[i].type}")
        outputs = [TensorType(dt, bcast)() for dt in out_dtypes]
        return Apply(self, inputs, outputs)

    def perform(self, node, inputs, output_storage):
        out_shape = broadcast_shape(node, inputs)
        if self.inplace_pattern and _perform_inplace(self, node, inputs, output_storage, out_shape):
            return
        results = self.scalar_op.impl(*inputs)
        if self.scalar_op.nout == 1:
            results = (results,)
        for storage, result, var in zip(output_storage, results, node.outputs):
            arr = np.asarray(result)
            if arr.dtype.name != var.dtype:
                arr = arr.astype(var.dtype)
            if arr.shape != out_shape:
                arr = np.array(np.broadcast_to(arr, out_shape))
            elif not self.inplace_pattern and (
                    not arr.flags.writeable or any(np.may_share_memory(arr, i) for i in inputs)):
                arr = arr.copy()  # identity-like impls return (views of) inputs: outputs are fresh
            storage[0] = arr

    def infer_shape(self, node, input_shapes):
        from transpile.tensor.shape import shape_const
        out = []
        bcast = node.outputs[0].broadcastable
        for d, b in enumerate(bcast):
            if b:
                out.append(shape_const(1))
                continue
            for inp, shp in zip(node.inputs, input_shapes):
                if not inp.broadcastable[d]:
                    out.append(shp[d])
                    break
        return [tuple(out)] * len(node.outputs)

    def grad(self, inputs, output_grads):
        import transpile.tensor as T
        outputs = self.make_node(*inputs).outputs
        grads = self.scalar_op.grad(list(inputs), outputs, list(output_grads))
        result = []
        for inp, g in zip(inputs, grads):
            if D.is_discrete(inp.dtype):
                result.append(T.zeros_like(inp, dtype=D.config.floatX))
                continue
            if g is None:
                result.append(T.zeros_like(inp))
                continue
            if hasattr(g, "type") and not isinstance(g.type, TensorType):  # grad_not_implemented: passed on
                result.append(g)
                continue
            g = as_tensor_variable(g)
            if g.ndim < inp.ndim:
                g = DimShuffle(g.broadcastable, ["x"] * (inp.ndim - g.ndim) + list(range(g.ndim)))(g)
            axes = [d for d in range(inp.ndim) if inp.broadcastable[d] and not g.broadcastable[d]]
            if axes:
                g = T.sum(g, axis=axes, keepdims=True)
            if any(gb and not ib for gb, ib in zip(g.broadcastable, inp.broadcastable)):
                g = T.second(inp, g)
            result.append(T.gradient_ops.gradient_as(g, inp.dtype))
        return result

    def __str__(self):
        if self.name:
            return self.name
        inplace = "inplace" if self.inplace_pattern else "no_inplace"
        return f"Elemwise{{{self.scalar_op},{inplace}}}"


def _perform_inplace(op, node, inputs, output_storage, out_shape):
    """Write output 0 into the input `inplace_pattern` names (ufuncs with `out=`); False when
    that input cannot hold it (then perform allocates, which destroy_map also allows)."""
    index = dict(op.inplace_pattern).get(0)
    target = inputs[index] if index is not None and len(node.outputs) == 1 else None
    if not (isinstance(target, np.ndarray) and target.flags.writeable and target.shape == out_shape
            and target.dtype.name == node.outputs[0].dtype):
        return False
    from transpile.scalar.basic import ScalarOp
    sop = op.scalar_op
    if getattr(sop, "ufunc", None) is not None and type(sop).impl is ScalarOp.impl:
        with np.errstate(all="ignore"):
            sop.ufunc(*sop.prepare(inputs), out=target, casting="unsafe")
    else:
        np.copyto(target, sop.impl(*inputs), casting="unsafe")
    output_storage[0][0] = target
    return True


def broadcast_shape(node, values):
    """Output shape of an elementwise node, with Theano's check: a dim that is not broadcastable
    must have the same length in every input."""
    ndim = node.outputs[0].ndim
    shape = []
    for d in range(ndim):
        lengths = {v.shape[d] for v, var in zip(values, node.inputs) if not var.broadcastable[d]}
        if len(lengths) > 1:
            shapes = ", ".join(
                f"input[{k}].shape = {tuple(v.shape)}" for k, v in enumerate(values))
            raise ValueError(f"Input dimension mis-match in {node.op} at dimension {d}: {shapes}")
        shape.append(lengths.pop() if lengths else 1)
    return tuple(shape)


class DimShuffle(Op):
    """Reorder dims (`new_order` lists input dims), drop broadcastable ones, insert 'x' ones."""

    __props__ = ("input_broadcastable", "new_order")
    view_map = {0: [0]}

    def __init__(self, input_broadcastable, new_order):
        self.input_broadcastable = tuple(bool(b) for b in input_broadcastable)
        new_order = tuple("x" if d == "x" else int(d) for d in new_order)
        ndim = len(self.input_broadcastable)
        seen = set()
        for d in new_order:
            if d == "x":
                continue
            if not 0 <= d < ndim:
                raise ValueError(f"dimshuffle{new_order}: {d} is not a dimension of a {ndim}-d input")
            if d in seen:
                raise ValueError(f"dimshuffle{new_order}: dimension {d} appears twice")
            seen.add(d)
        for d, b in enumerate(self.input_broadcastable):
            if d not in seen and not b:
                raise ValueError(
                    f"dimshuffle{new_order}: cannot drop dimension {d} of an input with broadcastable "
                    f"{self.input_broadcastable}: only broadcastable dimensions can be dropped")
        self.new_order = new_order
        self.drop = tuple(d for d in range(ndim) if d not in seen)
        self.shuffle = tuple(d for d in new_order if d != "x")
        self.augment = tuple(i for i, d in enumerate(new_order) if d == "x")

    def make_node(self, x):
        x = as_tensor_variable(x)
        if x.broadcastable != self.input_broadcastable:
            if x.ndim != len(self.input_broadcastable) or any(
                    b and not xb for b, xb in zip(self.input_broadcastable, x.broadcastable)):
                raise TypeError(f"{self}: expected input broadcastable {self.input_broadcastable}, got {x.type}")
            if any(x.broadcastable[d] != self.input_broadcastable[d] for d in self.drop):
                raise TypeError(f"{self}: input {x.type} does not match")
        bcast = tuple(True if d == "x" else x.broadcastable[d] for d in self.new_order)
        return Apply(self, [x], [TensorType(x.dtype, bcast)()])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        out = np.transpose(x, self.shuffle + self.drop)
        shape = list(out.shape[:len(self.shuffle)])
        for i in self.augment:
            shape.insert(i, 1)
        output_storage[0][0] = out.reshape(shape)

    def infer_shape(self, node, input_shapes):
        from transpile.tensor.shape import shape_const
        (ishp,) = input_shapes
        return [tuple(shape_const(1) if d == "x" else ishp[d] for d in self.new_order)]

    def grad(self, inputs, output_grads):
        import transpile.tensor as T
        (x,) = inputs
        (gz,) = output_grads
        gz = as_tensor_variable(gz)
        if self.augment:
            gz = T.sum(gz, axis=list(self.augment), keepdims=False)
        order = ["x"] * x.ndim
        for i, d in enumerate(self.shuffle):
            order[d] = i
        g = DimShuffle(gz.broadcastable, order)(gz)
        if not D.is_discrete(x.dtype):
            g = T.gradient_ops.gradient_as(g, x.dtype)
        return [g]

    def __str__(self):
        return "DimShuffle{" + ",".join(str(d) for d in self.new_order) + "}"
