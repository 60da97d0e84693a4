"""Figures of lesson 02: padding, strides and dilation."""

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from helpers.plots.kit import _one_map

# 'valid' is drawn in
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
