"""Figures of lesson 02: padding, strides and dilation."""

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from helpers import checks
from helpers.plots.kit import SIGNED_CMAP, _cell_grid
from helpers.plots.lesson01 import conv_arithmetic

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


def _starts(total, span, stride):
    """Where a window ``span`` wide starts along an axis of length ``total``."""
    return list(range(0, total - span + 1, stride))


def _covered(total, span, starts):
    """``(total,)`` bool: True where some window starting at ``starts`` reaches."""
    covered = np.zeros(total, dtype=bool)
    for start in starts:
        covered[start : start + span] = True
    return covered


def window_positions(n, windows, stride=1, title=None):
    """Every place a square window lands on an ``n x n`` input, numbered,
    beside the output grid those numbers fill.

    ``windows``: ``{label: (k, (before, after))}``: a ``k x k`` window and
    the zeros added before and after on both axes; one row of two panels per
    entry. Left: the padded input (padding grey), each window's number
    written at the window's centre -- on a pixel for odd ``k``, on a pixel
    corner for even ``k`` -- the first window tinted and outlined solid, the
    last dashed (tints and outlines lie under the numbers), input pixels no
    window covers hatched. Right: the output grid,
    cell ``m`` filled by window ``m``. Colours: :func:`_padding_colour` of
    each label.
    """
    checks.dict_of(windows, "windows", "label -> (k, (before, after))")
    widest = max(before + n + after for _, (before, after) in windows.values())
    fig = Figure(
        figsize=(max(7.5, 1.6 + 0.8 * widest), 0.6 + (0.45 * widest + 0.7) * len(windows)), layout="constrained"
    )
    grid = fig.add_gridspec(len(windows), 2, width_ratios=[1.0, 0.6])
    fig.suptitle(
        title or f"Stride {stride} on a {n}x{n} input: where window m lands, and the output cell it fills", fontsize=11
    )
    for row, (label, (k, (before, after))) in enumerate(windows.items()):
        total = before + n + after
        starts = _starts(total, k, stride)
        checks.require(
            starts,
            f"windows[{label!r}]",
            f"fit in {n} + {before} + {after} = {total} positions: pass more padding or a smaller k",
            f"a {k}-wide window",
        )
        inp, outp = fig.add_subplot(grid[row, 0]), fig.add_subplot(grid[row, 1])
        _window_input_panel(inp, n, label, k, (before, after), starts)
        _window_output_panel(outp, len(starts), _padding_colour(label))
    return fig


def _window_input_panel(inp, n, label, k, pads, starts):
    """The padded ``n x n`` input on ``inp``: padding grey, window ``m``'s number at its centre, the first
    and last windows tinted, pixels no window covers hatched (``pads``: ``(before, after)``)."""
    (before, after), total = pads, pads[0] + n + pads[1]
    colour, out, covered = _padding_colour(label), len(starts), _covered(total, k, starts)
    is_pad = np.ones((total, total))
    is_pad[before : before + n, before : before + n] = 0
    inp.imshow(
        is_pad,
        cmap="Greys",
        vmin=0,
        vmax=5,
        extent=(-before - 0.5, n + after - 0.5, n + after - 0.5, -before - 0.5),
    )
    for r, c in np.ndindex(n, n):
        if not (covered[before + r] and covered[before + c]):
            inp.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, **_UNSEEN_HATCH))
    centre = (k - 1) / 2 - before  # window (i, j) starts at padded (i*stride, j*stride)
    for i, j in np.ndindex(out, out):
        inp.text(
            starts[j] + centre,
            starts[i] + centre,
            str(i * out + j),
            ha="center",
            va="center",
            fontsize=9,
            color=colour,
            fontweight="bold",
            zorder=5,
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
        )
    # the first and last windows tinted under the numbers (an edge line would run through the
    # numbers of an even k, which sit on pixel corners): first solid, last dashed
    for start, style, alpha in ((starts[0], "-", 0.22), (starts[-1], "--", 0.12)):
        corner = start - before - 0.5
        inp.add_patch(Rectangle((corner, corner), k, k, facecolor=colour, alpha=alpha, edgecolor="none", zorder=1.5))
        inp.add_patch(
            Rectangle(
                (corner + 0.06, corner + 0.06),
                k - 0.12,
                k - 0.12,
                fill=False,
                edgecolor=colour,
                linewidth=1.3,
                linestyle=style,
                zorder=1.6,
            )
        )
    _cell_grid(inp, total, total, -before, -before)
    inp.set_title(
        f"{label}: k = {k}, pads ({before}, {after}): {out * out} positions ({out}\u00d7{out} output)",
        fontsize=10,
        color=colour,
    )
    notes = (
        [f"tinted: windows 0 and {out * out - 1}"]
        + (["grey: padding"] if before or after else [])
        + ([] if covered[before : before + n].all() else ["hatched: never covered"])
    )
    inp.set_xlabel("input column" + (f" ({'; '.join(notes)})" if notes else ""))
    inp.set_ylabel("input row")


