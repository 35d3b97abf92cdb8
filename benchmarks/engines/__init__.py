"""One module per engine family. Each defines

    NAMES                       the engine names it provides
    LIBRARY                     the module to import (timed apart from the work)
    available(name)             None when it can run here, else why not
    configure(name, cachedir)   set the environment before the library is imported (compile caches)
    make(name, workload, data)  -> (run, fetch): `run()` is one timed call (synchronized, so the
                                result is computed when it returns); `fetch(value)` turns what the
                                first call returned (and the engine's state after it) into the list
                                of numpy arrays checked against `workloads.reference`.
                                Raises NotApplicable when the engine has no such workload.
"""
import importlib


class NotApplicable(Exception):
    """The engine has nothing to offer for this workload (e.g. numexpr and a matrix product)."""


MODULES = ["transpile_engine", "numpy_engine", "numexpr_engine", "pytensor_engine", "jax_engine", "torch_engine"]


def engine_names():
    names = []
    for m in MODULES:
        names.extend(importlib.import_module(f"engines.{m}").NAMES)
    return names


def module_of(name):
    for m in MODULES:
        mod = importlib.import_module(f"engines.{m}")
        if name in mod.NAMES:
            return mod
    raise KeyError(f"unknown engine {name!r}; known: {', '.join(engine_names())}")


def installed(package):
    """None when `package` can be imported (without importing it), else a message."""
    import importlib.util
    if importlib.util.find_spec(package) is None:
        return f"{package} is not installed (pip install '.[bench]')"
    return None
