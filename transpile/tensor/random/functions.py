"""PyTensor's module-level samplers: `transpile.tensor.random.normal(loc, scale, size=None, rng=None)`.

Each `name(*params, size=None, rng=None, **kwargs)` is `rng.name(...)` with PyTensor's argument
order, `rng` a `RandomStreams`; without one it draws from `default_stream`, a module stream of
seed 12345 (its draws numbered in creation order, as in any stream; `default_stream.seed(s)`
resets them). uniform, normal and binomial put their parameters before `size` here, as PyTensor
does; PyTensor's multinomial, choice and permutation take other arguments than Theano's
methods, so they stay methods.
"""
import inspect

from transpile.tensor.random.streams import RandomStreams

default_stream = RandomStreams()

SAME_ORDER = ("bernoulli", "beta", "betabinom", "categorical", "cauchy", "chisquare", "dirichlet", "exponential",
              "gamma", "gengamma", "geometric", "gumbel", "halfcauchy", "halfnormal", "hypergeometric", "integers",
              "invgamma", "laplace", "logistic", "lognormal", "multivariate_normal", "nbinom", "negative_binomial",
              "pareto", "poisson", "t", "triangular", "truncexpon", "vonmises", "wald", "weibull")

__all__ = ["binomial", "default_stream", "normal", "standard_normal", "uniform", *SAME_ORDER]


def _stream(rng):
    if rng is None:
        return default_stream
    if not isinstance(rng, RandomStreams):
        raise TypeError(f"rng must be a RandomStreams, got {rng!r}")
    return rng


def uniform(low=0.0, high=1.0, size=None, rng=None, **kwargs):
    """Uniform on [low, high) (`RandomStreams.uniform(size, low, high)`)."""
    return _stream(rng).uniform(size, low, high, **kwargs)


def normal(loc=0.0, scale=1.0, size=None, rng=None, **kwargs):
    """Normal of mean `loc` and deviation `scale` (`RandomStreams.normal(size, loc, scale)`)."""
    return _stream(rng).normal(size, loc, scale, **kwargs)


def binomial(n, p, size=None, rng=None, **kwargs):
    """Successes in `n` trials (a Python int) of probability `p` (`RandomStreams.binomial`)."""
    return _stream(rng).binomial(size, n=n, p=p, **kwargs)


def standard_normal(size=None, rng=None, **kwargs):
    """Standard normal (`RandomStreams.standard_normal`)."""
    return _stream(rng).standard_normal(size, **kwargs)


def _same_order(name):
    method = getattr(RandomStreams, name)
    names = list(inspect.signature(method).parameters)[1:]
    count = names.index("size")  # the distribution's parameters come first

    def sampler(*args, size=None, rng=None, **kwargs):
        if len(args) > count + 2:
            raise TypeError(f"{name}() takes at most {count + 2} positional arguments ({len(args)} given)")
        extra = args[count:]
        size = extra[0] if extra else size
        rng = extra[1] if len(extra) > 1 else rng
        return getattr(_stream(rng), name)(*args[:count], size=size, **kwargs)

    sampler.__name__ = sampler.__qualname__ = name
    sampler.__doc__ = f"`rng.{name}({', '.join(names[:count])}, size=size, **kwargs)` (see `RandomStreams.{name}`)."
    return sampler


globals().update({name: _same_order(name) for name in SAME_ORDER})
