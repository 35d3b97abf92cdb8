"""Looking at graphs: `debugprint` (one line per node, Theano's layout), `min_informative_str`
(the seed's lettered outline), `pprint` (infix math), the `Print` op (prints values as they flow
at run time) and `pydotprint` (an SVG picture, from `transpile.picture`).

Every walk here is ordered by input position and first visit, so the text is the same in every
run whatever PYTHONHASHSEED is. Walks use explicit stacks, so deep graphs do not hit Python's
recursion limit.
"""
import sys

import numpy as np

from transpile.graph.basic import Apply, Constant, Variable
from transpile.graph.fg import FunctionGraph
from transpile.graph.op import Op
from transpile.picture import pydotprint  # noqa: F401  re-exported

__all__ = ["Print", "char_from_number", "debugprint", "min_informative_str", "pp", "pprint",
           "pydotprint"]


def char_from_number(number):
    """0 -> 'A', 25 -> 'Z', 26 -> 'BA': base 26 with the letters as digits (Theano's ids)."""
    digits = ""
    while True:
        number, rem = divmod(number, 26)
        digits = chr(ord("A") + rem) + digits
        if number == 0:
            return digits


def _is_function(obj):
    return hasattr(obj, "maker") and isinstance(getattr(obj.maker, "fgraph", None), FunctionGraph)


# -- debugprint ------------------------------------------------------------------------------------
def debugprint(obj, file=None, depth=-1, print_type=False, ids="CHAR", stop_on_name=False, done=None):
    """Print the graph of `obj` one node per line, children indented under ` |`.

    `obj`: a variable, a list of them, an Apply, a FunctionGraph or a compiled function (its
    optimized graph, each node followed by its position in the toposort, and an `Updates:`
    section). `ids`: "CHAR" (`[id A]`), "int" (`[id 0]`) or "" (none); a node seen before is
    shown again by id only. `done` ({node or variable: id}) shares ids across calls.
    `file`: None prints to stdout, "str" returns the text, else a file object to write to.
    Control characters in names are escaped (`visible`).
    """
    if ids not in ("CHAR", "int", ""):
        raise ValueError(f"debugprint: ids must be 'CHAR', 'int' or '', got {ids!r}")
    roots, order, updates = _debugprint_roots(obj)
    done = {} if done is None else done
    position = {node: i for i, node in enumerate(order)} if order is not None else None
    lines, inner = [], []
    for var in roots:
        _print_tree(var, lines, depth, print_type, ids, stop_on_name, done, position, inner)
    if updates:
        lines.append("Updates:")
        for shared, expr in updates:
            lines.append(f" {_leaf_text(shared, ids, done)} <- {_short(expr, ids, done)}")
    _print_inner_graphs(inner, lines, depth, print_type, ids, stop_on_name, done)
    text = "".join(visible(line).rstrip() + "\n" for line in lines)
    if file == "str":
        return text
    out = sys.stdout if file is None else file
    out.write(text)
    return out


def visible(text):
    """`text` with control and invisible format characters (newlines in a variable's name,
    terminal escapes, bidi overrides) written as escapes, so a printed line shows what it holds."""
    return "".join(ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in text)


def _debugprint_roots(obj):
    """(variables to print, toposort or None, [(shared input, update output)])."""
    if _is_function(obj):
        maker = obj.maker
        fg = maker.fgraph
        n_out = len(maker.outputs)
        first_shared = len(maker.inputs)
        updates = []
        for k, (shared, _expr) in enumerate(maker.updates):
            pos = next(i for i, s in enumerate(maker.shared_inputs) if s is shared)
            updates.append((fg.inputs[first_shared + pos], fg.outputs[n_out + k]))
        return list(fg.outputs), fg.toposort(), updates
    if isinstance(obj, FunctionGraph):
        return list(obj.outputs), obj.toposort(), []
    if isinstance(obj, Variable):
        return [obj], None, []
    if isinstance(obj, Apply):
        return list(obj.outputs), None, []
    if isinstance(obj, (list, tuple)):
        roots = []
        for item in obj:
            if isinstance(item, Variable):
                roots.append(item)
            elif isinstance(item, Apply):
                roots.extend(item.outputs)
            else:
                raise TypeError(f"debugprint: cannot print a {type(item).__name__} inside a list")
        return roots, None, []
    raise TypeError(f"debugprint: expected a Variable, Apply, FunctionGraph, compiled function or "
                    f"list of variables, got {type(obj).__name__}")


