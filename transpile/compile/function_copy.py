"""`Function.copy(share_memory=False, swap=None, delete_updates=False)`, with Theano's meaning.

The copy runs the already-optimized graph of the original (no new rewriting):
- `swap` {shared variable: shared variable}: the copy reads and updates the new ones instead
  (same type required), e.g. a training step compiled once and applied to a second model;
- `delete_updates`: the copy computes the outputs only and updates nothing;
- `share_memory=True`: the copy calls the same executor (the native library instance and its
  buffers); otherwise it gets its own executor made from a copy of the compiled graph (a native
  library then comes from the build cache: no rebuild).
Optional inputs' current defaults are copied into containers of the copy's own. A profiled
function's copy is profiled too (its own ProfileStats, or the same one with share_memory).
"""
from transpile.compile.io import ValueContainer
from transpile.compile.profiling import ProfileStats, ProfilingExecutor
from transpile.compile.sharedvalue import SharedVariable
from transpile.graph.fg import FunctionGraph


def copy_function(f, share_memory=False, swap=None, delete_updates=False, name=None):
    maker = f.maker
    replace = _check_swap(maker, swap or {})
    shared_inputs = [replace.get(id(s), s) for s in maker.shared_inputs]
    defaults = [None if c is None else ValueContainer(c.value) for c in maker.defaults]
    if delete_updates:
        updates, in_updates = [], []
    else:
        updates = [(replace.get(id(s), s), expr) for s, expr in maker.updates]
        by_old = {id(old): new for old, new in zip(maker.defaults, defaults) if old is not None}
        in_updates = [(by_old[id(c)], expr) for c, expr in maker.input_updates]

    if share_memory and not delete_updates:
        fgraph, executor = maker.fgraph, f.executor
    else:
        n_kept = len(maker.outputs) + len(in_updates) + len(updates)
        fgraph = FunctionGraph(maker.fgraph.inputs, maker.fgraph.outputs[:n_kept], clone=True)
        executor = maker.mode.make_executor(fgraph)
        if f.profile is not None:
            executor = ProfilingExecutor(executor, ProfileStats(f"{f.profile.name or 'function'} copy"))
    new_maker = type(maker)(maker.inputs, maker.outputs, updates, shared_inputs, fgraph, maker.mode,
                              maker.input_specs, defaults, in_updates)
    cls = getattr(executor, "function_class", type(f))
    copy_name = name if name is not None else (f"{f.name} copy" if f.name else None)
    copy = cls(new_maker, executor, f.output_kind, f.allow_downcast, copy_name)
    copy.profile = getattr(executor, "stats", None)
    return copy


def _check_swap(maker, swap):
    """{id(old shared variable): new one}, after checking each pair."""
    if not hasattr(swap, "items"):
        raise TypeError(f"copy: swap must be a dict {{shared variable: shared variable}}, got {type(swap).__name__}")
    replace = {}
    for old, new in swap.items():
        if not any(old is s for s in maker.shared_inputs):
            raise ValueError(f"copy: swap key {old} is not a shared variable used by this function")
        if not isinstance(new, SharedVariable):
            raise TypeError(f"copy: swap[{old}] must be a shared variable, got {type(new).__name__}")
        if new.type != old.type:
            raise TypeError(f"copy: swap[{old}] has type {new.type} but {old} has type {old.type}")
        replace[id(old)] = new
    return replace
