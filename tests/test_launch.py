"""course.launch: Colab/Binder links and the Colab set-up cell, all from the
repository and ref in pyproject.toml, written by ``course launch --repo --ref``."""

import io
import re
import shutil
import subprocess
import sys
import types
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import nbformat
import pytest

from course import launch
from helpers import __version__

ROOT = Path(__file__).resolve().parent.parent
SLUG, REF = "alice/convnets-course", "v2.0.0"
LESSON_FILES = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TEMPLATE = ROOT / "notebooks" / "_template.ipynb"


def make_repo(tmp_path, slug=SLUG, ref=REF, lessons=None):
    """A throw-away repository: pyproject with ``slug`` and ``ref``, copies of
    the lessons (default: all, and the template), a README linking each lesson
    on Colab, a CITATION.cff naming the repository."""
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "x"\n\n[tool.course]\n# where\nrepository = "{slug}"\nref = "{ref}"\n\n[tool.other]\na = 1\n'
    )
    (tmp_path / "notebooks").mkdir()
    for path in LESSON_FILES + [TEMPLATE] if lessons is None else lessons:
        shutil.copy(path, tmp_path / "notebooks" / path.name)
    links = [
        f"- [{p.stem}]({launch.colab_url(slug, 'notebooks/' + p.name, ref)})"
        for p in sorted((tmp_path / "notebooks").glob("[0-9]*.ipynb"))
    ]
    (tmp_path / "README.md").write_text(
        "# Course\n\n" + "\n".join(links) + f"\n\n[Binder]({launch.binder_url(slug, ref=ref)})\n"
        f"\nThe site: {launch.site_url(slug)}\n"
        f"\n    pip install git+https://github.com/{slug}@{ref}\n"
    )
    (tmp_path / "CITATION.cff").write_text(f'cff-version: 1.2.0\nrepository-code: "https://github.com/{slug}"\n')
    return tmp_path


def lesson(root, stem="01"):
    return sorted((root / "notebooks").glob(f"{stem}_*.ipynb"))[0]


