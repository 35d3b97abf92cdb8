"""The native linker: the optimized graph becomes a C++ library, built and cached out of process,
called through one C extension compiled once per machine.

    Mode(linker="native", optimizer="fast_run")   or   mode="NATIVE"

`function()` then returns a `NativeFunction`: a `Function` whose call is implemented in C (the
caller in transpile/templates/caller/), validating arguments like the reference path (anything
unusual goes through `Function._bind`, so messages are the same), passing shared variables'
values in and storing their updates, and returning numpy arrays that own the library's buffers.

Nodes of ops declared host-only (`transpile.emit.registry.HOST_ONLY`, e.g. `Print`) run with
their numpy `perform` between native segments; any other op without a lowering is an error.
"""
import ctypes
import functools
import glob
import importlib.util
import os
import shlex
import sys
import sysconfig
import threading

from transpile.compile import cache, recipe, units
from transpile.compile.cache import package_locations
from transpile.compile.cuda_device import ordinal
from transpile.compile.executor import raise_with_node
from transpile.compile.function import Function
from transpile.compile.mode import PREDEFINED, Mode, register_linker, register_linker_warm_up
from transpile.configdefaults import config
from transpile.emit import lower, sparse_abi
from transpile.emit.registry import is_host_only
from transpile.emit.render import TEMPLATES, abi_types, cmake_files, render
from transpile.emit.runtime import units as runtime_units
from transpile.gpuarray.ops import GpuFromHost, GpuOp, HostFromGpu
from transpile.graph.basic import Constant
from transpile.graph.fg import FunctionGraph
from transpile.graph.traversal import ancestors
from transpile.tensor.blas import Dot
from transpile.tensor.blas_batched import BatchedDot
from transpile.tensor.blas_tensordot import TensorDot

#: ops of a graph placed on a GPU (transpile.emit.cuda.placement)
PLACED_OPS = (GpuOp, GpuFromHost, HostFromGpu)

#: compile graph libraries for the CPU of this machine (the cache key includes its flags)
NATIVE_ARCH = True

NATIVE = Mode("native", "fast_run", name="NATIVE")
PREDEFINED["NATIVE"] = lambda: NATIVE


# -- the caller extension (once per machine) ---------------------------------------------------------
_caller = None
_caller_lock = threading.Lock()


def prefetch_caller():
    """Start making the caller extension available in the background (a first build then
    overlaps with the graph's own build)."""
    if _caller is None:
        init_sysconfig()
        threading.Thread(target=_prefetch, name="transpile-caller", daemon=True).start()


def init_sysconfig():
    """Read sysconfig's variables once on this thread, before starting threads that read them
    (the caller's, and the recipe's through `import ninja`): its first initialization is not
    thread-safe, and a thread racing it read None for a variable (seen: `import ninja` failed in
    the recipe's thread, so a cold first build learned its recipe again, after the rewriting)."""
    sysconfig.get_config_vars()


def _prefetch():
    try:
        caller_module()
    except Exception:  # noqa: BLE001  reported by the foreground call that needs the module
        pass


def caller_module():
    """The loaded caller extension, built into the cache on first use."""
    global _caller
    with _caller_lock:
        if _caller is None:
            _caller = _load_caller()
    return _caller


def _load_caller():
    """Build (or find) the caller extension in the cache and import it."""
    import numpy
    files = {
        "transpile_abi.h": abi_types(),
        "transpile_caller.c": (TEMPLATES / "caller" / "transpile_caller.c").read_text(),
    }
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    includes = [sysconfig.get_paths()["include"], numpy.get_include()]

    def module(key):
        return f"_transpile_caller_{key[:16]}"

    def args(key):  # the compile command's flags (the caller has no CMake project)
        return [*CALLER_FLAGS, f"-DTRANSPILE_CALLER_MODULE={module(key)}", *(f"-I{d}" for d in includes)]

    def build_with(log, project, build, flags, deadline):
        build.mkdir(parents=True, exist_ok=True)
        output = build / (flags[len(CALLER_FLAGS)].split("=", 1)[1] + suffix)
        source = project / "transpile_caller.c"
        return cache._run(log, [*recipe.BESIDE, *caller_compiler(), *flags, f"-I{project}", str(source),
                                "-o", str(output), "-ldl"], deadline)

    entry = cache.get_or_build("caller", files, args, lambda key: module(key) + suffix,
                               "the transpile caller extension", build_with=build_with)
    name = entry.artifact.name[: -len(suffix)]
    spec = importlib.util.spec_from_file_location(name, entry.artifact)
    module_ = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module_)
    return module_


