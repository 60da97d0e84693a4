"""Figures of lesson 04, the MNIST convnet: its kernels, feature maps, errors and shifted digits."""

import numpy as np
from matplotlib.colors import SymLogNorm
from matplotlib.figure import Figure

from helpers import checks
from helpers.plots.kit import (
    MAX_PANELS,
    SIGNED_CMAP,
    _check_captions,
    _check_panels,
    _figure,
    _grid,
    _grid_labels,
    _pixel_axes,
    _series_styles,
)


def kernel_grid(kernel, cols=8, title="Kernels", channel=0):
    """The filters of a conv kernel ``(kh, kw, c_in, c_out)``, one panel per
    output channel, input channel ``channel``; blue negative, red positive."""
    # finite: a NaN in the kernel would draw every filter blank (the colour limit is NaN)
    kernel = checks.array_of(kernel, "kernel", "(kh, kw, c_in, c_out)", "biuf", empty=False, finite=True)
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
        image = ax.imshow(filters[i], cmap=SIGNED_CMAP, vmin=-limit, vmax=limit)
        ax.set_xticks([]), ax.set_yticks([])
        ax.set_title(f"filter {i}", fontsize=7)
    fig.colorbar(image, ax=list(axes), shrink=0.8, label="weight (one scale for all filters)")
    _grid_labels(fig, "kernel column", "kernel row")
    return fig


def _activation_scale(maps):
    """``(cmap, vmin, vmax)`` shared by every channel of one layer's ``maps``
    (finite numbers): non-negative maps (after a ReLU) on a sequential map
    from 0 to the layer's largest value, signed maps on the diverging map
    centred at 0."""
    maps = maps.astype(np.float64)
    low, high = float(maps.min()), float(maps.max())
    if low < 0:
        limit = max(-low, high)
        return SIGNED_CMAP, -limit, limit
    return "viridis", 0.0, high or 1.0  # an all-zero layer: any positive top, every panel reads 0


def _channel_panel(ax, channel_map, title, cmap, vmin, vmax):
    image = ax.imshow(channel_map, cmap=cmap, vmin=vmin, vmax=vmax)
    ax.set_xticks([]), ax.set_yticks([])
    dead = " (all 0)" if not np.any(channel_map) else ""  # else it looks like any dark map
    ax.set_title(title + dead, fontsize=7)
    return image


def feature_maps(maps, cols=8, title="Feature maps", names=None, max_maps=None):
    """The channels of one feature map ``(H, W, C)`` as a grid of images, all
    on one colour scale (the layer's, over all its channels) with one colour
    bar, so that channels can be compared."""
    maps = checks.array_of(maps, "maps", "(H, W, C)", "biuf", empty=False, finite=True)  # finite: a scale to share
    cols = checks.positive_int(cols, "cols")
    max_maps = None if max_maps is None else checks.positive_int(max_maps, "max_maps")
    count = maps.shape[-1] if max_maps is None else min(max_maps, maps.shape[-1])
    _check_captions(names, count, "names")
    _check_panels(count, "maps", f"max_maps={MAX_PANELS} or fewer")
    cmap, vmin, vmax = _activation_scale(maps)
    rows, cols = _grid(count, cols)
    fig, axes = _figure(rows, cols, title=title)
    for i, ax in enumerate(axes):
        if i >= count:
            ax.axis("off")
            continue
        image = _channel_panel(ax, maps[..., i], names[i] if names else f"channel {i}", cmap, vmin, vmax)
    fig.colorbar(image, ax=list(axes), shrink=0.8, label="activation (one scale for all channels)")
    _grid_labels(fig, "column", "row")
    return fig


def layer_activations(image, maps, channels=8, title="Activations, layer by layer"):
    """One input ``image`` ``(H, W)`` or ``(H, W, 1)`` and what each layer
    makes of it: ``maps`` ``{layer name: (h, w, C)}``, one row per layer
    showing its first ``channels`` channels. Each row has one colour scale
    (the layer's, over all C channels, shown or not) and its colour bar:
    channels of a layer compare by colour, layers by their colour bars."""
    image = checks.array_of(image, "image", "(H, W) or (H, W, 1)", "biuf", empty=False)
    image = image[..., 0] if image.ndim == 3 else image
    checks.dict_of(maps, "maps", "layer name -> (h, w, C) map")
    checked = {
        name: checks.array_of(values, f"maps[{name!r}]", "(h, w, C)", "biuf", empty=False, finite=True)
        for name, values in maps.items()
    }
    channels = checks.positive_int(channels, "channels")
    _check_panels(
        len(checked) * (channels + 1), "maps", f"fewer layers or channels= {MAX_PANELS // (len(checked) + 1)} or fewer"
    )
    shown = {name: min(channels, values.shape[-1]) for name, values in checked.items()}
    cols = max(shown.values()) + 1
    fig, axes = _figure(len(checked), cols, cell=1.25, title=title)
    axes = axes.reshape(len(checked), cols)
    for ax in axes[1:, 0]:
        ax.axis("off")
    axes[0, 0].imshow(image, cmap="gray_r")
    axes[0, 0].set_title("the input", fontsize=8)
    _pixel_axes(axes[0, 0])
    axes[0, 0].xaxis.label.set_fontsize(7), axes[0, 0].yaxis.label.set_fontsize(7)
    for row, (name, values) in zip(axes, checked.items()):
        cmap, vmin, vmax = _activation_scale(values)
        for c, ax in enumerate(row[1:]):
            if c >= shown[name]:
                ax.axis("off")
                continue
            drawn = _channel_panel(ax, values[..., c], f"channel {c}", cmap, vmin, vmax)
        row[1].set_ylabel(f"{name}\n{'×'.join(map(str, values.shape))}", fontsize=8)
        fig.colorbar(drawn, ax=list(row[1:]), shrink=0.9, pad=0.01).ax.tick_params(labelsize=7)
    return fig


