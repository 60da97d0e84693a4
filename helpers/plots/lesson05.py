"""Figures of lesson 05, the downsampling ablation (``receptive_fields`` also in lesson 03)."""

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from helpers.plots.kit import _pixel_axes, _series_styles, _style


def accuracy_vs_shift(shifts, accuracies, title="Accuracy on shifted test digits"):
    """Accuracy against how far the test digits were moved, one line per
    model: the mean over seeds, error bars one sample sd over seeds.

    ``shifts``: ``(D,)`` pixels; ``accuracies``: ``{model: (S, D) array}``,
    one row per seed (``S >= 1``; one seed draws no error bars). Every key
    must be a model: it is drawn in its :func:`model_style`.
    """
    shifts = np.asarray(shifts)
    styles = _series_styles(accuracies, "accuracies")
    fig = Figure(figsize=(6.4, 4.2), layout="constrained")
    ax = fig.subplots()
    offsets = np.linspace(-0.12, 0.12, len(accuracies)) if len(accuracies) > 1 else [0.0]
    for offset, (name, values) in zip(offsets, accuracies.items()):
        values = np.atleast_2d(np.asarray(values, dtype=float))
        if values.shape[1] != len(shifts):
            raise ValueError(f"accuracies[{name!r}] must be (seeds, {len(shifts)}) -- one column per shift, "
                             f"got shape {values.shape}")
        errors = values.std(axis=0, ddof=1) if len(values) > 1 else None
        style = styles[name]
        ax.errorbar(shifts + offset, values.mean(axis=0), yerr=errors, color=style["color"],
                    linestyle=style["linestyle"], marker=style["marker"], capsize=3,
                    label=f"{name} ({len(values)} seed{'s' * (len(values) > 1)})", gid=name)
    ax.set_xticks(shifts)
    ax.set_xlabel("shift of every test digit (px, each digit up, down, left or right)")
    ax.set_ylabel("test accuracy")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return fig


def _box_colour(index):
    """The ``index``-th square that is not a model: on a grey digit a square
    needs a colour, so not a grey; and none of the model colours."""
    return _style(("tab:cyan", "tab:red", "tab:olive", "tab:brown")[index % 4])


def receptive_fields(image, boxes, title="Receptive fields"):
    """``image`` ``(H, W)`` with one outlined square per entry of ``boxes``:
    ``{label: (top, left, size)}`` in pixels. Labels that name models draw
    their square in the model's :func:`model_style`; other labels (a layer,
    "conv3 with pooling") take other colours."""
    image = np.squeeze(np.asarray(image))
    if image.ndim != 2:
        raise ValueError(f"image must be one (H, W) image, got shape {np.asarray(image).shape}")
    fig = Figure(figsize=(5.0, 4.6), layout="constrained")
    ax = fig.subplots()
    ax.imshow(image, cmap="gray_r")
    styles = _series_styles(boxes, "boxes", others=_box_colour)
    for label, (top, left, size) in boxes.items():
        ax.add_patch(Rectangle((left - 0.5, top - 0.5), size, size, fill=False, lw=2.5, ec=styles[label]["color"],
                               linestyle=styles[label]["linestyle"], label=f"{label}: {size}×{size}", gid=label))
    ax.set_title(title)
    _pixel_axes(ax)
    ax.legend(loc="lower left", fontsize=8)
    return fig
