"""Build commands learned from CMake once, replayed for every graph.

A graph library's CMake project differs from another's only by its name and its C++: the same
CMakeLists.txt (up to the name), the same cmake/ modules, the same arguments. Configuring it
costs more than compiling a small graph (compiler detection, find_package), so the cache
configures a *probe* copy of the project once per distinct (CMakeLists, modules, arguments,
toolchain), asks Ninja for the commands it would run (`ninja -t commands`: compile, then link),
and stores them as a recipe with the probe's paths and name as placeholders. Building a graph
then runs those commands with its own paths and name: CMake still decides every flag, include
directory and library, and the project on disk stays a complete CMake project anyone can build.
`function()` of a graph with matrix products starts learning their recipe before it rewrites
the graph (native.warm_up, units.learn_recipe_ahead): the configure runs beside the rewriting,
and the graph's build waits for it (one learning per recipe and process).

The recipe also holds precompiled headers of the standard and OpenMP headers the runtime
includes (compiled with the recipe's own flags), passed to each compile with `-include`: parsing
them was half of a small graph's compile time. There are two (PCH_HEADERS): loading one costs
time in proportion to its size, and `<complex>` alone doubles it (0.07 s against 0.15 s), so only
a source that includes `<complex>` gets the header with it. Each is compiled in the background
after the first build that wants it (so a cold first `function()` does not wait for it, nor share
the cores with it) and used from the next build on, once it is complete (written under another
name, then renamed). GCC ignores a precompiled header it cannot use (`-Winvalid-pch` only warns),
so a mismatch costs speed, never correctness.

The runtime's units (`src/transpile_<unit>.cpp`) are left out of the probe: the recipe holds the
graph source's compile command and the link; `unit_compile_command` gives a unit's (the same
flags) and `replay` links the units' objects, which units.py compiles once per recipe.

Layout: `<compiledir>/recipes/<key>/{recipe.json, pch/transpile_<variant>.h(.gch)}`.
"""
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from transpile.emit.runtime import REQUIRED_UNIT, is_unit_source, unit_name

PROBE_NAME = "transpile_recipe_probe"
UNIT_PREFIX = "src/transpile_"
UNITS_LINE = f"target_sources({PROBE_NAME} PRIVATE {UNIT_PREFIX}"
UNITS_COMMENT = "# the runtime's units"
UNIT_TARGET = "transpile_unit"
KERNELS = "transpile_kernels"  # a graph's unit kernels compiled beside it (write_kernels), in its build directory
STD_HEADERS = ["algorithm", "atomic", "cmath", "cstdarg", "cstddef", "cstdint", "cstdio", "cstdlib", "cstring",
               "limits", "new", "type_traits", "utility", "sys/mman.h", "omp.h"]
#: the precompiled headers of a recipe, by variant: a source including <complex> gets "complex"
PCH_HEADERS = {"std": STD_HEADERS, "complex": STD_HEADERS + ["complex"]}
#: runtime units are compiled with a section per function and linked dropping the unused ones,
#: so a graph library holds only the kernels it calls (GNU toolchains; elsewhere, all of them)
UNIT_COMPILE_FLAGS = ["-ffunction-sections", "-fdata-sections"] if sys.platform.startswith("linux") else []
UNIT_LINK_FLAGS = ["-Wl,--gc-sections"] if sys.platform.startswith("linux") else []


def lowered(level):
    """The prefix running a command at nice `level` (none without `nice`). Only for a command
    started in a session of its own (cache._execute): where Linux groups each session's
    processes for the scheduler (autogroups, on by default), a nice value only ranks a process
    inside its session, so the prefix lowers its session's priority too (/proc/self/autogroup);
    `nice` alone left a background build an equal share of the cores (measured)."""
    if not shutil.which("nice"):
        return []
    script = f'[ -w /proc/self/autogroup ] && echo {level} > /proc/self/autogroup; exec nice -n {level} "$0" "$@"'
    return ["/bin/sh", "-c", script]


#: builds nobody waits for (precompiled headers, units for the next graphs): what is left of the
#: cores after the foreground's builds and calls
BACKGROUND = lowered(10)
#: builds a first graph waits for that run beside its own compile, the longest step (the caller
#: extension, the runtime's unit): below it (a cold first `function()` of the MLP step, 1.08-1.18
#: -> 0.98-1.06 s), but not so low that other work on a busy machine starves them
BESIDE = lowered(6)

_SAFE_PATH = re.compile(r"[A-Za-z0-9_./+-]+")
_INCLUDE = re.compile(r'^#include "([^"/]+)"', re.MULTILINE)
_learning = {}  # recipe directory -> the lock of its learning in this process (one learns, the others wait)
_learning_guard = threading.Lock()


