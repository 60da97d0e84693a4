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
    stack = keras.Sequential(
        [keras.Input((28, 28, 1))]
        + [keras.layers.Conv2D(1, 3, dilation_rate=d, use_bias=False, kernel_initializer="ones") for d in rates]
    )
    assert ops.measured_receptive_field(stack, 28) == (size, size)
    assert ops.receptive_field([(2 * d + 1, 1) for d in rates])[0] == size


def dilated_conv1d_by_hand(x, w, stride, dilation):
    """A 'valid' 1-D convolution (cross-correlation) with taps `dilation` apart, moved `stride` at a time."""
    span = dilation * (len(w) - 1) + 1
    return np.array(
        [sum(w[j] * x[start + j * dilation] for j in range(len(w))) for start in range(0, len(x) - span + 1, stride)]
    )


@pytest.mark.parametrize("n, k, stride, pads, dilation", [(28, 3, 2, (0, 0), 2), (29, 3, 3, (1, 0), 2)])
def test_exercise_6_strided_dilated_lengths_sample_the_stride_1_output(keras, n, k, stride, pads, dilation):
    # Keras refuses a stride with a dilation, so lesson 02 takes exercise 6's expected lengths for these
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


# --- what lesson 02's additions lean on -----------------------------------------


def test_conv2d_transpose_is_the_full_convolution_with_the_flipped_kernel(keras):
    # lesson 02 section 2: 'full' padding (k - 1 zeros each side) with the kernel turned by 180 degrees
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 5, 6, 1)).astype("float32")
    kernel = rng.normal(size=(3, 2, 1, 1)).astype("float32")
    layer = keras.layers.Conv2DTranspose(1, (3, 2), use_bias=False)
    layer.build(x.shape)
    layer.set_weights([kernel])
    full = ops.conv2d(ops.pad2d(x, ((2, 2), (1, 1))), kernel[::-1, ::-1])
    assert full.shape == (2, 5 + 3 - 1, 6 + 2 - 1, 1)
    np.testing.assert_allclose(np.asarray(layer(x)), full, atol=1e-5)


def test_keras_refuses_a_stride_with_a_dilation(keras):
    # the refusal lesson 02 shows, and the reason exercise 6 samples the stride-1 output instead
    with pytest.raises(ValueError, match="dilation_rate"):
        keras.layers.Conv2D(1, 3, strides=2, dilation_rate=2)


def test_a_strided_conv_moves_with_shifts_by_multiples_of_its_stride_only(keras):
    rng = np.random.default_rng(2)
    x = np.zeros((1, 20, 20, 1), "float32")
    x[0, 4:14, 3:12, 0] = rng.random((10, 9))  # content away from the borders: no shift loses any
    kernel = rng.normal(size=(3, 3, 1, 1)).astype("float32")
    conv = keras.layers.Conv2D(1, 3, strides=2, use_bias=False)
    conv.build(x.shape)
    conv.set_weights([kernel])
    plain = np.asarray(conv(x))
    for d in range(5):
        moved = np.asarray(conv(ops.shift2d(x, 0, d)))
        exact = [np.allclose(moved[:, :, j:], plain[:, :, : plain.shape[2] - j], atol=1e-6) for j in range(d + 1)]
        assert any(exact) == (d % 2 == 0), d


@pytest.mark.parametrize(
    "rates, reached",
    [
        ([1, 1, 1], 7 * 7),
        ([2, 2, 2], 7 * 7),
        ([1, 2, 4], 15 * 15),
        ([1, 2, 3], 13 * 13),
        ([1, 3, 9], 27 * 27),
        ([1, 3, 10], 27 * 27),
    ],
)
def test_gridding_stacked_dilations_reach_only_the_sums_of_their_offsets(rates, reached):
    # one offset from {-d, 0, d} per layer: the 1-D offsets a unit hears, squared for 2-D
    offsets = {0}
    for d in rates:
        offsets = {o + t for o in offsets for t in (-d, 0, d)}
    assert len(offsets) ** 2 == reached


