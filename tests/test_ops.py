"""helpers.ops against Keras: same weights in, same numbers out."""

import itertools

import numpy as np
import pytest

from helpers import ops

RNG = np.random.default_rng(0)
# kernel 1-5 (even too), stride 1-3, both paddings, 1-8 channels
GRID = [
    (k, s, padding, c_in)
    for k, s, padding, c_in in itertools.product((1, 2, 3, 4, 5), (1, 2, 3), ("valid", "same"), (1, 3, 8))
]


def _keras_conv(keras, x, kernel, bias, stride, padding):
    layer = keras.layers.Conv2D(kernel.shape[-1], kernel.shape[:2], strides=stride, padding=padding)
    layer.build(x.shape)
    layer.set_weights([kernel, bias])
    return np.asarray(layer(x))


@pytest.mark.parametrize("k, stride, padding, c_in", GRID)
def test_conv2d_matches_keras(keras, k, stride, padding, c_in):
    x = RNG.standard_normal((2, 11, 9, c_in)).astype("float32")
    kernel = RNG.standard_normal((k, k, c_in, 4)).astype("float32")
    bias = RNG.standard_normal(4).astype("float32")
    expected = _keras_conv(keras, x, kernel, bias, stride, padding)
    fast = ops.conv2d(x, kernel, bias, stride=stride, padding=padding)
    naive = ops.conv2d_naive(x, kernel, bias, stride=stride, padding=padding)
    assert fast.shape == expected.shape
    assert np.max(np.abs(fast - expected)) <= 1e-5 * max(1, np.abs(expected).max())
    np.testing.assert_allclose(naive, fast, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kernel_hw, stride", [((2, 3), (1, 2)), ((5, 1), (3, 1)), ((1, 4), 2)])
def test_conv2d_rectangular_kernels_and_strides(keras, kernel_hw, stride):
    x = RNG.standard_normal((1, 10, 12, 2)).astype("float32")
    kernel = RNG.standard_normal(kernel_hw + (2, 3)).astype("float32")
    bias = np.zeros(3, "float32")
    for padding in ("valid", "same"):
        expected = _keras_conv(keras, x, kernel, bias, stride, padding)
        np.testing.assert_allclose(ops.conv2d(x, kernel, stride=stride, padding=padding), expected, atol=1e-5)


def test_single_image_in_single_image_out():
    x = RNG.standard_normal((28, 28, 1))
    kernel = RNG.standard_normal((3, 3, 1, 32))
    assert ops.conv2d(x, kernel).shape == (26, 26, 32)
    assert ops.conv2d_naive(x, kernel).shape == (26, 26, 32)
    assert ops.max_pool2d(np.zeros((26, 26, 32))).shape == (13, 13, 32)
    assert ops.max_pool2d(np.zeros((11, 11, 64))).shape == (5, 5, 64)


# --- im2col and the backward pass ---------------------------------------------------


def test_im2col_rows_are_the_windows_flattened():
    x = np.arange(16).reshape(4, 4, 1)
    patches = ops.im2col(x, 3)
    assert patches.shape == (2, 2, 9) and patches.dtype == x.dtype
    np.testing.assert_array_equal(patches[0, 1], x[0:3, 1:4, 0].ravel())  # the window of output (0, 1)
    two = np.stack([x[..., 0], -x[..., 0]], axis=-1)  # 2 channels: channel last in each patch
    np.testing.assert_array_equal(ops.im2col(two, (2, 3))[1, 0], two[1:3, 0:3].ravel())


@pytest.mark.parametrize(
    "k, stride, padding", [(3, 1, "valid"), (3, 2, "same"), ((2, 4), (2, 1), "same"), (1, 3, "valid")]
)
def test_im2col_times_the_flattened_kernel_is_keras_conv(keras, k, stride, padding):
    x = RNG.standard_normal((2, 9, 10, 3)).astype("float32")
    kh, kw = (k, k) if isinstance(k, int) else k
    kernel = RNG.standard_normal((kh, kw, 3, 5)).astype("float32")
    expected = _keras_conv(keras, x, kernel, np.zeros(5, "float32"), stride, padding)
    patches = ops.im2col(x, k, stride=stride, padding=padding)  # (N, H', W', kh*kw*3)
    by_gemm = patches.reshape(-1, kh * kw * 3) @ kernel.reshape(kh * kw * 3, 5)
    np.testing.assert_allclose(by_gemm.reshape(expected.shape), expected, atol=1e-5)


def _tape_gradients(keras, x, kernel, grad_out, stride, padding):
    """(dL/dx, dL/dkernel, dL/dbias) from tf.GradientTape, for L = sum(conv(x) * grad_out)."""
    import tensorflow as tf

    layer = keras.layers.Conv2D(kernel.shape[-1], kernel.shape[:2], strides=stride, padding=padding)
    layer.build(x.shape)
    layer.set_weights([kernel, np.zeros(kernel.shape[-1], "float32")])
    inputs = tf.Variable(x)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(inputs) * grad_out)
    return [g.numpy() for g in tape.gradient(loss, [inputs, layer.kernel, layer.bias])]


