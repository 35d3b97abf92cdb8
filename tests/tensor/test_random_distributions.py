"""The bounded-round samplers of RandomStreams (integers, poisson, exponential, gamma, beta,
truncated_normal, categorical, multinomial, choice, permutation, shuffle_row_elements,
bernoulli): bit-identical streams in the reference and native modes, statistics against scipy,
shapes/dtypes/broadcasting, state advancing and parameter errors (each test runs per mode)."""
import numpy as np
import pytest
from scipy import stats

import transpile
import transpile.tensor as T
from transpile.tensor.random import sampling


@pytest.fixture(autouse=True)
def _float64_default():
    with transpile.config.change_flags(floatX="float64"):
        yield


def _all_draws(srng, lam, shp, pv, n):
    """One of every sampler, with tensor parameters, broadcasting, float32/int dtypes, symbolic,
    empty and 0-d sizes."""
    return [
        srng.integers(-3, 7, size=(4, 5)), srng.random_integers((n, 3), low=T.as_tensor_variable([0, 10, -5]),
                                                                  high=20, dtype="int32"),
        srng.integers(2 ** 40, size=(6,)),
        srng.poisson(lam, size=(3, 4)), srng.poisson(lam[:, 0]), srng.poisson(250.0, size=(5,), dtype="float32"),
        srng.exponential(2.5, size=(3, 3), dtype="float32"), srng.exponential(lam * 0.1 + 1.0),
        srng.gamma(shp, 1.5, size=(2, 4)), srng.gamma(0.3, size=(n,), dtype="float32"),
        srng.beta(0.7, shp, size=(2, 4)),
        srng.truncated_normal((n, 2)), srng.truncated_normal((3,), avg=1.0, std=3.0, dtype="float32"),
        srng.categorical(pv), srng.categorical(pv[0], size=(n,), dtype="int32"),
        srng.categorical(pv.dimshuffle("x", 0, 1), size=(2, 3)),
        srng.multinomial(n=6, pvals=pv), srng.choice(size=(2, 2), a=T.as_tensor_variable([5.0, 6.0, 7.0])),
        srng.choice(size=(4,), a=6, p=pv[1]), srng.choice(size=(3,), a=8, replace=False),
        srng.permutation(n=7), srng.permutation(size=(2,), n=5), srng.shuffle_row_elements(pv),
        srng.bernoulli(0.25, size=(n, 4)), srng.poisson(3.0, size=()), srng.gamma(2.0, size=(0, 3)),
        srng.choice(size=(3,), a=4, replace=False, p=pv[2]),
        srng.choice(size=(2,), a=T.as_tensor_variable([1.5, 2.5, 3.5, 4.5, 5.5, 6.5]), replace=False,
                    p=np.array([0.1, 0.0, 0.3, 0.2, 0.0, 0.4])),
    ]


def _function(mode):
    lam, shp, pv, n = T.matrix("lam"), T.vector("shp"), T.matrix("pv"), T.lscalar("n")
    srng = T.random.RandomStreams(seed=77)
    return transpile.function([lam, shp, pv, n], _all_draws(srng, lam, shp, pv, n), mode=mode), srng


@pytest.mark.single_mode
def test_reference_and_native_streams_are_bit_identical(rng):
    native, native_srng = _function("FAST_RUN")
    reference, reference_srng = _function("FAST_COMPILE")
    lam = np.array([[0.0], [3.5], [40.0]])
    shp = np.array([0.4, 1.0, 2.5, 30.0])
    pv = rng.random((3, 4))
    pv /= pv.sum(axis=1, keepdims=True)
    affine = {12}  # avg + std * z: an elementwise graph the native code may contract into an FMA
    for call, n in enumerate([5, 0, 9]):
        got, want = native(lam, shp, pv, n), reference(lam, shp, pv, n)
        for k, (g, w) in enumerate(zip(got, want)):
            assert (g.dtype, g.shape) == (w.dtype, w.shape), f"call {call}, draw {k}"
            if k in affine:
                np.testing.assert_allclose(g, w, rtol=1e-6, err_msg=f"call {call}, draw {k}")
            else:
                assert g.tobytes() == w.tobytes(), f"call {call}, draw {k}: {g} vs {w}"
        for (s, _), (r, _) in zip(native_srng.state_updates, reference_srng.state_updates):
            np.testing.assert_array_equal(s.get_value(), r.get_value())
            assert s.get_value()[1] == call + 1


