"""Every op (and scalar op) of transpile that defines a gradient has a `verify_grad` case here.

`test_every_op_has_a_case` imports every module of the package, collects the `Op` subclasses
(and `ScalarOp` subclasses) defined under `transpile` that override `grad`, and fails listing
those missing from the tables below. An op whose gradient is zero or undefined by nature is
listed in `NOT_DIFFERENTIABLE` with the reason, and checked to give zeros where a case is given.

A case is data (a function drawing a `GradCase` or `ZeroGradCase` from the test's generator);
`run_cases` checks it with its table of about TABLE_SIZE cases, one native build per table
(tests/batched.py, tests/batched_debug.py), while each op keeps its own test and failure.
"""
import functools
import importlib
import math
import pkgutil
from typing import Callable, NamedTuple

import numpy as np
import pytest

import transpile
import transpile.printing  # noqa: F401
import transpile.tensor as T
from transpile.gradient import verify_grad
from transpile.graph.op import Op
from transpile.scalar.basic import ScalarOp

from tests.batched import batched_case, batched_verify_grad, case_rng
from tests.batched_debug import batched_debug_verify_grad


def _import_all():
    for info in pkgutil.walk_packages(transpile.__path__, "transpile."):
        importlib.import_module(info.name)


def _subclasses(base):
    out, stack = [], list(base.__subclasses__())
    while stack:
        cls = stack.pop(0)
        if cls not in out:
            out.append(cls)
            stack.extend(cls.__subclasses__())
    return out


