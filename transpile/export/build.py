"""`ExportedProject`: a written project, built out of process with the PyPI cmake and Ninja, and
its Python module imported back.

`build()` configures with the running interpreter and pybind11 (when `python=True`) and with
scipy-openblas32 when it is installed (else the project finds a system CBLAS or uses its own
kernel). The Python module gets a unique import name per build directory and project contents,
so several builds (or versions) of one project can be loaded in one process.
"""
import hashlib
import importlib.util
import subprocess
import sys
import sysconfig
from pathlib import Path

from transpile.compile.cache import BuildError, _compiler_message, cmake_program, ninja_program
from transpile.compile.native import cublas_root, openblas_cmake_dir


class ExportedProject:
    """An exported project at `path` (see `transpile.export`)."""

    def __init__(self, path, name, graph_hash, digest):
        self.path = Path(path)
        self.name = name
        self.graph_hash = graph_hash
        self.digest = digest       # sha256 of every file's path and bytes
        self.build_dir = None
        self._module = None

    def __repr__(self):
        return f"ExportedProject({str(self.path)!r}, name={self.name!r}, graph={self.graph_hash})"

    @property
    def module_name(self):
        """The import name of the module built in `build_dir`."""
        key = hashlib.sha256(f"{self.digest}\0{Path(self.build_dir).resolve()}".encode()).hexdigest()[:12]
        return f"{self.name}_{key}"

    def cmake_args(self, python=True):
        args = ["-G", "Ninja", f"-DCMAKE_MAKE_PROGRAM={ninja_program()}", "-DCMAKE_BUILD_TYPE=Release",
                f"-DTRANSPILE_PYTHON={'ON' if python else 'OFF'}"]
        if python:
            import pybind11
            args += [f"-DPython_EXECUTABLE={sys.executable}", f"-Dpybind11_DIR={pybind11.get_cmake_dir()}",
                     f"-DTRANSPILE_PYTHON_MODULE={self.module_name}"]
        openblas = openblas_cmake_dir()
        if openblas is not None:
            args.append(f"-DOpenBLAS_DIR={openblas}")
        if any(self.path.glob("src/*.cu")) and cublas_root() is not None:  # exported with target="cuda"
            args.append(f"-DTRANSPILE_CUBLAS_ROOT={cublas_root()}")
        return args

    def build(self, build_dir=None, python=True, cmake_args=(), jobs=None):
        """Configure and build (in `build_dir`, default `<path>/build`); returns the project.
        Raises `BuildError` with the compiler's message on failure."""
        self.build_dir = Path(build_dir) if build_dir is not None else self.path / "build"
        self._module = None
        configure = [cmake_program(), "-S", str(self.path), "-B", str(self.build_dir), *self.cmake_args(python),
                     *cmake_args]
        build = [cmake_program(), "--build", str(self.build_dir)] + (["--parallel", str(jobs)] if jobs else [])
        log = []
        for command in (configure, build):
            log.append("$ " + " ".join(command))
            result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            log.append(result.stdout)
            if result.returncode != 0:
                text = "\n".join(log)
                raise BuildError(f"building the exported project {self.name} failed:\n{_compiler_message(text)}\n"
                                 f"project: {self.path}, build directory: {self.build_dir}", self.path, text)
        self.built_python = python
        return self

    def _require_build(self):
        if self.build_dir is None:
            raise RuntimeError(f"{self!r} is not built yet: call .build() first")

    @property
    def runner(self):
        """Path of the built runner executable."""
        self._require_build()
        return self.build_dir / f"{self.name}_run"

    @property
    def library(self):
        self._require_build()
        return self.build_dir / f"lib{self.name}.so"

    def install(self, prefix):
        """`cmake --install` the built project into `prefix` (the C library, headers, runner and
        the CMake package); returns the prefix."""
        self._require_build()
        result = subprocess.run([cmake_program(), "--install", str(self.build_dir), "--prefix", str(prefix)],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if result.returncode != 0:
            raise BuildError(f"installing {self.name} failed:\n{result.stdout[-4000:]}", self.path, result.stdout)
        return Path(prefix)

    def load(self):
        """The built Python module (imported under its unique name, see `module_name`)."""
        self._require_build()
        if self._module is not None:
            return self._module
        if not getattr(self, "built_python", False):
            raise RuntimeError(f"{self.name} was built with python=False: build(python=True) to load it")
        name = self.module_name
        path = self.build_dir / "python" / (name + sysconfig.get_config_var("EXT_SUFFIX"))
        if name in sys.modules:
            self._module = sys.modules[name]
            return self._module
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or not path.exists():
            raise FileNotFoundError(f"the Python module of {self.name} is missing: {path}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[name] = module
        self._module = module
        return module
