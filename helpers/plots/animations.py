"""Animations of a window walking over an input (lessons 01-03), and the still
figure of a whole walk (``window_walk``, also what ``helpers.widgets`` draws).

Each animation draws its frames on one ``matplotlib.figure.Figure`` (pyplot is
never touched), wraps them in a ``FuncAnimation`` and renders it with
``to_jshtml``: self-contained HTML with every frame embedded as a PNG (with a
small palette: a quarter of the bytes) and play / step controls written in
JavaScript that runs in the page (tests/test_jupyterlab.py steps one in
JupyterLab, tests/test_site.py on the course's site). Nothing is fetched
from the network: matplotlib's template asks a CDN for its button icons (Font
Awesome); here the buttons carry plain text symbols instead. Where no script
runs (an untrusted notebook's sanitised output, GitHub) the image shows the
last frame, so a static view is the still figure.

Two renders give the same HTML except the random id matplotlib gives the
page elements (``uuid4``); ``tests/nbval_sanitize.cfg`` masks it for nbval.
"""

import base64
import io
import re

import matplotlib
import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from helpers import checks
from helpers.plots.kit import _cell_grid
from helpers.plots.lesson02 import OTHER_PADDING_COLOUR, PADDING_COLOURS  # lesson 02's colour per padding

DPI = 80  # low: each frame is a small PNG (the HTML holds them all)
COLOURS = 32  # each frame is stored with a palette of this many colours (flat drawings: no visible loss)
FRAME_MS = 700  # one frame every 0.7 s when playing
MAX_FRAMES = 60  # more would make the HTML too large to store in a notebook
MAX_SIDE = 12  # largest input side a walk draws (its numbers and dots stay legible)
_SMALL = 10  # largest side of an array whose numbers are written in its cells
_WINDOW = "tab:red"  # the window's outline (as in conv_arithmetic)
_ROW = "#fdd49e"  # the kernel row being multiplied (light orange)
_WINNER = "tab:orange"  # a pooling window's maximum
_UNSEEN_HATCH = {"fill": False, "hatch": "///", "edgecolor": "tab:red", "linewidth": 0}  # as lesson 02's figures
# Pinned for every frame, whatever the kernel's defaults (the inline backend
# makes figures transparent; a dark page would then hide the black text).
_RC = {
    "font.size": 10,
    "font.family": "DejaVu Sans",
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.edgecolor": "white",
    "savefig.transparent": False,
    "savefig.dpi": "figure",
    "animation.embed_limit": 8,
}
# matplotlib's buttons draw Font Awesome icons fetched from a CDN; these
# symbols need no font download (U+FE0E: text, not emoji, presentation).
_ICONS = {
    "minus": "\u2212",
    "fast-backward": "|\u25c0\ufe0e\u25c0\ufe0e",
    "step-backward": "|\u25c0\ufe0e",
    "play fa-flip-horizontal": "\u25c0\ufe0e",
    "pause": "\u275a\u275a",
    "play": "\u25b6\ufe0e",
    "step-forward": "\u25b6\ufe0e|",
    "fast-forward": "\u25b6\ufe0e\u25b6\ufe0e|",
    "plus": "+",
}


class Animation:
    """A rendered animation. In a notebook it displays itself: the HTML with
    its controls (``.html``); renderers that show no HTML (PDF export) get the
    last frame as a PNG (``.still``). ``.frames``: how many frames;
    ``.captions``: what each frame says it shows, in words."""

    def __init__(self, html, still, title, captions):
        self.html, self.still, self.title, self.captions = html, still, title, captions
        self.frames = len(captions)

    def _repr_html_(self):
        return self.html

    def _repr_png_(self):
        return self.still

    def __repr__(self):
        return f"<animation, {self.frames} frames: {self.title}>"


def _render(fig, draw, frames, title):
    """Every frame ``draw(i)`` of ``fig`` (``draw`` returns the frame's caption)
    as an :class:`Animation`."""
    captions = [None] * frames

    def frame(i):
        captions[i] = draw(i)

    with matplotlib.rc_context(_RC):
        frame(frames - 1)  # the fullest frame fixes the layout ...
        fig.draw_without_rendering()
        fig.set_layout_engine("none")  # ... and no frame moves the panels again
        movie = FuncAnimation(fig, frame, frames=frames, init_func=lambda: None, interval=FRAME_MS, repeat=False)
        html = movie.to_jshtml(default_mode="once")
        frame(frames - 1)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
    still = _palette_png(buffer.getvalue())
    return Animation(_offline(html, still, title), still, title, captions)


