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
one, empty for now (a node without a CUDA rule will run on the host with explicit transfers,
decided with the CUDA backend).
"""
import importlib

#: the targets a rule can be registered for
TARGETS = ("cpp", "cuda")

#: target -> the package whose modules register its built-in rules (imported on first lookup)
RULE_PACKAGES = {"cpp": "transpile.emit.cpp.rules"}

#: target -> {op class: rule(lc, node)}; see `transpile.emit.lower.LoweringContext` for what rules call
LOWERINGS = {target: {} for target in TARGETS}

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


def register_lowering(*op_classes, target="cpp"):
    """Decorator: `rule(lc, node)` lowers, for `target`, nodes whose op is an instance of
    `op_classes` (classes, or dotted names for ops defined above the backend, such as ifelse's,
    so that declaring the rule does not import them)."""
    table = _table(target)

    def register(rule):
        for cls in op_classes:
            table[cls] = rule
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


def find_lowering(op, target="cpp"):
    """The `target` rule for `op` (nearest class in its MRO that has one), or None. The search
    stops at a class that defines its own `perform` without a rule."""
    table = _table(target)
    if target in RULE_PACKAGES:
        importlib.import_module(RULE_PACKAGES[target])  # registers the built-in rules once
    for cls in type(op).__mro__:
        rule = table.get(cls) or table.get(qualified_name(cls))
        if rule is not None:
            return rule
        if "perform" in vars(cls):
            return None
    return None


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
