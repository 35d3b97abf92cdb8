"""Every elementwise function of `transpile.tensor` against numpy: shapes, dtypes, mixed dtypes,
refused dtypes, and special values (nan, inf, ties)."""
import zlib

import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.batched import batched_case, batched_verify_grad, case_rng
from tests.tensor.op_cases import CASES, DTYPES, FLOATS, GRAD_CASES, GRAD_NOT_IMPLEMENTED, draw

SHAPES = [(), (5,), (3, 4), (2, 3, 4)]
MIXED = [("int32", "float32"), ("uint8", "int32"), ("bool", "float64"), ("int64", "float32"),
         ("float32", "float64"), ("uint8", "float32"), ("bool", "int32")]
RTOL = {"float32": 2e-5, "float64": 1e-9}


def _ids(case):
    return case.name


def _var(dtype, ndim):
    return T.tensor(dtype, (False,) * ndim)


def reference(case, values):
    """numpy's result; computed from float32 inputs where numpy would answer in float16
    (transpile never makes float16: small integers become float32)."""
    with np.errstate(all="ignore"):
        expected = np.asarray(case.ref(*values))
        if expected.dtype == np.float16:
            expected = np.asarray(case.ref(*[v.astype("float32") for v in values]))
            assert expected.dtype == np.float32
    return expected


def check(result, expected, dtype):
    assert result.dtype == dtype
    assert result.shape == expected.shape
    if dtype in RTOL:
        np.testing.assert_allclose(result, expected.astype(dtype), rtol=RTOL[dtype], atol=RTOL[dtype],
                                   equal_nan=True)
    else:
        np.testing.assert_array_equal(result, expected.astype(dtype))


def _domain_has_values(case, dtype):
    """False where an accepted dtype has no value in the op's domain (log1mexp of bools)."""
    try:
        draw(case, dtype, (1,), np.random.default_rng(0))
        return True
    except ValueError:
        return False


VALUE_CASES = [pytest.param(case, dtype, id=f"{case.name}-{dtype}") for case in CASES for dtype in DTYPES
               if dtype not in case.dtypes or _domain_has_values(case, dtype)]


_VALUE_RUNS = {}
#: cases compiled together by test_values: one native build per group of this many consecutive
#: cases (a build's fixed cost is about that of a case's 20 outputs)
VALUE_GROUP = 6


def _value_run(case, mode):
    """Every accepted dtype x shape of `case`, computed by one compiled function shared with the
    other cases of its group (consecutive cases of CASES): {(case name, dtype): [(input values,
    output variable, result), ...]}. Each case's inputs are drawn from a generator seeded by its
    name, so any test process (and any xdist worker) builds the same graph and finds it in the
    shared compile cache."""
    start = CASES.index(case) // VALUE_GROUP * VALUE_GROUP
    group = CASES[start:start + VALUE_GROUP]
    key = (group[0].name, mode)
    if key not in _VALUE_RUNS:
        inputs, outputs, data, owners = [], [], [], []
        for member in group:
            rng = np.random.default_rng(zlib.crc32(member.name.encode()))
            for dtype in [d for d in member.dtypes if d in DTYPES and _domain_has_values(member, d)]:
                for shape in SHAPES:
                    xs = [_var(dtype, len(shape)) for _ in range(member.nin)]
                    inputs += xs
                    outputs.append(member.fn(*xs))
                    data.append(draw(member, dtype, shape, rng))
                    owners.append((member.name, dtype))
        results = transpile.function(inputs, outputs)(*[v for values in data for v in values])
        runs = {}
        for owner, values, out, result in zip(owners, data, outputs, results):
            runs.setdefault(owner, []).append((values, out, result))
        _VALUE_RUNS[key] = runs
    return _VALUE_RUNS[key]


