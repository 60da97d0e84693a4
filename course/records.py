"""The two records a lesson run leaves in the build folder, and reading them.

``build/runs/<lesson>.json`` -- the run record, written by the runner
(:func:`write_run`), fields in :data:`RUN_FIELDS`.

``build/results/<lesson>.json`` -- the results record, written by the
lesson itself with ``helpers.session.save_results`` (fields:
``helpers.session.RECORD_FIELDS``); the runner only reads it.

Either file may be missing, damaged (a full disk, an editor) or of another
layout: :func:`read_run` and :func:`read_results` return ``(record,
problem)`` and never raise, so a bad file is reported, not a traceback.
"""

import datetime
import json
import numbers
import os
from pathlib import Path

from helpers import session
from helpers.files import write_json

RUN_KIND, RUN_SCHEMA = "course-run", 1
RUN_FIELDS = {
    "record": f"str: always {RUN_KIND!r} (tells a run record from any other JSON)",
    "schema": "int: this layout's version",
    "lesson": "str: the notebook's name without .ipynb",
    "source": "str: the lesson notebook that was executed",
    "output": "str: the executed (or partial) notebook",
    "status": "str: ok, failed or interrupted",
    "seconds": "float: wall time of the lesson",
    "cpu_seconds": "float: user + system CPU time of the kernel's process tree",
    "peak_rss_bytes": "int: largest summed RSS of the kernel's process tree, sampled every 0.1 s",
    "peak_rss_cell": "int or null: 1-based position of the code cell running at that peak",
    "failure": "null, or {cell, execution_count, exception}: where and why the lesson failed",
    "parameters": "{name: value}: what was injected (the quick profile and -p), empty at the defaults",
    "quick": "bool: whether --quick was given",
    "cell_timeout": "float: seconds one cell was allowed",
    "cpus": "int: CPUs the runner could use (a lesson's runtime line says 'on a N-core laptop')",
    "started": "str: UTC start time, ISO 8601",
    "results": "str or null: the results record this run wrote, null if none",
    "metrics": "{name: number}: that record's key_metrics, copied for the summary line",
}
RUN_TYPES = {
    "lesson": str,
    "output": str,
    "status": str,
    "seconds": numbers.Real,
    "cpu_seconds": numbers.Real,
    "peak_rss_bytes": int,
    "started": str,
}
STATUSES = ("ok", "failed", "interrupted")


def _load_json(path):
    """``(value, problem)``: the JSON in ``path``, or None and why not."""
    try:
        return json.loads(Path(path).read_text()), None
    except FileNotFoundError:
        return None, "missing"
    except (OSError, UnicodeDecodeError) as error:
        return None, f"unreadable ({type(error).__name__}: {error})"
    except ValueError as error:
        return None, f"not JSON ({error})"


def run_problem(record):
    """Why ``record`` is not a run record of this layout, or None."""
    if not isinstance(record, dict):
        return f"not a run record (a JSON {type(record).__name__})"
    if record.get("record") != RUN_KIND:
        return f'not a run record of this runner (no "record": {RUN_KIND!r}); run `course run` again'
    if record.get("schema") != RUN_SCHEMA:
        return f"run record schema {record.get('schema')!r}, this runner reads {RUN_SCHEMA}"
    wrong = [
        name
        for name, kind in RUN_TYPES.items()
        if not isinstance(record.get(name), kind) or isinstance(record.get(name), bool)
    ]
    if wrong:
        return f"damaged run record (missing or wrong type: {', '.join(wrong)})"
    if record["status"] not in STATUSES:
        return f"damaged run record (status {record['status']!r})"
    return None


def read_run(path):
    """``(record, None)``, or ``(None, problem)`` for a missing, damaged or foreign file."""
    record, problem = _load_json(path)
    problem = problem or run_problem(record)
    return (None, problem) if problem else (record, None)


def results_problem(record):
    """Why ``record`` is not a ``save_results`` record this runner reads, or None."""
    if not isinstance(record, dict):
        return f"not a results record (a JSON {type(record).__name__})"
    missing = [name for name in session.RECORD_FIELDS if name not in record]
    if missing:
        return f"not a save_results record (missing {', '.join(missing)})"
    if record["schema"] != session.SCHEMA:
        return f"results schema {record['schema']!r}, this runner reads {session.SCHEMA}"
    metrics = record["key_metrics"]
    if not isinstance(metrics, dict) or not all(
        value is None or (isinstance(value, numbers.Real) and not isinstance(value, bool)) for value in metrics.values()
    ):
        return "damaged results record (key_metrics is not {name: number})"
    if not isinstance(record["versions"], dict) or not isinstance(record["epoch_seconds"], dict):
        return "damaged results record (versions or epoch_seconds is not a dict)"
    return None


