"""Figures of lesson 03, pooling (``compare_maps`` also in lesson 01)."""

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from helpers import checks
from helpers.plots.kit import SIGNED_CMAP, _pixel_axes, model_style

# Maps that are compared share one colour scale and one
# colour bar; feature-map axes count rows and columns (units, not pixels).

_WINDOW_COLOURS = ("tab:red", "tab:orange", "tab:green", "tab:purple")
# stages of shift_change_bars: the unpooled map in grey (no model), the pools in their models' colours
_STAGE_COLOURS = ("0.55", model_style("max")["color"], model_style("avg")["color"], "0.3")
_TICK_SIZE = 9


def _map_axes(ax, values=None, step=None):
    """Row/column labels and integer ticks: every one when ``values`` is given
    (small maps), every ``step``-th when ``step`` is given (on a pooling grid),
    else multiples of 1, 2, 4 or 10 (a 26x26 map gets 0, 4, 8, ... and its 13x13
    pooled map 0, 2, 4, ...: the same places)."""

    ax.set_xlabel("column")
    ax.set_ylabel("row")
    ax.tick_params(labelsize=_TICK_SIZE)
    if values is not None:
        ax.set_xticks(range(values.shape[1]))
        ax.set_yticks(range(values.shape[0]))
    elif step is not None:
        height, width = ax.images[0].get_array().shape
        ax.set_xticks(range(0, width, step))
        ax.set_yticks(range(0, height, step))
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 4, 10]))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 4, 10]))


def _pooled_step(out_size):
    """Tick step on a pooled map of ``out_size`` cells: 1, 2 or 5, at most about 7 ticks."""
    return next(step for step in (1, 2, 5, 10, 20, 50) if out_size <= 7 * step)


def _write_values(ax, values, vmin, vmax, bold=None, diverging=False):
    """Each value printed in its cell, dark on light cells and light on dark
    (``diverging``: light is near 0, the middle of the scale); cells where
    ``bold`` (a bool array) is True in bold."""
    middle = (vmin + vmax) / 2
    for (r, c), v in np.ndenumerate(values):
        light = abs(v) < 0.6 * vmax if diverging else v > middle
        ax.text(
            c,
            r,
            f"{v + 0:g}",
            ha="center",
            va="center",
            fontsize=10,  # + 0: -0.0 reads "0"
            fontweight="bold" if bold is not None and bold[r, c] else "normal",
            color="black" if light else "white",
        )


def pooling_windows(feature_map, pooled, pool=2, image=None, title=None):
    """A map cut into its ``pool x pool`` windows (stride ``pool``), beside the pooled map.

    ``feature_map`` ``(H, W)``; ``pooled`` ``(H // pool, W // pool)``;
    ``image``: an optional input ``(h, w)`` drawn first. Both maps share one
    colour scale. Rows and columns no window reaches (``H`` not a multiple of
    ``pool``: the floor) are hatched. Maps up to 8x8 show their values (each
    window's maximum in bold), and each window and its output cell get the
    same coloured frame.
    """
    feature_map, pool = checks.array_of(feature_map, "feature_map", "(H, W)"), checks.positive_int(pool, "pool")
    out_h, out_w = feature_map.shape[0] // pool, feature_map.shape[1] // pool
    pooled = checks.array_of(pooled, "pooled", "(H', W')")
    checks.require(pooled.shape == (out_h, out_w), "pooled", f"be (H//pool, W//pool) = {out_h, out_w}", pooled.shape)
    small = max(feature_map.shape) <= 8
    columns = 2 if image is None else 3
    fig = Figure(figsize=(3.6 * columns + 0.8, 3.9), layout="constrained")
    axes = fig.subplots(1, columns)
    fig.suptitle(
        title
        or f"{pool}x{pool} max-pooling, stride {pool}: {feature_map.shape[0]}x{feature_map.shape[1]} -> {out_h}x{out_w}"
    )
    if image is not None:
        image = checks.array_of(image, "image", "(h, w)")
        axes[0].imshow(image, cmap="gray_r")
        axes[0].set_title(f"input {image.shape[0]}x{image.shape[1]}", fontsize=10)
        _pixel_axes(axes[0])
        axes[0].tick_params(labelsize=_TICK_SIZE)
    map_ax, pooled_ax = axes[-2], axes[-1]
    vmin, vmax = float(feature_map.min()), float(feature_map.max())
    shown = map_ax.imshow(feature_map, cmap="viridis", vmin=vmin, vmax=vmax)
    pooled_ax.imshow(pooled, cmap="viridis", vmin=vmin, vmax=vmax)
    map_ax.set_title(f"map {feature_map.shape[0]}x{feature_map.shape[1]}, its {pool}x{pool} windows", fontsize=10)
    pooled_ax.set_title(f"max of each window: {out_h}x{out_w}", fontsize=10)
    winners = _frame_windows(map_ax, pooled_ax, feature_map, pool, small)
    _hatch_unreached(map_ax, feature_map.shape, (out_h * pool, out_w * pool))
    if small:
        _write_values(map_ax, feature_map, vmin, vmax, bold=winners)
        _write_values(pooled_ax, pooled, vmin, vmax)
        _map_axes(map_ax, feature_map)
        _map_axes(pooled_ax, pooled)
    else:  # ticks on the window grid: each map tick is the first row / column of a window
        step = _pooled_step(max(out_h, out_w))
        _map_axes(map_ax, step=step * pool)
        _map_axes(pooled_ax, step=step)
    fig.colorbar(shown, ax=[map_ax, pooled_ax], label="activation", shrink=0.85)
    return fig


