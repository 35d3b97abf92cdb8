"""T.pad (transpile/tensor/pad.py) against numpy.pad: every mode, pads longer than the axis,
per-axis widths and values, int and float dtypes, symbolic lengths; gradients; errors."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile.gradient import verify_grad
from tests.tensor.extra_ops_helpers import check_table, random_array

#: (input shape, pad_width, mode, keyword arguments)
CASES = [
    ((3,), 2, "constant", {}), ((3, 4), ((1, 2), (3, 0)), "constant", {"constant_values": ((1, 2), (3, 4))}),
    ((3, 4), (2, 1), "constant", {"constant_values": -7}), ((3, 4), (2, 1), "edge", {}),
    ((3, 4), (7, 8), "reflect", {}), ((3, 4), (7, 8), "symmetric", {}), ((3, 4), (7, 8), "wrap", {}),
    ((1, 4), (2, 3), "reflect", {}), ((5,), (3, 2), "linear_ramp", {"end_values": (10, -4)}),
    ((3, 4), 2, "linear_ramp", {}), ((5, 4), (3, 2), "mean", {}), ((5, 4), (3, 2), "maximum", {"stat_length": 2}),
    ((5, 4), (3, 2), "minimum", {"stat_length": (1, 9)}), ((5, 4), 1, "median", {}),
    ((2, 3, 4), ((0, 0), (1, 1), (2, 0)), "symmetric", {}), ((2, 3), 0, "wrap", {}), ((0, 3), (0, 2), "constant", {}),
]


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32"])
def test_pad_matches_numpy(dtype, rng):
    xs, values, table = [], [], []
    for k, (shape, width, mode, kwargs) in enumerate(CASES):
        x = T.tensor(dtype, (False,) * len(shape), name=f"x{k}")
        value = random_array(rng, shape, dtype)
        xs.append(x)
        values.append(value)
        table.append((f"{mode} {width}", T.pad(x, width, mode, **kwargs), np.pad(value, width, mode=mode, **kwargs)))
    check_table(xs, values, table, numpy_dtypes=True)


def test_pad_of_a_constant_and_in_a_larger_graph():
    x = T.matrix("x")
    image = T.pad(x, 1, "edge")
    smooth = (image[:-2, 1:-1] + image[2:, 1:-1] + image[1:-1, :-2] + image[1:-1, 2:]) / 4
    value = np.arange(12.0).reshape(3, 4)
    padded = np.pad(value, 1, "edge")
    expected = (padded[:-2, 1:-1] + padded[2:, 1:-1] + padded[1:-1, :-2] + padded[1:-1, 2:]) / 4
    np.testing.assert_allclose(transpile.function([x], smooth)(value), expected)
    np.testing.assert_array_equal(T.pad(np.arange(3), (1, 2), "wrap").eval(), np.pad(np.arange(3), (1, 2), "wrap"))


@pytest.mark.parametrize("pad_mode, kwargs", [("constant", {"constant_values": 2.0}), ("edge", {}), ("reflect", {}),
                                          ("symmetric", {}), ("wrap", {}), ("linear_ramp", {"end_values": 1.0}),
                                          ("mean", {}), ("maximum", {"stat_length": 2})])
def test_pad_gradients(pad_mode, kwargs, rng):
    point = rng.standard_normal((3, 4))
    verify_grad(lambda x: T.pad(x, ((2, 1), (4, 5)), pad_mode, **kwargs) ** 2, [point], rng=rng)


def test_pad_errors():
    x = T.matrix("x")
    with pytest.raises(ValueError, match="mode must be one of"):
        T.pad(x, 1, "circular")
    with pytest.raises(ValueError, match="takes no argument 'constant_values'"):
        T.pad(x, 1, "edge", constant_values=1)
    with pytest.raises(ValueError, match="non-negative ints"):
        T.pad(x, -1)
    with pytest.raises(ValueError, match="non-negative ints"):
        T.pad(x, 1.5)
    with pytest.raises(TypeError, match="must be numbers"):
        T.pad(x, T.iscalar())
    with pytest.raises(ValueError, match="does not broadcast"):
        T.pad(x, ((1, 2), (3, 4), (5, 6)))
    with pytest.raises(NotImplementedError, match="reflect_type='even'"):
        T.pad(x, 1, "reflect", reflect_type="odd")
