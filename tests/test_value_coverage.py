"""Every public name of the tensor families below has a value test against numpy/scipy that runs in
every mode (the companion of tests/test_grad_coverage.py, which does the same for gradients).

The names are collected, not listed: `__all__` of `transpile.tensor.extra_ops`, of
`nlinalg`/`slinalg`/`linalg`, of `T.nnet` (with `T.nnet.bn` and `logsumexp`), the elementwise
functions of `transpile.tensor.math` and `math_special` whose scalar op lives in a special-function
module, and the public methods of `RandomStreams`. So a new name without an entry in `VALUE_TESTS` fails
`test_every_public_name_has_a_value_test`. A name bound to the same object as a name that has an
entry (`xlogy0 is xlogy`) is covered by it.

Each entry names test node ids (`file::function`). They are checked mechanically:
- the test exists, and its source (with the module-level tables and helpers it refers to) spells
  the name (an op class: the function that builds it, `SPELLED_AS`) and a numpy/scipy reference;
- `pytest --collect-only` collects it once per mode (FAST_COMPILE and FAST_RUN): no `single_mode`.
"""
import ast
import functools
import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

import transpile.tensor as T
from transpile.tensor import extra_ops, linalg, nlinalg, slinalg
from transpile.tensor import math as tmath
from transpile.tensor import math_special
from transpile.tensor.nnet import bn
from transpile.tensor.random.streams import RandomStreams

pytestmark = pytest.mark.single_mode

ROOT = Path(__file__).resolve().parents[1]
SPECIAL_SCALAR_MODULES = ("transpile.scalar.special_more", "transpile.scalar.bessel", "transpile.scalar.xlog",
                          "transpile.scalar.activation", "transpile.scalar.gamma_family", "transpile.scalar.bessel_k",
                          "transpile.scalar.incomplete", "transpile.scalar.normal", "transpile.scalar.hypergeometric")


def public_names():
    """{group: {name: object}}: every public name this file must cover."""
    groups = {"extra_ops": {n: getattr(extra_ops, n) for n in extra_ops.__all__}, "linalg": {}, "nnet": {},
              "special": {}, "random": {}}
    for mod in (nlinalg, slinalg, linalg):
        for n in mod.__all__:
            obj = getattr(mod, n)
            assert groups["linalg"].setdefault(n, obj) is obj, f"linalg.{n}: two different objects share the name"
    lse = importlib.import_module("transpile.tensor.logsumexp")  # T.logsumexp is the function
    for mod in (T.nnet, bn, lse):
        for n in mod.__all__:
            groups["nnet"][n] = getattr(mod, n)
    for mod in (tmath, math_special):
        for n in mod.__all__:
            op = getattr(getattr(mod, n), "op", None)
            if op is not None and type(getattr(op, "scalar_op", None)).__module__ in SPECIAL_SCALAR_MODULES:
                groups["special"][n] = getattr(mod, n)
    for n, member in inspect.getmembers(RandomStreams):
        if not n.startswith("_"):
            groups["random"][n] = member
    return groups


# -- the table: "group.name" -> the tests that check its values -------------------------------------------
CU = "tests/tensor/test_extra_ops_cumulative.py::"
CO = "tests/tensor/test_extra_ops_counting.py::"
MI = "tests/tensor/test_extra_ops_misc.py::"
SO = "tests/tensor/test_extra_ops_sort.py::"
NL = "tests/tensor/test_nlinalg.py::"
SL = "tests/tensor/test_slinalg.py::"
LS = "tests/tensor/test_linalg_structure.py::"
BN = "tests/tensor/nnet/test_bn.py::"
ACT = "tests/tensor/nnet/test_activations.py::"
CF = "tests/tensor/nnet/test_conv_functions.py::"
CONV = "tests/tensor/nnet/test_nnet_conv.py::"
POOL = "tests/tensor/nnet/test_nnet_pool.py::"
C3 = "tests/tensor/nnet/test_conv3d_groups.py::"
P3 = "tests/tensor/nnet/test_pool3d.py::"
NB = "tests/tensor/nnet/test_neighbours.py::"
HS = "tests/tensor/nnet/test_h_softmax.py::"
SM = "tests/tensor/nnet/test_nnet_softmax.py::"
XE = "tests/tensor/nnet/test_nnet_xent.py::"
MATH = "tests/tensor/test_math.py::"
SPM = "tests/scalar/test_special_more.py::"
MS = "tests/tensor/test_math_special.py::"
RD = "tests/tensor/test_random_distributions.py::"
RA = "tests/tensor/test_random.py::"
RP = "tests/tensor/test_random_pytensor.py::"
AX = "tests/tensor/test_axes.py::"
SP = "tests/tensor/test_spacing.py::"
ST = "tests/tensor/test_stats.py::"
MN = "tests/tensor/test_math_numpy.py::"
LP = "tests/tensor/test_linalg_products.py::"
SEL = "tests/tensor/test_extra_ops_selection.py::"
CSH = "tests/tensor/nnet/test_conv_shapes.py::"
NTN = "tests/tensor/nnet/test_nnet_theano_names.py::"
EIN = "tests/tensor/test_einsum.py::"
PAD = "tests/tensor/test_pad.py::"
LU = "tests/tensor/test_slinalg_lu.py::"
PH = "tests/tensor/test_pytensor_helpers.py::"
NTM = "tests/tensor/nnet/test_nnet_theano_more.py::"
TSN = "tests/tensor/test_theano_small_names.py::"
ME = "tests/tensor/test_slinalg_matrix_equations.py::"
SCH = "tests/tensor/test_slinalg_schur.py::"
CTC = "tests/tensor/nnet/test_ctc.py::"

