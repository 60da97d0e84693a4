"""Figures of lesson 06, what the convnet learned: its first-layer filters
beside hand-made kernels, the inputs that drive a channel hardest, and where
the network looks (occlusion, saliency, Grad-CAM)."""

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure

from helpers import checks
from helpers.plots.kit import MAX_PANELS, SIGNED_CMAP, _check_captions, _check_panels

_INK = "gray_r"  # a digit: ink dark on white, as every lesson draws digits
_NON_NEGATIVE = "Purples"  # a map that is never negative (Grad-CAM after its ReLU): 0 is white
_UNSEEN = "0.85"  # NaN in a map: pixels no unit (or patch) reaches


def _kernels(array, name, sizes=None):
    """``N`` kernels ``(kh, kw, N)`` of finite numbers, as floats."""
    return checks.array_of(array, name, "(kh, kw, N)", "iuf", sizes=sizes, empty=False, finite=True).astype(float)


def filter_matches(
    filters,
    references,
    reference_names,
    similarity,
    threshold=0.8,
    title="First-layer filters and the hand-made kernels they resemble",
):
    """The first row: hand-made ``references`` ``(kh, kw, M)``, named by
    ``reference_names``. Below: every learned filter of ``filters``
    ``(kh, kw, N)``: the matched ones grouped by the reference they resemble
    most (largest ``|similarity|``, ``similarity`` ``(N, M)``: cosines), then
    the unmatched ones, most alike first within each group; each captioned with
    its nearest reference and the signed cosine to three decimals (in grey and
    in brackets when the largest ``|cosine|`` is below ``threshold``: no match). Every kernel is divided
    by its length (the cosine ignores size), so one zero-centred diverging
    scale with one colour bar serves them all."""
    filters = _kernels(filters, "filters")
    references = _kernels(references, "references", sizes=dict(zip(("kh", "kw"), filters.shape)))
    count, kinds = filters.shape[2], references.shape[2]
    _check_captions(reference_names, kinds, "reference_names", exact=True)
    similarity = checks.array_of(similarity, "similarity", "(N, M)", "iuf", sizes={"N": count, "M": kinds}, finite=True)
    threshold = checks.number(threshold, "threshold", 0, 1)
    _check_panels(count + kinds, "filters", f"filters[..., :{MAX_PANELS - kinds}]")
    best = np.abs(similarity).argmax(axis=1)
    strength = np.abs(similarity)[np.arange(count), best]
    matched = strength >= threshold
    order = np.lexsort((-strength, np.where(matched, best, kinds)))  # by reference (no match last), then |cos|
    cols = 8
    rows = 1 + int(np.ceil(count / cols))
    fig = Figure(figsize=(cols * 1.35, rows * 1.45 + 0.8), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False)
    fig.suptitle(
        f"{title}\ncaption: the nearest hand-made kernel and the cosine; (grey, in brackets): "
        f"no match, |cosine| below {threshold:g}",
        fontsize=10,
    )

    def unit(kernel):
        return kernel / (np.linalg.norm(kernel) or 1.0)

    for ax in axes.ravel():
        ax.set_xticks([]), ax.set_yticks([])
    for j, ax in enumerate(axes[0]):
        if j >= kinds:
            ax.axis("off")
            continue
        image = ax.imshow(unit(references[..., j]), cmap=SIGNED_CMAP, vmin=-1, vmax=1)
        ax.set_title(f"hand-made:\n{reference_names[j]}", fontsize=7, fontweight="bold")
        for spine in ax.spines.values():
            spine.set_linewidth(2)
    for slot, ax in enumerate(axes[1:].ravel()):
        if slot >= count:
            ax.axis("off")
            continue
        i = order[slot]
        ax.imshow(unit(filters[..., i]), cmap=SIGNED_CMAP, vmin=-1, vmax=1)
        nearest = f"{reference_names[best[i]]} {similarity[i, best[i]]:+.3f}"  # -0.799 is no match; -0.80 would hide it
        ax.set_title(
            f"filter {i}\n{nearest if matched[i] else f'({nearest})'}",
            fontsize=7,
            color="black" if matched[i] else "0.45",
        )
    fig.colorbar(image, ax=list(axes.ravel()), shrink=0.6, label="weight / kernel length")
    fig.supxlabel("kernel column", fontsize=8)
    fig.supylabel("kernel row", fontsize=8)
    return fig


