"""Functions of a module imported at their first call.

`import scipy.special` and `import scipy.linalg` cost about 0.3 s each here, together more than
half of `import transpile`, and only graphs evaluated in Python (the reference executor, constant
folding) call their functions: native code has its own. `lazy_module("scipy.special").erf` is a
`LazyFunction` that looks the real function up at each call (a dictionary lookup once loaded), so
it can be bound at import time (`fn = staticmethod(sp.erf)`) without importing scipy.
"""
import importlib


class LazyFunction:
    """`module.name`, imported when first called."""

    def __init__(self, module, name):
        self.module, self.__name__ = module, name

    def __call__(self, *args, **kwargs):
        return getattr(importlib.import_module(self.module), self.__name__)(*args, **kwargs)

    def __repr__(self):
        return f"{self.module}.{self.__name__}"

    def __reduce__(self):
        return LazyFunction, (self.module, self.__name__)


class LazyModule:
    """The functions of the module `name`, as LazyFunctions."""

    def __init__(self, name):
        self.__name__ = name

    def __getattr__(self, attr):
        if attr.startswith("_"):
            raise AttributeError(attr)
        return LazyFunction(self.__name__, attr)


def lazy_module(name):
    return LazyModule(name)
