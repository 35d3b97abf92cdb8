"""`Scan`: the op of a loop, holding the step as an inner graph.

Outer inputs:  `n_steps` (int64 scalar), sequences (step t reads `seq[t]`; each has at least
n_steps entries), initial states (one per recurrent output: an array of its `m` = -min(taps)
previous values), non-sequences (the same value at every step).

Inner inputs:  one per sequence, one per (recurrent output, tap), one per non-sequence.
Inner outputs: the new value of each recurrent output, each output not fed back ("nit-sot"),
and, for a `while` loop, the stopping condition last.

Outer outputs: per recurrent output its whole buffer, the `m` initial entries followed by one
entry per step (`scan()` hands the user `buffer[m:]`, and `buffer[-1]` as a shared variable's
update), or only its last entries when a FAST_RUN rewrite set `last_only` (see history.py);
per nit-sot output one entry per step.

Under the native linker the loop is C++ (transpile/emit/cpp/rules/scan.py): the step is a
function of the outer graph's source, `step_function.optimized(mode)` lowered. `perform` (the
reference, and the host path of a scan whose step holds a host-only op) loops in Python,
calling the same step compiled once for the mode the outer function runs under
(`prepare_node`; `step_function.executor(mode)`, see transpile/compile/inner.py).
"""
import weakref

import numpy as np

from transpile.compile.inner import InnerFunction
from transpile.compile.mode import get_mode
from transpile.configdefaults import config
from transpile.emit.registry import is_host_only
from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.scalar import dtypes as D
from transpile.scan_module.grad import scan_grad
from transpile.scan_module.history import History
from transpile.scan_module.shapes import scan_output_shapes
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.type import TensorType

#: capacity of a `while` loop's buffers when n_steps does not bound them; doubled when full
_WHILE_START = 16


