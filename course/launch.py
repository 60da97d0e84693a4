"""Colab and Binder launch links, and the Colab set-up cell, for one release.

    course launch --repo OWNER/NAME --ref TAG   # publish a copy: store both, rewrite every link and set-up cell
    course launch                               # rewrite from what pyproject.toml stores
    course launch --check                       # write nothing; list what differs, exit 1 if anything does

(``python -m course.launch`` is the same command.)

A published copy of the course is a GitHub repository ``OWNER/NAME`` and a
ref in it: a tag (``v0.2.0``) or a commit, never a branch, so a lesson
copied out of one release keeps opening, and installing, the helpers it
was written with. pyproject.toml's ``[tool.course]`` holds both:
``repository`` and ``ref`` (``--repo`` and ``--ref`` write them; without
``ref``, the ref is ``v`` + the helpers' version). From them this module
writes, in every lesson (``course.lessons``' rule) and in the template:

- a launch line (Open in Colab and Binder badges, both at the ref) right
  under the title of the first markdown cell;
- a set-up cell, the first code cell (tagged ``colab-setup``), which on
  Colab pip-installs the helpers at the ref and fetches MNIST, and anywhere
  else does nothing and prints nothing. While the repository is still the
  placeholder ``OWNER/REPO`` there is nothing to install from, so on Colab
  the cell only prints what to do instead. It comes before the
  ``parameters`` cell, so the cell after ``parameters`` is still
  ``start_lesson`` and papermill still injects its parameters right after
  ``parameters``. Only the cell's source changes: its stored outputs stay
  (it prints nothing outside Colab either way);

and it moves every launch link in the course's documents (Colab, Binder,
``git+https://github.com/...@ref``, CITATION.cff's repository URL, the
README's site link) to the repository and ref. Rewriting is idempotent:
a second run changes nothing.

The release step: bump the version (helpers, CITATION.cff), write its
CHANGELOG section, ``course launch --repo OWNER/NAME --ref vX.Y.Z``, commit,
tag that commit ``vX.Y.Z`` and push the tag (the links open the tag, so they
work once GitHub has it).
"""

import argparse
import re
import sys
import tomllib
from pathlib import Path

import nbformat

from course import CourseError
from course.lessons import find_lessons
from helpers import __version__
from helpers.files import atomic_write

ROOT = Path(".")  # the course in the working directory, as every course command (course.lessons)
PYPROJECT = ROOT / "pyproject.toml"
TEMPLATE = "_template.ipynb"  # where a new lesson starts: launch links like a lesson, not a lesson
DOCUMENTS = ("README.md", "CONTRIBUTING.md", "CITATION.cff")
PLACEHOLDER = "OWNER/REPO"  # the slug of a copy not published yet
BRANCH = "main"  # the default branch: course.site links the README's repository files there
BRANCHES = ("main", "master", "HEAD")  # names that move; a ref must stay put
SETUP_TAG = "colab-setup"
SLUG = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
# A tag or a commit id as the links can carry it: no "/" (it would split a Colab
# path), "@", "#", "?" or spaces, no "..", not ending in "." or ".lock".
REF = re.compile(r"^(?!.*\.\.)(?!.*\.lock$)[A-Za-z0-9](?:[A-Za-z0-9._+-]{0,98}[A-Za-z0-9_+-])?$")
COMMIT = re.compile(r"^[0-9a-f]{7,40}$")
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
BINDER_BADGE = "https://mybinder.org/badge_logo.svg"
LAUNCH_LINE = re.compile(r"^\[!\[Open In Colab\]\(" + re.escape(COLAB_BADGE) + r"\)\].*$", re.M)

