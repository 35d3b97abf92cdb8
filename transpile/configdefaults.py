"""`transpile.config`: a few typed flags, read once from TRANSPILE_FLAGS at import.

Every flag has a closed set of values or a validator, so a typo in TRANSPILE_FLAGS is an error
at import rather than a silently ignored setting.
"""
import os
from contextlib import contextmanager

MODES = ("FAST_RUN", "FAST_COMPILE", "DEBUG_MODE", "DebugMode", "Mode")
#: Theano's linker names (see transpile.compile.mode.LINKER_ALIASES) and ours
LINKER_NAMES = ("cvm", "vm", "c", "c|py", "py", "cvm_nogc", "vm_nogc", "c|py_nogc", "native")
OPTIMIZER_NAMES = ("fast_run", "fast_compile", "merge", "None")
#: Theano versions whose known bugs `warn.*` flags warned about (transpile never had those bugs)
BUG_VERSIONS = ("None", "all", "0.3", "0.4", "0.4.1", "0.5", "0.6", "0.7", "0.8", "0.8.1", "0.8.2", "0.9", "0.10",
                "1.0", "1.0.1", "1.0.2", "1.0.3", "1.0.4", "1.0.5")


def _choice(*allowed):
    def check(value):
        if value not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}, got {value!r}")
        return value
    return check


def _device(value):
    """cpu, or a GPU: cuda, cudaN, and Theano's gpu, gpuN (read as cuda, cudaN)."""
    value = str(value)
    name = "cuda" + value[3:] if value.startswith("gpu") else value
    if name == "cpu" or (name.startswith("cuda") and (name[4:] == "" or name[4:].isdigit())):
        return name
    raise ValueError(f"expected cpu, cuda or cudaN (gpu and gpuN are read as cuda), got {value!r}")


def _bool(value):
    text = str(value)
    if text in ("True", "true", "1"):
        return True
    if text in ("False", "false", "0"):
        return False
    raise ValueError(f"expected True or False, got {value!r}")


def _path(value):
    return os.path.abspath(os.path.expanduser(str(value)))


def _text(value):
    return str(value).strip()


def _positive_seconds(value):
    seconds = float(value)
    if not seconds > 0:
        raise ValueError(f"expected a positive number of seconds, got {value!r}")
    return seconds


def _csv(value):
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return tuple(v for v in str(value).replace(":", ",").split(",") if v)


_FLAGS = {
    # name: (default, validator, doc)
    "floatX": ("float64", _choice("float64", "float32"), "dtype of T.scalar/vector/... and of python floats"),
    "mode": ("FAST_RUN", _choice(*MODES), "default compilation mode of function()"),
    "device": ("cpu", _device, "where compiled functions run (cuda: see transpile.compile.cuda_device)"),
    "compiledir": (os.path.join("~", ".cache", "transpile"), _path, "root of the build cache"),
    "compute_test_value": ("off", _choice("off", "raise", "warn"), "evaluate tag.test_value as graphs are built"),
    "optimizer_excluding": ((), _csv, "rewrite names or tags to skip"),
    "optimizer_including": ((), _csv, "rewrite names or tags to add"),
    "openmp": ("True", _choice("True", "False"), "let native code use OpenMP threads"),
    "linker": ("cvm", _choice(*LINKER_NAMES), "linker of mode 'Mode' (Theano names: py = numpy reference, "
               "the C/VM names = native)"),
    "optimizer": ("fast_run", _choice(*OPTIMIZER_NAMES), "rewrites of mode 'Mode': fast_run, fast_compile, "
                  "merge or None"),
    "print_test_value": (False, _bool, "repr() of a variable with a test value shows that value"),
    "exception_verbosity": ("low", _choice("low", "high"), "'high': errors raised while running a node "
                            "in Python (reference executor, host nodes) also print its graph (debugprint)"),
    "cxxflags": ("", _text, "extra compiler and linker flags of native builds, space-separated "
                 "(e.g. -fsanitize=undefined); part of the cache key"),
    "blas": ("auto", _choice("auto", "builtin"), "matrix products: a CBLAS when one is found (auto), "
             "or always the generated code's own kernel (builtin, for tests)"),
    "cuda_architectures": ("native", _text, "GPU architectures the kernels of device=cuda functions are "
                           "compiled for (CMAKE_CUDA_ARCHITECTURES: native = this machine's GPUs, or e.g. 80;90)"),
    "build_timeout": (600.0, _positive_seconds, "seconds a native build, or the wait for another "
                      "process building the same graph, may take before it fails"),
}

