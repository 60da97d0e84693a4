"""helpers.plots: every figure is a fresh Figure with a title and labelled axes."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers import plots, verdicts

RNG = np.random.default_rng(0)


def _titled_and_labelled(fig):
    assert isinstance(fig, Figure)
    titles = [fig.get_suptitle()] + [ax.get_title() for ax in fig.axes]
    assert any(titles), "the figure has no title"
    labelled = [ax for ax in fig.axes if ax.get_xlabel() and ax.get_ylabel()]
    assert labelled or (fig.get_supxlabel() and fig.get_supylabel()), "no axes carry both an x and a y label"


FIGURES = {
    "image_grid": lambda: plots.image_grid(RNG.random((10, 28, 28)), labels=list(range(10)), cols=5),
    "kernel_grid": lambda: plots.kernel_grid(RNG.standard_normal((3, 3, 1, 8))),
    "feature_maps": lambda: plots.feature_maps(RNG.random((26, 26, 6))),
    "training_curves": lambda: plots.training_curves({"max": {"loss": [1, 0.5], "accuracy": [0.5, 0.9]}}),
    "grouped_bars": lambda: plots.grouped_bars(
        ["max", "avg"], ["train", "test"], [[0.9, 0.8], [0.85, 0.8]], [[0.01, 0.02], [0.0, 0.01]]
    ),
    "confusion_matrix": lambda: plots.confusion_matrix(RNG.integers(0, 100, (10, 10))),
    "layer_activations": lambda: plots.layer_activations(
        RNG.random((28, 28)), {"conv1": RNG.random((26, 26, 4)), "pool1": RNG.random((13, 13, 4))}
    ),
    "shift_robustness": lambda: plots.shift_robustness(
        [0, 1, 2],
        {"dense": [0.9, 0.8, 0.5], "convnet": [0.99, 0.95, 0.9]},
        {"dense": [0.01] * 3, "convnet": [0.01] * 3},
        [0, 0.05, 0.3],
        [0, 0.01, 0.02],
        "dense drop - convnet drop",
    ),
    "line_plot": lambda: plots.line_plot([0, 1, 2], {"dense": [1, 0.5, 0.2]}, "shift (px)", "accuracy", "Shift"),
}


# --- lesson 05 ---
FIGURES.update(
    {
        "accuracy_vs_shift": lambda: plots.accuracy_vs_shift(
            [0, 1, 2], {"max": [[0.99, 0.97, 0.9], [0.98, 0.96, 0.88]], "none": [[0.99, 0.95, 0.8]]}
        ),
        "receptive_fields": lambda: plots.receptive_fields(
            RNG.random((28, 28)), {"max": (5, 5, 18), "none": (11, 11, 7)}
        ),
        "paired_differences": lambda: plots.paired_differences(
            [
                verdicts.decide("(a) max - avg", "clean accuracy (pp)", [0.5, 1.0, 0.2]),
                verdicts.decide("(d) big - small", "test loss", [-0.1, -0.2, -0.15]),
            ]
        ),
    }
)

# --- lesson 01 ---
FIGURES.update(
    {
        "conv_arithmetic": lambda: plots.conv_arithmetic(
            RNG.integers(0, 4, (4, 4, 2)), RNG.integers(-2, 3, (3, 3, 2)), 1, 0
        ),
        "signed_maps": lambda: plots.signed_maps(RNG.standard_normal((26, 26, 3)), names=["a", "b", "c"]),
        "shift_equivariance": lambda: plots.shift_equivariance(
            RNG.standard_normal((12, 12)), RNG.standard_normal((12, 12)), (2, -1)
        ),
        "kernel_recovery": lambda: plots.kernel_recovery(
            [1.0, 0.1, 0.01], RNG.standard_normal((3, 3)), RNG.standard_normal((3, 3))
        ),
        "composed_kernel": lambda: plots.composed_kernel(
            [RNG.standard_normal((3, 3))] * 2, RNG.standard_normal((5, 5)), ["a", "b", "c"]
        ),
    }
)


# --- lesson 03 ---
FIGURES.update(
    {
        "pooling_windows": lambda: plots.pooling_windows(
            RNG.random((6, 6)), RNG.random((3, 3)), image=RNG.random((8, 8))
        ),
        "compare_maps": lambda: plots.compare_maps(
            [(RNG.random((4, 4)), "a"), (RNG.random((2, 2)), "b")], "t", annotate=True
        ),
        "shift_change_bars": lambda: plots.shift_change_bars(
            {"none": [0.9, 0.95], "max": [0.7, 0.8]}, {"none": [0.5, 0.6], "max": [0.4, 0.4]}, "t"
        ),
        "shift_status": lambda: plots.shift_status(
            [("conv", RNG.random((6, 6)), RNG.random((6, 6))), ("pooled", RNG.random((3, 3)), RNG.random((3, 3)))], "t"
        ),
    }
)

# --- lesson 02 ---
FIGURES.update(
    {
        "window_positions": lambda: plots.window_positions(5, {"'valid'": (3, (0, 0)), "'same'": (4, (1, 2))}),
        "window_counts": lambda: plots.window_counts(
            {"'valid'": RNG.integers(1, 10, (8, 8)), "'same'": RNG.integers(4, 10, (28, 28))}
        ),
        "strided_walk": lambda: plots.strided_walk(RNG.random((28, 28)), 3, [1, 2, 4]),
        "stride_shrink": lambda: plots.stride_shrink(
            [1, 2], {"valid": [26, 13], "same": [28, 14]}, {"valid": [0, 55], "same": [0, 0]}, n=28
        ),
        "dilated_taps": lambda: plots.dilated_taps(3, [1, 2, 3]),
        "window_walk": lambda: plots.window_walk(8, 3, padding="same", stride=2, dilation=1),
        "reach_maps": lambda: plots.reach_maps(RNG.integers(0, 2, (3, 15, 15)), ["1", "2", "3"]),
        "padded_arithmetic": lambda: plots.padded_arithmetic(
            RNG.integers(0, 4, (4, 4)), RNG.integers(-2, 3, (3, 3)), 1, 0, 3
        ),
        "stride_shift_maps": lambda: plots.stride_shift_maps(
            RNG.standard_normal((26, 26)), RNG.standard_normal((13, 13)), RNG.standard_normal((13, 13))
        ),
    }
)

# --- lesson 06 ---
FIGURES.update(
    {
        "filter_matches": lambda: plots.filter_matches(
            RNG.standard_normal((3, 3, 10)), RNG.standard_normal((3, 3, 2)), ["a", "b"], RNG.uniform(-1, 1, (10, 2))
        ),
        "channel_patterns": lambda: plots.channel_patterns(
            RNG.random((2, 3, 8, 8)),
            RNG.random((2, 8, 8)),
            [4, 7],
            values=RNG.random((2, 3)),
            pattern_values=RNG.random(2),
        ),
        "where_it_looks": lambda: plots.where_it_looks(
            RNG.random((2, 28, 28)),
            {"signed": RNG.standard_normal((2, 28, 28)), "positive": RNG.random((2, 28, 28))},
            ["x", "y"],
        ),
    }
)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_figure_has_title_and_labels_and_no_global_state(name):
    before = plt.get_fignums()
    fig = FIGURES[name]()
    _titled_and_labelled(fig)
    assert plt.get_fignums() == before, "plots must not create pyplot figures"
    fig.savefig(__import__("io").BytesIO(), format="png")  # renders without error


def test_every_public_plot_is_tested():
    public = {
        n
        for n, f in vars(plots).items()
        if callable(f) and not n.startswith("_") and f.__module__.startswith(plots.__name__ + ".")
    }
    animations = {n for n in public if n.endswith("_animation")}  # HTML, not figures: tests/test_animations.py
    assert public - {"model_style"} - animations == set(FIGURES)  # model_style returns a style, not a figure


@pytest.mark.parametrize(
    "call, words",
    [
        (
            lambda: plots.image_grid(np.zeros((28, 28))),
            "images must be a numeric (or bool) array of shape (N, H, W) or (N, H, W, 1), got shape (28, 28)",
        ),
        (
            lambda: plots.kernel_grid(np.zeros((3, 3, 8))),
            "kernel must be a numeric (or bool) array of shape (kh, kw, c_in, c_out), got shape (3, 3, 8)",
        ),
        (
            lambda: plots.feature_maps(np.zeros((1, 26, 26, 6))),
            "maps must be a numeric (or bool) array of shape (H, W, C), got shape (1, 26, 26, 6)",
        ),
        (lambda: plots.grouped_bars(["a"], ["x", "y"], [1, 2]), "means must be"),
    ],
)
def test_bad_input(call, words):
    with pytest.raises(ValueError) as info:
        call()
    assert words in str(info.value)


# --- lesson 01 ---
def _colourbars(fig):
    return [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]


def _panels(fig):
    return [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]


def _numbers(ax):
    """The numbers written in an axes' cells, as a 2D array (row-major by position)."""
    cells = {(round(t.get_position()[1]), round(t.get_position()[0])): float(t.get_text()) for t in ax.texts}
    rows, cols = max(r for r, _ in cells) + 1, max(c for _, c in cells) + 1
    return np.array([[cells[r, c] for c in range(cols)] for r in range(rows)])


