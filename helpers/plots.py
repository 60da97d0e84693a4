"""Every figure the lessons draw.

Each function builds and returns a new ``matplotlib.figure.Figure`` (no
pyplot state is touched, so figures never leak between cells); every figure
has a title and its axes are labelled. In a notebook, the returned Figure
displays itself as the cell's value. A model has one style (colour, line,
marker, hatch) in every figure of the course: ``MODEL_STYLES``, read with
:func:`model_style`.
"""

import numpy as np
from matplotlib.colors import SymLogNorm
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from helpers import checks


def _grid(n, cols):
    cols = max(1, min(cols, n))
    return int(np.ceil(n / cols)), cols


def _figure(rows, cols, cell=1.6, title=None):
    fig = Figure(figsize=(cols * cell, rows * cell + (0.5 if title else 0)), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    if title:
        fig.suptitle(title)
    return fig, axes


def _grid_labels(fig, x, y):
    """Axis names once for a whole grid of images (on one panel they
    collide with the titles of the row below)."""
    fig.supxlabel(x, fontsize=8)
    fig.supylabel(y, fontsize=8)


def _pixel_axes(ax, label_axes=True):
    if label_axes:
        ax.set_xlabel("column (px)")
        ax.set_ylabel("row (px)")
    ax.tick_params(labelsize=8)


# --- argument checks (bad-input agent): clear errors before matplotlib ---------

MAX_DIAGRAM_CELLS = 64  # padding_stride_diagram draws one box per position and window


def _check_images(images, name, shape):
    """A non-empty numeric (or bool) array, as ``np.asarray``."""
    return checks.array_of(images, name, kinds="biuf", shape=shape, empty=False)


MAX_PANELS = 256  # a grid of small images: 16x16 is already too small to read, and 5,000 take minutes


def _check_panels(count, name, fix):
    """At most ``MAX_PANELS`` panels, refused before matplotlib makes them; ``fix``: what to pass."""
    if count > MAX_PANELS:
        raise ValueError(f"{name} would make {count:,} panels; a grid shows at most {MAX_PANELS}: "
                         f"pass {fix}")


def _check_captions(captions, count, name, exact=False):
    """None, or one caption per panel (a str is one caption, not a list);
    ``exact=True``: no more captions than panels either (a mismatch)."""
    if captions is None:
        return
    if isinstance(captions, str) or not hasattr(captions, "__len__"):
        raise TypeError(f"{name} must be a list of {count} captions, got {checks.describe(captions)}")
    if len(captions) < count or exact and len(captions) > count:
        raise ValueError(f"{name} must have one caption per panel ({count}), got {len(captions)}")


def _check_histories(histories, metrics):
    """``histories``: {run: {metric: [values]}}; ``metrics``: names found in them."""
    if not isinstance(histories, dict) or not histories:
        raise TypeError("histories must be a non-empty dict of run name -> history dict "
                        f"(e.g. {{'convnet': result.history}}), got {checks.describe(histories)}")
    for name, history in histories.items():
        if not isinstance(history, dict):
            hint = "; pass model.fit(...).history, not what fit returns" if hasattr(history, "history") else ""
            raise TypeError(f"histories[{name!r}] must be a dict of metric -> per-epoch values, "
                            f"got {checks.describe(history)}{hint}")
        for key, values in history.items():
            checks.array_of(values, f"histories[{name!r}][{key!r}]", ndim=1, kinds="iuf", empty=False)
    if isinstance(metrics, str):
        raise TypeError(f"metrics must be a list or tuple of metric names, e.g. ({metrics!r},), "
                        f"got the bare string {metrics!r}")
    if not isinstance(metrics, (list, tuple)) or not metrics:
        raise TypeError(f"metrics must be a non-empty list or tuple of metric names, got {checks.describe(metrics)}")
    found = sorted({key for history in histories.values() for key in history})
    for metric in metrics:
        checks.text(metric, "metrics entry")
        if not any(metric in h or f"val_{metric}" in h for h in histories.values()):
            raise ValueError(f"metrics must name entries of the histories: none has {metric!r} "
                             f"(or 'val_{metric}'); they have {found}")


def _check_bars(groups, series, means, errors):
    for name, names in (("groups", groups), ("series", series)):
        if isinstance(names, str) or not isinstance(names, (list, tuple)) or not names:
            raise TypeError(f"{name} must be a non-empty list of names, got {checks.describe(names)}")
    shape = f"(len(series), len(groups)) = ({len(series)}, {len(groups)})"
    means = checks.array_of(means, "means", kinds="iuf", shape=shape, finite=True)
    if means.shape != (len(series), len(groups)):
        raise ValueError(f"means must be {shape}, got {means.shape}")
    if errors is not None:
        errors = checks.array_of(errors, "errors", kinds="iuf", shape=shape)
        if errors.shape != means.shape:
            raise ValueError(f"errors must be {shape} like means, got {errors.shape}")
        if np.isinf(errors).any() or (errors < 0).any():  # NaN is fine: no bar (e.g. the sd of one seed)
            raise ValueError(f"errors must be >= 0 and finite (half-lengths of the error bars; NaN for "
                             f"none), got {errors[np.isinf(errors) | (errors < 0)][0]}")


def _check_lines(x, ys):
    x = checks.array_of(x, "x", ndim=1, kinds="iuf", empty=False, finite=True)
    if not isinstance(ys, dict) or not ys:
        raise TypeError(f"ys must be a non-empty dict of line name -> y values, got {checks.describe(ys)}")
    for name, y in ys.items():
        y = checks.array_of(y, f"ys[{name!r}]", ndim=1, kinds="iuf")
        if len(y) != len(x):
            raise ValueError(f"ys[{name!r}] must have one value per x ({len(x)}), got {len(y)}")


def image_grid(images, labels=None, cols=8, title="Images", cmap="gray_r"):
    """A grid of images ``(N, H, W)`` or ``(N, H, W, 1)``; ``labels``: one
    caption per image (strings or numbers)."""
    images = _check_images(images, "images", "(N, H, W) or (N, H, W, 1)")
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3:
        raise ValueError(f"images must be (N, H, W) or (N, H, W, 1), got {images.shape}")
    _check_panels(len(images), "images", f"images[:{MAX_PANELS}]")
    _check_captions(labels, len(images), "labels", exact=True)  # more labels than images: a mismatch
    rows, cols = _grid(len(images), checks.positive_int(cols, "cols"))
    fig, axes = _figure(rows, cols, title=title)
    for i, ax in enumerate(axes):
        if i >= len(images):
            ax.axis("off")
            continue
        ax.imshow(images[i], cmap=cmap)
        ax.set_xticks([]), ax.set_yticks([])
        if labels is not None:
            ax.set_title(str(labels[i]), fontsize=8)
    _grid_labels(fig, "column (px)", "row (px)")
    return fig


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


def sliding_window(image, output, row, col, k=3, stride=1, title=None):
    """The input patch that produces one output cell, highlighted on both.

    ``image`` ``(H, W)``; ``output`` ``(H', W')`` the conv response; the cell
    ``(row, col)`` of ``output`` comes from the ``k x k`` patch whose top-left
    corner is ``(row * stride, col * stride)`` of ``image``.
    """
    image = np.squeeze(_check_images(image, "image", "(H, W)"))
    output = np.squeeze(_check_images(output, "output", "(H', W')"))
    if image.ndim != 2 or output.ndim != 2:
        raise ValueError(f"image and output must be 2D, got {image.shape} and {output.shape}")
    row, col = checks.integer(row, "row"), checks.integer(col, "col")
    k, stride = checks.positive_int(k, "k"), checks.positive_int(stride, "stride")
    if not (0 <= row < output.shape[0] and 0 <= col < output.shape[1]):
        raise ValueError(f"row and col must pick a cell of the {output.shape[0]}x{output.shape[1]} output "
                         f"(0..{output.shape[0] - 1}, 0..{output.shape[1] - 1}), got ({row}, {col}), outside the output")
    if row * stride + k > image.shape[0] or col * stride + k > image.shape[1]:
        raise ValueError(f"the k={k} window of output cell ({row}, {col}) at stride {stride} starts at "
                         f"input ({row * stride}, {col * stride}) and reaches outside the "
                         f"{image.shape[0]}x{image.shape[1]} image; pass a smaller k or stride, or a cell nearer the top-left")
    fig = Figure(figsize=(8, 4), layout="constrained")
    left, right = fig.subplots(1, 2)
    fig.suptitle(title or f"A {k}x{k} window at input ({row * stride}, {col * stride}) "
                          f"gives output cell ({row}, {col})")
    left.imshow(image, cmap="gray_r")
    left.add_patch(Rectangle((col * stride - 0.5, row * stride - 0.5), k, k,
                             fill=False, edgecolor="red", linewidth=2))
    left.set_title(f"input {image.shape[0]}x{image.shape[1]}")
    right.imshow(output, cmap="viridis")
    right.add_patch(Rectangle((col - 0.5, row - 0.5), 1, 1, fill=False, edgecolor="red", linewidth=2))
    right.set_title(f"output {output.shape[0]}x{output.shape[1]}")
    for ax in (left, right):
        _pixel_axes(ax)
    return fig


def padding_stride_diagram(n, k, stride=1, pad=(0, 0), title=None):
    """Where a ``k``-wide window lands along an axis of length ``n``.

    ``pad`` = ``(before, after)`` zeros. Each row of the diagram is one
    window position; grey cells are padding. Returns the Figure.
    """
    n, k, stride = checks.positive_int(n, "n"), checks.positive_int(k, "k"), checks.positive_int(stride, "stride")
    before, after = checks.pair(pad, "pad", minimum=0)
    total = before + n + after
    if total > MAX_DIAGRAM_CELLS:
        raise ValueError(f"n + pad = {n} + {before} + {after} = {total} positions are too many to draw; "
                         f"n and pad must add up to at most {MAX_DIAGRAM_CELLS} (a short axis such as "
                         "n=8 shows the pattern: it repeats)")
    if k > total:
        raise ValueError(f"k={k} is larger than the padded axis (n + pad = {total}): no window fits; "
                         "pass a smaller k or more pad")
    starts = list(range(0, total - k + 1, stride))
    fig = Figure(figsize=(max(4, total * 0.45), max(2, len(starts) * 0.45 + 1)), layout="constrained")
    ax = fig.subplots()
    for r, start in enumerate(starts):
        for c in range(total):
            is_pad = c < before or c >= before + n
            ax.add_patch(Rectangle((c, -r - 1), 1, 1, facecolor="0.85" if is_pad else "white",
                                   edgecolor="0.6"))
        ax.add_patch(Rectangle((start, -r - 1), k, 1, fill=False, edgecolor="red", linewidth=2))
    ax.set_xlim(0, total)
    ax.set_ylim(-len(starts), 0)
    ax.set_xticks(np.arange(total) + 0.5, [str(i - before) for i in range(total)], fontsize=7)
    ax.set_yticks(-np.arange(len(starts)) - 0.5, [str(i) for i in range(len(starts))], fontsize=7)
    ax.set_xlabel("input position (negative or >= n: padding)")
    ax.set_ylabel("output position")
    ax.set_title(title or f"n={n}, k={k}, stride={stride}, pad={pad}: {len(starts)} outputs")
    return fig


# --- one style per model, in every figure of the course ----------------------
# A reader learns once that blue is the lesson convnet; every figure that
# draws a model draws it in the same colour. Colours are the Okabe-Ito
# palette (told apart with the common colour-vision deficiencies). A head
# variant keeps its model's colour and changes line, marker and hatch, so a
# family reads at a glance.

_COLOURS = {
    "dense": "#D55E00",         # vermillion: lesson 04's dense baseline
    "max": "#0072B2",           # blue: the lesson convnet (2x2 max-pooling)
    "avg": "#E69F00",           # orange
    "strided_conv": "#009E73",  # bluish green
    "learned_pool": "#CC79A7",  # reddish purple
    "none": "#000000",          # black: no downsampling at all
}
_HEADS = {  # name pattern -> (line style, marker, hatch) of that classifier head on a conv variant
    "{}": ("-", "o", None),                     # Flatten -> Dense(64): every lesson's own head
    "global max head: {}": (":", "s", "//"),    # lesson 05's position-agnostic head
}


def _style(colour, linestyle="-", marker="o", hatch=None):
    return {"color": colour, "linestyle": linestyle, "marker": marker, "hatch": hatch}


MODEL_STYLES = {"dense": _style(_COLOURS["dense"])}
MODEL_STYLES |= {pattern.format(kind): _style(_COLOURS[kind], *look)
                 for pattern, look in _HEADS.items() for kind in _COLOURS if kind != "dense"}
MODEL_STYLES["none, Dense-512"] = _style(_COLOURS["none"], "--", "^", "xx")  # lesson 05: a Dense-512 head on no pooling
MODEL_ALIASES = {"convnet": "max",          # lesson 04's name for the model lesson 05 calls max
                 "max, Dense-64": "max"}    # Dense-64 is max's own head
_MODEL_NAMES = [*MODEL_STYLES, *MODEL_ALIASES]


def model_style(name):
    """The style of model ``name`` in every figure:
    ``{"color", "linestyle", "marker", "hatch"}`` (a copy of its
    ``MODEL_STYLES`` entry; ``MODEL_ALIASES`` resolved, e.g. "convnet" is "max")."""
    return _model_style(name, "name")


def _model_style(name, argument):
    name = checks.one_of(name, argument, _MODEL_NAMES)
    return dict(MODEL_STYLES[MODEL_ALIASES.get(name, name)])


def _grey(index):
    """The style of the ``index``-th line or bar that is not a model: a grey,
    so it never reads as one of the models."""
    return _style(("0.25", "0.55", "0.75")[index % 3], ("-", "--", ":", "-.")[index % 4],
                  ("o", "s", "^", "D", "v")[index % 5], (None, "//", "..", "xx")[index % 4])


def _series_styles(names, argument, others=None):
    """``{name: style}`` for the series of one figure, in order.

    Model names (``MODEL_STYLES`` or ``MODEL_ALIASES``) get their model's
    style. Series that name no model at all (shift sizes, "clean" and
    "shifted") get ``others(index)``; with ``others=None`` every name must be
    a model. A mix is refused: a misspelt model name among models would
    otherwise change colour without a word.
    """
    names = list(names)
    if others is None or any(isinstance(name, str) and name in _MODEL_NAMES for name in names):
        return {name: _model_style(name, f"each name in {argument}") for name in names}
    return {name: others(index) for index, name in enumerate(names)}


def training_curves(histories, metrics=("loss", "accuracy"), title="Training curves", held_out="test"):
    """One panel per metric over epochs 1, 2, ... (integer ticks).

    ``histories`` maps a run name to a Keras-style history dict
    (``{'loss': [...], 'val_loss': [...], ...}``). A run named after a model
    is drawn in its :func:`model_style` colour and marker (other names: greys).
    Solid with filled markers = training, dashed with open markers = the
    ``val_*`` entries, labelled ``held_out``: "validation" for a held-out
    part of the training data (``train_and_evaluate(..., validation=...)``),
    "test" for the test set (``test_every_epoch=True``).
    """
    _check_histories(histories, metrics)
    checks.one_of(held_out, "held_out", ("test", "validation"))
    styles = _series_styles(histories, "histories", others=_grey)
    fig = Figure(figsize=(5 * len(metrics), 3.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(metrics)))
    fig.suptitle(title)
    for ax, metric in zip(axes, metrics):
        for name, history in histories.items():
            colour, marker = styles[name]["color"], styles[name]["marker"]
            for key, line, face, part in ((metric, "-", colour, "train"), (f"val_{metric}", "--", "white", held_out)):
                if key in history:   # the head of a model shows in its marker: the line style says train or held out
                    epochs = np.arange(1, len(history[key]) + 1)
                    ax.plot(epochs, history[key], linestyle=line, color=colour, marker=marker,
                            markerfacecolor=face, label=f"{name} {part}", gid=name)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))  # whole epochs, even just 1
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.set_title(metric)
        ax.legend(fontsize=8)
    return fig


