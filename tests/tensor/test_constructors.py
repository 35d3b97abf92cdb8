"""Variable constructors: singular and plural (`dmatrices("a", "b")`, `fvectors(3)`) for every
kind up to tensor7 and every dtype prefix, with Theano's return conventions."""
import numpy as np
import pytest

import transpile.tensor as T
from transpile import config, function

pytestmark = pytest.mark.single_mode

KINDS = {"scalar": (), "vector": (False,), "matrix": (False, False), "row": (True, False), "col": (False, True),
         "tensor3": (False,) * 3, "tensor4": (False,) * 4, "tensor5": (False,) * 5, "tensor6": (False,) * 6,
         "tensor7": (False,) * 7}
PLURALS = {"scalar": "scalars", "vector": "vectors", "matrix": "matrices", "row": "rows", "col": "cols",
           "tensor3": "tensor3s", "tensor4": "tensor4s", "tensor5": "tensor5s", "tensor6": "tensor6s",
           "tensor7": "tensor7s"}
PREFIXES = {"b": "int8", "w": "int16", "i": "int32", "l": "int64", "f": "float32", "d": "float64",
            "c": "complex64", "z": "complex128"}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_prefix_and_plural(kind):
    for prefix, dtype in [("", config.floatX), *PREFIXES.items()]:
        single = getattr(T, prefix + kind)("x")
        assert (single.type.dtype, single.type.broadcastable, single.name) == (dtype, KINDS[kind], "x")
        many = getattr(T, prefix + PLURALS[kind])("a", "b", "c")
        assert [v.name for v in many] == ["a", "b", "c"]
        assert all(v.type == single.type for v in many)
        unnamed = getattr(T, prefix + PLURALS[kind])(2)
        assert len(unnamed) == 2 and unnamed[0] is not unnamed[1] and unnamed[0].name is None
        assert getattr(T, prefix + PLURALS[kind])("only").name == "only"  # one name: the variable itself
        assert getattr(T, prefix + PLURALS[kind])(1).type == single.type


def test_plural_conventions():
    x, y = T.dmatrices("x", "y")
    assert x.type == T.dmatrix().type and y.name == "y"
    assert [v.name for v in T.fvectors(["p", "q"])] == ["p", "q"]
    assert T.iscalars(0) == []
    with pytest.raises(TypeError, match="names"):
        T.dmatrices("x", 3)
    with pytest.raises(ValueError, match="non-negative"):
        T.lvectors(-1)


@pytest.mark.parametrize("mode", ["FAST_COMPILE", "FAST_RUN"])
def test_high_rank_inputs_compute(mode, rng):
    x, y = T.dtensor7s("x", "y")
    a, b = rng.standard_normal((1, 2, 1, 2, 1, 2, 3)), rng.standard_normal((1, 2, 1, 2, 1, 2, 3))
    f = function([x, y], (x * y).sum(axis=(1, 6)), mode=mode)
    np.testing.assert_allclose(f(a, b), (a * b).sum(axis=(1, 6)))