def _correlate(image, kernel):
    """'valid' cross-correlation of 2D arrays, written out, independent of helpers.ops."""
    kh, kw = kernel.shape
    return np.array(
        [
            [np.sum(image[r : r + kh, c : c + kw] * kernel) for c in range(image.shape[1] - kw + 1)]
            for r in range(image.shape[0] - kh + 1)
        ]
    )


def test_conv_arithmetic_one_channel_writes_input_kernel_and_output():
    image, kernel = RNG.integers(0, 4, (4, 4)), RNG.integers(-2, 3, (3, 3))
    fig = plots.conv_arithmetic(image, kernel, 0, 1)
    input_ax, kernel_ax, output_ax = fig.axes
    assert [ax.get_title() for ax in fig.axes] == ["input", "kernel", "output"]
    assert np.array_equal(_numbers(input_ax), image) and np.array_equal(_numbers(kernel_ax), kernel)
    assert np.array_equal(_numbers(output_ax), _correlate(image, kernel))
    assert fig.get_suptitle().endswith(f"= {_correlate(image, kernel)[0, 1]:g}")
    assert input_ax.get_xlabel() == "column" and input_ax.get_ylabel() == "row"
    outline = [p for p in input_ax.patches if p.get_edgecolor()[:3] == (1.0, 0.0, 0.0)]
    assert [(p.get_xy(), p.get_width(), p.get_height()) for p in outline] == [((0.5, -0.5), 3, 3)]


def test_conv_arithmetic_channels_are_correlated_then_added():
    image, kernel = RNG.integers(0, 4, (5, 4, 2)), RNG.integers(-2, 3, (3, 3, 2))
    fig = plots.conv_arithmetic(image, kernel, 2, 1)
    assert len(fig.axes) == 7  # 2 rows x 3 panels + the sum
    assert fig.axes[-1].get_title() == "output =\nsum over channels"
    partial = [_correlate(image[..., c], kernel[..., c]) for c in range(2)]
    assert np.array_equal(_numbers(fig.axes[2]), partial[0])
    assert np.array_equal(_numbers(fig.axes[5]), partial[1])
    assert np.array_equal(_numbers(fig.axes[-1]), partial[0] + partial[1])
    assert fig.get_suptitle().endswith(f"= {(partial[0] + partial[1])[2, 1]:g}")


def test_signed_maps_are_zero_centred_with_a_colour_bar_each_or_one_shared():
    maps = np.stack([np.full((6, 6), 2.0), np.linspace(-1, 0.5, 36).reshape(6, 6)], axis=-1)
    own = plots.signed_maps(maps, names=["two", "ramp"])
    limits = [ax.images[0].get_clim() for ax in _panels(own) if ax.images]
    assert limits == [(-2.0, 2.0), (-1.0, 1.0)]  # symmetric about 0, per panel
    assert len(_colourbars(own)) == 2
    assert all(ax.images[0].get_cmap().name == plots.SIGNED_CMAP for ax in _panels(own) if ax.images)
    assert [ax.get_title() for ax in _panels(own)][:2] == ["two", "ramp"]
    shared = plots.signed_maps(maps, shared_scale=True)
    assert [ax.images[0].get_clim() for ax in _panels(shared) if ax.images] == [(-2.0, 2.0)] * 2
    assert len(_colourbars(shared)) == 1


