"""course.launch: Colab/Binder links and the Colab set-up cell, all from the
one slug in pyproject.toml."""

import io
import re
import shutil
import subprocess
import sys
import types
from contextlib import redirect_stdout
from pathlib import Path

import nbformat
import pytest

from course import launch

ROOT = Path(__file__).resolve().parent.parent
SLUG = "alice/convnets-course"


def make_repo(tmp_path, slug=SLUG, lessons=None):
    """A throw-away repository: pyproject with ``slug``, copies of the lessons,
    a README linking each lesson on Colab, a CITATION.cff naming the repository."""
    (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "x"\n\n[tool.course]\nrepository = "{slug}"\n')
    (tmp_path / "notebooks").mkdir()
    for path in lessons or sorted((ROOT / "notebooks").glob("*.ipynb")):
        shutil.copy(path, tmp_path / "notebooks" / path.name)
    links = [f"- [{p.stem}]({launch.colab_url(slug, 'notebooks/' + p.name)})"
             for p in sorted((tmp_path / "notebooks").glob("*.ipynb"))]
    (tmp_path / "README.md").write_text("# Course\n\n" + "\n".join(links) + f"\n\n[Binder]({launch.binder_url(slug)})\n"
                                        f"\nThe site: {launch.site_url(slug)}\n")
    (tmp_path / "CITATION.cff").write_text(f'cff-version: 1.2.0\nrepository-code: "https://github.com/{slug}"\n')
    return tmp_path


def lesson(tmp_path, stem="01"):
    return sorted((tmp_path / "notebooks").glob(f"{stem}_*.ipynb"))[0]


def check(root):
    out = io.StringIO()
    with redirect_stdout(out):
        status = launch.main(["--check", "--root", str(root)])
    return status, out.getvalue()


# -- the slug and the URLs ------------------------------------------------------

def test_the_slug_is_read_from_pyproject(tmp_path):
    assert launch.repository(make_repo(tmp_path, lessons=[]) / "pyproject.toml") == SLUG
    assert launch.SLUG.match(launch.repository())  # the repository's own (OWNER/REPO until it is public)


@pytest.mark.parametrize("bad", ["", "OWNER", "a/b/c", "https://github.com/a/b", 3])
def test_a_slug_that_is_not_owner_slash_repo_is_refused(tmp_path, bad):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f"[tool.course]\nrepository = {bad!r}\n".replace("'", '"'))
    with pytest.raises(ValueError, match=r"\[tool.course\] repository must be 'OWNER/REPO'"):
        launch.repository(pyproject)


def test_urls_open_the_lesson_on_colab_and_binder():
    path = "notebooks/01_convolution.ipynb"
    assert launch.colab_url(SLUG, path) == f"https://colab.research.google.com/github/{SLUG}/blob/main/{path}"
    assert launch.binder_url(SLUG, path) == f"https://mybinder.org/v2/gh/{SLUG}/HEAD?urlpath=lab/tree/{path}"
    line = launch.launch_line(SLUG, path)
    assert line.startswith("[![Open In Colab](") and launch.colab_url(SLUG, path) in line
    assert launch.binder_url(SLUG, path) in line


def test_links_to_other_repositories_are_found_and_moved():
    text = ("[a](https://colab.research.google.com/github/mallory/fork/blob/main/x.ipynb) "
            f"`https://mybinder.org/v2/gh/{SLUG}/HEAD` pip install git+https://github.com/bob/c.git@main")
    assert launch.foreign_links(text, SLUG) == [
        "https://colab.research.google.com/github/mallory/fork", "git+https://github.com/bob/c"]
    moved = launch.with_slug(text, SLUG)
    assert launch.foreign_links(moved, SLUG) == []
    assert f"git+https://github.com/{SLUG}.git@main" in moved and "blob/main/x.ipynb" in moved


# -- rewriting a lesson ----------------------------------------------------------------

def without_launch_links(path):
    """Take a lesson's launch line and set-up cell out (as before its first rewrite)."""
    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if launch.SETUP_TAG not in c.metadata.get("tags", [])]
    nb.cells[0].source = re.sub(r"\n{3,}", "\n\n", launch.LAUNCH_LINE.sub("", nb.cells[0].source))
    nbformat.write(nb, path)


def test_rewrite_puts_the_launch_line_under_the_title_and_the_setup_cell_first(tmp_path):
    root = make_repo(tmp_path)
    path = lesson(root)
    without_launch_links(path)
    before = nbformat.read(path, as_version=4)
    assert launch.rewrite(root)
    after = nbformat.read(path, as_version=4)

    title = before.cells[0].source.splitlines()[0]
    assert after.cells[0].source.splitlines()[:3] == [title, "", launch.launch_line(SLUG, "notebooks/" + path.name)]
    assert after.cells[0].source.endswith(before.cells[0].source.partition("\n")[2].lstrip("\n"))
    code = [c for c in after.cells if c.cell_type == "code"]
    assert code[0].metadata.tags == [launch.SETUP_TAG] and code[0].source == launch.setup_source(SLUG)
    assert "parameters" in code[1].metadata.tags, "the set-up cell goes right before the parameters cell"
    assert [c.source for c in code[1:]] == [c.source for c in before.cells if c.cell_type == "code"]
    nbformat.validate(after)


