"""Graph libraries built from their recipe, with the runtime's units compiled once.

A graph project's sources are its own `src/<name>.cpp` and the runtime's *units*
(`src/transpile_<unit>.cpp`, transpile.emit.runtime.units): the runtime's out-of-line functions
(`transpile_runtime.cpp`, every graph) and kernels instantiated for the common dtypes (copies,
products, softmax), which the headers declare `extern` so that a graph's source does not compile
them again. The same unit text is in every project, so the cache compiles each unit once per
build recipe (with the recipe's flags: `recipe.unit_compile_command`) into `units/<key>/lib/
<unit>.o`, keyed by the command, the CMake arguments and the unit's text with the headers it
includes, and links the objects into each graph library after its own object.

A graph needs the runtime's unit: it is compiled (if new) beside the graph's own source. The
other units only hold kernels their headers also define, so a graph built before one of them is
(the first graphs of a new compiledir) does not wait for it: its source instantiates what it
calls of that unit itself (`-DTRANSPILE_<UNIT>_LOCAL=1`), except the kernels its rules recorded
(emit/cpp/unit_kernels.py), which one source beside it instantiates, on the other core (with the
runtime's unit, when that is new too: one parse of the runtime's header), and the graph's own
declares `extern` (recipe.write_kernels). The units are built after the graph, in a background
thread, for the next graphs; until the runtime's is, that object stands in for it in the next
graphs of the process (_stand_in), which would otherwise compile it again.

A project that the recipe cannot build (CUDA kernels, unusual paths) is built by CMake, the units
as its other sources, as an exported or hand-built project is.
"""
import atexit
import functools
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from transpile.compile import cache, recipe
from transpile.configdefaults import config
from transpile.emit.runtime import REQUIRED_UNIT, is_unit_source, unit_name

_later = set()  # the entries of the units this process builds in the background
_lock = threading.Lock()  # guards _later and _stand_ins
_stand_ins = {}  # the runtime unit's entry -> the object standing in for it in this process (_stand_in)
_stand_in_dir = None


def graph_builder(files, kernels=()):
    """`build_with` for cache.get_or_build of the graph project `files`: from its recipe when it
    can be (recipe.usable), else with CMake. `kernels`: the (unit, declaration) of the units'
    kernels its source calls (emit/cpp/unit_kernels.py)."""
    def build(log, project, build_dir, args, deadline):
        if not recipe.usable(files, (cache.root(), project.parent)):
            return cache.cmake_build(log, project, build_dir, args, deadline)
        return _replay(log, files, project, build_dir, args, deadline, kernels)
    return build


def _recipe(files, args, deadline=None):
    """The build recipe of the graph project `files` (see recipe.py), learned if new."""
    return recipe.load_or_learn(cache.root() / "recipes", files, args, cache.toolchain_fingerprint(),
                                _configure(args), _runner(deadline))


def learn_recipe_ahead(files, args):
    """Learn the recipe of projects like `files` in a thread, before any is built (a graph's
    build then waits for it, or finds it). Not a daemon: a recipe half learned would be lost."""
    if not recipe.usable(files, (cache.root(),)):
        return
    home = cache.root()
    deadline = time.monotonic() + config.build_timeout  # a graph's build may be waiting for it

    # a failure is not reported here: the graph's build learns the recipe again and reports it
    recipe.learn_ahead(home / "recipes", files, args, cache.toolchain_fingerprint(), _configure(args),
                       _runner(deadline), lambda learn: _start(home, "transpile-recipe", [learn]))


def _start(home, name, steps):
    """Run `steps` (callables) one after the other in a thread whose compiledir is `home`, each
    failure left to the foreground (which builds or learns the same thing again and reports it).
    Not a daemon: the interpreter waits for it at exit."""
    def work():
        cache.set_thread_root(home)
        for step in steps:
            try:
                step()
            except Exception:  # noqa: BLE001  see above
                pass

    threading.Thread(target=work, name=name).start()


def _configure(args):
    return lambda source, build_dir: cache._configure_command(source, build_dir, args)


def _runner(deadline):
    def run(command, cwd):
        return cache._execute(command, deadline, cwd)
    return run


def _replay(log, files, project, build, args, deadline, kernels=()):
    """Build a graph project with the commands CMake chose for its recipe (see recipe.py),
    linking the runtime's units (built now if needed, or compiled into the graph: see above)."""
    try:
        learned = _recipe(files, args, deadline)
    except RuntimeError as err:
        log.append(str(err))
        return False
    build.mkdir(parents=True, exist_ok=True)
    runtime = f"src/{unit_name(REQUIRED_UNIT)}"
    entries = {rel: _entry_path(learned, files, rel, args) for rel in files if is_unit_source(rel)}
    built = {rel: _cached(entry) for rel, entry in entries.items()}
    missing = [rel for rel, path in built.items() if path is None]
    defines = [f"-D{_macro(rel)}_LOCAL=1" for rel in missing if rel != runtime]
    beside = [declaration for unit, declaration in kernels if f"src/{unit_name(unit)}" in missing]
    name = recipe.project_name(files)
    stand_in = _stand_in(entries[runtime]) if runtime in missing else None
    with_runtime = bool(beside) and runtime in missing and stand_in is None
    unit_now = runtime in missing and not beside and stand_in is None  # the runtime's unit, built now
    linked = [path for path in [stand_in, *built.values()] if path]
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="transpile-unit") as pool:
        flags, pending = list(defines), []
        if beside:  # with the runtime's unit when it is missing too: one source, one parse of the runtime
            source = files[f"src/{name}.cpp"]
            flags += ["-include", str(recipe.write_kernels(build, source, beside, with_runtime=with_runtime))]
            pending.append(pool.submit(_kernels_object, log, learned, project, build, defines,
                                       recipe.pch_variant(source), deadline))
        elif unit_now:
            pending.append(pool.submit(_object, learned, files, runtime, args, recipe.BESIDE))
        ok, out = recipe.replay(learned, project, build, name, _runner(deadline),
                                objects=lambda: [p.result() for p in pending] + linked, defines=flags)
    log.append(out)
    if ok and with_runtime:
        _keep_stand_in(entries[runtime], pending[0].result())
    later = [rel for rel in missing if not (rel == runtime and unit_now)]
    if ok and later:
        _build_later(learned, files, later, args)
    return ok