@pytest.mark.parametrize(
    "k, stride, padding, c_in",
    [
        (k, s, padding, c_in)
        for k, s, padding, c_in in itertools.product((1, 2, 3, 4), (1, 2, 3), ("valid", "same"), (1, 3))
    ],
)
def test_conv2d_backward_matches_gradient_tape(keras, k, stride, padding, c_in):
    x = RNG.standard_normal((2, 11, 9, c_in)).astype("float32")
    kernel = RNG.standard_normal((k, k, c_in, 4)).astype("float32")
    grad_out = RNG.standard_normal(ops.conv2d(x, kernel, stride=stride, padding=padding).shape).astype("float32")
    ours = ops.conv2d_backward(x, kernel, grad_out, stride=stride, padding=padding)
    theirs = _tape_gradients(keras, x, kernel, grad_out, stride, padding)
    for name, a, b in zip(("grad_x", "grad_kernel", "grad_bias"), ours, theirs):
        assert a.shape == b.shape, name
        assert np.abs(a - b).max() <= 1e-5 * max(1, np.abs(b).max()), name


def test_conv2d_backward_rectangular_kernel_and_stride_single_image(keras):
    x = RNG.standard_normal((10, 12, 2)).astype("float32")
    kernel = RNG.standard_normal((2, 3, 2, 3)).astype("float32")
    for padding in ("valid", "same"):
        grad_out = RNG.standard_normal(ops.conv2d(x, kernel, stride=(1, 2), padding=padding).shape).astype("float32")
        grad_x, grad_kernel, grad_bias = ops.conv2d_backward(x, kernel, grad_out, stride=(1, 2), padding=padding)
        theirs = _tape_gradients(keras, x[np.newaxis], kernel, grad_out[np.newaxis], (1, 2), padding)
        assert grad_x.shape == x.shape
        for a, b in zip((grad_x[np.newaxis], grad_kernel, grad_bias), theirs):
            np.testing.assert_allclose(a, b, atol=1e-4)


def test_conv2d_backward_is_a_correlation_with_the_error_and_a_full_convolution():
    """The two formulas the lesson teaches, on one channel: the kernel gradient
    is the input cross-correlated with the error; the input gradient is the
    error, zero-padded by k - 1, cross-correlated with the flipped kernel."""
    x, kernel = RNG.standard_normal((6, 7, 1)), RNG.standard_normal((3, 3, 1, 1))
    error = RNG.standard_normal((4, 5, 1))
    grad_x, grad_kernel, grad_bias = ops.conv2d_backward(x, kernel, error)
    np.testing.assert_allclose(grad_kernel, ops.conv2d(x, error[..., np.newaxis])[..., np.newaxis])
    np.testing.assert_allclose(grad_x, ops.conv2d(ops.pad2d(error, 2), kernel[::-1, ::-1]))
    np.testing.assert_allclose(grad_bias, [error.sum()])


def test_conv2d_backward_of_integers_is_exact():
    x = np.full((1, 4, 4, 1), 200, np.uint8)
    grad_x, grad_kernel, _ = ops.conv2d_backward(x, np.ones((3, 3, 1, 1), np.uint8), np.ones((1, 2, 2, 1), np.uint8))
    assert grad_kernel.dtype == np.float64 and (grad_kernel == 800).all()  # 4 windows x 200, no wrap-around
    np.testing.assert_array_equal(grad_x[0, :, :, 0], [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]])


@pytest.mark.parametrize(
    "pool, stride, padding, c", list(itertools.product((1, 2, 3), (None, 1, 2, 3), ("valid", "same"), (1, 5)))
)
def test_pools_match_keras(keras, pool, stride, padding, c):
    x = RNG.standard_normal((2, 9, 8, c)).astype("float32")
    for ours, theirs in ((ops.max_pool2d, keras.layers.MaxPooling2D), (ops.avg_pool2d, keras.layers.AveragePooling2D)):
        expected = np.asarray(theirs(pool, strides=stride, padding=padding)(x))
        got = ours(x, pool, stride, padding)
        assert got.shape == expected.shape, (ours.__name__, got.shape, expected.shape)
        np.testing.assert_allclose(got, expected, atol=1e-5)


