"""The executed course as a static site: ``course site`` (``make site``).

Renders the committed, executed lessons (no re-execution) with nbconvert's
JupyterLab template into ``build/site/`` (the build folder of ``course``:
``--build``, else ``$COURSE_BUILD_DIR``, else ``build/`` in the working
directory; ``--out`` names another): ``index.html`` from the README
(what the course is, the lesson table, launch links, how to run it) and one
page per lesson with its outputs, figures, navigation and launch links.

Why nbconvert: it is what Jupyter itself uses to export a notebook, it is
already in the course's lock, it builds offline in seconds, and its ``lab``
template makes a page look like the notebook a learner opens. Jupyter Book
2 (MyST) needs a Node theme fetched at build time; Jupyter Book 1 would add
Sphinx and a theme for five pages. The pages depend on nothing online:
figures are embedded, and the template drops require.js, MathJax and
mermaid (the lessons use none of them).

Solutions are folded as in JupyterLab: every code cell whose metadata has
``jupyter.source_hidden`` (the lessons' solution cells, also tagged
``solution``) is rendered, input and outputs, inside a closed
``<details><summary>Solution</summary>``; a click opens it.

Animations (``helpers.plots``' ``*_animation``, matplotlib's jshtml) play:
their frames and scripts are inline in the stored output, and nothing here
sanitises HTML outputs. Widgets (``helpers.widgets``) cannot run without a
kernel: a widget output shows its static fallback (the still figure stored
beside it) and no widget code is loaded. Pages follow the reader's light or
dark setting (``prefers-color-scheme``: JupyterLab's dark theme), and each
lesson page links its notebook, copied next to it, for download.
"""

import html
import re
import shutil
import tempfile
from pathlib import Path

from course import CourseError
from course.lessons import NOTEBOOKS, find_lessons
from helpers.files import atomic_write

TEMPLATES = Path(__file__).resolve().parent / "site_template"  # part of the package: found where it is installed
README = Path("README.md")  # the course's, in the working directory
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
CSS = """
:root { color-scheme: light dark; }
nav.course-nav { display: flex; flex-wrap: wrap; gap: .4em 1.2em; align-items: center;
  padding: .6em 1em; margin: 0 0 1em; border-bottom: 1px solid #ddd; font: 15px/1.4 sans-serif; }
nav.course-nav a { text-decoration: none; color: #0b57d0; }
nav.course-nav .launch { margin-left: auto; }
body.course-index { max-width: 60em; margin: 0 auto; padding: 1em; font: 16px/1.5 sans-serif;
  background: #fff; color: #111; }
body.course-index table { border-collapse: collapse; }
body.course-index td, body.course-index th { border: 1px solid #ccc; padding: .3em .5em; vertical-align: top; }
body.course-index pre { background: #f6f6f6; padding: .6em; overflow-x: auto; }
details.course-solution { margin: .3em 0 .6em; }
details.course-solution > summary { cursor: pointer; padding: .2em .6em; font: 14px/1.4 sans-serif; color: #555; }
body.jp-Notebook { background: var(--jp-layout-color0); }
@media (prefers-color-scheme: dark) {
  body.course-index { background: #111; color: #ddd; }
  body.course-index a, nav.course-nav a { color: #8ab4f8; }
  body.course-index pre, body.course-index code { background: #222; }
  body.course-index td, body.course-index th { border-color: #444; }
  nav.course-nav { border-bottom-color: #444; }
  details.course-solution > summary { color: #aaa; }
}
"""


