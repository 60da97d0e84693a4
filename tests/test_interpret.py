"""helpers.interpret: the plumbing of lesson 06, against brute force and
against the networks themselves (untrained: no test here fits a model)."""

import numpy as np
import pytest

from helpers import interpret, models, ops

RNG = np.random.default_rng(0)


@pytest.fixture(scope="module")
def convnet():
    models.keras.utils.set_random_seed(0)
    return models.mnist_convnet()


@pytest.fixture(scope="module")
def digits():
    return RNG.random((7, 28, 28, 1)).astype(np.float32)


def softmax(scores):
    scores = np.asarray(scores, np.float64)
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# --- conv_pool_stack ----------------------------------------------------------------


def test_conv_pool_stack_lists_the_windows_up_to_a_layer(convnet):
    assert interpret.conv_pool_stack(convnet, "conv1") == [(3, 1)]
    assert interpret.conv_pool_stack(convnet, "conv2") == [(3, 1), (2, 2), (3, 1)]
    assert interpret.conv_pool_stack(convnet, "pool2") == [(3, 1), (2, 2), (3, 1), (2, 2)]
    assert interpret.conv_pool_stack(convnet, "conv3") == [(3, 1), (2, 2), (3, 1), (2, 2), (3, 1)]
    assert ops.receptive_field(interpret.conv_pool_stack(convnet, "conv3")) == (18, 4)  # DESIGN.md: conv3 sees 18x18


def test_conv_pool_stack_reads_strides_of_convs_and_learned_pools():
    assert interpret.conv_pool_stack(models.downsampling_variant("strided_conv"), "conv3") == [(3, 2), (3, 2), (3, 1)]
    assert interpret.conv_pool_stack(models.downsampling_variant("learned_pool"), "conv3") == [
        (3, 1),
        (2, 2),
        (3, 1),
        (2, 2),
        (3, 1),
    ]
    assert ops.receptive_field(interpret.conv_pool_stack(models.downsampling_variant("none"), "conv3")) == (7, 1)


def test_the_receptive_field_it_gives_is_the_measured_one():
    """All-ones kernels, no bias: poking a pixel changes conv3 exactly inside the computed field."""
    keras, layers = models.keras, models.layers
    inputs = keras.Input((28, 28, 1))
    x = inputs
    for index, pool in enumerate((True, True, False), start=1):
        x = layers.Conv2D(1, 3, kernel_initializer="ones", use_bias=False, name=f"conv{index}")(x)
        x = layers.MaxPooling2D(2, name=f"pool{index}")(x) if pool else x
    stack = keras.Model(inputs, x)
    size, _jump = ops.receptive_field(interpret.conv_pool_stack(stack, "conv3"))
    assert ops.measured_receptive_field(lambda batch: np.asarray(stack(batch)), 28, 1, 1) == (size, size)


def test_conv_pool_stack_refuses_same_padding():
    keras, layers = models.keras, models.layers
    net = keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(2, 3, padding="same", name="c")])
    with pytest.raises(ValueError, match="'valid' padding"):
        interpret.conv_pool_stack(net, "c")


# --- strongest_units --------------------------------------------------------------------


def test_strongest_units_is_the_max_and_argmax_of_each_channel_in_batches(convnet, digits):
    maps = np.asarray(models.keras.Model(convnet.input, convnet.get_layer("conv2").output)(digits))  # (7, 11, 11, 64)
    values, rows, cols = interpret.strongest_units(convnet, "conv2", digits, batch_size=3)
    assert values.shape == rows.shape == cols.shape == (7, 64)
    # (batches of 3 and of 7 may round differently in the last float32 bit)
    np.testing.assert_allclose(values, maps.max(axis=(1, 2)), rtol=1e-5, atol=1e-6)
    n, c = np.indices(values.shape)
    np.testing.assert_allclose(
        maps[n, rows, cols, c], values, rtol=1e-5, atol=1e-6
    )  # the unit it names holds the maximum


def test_strongest_units_takes_integer_images_and_names_the_first_of_tied_units(convnet):
    values, rows, cols = interpret.strongest_units(convnet, "conv1", np.zeros((2, 28, 28, 1), np.uint8))
    assert values.shape == (2, 32) and values.dtype == np.float32
    assert not rows.any() and not cols.any()  # a blank image: every unit of a channel ties, unit (0, 0) is named


# --- split_at, class_scores, pre_activation ---------------------------------------------


@pytest.mark.parametrize("layer", ["image", "conv1", "pool1", "conv3", "flatten", "dense"])
def test_split_at_gives_the_scores_whose_softmax_is_the_model(convnet, digits, layer):
    features, head = interpret.split_at(convnet, layer)
    scores = np.asarray(head(features(digits)))
    assert scores.shape == (7, 10)
    np.testing.assert_allclose(softmax(scores), np.asarray(convnet(digits)), atol=1e-6)


def test_class_scores_is_the_model_before_its_softmax(convnet, digits):
    np.testing.assert_allclose(softmax(interpret.class_scores(convnet)(digits)), np.asarray(convnet(digits)), atol=1e-6)


