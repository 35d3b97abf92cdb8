"""`T.mgrid` and `T.ogrid` (transpile.tensor.grids) against numpy's, with symbolic bounds."""
import numpy as np
import pytest

import transpile.tensor as T
from tests.tensor.extra_ops_helpers import check_table


def test_dense_and_open_grids():
    n, x = T.lscalar("n"), T.dscalar("x")
    table = [*[(f"mgrid {d}", g, e) for d, (g, e) in enumerate(zip(T.mgrid[0:n, 1:4], np.mgrid[0:3, 1:4]))],
             *[(f"ogrid {d}", g, e) for d, (g, e) in enumerate(zip(T.ogrid[0:3, 0:2:0.5], np.ogrid[0:3, 0:2:0.5]))],
             *[(f"mgrid 3-d {d}", g, e) for d, (g, e) in enumerate(zip(T.mgrid[1:3, 0:n:2, -1:1], np.mgrid[1:3, 0:3:2, -1:1]))],
             *[(f"mgrid float {d}", g, e) for d, (g, e) in enumerate(zip(T.mgrid[0:x:0.5, 0:2], np.mgrid[0:1.5:0.5, 0:2]))],
             ("mgrid one slice", T.mgrid[2:7:2], np.mgrid[2:7:2]), ("ogrid one slice", T.ogrid[:n], np.ogrid[:3]),
             *[(f"mgrid points {d}", g, e) for d, (g, e) in enumerate(zip(T.mgrid[0:1:5j, -1:n:3j], np.mgrid[0:1:5j, -1:3:3j]))],
             ("ogrid points", T.ogrid[1:x:4j], np.ogrid[1:1.5:4j])]
    check_table([n, x], [np.int64(3), np.float64(1.5)], table)


def test_grid_shapes_and_errors():
    a, b = T.ogrid[0:3, 0:4]
    assert a.broadcastable == (False, True) and b.broadcastable == (True, False)
    assert all(g.broadcastable == (False, False) for g in T.mgrid[0:3, 0:4])
    with pytest.raises(ValueError, match="stop"):
        T.mgrid[0:]
    with pytest.raises(TypeError, match="slices"):
        T.ogrid[3]
    with pytest.raises(ValueError, match="at least one slice"):
        T.mgrid[()]