def grouped_bars(groups, series, means, errors=None, ylabel="value", title="Comparison"):
    """Grouped bars with optional error bars.

    ``groups``: x-axis categories (length G); ``series``: bar names per group
    (length S); ``means``/``errors``: arrays ``(S, G)``. Series named after
    models take their :func:`model_style` colour and hatch; other series
    (measures such as "clean" and "shifted") take greys.
    """
    _check_bars(groups, series, means, errors)
    means = np.asarray(means, dtype=float)
    errors = None if errors is None else np.asarray(errors, dtype=float)
    fig = Figure(figsize=(max(5, 1.3 * len(groups) * len(series) ** 0.5 + 2), 3.8), layout="constrained")
    ax = fig.subplots()
    styles = _series_styles(series, "series", others=_grey)
    width = 0.8 / len(series)
    x = np.arange(len(groups))
    for s, name in enumerate(series):   # white edges: the hatch of a head variant shows on any colour
        ax.bar(x + (s - (len(series) - 1) / 2) * width, means[s], width, color=styles[name]["color"],
               hatch=styles[name]["hatch"], edgecolor="white", yerr=None if errors is None else errors[s],
               capsize=3, label=name, gid=name)
    ax.set_xticks(x, groups)
    ax.set_xlabel("variant")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8)
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


