"""Theano's `theano.compat.python2x` (`from theano.compat.python2x import OrderedDict`, as the
seed's slides write it): Python 2.4-2.7 backports, on Python 3 the standard library's own."""
from collections import Counter, OrderedDict, defaultdict, deque
from functools import partial
from itertools import product


class DefaultOrderedDict(OrderedDict):
    """An OrderedDict that fills a missing key with `default_factory()`, as defaultdict does."""

    def __init__(self, default_factory=None, *args, **kwargs):
        if default_factory is not None and not callable(default_factory):
            raise TypeError(f"DefaultOrderedDict: default_factory must be callable or None, got {default_factory!r}")
        super().__init__(*args, **kwargs)
        self.default_factory = default_factory

    def __missing__(self, key):
        if self.default_factory is None:
            raise KeyError(key)
        self[key] = value = self.default_factory()
        return value

    def __reduce__(self):
        return type(self), (self.default_factory,), None, None, iter(self.items())

    def copy(self):
        return type(self)(self.default_factory, self)

    def __repr__(self):
        return f"{type(self).__name__}({self.default_factory!r}, {list(self.items())!r})"


any, all = any, all  # noqa: A001  (Python 2.4 lacked them)

__all__ = ["OrderedDict", "DefaultOrderedDict", "Counter", "defaultdict", "deque", "partial", "product", "any", "all"]
