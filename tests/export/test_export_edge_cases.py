"""Exports off the examples' beaten path: integer, bool and complex dtypes, 0-d inputs and
outputs, shared variables the graph only updates, a run-time assertion, a graph with no inputs
and no outputs."""
import ctypes

import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.export.conftest import build_once
from tests.export.export_helpers import as_list, assert_same, run_runner
from transpile.emit.program import DTYPE_CODES, MAX_NDIM
from transpile.emit.render import STATUSES

pytestmark = [pytest.mark.single_mode, pytest.mark.slow]


def _mixed():
    i = T.ivector("i")
    flag = T.TensorType("bool", ())("flag")
    count = transpile.shared(np.int64(0), name="count")
    z = transpile.shared(np.array([1 + 2j, 3 - 1j]), name="z")
    total = T.assert_op(i.sum(), T.lt(i.shape[0], 100), msg="at most 99 entries")  # AssertionError in Python
    return transpile.function([i, flag], [total, T.switch(flag, i, -i)],
                              updates=[(count, count + i.shape[0]), (z, z * 2)], mode="FAST_RUN")


def test_mixed_dtypes_and_ranks():
    project = build_once("mixed", lambda d: transpile.export(
        _mixed(), d, "mixed", example_inputs=[np.arange(4, dtype="int32"), np.bool_(True)]))
    module = project.load()
    module.reset()
    f = _mixed()
    for n, flag in ((5, True), (0, False), (3, False)):
        values = (np.arange(n, dtype="int32"), flag)
        for g, w in zip(as_list(module.run(*values)), as_list(f(*values))):
            assert_same(g, w, f"n={n} flag={flag}")
    count, z = f.maker.shared_inputs
    assert_same(module.get_value("count"), count.get_value())
    assert_same(module.get_value("z"), z.get_value())
    assert module.output_shapes([1, 2, 3], False) == [(), (3,)]
    with pytest.raises(TypeError, match="expected dtype int32"):
        module.run(np.arange(3.0), True)  # float64 into int32: not a safe cast
    with pytest.raises(AssertionError, match="at most 99 entries"):
        module.run(np.arange(100, dtype="int32"), True)


def test_no_inputs_and_no_outputs(tmp_path):
    def make(directory):
        c = transpile.shared(np.int64(40), name="c")
        counter = transpile.function([], updates=[(c, c + 2)], mode="FAST_RUN")
        return transpile.export(counter, directory, "counter")
    project = build_once("counter", make, python=False)
    out = run_runner(project, ["--output-dir", tmp_path, "--save-shared", "--repeat", 3])
    assert out.returncode == 0, out.stderr
    assert_same(np.load(tmp_path / "c.npy"), np.int64(46))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.npy"]
    assert (project.path / "tests" / "expected" / "c.npy").exists()


class _Tensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("dtype", ctypes.c_int32), ("ndim", ctypes.c_int32),
                ("shape", ctypes.c_int64 * MAX_NDIM), ("strides", ctypes.c_int64 * MAX_NDIM),
                ("memory", ctypes.c_int32), ("device", ctypes.c_int32)]


def _tensor(array, dtype=None, shape=None, strides=None):
    shape = array.shape if shape is None else shape
    t = _Tensor(array.ctypes.data, DTYPE_CODES[dtype or array.dtype.name], len(shape))
    for d, n in enumerate(shape):
        t.shape[d] = n
        t.strides[d] = (array.strides[d] // array.itemsize) if strides is None else strides[d]
    return t


def test_c_abi_output_shapes_checks_inputs_like_run():
    """`NAME_output_shapes` rejects the inputs `NAME_run` rejects (wrong dtype or rank, an
    absurd shape whose element count overflows int64), with the same status; both accept good ones."""
    def make(directory):
        x, v = T.dmatrix("x"), T.dvector("v")
        return transpile.export(transpile.function([x, v], [x * 2, v.sum()], mode="FAST_RUN"), directory, "shapes_abi")
    project = build_once("shapes_abi", make, python=False)
    lib = ctypes.CDLL(str(project.library))
    lib.shapes_abi_last_error.restype = ctypes.c_char_p
    state = ctypes.c_void_p()
    assert lib.shapes_abi_create(ctypes.byref(state)) == 0
    status = dict(STATUSES)
    X, V = np.arange(6.0).reshape(2, 3), np.arange(4.0)

    def call(entry, inputs):
        ins = (_Tensor * 2)(*inputs)
        outs = (_Tensor * 2)()
        code = getattr(lib, f"shapes_abi_{entry}")(state, ins, 2, outs, 2)
        message = lib.shapes_abi_last_error(state).decode()
        for t in outs if entry == "run" and code == 0 else ():
            lib.shapes_abi_free(ctypes.c_void_p(t.data))
        return code, message, [tuple(t.shape[:t.ndim]) for t in outs]

    try:
        for entry in ("output_shapes", "run"):
            code, message, shapes = call(entry, [_tensor(X), _tensor(V)])
            assert (code, shapes) == (status["OK"], [(2, 3), ()]), message
            code, message, _ = call(entry, [_tensor(X.ravel()), _tensor(V)])  # rank 1 for a matrix
            assert code == status["ERR_RANK"] and "input x: expected a 2-d array, got 1-d" in message, (entry, message)
            code, message, _ = call(entry, [_tensor(X, dtype="float32"), _tensor(V)])
            assert code == status["ERR_DTYPE"] and "input x: expected dtype float64, got float32" in message, (entry, message)
            code, message, _ = call(entry, [_tensor(X, shape=(2 ** 62, 3), strides=(0, 1)), _tensor(V)])
            assert code == status["ERR_SHAPE"] and "more than 2^63 - 1 elements" in message, (entry, message)
            code, message, _ = call(entry, [_tensor(X, shape=(2 ** 62, 0), strides=(0, 1)), _tensor(V)])
            assert code == status["OK"], (entry, message)  # empty: the other length does not matter
    finally:
        lib.shapes_abi_destroy(state)
