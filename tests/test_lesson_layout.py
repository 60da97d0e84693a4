"""Every lesson has one surface (CONVENTIONS of issue 20, DESIGN.md §3):
the title, the runtime line, the parameters and start cells, no runner
vocabulary, folded solutions, a quiet one-call results cell, one-line
asserts, figures without lesson colours, the course kernel.

Each convention is a small function ``check_x(name, nb) -> [problem]``
(``nb``: the notebook as JSON, ``name``: the file name without
``.ipynb``); a problem names the lesson and the cell. The parametrised
tests run every check on every lesson and on ``notebooks/_template.ipynb``
(where a new lesson starts); the tests below them break each convention
in a synthetic notebook. Reads JSON only; no kernel.
"""

import ast
import json
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
TEMPLATE = NOTEBOOKS / "_template.ipynb"
LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
KERNEL = "convnets-course"


def source(cell):
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def folded(cell):
    jupyter = cell.get("metadata", {}).get("jupyter", {})
    return bool(jupyter.get("source_hidden") or jupyter.get("outputs_hidden"))


def first_line(cell):
    return source(cell).lstrip("\n").split("\n", 1)[0].strip()


def where(name, index):
    return f"{name}, cell {index}"


def solutions_index(nb):
    """Index of the first ``## Solutions`` markdown cell, or None."""
    return next(
        (
            i
            for i, cell in enumerate(nb["cells"])
            if cell["cell_type"] == "markdown" and first_line(cell) == "## Solutions"
        ),
        None,
    )


def intro(nb):
    """``(index, source)`` of the first markdown cell, or ``(None, "")``."""
    return next(((i, source(c)) for i, c in enumerate(nb["cells"]) if c["cell_type"] == "markdown"), (None, ""))


# -- the checks -----------------------------------------------------------------

TITLE = re.compile(r"# Lesson (\d\d|NN) — \S.*")


def check_title(name, nb):
    """The first cell is markdown; its first line is ``# Lesson NN — Topic``
    with NN the file name's number (``NN`` itself in the template)."""
    cells = nb["cells"]
    if not cells or cells[0]["cell_type"] != "markdown":
        return [f"{where(name, 0)}: the first cell must be markdown, the title '# Lesson NN — Topic'"]
    line = source(cells[0]).split("\n", 1)[0]
    found = TITLE.fullmatch(line)
    number = re.match(r"\d\d", name)
    expected = number.group(0) if number else "NN"
    if not found:
        return [f"{where(name, 0)}: the first line {line!r} is not '# Lesson {expected} — Topic'"]
    if found.group(1) != expected:
        return [f"{where(name, 0)}: the title says lesson {found.group(1)}, the file name {expected}"]
    return []


# The runner writes it (course refresh): "under a minute" or "about N min", then
# the machine, then "." or "; " and a few words of the lesson's own.
RUNTIME = re.compile(r"\*\*Runtime:\*\* (?:under a minute|about [1-9]\d* min) on an? \d+-core laptop(?:\.|; \S.*)")


def check_runtime_line(name, nb):
    """Exactly one ``**Runtime:**`` line in the lesson, in the first markdown
    cell, in the runner's form."""
    index, text = intro(nb)
    lines = [line for line in text.split("\n") if line.startswith("**Runtime:**")]
    problems = []
    if len(lines) != 1:
        problems.append(f"{where(name, index)}: the first markdown cell has {len(lines)} '**Runtime:**' lines, not 1")
    problems += [
        f"{where(name, index)}: {line!r} is not the runner's form '**Runtime:** under a minute | about N "
        f"min on a 2-core laptop.' (or '; ...')"
        for line in lines
        if not RUNTIME.fullmatch(line)
    ]
    problems += [
        f"{where(name, i)}: a '**Runtime:**' line outside the first markdown cell"
        for i, cell in enumerate(nb["cells"])
        if i != index and "**Runtime:**" in source(cell)
    ]
    return problems


SECTIONS = ["## Recap", "## Exercises", "## Next", "## Solutions"]