def test_shift_equivariance_marks_the_move_and_shows_a_zero_difference():
    before = np.zeros((10, 10))
    before[3, 4] = 5.0
    before[9, 9] = 9.0  # stronger, but shifted off the map: not the one marked
    after = np.zeros((10, 10))
    after[5, 3] = 5.0  # the 5 moved by (2, -1); the 9 fell off the edge
    fig = plots.shift_equivariance(before, after, (2, -1))
    left, middle, right = _panels(fig)
    assert np.array_equal(right.images[0].get_array(), np.zeros((10, 10)))
    assert (left.lines[0].get_xdata()[0], left.lines[0].get_ydata()[0]) == (4, 3)
    assert (middle.lines[-1].get_xdata()[0], middle.lines[-1].get_ydata()[0]) == (3, 5)
    assert len(middle.texts) == 1  # the arrow
    assert left.images[0].get_clim() == middle.images[0].get_clim() == right.images[0].get_clim() == (-9.0, 9.0)
    assert right.get_title().endswith("largest |difference| 0")  # all zero: drawn on the responses' scale
    assert len(_colourbars(fig)) == 2  # the responses' and the difference's
    assert middle.get_xlim() == (-0.5, 9.5)  # the markers do not stretch the axes


def test_shift_equivariance_draws_a_small_difference_on_its_own_zero_centred_scale():
    before = np.zeros((6, 6))
    before[2, 2] = 4.0
    after = np.zeros((6, 6))
    after[3, 3] = 4.0
    after[0, 0] = -0.01  # a small difference outside the interior
    fig = plots.shift_equivariance(before, after, (1, 1))
    left, middle, right = _panels(fig)
    assert left.images[0].get_clim() == middle.images[0].get_clim() == (-4.0, 4.0)
    assert right.images[0].get_clim() == (-0.01, 0.01) and right.images[0].get_cmap().name == plots.SIGNED_CMAP
    assert right.get_title().endswith("largest |difference| 0.01")


def test_kernel_recovery_shows_loss_on_a_log_scale_both_kernels_and_their_difference():
    true = np.array([[-1.0, 0.0, 1.0]] * 3)
    fig = plots.kernel_recovery([4.0, 1.0, 0.25], true - 0.001, true)
    loss_ax, true_ax, learned_ax, error_ax = _panels(fig)
    assert loss_ax.get_yscale() == "log" and list(loss_ax.lines[0].get_ydata()) == [4.0, 1.0, 0.25]
    assert np.array_equal(_numbers(true_ax), true)
    assert np.allclose(_numbers(learned_ax), true, atol=0.005)
    assert not any(t.get_text().startswith("-0.00") for t in learned_ax.texts)
    assert learned_ax.get_title() == "learned after 3 steps"
    assert true_ax.images[0].get_clim() == learned_ax.images[0].get_clim()
    assert np.allclose(error_ax.images[0].get_array(), -0.001) and np.allclose(
        error_ax.images[0].get_clim(), (-0.001, 0.001)
    )
    assert error_ax.images[0].get_cmap().name == plots.SIGNED_CMAP and error_ax.get_title().endswith(
        "largest |error| 1.0e-03"
    )
    assert len(_colourbars(fig)) == 2  # the kernels' and the error's


def _cell_size(ax, fig):
    """Width and height of one array cell of an image panel, in pixels."""
    fig.draw_without_rendering()  # lays the figure out: constrained layout, equal aspect
    box = ax.get_window_extent()
    rows, cols = ax.images[0].get_array().shape
    return box.width / cols, box.height / rows


def test_conv_arithmetic_draws_the_kernel_at_the_input_s_cell_size():
    fig = plots.conv_arithmetic(RNG.integers(0, 4, (4, 4)), RNG.integers(-2, 3, (3, 3)), 0, 1)
    sizes = np.array([_cell_size(ax, fig) for ax in fig.axes])
    assert np.allclose(sizes, sizes[0], rtol=0.03), sizes


def test_composed_kernel_numbers_cells_and_one_zero_centred_scale():
    a, b = np.array([[-1.0, 0.0, 1.0]] * 3), np.full((3, 3), 0.25)
    fig = plots.composed_kernel([a, b], np.ones((5, 5)), ["edge", "blur", "one 5x5"], title="t")
    panels = _panels(fig)
    assert [ax.get_title() for ax in panels] == ["edge", "blur", "one 5x5"] and fig.get_suptitle() == "t"
    assert np.array_equal(_numbers(panels[0]), a) and np.allclose(_numbers(panels[1]), b, atol=0.005)
    assert {ax.images[0].get_clim() for ax in panels} == {(-1.0, 1.0)}
    assert all(ax.images[0].get_cmap().name == plots.SIGNED_CMAP for ax in panels)
    assert len(_colourbars(fig)) == 1
    sizes = np.array([_cell_size(ax, fig) for ax in panels])
    assert np.allclose(sizes, sizes[0], rtol=0.03), sizes


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: plots.conv_arithmetic(np.zeros((11, 11)), np.zeros((3, 3))), ValueError, "at most 10x10"),
        (
            lambda: plots.conv_arithmetic(np.zeros((4, 4, 2)), np.zeros((3, 3))),
            ValueError,
            "kernel must have image's 2 channels, got (3, 3, 1)",
        ),
        (
            lambda: plots.conv_arithmetic(np.zeros((4, 4)), np.zeros((3, 3)), 2, 0),
            ValueError,
            "row must be an int in 0..1, got 2",
        ),
        (
            lambda: plots.conv_arithmetic(np.zeros((4, 4)), np.zeros((3, 3)), -1, 0),
            ValueError,
            "row must be an int in 0..1, got -1",
        ),
        (
            lambda: plots.conv_arithmetic(np.zeros(4), np.zeros((3, 3))),
            ValueError,
            "image must be a numeric (or bool) array of shape (H, W) or (H, W, C)",
        ),
        (
            lambda: plots.signed_maps(np.zeros((1, 6, 6, 2))),
            ValueError,
            "maps must be a numeric (or bool) array of shape (H, W, C), got shape (1, 6, 6, 2)",
        ),
        (lambda: plots.signed_maps(None), TypeError, "maps must be a numeric (or bool) array"),
        (
            lambda: plots.signed_maps(np.zeros((6, 6, 2)), names=["a"]),
            ValueError,
            "names must be a list of 2 captions, one per channel, got 1",
        ),
        (
            lambda: plots.shift_equivariance(np.zeros((6, 6)), np.zeros((6, 5)), (1, 1)),
            ValueError,
            "after must be a numeric (or bool) array of shape (H, W) with W = 6, got shape (6, 5)",
        ),
        (
            lambda: plots.shift_equivariance(np.zeros((6, 6)), np.zeros((6, 6)), (1.5, 1)),
            TypeError,
            "shift entry must be an int, got 1.5",
        ),
        (
            lambda: plots.kernel_recovery([], np.zeros((3, 3)), np.zeros((3, 3))),
            ValueError,
            "losses must have steps >= 1, got shape (0,)",
        ),
        (
            lambda: plots.kernel_recovery([1.0], np.zeros((3, 3)), np.zeros((3, 2))),
            ValueError,
            "true must be a numeric array of shape (kh, kw) with kw = 3, got shape (3, 2)",
        ),
        (lambda: plots.composed_kernel([], np.zeros((3, 3)), ["a"]), TypeError, "kernels must be a non-empty list"),
        (lambda: plots.composed_kernel([np.zeros(3)], np.zeros((3, 3)), ["a", "b"]), ValueError, "kernels[0] must be"),
        (lambda: plots.composed_kernel([np.zeros((3, 3))], None, ["a", "b"]), TypeError, "composed must be"),
        (
            lambda: plots.composed_kernel([np.zeros((3, 3))], np.zeros((3, 3)), ["a"]),
            ValueError,
            "names must be a list of 2 captions, one per kernel and one for composed, got 1",
        ),
        (
            lambda: plots.composed_kernel([np.zeros((3, 3))], np.zeros((11, 11)), ["a", "b"]),
            ValueError,
            "at most 10x10",
        ),
    ],
)
def test_lesson_01_figures_refuse_bad_input(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)


