"""A small CNN with batch normalization trains and exports.

conv2d (3x3, 4 filters) + `batch_normalization_train` (spatial; the running averages are shared
variables updated through `updates`) + relu + 2x2 max pooling + a dense layer + softmax
cross-entropy, on a synthetic 2-class problem (8x8 images of horizontal or vertical bars, batch 16).
In FAST_RUN the cost falls over 20 SGD steps and the first step equals FAST_COMPILE's. The
inference function (`batch_normalization_test` with the trained running averages) and the training
step then export to projects whose golden vectors pass under ctest with no Python, whose runner
takes other batch sizes, and whose module gives the Python function's values (the step: state and
all, over several steps)."""
import subprocess

import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.export.export_helpers import NO_PYTHON_ENV, assert_same, run_runner, save_inputs
from transpile.compile.cache import cmake_program
from transpile.tensor.nnet import bn, conv2d, pool_2d

pytestmark = [pytest.mark.single_mode, pytest.mark.slow]

BATCH, SIDE, STEPS = 16, 8, 20


def bars(seed, n=BATCH):
    """n images (n, 1, 8, 8): label 0 a horizontal bar, 1 a vertical bar, at a random place, with noise."""
    rng = np.random.default_rng(seed)
    labels = (np.arange(n) % 2).astype("int32")
    images = 0.3 * rng.standard_normal((n, 1, SIDE, SIDE))
    for i, (label, at) in enumerate(zip(labels, rng.integers(1, SIDE - 1, n))):
        if label == 0:
            images[i, 0, at, :] += 2.0
        else:
            images[i, 0, :, at] += 2.0
    return images, labels


class CNN:
    """The parameters (shared), the SGD training step and the inference function in `mode`."""

    def __init__(self, mode, seed=0, lr=0.1):
        rng = np.random.default_rng(seed)
        self.W1 = transpile.shared(rng.normal(size=(4, 1, 3, 3)) * 0.5, name="W1")
        self.gamma = transpile.shared(np.ones(4), name="gamma")
        self.beta = transpile.shared(np.zeros(4), name="beta")
        self.running_mean = transpile.shared(np.zeros(4), name="running_mean")
        self.running_var = transpile.shared(np.ones(4), name="running_var")
        self.W2 = transpile.shared(rng.normal(size=(4 * 3 * 3, 2)) * 0.1, name="W2")
        self.b2 = transpile.shared(np.zeros(2), name="b2")
        self.params = [self.W1, self.gamma, self.beta, self.W2, self.b2]
        x, y = T.dtensor4("x"), T.ivector("y")

        conv = conv2d(x, self.W1)  # (batch, 4, 6, 6)
        normed, _, _, new_mean, new_var = bn.batch_normalization_train(
            conv, self.gamma, self.beta, "spatial", running_average_factor=0.2,
            running_mean=self.running_mean, running_var=self.running_var)
        prob = self._head(normed)
        cost = T.mean(T.nnet.categorical_crossentropy(prob, y))
        updates = [(p, p - lr * g) for p, g in zip(self.params, T.grad(cost, self.params))]
        updates += [(self.running_mean, new_mean), (self.running_var, new_var)]
        self.step = transpile.function([x, y], cost, updates=updates, mode=mode)

        normed_test = bn.batch_normalization_test(conv, self.gamma, self.beta, self.running_mean, self.running_var,
                                                  "spatial")
        self.infer = transpile.function([x], self._head(normed_test), mode=mode)

    def _head(self, normed):
        pooled = pool_2d(T.nnet.relu(normed), ws=(2, 2))  # (batch, 4, 3, 3)
        return T.nnet.softmax(T.dot(pooled.flatten(2), self.W2) + self.b2)

    def state(self):
        return [p.get_value() for p in self.params + [self.running_mean, self.running_var]]


def test_cost_falls_in_fast_run_and_the_first_step_matches_fast_compile():
    fast, reference = CNN("FAST_RUN"), CNN("FAST_COMPILE")
    X, Y = bars(1)
    first, first_ref = fast.step(X, Y), reference.step(X, Y)
    np.testing.assert_allclose(first, first_ref, rtol=1e-10)
    for a, b in zip(fast.state(), reference.state()):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    costs = [float(first)] + [float(fast.step(X, Y)) for _ in range(STEPS - 1)]
    assert costs[-1] < 0.5 * costs[0], costs
    assert sum(b < a for a, b in zip(costs, costs[1:])) >= STEPS * 3 // 4, costs
    # the running averages follow the batch statistics of the convolution
    conv = transpile.function([], conv2d(T.constant(X), fast.W1), mode="FAST_COMPILE")()
    np.testing.assert_allclose(fast.running_mean.get_value(), conv.mean(axis=(0, 2, 3)), rtol=0.2, atol=0.05)
    # inference on new images is mostly right
    Xt, Yt = bars(2, 64)
    assert np.mean(np.argmax(fast.infer(Xt), axis=1) == Yt) > 0.8


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A CNN trained STEPS steps in FAST_RUN; its inference function and training step exported
    (carrying the trained values) and built with their Python modules."""
    cnn = CNN("FAST_RUN")
    X, Y = bars(1)
    for _ in range(STEPS):
        cnn.step(X, Y)
    root = tmp_path_factory.mktemp("cnn_bn")
    infer = transpile.export(cnn.infer, root / "infer", "cnn_bn_infer", example_inputs=[X])
    step = transpile.export(cnn.step, root / "step", "cnn_bn_step", example_inputs=[X, Y])
    for project in (infer, step):
        project.build(root / (project.name + "_build"), python=True, jobs=2)
    return cnn, infer, step


def _ctest(project):
    ctest = cmake_program()[: -len("cmake")] + "ctest"
    return subprocess.run(["env", "-i", "PATH=/usr/bin:/bin", ctest, "--test-dir", str(project.build_dir),
                           "--output-on-failure"], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("which", [1, 2], ids=["inference", "training_step"])
def test_ctest_golden_vectors_pass_without_python(exported, which):
    out = _ctest(exported[which])
    assert out.returncode == 0, out.stdout + out.stderr
    assert "100% tests passed" in out.stdout


def test_inference_runner_and_module_match_the_function(exported, tmp_path):
    cnn, project, _ = exported
    Xt, _ = bars(3, 5)  # another batch size
    args = save_inputs(tmp_path, ["x"], [Xt])
    out = run_runner(project, ["--output-dir", tmp_path / "out", *args], env=NO_PYTHON_ENV)
    assert out.returncode == 0, out.stderr
    (written,) = list((tmp_path / "out").glob("*.npy"))
    want = cnn.infer(Xt)
    assert_same(np.load(written), want, "runner")
    module = project.load()
    assert_same(module.run(Xt), want, "module")
    for name, shared in (("running_mean", cnn.running_mean), ("running_var", cnn.running_var)):
        assert_same(module.get_value(name), shared.get_value(), name)


def test_training_step_module_matches_the_function(exported):
    cnn, _, project = exported
    module = project.load()
    module.reset()  # the state at export time: the Python function's, before the steps below
    X, Y = bars(4)
    shared_vars = cnn.params + [cnn.running_mean, cnn.running_var]
    exported_state = cnn.state()
    try:
        for k in range(3):
            assert_same(module.run(X, Y), cnn.step(X, Y), f"cost of step {k}")
            for shared in shared_vars:
                assert_same(module.get_value(shared.name), shared.get_value(), f"{shared.name} after step {k}")
    finally:  # the other tests compare with the exported (trained) state
        for shared, value in zip(shared_vars, exported_state):
            shared.set_value(value)