def lesson_title(notebook):
    """The first ``# `` heading of the first markdown cell, else the file name."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, re.MULTILINE)
            return match.group(1).strip() if match else None
    return None


def launch_links(lesson_path):
    """``[(label, url)]`` for opening ``notebooks/<lesson>`` on Colab and Binder."""
    from course import launch

    slug, relative = launch.repository(), f"notebooks/{Path(lesson_path).name}"
    return [("Open in Colab", launch.colab_url(slug, relative)), ("Launch Binder", launch.binder_url(slug, relative))]


def check_release():
    """The launch links' repository and ref can be read (pyproject.toml's
    ``[tool.course]``, in the working directory), else one :class:`CourseError`."""
    from course import launch

    try:
        launch.repository(), launch.release_ref()
    except (OSError, ValueError) as error:
        raise CourseError(
            f"the launch links come from the course's pyproject.toml [tool.course]: {error}; "
            "run `course site` in the course's folder"
        ) from None


def nav_bar(lessons, index, titles):
    """The navigation bar of lesson ``index`` (-1: the index page): course
    home, previous, next, the lesson's notebook (a copy next to its page) and
    its launch links."""
    links = ['<a href="index.html">Course home</a>']
    if index > 0:
        links.append(f'<a href="{lessons[index - 1].stem}.html" rel="prev">← {html.escape(titles[index - 1])}</a>')
    if index + 1 < len(lessons):
        links.append(f'<a href="{lessons[index + 1].stem}.html" rel="next">{html.escape(titles[index + 1])} →</a>')
    if index >= 0:
        name = html.escape(lessons[index].name)
        links.append(f'<a href="{name}" download="{name}" class="download">Download the notebook (.ipynb)</a>')
        launch = " · ".join(f'<a href="{html.escape(url)}">{label}</a>' for label, url in launch_links(lessons[index]))
        links.append(f'<span class="launch">{launch}</span>')
    return f'<nav class="course-nav">{" ".join(links)}</nav>'


def render_lesson(path, nav):
    """One executed lesson -> a standalone HTML page (figures and animations embedded)."""
    import nbformat
    from nbconvert import HTMLExporter

    notebook = without_widgets(nbformat.read(str(path), as_version=4))
    exporter = HTMLExporter(template_name="course", extra_template_basedirs=[str(TEMPLATES)])
    resources = {"site": {"css": CSS, "nav": nav, "dark_css": lab_theme_css("theme-dark.css")}}
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    return without_remote_images(body)


def without_widgets(notebook):
    """``notebook`` as a page without a kernel shows it: each widget output
    keeps only its static fallback (``helpers.widgets`` stores the still
    figure beside the widget; else the text), and the saved widget state,
    which would make nbconvert load the widget manager from a CDN, is dropped."""
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data:
                del data[WIDGET_VIEW]
                data.setdefault("text/plain", "(an interactive widget: run the notebook to use it)")
    return notebook


def lab_theme_css(name):
    """The text of one of nbconvert's lab-template stylesheets (``theme-dark.css``)."""
    from jupyter_core.paths import jupyter_path

    for folder in jupyter_path("nbconvert", "templates", "lab", "static"):
        candidate = Path(folder) / name
        if candidate.is_file():
            return candidate.read_text()
    raise CourseError(f"nbconvert's lab template has no static/{name}; reinstall nbconvert")


def without_remote_images(page):
    """``page`` with every image hosted elsewhere (the Colab and Binder badges)
    replaced by its alt text, so that viewing the site needs no network."""

    def alt_text(match):
        alt = re.search(r'\balt="([^"]*)"', match.group(0))
        return alt.group(1) if alt else ""

    return re.sub(r'<img\b[^>]*\bsrc="(?:https?:)?//[^"]*"[^>]*>', alt_text, page)


def readme_html(readme, lessons):
    """README.md as the site's index page: lesson notebooks link to their
    pages, other repository files to the repository itself."""
    import mistune

    from course import launch

    text = Path(readme).read_text()
    for lesson in lessons:
        text = text.replace(f"(notebooks/{lesson.name})", f"({lesson.stem}.html)")
    body = mistune.html(text)

    def outside(match):  # a link to a repository file the site does not carry
        target = match.group(2)
        if re.match(r"^([a-z]+:|#|\d\d_\w+\.html$)", target):
            return match.group(0)
        url = f"https://github.com/{launch.repository()}/blob/{launch.BRANCH}/{target}"
        return f'{match.group(1)}"{html.escape(url)}"'

    body = without_remote_images(re.sub(r'(<a href=)"([^"]+)"', outside, body))
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        '<meta name="color-scheme" content="light dark">\n'
        f"<title>{html.escape(_first_heading(text))}</title>\n<style>{CSS}</style>\n</head>\n"
        f'<body class="course-index">\n{body}\n</body>\n</html>\n'
    )


def _first_heading(markdown):
    match = re.search(r"^#\s+(.+)$", markdown, re.MULTILINE)
    return match.group(1).strip() if match else "The convnets course"


def build(out, notebooks=NOTEBOOKS, readme=README):
    """Render the lessons of ``notebooks`` (:func:`course.lessons.find_lessons`)
    and ``readme`` as the site in ``out`` (replaced as a whole, never
    half-written). Returns the list of pages written."""
    import nbformat

    lessons = find_lessons(notebooks)
    if not lessons:
        raise CourseError(f"--notebooks: no lessons (NN_name.ipynb) in {notebooks}")
    if not Path(readme).is_file():
        raise CourseError(
            f"no {readme}: the site's index page is the course's README; run `course site` in the course's folder"
        )
    check_release()
    titles = [lesson_title(nbformat.read(str(p), as_version=4)) or p.stem for p in lessons]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=out.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a site is for reading
    try:
        pages = [atomic_write(staging / "index.html", readme_html(readme, lessons))]
        for i, lesson in enumerate(lessons):
            pages.append(
                atomic_write(staging / f"{lesson.stem}.html", render_lesson(lesson, nav_bar(lessons, i, titles)))
            )
            shutil.copyfile(lesson, staging / lesson.name)  # the download link's target
            (staging / lesson.name).chmod(0o644)
        old = out.with_name(f".{out.name}-old")
        if out.exists():
            out.rename(old)
        staging.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out / page.name for page in pages]