# --- lesson 05 ---
def test_accuracy_vs_shift_draws_mean_and_sd_over_seeds():
    fig = plots.accuracy_vs_shift([0, 4], {"max": [[1.0, 0.5], [0.8, 0.3]], "none": [[0.9, 0.2]]})
    ax = fig.axes[0]
    bars = ax.containers  # one errorbar container per model: (line, caps, bars)
    assert [c.get_label() for c in bars] == ["max (2 seeds)", "none (1 seed)"]
    assert np.allclose(bars[0].lines[0].get_ydata(), [0.9, 0.4]) and np.allclose(
        bars[1].lines[0].get_ydata(), [0.9, 0.2]
    )
    assert len(bars[0].lines[2]) == 1 and bars[1].lines[2] == ()  # error bars only over 2+ seeds
    segments = bars[0].lines[2][0].get_segments()  # at shift 0: 0.9 -+ sd(1.0, 0.8)
    assert np.allclose(
        [segments[0][0][1], segments[0][1][1]], [0.9 - np.std([1, 0.8], ddof=1), 0.9 + np.std([1, 0.8], ddof=1)]
    )
    with pytest.raises(
        ValueError, match=r"accuracies\['max'\] must be a numeric array of shape \(D,\) or \(seeds, D\) with D = 2"
    ):
        plots.accuracy_vs_shift([0, 4], {"max": [[1.0, 0.5, 0.2]]})


def test_paired_differences_draws_each_seed_on_its_claims_row_one_panel_per_metric():
    found = [
        verdicts.decide("(a) max - avg", "clean accuracy (pp)", [0.5, 1.0, 0.2]),
        verdicts.decide("(b) max - avg", "clean accuracy (pp)", [-1.0, 2.0, 0.0]),
        verdicts.decide("(d) big - small", "test loss", [-0.1, -0.2, -0.15]),
    ]
    found.insert(1, verdicts.decide("(a) max - none", "clean accuracy (pp)", [0.1, 0.2, 0.3]))
    fig = plots.paired_differences(found)
    pp_axes, b_axes, loss_axes = fig.axes  # one panel per claim label and metric
    assert [t.get_text() for t in pp_axes.get_yticklabels()] == ["(a) max - avg", "(a) max - none"]
    assert [t.get_text() for t in b_axes.get_yticklabels()] == ["(b) max - avg"]
    points = [c.get_offsets() for c in pp_axes.collections if len(c.get_offsets()) == 3]
    assert np.allclose(points[0], [[0.5, 0], [1.0, 0], [0.2, 0]]) and np.allclose(points[1][:, 1], 1)
    assert [t.get_text() for t in loss_axes.texts] == ["contradicted"]  # all 3 seeds against the claim, p < 0.05
    assert pp_axes.get_xlim()[0] == -pp_axes.get_xlim()[1]  # zero in the middle
    with pytest.raises(TypeError, match="verdicts must be a non-empty list"):
        plots.paired_differences([])


def test_receptive_fields_draws_each_square():
    fig = plots.receptive_fields(np.zeros((28, 28)), {"a": (5, 6, 18), "b": (11, 11, 7)})
    squares = fig.axes[0].patches
    assert [(p.get_x(), p.get_y(), p.get_width()) for p in squares] == [(5.5, 4.5, 18), (10.5, 10.5, 7)]
    with pytest.raises(
        ValueError, match=r"image must be a numeric \(or bool\) array of shape \(H, W\), got shape \(2, 28, 28\)"
    ):
        plots.receptive_fields(np.zeros((2, 28, 28)), {})


# --- lesson 04 ---
def test_training_curves_train_solid_test_dashed_and_integer_epochs():
    history = {
        "loss": [0.3, 0.2, 0.1],
        "accuracy": [0.9, 0.95, 0.97],
        "val_loss": [0.3, 0.25, 0.2],
        "val_accuracy": [0.9, 0.93, 0.94],
    }
    curves = plots.training_curves({"dense": history, "convnet": history})
    for ax in curves.axes:
        lines = {line.get_label(): line for line in ax.get_lines()}
        assert set(lines) == {"dense train", "dense test", "convnet train", "convnet test"}
        assert lines["dense train"].get_linestyle() == "-" and lines["dense test"].get_linestyle() == "--"
        ticks = [t for t in ax.get_xticks() if 1 <= t <= 3]
        assert ticks and all(float(t).is_integer() for t in ticks), ticks


def test_line_plot_whole_x_gets_whole_ticks():
    fig = plots.line_plot([0, 1, 2, 3, 4], {"dense": [0.9, 0.8, 0.6, 0.4, 0.3]}, "shift (px)", "accuracy", "Shift")
    low, high = fig.axes[0].get_xlim()
    assert [t for t in fig.axes[0].get_xticks() if low <= t <= high] == [0, 1, 2, 3, 4]


def test_training_curves_one_epoch_has_one_whole_tick():
    fig = plots.training_curves({"convnet": {"loss": [0.3], "accuracy": [0.9]}})
    low, high = fig.axes[0].get_xlim()
    assert [t for t in fig.axes[0].get_xticks() if low <= t <= high] == [1.0]


# --- lesson 03 ---
def _lesson03_panels(fig):
    return [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]


