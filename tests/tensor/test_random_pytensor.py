"""PyTensor's samplers on RandomStreams (continuous, discrete, multivariate, and Theano's
multinomial_wo_replacement): statistics against scipy.stats, supports, reference and native
values, shapes/dtypes, parameter errors and reparameterised gradients (each test runs per mode)."""
import numpy as np
import pytest
from scipy import stats

import transpile
import transpile.tensor as T
from transpile.tensor.random import RandomStream, RandomStreams, default_rng

M = 20000
COV = np.array([[2.0, 0.6, 0.1], [0.6, 1.0, -0.3], [0.1, -0.3, 0.5]])


@pytest.fixture(autouse=True)
def _float64_default():
    with transpile.config.change_flags(floatX="float64"):
        yield


def _continuous(srng, m):
    """(name, sample, scipy distribution, lower bound of the support or None)."""
    return [
        ("standard_normal", srng.standard_normal((m,)), stats.norm(), None),
        ("lognormal", srng.lognormal(0.5, 0.7, size=(m,)), stats.lognorm(0.7, scale=np.exp(0.5)), 0.0),
        ("laplace", srng.laplace(1.0, 2.0, size=(m,)), stats.laplace(1.0, 2.0), None),
        ("logistic", srng.logistic(1.0, 2.0, size=(m,)), stats.logistic(1.0, 2.0), None),
        ("gumbel", srng.gumbel(1.0, 2.0, size=(m,)), stats.gumbel_r(1.0, 2.0), None),
        ("cauchy", srng.cauchy(1.0, 2.0, size=(m,)), stats.cauchy(1.0, 2.0), None),
        ("halfnormal", srng.halfnormal(1.0, 2.0, size=(m,)), stats.halfnorm(1.0, 2.0), 1.0),
        ("halfcauchy", srng.halfcauchy(-1.0, 0.5, size=(m,)), stats.halfcauchy(-1.0, 0.5), -1.0),
        ("weibull", srng.weibull(1.5, size=(m,)), stats.weibull_min(1.5), 0.0),
        ("pareto", srng.pareto(3.0, 2.0, size=(m,)), stats.pareto(3.0, scale=2.0), 2.0),
        ("wald", srng.wald(2.0, 3.0, size=(m,)), stats.invgauss(2.0 / 3.0, scale=3.0), 0.0),
        ("triangular", srng.triangular(-1.0, 0.5, 3.0, size=(m,)), stats.triang(0.375, -1.0, 4.0), -1.0),
        ("chisquare", srng.chisquare(3.0, size=(m,)), stats.chi2(3.0), 0.0),
        ("invgamma", srng.invgamma(3.0, 2.0, size=(m,)), stats.invgamma(3.0, scale=2.0), 0.0),
        ("t", srng.t(4.0, 1.0, 2.0, size=(m,)), stats.t(4.0, 1.0, 2.0), None),
        ("truncexpon", srng.truncexpon(2.0, 1.0, 3.0, size=(m,)), stats.truncexpon(2.0, 1.0, 3.0), 1.0),
        ("gengamma", srng.gengamma(2.0, 1.5, 2.0, size=(m,)), stats.gengamma(2.0 / 1.5, 1.5, scale=2.0), 0.0),
        ("vonmises", srng.vonmises(0.0, 2.0, size=(m,)), stats.vonmises(2.0), -np.pi),
    ]


def test_continuous_statistics_against_scipy(mode):
    srng = RandomStreams(seed=2026)
    cases = _continuous(srng, M)
    values = transpile.function([], [c[1] for c in cases], mode=mode)()
    for (name, _, dist, low), x in zip(cases, values):
        assert x.shape == (M,) and x.dtype == np.float64 and np.all(np.isfinite(x)), name
        assert stats.kstest(x, dist.cdf).pvalue > 1e-3, name
        if low is not None:
            assert x.min() >= low, name
    tri, trunc = values[11], values[15]
    assert tri.max() <= 3.0 and trunc.max() < 1.0 + 3.0 * 2.0  # bounded supports, both ends
    mean, var = stats.invgauss(2.0 / 3.0, scale=3.0).stats()
    assert abs(values[10].mean() - mean) < 0.05 and abs(values[10].var() / var - 1) < 0.1


def _chi2(counts, probs):
    return stats.chisquare(counts, probs * counts.sum()).pvalue