def check_sections(name, nb):
    """The skeleton of DESIGN.md §3: the first markdown cell has
    ``**What you will learn.**`` and ``**Prerequisites.**`` before its
    runtime line; the headings Recap, Exercises, Next (``## Next`` may go on:
    ``## Next lesson``) and Solutions come in this order; an exercise between
    Exercises and Next is checked by ``check(`` or ``check_function(``."""
    index, text = intro(nb)
    problems = []
    runtime = text.find("**Runtime:**")
    for label in ("**What you will learn.**", "**Prerequisites.**"):
        at = text.find(label)
        if at < 0 or (runtime >= 0 and at > runtime):
            problems.append(f"{where(name, index)}: the first markdown cell needs {label!r} before the runtime line")
    found = {}
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            for line in source(cell).split("\n"):
                heading = next(
                    (h for h in SECTIONS if line == h or line.startswith(h + " ") or line.startswith(h + ":")), None
                )
                if heading and heading not in found:
                    found[heading] = i
    problems += [f"{name}: no markdown heading '{h}'" for h in SECTIONS if h not in found]
    order = [h for h in SECTIONS if h in found]
    if [found[h] for h in order] != sorted(found[h] for h in order):
        problems.append(f"{name}: the headings come as {sorted(order, key=found.get)}, not in the order {SECTIONS}")
    if (
        "## Exercises" in found
        and "## Next" in found
        and not any(
            cell["cell_type"] == "code" and re.search(r"\bcheck(?:_function)?\(", source(cell))
            for cell in nb["cells"][found["## Exercises"] : found["## Next"]]
        )
    ):
        problems.append(
            f"{where(name, found['## Exercises'])}: no exercise cell calls check( or check_function( "
            f"(helpers.exercises) before '## Next'"
        )
    return problems


def check_parameters(name, nb):
    """One code cell tagged ``parameters``, right after the ``colab-setup``
    cell, without the quick profile (no ``QUICK``): that lives in metadata
    ``course.quick``, a dict."""
    cells = nb["cells"]
    tagged = [i for i, c in enumerate(cells) if "parameters" in tags(c)]
    problems = []
    if len(tagged) != 1:
        return [f"{name}: {len(tagged)} cells are tagged 'parameters', not 1"]
    index = tagged[0]
    if cells[index]["cell_type"] != "code":
        problems.append(f"{where(name, index)}: the 'parameters' cell is not a code cell")
    code = [i for i, c in enumerate(cells) if c["cell_type"] == "code"]
    if code[:2] != [code[0], index] or "colab-setup" not in tags(cells[code[0]]):
        problems.append(
            f"{where(name, index)}: the 'parameters' cell must be the first code cell after the 'colab-setup' cell"
        )
    if re.search(r"\bQUICK\b", source(cells[index])):
        problems.append(
            f"{where(name, index)}: the 'parameters' cell holds QUICK; the quick profile lives in metadata course.quick"
        )
    quick = nb.get("metadata", {}).get("course", {}).get("quick")
    if not isinstance(quick, dict):
        problems.append(f"{name}: notebook metadata course.quick (the quick profile, a dict) is missing")
    return problems


def check_start_cell(name, nb):
    """The code cell after ``parameters`` begins with ``from helpers.session
    import ... start_lesson`` and then ``start_lesson(SEED)``."""
    cells = nb["cells"]
    tagged = [i for i, c in enumerate(cells) if "parameters" in tags(c)]
    after = [i for i, c in enumerate(cells) if c["cell_type"] == "code" and tagged and i > tagged[0]]
    if not after:
        return [f"{name}: no code cell after the 'parameters' cell (start_lesson(SEED))"]
    index = after[0]
    try:
        body = ast.parse(source(cells[index])).body
    except SyntaxError as error:
        return [f"{where(name, index)}: does not parse ({error.msg})"]
    first_two = body[:2]
    ok = (
        len(first_two) == 2
        and isinstance(first_two[0], ast.ImportFrom)
        and first_two[0].module == "helpers.session"
        and "start_lesson" in [a.name for a in first_two[0].names]
        and isinstance(first_two[1], ast.Expr)
        and isinstance(first_two[1].value, ast.Call)
        and ast.unparse(first_two[1].value) == "start_lesson(SEED)"
    )
    return (
        []
        if ok
        else [
            f"{where(name, index)}: the cell after 'parameters' must begin with "
            f"'from helpers.session import start_lesson' then 'start_lesson(SEED)'"
        ]
    )


