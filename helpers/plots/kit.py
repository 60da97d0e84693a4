"""The shared kit of the course's figures: panel grids, axes, argument checks,
one style per model, and the figures more than one lesson draws."""

import numpy as np
from matplotlib.figure import Figure
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


def _pixel_axes(ax, label_axes=True):
    if label_axes:
        ax.set_xlabel("column (px)")
        ax.set_ylabel("row (px)")
    ax.tick_params(labelsize=9)


# Signed maps (a response, a gradient, a difference) use one diverging colormap centred on zero
# (red > 0, blue < 0, white = 0) with a colour bar, so a sign and a size can be read off every panel.
SIGNED_CMAP = "RdBu_r"
MAX_PANELS = 256  # a grid of small images: 16x16 is already too small to read, and 5,000 take minutes


def _check_panels(count, name, fix):
    """At most ``MAX_PANELS`` panels, refused before matplotlib makes them; ``fix``: what to pass."""
    checks.require(count <= MAX_PANELS, name, f"make at most {MAX_PANELS} panels: pass {fix}", f"{count:,} panels")


def _check_captions(captions, count, name, exact=False):
    """None, or one caption per panel (a str is one caption, not a list);
    ``exact=True``: no more captions than panels either (a mismatch)."""
    if captions is not None:
        checks.list_of(captions, name, f"captions, one per panel ({count})", count if exact else None, count)


# --- one style per model, in every figure of the course ----------------------
# A reader learns once that blue is the lesson convnet; every figure that
# draws a model draws it in the same colour. Colours are the Okabe-Ito
# palette (told apart with the common colour-vision deficiencies). A head
# variant keeps its model's colour and changes line, marker and hatch, so a
# family reads at a glance.

_COLOURS = {
    "dense": "#D55E00",  # vermillion: lesson 04's dense baseline
    "max": "#0072B2",  # blue: the lesson convnet (2x2 max-pooling)
    "avg": "#E69F00",  # orange
    "strided_conv": "#009E73",  # bluish green
    "learned_pool": "#CC79A7",  # reddish purple
    "none": "#000000",  # black: no downsampling at all
}
_HEADS = {  # name pattern -> (line style, marker, hatch) of that classifier head on a conv variant
    "{}": ("-", "o", None),  # Flatten -> Dense(64): every lesson's own head
    "global max head: {}": (":", "s", "//"),  # lesson 05's position-agnostic head
}


def _style(colour, linestyle="-", marker="o", hatch=None):
    return {"color": colour, "linestyle": linestyle, "marker": marker, "hatch": hatch}


MODEL_STYLES = {"dense": _style(_COLOURS["dense"])}
MODEL_STYLES |= {
    pattern.format(kind): _style(_COLOURS[kind], *look)
    for pattern, look in _HEADS.items()
    for kind in _COLOURS
    if kind != "dense"
}
MODEL_STYLES["none, Dense-512"] = _style(_COLOURS["none"], "--", "^", "xx")  # lesson 05: a Dense-512 head on no pooling
MODEL_ALIASES = {
    "convnet": "max",  # lesson 04's name for the model lesson 05 calls max
    "max, Dense-64": "max",  # Dense-64 is max's own head
    "none, Dense-64": "none",
}  # and none's
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
    return _style(
        ("0.25", "0.55", "0.75")[index % 3],
        ("-", "--", ":", "-.")[index % 4],
        ("o", "s", "^", "D", "v")[index % 5],
        (None, "//", "..", "xx")[index % 4],
    )


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