def project_name(files):
    match = re.search(r"^project\((\w+) ", files.get("CMakeLists.txt", ""), re.MULTILINE)
    return match.group(1) if match else None


def _probe_files(files, name):
    """The project's build description with the probe's name, and a one-line source for the
    graph's own source files: the runtime units are left out (their `target_sources` line too),
    so every graph of a kind shares the recipe whatever units it has."""
    probe = {}
    for rel, text in files.items():
        if rel == "CMakeLists.txt" or rel.startswith("cmake/"):
            lines = text.replace(name, PROBE_NAME).splitlines(keepends=True)
            probe[rel] = "".join(line for line in lines
                                 if not line.startswith(("# generated by transpile", UNITS_LINE, UNITS_COMMENT)))
        elif is_unit_source(rel):  # built on its own, once per recipe (units.py)
            continue
        elif rel.endswith((".cpp", ".c", ".cu")):
            probe[rel.replace(name, PROBE_NAME)] = "// probe\n"
    return probe


def recipe_key(probe, cmake_args, toolchain):
    h = hashlib.sha256()
    for part in (toolchain, *cmake_args, *map(_pch_text, PCH_HEADERS.values())):
        h.update(part.encode() + b"\0")
    for rel, text in sorted(probe.items()):
        h.update(rel.encode() + b"\0" + text.encode() + b"\0")
    return h.hexdigest()[:32]


def usable(files, directories):
    """True when the project can be built from a recipe (a named project of C++ sources only,
    plain paths): a CUDA graph's kernels go through CMake's CUDA rules."""
    return (project_name(files) is not None and not any(rel.endswith(".cu") for rel in files)
            and all(_SAFE_PATH.fullmatch(str(d)) for d in directories))


def load_or_learn(root, files, cmake_args, toolchain, cmake_configure, run):
    """The recipe of this project (a dict), learned and stored under `root` if new.

    `cmake_configure(source, build)` is the configure command (a list); `run(command, cwd)`
    runs one command and returns (ok, output)."""
    home, probe = _home_and_probe(root, files, cmake_args, toolchain)
    stored = home / "recipe.json"
    if stored.exists():
        return json.loads(stored.read_text())
    with _lock_of(home):  # learned ahead in a thread (learn_ahead) or by another graph: wait for it
        if stored.exists():
            return json.loads(stored.read_text())
        return _learn(home, _write_probe(home, probe), cmake_configure, run)


def learn_ahead(root, files, cmake_args, toolchain, cmake_configure, run, start_thread):
    """Start learning this project's recipe, unless it is stored or being learned: the probe is
    written here, and `start_thread(work)` runs its configure (`work()`); load_or_learn of the
    same recipe waits for it. A thread writing the probe beside a busy interpreter waited up to a
    GIL switch interval after each file (70 ms before its configure could start, measured)."""
    home, probe = _home_and_probe(root, files, cmake_args, toolchain)
    lock = _lock_of(home)
    if (home / "recipe.json").exists() or not lock.acquire(blocking=False):
        return
    work = None

    def learn():
        try:
            if (home / "recipe.json").exists():  # stored meanwhile by another process
                shutil.rmtree(work, ignore_errors=True)
            else:
                _learn(home, work, cmake_configure, run)
        finally:
            lock.release()

    try:
        work = _write_probe(home, probe)
        start_thread(learn)
    except BaseException:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
        lock.release()
        raise


def _home_and_probe(root, files, cmake_args, toolchain):
    probe = _probe_files(files, project_name(files))
    return Path(root) / recipe_key(probe, cmake_args, toolchain), probe


def _lock_of(home):
    """The lock of learning the recipe `home` in this process (one learns, the others wait)."""
    with _learning_guard:
        return _learning.setdefault(str(home), threading.Lock())


def _write_probe(home, probe):
    """A fresh work directory beside `home` holding the probe project (`probe/project`)."""
    home.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{home.name[:12]}-", dir=home.parent))
    source = work / "probe" / "project"
    for rel, text in probe.items():
        path = source / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return work