def shift_robustness(
    shifts,
    accuracies,
    errors,
    difference,
    difference_errors,
    difference_label,
    errors_meaning="half-lengths as given",
    title="Accuracy on shifted test digits",
):
    """Two panels over the shift (px): left, each model's accuracy
    ``accuracies`` ``{model: (D,)}`` with error bars ``errors`` ``{model:
    (D,)}`` (half-lengths); right, one paired ``difference`` ``(D,)`` between
    the models with its error bars ``difference_errors`` ``(D,)`` and a line
    at 0 (``difference_label`` names it). ``errors_meaning`` says what the
    bars are, e.g. "± 2 standard errors"."""
    shifts = checks.array_of(shifts, "shifts", "(D,)", "iu", empty=False)
    styles = _series_styles(accuracies, "accuracies")
    checks.require(
        isinstance(errors, dict) and set(errors) == set(accuracies),
        "errors",
        f"be a dict with the keys of accuracies ({sorted(accuracies)})",
        checks.describe(errors),
        TypeError,
    )
    series = {f"accuracies[{name!r}]": accuracies[name] for name in accuracies}
    series |= {f"errors[{name!r}]": errors[name] for name in accuracies}
    series |= {"difference": difference, "difference_errors": difference_errors}
    series = {
        key: checks.array_of(values, key, "(D,)", "iuf", sizes={"D": len(shifts)}, finite=True)
        for key, values in series.items()
    }
    for key, values in series.items():
        checks.require("errors" not in key or (values >= 0).all(), key, "be >= 0 (half-lengths of bars)", values.min())
    difference_label = checks.text(difference_label, "difference_label")
    errors_meaning = checks.text(errors_meaning, "errors_meaning")
    fig = Figure(figsize=(10, 3.8), layout="constrained")
    left, right = fig.subplots(1, 2)
    offsets = np.linspace(-0.06, 0.06, len(accuracies)) if len(accuracies) > 1 else [0.0]
    for offset, name in zip(offsets, accuracies):
        style = styles[name]
        left.errorbar(
            shifts + offset,
            series[f"accuracies[{name!r}]"],
            yerr=series[f"errors[{name!r}]"],
            color=style["color"],
            linestyle=style["linestyle"],
            marker=style["marker"],
            capsize=3,
            label=name,
            gid=name,
        )
    left.set_ylabel("test accuracy")
    left.set_title(f"accuracy (bars: {errors_meaning})", fontsize=9)
    left.legend(fontsize=8)
    right.axhline(0, color="0.5", linewidth=1)
    right.errorbar(shifts, series["difference"], yerr=series["difference_errors"], color="0.25", marker="s", capsize=3)
    right.set_ylabel(difference_label)
    right.set_title(f"the paired difference (bars: {errors_meaning})", fontsize=9)
    for ax in (left, right):
        ax.set_xticks(shifts)
        ax.set_xlabel("shift of every test digit (px)")
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    return fig


def confusion_matrix(matrix, title="Confusion matrix"):
    """A ``(10, 10)`` count matrix, rows = true digit, columns = predicted."""
    matrix = checks.array_of(matrix, "matrix", "(K, K)", "iu", empty=False)
    checks.require(matrix.min() >= 0, "matrix", "hold counts >= 0", f"a count of {matrix.min()}")
    fig = Figure(figsize=(6.4, 5.6), layout="constrained")
    ax = fig.subplots()
    # a log scale, so the few mistakes show beside the ~1,000 correct per class
    image = ax.imshow(matrix, cmap="Blues", norm=SymLogNorm(linthresh=1, vmin=0, vmax=max(int(matrix.max()), 1)))
    for (r, c), count in np.ndenumerate(matrix):
        ax.text(
            c,
            r,
            str(count),
            ha="center",
            va="center",
            fontsize=8,
            color="white" if count > matrix.max() / 2 else "black",
        )
    ax.set_xticks(range(matrix.shape[1]))
    ax.set_yticks(range(matrix.shape[0]))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    ax.set_title(title)
    fig.colorbar(image, ax=ax, label="count (log scale)")
    return fig
