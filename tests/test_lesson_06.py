"""Lesson 06: what the lesson relies on that its own cells do not check,
read from the notebook's source without a kernel (and one short training).

* The hand-made kernels it compares conv1 with are lesson 01's, exactly.
* The facts its prose types (8x8 and 18x18 fields, 4 px apart, rows 26
  and 27 unseen, a 3x3 conv3) are what the helpers compute.
* Its untrained control is the network ``train_and_evaluate`` starts from.
* Its figures draw signed maps on a zero-centred diverging scale with a
  colour bar, and non-negative ones on a sequential scale from 0.
"""

import ast
import json
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import Normalize

from helpers import interpret, models, ops, plots
from helpers.plots.kit import SIGNED_CMAP

ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "notebooks" / "06_what_the_convnet_learned.ipynb"
LESSON_01 = ROOT / "notebooks" / "01_convolution.ipynb"


def code_of(path):
    cells = json.loads(path.read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def prose_of(path):
    cells = json.loads(path.read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def assigned(code, name):
    """The value of the first ``name = <literal or np.array(literal, ...)>`` in ``code``
    (a list literal, possibly repeated: ``[[-1, 0, 1]] * 3``)."""
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            value = node.value
            if isinstance(value, ast.Call):  # np.array([[...]], np.float32)
                value = value.args[0]
            # a literal, or literal lists times an int ([[-1, 0, 1]] * 3): nothing else to evaluate
            return eval(compile(ast.Expression(value), "<lesson>", "eval"), {"__builtins__": {}})
    raise AssertionError(f"no assignment to {name}")


def test_the_hand_made_kernels_are_lesson_01s():
    ours, theirs = code_of(LESSON), code_of(LESSON_01)
    assert np.array_equal(np.array(assigned(ours, "diagonal")), np.array(assigned(theirs, "diagonal_answer")))
    assert np.array_equal(np.array(assigned(ours, "vertical")), np.array(assigned(theirs, "vertical_edge")))
    assert "vertical.T" in ours and "horizontal_edge = vertical_edge.T" in theirs  # both transpose it
    assert "np.full((3, 3), 1 / 9" in ours and "np.full((3, 3), 1 / 9" in theirs  # the same blur


def test_the_receptive_field_facts_the_prose_types_are_computed():
    convnet = models.mnist_convnet()
    prose = prose_of(LESSON)
    conv2 = ops.receptive_field(interpret.conv_pool_stack(convnet, "conv2"))
    conv3 = ops.receptive_field(interpret.conv_pool_stack(convnet, "conv3"))
    assert conv2 == (8, 2) and "8×8" in prose
    assert conv3 == (18, 4) and "18×18" in prose and "4 apart" in prose
    side = convnet.get_layer("conv3").output.shape[1]
    assert side == 3 and "only 3×3 units" in prose
    assert (side - 1) * conv3[1] + conv3[0] == 26 and "rows 26 and\n27" in prose  # the last field ends at row 25
    pool2 = ops.receptive_field(interpret.conv_pool_stack(convnet, "pool2"))
    assert (4 * pool2[1], 4 * pool2[1], pool2[0]) == (16, 16, 10)  # exercise 1's answer, as solution 1 works it


@pytest.mark.training
def test_the_untrained_control_is_the_network_training_starts_from():
    """The lesson seeds and builds ``untrained`` as train_and_evaluate does; with a learning rate of 0,
    training leaves exactly those weights."""
    from helpers.training import train_and_evaluate

    keras = models.keras
    keras.utils.set_random_seed(5)
    untrained = models.mnist_convnet()
    rng = np.random.default_rng(0)
    data = ((rng.random((32, 28, 28, 1), dtype=np.float32), np.eye(10, dtype=np.float32)[rng.integers(0, 10, 32)]),) * 2
    trained, _ = train_and_evaluate(
        models.mnist_convnet, data, epochs=1, batch_size=16, seed=5, optimizer=keras.optimizers.SGD(learning_rate=0.0)
    )
    for a, b in zip(untrained.get_weights(), trained.get_weights()):
        assert np.array_equal(a, b)


# --- the lesson's figures ------------------------------------------------------------


def _images_of(ax):
    return [image for image in ax.get_images()]


def test_where_it_looks_centres_signed_columns_at_zero_and_starts_others_at_zero():
    rng = np.random.default_rng(1)
    digits = rng.random((2, 28, 28))
    signed = rng.standard_normal((2, 28, 28)) * 3
    positive = rng.random((2, 28, 28))
    positive[:, 26:, :] = np.nan
    fig = plots.where_it_looks(digits, {"signed": signed, "positive": positive}, ["a", "b"])
    bars = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert len(bars) == 2  # one colour bar per map column
    panels = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    grid = np.array(panels).reshape(2, 3)
    for row in grid:
        (signed_image,) = _images_of(row[1])
        low, high = signed_image.get_clim()
        assert low == -high == -np.abs(signed).max() and signed_image.get_cmap().name.startswith(SIGNED_CMAP)
        (positive_image,) = _images_of(row[2])
        assert positive_image.get_clim() == (0.0, np.nanmax(positive))  # one scale down the column, from 0
        assert row[1].collections, "the digit's outline is drawn on every map"


def test_filter_matches_groups_by_kernel_and_greys_out_the_unmatched():
    filters = np.zeros((3, 3, 3))
    filters[..., 0] = [[-1, 0, 1]] * 3  # a vertical edge
    filters[..., 1] = np.ones((3, 3))  # a blur
    filters[..., 2] = [[1, 0, 0], [0, 0, 0], [0, 0, 0]]  # nothing much
    references = np.stack([np.array([[-1, 0, 1]] * 3), np.ones((3, 3)) / 9], axis=-1)
    a, b = filters.reshape(9, -1), references.reshape(9, -1)
    similarity = (a / np.linalg.norm(a, axis=0)).T @ (b / np.linalg.norm(b, axis=0))
    fig = plots.filter_matches(filters, references, ["vertical", "blur"], similarity, threshold=0.8)
    titles = [(ax.get_title(), ax.title.get_color()) for ax in fig.axes if ax.get_title().startswith("filter")]
    assert [t for t, _ in titles] == [
        "filter 0\nvertical +1.000",
        "filter 1\nblur +1.000",
        "filter 2\n(vertical -0.408)",
    ]
    assert [c for _, c in titles] == ["black", "black", "0.45"]


def test_channel_patterns_frames_the_ascent_column():
    fig = plots.channel_patterns(
        np.zeros((2, 3, 8, 8)),
        np.ones((2, 8, 8)),
        [5, 9],
        values=np.ones((2, 3)),
        pattern_values=np.full(2, 2.0),
        layer="conv2",
    )
    panels = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    assert [ax.get_title() for ax in panels[:4]] == ["#1: 1.0", "#2: 1.0", "#3: 1.0", "ascent: 2.0"]
    assert panels[0].get_ylabel() == "channel 5" and panels[4].get_ylabel() == "channel 9"
    assert all(
        isinstance(image.norm, Normalize) and image.get_clim() == (0, 1) for ax in panels for image in _images_of(ax)
    )
