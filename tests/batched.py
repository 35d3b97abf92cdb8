"""One compiled function for a whole table of small parametrized cases.

In FAST_RUN every `transpile.function` call builds a native library, and the fixed cost of a
build dominates a tiny graph. A table's cases are therefore built into one function (their
inputs and outputs concatenated) once per (table, mode), cached for the test process; each
parametrized test then checks its own case's slice with its own assertions.

Each case draws its inputs from a fresh `case_rng()`, seeded like the `rng` fixture, so a case
sees exactly the values it saw when it compiled its own function, and every xdist worker builds
the same graph (the second one finds it in the shared compile cache).

`batched_verify_grad` does the same for gradient checks. Keep a table to about 16 small cases
(a few hundred nodes): one build of 46 gradient cases cost 1.7x less compiler time than 46
builds, 16 cases 2.7x less, when g++ time grew faster than linearly with the size of one graph
(its points-to analysis of the driver function, now off: TR_DRIVER in runtime.h.j2); since then
it is about linear (test_math's value tables: 24 cases in groups of 6 or 12, the same time).
"""
import numpy as np

import transpile.tensor as T
from transpile import function
from transpile.gradient import verify_grad

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


_GRAD_TABLES = {}


def batched_verify_grad(mode, cases, build, case, **kwargs):
    """`verify_grad(fn, pt, **kwargs)` of `case`, one of `cases`, where `build(case)` returns
    (fn, pt) with pt drawn from `case_rng()`.

    In FAST_RUN the whole table is checked first by ONE verify_grad (one native build): its
    inputs are every case's point, its output every case's output flattened and concatenated.
    A case's gradient depends on its own inputs only, so that call checks every element of
    every case's gradient against finite differences, as the case's own call would (with
    another random projection). If it fails, or in FAST_COMPILE (no build to save, and each
    finite difference there would run the whole table in Python), each case runs its own
    verify_grad, so a failure names the case."""
    if mode != "FAST_COMPILE":
        key = (build.__module__, build.__qualname__, repr(cases), repr(sorted(kwargs.items())), mode)
        if key not in _GRAD_TABLES:
            _GRAD_TABLES[key] = _table_passes(cases, build, kwargs)
        if _GRAD_TABLES[key]:
            return
    fn, pt = build(case)
    verify_grad(fn, pt, rng=case_rng(), **kwargs)


def _table_passes(cases, build, kwargs):
    fns, points, spans = [], [], []
    for each in cases:
        fn, pt = build(each)
        pt = [pt] if isinstance(pt, np.ndarray) or np.isscalar(pt) else list(pt)
        fns.append(fn)
        spans.append((len(points), len(points) + len(pt)))
        points += pt

    def table(*xs):
        return T.concatenate([T.flatten(fn(*xs[a:b]), 1) for fn, (a, b) in zip(fns, spans)])

    try:
        verify_grad(table, points, rng=case_rng(), **kwargs)
    except Exception:  # every case is then checked on its own, and fails on its own
        return False
    return True