def test_conv_output_size_matches_keras_over_the_grid(keras):
    for k, stride, padding, _ in GRID:
        for n in range(max(1, k if padding == "valid" else 1), 12):
            layer = keras.layers.Conv2D(1, k, strides=stride, padding=padding)
            shape = layer.compute_output_shape((1, n, n, 1))
            assert ops.conv_output_size(n, k, stride, padding) == shape[1], (n, k, stride, padding)


def test_known_sizes():
    assert ops.conv_output_size(28, 3) == 26
    assert ops.conv_output_size(5, 3) == 3
    assert ops.conv_output_size(28, 3, padding="same") == 28
    assert ops.conv_output_size(5, 3, stride=2, padding="same") == 3


@pytest.mark.parametrize(
    "n, k, stride, expected",
    [
        (5, 3, 1, (1, 1)),
        (5, 4, 1, (1, 2)),
        (6, 3, 2, (0, 1)),
        (5, 3, 2, (1, 1)),
        (4, 1, 1, (0, 0)),
        (3, 5, 1, (2, 2)),
    ],
)
def test_same_padding_puts_the_extra_pixel_after(n, k, stride, expected):
    assert ops.same_padding(n, k, stride) == expected


def test_same_padding_equals_explicit_zero_padding(keras):
    x = RNG.standard_normal((1, 6, 7, 2)).astype("float32")
    kernel = RNG.standard_normal((4, 2, 2, 3)).astype("float32")
    pads = (ops.same_padding(6, 4, 2), ops.same_padding(7, 2, 2))
    explicit = ops.conv2d(ops.pad2d(x, pads), kernel, stride=2)
    np.testing.assert_allclose(explicit, ops.conv2d(x, kernel, stride=2, padding="same"), atol=1e-6)


def test_pad2d():
    x = np.ones((2, 3, 1))
    assert ops.pad2d(x, 1).shape == (4, 5, 1)
    padded = ops.pad2d(x, ((0, 1), (2, 0)))
    assert padded.shape == (3, 5, 1)
    assert padded.sum() == 6 and padded[2].sum() == 0 and padded[:, :2].sum() == 0


@pytest.mark.parametrize(
    "layers, expected",
    [
        ([], (1, 1)),
        ([(3, 1)], (3, 1)),
        ([(3, 1), (3, 1)], (5, 1)),
        ([(3, 1)] * 3, (7, 1)),
        ([(3, 1), (2, 2), (3, 1), (2, 2), (3, 1)], (18, 4)),
    ],
)
def test_receptive_field(layers, expected):
    assert ops.receptive_field(layers) == expected


def test_receptive_field_matches_a_perturbation():
    """Change one input pixel; the outputs that change span exactly `size`."""
    kernel = np.ones((3, 3, 1, 1))
    base = np.zeros((1, 30, 30, 1))
    poked = base.copy()
    poked[0, 15, 15, 0] = 1.0

    def stack(x):
        for _ in range(3):
            x = ops.conv2d(x, kernel)
        return x

    changed = np.argwhere(stack(poked)[0, :, :, 0] != stack(base)[0, :, :, 0])
    size, _ = ops.receptive_field([(3, 1)] * 3)
    assert changed[:, 0].max() - changed[:, 0].min() + 1 == size


# --- bad input: clear errors that name the argument and the shapes ----------


