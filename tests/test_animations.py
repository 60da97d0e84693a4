"""helpers.plots animations: self-contained HTML (to_jshtml) that strict nbval
can compare.

Each animation is rendered twice with the arguments its lesson uses. The two
renders differ only by matplotlib's random element id, and they match once
the patterns of tests/nbval_sanitize.cfg are applied the way nbval applies
them -- a test of the sanitizer: without its animation pattern they differ.
Each is small (under 300 KB as stored in a notebook: the HTML, the PNG still
and the text), has the frames it should, fetches nothing from the network
and shows its last frame before any script runs (a static view).
"""

import base64
import re
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from nbval.plugin import get_sanitize_patterns

from helpers import ops, plots
from helpers.plots import animations

ROOT = Path(__file__).resolve().parent.parent
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"
MAX_STORED_BYTES = 300_000

# lesson 01's 4x4 integer example (notebooks/01_convolution.ipynb, section 2) and its kernel
X = np.array([[1, 2, 0, 1], [0, 1, 3, 1], [2, 1, 0, 2], [1, 3, 2, 0]])
K = np.array([[1, 0, -1], [2, 1, 0], [0, 1, 2]])
# lesson 03's 4x4 map (notebooks/03_max_pooling.ipynb, section 1)
POOL_MAP = np.array([[1, 3, 2, 1], [4, 6, 5, 0], [3, 1, 1, 2], [0, 2, 4, 3]], dtype=np.float32)

# name: (call, frames it must have)
ANIMATIONS = {
    "conv_animation": (lambda: plots.conv_animation(X, K), 1 + 4 * 3),  # 4 positions x 3 kernel rows
    "window_walk_animation stride": (lambda: plots.window_walk_animation(8, 3, stride=2), 1 + 3 * 3),
    "window_walk_animation dilation": (lambda: plots.window_walk_animation(7, 3, dilation=2), 1 + 3 * 3),
    "pooling_animation": (lambda: plots.pooling_animation(POOL_MAP), 1 + 2 * 4),  # 4 windows, 2 steps each
}
ID = re.compile(r"_anim_img([0-9a-f]{32})")


def sanitize(text, patterns):
    """What nbval does to an output before comparing: each (regex, replace) in turn."""
    for regex, replace in patterns:
        text = re.sub(regex, replace, text)
    return text


def nbval_patterns():
    """The sanitizer patterns of tests/nbval_sanitize.cfg, read by nbval's own parser."""
    return get_sanitize_patterns(SANITIZE.read_text())


@pytest.fixture(scope="module")
def renders():
    """Every animation rendered twice: {name: (first, second)}; no pyplot figure made."""
    before = plt.get_fignums()
    rendered = {name: (call(), call()) for name, (call, _) in ANIMATIONS.items()}
    assert plt.get_fignums() == before, "animations must not create pyplot figures"
    return rendered


def test_every_public_animation_is_tested():
    public = {name for name in vars(plots) if name.endswith("_animation")}
    assert public == {name.split()[0] for name in ANIMATIONS}


@pytest.mark.parametrize("name", ANIMATIONS)
def test_two_renders_differ_only_by_the_random_id(renders, name):
    first, second = (animation.html for animation in renders[name])
    assert first != second, "the two renders are identical: the sanitizer test proves nothing"
    ids = ID.search(first).group(1), ID.search(second).group(1)
    assert ids[0] != ids[1]
    assert first.replace(ids[0], ids[1]) == second, "the renders differ by more than the random id"
    patterns = nbval_patterns()
    assert sanitize(first, patterns) == sanitize(second, patterns)
    assert ids[0] not in sanitize(first, patterns), "the sanitizer leaves the id somewhere"


def test_without_its_pattern_the_sanitizer_fails(renders):
    """The test of the test: drop the animation pattern from the cfg and the renders no longer match."""
    patterns = nbval_patterns()
    ours = [p for p in patterns if "anim" in p[0]]
    assert len(ours) == 1, f"tests/nbval_sanitize.cfg must hold one animation-id pattern, found {ours}"
    others = [p for p in patterns if p not in ours]
    first, second = (animation.html for animation in renders["pooling_animation"])
    assert sanitize(first, others) != sanitize(second, others)


def test_the_pattern_masks_the_id_only(renders):
    """Two different animations stay different after sanitizing (the frames are compared)."""
    patterns = nbval_patterns()
    conv, pool = renders["conv_animation"][0].html, renders["pooling_animation"][0].html
    assert sanitize(conv, patterns) != sanitize(pool, patterns)
    masked = sanitize(conv, patterns)
    assert masked.count("ID") - conv.count("ID") == conv.count(ID.search(conv).group(1))