def line_plot(x, ys, xlabel, ylabel, title):
    """Several named lines over the same x: ``ys`` maps a name to y values
    ``(len(x),)``. A line named after a model is drawn in its
    :func:`model_style` (other names: greys)."""
    _check_lines(x, ys)
    styles = _series_styles(ys, "ys", others=_grey)
    fig = Figure(figsize=(5.5, 3.6), layout="constrained")
    ax = fig.subplots()
    for name, y in ys.items():
        style = styles[name]
        ax.plot(x, y, color=style["color"], linestyle=style["linestyle"], marker=style["marker"],
                label=name, gid=name)
    if all(float(v).is_integer() for v in np.ravel(x)):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))  # no 0.5 between whole x
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend()
    return fig


# --- lesson 01 ----------------------------------------------------------------
# Figures of lesson 01 (the convolution operation). Signed maps use one
# diverging colormap centred on zero (red > 0, blue < 0, white = 0) with a
# colour bar, so a sign and a size can be read off every panel.

SIGNED_CMAP = "RdBu_r"
_SMALL = 10  # largest side of an array whose numbers conv_arithmetic writes in its cells


def _as_channels(array, name):
    """``(H, W)`` -> ``(H, W, 1)``; ``(H, W, C)`` stays; anything else raises."""
    array = checks.array_of(array, name, ndim=(2, 3), kinds="biuf", shape="(H, W) or (H, W, C)", empty=False)
    return array[..., np.newaxis] if array.ndim == 2 else array