def _id_str(obj, ids, done):
    """The id of `obj` (assigned on first visit) as `[id A]`; '' when ids == ''."""
    if obj not in done:
        done[obj] = char_from_number(len(done)) if ids == "CHAR" else str(len(done))
    return f"[id {done[obj]}]" if ids else ""


def _join(*parts):
    return " ".join(p for p in parts if p)


def _leaf_text(var, ids, done):
    return _join(str(var), _id_str(var, ids, done))


def _short(var, ids, done):
    """A variable by its producing op and id (no children): used in the Updates: section."""
    if var.owner is None:
        return _leaf_text(var, ids, done)
    node = var.owner
    idx = f".{var.index}" if len(node.outputs) > 1 else ""
    return _join(f"{node.op}{idx}", _id_str(node, ids, done))


def _print_inner_graphs(inner, lines, depth, print_type, ids, stop_on_name, done):
    """Theano's `Inner graphs:` section: each node whose op owns graphs (`op.inner_graphs()`:
    [(label or None, outputs)], e.g. OpFromGraph, ifelse, scan) again, its graphs under it marked
    ` >`. An inner input the op reads from an outer one (`op.inner_to_outer()`, a scan's step
    inputs) is followed by `-> [id X]`, the outer input's id. Inner graphs found on the way are
    printed after, in order of first visit."""
    if not inner:
        return
    lines.extend(["", "Inner graphs:"])
    k = 0
    while k < len(inner):
        node = inner[k]
        k += 1
        lines.append("")
        lines.append(_join(str(node.op), _id_str(node, ids, done)))
        links = {}
        if hasattr(node.op, "inner_to_outer"):
            for inner_input, pos in zip(node.op.inner_inputs, node.op.inner_to_outer()):
                outer = node.inputs[pos]
                links[id(inner_input)] = _id_str(outer.owner if outer.owner is not None else outer, ids, done)
        for label, outputs in node.op.inner_graphs():
            if label:
                lines.append(f" >{label}:")
            for out in outputs:
                _print_tree(out, lines, depth, print_type, ids, stop_on_name, done, None, inner, base=" >",
                            links=links)


def _print_tree(root, lines, depth, print_type, ids, stop_on_name, done, position, inner=None, base="", links=None):
    stack = [(root, base, base, depth)]
    while stack:
        var, prefix, child_prefix, d = stack.pop()
        if d == 0:
            continue
        type_str = f"<{var.type}>" if print_type else ""
        node = var.owner
        if node is None:
            link = (links or {}).get(id(var))
            lines.append(prefix + _join(str(var), _id_str(var, ids, done), type_str, link and f"-> {link}"))
            continue
        seen = node in done
        if inner is not None and not seen and hasattr(node.op, "inner_graphs"):
            inner.append(node)
        idx = f".{var.index}" if len(node.outputs) > 1 else ""
        line = prefix + _join(f"{node.op}{idx}", _id_str(node, ids, done), type_str, f"'{var.name or ''}'")
        if position is not None and node in position:
            line += f"   {position[node]}"
        lines.append(line)
        if seen or (stop_on_name and var.name is not None):
            continue
        n = len(node.inputs)
        for i in reversed(range(n)):
            grand = child_prefix + ("  " if i == n - 1 else " |")
            stack.append((node.inputs[i], child_prefix + " |", grand, d - 1))