@pytest.mark.parametrize("name", ANIMATIONS)
def test_size_and_frames(renders, name):
    animation, frames = renders[name][0], ANIMATIONS[name][1]
    assert animation.frames == frames
    embedded = re.findall(r'frames\[(\d+)\] = "data:image/png;base64,', animation.html)
    assert embedded == [str(i) for i in range(frames)]
    stored = len(animation.html) + len(base64.b64encode(animation.still)) + len(repr(animation))
    assert stored < MAX_STORED_BYTES, f"{name}: {stored:,} bytes stored in a notebook"
    print(
        f"{name}: {frames} frames, HTML {len(animation.html):,} bytes, still {len(animation.still):,} bytes, "
        f"{stored:,} bytes stored"
    )


@pytest.mark.parametrize("name", ANIMATIONS)
def test_nothing_comes_from_the_network(renders, name):
    html = renders[name][0].html
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", html), re.findall(r"\S*//\S+", html)[:3]
    assert "<link" not in html and 'class="fa ' not in html, "Font Awesome (a CDN stylesheet) is still asked for"
    for label in ("Previous frame", "Next frame", "Play", "Pause"):
        assert re.search(rf'title="{label}"[^>]*>\s*[^<\s]+\s*</button>', html), f"the {label} button has no symbol"


@pytest.mark.parametrize("name", ANIMATIONS)
def test_a_static_view_shows_the_last_frame(renders, name):
    """Before any script runs (an untrusted notebook, GitHub) the image is the last frame."""
    animation = renders[name][0]
    still = base64.b64encode(animation.still).decode("ascii")
    assert animation.still.startswith(b"\x89PNG")
    assert re.search(rf'<img alt="[^"]+" src="data:image/png;base64,{re.escape(still)}" id="_anim_img', animation.html)
    last = re.findall(r'frames\[\d+\] = "data:image/png;base64,([^"]*)"', animation.html)[-1]
    assert last == still


def test_it_displays_as_html_with_a_png_fallback(renders):
    from IPython.core.formatters import DisplayFormatter

    animation = renders["pooling_animation"][0]
    data, _ = DisplayFormatter().format(animation)
    assert data["text/html"] == animation.html
    png = data["image/png"]
    assert (base64.b64decode(png) if isinstance(png, str) else png) == animation.still
    assert data["text/plain"] == "<animation, 9 frames: 2x2 max-pooling, stride 2: 4x4 \u2192 2x2>"


def test_the_kernel_defaults_do_not_change_the_frames(renders):
    """A notebook kernel's inline backend changes rcParams (transparent figures,
    its own dpi and font size); the frames are drawn with pinned settings."""
    with matplotlib.rc_context(
        {"figure.facecolor": (1, 1, 1, 0), "figure.dpi": 144, "font.size": 20, "savefig.transparent": True}
    ):
        again = plots.pooling_animation(POOL_MAP)
    first = renders["pooling_animation"][0].html
    assert again.html.replace(ID.search(again.html).group(1), ID.search(first).group(1)) == first


# --- what the frames show ------------------------------------------------------------