def _number_grid(ax, values, title, highlight=None, label_axes=False):
    """Draw a small 2D array as a table of numbers; ``highlight`` = (row, col, h, w) to outline."""
    rows, cols = values.shape
    shade = np.zeros(values.shape)
    if highlight is not None:
        r, c, h, w = highlight
        shade[r:r + h, c:c + w] = 1.0
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

    ``image`` ``(H, W)`` or ``(H, W, C)`` and ``kernel`` ``(kh, kw)`` or
    ``(kh, kw, C)``, small (sides <= 10); ``(row, col)`` is the output cell
    outlined, its window outlined on the input. With one channel: three
    panels, input | kernel | output. With C channels: one row per channel
    (input channel c | kernel channel c | their correlation) and a last
    column with the output, the sum of the C correlations.
    """
    from helpers import ops  # plots draws; ops computes the correlations it draws

    image, kernel = _as_channels(image, "image"), _as_channels(kernel, "kernel")
    if max(image.shape[:2]) > _SMALL:
        raise ValueError(f"image must be at most {_SMALL}x{_SMALL} to print its numbers, got {image.shape[:2]}")
    if kernel.shape[2] != image.shape[2]:
        raise ValueError(f"kernel has {kernel.shape[2]} channels but image has {image.shape[2]}; "
                         "pass one kernel channel per image channel")
    kh, kw, channels = kernel.shape
    partial = np.stack([ops.conv2d(image[..., c:c + 1], kernel[..., c:c + 1, np.newaxis])[..., 0]
                        for c in range(channels)], axis=-1)   # (H', W', C): one correlation per channel
    out_h, out_w = partial.shape[:2]
    if row >= out_h or col >= out_w:
        raise ValueError(f"(row, col)=({row}, {col}) is outside the {out_h}x{out_w} output")
    row, col = checks.non_negative_int(row, "row"), checks.non_negative_int(col, "col")
    window, cell = (row, col, kh, kw), (row, col, 1, 1)
    columns = 3 if channels == 1 else 4
    fig = Figure(figsize=(2.3 * columns, 2.5 * channels + 0.5), layout="constrained")
    grid = fig.add_gridspec(channels, columns)
    for c in range(channels):
        which = "" if channels == 1 else f" channel {c}"
        _number_grid(fig.add_subplot(grid[c, 0]), image[..., c], f"input{which}", window, label_axes=True)
        _number_grid(fig.add_subplot(grid[c, 1]), kernel[..., c], f"kernel{which}")
        name = "output" if channels == 1 else f"correlation,{which}"
        _number_grid(fig.add_subplot(grid[c, 2]), partial[..., c], name, cell)
    if channels > 1:
        total = partial.sum(axis=-1)
        _number_grid(fig.add_subplot(grid[:, 3]), total, "output = sum over channels", cell)
    value = partial[row, col].sum()
    fig.suptitle(title or f"output[{row}, {col}] = sum of the outlined window times the kernel = {value:g}")
    return fig


def _symmetric_limit(maps):
    return float(np.abs(maps).max()) or 1.0


def signed_maps(maps, names=None, title="Response maps", shared_scale=False, cols=4):
    """Signed feature maps ``(H, W, C)``, one panel per channel, coloured on a
    zero-centred diverging scale (red positive, blue negative, white zero)
    with a colour bar: one for all panels if ``shared_scale``, else one each."""
    maps = checks.array_of(maps, "maps", ndim=3, kinds="biuf", shape="(H, W, C) (one image, not a batch)",
                           empty=False).astype(float)
    count = maps.shape[-1]
    if names is not None and len(names) != count:
        raise ValueError(f"names must have one entry per channel ({count}), got {len(names)}")
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
        ax.tick_params(labelsize=7)
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
    their difference ``after - shift(before)``. One shared zero-centred
    colour scale; the strongest response is marked in both maps, with an
    arrow from where it was to where it moved; the dashed box on the
    difference is the interior, where both maps hold shifted content."""
    from helpers import ops

    before = checks.array_of(before, "before", ndim=2, kinds="biuf", shape="(H, W)", empty=False).astype(float)
    after = checks.array_of(after, "after", ndim=2, kinds="biuf", shape="(H, W)", empty=False).astype(float)
    if before.shape != after.shape:
        raise ValueError(f"before and after must be maps of one shape, got {before.shape} and {after.shape}")
    if not isinstance(shift, (tuple, list)) or len(shift) != 2 or not all(checks.is_int(s) for s in shift):
        raise TypeError(f"shift must be (dy, dx), two ints, got {checks.describe(shift)}")
    dy, dx = (int(s) for s in shift)
    h, w = before.shape
    difference = after - ops.shift2d(before[..., np.newaxis], dy, dx)[..., 0]
    limit = _symmetric_limit(np.stack([before, after]))
    fig = Figure(figsize=(10, 3.6), layout="constrained")
    axes = fig.subplots(1, 3)
    fig.suptitle(title or f"Shift the input by (dy, dx) = ({dy}, {dx}): the response map moves by the same")
    panels = [(before, "response to the input"), (after, f"response to the input shifted by ({dy}, {dx})"),
              (difference, "after − (before shifted)")]
    for ax, (values, name) in zip(axes, panels):
        image = ax.imshow(values, cmap=SIGNED_CMAP, vmin=-limit, vmax=limit)
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("column")
        ax.set_ylabel("row")
        ax.tick_params(labelsize=7)
    # the strongest response whose shifted place is still on the map
    inside = np.full(before.shape, -np.inf)
    inside[max(-dy, 0): h - max(dy, 0), max(-dx, 0): w - max(dx, 0)] = 0.0
    peak_r, peak_c = np.unravel_index(np.argmax(before + inside), before.shape)
    axes[0].plot(peak_c, peak_r, "o", mfc="none", mec="black", ms=10, mew=2)
    axes[1].plot(peak_c, peak_r, "o", mfc="none", mec="0.5", ms=10, mew=1.5)
    axes[1].plot(peak_c + dx, peak_r + dy, "o", mfc="none", mec="black", ms=10, mew=2)
    axes[1].annotate("", xy=(peak_c + dx, peak_r + dy), xytext=(peak_c, peak_r),
                     arrowprops={"arrowstyle": "->", "color": "black", "lw": 1.5})
    axes[2].add_patch(Rectangle((max(dx, 0) - 0.5, max(dy, 0) - 0.5), w - abs(dx), h - abs(dy),
                                fill=False, edgecolor="black", linestyle="--", linewidth=1.5))
    for ax in axes:
        ax.set_xlim(-0.5, w - 0.5)
        ax.set_ylim(h - 0.5, -0.5)
    fig.colorbar(image, ax=list(axes), shrink=0.8, label="response")
    return fig


