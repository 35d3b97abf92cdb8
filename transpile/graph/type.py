"""`Type`: the static description of the values a variable may hold."""


class Type:
    #: class of the variables made by calling the type
    variable_type = None
    constant_type = None

    def filter(self, value, strict=False, allow_downcast=None):
        """Return `value` as a valid value of this type, or raise TypeError saying why."""
        raise NotImplementedError

    def is_valid_value(self, value):
        try:
            self.filter(value, strict=True)
            return True
        except (TypeError, ValueError):
            return False

    def make_variable(self, name=None):
        return self.variable_type(self, None, None, name)

    def __call__(self, name=None):
        return self.make_variable(name)

    def convert_variable(self, var):
        """`var` as a variable of this type if it can stand in for one (else None)."""
        return var if var.type == self else None

    def values_eq(self, a, b):
        return a == b

    def values_eq_approx(self, a, b):
        return self.values_eq(a, b)

    def value_signature(self, value):
        """Hashable key for a constant value of this type."""
        return value

    def constant_str(self, value):
        return f"Constant{{{value}}}"