def _palette_png(data):
    """A PNG re-encoded with a palette of ``COLOURS`` colours and no metadata:
    about a quarter of the bytes, the same picture (text, lines, flat fills)."""
    from PIL import Image  # Pillow: a dependency of matplotlib

    quantize = getattr(Image, "Quantize", Image)  # Pillow >= 9.1 names its constants in enums
    dither = getattr(Image, "Dither", Image)
    with Image.open(io.BytesIO(data)) as image:
        palette = image.convert("RGB").quantize(colors=COLOURS, method=quantize.MEDIANCUT, dither=dither.NONE)
    buffer = io.BytesIO()
    palette.save(buffer, format="png", optimize=True)
    return buffer.getvalue()


def _smaller_frames(html):
    """Every frame embedded by ``to_jshtml`` re-encoded by :func:`_palette_png`."""

    def smaller(match):
        frame = _palette_png(base64.b64decode(match.group(2).replace("\\\n", "")))
        return f'{match.group(1)}"data:image/png;base64,{base64.b64encode(frame).decode("ascii")}"'

    return re.sub(r'(frames\[\d+\] = )"data:image/png;base64,([A-Za-z0-9+/=\\\n]*)"', smaller, html)


def _offline(html, still, title):
    """matplotlib's jshtml without the network: the Font Awesome stylesheet
    removed, text symbols on the buttons, smaller frames, and the last frame
    (``still``) in the image before any script runs."""
    html = _smaller_frames(html)
    html = re.sub(r'<link rel="stylesheet"\s+href="https?://[^"]*"\s*/?>\s*', "", html)
    html = re.sub(r'<i class="fa fa-([a-z -]+?)"></i>', lambda match: _ICONS.get(match.group(1), match.group(1)), html)
    source = "data:image/png;base64," + base64.b64encode(still).decode("ascii")
    alt = title.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return html.replace('<img id="_anim_img', f'<img alt="{alt}" src="{source}" id="_anim_img', 1)


def _number(value):
    """A number as written in a cell: ``3``, ``0.5``, ``−1`` (a real minus)."""
    return f"{value:g}".replace("-", "\u2212")


def _term(value):
    """A number inside a sum: negatives in brackets."""
    return f"({_number(value)})" if value < 0 else _number(value)


class _Layer:
    """The artists of the frame on show; ``clear()`` removes them before the
    next frame is drawn (the axes, grids and ticks are drawn once)."""

    def __init__(self):
        self.artists = []

    def add(self, *artists):
        self.artists.extend(artists)
        return artists[0]

    def clear(self):
        for artist in self.artists:
            artist.remove()
        self.artists.clear()


def _table(ax, values, title):
    """The still part of a small array drawn as a table: white cells, grid, ticks, title."""
    ax.imshow(np.zeros(values.shape), cmap="Greys", vmin=0, vmax=1)
    _cell_grid(ax, *values.shape)
    ax.set_title(title, fontsize=10)


def _cells(layer, ax, values, shown=None, shade=None, colour=_ROW, bold=None):
    """One frame of a table: the numbers of the ``shown`` cells (default all),
    the ``shade`` cells filled with ``colour``, the ``bold`` cells in bold."""
    if shade is not None:
        for r, c in zip(*np.nonzero(shade)):
            layer.add(ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, color=colour, linewidth=0)))
    for (r, c), value in np.ndenumerate(values):
        if shown is None or shown[r, c]:
            layer.add(
                ax.text(
                    c,
                    r,
                    _number(value),
                    ha="center",
                    va="center",
                    fontsize=11,
                    fontweight="bold" if bold is not None and bold[r, c] else "normal",
                )
            )


# --- (a) lesson 01: a kernel sliding over a small input ---------------------------------