# Every link that names the course's repository, with its ref where it has one.
# A name ends where a ref, "/", ".git", a quote, a bracket, whitespace, a full
# stop or the text does.
_SLUG = r"(?P<slug>[\w-]+/[\w.-]+?)"
_REF = r"(?P<ref>[\w.+-]*[\w+-])"
_END = r"(?![\w-]|\.[\w-])"
COLAB_LINKS = re.compile(
    r"(?P<prefix>https://colab\.research\.google\.com/github/)" + _SLUG + r"(?:/blob/" + _REF + r"(?=/))?" + _END
)
BINDER_LINKS = re.compile(r"(?P<prefix>https://mybinder\.org/v2/gh/)" + _SLUG + r"(?:/" + _REF + r")?" + _END)
PIP_LINKS = re.compile(r"(?P<prefix>git\+https://github\.com/)" + _SLUG + r"(?P<git>\.git)?(?:@" + _REF + r")?" + _END)
REPOSITORY_LINKS = re.compile(r"(?P<prefix>(?<!git\+)https://github\.com/)" + _SLUG + _END)  # CITATION.cff only
LINKS = (COLAB_LINKS, BINDER_LINKS, PIP_LINKS)
# The site's address in README: https://<owner>.github.io/<repo>/
SITE_LINKS = re.compile(r"https://[\w-]+\.github\.io/[\w.-]+/")


# -- the repository and the ref ----------------------------------------------------


def checked_slug(slug):
    """``slug`` if it is a GitHub repository ``OWNER/NAME``, else ValueError saying what to pass."""
    if not isinstance(slug, str) or not SLUG.match(slug):
        raise ValueError(f"got {slug!r}; pass the GitHub repository as OWNER/NAME, e.g. alice/convnets-course")
    return slug


def checked_ref(ref):
    """``ref`` if it names a tag or a commit (not a branch), else ValueError saying what to pass."""
    if not isinstance(ref, str) or not REF.match(ref):
        raise ValueError(f"got {ref!r}; pass a git tag such as v0.2.0 or a commit id (hex)")
    if ref in BRANCHES:
        raise ValueError(f"got the branch {ref!r}, which moves; pass a tag such as v0.2.0 or a commit id (hex)")
    return ref


def _settings(pyproject):
    return tomllib.loads(Path(pyproject).read_text()).get("tool", {}).get("course", {})


def repository(pyproject=PYPROJECT):
    """The slug ``OWNER/NAME`` of pyproject.toml's ``[tool.course] repository``."""
    try:
        return checked_slug(_settings(pyproject).get("repository"))
    except ValueError as error:
        raise ValueError(
            f"pyproject.toml [tool.course] repository must be 'OWNER/REPO' (a GitHub slug): {error}; "
            "course launch --repo OWNER/NAME writes it"
        ) from None


def release_ref(pyproject=PYPROJECT):
    """pyproject.toml's ``[tool.course] ref`` (a tag or commit); ``v`` + the helpers' version without one."""
    try:
        return checked_ref(_settings(pyproject).get("ref", f"v{__version__}"))
    except ValueError as error:
        raise ValueError(f"pyproject.toml [tool.course] ref: {error}; course launch --ref TAG writes it") from None


def with_settings(text, slug, ref):
    """pyproject.toml's ``text`` with ``[tool.course] repository`` and ``ref``
    set to ``slug`` and ``ref``; the table's comments and other keys stay, a
    missing key or table is added."""
    lines = {"repository": f'repository = "{checked_slug(slug)}"', "ref": f'ref = "{checked_ref(ref)}"'}
    table = re.search(r"^\[tool\.course\][ \t]*\n(?:(?!\[).*(?:\n|$))*", text, re.M)
    if table is None:
        new = text.rstrip("\n") + "\n\n[tool.course]\n" + "\n".join(lines.values()) + "\n"
    else:
        body = table.group(0)
        for key, line in lines.items():
            body, found = re.subn(rf"^{key}[ \t]*=.*$", line, body, count=1, flags=re.M)
            if not found:  # after the table's last line, before the blank lines that end it
                content, gap = re.fullmatch(r"(.*?)(\s*)", body, re.S).groups()
                body = f"{content}\n{line}{gap or chr(10)}"
        new = text[: table.start()] + body + text[table.end() :]
    written = tomllib.loads(new).get("tool", {}).get("course", {})
    if (written.get("repository"), written.get("ref")) != (slug, ref):
        raise ValueError("pyproject.toml: could not write [tool.course] repository and ref; set them by hand")
    return new


