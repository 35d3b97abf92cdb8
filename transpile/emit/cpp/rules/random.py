"""Random draws (uniform, normal, binomial and the bounded-round samplers of `sampling.py`): (state, size, *params) ->
(new_state, sample), bit-identical to the numpy reference (the samplers are in
templates/runtime/random.h.j2). The state [key, counter] is read, the new state is [key, counter + 1], and
the sample is filled by element ranges split across threads (the generator is counter-based,
so every element's words are known without running the ones before)."""
from transpile.emit.registry import LoweringError, register_lowering
from transpile.tensor.random import distributions as dist
from transpile.tensor.random import philox
from transpile.tensor.random import sampling as smp
from transpile.tensor.random.draws import (
    CategoricalDraw, ExponentialDraw, GammaDraw, IntegersDraw, PoissonDraw, TruncatedNormalDraw)
from transpile.tensor.random.op import STATE_LEN, BinomialDraw, NormalDraw, RandomDraw, UniformDraw

_SAMPLERS = {UniformDraw: "uniform", NormalDraw: "normal", BinomialDraw: "binomial", IntegersDraw: "integers",
             PoissonDraw: "poisson", ExponentialDraw: "exponential", GammaDraw: "gamma",
             TruncatedNormalDraw: "truncated_normal", CategoricalDraw: "categorical"}
#: samplers whose parameters are checked per element (they return false on a bad one): the message
_CHECKED = {
    "binomial": "binomial needs 0 <= p <= 1",
    "integers": "integers need low < high and high - low <= 2**53",
    "poisson": f"poisson needs 0 <= lam <= {smp.POISSON_LAM_MAX:g}",
    "exponential": "exponential needs scale >= 0",
    "gamma": "gamma needs 0 < shape < inf and scale >= 0",
    "categorical": (f"p must have non-negative entries and rows summing to 1 (within {smp.CATEGORICAL_TOL:g}) "
                    "over at least one category"),
}


def random_constants():
    """The data of templates/runtime/random.h.j2: Philox's constants and the reference's
    polynomial coefficients (`distributions.py`), as exact C++ literals (hexadecimal floats)."""
    def coefs(values):
        return [float(v).hex() for v in values]
    return {"rounds": philox.ROUNDS, "m0": f"{philox.PHILOX_M0:#x}", "m1": f"{philox.PHILOX_M1:#x}",
            "w0": f"{philox.PHILOX_W0:#x}", "w1": f"{philox.PHILOX_W1:#x}", "ln2": dist.LN2.hex(),
            "sqrt_half": dist.SQRT_HALF.hex(), "half_pi": dist.HALF_PI.hex(), "log_coefs": coefs(dist.LOG_COEFS),
            "cos_coefs": coefs(dist.COS_COEFS), "sin_coefs": coefs(dist.SIN_COEFS),
            "ln2_hi": smp.LN2_HI.hex(), "ln2_lo": smp.LN2_LO.hex(), "inv_ln2": smp.INV_LN2.hex(),
            "exp_min": smp.EXP_MIN.hex(), "exp_coefs": coefs(smp.EXP_COEFS), "poisson_part": smp.POISSON_PART.hex(),
            "poisson_lam_max": smp.POISSON_LAM_MAX.hex(), "trunc_bound": smp.TRUNC_BOUND.hex(),
            "categorical_tol": smp.CATEGORICAL_TOL.hex(), "third": smp.THIRD.hex(),
            "trunc_rounds": smp.TRUNC_ROUNDS, "gamma_tries": smp.GAMMA_TRIES}


def start_draw(lc, node):
    """The checks of the state, the size and the parameters (the reference's errors): `key_`,
    `counter_`, the sample's shape (returned: `size_`, or nullptr for 0 dims), each parameter's
    strides over it (`ps0_`, ...) and `state_shape_`. Shared with the CUDA rule."""
    op = node.op
    state, size, *params = node.inputs
    lc.use_runtime("random", **random_constants())
    nd = op.ndim
    st, sz = lc.name(state), lc.name(size)
    lc.emit(f"if ({st}.shape[0] != {STATE_LEN}) "
            + lc.fail("value", f"%s: the random state must be a uint64 vector of length {STATE_LEN} [key, counter], "
                      "got shape %s", lc.label(), f"tr::shape_text({st}.shape, 1).text"),
            f"const uint64_t key_ = {st}.data[0], counter_ = {st}.data[{st}.strides[0]];",
            f"if ({sz}.shape[0] != {nd}) "
            + lc.fail("value", f"%s: size has %lld entries, expected {nd}", lc.label(), f"(long long){sz}.shape[0]"))
    shape = "nullptr"
    if nd:
        lc.emit(f"int64_t size_[{nd}];",
                f"for (int d = 0; d < {nd}; ++d) size_[d] = static_cast<int64_t>({sz}.data[d * {sz}.strides[0]]);",
                f"for (int d = 0; d < {nd}; ++d) if (size_[d] < 0) "
                + lc.fail("value", "%s: size must be non-negative, got %s", lc.label(), f"tr::shape_text(size_, {nd}).text"))
        shape = "size_"
    for j, p in enumerate(params):
        _broadcast_p(lc, p, nd, f"ps{j}_", core=node.op.param_core_dims)
    lc.emit(f"const int64_t state_shape_[1] = {{{STATE_LEN}}};")
    return shape


