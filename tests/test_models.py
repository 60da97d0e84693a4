"""helpers.models: the architectures and parameter counts of DESIGN.md §6."""

import pytest

from helpers import models


def test_mnist_convnet_matches_the_lesson(keras):
    model = models.mnist_convnet()
    assert models.param_counts(model) == {
        "conv1": 320, "conv2": 18_496, "conv3": 36_928, "dense": 36_928, "predictions": 650,
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


@pytest.mark.parametrize("kind, flat", [("max", 576), ("avg", 576), ("strided", 576), ("none", 30_976)])
def test_downsampling_variants_differ_only_in_downsampling(keras, kind, flat):
    model = models.downsampling_variant(kind)
    assert model.get_layer("flatten").output.shape[1:] == (flat,)
    for name, filters in (("conv1", 32), ("conv2", 64), ("conv3", 64)):
        assert model.get_layer(name).filters == filters
    assert model.get_layer("dense").units == 64
    assert model.output.shape[1:] == (10,)


def test_strided_variant_learns_its_downsampling(keras):
    params = models.param_counts(models.downsampling_variant("strided"))
    assert params["pool1"] == 2 * 2 * 32 * 32 + 32
    assert params["pool2"] == 2 * 2 * 64 * 64 + 64


def test_forward_flops(keras):
    # conv1: 26*26*32 outputs x 9 MACs; conv2: 11*11*64 x 288; conv3: 3*3*64 x 576; dense 576*64; 64*10
    macs = 26 * 26 * 32 * 9 + 11 * 11 * 64 * 288 + 3 * 3 * 64 * 576 + 576 * 64 + 64 * 10
    assert models.forward_flops(models.mnist_convnet()) == 2 * macs


def test_bad_arguments_are_explained():
    with pytest.raises(ValueError, match="kind must be one of"):
        models.downsampling_variant("median")
    with pytest.raises(ValueError, match="head must be one of"):
        models.no_pool_convnet("dense1024")


def test_no_layer_uses_input_shape():
    """Keras 3 warns on `input_shape=` in a layer; the builders use keras.Input."""
    import inspect

    assert "input_shape" not in inspect.getsource(models)