def _name(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


def _with_grad(base):
    _import_all()
    return sorted(_name(c) for c in _subclasses(base)
                  if c.__module__.startswith("transpile.") and c.grad is not base.grad
                  and not c.__name__.startswith("_"))


def U(rng, *shape, lo=-1.0, hi=1.0):
    return rng.uniform(lo, hi, size=shape)


class GradCase(NamedTuple):
    """`verify_grad(fn, points, **kwargs)`, run by the tests below (batched: tests/batched.py)."""
    fn: Callable
    points: list
    kwargs: dict


class ZeroGradCase(NamedTuple):
    """The gradient of sum(fn(*points)) is zero everywhere (or the op is not differentiable)."""
    fn: Callable
    points: list


# A case of the tables below is a function of the `rng` fixture's generator returning one
# GradCase or ZeroGradCase, or a list of them; these two helpers write them.
def vg(fn, *points, **kw):
    return GradCase(fn, list(points), kw)


def zero_grad_check(fn, *points):
    return ZeroGradCase(fn, list(points))


# -- Op subclasses ----------------------------------------------------------------------------------
def _sparse():
    import transpile.sparse as sp
    return sp


def _csr(a):
    return _sparse().csr_from_dense(a)


def _dense(s):
    return _sparse().dense_from_sparse(s)


def _conv_case(rng):
    return vg(lambda i, f: T.nnet.conv2d(i, f), U(rng, 1, 2, 4, 4), U(rng, 2, 2, 2, 2))


def _conv_grad_inputs_case(rng):
    """Second derivatives of conv2d exercise its gradient ops' own grads."""
    return vg(lambda a, b: T.grad(T.sum(T.sqr(T.nnet.conv2d(a, b))), a), U(rng, 1, 1, 3, 3), U(rng, 1, 1, 2, 2))


def _conv_grad_weights_case(rng):
    return vg(lambda a, b: T.grad(T.sum(T.sqr(T.nnet.conv2d(a, b))), b), U(rng, 1, 1, 3, 3), U(rng, 1, 1, 2, 2))


def _conv3d_case(rng):
    return vg(lambda i, f: T.nnet.conv3d(i, f, border_mode="half"), U(rng, 1, 2, 3, 3, 2), U(rng, 2, 2, 2, 2, 1))


def _conv3d_grad_case(wrt):
    return lambda rng: vg(lambda a, b: T.grad(T.sum(T.sqr(T.nnet.conv3d(a, b, subsample=(1, 2, 1)))), [a, b][wrt]),
                          U(rng, 1, 1, 3, 3, 3), U(rng, 1, 1, 2, 2, 2))


def _grouped_conv_case(rng):
    return vg(lambda i, f: T.nnet.conv2d(i, f, num_groups=2), U(rng, 1, 4, 3, 3), U(rng, 2, 2, 2, 2))


def _grouped_conv_grad_case(wrt):
    return lambda rng: vg(lambda a, b: T.grad(T.sum(T.sqr(T.nnet.conv2d(a, b, num_groups=2, border_mode="full"))),
                                              [a, b][wrt]), U(rng, 1, 2, 3, 3), U(rng, 2, 1, 2, 2))


def _max_pool_case(rng):
    x = rng.permutation(16).reshape(1, 1, 4, 4).astype("float64")  # distinct values: no ties
    x3 = rng.permutation(24).reshape(1, 2, 3, 4).astype("float64")
    return [vg(lambda a: T.nnet.pool_2d(a, ws=(2, 2), mode="max"), x),
            vg(lambda a: T.nnet.pool_3d(a, ws=(2, 2, 2), ignore_border=False, mode="max"), x3)]


def _max_pool_grad_case(rng):
    x = rng.permutation(16).reshape(1, 1, 4, 4).astype("float64")
    first = vg(lambda a, g: T.grad(T.sum(T.nnet.pool_2d(a, ws=(2, 2), mode="max") * g), a),
               x, U(rng, 1, 1, 2, 2))
    x3 = rng.permutation(24).reshape(2, 3, 4).astype("float64")
    return [first, vg(lambda a, g: T.grad(T.sum(T.nnet.pool_3d(a, ws=(2, 2, 2), stride=(1, 1, 2), mode="max") * g),
                                          a), x3, U(rng, 1, 2, 2))]


def _avg_pool_grad_case(rng):
    return [vg(lambda a, g: T.grad(T.sum(T.nnet.pool_2d(a, ws=(2, 2), mode="average_exc_pad") * g), a),
               U(rng, 1, 1, 4, 4), U(rng, 1, 1, 2, 2)),
            vg(lambda a, g: T.grad(T.sum(T.nnet.pool_3d(a, ws=(2, 2, 2), pad=(1, 0, 1), mode="average_inc_pad") * g),
                                   a), U(rng, 1, 3, 2, 3), U(rng, 1, 2, 1, 2))]


def _max_pool_grad_grad_case(rng):
    point = U(rng, 1, 1, 2, 2)
    x = T.constant(rng.permutation(16).reshape(1, 1, 4, 4) * 1.0)
    return vg(lambda g: T.grad(T.sum(T.sqr(T.grad(T.sum(T.nnet.pool_2d(x, ws=(2, 2)) * g), g))), g), point)


def _xent_case(rng):
    labels = np.array([0, 2, 1])
    return vg(lambda p: T.nnet.categorical_crossentropy(T.nnet.softmax(p), T.constant(labels)), U(rng, 3, 4))


def _xent_grad_case(rng):
    labels = T.constant(np.array([0, 2, 1]))
    return vg(lambda p: T.grad(T.sum(T.nnet.crossentropy_categorical_1hot(T.nnet.softmax(p), labels) ** 2), p),
              U(rng, 3, 4))


def _rewrite_made_grad_raises(build):
    """Ops that FAST_RUN rewrites introduce after differentiation: their grad raises."""
    def case(rng):
        x, v, a = T.matrix("x"), T.vector("v"), T.scalar("a")
        T.grad(T.sum(build(x, v, a)), x)
        return []  # reached only once the grad exists
    return case


def _xent_softmax_case(rng):
    from transpile.tensor.nnet.xent_softmax import CrossentropySoftmax1Hot
    labels = T.constant(np.array([0, 2, 1], dtype="int32"))
    return vg(lambda p: CrossentropySoftmax1Hot()(p, labels), U(rng, 3, 4))


def _cumop_case(rng):
    return [vg(lambda a: T.cumsum(a, axis=1), U(rng, 3, 4)),
            vg(lambda a: T.cumprod(a, axis=0), U(rng, 3, 2, lo=0.5, hi=2)),
            vg(lambda a: T.cumsum(a), U(rng, 2, 3))]


def _repeat_case(rng):
    return [vg(lambda a: T.repeat(a, 3, axis=1), U(rng, 2, 3)),
            vg(lambda a: T.repeat(a, T.constant(np.array([2, 0, 1])), axis=0), U(rng, 3, 2))]


def _bincount_case(rng):
    x = T.constant(np.array([0, 3, 1, 3, 3]))
    return vg(lambda w: T.bincount(x, w, minlength=6), U(rng, 5))


def _scan_rnn_case(rng):
    """A tanh RNN over a sequence: gradients with respect to the sequence, the initial state and
    the weights (a non-sequence) through the backward scan."""
    def rnn(x, h0, w):
        h, _ = transpile.scan(lambda xt, hp, w: T.tanh(T.dot(hp, w) + xt), sequences=x, outputs_info=h0,
                              non_sequences=w)
        return h
    return vg(rnn, U(rng, 3, 2), U(rng, 2), U(rng, 2, 2))


OP_CASES = {
    "transpile.tensor.cumulative.CumOp": _cumop_case,
    "transpile.tensor.cumulative.Repeat": _repeat_case,
    "transpile.tensor.sort.SortOp": lambda rng: vg(lambda a: T.sort(a, axis=0) * T.arange(3).dimshuffle(0, "x"),
                                                   rng.permutation(12).reshape(3, 4) * 0.1),
    "transpile.tensor.counting.BinCount": _bincount_case,
    "transpile.scan_module.op.Scan": _scan_rnn_case,
    "transpile.tensor.nnet.xent_softmax.CrossentropySoftmax1Hot": _xent_softmax_case,
    "transpile.tensor.elemwise.Elemwise": lambda rng: vg(lambda a, b: T.exp(a) * b + a / (1 + b * b),
                                                         U(rng, 2, 3), U(rng, 3)),
    "transpile.tensor.elemwise.DimShuffle": lambda rng: vg(lambda a: a.dimshuffle(2, "x", 0, 1) * 1.0,
                                                           U(rng, 2, 1, 3)),
    "transpile.tensor.shape.Unbroadcast": lambda rng: vg(lambda a: T.unbroadcast(a, 0) * 2.0, U(rng, 1, 3)),
    "transpile.tensor.shape.AddBroadcast": lambda rng: vg(lambda a: T.addbroadcast(a, 0) * 2.0, U(rng, 1, 3)),
    "transpile.tensor.reduce.Sum": lambda rng: vg(lambda a: T.sum(a, axis=(0, 2)), U(rng, 2, 3, 2)),
    "transpile.tensor.reduce.Prod": lambda rng: vg(lambda a: T.prod(a, axis=1), U(rng, 3, 4, lo=0.5, hi=2)),
    "transpile.tensor.reduce.Max": lambda rng: vg(lambda a: T.max(a, axis=0), rng.permutation(12).reshape(3, 4) * 1.0),
    "transpile.tensor.reduce.Min": lambda rng: vg(lambda a: T.min(a, axis=1), rng.permutation(12).reshape(3, 4) * 1.0),
    "transpile.tensor.join.MakeVector": lambda rng: vg(lambda a, b: T.make_vector(a, b, a * b), U(rng), U(rng)),
    "transpile.tensor.join.Join": lambda rng: vg(lambda a, b: T.concatenate([a, b], axis=1), U(rng, 2, 3), U(rng, 2, 1)),
    "transpile.tensor.join.Split": lambda rng: vg(lambda a: T.split(a, [1, 3], 2, axis=0)[1] * 1.0, U(rng, 4, 2)),
    "transpile.tensor.shape_ops.Reshape": lambda rng: vg(lambda a: T.reshape(a, (3, 2)), U(rng, 2, 3)),
    "transpile.tensor.shape_ops.SpecifyShape": lambda rng: vg(lambda a: T.specify_shape(a, (2, 3)) * 1.0, U(rng, 2, 3)),
    "transpile.tensor.alloc.Alloc": lambda rng: vg(lambda a: T.alloc(a, 3, 2), U(rng, 2)),
    "transpile.tensor.subtensor_basic.Subtensor": lambda rng: vg(lambda a: a[1:, ::2], U(rng, 3, 4)),
    "transpile.tensor.subtensor_advanced.AdvancedSubtensor1": lambda rng: vg(lambda a: a[[2, 0, 2]], U(rng, 3, 2)),
    "transpile.tensor.subtensor_advanced.AdvancedSubtensor": lambda rng: vg(lambda a: a[[0, 2], [1, 1]], U(rng, 3, 2)),
    "transpile.tensor.subtensor_inc.IncSubtensor": lambda rng: vg(lambda a, b: T.inc_subtensor(a[1:], b), U(rng, 3, 2), U(rng, 2, 2)),
    "transpile.tensor.subtensor_inc.AdvancedIncSubtensor1": lambda rng: vg(
        lambda a, b: T.advanced_inc_subtensor1(a, b, T.constant(np.array([0, 2, 0]))), U(rng, 3, 2), U(rng, 3, 2)),
    "transpile.tensor.subtensor_inc.AdvancedIncSubtensor": lambda rng: vg(
        lambda a, b: T.inc_subtensor(a[[0, 2], [1, 0]], b), U(rng, 3, 2), U(rng, 2)),
    "transpile.tensor.blas.Dot": lambda rng: vg(lambda a, b: T.dot(a, b), U(rng, 2, 3), U(rng, 3, 2)),
    "transpile.tensor.blas_tensordot.TensorDot": lambda rng: vg(lambda a, b: T.tensordot(a, b, axes=[[1], [0]]),
                                                                U(rng, 2, 3, 2), U(rng, 3, 2)),
    "transpile.tensor.blas_batched.BatchedDot": lambda rng: vg(T.batched_dot, U(rng, 2, 2, 3), U(rng, 2, 3, 2)),
    "transpile.tensor.nnet.conv.Conv2d": _conv_case,
    "transpile.tensor.nnet.conv.Conv2dGradInputs": _conv_grad_inputs_case,
    "transpile.tensor.nnet.conv.Conv2dGradWeights": _conv_grad_weights_case,
    "transpile.tensor.nnet.conv.ConvForward": _grouped_conv_case,
    "transpile.tensor.nnet.conv.ConvGradInputs": _grouped_conv_grad_case(0),
    "transpile.tensor.nnet.conv.ConvGradWeights": _grouped_conv_grad_case(1),
    "transpile.tensor.nnet.conv3d_ops.Conv3d": _conv3d_case,
    "transpile.tensor.nnet.conv3d_ops.Conv3dGradInputs": _conv3d_grad_case(0),
    "transpile.tensor.nnet.conv3d_ops.Conv3dGradWeights": _conv3d_grad_case(1),
    "transpile.tensor.nnet.neighbours.Images2Neibs": lambda rng: vg(
        lambda a: T.nnet.images2neibs(a, (3, 3), (1, 2), mode="wrap_centered"), U(rng, 1, 2, 4, 5)),
    "transpile.tensor.nnet.neighbours.Images2NeibsGrad": lambda rng: vg(
        lambda a, g: T.grad(T.sum(T.sqr(T.nnet.images2neibs(a, (2, 3), (1, 1), mode="half")) * g), a),
        U(rng, 1, 1, 3, 4), U(rng, 16, 6)),
    "transpile.tensor.nnet.pool.Pool": _max_pool_case,
    "transpile.tensor.nnet.pool.MaxPoolGrad": _max_pool_grad_case,
    "transpile.tensor.nnet.pool.MaxPoolGradGrad": _max_pool_grad_grad_case,
    "transpile.tensor.nnet.pool.AveragePoolGrad": _avg_pool_grad_case,
    "transpile.tensor.nnet.softmax.Softmax": lambda rng: vg(lambda a: T.nnet.softmax(a), U(rng, 2, 3)),
    "transpile.tensor.nnet.softmax.LogSoftmax": lambda rng: vg(lambda a: T.nnet.log_softmax(a), U(rng, 2, 3)),
    "transpile.tensor.nnet.xent.CrossentropyCategorical1Hot": _xent_case,
    "transpile.graph.deepcopy.DeepCopyOp": lambda rng: vg(lambda a: transpile.compile.deep_copy_op(a) * 1.0, U(rng, 3)),
    "transpile.tensor.gradient_ops.ZeroGrad": lambda rng: zero_grad_check(lambda a: transpile.gradient.zero_grad(a), U(rng, 3)),
    "transpile.tensor.gradient_ops.DisconnectedGrad": lambda rng: zero_grad_check(
        lambda a: transpile.gradient.disconnected_grad(a) + a * 0, U(rng, 3)),
    "transpile.gradient_extras.GradClip": lambda rng: vg(
        lambda a: T.tanh(transpile.gradient.grad_clip(a, -1e3, 1e3)), U(rng, 3)),  # bounds not reached
    "transpile.gradient_extras.GradScale": lambda rng: vg(  # scales that cancel: the true gradient
        lambda a: transpile.gradient.grad_scale(transpile.gradient.grad_scale(T.exp(a), 4.0), 0.25), U(rng, 3)),
    "transpile.sparse.basic.DenseFromSparse": lambda rng: vg(lambda a: _dense(_csr(a)) * 2.0, U(rng, 3, 2)),
    "transpile.sparse.basic.SparseFromDense": lambda rng: vg(lambda a: _dense(_sparse().csc_from_dense(a)), U(rng, 3, 2)),
    "transpile.sparse.basic.Transpose": lambda rng: vg(lambda a: _dense(_sparse().transpose(_csr(a))), U(rng, 3, 2)),
    "transpile.sparse.basic.AsFormat": lambda rng: vg(lambda a: _dense(_sparse().as_format(_csr(a), "csc")), U(rng, 3, 2)),
    "transpile.sparse.structured.StructuredUnary": lambda rng: vg(lambda a: _dense(_sparse().structured_exp(_csr(a))),
                                                                  U(rng, 3, 2, lo=0.2)),
    "transpile.sparse.arith.MulSD": lambda rng: vg(lambda a, b: _dense(_sparse().mul(_csr(a), b)), U(rng, 3, 2), U(rng, 3, 2)),
    "transpile.sparse.arith.MulSS": lambda rng: vg(lambda a, b: _dense(_sparse().mul(_csr(a), _csr(b))),
                                                   U(rng, 3, 2, lo=0.2), U(rng, 3, 2, lo=0.2)),
    "transpile.sparse.arith.AddSS": lambda rng: vg(lambda a, b: _dense(_sparse().add(_csr(a), _csr(b))),
                                                   U(rng, 3, 2, lo=0.2), U(rng, 3, 2, lo=0.2)),
    "transpile.sparse.arith.AddSD": lambda rng: vg(lambda a, b: _sparse().add(_csr(a), b) * 1.0, U(rng, 3, 2), U(rng, 3, 2)),
    "transpile.sparse.dot.StructuredDot": lambda rng: vg(lambda a, b: _sparse().structured_dot(_csr(a), b),
                                                         U(rng, 3, 2, lo=0.2), U(rng, 2, 2)),
    "transpile.sparse.csm.CSMProperties": lambda rng: vg(lambda a: _sparse().csm_data(_csr(a)) ** 2,
                                                         U(rng, 3, 2, lo=0.2)),
    "transpile.sparse.reduce.SpSum": lambda rng: vg(lambda a: _sparse().sp_sum(_csr(a), axis=0), U(rng, 3, 2, lo=0.2)),
    "transpile.sparse.csm.CSM": lambda rng: vg(lambda a: _dense(_sparse().structured_pow(_csr(a), 3.0)),
                                               U(rng, 3, 2, lo=0.2)),
    "transpile.sparse.dot.StructuredDotGradA": lambda rng: vg(  # through sampling_dot, on a fixed pattern
        lambda x, y: _dense(_sparse().sampling_dot(x, y, _csr(np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 0.5]])))),
        U(rng, 3, 4), U(rng, 2, 4)),
    "transpile.sparse.products.TrueDot": lambda rng: vg(lambda a, b: _dense(_sparse().true_dot(_csr(a), b)),
                                                        U(rng, 3, 2, lo=0.2), U(rng, 2, 2, lo=0.2)),
    "transpile.sparse.stack.HStack": lambda rng: vg(lambda a, b: _dense(_sparse().hstack([_csr(a), _csr(b)], "csr")),
                                                    U(rng, 3, 2, lo=0.2), U(rng, 3, 1, lo=0.2)),
    "transpile.sparse.stack.VStack": lambda rng: vg(lambda a, b: _dense(_sparse().vstack([_csr(a), _csr(b)])),
                                                    U(rng, 3, 2, lo=0.2), U(rng, 1, 2, lo=0.2)),
    "transpile.sparse.tidy.Remove0": lambda rng: vg(lambda a: _dense(_sparse().remove0(_csr(a))), U(rng, 3, 2, lo=0.2)),
    "transpile.sparse.tidy.EnsureSortedIndices": lambda rng: vg(
        lambda a: _dense(_sparse().ensure_sorted_indices(_csr(a))), U(rng, 3, 2, lo=0.2)),
    "transpile.compile.builders.OpFromGraph": lambda rng: vg(
        lambda a, b: transpile.OpFromGraph([a, b], [T.exp(a) * b])(a, b * 2.0), U(rng, 3), U(rng, 3)),
    "transpile.ifelse.IfElse": lambda rng: vg(
        lambda a, b: transpile.ifelse.ifelse(T.gt(T.sum(a), 0), [a * b, b], [b, a])[0] * 2.0, U(rng, 3, lo=0.1),
        U(rng, 3)),
    "transpile.printing.Print": lambda rng: vg(lambda a: transpile.printing.Print("")(a) * 2.0, U(rng, 2)),
    "transpile.tensor.view_ops.ViewOp": lambda rng: vg(lambda a: transpile.compile.view_op(a) * 2.0, U(rng, 2, 3)),
    "transpile.tensor.view_ops.CpuContiguous": lambda rng: vg(lambda a: T.cpu_contiguous(a.T) * 2.0, U(rng, 2, 3)),
    "transpile.tensor.check.Assert": lambda rng: vg(lambda a: T.assert_op(a, T.gt(T.sum(a), -100.0)) * 2.0, U(rng, 3)),
}


