"""Compilation modes: which rewrites run (by tag) and which linker turns the graph into a callable.

Linkers are registered by name: "py" is the numpy reference executor; the native backend
registers "native". A linker is `make(fgraph, mode) -> callable(list of input values) -> list
of output values`.
"""
from transpile.compile.executor import PerformExecutor
from transpile.configdefaults import config
from transpile.graph.rewriting import rewrite_graph

LINKERS = {}
#: linker name -> a function starting, in the background, what its first build will wait for
LINKER_WARM_UPS = {}


def register_linker(name):
    def register(make):
        LINKERS[name] = make
        return make
    return register


def register_linker_warm_up(name):
    def register(warm_up):
        LINKER_WARM_UPS[name] = warm_up
        return warm_up
    return register


def warm_up_linker(name, outputs):
    """Start the linker's preparations for the graph of `outputs` (native: its caller extension
    and build recipe) while the graph is rewritten: called by `function()` before optimizing."""
    warm_up = LINKER_WARM_UPS.get(name)
    if warm_up is not None:
        warm_up(outputs)


@register_linker("py")
def make_perform_executor(fgraph, mode):
    return PerformExecutor(fgraph)


#: Theano's linker names -> ours. 'py' ran each op's Python `perform`: our numpy reference
#: executor. The C and VM linkers ran compiled C code, falling back to Python for ops without
#: C code: our native linker (which runs host-only ops in Python between native segments).
#: The `_nogc` variants only changed when intermediates were freed.
LINKER_ALIASES = {"py": "py", "c": "native", "c|py": "native", "cvm": "native", "vm": "native",
                  "c|py_nogc": "native", "cvm_nogc": "native", "vm_nogc": "native"}

OPTIMIZERS = {
    None: (),
    "None": (),
    "merge": ("merge",),
    "fast_compile": ("fast_compile",),
    "fast_run": ("fast_run",),
}


class Mode:
    """`linker`: "py" (numpy reference), "native", or a Theano linker name (LINKER_ALIASES);
    None takes `config.linker`. `optimizer`: "fast_run", "fast_compile", "merge" or None (no
    rewrites); "default" takes `config.optimizer`."""

    def __init__(self, linker="py", optimizer="fast_run", including=(), excluding=(), name=None):
        if linker is None:
            linker = config.linker
        if optimizer == "default":
            optimizer = config.optimizer
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {optimizer!r}; known: {', '.join(map(str, OPTIMIZERS))}")
        if not isinstance(linker, str):
            raise TypeError(f"Mode: linker must be a linker name, got {type(linker).__name__}")
        self.linker = LINKER_ALIASES.get(linker, linker)
        self.optimizer = optimizer
        self.include = tuple(including)
        self.exclude = tuple(excluding)
        self.name = name or f"Mode(linker={linker}, optimizer={optimizer})"

    def _copy(self, **changes):
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.__dict__.update(changes)
        return new

    def including(self, *tags):
        return self._copy(include=self.include + tags)

    def excluding(self, *tags):
        return self._copy(exclude=self.exclude + tags)

    def optimize(self, fgraph):
        tags = OPTIMIZERS[self.optimizer] + self.include
        return rewrite_graph(fgraph, tags, self.exclude)

    def make_executor(self, fgraph):
        try:
            make = LINKERS[self.linker]
        except KeyError:
            raise ValueError(f"unknown linker {self.linker!r}; known: {', '.join(LINKERS)}") from None
        return make(fgraph, self)

    def __str__(self):
        return self.name


FAST_COMPILE = Mode("py", "fast_compile", name="FAST_COMPILE")
FAST_RUN = Mode("native", "fast_run", name="FAST_RUN")


def _debug_mode():
    from transpile.compile.debugmode import DebugMode  # imports this module
    return DebugMode()


def _configured_mode():
    return Mode(config.linker, config.optimizer, name=f"Mode(linker={config.linker}, optimizer={config.optimizer})")


PREDEFINED = {"FAST_COMPILE": lambda: FAST_COMPILE, "FAST_RUN": lambda: FAST_RUN, "DEBUG_MODE": _debug_mode,
              "DebugMode": _debug_mode, "Mode": _configured_mode}


def get_mode(mode):
    """A Mode from None (config.mode), a name ("FAST_RUN", ...) or a Mode."""
    if mode is None:
        mode = config.mode
    if isinstance(mode, Mode):
        return mode
    if isinstance(mode, str):
        try:
            return PREDEFINED[mode]()
        except KeyError:
            raise ValueError(f"unknown mode {mode!r}; known: {', '.join(PREDEFINED)}") from None
    raise TypeError(f"mode must be a name or a Mode, got {type(mode).__name__}")


def get_default_mode():
    """The Mode `function()` uses when given none (`config.mode`)."""
    return get_mode(None)
