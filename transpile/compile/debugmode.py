"""`DebugMode` (mode="DEBUG_MODE"): run the graph slowly and check everything.

For each call:
1. the unoptimized graph (no rewrites at all) runs with the reference executor, on copies of
   the inputs;
2. the optimized graph runs node by node with the reference executor;
3. in both runs every node is checked: each output must be a valid value of its type (dtype,
   ndim, length 1 on broadcastable dims), its shape must match the op's `infer_shape` evaluated
   on the actual inputs, NaN/Inf must not appear when the node's inputs had none, inputs must
   not be overwritten unless the op declares it (`destroy_map`), and outputs must not alias
   inputs unless declared (`view_map`/`destroy_map`);
4. the final outputs of both runs must agree within the dtype's tolerance. When they do not,
   the rewrites applied while optimizing are replayed: the first one whose replacement computes
   a different value than the variable it replaced is named;
5. the optimized graph also runs as native code (`native_check.py`), and every node's native
   result must agree with its reference result: the first node that differs is named.

Every error is a `DebugModeError` (a ValueError) naming the node and showing its debugprint.
"""
import copy

import numpy as np

from transpile.compile.executor import PerformExecutor
from transpile.compile.mode import Mode
from transpile.graph.basic import Constant
from transpile.graph.traversal import io_toposort
from transpile.printing import debugprint


class DebugModeError(ValueError):
    """Base class of the errors DebugMode raises."""


class InvalidValueError(DebugModeError):
    """A node produced a value that is not valid for its output type, or NaN/Inf from finite
    inputs."""


class BadShapeError(DebugModeError):
    """A node's output shape disagrees with its op's `infer_shape`."""


class BadOptimizationError(DebugModeError):
    """The optimized graph computes different values than the unoptimized one."""


class BadDestroyMap(DebugModeError):
    """A node overwrote an input without declaring it in `destroy_map`."""


class BadViewMap(DebugModeError):
    """A node returned an output aliasing an input without declaring it in `view_map`."""


def describe(node_or_var):
    """The debugprint of a node's outputs (or a variable), falling back to str()."""
    target = node_or_var.outputs if hasattr(node_or_var, "outputs") else node_or_var
    try:
        return debugprint(target, file="str")
    except Exception:
        return str(node_or_var)


def _node_error(cls, node, message):
    return cls(f"{message}\nApply node: {node}\n{describe(node)}")


def evaluate(outputs, givens):
    """Values of `outputs` given {variable: value} for the leaves (via each op's perform)."""
    values = {id(v): val for v, val in givens}
    for node in io_toposort([v for v, _ in givens], outputs):
        ins = []
        for i in node.inputs:
            if id(i) in values:
                ins.append(values[id(i)])
            elif isinstance(i, Constant):
                ins.append(i.data)
            else:
                raise ValueError(f"cannot evaluate {i}: no value given")
        storage = [[None] for _ in node.outputs]
        node.op.perform(node, ins, storage)
        for o, cell in zip(node.outputs, storage):
            values[id(o)] = cell[0]
    return [v.data if isinstance(v, Constant) else values[id(v)] for v in outputs]


def _is_tensor(var):
    from transpile.tensor.type import TensorType
    return isinstance(var.type, TensorType)


def _has_nonfinite(value):
    arr = value if isinstance(value, np.ndarray) else None
    if arr is None or arr.dtype.kind not in "fc":
        return False
    return not np.isfinite(arr).all()