def test_class_scores_of_a_sequential_model(digits):
    keras, layers = models.keras, models.layers
    net = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(4, 3, activation="relu"),
            layers.Flatten(),
            layers.Dense(10, activation="softmax"),
        ]
    )
    np.testing.assert_allclose(softmax(interpret.class_scores(net)(digits)), np.asarray(net(digits)), atol=1e-6)


def test_the_gradient_of_a_score_flows_to_the_pixels_and_to_the_maps(convnet, digits):
    import tensorflow as tf

    features, head = interpret.split_at(convnet, "conv3")
    x = tf.constant(digits)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        maps = features(x)
        score = tf.reduce_sum(head(maps)[:, 3])
    assert tape.gradient(score, x).shape == digits.shape
    assert tape.gradient(score, maps).shape == maps.shape


@pytest.mark.parametrize("layer", ["conv1", "conv2", "conv3"])
def test_pre_activation_is_the_layer_before_its_relu(convnet, digits, layer):
    before = np.asarray(interpret.pre_activation(convnet, layer)(digits))
    after = np.asarray(models.keras.Model(convnet.input, convnet.get_layer(layer).output)(digits))
    np.testing.assert_allclose(np.maximum(before, 0), after, atol=1e-5)
    assert (before < 0).any()  # the part the ReLU hides, and where gradient ascent still has a gradient


def test_pre_activation_of_a_first_layer_in_a_sequential_model(digits):
    keras, layers = models.keras, models.layers
    net = keras.Sequential(
        [keras.Input((28, 28, 1)), layers.Conv2D(4, 3, activation="relu", name="c"), layers.Flatten()]
    )
    np.testing.assert_allclose(
        np.maximum(np.asarray(interpret.pre_activation(net, "c")(digits)), 0),
        np.asarray(net.get_layer("c")(digits)),
        atol=1e-6,
    )


def test_the_last_two_rows_and_columns_never_reach_conv3(convnet, digits):
    """Lesson 06's exact claim: pool2's floor drops the only conv2 row that sees rows 26-27."""
    import tensorflow as tf

    scores = interpret.class_scores(convnet)
    x = tf.constant(digits)
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(scores(x))
    gradient = tape.gradient(total, x).numpy()[..., 0]
    assert np.all(gradient[:, 26:, :] == 0) and np.all(gradient[:, :, 26:] == 0)
    assert np.abs(gradient[:, :26, :26]).max() > 0


# --- spread_to_input -------------------------------------------------------------------


def test_spread_to_input_averages_the_units_that_see_a_pixel():
    painted = interpret.spread_to_input(np.array([[1.0, 2.0], [3.0, 4.0]]), size=2, jump=1, input_side=3)
    np.testing.assert_allclose(painted, [[1.0, 1.5, 2.0], [2.0, 2.5, 3.0], [3.0, 3.5, 4.0]])


def test_spread_to_input_leaves_pixels_no_unit_sees_nan_and_takes_batches():
    maps = RNG.random((4, 3, 3))
    painted = interpret.spread_to_input(maps, 18, 4, 28)  # conv3's fields on a 28x28 digit
    assert painted.shape == (4, 28, 28)
    assert np.isnan(painted[:, 26:, :]).all() and np.isnan(painted[:, :, 26:]).all()
    assert not np.isnan(painted[:, :26, :26]).any()
    np.testing.assert_allclose(painted[:, :4, :4], np.broadcast_to(maps[:, :1, :1], (4, 4, 4)))  # one unit only
    np.testing.assert_allclose(
        painted[:, 8:18, 8:18], np.broadcast_to(maps.mean(axis=(1, 2))[:, None, None], (4, 10, 10))
    )
    np.testing.assert_allclose(painted[1], interpret.spread_to_input(maps[1], 18, 4, 28))


# --- stroke_mask ---------------------------------------------------------------------------


def test_stroke_mask_thresholds_and_grows_by_the_margin():
    image = np.zeros((1, 7, 7, 1), np.float32)
    image[0, 3, 3] = 0.6
    image[0, 0, 6] = 0.4
    assert interpret.stroke_mask(image).sum() == 1
    grown = interpret.stroke_mask(image, margin=1)[0]
    assert grown.sum() == 9 and grown[2:5, 2:5].all()  # the 3x3 square around the pixel
    assert interpret.stroke_mask(image, margin=2)[0].sum() == 25
    assert interpret.stroke_mask(image, threshold=0.3)[0, 0, 6]
    assert interpret.stroke_mask(image[..., 0]).shape == (1, 7, 7)  # (N, H, W) too


# --- class_activation_map -------------------------------------------------------------------


def test_cam_averaged_plus_the_bias_is_the_score_of_a_global_average_pooling_head(digits):
    keras, layers = models.keras, models.layers
    image = keras.Input((28, 28, 1))
    conv = layers.Conv2D(8, 3, activation="relu")(image)
    net = keras.Model(image, layers.Dense(10, name="scores")(layers.GlobalAveragePooling2D()(conv)))
    maps = np.asarray(keras.Model(image, conv)(digits))
    weights, bias = net.get_layer("scores").get_weights()
    cams = np.array([[interpret.class_activation_map(m, weights[:, c]) for c in range(10)] for m in maps])
    assert cams.shape == (7, 10, 26, 26)
    np.testing.assert_allclose(cams.mean(axis=(2, 3)) + bias, np.asarray(net(digits)), atol=1e-5)
