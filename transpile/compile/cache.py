"""The build cache: CMake projects built out of process, stored by content hash.

Layout under `config.compiledir`:

    <kind>/<key>/manifest.json   written last: the artifact's path, size and sha256, and what it is
    <kind>/<key>/project/        the generated sources (kept for reading and re-building by hand)
    <kind>/<key>/lib/<artifact>  the built library (never overwritten once loaded)
    <kind>/<key>/build.log       the build's commands and output
    locks/<key>.lock             fcntl lock: one process builds a key, the others wait and reuse
                                 (the holder's pid inside; see `buildlock`)
    tmp/                         builds in progress (a fresh directory each, with its builder's pid
                                 in `owner`, renamed into place); a dead builder's are removed
    recipes/<key>/               the compile and link commands CMake chose, learned once per kind of
                                 graph project, and a precompiled header (recipe.py)
    units/<key>/lib/<unit>.o     a runtime unit (src/transpile_<unit>.cpp: the runtime's out-of-line
                                 code and prebuilt kernels) compiled with a recipe's flags, linked
                                 into every graph library built with that recipe (units.py)
    failed/<key>/                the project and log of the last failed build of a key

`key` hashes the project files, the cmake arguments and the toolchain (compiler, cmake, Python,
numpy versions), so no version number is ever bumped by hand. An entry whose manifest is missing
or does not match its artifact (an interrupted or corrupted build), or whose manifest names an
artifact outside the entry, is moved aside and rebuilt.

A build runs in its own process group, killed as a whole (cmake, ninja, the compilers) when it
takes longer than `config.build_timeout` or is interrupted. A full disk while writing or building
is a `CompiledirFull` error naming the compiledir and its free space.
"""
import errno
import functools
import hashlib
import importlib.util
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from transpile.compile.buildlock import BuildLock
from transpile.configdefaults import config

KINDS = ("graphs", "caller", "units")
PROGRESS_DELAY = 1.0  # seconds before a build announces itself on stderr


class CompiledirFull(OSError):
    """The disk holding `config.compiledir` is full (ENOSPC while writing or building)."""


class BuildError(RuntimeError):
    """A native build failed: carries the compiler's message and the generated project's path."""

    def __init__(self, message, project_path, log):
        super().__init__(message)
        self.project_path = project_path
        self.log = log


_thread = threading.local()  # a background build's compiledir (config may change meanwhile)


def root():
    return Path(getattr(_thread, "root", None) or config.compiledir)


def set_thread_root(path):
    """Make this thread build in the compiledir `path` (a background build started there)."""
    _thread.root = path


def package_locations(name):
    """The directories of the installed package `name`, found without importing it (importing
    `cmake` lists its distribution's files, scipy_openblas32 imports importlib.metadata: tens of
    milliseconds before a first build); empty when it is not installed."""
    spec = importlib.util.find_spec(name)
    return list(spec.submodule_search_locations or []) if spec else []


@functools.lru_cache(maxsize=None)
def cmake_program():
    """The cmake of the `cmake` package: found where its wheel puts it, else as the package
    says."""
    for location in package_locations("cmake"):
        program = os.path.join(location, "data", "bin", "cmake")
        if os.access(program, os.X_OK):
            return program
    import cmake
    return os.path.join(cmake.CMAKE_BIN_DIR, "cmake")


def ninja_program():
    import ninja
    return os.path.join(ninja.BIN_DIR, "ninja")


def _program_identity(program):
    """Where a program resolves to and its size and mtime: changes when it is upgraded, and
    costs a stat (running `--version` would cost milliseconds on every warm start)."""
    path = shutil.which(program)
    if path is None:
        return f"{program} (not found)"
    real = os.path.realpath(path)
    st = os.stat(real)
    return f"{real} {st.st_size} {st.st_mtime_ns}"


def _package_version(name):
    """A package's version file, read without importing the package."""
    for location in package_locations(name):
        for candidate in ("_version.py", "__init__.py"):
            path = os.path.join(location, candidate)
            if os.path.exists(path):
                with open(path, encoding="utf-8") as f:
                    return hashlib.sha256(f.read().encode()).hexdigest()[:16]
    return "?"


@functools.lru_cache(maxsize=None)
def toolchain_fingerprint():
    """What, besides the sources, decides the binary: compilers, cmake, Python, numpy, machine."""
    import numpy
    parts = [
        "cxx " + _program_identity(os.environ.get("CXX", "c++")),
        "cc " + _program_identity(os.environ.get("CC", "cc")),
        "cmake " + _package_version("cmake"),
        "python " + sys.version,
        "numpy " + numpy.__version__,
        "machine " + platform.machine() + " " + platform.system(),
        "cpu " + _cpu_flags(),
    ]
    return "\n".join(parts)


