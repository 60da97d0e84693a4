"""Figures of lesson 04, the MNIST convnet: its kernels, feature maps and errors."""

import numpy as np
from matplotlib.colors import SymLogNorm
from matplotlib.figure import Figure

from helpers import checks
from helpers.plots.kit import MAX_PANELS, _check_captions, _check_images, _check_panels, _figure, _grid, _grid_labels


def kernel_grid(kernel, cols=8, title="Kernels", channel=0):
    """The filters of a conv kernel ``(kh, kw, c_in, c_out)``, one panel per
    output channel, input channel ``channel``; blue negative, red positive."""
    # finite: a NaN in the kernel would draw every filter blank (the colour limit is NaN)
    kernel = checks.array_of(kernel, "kernel", kinds="biuf", shape="(kh, kw, c_in, c_out)", empty=False, finite=True)
    if kernel.ndim != 4:
        raise ValueError(f"kernel must be (kh, kw, c_in, c_out), got {kernel.shape}")
    channel = checks.integer(channel, "channel", 0, kernel.shape[2] - 1)
    cols = checks.positive_int(cols, "cols")
    filters = np.moveaxis(kernel[:, :, channel, :], -1, 0)
    limit = float(np.abs(filters).max()) or 1.0
    _check_panels(len(filters), "kernel", f"kernel[..., :{MAX_PANELS}]")
    rows, cols = _grid(len(filters), cols)
    fig, axes = _figure(rows, cols, cell=1.2, title=title)
    for i, ax in enumerate(axes):
        if i >= len(filters):
            ax.axis("off")
            continue
        image = ax.imshow(filters[i], cmap="bwr", vmin=-limit, vmax=limit)
        ax.set_xticks([]), ax.set_yticks([])
        ax.set_title(f"filter {i}", fontsize=7)
    fig.colorbar(image, ax=list(axes), shrink=0.8, label="weight (one scale for all filters)")
    _grid_labels(fig, "kernel column", "kernel row")
    return fig


def feature_maps(maps, cols=8, title="Feature maps", names=None, max_maps=None):
    """The channels of one feature map ``(H, W, C)`` as a grid of images."""
    maps = _check_images(maps, "maps", "(H, W, C)")
    if maps.ndim != 3:
        raise ValueError(f"maps must be (H, W, C) -- one image, not a batch; got {maps.shape}")
    cols = checks.positive_int(cols, "cols")
    max_maps = None if max_maps is None else checks.positive_int(max_maps, "max_maps")
    count = maps.shape[-1] if max_maps is None else min(max_maps, maps.shape[-1])
    _check_captions(names, count, "names")
    _check_panels(count, "maps", f"max_maps={MAX_PANELS} or fewer")
    rows, cols = _grid(count, cols)
    fig, axes = _figure(rows, cols, title=title)
    for i, ax in enumerate(axes):
        if i >= count:
            ax.axis("off")
            continue
        ax.imshow(maps[..., i], cmap="viridis")
        ax.set_xticks([]), ax.set_yticks([])
        dead = " (all 0)" if not np.any(maps[..., i]) else ""  # else it looks like any dark map
        ax.set_title((names[i] if names else f"channel {i}") + dead, fontsize=7)
    _grid_labels(fig, "column", "row")
    return fig


def confusion_matrix(matrix, title="Confusion matrix"):
    """A ``(10, 10)`` count matrix, rows = true digit, columns = predicted."""
    matrix = checks.array_of(matrix, "matrix", kinds="iu", shape="(K, K) of counts", empty=False)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.min() < 0:
        raise ValueError(f"matrix must be a square (K, K) array of counts >= 0, got shape {matrix.shape}"
                         + (f" with a count of {matrix.min()}" if matrix.ndim == 2 else ""))
    fig = Figure(figsize=(6.4, 5.6), layout="constrained")
    ax = fig.subplots()
    # a log scale, so the few mistakes show beside the ~1,000 correct per class
    image = ax.imshow(matrix, cmap="Blues", norm=SymLogNorm(linthresh=1, vmin=0, vmax=max(int(matrix.max()), 1)))
    for (r, c), count in np.ndenumerate(matrix):
        ax.text(c, r, str(count), ha="center", va="center", fontsize=8,
                color="white" if count > matrix.max() / 2 else "black")
    ax.set_xticks(range(matrix.shape[1]))
    ax.set_yticks(range(matrix.shape[0]))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    ax.set_title(title)
    fig.colorbar(image, ax=ax, label="count (log scale)")
    return fig