#: how the caller is compiled: one command, as Python extensions are (a CMake configure of it
#: cost as much again as the compile, on the critical path of a first `function()`). -O1: the
#: call of a tiny graph took 0.20 us either way, and -O2 took 0.1 s longer to compile, beside
#: the first graph's compile
CALLER_FLAGS = ["-O1", "-DNDEBUG", "-fPIC", "-shared", "-fvisibility=hidden", "-fno-strict-aliasing", "-std=gnu11"]


def caller_compiler():
    """The C compiler of the caller: $CC as a command line, else `cc` (what CMake would pick)."""
    return shlex.split(os.environ.get("CC") or "cc")


_function_class = None


def native_function_class():
    """`NativeFunction`: Function with its call implemented by the caller extension."""
    global _function_class
    if _function_class is None:
        base = caller_module().FastFunction

        def __init__(self, maker, executor, output_kind, allow_downcast, name=None):
            Function.__init__(self, maker, executor, output_kind, allow_downcast, name)
            self._native_setup(executor.library, len(maker.inputs),
                               tuple(s.container for s in maker.shared_inputs), tuple(self._update_cells),
                               len(maker.outputs), output_kind == "single")

        _function_class = type("NativeFunction", (base, Function), {
            "__init__": __init__, "__module__": __name__,
            "__doc__": "A compiled function whose graph runs as native code (see transpile.compile.native)."})
    return _function_class


# -- graph libraries --------------------------------------------------------------------------------
def set_openmp_environment():
    """Idle OpenMP threads of the graph libraries spin briefly (GOMP_SPINCOUNT: a few ms, none
    when threads outnumber the cores), then sleep (PASSIVE). Waking a sleeping thread costs
    20-50 us per parallel region here (an MLP step: about 2.55 -> 2.25 ms with the spin), while
    spinning without end (ACTIVE) starves everything else on a busy machine (2-20x slower
    steps). libgomp reads these once, when the first graph library loads it; a user's wins."""
    if "OMP_WAIT_POLICY" not in os.environ:
        os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
        os.environ.setdefault("GOMP_SPINCOUNT", "100000")


def build_library(fgraph, input_names=None, output_names=None, mode=None):
    """Lower, render, build (or find in the cache) and load `fgraph`'s library (inner graphs
    of its nodes rewritten with `mode`). A graph placed on a GPU (config.device) is built
    with its CUDA kernels."""
    set_openmp_environment()
    prefetch_caller()
    target = "cuda" if any(isinstance(n.op, PLACED_OPS) for n in fgraph.toposort()) else "cpp"
    program = lower(fgraph, input_names, output_names, mode=mode, target=target)
    if target == "cuda":
        program.device_ordinal = ordinal(config.device) if config.device != "cpu" else 0
    project = render(program)
    entry = cache.get_or_build("graphs", project.files, lambda key: _cmake_args(program), lambda key: f"lib{project.name}.so",
                               f"graph {project.graph_hash} ({len(program.node_labels)} nodes)",
                               build_with=units.graph_builder(project.files, program.kernels))
    library = caller_module().Library(str(entry.artifact), project.name)
    if program.sparse_inputs or program.sparse_outputs:
        library = SparseLibrary(library, program.sparse_inputs, program.sparse_outputs)
    return library, entry


class SparseLibrary:
    """A graph library with sparse inputs or outputs: its C ABI carries each sparse value as
    four dense parts (`transpile.emit.sparse_abi`); `run` splits and reassembles them."""

    def __init__(self, library, inputs, outputs):
        self.library, self.inputs, self.outputs = library, inputs, outputs

    def run(self, values):
        return sparse_abi.join(self.library.run(sparse_abi.split(values, self.inputs)), self.outputs)


def _cmake_args(program):
    args = _cpu_cmake_args(program.features)
    if program.target == "cuda":
        args += cuda_cmake_args(program, architectures=config.cuda_architectures)
    return args


