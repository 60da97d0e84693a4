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


def dilated_conv1d_by_hand(x, w, stride, dilation):
    """A 'valid' 1-D convolution (cross-correlation) with taps `dilation` apart, moved `stride` at a time."""
    span = dilation * (len(w) - 1) + 1
    return np.array([sum(w[j] * x[start + j * dilation] for j in range(len(w)))
                     for start in range(0, len(x) - span + 1, stride)])


@pytest.mark.parametrize("n, k, stride, pads, dilation", [(28, 3, 2, (0, 0), 2), (29, 3, 3, (1, 0), 2)])
def test_exercise_7_strided_dilated_lengths_sample_the_stride_1_output(keras, n, k, stride, pads, dilation):
    # Keras refuses a stride with a dilation, so lesson 02 takes exercise 7's expected lengths for these
    # settings from the stride-1 Keras output sampled every `stride` positions; a loop by hand agrees.
    rng = np.random.default_rng(0)
    x = np.pad(rng.normal(size=n), pads).astype("float32")
    w = rng.normal(size=k).astype("float32")
    layer = keras.layers.Conv1D(1, k, dilation_rate=dilation, use_bias=False)
    layer.build((1, len(x), 1))
    layer.set_weights([w.reshape(k, 1, 1)])
    stride_1 = np.asarray(layer(x.reshape(1, -1, 1)))[0, :, 0]
    by_hand = dilated_conv1d_by_hand(x, w, stride, dilation)
    np.testing.assert_allclose(by_hand, stride_1[::stride], rtol=1e-5, atol=1e-5)
    assert len(by_hand) == len(range(0, len(stride_1), stride))
    # the span formula of the worked solution gives it; the plausible wrong one does not
    assert len(by_hand) == (n + sum(pads) - (dilation * (k - 1) + 1)) // stride + 1
    assert len(by_hand) != (n + sum(pads) - k) // stride + 1 - (dilation - 1) * (k - 1)
