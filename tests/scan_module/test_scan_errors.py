"""Bad scans fail with clear errors naming the output, the sequence or the step."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T


@pytest.mark.single_mode
def test_fed_back_output_with_the_wrong_dtype_names_the_output():
    h0 = T.vector("h0")
    with pytest.raises(TypeError, match=r"output 0 \('h'\).*float32.*float64"):
        def step(h):
            out = T.cast(h * 2, "float32")
            out.name = "h"
            return out
        transpile.scan(step, outputs_info=h0, n_steps=3)


@pytest.mark.single_mode
def test_fed_back_output_with_the_wrong_rank_names_the_output():
    h0 = T.vector("h0")
    with pytest.raises(TypeError, match="output 1 of the step function"):
        transpile.scan(lambda a, b: (a + 1, T.outer(b, b)), outputs_info=[h0, h0], n_steps=3)


def test_fed_back_output_with_the_wrong_shape_names_output_and_step():
    h0 = T.vector("h0")
    out, _ = transpile.scan(lambda h: T.concatenate([h, h]), outputs_info=h0, n_steps=3)
    f = transpile.function([h0], out)
    with pytest.raises(ValueError, match=r"output 0 of the step function has shape \(4,\) at scan step 0 of 3"):
        f(np.ones(2))


def test_sequence_shorter_than_n_steps():
    x, n = T.vector("x"), T.lscalar("n")
    out, _ = transpile.scan(lambda a, b: a + b, sequences=[x, x[1:]], n_steps=n)
    f = transpile.function([x, n], out)
    np.testing.assert_allclose(f(np.arange(5.0), 4), np.arange(4.0) * 2 + 1)
    with pytest.raises(ValueError, match="sequence 1 has 4 entries, fewer than the 5 steps"):
        f(np.arange(5.0), 5)


def test_negative_n_steps():
    n = T.lscalar("n")
    out, _ = transpile.scan(lambda h: h + 1, outputs_info=T.constant(0.0), n_steps=n)
    f = transpile.function([n], out)
    np.testing.assert_allclose(f(3), [1, 2, 3])
    with pytest.raises(ValueError, match="n_steps must be non-negative, got -2"):
        f(-2)
    with pytest.raises(ValueError, match="n_steps must be non-negative, got -1"):
        transpile.scan(lambda h: h + 1, outputs_info=T.constant(0.0), n_steps=-1)


def test_an_error_inside_the_loop_names_the_step():
    """Step 3 indexes past the end of a length-3 vector."""
    v, idx = T.vector("v"), T.lvector("idx")
    out, _ = transpile.scan(lambda i, v: v[i] * 2, sequences=idx, non_sequences=v)
    f = transpile.function([v, idx], out)
    np.testing.assert_allclose(f(np.arange(3.0), np.array([2, 1, 0])), [4, 2, 0])
    with pytest.raises((IndexError, ValueError), match="at scan step 3 of 5"):
        f(np.arange(3.0), np.arange(5))


@pytest.mark.single_mode
def test_bad_arguments():
    x = T.vector("x")
    with pytest.raises(ValueError, match="no sequences and no n_steps"):
        transpile.scan(lambda h: h, outputs_info=x)
    with pytest.raises(ValueError, match="returned 1 output.*outputs_info has 2"):
        transpile.scan(lambda h, g: h, outputs_info=[x, x], n_steps=2)
    with pytest.raises(ValueError, match="taps must be distinct negative"):
        transpile.scan(lambda h: h, outputs_info=dict(initial=x, taps=[0]), n_steps=2)
    with pytest.raises(TypeError, match="is a scalar; a sequence needs a leading dimension"):
        transpile.scan(lambda h: h, sequences=T.scalar())
    with pytest.raises(ValueError, match="strict=True.*reads x"):
        transpile.scan(lambda h: h + T.sum(x), outputs_info=T.constant(0.0), n_steps=2, strict=True)