def _window_output_panel(outp, out, colour):
    """The ``out x out`` output grid on ``outp``, cell ``m`` numbered as window ``m``."""
    outp.imshow(np.zeros((out, out)), cmap="Greys", vmin=0, vmax=1)
    for i, j in np.ndindex(out, out):
        outp.text(j, i, str(i * out + j), ha="center", va="center", fontsize=9, color=colour, fontweight="bold")
    _cell_grid(outp, out, out)
    outp.set_title(f"output: {out}\u00d7{out} cells", fontsize=10, color=colour)
    outp.set_xlabel("output column")
    outp.set_ylabel("output row")


def padded_arithmetic(image, kernel, pad, row=0, col=0, title=None):
    """:func:`conv_arithmetic` on ``image`` ``(H, W)`` padded with ``pad``
    zeros on every side (a 'same' conv when ``pad = (k - 1) / 2``), drawn in
    input coordinates: the padding greyed, its rows and columns numbered
    ``-pad ... -1`` and ``H ... H + pad - 1``, so that every input pixel keeps
    the place it has unpadded. On the output, the cells whose window holds no
    padding (the 'valid' output of the unpadded image) are outlined dashed.
    ``(row, col)``: the output cell worked out, as in :func:`conv_arithmetic`."""
    image = checks.array_of(image, "image", "(H, W)", "biuf", empty=False)
    pad = checks.non_negative_int(pad, "pad")
    kernel = checks.array_of(kernel, "kernel", "(kh, kw)", "biuf", empty=False)
    padded = np.pad(image, pad)
    fig = conv_arithmetic(padded, kernel, row, col, title=title)
    inp, _, out = fig.axes
    (h, w), (kh, kw) = padded.shape, kernel.shape
    for r, c in np.ndindex(h, w):
        if not (pad <= r < h - pad and pad <= c < w - pad):
            inp.add_patch(
                Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor="0.55", alpha=0.45, edgecolor="none", zorder=0.5)
            )
    inp.set_xticks(range(w), [str(c - pad) for c in range(w)])
    inp.set_yticks(range(h), [str(r - pad) for r in range(h)])
    inp.set_xlabel("input column" + (" (grey: padding)" if pad else ""))
    inp.set_ylabel("input row")
    rows = [r for r in range(h - kh + 1) if pad <= r and r + kh <= h - pad]  # windows clear of the padding
    cols = [c for c in range(w - kw + 1) if pad <= c and c + kw <= w - pad]
    if pad and rows and cols:
        out.add_patch(
            Rectangle(
                (cols[0] - 0.42, rows[0] - 0.42),
                len(cols) - 0.16,
                len(rows) - 0.16,
                fill=False,
                edgecolor="tab:green",
                linestyle="--",
                linewidth=2,
            )
        )
        out.set_xlabel("output column\n(dashed: windows clear of padding)")
    else:
        out.set_xlabel("output column")
    out.set_ylabel("output row")
    return fig