VALUE_TESTS = {
    # nnet: Theano's gradient helpers, shape checks, convolution variants, conv3d2d
    "nnet.softmax_grad": [NTM + "test_gradient_helpers"],
    "nnet.crossentropy_categorical_1hot_grad": [NTM + "test_gradient_helpers"],
    "nnet.crossentropy_softmax_1hot_with_bias_dx": [NTM + "test_gradient_helpers"],
    "nnet.assert_shape": [NTM + "test_assert_op_and_shape_checks"],
    "nnet.assert_conv_shape": [NTM + "test_assert_op_and_shape_checks"],
    "nnet.separable_conv2d": [NTM + "test_separable_and_causal_convolutions"],
    "nnet.separable_conv3d": [NTM + "test_separable_and_causal_convolutions"],
    "nnet.causal_conv1d": [NTM + "test_separable_and_causal_convolutions"],
    "nnet.diagonal_subtensor": [NTM + "test_diagonal_subtensors"],
    "nnet.inc_diagonal_subtensor": [NTM + "test_diagonal_subtensors"],
    "nnet.get_diagonal_subtensor_view": [NTM + "test_diagonal_subtensors"],
    "nnet.ctc": [CTC + "test_ctc_matches_the_sum_over_alignments"],
    "nnet.ctc_available": [CTC + "test_ctc_matches_the_sum_over_alignments"],
    "nnet.ctc_present": [CTC + "test_ctc_matches_the_sum_over_alignments"],
    "nnet.bilinear_upsampling": [NTM + "test_bilinear_upsampling"],
    "nnet.frac_bilinear_upsampling": [NTM + "test_bilinear_upsampling"],
    # extra_ops
    "extra_ops.cumsum": [CU + "test_cumsum_cumprod", CU + "test_cumsum_vector_and_empty"],
    "extra_ops.choose": [SEL + "test_choose_compress_permute_row_elements"],
    "extra_ops.compress": [SEL + "test_choose_compress_permute_row_elements"],
    "extra_ops.permute_row_elements": [SEL + "test_choose_compress_permute_row_elements"],
    "extra_ops.atleast_Nd": [PH + "test_axes_helpers"],
    "extra_ops.concat_with_broadcast": [PH + "test_axes_helpers"],
    "extra_ops.slice_at_axis": [PH + "test_axes_helpers"],
    "extra_ops.interp": [PH + "test_interp_and_interpolate1d"],
    "extra_ops.interpolate1d": [PH + "test_interp_and_interpolate1d"],
    "extra_ops.cpu_contiguous": [TSN + "test_view_op_and_cpu_contiguous"],
    "extra_ops.pad": [PAD + "test_pad_matches_numpy", PAD + "test_pad_of_a_constant_and_in_a_larger_graph"],
    "extra_ops.bartlett": [SEL + "test_bartlett"],
    "extra_ops.cumprod": [CU + "test_cumsum_cumprod"],
    "extra_ops.CumOp": [CU + "test_cumsum_cumprod"],
    "extra_ops.diff": [CU + "test_diff"],
    "extra_ops.repeat": [CU + "test_repeat"],
    "extra_ops.Repeat": [CU + "test_repeat"],
    "extra_ops.bincount": [CO + "test_bincount"],
    "extra_ops.BinCount": [CO + "test_bincount"],
    "extra_ops.searchsorted": [CO + "test_searchsorted", CO + "test_searchsorted_nan"],
    "extra_ops.SearchSorted": [CO + "test_searchsorted"],
    "extra_ops.unique": [CO + "test_unique", CO + "test_unique_nan_scalar_and_empty"],
    "extra_ops.Unique": [CO + "test_unique"],
    "extra_ops.nonzero": [CO + "test_nonzero"],
    "extra_ops.flatnonzero": [CO + "test_nonzero"],
    "extra_ops.nonzero_values": [CO + "test_nonzero"],
    "extra_ops.Nonzero": [CO + "test_nonzero"],
    "extra_ops.sort": [SO + "test_sort_argsort", SO + "test_sort_vector_edges"],
    "extra_ops.SortOp": [SO + "test_sort_argsort"],
    "extra_ops.argsort": [SO + "test_sort_argsort"],
    "extra_ops.ArgSortOp": [SO + "test_sort_argsort"],
    "extra_ops.topk": [SO + "test_topk"],
    "extra_ops.argtopk": [SO + "test_topk"],
    "extra_ops.topk_and_argtopk": [SO + "test_topk"],
    "extra_ops.take_along_axis": [SO + "test_topk"],
    "extra_ops.tril": [MI + "test_triangles_and_diagonals"],
    "extra_ops.triu": [MI + "test_triangles_and_diagonals"],
    "extra_ops.tri": [MI + "test_triangles_and_diagonals"],
    "extra_ops.fill_diagonal": [MI + "test_triangles_and_diagonals"],
    "extra_ops.fill_diagonal_offset": [MI + "test_triangles_and_diagonals"],
    "extra_ops.diagonal": [MI + "test_triangles_and_diagonals"],
    "extra_ops.trace": [MI + "test_triangles_and_diagonals"],
    "extra_ops.eye": [MI + "test_to_one_hot_and_eye"],
    "extra_ops.identity_like": [MI + "test_to_one_hot_and_eye"],
    "extra_ops.to_one_hot": [MI + "test_to_one_hot_and_eye"],
    "extra_ops.take": [MI + "test_take_and_roll"],
    "extra_ops.roll": [MI + "test_take_and_roll"],
    "extra_ops.ravel_multi_index": [MI + "test_ravel_unravel"],
    "extra_ops.RavelMultiIndex": [MI + "test_ravel_unravel"],
    "extra_ops.unravel_index": [MI + "test_ravel_unravel"],
    "extra_ops.UnravelIndex": [MI + "test_ravel_unravel"],
    "extra_ops.squeeze": [MI + "test_numpy_helpers"],
    "extra_ops.broadcast_to": [MI + "test_numpy_helpers"],
    "extra_ops.isclose": [MI + "test_numpy_helpers"],
    "extra_ops.allclose": [MI + "test_numpy_helpers"],
    "extra_ops.where": [MI + "test_numpy_helpers"],
    "extra_ops.square": [MI + "test_numpy_helpers"],
    "extra_ops.power": [MI + "test_numpy_helpers"],
    "extra_ops.horizontal_stack": [MI + "test_numpy_helpers"],
    "extra_ops.vertical_stack": [MI + "test_numpy_helpers"],
    "extra_ops.stacklists": [MI + "test_numpy_helpers"],
    "extra_ops.expand_dims": [AX + "test_values_match_numpy"],
    "extra_ops.flip": [AX + "test_values_match_numpy"],
    "extra_ops.moveaxis": [AX + "test_values_match_numpy"],
    "extra_ops.atleast_1d": [AX + "test_values_match_numpy"],
    "extra_ops.atleast_2d": [AX + "test_values_match_numpy"],
    "extra_ops.atleast_3d": [AX + "test_values_match_numpy"],
    "extra_ops.broadcast_arrays": [AX + "test_values_match_numpy", AX + "test_broadcast_arrays_keeps_each_dtype"],
    "extra_ops.linspace": [SP + "test_values_match_numpy"],
    "extra_ops.logspace": [SP + "test_values_match_numpy"],
    "extra_ops.geomspace": [SP + "test_values_match_numpy"],
    "extra_ops.median": [ST + "test_median_matches_numpy", ST + "test_median_with_nan_and_inf"],
    "extra_ops.nan_to_num": [MN + "test_comparisons_sign_and_finiteness"],
    "extra_ops.tril_indices": [MI + "test_triangle_indices_and_inverse_permutation"],
    "extra_ops.triu_indices": [MI + "test_triangle_indices_and_inverse_permutation"],
    "extra_ops.tril_indices_from": [MI + "test_triangle_indices_and_inverse_permutation"],
    "extra_ops.triu_indices_from": [MI + "test_triangle_indices_and_inverse_permutation"],
    "extra_ops.inverse_permutation": [MI + "test_triangle_indices_and_inverse_permutation"],
    # linear algebra
    "linalg.inv": [NL + "test_values_match_numpy"],
    "linalg.MatrixInverse": [NL + "test_values_match_numpy"],
    "linalg.matrix_inverse": [NL + "test_values_match_numpy"],
    "linalg.det": [NL + "test_values_match_numpy", NL + "test_singular_and_empty_matrices_as_numpy"],
    "linalg.Det": [NL + "test_values_match_numpy"],
    "linalg.slogdet": [NL + "test_values_match_numpy", NL + "test_singular_and_empty_matrices_as_numpy"],
    "linalg.SLogDet": [NL + "test_values_match_numpy"],
    "linalg.eig": [NL + "test_values_match_numpy"],
    "linalg.Eig": [NL + "test_values_match_numpy"],
    "linalg.eigh": [NL + "test_values_match_numpy"],
    "linalg.Eigh": [NL + "test_values_match_numpy"],
    "linalg.eigvalsh": [NL + "test_values_match_numpy"],
    "linalg.svd": [NL + "test_values_match_numpy", NL + "test_svd_factors_match_numpy"],
    "linalg.SVD": [NL + "test_svd_factors_match_numpy"],
    "linalg.qr": [NL + "test_values_match_numpy"],
    "linalg.QR": [NL + "test_values_match_numpy"],
    "linalg.pinv": [NL + "test_values_match_numpy", NL + "test_pinv_of_rank_deficient_and_empty_matrices"],
    "linalg.MatrixPinv": [NL + "test_values_match_numpy"],
    "linalg.lstsq": [NL + "test_values_match_numpy"],
    "linalg.Lstsq": [NL + "test_values_match_numpy"],
    "linalg.matrix_power": [NL + "test_values_match_numpy"],
    "linalg.matrix_dot": [NL + "test_values_match_numpy"],
    "linalg.tensorinv": [NL + "test_values_match_numpy"],
    "linalg.tensorsolve": [NL + "test_values_match_numpy"],
    "linalg.lu": [LU + "test_lu_matches_scipy", LU + "test_lu_batched_integer_empty_and_singular"],
    "linalg.lu_factor": [LU + "test_lu_matches_scipy", LU + "test_lu_batched_integer_empty_and_singular"],
    "linalg.lu_solve": [LU + "test_lu_matches_scipy", LU + "test_lu_batched_integer_empty_and_singular"],
    "linalg.pivot_to_permutation": [LU + "test_lu_matches_scipy"],
    "linalg.solve_sylvester": [ME + "test_matrix_equations_match_scipy"],
    "linalg.solve_continuous_lyapunov": [ME + "test_matrix_equations_match_scipy"],
    "linalg.solve_discrete_lyapunov": [ME + "test_matrix_equations_match_scipy"],
    "linalg.solve_discrete_are": [ME + "test_discrete_riccati_matches_scipy"],
    "linalg.schur": [SCH + "test_schur_qz_ordqz_match_scipy", SCH + "test_decompositions_reconstruct_and_float32"],
    "linalg.qz": [SCH + "test_schur_qz_ordqz_match_scipy", SCH + "test_decompositions_reconstruct_and_float32"],
    "linalg.ordqz": [SCH + "test_schur_qz_ordqz_match_scipy"],
    "linalg.cholesky": [SL + "test_values_match_scipy"],
    "linalg.Cholesky": [SL + "test_values_match_scipy"],
    "linalg.solve": [SL + "test_values_match_scipy"],
    "linalg.Solve": [SL + "test_values_match_scipy"],
    "linalg.solve_triangular": [SL + "test_values_match_scipy"],
    "linalg.SolveTriangular": [SL + "test_values_match_scipy"],
    "linalg.solve_lower_triangular": [SL + "test_values_match_scipy"],
    "linalg.solve_upper_triangular": [SL + "test_values_match_scipy"],
    "linalg.solve_symmetric": [SL + "test_values_match_scipy"],
    "linalg.cho_solve": [SL + "test_values_match_scipy"],
    "linalg.CholeskySolve": [SL + "test_values_match_scipy"],
    "linalg.expm": [SL + "test_values_match_scipy", SL + "test_expm_matches_scipy_at_every_scale"],
    "linalg.Expm": [SL + "test_expm_matches_scipy_at_every_scale"],
    "linalg.alloc_diag": [LS + "test_diagonals_trace_kron_match_numpy"],
    "linalg.AllocDiag": [LS + "test_diagonals_trace_kron_match_numpy"],
    "linalg.diag": [LS + "test_diagonals_trace_kron_match_numpy"],
    "linalg.diagonal": [LS + "test_diagonals_trace_kron_match_numpy"],
    "linalg.extract_diag": [LS + "test_diagonals_trace_kron_match_numpy"],
    "linalg.ExtractDiag": [LS + "test_diagonals_trace_kron_match_numpy"],
    "linalg.kron": [LS + "test_diagonals_trace_kron_match_numpy"],
    "linalg.trace": [LS + "test_diagonals_trace_kron_match_numpy"],
    "linalg.norm": [LS + "test_norm_matches_numpy"],
    "linalg.matrix_transpose": [LP + "test_values_match_numpy"],
    "linalg.vecdot": [LP + "test_values_match_numpy", LP + "test_mixed_dtypes_and_python_scalars"],
    "linalg.matvec": [LP + "test_values_match_numpy"],
    "linalg.vecmat": [LP + "test_values_match_numpy"],
    "linalg.einsum": [EIN + "test_einsum_matches_numpy", EIN + "test_einsum_mixed_dtypes_bool_and_constants"],
    "linalg.block_diag": [LP + "test_values_match_numpy", LP + "test_mixed_dtypes_and_python_scalars"],
    # neural networks
    "nnet.batch_normalization": [BN + "test_batch_normalization_modes"],
    "nnet.batch_normalization_train": [BN + "test_train_and_test_match_numpy"],
    "nnet.batch_normalization_test": [BN + "test_train_and_test_match_numpy"],
    "nnet.elu": [ACT + "test_values"],
    "nnet.selu": [ACT + "test_values"],
    "nnet.softsign": [ACT + "test_values"],
    "nnet.hard_sigmoid": [ACT + "test_values"],
    "nnet.ultra_fast_sigmoid": [ACT + "test_values", ACT + "test_ultra_fast_sigmoid_approximates_sigmoid"],
    "nnet.logsumexp": ["tests/tensor/rewriting/test_rw_logsumexp.py::test_logsumexp_is_stable_in_every_mode"],
    "nnet.conv2d_transpose": [CF + "test_transpose_matches_scipy"],
    "nnet.conv2d_grad_wrt_inputs": [CF + "test_grads_match_numpy"],
    "nnet.conv2d_grad_wrt_weights": [CF + "test_grads_match_numpy"],
    "nnet.Conv2dGradInputs": [CF + "test_grads_match_numpy"],
    "nnet.Conv2dGradWeights": [CF + "test_grads_match_numpy"],
    "nnet.conv2d": [CONV + "test_conv2d_matches_loop_reference", CONV + "test_conv2d_full_is_scipy_convolve2d",
                    C3 + "test_matches_loop_reference"],  # num_groups
    "nnet.conv3d": [C3 + "test_matches_loop_reference", C3 + "test_conv3d_matches_scipy"],
    "nnet.conv3d_grad_wrt_inputs": [C3 + "test_matches_loop_reference"],
    "nnet.conv3d_grad_wrt_weights": [C3 + "test_matches_loop_reference"],
    "nnet.Conv3d": [C3 + "test_matches_loop_reference"],
    "nnet.Conv3dGradInputs": [C3 + "test_matches_loop_reference"],
    "nnet.Conv3dGradWeights": [C3 + "test_matches_loop_reference"],
    "nnet.pool_3d": [P3 + "test_pool3d_and_grad_match_reference"],
    "nnet.images2neibs": [NB + "test_images2neibs_and_grad_match_reference"],
    "nnet.Images2Neibs": [NB + "test_images2neibs_and_grad_match_reference"],
    "nnet.Images2NeibsGrad": [NB + "test_images2neibs_and_grad_match_reference"],
    "nnet.neibs2images": [NB + "test_neibs2images_inverts"],
    "nnet.h_softmax": [HS + "test_matches_reference"],
    "nnet.Conv2d": [CONV + "test_conv2d_matches_loop_reference"],
    "nnet.conv_output_shape": [CONV + "test_conv2d_infer_shape"],
    "nnet.crossentropy_softmax_1hot": [NTN + "test_crossentropy_softmax_family"],
    "nnet.crossentropy_softmax_1hot_with_bias": [NTN + "test_crossentropy_softmax_family"],
    "nnet.crossentropy_softmax_argmax_1hot_with_bias": [NTN + "test_crossentropy_softmax_family"],
    "nnet.crossentropy_softmax_max_and_argmax_1hot": [NTN + "test_crossentropy_softmax_family"],
    "nnet.crossentropy_softmax_max_and_argmax_1hot_with_bias": [NTN + "test_crossentropy_softmax_family"],
    "nnet.softmax_op": [NTN + "test_op_instances"],
    "nnet.logsoftmax_op": [NTN + "test_op_instances"],
    "nnet.scalar_sigmoid": [NTN + "test_op_instances"],
    "nnet.bilinear_kernel_1D": [NTN + "test_bilinear_kernels_and_confusion_matrix"],
    "nnet.bilinear_kernel_2D": [NTN + "test_bilinear_kernels_and_confusion_matrix"],
    "nnet.confusion_matrix": [NTN + "test_bilinear_kernels_and_confusion_matrix"],
    "nnet.get_conv_output_shape": [CSH + "test_output_shape_is_conv2ds", CSH + "test_conv3d_and_symbolic_entries"],
    "nnet.get_conv_shape_1axis": [CSH + "test_one_axis_and_paddings"],
    "nnet.get_conv_gradweights_shape": [CSH + "test_output_shape_is_conv2ds"],
    "nnet.get_conv_gradweights_shape_1axis": [CSH + "test_one_axis_and_paddings"],
    "nnet.get_conv_gradinputs_shape": [CSH + "test_output_shape_is_conv2ds"],
    "nnet.get_conv_gradinputs_shape_1axis": [CSH + "test_one_axis_and_paddings"],
    "nnet.border_mode_to_pad": [CSH + "test_one_axis_and_paddings"],
    "nnet.pool_2d": [POOL + "test_pool_matches_loop_reference"],
    "nnet.Pool": [POOL + "test_pool_matches_loop_reference"],
    "nnet.pool_output_shape": [POOL + "test_pool_infer_shape"],
    "nnet.MaxPoolGrad": [POOL + "test_max_pool_grad_goes_to_the_max", POOL + "test_pool_grad"],
    "nnet.AveragePoolGrad": [POOL + "test_pool_grad"],
    "nnet.MaxPoolGradGrad": [POOL + "test_second_derivative_through_pool_grad"],
    "nnet.softmax": [SM + "test_softmax_of_matrix_rows", SM + "test_softmax_and_log_softmax_any_axis"],
    "nnet.Softmax": [SM + "test_softmax_of_matrix_rows"],
    "nnet.log_softmax": [SM + "test_softmax_and_log_softmax_any_axis", SM + "test_large_values_are_stable"],
    "nnet.LogSoftmax": [SM + "test_softmax_and_log_softmax_any_axis"],
    "nnet.softmax_graph": [SM + "test_softmax_with_bias"],
    "nnet.softmax_with_bias": [SM + "test_softmax_with_bias"],
    "nnet.categorical_crossentropy": [XE + "test_categorical_crossentropy_one_hot_matrix",
                                      XE + "test_categorical_crossentropy_int_labels"],
    "nnet.crossentropy_categorical_1hot": [XE + "test_categorical_crossentropy_int_labels"],
    "nnet.CrossentropyCategorical1Hot": [XE + "test_categorical_crossentropy_int_labels"],
    "nnet.CrossentropyCategorical1HotGrad": [XE + "test_int_label_gradient_matches_one_hot"],
    "nnet.binary_crossentropy": [XE + "test_binary_crossentropy"],
    "nnet.sigmoid_binary_crossentropy": [XE + "test_sigmoid_binary_crossentropy"],
    "nnet.relu": [MATH + "test_relu"],
    "nnet.sigmoid": [MATH + "test_stable_sigmoid_softplus_log1mexp"],
    "nnet.softplus": [MATH + "test_stable_sigmoid_softplus_log1mexp"],
    # special functions
    "special.gammainc": [SPM + "test_edge_values_match_scipy", SPM + "test_wide_ranges_match_scipy"],
    "special.gammaincc": [SPM + "test_edge_values_match_scipy", SPM + "test_wide_ranges_match_scipy"],
    "special.erfcx": [SPM + "test_edge_values_match_scipy", SPM + "test_wide_ranges_match_scipy"],
    "special.erfcinv": [SPM + "test_edge_values_match_scipy", SPM + "test_wide_ranges_match_scipy"],
    "special.i0": [SPM + "test_edge_values_match_scipy"],
    "special.i1": [SPM + "test_edge_values_match_scipy"],
    "special.iv": [SPM + "test_edge_values_match_scipy", SPM + "test_wide_ranges_match_scipy"],
    "special.jv": [SPM + "test_edge_values_match_scipy", SPM + "test_wide_ranges_match_scipy"],
    "special.xlogx": [SPM + "test_edge_values_match_scipy"],
    "special.xlogy": [SPM + "test_edge_values_match_scipy"],
    "special.xlog1py": [SPM + "test_edge_values_match_scipy"],
    "special.logit": [SPM + "test_edge_values_match_scipy"],
    "special.sigmoid": [MATH + "test_stable_sigmoid_softplus_log1mexp"],
    "special.softplus": [MATH + "test_stable_sigmoid_softplus_log1mexp"],
    "special.log1mexp": [MATH + "test_stable_sigmoid_softplus_log1mexp"],
    "special.polygamma": [MS + "test_edge_values_match_scipy", MS + "test_wide_ranges_match_scipy"],
    "special.poch": [MS + "test_edge_values_match_scipy", MS + "test_wide_ranges_match_scipy"],
    "special.betaln": [MS + "test_edge_values_match_scipy", MS + "test_wide_ranges_match_scipy"],
    "special.kv": [MS + "test_edge_values_match_scipy", MS + "test_wide_ranges_match_scipy"],
    "special.kve": [MS + "test_edge_values_match_scipy", MS + "test_wide_ranges_match_scipy"],
    "special.ive": [MS + "test_edge_values_match_scipy", MS + "test_wide_ranges_match_scipy"],
    "special.betainc": [MS + "test_edge_values_match_scipy", MS + "test_wide_ranges_match_scipy"],
    "special.betaincinv": [MS + "test_edge_values_match_scipy", MS + "test_wide_ranges_match_scipy"],
    "special.gammaincinv": [MS + "test_edge_values_match_scipy", MS + "test_wide_ranges_match_scipy"],
    "special.gammainccinv": [MS + "test_edge_values_match_scipy", MS + "test_wide_ranges_match_scipy"],
    "special.ndtri_exp": [MS + "test_edge_values_match_scipy", MS + "test_wide_ranges_match_scipy"],
    "special.owens_t": [MS + "test_edge_values_match_scipy", MS + "test_wide_ranges_match_scipy"],
    "special.hyp2f1": [MS + "test_edge_values_match_scipy", MS + "test_wide_ranges_match_scipy",
                       MS + "test_hyp2f1_is_nan_outside_its_domain"],
    # random distributions (statistical tests against scipy.stats)
    "random.uniform": [RD + "test_statistics_against_scipy"],
    "random.normal": [RD + "test_statistics_against_scipy", RA + "test_normal_statistics_with_tensor_parameters"],
    "random.binomial": [RD + "test_statistics_against_scipy", RA + "test_binomial_with_tensor_p_and_symbolic_size"],
    "random.exponential": [RD + "test_statistics_against_scipy"],
    "random.gamma": [RD + "test_statistics_against_scipy"],
    "random.beta": [RD + "test_statistics_against_scipy"],
    "random.truncated_normal": [RD + "test_statistics_against_scipy"],
    "random.poisson": [RD + "test_statistics_against_scipy"],
    "random.integers": [RD + "test_statistics_against_scipy"],
    "random.random_integers": [RD + "test_statistics_against_scipy"],
    "random.categorical": [RD + "test_statistics_against_scipy"],
    "random.multinomial": [RD + "test_statistics_against_scipy"],
    "random.permutation": [RD + "test_statistics_against_scipy"],
    "random.bernoulli": [RD + "test_statistics_against_scipy"],
    "random.choice": [RD + "test_statistics_against_scipy", RD + "test_weighted_choice_without_replacement_statistics",
                      RD + "test_weighted_choice_values_dtypes_and_sizes"],
    "random.shuffle_row_elements": [RD + "test_statistics_against_scipy"],
    # PyTensor's samplers built over the draws (tests/tensor/test_random_pytensor.py)
    "random.standard_normal": [RP + "test_continuous_statistics_against_scipy"],
    "random.lognormal": [RP + "test_continuous_statistics_against_scipy"],
    "random.laplace": [RP + "test_continuous_statistics_against_scipy"],
    "random.logistic": [RP + "test_continuous_statistics_against_scipy"],
    "random.gumbel": [RP + "test_continuous_statistics_against_scipy"],
    "random.cauchy": [RP + "test_continuous_statistics_against_scipy"],
    "random.halfnormal": [RP + "test_continuous_statistics_against_scipy"],
    "random.halfcauchy": [RP + "test_continuous_statistics_against_scipy"],
    "random.weibull": [RP + "test_continuous_statistics_against_scipy"],
    "random.pareto": [RP + "test_continuous_statistics_against_scipy"],
    "random.wald": [RP + "test_continuous_statistics_against_scipy"],
    "random.vonmises": [RP + "test_continuous_statistics_against_scipy",
                        RP + "test_vonmises_wraps_around_mu_and_tends_to_uniform"],
    "random.triangular": [RP + "test_continuous_statistics_against_scipy"],
    "random.chisquare": [RP + "test_continuous_statistics_against_scipy"],
    "random.invgamma": [RP + "test_continuous_statistics_against_scipy"],
    "random.t": [RP + "test_continuous_statistics_against_scipy"],
    "random.truncexpon": [RP + "test_continuous_statistics_against_scipy"],
    "random.gengamma": [RP + "test_continuous_statistics_against_scipy"],
    "random.geometric": [RP + "test_discrete_statistics_against_scipy"],
    "random.negative_binomial": [RP + "test_discrete_statistics_against_scipy"],
    "random.betabinom": [RP + "test_discrete_statistics_against_scipy"],
    "random.hypergeometric": [RP + "test_discrete_statistics_against_scipy"],
    "random.multinomial_wo_replacement": [RP + "test_discrete_statistics_against_scipy"],
    "random.dirichlet": [RP + "test_multivariate_statistics"],
    "random.multivariate_normal": [RP + "test_multivariate_statistics"],
}

