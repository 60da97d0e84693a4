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
    bad("more labels than images", ValueError, "labels", lambda: plots.image_grid(IMGS, labels=list("abcde")))
    bad("5,000 panels", ValueError, "images", lambda: plots.image_grid(np.zeros((5000, 2, 2))))
    # kernel_grid
    bad("wrong ndim", ValueError, "kernel", lambda: plots.kernel_grid(np.zeros((3, 3, 8))))
    bad("empty", ValueError, "kernel", lambda: plots.kernel_grid(np.zeros((3, 3, 1, 0))))
    bad("strings", TypeError, "kernel", lambda: plots.kernel_grid(np.full((3, 3, 1, 1), "x")))
    bad("None", TypeError, "kernel", lambda: plots.kernel_grid(None))
    bad("index out of range", ValueError, "channel", lambda: plots.kernel_grid(KERNEL, channel=1))
    bad("negative index", ValueError, "channel", lambda: plots.kernel_grid(KERNEL, channel=-1))
    bad("float index", TypeError, "channel", lambda: plots.kernel_grid(KERNEL, channel=0.0))
    bad("zero size", ValueError, "cols", lambda: plots.kernel_grid(KERNEL, cols=0))
    bad("NaN kernel (drew a blank figure)", ValueError, "kernel", lambda: plots.kernel_grid(np.full((3, 3, 1, 2), NAN)))
    bad("inf kernel", ValueError, "kernel", lambda: plots.kernel_grid(np.full((3, 3, 1, 2), INF)))
    bad("300 panels", ValueError, "kernel", lambda: plots.kernel_grid(np.zeros((3, 3, 1, 300))))
    # feature_maps
    bad("a batch", ValueError, "maps", lambda: plots.feature_maps(np.zeros((1, 8, 8, 3))))
    bad("empty", ValueError, "maps", lambda: plots.feature_maps(np.zeros((8, 8, 0))))
    bad("None", TypeError, "maps", lambda: plots.feature_maps(None))
    bad("complex", TypeError, "maps", lambda: plots.feature_maps(np.zeros((8, 8, 3), complex)))
    bad("too few names", ValueError, "names", lambda: plots.feature_maps(MAPS, names=["a"]))
    bad("zero size", ValueError, "max_maps", lambda: plots.feature_maps(MAPS, max_maps=0))
    bad("300 panels", ValueError, "maps", lambda: plots.feature_maps(np.zeros((2, 2, 300))))
    bad("float size", TypeError, "max_maps", lambda: plots.feature_maps(MAPS, max_maps=1.5))
    bad("negative size", ValueError, "cols", lambda: plots.feature_maps(MAPS, cols=-2))
    bad("NaN maps (no scale to share)", ValueError, "maps", lambda: plots.feature_maps(np.full((4, 4, 2), NAN)))
    # layer_activations
    bad("a batch as the image", ValueError, "image", lambda: plots.layer_activations(np.zeros((2, 8, 8)), {"c": MAPS}))
    bad("None image", TypeError, "image", lambda: plots.layer_activations(None, {"c": MAPS}))
    bad("maps not a dict", TypeError, "maps", lambda: plots.layer_activations(IMGS[0], MAPS))
    bad("empty maps", TypeError, "maps", lambda: plots.layer_activations(IMGS[0], {}))
    bad("a batch of maps", ValueError, "maps['c']", lambda: plots.layer_activations(IMGS[0], {"c": np.zeros((1, 8, 8, 3))}))
    bad("NaN maps", ValueError, "maps['c']", lambda: plots.layer_activations(IMGS[0], {"c": np.full((4, 4, 2), NAN)}))
    bad("zero channels", ValueError, "channels", lambda: plots.layer_activations(IMGS[0], {"c": MAPS}, channels=0))
    bad("300 panels", ValueError, "maps", lambda: plots.layer_activations(IMGS[0], {"c": MAPS}, channels=300))
    # shift_robustness
    bad("errors for other models", TypeError, "errors", lambda: plots.shift_robustness(
        [0, 1], {"dense": [1, 0.5]}, {"max": [0, 0]}, [0, 0.1], [0, 0.01], "d"))
    bad("one difference too few", ValueError, "difference", lambda: plots.shift_robustness(
        [0, 1], {"dense": [1, 0.5]}, {"dense": [0, 0]}, [0.1], [0, 0.01], "d"))
    bad("negative error bar", ValueError, "difference_errors", lambda: plots.shift_robustness(
        [0, 1], {"dense": [1, 0.5]}, {"dense": [0, 0]}, [0, 0.1], [0, -0.01], "d"))
    bad("not a model", ValueError, "accuracies", lambda: plots.shift_robustness(
        [0, 1], {"densest": [1, 0.5]}, {"densest": [0, 0]}, [0, 0.1], [0, 0.01], "d"))
    bad("float shifts", TypeError, "shifts", lambda: plots.shift_robustness(
        [0.5, 1], {"dense": [1, 0.5]}, {"dense": [0, 0]}, [0, 0.1], [0, 0.01], "d"))
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
    bad("inf", ValueError, "errors", lambda: plots.grouped_bars(["a"], ["x"], [[1]], [[INF]]))
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
    # reach_maps
    bad("one map", ValueError, "maps", lambda: plots.reach_maps(np.zeros((7, 7)), ["a"]))
    bad("empty", ValueError, "maps", lambda: plots.reach_maps(np.zeros((0, 7, 7)), []))
    bad("strings", TypeError, "maps", lambda: plots.reach_maps(np.full((1, 7, 7), "x"), ["a"]))
    bad("None", TypeError, "maps", lambda: plots.reach_maps(None, ["a"]))
    bad("NaN", ValueError, "maps", lambda: plots.reach_maps(np.full((1, 7, 7), NAN), ["a"]))
    bad("too few names", ValueError, "names", lambda: plots.reach_maps(np.zeros((2, 7, 7)), ["a"]))
    bad("bare string", TypeError, "names", lambda: plots.reach_maps(np.zeros((2, 7, 7)), "ab"))
    bad("None names", TypeError, "names", lambda: plots.reach_maps(np.zeros((1, 7, 7)), None))
    # padded_arithmetic, stride_shift_maps (lesson 02)
    bad("3-D", ValueError, "image", lambda: plots.padded_arithmetic(np.zeros((4, 4, 1)), np.ones((3, 3)), 1))
    bad("None", TypeError, "image", lambda: plots.padded_arithmetic(None, np.ones((3, 3)), 1))
    bad("negative", ValueError, "pad", lambda: plots.padded_arithmetic(np.zeros((4, 4)), np.ones((3, 3)), -1))
    bad("float", TypeError, "pad", lambda: plots.padded_arithmetic(np.zeros((4, 4)), np.ones((3, 3)), 1.0))
    bad("3-D", ValueError, "kernel", lambda: plots.padded_arithmetic(np.zeros((4, 4)), np.ones((3, 3, 1)), 1))
    bad("a batch", ValueError, "stride1", lambda: plots.stride_shift_maps(np.zeros((1, 8, 8)), np.zeros((4, 4)),
                                                                             np.zeros((4, 4))))
    bad("NaN", ValueError, "strided", lambda: plots.stride_shift_maps(np.zeros((8, 8)), np.full((4, 4), NAN),
                                                                         np.zeros((4, 4))))
    bad("other shape", ValueError, "shifted", lambda: plots.stride_shift_maps(np.zeros((8, 8)), np.zeros((4, 4)),
                                                                                 np.zeros((4, 3))))
    bad("zero stride", ValueError, "stride", lambda: plots.stride_shift_maps(np.zeros((8, 8)), np.zeros((4, 4)),
                                                                                np.zeros((4, 4)), stride=0))
    # compare_maps, shift_change_bars (lesson 03)
    M2 = np.zeros((2, 2))
    bad("bare array", TypeError, "difference", lambda: plots.compare_maps([(M2, "a")], "t", difference=M2))
    bad("empty list", TypeError, "difference", lambda: plots.compare_maps([(M2, "a")], "t", difference=[]))
    bad("3-D", ValueError, "difference[0]", lambda: plots.compare_maps([(M2, "a")], "t", difference=[(np.zeros((2, 2, 2)), "d")]))
    bad("other stages", ValueError, "share", lambda: plots.shift_change_bars({"a": [1]}, {"b": [1]}, "t"))
    bad("runs missing", ValueError, "share", lambda: plots.shift_change_bars({"a": [1, 2], "b": [1]}, {"a": [1, 2], "b": [1, 2]}, "t"))
    # conv_animation, window_walk, window_walk_animation, pooling_animation (helpers/plots/animations.py)
    X4, K3 = np.zeros((4, 4), int), np.ones((3, 3), int)
    bad("None", TypeError, "image", lambda: plots.conv_animation(None, K3))
    bad("1-D", ValueError, "image", lambda: plots.conv_animation(np.zeros(4), K3))
    bad("strings", TypeError, "image", lambda: plots.conv_animation(np.full((4, 4), "x"), K3))
    bad("NaN", ValueError, "image", lambda: plots.conv_animation(np.full((4, 4), NAN), K3))
    bad("too large to print", ValueError, "image", lambda: plots.conv_animation(np.zeros((11, 11)), K3))
    bad("109 frames", ValueError, "image", lambda: plots.conv_animation(np.zeros((8, 8)), K3))
    bad("3-D", ValueError, "kernel", lambda: plots.conv_animation(X4, np.ones((3, 3, 1))))
    bad("larger than the image", ValueError, "kernel", lambda: plots.conv_animation(X4, np.ones((5, 5))))
    bad("zero size", ValueError, "n", lambda: plots.window_walk(0, 3))
    bad("too large to draw", ValueError, "n", lambda: plots.window_walk(13, 3))
    bad("float size", TypeError, "n", lambda: plots.window_walk(8.0, 3))
    bad("bool size", TypeError, "n", lambda: plots.window_walk_animation(True, 1))
    bad("string size", TypeError, "k", lambda: plots.window_walk(8, "3"))
    bad("zero stride", ValueError, "stride", lambda: plots.window_walk(8, 3, stride=0))
    bad("zero dilation", ValueError, "dilation", lambda: plots.window_walk_animation(8, 3, dilation=0))
    bad("unknown padding", ValueError, "padding", lambda: plots.window_walk(8, 3, padding="full"))
    bad("upper-case padding", ValueError, "padding", lambda: plots.window_walk_animation(8, 3, padding="SAME"))
    bad("negative padding", ValueError, "padding", lambda: plots.window_walk(8, 3, padding=-1))
    bad("float padding", TypeError, "padding", lambda: plots.window_walk(8, 3, padding=1.5))
    bad("three pads", TypeError, "padding", lambda: plots.window_walk(8, 3, padding=(1, 2, 3)))
    bad("13 zeros", ValueError, "padding", lambda: plots.window_walk(8, 3, padding=13))
    bad("window wider than the input", ValueError, "k =", lambda: plots.window_walk(3, 5))
    bad("dilated window wider than the input", ValueError, "dilation =", lambda: plots.window_walk(7, 3, dilation=4))
    bad("145 frames", ValueError, "n", lambda: plots.window_walk_animation(12, 1))
    bad("None", TypeError, "feature_map", lambda: plots.pooling_animation(None))
    bad("3-D", ValueError, "feature_map", lambda: plots.pooling_animation(np.zeros((4, 4, 1))))
    bad("too large to print", ValueError, "feature_map", lambda: plots.pooling_animation(np.zeros((12, 12))))
    bad("zero pool", ValueError, "pool", lambda: plots.pooling_animation(X4, pool=0))
    bad("float pool", TypeError, "pool", lambda: plots.pooling_animation(X4, pool=2.0))
    bad("pool larger than the map", ValueError, "pool", lambda: plots.pooling_animation(X4, pool=5))
    # helpers.widgets.conv_explorer: the starting values must lie on its sliders
    from helpers import widgets
    bad("n off the slider", ValueError, "n", lambda: widgets.conv_explorer(n=2))
    bad("float k", TypeError, "k", lambda: widgets.conv_explorer(k=3.0))
    bad("k off the slider", ValueError, "k", lambda: widgets.conv_explorer(k=6))
    bad("padding not offered", ValueError, "padding", lambda: widgets.conv_explorer(padding=3))
    bad("padding pair", TypeError, "padding", lambda: widgets.conv_explorer(padding=(1, 1)))
    bad("stride off the slider", ValueError, "stride", lambda: widgets.conv_explorer(stride=5))
    bad("None dilation", TypeError, "dilation", lambda: widgets.conv_explorer(dilation=None))


