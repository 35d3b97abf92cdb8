"""`infer_shape` of the subtensor ops: the symbolic shape must equal the computed one."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile.tensor.subtensor_shape import slice_length


def inferred_shape(out):
    """Compile the output shape given by the op's infer_shape (inputs' shapes from T.shape)."""
    node = out.owner
    shapes = [tuple(T.shape(i)[d] for d in range(i.ndim)) for i in node.inputs]
    (shape,) = node.op.infer_shape(node, shapes)
    assert len(shape) == out.ndim
    for s in shape:
        assert s.dtype == "int64" and s.ndim == 0, s.type
    return list(shape)


@pytest.mark.single_mode
def test_constant_slice_lengths():
    for n in range(0, 6):
        for start in [None, -7, -3, -1, 0, 1, 4, 9]:
            for stop in [None, -7, -2, 0, 2, 5, 9]:
                for step in [None, 1, 2, 3, -1, -2, -4]:
                    assert slice_length(n, start, stop, step) == len(range(n)[start:stop:step])


def test_symbolic_slice_lengths():
    n, a, b, c = T.lscalar("n"), T.lscalar("a"), T.lscalar("b"), T.lscalar("c")
    exprs, cases = [], []
    for start in [None, -3, a]:
        for stop in [None, 4, b]:
            for step in [None, 2, -3, c]:
                exprs.append(slice_length(n, start, stop, step))
                cases.append((start, stop, step))
    exprs = [T.as_tensor_variable(e) for e in exprs]
    f = transpile.function([n, a, b, c], exprs, on_unused_input="ignore")
    for nv in [0, 1, 5]:
        for av, bv, cv in [(0, 3, 1), (-2, -9, -1), (7, 1, -2), (-1, 8, 3)]:
            got = f(nv, av, bv, cv)
            for (start, stop, step), g in zip(cases, got):
                s = av if start is a else start
                e = bv if stop is b else stop
                t = cv if step is c else step
                assert g == len(range(nv)[s:e:t]), (nv, s, e, t)


KEYS = [
    (1,), (slice(1, 3),), (slice(None, None, -2), 0), (Ellipsis, 1), (None, slice(-2, None)),
    (0, 2), (slice(None), slice(1, 2)), (slice(-9, 9, 3), None, slice(5, 1, -1)), (slice(4, 1),),
    (-1, slice(None, -1), slice(None, None, -4)), (),
]


def check_shapes(inputs, values, outs):
    shapes = [inferred_shape(o) for o in outs]
    vectors = [T.stack(s) if s else T.constant(np.zeros(0, "int64")) for s in shapes]
    got = transpile.function(inputs, vectors + outs, on_unused_input="ignore")(*values)
    n = len(outs)
    for s, o in zip(got[:n], got[n:]):
        assert tuple(s) == o.shape


def test_basic_infer_shape(rng):
    x = T.dtensor3("x")
    a = T.lscalar("a")
    outs = [x[k] for k in KEYS] + [x[a:, ::-1], x[:a:2, None, -a], x[::a]]
    value = rng.normal(size=(5, 4, 3))
    check_shapes([x, a], [value, 2], outs)
    check_shapes([x, a], [value, -2], outs)


def test_broadcastable_dims_fold_to_constants():
    r = T.drow("r")
    node = r[:, 1:].owner
    shape = node.op.infer_shape(node, [(T.constant(np.int64(1)), T.shape(r)[1])])[0]
    assert shape[0].data == 1


def test_advanced_infer_shape(rng):
    x = T.dtensor3("x")
    i, j = T.lvector("i"), T.lmatrix("j")
    m = T.matrix("m", dtype="bool")
    outs = [x[i], x[:, i], x[j, i], x[0, :, i], x[m], x[i, None, j], x[j, :, i],
            T.inc_subtensor(x[i], 1.0), T.set_subtensor(x[1:, 0], 2.0), T.set_subtensor(x[m], 0.0)]
    value = rng.normal(size=(4, 3, 5))
    check_shapes([x, i, j, m], [value, np.array([0, 2, 1]), np.array([[0], [2]]), value[:, :, 0] > 0], outs)


def test_advanced_infer_shape_with_slices(rng):
    x = T.dtensor3("x")
    i, j = T.lvector("i"), T.lmatrix("j")
    outs = [x[i, 1:2, j], x[1:, i], x[::-2, :, i], x[i, ::2]]
    value = rng.normal(size=(4, 3, 5))
    check_shapes([x, i, j], [value, np.array([0, 2, 1]), np.array([[0], [2]])], outs)