#: op classes: the name their tests spell (the function that builds them)
SPELLED_AS = {
    "CumOp": "cumsum", "Repeat": "repeat", "BinCount": "bincount", "SearchSorted": "searchsorted",
    "Unique": "unique", "Nonzero": "nonzero", "SortOp": "sort", "ArgSortOp": "argsort",
    "RavelMultiIndex": "ravel_multi_index", "UnravelIndex": "unravel_index",
    "MatrixInverse": "inv", "Det": "det", "SLogDet": "slogdet", "Eig": "eig", "Eigh": "eigh", "SVD": "svd",
    "QR": "qr", "MatrixPinv": "pinv", "Lstsq": "lstsq", "Cholesky": "cholesky", "Solve": "solve",
    "SolveTriangular": "solve_triangular", "CholeskySolve": "cho_solve", "Expm": "expm",
    "AllocDiag": "alloc_diag", "ExtractDiag": "extract_diag",
    "Conv2dGradInputs": "conv2d_grad_wrt_inputs", "Conv2dGradWeights": "conv2d_grad_wrt_weights",
    "Conv2d": "conv2d", "Conv3d": "conv3d", "Conv3dGradInputs": "conv3d_grad_wrt_inputs",
    "Conv3dGradWeights": "conv3d_grad_wrt_weights", "Images2Neibs": "images2neibs", "Images2NeibsGrad": "images2neibs",
    "Pool": "pool_2d", "MaxPoolGrad": "pool_2d", "AveragePoolGrad": "pool_2d",
    "MaxPoolGradGrad": "pool_2d", "Softmax": "softmax", "LogSoftmax": "log_softmax",
    "CrossentropyCategorical1Hot": "categorical_crossentropy",
    "CrossentropyCategorical1HotGrad": "categorical_crossentropy",
}

