"""`scan(mode=...)`: the mode named there compiles the step, whatever the outer function's mode."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile.compile.nanguardmode import NanGuardMode

pytestmark = pytest.mark.single_mode


def test_the_mode_given_to_scan_compiles_the_step(rng):
    """scan(mode=...) as in Theano: a mode running no native code (here NanGuardMode) runs the
    loop in Python with its step compiled in that mode, inside a FAST_RUN function; a native
    mode keeps the native loop."""
    x = T.vector("x")
    guarded, _ = transpile.scan(lambda xt: T.log(xt), sequences=[x], mode=NanGuardMode())
    f = transpile.function([x], guarded, mode="FAST_RUN")
    np.testing.assert_allclose(f(np.array([1.0, 2.0])), np.log([1.0, 2.0]))
    with pytest.raises(Exception, match="NaN"):
        f(np.array([1.0, -2.0]))  # log(-2): the step's NanGuardMode catches it
    plain, _ = transpile.scan(lambda xt: T.log(xt), sequences=[x], mode="FAST_RUN")
    g = transpile.function([x], plain, mode="FAST_RUN")
    assert np.isnan(g(np.array([1.0, -2.0]))[1])
    assert type(g.executor).__name__ == "NativeExecutor" and type(f.executor).__name__ == "SegmentedExecutor"
