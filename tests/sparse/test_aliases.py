"""transpile.sparse's Theano names (sparse/aliases.py) against scipy.sparse, in every mode."""
import numpy as np
import pytest
import scipy.sparse as sps

import transpile
import transpile.sparse as S
import transpile.tensor as T


def test_typed_constructors_parts_casts_and_op_instances():
    x, c, y = S.csr_dmatrix("x"), S.csc_fmatrix("c"), T.dmatrix("y")
    assert (x.type.format, x.type.dtype, c.type.format, c.type.dtype) == ("csr", "float64", "csc", "float32")
    assert (S.csr_fmatrix().type.dtype, S.csc_dmatrix().type.format) == ("float32", "csc")
    xv = sps.random(3, 4, density=0.5, format="csr", random_state=0) * 5
    cv = sps.random(3, 4, density=0.5, format="csc", random_state=1, dtype="float32")
    yv = np.arange(12.0).reshape(3, 4)
    outs = [S.csm_data(x), S.csm_indices(x), S.csm_indptr(x), S.csm_shape(x), S.csm_indptr(c), S.fcast(x), S.lcast(x),
            S.icast(x), S.wcast(x), S.bcast(x), S.dcast(c), S.add_s_s(x, x), S.add_s_d(x, y), S.mul_s_s(x, x),
            S.mul_s_d(x, y)]
    got = transpile.function([x, c, y], outs)(xv, cv, yv)
    expected = [xv.data, xv.indices, xv.indptr, np.array(xv.shape), cv.indptr, xv.astype("float32"), xv.astype("int64"),
                xv.astype("int32"), xv.astype("int16"), xv.astype("int8"), cv.astype("float64"), xv + xv, xv + yv,
                xv.multiply(xv), sps.csr_matrix(xv.multiply(yv))]
    for k, (g, e) in enumerate(zip(got, expected)):
        if sps.issparse(e):
            assert sps.issparse(g) and g.format == e.format and g.dtype == e.dtype, k
            g, e = g.toarray(), e.toarray()
        else:
            g, e = np.asarray(g), np.asarray(e)
        np.testing.assert_allclose(g, np.asarray(e), rtol=1e-6, err_msg=str(k))


def test_csm_data_gradient_and_errors():
    x = S.csr_dmatrix("x")
    g = transpile.grad(T.sum(S.csm_data(x) ** 2), x)
    xv = sps.csr_matrix(np.array([[0.0, 2.0], [3.0, 0.0]]))
    np.testing.assert_allclose(transpile.function([x], g)(xv).toarray(), 2 * xv.toarray())
    with pytest.raises(TypeError):
        S.csm_data(T.dmatrix())


def test_shape_of_sparse_variables():
    x, c = S.csr_matrix("x"), S.csc_matrix("c")
    f = transpile.function([x, c], [x.shape, x.shape[0] * 2, c.shape[1]])
    xv = sps.random(3, 5, density=0.3, format="csr", random_state=1)
    cv = sps.random(2, 7, density=0.3, format="csc", random_state=2)
    shape, rows, cols = f(xv, cv)
    np.testing.assert_array_equal(shape, [3, 5])
    assert int(rows) == 6 and int(cols) == 7 and shape.dtype == np.int64