def window_counts(counts, title="How many windows contain each input pixel"):
    """``counts``: ``{label: (H, W) numbers}``, one panel each, all on one
    colour scale (0 to the largest count) with one colour bar; maps up to
    10x10 show their numbers. Titles take :func:`_padding_colour` of the label."""
    checks.dict_of(counts, "counts", "label -> (H, W) array")
    maps = {label: checks.array_of(values, f"counts[{label!r}]", "(H, W)", "biuf") for label, values in counts.items()}
    top = max(float(values.max()) for values in maps.values()) or 1.0
    small = max(max(values.shape) for values in maps.values()) <= 10
    fig = Figure(figsize=(3.3 * len(maps) + 1.2, 3.9), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(maps)))
    fig.suptitle(title, fontsize=11)
    for ax, (label, values) in zip(axes, maps.items()):
        shown = ax.imshow(values, cmap="viridis", vmin=0, vmax=top)
        if small:
            for (r, c), v in np.ndenumerate(values):
                ax.text(c, r, f"{v:g}", ha="center", va="center", fontsize=9, color="black" if v > top / 2 else "white")
            _cell_grid(ax, *values.shape)
        ax.set_title(f"{label}: {values.min():g} to {values.max():g}", fontsize=10, color=_padding_colour(label))
        ax.set_xlabel("input column")
        ax.set_ylabel("input row")
    fig.colorbar(shown, ax=list(axes), shrink=0.85, label="windows containing the pixel")
    return fig


def strided_walk(image, k=3, strides=(1, 2, 3), title=None):
    """A 'valid' ``k x k`` conv walking over ``image`` ``(H, W)``, one panel
    per stride: a dot at the centre of every window, the first window outlined
    solid and the next one dashed (they are one stride apart), and the rows
    and columns no window reaches hatched."""
    image = checks.array_of(np.squeeze(image), "image", "(H, W)", "biuf")
    (h, w), colour = image.shape, PADDING_COLOURS["valid"]
    fig = Figure(figsize=(3.6 * len(strides), 4.1), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(strides)))
    fig.suptitle(title or f"A {k}x{k} 'valid' conv on a {h}x{w} input, stride by stride", fontsize=11)
    for ax, s in zip(axes, strides):
        rows, cols = _starts(h, k, s), _starts(w, k, s)
        checks.require(rows and cols, "k", f"fit the {h}x{w} image: pass a smaller k", k)
        ax.imshow(image, cmap="gray_r")
        cy, cx = np.meshgrid(np.array(rows) + (k - 1) / 2, np.array(cols) + (k - 1) / 2, indexing="ij")
        ax.plot(cx.ravel(), cy.ravel(), ".", color=colour, markersize=1.5 if s == 1 else 4)  # stride 1: dense
        for start, style, inset in zip(cols[:2], ("-", "--"), (0.1, 0.25)):
            ax.add_patch(
                Rectangle(
                    (start - 0.5 + inset, -0.5 + inset),
                    k - 2 * inset,
                    k - 2 * inset,
                    fill=False,
                    edgecolor=colour,
                    linewidth=2,
                    linestyle=style,
                )
            )
        seen_rows, seen_cols = _covered(h, k, rows), _covered(w, k, cols)
        for r in np.flatnonzero(~seen_rows):
            ax.add_patch(Rectangle((-0.5, r - 0.5), w, 1, **_UNSEEN_HATCH))
        for c in np.flatnonzero(~seen_cols):
            ax.add_patch(Rectangle((c - 0.5, -0.5), 1, h, **_UNSEEN_HATCH))
        unseen = h * w - int(seen_rows.sum()) * int(seen_cols.sum())
        ax.set_title(
            f"stride {s}: {len(rows) * len(cols)} window positions, {unseen} px never seen", fontsize=10, color=colour
        )
        ax.set_xlabel("input column (px)")
        ax.set_ylabel("input row (px)")
    return fig


