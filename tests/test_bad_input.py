"""Bad input to every public helper: a clear ValueError/TypeError that names
the argument; valid edge input: the right answer.

``BAD`` is one table of calls, grouped by module. Each entry says which
error it must raise and which argument its message must name; every message
must also say what to pass ("must ..."). ``VALID`` is a table of edge inputs
(integers, bools, float16, empty batches, k > n with padding ...) with the
answers worked out independently.
"""

import numpy as np
import pytest

from helpers import plots

NAN, INF = float("nan"), float("inf")
BAD = []


def bad(family, error, name, call):
    """Add one bad call: ``family`` (what is wrong) names the test case."""
    BAD.append(pytest.param(call, error, name, id=f"{len(BAD):03d}-{family}"))


# --- helpers.plots ------------------------------------------------------------

IMGS = np.zeros((4, 8, 8))
MAPS = np.zeros((8, 8, 3))
KERNEL = np.zeros((3, 3, 1, 4))
H = {"a": {"loss": [1.0, 0.5], "accuracy": [0.5, 0.8]}}


def _plots():
    # image_grid
    bad("empty images", ValueError, "images", lambda: plots.image_grid(np.zeros((0, 8, 8))))
    bad("wrong ndim", ValueError, "images", lambda: plots.image_grid(np.zeros((8, 8))))
    bad("wrong ndim", ValueError, "images", lambda: plots.image_grid(np.zeros((2, 8, 8, 3))))
    bad("strings", TypeError, "images", lambda: plots.image_grid(np.array([["a"]])))
    bad("None", TypeError, "images", lambda: plots.image_grid(None))
    bad("ragged", ValueError, "images", lambda: plots.image_grid([[[1, 2]], [[1]]]))
    bad("zero size", ValueError, "cols", lambda: plots.image_grid(IMGS, cols=0))
    bad("float size", TypeError, "cols", lambda: plots.image_grid(IMGS, cols=2.5))
    bad("bool size", TypeError, "cols", lambda: plots.image_grid(IMGS, cols=True))
    bad("too few labels", ValueError, "labels", lambda: plots.image_grid(IMGS, labels=["a"]))
    bad("bare string", TypeError, "labels", lambda: plots.image_grid(IMGS, labels="abcd"))
    # kernel_grid
    bad("wrong ndim", ValueError, "kernel", lambda: plots.kernel_grid(np.zeros((3, 3, 8))))
    bad("empty", ValueError, "kernel", lambda: plots.kernel_grid(np.zeros((3, 3, 1, 0))))
    bad("strings", TypeError, "kernel", lambda: plots.kernel_grid(np.full((3, 3, 1, 1), "x")))
    bad("None", TypeError, "kernel", lambda: plots.kernel_grid(None))
    bad("index out of range", ValueError, "channel", lambda: plots.kernel_grid(KERNEL, channel=1))
    bad("negative index", ValueError, "channel", lambda: plots.kernel_grid(KERNEL, channel=-1))
    bad("float index", TypeError, "channel", lambda: plots.kernel_grid(KERNEL, channel=0.0))
    bad("zero size", ValueError, "cols", lambda: plots.kernel_grid(KERNEL, cols=0))
    # feature_maps
    bad("a batch", ValueError, "maps", lambda: plots.feature_maps(np.zeros((1, 8, 8, 3))))
    bad("empty", ValueError, "maps", lambda: plots.feature_maps(np.zeros((8, 8, 0))))
    bad("None", TypeError, "maps", lambda: plots.feature_maps(None))
    bad("complex", TypeError, "maps", lambda: plots.feature_maps(np.zeros((8, 8, 3), complex)))
    bad("too few names", ValueError, "names", lambda: plots.feature_maps(MAPS, names=["a"]))
    bad("zero size", ValueError, "max_maps", lambda: plots.feature_maps(MAPS, max_maps=0))
    bad("float size", TypeError, "max_maps", lambda: plots.feature_maps(MAPS, max_maps=1.5))
    bad("negative size", ValueError, "cols", lambda: plots.feature_maps(MAPS, cols=-2))
    # sliding_window
    image, out = np.zeros((8, 8)), np.zeros((6, 6))
    bad("zero k", ValueError, "k", lambda: plots.sliding_window(image, out, 0, 0, k=0))
    bad("negative k", ValueError, "k", lambda: plots.sliding_window(image, out, 0, 0, k=-3))
    bad("float k", TypeError, "k", lambda: plots.sliding_window(image, out, 0, 0, k=3.0))
    bad("window outside image", ValueError, "k", lambda: plots.sliding_window(image, out, 5, 5, k=4))
    bad("window outside image", ValueError, "stride", lambda: plots.sliding_window(image, out, 5, 0, stride=2))
    bad("zero stride", ValueError, "stride", lambda: plots.sliding_window(image, out, 0, 0, stride=0))
    bad("row outside output", ValueError, "row", lambda: plots.sliding_window(image, out, 6, 0))
    bad("negative col", ValueError, "col", lambda: plots.sliding_window(image, out, 0, -1))
    bad("float row", TypeError, "row", lambda: plots.sliding_window(image, out, 1.5, 0))
    bad("None col", TypeError, "col", lambda: plots.sliding_window(image, out, 0, None))
    bad("empty image", ValueError, "image", lambda: plots.sliding_window(np.zeros((0, 8)), out, 0, 0))
    bad("wrong ndim", ValueError, "image", lambda: plots.sliding_window(np.zeros((2, 8, 8)), out, 0, 0))
    bad("None", TypeError, "output", lambda: plots.sliding_window(image, None, 0, 0))
    # padding_stride_diagram
    bad("huge n", ValueError, "n", lambda: plots.padding_stride_diagram(3000, 3))
    bad("huge padding", ValueError, "pad", lambda: plots.padding_stride_diagram(8, 3, pad=(100, 0)))
    bad("zero n", ValueError, "n", lambda: plots.padding_stride_diagram(0, 3))
    bad("zero k", ValueError, "k", lambda: plots.padding_stride_diagram(5, 0))
    bad("k > n", ValueError, "k", lambda: plots.padding_stride_diagram(3, 5))
    bad("zero stride", ValueError, "stride", lambda: plots.padding_stride_diagram(5, 3, 0))
    bad("float n", TypeError, "n", lambda: plots.padding_stride_diagram(5.0, 3))
    bad("bool k", TypeError, "k", lambda: plots.padding_stride_diagram(5, True))
    bad("string n", TypeError, "n", lambda: plots.padding_stride_diagram("5", 3))
    bad("negative pad", ValueError, "pad", lambda: plots.padding_stride_diagram(5, 3, pad=(-1, 1)))
    bad("three pads", TypeError, "pad", lambda: plots.padding_stride_diagram(5, 3, pad=(1, 1, 1)))
    bad("None pad", TypeError, "pad", lambda: plots.padding_stride_diagram(5, 3, pad=None))
    # training_curves
    bad("bare string", TypeError, "metrics", lambda: plots.training_curves(H, metrics="loss"))
    bad("unknown metric", ValueError, "metrics", lambda: plots.training_curves(H, metrics=("auc",)))
    bad("empty metrics", TypeError, "metrics", lambda: plots.training_curves(H, metrics=()))
    bad("None metrics", TypeError, "metrics", lambda: plots.training_curves(H, metrics=None))
    bad("metric not a str", TypeError, "metrics", lambda: plots.training_curves(H, metrics=(1,)))
    bad("empty", TypeError, "histories", lambda: plots.training_curves({}))
    bad("None", TypeError, "histories", lambda: plots.training_curves(None))
    bad("a list", TypeError, "histories", lambda: plots.training_curves([H["a"]]))
    bad("not a dict", TypeError, "histories['a']", lambda: plots.training_curves({"a": [1, 2]}))
    bad("empty values", ValueError, "histories['a']['loss']", lambda: plots.training_curves({"a": {"loss": []}}))
    bad("strings", TypeError, "histories['a']['loss']", lambda: plots.training_curves({"a": {"loss": ["1"]}}))
    # grouped_bars
    bad("wrong shape", ValueError, "means", lambda: plots.grouped_bars(["a"], ["x", "y"], [1, 2]))
    bad("NaN", ValueError, "means", lambda: plots.grouped_bars(["a"], ["x"], [[NAN]]))
    bad("inf", ValueError, "means", lambda: plots.grouped_bars(["a"], ["x"], [[INF]]))
    bad("strings", TypeError, "means", lambda: plots.grouped_bars(["a"], ["x"], [["high"]]))
    bad("None", TypeError, "means", lambda: plots.grouped_bars(["a"], ["x"], None))
    bad("empty", TypeError, "groups", lambda: plots.grouped_bars([], ["x"], np.zeros((1, 0))))
    bad("bare string", TypeError, "series", lambda: plots.grouped_bars(["a"], "x", [[1]]))
    bad("wrong shape", ValueError, "errors", lambda: plots.grouped_bars(["a"], ["x"], [[1]], [1, 2]))
    bad("negative", ValueError, "errors", lambda: plots.grouped_bars(["a"], ["x"], [[1]], [[-1]]))
    bad("NaN", ValueError, "errors", lambda: plots.grouped_bars(["a"], ["x"], [[1]], [[NAN]]))
    # confusion_matrix
    bad("empty", ValueError, "matrix", lambda: plots.confusion_matrix(np.zeros((0, 0), int)))
    bad("not square", ValueError, "matrix", lambda: plots.confusion_matrix(np.zeros((10, 9), int)))
    bad("wrong ndim", ValueError, "matrix", lambda: plots.confusion_matrix(np.zeros(10, int)))
    bad("negative count", ValueError, "matrix", lambda: plots.confusion_matrix(-np.eye(3, dtype=int)))
    bad("floats", TypeError, "matrix", lambda: plots.confusion_matrix(np.eye(3)))
    bad("None", TypeError, "matrix", lambda: plots.confusion_matrix(None))
    # line_plot
    bad("empty x", ValueError, "x", lambda: plots.line_plot([], {"a": []}, "x", "y", "t"))
    bad("NaN x", ValueError, "x", lambda: plots.line_plot([0, NAN], {"a": [1, 2]}, "x", "y", "t"))
    bad("2-D x", ValueError, "x", lambda: plots.line_plot([[0, 1]], {"a": [1, 2]}, "x", "y", "t"))
    bad("mismatched lengths", ValueError, "ys['a']", lambda: plots.line_plot([0, 1], {"a": [1]}, "x", "y", "t"))
    bad("empty ys", TypeError, "ys", lambda: plots.line_plot([0, 1], {}, "x", "y", "t"))
    bad("list ys", TypeError, "ys", lambda: plots.line_plot([0, 1], [1, 2], "x", "y", "t"))
    bad("strings", TypeError, "ys['a']", lambda: plots.line_plot([0, 1], {"a": ["1", "2"]}, "x", "y", "t"))