@pytest.mark.parametrize(
    "call, error, words",
    [
        (
            lambda: ops.conv2d(np.zeros((28, 28)), np.zeros((3, 3, 1, 1))),
            ValueError,
            ["x must be", "(H, W, C) or (N, H, W, C)", "(28, 28)", "add a channel: x[..., None]"],
        ),
        (
            lambda: ops.conv2d(np.zeros((8, 8, 3)), np.zeros((3, 3, 1, 4))),
            ValueError,
            ["kernel must be", "c_in = 3", "(3, 3, 1, 4)"],
        ),
        (
            lambda: ops.conv2d(np.zeros((8, 8, 1)), np.zeros((3, 3, 1))),
            ValueError,
            ["kernel must be", "(kh, kw, c_in, c_out)", "(3, 3, 1)"],
        ),
        (
            lambda: ops.conv2d(np.zeros((8, 8, 1)), np.zeros((3, 3, 1, 2)), stride=0),
            ValueError,
            ["stride must be an int >= 1"],
        ),
        (
            lambda: ops.conv2d_naive(np.zeros((2, 2, 1)), np.zeros((3, 3, 1, 2))),
            ValueError,
            ["kernel must fit", "2x2", "(3, 3)"],
        ),
        (
            lambda: ops.conv2d(np.zeros((8, 8, 1)), np.zeros((3, 3, 1, 2)), padding="full"),
            ValueError,
            ["padding must be", "'full'"],
        ),
        (
            lambda: ops.conv2d(np.zeros((8, 8, 1)), np.zeros((3, 3, 1, 2)), bias=np.zeros(3)),
            ValueError,
            ["bias must be", "c_out = 2", "(3,)"],
        ),
        (lambda: ops.max_pool2d(np.zeros((8, 8, 1)), pool=2.5), TypeError, ["pool must be an int"]),
        (lambda: ops.max_pool2d(np.zeros((1, 1, 1)), pool=2), ValueError, ["pool must fit", "1x1", "(2, 2)"]),
        (lambda: ops.avg_pool2d(np.zeros((4, 4)), pool=2), ValueError, ["x must be", "(4, 4)"]),
        (lambda: ops.conv_output_size(0, 3), ValueError, ["n must be an int >= 1"]),
        (lambda: ops.conv_output_size(2, 3), ValueError, ["k must fit in n=2", "k=3"]),
        (lambda: ops.conv_output_size(5, 3, padding="SAME"), ValueError, ["padding must be"]),
        (lambda: ops.same_padding(5, 3, 0), ValueError, ["stride must be an int >= 1"]),
        (lambda: ops.pad2d(np.zeros((4, 4, 1)), ((1, 1),)), ValueError, ["pad must be"]),
        (lambda: ops.pad2d(np.zeros((4, 4, 1)), -1), ValueError, ["must not be negative"]),
        (lambda: ops.receptive_field([(3,)]), ValueError, ["layers[0] must be (kernel, stride)"]),
        (lambda: ops.receptive_field([(3, 0)]), ValueError, ["layers[0] stride must be an int >= 1"]),
    ],
)
def test_bad_input_is_explained(call, error, words):
    with pytest.raises(error) as info:
        call()
    for word in words:
        assert word in str(info.value), f"{word!r} not in {info.value}"


def test_shift2d():
    x = np.arange(16.0).reshape(4, 4, 1)
    moved = ops.shift2d(x, 1, -2)
    assert moved.shape == x.shape
    np.testing.assert_array_equal(moved[1:, :2, 0], x[:3, 2:, 0])
    assert moved[0].sum() == 0 and moved[:, 2:].sum() == 0
    np.testing.assert_array_equal(ops.shift2d(x[np.newaxis], 0, 0)[0], x)
    with pytest.raises(ValueError, match=r"shift must leave part of the map: \|dy\| < 4.*got \(4, 0\)"):
        ops.shift2d(x, 4, 0)


def test_conv_is_shift_equivariant_in_the_interior():
    x = np.zeros((20, 20, 1))
    x[5:9, 6:8] = 1.0
    kernel = RNG.standard_normal((3, 3, 1, 2))
    a = ops.conv2d(ops.shift2d(x, 2, 3), kernel)
    b = ops.shift2d(ops.conv2d(x, kernel), 2, 3)
    np.testing.assert_allclose(a, b, atol=1e-12)


@pytest.mark.parametrize(
    "layers",
    [
        [(3, 1)],
        [(3, 1)] * 2,
        [(3, 1)] * 3,
        [(3, 1), (2, 2), (3, 1), (2, 2), (3, 1)],
    ],
)
def test_measured_receptive_field_equals_the_computed_one(layers):
    def stack(x):
        for kernel, stride in layers:
            if stride == 1:
                x = ops.conv2d(x, np.ones((kernel, kernel, x.shape[-1], 1)))
            else:
                x = ops.max_pool2d(x, kernel, stride)
        return x

    size, _ = ops.receptive_field(layers)
    assert ops.measured_receptive_field(stack, 28) == (size, size)


def test_measured_receptive_field_needs_a_visible_change():
    with pytest.raises(ValueError, match=r"stack must change output \(2, 2\).*positive weights"):
        ops.measured_receptive_field(lambda x: x * 0, 5)