_plots()


# --- helpers.ops ----------------------------------------------------------------

X = np.ones((2, 6, 6, 1), np.float32)
K = np.ones((3, 3, 1, 2), np.float32)
# (value, error) for an argument that must be an int >= 1
SIZES = [(0, ValueError), (-2, ValueError), (2.5, TypeError), (2.0, TypeError), (True, TypeError),
         ("3", TypeError), (None, TypeError), (NAN, TypeError), ([3, 3, 3], TypeError)]
# (value, error) for an image batch argument
ARRAYS = [(np.zeros((6, 6)), ValueError), (np.zeros((1, 1, 6, 6, 1)), ValueError), (np.zeros(()), ValueError),
          (np.full((6, 6, 1), "a"), TypeError), (np.zeros((6, 6, 1), complex), TypeError),
          (np.array([[[None]]]), TypeError), (None, TypeError), ("image", TypeError),
          (np.zeros((0, 6, 1)), ValueError), (np.zeros((6, 6, 0)), ValueError), ([[[1], [2]], [[3]]], ValueError)]


def _ops():
    from helpers import ops

    calls = {
        "conv2d": lambda x: ops.conv2d(x, K),
        "conv2d_naive": lambda x: ops.conv2d_naive(x, K),
        "max_pool2d": ops.max_pool2d,
        "avg_pool2d": ops.avg_pool2d,
        "max_pool2d_backward": lambda x: ops.max_pool2d_backward(x, np.ones((3, 3, 1))),
        "pad2d": lambda x: ops.pad2d(x, 1),
        "shift2d": lambda x: ops.shift2d(x, 1, 1),
    }
    for function, call in calls.items():
        for value, error in ARRAYS:
            bad(f"{function} x {getattr(value, 'shape', value)!s:.20}", error, "x", lambda c=call, v=value: c(v))
    for function in ("conv2d", "conv2d_naive"):
        conv = getattr(ops, function)
        for value, error in SIZES:
            bad(f"{function} stride {value!r}", error, "stride", lambda c=conv, v=value: c(X, K, stride=v))
        bad(f"{function} stride pair with 0", ValueError, "stride", lambda c=conv: c(X, K, stride=(1, 0)))
        bad(f"{function} channel mismatch", ValueError, "c_in", lambda c=conv: c(np.ones((6, 6, 3)), K))
        bad(f"{function} kernel ndim", ValueError, "kernel", lambda c=conv: c(X, np.ones((3, 3, 1))))
        bad(f"{function} kernel empty", ValueError, "kernel", lambda c=conv: c(X, np.ones((0, 3, 1, 2))))
        bad(f"{function} kernel no outputs", ValueError, "kernel", lambda c=conv: c(X, np.ones((3, 3, 1, 0))))
        bad(f"{function} kernel strings", TypeError, "kernel", lambda c=conv: c(X, np.full((3, 3, 1, 2), "k")))
        bad(f"{function} kernel None", TypeError, "kernel", lambda c=conv: c(X, None))
        bad(f"{function} kernel too big", ValueError, "kernel", lambda c=conv: c(X, np.ones((7, 7, 1, 2))))
        bad(f"{function} padding unknown", ValueError, "padding", lambda c=conv: c(X, K, padding="full"))
        bad(f"{function} padding upper case", ValueError, "padding", lambda c=conv: c(X, K, padding="SAME"))
        bad(f"{function} padding None", TypeError, "padding", lambda c=conv: c(X, K, padding=None))
        bad(f"{function} padding int", TypeError, "padding", lambda c=conv: c(X, K, padding=1))
        bad(f"{function} bias shape", ValueError, "bias", lambda c=conv: c(X, K, bias=np.zeros(3)))
        bad(f"{function} bias scalar", ValueError, "bias", lambda c=conv: c(X, K, bias=0.0))
        bad(f"{function} bias strings", TypeError, "bias", lambda c=conv: c(X, K, bias=np.array(["a", "b"])))
    backward = lambda x, *args, **kwargs: ops.max_pool2d_backward(x, np.ones((2, 3, 3, 1)), *args, **kwargs)  # noqa: E731
    for function, pool in (("max_pool2d", ops.max_pool2d), ("avg_pool2d", ops.avg_pool2d), ("max_pool2d_backward", backward)):
        for value, error in SIZES:
            bad(f"{function} pool {value!r}", error, "pool", lambda p=pool, v=value: p(X, v))
            if value is not None:  # stride=None is the default: the window
                bad(f"{function} stride {value!r}", error, "stride", lambda p=pool, v=value: p(X, 2, v))
        bad(f"{function} pool huge", ValueError, "pool", lambda p=pool: p(X, 10**9))
        bad(f"{function} pool huge 'same' (array is too big)", ValueError, "pool",
            lambda p=pool: p(X, 10**9, padding="same"))
        bad(f"{function} pool huge stride 1 'same'", ValueError, "pool", lambda p=pool: p(X, 10**5, 1, "same"))
        bad(f"{function} pool three", TypeError, "pool", lambda p=pool: p(X, (2, 2, 2)))
        bad(f"{function} padding unknown", ValueError, "padding", lambda p=pool: p(X, 2, padding="causal"))
        bad(f"{function} padding None", TypeError, "padding", lambda p=pool: p(X, 2, padding=None))
    for value, error in ((np.ones((3, 3, 1)), ValueError), (np.ones((2, 4, 4, 1)), ValueError),
                         (np.ones((2, 3, 3, 2)), ValueError), (np.full((2, 3, 3, 1), "g"), TypeError),
                         (np.ones((2, 3, 3, 1), complex), TypeError), (None, TypeError), (1.0, ValueError)):
        bad(f"max_pool2d_backward grad {getattr(value, 'shape', value)!s:.20}", error, "grad",
            lambda v=value: ops.max_pool2d_backward(X, v))
    for function in ("same_padding", "conv_output_size"):
        size = getattr(ops, function)
        for value, error in SIZES:
            bad(f"{function} n {value!r}", error, "n", lambda f=size, v=value: f(v, 3))
            bad(f"{function} k {value!r}", error, "k", lambda f=size, v=value: f(5, v))
            bad(f"{function} stride {value!r}", error, "stride", lambda f=size, v=value: f(5, 3, v))
    for value, error in SIZES:
        bad(f"conv_output_size dilation {value!r}", error, "dilation",
            lambda v=value: ops.conv_output_size(5, 3, dilation=v))
    bad("conv_output_size k > n", ValueError, "k=7", lambda: ops.conv_output_size(5, 7))
    bad("conv_output_size dilated k > n", ValueError, "dilation", lambda: ops.conv_output_size(5, 3, dilation=3))
    for value, error in (("full", ValueError), (1, TypeError), ((1,), TypeError), ((1, 2, 3), TypeError),
                         ((-1, 0), ValueError), ((0.5, 0), TypeError), ((False, 0), TypeError), (None, TypeError),
                         ({"before": 1}, TypeError), ("Valid", ValueError)):
        bad(f"conv_output_size padding {value!r}", error, "padding",
            lambda v=value: ops.conv_output_size(5, 3, padding=v))
    # receptive_field
    bad("receptive_field None", TypeError, "layers", lambda: ops.receptive_field(None))
    bad("receptive_field a string", TypeError, "layers", lambda: ops.receptive_field("3,1"))
    bad("receptive_field one pair", ValueError, "layers[0]", lambda: ops.receptive_field([3, 1]))
    bad("receptive_field short layer", ValueError, "layers[0]", lambda: ops.receptive_field([(3,)]))
    for value, error in SIZES[:-1]:
        bad(f"receptive_field kernel {value!r}", error, "layers[1] kernel",
            lambda v=value: ops.receptive_field([(3, 1), (v, 1)]))
        bad(f"receptive_field stride {value!r}", error, "layers[0] stride",
            lambda v=value: ops.receptive_field([(3, v)]))
    # pad2d
    for value, error in ((-1, ValueError), (((1, 1),), ValueError), (1.5, ValueError), (None, ValueError),
                         (((1, 1), (1, -1)), ValueError), (((1, 1.5), (1, 1)), TypeError),
                         (((True, 1), (1, 1)), TypeError), ("1", ValueError)):
        bad(f"pad2d pad {value!r}", error, "pad", lambda v=value: ops.pad2d(X, v))
    bad("pad2d pad 10**5 (MemoryError)", ValueError, "pad", lambda: ops.pad2d(X, 10**5))
    bad("pad2d one huge side", ValueError, "pad", lambda: ops.pad2d(X, ((0, 10**12), (0, 0))))
    for function in ("conv2d", "conv2d_naive"):
        bad(f"{function} output too big", ValueError, "kernel",
            lambda f=getattr(ops, function): f(np.ones((2000, 28, 28, 1), np.float32), np.ones((1, 1, 1, 8192), np.float32)))
    U8 = X.astype(np.uint8)
    for value, error in ((-1, ValueError), (256, ValueError), (0.5, ValueError), (-INF, ValueError),
                         (NAN, ValueError), ("0", TypeError), (None, TypeError)):
        bad(f"pad2d uint8 value {value!r}", error, "value", lambda v=value: ops.pad2d(U8, 1, value=v))
    bad("pad2d bool value 2", ValueError, "value", lambda: ops.pad2d(X > 0, 1, value=2))
    # shift2d / shift_each
    for name, call in (("dy", lambda v: ops.shift2d(X, v, 0)), ("dx", lambda v: ops.shift2d(X, 0, v))):
        for value, error in ((1.5, TypeError), (True, TypeError), ("1", TypeError), (None, TypeError),
                             (6, ValueError), (-6, ValueError), (10**9, ValueError)):
            bad(f"shift2d {name} {value!r}", error, name if error is TypeError else "shift",
                lambda c=call, v=value: c(v))
    offsets = np.zeros((2, 2), int)
    bad("shift_each offsets shape", ValueError, "offsets", lambda: ops.shift_each(X, np.zeros((3, 2), int)))
    bad("shift_each offsets floats", TypeError, "offsets", lambda: ops.shift_each(X, offsets + 0.5))
    bad("shift_each offsets None", TypeError, "offsets", lambda: ops.shift_each(X, None))
    bad("shift_each offsets too far", ValueError, "shift", lambda: ops.shift_each(X, offsets + 6))
    bad("shift_each images 3-D", ValueError, "images", lambda: ops.shift_each(X[0], offsets))
    bad("shift_each images strings", TypeError, "images", lambda: ops.shift_each(np.full(X.shape, "a"), offsets))
    # measured_receptive_field
    ident = lambda batch: batch  # noqa: E731
    for value, error in SIZES:
        bad(f"measured_receptive_field input_size {value!r}", error, "input_size",
            lambda v=value: ops.measured_receptive_field(ident, v))
        bad(f"measured_receptive_field batch_size {value!r}", error, "batch_size",
            lambda v=value: ops.measured_receptive_field(ident, 5, batch_size=v))
    bad("measured_receptive_field huge input", ValueError, "input_size",
        lambda: ops.measured_receptive_field(ident, 10**6))
    bad("measured_receptive_field not callable", TypeError, "stack", lambda: ops.measured_receptive_field("conv", 5))
    bad("measured_receptive_field 2-D output", ValueError, "stack",
        lambda: ops.measured_receptive_field(lambda b: b[..., 0], 5))
    bad("measured_receptive_field row outside", ValueError, "row",
        lambda: ops.measured_receptive_field(ident, 5, row=5))
    bad("measured_receptive_field col negative", ValueError, "col",
        lambda: ops.measured_receptive_field(ident, 5, col=-1))
    bad("measured_receptive_field row float", TypeError, "row",
        lambda: ops.measured_receptive_field(ident, 5, row=1.0))
    bad("measured_receptive_field no change", ValueError, "weights",
        lambda: ops.measured_receptive_field(lambda b: b * 0, 5))