RUNNER_WORDS = re.compile(
    r"\bcourse run\b|\bcourse refresh\b|--quick\b|\bQUICK\b|\bCHECKED_AT\b"
    r"|(?<![\w-])-p [A-Z][A-Z0-9_]*\b"
)


def check_runner_vocabulary(name, nb):
    """No runner vocabulary anywhere a learner reads: markdown, code and its
    comments (``course run``, ``course refresh``, ``--quick``, ``QUICK``,
    ``CHECKED_AT``, ``-p NAME``)."""
    return [
        f"{where(name, i)}: runner vocabulary {match.group(0)!r} in a {cell['cell_type']} cell"
        for i, cell in enumerate(nb["cells"])
        if cell["cell_type"] in ("markdown", "code")
        for match in RUNNER_WORDS.finditer(source(cell))
    ]


LABEL = re.compile(r"\*\*Solutions? \d+(?:[–-]\d+)?\.\*\*")


def check_solutions(name, nb):
    """One ``## Solutions`` markdown cell; after it only labels and folded
    code. A label is a markdown cell that is exactly ``**Solution N.**``
    (nothing a learner reads before choosing to open it gives the answer
    away); every code cell is folded (``jupyter.source_hidden`` and
    ``outputs_hidden``), tagged ``solution``, and begins with a
    ``# Solution`` comment line, because JupyterLab previews a folded cell's
    first line. Before the heading nothing is folded or tagged."""
    cells = nb["cells"]
    headings = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown" and first_line(c) == "## Solutions"]
    if len(headings) != 1:
        return [f"{name}: {len(headings)} markdown cells begin with '## Solutions', not 1"]
    start, problems = headings[0], []
    for i, cell in enumerate(cells[:start]):
        if folded(cell) or "solution" in tags(cell):
            problems.append(f"{where(name, i)}: folded or tagged 'solution' before '## Solutions'")
    for i in range(start + 1, len(cells)):
        cell = cells[i]
        if cell["cell_type"] == "markdown":
            if not LABEL.fullmatch(source(cell).strip()):
                problems.append(
                    f"{where(name, i)}: markdown after '## Solutions' must be just a label "
                    f"'**Solution N.**' (explain inside the folded code cell)"
                )
            continue
        jupyter = cell.get("metadata", {}).get("jupyter", {})
        if not (jupyter.get("source_hidden") is True and jupyter.get("outputs_hidden") is True):
            problems.append(
                f"{where(name, i)}: a solution cell must be folded (jupyter.source_hidden and outputs_hidden true)"
            )
        if "solution" not in tags(cell):
            problems.append(f"{where(name, i)}: a solution cell must be tagged 'solution'")
        if not first_line(cell).startswith("# Solution"):
            problems.append(
                f"{where(name, i)}: a solution cell must begin with a '# Solution' comment (its folded preview)"
            )
        if cells[i - 1]["cell_type"] == "markdown" and i - 1 == start:
            problems.append(f"{where(name, i)}: a '**Solution N.**' label must come before the first solution")
    return problems