#: public names that are not value-producing functions: {"group.name": reason}
NOT_VALUES = {
    "random.seed": "re-seeds the stream's states (tests/tensor/test_random.py::test_state_advances_and_seed_resets)",
    "random.updates": "lists the draws' state updates (tests/tensor/test_random.py::test_default_update_rules)",
}

NUMPY_REFERENCE = re.compile(r"\bnp\.|\bnumpy\b|\bscipy\b|\bsp\.|\bsl\.|\bstats\.")
#: shape helpers (pure Python): their reference is the shape of the op's computed output
SHAPE_HELPERS = {"nnet.conv_output_shape", "nnet.pool_output_shape", "nnet.get_conv_output_shape",
                 "nnet.get_conv_shape_1axis", "nnet.get_conv_gradweights_shape", "nnet.get_conv_gradweights_shape_1axis",
                 "nnet.get_conv_gradinputs_shape", "nnet.get_conv_gradinputs_shape_1axis", "nnet.border_mode_to_pad"}
OUTPUT_SHAPE_REFERENCE = re.compile(r"\.shape\b")


def _flat():
    return {f"{g}.{n}": obj for g, names in public_names().items() for n, obj in names.items()}


def _covered(key, names):
    """The entry's key, or that of another name of the same group bound to the same object."""
    if key in VALUE_TESTS or key in NOT_VALUES:
        return key
    group = key.split(".")[0]
    for other, obj in names.items():
        if other.split(".")[0] == group and obj is names[key] and other in VALUE_TESTS:
            return other
    return None