def conv_animation(image, kernel):
    """A 'valid', stride-1 convolution of a small ``image`` ``(H, W)`` (sides
    <= 10) with ``kernel`` ``(kh, kw)``, played: the window slides over the
    input one position at a time, each position in ``kh`` steps (one kernel
    row multiplied and added per step), and the running sum fills the output
    cell, which keeps its value once the window moves on. Returns an
    :class:`Animation` (displays itself in a notebook)."""
    image = checks.array_of(image, "image", "(H, W)", "iuf", empty=False, finite=True)
    kernel = checks.array_of(kernel, "kernel", "(kh, kw)", "iuf", empty=False, finite=True)
    (h, w), (kh, kw) = image.shape, kernel.shape
    checks.require(max(h, w) <= _SMALL, "image", f"be at most {_SMALL}x{_SMALL} to print its numbers", f"{h}x{w}")
    checks.require(kh <= h and kw <= w, "kernel", f"fit inside the {h}x{w} image: pass a smaller kernel", f"{kh}x{kw}")
    out_h, out_w = h - kh + 1, w - kw + 1
    frames = 1 + out_h * out_w * kh
    checks.require(frames <= MAX_FRAMES, "image", f"make at most {MAX_FRAMES} frames: pass a smaller one (4x4)", frames)
    products = np.array([[image[r : r + kh, c : c + kw] * kernel for c in range(out_w)] for r in range(out_h)])
    output = products.sum(axis=(2, 3))
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(2.0 + 0.55 * (w + kw + out_w), 3.0), dpi=DPI, facecolor="white", layout="constrained")
        grid = fig.add_gridspec(1, 3, width_ratios=[w, kw, out_w])
        inp, ker, outp = (fig.add_subplot(grid[0, i]) for i in range(3))
        _table(inp, image, "input")
        _table(ker, kernel, "kernel")
        _table(outp, output, "output")
        inp.set_xlabel("column")
        inp.set_ylabel("row")
        outp.set_xlabel("output column")
    intro = f"A {kh}x{kw} kernel slides over a {h}x{w} input: {out_h}x{out_w} outputs"
    layer = _Layer()

    def draw(frame):
        layer.clear()
        done, current = np.zeros((out_h, out_w), dtype=bool), np.zeros((out_h, out_w), dtype=bool)
        on_show = output.astype(float)
        row_of_image, row_of_kernel = np.zeros((h, w), dtype=bool), np.zeros((kh, kw), dtype=bool)
        caption = intro
        if frame > 0:
            position, i = divmod(frame - 1, kh)
            r, c = divmod(position, out_w)
            done.flat[:position] = True
            current[r, c] = True
            running = products[r, c, : i + 1].sum()
            on_show[r, c] = running
            row_of_image[r + i, c : c + kw] = True
            row_of_kernel[i] = True
            layer.add(
                inp.add_patch(
                    Rectangle((c - 0.5, r - 0.5), kw, kh, fill=False, edgecolor=_WINDOW, linewidth=3, zorder=4)
                )
            )
            terms = " + ".join(f"{_term(x)}\u00d7{_term(k)}" for x, k in zip(image[r + i, c : c + kw], kernel[i]))
            end = f"; out[{r}, {c}] = {_number(running)}" if i == kh - 1 else f"; running sum {_number(running)}"
            caption = f"out[{r}, {c}], kernel row {i}: {terms} = {_number(products[r, c, i].sum())}{end}"
        fig.suptitle(caption, fontsize=11)
        _cells(layer, inp, image, shade=row_of_image)
        _cells(layer, ker, kernel, shade=row_of_kernel)
        _cells(layer, outp, on_show, shown=done | current, shade=current, bold=done)
        return caption

    return _render(fig, draw, frames, intro)


# --- (b), (c) lesson 02: padding, stride and dilation ------------------------------------


def _padding(padding, n, k, stride, dilation):
    """``(before, after)`` zeros on each axis: 'valid', 'same' (TensorFlow's:
    the extra zero of an odd total after), an int on both sides, or a pair."""
    if isinstance(padding, str):
        padding = checks.one_of(padding, "padding", ("valid", "same"))
        if padding == "valid":
            return 0, 0
        from helpers import ops

        return ops.same_padding(n, dilation * (k - 1) + 1, stride)  # the window's span in place of k
    return checks.pair(padding, "padding", minimum=0)