def _binned(sample, dist, top):
    """chi-square p-value of the counts of 0..top-1 and >= top against a scipy discrete dist."""
    k = np.arange(top)
    probs = np.append(dist.pmf(k), dist.sf(top - 1))
    return _chi2(np.bincount(np.minimum(sample, top), minlength=top + 1), probs)


def test_discrete_statistics_against_scipy(mode):
    srng = RandomStreams(seed=77)
    pv = np.array([0.1, 0.2, 0.3, 0.0, 0.4])
    outs = [srng.geometric(0.3, size=(M,)), srng.negative_binomial(3.5, 0.4, size=(M,)),
            srng.nbinom(2, 0.9, size=(M,), dtype="int32"), srng.betabinom(10, 2.0, 3.0, size=(M,)),
            srng.hypergeometric(7, 5, 6, size=(M,)),
            srng.multinomial_wo_replacement(n=2, pvals=np.tile(pv, (M // 2, 1)))]
    geo, nb, nb2, bb, hg, wo = transpile.function([], outs, mode=mode)()
    assert geo.dtype == np.int64 and geo.min() >= 1 and _binned(geo - 1, stats.geom(0.3, loc=-1), 15) > 1e-3
    assert nb.min() >= 0 and _binned(nb, stats.nbinom(3.5, 0.4), 15) > 1e-3
    assert nb2.dtype == np.int32 and _binned(nb2, stats.nbinom(2, 0.9), 3) > 1e-3
    assert 0 <= bb.min() and bb.max() <= 10 and _binned(bb, stats.betabinom(10, 2.0, 3.0), 10) > 1e-3
    assert 1 <= hg.min() and hg.max() <= 6  # at least 1 of the 7 good among 6 of 12
    assert _chi2(np.bincount(hg, minlength=7)[1:], stats.hypergeom(12, 7, 6).pmf(np.arange(1, 7))) > 1e-3
    assert wo.shape == (M // 2, 2) and wo.dtype == np.int64
    assert np.all(wo[:, 0] != wo[:, 1]) and not np.any(wo == 3)
    second = np.array([sum(pv[i] * pv[j] / (1 - pv[i]) for i in range(5) if i != j) for j in range(5)])
    nonzero = pv > 0
    for pos, probs in [(0, pv), (1, second)]:
        assert _chi2(np.bincount(wo[:, pos], minlength=5)[nonzero], probs[nonzero]) > 1e-3, pos


def test_multivariate_statistics(mode):
    srng = RandomStreams(seed=5)
    alphas = np.array([1.0, 2.0, 3.0, 0.5])
    mean = np.array([1.0, -1.0, 0.0])
    di, di2, mv, mvb = transpile.function([], [
        srng.dirichlet(alphas, size=(M,)), srng.dirichlet(np.array([[1.0, 1.0], [5.0, 0.5]]), size=(M, 2)),
        srng.multivariate_normal(mean, COV, size=(M,)),
        srng.multivariate_normal(np.zeros((2, 3)), np.stack([COV, np.eye(3)]), size=(M, 2))], mode=mode)()
    assert di.shape == (M, 4) and np.all(di >= 0) and np.allclose(di.sum(axis=1), 1.0, rtol=0, atol=1e-14)
    np.testing.assert_allclose(di.mean(axis=0), alphas / alphas.sum(), atol=0.005)
    a0 = alphas.sum()
    np.testing.assert_allclose(di.var(axis=0), alphas * (a0 - alphas) / (a0 ** 2 * (a0 + 1)), rtol=0.05)
    assert stats.kstest(di[:, 1], stats.beta(2.0, a0 - 2.0).cdf).pvalue > 1e-3  # a marginal is a beta
    assert di2.shape == (M, 2, 2) and stats.kstest(di2[:, 1, 0], stats.beta(5.0, 0.5).cdf).pvalue > 1e-3
    assert mv.shape == (M, 3)
    np.testing.assert_allclose(mv.mean(axis=0), mean, atol=0.03)
    np.testing.assert_allclose(np.cov(mv.T), COV, atol=0.05)
    assert stats.kstest(mv[:, 0], stats.norm(1.0, np.sqrt(2.0)).cdf).pvalue > 1e-3
    assert mvb.shape == (M, 2, 3)
    np.testing.assert_allclose(np.cov(mvb[:, 0].T), COV, atol=0.05)
    np.testing.assert_allclose(np.cov(mvb[:, 1].T), np.eye(3), atol=0.05)


def _all(srng, x, v, n):
    """Every sampler with tensor parameters (x a scalar, v a vector, n a symbolic size)."""
    return [
        srng.standard_normal((n,)), srng.lognormal(x, 0.5, size=(n,)), srng.laplace(v, x, size=(n, 3)),
        srng.logistic(size=(n,)), srng.gumbel(x, size=(n,)), srng.cauchy(size=(n,)), srng.halfnormal(v),
        srng.halfcauchy(size=(n,)), srng.weibull(v, size=(n, 3)), srng.pareto(x, size=(n,)),
        srng.wald(x, v), srng.triangular(0.0, x, 4.0, size=(n,)), srng.chisquare(v, size=(n, 3)),
        srng.invgamma(x, v), srng.t(x, size=(n,)), srng.truncexpon(x, size=(n,)),
        srng.gengamma(x, 2.0, size=(n,)),
        srng.geometric(v / 4.0, size=(n, 3)), srng.negative_binomial(x, 0.5, size=(n,)),
        srng.betabinom(5, x, v), srng.hypergeometric(4, 6, 5, size=(n,)),
        srng.multinomial_wo_replacement(n=2, pvals=T.alloc(v / v.sum(), n, 3)),
        srng.dirichlet(v, size=(n,)), srng.multivariate_normal(v, COV, size=(n,)),
    ]


# lognormal, laplace, logistic, gumbel, weibull, pareto, wald, truncexpon, gengamma and
# multivariate_normal: libm's log/exp/pow against numpy's, or a product the native compiler fuses
# into a multiply-add (loc + scale * x with symbolic loc and scale), equal to rounding only.
ROUNDED = {1, 2, 3, 4, 8, 9, 10, 15, 16, 23}


@pytest.mark.single_mode
def test_reference_and_native_agree():
    """The same states give the same numbers: counts, and formulas of +, -, *, /, sqrt and abs
    over the draws, bit for bit; the others to rounding."""
    def build(mode):
        x, v, n = T.dscalar("x"), T.dvector("v"), T.lscalar("n")
        srng = RandomStreams(seed=13)
        return transpile.function([x, v, n], _all(srng, x, v, n), mode=mode), srng

    native, native_srng = build("FAST_RUN")
    reference, reference_srng = build("FAST_COMPILE")
    v = np.array([0.5, 1.5, 3.0])
    for call, n in enumerate([200, 0, 57]):
        got, want = native(2.5, v, n), reference(2.5, v, n)
        for k, (g, w) in enumerate(zip(got, want)):
            assert (g.dtype, g.shape) == (w.dtype, w.shape), f"call {call}, draw {k}"
            if k in ROUNDED:
                np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12, err_msg=f"call {call}, draw {k}")
            else:
                assert g.tobytes() == w.tobytes(), f"call {call}, draw {k}"
        for (s, _), (r, _) in zip(native_srng.state_updates, reference_srng.state_updates):
            np.testing.assert_array_equal(s.get_value(), r.get_value())


def test_shapes_dtypes_and_state(mode):
    srng = RandomStream(seed=3)
    assert RandomStream is RandomStreams and isinstance(default_rng(4), RandomStreams)
    v, n = T.fvector("v"), T.lscalar("n")
    outs = [srng.lognormal(v), srng.t(3.0, v, size=(n, 2)), srng.gumbel(size=(2, 0)), srng.cauchy(dtype="float32"),
            srng.geometric(0.5, dtype="int16"), srng.dirichlet(T.as_tensor_variable(np.ones((3, 2)))),
            srng.multivariate_normal(np.zeros(2), np.eye(2)), srng.hypergeometric(3, 3, 0, size=(2,)),
            srng.chisquare(2.0, size=(4,), ndim=1, dtype="float32")]
    f = transpile.function([v, n], outs, mode=mode)
    first = f(np.ones(2, "float32"), 3)
    ln, t, gu, ca, ge, di, mv, hg, ch = first
    assert ln.dtype == np.float32 and ln.shape == (2,)
    assert t.dtype == np.float32 and t.shape == (3, 2)
    assert gu.shape == (2, 0) and ca.shape == () and ca.dtype == np.float32
    assert ge.shape == () and ge.dtype == np.int16 and ge >= 1
    assert di.shape == (3, 2) and mv.shape == (2,) and ch.dtype == np.float32
    np.testing.assert_array_equal(hg, [0, 0])
    second = f(np.ones(2, "float32"), 3)
    assert not np.array_equal(first[1], second[1]) and not np.array_equal(first[5], second[5])
    srng.seed(3)
    for a, b in zip(first, f(np.ones(2, "float32"), 3)):
        np.testing.assert_array_equal(a, b)
    with transpile.config.change_flags(floatX="float32"):
        assert srng.laplace(size=(2,)).dtype == "float32" and srng.dirichlet(np.array([1, 2])).dtype == "float32"


def test_parameter_errors(mode):
    srng = RandomStreams(seed=1)
    build_time = [
        (lambda: srng.lognormal(0.0, -1.0), "lognormal: sigma must be >= 0"),
        (lambda: srng.laplace(0.0, np.array([1.0, -2.0])), "laplace: scale must be >= 0"),
        (lambda: srng.weibull(0.0), "weibull: shape must be > 0"),
        (lambda: srng.pareto(2.0, 0.0), "pareto: scale must be > 0"),
        (lambda: srng.wald(-1.0), "wald: mean must be > 0"),
        (lambda: srng.triangular(1.0, 0.0, 2.0), "left <= mode <= right"),
        (lambda: srng.triangular(1.0, 1.0, 1.0), "left < right"),
        (lambda: srng.triangular(0.0, np.inf, np.inf), "triangular: mode must be finite"),
        (lambda: srng.chisquare(0), "chisquare: df must be > 0"),
        (lambda: srng.invgamma(1.0, -1.0), "invgamma: scale must be > 0"),
        (lambda: srng.t(-3.0), "t: df must be > 0"), (lambda: srng.truncexpon(0.0), "truncexpon: b must be > 0"),
        (lambda: srng.gengamma(p=0.0), "gengamma: p must be > 0"),
        (lambda: srng.geometric(0.0), r"geometric: p must be in \(0, 1\]"),
        (lambda: srng.nbinom(1.0, 1.5), "negative_binomial: p must be"),
        (lambda: srng.betabinom(-1, 1.0, 1.0), "betabinom: n must be a non-negative int"),
        (lambda: srng.betabinom(3, 0.0, 1.0), "betabinom: a must be > 0"),
        (lambda: srng.hypergeometric(2, 2, 5), "nsample"),
        (lambda: srng.dirichlet(np.array([1.0, 0.0])), "dirichlet: alphas must be > 0"),
        (lambda: srng.multivariate_normal(np.zeros(2), np.array([[1.0, 2.0], [2.0, 1.0]])), "positive definite"),
        (lambda: srng.multivariate_normal(np.zeros(2), np.ones((2, 3))), "square"),
        (lambda: srng.multivariate_normal(np.zeros(2), np.eye(2), method="svd"), "method"),
        (lambda: srng.multinomial_wo_replacement(n=3, pvals=np.array([[0.5, 0.5, 0.0]])), "fewer non-zero"),
        (lambda: srng.multinomial_wo_replacement(n=1, pvals=np.array([[0.5, 0.6]])), "sum to 1"),
        (lambda: srng.multinomial_wo_replacement(size=(2,), pvals=np.eye(2)), "size and ndim must be None"),
    ]
    for make, match in build_time:
        with pytest.raises(ValueError, match=match):
            make()
    for make, match in [(lambda: srng.laplace(dtype="int32"), "dtype"), (lambda: srng.dirichlet(1.0), "alphas"),
                        (lambda: srng.gumbel(T.cvector()), "gumbel: parameters must be real"),
                        (lambda: srng.multivariate_normal(0.0, np.eye(1)), "mean must be"),
                        (lambda: srng.multinomial_wo_replacement(pvals=np.ones(2) / 2), "matrix")]:
        with pytest.raises(TypeError, match=match):
            make()
    x = T.vector("x")
    runtime = [(srng.chisquare(x, size=(2,)), [1.0, 0.0], "shape"), (srng.geometric(x, size=(2,)), [0.5, 1.5], "scale"),
               (srng.geometric(x, size=(2,)), [0.5, -0.5], "scale"), (srng.nbinom(2.0, x, size=(2,)), [0.5, -0.5], "scale"),
               (srng.dirichlet(x, size=(2,)), [1.0, 0.0], "shape"), (srng.invgamma(x, size=(2,), scale=1.0), [0.0, 1.0], "shape")]
    for out, value, match in runtime:  # symbolic parameters: checked by the draw they reach
        with pytest.raises(ValueError, match=match):
            transpile.function([x], out, mode=mode)(np.array(value))


def test_reparameterised_gradients(mode):
    """Location and scale parameters enter by ordinary ops: d sum(exp(mean + sigma Z)) / d sigma
    = sum(Z exp(mean + sigma Z)), d sum(loc + scale |Z|) / d loc = size."""
    srng = RandomStreams(seed=10)
    mean, sigma, loc, scale = T.dscalar("mean"), T.dscalar("sigma"), T.dscalar("loc"), T.dscalar("scale")
    ln = srng.lognormal(mean, sigma, size=(50,))
    hn = srng.halfnormal(loc, scale, size=(40,))
    la = srng.laplace(loc, scale, size=(30,))
    grads = T.grad(T.sum(ln), [mean, sigma]) + T.grad(T.sum(hn), [loc, scale]) + T.grad(T.sum(la), [loc, scale])
    x, y, w, gm, gs, ghl, ghs, gll, gls = transpile.function(
        [mean, sigma, loc, scale], [ln, hn, la] + grads, mode=mode)(0.5, 0.7, 1.0, 2.0)
    z = (np.log(x) - 0.5) / 0.7
    np.testing.assert_allclose([gm, gs], [x.sum(), (z * x).sum()], rtol=1e-10)
    np.testing.assert_allclose([ghl, ghs], [40.0, ((y - 1.0) / 2.0).sum()], rtol=1e-10)
    np.testing.assert_allclose([gll, gls], [30.0, ((w - 1.0) / 2.0).sum()], rtol=1e-10)


def test_module_functions_take_pytensor_order(mode):
    """T.random.name(*params, size, rng) draws what rng.name draws (PyTensor's argument order);
    without rng, from the module's default_stream."""
    import transpile.tensor.random as R

    def pair(make_function, make_method):
        a, b = transpile.function([], [make_function(RandomStreams(4)), make_method(RandomStreams(4))], mode=mode)()
        assert a.shape == b.shape and a.tobytes() == b.tobytes()
        return a

    assert pair(lambda s: R.normal(1.0, 2.0, (5,), s), lambda s: s.normal((5,), 1.0, 2.0)).shape == (5,)
    pair(lambda s: R.uniform(-1.0, size=(3,), rng=s), lambda s: s.uniform((3,), -1.0, 1.0))
    pair(lambda s: R.binomial(4, 0.3, (6,), rng=s), lambda s: s.binomial((6,), n=4, p=0.3))
    pair(lambda s: R.gamma(2.0, 3.0, (4,), s), lambda s: s.gamma(2.0, 3.0, size=(4,)))
    pair(lambda s: R.t(3.0, 1.0, size=(4,), rng=s), lambda s: s.t(3.0, 1.0, size=(4,)))
    pair(lambda s: R.standard_normal((2, 2), rng=s), lambda s: s.standard_normal((2, 2)))
    pair(lambda s: R.dirichlet(np.ones(3), rng=s, dtype="float32"), lambda s: s.dirichlet(np.ones(3), dtype="float32"))
    before = len(R.default_stream.state_updates)
    x = R.laplace(0.0, 1.0, size=(M,))
    assert len(R.default_stream.state_updates) == before + 2
    assert stats.kstest(transpile.function([], x, mode=mode)(), stats.laplace().cdf).pvalue > 1e-3
    with pytest.raises(TypeError, match="rng must be a RandomStreams"):
        R.normal(rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match="at most 3 positional"):
        R.geometric(0.5, (2,), RandomStreams(1), 7)


def test_vonmises_wraps_around_mu_and_tends_to_uniform(mode):
    srng = RandomStreams(seed=7)
    cases = [(3.0, 50.0), (-2.0, 0.3), (1.0, 1e-4), (0.5, 0.0)]
    values = transpile.function([], [srng.vonmises(mu, kappa, size=(M,)) for mu, kappa in cases], mode=mode)()
    for (mu, kappa), x in zip(cases, values):
        assert x.min() >= -np.pi and x.max() < np.pi, (mu, kappa)
        offset = np.mod(x - mu + np.pi, 2 * np.pi) - np.pi  # scipy's vonmises is not wrapped around its loc
        assert stats.kstest(offset, stats.vonmises(max(kappa, 1e-12)).cdf).pvalue > 1e-3, (mu, kappa)
    with pytest.raises(ValueError, match="kappa"):
        srng.vonmises(0.0, -1.0, size=(3,))