def stride_shrink(strides, sizes, unseen, n, title=None):
    """Two panels against the stride: the output side (one line per padding,
    with ``ceil(n / s)`` dotted, black crosses drawn on top: they sit inside
    the 'same' markers) and the input pixels never seen.

    ``sizes`` and ``unseen``: ``{padding: [one value per stride]}``; lines
    take :func:`_padding_colour` of the padding.
    """
    strides = list(strides)
    for name, series in (("sizes", sizes), ("unseen", unseen)):
        for label, values in series.items():
            checks.require(len(values) == len(strides), f"{name}[{label!r}]", "hold one value per stride", len(values))
    fig = Figure(figsize=(10, 3.8), layout="constrained")
    left, right = fig.subplots(1, 2)
    fig.suptitle(title or f"A conv on an {n}x{n} input, strides {strides[0]}..{strides[-1]}", fontsize=11)
    left.plot(
        strides,
        [-(-n // s) for s in strides],
        ":",
        marker="x",
        markersize=7,
        color="black",
        zorder=3,
        label="ceil(n / s)",
    )
    # 'valid' large and hollow, 'same' small and filled: where they are equal both still show
    markers = {"valid": ("s", 10, "none"), "same": ("o", 5, None)}
    for ax, series in ((left, sizes), (right, unseen)):
        for label, values in series.items():
            marker, size, face = markers.get(label, ("^", 6, None))
            colour = _padding_colour(label)
            ax.plot(
                strides,
                values,
                marker=marker,
                markersize=size,
                markerfacecolor=face or colour,
                color=colour,
                label=f"'{label}'",
            )
        ax.set_xlabel("stride s")
        ax.set_xticks(strides)
        ax.legend(fontsize=9)
        ax.grid(alpha=0.3)
    left.set_ylabel("output side (cells)")
    left.set_title("output size", fontsize=10)
    right.set_ylabel(f"input pixels never seen (of {n * n})")
    right.set_title("pixels no window covers (measured)", fontsize=10)
    return fig


def stride_shift_maps(stride1, strided, shifted, stride=2, shift=1, title=None):
    """What a shift of the input does to a strided 'valid' conv, on one
    diverging scale centred at 0 (white = 0): the stride-1 map ``(H, W)``,
    the stride-``stride`` output ``(H', W')``, the stride-``stride`` output
    of the input shifted ``shift`` px to the right, and the difference
    shifted - unshifted, each with a colour bar on that one scale. On the
    stride-1 map, circles mark the cells the strided output keeps (rows and
    columns ``0, stride, ...``) and crosses the cells it keeps after the
    shift (its column ``c`` is the stride-1 column ``c * stride - shift``)."""
    stride, shift = checks.positive_int(stride, "stride"), checks.non_negative_int(shift, "shift")
    stride1 = checks.array_of(stride1, "stride1", "(H, W)", "biuf", empty=False, finite=True)
    kept = dict(zip(("H'", "W'"), (len(range(0, side, stride)) for side in stride1.shape)))  # what the stride keeps
    strided = checks.array_of(strided, "strided", "(H', W')", "biuf", sizes=kept, finite=True)
    shifted = checks.array_of(shifted, "shifted", "(H', W')", "biuf", sizes=kept, finite=True)
    difference = shifted.astype(float) - strided
    limit = float(max(np.abs(m).max() for m in (stride1, strided, shifted, difference))) or 1.0
    fig = Figure(figsize=(14, 4.4), layout="constrained")
    axes = fig.subplots(1, 4, width_ratios=[1.5, 1, 1, 1])
    fig.suptitle(title or f"A stride-{stride} conv and a {shift}-pixel shift of its input", fontsize=11)
    panels = [
        (stride1, "stride 1"),
        (strided, f"stride {stride}"),
        (shifted, f"stride {stride}, input {shift} px right"),
        (difference, "difference: shifted \u2212 unshifted"),
    ]
    for ax, (values, name) in zip(axes, panels):
        shown = ax.imshow(values, cmap=SIGNED_CMAP, vmin=-limit, vmax=limit)
        ax.set_title(f"{name} ({values.shape[0]}x{values.shape[1]})", fontsize=10)
        ax.set_xlabel("column")
        ax.set_ylabel("row")
        ax.tick_params(labelsize=8)
    fig.colorbar(shown, ax=list(axes), shrink=0.85, label="response, and difference (one scale)")
    rows = np.arange(0, stride1.shape[0], stride)
    kept = np.arange(0, stride1.shape[1], stride)
    moved = kept - shift
    for columns, marker, label in ((kept, "o", "kept by the stride"), (moved[moved >= 0], "x", "kept after the shift")):
        y, x = np.meshgrid(rows, columns, indexing="ij")
        axes[0].plot(
            x.ravel(),
            y.ravel(),
            marker,
            color="0.15",
            markersize=2.2,
            markerfacecolor="none",
            markeredgewidth=0.6,
            linestyle="none",
            label=label,
        )
    fig.legend(
        *axes[0].get_legend_handles_labels(),
        loc="outside lower left",
        ncol=2,
        fontsize=8,
        frameon=False,
        markerscale=2,
        title="on the stride-1 map",
        title_fontsize=8,
    )
    return fig


def dilated_taps(k=3, dilations=(1, 2, 3), title=None):
    """Where the ``k x k`` weights of a conv read the input at each dilation
    ``d``: ``k x k`` taps ``d`` pixels apart (filled), inside the
    ``d*(k - 1) + 1`` square they span (outlined), drawn on one common grid
    of offsets from the centre tap."""
    k = checks.positive_int(k, "k")
    dilations = [checks.positive_int(d, "each of dilations") for d in checks.list_of(dilations, "dilations", "ints")]
    half = max(dilations) * (k - 1) // 2 + 1  # grid radius: the widest span and one pixel more
    side = 2 * half + 1
    fig = Figure(figsize=(0.5 + 3.0 * len(dilations), 3.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(dilations)))
    fig.suptitle(
        title or f"A {k}x{k} kernel at dilation d: {k * k} taps spread over a d(k - 1) + 1 square", fontsize=11
    )
    for ax, d in zip(axes, dilations):
        span, first = d * (k - 1) + 1, half - d * (k - 1) // 2
        taps = np.zeros((side, side))
        taps[first : first + span : d, first : first + span : d] = 1
        ax.imshow(taps, cmap="Greys", vmin=0, vmax=1.4, extent=(-half - 0.5, half + 0.5, half + 0.5, -half - 0.5))
        _cell_grid(ax, side, side, -half, -half)
        ax.add_patch(
            Rectangle(
                (first - half - 0.5, first - half - 0.5), span, span, fill=False, edgecolor="tab:green", linewidth=2.2
            )
        )
        ax.set_title(f"d = {d}: spans {span}x{span}", fontsize=10)
        ax.set_xlabel("column offset from the centre tap")
        ax.set_ylabel("row offset")
    return fig


def reach_maps(maps, names, title="Input pixels that change one output unit"):
    """Where a unit's receptive field really reaches: ``maps`` ``(N, S, S)``,
    true (or 1) where poking that input pixel changes the unit, one panel
    each, black on white with a pixel grid. The box those pixels span is
    outlined (the receptive field as a size), and each caption, ``names[i]``,
    is followed by how many pixels of the box reach the unit, so holes show
    as a count as well as white cells."""
    maps = checks.array_of(maps, "maps", "(N, S, S)", "biuf", empty=False, finite=True)
    checks.list_of(names, "names", f"captions, one per map ({len(maps)})", length=len(maps))
    maps = maps != 0
    fig = Figure(figsize=(0.6 + 3.2 * len(maps), 3.9), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(maps)))
    fig.suptitle(title, fontsize=11)
    for ax, reached, name in zip(axes, maps, names):
        ax.imshow(reached, cmap="Greys", vmin=0, vmax=1.25)
        side_r, side_c = reached.shape
        ax.set_xticks(np.arange(side_c + 1) - 0.5, minor=True)
        ax.set_yticks(np.arange(side_r + 1) - 0.5, minor=True)
        ax.grid(which="minor", color="0.8", linewidth=0.5)
        step = max(1, (max(side_r, side_c) + 9) // 10)  # about ten whole-pixel ticks a side
        ax.set_xticks(range(0, side_c, step))
        ax.set_yticks(range(0, side_r, step))
        ax.tick_params(which="both", length=0, labelsize=7)
        caption = f"{name}: no pixel reaches"
        if reached.any():
            rows, cols = np.nonzero(reached)
            top, left = rows.min(), cols.min()
            height, width = rows.max() - top + 1, cols.max() - left + 1
            ax.add_patch(
                Rectangle((left - 0.5, top - 0.5), width, height, fill=False, edgecolor="tab:green", linewidth=2)
            )
            caption = f"{name}\n{height}x{width} box, {int(reached.sum())} of its {height * width} pixels reach"
        ax.set_title(caption, fontsize=10)
        ax.set_xlabel("input column")
        ax.set_ylabel("input row")
    return fig