def kernel_recovery(losses, learned, true, title="Learning a kernel by gradient descent"):
    """The loss per step (log scale) and the learned kernel next to the true
    one, numbers written in the cells, on one zero-centred colour scale.
    ``losses``: 1D, one value per step; ``learned``, ``true``: ``(kh, kw)``."""
    losses = checks.array_of(losses, "losses", ndim=1, kinds="iuf", empty=False).astype(float)
    learned = checks.array_of(learned, "learned", ndim=2, kinds="iuf", shape="(kh, kw)", empty=False).astype(float)
    true = checks.array_of(true, "true", ndim=2, kinds="iuf", shape="(kh, kw)", empty=False).astype(float)
    if learned.shape != true.shape:
        raise ValueError(f"learned and true must be kernels of one shape, got {learned.shape} and {true.shape}")
    fig = Figure(figsize=(10, 3.4), layout="constrained")
    loss_ax, true_ax, learned_ax = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1.4, 1, 1]})
    fig.suptitle(title)
    loss_ax.plot(np.arange(len(losses)), losses, marker=".")
    loss_ax.set_yscale("log")
    loss_ax.set_xlabel("gradient-descent step")
    loss_ax.set_ylabel("mean squared error")
    loss_ax.set_title("loss", fontsize=10)
    limit = _symmetric_limit(np.stack([learned, true]))
    for ax, kernel, name in ((true_ax, true, "true kernel"), (learned_ax, learned, f"learned after {len(losses)} steps")):
        image = ax.imshow(kernel, cmap=SIGNED_CMAP, vmin=-limit, vmax=limit)
        for (r, c), value in np.ndenumerate(kernel):
            ax.text(c, r, f"{0.0 if abs(value) < 0.005 else value:.2f}", ha="center", va="center", fontsize=10,
                    color="white" if abs(value) > limit / 2 else "black")
        ax.set_title(name, fontsize=10)
        ax.set_xticks(range(kernel.shape[1]))
        ax.set_yticks(range(kernel.shape[0]))
        ax.set_xlabel("kernel column")
        ax.set_ylabel("kernel row")
    fig.colorbar(image, ax=[true_ax, learned_ax], shrink=0.8, label="weight")
    return fig


def influence_maps(maps, names, title="Input pixels that reach one output unit"):
    """Binary maps ``(N, S, S)``: 1 where poking that input pixel changes one
    output unit. Drawn black on white with a pixel grid; ``names``: one
    caption per map."""
    maps = checks.array_of(maps, "maps", ndim=3, kinds="biuf", shape="(N, S, S)", empty=False).astype(float)
    if isinstance(names, str) or len(names) != len(maps):
        raise ValueError(f"names must have one entry per map ({len(maps)}), got {len(names)}")
    fig = Figure(figsize=(3 * len(maps), 3.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(maps)))
    fig.suptitle(title)
    for ax, values, name in zip(axes, maps, names):
        ax.imshow(values, cmap="Greys", vmin=0, vmax=1)
        ax.set_xticks(np.arange(values.shape[1] + 1) - 0.5, minor=True)
        ax.set_yticks(np.arange(values.shape[0] + 1) - 0.5, minor=True)
        ax.grid(which="minor", color="0.8", linewidth=0.5)
        ax.tick_params(which="both", length=0, labelsize=7)
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("input column")
        ax.set_ylabel("input row")
    return fig


# --- lesson 02 ----------------------------------------------------------------
# Figures of lesson 02 (padding, strides, dilation). 'valid' is drawn in
# PADDING_COLOURS["valid"] and 'same' in PADDING_COLOURS["same"] in every
# panel of every figure; padding zeros are light grey; input pixels that no
# window reaches are hatched.

PADDING_COLOURS = {"valid": "tab:blue", "same": "tab:orange"}
OTHER_PADDING_COLOUR = "0.3"  # a padding that is neither, e.g. a mirrored 'same'
_UNSEEN_HATCH = {"fill": False, "hatch": "///", "edgecolor": "tab:red", "linewidth": 0}


def _padding_colour(label):
    """The colour of the padding named in ``label``: the first of 'valid' /
    'same' it contains (``"'same', k=4"`` -> the 'same' colour), else grey."""
    for name, colour in PADDING_COLOURS.items():
        if name in str(label):
            return colour
    return OTHER_PADDING_COLOUR


def _cell_grid(ax, rows, cols, first_row=0, first_col=0):
    """Lines between the cells of an image whose pixel centres sit at integers
    from ``(first_row, first_col)``; a tick on every cell."""
    ax.set_xticks(range(first_col, first_col + cols))
    ax.set_yticks(range(first_row, first_row + rows))
    ax.tick_params(length=0, labelsize=8)
    x_edges = np.arange(first_col, first_col + cols + 1) - 0.5
    y_edges = np.arange(first_row, first_row + rows + 1) - 0.5
    ax.vlines(x_edges, y_edges[0], y_edges[-1], color="0.6", linewidth=0.6)
    ax.hlines(y_edges, x_edges[0], x_edges[-1], color="0.6", linewidth=0.6)


def _one_map(values, name):
    """``values`` as one 2-D array ``(H, W)``, or a ValueError naming ``name``."""
    values = np.asarray(values)
    if values.ndim != 2:
        raise ValueError(f"{name} must be one 2-D map (H, W), got shape {values.shape}")
    return values


def _starts(total, span, stride):
    """Where a window ``span`` wide starts along an axis of length ``total``."""
    return list(range(0, total - span + 1, stride))


def _covered(total, span, starts):
    """``(total,)`` bool: True where some window starting at ``starts`` reaches."""
    covered = np.zeros(total, dtype=bool)
    for start in starts:
        covered[start:start + span] = True
    return covered