# -- linear algebra (values and more gradients: tests/tensor/linalg/) -----------------------------------
def _well_conditioned(rng, *shape):
    return U(rng, *shape) + 3.0 * np.eye(shape[-1])


def _spd(rng, *shape):
    a = U(rng, *shape)
    return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])


def _linalg():
    from transpile.tensor import linalg
    return linalg


def _eigh_case(rng):
    L = _linalg()
    return [vg(lambda a: T.sqr(L.eigh(a)[1]) + L.eigh(a)[0].dimshuffle("x", 0), _spd(rng, 3, 3)),
            vg(lambda a: L.eigvalsh(a, UPLO="U"), _spd(rng, 3, 3))]


def _svd_case(rng):
    L = _linalg()
    return [vg(lambda a: L.svd(a, compute_uv=False), U(rng, 3, 2)),
            vg(lambda a: T.sqr(L.svd(a, full_matrices=False)[0]) * 2.0 + L.svd(a, full_matrices=False)[1],
               U(rng, 3, 2))]


def _solve_case(rng):
    L = _linalg()
    return [vg(lambda a, b: L.solve(a, b), _well_conditioned(rng, 2, 3, 3), U(rng, 2, 3, 2)),
            vg(lambda a, b: L.solve(a, b, assume_a="pos", lower=True, b_ndim=1), _spd(rng, 3, 3), U(rng, 3))]


