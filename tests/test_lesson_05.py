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
    assert models.forward_flops(models.downsampling_variant("strided_conv")) < models.forward_flops(
        models.downsampling_variant(kind)
    )


def test_no_downsampling_costs_over_ten_times_max_pooling(keras):
    flops = {kind: models.forward_flops(models.downsampling_variant(kind)) for kind in ("max", "none")}
    assert flops["none"] > 10 * flops["max"]


def test_exercise_3s_checker_rejects_the_absolute_value_of_t():
    # the verdicts use the sign of t, so a checker whose inputs all have positive means would accept abs(t)
    import ast
    from pathlib import Path

    import nbformat
    import numpy as np

    from helpers import stats
    from helpers.exercises import check_function

    path = Path(__file__).resolve().parent.parent / "notebooks" / "05_no_pooling_ablation.ipynb"
    cell = next(
        c.source
        for c in nbformat.read(path, as_version=4).cells
        if c.cell_type == "code" and c.source.startswith("def paired_t_statistic")
    )
    call = next(
        node
        for node in ast.walk(ast.parse(cell))
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "check_function"
    )
    inputs = ast.literal_eval(next(k.value for k in call.keywords if k.arg == "inputs"))

    def absolute_t(diffs):
        diffs = np.asarray(diffs, dtype=float)
        return abs(diffs.mean() / (diffs.std(ddof=1) / np.sqrt(len(diffs))))

    assert not check_function(absolute_t, lambda d: stats.paired_t(d)[0], inputs=inputs)
