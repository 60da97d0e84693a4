"""Figures of lesson 03, pooling (``compare_maps`` also in lesson 01)."""

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from helpers.plots.kit import _one_map, _pixel_axes

# Maps that are compared share one colour scale and one
# colour bar; feature-map axes count rows and columns (units, not pixels).

_WINDOW_COLOURS = ("tab:red", "tab:orange", "tab:green", "tab:purple")
_STAGE_COLOURS = ("0.55", "tab:blue", "tab:orange", "tab:green")


def _map_axes(ax, values=None):
    """Row/column labels; integer ticks (every one, when ``values`` is given: small maps)."""

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
    feature_map, pooled = _one_map(feature_map, "feature_map"), _one_map(pooled, "pooled")
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
        image = _one_map(image, "image")
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
    panels = [(_one_map(values, f"panels[{i}] values"), subtitle) for i, (values, subtitle) in enumerate(panels)]
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
        before, after = _one_map(before, f"{name} before"), _one_map(after, f"{name} after")
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
