"""course.records: run records written and read back; damaged or foreign
run and results records reported, never raised (no kernels)."""

import json
import time

import pytest
from runner_fixtures import execution, results_record, write_results

from course.lessons import Lesson
from course.records import RUN_FIELDS, failures_text, read_results, read_run, summary_line, write_run
from helpers import session


def test_fixture_has_every_field_save_results_writes():
    assert set(results_record()) == set(session.RECORD_FIELDS)


def test_a_run_record_round_trips_and_copies_the_lessons_key_metrics(tmp_path):
    started = time.time()
    write_results(tmp_path)
    lesson = Lesson(tmp_path / "01_a.ipynb")
    record = write_run(tmp_path, lesson, execution(tmp_path), {"EPOCHS": 1}, True, started, 1800.0)
    assert set(record) == set(RUN_FIELDS)
    assert read_run(tmp_path / "runs" / "01_a.json") == (record, None)
    assert record["metrics"] == {"test_acc": 0.98765, "params": 93322}
    assert record["results"] == str(tmp_path / "results" / "01_a.json")
    line = summary_line(record)
    assert line.startswith("01_a") and "peak   300 MiB (cell 4)" in line and "test_acc=0.9877, params=93,322" in line


def test_results_older_than_the_run_are_not_this_runs(tmp_path):
    write_results(tmp_path)
    record = write_run(
        tmp_path, Lesson(tmp_path / "01_a.ipynb"), execution(tmp_path), {}, False, time.time() + 60, 1800.0
    )
    assert record["results"] is None and record["metrics"] == {}


def test_a_failed_run_says_where(tmp_path):
    failure = {"cell": 4, "execution_count": 3, "exception": "AssertionError: SIZE=2 is too small"}
    record = write_run(
        tmp_path,
        Lesson(tmp_path / "02_b.ipynb"),
        execution(tmp_path, "failed", failure, "02_b"),
        {},
        False,
        time.time(),
        1800.0,
    )
    assert "FAILED" in summary_line(record) and "cell 4 (In [3]): AssertionError" in summary_line(record)
    assert failures_text([record]) == [
        f"  02_b: failed at cell 4 (In [3]): AssertionError: SIZE=2 is too small\n"
        f"    partial notebook: {tmp_path / 'notebooks' / '02_b.ipynb'}"
    ]


@pytest.mark.parametrize(
    "content, problem",
    [
        (None, "missing"),
        ('{"record": "course-run", "sch', "not JSON"),
        ("[1, 2]", "not a run record (a JSON list)"),
        ('{"lesson": "01_a", "status": "ok"}', "not a run record of this runner"),  # an older runner's, or foreign
        ('{"record": "course-run", "schema": 99}', "run record schema 99"),
        ('{"record": "course-run", "schema": 1, "lesson": "01_a", "status": "ok"}', "damaged run record (missing"),
    ],
)
def test_bad_run_records_are_problems_not_exceptions(tmp_path, content, problem):
    path = tmp_path / "01_a.json"
    if content is not None:
        path.write_text(content)
    record, found = read_run(path)
    assert record is None and found.startswith(problem), found


def test_a_run_record_with_a_wrong_status_is_damaged(tmp_path):
    good = write_run(tmp_path, Lesson(tmp_path / "01_a.ipynb"), execution(tmp_path), {}, False, time.time(), 1.0)
    path = tmp_path / "runs" / "01_a.json"
    path.write_text(json.dumps({**good, "status": "maybe"}))
    assert read_run(path) == (None, "damaged run record (status 'maybe')")
    path.write_text(json.dumps({**good, "seconds": "12 s"}))
    assert read_run(path) == (None, "damaged run record (missing or wrong type: seconds)")


@pytest.mark.parametrize(
    "changes, problem",
    [
        ({"schema": 2}, "results schema 2, this runner reads 1"),
        ({"key_metrics": {"acc": "high"}}, "damaged results record (key_metrics is not {name: number})"),
        ({"key_metrics": {"acc": True}}, "damaged results record (key_metrics is not {name: number})"),
        ({"versions": "3.11"}, "damaged results record (versions or epoch_seconds is not a dict)"),
    ],
)
def test_bad_results_records_are_problems_not_exceptions(tmp_path, changes, problem):
    assert read_results(write_results(tmp_path, **changes)) == (None, problem)


def test_foreign_and_truncated_results_records(tmp_path):
    path = tmp_path / "01_a.json"
    path.write_text(json.dumps({"test_acc": 0.99, "seed": 0}))  # an old lesson's free-form results
    assert read_results(path)[1].startswith("not a save_results record (missing schema, lesson")
    path.write_text('{"schema": 1, "les')
    assert read_results(path)[1].startswith("not JSON")
    path.write_bytes(b"\xff\xfe\x00")
    assert read_results(path)[1].startswith("unreadable (UnicodeDecodeError")
    good = results_record(key_metrics={"acc": None})  # NaN saved as null
    path.write_text(json.dumps(good))
    assert read_results(path) == (good, None)
