"""Lowering tables: which rule turns a node of a given op class into program steps.

Rules are registered per op class (`@register_lowering(Elemwise)`) and found through the op's
MRO, like JAX's per-primitive lowering tables: ops never carry backend code. A few op classes
are declared *host-only* (they must run in Python, e.g. `Print`): the native linker runs them
with their numpy `perform` between native segments. Ops that users define outside transpile
(a Theano-style `Op` with only `perform`) are host-only too until someone registers a lowering
for them, so user code keeps working in FAST_RUN; they cannot be exported (export needs every
node in C++ and raises `LoweringError` naming the op). Any op of transpile itself without a rule
is a `LoweringError` naming it at build time (tests/emit/test_lowering_coverage.py keeps that
list empty): there is no silent fallback.

A rule registered for a class describes that class's `perform`; a subclass that overrides
`perform` changed the semantics, so it does not inherit the rule.

Each target has its own table: `register_lowering(Op, target="cpp")` (the default) fills the
C++ table, whose rules are in `transpile/emit/cpp/rules/`; `target="cuda"` fills the CUDA
one (`transpile/emit/cuda/rules/`). A CUDA rule also says which inputs it reads in host memory
(`host_inputs`: shapes, indices, axes) and, with `when(node)`, which nodes it can compute (a
dtype cuBLAS has, say); `transpile.emit.cuda.placement` puts a node on the GPU only when its
rule accepts it, and every other node runs on the host with explicit transfers.
"""
import importlib
from dataclasses import dataclass

#: the targets a rule can be registered for
TARGETS = ("cpp", "cuda")

#: target -> the package whose modules register its built-in rules (imported on first lookup)
RULE_PACKAGES = {"cpp": "transpile.emit.cpp.rules", "cuda": "transpile.emit.cuda.rules"}

#: target -> {op class: rule(lc, node)}; see `transpile.emit.lower.LoweringContext` for what rules call
LOWERINGS = {target: {} for target in TARGETS}


@dataclass(frozen=True)
class RuleInfo:
    """What the placement needs to know of a rule: the input positions it reads in host
    memory, and `when(node)`: False for the nodes it cannot compute (None: all)."""
    host_inputs: tuple = ()
    when: object = None

    def accepts(self, node):
        return self.when is None or bool(self.when(node))


#: target -> {op class: RuleInfo}
RULE_INFO = {target: {} for target in TARGETS}

#: "module.QualName" of op classes that run on the host (by name, so that declaring one does
#: not import it) -> why
HOST_ONLY = {
    "transpile.printing.Print": "prints from Python while the function runs",
    "transpile.compile.ops.FromFunctionOp": "calls the user's Python function (made an op by as_op)",
}

#: op class -> predicate(op): nodes of ops that have a rule but run on the host when it holds
#: (e.g. an OpFromGraph whose inner graph holds a host-only op)
HOST_ONLY_WHEN = {}


class LoweringError(Exception):
    """A node that the native backend cannot compile (no lowering rule, unsupported types)."""


def _table(target):
    if target not in TARGETS:
        raise ValueError(f"unknown lowering target {target!r}; expected one of {', '.join(map(repr, TARGETS))}")
    return LOWERINGS[target]


def register_lowering(*op_classes, target="cpp", host_inputs=(), when=None):
    """Decorator: `rule(lc, node)` lowers, for `target`, nodes whose op is an instance of
    `op_classes` (classes, or dotted names for ops defined above the backend, such as ifelse's,
    so that declaring the rule does not import them). `host_inputs` (input positions; "k:" for
    k and all after it) and `when(node)` are the placement's (see RuleInfo)."""
    table = _table(target)
    info = RuleInfo(tuple(host_inputs), when)

    def register(rule):
        for cls in op_classes:
            table[cls] = rule
            RULE_INFO[target][cls] = info
        return rule
    return register


def qualified_name(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


def register_host_only(op_class, reason):
    """Declare that nodes of `op_class` (a class or its dotted name) run in Python."""
    name = op_class if isinstance(op_class, str) else f"{op_class.__module__}.{op_class.__qualname__}"
    HOST_ONLY[name] = reason


def register_host_only_when(op_class, predicate):
    """Declare that nodes of `op_class` (a class or its dotted name; it has a rule) run in Python
    when `predicate(op)`."""
    HOST_ONLY_WHEN[op_class] = predicate


def _rule_key(op, target):
    table = _table(target)
    importlib.import_module(RULE_PACKAGES[target])  # registers the built-in rules once
    for cls in type(op).__mro__:
        for key in (cls, qualified_name(cls)):
            if key in table:
                return key
        if "perform" in vars(cls):
            return None
    return None


def find_lowering(op, target="cpp"):
    """The `target` rule for `op` (nearest class in its MRO that has one), or None. The search
    stops at a class that defines its own `perform` without a rule."""
    key = _rule_key(op, target)
    return None if key is None else LOWERINGS[target][key]


def rule_info(op, target="cpp"):
    """The RuleInfo of `op`'s `target` rule, or None when it has none."""
    key = _rule_key(op, target)
    return None if key is None else RULE_INFO[target][key]


def is_host_only(op):
    """True when `op` runs in Python: declared host-only, or a user-defined op (outside the
    transpile package) that has no lowering."""
    if find_lowering(op) is not None:
        return any(HOST_ONLY_WHEN[key](op) for cls in type(op).__mro__ for key in (cls, qualified_name(cls))
                   if key in HOST_ONLY_WHEN)
    if not type(op).__module__.startswith("transpile."):
        return True
    return any(f"{c.__module__}.{c.__qualname__}" in HOST_ONLY for c in type(op).__mro__)


def missing_lowering_error(node, index=None):
    op = node.op
    cls = type(op)
    where = f"node {index}: " if index is not None else ""
    return LoweringError(
        f"no native lowering for op {op} (class {cls.__module__}.{cls.__qualname__}) at {where}{node}. "
        f"Register one with @register_lowering({cls.__name__}) in transpile/emit/cpp/rules/ "
        "(see transpile/emit/README.md), or compile this function with mode='FAST_COMPILE'.")
