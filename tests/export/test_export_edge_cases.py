"""Exports off the examples' beaten path: integer, bool and complex dtypes, 0-d inputs and
outputs, shared variables the graph only updates, a graph with no inputs and no outputs."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.export.conftest import build_once
from tests.export.export_helpers import as_list, assert_same, run_runner

pytestmark = [pytest.mark.single_mode, pytest.mark.slow]


def _mixed():
    i = T.ivector("i")
    flag = T.TensorType("bool", ())("flag")
    count = transpile.shared(np.int64(0), name="count")
    z = transpile.shared(np.array([1 + 2j, 3 - 1j]), name="z")
    return transpile.function([i, flag], [i.sum(), T.switch(flag, i, -i)],
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
