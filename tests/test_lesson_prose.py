"""Numbers come from outputs (DESIGN.md §3b, tests/lesson_prose.py): no
lesson types a measured number into its markdown, and every number it
quotes (the book's) is listed with a reason in ``course.quoted_numbers``
and still occurs in its prose. Reads the notebooks as JSON; no kernel (the
quick tier, ``make check``)."""

import json
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lesson_prose

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TEMPLATE = ROOT / "notebooks" / "_template.ipynb"  # where a new lesson starts: held to the same rule


def quoted_problems(name, notebook):
    """Problems with ``notebook``'s ``course.quoted_numbers``: an entry
    without a reason, or one whose number its markdown no longer types
    (a stale allowlist would let the number come back unnoticed)."""
    quoted = notebook.get("metadata", {}).get("course", {}).get("quoted_numbers", {})
    if not isinstance(quoted, dict):
        return [
            f"{name}: metadata course.quoted_numbers must be a dict {{number: reason}}, got {type(quoted).__name__}"
        ]
    typed = {text for _, _, text in lesson_prose.notebook_typed_numbers({**notebook, "metadata": {}})}
    problems = [
        f"{name}: quoted number {number!r} has no reason"
        for number, reason in quoted.items()
        if not isinstance(reason, str) or not reason.strip()
    ]
    problems += [
        f"{name}: quoted number {number!r} does not occur in the markdown's prose (remove it from "
        f"course.quoted_numbers)"
        for number in quoted
        if number not in typed
    ]
    return problems


def typed_problems(name, notebook):
    """One line per number ``notebook``'s markdown types that only an output may hold."""
    return [
        f"{name}, cell {index}: {kind} {text!r} is typed in markdown (print it from code, or quote it "
        f"with a reason in course.quoted_numbers)"
        for index, kind, text in lesson_prose.notebook_typed_numbers(notebook)
    ]


def read(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


# -- the lessons ----------------------------------------------------------------


def test_there_are_lessons():
    assert LESSONS, "no notebooks/NN_*.ipynb"


@pytest.mark.parametrize("path", LESSONS + [TEMPLATE], ids=lambda p: p.stem)
def test_no_measured_number_is_typed_in_markdown(path):
    problems = typed_problems(path.stem, read(path))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", LESSONS + [TEMPLATE], ids=lambda p: p.stem)
def test_every_quoted_number_has_a_reason_and_is_in_the_prose(path):
    problems = quoted_problems(path.stem, read(path))
    assert not problems, "\n".join(problems)


# -- the scanner, on synthetic markdown -----------------------------------------

TYPED = [
    ("the convnet scores 0.9907 on the test set", "decimal", "0.9907"),
    ("it makes 59% fewer errors", "percentage", "59%"),
    ("a gap of 4 pp", "percentage", "4 pp"),
    ("about 12 percent", "percentage", "12 percent"),
    ("McNemar's p is 0.03", "decimal", "0.03"),
    ("p < 0.05 and the gap > 2", "decimal", "0.05"),
    ("it gets 95 of 1,000 digits wrong", "count of a total", "95 of 1,000"),
    ("wrong on 95 out of the 1,000.", "count of a total", "95 out of the 1,000"),
    ("they agree to 1e-5", "scientific", "1e-5"),
    ("a learning rate of 3E-4", "scientific", "3E-4"),
    ("inline maths $p = 0.03$ is prose", "decimal", "0.03"),
    ("in LaTeX $59\\%$", "percentage", "59\\%"),
    ("[0.9907](https://example.org)", "decimal", "0.9907"),
]


@pytest.mark.parametrize("markdown, kind, text", TYPED, ids=[t[2] for t in TYPED])
def test_the_scanner_flags_a_typed_measurement(markdown, kind, text):
    assert lesson_prose.typed_numbers(markdown) == [(kind, text)]


NOT_TYPED = [
    "the printed line `accuracy 0.9907` above",
    "```\nprint(0.9907, '59%', 1e-5)\n```",
    "see [the run](https://example.org/runs/0.9907/59%25/1e-5)",
    "<https://example.org/v0.95>",
    '<img src="fig_0.5.png" width="50%">',
    "93,322 parameters",
    "a 26×26 map, 3 epochs, 60,000 training digits",
    "a pixel lies in 9 of the 3×3 windows",
    "a 4 that closes at the top like a 9",
    "one value out of four",
    "lesson 04, section 3",
]


@pytest.mark.parametrize("markdown", NOT_TYPED)
def test_the_scanner_leaves_code_links_and_exact_integers(markdown):
    assert lesson_prose.typed_numbers(markdown) == []


def test_a_percentage_is_one_finding_not_also_a_decimal():
    assert lesson_prose.typed_numbers("99.3% of digits") == [("percentage", "99.3%")]


def notebook(markdown, quoted=None):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Lesson 99 — Test"), nbformat.v4.new_markdown_cell(markdown)]
    if quoted is not None:
        nb.metadata["course"] = {"quoted_numbers": quoted}
    return json.loads(nbformat.writes(nb))


BOOK = "The book reports 99.3% test accuracy (its prose)."


def test_a_quoted_number_is_allowed_with_its_reason():
    nb = notebook(BOOK, {"99.3%": "the book's prose (Deep Learning with Python, ch. 8)"})
    assert typed_problems("99_test", nb) == [] and quoted_problems("99_test", nb) == []


def test_a_quoted_number_without_a_reason_is_refused():
    nb = notebook(BOOK, {"99.3%": "  "})
    assert typed_problems("99_test", nb) == []
    assert quoted_problems("99_test", nb) == ["99_test: quoted number '99.3%' has no reason"]


def test_an_unquoted_number_is_reported_with_lesson_and_cell():
    found = typed_problems("99_test", notebook(BOOK + " We measure 0.9907.", {"99.3%": "the book's prose"}))
    assert len(found) == 1 and found[0].startswith("99_test, cell 1: decimal '0.9907'")


def test_a_stale_quoted_number_is_reported():
    nb = notebook("The book reports `99.3%` test accuracy.", {"99.3%": "the book's prose", "68%": "the book"})
    problems = quoted_problems("99_test", nb)
    assert len(problems) == 2 and all("does not occur in the markdown's prose" in p for p in problems)
    assert sorted(p.split("'")[1] for p in problems) == ["68%", "99.3%"]


def test_the_script_lists_what_it_flags(tmp_path, capsys):
    path = tmp_path / "99_test.ipynb"
    path.write_text(json.dumps(notebook("the convnet scores 0.9907")))
    assert lesson_prose.main([str(path)]) == 1
    assert "cell 1: decimal: 0.9907" in capsys.readouterr().out