def test_rewrite_is_idempotent_and_follows_a_new_slug(tmp_path):
    root = make_repo(tmp_path)
    assert len(launch.rewrite(root)) == len(list((root / "notebooks").glob("*.ipynb")))
    once = {p: p.read_text() for p in (root / "notebooks").glob("*.ipynb")}
    assert launch.rewrite(root) == []
    assert {p: p.read_text() for p in once} == once

    (root / "pyproject.toml").write_text('[tool.course]\nrepository = "carol/course"\n')
    changed = {Path(p).name for p in launch.rewrite(root)}
    assert changed >= {"README.md", "CITATION.cff", lesson(root).name}
    nb = nbformat.read(lesson(root), as_version=4)
    assert launch.launch_line("carol/course", f"notebooks/{lesson(root).name}") in nb.cells[0].source
    assert SLUG not in lesson(root).read_text() and SLUG not in (root / "README.md").read_text()
    assert [c.metadata.get("tags") for c in nb.cells].count([launch.SETUP_TAG]) == 1


def test_papermill_still_injects_parameters_right_after_the_parameters_cell(tmp_path):
    from papermill.iorw import load_notebook_node  # what papermill reads with: it adds the empty tags we strip
    from papermill.parameterize import parameterize_notebook

    root = make_repo(tmp_path, lessons=sorted((ROOT / "notebooks").glob("01_*.ipynb")))
    launch.rewrite(root)
    nb = parameterize_notebook(load_notebook_node(str(lesson(root))), {"SEED": 3},
                               kernel_name="convnets-course", language="python")
    tags = [c.metadata.get("tags", []) for c in nb.cells if c.cell_type == "code"]
    assert tags[:3] == [[launch.SETUP_TAG], ["parameters"], ["injected-parameters"]]


# -- the set-up cell ------------------------------------------------------------------

def test_the_setup_cell_does_nothing_and_prints_nothing_outside_colab():
    done = subprocess.run([sys.executable, "-c", launch.setup_source(SLUG)], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin"})
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_on_colab_the_setup_cell_installs_from_the_repository_and_fetches_mnist(monkeypatch):
    calls = []
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    monkeypatch.setattr(subprocess, "run", lambda cmd, check: calls.append((cmd, check)))
    exec(launch.setup_source(SLUG), {})
    assert calls == [
        ([sys.executable, "-m", "pip", "install", "--quiet", f"git+https://github.com/{SLUG}@main"], True),
        ([sys.executable, "-m", "helpers.data"], True),
    ]


# -- --check ---------------------------------------------------------------------------

def test_check_passes_on_a_rewritten_copy_and_fails_on_each_tampering(tmp_path):
    root = make_repo(tmp_path, lessons=sorted((ROOT / "notebooks").glob("0[12]_*.ipynb")))
    for path in (root / "notebooks").glob("*.ipynb"):
        without_launch_links(path)
    status, out = check(root)
    assert status == 1 and "launch line or Colab set-up cell is missing" in out
    launch.rewrite(root)
    assert check(root) == (0, f"every launch link uses {SLUG}\n")

    path = lesson(root)
    original = path.read_text()
    path.write_text(original.replace(f"github/{SLUG}/blob", "github/mallory/fork/blob"))
    status, out = check(root)
    assert status == 1 and "mallory/fork does not use" in out and path.name in out
    path.write_text(original)

    readme = (root / "README.md").read_text()
    (root / "README.md").write_text(readme.replace(f"gh/{SLUG}/HEAD", "gh/mallory/fork/HEAD"))
    status, out = check(root)
    assert status == 1 and "README.md: https://mybinder.org/v2/gh/mallory/fork does not use" in out
    (root / "README.md").write_text(readme.replace(launch.colab_url(SLUG, "notebooks/" + path.name), ""))
    status, out = check(root)
    assert status == 1 and f"README.md: no Colab link to notebooks/{path.name}" in out
    (root / "README.md").write_text(readme.replace(launch.site_url(SLUG), "https://mallory.github.io/fork/"))
    status, out = check(root)
    assert status == 1 and "https://mallory.github.io/fork/ is not the site of" in out
    assert f"no link to the course's site, {launch.site_url(SLUG)}" in out
    launch.rewrite(root)  # the site link follows the slug like every launch link
    assert check(root)[0] == 0
    (root / "README.md").write_text(readme)

    (root / "CITATION.cff").write_text('repository-code: "https://github.com/mallory/fork"\n')
    assert check(root)[0] == 1


def test_readme_and_the_course_documents_use_the_slug():
    """README's lesson table and badges, CONTRIBUTING.md and CITATION.cff."""
    slug = launch.repository()
    found = [p for p in launch.problems(ROOT, slug) if not p.startswith("notebooks/")]
    assert found == []
    readme = (ROOT / "README.md").read_text()
    assert launch.binder_url(slug) in readme
    assert launch.site_url(slug) in readme


def test_the_site_url_is_github_pages_of_the_slug():
    assert launch.site_url("Some-Owner/convnets-course") == "https://some-owner.github.io/convnets-course/"


def test_every_lesson_carries_its_launch_line_and_setup_cell():
    """Fails until `python -m course.launch` has been run on notebooks/ after
    a lesson or the slug changed (the lessons are then committed as rewritten)."""
    found = [p for p in launch.problems(ROOT) if p.startswith("notebooks/")]
    assert found == [], "run: .venv/bin/python -m course.launch\n" + "\n".join(found)