@pytest.mark.parametrize(
    "n, k, padding, stride, dilation",
    [
        (8, 3, "valid", 2, 1),
        (8, 3, "same", 2, 1),
        (7, 3, "valid", 1, 2),
        (7, 2, "same", 3, 1),
        (9, 3, (1, 0), 4, 1),
        (5, 5, 2, 1, 1),
        (12, 3, "same", 1, 3),
        (6, 3, "same", 2, 2),
    ],
)
def test_the_walk_agrees_with_ops(n, k, padding, stride, dilation):
    walk = animations._Walk(n, k, padding, stride, dilation)
    pads = (
        ops.same_padding(n, dilation * (k - 1) + 1, stride)
        if padding == "same"
        else (0, 0)
        if padding == "valid"
        else (padding, padding)
        if isinstance(padding, int)
        else padding
    )
    assert (walk.before, walk.after) == pads
    assert walk.out == ops.conv_output_size(n, k, stride, pads, dilation)
    # the pixels no tap reads, counted by poking each one through a conv of ones (independent of _Walk)
    image = np.zeros((n * n, n, n, 1))
    image[np.arange(n * n), np.arange(n * n) // n, np.arange(n * n) % n] = 1
    spread = np.zeros((walk.span, walk.span, 1, 1))
    spread[::dilation, ::dilation] = 1
    reached = ops.conv2d(ops.pad2d(image, (pads, pads)), spread, stride=stride).sum(axis=(1, 2, 3))
    assert walk.unseen_pixels() == int((reached == 0).sum())


def test_the_still_figure_numbers_every_window_and_hatches_what_no_window_reads():
    fig = plots.window_walk(8, 3, stride=2)
    inp, outp = fig.axes
    assert sorted(int(t.get_text()) for t in outp.texts) == list(range(9))
    hatched = [p for p in inp.patches if p.get_hatch()]
    assert len(hatched) == 2  # the last row and the last column
    assert "out = floor((8 + 0 + 0 \u2212 3) / 2) + 1 = 3" in fig.get_suptitle()
    assert "15 px skipped" in inp.get_title()  # 8x8 - 7x7


def test_skipped_lines_are_hatched_as_the_walk_passes_them():
    walk = animations._Walk(9, 3, "valid", 4, 1)  # windows at 0 and 4: columns 3, 7, 8 never read
    columns, rows = walk.skipped_at()
    assert columns == {3: 2, 7: 2, 8: 2}  # when the first row jumps to 4, and at its end
    assert rows == {3: 3, 7: 4, 8: 4}  # when the windows move down; at the last window


def test_conv_frames_add_one_kernel_row_at_a_time(renders):
    captions = renders["conv_animation"][0].captions
    assert captions[0] == "A 3x3 kernel slides over a 4x4 input: 2x2 outputs"
    assert captions[4:7] == [
        "out[0, 1], kernel row 0: 2\u00d71 + 0\u00d70 + 1\u00d7(\u22121) = 1; running sum 1",
        "out[0, 1], kernel row 1: 1\u00d72 + 3\u00d71 + 1\u00d70 = 5; running sum 6",
        "out[0, 1], kernel row 2: 1\u00d70 + 0\u00d71 + 2\u00d72 = 4; out[0, 1] = 10",
    ]
    finished = [int(c.rsplit("= ", 1)[1]) for c in captions if "; out[" in c]
    assert finished == [int(np.sum(X[r : r + 3, c : c + 3] * K)) for r in range(2) for c in range(2)]


def test_pooling_frames_outline_a_window_then_name_its_winner(renders):
    captions = renders["pooling_animation"][0].captions
    assert captions[1] == "window (0, 0): rows 0..1, columns 0..1: max(1, 3, 4, 6) = ?"
    assert captions[2] == "window (0, 0): max(1, 3, 4, 6) = 6 \u2192 out[0, 0]"
    assert [c.split("= ")[1].split(" ")[0] for c in captions[2::2]] == ["6", "5", "3", "4"]
    tie = plots.pooling_animation(np.array([[1, 5], [5, 0]]))
    assert tie.captions[-1] == "window (0, 0): max(1, 5, 5, 0) = 5 (a tie: each copy is the maximum) \u2192 out[0, 0]"


def test_walk_frames_place_one_window_each(renders):
    captions = renders["window_walk_animation stride"][0].captions
    assert captions[0] == "9 windows to place"
    assert captions[1] == "window 0: rows 0..2, columns 0..2"
    assert captions[3] == "window 2: rows 0..2, columns 4..6; 8 px skipped"  # the last column, passed
    assert captions[-1] == "window 8: rows 4..6, columns 4..6; 15 px skipped"  # and the last row


# --- end to end: executed in the course kernel, then strict nbval ---------------------

CELLS = [
    "import numpy as np\n\nfrom helpers import plots, widgets",
    f"plots.conv_animation(np.array({X.tolist()}), np.array({K.tolist()}))",
    "plots.window_walk_animation(8, 3, stride=2)",
    "plots.window_walk_animation(7, 3, dilation=2)",
    f"plots.pooling_animation(np.array({POOL_MAP.astype(int).tolist()}))",
    "widgets.conv_explorer()",
]


@pytest.mark.slow
def test_a_notebook_of_animations_passes_strict_nbval(tmp_path):
    """The four animations and the explorer, executed by papermill in the course
    kernel as `course refresh` executes a lesson, then checked by strict nbval
    with tests/nbval_sanitize.cfg in a second, fresh kernel: the stored HTML
    must reproduce up to the sanitized id. The test of the test: with the
    animation pattern left out of the sanitize file, nbval fails."""
    import subprocess
    import sys

    import nbformat
    import papermill

    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in CELLS],
        metadata={
            "kernelspec": {
                "name": "convnets-course",
                "display_name": "Python 3 (convnets course)",
                "language": "python",
            }
        },
    )
    source, executed = tmp_path / "source.ipynb", tmp_path / "animations.ipynb"
    nbformat.write(notebook, source)
    papermill.execute_notebook(
        str(source), str(executed), kernel_name="convnets-course", progress_bar=False, cwd=str(tmp_path)
    )
    stored = nbformat.read(executed, as_version=4)
    html = [o["data"]["text/html"] for cell in stored.cells for o in cell.outputs if "text/html" in o.get("data", {})]
    assert len(html) == 4 and all(len(h) < MAX_STORED_BYTES for h in html)
    without_ours = tmp_path / "without_animation_pattern.cfg"
    text = SANITIZE.read_text()
    without_ours.write_text(text[: text.index("[animation-ids]")])

    def nbval(sanitize_file):
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                str(executed),
                "--nbval",
                "--nbval-kernel-name",
                "convnets-course",
                "--nbval-sanitize-with",
                str(sanitize_file),
                "-p",
                "no:cacheprovider",
                "-q",
                "--rootdir",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=300,
        )

    passed = nbval(SANITIZE)
    assert passed.returncode == 0, passed.stdout[-3000:]
    failed = nbval(without_ours)
    assert failed.returncode != 0 and "4 failed" in failed.stdout, failed.stdout[-3000:]