def channel_patterns(patches, patterns, channels, values=None, pattern_values=None, layer="conv3", title=None):
    """What drives chosen channels of ``layer``: one row per channel. The
    first columns are test-image patches ``(C, K, s, s)``, each cut at the
    receptive field of the unit that responded most to its image; the last
    column, ``patterns`` ``(C, s, s)``, the input made by gradient ascent for
    that channel, cut at the same field. ``channels``: the channel numbers
    (row captions); ``values`` ``(C, K)`` and ``pattern_values`` ``(C,)``:
    the activation each input gives (shown in the captions). Pixel values
    on one ink scale, 0 (white) to 1 (black)."""
    patches = checks.array_of(patches, "patches", "(C, K, s, s)", "iuf", empty=False)
    (rows, k), sizes = patches.shape[:2], dict(zip("CKs", patches.shape))
    patterns = checks.array_of(patterns, "patterns", "(C, s, s)", "iuf", sizes=sizes)
    _check_captions(channels, rows, "channels", exact=True)
    values = None if values is None else checks.array_of(values, "values", "(C, K)", "iuf", sizes=sizes)
    pattern_values = (
        None
        if pattern_values is None
        else checks.array_of(pattern_values, "pattern_values", "(C,)", "iuf", sizes=sizes)
    )
    checks.text(layer, "layer")
    _check_panels(rows * (k + 1), "patches", "fewer channels or patches")
    side = patches.shape[-1]
    fig = Figure(figsize=((k + 1) * 1.2 + 0.8, rows * 1.35 + 0.7), layout="constrained")
    axes = fig.subplots(rows, k + 1, squeeze=False)
    fig.suptitle(
        title
        or f"{layer}: the test patches ({side}x{side} px, one unit's receptive field) that drive "
        f"each channel hardest, and a pattern made by gradient ascent"
    )
    for r in range(rows):
        for c in range(k + 1):
            ax = axes[r, c]
            last = c == k
            image = ax.imshow(patterns[r] if last else patches[r, c], cmap=_INK, vmin=0, vmax=1)
            ax.set_xticks([]), ax.set_yticks([])
            caption = "ascent" if last else f"#{c + 1}"
            value = (
                (pattern_values[r] if last else values[r, c])
                if (pattern_values is not None if last else values is not None)
                else None
            )
            ax.set_title(
                caption + ("" if value is None else f": {value:.1f}"),
                fontsize=7,
                fontweight="bold" if last else "normal",
            )
            if last:
                for spine in ax.spines.values():
                    spine.set_edgecolor("tab:red")
                    spine.set_linewidth(2)
        axes[r, 0].set_ylabel(f"channel {channels[r]}", fontsize=8)
    fig.colorbar(image, ax=list(axes.ravel()), shrink=0.6, label="pixel value (ink)")
    fig.supxlabel(
        "strongest test patches, in order (caption: the unit's activation); last: gradient ascent", fontsize=8
    )
    fig.supylabel(f"{layer} channel", fontsize=8)
    return fig


def _column_scale(values):
    """``(cmap, vmin, vmax, signed)`` of a column of maps: zero-centred
    diverging if any value is negative, else sequential from 0."""
    finite = values[np.isfinite(values)]
    largest = float(np.abs(finite).max()) if finite.size else 1.0
    largest = largest or 1.0
    if finite.size and finite.min() < 0:
        return SIGNED_CMAP, -largest, largest, True
    return _NON_NEGATIVE, 0.0, largest, False


def _with_unseen(name):
    """The colormap ``name`` with NaN drawn in the grey of unseen pixels."""
    return colormaps[name].with_extremes(bad=_UNSEEN)


def where_it_looks(images, maps, captions, title="Where the network looks"):
    """One row per digit: the digit ``images`` ``(N, H, W)`` (or ``(N, H, W,
    1)``), captioned by ``captions``, then one column per entry of ``maps``
    (``{column title: (N, H, W)}``, e.g. an occlusion map, a saliency map,
    Grad-CAM). A column with negative values is drawn on a zero-centred
    diverging scale (red > 0, blue < 0, white 0), a non-negative one on a
    sequential scale from 0; each column shares one scale and one colour
    bar down the rows. The digit's outline (pixel value 0.5) is drawn on
    every map; NaN (pixels nothing reaches) is grey."""
    images = checks.array_of(images, "images", "(N, H, W) or (N, H, W, 1)", "iuf", empty=False)
    images = images[..., 0] if images.ndim == 4 else images
    n, sizes = len(images), dict(zip("NHW", images.shape))
    checks.dict_of(maps, "maps", "column title -> (N, H, W) maps")
    columns = {
        str(name): checks.array_of(values, f"maps[{name!r}]", "(N, H, W)", "iuf", sizes=sizes).astype(float)
        for name, values in maps.items()
    }
    _check_captions(captions, n, "captions", exact=True)
    _check_panels(n * (len(columns) + 1), "images", "fewer digits")
    fig = Figure(figsize=(2.3 * (len(columns) + 1) + 0.6, 2.05 * n + 1.0), layout="constrained")
    axes = fig.subplots(n, len(columns) + 1, squeeze=False)
    fig.suptitle(title)
    for r in range(n):
        axes[r, 0].imshow(images[r], cmap=_INK, vmin=0, vmax=1)
        axes[r, 0].set_title(str(captions[r]), fontsize=8)
    for c, (name, values) in enumerate(columns.items(), start=1):
        cmap, vmin, vmax, _ = _column_scale(values)
        for r in range(n):
            ax = axes[r, c]
            image = ax.imshow(values[r], cmap=_with_unseen(cmap), vmin=vmin, vmax=vmax)
            ax.contour(images[r], levels=[0.5], colors="black", linewidths=0.6)
            if r == 0:
                ax.set_title(name, fontsize=8)
        bar = fig.colorbar(image, ax=list(axes[:, c]), shrink=0.8, location="bottom", pad=0.01)
        bar.set_label(name, fontsize=8)
        bar.ax.tick_params(labelsize=7)
    for ax in axes.ravel():
        ax.set_xticks([]), ax.set_yticks([])
    fig.supxlabel("column (px)", fontsize=8)
    fig.supylabel("row (px)", fontsize=8)
    return fig
