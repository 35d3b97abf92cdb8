"""as_op: a Python function as an op (host-only in FAST_RUN, between native segments)."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile import function
from transpile.compile.ops import FromFunctionOp, as_op
from transpile.emit.registry import is_host_only


@as_op(itypes=[T.dmatrix], otypes=[T.dvector])
def row_medians(m):
    return np.median(m, axis=1)


def _sort_both_shape(node, input_shapes):
    return [input_shapes[0], input_shapes[0]]


@as_op(itypes=[T.dvector], otypes=[T.dvector, T.dvector], infer_shape=_sort_both_shape)
def sort_and_argsort(v):
    order = np.argsort(v, kind="stable")
    return v[order], order.astype("float64")


def test_as_op_in_a_graph(rng):
    m, v = T.dmatrix("m"), T.dvector("v")
    s, o = sort_and_argsort(v * 2.0)
    f = function([m, v], [row_medians(T.exp(m)) + 1.0, s, o, s.shape[0]])
    for shape in ((3, 4), (1, 5)):
        a, b = rng.standard_normal(shape), rng.standard_normal(shape[1])
        med, srt, order, n = f(a, b)
        np.testing.assert_allclose(med, np.median(np.exp(a), axis=1) + 1.0)
        np.testing.assert_allclose(srt, np.sort(b * 2.0))
        np.testing.assert_allclose(order, np.argsort(b * 2.0, kind="stable"))
        assert n == shape[1]


def test_as_op_is_an_op_and_host_only():
    assert isinstance(row_medians, FromFunctionOp) and is_host_only(row_medians)
    assert str(row_medians) == "FromFunctionOp{row_medians}" and row_medians.__name__ == "row_medians"
    assert transpile.as_op is as_op and transpile.compile.as_op is as_op
    again = FromFunctionOp(row_medians.fn, row_medians.itypes, row_medians.otypes)
    assert again == row_medians and hash(again) == hash(row_medians)


def test_as_op_errors(rng):
    with pytest.raises(TypeError, match="input 0 .* expected"):
        row_medians(T.ivector())
    with pytest.raises(TypeError, match="takes 1 input"):
        row_medians(T.dmatrix(), T.dmatrix())
    with pytest.raises(TypeError, match="itypes must be a list of types"):
        as_op(itypes=[3], otypes=[T.dvector])
    with pytest.raises(TypeError, match="decorates a function"):
        as_op([T.dvector], [T.dvector])(5)

    @as_op(itypes=[T.dvector], otypes=[T.dvector, T.dvector])
    def one_value(v):
        return v

    v = T.dvector("v")
    f = function([v], one_value(v)[0])
    with pytest.raises(ValueError, match="must return 2 values"):
        f(rng.standard_normal(3))
    with pytest.raises(NotImplementedError, match="without infer_shape"):
        row_medians.infer_shape(None, [(2, 3)])