class NodeChecker:
    """The per-node checks, as executor hooks: `before` copies the inputs, `after` checks."""

    def __init__(self, check_isfinite=True, check_shapes=True, check_memory=True):
        self.check_isfinite = check_isfinite
        self.check_shapes = check_shapes
        self.check_memory = check_memory
        self._shape_graphs = {}
        self._saved = None
        #: (variable, value) of the running graph's inputs: shape graphs may read any ancestor
        self.context = []

    def before(self, i, node, thunk):
        if self.check_memory:
            self._saved = [copy.deepcopy(c[0]) for c in thunk.inputs]

    def after(self, i, node, thunk):
        inputs = [c[0] for c in thunk.inputs]
        outputs = [c[0] for c in thunk.outputs]
        for k, (var, value) in enumerate(zip(node.outputs, outputs)):
            try:
                var.type.filter(value, strict=True)
            except (TypeError, ValueError) as err:
                raise _node_error(InvalidValueError, node,
                                  f"DebugMode: output {k} of {node.op} is not a valid {var.type}: {err}") from None
        if self.check_isfinite and not any(_has_nonfinite(v) for v in inputs):
            for k, value in enumerate(outputs):
                if _has_nonfinite(value):
                    kind = "NaN" if np.isnan(value).any() else "Inf"
                    raise _node_error(InvalidValueError, node,
                                      f"DebugMode: {kind} appeared in output {k} of {node.op} "
                                      "although its inputs were finite")
        if self.check_shapes:
            self._check_shape(node, inputs, outputs)
        if self.check_memory:
            self._check_memory(node, inputs, outputs)

    def _shape_graph(self, node):
        key = id(node)
        if key not in self._shape_graphs:
            graph = None
            if all(_is_tensor(v) for v in node.inputs + node.outputs):
                import transpile.tensor as T
                in_shapes = [tuple(T.shape_i(v, d) for d in range(v.ndim)) for v in node.inputs]
                try:
                    graph = node.op.infer_shape(node, in_shapes)
                except NotImplementedError:
                    graph = None
                except Exception as err:
                    raise _node_error(BadShapeError, node,
                                      f"DebugMode: {node.op}.infer_shape failed: {type(err).__name__}: {err}") from None
            self._shape_graphs[key] = (node, graph)
        return self._shape_graphs[key][1]

    def _check_shape(self, node, inputs, outputs):
        graph = self._shape_graph(node)
        if graph is None:
            return
        import transpile.tensor as T
        if len(graph) != len(node.outputs):
            raise _node_error(BadShapeError, node, f"DebugMode: {node.op}.infer_shape returned "
                              f"{len(graph)} shapes for {len(node.outputs)} outputs")
        flat = [T.as_tensor_variable(s) for shp in graph for s in shp]
        try:
            values = evaluate(flat, self.context + list(zip(node.inputs, inputs)))
        except Exception as err:
            raise _node_error(BadShapeError, node, f"DebugMode: evaluating {node.op}.infer_shape failed: "
                              f"{type(err).__name__}: {err}") from None
        pos = 0
        for k, (shp, value) in enumerate(zip(graph, outputs)):
            inferred = tuple(int(v) for v in values[pos:pos + len(shp)])
            pos += len(shp)
            if inferred != tuple(np.shape(value)):
                raise _node_error(BadShapeError, node,
                                  f"DebugMode: output {k} of {node.op} has shape {np.shape(value)} but "
                                  f"infer_shape says {inferred} (input shapes: "
                                  f"{', '.join(str(np.shape(v)) for v in inputs)})")

    def _check_memory(self, node, inputs, outputs):
        destroyed = {i for ins in getattr(node.op, "destroy_map", {}).values() for i in ins}
        for k, (old, new) in enumerate(zip(self._saved, inputs)):
            if k in destroyed or not isinstance(old, np.ndarray):
                continue
            if not (np.shape(old) == np.shape(new) and np.array_equal(old, new, equal_nan=old.dtype.kind in "fc")):
                raise _node_error(BadDestroyMap, node, f"DebugMode: {node.op} overwrote its input {k} "
                                  "without declaring it in destroy_map")
        for j, out in enumerate(outputs):
            allowed = set(getattr(node.op, "view_map", {}).get(j, [])) | set(
                getattr(node.op, "destroy_map", {}).get(j, []))
            for k, inp in enumerate(inputs):
                if k in allowed or not isinstance(out, np.ndarray) or not isinstance(inp, np.ndarray):
                    continue
                if out.size and inp.size and np.shares_memory(out, inp):
                    raise _node_error(BadViewMap, node, f"DebugMode: output {j} of {node.op} aliases its "
                                      f"input {k} without declaring it in view_map")


class ReplacementHistory:
    """FunctionGraph feature recording (old, new, reason) for each replacement, in order."""

    def __init__(self):
        self.replacements = []

    def on_change_input(self, fgraph, node, i, old, new, reason):
        if not any(o is old and n is new for o, n, _ in self.replacements):
            self.replacements.append((old, new, reason))


