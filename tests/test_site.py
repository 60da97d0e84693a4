"""The static site (`course site`, `make site`; course/site.py) opened in headless Chromium.

Every page loads with no request leaving the site, every image decodes,
every local link resolves, each lesson page shows all its cells, and the
index links every lesson. Solutions are folded: a solution cell (code cell
with ``jupyter.source_hidden``) is hidden when the page loads, input and
output, and shown after a click on its "Solution" summary. Screenshots of
the index and lesson 01 go to build/screenshots/. A test of the test: a
page with a broken image, a dead link and a missing cell must be reported
by the same checks.

Animations play: on a page built from a fixture lesson holding a
``helpers.plots`` animation, the "Next frame" button changes the frame and
"Previous frame" brings the first one back (and every animation on a real
lesson page steps too); a widget output shows its still figure and no widget
code is loaded. Each lesson page links its notebook, copied beside it; pages
follow the reader's light or dark setting.
"""

import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest
from chromium import chromium_context
from playwright.sync_api import expect

from course import site
from course.lessons import find_lessons

ROOT = Path(__file__).resolve().parent.parent
LESSONS = find_lessons(ROOT / "notebooks")
SCREENSHOTS = ROOT / "build" / "screenshots"

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def in_the_course(monkeypatch):
    """`course site` runs in the course's folder: its README and pyproject.toml (the launch links)."""
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The site built from the committed lessons, and how long it took."""
    out = tmp_path_factory.mktemp("site") / "site"
    start = time.perf_counter()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        pages = site.build(out, ROOT / "notebooks")
    return out, pages, time.perf_counter() - start


@pytest.fixture(scope="module")
def browser():
    with chromium_context() as context:
        yield context


def page_report(browser, path):
    """Open ``path`` (file://) with every non-file request blocked; return
    what the checks need: requests that tried to leave, images, links, cells."""
    page = browser.new_page()
    outside = []

    def block(route):
        if route.request.url.startswith(("file:", "data:")):
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()

    page.route("**/*", block)
    page.goto(path.as_uri(), wait_until="load")
    report = {
        "outside": outside,
        "images": page.eval_on_selector_all(
            "img", "imgs => imgs.map(i => ({src: i.src.slice(0, 40), ok: i.complete && i.naturalWidth > 0}))"
        ),
        "links": page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))"),
        "cells": page.locator(".jp-Cell").count(),
        "page": page,
    }
    return report


def problems(report, path, expected_cells=None):
    """Everything wrong with one opened page, as readable lines."""
    found = [f"requested from outside the site: {url}" for url in report["outside"]]
    found += [f"image does not decode: {img['src']}..." for img in report["images"] if not img["ok"]]
    for href in report["links"]:
        target = urlparse(href)
        if target.scheme or href.startswith("#"):
            continue  # another site (Colab, Binder, the repository), or this page
        if not (path.parent / unquote(target.path)).is_file():
            found.append(f"local link does not resolve: {href}")
    if expected_cells is not None and report["cells"] != expected_cells:
        found.append(f"shows {report['cells']} cells, the notebook has {expected_cells}")
    return found


def test_site_builds_one_page_per_lesson_quickly(built):
    _out, pages, seconds = built
    assert sorted(p.name for p in pages) == sorted(["index.html"] + [f"{p.stem}.html" for p in LESSONS])
    assert all(p.is_file() and p.stat().st_size > 0 for p in pages)
    assert seconds < 60, f"make site took {seconds:.0f} s"
    print(f"site built in {seconds:.1f} s")


def test_index_page(built, browser):
    out, _, _ = built
    report = page_report(browser, out / "index.html")
    assert problems(report, out / "index.html") == []
    for lesson in LESSONS:
        assert f"{lesson.stem}.html" in report["links"], lesson.name
    assert any("colab.research.google.com" in href for href in report["links"])
    assert any("mybinder.org" in href for href in report["links"])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    report["page"].screenshot(path=str(SCREENSHOTS / "site-index.png"), full_page=True)
    report["page"].close()


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_lesson_page(built, browser, lesson):
    out, _, _ = built
    page_path = out / f"{lesson.stem}.html"
    cells = len(nbformat.read(str(lesson), as_version=4).cells)
    report = page_report(browser, page_path)
    assert problems(report, page_path, expected_cells=cells) == []
    figures = sum(
        1
        for cell in nbformat.read(str(lesson), as_version=4).cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    )
    assert len(report["images"]) >= figures, "every stored figure is on the page"
    assert "index.html" in report["links"]
    assert any("colab.research.google.com" in href for href in report["links"])
    assert lesson.name in report["links"], "the page links its notebook for download"
    assert (out / lesson.name).read_bytes() == lesson.read_bytes()
    assert animations_that_do_not_step(report["page"]) == []
    # every solution cell of the lesson is folded on load, and nothing else is
    hidden = sum(
        1
        for cell in nbformat.read(str(lesson), as_version=4).cells
        if cell.cell_type == "code" and cell.metadata.get("jupyter", {}).get("source_hidden")
    )
    folded = report["page"].eval_on_selector_all("details", "ds => ds.map(d => d.open)")
    assert folded == [False] * hidden, f"{lesson.stem}: {hidden} solution cells, <details> open states {folded}"
    if lesson == LESSONS[0]:
        report["page"].screenshot(path=str(SCREENSHOTS / f"site-{lesson.stem}.png"))
    report["page"].close()


def solution_lesson(folder):
    """A lesson with an exercise cell, a folded solution cell (marked as the
    lessons mark them) that printed something, and a cell after it."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    solution = new_code_cell(
        "answer = 6 * 7  # SOLUTION_INPUT\nprint(answer)",
        execution_count=2,
        outputs=[new_output("stream", name="stdout", text="SOLUTION_OUTPUT 42\n")],
    )
    solution.metadata.update(jupyter={"source_hidden": True, "outputs_hidden": True}, tags=["solution"])
    notebook = new_notebook(
        cells=[
            new_markdown_cell("# Lesson 09 — Solutions folded\n\n**Exercise 1.** Compute the answer."),
            new_code_cell("answer = None  # EXERCISE_INPUT", execution_count=1),
            new_markdown_cell("## Solutions\n\n**Solution 1.**"),
            solution,
            new_code_cell(
                "print('AFTER_OUTPUT')",
                execution_count=3,
                outputs=[new_output("stream", name="stdout", text="AFTER_OUTPUT\n")],
            ),
        ]
    )
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, str(folder / "09_solutions.ipynb"))
    return folder


