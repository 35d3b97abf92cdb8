"""Each FAST_RUN rewrite, one at a time: excluding it by name (Mode.excluding, the same
mechanism as config.optimizer_excluding) changes the optimized graph of its example, and both
graphs compute the reference (FAST_COMPILE) values. The table must name every rewrite."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile import OpFromGraph, function
from transpile.ifelse import ifelse
from transpile.compile import Mode
from transpile.gradient import disconnected_grad, zero_grad
from transpile.graph.rewriting import rewrite_db
from transpile.printing import debugprint
from transpile.scalar import arith as S
from transpile.tensor.blas_gemm import Gemm
from transpile.tensor.elemwise import DimShuffle, Elemwise

pytestmark = pytest.mark.single_mode


def v(*shape, lo=-1.0, hi=1.0):
    return np.random.default_rng(7).uniform(lo, hi, size=shape)


def vec(*names):
    return [T.vector(n) for n in names]


def mat(*names):
    return [T.matrix(n) for n in names]


def _one(fn, *inputs):
    return list(inputs), fn(*inputs)


def _inline_ofg():
    a = T.vector("a")
    return OpFromGraph([a], [T.exp(a) + 1], inline=True)


CASES = {
    # name: () -> (inputs, outputs, values, extra excluded tags so the rewrite shows)
    "local_shape_i_lift": lambda: (*_one(lambda m: (T.exp(m) + 1).shape[0], T.matrix()), [v(2, 3)], ()),
    "local_shape_subtensor": lambda: (*_one(lambda m: m.shape[1], T.matrix()), [v(2, 3)], ()),
    "local_shape_to_make_vector": lambda: (*_one(lambda m: T.exp(m).shape, T.matrix()), [v(2, 3)], ()),
    "local_useless_second": lambda: (*_one(lambda m: T.second(m, T.exp(m)), T.matrix()), [v(2, 3)], ()),
    "local_useless_cast": lambda: (*_one(lambda x: T.exp(Elemwise(S.Cast("float64"))(x)), T.vector()),
                                   [v(3)], ("fusion",)),
    "local_useless_identity": lambda: (*_one(lambda x: T.exp(T.identity(x)), T.vector()), [v(3)], ("fusion",)),
    "local_dimshuffle_identity": lambda: (*_one(lambda m: T.exp(DimShuffle((False, False), (0, 1))(m)),
                                                T.matrix()), [v(2, 3)], ()),
    "local_dimshuffle_merge": lambda: (*_one(lambda m: T.exp(m.dimshuffle(1, "x", 0).dimshuffle(0, 2)),
                                             T.matrix()), [v(2, 3)], ()),
    "local_reduce_broadcastable": lambda: (*_one(lambda r: T.sum(r, axis=0) * 2, T.row()), [v(1, 3)], ()),
    "local_fill_cut": lambda: (*_one(lambda x, w: T.second(T.sqr(x), 0.5) * w, *mat("x", "w")),
                               [v(2, 3), v(2, 3)], ()),
    "local_remove_gradient_barrier": lambda: (*_one(lambda x: T.exp(zero_grad(x)) + disconnected_grad(x), T.vector()),
                                              [v(3)], ("fusion",)),
    "local_add_neutral": lambda: (*_one(lambda x: T.exp(x + 0), T.vector()), [v(3)], ()),
    "local_mul_neutral": lambda: (*_one(lambda x: T.exp(x * 1), T.vector()), [v(3)], ()),
    "local_sub_div_pow_neutral": lambda: (*_one(lambda x: T.exp(x / 1), T.vector()), [v(3)], ()),
    "local_double_neg": lambda: (*_one(lambda x: T.exp(-(-x)), T.vector()), [v(3)], ()),
    "local_collect_like_terms": lambda: (*_one(lambda x, y: (x + y) + (x + y), *vec("x", "y")), [v(3), v(3)], ()),
    "local_add_flatten": lambda: (*_one(lambda x, y, z: (x + y) + z, *vec("x", "y", "z")),
                                  [v(3), v(3), v(3)], ("fusion",)),
    "local_mul_flatten": lambda: (*_one(lambda x, y, z: (x * y) * z, *vec("x", "y", "z")),
                                  [v(3), v(3), v(3)], ("fusion",)),
    "local_mul_constants": lambda: (*_one(lambda x: (2 * x) * 3, T.vector()), [v(3)], ()),
    "local_add_constants": lambda: (*_one(lambda x: (1 + x) + 2, T.vector()), [v(3)], ()),
    "local_div_self": lambda: (*_one(lambda x: x / x, T.vector()), [v(3, lo=0.5)], ()),
    "local_sub_self": lambda: (*_one(lambda x: x - x, T.vector()), [v(3)], ()),
    "local_one_minus_sigmoid": lambda: (*_one(lambda x: 1 - T.sigmoid(x), T.vector()), [v(3)], ()),
    "local_log_sigmoid": lambda: (*_one(lambda x: T.log(T.sigmoid(x)), T.vector()), [v(3)], ()),
    "local_log1p_neg_sigmoid": lambda: (*_one(lambda x: T.log1p(-T.sigmoid(x)), T.vector()), [v(3)], ()),
    "local_log1p_exp": lambda: (*_one(lambda x: T.log1p(T.exp(x)), T.vector()), [v(3)], ()),
    "local_mul_cancel_div": lambda: (*_one(lambda x: T.grad(T.log(T.sigmoid(x)).sum(), x), T.vector()), [v(3)], ()),
    # the rewrites of the ops with inner graphs (ifelse, OpFromGraph, scan)
    "useless_ifelse": lambda: (*_one(lambda x: ifelse(T.constant(1), T.exp(x), T.sin(x)), T.vector()), [v(3)], ()),
    "inline_op_from_graph": lambda: (*_one(lambda x: _inline_ofg()(x) * 2, T.vector()), [v(3)], ()),
    "scan_pushout_invariants": lambda: (*_one(lambda x, w: transpile.scan(lambda xt, w: xt * T.exp(w).sum(), sequences=x,
                                                                        non_sequences=w)[0], *vec("x", "w")),
                                        [v(4), v(3)], ()),
    "scan_keep_last_only": lambda: (*_one(lambda x: transpile.scan(lambda xt, h: h + xt, sequences=x,
                                                                   outputs_info=T.constant(0.0))[0][-1], T.vector()),
                                    [v(4)], ()),
    "scan_remove_unused": lambda: (*_one(lambda x: transpile.scan(lambda xt: [T.exp(xt), T.sin(xt)], sequences=x)[0][0],
                                         T.vector()), [v(4)], ()),
    "scan_pushout_seqs": lambda: (*_one(lambda x: transpile.scan(lambda xt, h: h * 0.5 + T.exp(xt), sequences=x,
                                                                 outputs_info=T.constant(0.0))[0], T.vector()),
                                  [v(4)], ()),
    "scan_pushout_add": lambda: (*_one(lambda x, w: transpile.scan(
        lambda xt, h, a, w: (T.tanh(T.dot(h, w) + xt), a + T.dot(xt.T, h)), sequences=x, outputs_info=[x[0], w],
        non_sequences=w)[0][1][-1], T.tensor3(), T.matrix()),
                                 [v(3, 2, 2), v(2, 2)], ()),
    "scan_pushout_sum": lambda: (*_one(lambda x: transpile.scan(
        lambda xt, h, s: (T.tanh(h + xt), s + T.tanh(h + xt).sum(axis=0)), sequences=x,
        outputs_info=[x[0], x[0, 0]])[0][1][-1], T.tensor3()), [v(3, 2, 2)], ()),
    "scan_merge": lambda: (*_one(lambda x: [transpile.scan(lambda xt, h: h * 0.5 + xt, sequences=x, outputs_info=T.constant(0.0))[0],
                                            transpile.scan(lambda xt, s: s * 0.9 - xt, sequences=x, outputs_info=T.constant(1.0))[0]],
                                 T.vector()), [v(4)], ()),
    "scan_save_for_backward": lambda: (*_one(lambda x, w: T.grad(T.sum(transpile.scan(
        lambda xt, h, w: T.tanh(h * T.exp(xt * w)), sequences=x, outputs_info=T.constant(1.0), non_sequences=w)[0]),
        w), T.vector(), T.scalar()), [v(4), v()], ()),
    "local_incsubtensor_serialize": lambda: (*_one(lambda z: T.grad(T.sum(T.sin(z[:, :2])) + T.sum(T.cos(z[:, 2:])), z),
                                                   T.matrix()), [v(2, 4)], ()),
    "local_incsubtensor_of_zeros_into_zeros": lambda: (*_one(lambda x: T.grad(T.sum(T.sin(x[1:][-1])), x),
                                                             T.matrix()), [v(3, 2)], ()),
    "local_logsumexp": lambda: (*_one(lambda m: T.log(T.exp(m).sum(axis=1)), T.matrix()), [v(2, 3)], ()),
    "local_exp_over_sum_exp": lambda: (
        *_one(lambda m: T.grad(T.log(T.exp(m).sum(axis=0)).sum(), m), T.matrix()), [v(2, 3)], ()),
    "local_pow_specialize": lambda: (*_one(lambda x: x ** 2, T.vector()), [v(3)], ()),
    "local_log1p": lambda: (*_one(lambda x: T.log(1 + x), T.vector()), [v(3, lo=0)], ()),
    "local_expm1": lambda: (*_one(lambda x: T.exp(x) - 1, T.vector()), [v(3)], ()),
    "local_mul_minus_one": lambda: (*_one(lambda x: -1 * T.exp(x), T.vector()), [v(3)], ("fusion",)),
    "local_exp_over_sum_softmax": lambda: (*_one(lambda a: T.exp(a) / T.exp(a).sum(), T.vector()), [v(4)], ()),
    "local_softmax_drop_max": lambda: (*_one(lambda m: T.nnet.softmax(m - T.max(m, axis=1, keepdims=True)),
                                             T.matrix()), [v(2, 3)], ()),
    "local_log_softmax": lambda: (*_one(lambda m: T.log(T.nnet.softmax(m)), T.matrix()), [v(2, 3)], ()),
    "local_log_indexed_softmax": lambda: (*_one(lambda m: T.log(T.nnet.softmax(m)[0]), T.matrix()), [v(2, 3)], ()),
    "local_crossentropy_softmax": lambda: (
        *_one(lambda m, y: T.nnet.categorical_crossentropy(T.nnet.softmax(m), y), T.matrix(), T.ivector()),
        [v(2, 3), np.array([0, 2], dtype="int32")], ()),
    "local_crossentropy_softmax_grad": lambda: (
        *_one(lambda m, y: T.grad(T.sum(T.nnet.categorical_crossentropy(T.nnet.softmax(m), y)), m),
              T.matrix(), T.ivector()),
        [v(2, 3), np.array([0, 2], dtype="int32")], ()),
    "local_dot_vector_transpose": lambda: (*_one(lambda a, x: T.dot(a.T, x), T.matrix(), T.vector()),
                                           [v(3, 2), v(3)], ()),
    "local_dot_to_dot22": lambda: (*_one(lambda a, b: T.dot(a, b), *mat("a", "b")), [v(2, 3), v(3, 2)], ()),
    "local_gemm": lambda: (*_one(lambda z, a, b: z + 2 * T.dot(a, b), *mat("z", "a", "b")),
                           [v(2, 2), v(2, 3), v(3, 2)], ()),
    "elemwise_fusion": lambda: (*_one(lambda x: T.exp(x) * 2 + 1, T.vector()), [v(3)], ()),
    "local_fuse_reduce": lambda: (*_one(lambda x: T.sum(T.exp(x) * 2), T.vector()), [v(3)], ()),
    "local_elemwise_inplace": lambda: (*_one(lambda a: T.exp(T.dot(a, a)), T.matrix()), [v(2, 2)], ()),
    "local_incsubtensor_inplace": lambda: (*_one(lambda x: T.inc_subtensor(T.exp(x)[1:], 1.0), T.vector()),
                                           [v(3)], ()),
    "local_blas_inplace": lambda: (*_one(lambda z, a: T.exp(z) + T.dot(a, a), *mat("z", "a")),
                                   [v(2, 2), v(2, 2)], ()),
}


def test_table_names_every_rewrite():
    registered = {r.name for r in rewrite_db if "fast_run" in r.tags and "fast_compile" not in r.tags
                  and not r.name.startswith(("graph_test", "debugmode_", "test_"))}
    assert registered == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_rewrite_changes_graph_and_keeps_values(name):
    inputs, outputs, values, extra = CASES[name]()
    base = Mode(optimizer="fast_run").excluding(*extra)
    with_it = function(inputs, outputs, mode=base, on_unused_input="ignore")
    without = function(inputs, outputs, mode=base.excluding(name), on_unused_input="ignore")
    assert debugprint(with_it.maker.fgraph, file="str") != debugprint(without.maker.fgraph, file="str")
    reference = function(inputs, outputs, mode="FAST_COMPILE", on_unused_input="ignore")
    expected = reference(*[np.copy(x) for x in values])
    for f in (with_it, without):
        got = f(*[np.copy(x) for x in values])
        np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)


def test_inplace_gemm_example_is_inplace():
    inputs, outputs, values, _ = CASES["local_blas_inplace"]()
    f = function(inputs, outputs, mode="FAST_RUN")
    assert any(isinstance(n.op, Gemm) and n.op.inplace for n in f.maker.fgraph.toposort())