_ops()


def _conv_matrix_and_backward_ops():
    """im2col and conv2d_backward: every argument refused with its name."""
    from helpers import ops

    grad = np.ones((2, 4, 4, 2), np.float32)  # the shape of conv2d(X, K)
    for value, error in ARRAYS:
        bad(f"im2col x {getattr(value, 'shape', value)!s:.20}", error, "x", lambda v=value: ops.im2col(v, 3))
        bad(f"conv2d_backward x {getattr(value, 'shape', value)!s:.20}", error, "x",
            lambda v=value: ops.conv2d_backward(v, K, grad))
    for value, error in SIZES:
        bad(f"im2col window {value!r}", error, "window", lambda v=value: ops.im2col(X, v))
        bad(f"im2col stride {value!r}", error, "stride", lambda v=value: ops.im2col(X, 3, stride=v))
        bad(f"conv2d_backward stride {value!r}", error, "stride", lambda v=value: ops.conv2d_backward(X, K, grad, stride=v))
    bad("im2col window larger than x", ValueError, "window", lambda: ops.im2col(X, 7))
    bad("im2col window huge 'same' (array is too big)", ValueError, "window", lambda: ops.im2col(X, 10**5, padding="same"))
    bad("im2col patch matrix too big", ValueError, "window",
        lambda: ops.im2col(np.ones((64, 256, 256, 1), np.float32), 9, padding="same"))
    for value, error in (("full", ValueError), (None, TypeError), (1, TypeError)):
        bad(f"im2col padding {value!r}", error, "padding", lambda v=value: ops.im2col(X, 3, padding=v))
        bad(f"conv2d_backward padding {value!r}", error, "padding",
            lambda v=value: ops.conv2d_backward(X, K, grad, padding=v))
    bad("conv2d_backward kernel None", TypeError, "kernel", lambda: ops.conv2d_backward(X, None, grad))
    bad("conv2d_backward kernel ndim", ValueError, "kernel", lambda: ops.conv2d_backward(X, np.ones((3, 3, 1)), grad))
    bad("conv2d_backward kernel channel mismatch", ValueError, "c_in",
        lambda: ops.conv2d_backward(X, np.ones((3, 3, 2, 2)), grad))
    bad("conv2d_backward grad_out None", TypeError, "grad_out", lambda: ops.conv2d_backward(X, K, None))
    bad("conv2d_backward grad_out strings", TypeError, "grad_out",
        lambda: ops.conv2d_backward(X, K, np.full(grad.shape, "g")))
    bad("conv2d_backward grad_out of the input's shape", ValueError, "grad_out",
        lambda: ops.conv2d_backward(X, K, np.ones((2, 6, 6, 2))))
    bad("conv2d_backward grad_out without the batch axis", ValueError, "grad_out",
        lambda: ops.conv2d_backward(X, K, grad[0]))
    bad("conv2d_backward grad_out of the 'valid' shape for 'same'", ValueError, "grad_out",
        lambda: ops.conv2d_backward(X, K, grad, padding="same"))


