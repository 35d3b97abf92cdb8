"""get_scalar_constant_value (transpile/tensor/scalar_constant.py): the value of constants, also
behind DimShuffle, Alloc, casts, second and identity, compared with numpy's; NotScalarConstantError
for everything else."""
import numpy as np
import pytest

import transpile.tensor as T
from transpile.tensor import NotScalarConstantError, get_scalar_constant_value


@pytest.mark.parametrize("value", [np.float32(2.5), np.int64(-3), np.array([7], dtype="uint8"), True, 1.25, 4])
def test_values_of_constants_and_what_moves_them(value):
    c = T.constant(value)
    expected = np.asarray(value).reshape(())
    cases = [value, np.asarray(value), c, T.shape_padleft(c, 2), T.alloc(c, 1, 1), T.second(T.matrix(), c),
             T.tensor_copy(c)]
    for v in cases:
        got = get_scalar_constant_value(v)
        assert isinstance(got, np.ndarray) and got.shape == () and got.dtype == expected.dtype, (v, got)
        np.testing.assert_array_equal(got, expected)
    cast = get_scalar_constant_value(T.cast(T.shape_padright(c), "float32"))
    assert cast.dtype == np.float32 and cast == np.asarray(value).astype("float32").reshape(())
    assert c.get_scalar_constant_value() == expected


def test_not_scalar_constants():
    x = T.scalar("x")
    not_constants = [x, x + 1, T.constant(np.arange(3)), np.zeros((2, 2)), T.alloc(x, 1), "a",
                     T.cast(x, "int32"), T.constant(np.zeros((0,)))]
    for v in not_constants:
        with pytest.raises(NotScalarConstantError):
            get_scalar_constant_value(v)
    with pytest.raises(NotScalarConstantError):
        get_scalar_constant_value(T.shape_padleft(T.constant(2.0)), only_process_constants=True)
    with pytest.raises(NotScalarConstantError):
        get_scalar_constant_value(T.cast(T.constant(2.0), "int8"), elemwise=False)
    assert get_scalar_constant_value(T.cast(T.constant(2.9), "int8")) == np.int8(2.9)
