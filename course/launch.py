"""Colab and Binder launch links, and the Colab set-up cell, from one slug.

    python -m course.launch           # rewrite the lessons, README.md, CITATION.cff, CONTRIBUTING.md
    python -m course.launch --check   # list every launch link or cell that differs; exit 1 if any

The course's GitHub repository, ``OWNER/REPO``, is set in one place:
pyproject.toml's ``[tool.course] repository``. From it this module writes,
in every lesson of ``notebooks/``:

- a launch line (Open in Colab and Binder badges) right under the title of
  the first markdown cell;
- a set-up cell, the first code cell (tagged ``colab-setup``), which on
  Colab pip-installs the course package from the repository and fetches
  MNIST, and anywhere else does nothing and prints nothing. It comes before
  the ``parameters`` cell, so the cell after ``parameters`` is still
  ``start_lesson`` and papermill still injects its parameters right after
  ``parameters``;

and it moves every launch link in the repository's own documents (Colab,
Binder, ``git+https://github.com/...``, CITATION.cff's repository URL) to
the slug. Rewriting is idempotent: a second run changes nothing.
"""

import argparse
import re
import sys
import tomllib
from pathlib import Path

import nbformat

from course.lessons import find_lessons

from helpers.files import atomic_write

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = REPO / "pyproject.toml"
NOTEBOOKS = REPO / "notebooks"
DOCUMENTS = ("README.md", "CONTRIBUTING.md", "CITATION.cff")
BRANCH = "main"  # Colab opens, and the set-up cell installs, this branch
SETUP_TAG = "colab-setup"
SLUG = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
BINDER_BADGE = "https://mybinder.org/badge_logo.svg"
LAUNCH_LINE = re.compile(r"^\[!\[Open In Colab\]\(" + re.escape(COLAB_BADGE) + r"\)\].*$", re.M)
# Every link that names the course's repository. The slug ends before "/",
# "@", ".git", a quote, a bracket, whitespace or the end of the text.
_SLUG_IN_LINK = r"(?P<slug>[\w-]+/[\w.-]+?)(?=\.git\b|[/@?#)\]\"'`\s>]|$)"
LINKS = re.compile(
    r"(?P<prefix>https://colab\.research\.google\.com/github/|https://mybinder\.org/v2/gh/|git\+https://github\.com/)"
    + _SLUG_IN_LINK, re.M)
REPOSITORY_LINKS = re.compile(r"(?P<prefix>https://github\.com/)" + _SLUG_IN_LINK, re.M)  # CITATION.cff only


def repository(pyproject=PYPROJECT):
    """The slug ``OWNER/REPO`` of pyproject.toml's ``[tool.course] repository``."""
    settings = tomllib.loads(Path(pyproject).read_text()).get("tool", {}).get("course", {})
    slug = settings.get("repository")
    if not isinstance(slug, str) or not SLUG.match(slug):
        raise ValueError(f"pyproject.toml [tool.course] repository must be 'OWNER/REPO' (a GitHub slug), got {slug!r}")
    return slug


def colab_url(slug, path):
    """Colab opening ``path`` (a notebook, relative to the repository root) from GitHub."""
    return f"https://colab.research.google.com/github/{slug}/blob/{BRANCH}/{path}"


def binder_url(slug, path="notebooks"):
    """Binder's JupyterLab opened on ``path`` (a notebook or a folder)."""
    return f"https://mybinder.org/v2/gh/{slug}/HEAD?urlpath=lab/tree/{path}"


def site_url(slug):
    """Where GitHub Pages publishes the course's static site (``make site``)."""
    owner, name = slug.split("/")
    return f"https://{owner.lower()}.github.io/{name}/"


# The site's address in README: https://<owner>.github.io/<repo>/
SITE_LINKS = re.compile(r"https://[\w-]+\.github\.io/[\w.-]+/")


def launch_line(slug, path):
    """The markdown line of badges that opens ``path`` on Colab or on Binder."""
    return (f"[![Open In Colab]({COLAB_BADGE})]({colab_url(slug, path)}) "
            f"[![Binder]({BINDER_BADGE})]({binder_url(slug, path)})")


def setup_source(slug):
    """The set-up cell's code: on Colab, install the course package from the
    repository and fetch MNIST; elsewhere do nothing, print nothing."""
    return "\n".join([
        "# On Colab only: install this course's helpers and fetch MNIST (elsewhere this cell does nothing).",
        "import sys",
        "",
        'if "google.colab" in sys.modules:',
        "    import importlib",
        "    import subprocess",
        "",
        f'    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "git+https://github.com/{slug}@{BRANCH}"], check=True)',
        '    subprocess.run([sys.executable, "-m", "helpers.data"], check=True)',
        "    importlib.invalidate_caches()",
    ])


