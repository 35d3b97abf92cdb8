"""Scans whose step keeps rows apart (emit/scan_rows.py) run as one loop per block of rows
(tr::steps_by_rows in templates/runtime/scan.h): which steps qualify, the C++ helper's blocks and
errors, and the loops' values and errors against numpy in every mode."""
import subprocess

import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile.emit.render import runtime_header
from transpile.emit.runtime import REQUIRED_UNIT, header_name, runtime_source, unit_name, units
from transpile.emit.scan_rows import RowAxes, row_axes
from transpile.graph.traversal import ancestors
from transpile.scan_module import Scan


def step_axes(step, sequences, outputs_info, non_sequences=(), n_steps=None):
    """row_axes of the scan node scan(step, ...) builds."""
    out, _ = transpile.scan(step, sequences=sequences, outputs_info=outputs_info, non_sequences=list(non_sequences),
                            n_steps=n_steps)
    first = out[0] if isinstance(out, (list, tuple)) else out
    node = next(v.owner for v in ancestors([first]) if v.owner is not None and isinstance(v.owner.op, Scan))
    return row_axes(node.op)


X, H0, W, U, B = T.tensor3("x"), T.matrix("h0"), T.matrix("w"), T.matrix("u"), T.vector("b")


@pytest.mark.single_mode
@pytest.mark.parametrize("step, expected", [
    (lambda xt, h, w, u, b: T.tanh(T.dot(xt, w) + T.dot(h, u) + b), RowAxes([0], [0], [])),
    # columns sliced, a softmax along them, zeros as tall as the rows, a sum along the features
    (lambda xt, h, w, u, b: T.nnet.softmax(T.dot(xt, w)[:, :3]) * 0 + h + T.zeros((h.shape[0], 1))
     + T.sum(h, axis=1, keepdims=True), RowAxes([0], [0], [])),
    (lambda xt, h, w, u, b: [h + xt.sum(axis=1, keepdims=True), T.dot(h, u).T.T], RowAxes([0], [0], [0])),
], ids=["rnn", "slices-softmax-zeros-sums", "nit-sot"])
def test_steps_that_keep_rows_apart(step, expected):
    assert step_axes(step, X, [H0] + [None] * (len(expected.nitsots)), [W, U, B]) == expected


@pytest.mark.single_mode
@pytest.mark.parametrize("step", [
    lambda xt, h, w, u, b: h + T.sum(xt, axis=0),                      # a sum over the rows
    lambda xt, h, w, u, b: h / T.cast(h.shape[0], "float64"),          # the rows' count as a number
    lambda xt, h, w, u, b: h + T.dot(h.T, xt)[0],                      # a product contracting the rows
    lambda xt, h, w, u, b: h[::-1] + xt,                               # rows reordered
    lambda xt, h, w, u, b: h + T.nnet.softmax(xt.T).T,                 # a softmax across the rows
    lambda xt, h, w, u, b: h + u,                                      # a non-sequence as tall as the rows
    lambda xt, h, w, u, b: h + T.random.RandomStreams(seed=1).uniform(h.shape),
], ids=["sum", "count", "contraction", "reversed", "softmax", "non-sequence", "random"])
def test_steps_that_mix_rows(step):
    assert step_axes(step, X, [H0], [W, U, B]) is None


@pytest.mark.single_mode
def test_a_while_loop_and_a_state_the_same_for_every_row_stay_one_loop():
    c = T.scalar("c")
    assert step_axes(lambda xt, h: (h + xt, transpile.until(T.sum(h) > 0)), X, [H0]) is None
    assert step_axes(lambda xt, h, c: [h + xt, c + 1], X, [H0, c]) is None


SPLIT_TEST = r'''
#include <cstdio>
#include <cstring>
#include "transpile_scan.h"

struct Seen { int64_t blocks[4][2]; int steps[4]; };

int main() {
    char message[tr::kMessageSize] = "";
    const char* const labels[] = {"node 0", "node 1", "node 2", "node 3", "node 4", "node 5", "node 6", "node 7"};
    tr::Context ctx{message, -1, labels};
    omp_set_num_threads(2);
    // 128 rows: two blocks, each running steps 1..9 on its own rows
    Seen seen{};
    auto record = [&](tr::Context&, int64_t, int64_t lo, int64_t hi) -> int {
        const int k = lo == 0 ? 0 : 1;
        seen.blocks[k][0] = lo; seen.blocks[k][1] = hi; seen.steps[k] += 1;
        return TRANSPILE_OK;
    };
    if (tr::steps_by_rows(ctx, 1, 10, 128, record) != TRANSPILE_OK) return 1;
    if (seen.blocks[0][1] != 64 || seen.blocks[1][0] != 64 || seen.blocks[1][1] != 128) return 2;
    if (seen.steps[0] != 9 || seen.steps[1] != 9) return 3;
    // 40 rows: too few for a block per thread, one loop over all of them (hi < 0)
    int whole = 0;
    auto all_rows = [&](tr::Context&, int64_t, int64_t lo, int64_t hi) -> int {
        whole += lo == 0 && hi < 0;
        return TRANSPILE_OK;
    };
    if (tr::steps_by_rows(ctx, 0, 5, 40, all_rows) != TRANSPILE_OK || whole != 5) return 4;
    // failures in both blocks: the earliest step's is reported, with its message and node
    auto failing = [&](tr::Context& c, int64_t t, int64_t lo, int64_t) -> int {
        if ((lo > 0 && t == 5) || (lo == 0 && t == 7)) {
            c.node = int(t);
            return tr::fail(c, TRANSPILE_ERR_INDEX, "block at %lld failed at step %lld", (long long)lo, (long long)t);
        }
        return TRANSPILE_OK;
    };
    if (tr::steps_by_rows(ctx, 0, 20, 128, failing) != TRANSPILE_ERR_INDEX) return 5;
    if (std::strcmp(ctx.message, "block at 64 failed at step 5\nApply node that caused the error: node 5") != 0 ||
        ctx.node != 5) {
        std::printf("%s\n", ctx.message);
        return 6;
    }
    return 0;
}
'''


