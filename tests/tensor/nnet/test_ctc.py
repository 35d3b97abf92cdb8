"""T.nnet.ctc (Theano's CTC loss) against a brute-force sum over every alignment, in every
mode: padded labels, repeated labels, empty labels, shorter inputs, impossible alignments
(+inf), float32; gradients."""
import itertools

import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile.gradient import verify_grad


def _brute_force(acts, labels, lengths):
    """-log of the summed probability of every path (softmax over the alphabet at each step)
    that collapses (repeats merged, blanks 0 dropped) to the example's labels."""
    losses = []
    for b in range(acts.shape[1]):
        a = acts[:lengths[b], b].astype("float64")
        p = np.exp(a - a.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        target = [int(v) for v in labels[b] if v >= 0]
        total = 0.0
        for path in itertools.product(range(a.shape[1]), repeat=len(a)):
            merged = [k for i, k in enumerate(path) if i == 0 or k != path[i - 1]]
            if [k for k in merged if k != 0] == target:
                total += np.prod([p[t, k] for t, k in enumerate(path)])
        losses.append(-np.log(total) if total > 0 else np.inf)
    return np.array(losses)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_ctc_matches_the_sum_over_alignments(dtype, rng):
    x, labels, lengths = T.tensor3(dtype=dtype, name="x"), T.lmatrix("labels"), T.lvector("lengths")
    f = transpile.function([x, labels, lengths], T.nnet.ctc(x, labels, lengths))
    acts = rng.standard_normal((5, 4, 3)).astype(dtype)
    for lab, lens in [([[1, 2], [1, 1], [2, -1], [-1, -1]], [5, 4, 3, 2]),
                      ([[1, 1], [1, 2], [2, 2], [1, -1]], [2, 1, 3, 1])]:  # impossible ones: +inf
        got = f(acts, np.array(lab), np.array(lens))
        assert got.dtype == dtype
        np.testing.assert_allclose(got, _brute_force(acts, np.array(lab), np.array(lens)),
                                   rtol=1e-4 if dtype == "float32" else 1e-10)
    assert T.nnet.ctc_available() and T.nnet.ctc_present()


def test_ctc_gradient_and_errors(rng):
    labels, lengths = np.array([[1, 2], [3, 3], [2, -1]]), np.array([5, 4, 3])
    verify_grad(lambda a: T.nnet.ctc(a, T.constant(labels), T.constant(lengths)), [rng.standard_normal((5, 3, 4))],
                rng=rng)
    with pytest.raises(TypeError, match="activations must be"):
        T.nnet.ctc(T.matrix(), T.lmatrix(), T.lvector())
    with pytest.raises(TypeError, match="labels must be"):
        T.nnet.ctc(T.tensor3(), T.matrix(), T.lvector())
    with pytest.raises(TypeError, match="input_lengths must be"):
        T.nnet.ctc(T.tensor3(), T.lmatrix(), T.lmatrix())