@register_lowering(RandomDraw)
def lower_random_draw(lc, node):
    op = node.op
    kind = _SAMPLERS.get(type(op))
    if kind is None:
        raise LoweringError(f"{op}: no native sampler for random draws of class {type(op).__qualname__} "
                            f"(lowered: {', '.join(c.__name__ for c in _SAMPLERS)})")
    params = node.inputs[2:]
    new_state, sample = node.outputs
    shape = start_draw(lc, node)
    ns = lc.alloc(new_state, "state_shape_")
    lc.emit(f"{ns.name}.data[0] = key_;", f"{ns.name}.data[1] = counter_ + 1;")
    nd = op.ndim
    out = lc.alloc(sample, shape)
    n = f"tr::numel({out.name}.shape, {nd})" if nd else "int64_t(1)"
    lc.emit(f"const int64_t n_ = {n};")
    work = "n_"
    if kind == "binomial":
        lc.emit("std::atomic<bool> bad_{false};")
        call = (f"if (!rnd::binomial({out.name}.data, lo_, hi_, {nd}, {out.name}.shape, {lc.name(params[0])}.data, ps0_, "
                f"int64_t({op.n}), key_, counter_)) bad_.store(true);")
        work = f"n_ * {max(op.n, 1)}"
    elif kind in ("uniform", "normal"):
        call = f"rnd::{kind}({out.name}.data, lo_, hi_, key_, counter_);"
    elif kind == "truncated_normal":
        call = f"rnd::truncated_normal({out.name}.data, lo_, hi_, uint64_t(n_), key_, counter_);"
    else:
        shape_arg = f"{out.name}.shape" if nd else "nullptr"
        s1 = "ps1_" if len(params) > 1 else "ps0_"
        args = [lc.name(p) + ".data" for p in params]
        if kind == "categorical":
            p = lc.name(params[0])
            args += [f"{p}.shape[{params[0].ndim - 1}]", f"{p}.strides[{params[0].ndim - 1}]"]
        call = (f"if (!rnd::{kind}({out.name}.data, lo_, hi_, rnd::Cursor({nd}, {shape_arg}, ps0_, {s1}, lo_), "
                f"{', '.join(args)}, uint64_t(n_), key_, counter_)) bad_.store(true);")
        lc.emit("std::atomic<bool> bad_{false};")
    lc.emit(f"if (n_ > 0) tr::parallel_for(n_, {work}, [&](int64_t lo_, int64_t hi_) TR_NOINLINE {{ {call} }});")
    if kind in _CHECKED:
        lc.emit("if (bad_.load()) " + lc.fail("value", f"%s: {_CHECKED[kind]}", lc.label()))


def _broadcast_p(lc, p, nd, name, core=0):
    """`name`: p's strides over the sample's dims (numpy broadcasting: right-aligned, a length-1
    dim is read with stride 0), after checking that p broadcasts to the size."""
    src = lc.name(p)
    lead = nd - (p.ndim - core)
    lc.emit(f"int64_t {name}[{max(nd, 1)}] = {{0}};")
    for d in range(p.ndim - core):
        lc.emit(f"if ({src}.shape[{d}] != 1 && {src}.shape[{d}] != size_[{lead + d}]) "
                + lc.fail("value", "%s: parameter of shape %s cannot be broadcast to size %s", lc.label(),
                          f"tr::shape_text({src}.shape, {p.ndim}).text", f"tr::shape_text(size_, {nd}).text"),
                f"{name}[{lead + d}] = {src}.shape[{d}] == 1 ? 0 : {src}.strides[{d}];")