def _frames(ax):
    return [p for p in ax.patches if not p.get_fill() and not p.get_hatch()]


def test_pooling_windows_frames_each_window_and_its_output_in_one_colour():
    feature_map = np.array([[1, 3, 2, 1], [4, 6, 5, 0], [3, 1, 1, 2], [0, 2, 4, 3]], dtype=float)
    pooled = np.array([[6, 5], [3, 4]], dtype=float)
    fig = plots.pooling_windows(feature_map, pooled)
    map_ax, pooled_ax = _lesson03_panels(fig)
    map_frames, pooled_frames = _frames(map_ax), _frames(pooled_ax)
    assert len(map_frames) == len(pooled_frames) == 4
    assert [f.get_edgecolor() for f in map_frames] == [f.get_edgecolor() for f in pooled_frames]
    assert len({f.get_edgecolor() for f in map_frames}) == 4  # four different colours
    assert [round(f.get_x() + f.get_width() / 2) for f in pooled_frames] == [0, 1, 0, 1]
    assert map_ax.images[0].get_clim() == pooled_ax.images[0].get_clim() == (0.0, 6.0)
    bold = sorted(t.get_text() for t in map_ax.texts if t.get_fontweight() == "bold")
    assert bold == ["3", "4", "5", "6"]  # each window's maximum
    assert sorted(t.get_text() for t in pooled_ax.texts) == ["3", "4", "5", "6"]
    assert not [p for p in map_ax.patches if p.get_hatch()]  # 4 is even: nothing dropped


def test_pooling_windows_hatches_what_the_floor_drops_and_draws_big_maps_plainly():
    fig = plots.pooling_windows(RNG.random((11, 11)), RNG.random((5, 5)), image=RNG.random((13, 13)))
    image_ax, map_ax, _pooled_ax = _lesson03_panels(fig)
    hatched = [p for p in map_ax.patches if p.get_hatch()]
    assert sorted((p.get_width(), p.get_height()) for p in hatched) == [(1, 11), (11, 1)]  # row 10, column 10
    assert len(_frames(map_ax)) == 25 and not map_ax.texts  # 11 > 8: no numbers written
    assert image_ax.get_title() == "input 13x13"
    with pytest.raises(ValueError, match=r"pooled must be \(H//pool, W//pool\) = \(5, 5\), got \(6, 6\)"):
        plots.pooling_windows(RNG.random((11, 11)), RNG.random((6, 6)))
    with pytest.raises(ValueError, match=r"feature_map must be an array of shape \(H, W\), got shape \(11, 11, 3\)"):
        plots.pooling_windows(RNG.random((11, 11, 3)), RNG.random((5, 5)))


def test_compare_maps_shares_one_colour_scale_and_bar():
    fig = plots.compare_maps([(np.full((4, 4), 2.0), "a"), (np.array([[-1.0, 0.5], [0, 9]]), "b")], "t", annotate=True)
    panels = _lesson03_panels(fig)
    assert [ax.get_title() for ax in panels] == ["a", "b"] and fig.get_suptitle() == "t"
    assert [ax.images[0].get_clim() for ax in panels] == [(-1.0, 9.0)] * 2
    assert len(fig.axes) - len(panels) == 1  # one colour bar
    assert sorted(t.get_text() for t in panels[1].texts) == ["-1", "0", "0.5", "9"]
    assert not plots.compare_maps([(np.zeros((3, 3)), "a")], "t").axes[0].texts
    with pytest.raises(TypeError, match="panels must be a non-empty list"):
        plots.compare_maps([], "t")
    with pytest.raises(ValueError, match=r"panels\[1\] values must be an array of shape \(H, W\)"):
        plots.compare_maps([(np.zeros((3, 3)), "a"), (np.zeros((3, 3, 2)), "b")], "t")


def test_compare_maps_draws_the_difference_on_a_zero_centred_diverging_scale_with_its_own_bar():
    a, b = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 2.5], [3.0, 3.0]])
    fig = plots.compare_maps([(a, "a"), (b, "b")], "t", annotate=True, difference=(a - b, "a - b"))
    panels = _lesson03_panels(fig)
    assert [ax.get_title() for ax in panels] == ["a", "b", "a - b"]
    assert len(fig.axes) - len(panels) == 2  # the maps' bar and the difference's
    difference = panels[2].images[0]
    assert difference.get_cmap().name == plots.SIGNED_CMAP and difference.get_clim() == (-1.0, 1.0)
    assert sorted(t.get_text() for t in panels[2].texts) == ["-0.5", "0", "0", "1"]  # never "-0"
    zero = plots.compare_maps([(a, "a")], "t", difference=(a - a, "a - a"))  # all 0: the maps' scale, still centred
    assert _lesson03_panels(zero)[1].images[0].get_clim() == (-4.0, 4.0)
    with pytest.raises(TypeError, match=r"difference\[0\] must be a \(values, subtitle\) pair, got an array"):
        plots.compare_maps([(a, "a")], "t", difference=a)


def test_compare_maps_draws_several_differences_on_one_zero_centred_scale_and_one_bar():
    a, b, c = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 2.5], [3.0, 3.0]]), np.zeros((2, 2))
    fig = plots.compare_maps([(a, "a"), (b, "b"), (c, "c")], "t", difference=[(a - b, "a - b"), (a - c, "a - c")])
    panels = _lesson03_panels(fig)
    assert [ax.get_title() for ax in panels] == ["a", "b", "c", "a - b", "a - c"]
    assert len(fig.axes) - len(panels) == 2  # the maps' bar and one for both differences
    assert [ax.images[0].get_clim() for ax in panels[3:]] == [(-4.0, 4.0)] * 2  # one scale: +-the largest |difference|
    assert {ax.images[0].get_cmap().name for ax in panels[3:]} == {plots.SIGNED_CMAP}
    with pytest.raises(TypeError, match=r"difference\[1\] must be a \(values, subtitle\) pair, got an array"):
        plots.compare_maps([(a, "a")], "t", difference=[(a - b, "a - b"), a])
    with pytest.raises(TypeError, match="non-empty list"):
        plots.compare_maps([(a, "a")], "t", difference=[])
    with pytest.raises(ValueError, match=r"difference\[0\] values must be an array of shape \(H, W\)"):
        plots.compare_maps([(a, "a")], "t", difference=[(np.zeros((2, 2, 2)), "x")])


