"""helpers.models: the architectures and parameter counts of DESIGN.md §6."""

import numpy as np
import pytest

from helpers import models


def test_mnist_convnet_matches_the_lesson(keras):
    model = models.mnist_convnet()
    assert models.param_counts(model) == {
        "conv1": 320,
        "conv2": 18_496,
        "conv3": 36_928,
        "dense": 36_928,
        "predictions": 650,
    }
    assert model.count_params() == 93_322
    shapes = [tuple(layer.output.shape[1:]) for layer in model.layers[1:]]
    assert shapes == [(26, 26, 32), (13, 13, 32), (11, 11, 64), (5, 5, 64), (3, 3, 64), (576,), (64,), (10,)]


def test_dense_baseline(keras):
    model = models.dense_baseline()
    assert models.param_counts(model) == {"dense": 784 * 512 + 512, "predictions": 5130}


def test_no_pool_convnet(keras):
    model = models.no_pool_convnet()
    assert model.get_layer("flatten").output.shape[1:] == (30_976,)
    assert model.count_params() == 2_038_922
    big = models.no_pool_convnet("dense512")
    assert big.get_layer("dense").count_params() == 15_860_224


# kind -> shapes after conv1, pool1, conv2, pool2, conv3 (None: the layer does not exist), params
VARIANTS = {
    "max": ([(26, 26, 32), (13, 13, 32), (11, 11, 64), (5, 5, 64), (3, 3, 64)], 93_322),
    "avg": ([(26, 26, 32), (13, 13, 32), (11, 11, 64), (5, 5, 64), (3, 3, 64)], 93_322),
    "strided_conv": ([(13, 13, 32), None, (6, 6, 64), None, (4, 4, 64)], 121_994),
    "learned_pool": ([(26, 26, 32), (13, 13, 32), (11, 11, 64), (5, 5, 64), (3, 3, 64)], 113_898),
    "none": ([(26, 26, 32), None, (24, 24, 64), None, (22, 22, 64)], 2_038_922),
}


def _shape(model, name):
    names = [layer.name for layer in model.layers]
    return tuple(model.get_layer(name).output.shape[1:]) if name in names else None


@pytest.mark.parametrize("kind", sorted(VARIANTS))
def test_downsampling_variants_shapes_and_params(keras, kind):
    shapes, params = VARIANTS[kind]
    model = models.downsampling_variant(kind)
    assert [_shape(model, n) for n in ("conv1", "pool1", "conv2", "pool2", "conv3")] == shapes
    assert model.count_params() == params
    assert model.get_layer("flatten").output.shape[1:] == (int(np.prod(shapes[-1])),)
    for name, filters in (("conv1", 32), ("conv2", 64), ("conv3", 64)):
        assert model.get_layer(name).filters == filters
        assert model.get_layer(name).kernel_size == (3, 3)
        assert model.get_layer(name).activation.__name__ == "relu"
    assert model.get_layer("dense").units == 64
    assert model.output.shape[1:] == (10,)
    assert model.name == f"convnet_{kind}"


def test_strided_conv_is_the_books_stride_2_convolution(keras):
    model = models.downsampling_variant("strided_conv")
    assert [model.get_layer(n).strides for n in ("conv1", "conv2", "conv3")] == [(2, 2), (2, 2), (1, 1)]
    assert not [layer for layer in model.layers if layer.name.startswith("pool")]


def test_learned_pool_is_a_linear_2x2_stride_2_conv(keras):
    model = models.downsampling_variant("learned_pool")
    params = models.param_counts(model)
    assert params["pool1"] == 2 * 2 * 32 * 32 + 32
    assert params["pool2"] == 2 * 2 * 64 * 64 + 64
    for name in ("pool1", "pool2"):
        layer = model.get_layer(name)
        assert layer.kernel_size == (2, 2) and layer.strides == (2, 2)
        assert layer.activation.__name__ == "linear"