def _learn(home, work, cmake_configure, run):
    """Configure the probe in `work`, store the commands Ninja would run as `home`'s recipe."""
    stored = home / "recipe.json"
    source, build = work / "probe" / "project", work / "probe" / "build"
    ok, out = run(cmake_configure(source, build), None)
    if not ok:
        shutil.rmtree(work, ignore_errors=True)
        raise RuntimeError(f"configuring the build recipe failed:\n{out[-4000:]}")
    ok, out = run([_ninja_of(build), "-C", str(build), "-t", "commands"], None)
    if not ok:
        shutil.rmtree(work, ignore_errors=True)
        raise RuntimeError(f"reading the build recipe failed:\n{out[-4000:]}")
    commands = [line.replace(str(source), "@SOURCE@").replace(str(build), "@BUILD@").replace(PROBE_NAME, "@NAME@")
                for line in out.splitlines() if line.strip()]
    recipe = {"commands": commands, "pch": {}, "pch_command": None}
    flags = _pch_flags(commands)
    if flags is not None:
        (work / "pch").mkdir()
        for variant, headers in PCH_HEADERS.items():
            (work / "pch" / f"transpile_{variant}.h").write_text(_pch_text(headers))
            recipe["pch"][variant] = str(home / "pch" / f"transpile_{variant}.h")
        recipe["pch_command"] = flags + ["-x", "c++-header"]  # + the header, -o and the output's name
    stored_tmp = work / "recipe.json"
    stored_tmp.write_text(json.dumps(recipe, indent=1))
    shutil.rmtree(work / "probe", ignore_errors=True)
    try:
        os.rename(work, home)
    except OSError:  # another process stored the same recipe first
        shutil.rmtree(work, ignore_errors=True)
    return json.loads(stored.read_text())


def _pch_text(headers):
    return ("// standard headers of transpile's runtime, precompiled once per build recipe\n"
            + "".join(f"#include <{h}>\n" for h in headers))


def pch_variant(source_text):
    """The precompiled header (a key of PCH_HEADERS) for a source with this text."""
    return "complex" if "#include <complex>" in source_text else "std"


def _ninja_of(build):
    cache = (Path(build) / "CMakeCache.txt").read_text()
    return re.search(r"^CMAKE_MAKE_PROGRAM:\w+=(.*)$", cache, re.MULTILINE).group(1)


def _compile_parts(command):
    """(compiler and flags, source) of a compile command, or None for another command."""
    words = shlex.split(command)
    if "-c" not in words or words[0] == ":":
        return None
    flags, skip = [], False
    for word in words:
        if skip:
            skip = False
        elif word in ("-o", "-MT", "-MF", "-c"):
            skip = True
        elif word != "-MD" and not word.endswith("_EXPORTS"):
            flags.append(word)
    return flags, words[words.index("-c") + 1]


def _pch_flags(commands):
    """The C++ compile command's compiler and flags (without the project's own paths), or None
    when the recipe compiles no C++."""
    cxx = [parts for parts in map(_compile_parts, commands) if parts and parts[1].endswith(".cpp")]
    if not cxx:
        return None
    return [f for f in cxx[0][0] if "@SOURCE@" not in f and "@BUILD@" not in f]


