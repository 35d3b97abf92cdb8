"""Ops that own inner graphs: each inner graph becomes a C++ function of the same source
(`lc.inner_function`, see emit/inner.py), called by the node's step.

- OpFromGraph: a call of its graph's function;
- LazyIfElse: `if (cond != 0)` calls the then branch's function, else the else branch's: only
  the branch taken runs, and its outputs are fresh arrays (never aliases of the inputs);
- IfElse (both values already computed): copies the chosen value.

An op whose inner graph holds a host-only op (or sparse values at its boundary) stays on the
host, as before: it is declared host-only for that op only (`register_host_only_when`), and
the native linker runs its inner graph compiled on its own (`transpile.compile.inner`).
"""
from transpile.emit import sparse_abi
from transpile.emit.registry import is_host_only, register_host_only_when, register_lowering
from transpile.graph.traversal import io_toposort
from transpile.scalar.dtypes import C_TYPES

# the ops, defined above the backend (they compile their inner graphs on the host too), by name
OP_FROM_GRAPH = "transpile.compile.builders.OpFromGraph"
LAZY_IF_ELSE = "transpile.ifelse.LazyIfElse"
IF_ELSE = "transpile.ifelse.IfElse"


def _inner_functions(op):
    return [op.fn] if hasattr(op, "fn") else [op.then_fn, op.else_fn]  # OpFromGraph, or a LazyIfElse


def _needs_host(op):
    """True when an inner graph of `op` holds a node that must run on the host (or a sparse
    value crosses its boundary)."""
    for fn in _inner_functions(op):
        if any(sparse_abi.is_sparse(v) for v in fn.inputs + fn.outputs):
            return True
        if any(is_host_only(node.op) for node in io_toposort(fn.inputs, fn.outputs)):
            return True
    return False


register_host_only_when(OP_FROM_GRAPH, _needs_host)
register_host_only_when(LAZY_IF_ELSE, _needs_host)


def _truth(lc, cond):
    """C++ test of a 0-d condition: nonzero (NaN included) is true."""
    return f"{lc.scalar(cond)} != {C_TYPES[cond.dtype]}(0)"


def _adopt_all(lc, node, results):
    for k, out in enumerate(node.outputs):
        lc.adopt(out, f"{results}[{k}]")


def _indent(lines):
    return ["    " + line for line in lines]


@register_lowering(OP_FROM_GRAPH)
def lower_op_from_graph(lc, node):
    op = node.op
    name = lc.inner_function(lc.inner_graph(op.fn), f"the inner graph of {op}")
    lc.emit(*lc.inner_results(node.outputs, "r"), *lc.call_inner(name, node.inputs, "r"))
    _adopt_all(lc, node, "r")


@register_lowering(LAZY_IF_ELSE)
def lower_lazy_ifelse(lc, node):
    op = node.op
    n_then = len(op.then_fn.inputs)
    then_name = lc.inner_function(lc.inner_graph(op.then_fn), f"the then branch of {op}")
    else_name = lc.inner_function(lc.inner_graph(op.else_fn), f"the else branch of {op}")
    lc.emit(*lc.inner_results(node.outputs, "r"),
            f"if ({_truth(lc, node.inputs[0])}) {{",
            *_indent(lc.call_inner(then_name, node.inputs[1:1 + n_then], "r")),
            "} else {",
            *_indent(lc.call_inner(else_name, node.inputs[1 + n_then:], "r")),
            "}")
    _adopt_all(lc, node, "r")


@register_lowering(IF_ELSE)
def lower_ifelse(lc, node):
    n = node.op.n_outs
    cond = _truth(lc, node.inputs[0])
    for k, out in enumerate(node.outputs):
        then_buf, else_buf = lc.buffer(node.inputs[1 + k]), lc.buffer(node.inputs[1 + n + k])
        shape = f"(({cond}) ? {then_buf.name}.shape : {else_buf.name}.shape)" if out.ndim else "nullptr"
        dst = lc.alloc(out, shape)
        lc.emit(f"if ({cond}) {{", *_indent(lc.copy(dst, then_buf)), "} else {",
                *_indent(lc.copy(dst, else_buf)), "}")