def window_positions(n, windows, stride=1, title=None):
    """Every place a square window lands on an ``n x n`` input, numbered,
    beside the output grid those numbers fill.

    ``windows``: ``{label: (k, (before, after))}``: a ``k x k`` window and
    the zeros added before and after on both axes; one row of two panels per
    entry. Left: the padded input (padding grey), each window's number
    written at the window's centre -- on a pixel for odd ``k``, on a pixel
    corner for even ``k`` -- the first window outlined solid, the last
    dashed, input pixels no window covers hatched. Right: the output grid,
    cell ``m`` filled by window ``m``. Colours: :func:`_padding_colour` of
    each label.
    """
    if not isinstance(windows, dict) or not windows:
        raise ValueError(f"windows must be a non-empty dict {{label: (k, (before, after))}}, got {windows!r}")
    widest = max(before + n + after for _, (before, after) in windows.values())
    fig = Figure(figsize=(max(7.5, 1.6 + 0.8 * widest), 0.6 + (0.45 * widest + 0.7) * len(windows)),
                 layout="constrained")
    grid = fig.add_gridspec(len(windows), 2, width_ratios=[1.0, 0.6])
    fig.suptitle(title or f"Stride {stride} on a {n}x{n} input: where window m lands, "
                          "and the output cell it fills", fontsize=11)
    for row, (label, (k, (before, after))) in enumerate(windows.items()):
        total = before + n + after
        starts = _starts(total, k, stride)
        if not starts:
            raise ValueError(f"windows[{label!r}]: a {k}-wide window does not fit in "
                             f"{n} + {before} + {after} = {total} positions; pass more padding or a smaller k")
        colour, out, covered = _padding_colour(label), len(starts), _covered(total, k, starts)
        inp, outp = fig.add_subplot(grid[row, 0]), fig.add_subplot(grid[row, 1])
        is_pad = np.ones((total, total))
        is_pad[before:before + n, before:before + n] = 0
        inp.imshow(is_pad, cmap="Greys", vmin=0, vmax=5,
                   extent=(-before - 0.5, n + after - 0.5, n + after - 0.5, -before - 0.5))
        for r, c in np.ndindex(n, n):
            if not (covered[before + r] and covered[before + c]):
                inp.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, **_UNSEEN_HATCH))
        centre = (k - 1) / 2 - before   # window (i, j) starts at padded (i*stride, j*stride)
        for i, j in np.ndindex(out, out):
            inp.text(starts[j] + centre, starts[i] + centre, str(i * out + j), ha="center", va="center",
                     fontsize=9, color=colour, fontweight="bold",
                     bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"})
        for start, style, inset in ((starts[0], "-", 0.08), (starts[-1], "--", 0.16)):
            corner = start - before - 0.5 + inset
            inp.add_patch(Rectangle((corner, corner), k - 2 * inset, k - 2 * inset, fill=False,
                                    edgecolor=colour, linewidth=2.2, linestyle=style))
        _cell_grid(inp, total, total, -before, -before)
        inp.set_title(f"{label}: {k}x{k} window, pads ({before}, {after}), {out * out} window positions",
                      fontsize=10, color=colour)
        notes = (["grey: padding"] if before or after else []) + \
                ([] if covered[before:before + n].all() else ["hatched: never covered"])
        inp.set_xlabel("input column" + (f" ({'; '.join(notes)})" if notes else ""))
        inp.set_ylabel("input row")
        outp.imshow(np.zeros((out, out)), cmap="Greys", vmin=0, vmax=1)
        for i, j in np.ndindex(out, out):
            outp.text(j, i, str(i * out + j), ha="center", va="center", fontsize=9, color=colour,
                      fontweight="bold")
        _cell_grid(outp, out, out)
        outp.set_title(f"output {out}x{out}", fontsize=10, color=colour)
        outp.set_xlabel("output column")
        outp.set_ylabel("output row")
    return fig


def window_counts(counts, title="How many windows contain each input pixel"):
    """``counts``: ``{label: (H, W) numbers}``, one panel each, all on one
    colour scale (0 to the largest count) with one colour bar; maps up to
    10x10 show their numbers. Titles take :func:`_padding_colour` of the label."""
    if not isinstance(counts, dict) or not counts:
        raise ValueError(f"counts must be a non-empty dict {{label: (H, W) array}}, got {counts!r}")
    maps = {label: _one_map(values, f"counts[{label!r}]") for label, values in counts.items()}
    top = max(float(values.max()) for values in maps.values()) or 1.0
    small = max(max(values.shape) for values in maps.values()) <= 10
    fig = Figure(figsize=(3.3 * len(maps) + 1.2, 3.9), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(maps)))
    fig.suptitle(title, fontsize=11)
    for ax, (label, values) in zip(axes, maps.items()):
        shown = ax.imshow(values, cmap="viridis", vmin=0, vmax=top)
        if small:
            for (r, c), v in np.ndenumerate(values):
                ax.text(c, r, f"{v:g}", ha="center", va="center", fontsize=9,
                        color="black" if v > top / 2 else "white")
            _cell_grid(ax, *values.shape)
        ax.set_title(f"{label}: {values.min():g} to {values.max():g}", fontsize=10,
                     color=_padding_colour(label))
        ax.set_xlabel("input column")
        ax.set_ylabel("input row")
    fig.colorbar(shown, ax=list(axes), shrink=0.85, label="windows containing the pixel")
    return fig


def strided_walk(image, k=3, strides=(1, 2, 3), title=None):
    """A 'valid' ``k x k`` conv walking over ``image`` ``(H, W)``, one panel
    per stride: a dot at the centre of every window, the first window outlined
    solid and the next one dashed (they are one stride apart), and the rows
    and columns no window reaches hatched."""
    image = _one_map(np.squeeze(image), "image")
    (h, w), colour = image.shape, PADDING_COLOURS["valid"]
    fig = Figure(figsize=(3.6 * len(strides), 4.1), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(strides)))
    fig.suptitle(title or f"A {k}x{k} 'valid' conv on a {h}x{w} input, stride by stride", fontsize=11)
    for ax, s in zip(axes, strides):
        rows, cols = _starts(h, k, s), _starts(w, k, s)
        if not rows or not cols:
            raise ValueError(f"a {k}x{k} window does not fit the {h}x{w} image; pass a smaller k")
        ax.imshow(image, cmap="gray_r")
        cy, cx = np.meshgrid(np.array(rows) + (k - 1) / 2, np.array(cols) + (k - 1) / 2, indexing="ij")
        ax.plot(cx.ravel(), cy.ravel(), ".", color=colour, markersize=3 if s == 1 else 5)
        for start, style, inset in zip(cols[:2], ("-", "--"), (0.1, 0.25)):
            ax.add_patch(Rectangle((start - 0.5 + inset, -0.5 + inset), k - 2 * inset, k - 2 * inset,
                                   fill=False, edgecolor=colour, linewidth=2, linestyle=style))
        seen_rows, seen_cols = _covered(h, k, rows), _covered(w, k, cols)
        for r in np.flatnonzero(~seen_rows):
            ax.add_patch(Rectangle((-0.5, r - 0.5), w, 1, **_UNSEEN_HATCH))
        for c in np.flatnonzero(~seen_cols):
            ax.add_patch(Rectangle((c - 0.5, -0.5), 1, h, **_UNSEEN_HATCH))
        unseen = h * w - int(seen_rows.sum()) * int(seen_cols.sum())
        ax.set_title(f"stride {s}: {len(rows) * len(cols)} window positions, {unseen} px never seen",
                     fontsize=10, color=colour)
        ax.set_xlabel("input column (px)")
        ax.set_ylabel("input row (px)")
    return fig


def stride_shrink(strides, sizes, unseen, n, title=None):
    """Two panels against the stride: the output side (one line per padding,
    with ``n / s`` dotted) and the input pixels never seen.

    ``sizes`` and ``unseen``: ``{padding: [one value per stride]}``; lines
    take :func:`_padding_colour` of the padding.
    """
    strides = list(strides)
    for name, series in (("sizes", sizes), ("unseen", unseen)):
        for label, values in series.items():
            if len(values) != len(strides):
                raise ValueError(f"{name}[{label!r}] must hold one value per stride ({len(strides)}), "
                                 f"got {len(values)}")
    fig = Figure(figsize=(10, 3.8), layout="constrained")
    left, right = fig.subplots(1, 2)
    fig.suptitle(title or f"A conv on an {n}x{n} input, strides {strides[0]}..{strides[-1]}", fontsize=11)
    left.plot(strides, [n / s for s in strides], ":", color="black", label="n / s")
    # 'valid' large and hollow, 'same' small and filled: where they are equal both still show
    markers = {"valid": ("s", 10, "none"), "same": ("o", 5, None)}
    for ax, series in ((left, sizes), (right, unseen)):
        for label, values in series.items():
            marker, size, face = markers.get(label, ("^", 6, None))
            colour = _padding_colour(label)
            ax.plot(strides, values, marker=marker, markersize=size, markerfacecolor=face or colour,
                    color=colour, label=f"'{label}'")
        ax.set_xlabel("stride s")
        ax.set_xticks(strides)
        ax.legend(fontsize=9)
        ax.grid(alpha=0.3)
    left.set_ylabel("output side (cells)")
    left.set_title("output size", fontsize=10)
    right.set_ylabel(f"input pixels never seen (of {n * n})")
    right.set_title("pixels no window covers (measured)", fontsize=10)
    return fig