def test_pooling_windows_ticks_sit_on_the_window_grid():
    """A big map's ticks are window starts (multiples of the pool), its pooled map's the matching cells."""
    fig = plots.pooling_windows(RNG.random((26, 26)), RNG.random((13, 13)))
    map_ax, pooled_ax = _lesson03_panels(fig)
    assert list(map_ax.get_xticks()) == list(range(0, 26, 4)) and list(map_ax.get_yticks()) == list(range(0, 26, 4))
    assert list(pooled_ax.get_xticks()) == list(range(0, 13, 2))


def test_shift_change_bars_gives_each_measure_its_own_axis():
    fig = plots.shift_change_bars({"none": [0.9, 1.0], "max": [0.7, 0.8]}, {"none": [0.5, 0.7], "max": [0.2, 0.4]}, "t")
    share_ax, relative_ax = fig.axes
    assert share_ax.get_ylabel() != relative_ax.get_ylabel()
    assert [round(b.get_height(), 6) for b in share_ax.patches] == [0.95, 0.75]
    assert [round(b.get_height(), 6) for b in relative_ax.patches] == [0.6, 0.3]
    assert [len(line.get_ydata()) for line in share_ax.lines] == [2, 2]  # one line per run, a dot per stage
    assert [line.get_ydata().tolist() for line in share_ax.lines] == [[0.9, 0.7], [1.0, 0.8]]  # run 0, run 1
    assert share_ax.get_ylim() == (0, 1.05)
    assert [t.get_text() for t in share_ax.get_xticklabels()] == ["none", "max"]
    with pytest.raises(ValueError, match="same stages"):
        plots.shift_change_bars({"none": [1]}, {"max": [1]}, "t")
    with pytest.raises(ValueError, match="same runs"):
        plots.shift_change_bars({"none": [1, 2], "max": [1]}, {"none": [1, 2], "max": [1, 2]}, "t")
    three = plots.shift_change_bars(
        {"a": [1, 2], "b": [3, 4], "c": [5, 6]}, {"a": [1, 2], "b": [3, 4], "c": [5, 6]}, "t"
    )
    assert [line.get_ydata().tolist() for line in three.axes[0].lines] == [[1, 3, 5], [2, 4, 6]]  # joined across stages


def test_shift_status_counts_changed_and_active_units():
    before = np.array([[0.0, 1.0], [2.0, 0.0]])
    after = np.array([[0.0, 1.0], [3.0, 0.5]])  # one changed, one newly active
    fig = plots.shift_status([("map", before, after)], "t")
    status_ax = _lesson03_panels(fig)[2]
    assert status_ax.get_title() == "changed: 2 of 3 active units"
    assert status_ax.images[0].get_array().tolist() == [[0, 1], [2, 2]]
    with pytest.raises(ValueError, match=r"map after must be an array of shape \(H, W\) with H = 2"):
        plots.shift_status([("map", before, after[:1])], "t")


# --- lesson 02 ---
from matplotlib.colors import to_hex  # noqa: E402  (lesson 02 compares colours)


def _texts(ax):
    """``{text: (x, y, colour)}`` of the text artists drawn in ``ax``."""
    return {t.get_text(): (*t.get_position(), to_hex(t.get_color())) for t in ax.texts}


def test_window_positions_numbers_each_window_at_its_centre_in_its_padding_colour():
    fig = plots.window_positions(5, {"'valid'": (3, (0, 0)), "'same'": (3, (1, 1)), "'same' even": (4, (1, 2))})
    valid_in, valid_out, same_in, same_out, even_in, _ = fig.axes
    assert set(_texts(valid_in)) == set(_texts(valid_out)) == {str(m) for m in range(9)}
    assert _texts(valid_in)["4"][:2] == (2, 2) and _texts(valid_in)["0"][:2] == (1, 1)  # centres 1..3
    assert _texts(same_in)["0"][:2] == (0, 0) and _texts(same_in)["24"][:2] == (4, 4)  # every pixel
    assert _texts(even_in)["0"][:2] == (0.5, 0.5)  # a pixel corner
    assert {c for *_, c in _texts(valid_in).values()} == {to_hex(plots.PADDING_COLOURS["valid"])}
    assert {c for *_, c in _texts(same_out).values()} == {to_hex(plots.PADDING_COLOURS["same"])}
    assert to_hex(valid_in.title.get_color()) == to_hex(plots.PADDING_COLOURS["valid"])


def test_window_positions_hatches_the_pixels_no_window_covers():
    fig = plots.window_positions(8, {"'valid'": (3, (0, 0))}, stride=2)
    hatched = [p for p in fig.axes[0].patches if p.get_hatch()]
    assert sorted((p.get_x() + 0.5, p.get_y() + 0.5) for p in hatched) == sorted(
        {(c, 7) for c in range(8)} | {(7, r) for r in range(8)}
    )  # the last row and column
    assert "hatched" in fig.axes[0].get_xlabel()
    covered = plots.window_positions(8, {"'valid'": (3, (0, 0))}, stride=1)
    assert not [p for p in covered.axes[0].patches if p.get_hatch()]


def test_window_counts_share_one_scale_and_write_small_maps():
    small = plots.window_counts({"'valid'": np.array([[1, 2], [2, 4]]), "'same'": np.array([[4, 6], [6, 9]])})
    images = [ax.images[0] for ax in small.axes if ax.images]
    assert [im.get_clim() for im in images] == [(0, 9), (0, 9)]
    assert len(small.axes) == 3  # two maps, one colour bar
    assert [t.get_text() for t in small.axes[0].texts] == ["1", "2", "2", "4"]
    assert to_hex(small.axes[1].title.get_color()) == to_hex(plots.PADDING_COLOURS["same"])
    big = plots.window_counts({"'valid'": np.ones((28, 28))})
    assert not big.axes[0].texts


def test_strided_walk_dots_every_window_and_hatches_what_it_misses():
    fig = plots.strided_walk(np.zeros((28, 28)), 3, [1, 2, 4])
    dots = [ax.lines[0].get_xdata().size for ax in fig.axes]
    assert dots == [26 * 26, 13 * 13, 7 * 7]
    hatched = [len([p for p in ax.patches if p.get_hatch()]) for ax in fig.axes]
    assert hatched == [0, 2, 2 * 7]  # stride 2: last row + column; stride 4: 7 gap rows + 7 columns
    assert "55 px never seen" in fig.axes[1].get_title() and "343 px" in fig.axes[2].get_title()