_plots()


@pytest.mark.parametrize("call, error, name", BAD)
def test_bad_input_raises_a_clear_error(call, error, name):
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    assert type(info.value) is error, f"{type(info.value).__name__}: {message}"
    assert name in message, f"the message does not name {name!r}: {message}"
    assert any(word in message for word in ("must", "pass", "use ")), f"the message does not say what to pass: {message}"
    assert len(message) < 500, message


# --- valid edge input: the right answer ---------------------------------------------

VALID = []


def valid(family, call, expected):
    VALID.append(pytest.param(call, expected, id=f"{len(VALID):03d}-{family}"))


def _figure_with(check):
    """The right answer for a figure: it is a Figure and ``check(fig)`` holds."""
    return ("figure", check)


valid("one image", lambda: plots.image_grid(np.ones((1, 5, 5), np.uint8)), _figure_with(lambda f: len(f.axes) == 1))
valid("bool images", lambda: plots.image_grid(np.eye(5, dtype=bool)[np.newaxis]), _figure_with(lambda f: f.axes))
valid("float16 maps", lambda: plots.feature_maps(np.ones((4, 4, 2), np.float16)), _figure_with(lambda f: len(f.axes) == 2))
valid("labels as an array", lambda: plots.image_grid(np.zeros((2, 3, 3)), labels=np.array([7, 1])),
      _figure_with(lambda f: [a.get_title() for a in f.axes] == ["7", "1"]))
