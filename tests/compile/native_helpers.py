"""Helpers of the native-backend tests: compare a NATIVE function with the reference."""
import numpy as np

import transpile

TOL = {"float32": dict(rtol=2e-5, atol=1e-5), "float64": dict(rtol=1e-9, atol=1e-12),
       "complex64": dict(rtol=2e-5, atol=1e-5), "complex128": dict(rtol=1e-9, atol=1e-12)}


def assert_same(got, want, what=""):
    assert isinstance(got, np.ndarray), f"{what}: native returned {type(got).__name__}"
    assert got.dtype == want.dtype, f"{what}: dtype {got.dtype} != reference {want.dtype}"
    assert got.shape == want.shape, f"{what}: shape {got.shape} != reference {want.shape}"
    if want.dtype.kind in "fc":
        np.testing.assert_allclose(got, want, equal_nan=True, err_msg=what, **TOL[want.dtype.name])
    else:
        np.testing.assert_array_equal(got, want, err_msg=what)


def compare(inputs, outputs, calls, labels=None):
    """Compile natively and with the reference; check every call's outputs agree."""
    native = transpile.function(inputs, outputs, mode="NATIVE")
    reference = transpile.function(inputs, outputs, mode="FAST_COMPILE")
    for values in calls:
        got, want = native(*values), reference(*values)
        for k, (g, w) in enumerate(zip(got, want)):
            assert_same(g, w, labels[k] if labels else f"output {k}")
    return native


def strided(a):
    """`a` as a non-contiguous view (same values): every other element of a bigger array."""
    big = np.zeros(tuple(2 * n for n in a.shape), dtype=a.dtype)
    view = big[tuple(slice(None, None, 2) for _ in a.shape)]
    view[...] = a
    return view