def read_results(path):
    """``(record, None)``, or ``(None, problem)`` for a missing, damaged or foreign file."""
    record, problem = _load_json(path)
    problem = problem or results_problem(record)
    return (None, problem) if problem else (record, None)


def results_path(build, lesson):
    return Path(build) / "results" / f"{lesson}.json"


def fresh_results(build, lesson, since):
    """The path of ``build/results/<lesson>.json`` if it was written at or
    after ``since`` (epoch seconds), i.e. by this run; else None."""
    path = results_path(build, lesson)
    try:
        return path if path.stat().st_mtime >= since - 1 else None
    except OSError:
        return None


def cpu_count():
    """The CPUs this process may run on (its affinity), else the machine's count."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def write_run(build, lesson, execution, parameters, quick, started, cell_timeout):
    """Write ``build/runs/<lesson>.json`` for ``execution`` (a
    :class:`course.execute.Execution` of ``lesson``) and return the record."""
    results = fresh_results(build, lesson.name, started) if execution.status == "ok" else None
    metrics = (read_results(results)[0] or {}).get("key_metrics", {}) if results else {}
    record = {
        "record": RUN_KIND,
        "schema": RUN_SCHEMA,
        "lesson": lesson.name,
        "source": str(lesson.path.resolve()),
        "output": str(execution.output),
        "status": execution.status,
        "seconds": round(execution.seconds, 2),
        "cpu_seconds": round(execution.cpu_seconds, 2),
        "peak_rss_bytes": execution.peak_rss,
        "peak_rss_cell": execution.peak_cell,
        "failure": execution.failure,
        "parameters": parameters,
        "quick": quick,
        "cell_timeout": cell_timeout,
        "cpus": cpu_count(),
        "started": datetime.datetime.fromtimestamp(started, datetime.UTC).isoformat(timespec="seconds"),
        "results": str(results) if results else None,
        "metrics": metrics,
    }
    write_json(Path(build) / "runs" / f"{lesson.name}.json", record)
    return record


def format_number(value):
    """``0.9913`` -> ``"0.9913"``, ``93322`` -> ``"93,322"``, None -> ``"—"``."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, int) and abs(value) >= 10000:
        return f"{value:,}"
    return str(value)


def format_metrics(metrics):
    return ", ".join(f"{name}={format_number(value)}" for name, value in metrics.items())


def failure_place(failure):
    """``"cell 7 (In [5])"``: the failing cell's 1-based position in the
    lesson notebook and its execution count; ``"the kernel"`` when no cell
    is to blame (the kernel died or did not start)."""
    if not isinstance(failure, dict) or failure.get("cell") is None:
        return "the kernel"
    if failure.get("execution_count") is None:  # the kernel died before answering
        return f"cell {failure['cell']}"
    return f"cell {failure['cell']} (In [{failure['execution_count']}])"


def failure_text(failure):
    """``"failed at cell 4 (In [4]): AssertionError: ..."``."""
    exception = failure.get("exception", "?") if isinstance(failure, dict) else "?"
    return f"failed at {failure_place(failure)}: {exception}"


def peak_place(record):
    """``" (cell 12)"``: where a lesson's memory peaked, or ``""`` if unknown."""
    cell = record.get("peak_rss_cell")
    return f" (cell {cell})" if cell is not None else ""


def summary_line(record):
    """One line per lesson: status, wall time, peak memory, metrics or failure."""
    mark = {"ok": "ok", "failed": "FAILED", "interrupted": "INTERRUPTED"}[record["status"]]
    line = (
        f"{record['lesson']:<28} {mark:<11} {record['seconds']:7.1f} s (CPU {record['cpu_seconds']:6.1f} s)  "
        f"peak {record['peak_rss_bytes'] / 2**20:5.0f} MiB{peak_place(record)}"
    )
    if record.get("failure"):
        return line + "  " + failure_text(record["failure"]).removeprefix("failed at ")
    return line + ("  " + format_metrics(record["metrics"]) if record.get("metrics") else "")


def failures_text(records):
    """The closing lines of a run: one per failed or interrupted lesson."""
    lines = []
    for record in records:
        if record["status"] == "ok":
            continue
        what = failure_text(record["failure"]) if record.get("failure") else "interrupted (Ctrl-C)"
        lines.append(f"  {record['lesson']}: {what}\n    partial notebook: {record['output']}")
    return lines
