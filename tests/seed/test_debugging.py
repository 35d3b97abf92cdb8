"""The seed's "Debugging" slides, with `transpile` for `theano`."""
import numpy as np
import pytest

from transpile import config, function
from transpile import tensor as T
from transpile.printing import debugprint, min_informative_str


def test_debug_mode(rng):
    x = T.vector()
    f = function([x], T.exp(x) * 2, mode="DEBUG_MODE")
    xv = rng.normal(size=3)
    np.testing.assert_allclose(f(xv), np.exp(xv) * 2)
    bad = function([x], T.log(x), mode="DEBUG_MODE")
    with pytest.raises(ValueError, match="log"):
        bad(np.array([-1.0, 1.0, 2.0]))


@pytest.mark.single_mode
def test_compute_test_value():
    with config.change_flags(compute_test_value="raise"):
        x = T.vector()
        x.tag.test_value = np.ones((2,))
        y = T.vector()
        y.tag.test_value = np.ones((3,))
        with pytest.raises(ValueError, match=r"(?s)mis-match.*\(2,\).*\(3,\)"):
            x + y


@pytest.mark.single_mode
def test_min_informative_str():
    x = T.scalar()
    y = T.scalar()
    z = x + y
    z.name = "z"
    a = 2. * z
    assert min_informative_str(a) == "A. Elemwise{mul,no_inplace}\n B. TensorConstant{2.0}\n C. z"


@pytest.mark.single_mode
def test_debugprint():
    x = T.scalar()
    y = T.scalar()
    z = x + y
    z.name = "z"
    a = 2. * z
    assert debugprint(a, file="str").splitlines() == [
        "Elemwise{mul,no_inplace} [id A] ''",
        " |TensorConstant{2.0} [id B]",
        " |Elemwise{add,no_inplace} [id C] 'z'",
        "   |<TensorType(float64, scalar)> [id D]",
        "   |<TensorType(float64, scalar)> [id E]",
    ]


def test_accessing_a_functions_fgraph(mode):
    x = T.scalar()
    y = x / x
    f = function([x], y)
    text = debugprint(f.maker.fgraph.outputs[0], file="str")
    if mode == "FAST_RUN":
        assert text.splitlines() == ["DeepCopyOp [id A] ''", " |TensorConstant{1.0} [id B]"]
    else:
        assert "true_div" in text