# -- min_informative_str ------------------------------------------------------------------------
class _TagGenerator:
    def __init__(self):
        self.count = 0

    def get_tag(self):
        tag = char_from_number(self.count)
        self.count += 1
        return tag


def min_informative_str(obj, indent_level=0, _prev_obs=None, _tag_generator=None):
    """An outline where each variable gets a letter: `A. op` followed by its inputs one space
    further in; a named variable shows its name and is not expanded; one already shown
    appears as `<A>`."""
    prev = {} if _prev_obs is None else _prev_obs
    tags = _TagGenerator() if _tag_generator is None else _tag_generator
    lines = []
    stack = [(obj, indent_level)]
    while stack:
        item, level = stack.pop()
        indent = " " * level
        if id(item) in prev:
            lines.append(f"{indent}<{prev[id(item)]}>")
            continue
        tag = prev[id(item)] = tags.get_tag()
        owner = getattr(item, "owner", None)
        if isinstance(item, np.ndarray):
            label = "<ndarray>"
        elif getattr(item, "name", None) is not None:
            label = item.name
        elif owner is not None:
            label = str(owner.op)
            stack.extend((i, level + 1) for i in reversed(owner.inputs))
        else:
            label = str(item)
        lines.append(f"{indent}{tag}. {label}")
    return "\n".join(lines)


# -- pprint ----------------------------------------------------------------------------------------
ATOM = 100  # precedence of text that never needs parentheses

#: scalar op name -> (symbol, precedence, associativity); Python's relative precedences
INFIX = {
    "pow": ("**", 8, "right"),
    "mul": ("*", 6, "left"), "true_div": ("/", 6, "left"), "int_div": ("//", 6, "left"),
    "floor_div": ("//", 6, "left"), "mod": ("%", 6, "left"),
    "add": ("+", 5, "left"), "sub": ("-", 5, "left"),
    "and": ("&", 3, "left"), "and_": ("&", 3, "left"), "xor": ("^", 2, "left"),
    "or": ("|", 1, "left"), "or_": ("|", 1, "left"),
    "eq": ("==", 0, "none"), "neq": ("!=", 0, "none"), "lt": ("<", 0, "none"), "gt": (">", 0, "none"),
    "le": ("<=", 0, "none"), "ge": (">=", 0, "none"),
}
#: scalar op name -> (symbol, precedence) of prefix operators
PREFIX = {"neg": ("-", 7), "invert": ("~", 7)}
#: op class name -> function name, for ops printed as `name(inputs)`
FUNCTION_NAMES = {"Dot": "dot", "Dot22": "dot", "BatchedDot": "batched_dot"}
ASSOCIATIVE = {"add", "mul", "and", "and_", "or", "or_", "xor"}


class _PState:
    def __init__(self, minimal):
        self.minimal = minimal

    def wrap(self, arg, prec, ok_if_equal=False):
        """`arg` ((text, precedence)) as an operand of an operator of precedence `prec`."""
        text, p = arg
        if p > prec or (p == prec and ok_if_equal):
            return text
        return f"({text})"

    def infix(self, parts, prec):
        """Join already-wrapped operand texts; fully parenthesized unless `minimal`."""
        text = "".join(parts)
        return (text, prec) if self.minimal else (f"({text})", ATOM)