class Scan(Op):
    """See the module docstring. Each instance owns its inner graph: instances compare by
    identity and are never merged or folded."""

    foldable = False
    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def __init__(self, inner_inputs, inner_outputs, n_seqs, taps, n_nitsot, n_nonseqs, as_while=False,
                 truncate_gradient=-1, mode=None, name=None, output_names=None, last_only=None):
        self.inner_inputs = list(inner_inputs)
        self.inner_outputs = list(inner_outputs)
        self.n_seqs = n_seqs
        self.taps = [tuple(t) for t in taps]
        self.n_rec = len(self.taps)
        self.n_nitsot = n_nitsot
        self.n_nonseqs = n_nonseqs
        self.as_while = as_while
        self.truncate_gradient = truncate_gradient
        self.mode = mode
        self.name = name or "scan_fn"
        self.output_names = list(output_names or [None] * (self.n_rec + n_nitsot))
        self.mintaps = [-min(t) for t in self.taps]
        #: per recurrent output: None (its whole history), or "tail"/"last_step" (see history.py)
        self.last_only = tuple(last_only or (None,) * self.n_rec)
        n_taps = sum(len(t) for t in self.taps)
        expected_in = n_seqs + n_taps + n_nonseqs
        expected_out = self.n_rec + n_nitsot + (1 if as_while else 0)
        if len(self.inner_inputs) != expected_in or len(self.inner_outputs) != expected_out:
            raise ValueError(f"Scan: the inner graph has {len(self.inner_inputs)} inputs and "
                             f"{len(self.inner_outputs)} outputs; expected {expected_in} and {expected_out}")
        self._nodes = []
        self._step_function = None
        #: set by grad.py on a backward loop: which forward values its inputs hold (a
        #: `grad.ForwardLink`), for `scan_save_for_backward`; a rebuilt op has none
        self.forward_link = None

    def __getstate__(self):
        """Pickle the loop's description, not its compiled steps (rebuilt when next prepared)."""
        state = dict(self.__dict__)
        state["_nodes"], state["_step_function"], state["forward_link"] = [], None, None
        return state

    @property
    def step_function(self):
        """The step as a `compile.inner.InnerFunction`: the graph the native backend lowers
        (`lc.inner_graph(op.step_function)`, rewritten once per mode and kept), and the
        executor the host loop calls (`executor(mode)`)."""
        if self._step_function is None:
            self._step_function = InnerFunction(self.inner_inputs, self.inner_outputs, name=self.name)
        return self._step_function

    # -- structure ---------------------------------------------------------------------------
    def inner_graphs(self):
        """The step's graph, for debugprint's `Inner graphs:` section."""
        return [(None, self.inner_outputs)]

    def inner_to_outer(self):
        """For each inner input, the position of the outer input it is read from."""
        out = [1 + i for i in range(self.n_seqs)]
        for r, taps in enumerate(self.taps):
            out.extend([1 + self.n_seqs + r] * len(taps))
        first = 1 + self.n_seqs + self.n_rec
        out.extend(first + k for k in range(self.n_nonseqs))
        return out

    def outer_parts(self, inputs):
        """(n_steps, sequences, initial states, non-sequences) of an outer input list."""
        s, r = 1 + self.n_seqs, 1 + self.n_seqs + self.n_rec
        return inputs[0], list(inputs[1:s]), list(inputs[s:r]), list(inputs[r:])

    def output_label(self, k):
        name = self.output_names[k]
        return f"output {k}" + (f" ({name!r})" if name else "")

    def make_node(self, n_steps, *inputs):
        n_steps = as_tensor_variable(n_steps)
        if n_steps.ndim != 0 or not D.is_integer(n_steps.dtype):
            raise TypeError(f"{self}: n_steps must be an integer scalar, got {n_steps.type}")
        inputs = [as_tensor_variable(v) for v in inputs]
        if len(inputs) != self.n_seqs + self.n_rec + self.n_nonseqs:
            raise TypeError(f"{self}: expected {self.n_seqs + self.n_rec + self.n_nonseqs} inputs after n_steps, "
                            f"got {len(inputs)}")
        outer_of = self.inner_to_outer()
        for inner, pos in zip(self.inner_inputs, outer_of):
            outer = ([n_steps] + inputs)[pos]
            want = inner.type if pos > self.n_seqs + self.n_rec else None
            if want is not None:
                if outer.type != want:
                    raise TypeError(f"{self}: non-sequence {outer} has type {outer.type}, the step expects {want}")
            elif outer.ndim != inner.ndim + 1 or outer.dtype != inner.dtype:
                raise TypeError(f"{self}: outer input {outer} ({outer.type}) does not hold entries of {inner.type}")
        outputs = []
        for k, inner in enumerate(self.inner_outputs[:self.n_rec + self.n_nitsot]):
            outputs.append(TensorType(inner.dtype, (False,) + inner.broadcastable)())
        node = Apply(self, [n_steps] + inputs, outputs)
        self._nodes.append(weakref.ref(node))
        return node

    def node_of(self, inputs):
        """The node applying this op to exactly `inputs` (its outputs are the saved forward
        values the gradient reads), or a new one."""
        for ref in self._nodes:
            node = ref()
            if node is not None and len(node.inputs) == len(inputs) and all(
                    a is b for a, b in zip(node.inputs, inputs)):
                return node
        return self.make_node(*inputs)

    @property
    def native_step(self):
        """False when `scan(mode=...)` named a mode that runs no native code (FAST_COMPILE,
        DebugMode, NanGuardMode, ...): the loop then runs in Python and calls its step compiled
        with that mode, whatever the outer function's mode."""
        return self.mode is None or getattr(get_mode(self.mode), "linker", None) == "native"

    # -- running -----------------------------------------------------------------------------
    def prepare_node(self, node, mode):
        """Compile the inner function for the mode the outer function runs under (the scan's
        own `mode` argument wins), ahead of the first call."""
        node.tag.scan_mode = get_mode(self.mode) if self.mode is not None else mode
        if getattr(mode, "linker", None) == "native" and not is_host_only(self):
            return  # the loop is lowered with the outer graph: no library of its own
        self.step_function.executor(node.tag.scan_mode)

    def perform(self, node, inputs, output_storage):
        mode = getattr(node.tag, "scan_mode", None)
        if mode is None:
            mode = get_mode(self.mode if self.mode is not None else config.mode)
        inner = self.step_function.executor(mode)
        n_steps, seqs, inits, nonseqs = self.outer_parts(inputs)
        n = int(n_steps)
        if n < 0:
            raise ValueError(f"{self}: n_steps must be non-negative, got {n}")
        for i, seq in enumerate(seqs):
            if seq.shape[0] < n:
                raise ValueError(f"{self}: sequence {i} has {seq.shape[0]} entries, fewer than the "
                                 f"{n} steps to run")
        capacity = min(n, _WHILE_START) if self.as_while else n
        histories = []
        for r, (init, m) in enumerate(zip(inits, self.mintaps)):
            if init.shape[0] != m:
                raise ValueError(f"{self}: the initial state of {self.output_label(r)} has {init.shape[0]} "
                                 f"entries, taps {list(self.taps[r])} need {m}")
            histories.append(History(init, m, capacity, node.outputs[r].dtype, self.last_only[r]))
        nitsot = [None] * self.n_nitsot
        steps = 0
        while steps < n:
            t = steps
            if t == capacity:
                capacity = min(n, 2 * capacity)
                for history in histories:
                    history.reserve(capacity)
                nitsot = [None if z is None else _grow(z, capacity) for z in nitsot]
            values = [seq[t, ...] for seq in seqs]
            for history, taps in zip(histories, self.taps):
                values.extend(history.read(t, tap) for tap in taps)
            values.extend(nonseqs)
            try:
                outs = inner(values)
            except Exception as err:
                _reraise_at_step(err, t, n, self.as_while)
            for r, history in enumerate(histories):
                self._check_shape(outs[r], history.entry_shape, r, t, n)
                history.write(t, outs[r])
            for q in range(self.n_nitsot):
                value = outs[self.n_rec + q]
                if nitsot[q] is None:
                    nitsot[q] = np.empty((capacity,) + np.shape(value), dtype=node.outputs[self.n_rec + q].dtype)
                self._check_shape(value, nitsot[q].shape[1:], self.n_rec + q, t, n)
                nitsot[q][t] = value
            steps += 1
            if self.as_while and bool(outs[-1]):
                break
        for r, history in enumerate(histories):
            output_storage[r][0] = history.result(steps)
        for q, z in enumerate(nitsot):
            var = node.outputs[self.n_rec + q]
            if z is None:
                z = np.zeros((0,) * var.ndim, dtype=var.dtype)
            output_storage[self.n_rec + q][0] = z[:steps] if steps < z.shape[0] else z

    def _check_shape(self, value, shape, k, t, n):
        if np.shape(value) != shape:
            what = "the initial state" if k < self.n_rec else "step 0"
            raise ValueError(f"{self}: {self.output_label(k)} of the step function has shape {np.shape(value)} at "
                             f"scan step {t} of {n}, but {what} gave shape {shape}; every step must "
                             "return the same shape")

    # -- shapes and gradients ----------------------------------------------------------------
    def infer_shape(self, node, input_shapes):
        return scan_output_shapes(self, node, input_shapes)

    def grad(self, inputs, output_grads):
        return scan_grad(self, inputs, output_grads)

    def __str__(self):
        return f"Scan{{{self.name}{', while' if self.as_while else ''}}}"


def _grow(buf, length):
    """A longer copy of a nit-sot output's storage."""
    new = np.empty((length,) + buf.shape[1:], dtype=buf.dtype)
    new[:buf.shape[0]] = buf
    return new


def _reraise_at_step(err, t, n, as_while):
    """Re-raise `err` (same type) saying which step of the loop failed."""
    bound = f"at most {n}" if as_while else f"{n}"
    try:
        new = type(err)(f"{err}\n... at scan step {t} of {bound}")
    except Exception:
        raise err
    raise new.with_traceback(err.__traceback__) from None
