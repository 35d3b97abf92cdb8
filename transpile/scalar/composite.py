"""`Composite`: a small DAG of scalar ops acting as one scalar op, so a fused chain of
elementwise nodes becomes one `Elemwise` (one loop, no intermediate arrays).

The DAG is a tuple of instructions `(scalar_op, args, dtype)` where each arg names an input
("i", k), an earlier instruction ("t", k), or a literal ("c", value, dtype). `outputs` lists the
instruction indices returned. Everything is hashable, so equal fusions merge.
"""
import numpy as np

from transpile.scalar.basic import ScalarOp


class Composite(ScalarOp):
    __props__ = ("nin", "instructions", "outputs")

    def __init__(self, nin, instructions, outputs):
        self.nin = nin
        self.instructions = tuple(instructions)
        self.outputs = tuple(outputs)
        self.nout = len(self.outputs)
        super().__init__("Composite{" + ", ".join(self.formula(o) for o in self.outputs) + "}")

    def output_dtypes(self, *dtypes):
        if len(dtypes) != self.nin:
            raise TypeError(f"{self.name} takes {self.nin} inputs, got {len(dtypes)}")
        return tuple(self.instructions[o][2] for o in self.outputs)

    def impl(self, *inputs):
        values = []
        for op, args, dtype in self.instructions:
            operands = [self._value(a, inputs, values) for a in args]
            values.append(np.asarray(op.impl(*operands)).astype(dtype, copy=False))
        results = tuple(values[o] for o in self.outputs)
        return results[0] if self.nout == 1 else results

    @staticmethod
    def _value(arg, inputs, values):
        if arg[0] == "i":
            return inputs[arg[1]]
        if arg[0] == "t":
            return values[arg[1]]
        return np.asarray(arg[1], dtype=arg[2])

    def formula(self, index):
        """Readable infix-ish text of instruction `index` (for str and debugprint)."""
        op, args, _ = self.instructions[index]
        parts = []
        for a in args:
            if a[0] == "i":
                parts.append(f"i{a[1]}")
            elif a[0] == "t":
                parts.append(self.formula(a[1]))
            else:
                parts.append(repr(a[1]))
        return f"{op}({', '.join(parts)})"

    def grad(self, inputs, outputs, output_grads):
        raise NotImplementedError("Composite is created by fusion after gradients are taken; "
                                  "differentiate the graph before compiling it")
