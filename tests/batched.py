"""One compiled function for a whole table of small parametrized cases.

In FAST_RUN every `transpile.function` call builds a native library, and the fixed cost of a
build dominates a tiny graph. A table's cases are therefore built into one function (their
inputs and outputs concatenated) once per (table, mode), cached for the test process; each
parametrized test then checks its own case's slice with its own assertions.

Each case draws its inputs from a fresh `case_rng()`, seeded like the `rng` fixture, so a case
sees exactly the values it saw when it compiled its own function, and every xdist worker builds
the same graph (the second one finds it in the shared compile cache).
"""
import numpy as np

from transpile import function

RNG_SEED = 20261124  # the seed of the `rng` fixture in tests/conftest.py: keep them equal

_RUNS = {}


def case_rng():
    """A generator in the state the `rng` fixture gives a test."""
    return np.random.default_rng(RNG_SEED)


def batched_case(mode, cases, build, case):
    """(values, outputs, results) of `case`, one of `cases`, computed with every case of the table
    by one compiled function. The table is named by `build` and `cases`.

    `build(case)` returns (inputs, outputs, values): the case's symbolic inputs, the variables
    it checks and the values fed to its inputs. `mode` is the test's mode fixture (it is the
    active config.mode); it only keys the cache. Cases are told apart by their repr, so a case
    may hold lists."""
    key = (build.__module__, build.__qualname__, repr(cases), mode)
    if key not in _RUNS:
        inputs, outputs, values, spans = [], [], [], []
        for each in cases:
            ins, outs, vals = build(each)
            spans.append((repr(each), vals, outs, len(outputs)))
            inputs += ins
            outputs += outs
            values += vals
        results = function(inputs, outputs, on_unused_input="ignore")(*values)
        _RUNS[key] = {name: (vals, outs, results[start:start + len(outs)])
                      for name, vals, outs, start in spans}
    return _RUNS[key][repr(case)]
