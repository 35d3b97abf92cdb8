"""Theano's `OrderedUpdates`: the updates of a function (shared variable -> its new value) as a
dict that accepts only shared variables as keys and merges with `+` (a key in both must map to
the same value). Python's dicts keep insertion order, so Theano's warning about building one
from an unordered dict has no reason left.
"""
from collections import OrderedDict

from transpile.graph.shared import SharedVariable

__all__ = ["OrderedUpdates"]


class OrderedUpdates(OrderedDict):
    """{shared variable: new value}; `a + b` is the union of two (a clash is a KeyError)."""

    def __init__(self, *args, **kwargs):
        super().__init__()
        self.update(*args, **kwargs)

    def __setitem__(self, key, value):
        if not isinstance(key, SharedVariable):
            raise TypeError(f"OrderedUpdates: keys must be shared variables, got {key!r} ({type(key).__name__})")
        super().__setitem__(key, value)

    def update(self, other=(), **kwargs):
        """Add the pairs of `other` (a mapping or pairs); a key already here with another value
        is a KeyError, as in Theano."""
        if kwargs:
            raise TypeError("OrderedUpdates.update: keys are shared variables, not keyword names")
        pairs = other.items() if hasattr(other, "items") else other
        for key, value in pairs:
            if key in self and self[key] is not value:
                raise KeyError(f"OrderedUpdates: two updates of {key}: {self[key]} and {value}")
            self[key] = value

    def __add__(self, other):
        merged = OrderedUpdates(self)
        merged.update(other)
        return merged

    def __radd__(self, other):
        merged = OrderedUpdates(other)
        merged.update(self)
        return merged