# -- the links ---------------------------------------------------------------------


def colab_url(slug, path, ref=None):
    """Colab opening ``path`` (a notebook, relative to the repository root) at
    ``ref`` (default: pyproject.toml's) from GitHub."""
    return f"https://colab.research.google.com/github/{slug}/blob/{ref or release_ref()}/{path}"


def binder_url(slug, path="notebooks", ref=None):
    """Binder's JupyterLab at ``ref`` (default: pyproject.toml's), opened on
    ``path`` (a notebook or a folder)."""
    return f"https://mybinder.org/v2/gh/{slug}/{ref or release_ref()}?urlpath=lab/tree/{path}"


def site_url(slug):
    """Where GitHub Pages publishes the course's static site (``make site``)."""
    owner, name = slug.split("/")
    return f"https://{owner.lower()}.github.io/{name}/"


def launch_line(slug, ref, path):
    """The markdown line of badges that opens ``path`` at ``ref`` on Colab or on Binder."""
    return (
        f"[![Open In Colab]({COLAB_BADGE})]({colab_url(slug, path, ref)}) "
        f"[![Binder]({BINDER_BADGE})]({binder_url(slug, path, ref)})"
    )


def _moved(match, slug, ref):
    """The link ``match`` found, naming ``slug`` and (where its kind carries one) ``ref``."""
    prefix = match.group("prefix")
    if match.re is COLAB_LINKS:  # no ref: Colab's page of the repository
        return f"{prefix}{slug}/blob/{ref}" if match.group("ref") else f"{prefix}{slug}"
    if match.re is BINDER_LINKS:
        return f"{prefix}{slug}/{ref}"
    if match.re is PIP_LINKS:
        return f"{prefix}{slug}{match.group('git') or ''}@{ref}"
    return f"{prefix}{slug}"


def stale_links(text, slug, ref, patterns=LINKS):
    """Every launch link in ``text`` that names another repository than
    ``slug``, or another ref than ``ref``."""
    return [
        match.group(0)
        for pattern in patterns
        for match in pattern.finditer(text)
        if _moved(match, slug, ref) != match.group(0)
    ]


def with_release(text, slug, ref, patterns=LINKS):
    """``text`` with every launch link moved to ``slug`` at ``ref``."""
    for pattern in patterns:
        text = pattern.sub(lambda match: _moved(match, slug, ref), text)
    return text


# -- the set-up cell -------------------------------------------------------------------

# What the set-up cell says on Colab while the repository is the placeholder.
PLACEHOLDER_SETUP = """\
# On Colab only: this copy is not published yet, so say what to do instead.
# Anywhere else this cell does nothing.
import sys

if "google.colab" in sys.modules:
    print(
        "This copy of the course has no published repository yet, so Colab cannot "
        "install its helpers: ask your teacher for the course's link, or run the "
        "lessons on your own computer (see the README); maintainers publish a copy "
        "with: course launch --repo OWNER/NAME --ref TAG"
    )"""


def setup_source(slug, ref):
    """The set-up cell's code: on Colab, install the helpers of ``slug`` at
    ``ref`` and fetch MNIST (with the placeholder slug: say what to do
    instead); elsewhere do nothing, print nothing. Laid out as ruff formats it."""
    if slug == PLACEHOLDER:
        return PLACEHOLDER_SETUP
    return "\n".join(
        [
            "# On Colab only: install the helpers of this lesson's release and fetch MNIST.",
            "# Anywhere else this cell does nothing.",
            "import sys",
            "",
            'if "google.colab" in sys.modules:',
            "    import importlib",
            "    import subprocess",
            "",
            f'    release = "git+https://github.com/{slug}@{ref}"',
            '    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", release], check=True)',
            '    subprocess.run([sys.executable, "-m", "helpers.data"], check=True)',
            "    importlib.invalidate_caches()",
        ]
    )


