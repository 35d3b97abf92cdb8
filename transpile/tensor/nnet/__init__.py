"""Neural-network ops: `T.nnet`.

`sigmoid`, `softplus`, `relu` (and their relatives) are the elementwise functions of
`transpile.tensor.math`, re-exported here by name lookup so `T.nnet.sigmoid is T.sigmoid`.
"""
from transpile.tensor.nnet.activations import elu, selu, softsign
from transpile.tensor.nnet import bn  # noqa: F401  T.nnet.bn.batch_normalization_train, ...
from transpile.tensor.nnet.bn import batch_normalization
from transpile.tensor.nnet.conv import (
    Conv2d,
    Conv2dGradInputs,
    Conv2dGradWeights,
    conv2d,
    conv_output_shape,
)
from transpile.tensor.nnet.conv3d_ops import Conv3d, Conv3dGradInputs, Conv3dGradWeights, conv3d
from transpile.tensor.nnet.abstract_conv import (
    conv2d_grad_wrt_inputs,
    conv2d_grad_wrt_weights,
    conv2d_transpose,
    conv3d_grad_wrt_inputs,
    conv3d_grad_wrt_weights,
)
from transpile.tensor.nnet.bilinear import bilinear_kernel_1D, bilinear_kernel_2D
from transpile.tensor.nnet.upsampling import bilinear_upsampling, frac_bilinear_upsampling
from transpile.tensor.nnet.confusion import confusion_matrix
from transpile.tensor.nnet.ctc import ctc, ctc_available, ctc_present
from transpile.tensor.nnet import conv3d2d  # noqa: F401  T.nnet.conv3d2d.diagonal_subtensor, ...
from transpile.tensor.nnet.conv3d2d import diagonal_subtensor, get_diagonal_subtensor_view, inc_diagonal_subtensor
from transpile.tensor.nnet.conv_variants import causal_conv1d, separable_conv2d, separable_conv3d
from transpile.tensor.nnet.conv_shapes import (
    assert_conv_shape,
    assert_shape,
    border_mode_to_pad,
    get_conv_gradinputs_shape,
    get_conv_gradinputs_shape_1axis,
    get_conv_gradweights_shape,
    get_conv_gradweights_shape_1axis,
    get_conv_output_shape,
    get_conv_shape_1axis,
)
from transpile.tensor.nnet.hierarchical_softmax import h_softmax
from transpile.tensor.nnet import neighbours  # noqa: F401  T.nnet.neighbours.images2neibs, ...
from transpile.tensor.nnet.neighbours import Images2Neibs, Images2NeibsGrad, images2neibs, neibs2images
from transpile.tensor.nnet.pool import (
    AveragePoolGrad,
    MaxPoolGrad,
    MaxPoolGradGrad,
    Pool,
    pool_2d,
    pool_3d,
    pool_output_shape,
)
from transpile.tensor.nnet.softmax import (
    LogSoftmax,
    Softmax,
    log_softmax,
    logsoftmax,
    softmax,
    softmax_graph,
    softmax_with_bias,
)
from transpile.tensor.nnet.xent import (
    CrossentropyCategorical1Hot,
    CrossentropyCategorical1HotGrad,
    binary_crossentropy,
    categorical_crossentropy,
    crossentropy_categorical_1hot,
    sigmoid_binary_crossentropy,
)
from transpile.tensor.nnet.xent_theano import (
    crossentropy_categorical_1hot_grad,
    crossentropy_softmax_1hot,
    crossentropy_softmax_1hot_with_bias,
    crossentropy_softmax_1hot_with_bias_dx,
    crossentropy_softmax_argmax_1hot_with_bias,
    crossentropy_softmax_max_and_argmax_1hot,
    crossentropy_softmax_max_and_argmax_1hot_with_bias,
    logsoftmax_op,
    scalar_sigmoid,
    softmax_grad,
    softmax_op,
)
from transpile.tensor.nnet import rewriting  # noqa: F401  registers the nnet rewrites

#: elementwise functions defined in transpile.tensor.math, served from there
_FROM_MATH = ("sigmoid", "softplus", "relu", "ultra_fast_sigmoid", "hard_sigmoid", "images2neibs", "log1pexp")


def __getattr__(name):
    if name in _FROM_MATH:
        from transpile.tensor import math
        try:
            return getattr(math, name)
        except AttributeError:
            pass
    raise AttributeError(f"module 'transpile.tensor.nnet' has no attribute {name!r}")


__all__ = [
    "AveragePoolGrad", "Conv2d", "Conv2dGradInputs", "Conv2dGradWeights", "Conv3d", "Conv3dGradInputs",
    "Conv3dGradWeights", "CrossentropyCategorical1Hot", "CrossentropyCategorical1HotGrad", "Images2Neibs",
    "Images2NeibsGrad", "LogSoftmax", "MaxPoolGrad", "MaxPoolGradGrad", "Pool", "Softmax",
    "assert_conv_shape", "assert_shape", "batch_normalization", "bilinear_kernel_1D", "bilinear_kernel_2D",
    "bilinear_upsampling", "binary_crossentropy", "border_mode_to_pad", "categorical_crossentropy", "causal_conv1d",
    "confusion_matrix", "conv2d", "conv2d_grad_wrt_inputs", "conv2d_grad_wrt_weights", "conv2d_transpose", "conv3d",
    "conv3d_grad_wrt_inputs", "conv3d_grad_wrt_weights", "conv_output_shape", "crossentropy_categorical_1hot",
    "crossentropy_categorical_1hot_grad", "crossentropy_softmax_1hot", "crossentropy_softmax_1hot_with_bias",
    "crossentropy_softmax_1hot_with_bias_dx", "crossentropy_softmax_argmax_1hot_with_bias",
    "crossentropy_softmax_max_and_argmax_1hot", "crossentropy_softmax_max_and_argmax_1hot_with_bias", "ctc",
    "ctc_available", "ctc_present", "diagonal_subtensor", "elu", "frac_bilinear_upsampling",
    "get_conv_gradinputs_shape", "get_conv_gradinputs_shape_1axis", "get_conv_gradweights_shape",
    "get_conv_gradweights_shape_1axis", "get_conv_output_shape", "get_conv_shape_1axis",
    "get_diagonal_subtensor_view", "h_softmax", "hard_sigmoid", "images2neibs", "inc_diagonal_subtensor",
    "log_softmax", "logsoftmax", "logsoftmax_op", "neibs2images", "pool_2d", "pool_3d", "pool_output_shape", "relu",
    "scalar_sigmoid", "selu", "separable_conv2d", "separable_conv3d", "sigmoid", "sigmoid_binary_crossentropy",
    "softmax", "softmax_grad", "softmax_graph", "softmax_op", "softmax_with_bias", "softplus", "softsign",
    "ultra_fast_sigmoid",
]