@pytest.mark.single_mode
def test_the_loop_by_blocks_of_rows(tmp_path):
    """tr::steps_by_rows: blocks of rows, one per thread, each through every step; too few rows
    for a block per thread run as one loop; of two failing blocks, the earlier step's failure is
    the one reported."""
    (tmp_path / "transpile_runtime.h").write_text(runtime_header())
    for family in ("inner", "scan"):
        (tmp_path / header_name(family)).write_text(runtime_source(family))
    (tmp_path / "main.cpp").write_text(SPLIT_TEST)
    (tmp_path / "runtime.cpp").write_text(units([], blas=False)[unit_name(REQUIRED_UNIT)])
    built = subprocess.run(["g++", "-std=c++17", "-O1", "-fopenmp", "-Wall", "-Wextra", "-Werror", "main.cpp",
                            "runtime.cpp", "-o", "main"], cwd=tmp_path, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    done = subprocess.run([str(tmp_path / "main")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


ROWS = 512  # a block of rows per thread on up to 16 threads (tr::kRowsPerThread is 32)


def _rnn_numpy(x, w, u, b, h0):
    hs, h = [], h0
    for xt in x:
        h = np.tanh(xt @ w + h @ u + b)
        hs.append(h)
    return np.array(hs)


def test_an_rnn_with_many_rows_runs_rows_apart(mode, rng):
    """A tanh RNN over 512 rows and its gradient (the backward loop keeps rows apart once its
    bias total leaves it): numpy's values in every mode; natively both loops go by rows."""
    x, w, u, b, h0 = T.tensor3("x"), T.matrix("w"), T.matrix("u"), T.vector("b"), T.matrix("h0")
    hs, _ = transpile.scan(lambda xt, h, w, u, b: T.tanh(T.dot(xt, w) + T.dot(h, u) + b), sequences=x,
                           outputs_info=h0, non_sequences=[w, u, b])
    loss = T.sum(hs[-1] ** 2)
    f = transpile.function([x, w, u, b, h0], [hs, *T.grad(loss, [w, u, b, h0])])
    values = [rng.uniform(-1, 1, (7, ROWS, 5)), rng.uniform(-0.5, 0.5, (5, 6)), rng.uniform(-0.5, 0.5, (6, 6)),
              rng.uniform(-1, 1, 6), rng.uniform(-1, 1, (ROWS, 6))]
    got = f(*values)
    np.testing.assert_allclose(got[0], _rnn_numpy(*values), rtol=1e-12)
    eps = 1e-6
    for k, g in zip((1, 2, 3, 4), got[1:]):  # central differences of the loss on a few entries
        for index in [(0,) * values[k].ndim, tuple(s - 1 for s in values[k].shape)]:
            up, down = [v.copy() for v in values], [v.copy() for v in values]
            up[k][index] += eps
            down[k][index] -= eps
            numeric = (np.sum(_rnn_numpy(*up)[-1] ** 2) - np.sum(_rnn_numpy(*down)[-1] ** 2)) / (2 * eps)
            np.testing.assert_allclose(g[index], numeric, rtol=1e-5, atol=1e-7)
    if mode == "FAST_RUN":
        source = next((f.executor.entry.project / "src").glob("tg_*.cpp")).read_text()
        assert source.count("tr::steps_by_rows(") == 2


def test_a_failing_step_run_by_rows_names_the_step(mode, rng):
    """Step 3 reads column 9 of 4: the same IndexError and step as one loop gives."""
    x, h0, cols = T.tensor3("x"), T.matrix("h0"), T.lvector("cols")
    hs, _ = transpile.scan(lambda xt, c, h: h + xt[:, c].dimshuffle(0, "x"), sequences=[x, cols], outputs_info=h0)
    f = transpile.function([x, cols, h0], hs)
    xv, hv = rng.uniform(-1, 1, (6, ROWS, 4)), rng.uniform(-1, 1, (ROWS, 2))
    np.testing.assert_allclose(f(xv, np.array([0, 1, 2, 3, 0, 1]), hv)[-1],
                               hv + xv[np.arange(6), :, [0, 1, 2, 3, 0, 1]].sum(axis=0)[:, None], rtol=1e-12)
    with pytest.raises(IndexError, match=r"at scan step 3 of 6"):
        f(xv, np.array([0, 1, 2, 9, 0, 1]), hv)
