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

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "# 09 · A lesson\n\n[![Open In Colab](https://colab.example/badge.svg)](https://colab.example/x)")])
    path = tmp_path / "09_a_lesson.ipynb"
    nbformat.write(notebook, str(path))
    page = site.render_lesson(path, nav="")
    assert "colab.example/badge.svg" not in page and "Open In Colab" in page