class _Walk:
    """Where the windows of one conv land along an axis (the same on both):
    padded coordinates run from 0 (the first zero in front) to ``total - 1``."""

    def __init__(self, n, k, padding, stride, dilation):
        self.n = checks.integer(n, "n", 1, MAX_SIDE)
        self.k = checks.integer(k, "k", 1, MAX_SIDE)
        self.stride = checks.integer(stride, "stride", 1, MAX_SIDE)
        self.dilation = checks.integer(dilation, "dilation", 1, MAX_SIDE)
        self.before, self.after = _padding(padding, self.n, self.k, self.stride, self.dilation)
        self.mode = padding if isinstance(padding, str) else None
        self.span = self.dilation * (self.k - 1) + 1
        self.total = self.before + self.n + self.after
        checks.require(
            max(self.before, self.after) <= MAX_SIDE,
            "padding",
            f"be at most {MAX_SIDE} zeros on a side",
            (self.before, self.after),
        )
        if self.span > self.total:  # a sentence the explorer widget shows as it is
            raise ValueError(
                f"a window spanning {self.span} px (k = {self.k}, dilation = {self.dilation}) does "
                f"not fit in n + pads = {self.n} + {self.before} + {self.after} = {self.total}: "
                "pass a larger n, more padding, a smaller k or a smaller dilation"
            )
        self.starts = list(range(0, self.total - self.span + 1, self.stride))
        self.out = len(self.starts)
        seen = np.zeros(self.total, dtype=bool)
        for start in self.starts:
            seen[start : start + self.span : self.dilation] = True
        self.unseen_lines = [p for p in range(self.before, self.before + self.n) if not seen[p]]
        self.colour = PADDING_COLOURS.get(self.mode, OTHER_PADDING_COLOUR)

    def taps(self, start):
        return list(range(start, start + self.span, self.dilation))

    def formula(self):
        """The output size, worked: ``out = floor((n + before + after − span) / stride) + 1 = out``."""
        span = f" (span {self.dilation}\u00d7({self.k} \u2212 1) + 1)" if self.dilation > 1 else ""
        return (
            f"out = floor(({self.n} + {self.before} + {self.after} \u2212 {self.span}) / {self.stride}) + 1"
            f" = {self.out}{span}"
        )

    def unseen_pixels(self):
        """Input pixels no window reads (a row or a column no tap lands on)."""
        return self.n * self.n - (self.n - len(self.unseen_lines)) ** 2

    def skipped_at(self):
        """``({padded column: frame}, {padded row: frame})``: when the walk
        passes each line it never reads. A column is passed when the first row
        of windows jumps beyond it (or ends before it); a row when the windows
        move below it (or the walk ends)."""
        last = self.out * self.out  # the frame of the last window (frame 0 shows none)
        columns, rows = {}, {}
        for p in self.unseen_lines:
            beyond = [j for j, start in enumerate(self.starts) if start > p]
            columns[p] = 1 + (beyond[0] if beyond else self.out - 1)
            rows[p] = 1 + beyond[0] * self.out if beyond else last
        return columns, rows

    def describe(self):
        pads = {"valid": "'valid'", "same": "'same'"}.get(self.mode, "pads")
        return (
            f"n = {self.n}, k = {self.k}, {pads} ({self.before}, {self.after}), stride {self.stride}, "
            f"dilation {self.dilation}"
        )


