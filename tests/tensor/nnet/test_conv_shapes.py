"""Theano's convolution shape arithmetic (transpile.tensor.nnet.conv_shapes) against the shapes
that conv2d and conv3d compute, for each border mode, stride and dilation, in every mode."""
import numpy as np
import pytest

import transpile.tensor as T
from transpile import function
from transpile.tensor.nnet import (
    border_mode_to_pad,
    get_conv_gradinputs_shape,
    get_conv_gradinputs_shape_1axis,
    get_conv_gradweights_shape,
    get_conv_gradweights_shape_1axis,
    get_conv_output_shape,
    get_conv_shape_1axis,
)

CASES = [((2, 3, 10, 9), (4, 3, 3, 2), "valid", (1, 1), (1, 1)), ((2, 3, 10, 9), (4, 3, 3, 2), "full", (1, 1), (1, 1)),
         ((2, 3, 10, 9), (4, 3, 3, 2), "half", (2, 1), (2, 1)), ((1, 2, 7, 8), (3, 2, 3, 3), (2, 1), (1, 3), (1, 1)),
         ((1, 2, 7, 8), (3, 2, 2, 4), 1, (2, 2), (1, 2))]


@pytest.mark.parametrize("image, kernel, border_mode, subsample, dilation", CASES)
def test_output_shape_is_conv2ds(image, kernel, border_mode, subsample, dilation):
    x, w = T.dtensor4("x"), T.dtensor4("w")
    y = T.nnet.conv2d(x, w, border_mode=border_mode, subsample=subsample, filter_dilation=dilation)
    got = function([x, w], y)(np.zeros(image), np.zeros(kernel)).shape
    assert get_conv_output_shape(image, kernel, border_mode, subsample, dilation) == got
    if subsample == (1, 1):  # the gradients' shapes are determined only without a stride
        mode = border_mode if isinstance(border_mode, str) else (border_mode if isinstance(border_mode, tuple)
                                                                else (border_mode,) * 2)
        if mode != "half":
            assert get_conv_gradweights_shape(image, got, mode, subsample, dilation) == kernel
        assert get_conv_gradinputs_shape(kernel, got, mode, subsample, dilation) == image


def test_conv3d_and_symbolic_entries():
    x, w = T.dtensor5("x"), T.dtensor5("w")
    y = T.nnet.conv3d(x, w, border_mode="half", subsample=(1, 2, 1))
    got = function([x, w], y)(np.zeros((1, 2, 5, 6, 7)), np.zeros((3, 2, 3, 3, 2))).shape
    assert get_conv_output_shape((1, 2, 5, 6, 7), (3, 2, 3, 3, 2), "half", (1, 2, 1)) == got
    n = T.lscalar("n")
    symbolic = get_conv_output_shape((2, 3, n, 9), (4, 3, 3, 2), "full", (1, 1))
    assert symbolic[:2] == (2, 4) and symbolic[3] == 10
    assert function([n], symbolic[2])(10) == np.zeros((2, 3, 10, 9)).shape[2] + 2
    assert get_conv_output_shape((2, 3, None, 9), (4, 3, 3, 2), "valid", (1, 1)) == (2, 4, None, 8)


def test_one_axis_and_paddings():
    x, w = T.dtensor4("x"), T.dtensor4("w")
    pads = border_mode_to_pad("half", 2, (3, 5))
    y = T.nnet.conv2d(x, w, border_mode=tuple(p[0] for p in pads), filter_dilation=(1, 2))
    shape = function([x, w], y)(np.zeros((1, 1, 10, 11)), np.zeros((1, 1, 3, 5))).shape
    assert shape[2:] == (get_conv_shape_1axis(10, 3, pads[0], 1), get_conv_shape_1axis(11, 5, pads[1], 1, 2))
    assert get_conv_gradweights_shape_1axis(10, shape[2], pads[0], 1, 1) == 3
    assert get_conv_gradinputs_shape_1axis(3, shape[2], pads[0], 1, 1) == 10
    assert get_conv_shape_1axis(10, 3, (2, 0), 1) == 10  # asymmetric: 10 + 2 - 3 + 1
    assert get_conv_shape_1axis(10, 3, "half", 2, 2) == 5
    assert get_conv_gradweights_shape_1axis(10, 8, "valid", 1, 1) == 3
    assert get_conv_gradweights_shape_1axis(10, 8, "valid", 2, 1) is None
    assert get_conv_gradweights_shape_1axis(10, 8, "half", 1, 1) is None
    assert get_conv_gradinputs_shape_1axis(3, 8, (1, 0), 1, 1) == 9
    assert get_conv_gradinputs_shape((4, 1, 3, 3), (2, 8, 6, 6), "valid", (1, 1), num_groups=2) == (2, 2, 8, 8)
    assert get_conv_gradweights_shape((2, 6, 8, 8), (2, 4, 6, 6), "valid", (1, 1), num_groups=3) == (4, 2, 3, 3)
    assert border_mode_to_pad("full", 2, (3, 5)) == ((2, 2), (4, 4))
    assert border_mode_to_pad("half", 2, (3, 5)) == ((1, 1), (2, 2))
    assert border_mode_to_pad("valid", 3, (3, 3, 3)) == ((0, 0),) * 3
    assert border_mode_to_pad((1, (2, 3)), 2, (3, 3)) == ((1, 1), (2, 3))
    with pytest.raises(ValueError, match="2 paddings"):
        border_mode_to_pad((1,), 2, (3, 3))
    with pytest.raises(ValueError, match=">= 0"):
        get_conv_shape_1axis(10, 3, -1, 1)
    with pytest.raises(ValueError, match="'valid'"):
        border_mode_to_pad("same", 2, (3, 3))