class PPrinter:
    """Infix printing. `assign(condition, printer)` adds a rule (newest first): `condition` is
    an Op class or a predicate of the variable; `printer(pstate, var, args)` returns
    (text, precedence), `args` being the inputs' (text, precedence)."""

    def __init__(self):
        self.rules = []

    def assign(self, condition, printer):
        if isinstance(condition, type):
            op_class = condition
            condition = lambda var: isinstance(var.owner.op, op_class)  # noqa: E731
        self.rules.insert(0, (condition, printer))

    def __call__(self, obj, stop_on_name=False, minimal_parens=False):
        """Text of a variable (a list gives one line each). Named inner variables are shown by
        name when `stop_on_name`; `minimal_parens` drops parentheses precedence makes needless."""
        if isinstance(obj, (list, tuple)):
            return "\n".join(self(v, stop_on_name, minimal_parens) for v in obj)
        if isinstance(obj, Apply):
            return self(obj.outputs, stop_on_name, minimal_parens)
        if not isinstance(obj, Variable):
            raise TypeError(f"pprint: expected a Variable, got {type(obj).__name__}")
        return self._texts(obj, _PState(minimal_parens), stop_on_name)[obj][0]

    def _texts(self, root, state, stop_on_name):
        """(text, precedence) of every variable under `root`, computed bottom-up."""
        memo = {}
        stack = [root]
        while stack:
            var = stack[-1]
            if var in memo:
                stack.pop()
                continue
            node = var.owner
            if node is None or (stop_on_name and var.name is not None and var is not root):
                memo[var] = _leaf(var)
                stack.pop()
                continue
            missing = [i for i in node.inputs if i not in memo]
            if missing:
                stack.extend(reversed(missing))
                continue
            stack.pop()
            args = [memo[i] for i in node.inputs]
            memo[var] = self._print_node(state, var, args)
        return memo

    def _print_node(self, state, var, args):
        for condition, printer in self.rules:
            if condition(var):
                result = printer(state, var, args)
                if result is not None:
                    return result
        return _function_form(state, var, args)


def _leaf(var):
    if isinstance(var, Constant) and var.name is None:
        return _constant_text(var)
    return (str(var), ATOM)


def _constant_text(var):
    arr = np.asarray(var.data)
    if arr.ndim == 0:
        value = arr.item()
        text = repr(value)
        negative = isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0
        return (text, PREFIX["neg"][1] if negative else ATOM)
    if arr.size <= 10:
        return (np.array2string(arr, separator=", ").replace("\n", ""), ATOM)
    return (str(var), ATOM)


def _function_form(state, var, args, name=None):
    node = var.owner
    text = f"{name or node.op}({', '.join(a[0] for a in args)})"
    if len(node.outputs) > 1:
        text += f".{var.index}"
    return (text, ATOM)


def _elemwise_printer(state, var, args):
    scalar_op = var.owner.op.scalar_op
    name = getattr(scalar_op, "name", None) or str(scalar_op)
    if name in INFIX and len(args) >= 2:
        symbol, prec, assoc = INFIX[name]
        parts = []
        for k, arg in enumerate(args):
            first, last = k == 0, k == len(args) - 1
            ok = name in ASSOCIATIVE or (assoc == "left" and first) or (assoc == "right" and last)
            parts.append(state.wrap(arg, prec, ok))
        return state.infix([f" {symbol} ".join(parts)], prec)
    if name in PREFIX and len(args) == 1:
        symbol, prec = PREFIX[name]
        return state.infix([symbol, state.wrap(args[0], prec)], prec)
    return _function_form(state, var, args, name)


def _dimshuffle_printer(state, var, args):
    op = var.owner.op
    ndim = len(op.input_broadcastable)
    order = list(op.new_order)
    while order and order[0] == "x":
        order.pop(0)
    if order == list(range(ndim)):  # only broadcasting: the value is unchanged
        return args[0]
    if ndim >= 2 and list(op.new_order) == list(reversed(range(ndim))):
        return (f"{state.wrap(args[0], ATOM - 1)}.T", ATOM)
    return _function_form(state, var, args)


def _careduce_printer(state, var, args):
    op = var.owner.op
    name = getattr(op, "name", None)
    if not isinstance(name, str):
        return None
    text = f"{name.lower()}({args[0][0]}"
    axis = tuple(op.axis)
    if axis != tuple(range(var.owner.inputs[0].ndim)):
        text += f", axis={axis[0] if len(axis) == 1 else axis}"
    if getattr(op, "dtype", None):
        text += f", dtype={op.dtype}"
    return (text + ")", ATOM)


def _shape_printer(state, var, args):
    op = var.owner.op
    suffix = f"[{op.i}]" if hasattr(op, "i") else ""
    return (f"{state.wrap(args[0], ATOM - 1)}.shape{suffix}", ATOM)