def test_every_public_name_has_a_value_test():
    names = _flat()
    missing = sorted(k for k in names if _covered(k, names) is None)
    assert not missing, ("public names without a value test in tests/test_value_coverage.py VALUE_TESTS "
                         "(write one against numpy/scipy, running in every mode):\n  " + "\n  ".join(missing))


def test_entries_name_existing_public_names():
    names = _flat()
    stale = sorted(k for k in list(VALUE_TESTS) + list(NOT_VALUES) if k not in names)
    assert not stale, f"entries naming no public name (renamed or removed?): {stale}"
    unused = sorted(set(SPELLED_AS) - {k.split(".", 1)[1] for k in VALUE_TESTS})
    assert not unused, f"SPELLED_AS entries with no VALUE_TESTS entry: {unused}"


# -- the named tests: their source, and their collection in every mode -------------------------------------
@functools.lru_cache(maxsize=None)
def _module_parts(path):
    """{top-level name: source text} of a test module, and its parsed tree."""
    src = (ROOT / path).read_text()
    tree = ast.parse(src)
    parts = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            parts[node.name] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                for name in ast.walk(t):
                    if isinstance(name, ast.Name):
                        parts[name.id] = node
    return src, parts


def _test_text(node_id):
    """The test function's source with its decorators, and the module-level tables and helpers it
    names (one level down; two for its `build...` case builders); None when the module has no
    such function."""
    path, func = node_id.split("::")
    src, parts = _module_parts(path)
    node = parts.get(func)
    if not isinstance(node, ast.FunctionDef):
        return None
    texts = [_source(src, node)]
    referred = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    for deco in node.decorator_list:
        referred |= {n.id for n in ast.walk(deco) if isinstance(n, ast.Name)}
    # the case builders a batched test hands to tests/batched.py, with the helpers they name
    for name in sorted(referred):
        if isinstance(parts.get(name), ast.FunctionDef) and name.startswith("build"):
            referred |= {n.id for n in ast.walk(parts[name]) if isinstance(n, ast.Name)}
    texts += [_source(src, parts[n]) for n in sorted(referred) if n in parts and n != func]
    return "\n".join(texts)