@pytest.mark.parametrize("batch_size", [1, 7, 64, 1000])
def test_measured_receptive_field_pokes_in_batches_of_at_most_batch_size(batch_size):
    seen = []

    def stack(x):
        seen.append(len(x))
        return ops.conv2d(ops.conv2d(x, np.ones((3, 3, 1, 1))), np.ones((3, 3, 1, 1)))

    assert ops.measured_receptive_field(stack, 9, batch_size=batch_size) == (5, 5)
    pokes = seen[1:]  # the first call is the all-zero baseline
    assert sum(pokes) == 81 and max(pokes) <= batch_size


def test_measured_receptive_field_rejects_a_bad_batch_size():
    with pytest.raises(ValueError, match="batch_size must be an int >= 1"):
        ops.measured_receptive_field(lambda x: x, 5, batch_size=0)


# --- integer, bool and float16 inputs: the right number or a clear refusal ----


def test_conv2d_of_uint8_does_not_wrap_around():
    x = np.full((1, 3, 3, 1), 200, np.uint8)
    kernel = np.ones((3, 3, 1, 1), np.uint8)
    for conv in (ops.conv2d, ops.conv2d_naive):
        out = conv(x, kernel)
        assert out.dtype == np.float64 and out[0, 0, 0, 0] == 1800.0  # uint8 arithmetic would give 8


def test_conv2d_of_bools_counts_instead_of_or_ing():
    x = np.ones((4, 4, 1), bool)
    kernel = np.ones((2, 2, 1, 1), bool)
    np.testing.assert_array_equal(ops.conv2d(x, kernel)[..., 0], np.full((3, 3), 4.0))


def test_conv2d_of_mnist_pixels_equals_the_float64_result():
    x = RNG.integers(0, 256, (2, 8, 8, 1), dtype=np.uint8)
    kernel = RNG.integers(-3, 4, (3, 3, 1, 2)).astype(np.int8)
    bias = np.array([1, -1], np.int16)
    expected = ops.conv2d(x.astype(np.float64), kernel.astype(np.float64), bias.astype(np.float64))
    np.testing.assert_array_equal(ops.conv2d(x, kernel, bias), expected)


def test_conv2d_of_float16_sums_in_float32():
    x = np.full((1, 1, 64, 1), 1.1, np.float16)
    kernel = np.ones((1, 64, 1, 1), np.float16)
    out = ops.conv2d(x, kernel)
    assert out.dtype == np.float32
    assert abs(out.item() - 64 * float(np.float16(1.1))) < 1e-3


def test_conv2d_keeps_float32_and_float64():
    x32, k32 = np.ones((5, 5, 1), np.float32), np.ones((3, 3, 1, 1), np.float32)
    assert ops.conv2d(x32, k32).dtype == np.float32
    assert ops.conv2d(x32.astype(np.float64), k32).dtype == np.float64
    assert ops.conv2d(x32.astype(np.uint8), k32).dtype == np.float32  # uint8 pixels, float32 kernel


def test_nan_spreads_only_to_the_windows_that_hold_it():
    x = np.zeros((5, 5, 1))
    x[0, 0, 0] = np.nan
    out = ops.conv2d(x, np.ones((3, 3, 1, 1)))[..., 0]
    assert np.isnan(out[0, 0]) and np.isfinite(out).sum() == 8


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int32, np.float16, np.float32, bool])
def test_max_pool2d_same_padding_in_any_dtype(dtype):
    x = (RNG.integers(0, 2, (1, 5, 5, 2)) if dtype is bool else RNG.integers(-100, 100, (1, 5, 5, 2))).astype(dtype)
    if dtype is np.uint8:
        x = RNG.integers(0, 256, (1, 5, 5, 2)).astype(dtype)
    out = ops.max_pool2d(x, 2, padding="same")
    assert out.dtype == x.dtype and out.shape == (1, 3, 3, 2)
    expected = ops.max_pool2d(x.astype(np.float64), 2, padding="same")
    np.testing.assert_array_equal(out.astype(np.float64), expected)


@pytest.mark.parametrize(
    "pool, stride, padding", [(2, None, "valid"), (2, 1, "valid"), (3, 2, "same"), ((2, 3), (1, 2), "valid")]
)
def test_max_pool2d_equals_the_max_over_each_window_exactly(pool, stride, padding):
    """max_pool2d folds the window one offset at a time: bit for bit the max of each window's values, NaN included."""
    x = RNG.standard_normal((3, 9, 8, 4)).astype("float32")
    x[0, 4, 4, 1] = np.nan
    window = (pool, pool) if isinstance(pool, int) else pool
    strides = window if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    padded = x
    if padding == "same":  # what max_pool2d pads with: -inf, which never wins
        padded = ops.pad2d(
            x, (ops.same_padding(9, window[0], strides[0]), ops.same_padding(8, window[1], strides[1])), value=-np.inf
        )
    views = np.lib.stride_tricks.sliding_window_view(padded, window, axis=(1, 2))[:, :: strides[0], :: strides[1]]
    np.testing.assert_array_equal(ops.max_pool2d(x, pool, stride, padding), views.max(axis=(-2, -1)))  # NaN == NaN here


