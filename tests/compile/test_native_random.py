"""Random draws in the native backend: bit-identical to the numpy reference (uniform, normal,
binomial; float32 and float64; constant, empty, 0-d, large and symbolic sizes; p a tensor),
and the states advance identically over several calls (default updates).

`low + (high - low) * u` and `avg + std * z` are ordinary elementwise graphs after the draw
(the native backend may contract them into FMAs): those two are compared with a tolerance."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.compile.native_helpers import assert_same

pytestmark = pytest.mark.single_mode


def _draws(srng, n, p, m):
    """The same list of draws for any stream (each stream gets its own states)."""
    return [
        srng.uniform((3, 5), dtype="float32"), srng.uniform((4, 3), dtype="float64"),
        srng.uniform((n, 7), low=-2.0, high=3.0, dtype="float64"), srng.uniform((), dtype="float32"),
        srng.normal((5, 3), dtype="float32"), srng.normal((7,), dtype="float64"),
        srng.normal((n,), avg=1.0, std=m, dtype="float64"), srng.normal((0, 4), dtype="float32"),
        srng.normal((300001,), dtype="float64"), srng.uniform((140003,), dtype="float32"),
        srng.binomial((4, 6), n=5, p=p), srng.binomial((4, 6), n=3, p=p[:1, :], dtype="int32"),
        srng.binomial((n, 2), n=1, p=0.3, dtype="float32"), srng.binomial(p=p * 0.5, n=0, dtype="int8"),
        srng.binomial((2, 3, 4), n=7, p=T.cast(p[0, :4], "float32"), dtype="bool"),
    ]


def _function(mode):
    n, p, m = T.lscalar("n"), T.matrix("p"), T.scalar("m")
    srng = T.random.RandomStreams(seed=1234)
    return transpile.function([n, p, m], _draws(srng, n, p, m), mode=mode), srng


def test_draws_are_bit_identical_and_states_advance(rng):
    native, native_srng = _function("NATIVE")
    reference, reference_srng = _function("FAST_COMPILE")
    affine = (2, 6)
    P = rng.random((4, 6))
    for call, n in enumerate([3, 0, 11, 3]):
        got, want = native(n, P, 2.5), reference(n, P, 2.5)
        for k, (g, w) in enumerate(zip(got, want)):
            assert (g.dtype, g.shape) == (w.dtype, w.shape), f"call {call}, draw {k}: {g.dtype}{g.shape} vs {w.dtype}{w.shape}"
            if k in affine:
                assert_same(g, w, f"call {call}, draw {k}")
            else:
                assert g.tobytes() == w.tobytes(), f"call {call}, draw {k}: values differ"
        for (s, _), (r, _) in zip(native_srng.state_updates, reference_srng.state_updates):
            np.testing.assert_array_equal(s.get_value(), r.get_value())
            assert s.get_value()[1] == call + 1
    assert len({g.tobytes() for g in native(3, P, 2.5)[:2]}) == 2


def test_draw_errors_match_the_reference():
    n, p = T.lscalar("n"), T.vector("p")
    for mode in ("NATIVE", "FAST_COMPILE"):
        srng = T.random.RandomStreams(seed=5)
        f = transpile.function([n, p], [srng.uniform((n, 2)), srng.binomial((3, 2), p=p)], mode=mode)
        with pytest.raises(ValueError, match="non-negative"):
            f(-1, np.full(2, 0.5))
        with pytest.raises(ValueError, match="cannot be broadcast"):
            f(1, np.full(3, 0.5))
        f(1, np.full(1, 0.5))