def _cpu_cmake_args(features):
    args = [f"-DTRANSPILE_OPENMP={'ON' if config.openmp == 'True' else 'OFF'}",
            f"-DTRANSPILE_NATIVE_ARCH={'ON' if NATIVE_ARCH else 'OFF'}",
            "-DTRANSPILE_FAST_LINKER=ON"]  # a library only this process loads: link time is what counts
    if "blas" in features:
        args.append(_blas_arg())
    if config.cxxflags:  # CMake passes CMAKE_CXX_FLAGS to the compile and the link steps
        args.append(f"-DCMAKE_CXX_FLAGS={config.cxxflags}")
    return args


_warmed = set()  # the compiledirs warm_up started learning a recipe in
#: ops that lower to matrix products (a graph with one needs the build recipe with a BLAS)
PRODUCT_OPS = (Dot, BatchedDot, TensorDot)


@register_linker_warm_up("native")
def warm_up(outputs):
    """Before the graph of `outputs` is rewritten, start what its first build and calls wait
    for: for a CPU graph with matrix products, learning the build recipe of such graphs (its
    CMake configure then runs beside the rewriting) and loading the CBLAS; then loading (or
    building) the caller extension. Cheap when all exist; a graph of another kind learns its
    own recipe when it is built. The recipe first: its configure is the first step of the
    build, the caller is needed only after it."""
    init_sysconfig()
    try:
        if config.device == "cpu" and any(v.owner is not None and isinstance(v.owner.op, PRODUCT_OPS)
                                          for v in ancestors(outputs)):
            _learn_product_recipe()
            if config.blas != "builtin":
                load_cblas()
    finally:
        prefetch_caller()


def _learn_product_recipe():
    if str(cache.root()) in _warmed:
        return
    _warmed.add(str(cache.root()))
    name, features = "tg_recipe", {"blas"}
    files = {**cmake_files(name, "", features, unit_files=runtime_units([], blas=True)), f"src/{name}.cpp": ""}
    units.learn_recipe_ahead(files, _cpu_cmake_args(features))


@functools.lru_cache(maxsize=None)
def load_cblas():
    """Load scipy-openblas32's library now, the one a graph with products links (None without
    it). OpenBLAS starts its thread pool when it loads, and the pool spins for about 0.1 s before
    it sleeps; loaded with the graph's library, it took a core from the first calls (an MLP
    step's first six took 13-23 ms each, then 2 ms). Loaded here, it spins while the graph is
    rewritten and built."""
    lib = openblas_lib_dir()
    names = {"linux": "libscipy_openblas.so", "darwin": "libscipy_openblas.dylib"}
    path = os.path.join(lib, names.get(sys.platform, "")) if lib is not None else ""
    return ctypes.CDLL(path) if os.path.isfile(path) else None


def cuda_cmake_args(program, architectures):
    """A CUDA project's arguments: the GPU architectures (`native`: those of this machine's
    GPUs) and where cuBLAS is (the nvidia-cublas package), when the program uses it."""
    args = [f"-DCMAKE_CUDA_ARCHITECTURES={architectures}"]
    if "cublas" in program.features:
        root = cublas_root()
        if root is not None:
            args.append(f"-DTRANSPILE_CUBLAS_ROOT={root}")
    return args


def cublas_root():
    """The directory holding cuBLAS's include/ and lib/ in the nvidia-cublas package (None when
    it is not installed: CMake then looks in the CUDA toolkit)."""
    for site in sys.path:
        for lib in sorted(glob.glob(os.path.join(site, "nvidia", "*", "lib", "libcublas.so*"))):
            return os.path.dirname(os.path.dirname(lib))
    return None


def _blas_arg():
    """Where scipy-openblas32 keeps its OpenBLASConfig.cmake, if installed (else, or with
    `config.blas == "builtin"`, no CBLAS: the generated code uses its own kernel)."""
    if config.blas == "builtin":
        return "-DTRANSPILE_BLAS=OFF"
    found = openblas_cmake_dir()
    return "-DTRANSPILE_BLAS=OFF" if found is None else f"-DOpenBLAS_DIR={found}"