def dilated_taps(k=3, dilations=(1, 2, 3), title=None):
    """Where the ``k x k`` weights of a conv read the input at each dilation
    ``d``: ``k x k`` taps ``d`` pixels apart (filled), inside the
    ``d*(k - 1) + 1`` square they span (outlined), drawn on one common grid
    of offsets from the centre tap."""
    for d in dilations:
        if d < 1:
            raise ValueError(f"dilations must be ints >= 1, got {d}")
    half = max(dilations) * (k - 1) // 2 + 1    # grid radius: the widest span and one pixel more
    side = 2 * half + 1
    fig = Figure(figsize=(0.5 + 3.0 * len(dilations), 3.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(dilations)))
    fig.suptitle(title or f"A {k}x{k} kernel at dilation d: {k * k} taps spread over a "
                          "d(k - 1) + 1 square", fontsize=11)
    for ax, d in zip(axes, dilations):
        span, first = d * (k - 1) + 1, half - d * (k - 1) // 2
        taps = np.zeros((side, side))
        taps[first:first + span:d, first:first + span:d] = 1
        ax.imshow(taps, cmap="Greys", vmin=0, vmax=1.4,
                  extent=(-half - 0.5, half + 0.5, half + 0.5, -half - 0.5))
        _cell_grid(ax, side, side, -half, -half)
        ax.add_patch(Rectangle((first - half - 0.5, first - half - 0.5), span, span, fill=False,
                               edgecolor="tab:green", linewidth=2.2))
        ax.set_title(f"d = {d}: spans {span}x{span}", fontsize=10)
        ax.set_xlabel("column offset from the centre tap")
        ax.set_ylabel("row offset")
    return fig


# --- lesson 03: pooling ------------------------------------------------------
# Figures of lesson 03. Maps that are compared share one colour scale and one
# colour bar; feature-map axes count rows and columns (units, not pixels).

_WINDOW_COLOURS = ("tab:red", "tab:orange", "tab:green", "tab:purple")
_STAGE_COLOURS = ("0.55", "tab:blue", "tab:orange", "tab:green")


def _two_d(values, name):
    values = np.asarray(values)
    if values.ndim != 2:
        raise ValueError(f"{name} must be one 2-D map (H, W), got shape {values.shape}; "
                         "pick a channel with map[..., c]")
    return values


def _map_axes(ax, values=None):
    """Row/column labels; integer ticks (every one, when ``values`` is given: small maps)."""
    from matplotlib.ticker import MaxNLocator

    ax.set_xlabel("column")
    ax.set_ylabel("row")
    ax.tick_params(labelsize=8)
    if values is None:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        ax.set_xticks(range(values.shape[1]))
        ax.set_yticks(range(values.shape[0]))


def _write_values(ax, values, vmin, vmax, bold=None):
    """Each value printed in its cell, dark on light cells and light on dark;
    cells where ``bold`` (a bool array) is True in bold."""
    middle = (vmin + vmax) / 2
    for (r, c), v in np.ndenumerate(values):
        ax.text(c, r, f"{v:g}", ha="center", va="center", fontsize=10,
                fontweight="bold" if bold is not None and bold[r, c] else "normal",
                color="black" if v > middle else "white")


def pooling_windows(feature_map, pooled, pool=2, image=None, title=None):
    """A map cut into its ``pool x pool`` windows (stride ``pool``), beside the pooled map.

    ``feature_map`` ``(H, W)``; ``pooled`` ``(H // pool, W // pool)``;
    ``image``: an optional input ``(h, w)`` drawn first. Both maps share one
    colour scale. Rows and columns no window reaches (``H`` not a multiple of
    ``pool``: the floor) are hatched. Maps up to 8x8 show their values (each
    window's maximum in bold), and each window and its output cell get the
    same coloured frame.
    """
    feature_map, pooled = _two_d(feature_map, "feature_map"), _two_d(pooled, "pooled")
    out_h, out_w = feature_map.shape[0] // pool, feature_map.shape[1] // pool
    if pooled.shape != (out_h, out_w):
        raise ValueError(f"pooled must be (H // pool, W // pool) = ({out_h}, {out_w}) for a "
                         f"{feature_map.shape} map and pool={pool}, got {pooled.shape}")
    small = max(feature_map.shape) <= 8
    columns = 2 if image is None else 3
    fig = Figure(figsize=(3.6 * columns + 0.8, 3.9), layout="constrained")
    axes = fig.subplots(1, columns)
    fig.suptitle(title or f"{pool}x{pool} max-pooling, stride {pool}: "
                          f"{feature_map.shape[0]}x{feature_map.shape[1]} -> {out_h}x{out_w}")
    if image is not None:
        image = _two_d(image, "image")
        axes[0].imshow(image, cmap="gray_r")
        axes[0].set_title(f"input {image.shape[0]}x{image.shape[1]}", fontsize=10)
        _pixel_axes(axes[0])
        axes[0].tick_params(labelsize=8)
    map_ax, pooled_ax = axes[-2], axes[-1]
    vmin, vmax = float(feature_map.min()), float(feature_map.max())
    shown = map_ax.imshow(feature_map, cmap="viridis", vmin=vmin, vmax=vmax)
    pooled_ax.imshow(pooled, cmap="viridis", vmin=vmin, vmax=vmax)
    map_ax.set_title(f"map {feature_map.shape[0]}x{feature_map.shape[1]}, its {pool}x{pool} windows",
                     fontsize=10)
    pooled_ax.set_title(f"max of each window: {out_h}x{out_w}", fontsize=10)
    winners = np.zeros(feature_map.shape, dtype=bool)
    for r in range(out_h):
        for c in range(out_w):
            window = feature_map[r * pool:(r + 1) * pool, c * pool:(c + 1) * pool]
            winners[r * pool:(r + 1) * pool, c * pool:(c + 1) * pool] |= window == window.max()
            if small:   # a frame just inside each window, the same colour on its output cell
                colour = _WINDOW_COLOURS[(r * out_w + c) % len(_WINDOW_COLOURS)]
                map_ax.add_patch(Rectangle((c * pool - 0.42, r * pool - 0.42), pool - 0.16, pool - 0.16,
                                           fill=False, edgecolor=colour, linewidth=3))
                pooled_ax.add_patch(Rectangle((c - 0.42, r - 0.42), 0.84, 0.84, fill=False,
                                              edgecolor=colour, linewidth=3))
            else:
                map_ax.add_patch(Rectangle((c * pool - 0.5, r * pool - 0.5), pool, pool, fill=False,
                                           edgecolor="white", linewidth=0.5))
    height, width = feature_map.shape
    if height > out_h * pool:   # the floor: rows no window reaches
        map_ax.add_patch(Rectangle((-0.5, out_h * pool - 0.5), width, height - out_h * pool,
                                   facecolor="none", edgecolor="white", hatch="xx", linewidth=0))
    if width > out_w * pool:    # ... and columns
        map_ax.add_patch(Rectangle((out_w * pool - 0.5, -0.5), width - out_w * pool, height,
                                   facecolor="none", edgecolor="white", hatch="xx", linewidth=0))
    if small:
        _write_values(map_ax, feature_map, vmin, vmax, bold=winners)
        _write_values(pooled_ax, pooled, vmin, vmax)
    _map_axes(map_ax, feature_map if small else None)
    _map_axes(pooled_ax, pooled if small else None)
    fig.colorbar(shown, ax=[map_ax, pooled_ax], label="activation", shrink=0.85)
    return fig