def _solve_triangular_case(rng):
    L = _linalg()
    a = np.tril(_well_conditioned(rng, 3, 3))
    return [vg(lambda m, b: L.solve_triangular(m, b, lower=True), a, U(rng, 3, 2)),
            vg(lambda m, b: L.solve_triangular(m, b, lower=False, trans=1, unit_diagonal=True), a.T, U(rng, 3))]


def _cholesky_case(rng):
    L = _linalg()
    return [vg(L.cholesky, _spd(rng, 2, 3, 3)),
            vg(lambda a: L.cholesky(a, lower=False), _spd(rng, 3, 3))]


def _cho_solve_case(rng):
    L = _linalg()
    c = np.linalg.cholesky(_spd(rng, 3, 3))
    return [vg(lambda m, b: L.cho_solve((m, True), b), c, U(rng, 3, 2)),
            vg(lambda m, b: L.cho_solve((m, False), b), c.T, U(rng, 3))]


def _qr_case(rng):
    L = _linalg()
    return [vg(lambda a: T.concatenate(L.qr(a), axis=0), U(rng, 4, 3)),
            vg(lambda a: L.qr(a, mode="r"), U(rng, 3, 3))]


def _lstsq_case(rng):
    L = _linalg()
    return [vg(lambda a, b: L.lstsq(a, b)[0] + L.lstsq(a, b)[1], U(rng, 5, 3), U(rng, 5, 2)),
            vg(lambda a, b: L.lstsq(a, b)[3] + T.sum(L.lstsq(a, b)[0]), U(rng, 2, 4), U(rng, 2))]


def _optimize():
    import transpile.optimize
    return transpile.optimize


def _minimize_case(rng):
    """The solution of a quadratic (BFGS reaches it to rounding) as a function of the
    parameters: the implicit gradient against finite differences."""
    def fn(t, s):
        x = T.dvector("x")
        objective = ((x - t) ** 2).sum() + s * (x.sum() ** 2)
        kwargs = {"options": {"gtol": 1e-13}}
        solution = _optimize().minimize(objective, x, optimizer_kwargs=kwargs)[0]
        return transpile.clone_replace(solution, {x: T.constant(np.zeros(3))})  # the start: a value
    return vg(fn, U(rng, 3), np.asarray(0.3), eps=1e-4, abs_tol=1e-6, rel_tol=1e-5)