def _source(src, node):
    lines = src.splitlines()
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    return "\n".join(lines[first - 1:node.end_lineno])


def test_named_tests_exist_spell_the_name_and_compare_with_numpy():
    problems = []
    for key, node_ids in sorted(VALUE_TESTS.items()):
        assert node_ids, key
        name = key.split(".", 1)[1]
        spelled = SPELLED_AS.get(name, name)
        for node_id in node_ids:
            text = _test_text(node_id)
            if text is None:
                problems.append(f"{key}: {node_id} does not exist")
            elif not re.search(r"\b" + re.escape(spelled) + r"\b", text):
                problems.append(f"{key}: {node_id} does not mention {spelled!r}")
            elif not (OUTPUT_SHAPE_REFERENCE if key in SHAPE_HELPERS else NUMPY_REFERENCE).search(text):
                problems.append(f"{key}: {node_id} has no numpy/scipy reference")
    assert not problems, "\n".join(problems)


def test_named_tests_run_in_every_mode():
    node_ids = sorted({n for ids in VALUE_TESTS.values() for n in ids})
    files = sorted({n.split("::")[0] for n in node_ids})
    out = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *files],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    collected = [line.strip() for line in out.stdout.splitlines() if "::" in line]
    problems = []
    for node_id in node_ids:
        params = [c[len(node_id):] for c in collected if c == node_id or c.startswith(node_id + "[")]
        for mode in ("FAST_COMPILE", "FAST_RUN"):
            if not any(mode in p for p in params):
                problems.append(f"{node_id} is not collected in mode {mode} (collected: {params or 'nothing'})")
    assert not problems, "\n".join(problems)