def test_exercise_7_only_rates_1_3_9_give_a_27_wide_box_without_holes():
    # three layers: at most 27 different offset sums, so 27x27 is the widest hole-free box, and balanced
    # ternary is the only way to reach it (any order); the check (side, pixels reaching) == (27, 729)
    import itertools

    def side_and_reached(rates):
        offsets = {0}
        for d in rates:
            offsets = {o + t for o in offsets for t in (-d, 0, d)}
        return 1 + 2 * sum(rates), len(offsets) ** 2

    found = {tuple(sorted(r)) for r in itertools.product(range(1, 14), repeat=3) if side_and_reached(r) == (27, 729)}
    assert found == {(1, 3, 9)}
    widest = max(
        side
        for r in itertools.product(range(1, 14), repeat=3)
        for side, reached in [side_and_reached(r)]
        if reached == side * side
    )
    assert widest == 27


def test_pytorch_padding_1_at_stride_2_is_the_mirror_of_tensorflow_same():
    # lesson 02 section 4: one zero on every side (PyTorch's Conv2d(stride=2, padding=1)) on an even size gives
    # the windows of the mirrored 'same' zeros (1, 0); TensorFlow's own zeros (0, 1) give other outputs
    rng = np.random.default_rng(4)
    x = rng.normal(size=(2, 10, 10, 1)).astype("float32")
    kernel = rng.normal(size=(3, 3, 1, 2)).astype("float32")
    both = ops.conv2d(ops.pad2d(x, 1), kernel, stride=2)
    mirrored = ops.conv2d(ops.pad2d(x, ((1, 0), (1, 0))), kernel, stride=2)
    tensorflow = ops.conv2d(ops.pad2d(x, ((0, 1), (0, 1))), kernel, stride=2)
    assert both.shape == mirrored.shape == tensorflow.shape == (2, 5, 5, 2)
    np.testing.assert_allclose(both, mirrored, atol=1e-6)
    assert not np.allclose(both, tensorflow, atol=1e-3)


# --- lesson 02's figures --------------------------------------------------------


def test_window_positions_titles_count_positions_apart_from_the_window_size():
    from helpers import plots

    fig = plots.window_positions(5, {"'valid'": (3, (0, 0))})
    window_ax, output_ax = fig.axes
    assert "k = 3" in window_ax.get_title() and "9 positions (3\u00d73 output)" in window_ax.get_title()
    assert output_ax.get_title() == "output: 3\u00d73 cells"


def test_window_positions_numbers_are_drawn_above_the_window_outlines():
    from helpers import plots

    fig = plots.window_positions(5, {"'same' (even k)": (4, (1, 2))})  # numbers on the outlines' lines
    ax = fig.axes[0]
    outlines = [p for p in ax.patches if not p.get_hatch()]
    assert outlines and max(p.get_zorder() for p in outlines) < min(t.get_zorder() for t in ax.texts)


def test_reach_maps_outline_the_box_and_count_the_pixels_that_reach():
    from helpers import plots

    maps = np.zeros((2, 9, 9), bool)
    maps[0, 2:7, 2:7] = True
    maps[1, 1:8:2, 1:8:2] = True  # a 7x7 box with holes: 16 of its 49 pixels
    fig = plots.reach_maps(maps, ["dense", "holes"], title="t")
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["dense\n5x5 box, 25 of its 25 pixels reach", "holes\n7x7 box, 16 of its 49 pixels reach"]
    box = next(iter(fig.axes[1].patches))
    assert (box.get_x(), box.get_y(), box.get_width(), box.get_height()) == (0.5, 0.5, 7, 7)
    assert "no pixel reaches" in plots.reach_maps(np.zeros((1, 5, 5)), ["none"]).axes[0].get_title()


# --- lesson 02's exercise checkers reject the plausible wrong answers -------------