def test_a_solution_is_folded_on_load_and_opens_on_click(tmp_path, browser):
    out = tmp_path / "site"
    site.build(notebooks=solution_lesson(tmp_path / "notebooks"), out=out)
    report = page_report(browser, out / "09_solutions.html")
    page = report["page"]
    try:
        assert problems(report, out / "09_solutions.html", expected_cells=5) == []
        summary = page.locator("details.course-solution > summary")
        expect(summary).to_have_count(1)
        expect(summary).to_be_visible()
        expect(summary).to_have_text("Solution")
        solution_input = page.get_by_text("SOLUTION_INPUT")
        solution_output = page.get_by_text("SOLUTION_OUTPUT 42")
        expect(solution_input).to_be_hidden()  # folded on load: input and output
        expect(solution_output).to_be_hidden()
        expect(page.get_by_text("EXERCISE_INPUT")).to_be_visible()  # the other cells are not folded
        expect(page.get_by_text("AFTER_OUTPUT").last).to_be_visible()
        summary.click()
        expect(solution_input).to_be_visible()
        expect(solution_output).to_be_visible()
        assert page.eval_on_selector("details.course-solution", "d => d.open") is True
    finally:
        page.close()


def test_the_checks_catch_a_broken_page(tmp_path, browser):
    page_path = tmp_path / "broken.html"
    page_path.write_text(
        '<html><body><div class="jp-Cell">one cell</div>'
        '<img src="data:image/png;base64,AAAA"><a href="missing.html">dead</a>'
        '<a href="https://example.org/">elsewhere</a>'
        '<script src="https://cdn.example.org/x.js"></script></body></html>'
    )
    found = problems(page_report(browser, page_path), page_path, expected_cells=2)
    assert any("image does not decode" in line for line in found), found
    assert any("missing.html" in line for line in found), found
    assert any("cdn.example.org" in line for line in found), found
    assert any("shows 1 cells" in line for line in found), found
    assert not any('example.org/"' in line or line.endswith("https://example.org/") for line in found)


def animations_that_do_not_step(page):
    """For each animation on ``page`` (matplotlib's jshtml): does "Next frame"
    change the image, and "Previous frame" bring the first one back? Returns
    a line per animation that fails."""
    failures = []
    animations = page.locator("div.animation")
    for i in range(animations.count()):
        animation = animations.nth(i)
        image = animation.locator("img")
        animation.scroll_into_view_if_needed()
        animation.locator('button[title="First frame"]').click()
        first = image.get_attribute("src")
        animation.locator('button[title="Next frame"]').click()
        second = image.get_attribute("src")
        animation.locator('button[title="Previous frame"]').click()
        if not (second and second.startswith("data:image/png") and second != first):
            failures.append(f"animation {i}: Next frame did not change the image")
        elif image.get_attribute("src") != first:
            failures.append(f"animation {i}: Previous frame did not bring the first frame back")
    return failures