_conv_matrix_and_backward_ops()


# --- helpers.data -------------------------------------------------------------------

def _data():
    from helpers import data

    u8, labels = np.zeros((3, 4, 4), np.uint8), np.array([0, 1, 2])
    for value, error in ARRAYS[:-3] + [(np.zeros((3, 4, 4)), TypeError), (np.zeros((3, 4, 4), bool), TypeError),
                                       (np.full((3, 4, 4), 256), ValueError), (np.full((3, 4, 4), -1), ValueError),
                                       (np.full((3, 4, 4), NAN), TypeError), (np.zeros((3, 4, 4), np.float16), TypeError)]:
        bad(f"preprocess x {getattr(value, 'shape', value)!s:.20}", error, "x",
            lambda v=value: data.preprocess(v, np.zeros(len(v) if np.ndim(v) else 1, int)))
    for value, error in ((np.zeros(2, int), ValueError), (np.zeros((3, 1), int), ValueError),
                         (np.eye(10)[:3], ValueError), (np.array([0, 1, 10]), ValueError),
                         (np.array([0, -1, 2]), ValueError), (np.array([0.5, 1, 2]), ValueError),
                         (np.array([NAN, 1, 2]), ValueError), (np.array([INF, 1, 2]), ValueError),
                         (np.array([True, False, True]), TypeError), (np.array(["0", "1", "2"]), TypeError),
                         (None, TypeError), (np.array([1, 2, 3], complex), TypeError)):
        bad(f"preprocess y {value!s:.20}", error, "y",
            lambda v=value: data.preprocess(u8, v))
    x = np.zeros((10, 2))
    y = np.arange(10) % 3
    for value, error in SIZES:
        bad(f"subset n {value!r}", error, "n", lambda v=value: data.subset(x, y, v))
    for value, error in ((-1, ValueError), (1.5, TypeError), ("0", TypeError), (None, TypeError), (True, TypeError)):
        bad(f"subset seed {value!r}", error, "seed", lambda v=value: data.subset(x, y, 3, seed=v))
    bad("subset lengths", ValueError, "same length", lambda: data.subset(x, y[:5], 3))
    bad("subset float labels", TypeError, "y", lambda: data.subset(x, y + 0.5, 3))
    bad("subset 2-D labels", ValueError, "y", lambda: data.subset(x, np.eye(10, dtype=int), 3))
    bad("subset None x", TypeError, "x", lambda: data.subset(None, y, 3))
    bad("subset scalar x", ValueError, "x", lambda: data.subset(np.float32(1), y, 3))
    bad("load_mnist verbose", TypeError, "verbose", lambda: data.load_mnist(verbose="yes"))
    bad("load_mnist path int", TypeError, "path", lambda: data.load_mnist(3))
    bad("load_mnist path empty", TypeError, "path", lambda: data.load_mnist(""))
    bad("load_mnist path missing", ValueError, "path", lambda: data.load_mnist("/no/such/mnist.npz"))
    bad("verify a list", TypeError, "arrays", lambda: data.verify([1, 2]))
    bad("read_idx None", TypeError, "path", lambda: data.read_idx(None))
    bad("read_idx int", TypeError, "path", lambda: data.read_idx(3))
    bad("read_idx .gz not gzip (BadGzipFile)", ValueError, "path", lambda: data.read_idx(_not_gzip()))
    bad("read_npz None", TypeError, "path", lambda: data.read_npz(None))
    bad("read_npz empty", TypeError, "path", lambda: data.read_npz(""))
    bad("write_npz_atomic arrays None", TypeError, "arrays", lambda: data.write_npz_atomic(None, _scratch("a.npz")))
    bad("write_npz_atomic arrays a list", TypeError, "arrays", lambda: data.write_npz_atomic([u8], _scratch("a.npz")))
    bad("write_npz_atomic arrays empty", TypeError, "arrays", lambda: data.write_npz_atomic({}, _scratch("a.npz")))
    bad("write_npz_atomic path None", TypeError, "path", lambda: data.write_npz_atomic({"x": u8}, None))


