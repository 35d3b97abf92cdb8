"""Shared by the extra-op tests: one compiled function per table of (output, numpy result)."""
import numpy as np

from transpile import function


def random_array(rng, shape, dtype):
    if dtype == "bool":
        return rng.random(shape) > 0.5
    if dtype.startswith(("int", "uint")):
        return rng.integers(0, 9, size=shape).astype(dtype)
    return (rng.standard_normal(shape) * 3).astype(dtype)


def check_table(inputs, values, table, rtol=None, numpy_dtypes=False):
    """Compile all outputs of `table` ([(name, symbolic output, expected array)]) into one
    function, run it on `values`, and compare each result (dtype and shape too; with
    `numpy_dtypes`, each output's dtype must also be the expected array's)."""
    if numpy_dtypes:
        wrong = [(name, out.dtype, np.asarray(expected).dtype) for name, out, expected in table
                 if out.dtype != np.asarray(expected).dtype]
        assert not wrong, f"dtypes differing from numpy's (name, ours, numpy's): {wrong}"
    outs = function(inputs, [out for _, out, _ in table], on_unused_input="ignore")(*values)
    for (name, out, expected), got in zip(table, outs):
        expected = np.asarray(expected)
        assert got.dtype == out.dtype, (name, got.dtype, out.dtype)
        assert got.shape == expected.shape, (name, got.shape, expected.shape)
        if got.dtype.kind in "fc":
            tol = rtol or (1e-4 if got.dtype.name in ("float32", "complex64") else 1e-10)
            np.testing.assert_allclose(got, expected, rtol=tol, atol=tol, equal_nan=True, err_msg=name)
        else:
            np.testing.assert_array_equal(got, expected, err_msg=name)