def _frame_windows(map_ax, pooled_ax, feature_map, pool, small):
    """Frame each ``pool x pool`` window of ``feature_map`` ``(H, W)`` on ``map_ax`` (small maps: in
    a colour repeated on its output cell of ``pooled_ax``; larger ones: a thin white grid). Returns the
    ``(H, W)`` mask of each window's maximum."""
    out_h, out_w = feature_map.shape[0] // pool, feature_map.shape[1] // pool
    winners = np.zeros(feature_map.shape, dtype=bool)
    for r in range(out_h):
        for c in range(out_w):
            rows, cols = slice(r * pool, (r + 1) * pool), slice(c * pool, (c + 1) * pool)
            winners[rows, cols] |= feature_map[rows, cols] == feature_map[rows, cols].max()
            if not small:
                grid = Rectangle(
                    (c * pool - 0.5, r * pool - 0.5), pool, pool, fill=False, edgecolor="white", linewidth=0.5
                )
                map_ax.add_patch(grid)
                continue
            colour = _WINDOW_COLOURS[(r * out_w + c) % len(_WINDOW_COLOURS)]  # a frame just inside the window
            inset = pool - 0.16
            map_ax.add_patch(
                Rectangle((c * pool - 0.42, r * pool - 0.42), inset, inset, fill=False, edgecolor=colour, linewidth=3)
            )
            pooled_ax.add_patch(Rectangle((c - 0.42, r - 0.42), 0.84, 0.84, fill=False, edgecolor=colour, linewidth=3))
    return winners


def _hatch_unreached(ax, shape, reached):
    """Hatch the rows and columns of a ``shape`` ``(H, W)`` map beyond ``reached`` ``(h, w)``: the floor."""
    (height, width), (h, w) = shape, reached
    hatched = {"facecolor": "none", "edgecolor": "white", "hatch": "xx", "linewidth": 0}
    if height > h:
        ax.add_patch(Rectangle((-0.5, h - 0.5), width, height - h, **hatched))
    if width > w:
        ax.add_patch(Rectangle((w - 0.5, -0.5), width - w, height, **hatched))


def compare_maps(panels, title, annotate=False, label="activation", difference=None):
    """2-D maps side by side on one shared colour scale, with one colour bar.

    ``panels``: ``[(values (H, W), subtitle), ...]`` (sizes may differ);
    ``annotate=True`` writes every value in its cell (for small maps).
    ``difference``: an optional ``(values (H, W), subtitle)`` pair, or a list
    of such pairs, drawn after the maps on one diverging scale centred at 0
    with its own colour bar (white = 0): maps that should be compared are
    compared by their difference, not by eye. That scale is +-the largest
    magnitude of all the differences, or +-the maps' largest magnitude when
    every difference is 0 everywhere (so "0" reads against the maps' values).
    """
    panels = [
        (checks.array_of(values, f"panels[{i}] values", "(H, W)"), subtitle)
        for i, (values, subtitle) in enumerate(checks.list_of(panels, "panels", "(values, subtitle) pairs"))
    ]
    differences = _difference_panels(difference)
    vmin = min(float(values.min()) for values, _ in panels)
    vmax = max(float(values.max()) for values, _ in panels)
    count = len(panels) + len(differences)
    fig = Figure(figsize=(2.9 * count + 1.0 + (0.8 if differences else 0), 3.5), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, count))
    fig.suptitle(title)
    for ax, (values, subtitle) in zip(axes, panels):
        shown = ax.imshow(values, cmap="viridis", vmin=vmin, vmax=vmax)
        ax.set_title(subtitle, fontsize=10)
        if annotate:
            _write_values(ax, values, vmin, vmax)
        _map_axes(ax, values if annotate else None)
    fig.colorbar(shown, ax=list(axes[: len(panels)]), label=label, shrink=0.85)
    if differences:
        limit = max(float(np.abs(values).max()) for values, _ in differences) or max(abs(vmin), abs(vmax)) or 1.0
        for ax, (values, subtitle) in zip(axes[len(panels) :], differences):
            signed = ax.imshow(values, cmap=SIGNED_CMAP, vmin=-limit, vmax=limit)
            ax.set_title(subtitle, fontsize=10)
            if annotate:
                _write_values(ax, values, -limit, limit, diverging=True)
            _map_axes(ax, values if annotate else None)
        fig.colorbar(signed, ax=list(axes[len(panels) :]), label=f"difference ({label})", shrink=0.85)
    return fig