def _scratch(name):
    """A path in a fresh temporary folder (made when the case runs, not at collection)."""
    import tempfile
    from pathlib import Path

    return Path(tempfile.mkdtemp(prefix="bad-input-")) / name


def _not_gzip():
    path = _scratch("train-images-idx3-ubyte.gz")
    path.write_bytes(b"\x00\x00\x08\x01\x00\x00\x00\x01\x07")  # a plain IDX file, not compressed
    return path


_data()


# --- helpers.exercises (the lesson's own arguments; a learner's answer never raises) ---

def _exercises():
    from helpers.exercises import check, check_function

    relu = lambda v: np.maximum(v, 0)  # noqa: E731
    bad("check expected None", ValueError, "expected", lambda: check(3, None))
    bad("check expected ...", ValueError, "expected", lambda: check(3, ...))
    bad("check hint int", TypeError, "hint", lambda: check(3, 3, hint=1))
    bad("check_function inputs empty", TypeError, "inputs", lambda: check_function(relu, relu, []))
    bad("check_function inputs None", TypeError, "inputs", lambda: check_function(relu, relu, None))
    bad("check_function inputs a string", TypeError, "inputs", lambda: check_function(relu, relu, "abc"))
    bad("check_function reference too short", TypeError, "reference", lambda: check_function(relu, [1], [1, 2]))
    bad("check_function reference None", TypeError, "reference", lambda: check_function(relu, None, [1]))


_exercises()


# --- helpers.session, helpers.training, helpers.models (import Keras only when called) ---

def _session():
    from helpers import session

    for value, error in ((-1, ValueError), (2**32, ValueError), (1.5, TypeError), ("0", TypeError),
                         (None, TypeError), (True, TypeError)):
        bad(f"start_lesson seed {value!r}", error, "seed", lambda v=value: session.start_lesson(v))
    record = session.results_record
    for value, error in (("", TypeError), (None, TypeError), (4, TypeError), ("../escape", ValueError),
                         ("a/b", ValueError), (".hidden", ValueError)):
        bad(f"results_record lesson {value!r}", error, "lesson", lambda v=value: record(v, {"a": 1}))
    for value in ({}, None, [("a", 1)], {"a": "high"}, {"a": True}, {"a": [1, 2]}, {1: 1.0}):
        bad(f"results_record key_metrics {value!r}", TypeError, "key_metrics", lambda v=value: record("x", v))
    for value in ([1.0, 2.0], {"run": 1.5}, {"run": ["1"]}, "fast"):
        bad(f"results_record epoch_seconds {value!r}", TypeError, "epoch_seconds",
            lambda v=value: record("x", {"a": 1}, epoch_seconds=v))
    bad("results_record details list", TypeError, "details", lambda: record("x", {"a": 1}, details=[1]))
    bad("save_results build_dir int", TypeError, "build_dir", lambda: session.save_results("x", {"a": 1}, build_dir=3))


_session()


def _training():
    from helpers import models, training

    x, y = np.zeros((4, 28, 28, 1), np.float32), np.eye(10, dtype=np.float32)[:4]
    good = ((x, y), (x, y))

    def fit(data=good, **options):
        kwargs = dict(epochs=1, batch_size=2, seed=0) | options
        return training.train_and_evaluate(models.dense_baseline, data, **kwargs)

    for name in ("epochs", "batch_size"):
        for value, error in ((0, ValueError), (-1, ValueError), (1.5, TypeError), (True, TypeError),
                             ("2", TypeError), (None, TypeError), (NAN, TypeError)):
            bad(f"train_and_evaluate {name} {value!r}", error, name, lambda n=name, v=value: fit(**{n: v}))
    for value, error in ((-1, ValueError), (2**32, ValueError), (0.5, TypeError), (None, TypeError), ("0", TypeError)):
        bad(f"train_and_evaluate seed {value!r}", error, "seed", lambda v=value: fit(seed=v))
    for name, value in (("progress", "yes"), ("progress", 1), ("test_every_epoch", None), ("label", 3),
                        ("optimizer", None), ("optimizer", 0.01), ("optimizer", "")):
        bad(f"train_and_evaluate {name} {value!r}", TypeError, name, lambda n=name, v=value: fit(**{n: v}))
    bad("train_and_evaluate build not callable", TypeError, "build",
        lambda: training.train_and_evaluate(models.dense_baseline(), good, epochs=1, batch_size=2, seed=0))
    for value in (None, (x, y), [x, y, x, y], "data"):
        bad(f"train_and_evaluate data {type(value).__name__}", TypeError, "data", lambda v=value: fit(v))
    for name, data, error in (
        ("x_train", ((x[..., 0], y), (x, y)), ValueError),       # (N, 28, 28): no channel axis
        ("x_train", ((x.astype(np.uint8), y), (x, y)), TypeError),  # not preprocessed
        ("y_train", ((x, y.argmax(1)), (x, y)), ValueError),     # integer labels, not one-hot
        ("y_test", ((x, y), (x, y.astype(int))), TypeError),
        ("x_test", ((x, y), (x[:0], y[:0])), ValueError),         # empty
        ("x_train", ((None, y), (x, y)), TypeError),
        ("x_train and x_test", ((x, y), (np.zeros((4, 14, 14, 1), np.float32), y)), ValueError),
        ("differ in length", ((x, y[:2]), (x, y)), ValueError),
    ):
        bad(f"train_and_evaluate {name}", error, name.split()[0] if name != "differ in length" else name,
            lambda d=data: fit(d))
    nan_x, inf_y = x.copy(), y.copy()
    nan_x[1, 5, 5, 0], inf_y[2, 3] = NAN, INF
    for name, data in (("x_train", ((nan_x, y), (x, y))), ("y_train", ((x, inf_y), (x, y))),
                       ("x_test", ((x, y), (nan_x, y))), ("y_test", ((x, y), (x, inf_y)))):
        bad(f"train_and_evaluate NaN or inf in {name}", ValueError, name, lambda d=data: fit(d))
    bad("train_and_evaluate NaN in x_val", ValueError, "x_val", lambda: fit(validation=(nan_x, y)))
    for value, error in ((-1, ValueError), (1.5, TypeError), (None, TypeError)):
        bad(f"random_directions n {value!r}", error, "n", lambda v=value: training.random_directions(v, 0))
        bad(f"random_directions seed {value!r}", error, "seed", lambda v=value: training.random_directions(3, v))

    class Model:
        def predict(self, images, batch_size=None, verbose=0):
            return np.zeros((len(images), 10))

    labels = np.zeros(4, int)
    shift = training.accuracy_under_shift
    bad("accuracy_under_shift model", TypeError, "model", lambda: shift(object(), x, labels, [1]))
    bad("accuracy_under_shift images 3-D", ValueError, "images", lambda: shift(Model(), x[..., 0], labels, [1]))
    bad("accuracy_under_shift images empty", ValueError, "images", lambda: shift(Model(), x[:0], labels[:0], [1]))
    bad("accuracy_under_shift one-hot labels", TypeError, "labels", lambda: shift(Model(), x, y, [1]))
    bad("accuracy_under_shift float labels", TypeError, "labels", lambda: shift(Model(), x, labels + 0.5, [1]))
    bad("accuracy_under_shift lengths", ValueError, "labels", lambda: shift(Model(), x, labels[:3], [1]))
    for value, error in ((-1, ValueError), (28, ValueError), (1.5, TypeError), ("1", TypeError), (None, TypeError)):
        bad(f"accuracy_under_shift distance {value!r}", error, "distances",
            lambda v=value: shift(Model(), x, labels, [0, v]))
    bad("accuracy_under_shift distances int", TypeError, "distances", lambda: shift(Model(), x, labels, 3))
    bad("accuracy_under_shift distances empty", ValueError, "distances", lambda: shift(Model(), x, labels, []))
    bad("accuracy_under_shift seed", ValueError, "seed", lambda: shift(Model(), x, labels, [1], seed=-1))
    bad("accuracy_under_shift batch_size", ValueError, "batch_size",
        lambda: shift(Model(), x, labels, [1], batch_size=0))