def compare_maps(panels, title, annotate=False, label="activation"):
    """2-D maps side by side on one shared colour scale, with one colour bar.

    ``panels``: ``[(values (H, W), subtitle), ...]`` (sizes may differ);
    ``annotate=True`` writes every value in its cell (for small maps).
    """
    if not panels:
        raise ValueError("panels must hold at least one (values, subtitle) pair, got none")
    panels = [(_two_d(values, f"panels[{i}] values"), subtitle) for i, (values, subtitle) in enumerate(panels)]
    vmin = min(float(values.min()) for values, _ in panels)
    vmax = max(float(values.max()) for values, _ in panels)
    fig = Figure(figsize=(2.9 * len(panels) + 1.0, 3.5), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(panels)))
    fig.suptitle(title)
    for ax, (values, subtitle) in zip(axes, panels):
        shown = ax.imshow(values, cmap="viridis", vmin=vmin, vmax=vmax)
        ax.set_title(subtitle, fontsize=10)
        if annotate:
            _write_values(ax, values, vmin, vmax)
        _map_axes(ax, values if annotate else None)
    fig.colorbar(shown, ax=list(axes), label=label, shrink=0.85)
    return fig


def shift_change_bars(share, relative, title):
    """How much a shift changed the maps: one panel per measure, each on its own axis.

    ``share`` and ``relative`` map a stage name (e.g. "max-pool") to the
    per-run means over digits (one run = a kernel seed and a shift
    direction): the share of active units that changed, and the relative L2
    change. Bars: the mean over runs; dots: each run.
    """
    if list(share) != list(relative) or not share:
        raise ValueError(f"share and relative must name the same stages in the same order, "
                         f"got {list(share)} and {list(relative)}")
    stages = list(share)
    fig = Figure(figsize=(9.5, 3.8), layout="constrained")
    axes = fig.subplots(1, 2)
    fig.suptitle(title)
    x = np.arange(len(stages))
    measures = ((share, "share of active units", "units whose value changed", 1.05),
                (relative, "||after - before|| / ||before||", "relative (L2) size of the change", None))
    for ax, (values, ylabel, subtitle, top) in zip(axes, measures):
        runs = [np.asarray(values[s], dtype=float).ravel() for s in stages]
        ax.bar(x, [r.mean() for r in runs], 0.6, color=[_STAGE_COLOURS[i % 4] for i in x])
        for i, r in enumerate(runs):
            ax.plot(i + np.linspace(-0.12, 0.12, len(r)), r, "o", color="black", markersize=3)
        ax.set_xticks(x, stages)
        ax.set_xlabel("map compared")
        ax.set_ylabel(ylabel)
        ax.set_ylim(0, top)
        ax.set_title(subtitle, fontsize=10)
    return fig


def shift_status(rows, title):
    """Which units a shift changed, one row per stage.

    ``rows``: ``[(name, before (H, W), after (H, W)), ...]``: the map of a
    digit and of the shifted digit. Each row shows both on one colour scale
    and a third panel: grey inactive in both, blue active and unchanged, red
    changed (beyond float round-off, 1e-5 of the map's peak).
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    if not rows:
        raise ValueError("rows must hold at least one (name, before, after) triple, got none")
    fig = Figure(figsize=(10.5, 3.3 * len(rows) + 0.6), layout="constrained")
    axes = np.atleast_2d(fig.subplots(len(rows), 3))
    fig.suptitle(title)
    colours = ListedColormap(["0.92", "tab:blue", "tab:red"])
    for ax_row, (name, before, after) in zip(axes, rows):
        before, after = _two_d(before, f"{name} before"), _two_d(after, f"{name} after")
        if before.shape != after.shape:
            raise ValueError(f"{name}: before and after must have the same shape, "
                             f"got {before.shape} and {after.shape}")
        changed = np.abs(after - before) > 1e-5 * np.abs(before).max()
        status = np.where(changed, 2, np.where((before > 0) | (after > 0), 1, 0))
        vmax = max(float(before.max()), float(after.max()))
        ax_row[0].imshow(before, cmap="viridis", vmin=0, vmax=vmax)
        ax_row[0].set_title(f"{name}: digit", fontsize=10)
        shown = ax_row[1].imshow(after, cmap="viridis", vmin=0, vmax=vmax)
        ax_row[1].set_title(f"{name}: shifted digit", fontsize=10)
        fig.colorbar(shown, ax=list(ax_row[:2]), label="activation", shrink=0.8)
        ax_row[2].imshow(status, cmap=colours, vmin=0, vmax=2)
        ax_row[2].set_title(f"changed: {(status == 2).sum()} of {(status > 0).sum()} active units",
                            fontsize=10)
        for ax in ax_row:
            _map_axes(ax)
    fig.legend(handles=[Patch(color="tab:red", label="changed"),
                        Patch(color="tab:blue", label="active, unchanged"),
                        Patch(color="0.92", label="inactive in both")],
               loc="outside lower center", ncols=3, fontsize=9)
    return fig


# --- lesson 05 ----------------------------------------------------------------
# Figures of lesson 05 (the downsampling ablation).

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
