"""exp(a)/sum(exp(a)) -> Softmax (the seed's "more stable" example), the max-subtracted form,
log(softmax) -> LogSoftmax, log of an indexed softmax."""
import numpy as np
import pytest

import transpile.tensor as T
from transpile.tensor.nnet.softmax import LogSoftmax, Softmax
from tests.tensor.rewriting.rw_helpers import assert_close, compile_fn, fast_run, nodes, op_types


def np_softmax(a, axis=-1):
    e = np.exp(a - a.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _softmax_nodes(f, cls=Softmax):
    return [n for n in nodes(f) if isinstance(n.op, cls)]


def test_seed_vector_softmax(mode, rng):
    """exp(a)/exp(a).sum() -> softmax(a): the same values, and finite for large inputs."""
    a = T.vector("a")
    f = compile_fn([a], T.exp(a) / T.exp(a).sum())
    av = rng.normal(size=5)
    assert_close(f(av), np_softmax(av))
    big = np.array([1000.0, 1001.0, 999.0])
    with np.errstate(all="ignore"):
        out = f(big)
    if fast_run(mode):
        assert op_types(f) == ["Softmax"] and _softmax_nodes(f)[0].op.axis == 0
        assert_close(out, np_softmax(big))
    else:
        assert np.isnan(out).all()  # inf / inf in the reference semantics


@pytest.mark.parametrize("build", [
    lambda m: T.exp(m) / T.exp(m).sum(axis=1).dimshuffle(0, "x"),
    lambda m: T.exp(m) / T.sum(T.exp(m), axis=1, keepdims=True),
    lambda m: T.nnet.softmax_graph(m),
])
def test_row_softmax(mode, rng, build):
    m = T.matrix("m")
    f = compile_fn([m], build(m))
    mv = rng.normal(size=(3, 4))
    assert_close(f(mv), np_softmax(mv, 1))
    if fast_run(mode):
        assert op_types(f) == ["Softmax"] and _softmax_nodes(f)[0].op.axis == 1


def test_column_softmax(mode, rng):
    m = T.matrix("m")
    e = T.exp(m)
    f = compile_fn([m], e / e.sum(axis=0, keepdims=True))
    mv = rng.normal(size=(3, 4))
    assert_close(f(mv), np_softmax(mv, 0))
    if fast_run(mode):
        assert op_types(f) == ["Softmax"] and _softmax_nodes(f)[0].op.axis == 0


@pytest.mark.parametrize("keepdims", [True, False])
def test_softmax_with_max_subtracted(mode, rng, keepdims):
    m = T.matrix("m")
    mx = T.max(m, axis=1, keepdims=True) if keepdims else m.max(axis=1).dimshuffle(0, "x")
    e = T.exp(m - mx)
    f = compile_fn([m], e / e.sum(axis=1, keepdims=True))
    mv = rng.normal(size=(3, 4)) * 1000
    assert_close(f(mv), np_softmax(mv, 1))
    if fast_run(mode):
        assert op_types(f) == ["Softmax"]
        assert _softmax_nodes(f)[0].inputs[0] is f.maker.fgraph.inputs[0]


def test_total_sum_of_matrix_is_not_a_row_softmax(mode, rng):
    m = T.matrix("m")
    f = compile_fn([m], T.exp(m) / T.exp(m).sum())
    mv = rng.normal(size=(2, 3))
    assert_close(f(mv), np.exp(mv) / np.exp(mv).sum())
    assert not _softmax_nodes(f)


def test_sum_of_other_exp_is_not_softmax(mode, rng):
    a, b = T.vector("a"), T.vector("b")
    f = compile_fn([a, b], T.exp(a) / T.exp(b).sum())
    av, bv = rng.normal(size=3), rng.normal(size=3)
    assert_close(f(av, bv), np.exp(av) / np.exp(bv).sum())
    assert not _softmax_nodes(f)


def test_log_softmax(mode, rng):
    m = T.matrix("m")
    f = compile_fn([m], T.log(T.nnet.softmax(m)))
    mv = rng.normal(size=(3, 4))
    mv[0, 0] = -1000.0
    with np.errstate(all="ignore"):
        out = f(mv)
    expected = mv - mv.max(1, keepdims=True)
    expected = expected - np.log(np.exp(expected).sum(1, keepdims=True))
    if fast_run(mode):
        assert op_types(f) == ["LogSoftmax"]
        assert_close(out, expected)
    else:
        assert np.isneginf(out[0, 0])


def test_log_of_naive_softmax(mode, rng):
    """log(exp(a)/sum(exp(a))) -> LogSoftmax through both rewrites."""
    m = T.matrix("m")
    f = compile_fn([m], T.log(T.nnet.softmax_graph(m)))
    mv = rng.normal(size=(2, 3))
    assert_close(f(mv), np.log(np_softmax(mv, 1)))
    if fast_run(mode):
        assert op_types(f) == ["LogSoftmax"]


def test_log_softmax_with_max_subtracted(mode, rng):
    m = T.matrix("m")
    f = compile_fn([m], T.nnet.log_softmax(m - T.max(m, axis=1, keepdims=True)))
    mv = rng.normal(size=(2, 3))
    assert_close(f(mv), np.log(np_softmax(mv, 1)))
    if fast_run(mode):
        assert op_types(f) == ["LogSoftmax"]


@pytest.mark.parametrize("index", ["advanced", "rows", "basic"])
def test_log_of_indexed_softmax(mode, rng, index):
    x, y = T.matrix("x"), T.ivector("y")
    sm = T.nnet.softmax(x)
    picked = {"advanced": lambda: sm[T.arange(y.shape[0]), y], "rows": lambda: sm[y],
              "basic": lambda: sm[1:, 0]}[index]()
    f = compile_fn([x, y], -T.log(picked), on_unused_input="ignore")
    xv = rng.normal(size=(3, 4)) * 300
    yv = np.array([0, 2, 1], dtype="int32")
    with np.errstate(all="ignore"):
        out = f(xv, yv)
    logp = np.log(np_softmax(xv / 300, 1))  # moderate values: both graphs agree there
    expected = {"advanced": -logp[np.arange(3), yv], "rows": -logp[yv], "basic": -logp[1:, 0]}[index]
    assert_close(f(xv / 300, yv), expected)
    assert out.shape == expected.shape
    if fast_run(mode):
        assert _softmax_nodes(f, LogSoftmax) and not _softmax_nodes(f)
        assert np.all(np.isfinite(out))
