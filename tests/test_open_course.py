"""The files an open course carries: LICENSE, CITATION.cff, CONTRIBUTING.md,
the issue form, the CI workflow, and what the README says about them."""

import json
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
CONTRIBUTING = (ROOT / "CONTRIBUTING.md").read_text()
MAKEFILE = (ROOT / "Makefile").read_text()
LESSONS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))  # not _template
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_license_is_mit_for_code_and_cc_by_4_for_lesson_text_and_figures():
    text = (ROOT / "LICENSE").read_text()
    assert "MIT License" in text and "Permission is hereby granted, free of charge" in text
    assert "CC BY 4.0" in text and CC_BY in text
    assert PYPROJECT["project"]["license"] == {"text": "MIT"}


def test_readme_states_the_licence_the_lock_command_colab_and_the_test_command():
    assert "[MIT licence](LICENSE)" in README and CC_BY in README
    assert "make lock" in README and "uv pip compile --universal --python-version 3.11 requirements.in" in README
    assert "Colab" in README
    assert "make test" in README and (ROOT / ".ci" / "run").read_text().strip().endswith("make test")


def test_citation_cff_has_what_cff_1_2_0_requires():
    """The schema's required keys and types (cffconvert --validate checks the
    full schema; it is not a course dependency)."""
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0"
    assert isinstance(cff["message"], str) and cff["message"]
    assert isinstance(cff["title"], str) and cff["title"]
    assert cff["authors"] and all(
        isinstance(a, dict) and ({"name"} <= set(a) or {"family-names"} <= set(a)) for a in cff["authors"]
    )
    assert cff["type"] in ("software", "dataset")
    assert set(cff["license"]) == {"MIT", "CC-BY-4.0"}
    from helpers import __version__

    assert cff["version"] == __version__


def test_contributing_gives_the_commands_that_exist():
    assert "make check" in CONTRIBUTING and "make test" in CONTRIBUTING and "make lock" in CONTRIBUTING
    assert ".venv/bin/python -m course refresh --only NN" in CONTRIBUTING
    nbval_flags = re.search(r"^NBVAL := (.+)$", MAKEFILE, re.M).group(1).replace("$(KERNEL)", "convnets-course")
    command = re.search(
        r"\.venv/bin/python -m pytest notebooks/NN_\*\.ipynb (.+?) -p no:cacheprovider",
        CONTRIBUTING.replace("\\\n    ", ""),
        re.S,
    )
    assert command and command.group(1).split() == nbval_flags.split(), (
        "CONTRIBUTING's nbval command is not make test's"
    )
    assert "lo..hi:" in CONTRIBUTING and "check(" in CONTRIBUTING and "Solutions" in CONTRIBUTING
    assert "python -m course launch" in CONTRIBUTING


def test_the_docs_and_the_makefile_use_the_one_course_command():
    """Every tool is a ``course`` subcommand: no document or make target
    names the module entry points it replaced."""
    old = re.compile(r"python -m (course\.(site|launch|cli)|benchmarks(\.summary|\.readme)?\b|helpers\.data)")
    for name, text in (("README.md", README), ("CONTRIBUTING.md", CONTRIBUTING), ("Makefile", MAKEFILE)):
        assert old.findall(text.replace("$(PY)", "python")) == [], name
    for command in ("course data", "course run", "course site", "course bench"):
        assert f"$(PY) -m {command}" in MAKEFILE, command
    assert old.search("python -m course.site") and old.search("python -m benchmarks --parts 4")  # it finds them


def test_the_issue_form_asks_for_lesson_cell_environment_and_versions_line():
    form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / "lesson_problem.yml").read_text())
    fields = {item["id"]: item for item in form["body"] if "id" in item}
    assert {"lesson", "cell", "environment", "versions"} <= set(fields)
    assert all(fields[name]["validations"]["required"] for name in ("lesson", "cell", "environment", "versions"))
    assert set(LESSONS) <= set(fields["lesson"]["attributes"]["options"]), "a lesson is missing from the issue form"
    environments = " ".join(fields["environment"]["attributes"]["options"])
    assert all(word in environments for word in ("local", "Binder", "Colab"))
    assert "seed 0; python" in fields["versions"]["attributes"]["placeholder"]