# Theano's warn.* flags, accepted so that existing THEANO_FLAGS keep working: they named bugs of
# old Theano versions, which transpile never had, so they change nothing.
_WARN_DOC = "accepted for Theano compatibility; transpile has no such historical bug, so no effect"
_FLAGS["warn.ignore_bug_before"] = ("0.9", _choice(*BUG_VERSIONS), _WARN_DOC)
for _name in ("argmax_pushdown_bug", "gpusum_01_011_0111_bug", "sum_sum_bug", "sum_div_dimshuffle_bug",
              "subtensor_merge_bug", "gpu_set_subtensor1", "vm_gc_bug", "signal_conv2d_interface", "reduce_join",
              "inc_set_subtensor1", "round", "identify_1pexp_bug"):
    _FLAGS[f"warn.{_name}"] = (True, _bool, _WARN_DOC)


def flag_name(name):
    """Canonical flag name: Theano's dotted `warn.x` or PyTensor's `warn__x` both name `warn.x`."""
    return name.replace("__", ".")


class _Section:
    """`config.warn`: attribute access to the flags under `warn.`, as Theano had it."""

    def __init__(self, config, prefix):
        object.__setattr__(self, "_config", config)
        object.__setattr__(self, "_prefix", prefix)

    def __getattr__(self, name):
        return getattr(self._config, f"{self._prefix}.{name}")

    def __setattr__(self, name, value):
        setattr(self._config, f"{self._prefix}.{name}", value)


class Config:
    """Attribute access to the flags; assignment is validated like TRANSPILE_FLAGS."""

    def __init__(self):
        object.__setattr__(self, "_values", {})
        for name, (default, check, _doc) in _FLAGS.items():
            self._values[name] = check(default)

    def __getattr__(self, name):
        key = flag_name(name)
        try:
            return self._values[key]
        except KeyError:
            if any(k.startswith(key + ".") for k in _FLAGS):
                return _Section(self, key)
            raise AttributeError(f"transpile.config has no flag {name!r}") from None

    def __setattr__(self, name, value):
        name = flag_name(name)
        if name not in _FLAGS:
            raise AttributeError(f"transpile.config has no flag {name!r}; known: {', '.join(sorted(_FLAGS))}")
        try:
            self._values[name] = _FLAGS[name][1](value)
        except ValueError as err:
            raise ValueError(f"bad value for config.{name}: {err}") from None

    @contextmanager
    def change_flags(self, **flags):
        """Temporarily set flags (for tests and `with` blocks)."""
        old = {k: getattr(self, k) for k in flags}
        try:
            for k, v in flags.items():
                setattr(self, k, v)
            yield self
        finally:
            for k, v in old.items():
                setattr(self, k, v)

    def describe(self):
        return "\n".join(f"{k} = {self._values[k]!r}  # {_FLAGS[k][2]}" for k in _FLAGS)


def parse_flags(text):
    """Parse "a=b,c=d" into pairs; a malformed item is an error."""
    pairs = []
    for item in (text or "").split(","):
        item = item.strip()
        if not item:
            continue
        if "=" not in item:
            raise ValueError(f"TRANSPILE_FLAGS item {item!r} is not of the form name=value")
        key, value = item.split("=", 1)
        pairs.append((flag_name(key.strip()), value.strip()))
    return pairs


def make_config(environ=os.environ):
    config = Config()
    for key, value in parse_flags(environ.get("TRANSPILE_FLAGS", "")):
        if key not in _FLAGS:
            raise ValueError(f"TRANSPILE_FLAGS: unknown flag {key!r}; known flags: {', '.join(sorted(_FLAGS))}")
        try:
            setattr(config, key, value)
        except ValueError as err:
            raise ValueError(f"TRANSPILE_FLAGS: {err}") from None
    return config


config = make_config()