# -- a notebook ----------------------------------------------------------------------


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


def with_launch_links(nb, slug, ref, path):
    """A copy of notebook ``nb`` (at ``path`` in the repository) with its
    launch line, its other launch links and its Colab set-up cell written
    for ``slug`` at ``ref``; outputs untouched."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        cell.source = with_release(cell.source, slug, ref)
    markdown = next((cell for cell in nb.cells if cell.cell_type == "markdown"), None)
    if markdown is None:
        raise ValueError(f"{path}: a lesson needs a first markdown cell (its title) for the launch line")
    markdown.source = with_launch_line(markdown.source, launch_line(slug, ref, path))

    setup = [cell for cell in nb.cells if SETUP_TAG in cell.get("metadata", {}).get("tags", [])]
    if len(setup) > 1:
        raise ValueError(f"{path}: {len(setup)} cells are tagged {SETUP_TAG!r}; keep one")
    if setup:
        cell = setup[0]
        nb.cells.remove(cell)
    else:
        cell = nbformat.v4.new_code_cell(metadata={"tags": [SETUP_TAG]})
    cell.source = setup_source(slug, ref)
    first_code = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))
    nb.cells.insert(first_code, cell)
    return nb


def notebook_text(nb):
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


# -- the repository ------------------------------------------------------------------


def launch_notebooks(root=ROOT):
    """The notebooks that carry launch links: the lessons, by ``course.lessons``' rule, and the template."""
    folder = Path(root) / "notebooks"
    template = folder / TEMPLATE
    return find_lessons(folder) + ([template] if template.exists() else [])


def document_patterns(name):
    return (REPOSITORY_LINKS,) if name == "CITATION.cff" else LINKS


def problems(root=ROOT, slug=None, ref=None):
    """What ``--check`` reports, one string per problem: links naming another
    repository or ref, lessons whose launch line or set-up cell is missing or
    stale, lessons the README does not link to on Colab, the README's site
    link, and pyproject.toml storing another repository or ref."""
    root = Path(root)
    slug = slug or repository(root / "pyproject.toml")
    ref = ref or release_ref(root / "pyproject.toml")
    release = f"{slug} at {ref}"
    found = []
    table = _settings(root / "pyproject.toml")
    stored = (table.get("repository"), table.get("ref", f"v{__version__}"))
    if stored != (slug, ref):
        found.append(f"pyproject.toml: [tool.course] stores {stored[0]} at {stored[1]}, not {release}")
    for path in launch_notebooks(root):
        relative = path.relative_to(root).as_posix()
        nb = nbformat.read(path, as_version=4)
        sources = "\n".join(cell.source for cell in nb.cells)
        found += [f"{relative}: {link} does not use {release}" for link in stale_links(sources, slug, ref)]
        if notebook_text(with_launch_links(nb, slug, ref, relative)) != notebook_text(nb):
            found.append(f"{relative}: its launch line or Colab set-up cell is missing or stale (run course launch)")
    for name in DOCUMENTS:
        path = root / name
        if path.exists():
            found += [
                f"{name}: {link} does not use {release}"
                for link in stale_links(path.read_text(), slug, ref, document_patterns(name))
            ]
    readme = root / "README.md"
    if readme.exists():
        text = readme.read_text()
        found += [
            f"README.md: no Colab link to {p.relative_to(root).as_posix()}"
            for p in find_lessons(root / "notebooks")  # the template has launch links, not a README row
            if colab_url(slug, p.relative_to(root).as_posix(), ref) not in text
        ]
        found += [
            f"README.md: {link} is not the site of {slug} ({site_url(slug)})"
            for link in SITE_LINKS.findall(text)
            if link != site_url(slug)
        ]
        if site_url(slug) not in text:
            found.append(f"README.md: no link to the course's site, {site_url(slug)}")
    return found