def workflow():
    return yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())


def test_the_workflow_is_read_only_cancels_superseded_runs_caches_and_uploads_build():
    ci = workflow()
    assert ci["permissions"] == {"contents": "read"}
    assert ci["concurrency"]["cancel-in-progress"] is True and "github.ref" in ci["concurrency"]["group"]
    steps = ci["jobs"]["test"]["steps"]
    cached = " ".join(s["with"]["path"] for s in steps if str(s.get("uses", "")).startswith("actions/cache@"))
    assert "~/.cache/uv" in cached and "~/.cache/pip" in cached and "~/.keras/datasets/mnist.npz" in cached
    upload = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    assert len(upload) == 1 and upload[0]["if"] == "always()" and upload[0]["with"]["path"] == "build/"
    assert any(s.get("run", "").startswith("make test") for s in steps)
    python = next(s for s in steps if str(s.get("uses", "")).startswith("actions/setup-python@"))
    assert python["with"]["python-version"].split() == ["3.13", "3.12", "3.11"], (
        "3.13 for test_colab, 3.12 for test_python312, 3.11 last (the default)"
    )


def test_the_weekly_job_reports_lock_drift_with_the_makefiles_uv():
    ci = workflow()
    assert ci[True]["schedule"], "the weekly cron trigger"  # YAML 1.1 reads the key `on` as True
    drift = ci["jobs"]["lock-drift"]
    assert "schedule" in drift["if"]
    runs = " ".join(s.get("run", "") for s in drift["steps"])
    assert "UV_VERSION" in runs and ".github/scripts/lock_drift.py --uv uv" in runs
    assert re.search(r"^UV_VERSION := \d+\.\d+\.\d+$", MAKEFILE, re.M)


PHRASE = r"under a minute|about \d+ min"  # what `course refresh` writes (course.commands.runtime_text)
README_RUNTIME = re.compile(rf"\| ({PHRASE}) \|")
LESSON_RUNTIME = re.compile(rf"\*\*Runtime:\*\* ({PHRASE}) on a \d+-core laptop")


def readme_runtimes(readme):
    """``{"01": "under a minute", ...}``: the runtime column of the README's lesson table."""
    rows = {}
    for line in readme.splitlines():
        number, runtime = re.match(r"\| (\d\d) \|", line), README_RUNTIME.search(line)
        if number and runtime:
            rows[number.group(1)] = runtime.group(1)
    return rows


def lesson_runtime(name):
    """The phrase ("under a minute", "about 2 min") of the **Runtime:** line
    ``course refresh`` wrote into the lesson's first markdown cell."""
    cells = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text())["cells"]
    intro = "".join(next(cell for cell in cells if cell["cell_type"] == "markdown")["source"])
    found = LESSON_RUNTIME.search(intro)
    assert found, f"{name}: no runtime line ('**Runtime:** about N min on a 2-core laptop') in its first markdown cell"
    line = next(line for line in intro.splitlines() if "**Runtime:**" in line)
    assert not re.search(r"\b20\d\d\b|course |refresh|s wall|s CPU", line), f"{name}: runner details in {line!r}"
    return found.group(1)


def test_readme_lesson_runtimes_are_the_ones_each_lesson_quotes():
    rows = readme_runtimes(README)
    assert sorted(rows) == [name[:2] for name in LESSONS]  # one row with a runtime per lesson
    lessons = {name[:2]: lesson_runtime(name) for name in LESSONS}
    assert lessons == rows, "copy each lesson's **Runtime:** phrase into the README's lesson table"
    table_end = README.index("\n\n", README.index("| 01 |"))
    note = README[table_end : README.index("\n\n", table_end + 2)]
    assert note.lstrip().startswith("Runtimes:") and "build/runs/<lesson>.json" in note, (
        "the paragraph under the table says where the runtimes come from: the runner's record of the run"
    )


def test_readme_runtime_reader_reads_rows_and_skips_other_tables():
    table = (
        "| 01 | a | under a minute | b |\n| 02 | a | about 2 min | b |\n| 03 | a | about 12 mins | b |\n"
        "| 01_convolution | ok | 12 s | 11 s | 0.7 GB |"
    )
    assert readme_runtimes(table) == {"01": "under a minute", "02": "about 2 min"}