valid("window at the last cell", lambda: plots.sliding_window(np.zeros((8, 8)), np.zeros((6, 6)), 5, 5),
      _figure_with(lambda f: len(f.axes) == 2))
valid("k > n with padding", lambda: plots.padding_stride_diagram(3, 5, pad=(2, 2)),
      _figure_with(lambda f: f.axes[0].get_title().endswith(": 3 outputs")))
valid("int pad", lambda: plots.padding_stride_diagram(5, 3, pad=1),
      _figure_with(lambda f: f.axes[0].get_title().endswith(": 5 outputs")))
valid("the largest diagram", lambda: plots.padding_stride_diagram(plots.MAX_DIAGRAM_CELLS, 3, 8),
      _figure_with(lambda f: f.axes[0].get_title().endswith(": 8 outputs")))
valid("one metric in a list", lambda: plots.training_curves(H, metrics=["loss"]),
      _figure_with(lambda f: len(f.axes) == 1))
valid("only val_ entries", lambda: plots.training_curves({"a": {"val_loss": [1.0]}}, metrics=("loss",)),
      _figure_with(lambda f: len(f.axes[0].lines) == 1))
valid("NaN in a loss curve (diverged)", lambda: plots.training_curves({"a": {"loss": [1.0, NAN]}}, ("loss",)),
      _figure_with(lambda f: len(f.axes[0].lines) == 1))
valid("an all-zero confusion matrix", lambda: plots.confusion_matrix(np.zeros((10, 10), np.int64)),
      _figure_with(lambda f: f.axes))
valid("one group, one series", lambda: plots.grouped_bars(["a"], ["x"], [[0.5]]),
      _figure_with(lambda f: len(f.axes[0].patches) == 1))


@pytest.mark.parametrize("call, expected", VALID)
def test_valid_edge_input_gives_the_right_answer(call, expected):
    got = call()
    if isinstance(expected, tuple) and expected[:1] == ("figure",):
        from matplotlib.figure import Figure

        assert isinstance(got, Figure) and expected[1](got)
        return
    _assert_same(got, expected)


def _assert_same(got, expected):
    """Equal values *and* types/dtypes: a right number in a wrong dtype is wrong too."""
    if isinstance(expected, np.ndarray):
        assert isinstance(got, np.ndarray), type(got)
        assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
        np.testing.assert_array_equal(got, expected)
    elif isinstance(expected, tuple):
        assert isinstance(got, tuple) and len(got) == len(expected), got
        for g, e in zip(got, expected):
            _assert_same(g, e)
    else:
        assert type(got) is type(expected) and got == expected, (got, expected)