def _index_text(item, args):
    """One entry of an indexing op's `idx_list`: ints inline, None as newaxis, slices as
    `a:b:c`, and any other entry (a placeholder) takes the next symbolic index from `args`."""
    if item is None:
        return "None"
    if isinstance(item, (int, np.integer)):
        return str(int(item))
    if all(hasattr(item, a) for a in ("start", "stop", "step")):
        parts = (item.start, item.stop, item.step)
        start, stop, step = (_index_text(p, args) if p is not None else "" for p in parts)
        return f"{start}:{stop}" + (f":{step}" if step else "")
    return args.pop(0)[0] if args else "?"


def _indexed(state, op, base, index_args):
    """`base[...]` from the op's `idx_list` (or all index inputs in order when it has none)."""
    rest = list(index_args)
    idx_list = getattr(op, "idx_list", None)
    entries = [a[0] for a in rest] if idx_list is None else [_index_text(e, rest) for e in idx_list]
    return f"{state.wrap(base, ATOM - 1)}[{', '.join(entries) or '()'}]"


def _subtensor_printer(state, var, args):
    return (_indexed(state, var.owner.op, args[0], args[1:]), ATOM)


def _inc_subtensor_printer(state, var, args):
    op = var.owner.op
    name = "set_subtensor" if getattr(op, "set_instead_of_inc", False) else "inc_subtensor"
    return (f"{name}({_indexed(state, op, args[0], args[2:])}, {args[1][0]})", ATOM)


def _named_function_printer(state, var, args):
    return _function_form(state, var, args, FUNCTION_NAMES[type(var.owner.op).__name__])


def _by_class_name(*names):
    return lambda var: any(type(var.owner.op).__name__ == n for n in names)


def _default_printer():
    from transpile.tensor.elemwise import DimShuffle, Elemwise
    from transpile.tensor.reduce import CAReduce

    printer = PPrinter()
    printer.assign(_by_class_name("Subtensor", "AdvancedSubtensor", "AdvancedSubtensor1"), _subtensor_printer)
    printer.assign(_by_class_name("IncSubtensor", "AdvancedIncSubtensor", "AdvancedIncSubtensor1"),
                   _inc_subtensor_printer)
    printer.assign(_by_class_name("Shape", "Shape_i"), _shape_printer)
    printer.assign(lambda var: type(var.owner.op).__name__ in FUNCTION_NAMES, _named_function_printer)
    printer.assign(CAReduce, _careduce_printer)
    printer.assign(DimShuffle, _dimshuffle_printer)
    printer.assign(Elemwise, _elemwise_printer)
    return printer


pprint = _default_printer()
pp = pprint


# -- Print -----------------------------------------------------------------------------------------
def _print_fn(op, value):
    for attr in op.attrs:
        member = getattr(value, attr)
        print(op.message, attr, "=", member() if callable(member) else member)


class Print(Op):
    """Identity that prints its value when computed: `Print("x")(x)` prints `x __str__ = [...]`
    (or each of `attrs`, e.g. "shape") and returns x unchanged. `global_fn(op, value)` does the
    printing; replace it to capture the output."""

    __props__ = ("message", "attrs", "global_fn")
    view_map = {0: [0]}
    foldable = False

    def __init__(self, message="", attrs=("__str__",), global_fn=_print_fn):
        self.message = message
        self.attrs = tuple(attrs)
        self.global_fn = global_fn

    def make_node(self, x):
        if not isinstance(x, Variable):
            from transpile.tensor.basic import as_tensor_variable
            x = as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, node, inputs, output_storage):
        (x,) = inputs
        output_storage[0][0] = x
        self.global_fn(self, x)

    def grad(self, inputs, output_grads):
        return list(output_grads)

    def infer_shape(self, node, input_shapes):
        return list(input_shapes)

    def __str__(self):
        return f"Print{{{self.message}}}"
