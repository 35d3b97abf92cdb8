"""Exercises 02_advanced/02_debugging (compute_test_value, detect_negative, detect_op, nan) of the
tutorial's exercise repository, with `transpile` for `theano`."""
import numpy as np
import pytest

from transpile import config, function
from transpile import tensor as T
from transpile.compile import DEBUG_MODE, DebugModeError, MonitorMode, NanGuardError, NanGuardMode
from transpile.printing import Print


def _optimizer(mode):
    """The optimizer of the test's mode, for the modes that take one (MonitorMode, NanGuardMode)."""
    return mode.lower()


# -- 01_compute_test_value ---------------------------------------------------------------------
def _build_up_to_f(a):
    b = T.log(a)
    c = T.nnet.sigmoid(b)
    d = T.sqrt(c)
    e = T.concatenate((d, c), axis=0)
    f = b * c * d
    return b, c, d, e, f


@pytest.mark.single_mode
def test_compute_test_value_finds_first_bad_line():
    """01_compute_test_value: with compute_test_value='raise' and a test value on the input, the
    graph is evaluated as it is built, so the first bad line (g = e + f, lengths 6 and 3) raises
    there, and every earlier line gets a test value equal to numpy's."""
    with config.change_flags(compute_test_value="raise"):
        a = T.vector()
        av = np.ones((3,)).astype(a.dtype)
        a.tag.test_value = av
        b, c, d, e, f = _build_up_to_f(a)
        bv = np.log(av)
        cv = 1 / (1 + np.exp(-bv))
        dv = np.sqrt(cv)
        np.testing.assert_allclose(b.tag.test_value, bv)
        np.testing.assert_allclose(c.tag.test_value, cv)
        np.testing.assert_allclose(d.tag.test_value, dv)
        np.testing.assert_allclose(e.tag.test_value, np.concatenate([dv, cv]))
        np.testing.assert_allclose(f.tag.test_value, bv * cv * dv)
        with pytest.raises(ValueError, match=r"(?s)\(6,\).*\(3,\)"):
            e + f


@pytest.mark.single_mode
def test_compute_test_value_missing_value():
    """01_compute_test_value: with 'raise', an input without a test value is itself an error;
    with 'off' (the default) nothing is computed while building."""
    with config.change_flags(compute_test_value="raise"):
        a = T.vector()
        with pytest.raises(ValueError, match="test value"):
            T.log(a)
    a = T.vector()
    b = T.log(a)
    assert not hasattr(b.tag, "test_value")


def test_compute_test_value_error_otherwise_at_call(mode):
    """01_compute_test_value: without test values the script builds and compiles, and the shape
    error only appears when the function is called."""
    a = T.vector()
    b, c, d, e, f = _build_up_to_f(a)
    g = e + f
    h = g / c
    fn = function([a], h)
    with pytest.raises(ValueError):
        fn(np.ones((3,)).astype(a.dtype))


# -- ex_02_detect_negative ---------------------------------------------------------------------
class NegativeVariableError(Exception):
    pass


def _check_non_negative(i, node, fn):
    for cell in fn.inputs + fn.outputs:
        value = cell[0]
        if value is not None and np.size(value) and np.min(value) < 0:
            raise NegativeVariableError(f"negative value around node {i}: {node}")


def _neg_detection_mode(mode):
    """A mode that raises NegativeVariableError when any variable of the graph is negative:
    MonitorMode hooks see each node's inputs before it runs and its outputs after."""
    return MonitorMode(pre_func=_check_non_negative, post_func=_check_non_negative,
                       optimizer=_optimizer(mode))


def _sigmoid_and_neg():
    x = T.scalar()
    x.name = "x"
    y = T.nnet.sigmoid(x)
    y.name = "y"
    z = -y
    z.name = "z"
    return x, y, z


def test_detect_negative(mode):
    """ex_02_detect_negative: -sigmoid(0) is negative and is caught; sigmoid(0) is not, and the
    monitored function computes what the plain one does."""
    x, y, z = _sigmoid_and_neg()
    neg_mode = _neg_detection_mode(mode)
    f = function([x], z, mode=neg_mode)
    with pytest.raises(NegativeVariableError):
        f(0.0)
    f = function([x], y, mode=neg_mode)
    y1 = f(0.0)
    np.testing.assert_allclose(y1, 0.5)
    np.testing.assert_allclose(function([x], y)(0.0), y1)


def test_detect_negative_inputs_and_intermediates(mode, rng):
    """ex_02_detect_negative: a negative graph input is caught too, and so is a negative
    intermediate value whose final result is positive (in FAST_RUN the node computing it may be
    fused with the next one, so only FAST_COMPILE is required to see it)."""
    x, y, _ = _sigmoid_and_neg()
    f = function([x], y, mode=_neg_detection_mode(mode))
    with pytest.raises(NegativeVariableError):
        f(-1.0)
    v = T.vector()
    out = T.sqr(v - 1)  # v - 1 is negative for v < 1, the square is not
    g = function([v], out, mode=_neg_detection_mode(mode))
    np.testing.assert_allclose(g(np.array([1.0, 2.0, 3.0])), [0.0, 1.0, 4.0])
    if mode == "FAST_COMPILE":
        with pytest.raises(NegativeVariableError):
            g(np.array([0.5, 2.0]))
    seen = []
    counting = MonitorMode(post_func=lambda i, node, fn: seen.append((i, str(node.op))),
                           optimizer=_optimizer(mode))
    h = function([v], out, mode=counting)
    xv = rng.uniform(1, 2, size=4)
    np.testing.assert_allclose(h(xv), (xv - 1) ** 2, rtol=1e-12)
    assert [i for i, _ in seen] == list(range(len(h.maker.fgraph.toposort())))