def _minimize_scalar_case(rng):
    """Brent's minimum is only as accurate as sqrt(eps): wide finite differences, loose tolerance."""
    def fn(c):
        y = T.dscalar("y")
        solution = _optimize().minimize_scalar((y - c) ** 2 + 0.1 * T.cos(y), y, optimizer_kwargs={"tol": 1e-12})[0]
        return transpile.clone_replace(solution, {y: T.constant(0.0)})
    return vg(fn, np.asarray(1.5), eps=1e-2, abs_tol=1e-4, rel_tol=1e-4)


def _root_case(rng):
    def fn(p):
        z = T.dvector("z")
        equations = T.stack([z[0] + 2 * z[1] - p[0], z[0] ** 3 - z[1] - p[1]])
        solution = _optimize().root(equations, z, optimizer_kwargs={"options": {"xtol": 1e-14}})[0]
        return transpile.clone_replace(solution, {z: T.constant(np.ones(2))})
    return vg(fn, np.array([3.0, 0.0]), eps=1e-5, abs_tol=1e-6, rel_tol=1e-5)


def _root_scalar_case(rng):
    def fn(c):
        y = T.dscalar("y")
        solution = _optimize().root_scalar(y ** 3 - c, y, method="newton", jac=True, optimizer_kwargs={"xtol": 1e-15})[0]
        return transpile.clone_replace(solution, {y: T.constant(1.5)})
    return vg(fn, np.asarray(8.0), eps=1e-5, abs_tol=1e-7, rel_tol=1e-6)


def _diagonal_scatter_case(rng):
    from transpile.tensor.nlinalg_structure import DiagonalScatter
    return vg(lambda g: DiagonalScatter(1, 0, 1)(T.constant(np.zeros((3, 4))), g), U(rng, 3))


OP_CASES.update({
    "transpile.tensor.nlinalg.MatrixInverse": lambda rng: vg(_linalg().inv, _well_conditioned(rng, 2, 3, 3)),
    "transpile.tensor.nlinalg.Det": lambda rng: vg(_linalg().det, _well_conditioned(rng, 2, 3, 3)),
    "transpile.tensor.nlinalg.SLogDet": lambda rng: vg(lambda a: _linalg().slogdet(a)[1], U(rng, 2, 3, 3)),
    "transpile.tensor.nlinalg.Lstsq": _lstsq_case,
    "transpile.tensor.nlinalg.MatrixPinv": lambda rng: vg(_linalg().pinv, U(rng, 3, 2)),
    "transpile.tensor.nlinalg_decomp.Eigh": _eigh_case,
    "transpile.tensor.nlinalg_decomp.SVD": _svd_case,
    "transpile.tensor.nlinalg_decomp.QR": _qr_case,
    "transpile.tensor.nlinalg_structure.ExtractDiag": lambda rng: vg(lambda a: _linalg().diagonal(a, -1, 2, 0),
                                                                     U(rng, 3, 2, 4)),
    "transpile.tensor.nlinalg_structure.AllocDiag": lambda rng: vg(lambda v: _linalg().alloc_diag(v, 1), U(rng, 2, 3)),
    "transpile.tensor.nlinalg_structure.DiagonalScatter": _diagonal_scatter_case,
    "transpile.tensor.slinalg.Solve": _solve_case,
    "transpile.tensor.slinalg.SolveTriangular": _solve_triangular_case,
    "transpile.tensor.slinalg.Cholesky": _cholesky_case,
    "transpile.tensor.slinalg.CholeskySolve": _cho_solve_case,
    "transpile.tensor.slinalg.Expm": lambda rng: vg(_linalg().expm, U(rng, 3, 3)),
    "transpile.optimize.MinimizeOp": _minimize_case,
    "transpile.optimize.MinimizeScalarOp": _minimize_scalar_case,
    "transpile.optimize.RootOp": _root_case,
    "transpile.optimize.RootScalarOp": _root_scalar_case,
    "transpile.tensor.slinalg_matrix_equations.SolveDiscreteARE": lambda rng: vg(
        lambda A, B: _linalg().solve_discrete_are(A, B, T.eye(3), T.eye(2)), U(rng, 3, 3, lo=-0.4, hi=0.4), U(rng, 3, 2)),
    "transpile.tensor.fft.RFFTOp": lambda rng: vg(lambda x: T.fft.rfft_op(x), U(rng, 2, 5)),
    "transpile.tensor.fft.IRFFTOp": lambda rng: vg(lambda z: T.fft.irfft_op(z, [6]), U(rng, 2, 4, 2)),
    "transpile.tensor.slinalg_lu.LUFactor": lambda rng: vg(lambda a: _linalg().lu_factor(a)[0],
                                                           _well_conditioned(rng, 2, 3, 3)),
})

#: ops whose `grad` raises NotImplementedError for now: {name: a builder that must raise}. When
#: one gets a gradient, this table's test fails: move it to OP_CASES / SCALAR_CASES.
GRAD_NOT_IMPLEMENTED = {
    "transpile.tensor.blas_gemm.Dot22": _rewrite_made_grad_raises(
        lambda x, v, a: transpile.tensor.blas_gemm.Dot22()(x, x)),
    "transpile.tensor.blas_gemm.Gemm": _rewrite_made_grad_raises(
        lambda x, v, a: transpile.tensor.blas_gemm.Gemm()(x, a, x, x, a)),
    "transpile.tensor.blas_gemm.Gemv": _rewrite_made_grad_raises(
        lambda x, v, a: transpile.tensor.blas_gemm.Gemv()(v, a, x, v, a)),
    "transpile.tensor.blas_gemm.Ger": _rewrite_made_grad_raises(
        lambda x, v, a: transpile.tensor.blas_gemm.Ger()(x, a, v, v)),
    "transpile.tensor.reduce_fused.FusedReduce": _rewrite_made_grad_raises(
        lambda x, v, a: transpile.tensor.reduce_fused.FusedReduce(T.Sum((0, 1)), transpile.scalar.exp)(x)),
    "transpile.tensor.nnet.xent_softmax.CrossentropySoftmax1HotDx": _rewrite_made_grad_raises(
        lambda x, v, a: transpile.tensor.nnet.xent_softmax.CrossentropySoftmax1HotDx()(v, x, T.ivector())),
    "transpile.tensor.nnet.xent.CrossentropyCategorical1HotGrad": _xent_grad_case,
    "transpile.scalar.special.TriGamma": lambda rng: elem("tri_gamma", POS)(rng),
}