def test_stride_shrink_colours_each_padding_the_same_in_both_panels():
    fig = plots.stride_shrink([1, 2], {"valid": [26, 13], "same": [28, 14]}, {"valid": [0, 55], "same": [0, 0]}, 28)
    for ax in fig.axes:
        colours = {line.get_label(): to_hex(line.get_color()) for line in ax.lines}
        assert colours["'valid'"] == to_hex(plots.PADDING_COLOURS["valid"])
        assert colours["'same'"] == to_hex(plots.PADDING_COLOURS["same"])
    assert list(fig.axes[1].lines[0].get_ydata()) == [0, 55]


def test_dilated_taps_marks_k_squared_taps_over_the_span():
    fig = plots.dilated_taps(3, [1, 2, 3])
    for ax, d in zip(fig.axes, [1, 2, 3]):
        taps = ax.images[0].get_array()
        assert taps.sum() == 9 and f"{2 * d + 1}x{2 * d + 1}" in ax.get_title()
        rows, cols = np.nonzero(taps)
        assert set(np.diff(np.unique(rows))) == {d} and set(np.diff(np.unique(cols))) == {d}


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: plots.window_positions(3, {"'valid'": (5, (0, 0))}), "must fit in 3 \\+ 0 \\+ 0 = 3 positions"),
        (
            lambda: plots.window_counts({"'valid'": np.ones((2, 4, 4))}),
            "must be a numeric .or bool. array of shape .H, W.",
        ),
        (lambda: plots.strided_walk(np.ones((2, 2)), 3), "k must fit the 2x2 image"),
        (lambda: plots.stride_shrink([1, 2], {"valid": [26]}, {}, 28), "one value per stride"),
        (lambda: plots.dilated_taps(3, [0]), "dilations must be"),
        (lambda: plots.padded_arithmetic(np.zeros((4, 4)), np.zeros((3, 3)), -1), "pad must be an int >= 0"),
        (
            lambda: plots.stride_shift_maps(np.zeros((26, 26)), np.zeros((13, 13)), np.zeros((13, 12))),
            "shifted must be .* with W' = 13, got shape .13, 12.",
        ),
        (
            lambda: plots.stride_shift_maps(np.zeros((26, 26)), np.zeros((13, 13)), np.zeros((13, 13)), stride=3),
            "strided must be .* with H' = 9, got shape .13, 13.",
        ),
    ],
)
def test_lesson_02_figures_refuse_bad_input(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def test_lesson_02_figures_refuse_a_list_for_a_dict():
    with pytest.raises(TypeError, match="windows must be a non-empty dict"):
        plots.window_positions(5, [])


# --- one style per model, in every figure (issue 20) ----------------------------
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402


def drawn_colours(fig):
    """``{name: {hex colour, ...}}`` of every line and patch a figure drew for
    a named series (the figures tag each artist with its series: ``gid``)."""
    found = {}
    for artist in fig.findobj(lambda a: isinstance(a, (Line2D, Patch)) and a.get_gid()):
        if isinstance(artist, Line2D):
            colour = artist.get_color()
        else:  # a bar is its face; an outlined square (receptive_fields) its edge
            colour = artist.get_facecolor() if artist.get_fill() else artist.get_edgecolor()
        found.setdefault(artist.get_gid(), set()).add(to_hex(colour))
    return found


def assert_model_colours(fig, names):
    """The figure drew exactly the models ``names``, each only in its map colour."""
    drawn = drawn_colours(fig)
    assert set(drawn) == set(names), f"drew {sorted(drawn)}, expected {sorted(names)}"
    for name in names:
        expected = {to_hex(plots.model_style(name)["color"])}
        assert drawn[name] == expected, f"{name} is drawn in {drawn[name]}, its colour is {expected}"


H3 = {
    "loss": [0.3, 0.2, 0.1],
    "accuracy": [0.9, 0.95, 0.97],
    "val_loss": [0.3, 0.25, 0.2],
    "val_accuracy": [0.9, 0.93, 0.94],
}
VARIANTS = ["max", "avg", "strided_conv", "learned_pool", "none"]
GLOBAL = ["global max head: max", "global max head: none"]
MODEL_FIGURES = {  # figure -> (draw it with the names the lessons pass, those names)
    "training_curves 04": (lambda: plots.training_curves({"dense": H3, "convnet": H3}), ["dense", "convnet"]),
    "training_curves 05": (
        lambda: plots.training_curves({"max, Dense-64": H3, "none, Dense-512": H3}),
        ["max, Dense-64", "none, Dense-512"],
    ),
    "shift_robustness 04": (lambda: FIGURES["shift_robustness"](), ["dense", "convnet"]),
    "line_plot 04": (
        lambda: plots.line_plot(
            [0, 1, 2], {"dense": [0.9, 0.8, 0.5], "convnet": [0.99, 0.95, 0.9]}, "shift (px)", "accuracy", "Shift"
        ),
        ["dense", "convnet"],
    ),
    "accuracy_vs_shift 05": (
        lambda: plots.accuracy_vs_shift([0, 4], {n: [[0.9, 0.5], [0.8, 0.4]] for n in VARIANTS + GLOBAL}),
        VARIANTS + GLOBAL,
    ),
    "grouped_bars": (
        lambda: plots.grouped_bars(["clean", "4 px"], VARIANTS + GLOBAL, RNG.random((7, 2))),
        VARIANTS + GLOBAL,
    ),
    "receptive_fields 05": (
        lambda: plots.receptive_fields(
            np.zeros((28, 28)), {"max": (5, 5, 18), "none": (11, 11, 7), "strided_conv": (3, 3, 22)}
        ),
        ["max", "none", "strided_conv"],
    ),
}


@pytest.mark.parametrize("figure", sorted(MODEL_FIGURES))
def test_each_model_is_drawn_in_its_map_colour(figure):
    draw, names = MODEL_FIGURES[figure]
    assert_model_colours(draw(), names)


def test_a_model_has_one_colour_across_all_figures():
    colours = {}
    for draw, _ in MODEL_FIGURES.values():
        for name, found in drawn_colours(draw()).items():
            colours.setdefault(plots.MODEL_ALIASES.get(name, name), set()).update(found)
    assert colours["max"] == {to_hex(plots.MODEL_STYLES["max"]["color"])}  # lesson 04's convnet is lesson 05's max
    assert all(len(found) == 1 for found in colours.values()), colours


def test_the_map_gives_each_model_its_own_colour_and_each_head_its_models():
    base = ["dense", *VARIANTS]
    assert len({to_hex(plots.MODEL_STYLES[n]["color"]) for n in base}) == len(base)
    families = [(f"global max head: {kind}", kind) for kind in VARIANTS] + [("none, Dense-512", "none")]
    for variant, kind in families:
        head, own = plots.MODEL_STYLES[variant], plots.MODEL_STYLES[kind]
        assert head["color"] == own["color"], variant
        assert all(head[key] != own[key] for key in ("linestyle", "marker", "hatch")), variant
    assert plots.model_style("convnet") == plots.model_style("max") == plots.model_style("max, Dense-64")


def test_a_head_variant_shows_its_line_style_and_hatch():
    errorbars = MODEL_FIGURES["accuracy_vs_shift 05"][0]().axes[0].containers  # each: (line, caps, bars)
    lines = {bars.lines[0].get_gid(): bars.lines[0] for bars in errorbars}
    assert lines["global max head: max"].get_linestyle() == ":" and lines["max"].get_linestyle() == "-"
    bars = {bar.get_gid(): bar for bar in MODEL_FIGURES["grouped_bars"][0]().axes[0].patches}
    assert bars["global max head: none"].get_hatch() == "//" and not bars["none"].get_hatch()


def test_an_unknown_model_name_is_refused_with_the_known_names():
    with pytest.raises(ValueError, match=r"name must be one of 'dense', 'max'.*got 'maxx'"):
        plots.model_style("maxx")
    with pytest.raises(ValueError, match=r"each name in accuracies must be one of .*'none'.*got 'conv'"):
        plots.accuracy_vs_shift([0, 4], {"conv": [[0.9, 0.5]]})
    with pytest.raises(ValueError, match=r"each name in ys must be one of .*got 'convent'"):  # a typo among models
        plots.line_plot([0, 1], {"dense": [1, 2], "convent": [1, 2]}, "x", "y", "t")


def test_series_that_are_not_models_are_drawn_in_greys():
    fig = plots.line_plot([0, 1], {"train": [1, 2], "test": [2, 3]}, "x", "y", "t")
    model_colours = {to_hex(style["color"]) for style in plots.MODEL_STYLES.values()}
    for colours in drawn_colours(fig).values():
        (colour,) = colours
        assert colour not in model_colours and colour[1:3] == colour[3:5] == colour[5:7], colour  # a grey: R = G = B


def test_the_colour_check_catches_swapped_colours():
    fig = plots.line_plot([0, 1], {"max": [1, 2], "none": [2, 3]}, "x", "y", "t")
    assert_model_colours(fig, ["max", "none"])
    first, second = (line for line in fig.axes[0].lines if line.get_gid())
    colour = first.get_color()
    first.set_color(second.get_color()), second.set_color(colour)
    with pytest.raises(AssertionError, match="max is drawn in"):
        assert_model_colours(fig, ["max", "none"])
    bars = plots.grouped_bars(["clean"], ["max", "avg"], [[0.9], [0.8]])
    bars.axes[0].patches[0].set_facecolor(plots.model_style("avg")["color"])
    with pytest.raises(AssertionError, match="max is drawn in"):
        assert_model_colours(bars, ["max", "avg"])


def test_training_curves_name_the_held_out_set():
    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.6]}
    for held_out in ("test", "validation"):
        fig = plots.training_curves({"max": history}, metrics=("loss",), held_out=held_out)
        assert [line.get_label() for line in fig.axes[0].get_lines()] == ["max train", f"max {held_out}"]
    with pytest.raises(ValueError, match="held_out must be one of 'test', 'validation'"):
        plots.training_curves({"max": history}, metrics=("loss",), held_out="val")