def check_save_results(name, nb):
    """One cell calls ``save_results(``: that call is its one statement (the formatter lays out its
    lines), no ``print``, no outputs."""
    calls = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code" and "save_results(" in source(c)]
    if len(calls) != 1:
        return [f"{name}: {len(calls)} cells call save_results(, not 1"]
    index = calls[0]
    cell, problems = nb["cells"][index], []
    try:
        statements = code_tree(source(cell)).body
    except SyntaxError:
        statements = [None]  # check_one_line_asserts reports it
    if len(statements) != 1:
        problems.append(f"{where(name, index)}: the save_results cell has {len(statements)} statements, not 1")
    if "print(" in source(cell):
        problems.append(f"{where(name, index)}: the save_results cell prints")
    if cell.get("outputs"):
        problems.append(
            f"{where(name, index)}: the save_results cell shows {len(cell['outputs'])} output(s); it must show nothing"
        )
    return problems


def code_tree(text):
    """``text`` (a code cell) parsed, IPython's ``%``/``!`` lines blanked."""
    return ast.parse(re.sub(r"(?m)^\s*[%!].*$", "", text))


def check_one_line_asserts(name, nb):
    """Every ``assert`` of the lesson's code before ``## Solutions`` is one line."""
    end = solutions_index(nb)
    problems = []
    for i, cell in enumerate(nb["cells"][:end]):
        if cell["cell_type"] != "code":
            continue
        try:
            tree = code_tree(source(cell))
        except SyntaxError as error:
            problems.append(f"{where(name, i)}: does not parse ({error.msg})")
            continue
        problems += [
            f"{where(name, i)}: the assert on line {node.lineno} spans {node.end_lineno - node.lineno + 1} "
            f"lines; an assert in a lesson is one line"
            for node in ast.walk(tree)
            if isinstance(node, ast.Assert) and node.end_lineno != node.lineno
        ]
    return problems


COLOUR_ARGUMENTS = {"color", "colors", "colour", "colours", "cmap", "palette"}


def check_no_colours(name, nb):
    """No lesson passes a colour: figures take theirs from helpers.plots."""
    problems = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        try:
            tree = code_tree(source(cell))
        except SyntaxError:
            continue  # check_one_line_asserts reports it
        problems += [
            f"{where(name, i)}: passes {node.arg}=; colours come from helpers.plots"
            for node in ast.walk(tree)
            if isinstance(node, ast.keyword) and node.arg in COLOUR_ARGUMENTS
        ]
    return problems


def check_ignored_outputs_say_why(name, nb):
    """A cell tagged ``nbval-ignore-output`` begins with a comment saying why."""
    return [
        f"{where(name, i)}: tagged 'nbval-ignore-output' but its first line is not a comment saying why"
        for i, cell in enumerate(nb["cells"])
        if "nbval-ignore-output" in tags(cell) and not first_line(cell).startswith("#")
    ]


def check_kernel(name, nb):
    """The notebook runs on the course kernel."""
    found = nb.get("metadata", {}).get("kernelspec", {}).get("name")
    return [] if found == KERNEL else [f"{name}: kernelspec name is {found!r}, not {KERNEL!r}"]


CHECKS = [
    check_title,
    check_runtime_line,
    check_sections,
    check_parameters,
    check_start_cell,
    check_runner_vocabulary,
    check_solutions,
    check_save_results,
    check_one_line_asserts,
    check_no_colours,
    check_ignored_outputs_say_why,
    check_kernel,
]


# -- every lesson, and the template ---------------------------------------------


def test_there_are_lessons_and_a_template():
    assert LESSONS, "no notebooks/NN_*.ipynb"
    assert TEMPLATE.exists(), "notebooks/_template.ipynb (where a new lesson starts) is missing"


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__[len("check_") :])
@pytest.mark.parametrize("path", LESSONS + [TEMPLATE], ids=lambda p: p.stem)
def test_lesson_surface(path, check):
    problems = check(path.stem, json.loads(path.read_text(encoding="utf-8")))
    assert not problems, "\n".join(problems)


@pytest.mark.slow  # starts a kernel and imports TensorFlow (~20 s)
def test_the_template_runs_top_to_bottom(tmp_path, monkeypatch):
    """The template is stored without outputs and nbval leaves it out
    (notebooks/conftest.py); this run is its check: every cell succeeds in a
    fresh kernel, the experiment prints its verdict, the unanswered exercise
    says so, the folded solution is right, the record goes to the build folder."""
    import papermill

    monkeypatch.setenv("COURSE_BUILD_DIR", str(tmp_path))
    done = papermill.execute_notebook(
        str(TEMPLATE), str(tmp_path / "template.ipynb"), kernel_name=KERNEL, cwd=str(NOTEBOOKS), progress_bar=False
    )
    printed = ["".join(out.get("text", "")) for cell in done.cells for out in cell.get("outputs", [])]
    assert any("so the convolution follows the shift (rule: below 1e-05)" in text for text in printed), printed
    assert any("not answered yet" in text for text in printed) and any(t.startswith("right") for t in printed)
    assert json.loads((tmp_path / "results" / "_template.json").read_text())["lesson"] == "_template"


def test_the_template_is_not_a_lesson_but_the_runner_could_run_it():
    """The runner and the site pick up ``[0-9]*.ipynb`` only; a copy of the
    template must still pass the runner's checks of its parameters and of
    its quick profile (read with ast, nothing executed)."""
    from course import site
    from course.lessons import find_lessons, load_lesson

    assert TEMPLATE not in find_lessons(NOTEBOOKS)
    assert TEMPLATE not in site.find_lessons(NOTEBOOKS)
    lesson = load_lesson(TEMPLATE)
    assert "SEED" in lesson.parameters and lesson.quick