class DebugExecutor:
    def __init__(self, fgraph, mode):
        self.fgraph = fgraph
        self.mode = mode
        self.checker = NodeChecker(mode.check_isfinite, mode.check_shapes, mode.check_memory)
        self.optimized = PerformExecutor(fgraph, pre_func=self.checker.before, checker=self.checker.after)
        self.recorded = {}
        self.native = None
        if mode.check_native:
            self.native = _native_probe(fgraph)
            if self.native is not None:
                self.optimized.post_func = self._record
        self.original = getattr(fgraph, "unoptimized", None)
        self.reference = None
        if self.original is not None and mode.check_optimizations:
            self.reference = PerformExecutor(self.original, pre_func=self.checker.before,
                                             checker=self.checker.after)

    def __call__(self, values):
        expected = None
        kept = [copy.deepcopy(v) for v in values]
        if self.reference is not None:
            self.checker.context = list(zip(self.original.inputs, kept))
            expected = self.reference([copy.deepcopy(v) for v in values])
        self.checker.context = list(zip(self.fgraph.inputs, kept))
        try:
            results = self.optimized(values)
        finally:
            self.checker.context = []
        if expected is not None:
            for k, (var, a, b) in enumerate(zip(self.fgraph.outputs, results, expected)):
                if not var.type.values_eq_approx(a, b):
                    self._blame(k, var, a, b, kept)
        if self.native is not None:
            try:
                self.native.compare(kept, self.recorded)
            finally:
                self.recorded = {}
        return results

    def _record(self, i, node, thunk):
        """Keep a copy of each node's reference outputs for the native comparison (later
        in-place nodes may overwrite the originals)."""
        for var, cell in zip(node.outputs, thunk.outputs):
            self.recorded[id(var)] = copy.deepcopy(cell[0])

    def _blame(self, k, var, got, expected, values):
        history = getattr(self.fgraph, "replacement_history", None)
        culprit = ""
        if history is not None:
            givens = list(zip(self.fgraph.inputs, values))
            for old, new, reason in history.replacements:
                try:
                    a, b = evaluate([old, new], givens)
                except Exception:
                    continue
                same = np.shape(a) == np.shape(b) and (
                    old.type.values_eq_approx(a, b) if hasattr(old.type, "values_eq_approx") else a == b)
                if not same:
                    culprit = (f"\nThe rewrite {reason!r} replaced\n{describe(old)}\nwith\n{describe(new)}\n"
                               f"which computes {_short(b)} instead of {_short(a)}")
                    break
        raise BadOptimizationError(
            f"DebugMode: output {k} of the optimized graph differs from the unoptimized graph: got "
            f"{_short(got)}, expected {_short(expected)}{culprit}\nOptimized output:\n{describe(var)}")


def _native_probe(fgraph):
    """The native build used by the native check, or None (with a warning naming the op) when
    the graph holds an op that has no native lowering, e.g. a user op defined for numpy only."""
    import warnings

    from transpile.compile.mode import Mode
    from transpile.compile.native_check import NativeProbe
    from transpile.emit.registry import LoweringError
    try:
        return NativeProbe(fgraph, Mode("native", None))
    except LoweringError as err:
        warnings.warn(f"DebugMode: native check skipped: {err}", stacklevel=4)
        return None


def _short(value):
    text = np.array2string(np.asarray(value), threshold=20, precision=6)
    return text if len(text) < 300 else text[:300] + "..."


class DebugMode(Mode):
    """Check every node of every call (see the module docstring). Slow; for tests."""

    def __init__(self, optimizer="fast_run", including=(), excluding=(), check_isfinite=True,
                 check_shapes=True, check_optimizations=True, check_memory=True, check_native=True,
                 name="DEBUG_MODE"):
        super().__init__("py", optimizer, including, excluding, name=name)
        self.check_native = check_native
        self.check_isfinite = check_isfinite
        self.check_shapes = check_shapes
        self.check_optimizations = check_optimizations
        self.check_memory = check_memory

    def optimize(self, fgraph):
        if self.check_optimizations:
            fgraph.unoptimized = fgraph.clone()[0]
            fgraph.replacement_history = ReplacementHistory()
            fgraph.attach_feature(fgraph.replacement_history)
        return super().optimize(fgraph)

    def make_executor(self, fgraph):
        return DebugExecutor(fgraph, self)