def test_an_all_zero_feature_map_says_so():
    maps = RNG.random((5, 5, 3))
    maps[..., 1] = 0
    titles = [ax.get_title() for ax in plots.feature_maps(maps).axes[:3]]
    assert titles == ["channel 0", "channel 1 (all 0)", "channel 2"]


def test_grid_axis_names_are_the_figure_s_not_one_panel_s():
    fig = plots.image_grid(RNG.random((4, 8, 8)), labels=[1, 2, 3, 4], cols=2)
    assert (fig.get_supxlabel(), fig.get_supylabel()) == ("column (px)", "row (px)")
    assert not any(ax.get_xlabel() for ax in fig.axes)


def test_feature_maps_share_one_colour_scale_and_bar():
    maps = RNG.random((6, 6, 3)) * [1, 2, 4]
    fig = plots.feature_maps(maps)
    limits = {ax.images[0].get_clim() for ax in fig.axes if ax.images and ax.get_title().startswith("channel")}
    assert limits == {(0.0, maps.max())}
    assert len(_colourbars(fig)) == 1


def test_layer_activations_one_scale_and_colour_bar_per_layer_and_the_input_first():
    maps = {"conv1": RNG.random((8, 8, 3)), "conv3": 5 * RNG.random((3, 3, 6))}
    maps["conv3"][..., 1] = 0
    fig = plots.layer_activations(RNG.random((10, 10, 1)), maps, channels=4)
    panels = [ax for ax in fig.axes if ax.images and ax.get_title().startswith("channel")]
    assert len(panels) == 3 + 4  # conv1 has 3 channels, conv3 shows its first 4
    by_layer = [panels[:3], panels[3:]]
    for layer, axes in zip(maps.values(), by_layer):  # one scale per layer: 0 to the largest value of ALL its channels
        assert {ax.images[0].get_clim() for ax in axes} == {(0.0, layer.max())}
    assert [ax.get_title() for ax in by_layer[1]][:2] == ["channel 0", "channel 1 (all 0)"]
    assert len(_colourbars(fig)) == 2
    assert fig.axes[0].get_title() == "the input"


def test_layer_activations_centre_signed_maps_at_zero():
    fig = plots.layer_activations(RNG.random((10, 10)), {"pre-activation": RNG.standard_normal((6, 6, 2))})
    low, high = next(ax for ax in fig.axes if ax.get_title().startswith("channel")).images[0].get_clim()
    assert low == -high and fig.axes[1].images[0].get_cmap().name == plots.SIGNED_CMAP


def test_shift_robustness_draws_the_paired_difference_with_its_bars_and_zero():
    fig = FIGURES["shift_robustness"]()
    right = fig.axes[1]
    assert right.get_ylabel() == "dense drop - convnet drop"
    (line, _caps, (bars,)) = right.containers[0]
    assert list(line.get_ydata()) == [0, 0.05, 0.3]
    assert [seg[1][1] - seg[0][1] for seg in bars.get_segments()] == pytest.approx([0, 0.02, 0.04])
    assert any(list(line.get_ydata()) == [0, 0] for line in right.get_lines())  # the zero line