@pytest.mark.parametrize(
    "head, layer_type", [("global_max", "GlobalMaxPooling2D"), ("global_avg", "GlobalAveragePooling2D")]
)
@pytest.mark.parametrize("kind", sorted(VARIANTS))
def test_global_heads_see_one_number_per_channel(keras, kind, head, layer_type):
    model = models.downsampling_variant(kind, head=head)
    pool = model.get_layer("global_pool")
    assert type(pool).__name__ == layer_type and pool.output.shape[1:] == (64,)
    assert model.get_layer("dense").count_params() == 64 * 64 + 64
    assert model.count_params() == (81_130 if kind == "learned_pool" else 60_554)
    assert model.name == f"convnet_{kind}_{head}"


def test_global_max_head_ignores_where_a_feature_is(keras):
    """Moving the input moves the no-pool stack's maps (valid convs are
    equivariant); a global max over the map does not see the move."""
    keras.utils.set_random_seed(0)
    model = models.downsampling_variant("none", head="global_max")
    image = np.zeros((1, 28, 28, 1), np.float32)
    image[0, 10:16, 10:16, 0] = 1.0
    moved = np.roll(image, (3, -2), axis=(1, 2))  # the blob stays far from the border
    assert np.allclose(model(image), model(moved), atol=1e-6)
    flatten = models.downsampling_variant("none")  # the same stack under a Flatten head does see it
    assert not np.allclose(flatten(image), flatten(moved), atol=1e-6)


def test_forward_flops(keras):
    # conv1: 26*26*32 outputs x 9 MACs; conv2: 11*11*64 x 288; conv3: 3*3*64 x 576; dense 576*64; 64*10
    macs = 26 * 26 * 32 * 9 + 11 * 11 * 64 * 288 + 3 * 3 * 64 * 576 + 576 * 64 + 64 * 10
    assert models.forward_flops(models.mnist_convnet()) == 2 * macs


# hand counts, 2 x multiply-adds, layer by layer (conv: output h*w*c_out x kh*kw*c_in; dense: n_in*n_out)
LESSON_FLOPS = {
    ("max", "flatten"): 2 * (26 * 26 * 32 * 9 + 11 * 11 * 64 * 288 + 3 * 3 * 64 * 576 + 576 * 64 + 64 * 10),
    ("avg", "flatten"): 2 * (26 * 26 * 32 * 9 + 11 * 11 * 64 * 288 + 3 * 3 * 64 * 576 + 576 * 64 + 64 * 10),
    ("max", "global_max"): 2 * (26 * 26 * 32 * 9 + 11 * 11 * 64 * 288 + 3 * 3 * 64 * 576 + 64 * 64 + 64 * 10),
    ("strided_conv", "flatten"): 2 * (13 * 13 * 32 * 9 + 6 * 6 * 64 * 288 + 4 * 4 * 64 * 576 + 1024 * 64 + 640),
    ("learned_pool", "flatten"): 2
    * (
        26 * 26 * 32 * 9
        + 13 * 13 * 32 * 128
        + 11 * 11 * 64 * 288
        + 5 * 5 * 64 * 256
        + 3 * 3 * 64 * 576
        + 576 * 64
        + 640
    ),
    ("none", "flatten"): 2 * (26 * 26 * 32 * 9 + 24 * 24 * 64 * 288 + 22 * 22 * 64 * 576 + 30_976 * 64 + 640),
}


@pytest.mark.parametrize("kind, head", list(LESSON_FLOPS))
def test_forward_flops_of_the_lesson_models_match_hand_counts(keras, kind, head):
    assert models.forward_flops(models.downsampling_variant(kind, head=head)) == LESSON_FLOPS[kind, head]


def test_forward_flops_of_the_dense_baseline(keras):
    assert models.forward_flops(models.dense_baseline()) == 2 * (784 * 512 + 512 * 10)