def test_max_pool2d_of_negative_ints_ignores_the_padding():
    x = np.full((1, 3, 3, 1), -5, np.int8)
    assert (ops.max_pool2d(x, 2, padding="same") == -5).all()  # padding with 0 would give 0


@pytest.mark.parametrize(
    "dtype, out_dtype",
    [
        (np.uint8, np.float32),
        (bool, np.float32),
        (np.int64, np.float32),
        (np.float16, np.float32),
        (np.float32, np.float32),
        (np.float64, np.float64),
    ],
)
def test_avg_pool2d_of_integers_is_the_true_mean(dtype, out_dtype):
    x = np.full((1, 4, 4, 1), 1 if dtype is bool else 100, dtype)
    if dtype is np.uint8:
        x[:] = 255  # a uint8 sum of four 255s would wrap to 252
    out = ops.avg_pool2d(x, 2, padding="same")
    assert out.dtype == out_dtype
    np.testing.assert_allclose(out, np.full((1, 2, 2, 1), float(x.flat[0])), rtol=1e-3)


def test_empty_batch_gives_an_empty_batch_of_the_right_shape():
    x = np.zeros((0, 6, 6, 2), np.float32)
    assert ops.conv2d(x, np.ones((3, 3, 2, 4), np.float32)).shape == (0, 4, 4, 4)
    assert ops.conv2d_naive(x, np.ones((3, 3, 2, 4), np.float32)).shape == (0, 4, 4, 4)
    assert ops.max_pool2d(x).shape == (0, 3, 3, 2)
    assert ops.avg_pool2d(x, padding="same").shape == (0, 3, 3, 2)
    assert ops.shift_each(x, np.zeros((0, 2), int)).shape == (0, 6, 6, 2)


@pytest.mark.parametrize("kernel_shape", [(0, 3, 1, 1), (3, 0, 1, 1), (3, 3, 1, 0)])
def test_zero_size_kernels_are_refused(kernel_shape):
    with pytest.raises(ValueError, match=r"kernel must have (kh|kw|c_out) >= 1"):
        ops.conv2d(np.ones((5, 5, 1)), np.ones(kernel_shape))


@pytest.mark.parametrize("pool", [0, (0, 2), (2, 0)])
def test_zero_size_pools_are_refused(pool):
    with pytest.raises(ValueError, match="pool must be an int >= 1"):
        ops.max_pool2d(np.ones((4, 4, 1)), pool)


def test_pad2d_value_must_fit_the_dtype():
    x = np.zeros((2, 2, 1), np.uint8)
    assert ops.pad2d(x, 1, value=255).dtype == np.uint8
    with pytest.raises(ValueError, match="value must be an int in 0..255"):
        ops.pad2d(x, 1, value=-np.inf)
    with pytest.raises(ValueError, match="value must be an int in 0..255"):
        ops.pad2d(x, 1, value=256)
    assert ops.pad2d(x.astype(np.float32), 1, value=-np.inf)[0, 0, 0] == -np.inf


# --- conv_output_size: dilation and explicit (before, after) padding -------------


@pytest.mark.parametrize(
    "n, k, stride, padding, dilation, expected",
    [
        (28, 3, 1, "valid", 1, 26),
        (28, 3, 1, (1, 1), 1, 28),
        (28, 3, 2, (0, 1), 1, 14),  # floor((28 + 1 - 3) / 2) + 1
        (28, 5, 2, (1, 2), 1, 14),  # floor((28 + 3 - 5) / 2) + 1
        (7, 3, 1, "valid", 2, 3),  # a 3-tap window at dilation 2 spans 5
        (7, 3, 1, (2, 2), 2, 7),
        (7, 3, 3, "same", 2, 3),  # 'same' is ceil(n / s) whatever the dilation
        (5, 3, 1, [0, 0], 1, 3),  # a list is a pair too
        (1, 1, 5, "valid", 1, 1),
        (3, 5, 1, (1, 1), 1, 1),  # k > n fits once padded
    ],
)
def test_conv_output_size_with_padding_pairs_and_dilation(n, k, stride, padding, dilation, expected):
    assert ops.conv_output_size(n, k, stride, padding, dilation) == expected
    if not isinstance(padding, str):  # the formula the docstring gives
        before, after = padding
        assert expected == (n + before + after - dilation * (k - 1) - 1) // stride + 1


