"""helpers.plots: every figure is a fresh Figure with a title and labelled axes."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers import plots

RNG = np.random.default_rng(0)


def _titled_and_labelled(fig):
    assert isinstance(fig, Figure)
    titles = [fig.get_suptitle()] + [ax.get_title() for ax in fig.axes]
    assert any(titles), "the figure has no title"
    labelled = [ax for ax in fig.axes if ax.get_xlabel() and ax.get_ylabel()]
    assert labelled, "no axes carry both an x and a y label"


FIGURES = {
    "image_grid": lambda: plots.image_grid(RNG.random((10, 28, 28)), labels=list(range(10)), cols=5),
    "kernel_grid": lambda: plots.kernel_grid(RNG.standard_normal((3, 3, 1, 8))),
    "feature_maps": lambda: plots.feature_maps(RNG.random((26, 26, 6))),
    "sliding_window": lambda: plots.sliding_window(RNG.random((8, 8)), RNG.random((6, 6)), 2, 3),
    "padding_stride_diagram": lambda: plots.padding_stride_diagram(5, 3, 2, pad=(1, 1)),
    "training_curves": lambda: plots.training_curves({"a": {"loss": [1, 0.5], "accuracy": [0.5, 0.9]}}),
    "grouped_bars": lambda: plots.grouped_bars(["max", "avg"], ["train", "test"], [[0.9, 0.8], [0.85, 0.8]], [[0.01, 0.02], [0.0, 0.01]]),
    "confusion_matrix": lambda: plots.confusion_matrix(RNG.integers(0, 100, (10, 10))),
    "line_plot": lambda: plots.line_plot([0, 1, 2], {"dense": [1, 0.5, 0.2]}, "shift (px)", "accuracy", "Shift"),
}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_figure_has_title_and_labels_and_no_global_state(name):
    before = plt.get_fignums()
    fig = FIGURES[name]()
    _titled_and_labelled(fig)
    assert plt.get_fignums() == before, "plots must not create pyplot figures"
    fig.savefig(__import__("io").BytesIO(), format="png")  # renders without error


def test_every_public_plot_is_tested():
    public = {n for n, f in vars(plots).items() if callable(f) and not n.startswith("_") and f.__module__ == plots.__name__}
    assert public == set(FIGURES)


@pytest.mark.parametrize("call, words", [
    (lambda: plots.image_grid(np.zeros((28, 28))), "images must be (N, H, W)"),
    (lambda: plots.kernel_grid(np.zeros((3, 3, 8))), "kernel must be (kh, kw, c_in, c_out)"),
    (lambda: plots.feature_maps(np.zeros((1, 26, 26, 6))), "maps must be (H, W, C)"),
    (lambda: plots.sliding_window(np.zeros((8, 8)), np.zeros((6, 6)), 6, 0), "outside the output"),
    (lambda: plots.grouped_bars(["a"], ["x", "y"], [1, 2]), "means must be"),
])
def test_bad_input(call, words):
    with pytest.raises(ValueError) as info:
        call()
    assert words in str(info.value)