@pytest.mark.parametrize(
    "expected, wrong",
    [
        ((227 - 11) // 4 + 1, [54, 56, 57, 55.5]),  # 1: AlexNet's first layer
        (ops.same_padding(32, 5, 3), [(2, 1), (1, 1), (2, 2), 3]),  # 2: the odd zero goes after
        ((ops.same_padding(27, 3, 2), 0), [((0, 1), 1), ((1, 1), 1), ((0, 1), 0)]),  # 3
        ((27, 27 * 27), [(15, 225), (13, 49), (29, 729), (27, 728), 27]),  # 7: (box side, pixels reaching)
    ],
)
def test_exercise_checks_reject_plausible_wrong_answers(expected, wrong, capsys):
    from helpers.exercises import check

    assert check(expected, expected)
    for answer in wrong:
        assert not check(answer, expected), answer


def test_the_input_gradient_of_a_valid_conv_is_the_full_convolution_with_the_flipped_kernel(keras):
    # the sentence of lesson 02 section 2 that ties 'full' padding to the backward pass
    import tensorflow as tf

    rng = np.random.default_rng(3)
    x = tf.constant(rng.normal(size=(1, 6, 5, 1)).astype("float32"))
    kernel = rng.normal(size=(3, 3, 1, 1)).astype("float32")
    error = rng.normal(size=(1, 4, 3, 1)).astype("float32")  # dL/d(output), output 4x3
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(tf.nn.conv2d(x, kernel, 1, "VALID") * error)
    full = ops.conv2d(ops.pad2d(error, 2), kernel[::-1, ::-1])  # 4x3 back to 6x5
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), full, atol=1e-5)


def test_padded_arithmetic_draws_input_coordinates_grey_padding_and_the_valid_cells():
    from helpers import plots

    tiny = np.array([[1, 2, 0, 1], [0, 1, 3, 1], [2, 1, 0, 2], [1, 3, 2, 0]])
    kernel = np.array([[1, 0, -1], [2, 1, 0], [0, 1, 2]])
    fig = plots.padded_arithmetic(tiny, kernel, 1, 0, 3)
    inp, _, out = fig.axes
    assert [t.get_text() for t in inp.get_xticklabels()] == ["-1", "0", "1", "2", "3", "4"]
    assert [t.get_text() for t in inp.get_yticklabels()] == ["-1", "0", "1", "2", "3", "4"]
    grey = [p for p in inp.patches if p.get_fill() and p.get_zorder() == 0.5]
    assert len(grey) == 6 * 6 - 4 * 4  # one patch per padding cell
    dashed = [p for p in out.patches if p.get_linestyle() == "--"]
    assert len(dashed) == 1  # the inner 2x2: lesson 01's 'valid' output
    box = dashed[0]
    assert (round(box.get_x() + 0.5), round(box.get_y() + 0.5), round(box.get_width()), round(box.get_height())) == (
        1,
        1,
        2,
        2,
    )
    assert "grey: padding" in inp.get_xlabel()


def test_stride_shift_maps_share_one_zero_centred_scale_and_draw_the_difference():
    from helpers import plots

    rng = np.random.default_rng(5)
    stride1 = rng.normal(size=(26, 26))
    strided, shifted = stride1[::2, ::2], stride1[::2, np.r_[0, 1:24:2]]
    fig = plots.stride_shift_maps(stride1, strided, shifted, stride=2, shift=1, title="t")
    panels = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    assert len(panels) == 4 and len(fig.axes) == 5  # four panels, one colour bar
    limits = {ax.images[0].get_clim() for ax in panels}
    assert len(limits) == 1 and next(iter(limits))[0] == -next(iter(limits))[1]  # one scale, centred at 0
    np.testing.assert_allclose(panels[3].images[0].get_array(), shifted - strided)
    kept, moved = panels[0].lines
    assert sorted(set(kept.get_xdata())) == list(range(0, 26, 2))
    assert sorted(set(moved.get_xdata())) == list(range(1, 25, 2))  # column c * 2 - 1: the neighbours
