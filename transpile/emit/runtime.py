"""Runtime headers: the static C++ that rules share, one file per family under
`transpile/templates/runtime/` (`conv.h`, `sparse.h`, ...; `<family>.h.j2` when a few constants
come from Python, rendered with the data the rule passes).

A rule asks for a family with `lc.use_runtime("conv")` (or `program.add_runtime(...)`); the
program records it once, and the renderer puts it into the project. `FAMILIES` is the fixed
order in which families appear in the generated source, whatever order rules asked in.
"""
import functools

from transpile.emit.templates import TEMPLATES, render_template

RUNTIME_DIR = TEMPLATES / "runtime"

#: every family, in the order the generated source includes them (a family may only use the
#: families listed before it)
FAMILIES = ("index", "merge", "argmax", "complex_order", "row_max", "softmax", "logsumexp", "conv", "pool",
            "random", "sparse")


@functools.lru_cache(maxsize=None)
def _read(name):
    return (RUNTIME_DIR / name).read_text(encoding="utf-8")


def runtime_source(family, **data):
    """The text of a family's header: `<family>.h` as it is, or `<family>.h.j2` rendered with
    `data` (the constants the rule passes; loops over data only, no logic)."""
    if family not in FAMILIES:
        raise ValueError(f"unknown runtime family {family!r}; expected one of {', '.join(FAMILIES)} "
                         f"(files in {RUNTIME_DIR})")
    if (RUNTIME_DIR / f"{family}.h").is_file():
        if data:
            raise ValueError(f"runtime family {family!r} is a plain header and takes no data, got {sorted(data)}")
        return _read(f"{family}.h")
    return render_template(f"runtime/{family}.h.j2", **data)