def run(*argv):
    """``course launch ARGV``: (exit status, stdout, stderr); argparse's exit is a status too."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            status = launch.main([str(arg) for arg in argv])
        except SystemExit as stop:
            status = stop.code
    return status, out.getvalue(), err.getvalue()


def check(root, *argv):
    return run("--check", "--root", root, *argv)


def sources(path):
    return "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)


# -- the repository and the ref ---------------------------------------------------------


def test_the_repository_and_ref_are_read_from_pyproject(tmp_path):
    pyproject = make_repo(tmp_path, lessons=[]) / "pyproject.toml"
    assert (launch.repository(pyproject), launch.release_ref(pyproject)) == (SLUG, REF)
    pyproject.write_text(f'[tool.course]\nrepository = "{SLUG}"\n')
    assert launch.release_ref(pyproject) == f"v{__version__}", "without a ref: the tag of the helpers' version"


@pytest.mark.parametrize("bad", ["", "OWNER", "a/b/c", "https://github.com/a/b", 3])
def test_a_slug_that_is_not_owner_slash_repo_is_refused(tmp_path, bad):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f"[tool.course]\nrepository = {bad!r}\n".replace("'", '"'))
    with pytest.raises(
        ValueError, match=r"\[tool.course\] repository must be 'OWNER/REPO'.*pass the GitHub repository"
    ):
        launch.repository(pyproject)


@pytest.mark.parametrize("good", ["v0.2.0", "v1.0.0-rc.1", "2026-term-1", "0123abc", "a" * 40, "1.0+local"])
def test_tags_and_commits_are_refs(good):
    assert launch.checked_ref(good) == good


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "main",
        "master",
        "HEAD",
        "v1 0",
        "v1..2",
        "v1.lock",
        "release/v1",
        "v1@x",
        "v1#x",
        "v1?x",
        "-x",
        "v1.",
        "~1",
        3,
        None,
    ],
)
def test_a_ref_that_is_a_branch_or_no_git_name_is_refused(bad):
    with pytest.raises(ValueError, match=r"pass a (git )?tag such as v0\.2\.0 or a commit id"):
        launch.checked_ref(bad)


def test_a_bad_stored_ref_names_the_key_and_the_command(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f'[tool.course]\nrepository = "{SLUG}"\nref = "main"\n')
    with pytest.raises(ValueError, match=r"\[tool.course\] ref: got the branch 'main'.*course launch --ref TAG"):
        launch.release_ref(pyproject)


def test_with_settings_sets_both_keys_and_keeps_everything_else(tmp_path):
    text = make_repo(tmp_path, lessons=[]).joinpath("pyproject.toml").read_text()
    new = launch.with_settings(text, "carol/course", "v3.1.0")
    assert new == text.replace(SLUG, "carol/course").replace(REF, "v3.1.0")
    assert launch.with_settings(new, "carol/course", "v3.1.0") == new

    without_ref = text.replace(f'ref = "{REF}"\n', "")
    assert launch.with_settings(without_ref, SLUG, REF) == text, "a missing ref goes after the table's last key"
    bare = '[project]\nname = "x"\n'
    assert launch.with_settings(bare, SLUG, REF) == f'{bare}\n[tool.course]\nrepository = "{SLUG}"\nref = "{REF}"\n'
    with pytest.raises(ValueError, match="pass a tag"):
        launch.with_settings(text, SLUG, "main")


# -- the links --------------------------------------------------------------------------


def test_urls_open_the_lesson_at_the_ref_on_colab_and_binder(tmp_path, monkeypatch):
    path = "notebooks/01_convolution.ipynb"
    assert launch.colab_url(SLUG, path, REF) == f"https://colab.research.google.com/github/{SLUG}/blob/{REF}/{path}"
    assert launch.binder_url(SLUG, path, REF) == f"https://mybinder.org/v2/gh/{SLUG}/{REF}?urlpath=lab/tree/{path}"
    line = launch.launch_line(SLUG, REF, path)
    assert line.startswith("[![Open In Colab](") and launch.colab_url(SLUG, path, REF) in line
    assert launch.binder_url(SLUG, path, REF) in line
    monkeypatch.chdir(make_repo(tmp_path, ref="v9.9.9", lessons=[]))
    assert launch.colab_url(SLUG, path) == launch.colab_url(SLUG, path, "v9.9.9"), (
        "default: the working directory's ref"
    )
    assert launch.binder_url(SLUG) == launch.binder_url(SLUG, "notebooks", "v9.9.9")


MOVED = [  # (a link as it may stand in a document, the same link for SLUG at REF)
    (
        "https://colab.research.google.com/github/mallory/fork/blob/main/x.ipynb",
        f"https://colab.research.google.com/github/{SLUG}/blob/{REF}/x.ipynb",
    ),
    (
        f"https://colab.research.google.com/github/{SLUG}/blob/0123abc/x.ipynb",
        f"https://colab.research.google.com/github/{SLUG}/blob/{REF}/x.ipynb",
    ),
    ("https://colab.research.google.com/github/mallory/fork", f"https://colab.research.google.com/github/{SLUG}"),
    (f"(https://mybinder.org/v2/gh/{SLUG}/HEAD?urlpath=lab)", f"(https://mybinder.org/v2/gh/{SLUG}/{REF}?urlpath=lab)"),
    ("https://mybinder.org/v2/gh/bob/c.d", f"https://mybinder.org/v2/gh/{SLUG}/{REF}"),
    ("`pip install git+https://github.com/bob/c.git@main`", f"`pip install git+https://github.com/{SLUG}.git@{REF}`"),
    ('"pkg @ git+https://github.com/OWNER/REPO@v0.1.0"', f'"pkg @ git+https://github.com/{SLUG}@{REF}"'),
    ("git+https://github.com/bob/c.", f"git+https://github.com/{SLUG}@{REF}."),
    (f"git+https://github.com/{SLUG}@v1.0.0.", f"git+https://github.com/{SLUG}@{REF}."),
]


@pytest.mark.parametrize(("old", "new"), MOVED)
def test_each_kind_of_launch_link_is_found_and_moved_to_the_release(old, new):
    assert launch.stale_links(old, SLUG, REF) != []
    assert launch.with_release(old, SLUG, REF) == new
    assert launch.stale_links(new, SLUG, REF) == [], "a moved link is current"
    assert launch.with_release(new, SLUG, REF) == new


def test_other_links_are_left_alone():
    text = (
        "See https://github.com/keras-team/keras and https://colab.research.google.com/notebooks/intro.ipynb, "
        "https://mybinder.org/ and https://mallory.github.io/fork/."
    )
    assert launch.with_release(text, SLUG, REF) == text and launch.stale_links(text, SLUG, REF) == []
    cff = 'repository-code: "https://github.com/mallory/fork"'
    assert launch.with_release(cff, SLUG, REF, launch.document_patterns("CITATION.cff")) == cff.replace(
        "mallory/fork", SLUG
    )


# -- rewriting a lesson ------------------------------------------------------------------


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
    assert after.cells[0].source.splitlines()[:3] == [
        title,
        "",
        launch.launch_line(SLUG, REF, "notebooks/" + path.name),
    ]
    assert after.cells[0].source.endswith(before.cells[0].source.partition("\n")[2].lstrip("\n"))
    code = [c for c in after.cells if c.cell_type == "code"]
    assert code[0].metadata.tags == [launch.SETUP_TAG] and code[0].source == launch.setup_source(SLUG, REF)
    assert "parameters" in code[1].metadata.tags, "the set-up cell goes right before the parameters cell"
    assert [c.source for c in code[1:]] == [c.source for c in before.cells if c.cell_type == "code"]
    nbformat.validate(after)


def test_publishing_rewrites_every_link_and_setup_cell_and_keeps_the_outputs(tmp_path):
    """``course launch --repo --ref``: pyproject, lessons, template, README and
    CITATION.cff in one command; cell outputs and counts as they were; a second
    run changes nothing."""
    root = make_repo(tmp_path, slug=launch.PLACEHOLDER, ref="v0.1.0")
    (root / "notebooks" / "notes.ipynb").write_text(TEMPLATE.read_text())  # not a lesson, not the template
    outputs = {
        p: [(c.get("outputs"), c.get("execution_count")) for c in nbformat.read(p, as_version=4).cells]
        for p in (root / "notebooks").glob("*.ipynb")
    }
    untouched = (root / "notebooks" / "notes.ipynb").read_text()

    status, out, err = run("--root", root, "--repo", "carol/course", "--ref", "v3.1.0")
    assert (status, err) == (0, "")
    changed = {line.removeprefix("rewrote ") for line in out.splitlines() if line.startswith("rewrote ")}
    expected = {"pyproject.toml", "README.md", "CITATION.cff"} | {
        f"notebooks/{p.name}" for p in LESSON_FILES + [TEMPLATE]
    }
    assert changed == expected
    assert "git tag v3.1.0" in out.splitlines()[-1], "the last line says what the links still need: the tag"

    assert (launch.repository(root / "pyproject.toml"), launch.release_ref(root / "pyproject.toml")) == (
        "carol/course",
        "v3.1.0",
    )
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        text = sources(path)
        if path.name == "notes.ipynb":
            assert path.read_text() == untouched
            continue
        assert launch.PLACEHOLDER not in text and "carol/course" in text
        assert not re.search(r"blob/main/|/HEAD\?|@main\b", text), f"{path.name} still opens a branch"
        assert 'release = "git+https://github.com/carol/course@v3.1.0"' in text
        nb = nbformat.read(path, as_version=4)
        assert [(c.get("outputs"), c.get("execution_count")) for c in nb.cells] == outputs[path]
    for name in ("README.md", "CITATION.cff"):
        assert launch.PLACEHOLDER not in (root / name).read_text()
    assert "https://carol.github.io/course/" in (root / "README.md").read_text()
    assert check(root) == (0, "every launch link uses carol/course at v3.1.0\n", "")
    assert run("--root", root)[1].startswith("0 file(s) changed"), "rewriting is idempotent"


def test_papermill_still_injects_parameters_right_after_the_parameters_cell(tmp_path):
    from papermill.iorw import load_notebook_node  # what papermill reads with: it adds the empty tags we strip
    from papermill.parameterize import parameterize_notebook

    root = make_repo(tmp_path, lessons=LESSON_FILES[:1])
    launch.rewrite(root)
    nb = parameterize_notebook(
        load_notebook_node(str(lesson(root))), {"SEED": 3}, kernel_name="convnets-course", language="python"
    )
    tags = [c.metadata.get("tags", []) for c in nb.cells if c.cell_type == "code"]
    assert tags[:3] == [[launch.SETUP_TAG], ["parameters"], ["injected-parameters"]]


# -- the command line -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--repo", "OWNER/REPO"], "argument --repo: OWNER/REPO is the placeholder; pass the course's own repository"),
        (
            ["--repo", "https://github.com/a/b"],
            "argument --repo: got 'https://github.com/a/b'; pass the GitHub repository",
        ),
        (["--ref", "main"], "argument --ref: got the branch 'main', which moves; pass a tag such as v0.2.0"),
        (["--ref", "v1 0"], "argument --ref: got 'v1 0'; pass a git tag such as v0.2.0 or a commit id"),
    ],
)
def test_bad_arguments_are_refused_naming_the_argument_and_what_to_pass(tmp_path, argv, message):
    root = make_repo(tmp_path, lessons=[])
    before = (root / "pyproject.toml").read_text()
    status, out, err = run("--root", root, *argv)
    assert status == 2 and message in err and out == ""
    assert (root / "pyproject.toml").read_text() == before


def test_a_broken_or_missing_pyproject_is_one_error_line_not_a_traceback(tmp_path):
    status, out, err = run("--root", tmp_path)
    assert (status, out) == (2, "") and err == (
        f"course launch: error: no pyproject.toml in {tmp_path.resolve()}: run course launch in the course's folder "
        "or pass --root\n"
    )
    root = make_repo(tmp_path, lessons=[])
    (root / "pyproject.toml").write_text('[tool.course]\nrepository = "OWNER"\n')
    status, out, err = run("--root", root)
    assert status == 2 and err.startswith("course launch: error: pyproject.toml [tool.course] repository")
    assert err.count("\n") == 1 and "Traceback" not in err and out == ""
    assert run("--root", root, "--repo", SLUG, "--ref", REF)[0] == 0, "--repo repairs what pyproject stores"


def test_the_placeholder_run_says_what_to_run_instead(tmp_path):
    root = make_repo(tmp_path, slug=launch.PLACEHOLDER, lessons=[])
    status, out, _ = run("--root", root)
    assert status == 0 and "course launch --repo OWNER/NAME --ref TAG" in out.splitlines()[-1]
    assert run("--root", root, "--repo", SLUG, "--ref", "0123abc")[1].splitlines()[-1] == (
        f"the links open commit 0123abc: push it to {SLUG}"
    )


# -- the set-up cell ----------------------------------------------------------------------

COLAB = "import sys, types; sys.modules['google.colab'] = types.ModuleType('google.colab'); exec(sys.argv[1])"


@pytest.mark.parametrize("slug", [SLUG, launch.PLACEHOLDER])
def test_the_setup_cell_does_nothing_and_prints_nothing_outside_colab(slug):
    done = subprocess.run(
        [sys.executable, "-c", launch.setup_source(slug, REF)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_on_colab_the_setup_cell_installs_the_release_and_fetches_mnist(monkeypatch):
    calls = []
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    monkeypatch.setattr(subprocess, "run", lambda cmd, check: calls.append((cmd, check)))
    exec(launch.setup_source(SLUG, REF), {})
    assert calls == [
        ([sys.executable, "-m", "pip", "install", "--quiet", f"git+https://github.com/{SLUG}@{REF}"], True),
        ([sys.executable, "-m", "helpers.data"], True),
    ]


def test_on_colab_the_placeholder_cell_prints_one_sentence_and_calls_no_pip():
    done = subprocess.run(
        [sys.executable, "-c", COLAB, launch.setup_source(launch.PLACEHOLDER, REF)],
        capture_output=True,
        text=True,
        env={"PATH": "/nonexistent"},
    )  # no pip to find
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.count("\n") == 1 and done.stdout.startswith(
        "This copy of the course has no published repository"
    )
    assert done.stdout.rstrip().endswith("course launch --repo OWNER/NAME --ref TAG")
    assert "pip" not in launch.setup_source(launch.PLACEHOLDER, REF)
    faked = subprocess.run(
        [sys.executable, "-c", COLAB, 'print("google.colab" in sys.modules)'], capture_output=True, text=True
    )
    assert faked.stdout == "True\n", "test of the test: COLAB does look like Colab to the cell"


# -- --check -----------------------------------------------------------------------------


def test_check_passes_on_a_rewritten_copy_and_fails_on_each_tampering(tmp_path):
    root = make_repo(tmp_path, lessons=LESSON_FILES[:2])
    for path in (root / "notebooks").glob("*.ipynb"):
        without_launch_links(path)
    status, out, _ = check(root)
    assert status == 1 and "launch line or Colab set-up cell is missing" in out
    launch.rewrite(root)
    assert check(root) == (0, f"every launch link uses {SLUG} at {REF}\n", "")

    path = lesson(root)
    original = path.read_text()
    path.write_text(original.replace(f"github/{SLUG}/blob", "github/mallory/fork/blob"))
    status, out, _ = check(root)
    assert status == 1 and "mallory/fork/blob/" in out and f"does not use {SLUG} at {REF}" in out and path.name in out
    path.write_text(original.replace(f"/blob/{REF}/", "/blob/main/"))
    status, out, _ = check(root)
    assert status == 1 and f"{SLUG}/blob/main does not use {SLUG} at {REF}" in out, "a branch is stale too"
    path.write_text(original)

    readme = (root / "README.md").read_text()
    (root / "README.md").write_text(readme.replace(f"gh/{SLUG}/{REF}", "gh/mallory/fork/HEAD"))
    status, out, _ = check(root)
    assert status == 1 and "README.md: https://mybinder.org/v2/gh/mallory/fork/HEAD does not use" in out
    (root / "README.md").write_text(readme.replace(f"@{REF}", "@main"))
    status, out, _ = check(root)
    assert status == 1 and f"README.md: git+https://github.com/{SLUG}@main does not use" in out
    (root / "README.md").write_text(readme.replace(launch.colab_url(SLUG, "notebooks/" + path.name, REF), ""))
    status, out, _ = check(root)
    assert status == 1 and f"README.md: no Colab link to notebooks/{path.name}" in out
    (root / "README.md").write_text(readme.replace(launch.site_url(SLUG), "https://mallory.github.io/fork/"))
    status, out, _ = check(root)
    assert status == 1 and "https://mallory.github.io/fork/ is not the site of" in out
    assert f"no link to the course's site, {launch.site_url(SLUG)}" in out
    launch.rewrite(root)  # the site link follows the slug like every launch link
    assert check(root)[0] == 0
    (root / "README.md").write_text(readme)

    (root / "CITATION.cff").write_text('repository-code: "https://github.com/mallory/fork"\n')
    assert check(root)[0] == 1


def test_check_against_a_new_release_lists_what_publishing_would_change(tmp_path):
    root = make_repo(tmp_path, lessons=LESSON_FILES[:1])
    launch.rewrite(root)
    files = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    status, out, _ = check(root, "--repo", "carol/course", "--ref", "v3.1.0")
    assert status == 1 and f"pyproject.toml: [tool.course] stores {SLUG} at {REF}, not carol/course at v3.1.0" in out
    assert "launch line or Colab set-up cell is missing or stale" in out and "CITATION.cff" in out
    assert {p: p.read_bytes() for p in files} == files, "--check writes nothing"


# -- this repository ------------------------------------------------------------------------


def test_the_site_url_is_github_pages_of_the_slug():
    assert launch.site_url("Some-Owner/convnets-course") == "https://some-owner.github.io/convnets-course/"


def test_the_launch_notebooks_are_the_lessons_by_course_lessons_rule_and_the_template():
    from course.lessons import find_lessons

    assert launch.launch_notebooks(ROOT) == find_lessons(ROOT / "notebooks") + [TEMPLATE]


def test_the_stored_ref_is_this_versions_tag_or_a_commit():
    """A release bumps the version and runs ``course launch --ref v<version>``."""
    ref = launch.release_ref(ROOT / "pyproject.toml")
    assert ref == f"v{__version__}" or launch.COMMIT.match(ref), (
        f"pyproject.toml [tool.course] ref is {ref}, helpers is {__version__}: run course launch --ref v{__version__}"
    )


def test_readme_and_the_course_documents_use_the_release():
    """README's lesson table, badges and pip line, CONTRIBUTING.md and CITATION.cff: none opens a branch."""
    slug, ref = launch.repository(ROOT / "pyproject.toml"), launch.release_ref(ROOT / "pyproject.toml")
    found = [p for p in launch.problems(ROOT, slug, ref) if not p.startswith("notebooks/")]
    assert found == [], "run: .venv/bin/course launch\n" + "\n".join(found)
    readme = (ROOT / "README.md").read_text()
    assert launch.binder_url(slug, ref=ref) in readme
    assert launch.site_url(slug) in readme
    assert f"git+https://github.com/{slug}@{ref}" in readme
    assert not re.search(r"blob/main/|/HEAD\?|@main\b", readme)


def test_every_lesson_carries_its_launch_line_and_setup_cell():
    """Fails until `course launch` has been run on notebooks/ after a lesson,
    the repository or the ref changed (the lessons are then committed as rewritten)."""
    found = [p for p in launch.problems(ROOT) if p.startswith("notebooks/")]
    assert found == [], "run: .venv/bin/course launch\n" + "\n".join(found)
