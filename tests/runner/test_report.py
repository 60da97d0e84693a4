"""course.report: build/report.md from records, figures as PNG; damaged
files in build/ become notes in the report, never a traceback (no kernels)."""

import base64
import json
import time

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output
from runner_fixtures import execution, write_results

from course import cli
from course.lessons import Lesson
from course.records import write_run
from course.report import epoch_summary, report

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def executed_notebook(build, lesson="01_a", png=PNG):
    """An executed notebook in build/notebooks/ whose 2nd cell shows a PNG."""
    nb = new_notebook()
    figure = new_output("display_data", data={"image/png": base64.b64encode(png).decode(), "text/plain": "<Figure>"})
    nb.cells += [new_code_cell("x = 1", execution_count=1), new_code_cell("fig", execution_count=2, outputs=[figure])]
    path = build / "notebooks" / f"{lesson}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def lesson_run(build, lesson="01_a", results=True, status="ok", failure=None, quick=False):
    """A run record of ``lesson`` (and its results record and executed notebook)."""
    started = time.time()
    if results:
        write_results(build, lesson)
    executed_notebook(build, lesson)
    return write_run(
        build, Lesson(build / f"{lesson}.ipynb"), execution(build, status, failure, lesson), {}, quick, started, 1800.0
    )


def rows(path):
    """``{lesson: row line}`` of the report's table."""
    return {line.split(" | ")[0].strip("| "): line for line in path.read_text().splitlines() if line.startswith("| 0")}


def test_the_row_comes_from_the_run_and_results_records(tmp_path):
    lesson_run(tmp_path)
    row = rows(report(tmp_path))["01_a"]
    assert "| ok | 12.3 s (CPU 10.0 s) | 300 MiB (cell 4) | test_acc=0.9877, params=93,322 |" in row
    assert "| median 21.0 s (1 runs, 2 epochs) | python 3.11.9, keras 3.12.0 | CPU | keras cache |" in row
    (figure,) = (tmp_path / "figures" / "01_a").iterdir()
    assert figure.name == "cell02_1.png" and figure.read_bytes() == PNG
    assert "[cell02_1.png](figures/01_a/cell02_1.png)" in (tmp_path / "report.md").read_text()


def test_failed_and_quick_rows(tmp_path):
    failure = {"cell": 4, "execution_count": 4, "exception": "AssertionError: SIZE=2 is too small"}
    lesson_run(tmp_path, "02_b", results=False, status="failed", failure=failure)
    lesson_run(tmp_path, "03_c", results=False)
    lesson_run(tmp_path, "04_d", quick=True)
    found = rows(report(tmp_path))
    assert "| failed at cell 4 (In [4]): AssertionError: SIZE=2 is too small |" in found["02_b"]
    assert "| no results record |" in found["03_c"]
    assert "| quick run; test_acc=0.9877" in found["04_d"]


def test_damaged_files_in_build_are_reported_not_raised(tmp_path):
    lesson_run(tmp_path, "01_a")
    lesson_run(tmp_path, "02_b")
    lesson_run(tmp_path, "03_c")
    (tmp_path / "notebooks" / "01_a.ipynb").write_text('{"cells": [')  # truncated by a full disk
    (tmp_path / "results" / "02_b.json").write_text(json.dumps({"accuracy": 0.9}))  # another layout
    (tmp_path / "runs" / "04_d.json").write_text('{"lesson": "04_d", "sta')  # truncated run record
    (tmp_path / "runs" / "05_e.json").write_text(json.dumps({"lesson": "05_e", "status": "ok"}))  # an old runner's
    (tmp_path / "notebooks" / "03_c.ipynb").unlink()
    text = report(tmp_path).read_text()
    found = rows(tmp_path / "report.md")
    assert "| ok |" in found["01_a"] and "not a readable notebook (NotJSONError" in text
    assert "| results record not a save_results record (missing" in found["02_b"]
    assert "executed notebook" in text and "03_c.ipynb is missing" in text
    assert "| run record 04_d.json: not JSON" in found["04_d"]
    assert "| run record 05_e.json: not a run record of this runner" in found["05_e"]
    assert cli.main(["--build", str(tmp_path), "report"]) == 0


def test_a_figure_that_is_not_base64_is_skipped(tmp_path):
    lesson_run(tmp_path)
    nb = nbformat.read(str(tmp_path / "notebooks" / "01_a.ipynb"), as_version=4)
    nb.cells[1].outputs[0]["data"]["image/png"] = "not base64!"
    nbformat.write(nb, str(tmp_path / "notebooks" / "01_a.ipynb"))
    assert "| ok |" in rows(report(tmp_path))["01_a"]


def test_report_without_runs_says_what_to_do(tmp_path):
    assert "run `course run` first" in report(tmp_path).read_text()


def test_epoch_summary():
    assert epoch_summary({}) == "—"
    assert epoch_summary({"a": [1.0, 3.0], "b": [2.0]}) == "median 2.0 s (2 runs, 3 epochs)"