def with_launch_line(markdown, line):
    """``markdown`` with ``line`` as its launch line: replaces the existing one,
    or goes in after the title (the first line, if it is a heading), set off
    by blank lines."""
    if LAUNCH_LINE.search(markdown):
        return LAUNCH_LINE.sub(lambda _: line, markdown, count=1)
    first, newline, rest = markdown.partition("\n")
    if first.startswith("#"):
        return f"{first}\n\n{line}\n\n{rest.lstrip(chr(10))}" if newline else f"{first}\n\n{line}\n"
    return f"{line}\n\n{markdown}"


def with_launch_links(nb, slug, path):
    """A copy of notebook ``nb`` (at ``path`` in the repository) with its
    launch line and Colab set-up cell written for ``slug``."""
    nb = nbformat.from_dict(nb)
    markdown = next((cell for cell in nb.cells if cell.cell_type == "markdown"), None)
    if markdown is None:
        raise ValueError(f"{path}: a lesson needs a first markdown cell (its title) for the launch line")
    markdown.source = with_launch_line(markdown.source, launch_line(slug, path))

    setup = [cell for cell in nb.cells if SETUP_TAG in cell.get("metadata", {}).get("tags", [])]
    if len(setup) > 1:
        raise ValueError(f"{path}: {len(setup)} cells are tagged {SETUP_TAG!r}; keep one")
    if setup:
        cell = setup[0]
        nb.cells.remove(cell)
    else:
        cell = nbformat.v4.new_code_cell(metadata={"tags": [SETUP_TAG]})
    if cell.source != setup_source(slug):
        cell.source = setup_source(slug)
        cell.outputs, cell.execution_count = [], None
    first_code = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))
    nb.cells.insert(first_code, cell)
    return nb


def foreign_links(text, slug, pattern=LINKS):
    """Every launch link in ``text`` that names another repository than ``slug``."""
    return [m.group(0) for m in pattern.finditer(text) if m.group("slug") != slug]


def with_slug(text, slug, pattern=LINKS):
    """``text`` with every launch link moved to ``slug``."""
    return pattern.sub(lambda m: m.group("prefix") + slug, text)


def notebook_text(nb):
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def document_pattern(name):
    return REPOSITORY_LINKS if name == "CITATION.cff" else LINKS


def problems(root=REPO, slug=None):
    """What ``--check`` reports, one string per problem: links naming another
    repository, lessons whose launch line or set-up cell is missing or stale,
    and lessons the README does not link to on Colab."""
    root = Path(root)
    slug = slug or repository(root / "pyproject.toml")
    found = []
    lessons = sorted((root / "notebooks").glob("*.ipynb"))
    for path in lessons:
        relative = path.relative_to(root).as_posix()
        text = path.read_text()
        found += [f"{relative}: {link} does not use {slug}" for link in foreign_links(text, slug)]
        nb = nbformat.reads(text, as_version=4)
        if notebook_text(with_launch_links(nb, slug, relative)) != notebook_text(nb):
            found.append(f"{relative}: its launch line or Colab set-up cell is missing or stale (run python -m course.launch)")
    for name in DOCUMENTS:
        path = root / name
        if path.exists():
            found += [f"{name}: {link} does not use {slug}"
                      for link in foreign_links(path.read_text(), slug, document_pattern(name))]
    readme = root / "README.md"
    if readme.exists():
        text = readme.read_text()
        found += [f"README.md: no Colab link to {p.relative_to(root).as_posix()}"
                  for p in find_lessons(root / "notebooks")  # the template has launch links, not a README row
                  if colab_url(slug, p.relative_to(root).as_posix()) not in text]
        found += [f"README.md: {link} is not the site of {slug} ({site_url(slug)})"
                  for link in SITE_LINKS.findall(text) if link != site_url(slug)]
        if site_url(slug) not in text:
            found.append(f"README.md: no link to the course's site, {site_url(slug)}")
    return found


def rewrite(root=REPO, slug=None):
    """Write the launch lines, set-up cells and links for ``slug``; return the changed paths."""
    root = Path(root)
    slug = slug or repository(root / "pyproject.toml")
    changed = []
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        text = path.read_text()
        new = notebook_text(with_launch_links(nbformat.reads(text, as_version=4), slug, path.relative_to(root).as_posix()))
        if new != text:
            changed.append(atomic_write(path, new))
    for name in DOCUMENTS:
        path = root / name
        if path.exists():
            text = path.read_text()
            new = with_slug(text, slug, document_pattern(name))
            if name == "README.md":
                new = SITE_LINKS.sub(site_url(slug), new)
            if new != text:
                changed.append(atomic_write(path, new))
    return changed


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m course.launch", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; list what differs, exit 1 if anything does")
    parser.add_argument("--root", type=Path, default=REPO, help="the repository (default: this checkout)")
    args = parser.parse_args(argv)
    slug = repository(args.root / "pyproject.toml")
    if args.check:
        found = problems(args.root, slug)
        for problem in found:
            print(problem)
        print(f"{len(found)} problem(s) with the launch links for {slug}" if found else f"every launch link uses {slug}")
        return 1 if found else 0
    changed = rewrite(args.root, slug)
    for path in changed:
        print(f"rewrote {Path(path).relative_to(args.root)}")
    print(f"{len(changed)} file(s) changed; launch links use {slug}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