_training()


def _models():
    from helpers import models

    for value, error in (("median", ValueError), ("MAX", ValueError), (None, TypeError), (1, TypeError),
                         (["max"], TypeError), ("", ValueError)):
        bad(f"downsampling_variant kind {value!r}", error, "kind", lambda v=value: models.downsampling_variant(v))
    for value, error in SIZES:
        bad(f"downsampling_variant head_units {value!r}", error, "head_units",
            lambda v=value: models.downsampling_variant("max", head_units=v))
    for value, error in (("dense1024", ValueError), (None, TypeError), (64, TypeError)):
        bad(f"no_pool_convnet head {value!r}", error, "head", lambda v=value: models.no_pool_convnet(v))
    keras, L = models.keras, models.layers
    bad("forward_flops unbuilt model (AttributeError)", ValueError, "model",
        lambda: models.forward_flops(keras.Sequential([L.Conv2D(8, 3)])))
    bad("forward_flops BatchNormalization", ValueError, "'bn'",
        lambda: models.forward_flops(keras.Sequential([keras.Input((8, 8, 1)), L.BatchNormalization(name="bn")])))
    bad("forward_flops Conv2DTranspose", ValueError, "'up'",
        lambda: models.forward_flops(keras.Sequential([keras.Input((8, 8, 1)), L.Conv2DTranspose(2, 3, name="up")])))
    bad("forward_flops variable input size", ValueError, "'c'",
        lambda: models.forward_flops(keras.Sequential([keras.Input((None, None, 1)), L.Conv2D(2, 3, name="c")])))
    for function in ("param_counts", "forward_flops"):
        for value in (None, "mnist_convnet", models.mnist_convnet):
            bad(f"{function} model {value!r:.20}", TypeError, "model",
                lambda f=getattr(models, function), v=value: f(v))


_models()


# --- helpers.interpret and lesson 06's figures ------------------------------------

def _interpret():
    import functools

    from helpers import interpret, models

    convnet = functools.cache(models.mnist_convnet)   # built once, when the first case runs
    images = np.zeros((2, 28, 28, 1), np.float32)
    for value, error in ((None, TypeError), ("mnist_convnet", TypeError), (models.mnist_convnet, TypeError)):
        for function in ("conv_pool_stack", "split_at", "pre_activation"):
            bad(f"{function} model {value!r:.20}", error, "model",
                lambda f=getattr(interpret, function), v=value: f(v, "conv1"))
        bad(f"strongest_units model {value!r:.20}", error, "model",
            lambda v=value: interpret.strongest_units(v, "conv1", images))
        bad(f"class_scores model {value!r:.20}", error, "model", lambda v=value: interpret.class_scores(v))
    for value, error in (("conv9", ValueError), (3, TypeError), (None, TypeError), ("", ValueError)):
        for function in ("conv_pool_stack", "split_at", "pre_activation"):
            bad(f"{function} layer {value!r}", error, "layer",
                lambda f=getattr(interpret, function), v=value: f(convnet(), v))
        bad(f"strongest_units layer {value!r}", error, "layer",
            lambda v=value: interpret.strongest_units(convnet(), v, images))
    bad("conv_pool_stack through Flatten", ValueError, "layer", lambda: interpret.conv_pool_stack(convnet(), "dense"))
    bad("strongest_units of a flat layer", ValueError, "layer", lambda: interpret.strongest_units(convnet(), "dense", images))
    bad("split_at the last layer", ValueError, "layer", lambda: interpret.split_at(convnet(), "predictions"))
    bad("pre_activation of a pool", ValueError, "layer", lambda: interpret.pre_activation(convnet(), "pool1"))
    no_softmax = functools.cache(lambda: models.keras.Sequential([models.keras.Input((4,)), models.layers.Dense(3)]))
    bad("split_at no softmax", ValueError, "model", lambda: interpret.split_at(no_softmax(), no_softmax().layers[0].name))
    bad("class_scores no softmax", ValueError, "model", lambda: interpret.class_scores(no_softmax()))
    for value, error, family in ((np.zeros((28, 28)), ValueError, "one image"), (np.zeros((0, 28, 28, 1)), ValueError, "empty"),
                                 (np.full((1, 28, 28, 1), "x"), TypeError, "strings"), (None, TypeError, "None"),
                                 (np.full((1, 28, 28, 1), np.nan), ValueError, "NaN")):
        bad(f"strongest_units images {family}", error, "images", lambda v=value: interpret.strongest_units(convnet(), "conv1", v))
    for value, error in SIZES:
        bad(f"strongest_units batch_size {value!r}", error, "batch_size",
            lambda v=value: interpret.strongest_units(convnet(), "conv1", images, batch_size=v))
    # spread_to_input
    bad("spread_to_input 1-D", ValueError, "unit_map", lambda: interpret.spread_to_input(np.zeros(3), 18, 4, 28))
    bad("spread_to_input strings", TypeError, "unit_map", lambda: interpret.spread_to_input(np.full((3, 3), "x"), 18, 4, 28))
    bad("spread_to_input empty", ValueError, "unit_map", lambda: interpret.spread_to_input(np.zeros((0, 3)), 18, 4, 28))
    for name, position in (("size", 1), ("jump", 2), ("input_side", 3)):
        for value, error in SIZES:
            arguments = [np.zeros((3, 3)), 18, 4, 28]
            arguments[position] = value
            bad(f"spread_to_input {name} {value!r}", error, name, lambda a=tuple(arguments): interpret.spread_to_input(*a))
    bad("spread_to_input beyond the input", ValueError, "input_side", lambda: interpret.spread_to_input(np.zeros((3, 3)), 18, 4, 20))
    # stroke_mask
    bad("stroke_mask one image", ValueError, "images", lambda: interpret.stroke_mask(np.zeros((28, 28))))
    bad("stroke_mask three channels", ValueError, "images", lambda: interpret.stroke_mask(np.zeros((1, 8, 8, 3))))
    bad("stroke_mask None", TypeError, "images", lambda: interpret.stroke_mask(None))
    bad("stroke_mask threshold str", TypeError, "threshold", lambda: interpret.stroke_mask(images, threshold="0.5"))
    bad("stroke_mask threshold NaN", ValueError, "threshold", lambda: interpret.stroke_mask(images, threshold=NAN))
    bad("stroke_mask margin -1", ValueError, "margin", lambda: interpret.stroke_mask(images, margin=-1))
    bad("stroke_mask margin 1.0", TypeError, "margin", lambda: interpret.stroke_mask(images, margin=1.0))
    # class_activation_map
    bad("class_activation_map 2-D maps", ValueError, "maps", lambda: interpret.class_activation_map(np.zeros((3, 3)), np.zeros(3)))
    bad("class_activation_map None maps", TypeError, "maps", lambda: interpret.class_activation_map(None, np.zeros(3)))
    bad("class_activation_map weights 2-D", ValueError, "class_weights",
        lambda: interpret.class_activation_map(np.zeros((3, 3, 8)), np.zeros((8, 10))))
    bad("class_activation_map weights per channel", ValueError, "class_weights",
        lambda: interpret.class_activation_map(np.zeros((3, 3, 8)), np.zeros(7)))
    # lesson 06's figures
    k, r, sim = np.zeros((3, 3, 4)), np.zeros((3, 3, 2)), np.zeros((4, 2))
    bad("filter_matches 2-D filters", ValueError, "filters", lambda: plots.filter_matches(np.zeros((3, 3)), r, ["a", "b"], sim))
    bad("filter_matches NaN filters", ValueError, "filters", lambda: plots.filter_matches(np.full((3, 3, 4), NAN), r, ["a", "b"], sim))
    bad("filter_matches 5x5 references", ValueError, "references",
        lambda: plots.filter_matches(k, np.zeros((5, 5, 2)), ["a", "b"], sim))
    bad("filter_matches one name", ValueError, "reference_names", lambda: plots.filter_matches(k, r, ["a"], sim))
    bad("filter_matches names a str", TypeError, "reference_names", lambda: plots.filter_matches(k, r, "ab", sim))
    bad("filter_matches similarity shape", ValueError, "similarity", lambda: plots.filter_matches(k, r, ["a", "b"], sim.T))
    bad("filter_matches threshold 2", ValueError, "threshold", lambda: plots.filter_matches(k, r, ["a", "b"], sim, 2))
    p, q = np.zeros((2, 3, 8, 8)), np.zeros((2, 8, 8))
    bad("channel_patterns 3-D patches", ValueError, "patches", lambda: plots.channel_patterns(q, q, [1, 2]))
    bad("channel_patterns patterns shape", ValueError, "patterns", lambda: plots.channel_patterns(p, q[:1], [1, 2]))
    bad("channel_patterns one channel name", ValueError, "channels", lambda: plots.channel_patterns(p, q, [1]))
    bad("channel_patterns values shape", ValueError, "values", lambda: plots.channel_patterns(p, q, [1, 2], values=np.zeros((2, 2))))
    bad("channel_patterns pattern_values shape", ValueError, "pattern_values",
        lambda: plots.channel_patterns(p, q, [1, 2], pattern_values=np.zeros(3)))
    bad("channel_patterns layer 3", TypeError, "layer", lambda: plots.channel_patterns(p, q, [1, 2], layer=3))
    d = np.zeros((2, 28, 28))
    bad("where_it_looks one image", ValueError, "images", lambda: plots.where_it_looks(d[0], {"a": d}, ["x", "y"]))
    bad("where_it_looks RGB", ValueError, "images", lambda: plots.where_it_looks(np.zeros((2, 28, 28, 3)), {"a": d}, ["x", "y"]))
    bad("where_it_looks maps a list", TypeError, "maps", lambda: plots.where_it_looks(d, [d], ["x", "y"]))
    bad("where_it_looks maps empty", TypeError, "maps", lambda: plots.where_it_looks(d, {}, ["x", "y"]))
    bad("where_it_looks map shape", ValueError, "maps['a']", lambda: plots.where_it_looks(d, {"a": d[:, :20]}, ["x", "y"]))
    bad("where_it_looks one caption", ValueError, "captions", lambda: plots.where_it_looks(d, {"a": d}, ["x"]))


