"""SparseType, sparse variables, constants and shared variables: checking values and errors."""
import numpy as np
import pytest
import scipy.sparse as sp

import transpile
import transpile.sparse as S
import transpile.tensor as T
from transpile import function


@pytest.fixture(autouse=True)
def _float64_default():
    """These tests build float64 data: pin floatX whatever TRANSPILE_FLAGS says."""
    with transpile.config.change_flags(floatX="float64"):
        yield


def rand(fmt="csr", shape=(5, 4), dtype="float64", seed=0):
    return sp.random(*shape, density=0.4, format=fmt, random_state=seed, dtype=dtype)


@pytest.mark.single_mode
def test_type_identity_and_str():
    t = S.SparseType("csr", "float64")
    assert t == S.SparseType("csr", "float64") and hash(t) == hash(S.SparseType("csr", "float64"))
    assert t != S.SparseType("csc", "float64") and t != S.SparseType("csr", "float32")
    assert str(t) == "SparseType(csr, float64)"
    assert str(S.csc_matrix(dtype="float32").type) == "SparseType(csc, float32)"
    assert str(S.csr_matrix()) == "<SparseType(csr, float64)>"
    assert str(S.csr_matrix("x")) == "x"
    x = S.csr_matrix("x")
    assert x.ndim == 2 and x.format == "csr" and x.dtype == "float64" and x.type.broadcastable == (False, False)
    with pytest.raises(ValueError, match="format"):
        S.SparseType("coo", "float64")
    with pytest.raises(TypeError, match="dtype"):
        S.SparseType("csr", "float17")


@pytest.mark.single_mode
def test_filter():
    t = S.SparseType("csr", "float64")
    a = rand()
    assert t.filter(a) is a
    assert t.filter(sp.csr_array(a)).format == "csr"
    with pytest.raises(TypeError, match="expected a csr matrix.*got a csc matrix.*tocsr"):
        t.filter(a.tocsc())
    with pytest.raises(TypeError, match="got a dense ndarray"):
        t.filter(a.toarray())
    with pytest.raises(TypeError, match="dtype float64.*float32"):
        t.filter(a.astype("float32"))
    assert t.filter(a.astype("float32"), allow_downcast=True).dtype == np.float64
    assert t.values_eq(a, a.copy()) and not t.values_eq(a, a * 2)
    assert t.values_eq_approx(a, a + a * 1e-12)


def test_function_input_errors():
    x = S.csr_matrix("x")
    f = function([x], S.dense_from_sparse(x))
    a = rand()
    np.testing.assert_array_equal(f(a), a.toarray())
    with pytest.raises(TypeError, match="Bad input argument 0.*csc matrix"):
        f(a.tocsc())
    with pytest.raises(TypeError, match="dense ndarray"):
        f(a.toarray())
    with pytest.raises(TypeError, match="dtype float64"):
        f(a.astype("float32"))
    y = T.matrix("y")
    g = function([y], y * 2)
    with pytest.raises(TypeError, match="sparse"):
        g(a)


def test_identity_function_returns_a_copy():
    x = S.csc_matrix("x")
    a = rand("csc")
    out = function([x], x)(a)
    assert out.format == "csc" and out is not a and not np.shares_memory(out.data, a.data)
    np.testing.assert_array_equal(out.toarray(), a.toarray())
    t = function([x], x.T)(a)
    assert t.format == "csr" and not np.shares_memory(t.data, a.data)


def test_constants():
    a = rand()
    c = S.as_sparse_variable(a)
    assert isinstance(c, S.SparseConstant) and c.type == S.SparseType("csr", "float64")
    assert S.as_sparse_variable(c) is c
    assert S.as_sparse_variable(a.tocoo()).type.format == "csr"
    np.testing.assert_array_equal(function([], S.dense_from_sparse(c))(), a.toarray())
    with pytest.raises(TypeError, match="sparse"):
        S.as_sparse_variable(T.matrix())
    with pytest.raises(TypeError, match="sparse"):
        S.as_sparse_variable(np.zeros((2, 2)))


def test_shared_sparse():
    a = rand(dtype="float32")
    s = transpile.shared(a, name="s")
    assert isinstance(s, S.SparseSharedVariable) and s.type == S.SparseType("csr", "float32")
    a.data[:] = 0  # shared() copied its value
    v = s.get_value()
    assert v.nnz and abs(v).max() > 0
    f = function([], S.sp_sum(s), updates=[(s, s * 2)])
    total = f()
    assert f() == pytest.approx(2 * total)
    np.testing.assert_allclose(s.get_value().toarray(), 4 * v.toarray())
    with pytest.raises(TypeError, match="csc matrix"):
        s.set_value(v.tocsc())
    s.set_value(v)
    assert f() == pytest.approx(total)
    with pytest.raises(TypeError, match="csr or csc"):
        transpile.shared(sp.random(3, 3, format="coo"))
