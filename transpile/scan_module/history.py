"""Storage of a recurrent output during the loop: its `m` initial entries, then one per step.

All entries are kept (allocated ahead for the known number of steps, grown by doubling for a
`while` loop), or, when only the final value is used (`last_only`, set by a FAST_RUN rewrite),
a ring of `m + 1` entries: enough for the taps of the next step and the value being written.
The output is then `"tail"`: the last `m` entries (the initial ones if no step ran), or
`"last_step"`: the last step's entry (none if no step ran), i.e. `full[m:][-1:]`.
"""
import numpy as np


class History:
    def __init__(self, init, m, capacity, dtype, last_only):
        size = m + 1 if last_only else m + capacity
        self.kind = last_only
        self.data = np.empty((size,) + init.shape[1:], dtype=dtype)
        self.data[:m] = init
        self.m = m
        self.last_only = last_only

    @property
    def entry_shape(self):
        return self.data.shape[1:]

    def _position(self, j):
        return j % self.data.shape[0] if self.last_only else j

    def reserve(self, capacity):
        """Room for `capacity` steps (a ring needs none)."""
        if not self.last_only and self.data.shape[0] < self.m + capacity:
            grown = np.empty((self.m + capacity,) + self.entry_shape, dtype=self.data.dtype)
            grown[:self.data.shape[0]] = self.data
            self.data = grown

    def read(self, t, tap):
        """The value tap `tap` reads at step t (a 0-d value stays an array)."""
        return self.data[self._position(self.m + t + tap), ...]

    def write(self, t, value):
        self.data[self._position(self.m + t)] = value

    def result(self, steps):
        """The output (see the module docstring)."""
        size = self.data.shape[0]
        if self.kind == "tail":
            return self.data[[(steps + i) % size for i in range(self.m)]]
        if self.kind == "last_step":
            return self.data[[(self.m + steps - 1) % size] if steps else []]
        if self.data.shape[0] > self.m + steps:
            return self.data[:self.m + steps]
        return self.data