def _difference_panels(difference):
    """``compare_maps``' ``difference``: None, one ``(values, subtitle)`` pair or a
    non-empty list of them -> a list of ``(float (H, W) array, subtitle)``."""
    if difference is None:
        return []
    pairs = [difference] if isinstance(difference, tuple) else difference
    checks.list_of(pairs, "difference", "(values, subtitle) pairs (or one pair)")
    for i, pair in enumerate(pairs):
        checks.require(
            isinstance(pair, (tuple, list)) and len(pair) == 2 and not isinstance(pair[1], np.ndarray),
            f"difference[{i}]",
            "be a (values, subtitle) pair",
            checks.describe(pair),
            TypeError,
        )
    return [
        (checks.array_of(values, f"difference[{i}] values", "(H, W)").astype(float), subtitle)
        for i, (values, subtitle) in enumerate(pairs)
    ]


def shift_change_bars(share, relative, title):
    """How much a shift changed the maps: one panel per measure, each on its own axis.

    ``share`` and ``relative`` map a stage name (e.g. "max-pool") to the
    per-run means over digits (one run = a kernel seed and a shift
    direction), every stage the same runs in the same order: the share of
    active units that changed, and the relative L2 change. Bars: the mean
    over runs; dots: each run, joined across the stages by a thin line (one
    line per run, so a run can be followed from stage to stage).
    """
    checks.require(
        share and list(share) == list(relative),
        "share and relative",
        "name the same stages in order",
        f"{list(share)} and {list(relative)}",
    )
    stages = list(share)
    counts = {len(np.ravel(values[s])) for values in (share, relative) for s in stages}
    checks.require(len(counts) == 1 and 0 not in counts, "share and relative", "hold the same runs", sorted(counts))
    fig = Figure(figsize=(9.5, 3.8), layout="constrained")
    axes = fig.subplots(1, 2)
    fig.suptitle(title)
    x = np.arange(len(stages))
    measures = (
        (share, "share of active units", "units whose value changed", 1.05),
        (relative, "||after - before|| / ||before||", "relative (L2) size of the change", None),
    )
    for ax, (values, ylabel, subtitle, top) in zip(axes, measures):
        by_stage = np.array([np.asarray(values[s], dtype=float).ravel() for s in stages])  # (stages, runs)
        ax.bar(x, by_stage.mean(axis=1), 0.6, color=[_STAGE_COLOURS[i % 4] for i in x])
        offsets = np.linspace(-0.15, 0.15, by_stage.shape[1]) if by_stage.shape[1] > 1 else np.zeros(1)
        for run, offset in enumerate(offsets):  # one run: its dot on every stage, joined
            ax.plot(
                x + offset,
                by_stage[:, run],
                "-o",
                color="black",
                linewidth=0.6,
                markersize=3,
                markeredgecolor="white",
                markeredgewidth=0.4,
            )
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

    checks.list_of(rows, "rows", "(name, before, after) triples")
    fig = Figure(figsize=(10.5, 3.3 * len(rows) + 0.6), layout="constrained")
    axes = np.atleast_2d(fig.subplots(len(rows), 3))
    fig.suptitle(title)
    colours = ListedColormap(["0.92", "tab:blue", "tab:red"])
    for ax_row, (name, before, after) in zip(axes, rows):
        before = checks.array_of(before, f"{name} before", "(H, W)")
        after = checks.array_of(after, f"{name} after", "(H, W)", sizes=dict(zip("HW", before.shape)))
        changed = np.abs(after - before) > 1e-5 * np.abs(before).max()
        status = np.where(changed, 2, np.where((before > 0) | (after > 0), 1, 0))
        vmax = max(float(before.max()), float(after.max()))
        ax_row[0].imshow(before, cmap="viridis", vmin=0, vmax=vmax)
        ax_row[0].set_title(f"{name}: digit", fontsize=10)
        shown = ax_row[1].imshow(after, cmap="viridis", vmin=0, vmax=vmax)
        ax_row[1].set_title(f"{name}: shifted digit", fontsize=10)
        fig.colorbar(shown, ax=list(ax_row[:2]), label="activation", shrink=0.8)
        ax_row[2].imshow(status, cmap=colours, vmin=0, vmax=2)
        ax_row[2].set_title(f"changed: {(status == 2).sum()} of {(status > 0).sum()} active units", fontsize=10)
        for ax in ax_row:
            _map_axes(ax)
    fig.legend(
        handles=[
            Patch(color="tab:red", label="changed"),
            Patch(color="tab:blue", label="active, unchanged"),
            Patch(color="0.92", label="inactive in both"),
        ],
        loc="outside lower center",
        ncols=3,
        fontsize=9,
    )
    return fig
