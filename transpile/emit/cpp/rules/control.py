"""Ops that own inner graphs (OpFromGraph, ifelse). For now they run on the host between native
segments, each inner graph compiled once as a native library of its own and called from Python
(`transpile.compile.inner`); lowering them into C++ functions of the generated project is to come."""
from transpile.emit.registry import register_host_only

register_host_only("transpile.compile.builders.OpFromGraph",
                   "runs its inner graph, compiled once with the outer mode, from the host")
register_host_only("transpile.ifelse.IfElse",
                   "selects between two values on the host (FAST_RUN rewrites it into a LazyIfElse)")
register_host_only("transpile.ifelse.LazyIfElse",
                   "evaluates the condition on the host and runs only the taken branch's inner graph, "
                   "compiled once with the outer mode")
