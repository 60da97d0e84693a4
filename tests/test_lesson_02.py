"""Regression checks moved out of lesson 02 (padding, strides, dilation).

The lesson asserts its own claims with its own small functions; these tests
hold the helpers it leans on to the same Keras measurements.
"""
import numpy as np
import pytest

from helpers import ops


@pytest.fixture(scope="module")
def keras():
    """Keras configured exactly as the lessons configure it."""
    from helpers.session import configure_backend

    return configure_backend()


def keras_same_zeros(keras, n, k, stride):
    """The zeros (before, after) Keras' 'same' Conv1D adds, measured with a kernel of ones on a row of ones."""
    layer = keras.layers.Conv1D(1, k, strides=stride, padding="same", use_bias=False, kernel_initializer="ones")
    sums = np.asarray(layer(np.ones((1, n, 1), "float32")))[0, :, 0]
    return k - round(sums[0]), k - round(sums[-1])


def test_same_padding_equals_the_zeros_keras_adds(keras):
    for n in (6, 7, 8, 27, 28):
        for k in (1, 2, 3, 4, 5):
            for stride in (1, 2, 3, 4):
                assert ops.same_padding(n, k, stride) == keras_same_zeros(keras, n, k, stride), (n, k, stride)


@pytest.mark.parametrize("rates, size", [([1, 1, 1], 7), ([1, 2, 4], 15)])
def test_dilated_stack_receptive_field_measured_and_computed(keras, rates, size):
    stack = keras.Sequential([keras.Input((28, 28, 1))] + [
        keras.layers.Conv2D(1, 3, dilation_rate=d, use_bias=False, kernel_initializer="ones") for d in rates])
    assert ops.measured_receptive_field(stack, 28) == (size, size)
    assert ops.receptive_field([(2 * d + 1, 1) for d in rates])[0] == size
