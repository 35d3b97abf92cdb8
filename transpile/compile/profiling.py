"""`function(..., profile=True)`: where a compiled function spends its time, like Theano's
`ProfileStats`. `f.profile.summary()` prints the call count, the total time, and per-Op and
per-Apply tables.

What is measurable depends on the executor, and the table header says which case applies:
- the numpy reference executor (FAST_COMPILE, linker "py"): every Apply node is timed;
- FAST_RUN with host-only nodes: each native segment (a library holding several nodes) and
  each host node is timed; a segment's row names the nodes it contains;
- FAST_RUN as one native library: only the whole call is measurable (the nodes are fused into
  one C++ function); the table has one row for it;
- other linkers (DebugMode, ...): only the whole call.
A profiled function is always called through Python (`Function.__call__`), so its per-call
overhead is slightly above an unprofiled native function's.
"""
import sys
import time

from transpile.compile.executor import PerformExecutor, raise_with_node


class ProfileStats:
    """Accumulated timings of one compiled function (`f.profile`)."""

    def __init__(self, name=None):
        self.name = name
        self.call_count = 0
        self.call_time = 0.0
        self.granularity = "the whole call"
        self._rows = {}  # label -> [op name, seconds, calls]; insertion order = execution order

    def record(self, label, op_name, seconds):
        row = self._rows.get(label)
        if row is None:
            row = self._rows[label] = [op_name, 0.0, 0]
        row[1] += seconds
        row[2] += 1

    @property
    def apply_time(self):
        """{Apply (or segment) label: total seconds}."""
        return {label: row[1] for label, row in self._rows.items()}

    @property
    def op_time(self):
        """{op name: total seconds} over its nodes (or segments)."""
        out = {}
        for op_name, seconds, _ in self._rows.values():
            out[op_name] = out.get(op_name, 0.0) + seconds
        return out

    def summary(self, file=sys.stderr, n_apply_to_print=20, n_ops_to_print=20):
        """Print the profile (to `file`; "str" returns it as text)."""
        lines = ["Function profiling", "==================",
                 f"  Message: {self.name or 'unnamed function'}",
                 f"  Time in {self.call_count} calls to the executor: {self.call_time:.6e}s",
                 f"  Time per call: {self.call_time / self.call_count if self.call_count else 0.0:.6e}s",
                 f"  Measured per: {self.granularity}", ""]
        total = sum(row[1] for row in self._rows.values()) or 1.0
        lines += ["Ops", "---", "  <% time> <sum %> <op time> <#apply> <op name>"]
        apply_counts = {}
        for op_name, _, _ in self._rows.values():
            apply_counts[op_name] = apply_counts.get(op_name, 0) + 1
        by_op = sorted(self.op_time.items(), key=lambda kv: (-kv[1], kv[0]))
        lines += _ranked(by_op[:n_ops_to_print], total, lambda name: f"{apply_counts[name]:>8} {name}")
        lines += ["", "Apply", "-----", "  <% time> <sum %> <apply time> <time per call> <#call> <apply>"]
        by_apply = sorted(self._rows.items(), key=lambda kv: (-kv[1][1], kv[0]))
        cumulative = 0.0
        for label, (_, seconds, calls) in by_apply[:n_apply_to_print]:
            cumulative += seconds
            lines.append(f"  {100 * seconds / total:6.1f}% {100 * cumulative / total:6.1f}% {seconds:.3e}s "
                         f"{seconds / calls:.3e}s {calls:>6} {label}")
        text = "\n".join(lines) + "\n"
        if file == "str":
            return text
        file.write(text)
        return None


def _ranked(pairs, total, describe):
    out, cumulative = [], 0.0
    for name, seconds in pairs:
        cumulative += seconds
        out.append(f"  {100 * seconds / total:6.1f}% {100 * cumulative / total:6.1f}% {seconds:.3e}s "
                   f"{describe(name)}")
    return out


class ProfilingExecutor:
    """Wraps an executor: times every call, and per node or segment where measurable."""

    def __init__(self, executor, stats):
        self.executor, self.stats = executor, stats
        self.fgraph = getattr(executor, "fgraph", None)
        if isinstance(executor, PerformExecutor):
            _instrument_perform(executor, stats)
        elif hasattr(executor, "plan"):  # transpile.compile.native.SegmentedExecutor
            _instrument_segments(executor, stats)
        elif hasattr(executor, "library"):  # transpile.compile.native.NativeExecutor
            n = len(executor.fgraph.apply_nodes)
            stats.granularity = (f"the whole call: FAST_RUN compiled all {n} nodes into one native library "
                                 "function, so per-node times are not measurable")
            self._label = f"native library ({n} nodes, whole graph)"
        else:
            stats.granularity = f"the whole call ({type(executor).__name__} is not instrumented per node)"
            self._label = f"{type(executor).__name__} (whole graph)"

    def __call__(self, values):
        start = time.perf_counter()
        results = self.executor(values)
        elapsed = time.perf_counter() - start
        self.stats.call_count += 1
        self.stats.call_time += elapsed
        if hasattr(self, "_label"):
            self.stats.record(self._label, self._label, elapsed)
        return results


def _node_label(position, node):
    return f"{position}: {node}"


def _instrument_perform(executor, stats):
    stats.granularity = "Apply node (numpy reference executor)"
    started = [0.0]

    def pre(i, node, thunk):
        started[0] = time.perf_counter()

    def post(i, node, thunk):
        stats.record(_node_label(i, node), str(node.op), time.perf_counter() - started[0])

    executor.pre_func, executor.post_func = pre, post


def _instrument_segments(executor, stats):
    stats.granularity = ("native segment or host node: FAST_RUN runs consecutive native nodes as one library "
                         "call (a segment), so its nodes are timed together")
    order = {id(node): i for i, node in enumerate(executor.fgraph.toposort())}
    plan = []
    for item in executor.plan:
        if item[0] == "host":
            node = item[1]
            label = _node_label(order[id(node)], node) + " (host)"
            plan.append(("native", _TimedHostNode(node, stats, label), list(node.inputs), list(node.outputs)))
        else:
            _, library, ins, outs = item
            names = ", ".join(str(v.owner.op) for v in outs if v.owner is not None)
            label = f"native segment computing {len(outs)} value(s), from [{names}]"
            plan.append(("native", _TimedLibrary(library, stats, label), ins, outs))
    executor.plan = plan


class _TimedLibrary:
    def __init__(self, library, stats, label):
        self.library, self.stats, self.label = library, stats, label

    def run(self, values):
        start = time.perf_counter()
        results = self.library.run(values)
        self.stats.record(self.label, "native segment", time.perf_counter() - start)
        return results


class _TimedHostNode:
    """A host node in the segment plan's library form: run(values) -> outputs."""

    def __init__(self, node, stats, label):
        self.node, self.stats, self.label = node, stats, label

    def run(self, values):
        node = self.node
        storage = [[None] for _ in node.outputs]
        start = time.perf_counter()
        try:
            node.op.perform(node, values, storage)
        except Exception as err:
            raise_with_node(err, node, values)
        self.stats.record(self.label, str(node.op), time.perf_counter() - start)
        return [cell[0] for cell in storage]