def _walk_figure(walk):
    """The still part of a walk's figure; returns ``(fig, draw)``, ``draw(frame)``
    drawing frame 0 (no window yet) to ``walk.out ** 2`` (every window: the still figure)."""
    b, total, colour = walk.before, walk.total, walk.colour
    with matplotlib.rc_context(_RC):
        fig = Figure(
            figsize=(1.8 + 0.34 * total + 0.34 * max(walk.out, 3), 1.9 + 0.34 * total),
            dpi=DPI,
            facecolor="white",
            layout="constrained",
        )
        grid = fig.add_gridspec(1, 2, width_ratios=[total, max(walk.out, 3)])
        inp, outp = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])
        is_pad = np.ones((total, total))
        is_pad[b : b + walk.n, b : b + walk.n] = 0
        inp.imshow(is_pad, cmap="Greys", vmin=0, vmax=5, extent=(-b - 0.5, total - b - 0.5, total - b - 0.5, -b - 0.5))
        _cell_grid(inp, total, total, -b, -b)
        notes = (["grey: zero padding"] if b or walk.after else []) + (
            ["hatched: never read"] if walk.unseen_lines else []
        )
        inp.set_xlabel("input column" + (f" ({'; '.join(notes)})" if notes else ""), fontsize=9)
        inp.set_ylabel("input row")
        outp.imshow(np.zeros((walk.out, walk.out)), cmap="Greys", vmin=0, vmax=1)
        _cell_grid(outp, walk.out, walk.out)
        outp.set_title(f"output {walk.out}x{walk.out}", fontsize=10, color=colour)
        outp.set_xlabel("output column")
        outp.set_ylabel("output row")
        fig.suptitle(f"{walk.describe()}:\n{walk.formula()}", fontsize=10)
    columns, rows = walk.skipped_at()
    centre = (walk.span - 1) / 2 - b
    layer = _Layer()

    def draw(frame):
        layer.clear()
        windows = min(frame, walk.out * walk.out)
        skipped_columns = [p for p, at in columns.items() if frame >= at]
        skipped_rows = [p for p, at in rows.items() if frame >= at]
        for p in skipped_rows:
            layer.add(inp.add_patch(Rectangle((-0.5, p - b - 0.5), walk.n, 1, **_UNSEEN_HATCH)))
        for p in skipped_columns:
            layer.add(inp.add_patch(Rectangle((p - b - 0.5, -0.5), 1, walk.n, **_UNSEEN_HATCH)))
        for m in range(windows):
            i, j = divmod(m, walk.out)
            layer.add(*inp.plot(walk.starts[j] + centre, walk.starts[i] + centre, "o", color=colour, markersize=4))
            layer.add(
                outp.add_patch(
                    Rectangle(
                        (j - 0.5, i - 0.5), 1, 1, color=colour, linewidth=0, alpha=0.55 if m == windows - 1 else 0.2
                    )
                )
            )
            layer.add(outp.text(j, i, str(m), ha="center", va="center", fontsize=9))
        where = f"{walk.out * walk.out} windows to place"
        if windows:
            i, j = divmod(windows - 1, walk.out)
            top, left = walk.starts[i], walk.starts[j]
            for r in walk.taps(top):
                for c in walk.taps(left):
                    layer.add(
                        inp.add_patch(Rectangle((c - b - 0.5, r - b - 0.5), 1, 1, color=colour, alpha=0.6, linewidth=0))
                    )
            layer.add(
                inp.add_patch(
                    Rectangle(
                        (left - b - 0.5, top - b - 0.5),
                        walk.span,
                        walk.span,
                        fill=False,
                        edgecolor=colour,
                        linewidth=2.2,
                        linestyle="--" if walk.dilation > 1 else "-",
                    )
                )
            )
            where = (
                f"window {windows - 1}: rows {top - b}..{top - b + walk.span - 1}, "
                f"columns {left - b}..{left - b + walk.span - 1}"
            )
        skipped = walk.n * walk.n - (walk.n - len(skipped_rows)) * (walk.n - len(skipped_columns))
        caption = where + (f"; {skipped} px skipped" if skipped else "")
        inp.set_title(caption, fontsize=9)
        return caption

    return fig, draw


def window_walk(n, k, padding="valid", stride=1, dilation=1):
    """Every window of a ``k x k`` conv on an ``n x n`` input (n <= 12), as one
    still figure: the padded input (zeros grey) with a dot at each window's
    centre, the last window's taps filled (``dilation`` apart; its span
    outlined), the input pixels no window reads hatched, and the output grid
    numbered in the order the windows fill it. The title gives the output
    size by the formula ``floor((n + before + after - span) / stride) + 1``
    with ``span = dilation * (k - 1) + 1``.

    ``padding``: 'valid', 'same' (TensorFlow's zeros), an int of zeros on
    each side, or ``(before, after)``.
    """
    walk = _Walk(n, k, padding, stride, dilation)
    fig, draw = _walk_figure(walk)
    with matplotlib.rc_context(_RC):
        draw(walk.out * walk.out)
    return fig


def window_walk_animation(n, k, padding="valid", stride=1, dilation=1):
    """:func:`window_walk` played one window at a time: each frame places the
    next window (its taps filled) and fills its output cell; input pixels the
    walk passes without reading are hatched as it passes them (a column when
    the first row of windows jumps over it, a row when the windows move below
    it). Returns an :class:`Animation` (displays itself in a notebook)."""
    walk = _Walk(n, k, padding, stride, dilation)
    frames = 1 + walk.out * walk.out
    checks.require(
        frames <= MAX_FRAMES,
        "n",
        f"give at most {MAX_FRAMES - 1} windows: pass a smaller n or a larger stride",
        f"{walk.out}x{walk.out} windows",
    )
    fig, draw = _walk_figure(walk)
    return _render(fig, draw, frames, f"{walk.describe()}: {walk.formula()}")


