"""Compilation modes: which rewrites run (by tag) and which linker turns the graph into a callable.

Linkers are registered by name: "py" is the numpy reference executor; the native backend
registers "native". A linker is `make(fgraph, mode) -> callable(list of input values) -> list
of output values`.
"""
from transpile.compile.executor import PerformExecutor
from transpile.configdefaults import config
from transpile.graph.rewriting import rewrite_graph

LINKERS = {}


def register_linker(name):
    def register(make):
        LINKERS[name] = make
        return make
    return register


@register_linker("py")
def make_perform_executor(fgraph, mode):
    return PerformExecutor(fgraph)


OPTIMIZERS = {
    None: (),
    "None": (),
    "merge": ("merge",),
    "fast_compile": ("fast_compile",),
    "fast_run": ("fast_run",),
}


class Mode:
    def __init__(self, linker="py", optimizer="fast_run", including=(), excluding=(), name=None):
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {optimizer!r}; known: {', '.join(map(str, OPTIMIZERS))}")
        self.linker = linker
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


PREDEFINED = {"FAST_COMPILE": lambda: FAST_COMPILE, "FAST_RUN": lambda: FAST_RUN, "DEBUG_MODE": _debug_mode}


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