#: ops whose gradient is zero or undefined by nature: {name: reason}
NOT_DIFFERENTIABLE = {
    "transpile.tensor.shape.Shape": "integer output",
    "transpile.tensor.shape.Shape_i": "integer output",
    "transpile.tensor.reduce.All": "boolean output",
    "transpile.tensor.reduce.Any": "boolean output",
    "transpile.tensor.stats.Argmax": "integer output",
    "transpile.tensor.slinalg_lu.PivotToPermutation": "integer output",
    "transpile.tensor.stats.Argmin": "integer output",
    "transpile.tensor.alloc.Eye": "inputs are integer sizes",
    "transpile.tensor.sort.ArgSortOp": "integer output",
    "transpile.tensor.counting.SearchSorted": "integer output",
    "transpile.tensor.counting.Nonzero": "integer output",
    "transpile.tensor.index_ops.UnravelIndex": "integer output",
    "transpile.tensor.index_ops.RavelMultiIndex": "integer output",
    "transpile.tensor.alloc.ARange": "piecewise constant in its bounds",
    "transpile.tensor.random.op.RandomDraw": "random draws: no gradient with respect to the state",
    "transpile.tensor.random.op.UniformDraw": "random draws: no gradient with respect to the state",
    "transpile.tensor.random.op.NormalDraw": "random draws: no gradient with respect to the state",
    "transpile.tensor.random.op.BinomialDraw": "random draws: no gradient with respect to the state",
    "transpile.tensor.random.draws.CategoricalDraw": "random draws: not differentiable in their parameters",
    "transpile.tensor.random.draws.ExponentialDraw": "random draws: not differentiable in their parameters",
    "transpile.tensor.random.draws.GammaDraw": "random draws: not differentiable in their parameters",
    "transpile.tensor.random.draws.IntegersDraw": "random draws: not differentiable in their parameters",
    "transpile.tensor.random.draws.PoissonDraw": "random draws: not differentiable in their parameters",
    "transpile.tensor.random.draws.TruncatedNormalDraw": "random draws: not differentiable in their parameters",
    "transpile.gradient_extras.UndefinedGrad": "undefined by design (tests/test_gradient_extras.py checks the error)",
}


# -- scalar ops (through their Elemwise) -----------------------------------------------------------------
def elem(fname, *domains, shape=(2, 3)):
    """verify_grad of T.<fname> with inputs drawn uniformly from `domains` ((lo, hi) per input)."""
    def case(rng):
        fn = getattr(T, fname)
        return vg(lambda *a: fn(*a), *[U(rng, *shape, lo=lo, hi=hi) for lo, hi in domains])
    return case


def elem_zero(fname, *domains):
    def case(rng):
        fn = getattr(T, fname)
        return zero_grad_check(lambda *a: fn(*a), *[U(rng, 2, 3, lo=lo, hi=hi) for lo, hi in domains])
    return case


ANY, POS, UNIT = (-2.0, 2.0), (0.3, 2.0), (-0.8, 0.8)

