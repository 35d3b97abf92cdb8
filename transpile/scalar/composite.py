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
        self.shared = shared = self._shared()
        texts = self._texts()
        lets = [f"t{k}={texts[k]}" for k in sorted(shared)]
        outs = [f"t{o}" if o in shared else texts[o] for o in self.outputs]
        super().__init__("Composite{" + "; ".join(lets + [", ".join(outs)]) + "}")

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

    def _shared(self):
        """Instructions read more than once: named `tK` in the text, so it stays linear in size."""
        uses = [0] * len(self.instructions)
        for _, args, _ in self.instructions:
            for a in args:
                if a[0] == "t":
                    uses[a[1]] += 1
        for o in self.outputs:
            uses[o] += 1
        return {k for k, n in enumerate(uses) if n > 1}

    def formula(self, index):
        """Readable text of instruction `index` (for str and debugprint); instructions read more
        than once appear as `tK` (their own text is given once, as `tK=...`)."""
        return self._texts(index)[index]

    def _texts(self, last=None):
        """The text of every instruction up to `last`, bottom-up (instructions only read
        earlier ones), so long chains need no recursion."""
        texts = []
        stop = len(self.instructions) if last is None else last + 1
        for op, args, _ in self.instructions[:stop]:
            parts = []
            for a in args:
                if a[0] == "i":
                    parts.append(f"i{a[1]}")
                elif a[0] == "t":
                    parts.append(f"t{a[1]}" if a[1] in self.shared else texts[a[1]])
                else:
                    parts.append(repr(a[1]))
            texts.append(f"{op}({', '.join(parts)})")
        return texts

    def grad(self, inputs, outputs, output_grads):
        raise NotImplementedError("Composite is created by fusion after gradients are taken; "
                                  "differentiate the graph before compiling it")
