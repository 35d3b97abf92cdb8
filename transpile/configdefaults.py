"""`transpile.config`: a few typed flags, read once from TRANSPILE_FLAGS at import.

Every flag has a closed set of values or a validator, so a typo in TRANSPILE_FLAGS is an error
at import rather than a silently ignored setting.
"""
import os
from contextlib import contextmanager

MODES = ("FAST_RUN", "FAST_COMPILE", "DEBUG_MODE")


def _choice(*allowed):
    def check(value):
        if value not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}, got {value!r}")
        return value
    return check


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
    "device": ("cpu", _choice("cpu", "cuda"), "where compiled functions run"),
    "compiledir": (os.path.join("~", ".cache", "transpile"), _path, "root of the build cache"),
    "compute_test_value": ("off", _choice("off", "raise", "warn"), "evaluate tag.test_value as graphs are built"),
    "optimizer_excluding": ((), _csv, "rewrite names or tags to skip"),
    "optimizer_including": ((), _csv, "rewrite names or tags to add"),
    "openmp": ("True", _choice("True", "False"), "let native code use OpenMP threads"),
    "cxxflags": ("", _text, "extra compiler and linker flags of native builds, space-separated "
                 "(e.g. -fsanitize=undefined); part of the cache key"),
    "blas": ("auto", _choice("auto", "builtin"), "matrix products: a CBLAS when one is found (auto), "
             "or always the generated code's own kernel (builtin, for tests)"),
    "build_timeout": (600.0, _positive_seconds, "seconds a native build, or the wait for another "
                      "process building the same graph, may take before it fails"),
}


class Config:
    """Attribute access to the flags; assignment is validated like TRANSPILE_FLAGS."""

    def __init__(self):
        object.__setattr__(self, "_values", {})
        for name, (default, check, _doc) in _FLAGS.items():
            self._values[name] = check(default)

    def __getattr__(self, name):
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"transpile.config has no flag {name!r}") from None

    def __setattr__(self, name, value):
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
        pairs.append((key.strip(), value.strip()))
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
