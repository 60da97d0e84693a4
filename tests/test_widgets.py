"""helpers.widgets.conv_explorer: sliders where a kernel runs, the still
figure everywhere else.

Without ipywidgets it says in one sentence how to get it and returns the
still figure. With it, it displays one output holding both the widget (for a
running kernel) and the still figure as PNG (for the site, GitHub, an
untrusted notebook); moving a slider rewrites the sentence and the figure.
Only controls ipywidgets 7 (Colab) and 8 share are used. The browser side
(a slider changes the output size in JupyterLab) is tests/test_jupyterlab.py.
"""

import base64
import sys

import pytest
from matplotlib.figure import Figure

from helpers import widgets

ipywidgets = pytest.importorskip("ipywidgets")
COMMON_TO_7_AND_8 = {"IntSlider", "Dropdown", "HBox", "VBox", "Output"}


def test_the_sentence_works_the_formula_out():
    assert widgets.explain(8, 3, "valid", 2, 1) == (
        "out = floor((8 + 0 + 0 \u2212 3) / 2) + 1 = 3: a 3x3 output from 9 windows; "
        "15 of the 64 input pixels never read."
    )
    assert widgets.explain(8, 3, "same", 2, 1).startswith("out = floor((8 + 0 + 1 \u2212 3) / 2) + 1 = 4:")
    assert widgets.explain(7, 3, 1, 1, 2).startswith(
        "out = floor((7 + 1 + 1 \u2212 5) / 1) + 1 = 5 (span 2\u00d7(3 \u2212 1) + 1):"
    )
    assert "Keras refuses" in widgets.explain(8, 3, "valid", 2, 2)
    assert "Keras refuses" not in widgets.explain(8, 3, "valid", 2, 1)
    assert widgets.explain(3, 5).startswith("No output: a window spanning 5 px")


def test_without_ipywidgets_it_says_how_to_get_it_and_returns_the_still_figure(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # import ipywidgets now raises ImportError
    figure = widgets.conv_explorer()
    printed = capsys.readouterr().out
    assert printed == widgets.HOW_TO_GET + "\n"
    assert printed.count(". ") == 0 and "pip install ipywidgets" in printed  # one sentence, with the command
    assert isinstance(figure, Figure) and "= 3" in figure.get_suptitle()


def displayed(monkeypatch):
    """Calls conv_explorer; returns what it displayed (one raw mime bundle) and the widget it made."""
    import IPython.display

    shown, made, make = [], [], widgets._controls
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: shown.append((obj, raw)))
    monkeypatch.setattr(widgets, "_controls", lambda *args: made.append(make(*args)) or made[-1])
    assert widgets.conv_explorer() is None
    assert len(shown) == 1 and shown[0][1] is True and len(made) == 1
    assert shown[0][0][widgets.WIDGET_VIEW]["model_id"] == made[0].model_id
    return shown[0][0], made[0]


def controls_of(box):
    return {c.description: c for row in box.children[:2] for c in row.children}


def test_one_output_holds_the_widget_and_the_still_figure(monkeypatch):
    bundle, box = displayed(monkeypatch)
    assert set(bundle) == {widgets.WIDGET_VIEW, "image/png", "text/plain"}
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert bundle["text/plain"] == widgets.STATIC_TEXT
    assert isinstance(box, ipywidgets.VBox)
    assert sorted(controls_of(box)) == ["dilation", "k", "n", "padding", "stride"]
    used = {type(w).__name__ for w in [box, *box.children, *[c for row in box.children[:2] for c in row.children]]}
    assert used <= COMMON_TO_7_AND_8, used - COMMON_TO_7_AND_8


def test_moving_a_slider_rewrites_the_sentence_and_the_figure(monkeypatch):
    _, box = displayed(monkeypatch)
    shown, controls = box.children[2], controls_of(box)

    def state():
        text, *figure = shown.outputs
        return text["text"], figure[0]["data"]["image/png"] if figure else None

    sentence, figure = state()
    assert " = 3: a 3x3 output" in sentence
    controls["n"].value = 9
    assert " = 4: a 4x4 output" in state()[0] and state()[1] != figure
    controls["padding"].value = "same"
    assert state()[0].startswith("out = floor((9 + 1 + 1 \u2212 3) / 2) + 1 = 5")
    controls["padding"].value = "valid"
    controls["k"].value, controls["dilation"].value, controls["n"].value = 5, 3, 3  # span 13 > 3
    sentence, figure = state()
    assert sentence.startswith("No output:") and figure is None


def test_the_starting_values_are_checked_against_the_sliders():
    with pytest.raises(ValueError, match="n must be an int in 3..12"):
        widgets.conv_explorer(n=13)
    with pytest.raises(ValueError, match="padding must be one of"):
        widgets.conv_explorer(padding=3)