def _stand_in(runtime_entry):
    """The object standing in for the runtime's unit at `runtime_entry` until it is built: the
    source compiled beside a first graph with its kernels (_keep_stand_in), or None. The next
    graphs of this process link it rather than compile the runtime's unit again (beside the
    background build of the unit, which is slower and would only be ready later)."""
    with _lock:
        path = _stand_ins.get(str(runtime_entry))
    return path if path is not None and path.exists() else None


def _keep_stand_in(runtime_entry, compiled):
    """Keep the object `compiled` (the runtime's unit and a graph's kernels) for this process's
    next graphs (see _stand_in), in a directory removed at exit."""
    global _stand_in_dir
    with _lock:
        if _stand_in_dir is None:
            _stand_in_dir = Path(tempfile.mkdtemp(prefix="transpile-runtime-"))
            atexit.register(shutil.rmtree, _stand_in_dir, True)
        kept = _stand_in_dir / f"{len(_stand_ins)}.o"
        shutil.copyfile(compiled, kept)
        _stand_ins[str(runtime_entry)] = kept


def _kernels_object(log, learned, project, build, defines, variant, deadline):
    """Compile the unit kernels a graph calls (recipe.write_kernels) beside its own source: the
    object, under `build`."""
    command = recipe.kernels_compile_command(learned, project, build, defines, variant)
    if command is None:
        raise cache.BuildError("the build recipe has no C++ compile command for the graph's unit kernels", None, "")
    target = build / recipe.unit_object(f"{recipe.KERNELS}.cpp")
    target.parent.mkdir(parents=True, exist_ok=True)
    if not cache._run(log, [*recipe.BESIDE, "/bin/sh", "-c", command], deadline, cwd=build):
        raise cache.BuildError("compiling the graph's unit kernels failed", None, "\n".join(log))
    return target


def _macro(rel):
    """TRANSPILE_<UNIT> of the unit `rel` (the prefix of its header's macros)."""
    return "TRANSPILE_" + rel[len(recipe.UNIT_PREFIX):-len(".cpp")].upper()


def _spec(learned, files, rel, args, priority=()):
    """(sources, cmake_args, artifact, description, build_with) of the unit `rel` for
    cache.get_or_build: compiled with the recipe's flags, once per recipe and unit text
    (`priority`: recipe.BESIDE or recipe.BACKGROUND, the compile command's prefix)."""
    unit = rel[len("src/"):]
    line = recipe.unit_compile_command(learned, unit)
    if line is None:
        raise cache.BuildError(f"the build recipe has no C++ compile command for {rel}", None, "")

    def build_with(log, project, build, _args, deadline):
        command = recipe.expand(learned, line, project, build, recipe.UNIT_TARGET, recipe.UNIT_COMPILE_FLAGS)
        (build / recipe.unit_object(unit)).parent.mkdir(parents=True, exist_ok=True)
        return cache._run(log, [*priority, "/bin/sh", "-c", command], deadline, cwd=build)

    return (recipe.unit_sources(files, rel), lambda key: [line, *recipe.UNIT_COMPILE_FLAGS, *args],
            lambda key: recipe.unit_object(unit),
            f"the runtime unit {unit}", build_with)


def _entry_path(learned, files, rel, args):
    sources, cmake_args, _, _, _ = _spec(learned, files, rel, args)
    return cache.root() / "units" / cache.cache_key("units", sources, cmake_args(""))


def _object(learned, files, rel, args, priority=()):
    """The object of the unit `rel` of a graph project, built if needed."""
    return cache.get_or_build("units", *_spec(learned, files, rel, args, priority)).artifact


def _cached(entry_path):
    """The object of the unit at `entry_path` if it is built, else None."""
    entry = cache.read_entry(entry_path)
    return None if entry is None else entry.artifact


def _build_later(learned, files, rels, args):
    """Build the units `rels` in a thread (one at a time, each once per process and compiledir, at
    a lower priority than the foreground's builds and calls). Not a daemon: the interpreter
    waits for it at exit, so the units do get built."""
    home = cache.root()
    with _lock:
        todo = []
        for rel in rels:
            path = str(_entry_path(learned, files, rel, args))
            if path not in _later:
                _later.add(path)
                todo.append(rel)
    if not todo:
        return

    # a unit that fails to build: graphs keep compiling its kernels themselves
    _start(home, "transpile-units",
           [functools.partial(_object, learned, files, rel, args, recipe.BACKGROUND) for rel in todo])