# -- ex_03_detect_op ---------------------------------------------------------------------------
def _contains_softmax(f):
    """Whether the compiled function f has a Softmax node."""
    return any(isinstance(node.op, T.nnet.Softmax) for node in f.maker.fgraph.apply_nodes)


def test_detect_op():
    """ex_03_detect_op: the identity function has no Softmax node; softmax(X) has one."""
    X = T.matrix()
    assert not _contains_softmax(function([X], X))
    assert _contains_softmax(function([X], T.nnet.softmax(X)))


def test_detect_op_in_larger_graphs(rng):
    """ex_03_detect_op: a softmax among other nodes is found; sigmoid and log_softmax are not
    Softmax; the function still computes the softmax."""
    X = T.matrix()
    f = function([X], T.nnet.softmax(T.dot(X, X.T) * 2).sum(axis=0))
    assert _contains_softmax(f)
    Xv = rng.normal(size=(3, 2))
    a = Xv @ Xv.T * 2
    e = np.exp(a - a.max(axis=1, keepdims=True))
    np.testing.assert_allclose(f(Xv), (e / e.sum(axis=1, keepdims=True)).sum(axis=0), rtol=1e-12)
    assert not _contains_softmax(function([X], T.nnet.sigmoid(X)))
    assert not _contains_softmax(function([X], T.nnet.log_softmax(X)))


# -- 04_nan (ex_04_nan_soln) -------------------------------------------------------------------
def _softmax_by_hand(X, with_print):
    p_tilde = T.exp(X)
    if with_print:
        p_tilde = Print("p_tilde", attrs=["min", "max"])(p_tilde)
    return p_tilde / p_tilde.sum(axis=1, keepdims=True)


def test_nan_with_print(capsys):
    """04_nan: exp(X) / exp(X).sum(axis=1) with a Print op in the middle gives NaN at
    X = -1000 (exp underflows to 0, then 0/0); the Print shows min = max = 0; the compiled
    graph holds no Softmax node, in any mode."""
    X = T.matrix()
    f = function([X], _softmax_by_hand(X, with_print=True))
    assert not _contains_softmax(f)
    with np.errstate(invalid="ignore"):
        out = f(-1000.0 * np.ones((2, 2)).astype(X.dtype))
    assert np.all(np.isnan(out))
    printed = capsys.readouterr().out.splitlines()
    assert printed == ["p_tilde min = 0.0", "p_tilde max = 0.0"]


def test_nan_hypothesis_print_blocks_stabilization(mode):
    """04_nan: the solution's hypothesis is that Print hides exp(X)/exp(X).sum(...) from the
    rewrite that turns it into a stable Softmax. Without the Print, FAST_RUN (which runs the
    stabilizing rewrites; the seed's "exp(a)/exp(a).sum() -> softmax(a)") must compile a Softmax
    and give 0.5 everywhere; FAST_COMPILE runs no such rewrite and keeps numpy's NaN."""
    X = T.matrix()
    f = function([X], _softmax_by_hand(X, with_print=False))
    Xv = -1000.0 * np.ones((2, 2)).astype(X.dtype)
    if mode == "FAST_RUN":
        assert _contains_softmax(f)
        np.testing.assert_allclose(f(Xv), 0.5 * np.ones((2, 2)))
    else:
        assert not _contains_softmax(f)
        with np.errstate(invalid="ignore"):
            assert np.all(np.isnan(f(Xv)))


def test_nan_stabilized_values(mode, rng):
    """04_nan: on ordinary inputs the hand-written softmax equals numpy's in every mode, with or
    without the Print."""
    X = T.matrix()
    Xv = rng.normal(size=(3, 4))
    e = np.exp(Xv)
    for with_print in (False, True):
        f = function([X], _softmax_by_hand(X, with_print=with_print))
        np.testing.assert_allclose(f(Xv), e / e.sum(axis=1, keepdims=True), rtol=1e-12)


def test_nan_located_by_nanguard_mode(mode):
    """04_nan, hunting the NaN: NanGuardMode stops at the first node producing a NaN, the
    division (its inputs, 0 and 0, are finite)."""
    X = T.matrix()
    guard = NanGuardMode(nan_is_error=True, inf_is_error=True, big_is_error=True,
                         optimizer=_optimizer(mode))
    f = function([X], _softmax_by_hand(X, with_print=True), mode=guard)
    with np.errstate(invalid="ignore"), pytest.raises(NanGuardError, match="(?s)NaN.*true_div"):
        f(-1000.0 * np.ones((2, 2)))
    ok = f(np.zeros((2, 2)))
    np.testing.assert_allclose(ok, 0.5 * np.ones((2, 2)))


def test_nan_located_by_debug_mode():
    """04_nan, hunting the NaN: DEBUG_MODE reports the node where a NaN appears from finite
    inputs, the division."""
    X = T.matrix()
    f = function([X], _softmax_by_hand(X, with_print=True), mode=DEBUG_MODE)
    with np.errstate(invalid="ignore"), pytest.raises(DebugModeError, match="(?s)NaN.*true_div"):
        f(-1000.0 * np.ones((2, 2)))
    with np.errstate(invalid="ignore"), pytest.raises(DebugModeError, match="(?s)NaN.*true_div"):
        function([X], _softmax_by_hand(X, with_print=False), mode="DEBUG_MODE")(-1000.0 * np.ones((2, 2)))
