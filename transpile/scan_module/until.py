"""`until(condition)`: returned by a scan step to stop the loop after the step where the
condition holds (a `while` loop); the outputs then have as many entries as steps ran."""
from transpile.tensor.basic import as_tensor_variable

__all__ = ["until"]


class until:
    """Wraps the stopping condition (a 0-d tensor) a step function returns next to its outputs."""

    def __init__(self, condition):
        condition = as_tensor_variable(condition)
        if condition.ndim != 0:
            raise TypeError(f"until: the condition must be a scalar (0-d tensor), got {condition} of type "
                            f"{condition.type}")
        self.condition = condition