def _cpu_flags():
    """The CPU's feature flags (builds may use -march=native)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return hashlib.sha256(line.encode()).hexdigest()[:16]
    except OSError:
        pass
    return platform.processor()


def cache_key(kind, files, cmake_args):
    h = hashlib.sha256()
    for part in (kind, toolchain_fingerprint(), *cmake_args):
        h.update(part.encode() + b"\0")
    for rel, text in files.items():
        h.update(rel.encode() + b"\0" + text.encode() + b"\0")
    return h.hexdigest()


class Entry:
    """A built cache entry."""

    def __init__(self, path, manifest):
        self.path = Path(path)
        self.manifest = manifest

    @property
    def artifact(self):
        return self.path / self.manifest["artifact"]

    @property
    def project(self):
        return self.path / "project"


def _sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_entry(path):
    """The Entry at `path` if it is complete and its artifact (a file inside the entry) matches the
    manifest, else None."""
    try:
        manifest = json.loads((Path(path) / "manifest.json").read_text())
        rel = manifest["artifact"]
        base = Path(path).resolve()
        if not isinstance(rel, str) or os.path.isabs(rel) or not (base / rel).resolve().is_relative_to(base):
            return None  # a forged or corrupted manifest: never load a library from elsewhere
        artifact = Path(path) / rel
        if artifact.stat().st_size != manifest["size"] or _sha256(artifact) != manifest["sha256"]:
            return None
        return Entry(path, manifest)
    except (OSError, ValueError, KeyError, TypeError):
        return None


class _Progress:
    """Announces a build on stderr once it has taken more than PROGRESS_DELAY seconds."""

    def __init__(self, message):
        self.message = message
        self.start = time.perf_counter()
        self.shown = False
        self.timer = threading.Timer(PROGRESS_DELAY, self._show)
        self.timer.daemon = True
        self.timer.start()

    def _show(self):
        self.shown = True
        print(f"transpile: {self.message} ...", file=sys.stderr, flush=True)

    def finish(self, ok):
        self.timer.cancel()
        if self.shown:
            print(f"transpile: {'built' if ok else 'FAILED'} in {time.perf_counter() - self.start:.1f} s",
                  file=sys.stderr, flush=True)


def _discard(path):
    """Move a bad entry aside (a loaded library inside stays valid), then delete it."""
    trash = root() / "trash" / f"{Path(path).name}-{uuid.uuid4().hex[:8]}"
    trash.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(path, trash)
    except OSError:
        return
    shutil.rmtree(trash, ignore_errors=True)


def get_or_build(kind, files, cmake_args, artifact, description, build_with=None):
    """The Entry of this project, built if needed.

    `files` ({path: text}) is the project; `cmake_args` a function of the key returning the
    configure arguments (so they may name things after the key); `artifact` a function of the
    key giving the built file's path relative to the build directory. `build_with(log, project,
    build, args, deadline) -> ok` builds it instead of `cmake_build` (graphs from their recipe,
    runtime units: see units.py)."""
    probe = cache_key(kind, files, cmake_args(""))
    entry_path = root() / kind / probe
    found = read_entry(entry_path)
    if found is not None:
        return found
    with BuildLock(str(root() / "locks" / f"{probe}.lock"), config.build_timeout, description):
        found = read_entry(entry_path)
        if found is not None:
            return found
        if entry_path.exists():
            _discard(entry_path)
        return _build(kind, probe, files, cmake_args(probe), artifact(probe), description, entry_path, build_with)


def _build(kind, key, files, args, artifact, description, entry_path, build_with=None):
    clean_stale_builds()
    work = None
    try:
        (root() / "tmp").mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f"{key[:16]}-", dir=root() / "tmp"))
        (work / "owner").write_text(f"{os.getpid()}\n")
        project, build = work / "project", work / "build"
        for rel, text in files.items():
            path = project / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return _compile(kind, key, files, work, project, build, args, artifact, description, entry_path, build_with)
    except OSError as err:
        if err.errno == errno.ENOSPC and not isinstance(err, CompiledirFull):
            raise _disk_full(description) from err
        raise
    finally:  # what did not become the entry or failed/<key> (an error, an interrupt)
        if work is not None and work.exists():
            shutil.rmtree(work, ignore_errors=True)


def _compile(kind, key, files, work, project, build, args, artifact, description, entry_path, build_with):
    progress = _Progress(f"compiling {description} ({entry_path})")
    start = time.perf_counter()
    deadline = time.monotonic() + config.build_timeout
    log = []
    ok = False
    try:
        ok = (build_with or cmake_build)(log, project, build, args, deadline)
    finally:
        progress.finish(ok)
    text = "\n".join(log)
    (work / "build.log").write_text(text, encoding="utf-8")
    if not ok:
        if "No space left on device" in text:
            raise _disk_full(description)
        failed = root() / "failed" / key
        if failed.exists():
            shutil.rmtree(failed, ignore_errors=True)
        failed.parent.mkdir(parents=True, exist_ok=True)
        os.rename(work, failed)
        raise BuildError(f"native build of {description} failed:\n{_compiler_message(text)}\n"
                         f"generated project: {failed / 'project'} (build log: {failed / 'build.log'})",
                         failed / "project", text)
    (work / "lib").mkdir()
    target = work / "lib" / Path(artifact).name
    shutil.copy2(build / artifact, target)
    shutil.rmtree(build, ignore_errors=True)
    manifest = {"key": key, "kind": kind, "description": description, "artifact": f"lib/{target.name}",
                "size": target.stat().st_size, "sha256": _sha256(target), "created": time.time(),
                "build_seconds": round(time.perf_counter() - start, 3)}
    (work / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
    entry_path.parent.mkdir(parents=True, exist_ok=True)
    os.rename(work, entry_path)
    return Entry(entry_path, manifest)


def cmake_build(log, project, build, args, deadline):
    """Configure and build `project` with CMake in `build` (commands and output to `log`)."""
    return (_run(log, _configure_command(project, build, args), deadline)
            and _run(log, [cmake_program(), "--build", str(build)], deadline))


def _configure_command(source, build, args):
    return [cmake_program(), "-S", str(source), "-B", str(build), "-G", "Ninja", f"-DCMAKE_MAKE_PROGRAM={ninja_program()}",
            "-DCMAKE_BUILD_TYPE=Release", *args]


def _disk_full(description):
    try:
        free = f"{shutil.disk_usage(root()).free / 2**20:.1f} MiB free"
    except OSError:
        free = "free space unknown"
    return CompiledirFull(errno.ENOSPC, f"no space left to build {description} in the compiledir {root()} "
                                        f"({free}); free some space, or point config.compiledir elsewhere "
                                        "(`python -m transpile cache clear` empties the cache)")


def _run(log, command, deadline=None, cwd=None):
    """Run `command` (see `_execute`), the command and its output appended to `log`; False when
    it fails or runs past `deadline`."""
    log.append("$ " + " ".join(command))
    ok, out = _execute(command, deadline, cwd)
    log.append(out)
    return ok


def _execute(command, deadline=None, cwd=None):
    """(ok, output) of `command` run in its own process group (so the compilers it starts can be
    ended with it); not ok when it fails or runs past `deadline` (time.monotonic()). The whole
    group is killed on a timeout or any interruption (KeyboardInterrupt)."""
    try:
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True, cwd=cwd)
    except OSError as err:
        if err.errno == errno.ENOSPC:
            raise
        return False, str(err)
    try:
        timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        return False, f"transpile: killed after config.build_timeout ({config.build_timeout:g} s)"
    except BaseException:
        _kill_group(proc)
        raise
    return proc.returncode == 0, out


def _kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.communicate()


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale_builds():
    """Remove the tmp/ build directories of builders that died (their `owner` pid is gone), and
    any older than `config.build_timeout` (a build that old has been killed by its own timeout)."""
    base = root() / "tmp"
    if not base.is_dir():
        return
    now = time.time()
    for work in sorted(base.iterdir()):
        try:
            owner = int((work / "owner").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            owner = None
        try:
            age = now - work.stat().st_mtime
        except OSError:
            continue
        if (owner is not None and owner != os.getpid() and not _pid_alive(owner)) or age > config.build_timeout:
            shutil.rmtree(work, ignore_errors=True)


def _compiler_message(text, limit=6000):
    """The interesting part of a failed build's output: from ninja's FAILED line (or cmake's
    error) on, else the tail."""
    lines = text.splitlines()
    for marker in ("FAILED:", "CMake Error"):
        for i, line in enumerate(lines):
            if line.startswith(marker):
                return "\n".join(lines[i:])[:limit]
    return "\n".join(lines[-40:])[-limit:]


# -- management (python -m transpile cache ...) -------------------------------------------------
def entries():
    """(kind, Entry or None for a broken one, path) for every cache entry, in sorted order."""
    found = []
    for kind in KINDS:
        base = root() / kind
        if base.is_dir():
            for path in sorted(base.iterdir()):
                found.append((kind, read_entry(path), path))
    return found


def directory_size(path):
    total = 0
    for dirpath, _, names in os.walk(path):
        for name in names:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:
                pass
    return total


def clear():
    """Remove every entry (and in-progress/failed builds). Returns the number of entries removed."""
    count = sum(1 for _ in entries())
    for sub in KINDS:
        if (root() / sub).exists():
            _discard(root() / sub)
    for sub in ("tmp", "failed", "trash", "locks", "recipes"):
        shutil.rmtree(root() / sub, ignore_errors=True)
    return count
