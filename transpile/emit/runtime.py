"""Runtime headers: the static C++ that rules share, one file per family under
`transpile/templates/runtime/` (`conv.h`, `sparse.h`, ...; `<family>.h.j2` when a few constants
come from Python, rendered with the data the rule passes).

A rule asks for a family with `lc.use_runtime("conv")` (the families it `REQUIRES` come with
it); the program records each once, and the renderer writes it into the project as
`src/transpile_<family>.h`, included by the graph's source in the fixed order of `FAMILIES`,
whatever order rules asked in. Each header is self-contained (`#pragma once`, the std headers
it uses, `transpile_runtime.h`, the headers of the families it requires), so it compiles on its
own (tests/emit/test_runtime_headers.py).

A family may also have a *unit*, `templates/units/<family>.cpp`: a source that instantiates its
kernel templates for the common dtypes (the header declares those instantiations `extern`), so
that each graph's source does not compile them again. The runtime itself (`units/runtime.cpp`,
every project: its out-of-line functions), its copies (`units/copy.cpp`, every project) and the
matrix products (`units/blas.cpp`, projects with products) have one too. The renderer writes a
project's units as `src/transpile_<unit>.cpp`; transpile's cache compiles each once per build
recipe and links the object into every graph library (compile/units.py), an exported or
hand-built project compiles them as its other sources.

Adding a family: write `templates/runtime/<family>.h` (the header comment says what it is, for
which rules), add the name to `FAMILIES` after the families it uses, and to `REQUIRES` if it
includes another family's header.
"""
import functools

from transpile.emit.templates import TEMPLATES, render_template

RUNTIME_DIR = TEMPLATES / "runtime"
UNITS_DIR = TEMPLATES / "units"

#: every family, in the order the generated source includes them (a family may only use the
#: families listed before it)
FAMILIES = ("index", "merge", "argmax", "complex_order", "row_max", "softmax", "logsumexp", "conv", "pool", "neighbours",
            "random", "sparse", "extra_ops", "sort", "sort_complex", "unique", "linalg", "linalg_svd_expm", "inner",
            "scan", "special", "special_gamma", "special_bessel_k", "special_incomplete", "special_normal",
            "special_hyp2f1", "fft")

#: family -> the families whose headers it includes
REQUIRES = {"softmax": ("row_max",), "logsumexp": ("row_max",), "complex_order": ("argmax",),
            "sort_complex": ("sort",), "unique": ("sort",), "linalg_svd_expm": ("linalg",),
            "scan": ("inner",), "special_gamma": ("special",), "special_bessel_k": ("special",),
            "special_incomplete": ("special", "special_gamma"), "special_normal": ("special",),
            "special_hyp2f1": ("special",)}


def header_name(family):
    """The file name of a family's header in a generated project."""
    return f"transpile_{family}.h"


def ordered(families):
    """`families` in include order."""
    return sorted(families, key=FAMILIES.index)


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


#: the unit every graph links (the runtime's out-of-line functions)
REQUIRED_UNIT = "runtime"


def unit_name(unit):
    """The file name of a unit's source in a generated project."""
    return f"transpile_{unit}.cpp"


def is_unit_source(rel):
    """True for the path of a unit's source in a generated project (src/transpile_<unit>.cpp)."""
    return rel.startswith("src/transpile_") and rel.endswith(".cpp")


def units(families, blas):
    """{file name: text} of the units of a project using `families` (and products when `blas`),
    in a fixed order: the runtime's, its copies', the products', then the families' that have
    one. The runtime's (REQUIRED_UNIT) holds its out-of-line functions; the others only kernels
    the headers also define, so a graph may be built before them (cache.py)."""
    names = [REQUIRED_UNIT, "copy"] + (["blas"] if blas else [])
    names += [f for f in ordered(families) if (UNITS_DIR / f"{f}.cpp").is_file()]
    return {unit_name(u): _read_unit(u) for u in names}


@functools.lru_cache(maxsize=None)
def _read_unit(unit):
    return (UNITS_DIR / f"{unit}.cpp").read_text(encoding="utf-8")
