"""Theano's connectionist temporal classification loss, `ctc(activations, labels,
input_lengths)` (theano.tensor.nnet.ctc, which wrapped warp-ctc; here always available).

The forward recursion of Graves et al. (2006) in log space, as a `scan` over time: the labels
with blanks (index 0) around and between them give 2 L + 1 states; a state is reached from
itself, from the one before, or from two before when that skips a blank between two different
labels. The loss of an example is minus the log of the summed probability of its last two
states after its last time step. Log-probabilities are log_softmax of the activations (as
warp-ctc takes unnormalized ones), so the loop, its gradient (through scan) and the export are
those of ordinary ops. An impossible alignment (more labels, repeats counted, than steps) costs
+inf. The loop builder is `transpile.scan`, a layer above this one: it sets `loop` when imported
(as the gradient layer sets T.grad).
"""
from transpile.tensor.alloc import alloc, arange, zeros
from transpile.tensor.basic import as_tensor_variable
from transpile.tensor.join import concatenate
from transpile.tensor.math import and_, eq, exp, ge, gt, log, lt, maximum, neq, switch
from transpile.tensor.nnet.softmax import log_softmax
from transpile.tensor.reduce import sum as tsum
from transpile.tensor.sort import take_along_axis
from transpile.tensor.subtensor import set_subtensor

__all__ = ["ctc", "ctc_available", "ctc_present"]

#: "log 0" inside the recursion: finite, so no inf - inf reaches a gradient
_LOG_ZERO = -1e30
#: transpile.scan_module.scan, set by that package
loop = None


def ctc_available():
    """Theano's check for warp-ctc; this implementation needs nothing, so always True."""
    return True


ctc_present = ctc_available


def _log_add(*terms):
    """log(sum(exp(terms))) of finite terms, stable."""
    top = terms[0]
    for t in terms[1:]:
        top = maximum(top, t)
    return top + log(sum(exp(t - top) for t in terms))


def ctc(activations, labels, input_lengths):
    """The CTC loss of each example: activations (time, batch, alphabet) before the softmax,
    blank = symbol 0; labels (batch, L) ints, negative entries are padding (after the labels);
    input_lengths (batch,) the time steps each example uses. Returns (batch,)."""
    if loop is None:
        raise RuntimeError("ctc: needs transpile.scan (import transpile)")
    acts = as_tensor_variable(activations)
    labels, lengths = as_tensor_variable(labels), as_tensor_variable(input_lengths)
    if acts.ndim != 3 or acts.dtype not in ("float32", "float64"):
        raise TypeError(f"ctc: activations must be a float tensor (time, batch, alphabet), got {acts} ({acts.type})")
    if labels.ndim != 2 or labels.dtype[0] not in "iu":
        raise TypeError(f"ctc: labels must be an int matrix (batch, labels), got {labels} ({labels.type})")
    if lengths.ndim != 1 or lengths.dtype[0] not in "iu":
        raise TypeError(f"ctc: input_lengths must be an int vector, got {lengths} ({lengths.type})")
    log_probs = log_softmax(acts, axis=-1)
    batch, width = labels.shape[0], labels.shape[1]
    n_labels = tsum(ge(labels, 0), axis=1)
    states = 2 * width + 1
    extended = set_subtensor(zeros((batch, states), dtype="int64")[:, 1::2], maximum(labels, 0))
    position = arange(states).dimshuffle("x", 0)
    skip = and_(eq(position % 2, 1), ge(position, 2))
    skip = and_(skip, neq(extended, concatenate([extended[:, :2], extended[:, :-2]], axis=1)))
    index = alloc(extended.dimshuffle("x", 0, 1), acts.shape[0], batch, states)
    emissions = take_along_axis(log_probs, index, axis=2)                       # (time, batch, states)
    start = switch(lt(position, 2), emissions[0], _LOG_ZERO)
    start = switch(and_(eq(position, 1), eq(n_labels, 0).dimshuffle(0, "x")), _LOG_ZERO, start)
    pad = alloc(as_tensor_variable(_LOG_ZERO).astype(acts.dtype), batch, 2)

    def step(emission, t, alpha):
        shifted = concatenate([pad, alpha], axis=1)
        one_back, two_back = shifted[:, 1:-1], switch(skip, shifted[:, :-2], _LOG_ZERO)
        new = _log_add(alpha, one_back, two_back) + emission
        return switch(lt(t, lengths).dimshuffle(0, "x"), new, alpha)

    alphas, _ = loop(step, sequences=[emissions[1:], arange(1, acts.shape[0])], outputs_info=[start])
    final = concatenate([start.dimshuffle("x", 0, 1), alphas], axis=0)[-1]
    rows = arange(batch)
    last_blank = final[rows, 2 * n_labels]
    last_label = switch(gt(n_labels, 0), final[rows, maximum(2 * n_labels - 1, 0)], _LOG_ZERO)
    loss = -_log_add(last_blank, last_label)
    return switch(gt(loss, -_LOG_ZERO / 2), float("inf"), loss)
