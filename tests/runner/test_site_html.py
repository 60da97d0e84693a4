"""course.site's HTML rewriting, without a browser (the pages themselves are
opened in Chromium by tests/test_site.py)."""

from course import site

COLAB = '<a href="https://colab.example/x"><img src="https://colab.example/badge.svg" alt="Open In Colab"></a>'
BINDER = '<img alt="Binder" src="//binder.example/logo.svg"/>'
FIGURE = '<img src="data:image/png;base64,iVBORw0KGgo=" alt="a figure">'
LOCAL = '<img src="figures/grid.png" alt="grid">'


def test_remote_images_become_their_alt_text_in_any_attribute_order():
    page = site.without_remote_images(f"<p>{COLAB} {BINDER}</p>")
    assert page == '<p><a href="https://colab.example/x">Open In Colab</a> Binder</p>'


def test_embedded_and_local_images_stay():
    page = f"<p>{FIGURE}{LOCAL}</p>"
    assert site.without_remote_images(page) == page


def test_a_lesson_page_with_launch_badges_requests_nothing_remote(tmp_path):
    import nbformat

    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell(
                "# 09 · A lesson\n\n[![Open In Colab](https://colab.example/badge.svg)](https://colab.example/x)"
            )
        ]
    )
    path = tmp_path / "09_a_lesson.ipynb"
    nbformat.write(notebook, str(path))
    page = site.render_lesson(path, nav="")
    assert "colab.example/badge.svg" not in page and "Open In Colab" in page


def _solution_notebook(path):
    """A lesson with an exercise cell, a folded solution cell (as the lessons
    mark them) with output, and a cell after it."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    exercise = new_code_cell("answer = None  # EXERCISE_INPUT", execution_count=1)
    solution = new_code_cell(
        "answer = 6 * 7  # SOLUTION_INPUT\nprint(answer)",
        execution_count=2,
        outputs=[new_output("stream", name="stdout", text="SOLUTION_OUTPUT 42\n")],
    )
    solution.metadata.update(jupyter={"source_hidden": True, "outputs_hidden": True}, tags=["solution"])
    after = new_code_cell(
        "print('AFTER_OUTPUT')", execution_count=3, outputs=[new_output("stream", name="stdout", text="AFTER_OUTPUT\n")]
    )
    notebook = new_notebook(
        cells=[
            new_markdown_cell("# Lesson 09 — A lesson\n\n**Exercise 1.** Compute it."),
            exercise,
            new_markdown_cell("## Solutions\n\n**Solution 1.**"),
            solution,
            after,
        ]
    )
    nbformat.write(notebook, str(path))
    return path


def test_a_solution_cell_is_folded_in_a_closed_details_and_no_other_cell_is(tmp_path):
    from bs4 import BeautifulSoup

    page = BeautifulSoup(site.render_lesson(_solution_notebook(tmp_path / "09_a_lesson.ipynb"), nav=""), "html.parser")
    (details,) = page.find_all("details")
    assert "open" not in details.attrs  # closed on load
    assert details.find("summary").get_text(strip=True) == "Solution"
    cells = details.find_all(class_="jp-CodeCell")
    assert len(cells) == 1 and "SOLUTION_INPUT" in cells[0].get_text() and "SOLUTION_OUTPUT 42" in cells[0].get_text()
    # input and outputs both inside; the other cells outside any details
    assert details.find(class_="jp-InputArea") and details.find(class_="jp-OutputArea")
    for marker in ("EXERCISE_INPUT", "AFTER_OUTPUT", "Exercise 1.", "Solution 1."):
        text = page.find(string=lambda s, marker=marker: s and marker in s)
        assert text is not None and text.find_parent("details") is None, marker
    assert len(page.select(".jp-Cell")) == 5  # every cell still on the page