# -- each check, on a synthetic lesson that breaks it ---------------------------

NAME = "99_example"
SOLUTION = {"jupyter": {"source_hidden": True, "outputs_hidden": True}, "tags": ["solution"]}


def example():
    """A minimal lesson ``99_example`` that meets every convention (as JSON)."""
    v4 = nbformat.v4
    nb = v4.new_notebook(
        metadata={
            "kernelspec": {"name": KERNEL, "display_name": "course", "language": "python"},
            "course": {"quick": {"SEED": 1}},
        }
    )
    nb.cells = [
        v4.new_markdown_cell(
            "# Lesson 99 — Example\n\n**What you will learn.** Something.\n\n**Prerequisites.** None.\n\n"
            "**Runtime:** under a minute on a 2-core laptop; nothing is trained."
        ),
        v4.new_code_cell("import sys", metadata={"tags": ["colab-setup"]}),
        v4.new_code_cell("SEED = 0  # 0..: the seed", metadata={"tags": ["parameters"]}),
        v4.new_code_cell(
            "from helpers.session import save_results, start_lesson\n\nstart_lesson(SEED)\n\nimport numpy as np"
        ),
        v4.new_code_cell("x = np.ones(3)\nprint(x.sum())\nassert x.sum() == 3  # three ones sum to 3"),
        v4.new_code_cell('path = save_results("99_example", key_metrics={"total": 3})'),
        v4.new_markdown_cell("## Recap\n\n* Ones sum.\n\n## Exercises\n\n**Exercise 1.** Sum."),
        v4.new_code_cell("answer_1 = ...\nanswered_1 = check(answer_1, 3)"),
        v4.new_markdown_cell("## Next\n\nLesson 100."),
        v4.new_markdown_cell("## Solutions"),
        v4.new_markdown_cell("**Solution 1.**"),
        v4.new_code_cell("# Solution 1: three ones.\nassert 1 + 1 + 1 == 3\nprint(3)", metadata=dict(SOLUTION)),
        v4.new_code_cell(
            "# Solution 1, checked again.\nassert (\n    3 == 3\n)", metadata=dict(SOLUTION)
        ),  # solutions may hold longer asserts
    ]
    return json.loads(nbformat.writes(nb))


def test_the_example_meets_every_convention():
    nb = example()
    assert {check.__name__: check(NAME, nb) for check in CHECKS} == {check.__name__: [] for check in CHECKS}


def edit_source(index, old, new):
    def edit(nb):
        text = source(nb["cells"][index])
        assert old in text
        nb["cells"][index]["source"] = text.replace(old, new)

    return edit


def set_meta(index, key, value):
    def edit(nb):
        nb["cells"][index]["metadata"][key] = value

    return edit


def insert(index, cell):
    def edit(nb):
        nb["cells"].insert(index, json.loads(json.dumps(cell)))

    return edit


def set_outputs(index, outputs):
    def edit(nb):
        nb["cells"][index]["outputs"] = outputs

    return edit


def drop_notebook_meta(key):
    def edit(nb):
        nb["metadata"][key].pop("quick") if key == "course" else nb["metadata"].pop(key)

    return edit


MARKDOWN = lambda text: json.loads(nbformat.writes(nbformat.v4.new_markdown_cell(text)))
CODE = lambda text, **meta: json.loads(nbformat.writes(nbformat.v4.new_code_cell(text, metadata=meta)))
PRINTED = [{"output_type": "stream", "name": "stdout", "text": "saved\n"}]