def image_grid(images, labels=None, cols=8, title="Images", cmap="gray_r"):
    """A grid of images ``(N, H, W)`` or ``(N, H, W, 1)``; ``labels``: one
    caption per image (strings or numbers)."""
    images = checks.array_of(images, "images", "(N, H, W) or (N, H, W, 1)", "biuf", empty=False)
    images = images[..., 0] if images.ndim == 4 else images
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
    checks.dict_of(histories, "histories", "run name -> history dict (e.g. {'convnet': result.history})")
    for name, history in histories.items():
        checks.dict_of(history, f"histories[{name!r}]", "metric -> per-epoch values (model.fit(...).history)")
        for key, values in history.items():
            checks.array_of(values, f"histories[{name!r}][{key!r}]", "(epochs,)", "iuf", empty=False)
    checks.list_of(metrics, "metrics", "metric names, e.g. ('loss',)")
    for metric in metrics:
        checks.require(
            any(metric in h or f"val_{metric}" in h for h in histories.values()),
            "metrics",
            "name entries of the histories",
            repr(checks.text(metric, "metrics entry")),
        )
    checks.one_of(held_out, "held_out", ("test", "validation"))
    styles = _series_styles(histories, "histories", others=_grey)
    fig = Figure(figsize=(5 * len(metrics), 3.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(metrics)))
    fig.suptitle(title)
    for ax, metric in zip(axes, metrics):
        for name, history in histories.items():
            colour, marker = styles[name]["color"], styles[name]["marker"]
            for key, line, face, part in ((metric, "-", colour, "train"), (f"val_{metric}", "--", "white", held_out)):
                if key in history:  # the head of a model shows in its marker: the line style says train or held out
                    epochs = np.arange(1, len(history[key]) + 1)
                    ax.plot(
                        epochs,
                        history[key],
                        linestyle=line,
                        color=colour,
                        marker=marker,
                        markerfacecolor=face,
                        label=f"{name} {part}",
                        gid=name,
                    )
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))  # whole epochs, even just 1
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.set_title(metric)
        ax.legend(fontsize=8)
    return fig


def line_plot(x, ys, xlabel, ylabel, title):
    """Several named lines over the same x: ``ys`` maps a name to y values
    ``(len(x),)``. A line named after a model is drawn in its
    :func:`model_style` (other names: greys)."""
    x = checks.array_of(x, "x", "(N,)", "iuf", empty=False, finite=True)
    checks.dict_of(ys, "ys", "line name -> y values")
    for name, y in ys.items():
        checks.array_of(y, f"ys[{name!r}]", "(N,)", "iuf", sizes={"N": len(x)})
    styles = _series_styles(ys, "ys", others=_grey)
    fig = Figure(figsize=(5.5, 3.6), layout="constrained")
    ax = fig.subplots()
    for name, y in ys.items():
        style = styles[name]
        ax.plot(x, y, color=style["color"], linestyle=style["linestyle"], marker=style["marker"], label=name, gid=name)
    if all(float(v).is_integer() for v in np.ravel(x)):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))  # no 0.5 between whole x
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend()
    return fig


def grouped_bars(groups, series, means, errors=None, ylabel="value", title="Comparison"):
    """Grouped bars with optional error bars.

    ``groups``: x-axis categories (length G); ``series``: bar names per group
    (length S); ``means``/``errors``: arrays ``(S, G)``. Series named after
    models take their :func:`model_style` colour and hatch; other series
    (measures such as "clean" and "shifted") take greys.
    """
    groups, series = checks.list_of(groups, "groups", "names"), checks.list_of(series, "series", "names")
    sizes = {"S": len(series), "G": len(groups)}
    means = checks.array_of(means, "means", "(S, G)", "iuf", sizes=sizes, finite=True).astype(float)
    errors = None if errors is None else checks.array_of(errors, "errors", "(S, G)", "iuf", sizes=sizes).astype(float)
    checks.require(
        errors is None or not (np.isinf(errors) | (errors < 0)).any(),
        "errors",
        "be >= 0 (NaN: no bar)",
        "a negative or infinite one",
    )
    fig = Figure(figsize=(max(5, 1.3 * len(groups) * len(series) ** 0.5 + 2), 3.8), layout="constrained")
    ax = fig.subplots()
    styles = _series_styles(series, "series", others=_grey)
    width = 0.8 / len(series)
    x = np.arange(len(groups))
    for s, name in enumerate(series):  # white edges: the hatch of a head variant shows on any colour
        ax.bar(
            x + (s - (len(series) - 1) / 2) * width,
            means[s],
            width,
            color=styles[name]["color"],
            hatch=styles[name]["hatch"],
            edgecolor="white",
            yerr=None if errors is None else errors[s],
            capsize=3,
            label=name,
            gid=name,
        )
    ax.set_xticks(x, groups)
    ax.set_xlabel("variant")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8)
    return fig