@pytest.mark.parametrize("case, dtype", VALUE_CASES)
def test_values(case, dtype, mode):
    if dtype not in case.dtypes:
        with pytest.raises(TypeError):
            case.fn(*[_var(dtype, 1) for _ in range(case.nin)])
        return
    runs = _value_run(case, mode)[case.name, dtype]
    assert [np.shape(values[0]) for values, _, _ in runs] == SHAPES
    for values, out, result in runs:
        expected = reference(case, values)
        check(result, expected, out.dtype)
        if case.numpy_dtype:
            assert out.dtype == expected.dtype.name


BY_NAME = {case.name: case for case in CASES}
assert len(BY_NAME) == len(CASES)
MULTI_INPUT = [c.name for c in CASES if c.nin >= 2]


def build_mixed_dtypes(name):
    """The case on every pair of MIXED it accepts (dtypes alternate over its inputs)."""
    case, rng = BY_NAME[name], case_rng()
    pairs = [p for p in MIXED if all(d in case.dtypes for d in p)]
    inputs, outputs, values = [], [], []
    for pair in pairs:
        dtypes = (list(pair) * 2)[:case.nin]
        try:
            vals = draw(case, dtypes, (3, 4), rng)
        except ValueError:
            continue
        xs = [_var(d, 2) for d in dtypes]
        inputs += xs
        outputs.append(case.fn(*xs))
        values += vals
    return inputs, outputs, values


@pytest.mark.parametrize("case", [c for c in CASES if c.nin >= 2], ids=_ids)
def test_mixed_dtypes(case, mode):
    values, outputs, results = batched_case(mode, MULTI_INPUT, build_mixed_dtypes, case.name)
    assert len(values) == case.nin * len(outputs)
    for k, (out, result) in enumerate(zip(outputs, results)):
        vals = values[k * case.nin:(k + 1) * case.nin]
        expected = reference(case, vals)
        check(result, expected, out.dtype)
        if case.numpy_dtype:
            assert out.dtype == expected.dtype.name


def build_broadcasting(name):
    """row op col and the other layouts, then a matrix op a vector; each form takes nin inputs."""
    case, rng = BY_NAME[name], case_rng()
    dtype = "float64" if "float64" in case.dtypes else case.dtypes[-1]
    forms = [(T.row, (1, 4)), (T.col, (3, 1))] + [(T.matrix, (3, 4))] * 3
    inputs, outputs, values = [], [], []
    for layout in ([0, 1, 2], [2, 1, 0], [1, 2, 3]):
        makers = [forms[i] for i in layout + [2] * case.nin][:case.nin]
        xs = [make(dtype=dtype) for make, _ in makers]
        inputs += xs
        outputs.append(case.fn(*xs))
        values += [draw(case, dtype, shape, rng)[k] for k, (_, shape) in enumerate(makers)]
    # matrix with a vector
    x, v = _var(dtype, 2), _var(dtype, 1)
    xs = ([x, v] + [_var(dtype, 1) for _ in range(case.nin - 2)])[:case.nin]
    vals = [draw(case, dtype, (3, 4), rng)[0], draw(case, dtype, (4,), rng)[1]]
    for k in range(2, case.nin):
        vals.append(draw(case, dtype, (4,), rng)[k])
    return inputs + xs, outputs + [case.fn(*xs)], values + vals


@pytest.mark.parametrize("case", [c for c in CASES if c.nin >= 2], ids=_ids)
def test_broadcasting(case, mode):
    """row op col, and a matrix op a vector (the vector gains a broadcastable dim on the left)."""
    values, outputs, results = batched_case(mode, MULTI_INPUT, build_broadcasting, case.name)
    assert len(outputs) == 4 and len(values) == 4 * case.nin
    for k, (out, result) in enumerate(zip(outputs, results)):
        check(result, reference(case, values[k * case.nin:(k + 1) * case.nin]), out.dtype)


def test_dimshuffle_x_broadcasts(rng):
    v = T.dvector()
    m = T.dmatrix()
    out = v.dimshuffle(0, "x") * m
    a, b = rng.random(3), rng.random((3, 4))
    np.testing.assert_allclose(transpile.function([v, m], out)(a, b), a[:, None] * b)