BROKEN = [  # (check, what breaks it, a piece of the problem it must report)
    (check_title, edit_source(0, "# Lesson 99 — Example", "# Example"), "cell 0: the first line '# Example'"),
    (check_title, edit_source(0, "# Lesson 99", "# Lesson 98"), "cell 0: the title says lesson 98, the file name 99"),
    (check_title, edit_source(0, " — ", " - "), "is not '# Lesson 99 — Topic'"),
    (check_title, insert(0, CODE("x = 1")), "cell 0: the first cell must be markdown"),
    (check_runtime_line, edit_source(0, "under a minute", "about 40 s"), "cell 0: '**Runtime:** about 40 s"),
    (check_runtime_line, edit_source(0, "on a 2-core laptop;", "at the defaults;"), "is not the runner's form"),
    (check_runtime_line, edit_source(0, "**Runtime:**", "Runtime:"), "cell 0: the first markdown cell has 0"),
    (
        check_runtime_line,
        insert(9, MARKDOWN("**Runtime:** about 2 min on a 2-core laptop.")),
        "cell 9: a '**Runtime:**' line outside",
    ),
    (check_parameters, set_meta(2, "tags", []), "0 cells are tagged 'parameters'"),
    (
        check_parameters,
        edit_source(2, "SEED = 0  # 0..: the seed", "SEED = 0\nQUICK = {'SEED': 1}"),
        "cell 2: the 'parameters' cell holds QUICK",
    ),
    (check_parameters, drop_notebook_meta("course"), "metadata course.quick (the quick profile, a dict) is missing"),
    (check_parameters, insert(2, CODE("import os")), "cell 3: the 'parameters' cell must be the first code cell after"),
    (check_parameters, set_meta(1, "tags", []), "cell 2: the 'parameters' cell must be the first code cell after"),
    (
        check_start_cell,
        edit_source(3, "start_lesson(SEED)", "start_lesson(0)"),
        "cell 3: the cell after 'parameters' must begin",
    ),
    (check_start_cell, insert(3, CODE("import numpy")), "cell 3: the cell after 'parameters' must begin"),
    (
        check_runner_vocabulary,
        edit_source(0, "Something.", "Run `course run --quick` first."),
        "cell 0: runner vocabulary 'course run'",
    ),
    (check_runner_vocabulary, edit_source(0, "Something.", "Try -p SEED 3."), "cell 0: runner vocabulary '-p SEED'"),
    (
        check_runner_vocabulary,
        edit_source(4, "# three ones", "# QUICK: three ones"),
        "cell 4: runner vocabulary 'QUICK' in a code cell",
    ),
    (
        check_runner_vocabulary,
        edit_source(4, "x = np.ones(3)", "CHECKED_AT = 3\nx = np.ones(3)"),
        "cell 4: runner vocabulary 'CHECKED_AT'",
    ),
    (
        check_runner_vocabulary,
        edit_source(8, "Lesson 100.", "After `course refresh`."),
        "cell 8: runner vocabulary 'course refresh'",
    ),
    (
        check_solutions,
        edit_source(9, "## Solutions", "## Answers"),
        "0 markdown cells begin with '## Solutions', not 1",
    ),
    (check_solutions, insert(6, MARKDOWN("## Solutions")), "2 markdown cells begin with '## Solutions', not 1"),
    (check_solutions, set_meta(12, "jupyter", {"source_hidden": True}), "cell 12: a solution cell must be folded"),
    (check_solutions, set_meta(11, "tags", []), "cell 11: a solution cell must be tagged 'solution'"),
    (
        check_solutions,
        edit_source(10, "**Solution 1.**", "**1.**"),
        "cell 10: markdown after '## Solutions' must be just a label",
    ),
    (check_solutions, edit_source(10, "**Solution 1.**", "**Solution 1.** Three ones."), "cell 10: markdown after"),
    (
        check_solutions,
        edit_source(11, "# Solution 1: three ones.\n", ""),
        "cell 11: a solution cell must begin with a '# Solution'",
    ),
    (check_solutions, edit_source(10, "**Solution 1.**", "## Solutions"), "2 markdown cells begin with '## Solutions'"),
    (check_solutions, insert(12, MARKDOWN("**Solution 2.**")), ""),  # a label before each solution cell is fine too
    (check_solutions, set_meta(7, "jupyter", {"source_hidden": True}), "cell 7: folded or tagged 'solution' before"),
    (check_solutions, set_meta(4, "tags", ["solution"]), "cell 4: folded or tagged 'solution' before"),
    (
        check_sections,
        edit_source(0, "**Prerequisites.**", "Before:"),
        "cell 0: the first markdown cell needs '**Prerequisites.**'",
    ),
    (check_sections, edit_source(0, "**What you will learn.** Something.\n\n", ""), "needs '**What you will learn.**'"),
    (check_sections, edit_source(8, "## Next", "## Then"), "no markdown heading '## Next'"),
    (check_sections, edit_source(6, "## Recap", "## Summary"), "no markdown heading '## Recap'"),
    (check_sections, edit_source(8, "## Next", "## Nextlesson"), "no markdown heading '## Next'"),
    (check_sections, edit_source(8, "## Next", "## Next: lesson 100"), ""),
    (check_sections, insert(6, MARKDOWN("## Next\n\nLesson 100.")), "not in the order"),
    (
        check_sections,
        edit_source(7, "answered_1 = check(answer_1, 3)", "answered_1 = answer_1 == 3"),
        "cell 6: no exercise cell calls check(",
    ),
    (
        check_save_results,
        edit_source(
            5,
            'path = save_results("99_example", key_metrics={"total": 3})',
            'path = save_results("99_example", key_metrics={"total": 3})\nshown = path.read_text()',
        ),
        "cell 5: the save_results cell has 2 statements, not 1",
    ),
    (check_save_results, edit_source(5, "path = ", "print(path := "), "cell 5: the save_results cell prints"),
    (check_save_results, set_outputs(5, PRINTED), "cell 5: the save_results cell shows 1 output(s)"),
    (check_save_results, edit_source(5, "save_results(", "len("), "0 cells call save_results(, not 1"),
    (
        check_one_line_asserts,
        edit_source(4, "assert x.sum() == 3", "assert (x.sum()\n        == 3)"),
        "cell 4: the assert on line 3 spans 2 lines",
    ),
    (
        check_one_line_asserts,
        edit_source(
            4, "assert x.sum() == 3  # three ones sum to 3", 'assert x.sum() == 3, (\n    "three ones sum to 3")'
        ),
        "cell 4: the assert on line 3 spans 2 lines",
    ),
    (check_one_line_asserts, edit_source(4, "x = np.ones(3)", "x = np.ones(3"), "cell 4: does not parse"),
    (
        check_no_colours,
        edit_source(4, "print(x.sum())", 'plots.line_plot([0], {"a": [1]}, color="red")'),
        "cell 4: passes color=",
    ),
    (
        check_ignored_outputs_say_why,
        set_meta(4, "tags", ["nbval-ignore-output"]),
        "cell 4: tagged 'nbval-ignore-output'",
    ),
    (check_kernel, drop_notebook_meta("kernelspec"), "kernelspec name is None, not 'convnets-course'"),
]