def animated_lesson(folder):
    """A lesson with a stored helpers.plots animation (as a kernel displays it),
    a helpers.widgets output (the widget view and the still figure beside
    it) and the widget state nbclient saves in the notebook's metadata."""
    import base64

    import numpy as np
    from IPython.core.formatters import DisplayFormatter
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from helpers import plots

    animation = plots.pooling_animation(np.array([[1, 3, 2, 1], [4, 6, 5, 0], [3, 1, 1, 2], [0, 2, 4, 3]]))
    data, _ = DisplayFormatter().format(animation)
    data = {
        mime: base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value
        for mime, value in data.items()
    }
    widget = {
        "application/vnd.jupyter.widget-view+json": {
            "version_major": 2,
            "version_minor": 0,
            "model_id": "0123456789abcdef0123456789abcdef",
        },
        "image/png": data["image/png"],
        "text/plain": "WIDGET_FALLBACK_TEXT",
    }
    notebook = new_notebook(
        cells=[
            new_markdown_cell("# Lesson 09 — Animated\n\nA window walks."),
            new_code_cell(
                "plots.pooling_animation(x)",
                execution_count=1,
                outputs=[new_output("execute_result", data=data, execution_count=1)],
            ),
            new_code_cell(
                "widgets.conv_explorer()", execution_count=2, outputs=[new_output("display_data", data=widget)]
            ),
        ],
        metadata={
            "widgets": {
                "application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2, "version_minor": 0}
            }
        },
    )
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, str(folder / "09_animated.ipynb"))
    return animation


def test_an_animation_steps_on_the_site_and_a_widget_shows_its_still_figure(tmp_path, browser):
    out = tmp_path / "site"
    animation = animated_lesson(tmp_path / "notebooks")
    site.build(notebooks=tmp_path / "notebooks", out=out)
    page_path = out / "09_animated.html"
    assert "widget-view+json" not in page_path.read_text() and "html-manager" not in page_path.read_text()
    report = page_report(browser, page_path)
    page = report["page"]
    try:
        assert problems(report, page_path, expected_cells=3) == []  # nothing requested from the network
        image = page.locator("div.animation img")
        expect(image).to_have_count(1)
        frames = page.evaluate(
            "() => Array.from(document.querySelectorAll('script')).map(s => s.text)"
            ".join('').match(/frames\\[\\d+\\] = \"data:image\\/png/g).length"
        )
        assert frames == animation.frames
        first = image.get_attribute("src")
        page.locator('div.animation button[title="Next frame"]').click()
        assert image.get_attribute("src") != first
        page.locator('div.animation button[title="Last frame"]').click()
        last = image.get_attribute("src")
        assert last not in (first,) and image.evaluate("i => i.complete && i.naturalWidth > 0")
        assert animations_that_do_not_step(page) == []
        # the widget cell: its still figure, not an empty widget area and not its text fallback
        widget_cell = page.locator(".jp-Cell").nth(2)
        expect(widget_cell.locator("img")).to_have_count(1)
        assert widget_cell.locator("img").evaluate("i => i.complete && i.naturalWidth > 0")
        expect(page.get_by_text("WIDGET_FALLBACK_TEXT")).to_have_count(0)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "site-animation.png"), full_page=True)
    finally:
        page.close()


def test_the_checks_catch_an_animation_that_does_not_step(tmp_path, browser):
    """The test of the test: an animation whose buttons do nothing is reported."""
    page_path = tmp_path / "still.html"
    page_path.write_text(
        '<html><body><div class="animation"><img src="data:image/png;base64,AAAA">'
        '<button title="First frame"></button><button title="Next frame"></button>'
        '<button title="Previous frame"></button>'
        "</div></body></html>"
    )
    page = browser.new_page()
    try:
        page.goto(page_path.as_uri())
        assert animations_that_do_not_step(page) == ["animation 0: Next frame did not change the image"]
    finally:
        page.close()


def background_luminance(page):
    """The page background's relative luminance, 0 (black) to 1 (white)."""
    red, green, blue = page.evaluate(
        "() => getComputedStyle(document.body).backgroundColor.match(/\\d+/g).slice(0, 3).map(Number)"
    )
    return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255


@pytest.mark.parametrize("name", ["index.html", f"{LESSONS[0].stem}.html"])
def test_pages_follow_the_readers_colour_scheme(built, browser, name):
    out, _, _ = built
    page = browser.new_page()
    try:
        for scheme, dark in (("light", False), ("dark", True)):
            page.emulate_media(color_scheme=scheme)
            page.goto((out / name).as_uri())
            luminance = background_luminance(page)
            assert (luminance < 0.2) if dark else (luminance > 0.9), f"{name}, {scheme}: background {luminance:.2f}"
            text = page.evaluate("() => getComputedStyle(document.querySelector('h1')).color")
            assert text != page.evaluate("() => getComputedStyle(document.body).backgroundColor")
            if name != "index.html":
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / f"site-{LESSONS[0].stem}-{scheme}.png"))
    finally:
        page.close()