_interpret()


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
valid("float16 maps", lambda: plots.feature_maps(np.ones((4, 4, 2), np.float16)), _figure_with(lambda f: len(f.axes) == 3))  # 2 panels + the colour bar
valid("an all-zero layer", lambda: plots.layer_activations(np.zeros((8, 8)), {"c": np.zeros((4, 4, 2), np.float16)}),
      _figure_with(lambda f: [a.get_title() for a in f.axes[1:3]] == ["channel 0 (all 0)", "channel 1 (all 0)"]))
valid("labels as an array", lambda: plots.image_grid(np.zeros((2, 3, 3)), labels=np.array([7, 1])),
      _figure_with(lambda f: [a.get_title() for a in f.axes] == ["7", "1"]))
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
valid("NaN error bars: one seed, no spread", lambda: plots.grouped_bars(["a", "b"], ["x"], [[0.5, 0.6]], [[NAN, 0.1]]),
      _figure_with(lambda f: len(f.axes[0].patches) == 2))



def _valid_ops():
    from helpers import ops

    full = lambda shape, value, dtype: np.full(shape, value, dtype)  # noqa: E731
    # integers and bools: exact sums, no wrap-around, no logical OR (worked out by hand)
    valid("conv2d uint8 200 x 9", lambda: ops.conv2d(full((1, 3, 3, 1), 200, np.uint8), np.ones((3, 3, 1, 1), np.uint8)),
          full((1, 1, 1, 1), 1800.0, np.float64))
    valid("conv2d_naive uint8 200 x 9", lambda: ops.conv2d_naive(full((3, 3, 1), 200, np.uint8), np.ones((3, 3, 1, 1), np.uint8)),
          full((1, 1, 1), 1800.0, np.float64))
    valid("conv2d int8 -128 x 9", lambda: ops.conv2d(full((3, 3, 1), -128, np.int8), np.ones((3, 3, 1, 1), np.int8)),
          full((1, 1, 1), -1152.0, np.float64))
    valid("conv2d bool counts", lambda: ops.conv2d(np.ones((3, 3, 1), bool), np.ones((2, 2, 1, 1), bool)),
          full((2, 2, 1), 4.0, np.float64))
    valid("conv2d uint8 bias", lambda: ops.conv2d(full((2, 2, 1), 255, np.uint8), np.ones((2, 2, 1, 1), np.uint8),
                                                  np.array([255], np.uint8)), full((1, 1, 1), 1275.0, np.float64))
    valid("conv2d float16 sums in float32", lambda: ops.conv2d(full((1, 64, 1), 0.5, np.float16), np.ones((1, 64, 1, 1), np.float16)),
          full((1, 1, 1), 32.0, np.float32))
    valid("conv2d uint8 image, float32 kernel", lambda: ops.conv2d(full((2, 2, 1), 255, np.uint8), full((2, 2, 1, 1), 0.5, np.float32)),
          full((1, 1, 1), 510.0, np.float32))
    valid("conv2d empty batch", lambda: ops.conv2d(np.zeros((0, 5, 5, 1), np.float32), np.ones((3, 3, 1, 2), np.float32)),
          np.zeros((0, 3, 3, 2), np.float32))
    valid("conv2d k > n with 'same'", lambda: ops.conv2d(np.ones((2, 2, 1)), np.ones((5, 5, 1, 1)), padding="same"),
          full((2, 2, 1), 4.0, np.float64))
    valid("conv2d 1x1 input, 1x1 kernel", lambda: ops.conv2d(full((1, 1, 1), 3.0, np.float64), full((1, 1, 1, 1), 2.0, np.float64)),
          full((1, 1, 1), 6.0, np.float64))
    valid("conv2d stride as an np.int64 pair", lambda: ops.conv2d(np.ones((4, 4, 1)), np.ones((2, 2, 1, 1)), stride=np.array([2, 2])),
          full((2, 2, 1), 4.0, np.float64))
    # pooling keeps exact dtypes for max, means are true means
    valid("max_pool2d int8 'same' ignores padding", lambda: ops.max_pool2d(full((3, 3, 1), -5, np.int8), 2, padding="same"),
          full((2, 2, 1), -5, np.int8))
    valid("max_pool2d uint8 'same'", lambda: ops.max_pool2d(full((3, 3, 1), 7, np.uint8), 2, padding="same"),
          full((2, 2, 1), 7, np.uint8))
    valid("max_pool2d bool", lambda: ops.max_pool2d(np.eye(2, dtype=bool)[..., None]), full((1, 1, 1), True, bool))
    valid("max_pool2d float -inf", lambda: ops.max_pool2d(full((2, 2, 1), -np.inf, np.float32)), full((1, 1, 1), -np.inf, np.float32))
    valid("max_pool2d float16 'same'", lambda: ops.max_pool2d(full((3, 3, 1), -2.5, np.float16), 2, padding="same"),
          full((2, 2, 1), -2.5, np.float16))
    valid("avg_pool2d uint8 255", lambda: ops.avg_pool2d(full((2, 2, 1), 255, np.uint8)), full((1, 1, 1), 255.0, np.float32))
    valid("avg_pool2d bool", lambda: ops.avg_pool2d(np.eye(2, dtype=bool)[..., None]), full((1, 1, 1), 0.5, np.float32))
    valid("avg_pool2d 'same' does not count padding", lambda: ops.avg_pool2d(full((3, 3, 1), 6, np.int64), 2, padding="same"),
          full((2, 2, 1), 6.0, np.float32))
    valid("avg_pool2d float64 stays float64", lambda: ops.avg_pool2d(full((2, 2, 1), 0.25, np.float64)), full((1, 1, 1), 0.25, np.float64))
    valid("avg_pool2d empty batch", lambda: ops.avg_pool2d(np.zeros((0, 4, 4, 3), np.uint8)), np.zeros((0, 2, 2, 3), np.float32))
    valid("pad2d uint8 with 255", lambda: ops.pad2d(np.zeros((1, 1, 1), np.uint8), 1, value=255),
          np.pad(np.zeros((1, 1, 1), np.uint8), ((1, 1), (1, 1), (0, 0)), constant_values=255))
    valid("pad2d zero pad", lambda: ops.pad2d(np.ones((2, 2, 1), np.float16), 0), np.ones((2, 2, 1), np.float16))
    valid("shift2d uint8 keeps dtype", lambda: ops.shift2d(full((1, 2, 1), 9, np.uint8), 0, 1),
          np.array([[[0], [9]]], np.uint8))
    valid("shift2d by 0", lambda: ops.shift2d(np.eye(3)[..., None], 0, 0), np.eye(3)[..., None])
    valid("shift_each empty batch", lambda: ops.shift_each(np.zeros((0, 3, 3, 1), np.uint8), np.zeros((0, 2), int)),
          np.zeros((0, 3, 3, 1), np.uint8))
    # sizes
    valid("conv_output_size huge n", lambda: ops.conv_output_size(10**12, 3), 10**12 - 2)
    valid("conv_output_size np.int64", lambda: ops.conv_output_size(np.int64(28), np.int64(3)), 26)
    valid("conv_output_size n = k", lambda: ops.conv_output_size(3, 3), 1)
    valid("conv_output_size stride > n", lambda: ops.conv_output_size(3, 1, 5), 1)
    valid("conv_output_size 'same' stride > n", lambda: ops.conv_output_size(3, 7, 5, "same"), 1)
    valid("conv_output_size (before, after)", lambda: ops.conv_output_size(28, 3, 2, (1, 1)), 14)
    valid("conv_output_size dilation 2", lambda: ops.conv_output_size(28, 3, 1, "valid", 2), 24)
    valid("conv_output_size 'same' ignores dilation", lambda: ops.conv_output_size(28, 3, 3, "same", 4), 10)
    valid("same_padding k > n", lambda: ops.same_padding(1, 5), (2, 2))
    valid("same_padding stride > k", lambda: ops.same_padding(7, 1, 3), (0, 0))
    valid("receptive_field of nothing", lambda: ops.receptive_field([]), (1, 1))
    valid("receptive_field of a tuple", lambda: ops.receptive_field(((3, 1), (2, 2))), (4, 2))
    # im2col keeps the dtype; conv2d_backward sums integers exactly and takes an empty batch
    valid("im2col uint8 keeps uint8", lambda: ops.im2col(full((2, 2, 1), 255, np.uint8), 2), full((1, 1, 4), 255, np.uint8))
    valid("im2col bool", lambda: ops.im2col(np.ones((2, 2, 1), bool), 2), np.ones((1, 1, 4), bool))
    valid("im2col empty batch", lambda: ops.im2col(np.zeros((0, 5, 5, 2), np.float32), 3), np.zeros((0, 3, 3, 18), np.float32))
    valid("im2col 'same' pads with zeros", lambda: ops.im2col(np.ones((1, 1, 1)), 3, padding="same"),
          np.array([[[0, 0, 0, 0, 1, 0, 0, 0, 0]]], np.float64))
    valid("conv2d_backward uint8 kernel gradient", lambda: ops.conv2d_backward(
        full((3, 3, 1), 200, np.uint8), np.ones((3, 3, 1, 1), np.uint8), full((1, 1, 1), 2, np.uint8))[1],
          full((3, 3, 1, 1), 400.0, np.float64))
    valid("conv2d_backward empty batch: zero kernel gradient", lambda: ops.conv2d_backward(
        np.zeros((0, 4, 4, 1), np.float32), np.ones((3, 3, 1, 2), np.float32), np.zeros((0, 2, 2, 2), np.float32))[1],
          np.zeros((3, 3, 1, 2), np.float32))


