"""Regression checks moved out of lesson 05: facts its printed tables show
that no other test holds (the strided stack's receptive field, the FLOPs
ranking of the five variants, learned pooling's extra weights)."""

import pytest

from helpers import models, ops


def test_the_strided_stack_sees_15_pixels_4_apart():
    assert ops.receptive_field([(3, 2), (3, 2), (3, 1)]) == (15, 4)


def test_learned_pooling_adds_two_2x2_convs_to_lesson_04s_model(keras):
    extra = (2 * 2 * 32 * 32 + 32) + (2 * 2 * 64 * 64 + 64)
    assert models.downsampling_variant("learned_pool").count_params() == 93_322 + extra


@pytest.mark.parametrize("kind", ["max", "avg", "learned_pool", "none"])
def test_the_strided_convolution_is_the_cheapest_variant(keras, kind):
    assert models.forward_flops(models.downsampling_variant("strided_conv")) < \
        models.forward_flops(models.downsampling_variant(kind))


def test_no_downsampling_costs_over_ten_times_max_pooling(keras):
    flops = {kind: models.forward_flops(models.downsampling_variant(kind)) for kind in ("max", "none")}
    assert flops["none"] > 10 * flops["max"]
