"""transpile.scan_checkpoints (Theano's memory-saving scan): its outputs are those of `scan`
after every save_every_N steps and after the last, and its gradients are scan's, in every mode;
lengths that are and are not multiples of N, outputs not fed back, padding=False; errors."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile.gradient import verify_grad


def _step(xt, h, w):
    return T.tanh(T.dot(h, w) + xt)


@pytest.mark.parametrize("every", [1, 3, 4, 10, 11])
def test_matches_scan_and_its_gradient(every, rng):
    x, h0, w = T.matrix("x"), T.vector("h0"), T.matrix("w")
    full, _ = transpile.scan(_step, sequences=[x], outputs_info=[h0], non_sequences=[w])
    kept, _ = transpile.scan_checkpoints(_step, sequences=[x], outputs_info=[h0], non_sequences=[w],
                                         save_every_N=every)
    cost_full, cost_kept = T.sum(full[-1] ** 2), T.sum(kept[-1] ** 2)
    f = transpile.function([x, h0, w], [full, kept, *T.grad(cost_full, [w, x, h0]), *T.grad(cost_kept, [w, x, h0])])
    xv, hv, wv = rng.standard_normal((10, 3)), rng.standard_normal(3), rng.standard_normal((3, 3)) * 0.5
    states, saved, *grads = f(xv, hv, wv)
    steps = [min(k * every, 10) - 1 for k in range(1, (10 + every - 1) // every + 1)]
    np.testing.assert_allclose(saved, states[steps], rtol=1e-12)
    for g_full, g_kept in zip(grads[:3], grads[3:]):
        np.testing.assert_allclose(g_kept, g_full, rtol=1e-10, atol=1e-12)


def test_outputs_not_fed_back_no_padding_and_verify_grad(rng):
    x, h0 = T.matrix("x"), T.vector("h0")

    def step(xt, h):
        new = h * 0.9 + xt
        return new, T.sum(new ** 2)  # the second output is not fed back

    (states, norms), _ = transpile.scan_checkpoints(step, sequences=x, outputs_info=[h0, None], save_every_N=4,
                                                    padding=False)
    (all_states, all_norms), _ = transpile.scan(step, sequences=x, outputs_info=[h0, None])
    f = transpile.function([x, h0], [states, norms, all_states, all_norms])
    xv, hv = rng.standard_normal((8, 2)), rng.standard_normal(2)
    s, n, all_s, all_n = f(xv, hv)
    np.testing.assert_allclose(s, all_s[[3, 7]])
    np.testing.assert_allclose(n, all_n[[3, 7]])
    verify_grad(lambda a, b: transpile.scan_checkpoints(step, sequences=a, outputs_info=[b, None],
                                                        save_every_N=3)[0][0][-1], [xv[:7], hv], rng=rng)


def test_n_steps_shorter_than_the_sequence_and_errors(rng):
    x, h0, w = T.matrix("x"), T.vector("h0"), T.matrix("w")
    kept, _ = transpile.scan_checkpoints(_step, sequences=[x], outputs_info=[h0], non_sequences=[w], n_steps=5,
                                         save_every_N=2)
    full, _ = transpile.scan(_step, sequences=[x[:5]], outputs_info=[h0], non_sequences=[w])
    f = transpile.function([x, h0, w], [kept, full])
    a, b = f(rng.standard_normal((9, 3)), rng.standard_normal(3), rng.standard_normal((3, 3)))
    np.testing.assert_allclose(a, b[[1, 3, 4]])
    with pytest.raises(ValueError, match="taps"):
        transpile.scan_checkpoints(_step, sequences=[x], outputs_info=[dict(initial=x, taps=[-2])],
                                   non_sequences=[w])
    with pytest.raises(ValueError, match="positive int"):
        transpile.scan_checkpoints(_step, sequences=[x], outputs_info=[h0], non_sequences=[w], save_every_N=0)
    with pytest.raises(ValueError, match="give sequences or n_steps"):
        transpile.scan_checkpoints(lambda h: h * 2, outputs_info=[h0])