def test_forward_flops_opens_nested_models(keras):
    """Issue 26: convs inside a Sequential block were left out (only the head was counted)."""
    L = keras.layers
    block = keras.Sequential([L.Conv2D(8, 3, activation="relu"), L.MaxPooling2D(2)], name="block")
    model = keras.Sequential([keras.Input((28, 28, 1)), block, L.Flatten(), L.Dense(10)])
    assert models.forward_flops(model) == 2 * (26 * 26 * 8 * 9 + 13 * 13 * 8 * 10)
    inputs = keras.Input((28, 28, 1))  # a functional block with its own Input, inside a functional model
    inner = keras.Model(inputs, L.Conv2D(4, 3)(inputs), name="inner")
    outer_in = keras.Input((28, 28, 1))
    outer = keras.Model(outer_in, L.Dense(2)(L.Flatten()(inner(outer_in))))
    assert models.forward_flops(outer) == 2 * (26 * 26 * 4 * 9 + 26 * 26 * 4 * 2)


def test_forward_flops_uses_the_actual_shapes(keras):
    L = keras.layers
    # a Dense layer on (5, 16) is applied at each of the 5 positions (issue 26: 256 instead of 1,280)
    assert models.forward_flops(keras.Sequential([keras.Input((5, 16)), L.Dense(8)])) == 2 * 5 * 16 * 8
    assert models.forward_flops(keras.Sequential([keras.Input((10, 3)), L.Conv1D(4, 3)])) == 2 * 8 * 4 * 3 * 3
    assert models.forward_flops(keras.Sequential([keras.Input((6, 6, 6, 1)), L.Conv3D(2, 3)])) == 2 * 64 * 2 * 27
    # a strided, 'same'-padded, grouped conv: 14x14 outputs, each 3*3*(4/2) multiply-adds
    grouped = keras.Sequential([keras.Input((28, 28, 4)), L.Conv2D(6, 3, strides=2, padding="same", groups=2)])
    assert models.forward_flops(grouped) == 2 * 14 * 14 * 6 * 3 * 3 * 2
    conv = L.Conv2D(4, 3)  # one layer called on two inputs counts twice
    a, b = keras.Input((8, 8, 1)), keras.Input((10, 10, 1))
    assert models.forward_flops(keras.Model([a, b], [conv(a), conv(b)])) == 2 * (6 * 6 + 8 * 8) * 4 * 9


def test_forward_flops_refuses_what_it_cannot_count(keras):
    L = keras.layers
    with pytest.raises(ValueError, match="model must be built"):  # was an AttributeError from Keras
        models.forward_flops(keras.Sequential([L.Conv2D(8, 3)]))
    for layer in (L.BatchNormalization(name="bn"), L.DepthwiseConv2D(3, name="bn"), L.Conv2DTranspose(2, 3, name="bn")):
        with pytest.raises(ValueError, match=r"cannot count others.*layer 'bn'"):
            models.forward_flops(keras.Sequential([keras.Input((8, 8, 1)), layer]))
    with pytest.raises(ValueError, match="fixed input sizes"):
        models.forward_flops(keras.Sequential([keras.Input((None, None, 1)), L.Conv2D(2, 3, name="c")]))


def test_bad_arguments_are_explained():
    with pytest.raises(ValueError, match="kind must be one of"):
        models.downsampling_variant("median")
    with pytest.raises(ValueError, match="kind must be one of"):
        models.downsampling_variant("strided")  # renamed: strided_conv or learned_pool
    with pytest.raises(ValueError, match="head must be one of"):
        models.downsampling_variant("max", head="global_median")
    with pytest.raises(ValueError, match="head must be one of"):
        models.no_pool_convnet("dense1024")


def test_no_layer_uses_input_shape():
    """Keras 3 warns on `input_shape=` in a layer; the builders use keras.Input."""
    import inspect

    assert "input_shape" not in inspect.getsource(models)