def test_statistics_against_scipy(mode):
    srng = T.random.RandomStreams(seed=2024)
    m = 20000
    pv = np.array([0.1, 0.2, 0.3, 0.4])
    outs = [srng.exponential(2.0, size=(m,)), srng.gamma(0.5, 2.0, size=(m,)), srng.gamma(3.5, size=(m,)),
            srng.beta(2.0, 5.0, size=(m,)), srng.truncated_normal((m,), avg=1.0, std=2.0),
            srng.poisson(3.5, size=(m,)), srng.poisson(300.0, size=(m,)), srng.integers(-2, 5, size=(m,)),
            srng.categorical(pv, size=(m,)), srng.multinomial(n=50, pvals=np.tile(pv, (2000, 1))),
            srng.permutation(size=(m // 10,), n=5), srng.bernoulli(0.3, size=(m,)),
            srng.choice(size=(m,), a=4, p=pv), srng.random_integers((m,), -1, 2),
            srng.shuffle_row_elements(np.tile(np.arange(5.0), (m // 10, 1))), srng.uniform((m,), low=-2.0, high=4.0),
            srng.normal((m,), avg=1.0, std=3.0), srng.binomial((m,), n=6, p=0.3)]
    (exp_, g05, g35, be, tn, po, po_big, ints, cat, mult, perm, bern, cho, rints, shuf, uni, nor,
     bino) = transpile.function([], outs, mode=mode)()
    for x, dist in [(exp_, stats.expon(scale=2.0)), (g05, stats.gamma(0.5, scale=2.0)), (g35, stats.gamma(3.5)),
                    (be, stats.beta(2.0, 5.0)), (tn, stats.truncnorm(-2, 2, loc=1.0, scale=2.0)),
                    (uni, stats.uniform(-2.0, 6.0)), (nor, stats.norm(1.0, 3.0))]:
        assert stats.kstest(x, dist.cdf).pvalue > 1e-3, dist.dist.name
    assert np.all(np.abs(tn - 1.0) <= 4.0)

    def chi2(counts, probs):
        return stats.chisquare(counts, probs * counts.sum()).pvalue

    k = np.arange(12)
    observed = np.bincount(np.minimum(po, 11), minlength=12)
    probs = np.append(stats.poisson(3.5).pmf(k[:-1]), stats.poisson(3.5).sf(10))
    assert chi2(observed, probs) > 1e-3
    assert abs(po_big.mean() - 300) < 0.5 and abs(po_big.var() / 300 - 1) < 0.05
    assert ints.min() == -2 and ints.max() == 4 and chi2(np.bincount(ints + 2), np.full(7, 1 / 7)) > 1e-3
    assert chi2(np.bincount(cat, minlength=4), pv) > 1e-3
    assert chi2(np.bincount(cho, minlength=4), pv) > 1e-3
    assert np.all(mult.sum(axis=1) == 50)
    np.testing.assert_allclose(mult.mean(axis=0), 50 * pv, rtol=0.02)
    assert np.all(np.sort(perm, axis=1) == np.arange(5))
    for pos in range(5):
        assert chi2(np.bincount(perm[:, pos], minlength=5), np.full(5, 0.2)) > 1e-3
    assert stats.binomtest(int(bern.sum()), m, 0.3).pvalue > 1e-4 and set(np.unique(bern)) == {0, 1}
    assert rints.min() == -1 and rints.max() == 2 and chi2(np.bincount(rints + 1), np.full(4, 0.25)) > 1e-3
    assert np.all(np.sort(shuf, axis=1) == np.arange(5.0))  # each row a uniform permutation
    for pos in range(5):
        assert chi2(np.bincount(shuf[:, pos].astype(int), minlength=5), np.full(5, 0.2)) > 1e-3
    assert chi2(np.bincount(bino, minlength=7), stats.binom(6, 0.3).pmf(np.arange(7))) > 1e-3


def test_weighted_choice_without_replacement_statistics(mode):
    """numpy's Generator.choice(a, 2, replace=False, p=p): the first pick ~ p, the second ~
    sum_i p_i p_j / (1 - p_i) over i != j; a zero-p item never; the two picks distinct."""
    srng = T.random.RandomStreams(seed=31)
    pv = np.array([0.1, 0.2, 0.3, 0.0, 0.4])
    draws, calls = 25, 400
    f = transpile.function([], [srng.choice(size=(2,), a=5, replace=False, p=pv) for _ in range(draws)], mode=mode)
    picks = np.array([f() for _ in range(calls)]).reshape(-1, 2)
    assert picks.dtype == np.int64 and picks.shape == (draws * calls, 2)
    assert np.all(picks[:, 0] != picks[:, 1]) and not np.any(picks == 3)
    second = np.array([sum(pv[i] * pv[j] / (1 - pv[i]) for i in range(5) if i != j) for j in range(5)])
    rng_ref = np.random.default_rng(0)  # numpy's own sampler agrees with the formula (a sanity check of it)
    ref = np.array([rng_ref.choice(5, 2, replace=False, p=pv) for _ in range(4000)])
    nonzero = pv > 0
    for pos, probs in [(0, pv), (1, second)]:
        assert abs(probs.sum() - 1) < 1e-12
        for sample in (picks, ref):
            counts = np.bincount(sample[:, pos], minlength=5)
            assert stats.chisquare(counts[nonzero], probs[nonzero] * counts.sum()).pvalue > 1e-3, pos


def test_weighted_choice_values_dtypes_and_sizes(mode):
    """a vector (values taken from it), a symbolic int (indices cast to dtype), size () and a
    sample of every non-zero item (a permutation of them, in weighted order)."""
    srng = T.random.RandomStreams(seed=8)
    k, p = T.lscalar("k"), T.vector("p", dtype="float32")
    values = np.array([10.0, 20.0, 30.0, 40.0])
    outs = [srng.choice(size=(1, 3), a=T.as_tensor_variable(values), replace=False, p=p),
            srng.choice(size=(2,), a=k, replace=False, p=p, dtype="int32"),
            srng.choice(size=(), a=k, replace=False, p=p),
            srng.choice(size=(3,), a=4, replace=False, p=p),
            srng.choice(size=(2,), a=3, replace=False, p=np.array([0.0, 1e-310, 1.0]))]  # E / 1e-310 overflows
    f = transpile.function([k, p], outs, mode=mode)
    for weights in ([0.25, 0.25, 0.25, 0.25], [0.0, 0.5, 0.25, 0.25], [0.7, 0.1, 0.1, 0.1]):
        w = np.array(weights, dtype="float32")
        vals, ints, one, every, tiny = f(4, w)
        np.testing.assert_array_equal(tiny, [2, 1])  # a positive p, however small, comes before a zero p
        assert vals.shape == (1, 3) and vals.dtype == np.float64 and len(set(vals.ravel())) == 3
        assert set(vals.ravel()) <= set(values[w > 0])
        assert ints.dtype == np.int32 and ints.shape == (2,) and ints[0] != ints[1] and np.all(w[ints] > 0)
        assert one.shape == () and one.dtype == np.int64 and w[one] > 0
        assert sorted(every) == sorted(set(every)) and np.all(w[every] > 0)
    with pytest.raises(ValueError, match="choice: fewer non-zero entries in p than size"):
        f(4, np.array([0.0, 0.5, 0.5, 0.0], dtype="float32"))


def test_shapes_dtypes_and_broadcasting(mode):
    srng = T.random.RandomStreams(seed=9)
    lam = T.vector("lam")
    low, high = T.lvector("low"), T.lmatrix("high")
    onehot = np.eye(3)[[2, 0, 1]]
    outs = [srng.poisson(lam, size=(50, 2)), srng.integers(low, high, size=(40, 2, 3), dtype="int16"),
            srng.gamma(2.0, T.as_tensor_variable([0.0, 1.0]), size=(3, 2), dtype="float32"),
            srng.categorical(onehot, size=(4, 3)), srng.multinomial(n=4, pvals=onehot),
            srng.exponential(size=(2, 0)), srng.categorical(np.full((2, 5), 0.2)),
            srng.shuffle_row_elements(np.arange(24.0).reshape(2, 3, 4)), srng.choice(size=(3,), a=4, replace=False), srng.random_integers((2000,), 1, 3, dtype="uint8")]
    f = transpile.function([lam, low, high], outs, mode=mode)
    po, it, ga, ca, mu, ex, c2, sh, ch, ri = f(np.array([0.0, 1000.0]), np.array([0, 5, -10]),
                                          np.array([[1, 6, -9], [100, 1000, 10]]))
    assert po.dtype == np.int64 and po.shape == (50, 2)
    assert np.all(po[:, 0] == 0) and 900 < po[:, 1].mean() < 1100
    assert it.dtype == np.int16 and it.shape == (40, 2, 3)
    assert np.all(it[:, 0] == [0, 5, -10]) and np.all(it[:, 1] >= [0, 5, -10]) and np.all(it[:, 1] < [100, 1000, 10])
    assert ga.dtype == np.float32 and np.all(ga[:, 0] == 0) and np.all(ga[:, 1] > 0)
    np.testing.assert_array_equal(ca, np.broadcast_to([2, 0, 1], (4, 3)))
    np.testing.assert_array_equal(mu, 4 * onehot)
    assert ex.shape == (2, 0) and ex.dtype == np.float64
    assert c2.shape == (2,) and np.all((0 <= c2) & (c2 < 5))
    assert sh.shape == (2, 3, 4)
    np.testing.assert_array_equal(np.sort(sh, axis=-1), np.arange(24.0).reshape(2, 3, 4))
    assert ch.shape == (3,) and len(set(ch)) == 3 and set(ch) <= {0, 1, 2, 3}
    assert ri.dtype == np.uint8 and set(np.unique(ri)) == {1, 2, 3}  # Theano's: both ends included


def test_state_advances_and_seed_resets(mode):
    srng = T.random.RandomStreams(seed=3)
    outs = [srng.poisson(4.0, size=(20,)), srng.gamma(1.5, size=(20,)), srng.categorical(np.full(6, 1 / 6), size=(20,)),
            srng.truncated_normal((20,)), srng.integers(1000, size=(20,))]
    f = transpile.function([], outs, mode=mode)
    first, second = f(), f()
    assert all(not np.array_equal(a, b) for a, b in zip(first, second))
    srng.seed(3)
    for a, b in zip(first, f()):
        np.testing.assert_array_equal(a, b)


def test_parameter_errors(mode):
    srng = T.random.RandomStreams(seed=1)
    x = T.vector("x")
    cases = [
        (srng.poisson(x, size=(2,)), [1.0, -1.0], "lam"), (srng.poisson(x, size=(2,)), [1.0, 2e7], "lam"),
        (srng.integers(0, T.cast(x, "int64"), size=(2,)), [3.0, 0.0], "low < high"),
        (srng.gamma(x, size=(2,)), [1.0, 0.0], "shape"), (srng.gamma(1.0, x, size=(2,)), [1.0, -1.0], "scale"),
        (srng.exponential(x, size=(2,)), [-1.0, 1.0], "scale"),
        (srng.categorical(x, size=(3,)), [0.5, 0.6], "summing to 1"),
        (srng.categorical(x, size=(3,)), [1.5, -0.5], "non-negative"),
        (srng.categorical(x.dimshuffle("x", 0), size=(3,)), [0.5, 0.5], None),
        (srng.gamma(x, size=(3,)), [1.0, 2.0], "broadcast"),
        (srng.bernoulli(x, size=(2,)), [0.5, 1.5], "0 <= p <= 1"),
        (srng.binomial((3, 2), n=0, p=x), [0.5, -0.1], "0 <= p <= 1"),
    ]
    for out, value, match in cases:
        f = transpile.function([x], out, mode=mode)
        if match is None:
            f(np.array(value))
        else:
            with pytest.raises(ValueError, match=match):
                f(np.array(value))
    with pytest.raises(ValueError, match="non-negative int"):
        srng.multinomial(n=-1, pvals=np.full((2, 2), 0.5))
    with pytest.raises(TypeError, match="integers"):
        srng.integers(0.5, 3)
    with pytest.raises(TypeError, match="categories last"):
        srng.categorical(np.float64(1.0))
    with pytest.raises(ValueError, match="without replacement"):
        srng.choice(size=(2, 3), a=5, replace=False)
    k = T.lscalar("k")
    f = transpile.function([k], srng.choice(size=(5,), a=k, replace=False), mode=mode)
    assert sorted(f(5)) == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError, match="reshape"):
        f(3)
    f = transpile.function([x, k], [srng.choice(size=(2,), a=3, replace=False, p=x),
                                    srng.choice(size=(2,), a=k, replace=False, p=x),
                                    srng.choice(size=(0,), a=k, replace=False, p=x)], mode=mode)
    for value, n, match in [([0.5, -0.5, 1.0], 3, "p must be non-negative"), ([0.5, 0.6, 0.1], 3, "p must sum to 1"),
                            ([np.nan, 0.5, 0.5], 3, "p must be non-negative"),
                            ([0.0, 1.0, 0.0], 3, "fewer non-zero entries in p than size"),
                            ([0.5, 0.5], 2, "p must have one entry per element of a: a has 3 elements, p has 2"),
                            ([0.5, 0.5, 0.0], 4, "p must have one entry per element of a: a has 4 elements, p has 3")]:
        with pytest.raises(ValueError, match="choice: " + match):
            f(np.array(value), n)
    _, _, empty = f(np.array([0.5, 0.5, 0.0]), 3)
    assert empty.shape == (0,)  # p is still checked (numpy's order), but no entry is taken
    for value, match in [([1.0, 0.0, 0.0], "fewer non-zero"), ([0.5, 0.6, 0.0], "sum to 1"), ([1.0, 0.0], "one entry")]:
        with pytest.raises(ValueError, match="choice: .*" + match):  # a constant p is checked at graph build
            srng.choice(size=(2,), a=3, replace=False, p=np.array(value))
    with pytest.raises(ValueError, match="without replacement"):
        srng.choice(size=(4,), a=3, replace=False, p=np.full(3, 1 / 3))
    with pytest.raises(TypeError, match="choice: p must be a real vector"):
        srng.choice(size=(2,), a=3, replace=False, p=np.full((3, 1), 1 / 3))
    f = transpile.function([x], srng.categorical(x, size=(0,)), mode=mode)
    assert f(np.array([2.0, 3.0])).shape == (0,)  # an empty sample checks nothing (no row is used)


def test_exp_neg_is_accurate():
    x = -np.concatenate([np.linspace(0, 708, 20001), np.geomspace(1e-300, 1, 500)])
    np.testing.assert_allclose(sampling.exp_neg(x), np.exp(x), rtol=4e-16, atol=1e-320)
    assert sampling.exp_neg(np.array([-800.0, -np.inf]))[0] == 0.0