def _valid_data_and_exercises():
    from helpers import checks, data
    from helpers.exercises import check

    valid("preprocess int64 255 and whole float labels", lambda: tuple(a[0].ravel() for a in data.preprocess(
        np.full((1, 1, 1), 255, np.int64), np.array([3.0]))),
        (np.array([1.0], np.float32), np.eye(10, dtype=np.float32)[3]))
    valid("preprocess empty batch", lambda: tuple(a.shape for a in data.preprocess(
        np.zeros((0, 28, 28), np.uint8), np.zeros(0, np.uint8))), ((0, 28, 28, 1), (0, 10)))
    x, y = np.arange(20), np.arange(20) % 2
    valid("subset n = N", lambda: data.subset(x, y, 20)[0] is x, True)
    valid("subset n = 1", lambda: len(data.subset(x, y, 1)[0]), 1)
    valid("subset one class", lambda: data.subset(x, np.zeros(20, int), 5)[1].tolist(), [0] * 5)
    # exercises: the wrong answers are False, the right ones True (bool, never an array)
    for answer, expected, right in ((12, (12, 12), False), ([7, 7, 7], 7, False), (True, 1, False),
                                    (np.array([1, 2, 3]), [1, 2], False), (np.array(["a"]), np.array([1]), False),
                                    (np.int64(5), 5, True), (np.array([[1, 2]]), [[1, 2]], True),
                                    (None, 3, False), (..., (1, 2), False), ((13, 13, 32), (13, 13, 32), True)):
        valid(f"check {answer!r:.16} vs {expected!r:.16}", lambda a=answer, e=expected: check(a, e), right)
    # the rule for a float against a whole number (issue 26): within WHOLE_ATOL = 1e-6 of it
    for answer, expected, right in ((12.0000001, 12, True), (1e-10, 0, True), (np.float64(-1e-7), 0, True),
                                    (12.01, 12, False), (1e-5, 0, False)):
        valid(f"check {answer!r} vs whole {expected}", lambda a=answer, e=expected: check(a, e), right)
    valid("positive_int np.uint8", lambda: checks.positive_int(np.uint8(3), "k"), 3)
    valid("pair of np.int64", lambda: checks.pair(np.array([2, 3]), "pool"), (2, 3))


_valid_ops()
_valid_data_and_exercises()


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