@functools.lru_cache(maxsize=None)
def openblas_lib_dir():
    """scipy-openblas32's lib/ (its library and lib/cmake/openblas/OpenBLASConfig.cmake), None
    when it is not installed: beside the package when it is where get_lib_dir() puts it, found
    without importing the package."""
    for location in package_locations("scipy_openblas32"):
        lib = os.path.join(location, "lib")
        if os.path.isfile(os.path.join(lib, "cmake", "openblas", "OpenBLASConfig.cmake")):
            return lib
    try:
        import scipy_openblas32
    except ImportError:
        return None
    return scipy_openblas32.get_lib_dir()


def openblas_cmake_dir():
    """The directory of scipy-openblas32's OpenBLASConfig.cmake (None when it is not installed)."""
    lib = openblas_lib_dir()
    return None if lib is None else os.path.join(lib, "cmake", "openblas")


class NativeExecutor:
    """The whole graph as one library: `executor(values) -> outputs` (strict dtypes)."""

    def __init__(self, fgraph, library, entry):
        self.fgraph, self.library, self.entry = fgraph, library, entry

    @property
    def function_class(self):
        # the C caller passes dense arrays only: sparse values go through Function's Python call
        return Function if isinstance(self.library, SparseLibrary) else native_function_class()

    def __call__(self, values):
        return self.library.run(values)


class SegmentedExecutor:
    """Native segments and host-only nodes in toposort order. A host node whose op owns inner
    graphs (OpFromGraph, ifelse, when one holds a host-only op) has them compiled with this executor's `mode` now
    (`op.prepare_host(mode)`) and runs them through `op.run_host(node, inputs, output_storage,
    mode)`."""

    def __init__(self, fgraph, mode=None):
        self.fgraph = fgraph
        self.mode = NATIVE if mode is None else mode
        order = fgraph.toposort()
        later_uses = _later_uses(fgraph, order)
        self.plan, segment = [], []
        for position, node in enumerate(order + [None]):
            if node is not None and not is_host_only(node.op):
                segment.append((position, node))
                continue
            if segment:
                self.plan.append(("native", *_segment(segment, later_uses, self.mode)))
                segment = []
            if node is not None:
                self.plan.append(("host", node))
                prepare = getattr(node.op, "prepare_host", None)
                if prepare is not None:
                    prepare(self.mode)

    def __call__(self, values):
        env = {id(v): x for v, x in zip(self.fgraph.inputs, values)}

        def value(var):
            return var.data if isinstance(var, Constant) else env[id(var)]

        for item in self.plan:
            if item[0] == "host":
                node = item[1]
                inputs = [value(v) for v in node.inputs]
                storage = [[None] for _ in node.outputs]
                run_host = getattr(node.op, "run_host", None)
                try:
                    if run_host is not None:
                        run_host(node, inputs, storage, self.mode)
                    else:
                        node.op.perform(node, inputs, storage)
                except Exception as err:
                    raise_with_node(err, node, inputs)
                for var, cell in zip(node.outputs, storage):
                    env[id(var)] = cell[0]
            else:
                _, library, ins, outs = item
                for var, result in zip(outs, library.run([value(v) for v in ins])):
                    env[id(var)] = result
        return [value(v) for v in self.fgraph.outputs]


def _later_uses(fgraph, order):
    """id(var) -> position of the last node reading it (len(order) for graph outputs)."""
    last = {}
    for position, node in enumerate(order):
        for v in node.inputs:
            last[id(v)] = position
    for v in fgraph.outputs:
        last[id(v)] = len(order)
    return last


def _segment(members, later_uses, mode):
    """(library, input vars, output vars) of consecutive native nodes."""
    produced, inputs, outputs = set(), [], []
    end = members[-1][0]
    for _, node in members:
        for v in node.inputs:
            if id(v) not in produced and not isinstance(v, Constant) and all(v is not i for i in inputs):
                inputs.append(v)
        produced.update(id(o) for o in node.outputs)
        outputs.extend(o for o in node.outputs if later_uses.get(id(o), -1) > end)
    library, _ = build_library(FunctionGraph(inputs, outputs), mode=mode)
    return library, inputs, outputs


@register_linker("native")
def make_native_executor(fgraph, mode):
    if any(is_host_only(node.op) for node in fgraph.toposort()):
        return SegmentedExecutor(fgraph, mode)
    names = [v.name or f"input{k}" for k, v in enumerate(fgraph.inputs)]
    library, entry = build_library(fgraph, names, mode=mode)
    return NativeExecutor(fgraph, library, entry)
