"""The Python module of an exported project, imported back: same numbers and output structure as
the source function, state that advances with the updates, get/set_value, clear errors."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.export.export_helpers import as_list, assert_same, bench_inputs

pytestmark = [pytest.mark.single_mode, pytest.mark.slow]


@pytest.mark.parametrize("name", ["logreg_step", "mlp_classifier", "fused_kernel"])
def test_module_matches_function(built_examples, fresh_example, name):
    _, project = built_examples[name]
    module = project.load()
    module.reset()
    example = fresh_example(name)
    f = example.function
    for seed in (1, 2, 3):  # state advances with each call where the graph has updates
        inputs = bench_inputs(example, seed)
        got, want = module.run(*inputs), f(*inputs)
        assert type(got) is type(want)
        assert len(as_list(got)) == len(as_list(want))
        for k, (g, w) in enumerate(zip(as_list(got), as_list(want))):
            assert_same(g, w, f"{name} call {seed} output {k}")
        for s in f.maker.shared_inputs:
            assert_same(module.get_value(s.name), s.get_value(), f"{name} shared {s.name}")
    assert module.output_shapes(*inputs) == [tuple(np.shape(w)) for w in as_list(want)]


def test_training_steps_and_state_access(built_examples, fresh_example):
    _, project = built_examples["logreg_step"]
    module = project.load()
    module.reset()
    example = fresh_example("logreg_step")
    f = example.function
    w, b = f.maker.shared_inputs
    X, y = bench_inputs(example)
    initial_w = w.get_value()
    assert_same(module.get_value("w"), initial_w, "w at export time")
    costs = [float(module.run(X, y)[0]) for _ in range(5)]
    assert costs == sorted(costs, reverse=True), costs  # gradient steps lower the cost
    for _ in range(5):
        want = f(X, y)
    assert_same(module.get_value("w"), w.get_value(), "w after 5 steps")
    assert_same(module.get_value("b"), b.get_value(), "b after 5 steps")
    # set_value: both sides from the same state
    module.set_value("w", np.full(20, 0.05))
    module.set_value("b", 0.5)
    w.set_value(np.full(20, 0.05))
    b.set_value(0.5)
    assert_same(module.run(X, y)[0], f(X, y)[0], "cost after set_value")
    value = module.get_value("w")
    value[:] = 7.0  # a copy: the module's state is not touched
    assert not np.any(module.get_value("w") == 7.0)
    module.reset()
    assert_same(module.get_value("w"), initial_w, "w after reset")
    assert module.shared_names == ("w", "b") and module.input_names == ("X", "y")
    del want


def test_module_errors(built_examples):
    _, project = built_examples["logreg_step"]
    module = project.load()
    module.reset()
    X, y = np.ones((4, 20)), np.ones(4)
    cases = [
        (lambda: module.run(X), TypeError, "takes 2 argument(s) (X, y), got 1"),
        (lambda: module.run(X.astype("int64").astype("complex128"), y), TypeError, "expected dtype float64"),
        (lambda: module.run(np.ones(20), y), TypeError, "expected a 2-d array, got 1-d"),
        (lambda: module.run(X, np.ones(5)), ValueError, "mis-match"),
        (lambda: module.run(np.ones((4, 3)), y), ValueError, "not aligned"),
        (lambda: module.run("text", y), TypeError, "expected dtype float64"),
        (lambda: module.get_value("nope"), ValueError, "unknown shared variable 'nope'; this graph has: w, b"),
        (lambda: module.set_value("b", np.ones(2)), TypeError, "expected a 0-d array"),
        (lambda: module.set_value("w", np.ones(3, dtype="complex64")), TypeError, "expected dtype float64"),
    ]
    for call, error, message in cases:
        with pytest.raises(error) as info:
            call()
        assert message in str(info.value), str(info.value)
    assert_same(module.get_value("w"), project.load().get_value("w"))
    # safe conversions: lists, Python numbers, float32 arrays, strided views
    module.reset()
    got = module.run(X.tolist(), [1.0, 1.0, 1.0, 1.0])
    for same in (X.astype("float32"), np.ones((8, 40))[::2, ::2], np.asfortranarray(X)):
        module.reset()  # a training step: every run moves the state
        assert_same(module.run(same, y)[0], got[0])
    module.reset()


def test_export_leaves_python_state_untouched(tmp_path):
    w = transpile.shared(np.arange(3.0), name="w")
    x = T.dvector("x")
    step = transpile.function([x], (x * w).sum(), updates=[(w, w + x)], mode="FAST_RUN")
    before = w.get_value()
    transpile.export(step, tmp_path / "p", "p_state", example_inputs=[np.ones(3)])
    np.testing.assert_array_equal(w.get_value(), before)
    assert (tmp_path / "p" / "tests" / "expected" / "w.npy").exists()
    np.testing.assert_array_equal(np.load(tmp_path / "p" / "tests" / "expected" / "w.npy"), before + 1)
