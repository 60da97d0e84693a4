"""Sliders for a conv layer's window walk, where a kernel runs (JupyterLab,
Binder, Colab): ``conv_explorer()``.

Optional: it needs ``ipywidgets`` (in the course's lock; Colab ships it),
imported only when called. Without it, the function says how to get it and
returns the still figure of the same walk. Only controls that ipywidgets 7
(Colab's 7.7.1) and 8 share are used: IntSlider, Dropdown, HBox, VBox, Output.

A static rendering of the notebook (the course's site, GitHub, an untrusted
notebook in JupyterLab) cannot run the controls; the cell's output carries
the still figure of the default walk beside the widget, and such renderers
show the figure instead of an empty widget area.
"""

import base64
import io

from helpers import checks, plots

HOW_TO_GET = (
    "The sliders need ipywidgets: `pip install ipywidgets`, then restart the kernel "
    "(it is in the course's lock, and Colab has it); here is the still figure."
)
STATIC_TEXT = (
    "Sliders for n, k, padding, stride and dilation: run this cell in JupyterLab, Binder or Colab to move them."
)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
PADDINGS = [("'valid'", "valid"), ("'same'", "same"), ("1 zero each side", 1), ("2 zeros each side", 2)]
RANGES = {"n": (3, 12), "k": (1, 5), "stride": (1, 4), "dilation": (1, 3)}


def explain(n, k, padding="valid", stride=1, dilation=1):
    """The sentence the explorer prints above its figure: the output size by
    the formula, the windows it makes, and the input pixels none of them reads
    (a ValueError's message where no window fits)."""
    from helpers.plots.animations import _Walk

    try:
        walk = _Walk(n, k, padding, stride, dilation)
    except ValueError as error:
        return f"No output: {error}."
    unseen = walk.unseen_pixels()
    sentence = (
        f"{walk.formula()}: a {walk.out}x{walk.out} output from {walk.out**2} windows; "
        f"{unseen} of the {walk.n * walk.n} input pixels never read."
    )
    if stride > 1 and dilation > 1:
        sentence += " (Keras refuses strides > 1 with dilation_rate > 1 in one layer; the formula holds all the same.)"
    return sentence


def _png(fig):
    """``fig`` as base64 PNG text, with a small palette (as the animations' frames)."""
    from helpers.plots.animations import _palette_png

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", facecolor="white")
    return base64.b64encode(_palette_png(buffer.getvalue())).decode("ascii")


def _outputs(n, k, padding, stride, dilation):
    """The Output widget's content for one setting: the sentence, then the figure."""
    text = {"output_type": "stream", "name": "stdout", "text": explain(n, k, padding, stride, dilation) + "\n"}
    try:
        fig = plots.window_walk(n, k, padding, stride, dilation)
    except ValueError:
        return (text,)
    return (
        text,
        {
            "output_type": "display_data",
            "metadata": {},
            "data": {"image/png": _png(fig), "text/plain": f"<window walk: {fig.get_suptitle()}>"},
        },
    )


def conv_explorer(n=8, k=3, padding="valid", stride=2, dilation=1):
    """Sliders for ``n``, ``k``, ``padding``, ``stride`` and ``dilation``
    (the starting values) over :func:`helpers.plots.window_walk`: each change
    prints the output-size formula worked out and redraws the windows and the
    output grid.

    With ipywidgets, displays the controls (in a static view: the still
    figure) and returns None; without it, prints how to get it and returns
    the still figure. ``padding``: 'valid', 'same', 1 or 2 (zeros each side).
    """
    n = checks.integer(n, "n", *RANGES["n"])
    k = checks.integer(k, "k", *RANGES["k"])
    padding = checks.one_of(padding, "padding", [value for _, value in PADDINGS])
    stride = checks.integer(stride, "stride", *RANGES["stride"])
    dilation = checks.integer(dilation, "dilation", *RANGES["dilation"])
    still = plots.window_walk(n, k, padding, stride, dilation)
    try:
        import ipywidgets
    except ImportError:
        print(HOW_TO_GET)
        return still
    from IPython.display import display

    box = _controls(ipywidgets, n, k, padding, stride, dilation)
    # the widget for a running kernel; the still figure for renderers without widgets
    display(
        {
            WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": box.model_id},
            "image/png": _png(still),
            "text/plain": STATIC_TEXT,
        },
        raw=True,
    )
    return None


def _controls(ipywidgets, n, k, padding, stride, dilation):
    """The explorer's widget: two rows of controls above an Output that shows
    the sentence and the figure of the current setting, redrawn on every change."""
    start = {"n": n, "k": k, "stride": stride, "dilation": dilation}
    controls = {
        name: ipywidgets.IntSlider(value=start[name], min=low, max=high, description=name, continuous_update=False)
        for name, (low, high) in RANGES.items()
    }
    controls["padding"] = ipywidgets.Dropdown(options=PADDINGS, value=padding, description="padding")
    shown = ipywidgets.Output()

    def update(change=None):
        shown.outputs = _outputs(**{name: control.value for name, control in controls.items()})

    for control in controls.values():
        control.observe(update, names="value")
    update()
    return ipywidgets.VBox(
        [
            ipywidgets.HBox([controls["n"], controls["k"], controls["padding"]]),
            ipywidgets.HBox([controls["stride"], controls["dilation"]]),
            shown,
        ]
    )
