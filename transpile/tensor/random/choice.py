"""The weights of a sample without replacement (`RandomStreams.choice(replace=False, p=p)`).

`CheckChoiceWeights` passes p through after numpy's checks (`Generator.choice`): p has one
entry per element of `a`, is non-negative, sums to 1 (within `sampling.CATEGORICAL_TOL`) and has
at least as many non-zero entries as samples are taken. A failed check is a ValueError from
`perform` and a "value" status natively (emit/cpp/rules/random_choice.py), so the sample graph
built on the checked p (exponential keys E_i / p_i, see `RandomStreams.choice`) never sees bad
weights.
"""
import numpy as np

from transpile.graph.basic import Apply
from transpile.graph.op import Op
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.math import cast
from transpile.tensor.random.sampling import CATEGORICAL_TOL

__all__ = ["CheckChoiceWeights", "check_choice_weights", "choice_weights_error"]


def choice_weights_error(p, n, count):
    """The message of the first of numpy's checks that weights `p` (a float64 vector) fail for a
    sample of `count` of `n` elements, or None."""
    p = np.asarray(p, dtype=np.float64)
    if p.shape[0] != n:
        return f"choice: p must have one entry per element of a: a has {n} elements, p has {p.shape[0]}"
    if not np.all(p >= 0):
        return "choice: p must be non-negative"
    total = np.cumsum(p)[-1] if p.shape[0] else 0.0  # summed in order, as the native check
    if not abs(total - 1.0) <= CATEGORICAL_TOL:
        return f"choice: p must sum to 1 (within {CATEGORICAL_TOL:g}), got {total:.17g}"
    nonzero = int(np.count_nonzero(p))
    if count > nonzero:
        return f"choice: fewer non-zero entries in p than size ({nonzero} non-zero, {count} samples)"
    return None


class CheckChoiceWeights(Op):
    """(p, n, count) -> p, after checking p as weights of `count` samples without replacement
    from `n` elements; p is a float64 vector, n and count int64 scalars."""

    __props__ = ()
    view_map = {0: [0]}

    def make_node(self, p, n, count):
        p = as_tensor_variable(p)
        if p.ndim != 1 or p.dtype != "float64":
            raise TypeError(f"{self}: p must be a float64 vector, got {p.type}")
        n, count = (as_tensor_variable(v) for v in (n, count))
        for name, v in (("n", n), ("count", count)):
            if v.ndim != 0 or not v.dtype.startswith(("int", "uint")):
                raise TypeError(f"{self}: {name} must be an integer scalar, got {v.type}")
        return Apply(self, [p, cast(n, "int64"), cast(count, "int64")], [p.type()])

    def perform(self, node, inputs, output_storage):
        p, n, count = inputs
        message = choice_weights_error(p, int(n), int(count))
        if message is not None:
            raise ValueError(f"{self}: {message}")
        output_storage[0][0] = p

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def __str__(self):
        return "CheckChoiceWeights"


def check_choice_weights(p, n, count):
    """p (cast to float64) checked as the weights of `count` samples without replacement from
    `n` elements (see `CheckChoiceWeights`)."""
    return CheckChoiceWeights()(cast(as_tensor_variable(p), "float64"), n, count)