@pytest.mark.parametrize("fn", [T.add, T.mul, T.sub, T.maximum, T.eq])
def test_non_broadcastable_length_one_is_an_error(fn):
    """Theano's rule: a length-1 dim not typed broadcastable is not broadcast."""
    x, y = T.dmatrix("x"), T.dmatrix("y")
    f = transpile.function([x, y], fn(x, y))
    with pytest.raises(ValueError, match=r"\(1, 3\).*\(2, 3\)"):
        f(np.ones((1, 3)), np.ones((2, 3)))


def test_shape_mismatch_is_an_error():
    x, y = T.dmatrix(), T.dmatrix()
    f = transpile.function([x, y], x + y)
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(2, 4\)"):
        f(np.ones((2, 3)), np.ones((2, 4)))
    with pytest.raises(ValueError):
        transpile.function([x, y], T.exp(x) * y)(np.ones((3, 3)), np.ones((2, 3)))


def test_arity_errors():
    x = T.dvector()
    with pytest.raises(TypeError):
        T.exp(x, x)
    with pytest.raises(TypeError):
        T.switch(x, x)
    with pytest.raises(TypeError):
        T.sub(x, x, x)


# -- special values -------------------------------------------------------------------------------
def _run(fn, *values):
    xs = [T.tensor(np.asarray(v).dtype.name, (False,) * np.ndim(v)) for v in values]
    return transpile.function(xs, fn(*xs))(*values)


@pytest.mark.parametrize("dtype", FLOATS)
def test_rounding_ties(dtype):
    x = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49999997, -0.49999997, np.nan, np.inf], dtype=dtype)
    np.testing.assert_array_equal(_run(T.round, x), np.round(x))
    np.testing.assert_array_equal(_run(T.round_half_away_from_zero, x),
                                  np.array([-3, -2, -1, 1, 2, 3, 0, 0, np.nan, np.inf], dtype=dtype))
    np.testing.assert_array_equal(_run(lambda v: T.round(v, "half_away_from_zero"), x),
                                  _run(T.round_half_away_from_zero, x))
    with pytest.raises(ValueError, match="mode"):
        T.round(T.dvector(), "up")


def test_round_half_away_exact_near_half():
    x = np.array([0.49999999999999994, -0.49999999999999994, 2.5000000000000004])
    np.testing.assert_array_equal(_run(T.round_half_away_from_zero, x), [0.0, -0.0, 3.0])


def test_iround_is_int64():
    assert T.iround(T.dvector()).dtype == "int64"
    np.testing.assert_array_equal(_run(T.iround, np.array([0.5, 1.5, -2.7])), [0, 2, -3])


