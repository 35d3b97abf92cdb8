"""`NanGuardMode`: stop at the first node whose inputs or outputs hold NaN, Inf or huge values.

Only floating-point (and complex) arrays are inspected. "Big" means an absolute value above
`big_threshold` (1e10 by default), usually the sign of a diverging computation.
"""
import numpy as np

from transpile.compile.executor import PerformExecutor
from transpile.compile.mode import Mode


class NanGuardError(ValueError):
    """A node read or produced a NaN, an Inf or a big value."""


class NanGuardMode(Mode):
    def __init__(self, nan_is_error=True, inf_is_error=True, big_is_error=True, optimizer="fast_run",
                 linker=None, big_threshold=1e10, name="NanGuardMode"):
        if optimizer == "default":
            optimizer = "fast_run"
        super().__init__("py", optimizer, name=name)
        self.nan_is_error = nan_is_error
        self.inf_is_error = inf_is_error
        self.big_is_error = big_is_error
        self.big_threshold = big_threshold

    def bad_kind(self, value):
        """'NaN', 'Inf', 'big value' or None."""
        if not isinstance(value, (np.ndarray, np.generic)) or value.dtype.kind not in "fc" or value.size == 0:
            return None
        if self.nan_is_error and np.isnan(value).any():
            return "NaN"
        if self.inf_is_error and np.isinf(value).any():
            return "Inf"
        if self.big_is_error:
            with np.errstate(invalid="ignore"):
                finite = np.abs(value[np.isfinite(value)])
            if finite.size and finite.max() > self.big_threshold:
                return "big value"
        return None

    def _check(self, where, node, cells):
        for k, cell in enumerate(cells):
            kind = self.bad_kind(cell[0])
            if kind is not None:
                var = (node.inputs if where == "input" else node.outputs)[k]
                raise NanGuardError(f"NanGuardMode: {kind} found in {where} {k} ({var}) of node {node}")

    def make_executor(self, fgraph):
        def pre(i, node, fn):
            self._check("input", node, fn.inputs)

        def post(i, node, fn):
            self._check("output", node, fn.outputs)

        return PerformExecutor(fgraph, pre_func=pre, post_func=post)