@pytest.mark.parametrize(
    "check, edit, expected", BROKEN, ids=[f"{c.__name__[len('check_') :]}-{n}" for n, (c, _, _) in enumerate(BROKEN)]
)
def test_a_lesson_that_breaks_a_convention_fails_its_check(check, edit, expected):
    nb = example()
    edit(nb)
    problems = check(NAME, nb)
    if not expected:  # edits every convention allows
        assert problems == []
        return
    assert problems, f"{check.__name__} let through a lesson that breaks it"
    assert all(p.startswith(NAME) for p in problems), problems
    assert any(expected in p for p in problems), problems


def test_the_parametrised_test_names_the_lesson_and_the_cell(tmp_path):
    nb = example()
    edit_source(4, "# three ones", "# QUICK: three ones")(nb)
    path = tmp_path / f"{NAME}.ipynb"
    path.write_text(json.dumps(nb))
    with pytest.raises(AssertionError, match=r"99_example, cell 4: runner vocabulary 'QUICK'"):
        test_lesson_surface(path, check_runner_vocabulary)


@pytest.mark.parametrize(
    "seconds, words", [(29, "under a minute"), (30, "about 1 min"), (60, "about 1 min"), (330, "about 6 min")]
)
def test_the_runtime_line_the_runner_writes_passes_the_check(seconds, words):
    from course.commands import runtime_text

    line = runtime_text({"seconds": seconds, "cpus": 2})
    assert line == f"**Runtime:** {words} on a 2-core laptop"
    assert RUNTIME.fullmatch(line + ".") and RUNTIME.fullmatch(line + "; nothing is trained.")


def test_the_template_title_keeps_nn_and_a_lesson_may_not():
    nb = example()
    edit_source(0, "# Lesson 99", "# Lesson NN")(nb)
    assert check_title("_template", nb) == []
    assert check_title(NAME, nb) == [f"{NAME}, cell 0: the title says lesson NN, the file name 99"]