def test_conv_output_size_explicit_pair_matches_conv2d_of_a_padded_input():
    x = RNG.standard_normal((1, 11, 11, 1))
    for k, s, (before, after) in itertools.product((1, 2, 3, 4), (1, 2, 3), ((0, 0), (1, 0), (0, 2), (2, 1))):
        out = ops.conv2d(ops.pad2d(x, ((before, after), (before, after))), np.ones((k, k, 1, 1)), stride=s)
        assert out.shape[1] == ops.conv_output_size(11, k, s, (before, after)), (k, s, before, after)


@pytest.mark.parametrize("n, k, dilation", [(n, k, d) for n in (5, 9, 12) for k in (1, 2, 3) for d in (1, 2, 3)])
def test_conv_output_size_dilation_matches_keras(keras, n, k, dilation):
    for padding in ("valid", "same"):
        if padding == "valid" and dilation * (k - 1) + 1 > n:
            continue
        layer = keras.layers.Conv2D(1, k, padding=padding, dilation_rate=dilation)
        assert ops.conv_output_size(n, k, 1, padding, dilation) == layer.compute_output_shape((1, n, n, 1))[1]


@pytest.mark.parametrize(
    "padding, error, words",
    [
        (1, TypeError, "pass (p, p)"),
        ((1,), TypeError, "(before, after) pair"),
        ((1, -1), ValueError, "must not be negative"),
        ((1.0, 1), TypeError, "(before, after) pair"),
        ((True, 1), TypeError, "(before, after) pair"),
        ("full", ValueError, "padding must be one of"),
        (None, TypeError, "padding must be"),
    ],
)
def test_conv_output_size_bad_padding(padding, error, words):
    with pytest.raises(error) as info:
        ops.conv_output_size(5, 3, padding=padding)
    assert words in str(info.value)


def test_conv_output_size_window_larger_than_padded_input():
    with pytest.raises(ValueError, match=r"k must fit in n=6.*got k=3, dilation 3 \(7 wide\)"):
        ops.conv_output_size(6, 3, dilation=3)
    with pytest.raises(ValueError, match=r"k must fit in n=2 plus padding \(1, 0\)"):
        ops.conv_output_size(2, 4, padding=(1, 0))


# --- max_pool2d_backward: the gradient goes to each window's winner -----------------


def _tape_max_pool_gradient(x, grad, pool, stride, padding):
    """d(sum(grad * MaxPooling2D(x)))/dx by tf.GradientTape: the backward pass Keras trains with."""
    import tensorflow as tf

    from helpers.session import configure_backend

    keras = configure_backend()
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(keras.layers.MaxPooling2D(pool, strides=stride, padding=padding)(x) * grad)
    return tape.gradient(loss, x).numpy()


@pytest.mark.parametrize(
    "pool, stride, padding", list(itertools.product((1, 2, 3, (2, 3)), (None, 1, 2, 3), ("valid", "same")))
)
def test_max_pool2d_backward_matches_gradient_tape(pool, stride, padding):
    x = RNG.standard_normal((2, 9, 8, 3)).astype("float32")
    grad = RNG.standard_normal(ops.max_pool2d(x, pool, stride, padding).shape).astype("float32")
    got = ops.max_pool2d_backward(x, grad, pool, stride, padding)
    assert got.shape == x.shape and got.dtype == np.float32
    np.testing.assert_allclose(got, _tape_max_pool_gradient(x, grad, pool, stride, padding), atol=1e-6)


@pytest.mark.parametrize(
    "pool, stride, padding", [(2, None, "valid"), (3, 2, "valid"), (2, None, "same"), (3, 1, "same")]
)
def test_max_pool2d_backward_breaks_ties_as_tensorflow(pool, stride, padding):
    """All values equal: every window ties; the first maximum in reading order wins, never the padding."""
    x = np.ones((1, 5, 5, 1), np.float32)
    out_shape = ops.max_pool2d(x, pool, stride, padding).shape
    grad = np.arange(1, np.prod(out_shape) + 1, dtype=np.float32).reshape(out_shape)
    np.testing.assert_array_equal(
        ops.max_pool2d_backward(x, grad, pool, stride, padding), _tape_max_pool_gradient(x, grad, pool, stride, padding)
    )