def rewrite(root=ROOT, slug=None, ref=None):
    """Store ``slug`` and ``ref`` in pyproject.toml and write the launch
    lines, set-up cells and links for them; return the changed paths."""
    root = Path(root)
    slug = slug or repository(root / "pyproject.toml")
    ref = ref or release_ref(root / "pyproject.toml")
    changed = []

    def write(path, text, new):
        if new != text:
            changed.append(atomic_write(path, new))

    pyproject = root / "pyproject.toml"
    write(pyproject, pyproject.read_text(), with_settings(pyproject.read_text(), slug, ref))
    for path in launch_notebooks(root):
        text = path.read_text()
        nb = nbformat.reads(text, as_version=4)
        write(path, text, notebook_text(with_launch_links(nb, slug, ref, path.relative_to(root).as_posix())))
    for name in DOCUMENTS:
        path = root / name
        if path.exists():
            text = path.read_text()
            new = with_release(text, slug, ref, document_patterns(name))
            write(path, text, SITE_LINKS.sub(site_url(slug), new) if name == "README.md" else new)
    return changed


def next_step(slug, ref):
    """One line: what the links need before they open."""
    if slug == PLACEHOLDER:
        return (
            f"the repository is still the placeholder {PLACEHOLDER}: on Colab the set-up cells say so; "
            "publish with course launch --repo OWNER/NAME --ref TAG"
        )
    if COMMIT.match(ref):
        return f"the links open commit {ref}: push it to {slug}"
    return f"next: commit, tag that commit (git tag {ref}) and push the tag; the links open {ref} once {slug} has it"


def _argument(check):
    """An argparse ``type`` from a checker that raises ValueError."""

    def parse(text):
        try:
            return check(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return parse


def _published_slug(slug):
    """``--repo``: a GitHub repository, and not the placeholder (publishing it would change nothing)."""
    if checked_slug(slug) == PLACEHOLDER:
        raise ValueError(
            f"{PLACEHOLDER} is the placeholder; pass the course's own repository, e.g. alice/convnets-course"
        )
    return slug


def main(argv=None):
    """Entry point of ``course launch`` / ``python -m course.launch``; returns the exit status."""
    parser = argparse.ArgumentParser(prog="course launch", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--repo",
        type=_argument(_published_slug),
        metavar="OWNER/NAME",
        help="the course's GitHub repository (stored in pyproject.toml [tool.course] repository)",
    )
    parser.add_argument(
        "--ref",
        type=_argument(checked_ref),
        metavar="TAG",
        help=f"the tag (or commit) every link opens and the set-up cell installs "
        f"(stored as [tool.course] ref; default v{__version__})",
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; list what differs, exit 1 if anything does"
    )
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="the course's repository (default: the working directory)"
    )
    args = parser.parse_args(argv)
    try:
        if not (args.root / "pyproject.toml").is_file():
            raise CourseError(
                f"no pyproject.toml in {args.root.resolve()}: run course launch in the course's folder or pass --root"
            )
        slug = args.repo or repository(args.root / "pyproject.toml")
        ref = args.ref or release_ref(args.root / "pyproject.toml")
        if args.check:
            found = problems(args.root, slug, ref)
            for problem in found:
                print(problem)
            print(
                f"{len(found)} problem(s) with the launch links for {slug} at {ref}"
                if found
                else f"every launch link uses {slug} at {ref}"
            )
            return 1 if found else 0
        changed = rewrite(args.root, slug, ref)
    except (ValueError, CourseError, OSError) as error:
        print(f"course launch: error: {error}", file=sys.stderr)
        return 2
    for path in changed:
        print(f"rewrote {Path(path).relative_to(args.root)}")
    print(f"{len(changed)} file(s) changed; launch links use {slug} at {ref}")
    print(next_step(slug, ref))
    return 0


if __name__ == "__main__":
    sys.exit(main())