SCALAR_CASES = {
    "transpile.scalar.arith.Add": elem("add", ANY, ANY),
    "transpile.scalar.arith.Sub": elem("sub", ANY, ANY),
    "transpile.scalar.arith.Mul": elem("mul", ANY, ANY),
    "transpile.scalar.arith.TrueDiv": elem("true_div", ANY, POS),
    "transpile.scalar.arith.Neg": elem("neg", ANY),
    "transpile.scalar.arith.Abs": elem("abs_", POS),
    "transpile.scalar.arith.Sqr": elem("sqr", ANY),
    "transpile.scalar.arith.Inv": elem("inv", POS),
    "transpile.scalar.arith.Exp": elem("exp", ANY),
    "transpile.scalar.arith.Log": elem("log", POS),
    "transpile.scalar.arith.Sqrt": elem("sqrt", POS),
    "transpile.scalar.arith.Pow": elem("pow", POS, ANY),
    "transpile.scalar.arith.Second": elem("second", ANY, ANY),
    "transpile.scalar.arith.Identity": elem("identity", ANY),
    "transpile.scalar.arith.Conj": elem("conj", ANY),
    # complex parts: a real cost of complex values (tests/tensor/test_complex_parts.py has more)
    "transpile.scalar.complex_parts.Real": lambda rng: vg(lambda a, b: T.real(T.complex(a, b) * T.complex(b, a)),
                                                          U(rng, 2, 3), U(rng, 2, 3)),
    "transpile.scalar.complex_parts.Imag": lambda rng: vg(lambda a, b: T.imag(T.complex(a, b) * T.complex(b, a)),
                                                          U(rng, 2, 3), U(rng, 2, 3)),
    "transpile.scalar.complex_parts.Angle": lambda rng: vg(lambda a, b: T.angle(T.complex(a, b)),
                                                           U(rng, 2, 3, lo=0.3, hi=2.0), U(rng, 2, 3)),
    "transpile.scalar.complex_parts.Complex": lambda rng: vg(lambda a, b: T.real(T.complex(a, b) * 2.0)
                                                             + T.imag(T.complex(a, b)) * a, U(rng, 2, 3), U(rng, 2, 3)),
    "transpile.scalar.complex_parts.ComplexFromPolar": lambda rng: vg(
        lambda r, t: T.real(T.complex_from_polar(r, t)) + T.imag(T.complex_from_polar(r, t)) * 2.0,
        U(rng, 2, 3, lo=0.3, hi=2.0), U(rng, 2, 3)),
    "transpile.scalar.arith.Cast": lambda rng: vg(lambda a: T.cast(a, "float32") * 1.0, U(rng, 3),
                                                  abs_tol=1e-2, rel_tol=1e-2),
    "transpile.scalar.arith.Mod": elem("mod", (0.1, 0.9), (1.1, 2.0)),
    "transpile.scalar.arith.IntDiv": elem_zero("int_div", (0.1, 0.9), (1.1, 2.0)),
    "transpile.scalar.arith.Sgn": elem_zero("sgn", POS),
    "transpile.scalar.transcendental.Exp2": elem("exp2", ANY),
    "transpile.scalar.transcendental.Expm1": elem("expm1", ANY),
    "transpile.scalar.transcendental.Log2": elem("log2", POS),
    "transpile.scalar.transcendental.Log10": elem("log10", POS),
    "transpile.scalar.transcendental.Log1p": elem("log1p", POS),
    "transpile.scalar.transcendental.Sin": elem("sin", ANY),
    "transpile.scalar.transcendental.Cos": elem("cos", ANY),
    "transpile.scalar.transcendental.Tan": elem("tan", UNIT),
    "transpile.scalar.transcendental.ArcSin": elem("arcsin", UNIT),
    "transpile.scalar.transcendental.ArcCos": elem("arccos", UNIT),
    "transpile.scalar.transcendental.ArcTan": elem("arctan", ANY),
    "transpile.scalar.transcendental.Sinh": elem("sinh", ANY),
    "transpile.scalar.transcendental.Cosh": elem("cosh", ANY),
    "transpile.scalar.transcendental.Tanh": elem("tanh", ANY),
    "transpile.scalar.transcendental.ArcSinh": elem("arcsinh", ANY),
    "transpile.scalar.transcendental.ArcCosh": elem("arccosh", (1.2, 3.0)),
    "transpile.scalar.transcendental.ArcTanh": elem("arctanh", UNIT),
    "transpile.scalar.transcendental.Deg2Rad": elem("deg2rad", ANY),
    "transpile.scalar.transcendental.Rad2Deg": elem("rad2deg", ANY),
    "transpile.scalar.transcendental.ArcTan2": elem("arctan2", POS, POS),
    "transpile.scalar.transcendental.Hypot": elem("hypot", POS, ANY),
    "transpile.scalar.special.Erf": elem("erf", ANY),
    "transpile.scalar.special.Erfc": elem("erfc", ANY),
    "transpile.scalar.special.Erfinv": elem("erfinv", UNIT),
    "transpile.scalar.special.Gamma": elem("gamma", POS),
    "transpile.scalar.special.GammaLn": elem("gammaln", POS),
    "transpile.scalar.special.Psi": elem("psi", POS),
    # gradients wrt the order / shape parameter are not implemented: those inputs are constants
    "transpile.scalar.special_more.GammaInc": lambda rng: vg(lambda x: T.gammainc(2.5, x), U(rng, 2, 3, lo=0.3, hi=4.0)),
    "transpile.scalar.special_more.GammaIncC": lambda rng: vg(lambda x: T.gammaincc(0.7, x), U(rng, 2, 3, lo=0.3, hi=4.0)),
    "transpile.scalar.special_more.Erfcx": elem("erfcx", (-2.0, 6.0)),
    "transpile.scalar.special_more.Erfcinv": elem("erfcinv", (0.1, 1.9)),
    "transpile.scalar.bessel.I0": elem("i0", ANY),
    "transpile.scalar.bessel.I1": elem("i1", ANY),
    "transpile.scalar.bessel.Iv": lambda rng: vg(lambda x: T.iv(1.5, x), U(rng, 2, 3, lo=0.3, hi=4.0)),
    "transpile.scalar.bessel.Jv": lambda rng: vg(lambda x: T.jv(-0.5, x), U(rng, 2, 3, lo=0.3, hi=4.0)),
    "transpile.scalar.gamma_family.Polygamma": lambda rng: vg(lambda x: T.polygamma(2, x), U(rng, 2, 3, lo=0.5, hi=4.0)),
    "transpile.scalar.gamma_family.Poch": elem("poch", (0.5, 4.0), (-0.4, 3.0)),
    "transpile.scalar.gamma_family.BetaLn": elem("betaln", (0.5, 4.0), (0.5, 4.0)),
    "transpile.scalar.bessel_k.Kv": lambda rng: vg(lambda x: T.kv(1.5, x), U(rng, 2, 3, lo=0.3, hi=4.0)),
    "transpile.scalar.bessel_k.Kve": lambda rng: vg(lambda x: T.kve(0.4, x), U(rng, 2, 3, lo=0.3, hi=4.0)),
    "transpile.scalar.bessel_k.Ive": lambda rng: vg(lambda x: T.ive(2.5, x), U(rng, 2, 3, lo=0.3, hi=4.0)),
    "transpile.scalar.incomplete.BetaInc": lambda rng: vg(lambda x: T.betainc(2.5, 1.5, x), U(rng, 2, 3, lo=0.1, hi=0.9)),
    "transpile.scalar.incomplete.BetaIncInv": lambda rng: vg(lambda y: T.betaincinv(2.5, 0.7, y),
                                                             U(rng, 2, 3, lo=0.1, hi=0.9)),
    "transpile.scalar.incomplete.GammaIncInv": lambda rng: vg(lambda y: T.gammaincinv(1.7, y), U(rng, 2, 3, lo=0.1, hi=0.9)),
    "transpile.scalar.incomplete.GammaIncCInv": lambda rng: vg(lambda y: T.gammainccinv(0.6, y),
                                                               U(rng, 2, 3, lo=0.1, hi=0.9)),
    "transpile.scalar.normal.NdtriExp": elem("ndtri_exp", (-5.0, -0.1)),
    "transpile.scalar.normal.OwensT": elem("owens_t", ANY, (-3.0, 3.0)),
    "transpile.scalar.hypergeometric.Hyp2F1": lambda rng: vg(lambda z: T.hyp2f1(1.5, -0.7, 2.2, z),
                                                             U(rng, 2, 3, lo=-0.9, hi=0.9)),
    "transpile.scalar.xlog.XlogX": elem("xlogx", POS),
    "transpile.scalar.xlog.XlogY": elem("xlogy", ANY, POS),
    "transpile.scalar.xlog.Xlog1pY": elem("xlog1py", ANY, (-0.5, 2.0)),
    "transpile.scalar.xlog.Logit": elem("logit", (0.1, 0.9)),
    "transpile.scalar.activation.Sigmoid": elem("sigmoid", ANY),
    "transpile.scalar.activation.Softplus": elem("softplus", ANY),
    "transpile.scalar.activation.Log1mexp": elem("log1mexp", (-2.0, -0.2)),
    "transpile.scalar.compare.Maximum": lambda rng: vg(T.maximum, U(rng, 2, 3), U(rng, 2, 3) + 3.0),
    "transpile.scalar.compare.Minimum": lambda rng: vg(T.minimum, U(rng, 2, 3), U(rng, 2, 3) + 3.0),
    "transpile.scalar.compare.Clip": lambda rng: vg(lambda a: T.clip(a, -0.5, 0.5),
                                                    np.array([-0.9, -0.2, 0.3, 0.8])),
    "transpile.scalar.compare.Switch": lambda rng: vg(lambda a, b: T.switch(T.gt(a, 0), a * b, b),
                                                      np.array([-0.5, 0.5, 1.5]), U(rng, 3)),
}