def test_max_pool2d_backward_by_hand():
    x = np.array([[1, 3, 2, 1], [4, 6, 5, 0], [3, 1, 1, 2], [0, 2, 4, 3]])[..., None]
    grad = np.array([[10.0, 20.0], [30.0, 40.0]])[..., None]
    expected = np.zeros((4, 4))
    expected[1, 1], expected[1, 2], expected[2, 0], expected[3, 2] = 10, 20, 30, 40  # the four winners
    got = ops.max_pool2d_backward(x, grad)
    assert got.shape == (4, 4, 1) and got.dtype == np.float64
    np.testing.assert_array_equal(got[..., 0], expected)


def test_max_pool2d_backward_adds_up_where_overlapping_windows_share_a_winner():
    x = np.zeros((5, 5, 1))
    x[2, 2] = 9.0  # in all four 3x3 stride-2 windows, and wins each
    grad = np.array([[1.0, 2.0], [3.0, 4.0]])[..., None]
    got = ops.max_pool2d_backward(x, grad, pool=3, stride=2)[..., 0]
    assert got[2, 2] == 10.0 and np.count_nonzero(got) == 1


def test_max_pool2d_backward_edge_inputs():
    # integer and bool maps: the winner is exact; the gradient is float
    assert ops.max_pool2d_backward(np.eye(2, dtype=bool)[..., None], np.ones((1, 1, 1), np.float16)).dtype == np.float32
    np.testing.assert_array_equal(
        ops.max_pool2d_backward(np.array([[0, 7], [7, 1]], np.uint8)[..., None], np.ones((1, 1, 1), np.int64))[..., 0],
        [[0, 1], [0, 0]],
    )
    # a window of -inf only: its first real value wins, never the padding
    got = ops.max_pool2d_backward(np.full((3, 3, 1), -np.inf, np.float32), np.ones((3, 3, 1), np.float32), 3, 1, "same")
    np.testing.assert_array_equal(got[..., 0], [[4, 2, 0], [2, 1, 0], [0, 0, 0]])
    # a NaN wins its window, as it spreads through max_pool2d
    np.testing.assert_array_equal(
        ops.max_pool2d_backward(np.array([[5.0, np.nan], [1.0, 2.0]])[..., None], np.ones((1, 1, 1)))[..., 0],
        [[0, 1], [0, 0]],
    )
    # an empty batch
    assert ops.max_pool2d_backward(np.zeros((0, 4, 4, 2)), np.zeros((0, 2, 2, 2))).shape == (0, 4, 4, 2)


@pytest.mark.parametrize(
    "grad, words",
    [
        (np.zeros((2, 2, 1)), "grad must be a numeric (or bool) array of shape (1, 2, 2, 1), got shape (2, 2, 1)"),
        (np.zeros((1, 3, 3, 1)), "got shape (1, 3, 3, 1)"),
        (None, "grad must be"),
    ],
)
def test_max_pool2d_backward_refuses_a_grad_of_another_shape(grad, words):
    with pytest.raises((ValueError, TypeError)) as info:
        ops.max_pool2d_backward(np.zeros((1, 4, 4, 1)), grad)
    assert words in str(info.value)


@pytest.mark.parametrize("block_images", [1, 2, 3])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_conv2d_in_blocks_of_images_is_the_whole_product(monkeypatch, block_images, dtype):
    x = np.random.default_rng(0).standard_normal((5, 7, 6, 3)).astype(dtype)  # 5 images: the last block is partial
    kernel = np.random.default_rng(0).standard_normal((3, 2, 3, 4)).astype(dtype)
    bias = np.random.default_rng(0).standard_normal(4).astype(dtype)
    rows, itemsize = 3 * 3, np.dtype(dtype).itemsize  # stride 2: 3x3 outputs per image
    monkeypatch.setattr(ops, "_BLOCK_BYTES", block_images * rows * 3 * 2 * 3 * itemsize)
    out = ops.conv2d(x, kernel, bias, stride=2)
    monkeypatch.setattr(ops, "_BLOCK_BYTES", 2**40)  # every image in one block
    whole = ops.conv2d(x, kernel, bias, stride=2)
    np.testing.assert_allclose(out, whole, rtol=1e-6 if dtype == np.float32 else 1e-12)
    np.testing.assert_allclose(out, ops.conv2d_naive(x, kernel, bias, stride=2), rtol=1e-4, atol=1e-5)
    assert out.shape == (5, 3, 3, 4) and out.dtype == dtype
