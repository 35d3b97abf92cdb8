"""An LSTM language model trained with SGD: embedding lookup (advanced indexing of a shared
matrix by a matrix of token ids), an LSTM written with scan (the four gates from one dot with
concatenated weights), softmax cross-entropy on the next tokens, updates of every shared
parameter. In FAST_RUN the whole training step (forward loop, backward loop, updates) is one
native library; its cost falls on a small synthetic corpus and its first step matches the
reference (FAST_COMPILE); the same step exports to a project whose runner and ctest pass with
no Python."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from tests.export.conftest import build_once
from tests.export.export_helpers import assert_same, run_runner, save_inputs
from tests.export.test_export_runner import _ctest
from transpile.compile.native import NativeExecutor
from transpile.emit.registry import is_host_only
from transpile.scan_module import Scan

pytestmark = pytest.mark.single_mode

VOCAB, HIDDEN, EMBED, SEQ, BATCH = 20, 16, 8, 12, 8


def corpus(seed=0):
    """(SEQ + 1, BATCH) token ids: each column follows t -> (3 t + 1) mod VOCAB from a random start,
    with a few random tokens mixed in (a learnable but not trivial next-token rule)."""
    rng = np.random.default_rng(seed)
    tokens = np.empty((SEQ + 1, BATCH), dtype="int64")
    tokens[0] = rng.integers(0, VOCAB, size=BATCH)
    for k in range(1, SEQ + 1):
        tokens[k] = (3 * tokens[k - 1] + 1) % VOCAB
    noise = rng.random(tokens.shape) < 0.1
    tokens[noise] = rng.integers(0, VOCAB, size=int(noise.sum()))
    return tokens


def training_step(mode, lr=4.0, seed=1):
    """One SGD step on a batch of token ids: returns the mean next-token cross-entropy."""
    rng = np.random.default_rng(seed)

    def param(name, *shape, scale=0.2):
        return transpile.shared(rng.uniform(-scale, scale, size=shape), name=name)

    emb = param("emb", VOCAB, EMBED, scale=0.5)
    W_gates = param("W_gates", EMBED + HIDDEN, 4 * HIDDEN)
    b_gates = transpile.shared(np.zeros(4 * HIDDEN), name="b_gates")
    W_out = param("W_out", HIDDEN, VOCAB)
    b_out = transpile.shared(np.zeros(VOCAB), name="b_out")
    params = [emb, W_gates, b_gates, W_out, b_out]

    tokens = T.lmatrix("tokens")
    inputs, targets = tokens[:-1], tokens[1:]
    x = emb[inputs]  # (SEQ, BATCH, EMBED)

    def lstm_step(x_t, h, c, W, b):
        gates = T.dot(T.concatenate([x_t, h], axis=1), W) + b
        i = T.sigmoid(gates[:, :HIDDEN])
        f = T.sigmoid(gates[:, HIDDEN:2 * HIDDEN])
        o = T.sigmoid(gates[:, 2 * HIDDEN:3 * HIDDEN])
        g = T.tanh(gates[:, 3 * HIDDEN:])
        c_new = f * c + i * g
        return o * T.tanh(c_new), c_new

    zeros = T.zeros((tokens.shape[1], HIDDEN))
    (hs, _), _ = transpile.scan(lstm_step, sequences=x, outputs_info=[zeros, zeros], non_sequences=[W_gates, b_gates],
                                name="lstm")
    logits = T.dot(hs.reshape((-1, HIDDEN)), W_out) + b_out
    cost = T.mean(T.nnet.categorical_crossentropy(T.nnet.softmax(logits), targets.flatten()))
    cost.name = "cost"
    grads = T.grad(cost, params)
    return transpile.function([tokens], cost, updates=[(p, p - lr * g) for p, g in zip(params, grads)], mode=mode)


def test_training_runs_natively_and_the_cost_falls():
    step = training_step("FAST_RUN")
    assert isinstance(step.executor, NativeExecutor)
    nodes = step.maker.fgraph.toposort()
    assert not any(is_host_only(n.op) for n in nodes)
    assert sum(isinstance(n.op, Scan) for n in nodes) >= 2  # the forward loop and the backward one
    reference = training_step("FAST_COMPILE")
    tokens = corpus()
    first = step(tokens)
    np.testing.assert_allclose(first, reference(tokens), rtol=1e-10)
    np.testing.assert_allclose(step(tokens), reference(tokens), rtol=1e-8)  # the updates agree too
    costs = [float(step(tokens)) for _ in range(30)]
    assert costs[-1] < 0.5 * float(first), (float(first), costs)
    assert all(np.isfinite(costs))


def test_the_training_step_exports_and_runs_without_python(tmp_path):
    tokens = corpus(seed=2)
    project = build_once("lstm_lm", lambda d: transpile.export(training_step("FAST_RUN"), d, "lstm_lm",
                                                               example_inputs=[tokens]), python=False)
    reference = training_step("FAST_RUN")
    out = run_runner(project, ["--output-dir", tmp_path / "out", "--save-shared", "--repeat", 3,
                               *save_inputs(tmp_path, ["tokens"], [tokens])])
    assert out.returncode == 0, out.stderr
    for _ in range(3):
        cost = reference(tokens)
    assert_same(np.load(tmp_path / "out" / "cost.npy"), cost, "cost after 3 steps")
    for s in reference.maker.shared_inputs:
        assert_same(np.load(tmp_path / "out" / f"{s.name}.npy"), s.get_value(), f"shared {s.name} after 3 steps")
    ctest = _ctest(project)
    assert ctest.returncode == 0, ctest.stdout + ctest.stderr
    assert "100% tests passed" in ctest.stdout
