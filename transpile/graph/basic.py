"""The graph IR: `Variable` (an edge carrying a value of some `Type`), `Constant`, and `Apply`
(one application of an `Op` to input variables, producing output variables).

Graphs are immutable once built, except through `FunctionGraph`, which owns cloned copies.
"""
from transpile.configdefaults import config


class Scratchpad:
    """A free-form bag of attributes (`var.tag.test_value`, `var.tag.trace`, ...)."""

    def __repr__(self):
        return "Scratchpad(" + ", ".join(f"{k}={v!r}" for k, v in sorted(vars(self).items())) + ")"


class Apply:
    """One application of `op` to `inputs`; owns its `outputs` (their `.owner` is this node)."""

    def __init__(self, op, inputs, outputs):
        for i in inputs:
            if not isinstance(i, Variable):
                raise TypeError(f"{op}: Apply inputs must be Variables, got {type(i).__name__}")
        self.op = op
        self.inputs = list(inputs)
        self.outputs = []
        self.tag = Scratchpad()
        for index, out in enumerate(outputs):
            if not isinstance(out, Variable):
                raise TypeError(f"{op}: Apply outputs must be Variables, got {type(out).__name__}")
            if out.owner is not None and out.owner is not self:
                raise ValueError(f"{op}: output {out} already belongs to another node")
            out.owner, out.index = self, index
            self.outputs.append(out)

    @property
    def out(self):
        """The default output (the only one, or the op's `default_output`)."""
        if len(self.outputs) == 1:
            return self.outputs[0]
        if self.op.default_output is not None:
            return self.outputs[self.op.default_output]
        raise ValueError(f"{self.op} has {len(self.outputs)} outputs and no default_output")

    @property
    def nin(self):
        return len(self.inputs)

    @property
    def nout(self):
        return len(self.outputs)

    def clone(self):
        """A copy with the same inputs and fresh outputs (same types and names)."""
        outs = [o.clone() for o in self.outputs]
        for o in outs:
            o.owner = None
        new = Apply(self.op, self.inputs, outs)
        new.tag = _copy_tag(self.tag)
        return new

    def clone_with_new_inputs(self, inputs, strict=True):
        """Apply the same op to new inputs. With strict=False, types may change and the node is
        rebuilt through `op.make_node`."""
        if len(inputs) != len(self.inputs):
            raise ValueError(f"{self.op}: expected {len(self.inputs)} inputs, got {len(inputs)}")
        same_types = all(a.type == b.type for a, b in zip(inputs, self.inputs))
        if same_types:
            outs = [o.clone() for o in self.outputs]
            for o in outs:
                o.owner = None
            new = Apply(self.op, inputs, outs)
        elif strict:
            bad = [(a.type, b.type) for a, b in zip(inputs, self.inputs) if a.type != b.type]
            raise TypeError(f"{self.op}: new inputs change types {bad}")
        else:
            new = self.op.make_node(*inputs)
        new.tag = _copy_tag(self.tag)
        return new

    def __str__(self):
        return f"{self.op}({', '.join(str(i) for i in self.inputs)})"

    __repr__ = __str__


def _copy_tag(tag):
    new = Scratchpad()
    new.__dict__.update(tag.__dict__)
    return new


class Variable:
    """An edge of the graph: a value of `type`, computed by `owner` (an Apply) or given as input."""

    def __init__(self, type, owner=None, index=None, name=None):
        self.type = type
        self.owner = owner
        self.index = index
        self.name = name
        self.tag = Scratchpad()

    @property
    def dtype(self):
        return self.type.dtype

    def get_parents(self):
        return [self.owner] if self.owner is not None else []

    def clone(self):
        """A fresh, unowned variable of the same type and name (tag copied)."""
        new = type(self)(self.type, None, None, self.name)
        new.tag = _copy_tag(self.tag)
        return new

    def __str__(self):
        if self.name is not None:
            return self.name
        if self.owner is not None:
            return f"{self.owner.op}.{self.index}"
        return f"<{self.type}>"

    def __repr__(self):
        """str(self); with `config.print_test_value`, followed by the test value if it has one."""
        text = str(self)
        if config.print_test_value and hasattr(self.tag, "test_value"):
            text += f"\n{self.tag.test_value!r}"
        return text

    #: `transpile.compile.function.function`, set by that module (the compiler is above the IR)
    compile_function = None

    def eval(self, givens=None):
        """Compile and run this variable (cached per set of given variables)."""
        function = Variable.compile_function
        givens = dict(givens or {})
        inputs = list(givens)
        key = tuple(id(v) for v in inputs)
        cache = self.__dict__.setdefault("_eval_cache", {})
        if key not in cache:
            cache[key] = function(inputs, self, on_unused_input="ignore")
        return cache[key](*[givens[v] for v in inputs])

    # Graph nodes compare by identity; tensor variables override == for nothing (Theano-like).
    __hash__ = object.__hash__


class Constant(Variable):
    """A variable with a fixed value `data`. Two constants with equal type and data are
    interchangeable (the merge pass unifies them)."""

    def __init__(self, type, data, name=None):
        super().__init__(type, None, None, name)
        self.data = type.filter(data)

    def signature(self):
        """Hashable key identifying the value, for merging equal constants."""
        return (self.type, self.type.value_signature(self.data))

    def clone(self):
        new = type(self)(self.type, self.data, self.name)
        new.tag = _copy_tag(self.tag)
        return new

    @property
    def value(self):
        return self.data

    def __str__(self):
        if self.name is not None:
            return self.name
        return self.type.constant_str(self.data)

    @property
    def owner(self):
        return None

    @owner.setter
    def owner(self, value):
        if value is not None:
            raise ValueError("a Constant cannot have an owner")