SCALAR_NOT_DIFFERENTIABLE = {
    "transpile.scalar.rounding.Floor": "piecewise constant",
    "transpile.scalar.rounding.Ceil": "piecewise constant",
    "transpile.scalar.rounding.Trunc": "piecewise constant",
    "transpile.scalar.rounding.RoundHalfToEven": "piecewise constant",
    "transpile.scalar.rounding.RoundHalfAwayFromZero": "piecewise constant",
    "transpile.scalar.compare.IsNan": "boolean output",
    "transpile.scalar.compare.IsInf": "boolean output",
    "transpile.scalar.compare.EQ": "boolean output",
    "transpile.scalar.compare.NEQ": "boolean output",
    "transpile.scalar.compare.LT": "boolean output",
    "transpile.scalar.compare.GT": "boolean output",
    "transpile.scalar.compare.LE": "boolean output",
    "transpile.scalar.compare.GE": "boolean output",
    "transpile.scalar.logic.Invert": "integer/boolean only",
    "transpile.scalar.logic.AND": "integer/boolean only",
    "transpile.scalar.logic.OR": "integer/boolean only",
    "transpile.scalar.logic.XOR": "integer/boolean only",
    "transpile.scalar.composite.Composite": "made by fusion after gradients are taken; its grad raises",
}


# -- running the cases: tables of about TABLE_SIZE checks, one compiled function each ----------------------
PIECEWISE_CONSTANT = {fname: elem_zero(fname, ANY) for fname in ["floor", "ceil", "trunc", "round", "sgn"]}
CASES = {"op": OP_CASES, "scalar": SCALAR_CASES, "piecewise": PIECEWISE_CONSTANT}
TABLE_SIZE = 16


def _as_list(made):
    return [] if made is None else made if isinstance(made, list) else [made]


def _checks(kind, name):
    """The checks of CASES[kind][name], drawn as the test's `rng` fixture would draw them."""
    return _as_list(CASES[kind][name](case_rng()))


def build_grad(key):
    case = _checks(*key[:2])[key[2]]
    return case.fn, case.points


def build_zero(key):
    case = _checks(*key[:2])[key[2]]
    vars_ = [T.TensorType(p.dtype.name, (False,) * p.ndim)() for p in case.points]
    out = T.cast(case.fn(*vars_), "float64")
    return vars_, T.grad(T.sum(out), vars_, disconnected_inputs="ignore"), case.points


@functools.cache
def _tables(kind):
    """{(kind, name, k): the table that check k of `name` is run with}. A table holds checks of
    one class and one set of verify_grad options, in name order."""
    groups = {}
    for name in sorted(CASES[kind]):
        try:
            checks = _checks(kind, name)
        except Exception:  # a broken case fails its own test only (drawing it again)
            continue
        for k, case in enumerate(checks):
            group = (type(case).__name__, repr(sorted(getattr(case, "kwargs", {}).items())))
            groups.setdefault(group, []).append((kind, name, k))
    tables = {}
    for keys in groups.values():
        size = math.ceil(len(keys) / math.ceil(len(keys) / TABLE_SIZE))  # even tables, at most TABLE_SIZE
        for start in range(0, len(keys), size):
            table = keys[start:start + size]
            tables.update(dict.fromkeys(table, table))
    return tables


def run_cases(kind, name, mode):
    """Every check of CASES[kind][name], each with its table (see tests/batched.py): a table that
    fails is rerun case by case, so the failure is this case's own."""
    tables = _tables(kind)
    for k, case in enumerate(_checks(kind, name)):
        key = (kind, name, k)
        if isinstance(case, ZeroGradCase):
            for g in batched_case(mode, tables[key], build_zero, key)[2]:
                assert not np.any(g), f"{name}: nonzero gradient {g}"
        elif mode == "DEBUG_MODE":
            batched_debug_verify_grad(tables[key], build_grad, key, **case.kwargs)
        else:
            batched_verify_grad(mode, tables[key], build_grad, key, **case.kwargs)


# -- the tests ------------------------------------------------------------------------------------------
@pytest.mark.single_mode
def test_every_op_has_a_case():
    missing = [n for n in _with_grad(Op)
               if n not in OP_CASES and n not in NOT_DIFFERENTIABLE and n not in GRAD_NOT_IMPLEMENTED]
    assert not missing, "ops defining grad without a verify_grad case in tests/test_grad_coverage.py:\n  " + \
        "\n  ".join(missing)


@pytest.mark.single_mode
def test_every_scalar_op_has_a_case():
    missing = [n for n in _with_grad(ScalarOp) if n not in SCALAR_CASES
               and n not in SCALAR_NOT_DIFFERENTIABLE and n not in GRAD_NOT_IMPLEMENTED]
    assert not missing, "scalar ops defining grad without a case in tests/test_grad_coverage.py:\n  " + \
        "\n  ".join(missing)


@pytest.mark.single_mode
def test_tables_name_existing_classes():
    known = set(_with_grad(Op)) | set(_with_grad(ScalarOp))
    stale = [n for n in list(OP_CASES) + list(NOT_DIFFERENTIABLE) + list(SCALAR_CASES)
             + list(SCALAR_NOT_DIFFERENTIABLE) + list(GRAD_NOT_IMPLEMENTED) if n not in known]
    assert not stale, f"entries naming no op that defines grad (renamed or removed?): {stale}"


@pytest.mark.parametrize("name", sorted(OP_CASES))
def test_op_gradient(name, mode):
    run_cases("op", name, mode)


@pytest.mark.single_mode
@pytest.mark.parametrize("name", sorted(OP_CASES))
def test_op_gradient_in_debug_mode(name):
    """The same graphs pass DebugMode's checks (values, shapes, dtypes, aliasing, rewrites, native)."""
    with transpile.config.change_flags(mode="DEBUG_MODE"):
        run_cases("op", name, "DEBUG_MODE")


@pytest.mark.parametrize("name", sorted(SCALAR_CASES))
def test_scalar_op_gradient(name, mode):
    run_cases("scalar", name, mode)


@pytest.mark.parametrize("name", sorted(GRAD_NOT_IMPLEMENTED))
def test_still_not_implemented(name, rng):
    with pytest.raises(NotImplementedError):
        for case in _as_list(GRAD_NOT_IMPLEMENTED[name](rng)):
            verify_grad(case.fn, case.points, rng=case_rng(), **case.kwargs)


@pytest.mark.parametrize("fname", sorted(PIECEWISE_CONSTANT))
def test_piecewise_constant_have_zero_gradient(fname, mode):
    run_cases("piecewise", fname, mode)
