"""Figures of lesson 01, the convolution operation (``signed_maps`` also in lesson 03)."""

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from helpers import checks
from helpers.plots.kit import SIGNED_CMAP, _grid

_SMALL = 10  # largest side of an array whose numbers conv_arithmetic writes in its cells
_CELL_INCHES = 0.5  # the side of one array cell in the number-grid figures, whatever the array
_TICK_SIZE = 9  # tick labels of every figure of this lesson (as lesson 03's)
_CELL_FONT = 9  # numbers written in kernel cells (a 7x7 kernel's two-decimal numbers fit its 0.5-inch cells)


def _as_channels(array, name):
    """``(H, W)`` -> ``(H, W, 1)``; ``(H, W, C)`` stays; anything else raises."""
    array = checks.array_of(array, name, "(H, W) or (H, W, C)", "biuf", empty=False)
    return array[..., np.newaxis] if array.ndim == 2 else array


def _number_grid(ax, values, title, highlight=None, label_axes=False):
    """Draw a small 2D array as a table of numbers; ``highlight`` = (row, col, h, w) to outline."""
    rows, cols = values.shape
    shade = np.zeros(values.shape)
    if highlight is not None:
        r, c, h, w = highlight
        shade[r : r + h, c : c + w] = 1.0
        ax.add_patch(Rectangle((c - 0.5, r - 0.5), w, h, fill=False, edgecolor="red", linewidth=2.5))
    ax.imshow(shade, cmap="Oranges", vmin=0, vmax=3)
    for (r, c), value in np.ndenumerate(values):
        text = f"{value:g}" if float(value).is_integer() else f"{value:.2f}"
        ax.text(c, r, text, ha="center", va="center", fontsize=10)
    ax.set_xticks(range(cols))
    ax.set_yticks(range(rows))
    ax.set_xticks(np.arange(cols + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(rows + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="0.6", linewidth=0.8)
    ax.tick_params(which="both", length=0, labelsize=8)
    ax.set_title(title, fontsize=10)
    if label_axes:
        ax.set_xlabel("column")
        ax.set_ylabel("row")


def conv_arithmetic(image, kernel, row=0, col=0, title=None):
    """One output cell of a 'valid', stride-1 convolution, with every number shown.
    Every array is drawn at the same cell size, so the kernel covers exactly its
    window of the input.

    ``image`` ``(H, W)`` or ``(H, W, C)`` and ``kernel`` ``(kh, kw)`` or
    ``(kh, kw, C)``, small (sides <= 10); ``(row, col)`` is the output cell
    outlined, its window outlined on the input. With one channel: three
    panels, input | kernel | output. With C channels: one row per channel
    (input channel c | kernel channel c | their correlation) and a last
    column with the output, the sum of the C correlations.
    """
    from helpers import ops  # plots draws; ops computes the correlations it draws

    image, kernel = _as_channels(image, "image"), _as_channels(kernel, "kernel")
    checks.require(max(image.shape[:2]) <= _SMALL, "image", f"be at most {_SMALL}x{_SMALL} to print", image.shape)
    checks.require(kernel.shape[2] == image.shape[2], "kernel", f"have image's {image.shape[2]} channels", kernel.shape)
    kh, kw, channels = kernel.shape
    partial = np.stack(
        [ops.conv2d(image[..., c : c + 1], kernel[..., c : c + 1, np.newaxis])[..., 0] for c in range(channels)],
        axis=-1,
    )  # (H', W', C): one correlation per channel
    out_h, out_w = partial.shape[:2]
    row, col = checks.integer(row, "row", 0, out_h - 1), checks.integer(col, "col", 0, out_w - 1)
    window, cell = (row, col, kh, kw), (row, col, 1, 1)
    widths = [image.shape[1], kw, out_w] + ([out_w] if channels > 1 else [])  # in cells: one cell size for all
    size = _CELL_INCHES
    fig = Figure(
        figsize=(size * (sum(widths) + 1.2 * len(widths)), (size * image.shape[0] + 1.0) * channels + 0.5),
        layout="constrained",
    )
    grid = fig.add_gridspec(channels, len(widths), width_ratios=widths)
    for c in range(channels):
        which = "" if channels == 1 else f" channel {c}"
        _number_grid(fig.add_subplot(grid[c, 0]), image[..., c], f"input{which}", window, label_axes=True)
        _number_grid(fig.add_subplot(grid[c, 1]), kernel[..., c], f"kernel{which}")
        name = "output" if channels == 1 else f"correlation,{which}"
        _number_grid(fig.add_subplot(grid[c, 2]), partial[..., c], name, cell)
    if channels > 1:
        total = partial.sum(axis=-1)
        _number_grid(fig.add_subplot(grid[:, 3]), total, "output =\nsum over channels", cell)
    value = partial[row, col].sum()
    fig.suptitle(title or f"output[{row}, {col}] = sum of the outlined window times the kernel = {value:g}")
    return fig


def _symmetric_limit(maps):
    return float(np.abs(maps).max()) or 1.0


def signed_maps(maps, names=None, title="Response maps", shared_scale=False, cols=4):
    """Signed feature maps ``(H, W, C)``, one panel per channel, coloured on a
    zero-centred diverging scale (red positive, blue negative, white zero)
    with a colour bar: one for all panels if ``shared_scale``, else one each."""
    maps = checks.array_of(maps, "maps", "(H, W, C)", "biuf", empty=False).astype(float)
    count = maps.shape[-1]
    names = None if names is None else checks.list_of(names, "names", "captions, one per channel", length=count)
    rows, cols = _grid(count, cols)
    fig = Figure(figsize=(cols * 2.6, rows * 2.4 + 0.5), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    fig.suptitle(title)
    shared = _symmetric_limit(maps)
    for i, ax in enumerate(axes):
        if i >= count:
            ax.axis("off")
            continue
        limit = shared if shared_scale else _symmetric_limit(maps[..., i])
        image = ax.imshow(maps[..., i], cmap=SIGNED_CMAP, vmin=-limit, vmax=limit)
        ax.set_title(names[i] if names is not None else f"channel {i}", fontsize=10)
        ax.tick_params(labelsize=_TICK_SIZE)
        if not shared_scale:
            fig.colorbar(image, ax=ax, shrink=0.8)
    if shared_scale:
        fig.colorbar(image, ax=list(axes[:count]), shrink=0.8, label="response")
    axes[0].set_xlabel("column")
    axes[0].set_ylabel("row")
    return fig


def shift_equivariance(before, after, shift, title=None):
    """Equivariance, made visible: a response map ``before`` ``(H, W)``, the
    response ``after`` to the input shifted by ``shift`` = ``(dy, dx)``, and
    their difference ``after - shift(before)``. The two responses share one
    zero-centred colour scale and bar; the difference has its own
    zero-centred scale and bar (so a small difference still shows) and its
    largest absolute value in its title (the responses' scale when it is all
    zero). The strongest response is marked in both maps, with an arrow from
    where it was to where it moved; the dashed box on the difference is the
    interior, where both maps hold shifted content."""
    from helpers import ops

    before = checks.array_of(before, "before", "(H, W)", "biuf", empty=False).astype(float)
    after = checks.array_of(after, "after", "(H, W)", "biuf", sizes=dict(zip("HW", before.shape))).astype(float)
    dy, dx = (checks.integer(s, "shift entry") for s in checks.nested(shift, "shift", "(dy, dx)"))
    h, w = before.shape
    difference = after - ops.shift2d(before[..., np.newaxis], dy, dx)[..., 0]
    limit = _symmetric_limit(np.stack([before, after]))
    largest = float(np.abs(difference).max())
    fig = Figure(figsize=(11, 3.6), layout="constrained")
    axes = fig.subplots(1, 3)
    fig.suptitle(title or f"Shift the input by (dy, dx) = ({dy}, {dx}): the response map moves by the same")
    panels = [
        (before, "response to the input", limit),
        (after, f"response to the input\nshifted by ({dy}, {dx})", limit),
        (difference, f"after − (before shifted)\nlargest |difference| {largest:.2g}", largest or limit),
    ]
    images = []
    for ax, (values, name, scale) in zip(axes, panels):
        images.append(ax.imshow(values, cmap=SIGNED_CMAP, vmin=-scale, vmax=scale))
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("column")
        ax.set_ylabel("row")
        ax.tick_params(labelsize=_TICK_SIZE)
    # the strongest response whose shifted place is still on the map
    inside = np.full(before.shape, -np.inf)
    inside[max(-dy, 0) : h - max(dy, 0), max(-dx, 0) : w - max(dx, 0)] = 0.0
    peak_r, peak_c = np.unravel_index(np.argmax(before + inside), before.shape)
    axes[0].plot(peak_c, peak_r, "o", mfc="none", mec="black", ms=10, mew=2)
    axes[1].plot(peak_c, peak_r, "o", mfc="none", mec="0.5", ms=10, mew=1.5)
    axes[1].plot(peak_c + dx, peak_r + dy, "o", mfc="none", mec="black", ms=10, mew=2)
    axes[1].annotate(
        "",
        xy=(peak_c + dx, peak_r + dy),
        xytext=(peak_c, peak_r),
        arrowprops={"arrowstyle": "->", "color": "black", "lw": 1.5},
    )
    axes[2].add_patch(
        Rectangle(
            (max(dx, 0) - 0.5, max(dy, 0) - 0.5),
            w - abs(dx),
            h - abs(dy),
            fill=False,
            edgecolor="black",
            linestyle="--",
            linewidth=1.5,
        )
    )
    for ax in axes:
        ax.set_xlim(-0.5, w - 0.5)
        ax.set_ylim(h - 0.5, -0.5)
    fig.colorbar(images[0], ax=list(axes[:2]), shrink=0.8, label="response")
    fig.colorbar(images[2], ax=axes[2], shrink=0.8, label="difference")
    return fig


def kernel_recovery(losses, learned, true, title="Learning a kernel by gradient descent"):
    """The loss per step (log scale), the learned kernel next to the true
    one (numbers written in the cells, one zero-centred colour scale), and
    their difference ``learned - true`` on its own zero-centred scale and
    colour bar, its largest absolute value in its title.
    ``losses``: 1D, one value per step; ``learned``, ``true``: ``(kh, kw)``."""
    losses = checks.array_of(losses, "losses", "(steps,)", "iuf", empty=False).astype(float)
    learned = checks.array_of(learned, "learned", "(kh, kw)", "iuf", empty=False).astype(float)
    true = checks.array_of(true, "true", "(kh, kw)", "iuf", sizes=dict(zip(("kh", "kw"), learned.shape))).astype(float)
    fig = Figure(figsize=(13, 3.4), layout="constrained")
    loss_ax, true_ax, learned_ax, error_ax = fig.subplots(1, 4, gridspec_kw={"width_ratios": [1.4, 1, 1, 1]})
    fig.suptitle(title)
    loss_ax.plot(np.arange(len(losses)), losses, marker=".")
    loss_ax.set_yscale("log")
    loss_ax.set_xlabel("gradient-descent step")
    loss_ax.set_ylabel("mean squared error")
    loss_ax.set_title("loss", fontsize=10)
    limit = _symmetric_limit(np.stack([learned, true]))
    for ax, kernel, name in (
        (true_ax, true, "true kernel"),
        (learned_ax, learned, f"learned after {len(losses)} steps"),
    ):
        image = ax.imshow(kernel, cmap=SIGNED_CMAP, vmin=-limit, vmax=limit)
        for (r, c), value in np.ndenumerate(kernel):
            ax.text(
                c,
                r,
                f"{0.0 if abs(value) < 0.005 else value:.2f}",
                ha="center",
                va="center",
                fontsize=10,
                color="white" if abs(value) > limit / 2 else "black",
            )
        ax.set_title(name, fontsize=10)
    error = learned - true
    largest = float(np.abs(error).max())
    error_image = error_ax.imshow(error, cmap=SIGNED_CMAP, vmin=-(largest or limit), vmax=largest or limit)
    error_ax.set_title(f"learned − true\nlargest |error| {largest:.1e}", fontsize=10)
    for ax in (true_ax, learned_ax, error_ax):
        ax.set_xticks(range(true.shape[1]))
        ax.set_yticks(range(true.shape[0]))
        ax.set_xlabel("kernel column")
        ax.set_ylabel("kernel row")
        ax.tick_params(labelsize=_TICK_SIZE)
    loss_ax.tick_params(labelsize=_TICK_SIZE)
    fig.colorbar(image, ax=[true_ax, learned_ax], shrink=0.8, label="weight")
    fig.colorbar(error_image, ax=error_ax, shrink=0.8, label="error")
    return fig


def composed_kernel(kernels, composed, names, title="Stacked linear convs are one conv"):
    """A chain of 2D kernels and the one kernel they compose to, numbers in
    the cells, every cell the same size, on one zero-centred diverging scale
    with a colour bar. ``kernels``: a list of ``(kh, kw)`` arrays, first layer
    first; ``composed``: ``(H, W)``; ``names``: one caption per kernel, then one
    for ``composed``."""
    kernels = [
        checks.array_of(k, f"kernels[{i}]", "(kh, kw)", "biuf", empty=False).astype(float)
        for i, k in enumerate(checks.list_of(kernels, "kernels", "(kh, kw) arrays"))
    ]
    composed = checks.array_of(composed, "composed", "(H, W)", "biuf", empty=False).astype(float)
    checks.list_of(names, "names", "captions, one per kernel and one for composed", length=len(kernels) + 1)
    panels = kernels + [composed]
    checks.require(
        max(max(k.shape) for k in panels) <= _SMALL,
        "kernels and composed",
        f"be at most {_SMALL}x{_SMALL} to print their numbers",
        max(max(k.shape) for k in panels),
    )
    # Placed by hand, in inches, so every cell is exactly _CELL_INCHES square (a constrained
    # layout only roughly equalises panels of different sizes).
    cell, left, gap, bottom, top, bar_gap, bar, bar_label = _CELL_INCHES, 0.7, 0.45, 0.7, 0.85, 0.3, 0.2, 0.9
    tallest = max(k.shape[0] for k in panels)
    width = left + cell * sum(k.shape[1] for k in panels) + gap * (len(panels) - 1) + bar_gap + bar + bar_label
    height = bottom + cell * tallest + top
    fig = Figure(figsize=(width, height))
    axes, x = [], left
    for values in panels:
        h, w = values.shape
        y = bottom + cell * (tallest - h) / 2  # centred on the tallest panel
        axes.append(fig.add_axes((x / width, y / height, cell * w / width, cell * h / height)))
        x += cell * w + gap
    bar_ax = fig.add_axes(
        ((x - gap + bar_gap) / width, bottom / height, bar / width, cell * tallest / height), label="<colorbar>"
    )
    fig.suptitle(title, y=1 - 0.12 / height, va="top")
    limit = _symmetric_limit(np.concatenate([k.ravel() for k in panels]))
    for ax, values, name in zip(axes, panels, names):
        image = ax.imshow(values, cmap=SIGNED_CMAP, vmin=-limit, vmax=limit)
        for (r, c), value in np.ndenumerate(values):
            text = f"{value:g}" if float(value).is_integer() else f"{value:.2f}"
            ax.text(
                c,
                r,
                text,
                ha="center",
                va="center",
                fontsize=_CELL_FONT,
                color="white" if abs(value) > limit / 2 else "black",
            )
        ax.set_xticks(range(values.shape[1]))
        ax.set_yticks(range(values.shape[0]))
        ax.tick_params(length=0, labelsize=_TICK_SIZE)
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("column")
    axes[0].set_ylabel("row")
    fig.colorbar(image, cax=bar_ax, label="weight")
    return fig