# --- (d) lesson 03: max-pooling ----------------------------------------------------------


def pooling_animation(feature_map, pool=2):
    """``pool x pool`` max-pooling with stride ``pool`` of a small map
    ``(H, W)`` (sides <= 10), played: each window is outlined, then its
    maximum -- the winner -- is highlighted and written into the output cell.
    Rows and columns no window reaches (the floor) are hatched. Returns an
    :class:`Animation` (displays itself in a notebook)."""
    feature_map = checks.array_of(feature_map, "feature_map", "(H, W)", "iuf", empty=False, finite=True)
    pool = checks.integer(pool, "pool", 1, _SMALL)
    h, w = feature_map.shape
    checks.require(max(h, w) <= _SMALL, "feature_map", f"be at most {_SMALL}x{_SMALL} to print its numbers", f"{h}x{w}")
    out_h, out_w = h // pool, w // pool
    checks.require(out_h and out_w, "pool", f"fit inside the {h}x{w} feature_map: pass a smaller pool", pool)
    frames = 1 + 2 * out_h * out_w
    checks.require(frames <= MAX_FRAMES, "feature_map", f"make at most {MAX_FRAMES} frames: pass a smaller one", frames)
    windows = feature_map[: out_h * pool, : out_w * pool].reshape(out_h, pool, out_w, pool).swapaxes(1, 2)
    pooled = windows.max(axis=(2, 3))
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(1.8 + 0.55 * (w + out_w), 3.0), dpi=DPI, facecolor="white", layout="constrained")
        grid = fig.add_gridspec(1, 2, width_ratios=[w, out_w])
        inp, outp = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])
        _table(inp, feature_map, "feature map")
        _table(outp, pooled, "max of each window")
        if h > out_h * pool:  # the floor: rows and columns no window reaches
            inp.add_patch(Rectangle((-0.5, out_h * pool - 0.5), w, h - out_h * pool, **_UNSEEN_HATCH))
        if w > out_w * pool:
            inp.add_patch(Rectangle((out_w * pool - 0.5, -0.5), w - out_w * pool, h, **_UNSEEN_HATCH))
        inp.set_xlabel("column")
        inp.set_ylabel("row")
        outp.set_xlabel("output column")
    intro = f"{pool}x{pool} max-pooling, stride {pool}: {h}x{w} \u2192 {out_h}x{out_w}"
    layer = _Layer()

    def draw(frame):
        layer.clear()
        winners = np.zeros((h, w), dtype=bool)
        filled, current = np.zeros((out_h, out_w), dtype=bool), np.zeros((out_h, out_w), dtype=bool)
        caption = intro
        if frame > 0:
            index, decided = divmod(frame - 1, 2)
            r, c = divmod(index, out_w)
            filled.flat[: index + decided] = True
            current[r, c] = True
            values = windows[r, c]
            listed = ", ".join(_number(v) for v in values.ravel())
            layer.add(
                inp.add_patch(
                    Rectangle(
                        (c * pool - 0.5, r * pool - 0.5),
                        pool,
                        pool,
                        fill=False,
                        edgecolor=_WINDOW,
                        linewidth=3,
                        zorder=4,
                    )
                )
            )
            if decided:
                winners[r * pool : (r + 1) * pool, c * pool : (c + 1) * pool] = values == pooled[r, c]
                tie = " (a tie: each copy is the maximum)" if (values == pooled[r, c]).sum() > 1 else ""
                caption = f"window ({r}, {c}): max({listed}) = {_number(pooled[r, c])}{tie} \u2192 out[{r}, {c}]"
            else:
                caption = (
                    f"window ({r}, {c}): rows {r * pool}..{(r + 1) * pool - 1}, "
                    f"columns {c * pool}..{(c + 1) * pool - 1}: max({listed}) = ?"
                )
        fig.suptitle(caption, fontsize=11)
        _cells(layer, inp, feature_map, shade=winners, colour=_WINNER, bold=winners)
        _cells(layer, outp, pooled, shown=filled, shade=current & filled, colour=_WINNER, bold=filled)
        return caption

    return _render(fig, draw, frames, intro)