def precompile_in_background(recipe, variant):
    """Start compiling the recipe's precompiled header `variant`, once (a marker file records the
    start), detached and at a lower priority: written to a temporary name and renamed into place
    when complete."""
    if not recipe.get("pch_command"):
        return
    header = recipe["pch"][variant]
    gch = header + ".gch"
    try:
        fd = os.open(gch + ".started", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except OSError:  # started already (or cannot be: then no precompiled header)
        return
    os.close(fd)
    partial = f"{gch}.{os.getpid()}.tmp"
    command = " ".join(shlex.quote(w) for w in recipe["pch_command"] + [header, "-o", partial])
    subprocess.Popen([*BACKGROUND, "/bin/sh", "-c", f"{command} && mv -f {shlex.quote(partial)} {shlex.quote(gch)}"],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True)


def unit_compile_command(recipe, unit):
    """The command compiling the unit source `src/<unit>` (a file name) of a project: the graph
    source's command (the same flags: CMake has no per-source ones here) for that file; its
    object is `unit_object(unit)` under the build directory. None when the recipe has no C++
    compile command."""
    for line in recipe["commands"]:
        parts = _compile_parts(line)
        if parts is not None and parts[1] == "@SOURCE@/src/@NAME@.cpp":
            return line.replace("src/@NAME@.cpp", f"src/{unit}")
    return None


def write_kernels(build, graph_source, declarations, with_runtime=False):
    """Write the unit kernels a graph calls (`declarations`, see emit/cpp/unit_kernels.py) into
    `build`: `KERNELS.h`, the includes at the top of the graph's source, then each kernel
    declared `extern` (the graph's compile reads it first, with -include), and `KERNELS.cpp`,
    the same includes (and the runtime's unit, `with_runtime`), then each kernel instantiated.
    Returns the header's path."""
    includes = []
    for line in graph_source.splitlines():  # the includes at its top
        if line.startswith("#include "):
            includes.append(line)
        elif line.strip() and not line.startswith("//"):
            break
    build = Path(build)
    header = [f"// generated by transpile; do not edit\n// {KERNELS}.h: the units' kernels this graph calls, "
              f"compiled in {KERNELS}.cpp", "#pragma once", *includes, *(f"extern template {d};" for d in declarations)]
    source = [f"// generated by transpile; do not edit\n// {KERNELS}.cpp: the units' kernels this graph calls, "
              "compiled beside it", *includes, *([f'#include "{unit_name(REQUIRED_UNIT)}"'] if with_runtime else []),
              *(f"template {d};" for d in declarations)]
    (build / f"{KERNELS}.h").write_text("\n".join(header) + "\n", encoding="utf-8")
    (build / f"{KERNELS}.cpp").write_text("\n".join(source) + "\n", encoding="utf-8")
    return build / f"{KERNELS}.h"


def kernels_compile_command(recipe, source, build, defines, variant):
    """The command compiling `build`/KERNELS.cpp (write_kernels) of the project in `source` with
    its units' flags and `defines`; the object is `unit_object(KERNELS + ".cpp")` under `build`."""
    line = unit_compile_command(recipe, f"{KERNELS}.cpp")
    if line is None:
        return None
    command = expand(recipe, line, source, build, UNIT_TARGET, [*defines, *UNIT_COMPILE_FLAGS], variant)
    return command.replace(f"{source}/src/{KERNELS}.cpp", str(Path(build) / f"{KERNELS}.cpp"))


def unit_sources(files, rel):
    """{path: text} of the unit `rel` of a project and the project headers it includes, directly
    or not (`#include "..."` of files in src/): what its object depends on besides the flags."""
    found, todo = {}, [rel]
    while todo:
        path = todo.pop()
        if path in found or path not in files:
            continue
        found[path] = files[path]
        todo += [f"src/{name}" for name in _INCLUDE.findall(files[path])]
    return dict(sorted(found.items()))


def unit_object(unit):
    """The object of unit `src/<unit>` relative to the build directory (named `UNIT_TARGET`)."""
    return f"CMakeFiles/{UNIT_TARGET}.dir/src/{unit}.o"


def replay(recipe, source, build, name, run, objects=None, defines=()):
    """Run the recipe's commands for the project in `source` named `name`, building in `build`;
    `objects()`, called before linking (so it may wait for objects built meanwhile), gives
    object files linked after the graph's own; `defines` (-D...) go to the C++ compiles.
    Returns (ok, output)."""
    outputs = []
    variant = pch_variant(_read(Path(source) / "src" / f"{name}.cpp"))
    for line in recipe["commands"]:
        command = expand(recipe, line, source, build, name, defines, variant)
        parts = _compile_parts(command)
        if parts is None and objects is not None:
            extra = objects()
            command = _with_objects(command, f"CMakeFiles/{name}.dir/src/{name}.cpp.o",
                                    extra + (UNIT_LINK_FLAGS if extra else []))
            if command is None:
                outputs.append("FAILED: the link command names no object of the graph's source")
                return False, "\n".join(outputs)
        for target in _outputs(command):
            (Path(build) / target).parent.mkdir(parents=True, exist_ok=True)
        ok, out = run(["/bin/sh", "-c", command], build)
        outputs.append(f"{'$' if ok else 'FAILED:'} {command}\n{out}")
        if not ok:
            return False, "\n".join(outputs)
    precompile_in_background(recipe, variant)
    return True, "\n".join(outputs)


def expand(recipe, line, source, build, name, flags=(), variant="std"):
    """A recipe command with the project's paths and name; a C++ compile also with `flags`
    and the precompiled header `variant` (a key of PCH_HEADERS), when it is complete."""
    command = line.replace("@SOURCE@", str(source)).replace("@BUILD@", str(build)).replace("@NAME@", name)
    parts = _compile_parts(command)
    if parts is None or not parts[1].endswith(".cpp"):
        return command
    extra = []
    header = recipe["pch"].get(variant)
    if header and os.path.exists(header + ".gch"):
        extra += ["-include", header]  # first: GCC uses a precompiled header only as the first include
    extra += flags
    if extra:
        compiler, rest = command.split(" ", 1)
        command = " ".join([compiler, *extra, rest])
    return command


def _read(path):
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError:  # then the std header: a wrong one only costs time
        return ""


def _with_objects(command, graph_object, extra):
    """The link `command` with `extra` (objects, flags) after the graph's object (None when the
    command does not name it)."""
    if not extra:
        return command
    words = command.split(" ")
    if graph_object not in words:
        return None
    k = words.index(graph_object)
    return " ".join(words[:k + 1] + [shlex.quote(str(o)) for o in extra] + words[k + 1:])


def _outputs(command):
    words = shlex.split(command)
    return [words[k + 1] for k, w in enumerate(words[:-1]) if w == "-o" and not os.path.isabs(words[k + 1])]
