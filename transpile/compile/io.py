"""`In` and `Out`: Theano's descriptions of a compiled function's inputs and outputs.

    f = function([x, In(y, value=1.0), In(s, value=0.0, update=s + x)], ...)
    f(2.0)          # y defaults to 1.0; s starts at 0.0 and becomes s + x after each call
    f(2.0, y=3.0)   # keyword arguments use the input's name (In's `name`, else the variable's)

An `In` with a `value` makes its argument optional; its current value lives in a
`ValueContainer` (`f[name]` reads or sets it, as in Theano). With an `update`, the function
stores the update expression's value there after each call (state kept by the function rather
than by a shared variable). `mutable` and `borrow` (and `Out.borrow`) are permissions in
Theano: the function may destroy / keep / return the given storage. transpile never writes into
its arguments and always returns arrays the caller owns, so they are accepted and change
nothing.
"""
from transpile.graph.basic import Variable


class ValueContainer:
    """The current value of an optional input (`.value`, like a shared variable's container)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __repr__(self):
        return f"ValueContainer({self.value!r})"


class In:
    """A function input with an optional name, default `value`, and `update` expression."""

    def __init__(self, variable, name=None, value=None, update=None, mutable=False, borrow=False,
                 strict=False, allow_downcast=None):
        if not isinstance(variable, Variable):
            raise TypeError(f"In: variable must be a symbolic variable, got {type(variable).__name__}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"In: name must be a string, got {type(name).__name__}")
        if update is not None:
            if value is None:
                raise ValueError(f"In({variable}): an input with an update needs an initial value (value=...)")
            if not isinstance(update, Variable):
                raise TypeError(f"In({variable}): update must be a symbolic expression, got {type(update).__name__}")
        self.variable = variable
        self.name = name if name is not None else variable.name
        self.value = value
        self.update = update
        self.mutable = bool(mutable)
        self.borrow = bool(borrow)
        self.strict = bool(strict)
        self.allow_downcast = allow_downcast

    @property
    def optional(self):
        return self.value is not None

    def __repr__(self):
        return f"In({self.variable}, name={self.name!r}, value={self.value!r})"


class Out:
    """A function output; `borrow=True` lets the function return internal storage (a
    permission: transpile returns fresh arrays either way)."""

    def __init__(self, variable, borrow=False):
        if not isinstance(variable, Variable):
            raise TypeError(f"Out: variable must be a symbolic variable, got {type(variable).__name__}")
        self.variable = variable
        self.borrow = bool(borrow)

    def __repr__(self):
        return f"Out({self.variable}, borrow={self.borrow})"


def as_in(item, position):
    """`item` (a variable or an In) as an In."""
    if isinstance(item, In):
        return item
    if isinstance(item, Out):
        raise TypeError(f"input {position} of function is an Out; use In (or a plain variable) for inputs")
    if not isinstance(item, Variable):
        raise TypeError(f"input {position} of function is not a symbolic variable: {item!r}")
    return In(item)


def as_output_variable(item):
    """The variable of an output given as a variable or an Out."""
    return item.variable if isinstance(item, Out) else item


def default_containers(specs, filter_value):
    """A ValueContainer per optional In holding its filtered default (None for required
    inputs): each compiled function gets its own, so two functions made from one In do not
    share state."""
    return [ValueContainer(filter_value(i, spec.value)) if spec.optional else None for i, spec in enumerate(specs)]

