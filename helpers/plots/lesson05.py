"""Figures of lesson 05, the downsampling ablation (``receptive_fields`` also in lesson 03)."""

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from helpers import checks
from helpers.plots.kit import _pixel_axes, _series_styles, _style


def accuracy_vs_shift(shifts, accuracies, title="Accuracy on shifted test digits"):
    """Accuracy against how far the test digits were moved, one line per
    model: the mean over seeds, error bars one sample sd over seeds.

    ``shifts``: ``(D,)`` pixels; ``accuracies``: ``{model: (S, D) array}``,
    one row per seed (``S >= 1``; one seed draws no error bars). Every key
    must be a model: it is drawn in its :func:`model_style`.
    """
    shifts = checks.array_of(shifts, "shifts", "(D,)", "iuf", empty=False)
    styles = _series_styles(accuracies, "accuracies")
    fig = Figure(figsize=(6.4, 4.2), layout="constrained")
    ax = fig.subplots()
    offsets = np.linspace(-0.12, 0.12, len(accuracies)) if len(accuracies) > 1 else [0.0]
    for offset, (name, values) in zip(offsets, accuracies.items()):
        values = np.atleast_2d(
            checks.array_of(values, f"accuracies[{name!r}]", "(D,) or (seeds, D)", "iuf", sizes={"D": len(shifts)})
        ).astype(float)
        errors = values.std(axis=0, ddof=1) if len(values) > 1 else None
        style = styles[name]
        ax.errorbar(
            shifts + offset,
            values.mean(axis=0),
            yerr=errors,
            color=style["color"],
            linestyle=style["linestyle"],
            marker=style["marker"],
            capsize=3,
            label=f"{name} ({len(values)} seed{'s' * (len(values) > 1)})",
            gid=name,
        )
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
    image = checks.array_of(np.squeeze(image), "image", "(H, W)", "biuf")
    fig = Figure(figsize=(5.0, 4.6), layout="constrained")
    ax = fig.subplots()
    ax.imshow(image, cmap="gray_r")
    styles = _series_styles(boxes, "boxes", others=_box_colour)
    for label, (top, left, size) in boxes.items():
        ax.add_patch(
            Rectangle(
                (left - 0.5, top - 0.5),
                size,
                size,
                fill=False,
                lw=2.5,
                ec=styles[label]["color"],
                linestyle=styles[label]["linestyle"],
                label=f"{label}: {size}×{size}",
                gid=label,
            )
        )
    ax.set_title(title)
    _pixel_axes(ax)
    ax.legend(loc="lower left", fontsize=8)
    return fig


_VERDICT_MARKS = {"supported": ("black", "o"), "contradicted": ("black", "X"), "not settled": ("0.55", "o")}


def paired_differences(verdicts, title="Paired differences, one point per seed"):
    """One row per claim (``helpers.verdicts.Verdict``: ``claim``, ``metric``,
    ``diffs``, ``mean``, ``expect``, ``verdict``), one point per seed, a bar
    at the mean, and the zero line; one panel per claim label and metric.
    The side of zero the claim predicts is shaded; the
    verdict is written at the end of its row: filled black points where
    *supported*, crosses where *contradicted*, grey where *not settled*.
    Rows that share a label before ")" and a metric ("(b) ...") share a panel, so
    one claim's seeds are not squashed by another claim's larger differences."""
    verdicts = checks.list_of(list(verdicts), "verdicts", "verdicts, as helpers.ablation.claims returns them")
    group = lambda v: (v.claim.split(")")[0] + ")", v.metric)  # "(b)", "drop ..." : a claim's rows share an axis
    panels = list(dict.fromkeys(group(v) for v in verdicts))
    rows = [[v for v in verdicts if group(v) == key] for key in panels]
    metrics = [metric for _, metric in panels]
    fig = Figure(figsize=(8.4, 0.45 * len(verdicts) + 1.0 * len(metrics) + 0.6), layout="constrained")
    axes = fig.subplots(len(metrics), 1, squeeze=False, gridspec_kw={"height_ratios": [len(r) + 1 for r in rows]})[:, 0]
    for ax, metric, found in zip(axes, metrics, rows):
        limit = 1.15 * max(abs(d) for v in found for d in v.diffs) or 1.0
        for y, v in enumerate(found):
            colour, marker = _VERDICT_MARKS[v.verdict]
            ax.scatter(v.diffs, [y] * len(v.diffs), color=colour, marker=marker, s=28, zorder=3)
            ax.plot([v.mean, v.mean], [y - 0.3, y + 0.3], color=colour, linewidth=2)
            ax.text(1.02, y, v.verdict, transform=ax.get_yaxis_transform(), va="center", fontsize=8)
            side = (0, limit) if v.expect == "+" else (-limit, 0)
            ax.fill_betweenx([y - 0.45, y + 0.45], *side, color="0.92", zorder=0)
        ax.axvline(0, color="0.3", linewidth=1)
        ax.set_xlim(-limit, limit)
        ax.set_yticks(range(len(found)), [v.claim for v in found], fontsize=8)
        ax.set_ylim(len(found) - 0.5, -0.5)
        ax.set_xlabel(f"{metric}: a - b, per seed (shaded: the side the claim predicts; bar: mean)", fontsize=8)
        ax.set_ylabel("claim", fontsize=8)
        ax.tick_params(axis="x", labelsize=8)
        ax.grid(axis="x", alpha=0.3)
    marks = [Line2D([], [], color=c, marker=m, linestyle="none", label=name) for name, (c, m) in _VERDICT_MARKS.items()]
    fig.legend(handles=marks, fontsize=8, loc="outside lower center", ncols=3)
    fig.suptitle(title)
    return fig