def test_floor_div_and_mod_python_semantics():
    a = np.array([7, -7, 7, -7, 0], dtype="int32")
    b = np.array([2, 2, -2, -2, 3], dtype="int32")
    np.testing.assert_array_equal(_run(T.floor_div, a, b), a // b)
    np.testing.assert_array_equal(_run(T.mod, a, b), a % b)
    fa, fb = a.astype("float64") + 0.5, b.astype("float64")
    np.testing.assert_array_equal(_run(T.floor_div, fa, fb), fa // fb)
    np.testing.assert_array_equal(_run(T.mod, fa, fb), fa % fb)
    x = T.ivector()
    assert (x // 2).dtype == "int32" and (x % 2).dtype == "int32"
    np.testing.assert_array_equal(_run(lambda v: v // 0, a), np.zeros(5, "int32"))


def test_nan_and_inf():
    x = np.array([np.nan, np.inf, -np.inf, 0.0, 1.0])
    np.testing.assert_array_equal(_run(T.isnan, x), np.isnan(x))
    np.testing.assert_array_equal(_run(T.isinf, x), np.isinf(x))
    np.testing.assert_array_equal(_run(T.maximum, x, np.zeros(5)), np.maximum(x, 0))
    np.testing.assert_array_equal(_run(T.minimum, np.zeros(5), x), np.minimum(0, x))
    np.testing.assert_array_equal(_run(T.clip, x, np.full(5, -1.0), np.full(5, 1.0)), np.clip(x, -1, 1))
    np.testing.assert_array_equal(_run(T.sgn, x), np.sign(x))


def test_stable_sigmoid_softplus_log1mexp():
    x = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    np.testing.assert_allclose(_run(T.sigmoid, x), [0.0, np.exp(-50.0), 0.5, 1.0, 1.0], rtol=1e-12)
    np.testing.assert_allclose(_run(T.softplus, x), [0.0, np.exp(-50.0), np.log(2), 50.0, 1000.0], rtol=1e-12)
    y = np.array([-1e-20, -1e-5, -1.0, -50.0, -1000.0])
    np.testing.assert_allclose(_run(T.log1mexp, y), [np.log(1e-20), np.log(-np.expm1(-1e-5)),
                                                    np.log1p(-np.exp(-1.0)), -np.exp(-50.0), 0.0], rtol=1e-12)
    f32 = np.array([-200.0, 200.0], dtype="float32")
    assert np.all(np.isfinite(_run(T.sigmoid, f32)))
    assert np.all(np.isfinite(_run(T.softplus, f32)))


def test_erfinv_edges():
    x = np.array([-1.0, 1.0, 1.5, 0.0, 1 - 1e-15])
    out = _run(T.erfinv, x)
    assert out[0] == -np.inf and out[1] == np.inf and np.isnan(out[2]) and out[3] == 0
    np.testing.assert_allclose(_run(T.erf, out[4:]), x[4:], rtol=1e-15)


def test_logic_on_bool_and_ints():
    a = np.array([True, False, True, False])
    b = np.array([True, True, False, False])
    for fn, ref in [(T.and_, a & b), (T.or_, a | b), (T.xor, a ^ b)]:
        np.testing.assert_array_equal(_run(fn, a, b), ref)
    np.testing.assert_array_equal(_run(T.invert, a), ~a)
    i = np.array([5, -3, 0, 12], dtype="int32")
    np.testing.assert_array_equal(_run(T.invert, i), ~i)
    u = np.array([0, 1, 255], dtype="uint8")
    np.testing.assert_array_equal(_run(T.invert, u), ~u)
    for fn in (T.and_, T.or_, T.xor):
        with pytest.raises(TypeError):
            fn(T.dvector(), T.ivector())
    with pytest.raises(TypeError):
        T.invert(T.fvector())


def test_operators_use_these_functions():
    x, y = T.ivector(), T.ivector()
    a, b = np.array([7, -7, 3], "int32"), np.array([2, 3, -2], "int32")
    f = transpile.function([x, y], [x // y, x % y, abs(x), x & y, x | y, x ^ y, ~x, x < y, x <= y,
                                    x > y, x >= y, x ** 2, -x])
    expected = [a // b, a % b, abs(a), a & b, a | b, a ^ b, ~a, a < b, a <= b, a > b, a >= b, a ** 2, -a]
    for r, e in zip(f(a, b), expected):
        np.testing.assert_array_equal(r, e)
        assert r.dtype == e.dtype
    d = T.dvector()
    v = np.array([-1.5, 0.25, 2.5])
    g = transpile.function([d], [d.clip(-1, 1), d.round(), d.round("half_away_from_zero"), d.norm(2)])
    out = g(v)
    np.testing.assert_allclose(out[0], np.clip(v, -1, 1))
    np.testing.assert_allclose(out[1], np.round(v))
    np.testing.assert_allclose(out[2], [-2.0, 0.0, 3.0])
    np.testing.assert_allclose(out[3], np.linalg.norm(v))


def test_aliases():
    assert T.floor_div is T.int_div
    assert T.abs is T.abs_
    assert T.reciprocal is T.inv
    assert T.where is T.extra_ops.where  # where(c, a, b) is switch; where(c) is nonzero
    assert T.fill is T.second
    assert T.tensor_copy is T.identity
    assert (T.bitwise_and, T.bitwise_or, T.bitwise_xor, T.bitwise_not) == (T.and_, T.or_, T.xor, T.invert)


def test_relu():
    v = np.array([-2.0, -0.5, 0.0, 1.5])
    np.testing.assert_allclose(_run(T.relu, v), np.maximum(v, 0))
    np.testing.assert_allclose(_run(lambda x: T.relu(x, 0.2), v), np.where(v > 0, v, 0.2 * v))
    alpha = T.dscalar()
    x = T.dvector()
    f = transpile.function([x, alpha], T.relu(x, alpha))
    np.testing.assert_allclose(f(v, 0.3), np.where(v > 0, v, 0.3 * v))


def test_cast_zeros_ones_like():
    x = T.fmatrix()
    assert T.cast(x, "float32") is x
    assert T.cast(x, "int64").dtype == "int64"
    with pytest.raises(TypeError):
        T.cast(x, "float16x")
    v = np.array([[1.7, -2.2]], dtype="float32")
    z, o, oi = transpile.function([x], [T.zeros_like(x), T.ones_like(x), T.ones_like(x, dtype="int8")])(v)
    assert z.dtype == "float32" and o.dtype == "float32" and oi.dtype == "int8"
    np.testing.assert_array_equal(z, np.zeros((1, 2)))
    np.testing.assert_array_equal(oi, np.ones((1, 2)))
    np.testing.assert_array_equal(_run(lambda a: T.cast(a, "int32"), v), v.astype("int32"))


def test_every_name_is_exported():
    import transpile.tensor.math as M
    for name in M.__all__:
        assert getattr(T, name) is getattr(M, name), name


# -- gradients ------------------------------------------------------------------------------------
#: gradient tables: consecutive cases, 16 to a table (one build of 16 cases costs a third of
#: their 16 builds in compiler CPU; a build of all of them, more than half)
GRAD_TABLES = [[c.name for c in GRAD_CASES[k:k + 16]] for k in range(0, len(GRAD_CASES), 16)]


def build_grad(name):
    case = BY_NAME[name]
    return case.fn, draw(case, "float64", (2, 3), case_rng())


@pytest.mark.parametrize("case", GRAD_CASES, ids=_ids)
def test_grad(case, mode):
    """The symbolic gradient against finite differences, in float64 on the case's domain."""
    (table,) = [t for t in GRAD_TABLES if case.name in t]
    batched_verify_grad(mode, table, build_grad, case.name)


@pytest.mark.parametrize("case", [c for c in CASES if not c.grad and c.name not in GRAD_NOT_IMPLEMENTED
                                  and "float64" in c.dtypes], ids=_ids)
def test_grad_of_piecewise_constant_is_zero(case, rng):
    xs = [T.dmatrix() for _ in range(case.nin)]
    out = case.fn(*xs)
    if not out.dtype.startswith("float"):
        out = T.cast(out, "float64")
    grads = transpile.grad(T.sum(out), xs)
    values = transpile.function(xs, grads)(*draw(case, "float64", (2, 3), rng))
    for g in values:
        np.testing.assert_array_equal(g, np.zeros((2, 3)))


def test_grad_float32_keeps_dtype(rng):
    x = T.fvector()
    for fn in (T.exp, T.sigmoid, T.erf, T.sqr, T.tanh, lambda v: T.clip(v, -0.5, 0.5)):
        g = transpile.grad(T.sum(fn(x)), x)
        assert g.dtype == "float32"


def test_tri_gamma_grad_not_implemented():
    x = T.dvector()
    with pytest.raises(NotImplementedError):
        transpile.grad(T.sum(T.tri_gamma(x)), x)


def test_grad_at_ties_goes_to_one_input():
    x, y = T.dvector(), T.dvector()
    gx, gy = transpile.grad(T.sum(T.maximum(x, y)), [x, y])
    rx, ry = transpile.function([x, y], [gx, gy])(np.array([1.0, 2.0]), np.array([1.0, 3.0]))
    np.testing.assert_array_equal(rx + ry, [1.0, 1.0])
