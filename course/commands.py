"""``course run`` and ``course refresh``: lessons in order, each in a fresh kernel.

``run`` executes into ``build/notebooks/`` (the sources are never
written) and leaves a run record per lesson (:mod:`course.records`), then
the report. ``refresh`` does the same at the defaults, then replaces each
source with its executed copy, atomically and only on success: this is
how the stored outputs that ``pytest --nbval`` compares are made. The
lesson's ``**Runtime:**`` line is rewritten in plain words from the run
that made them ("about 2 min on a 2-core laptop"); the exact wall and CPU
seconds and the date stay in that run's record, ``build/runs/<lesson>.json``,
and what only describes one execution (papermill's timestamps and
durations) is stripped, so a refresh that changes no result changes no byte.
"""

import contextlib
import os
import re
import stat
import time
from pathlib import Path

from course.execute import CELL_TIMEOUT, KERNEL, LessonInterrupted, execute
from course.lessons import read_notebook
from course.records import cpu_count, failure_text, summary_line, write_run
from course.report import report
from helpers.files import atomic_write


@contextlib.contextmanager
def results_go_to(build):
    """Kernels started inside inherit ``COURSE_BUILD_DIR=build``, so a
    lesson's ``save_results`` writes under ``build/results/``."""
    saved = os.environ.get("COURSE_BUILD_DIR")
    os.environ["COURSE_BUILD_DIR"] = str(build)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("COURSE_BUILD_DIR", None)
        else:
            os.environ["COURSE_BUILD_DIR"] = saved


def run(lessons, build, plan, quick=False, kernel=KERNEL, progress=True, cell_timeout=CELL_TIMEOUT, write=print):
    """Execute ``lessons`` in order into ``build/notebooks/``, write each
    run record, then the report; returns the records. ``plan``: ``{lesson
    name: {NAME: value}}``, what to inject into each lesson, already checked
    (:func:`course.parameters.lesson_parameters`, which ``course run`` calls
    before anything is created); ``quick`` is only recorded. A failing
    lesson does not stop the others; Ctrl-C shuts the current kernel down
    and re-raises."""
    from tqdm import tqdm

    build = Path(build).resolve()
    records = []
    bar = tqdm(lessons, desc="course", unit="lesson", disable=not progress, position=0)
    try:
        with results_go_to(build):
            for lesson in bar:
                bar.set_postfix_str(lesson.name)
                records.append(_run_one(lesson, build, plan[lesson.name], quick, kernel, progress, cell_timeout))
    finally:
        bar.close()
        if records:
            write(f"report: {report(build)}")
    return records


def _run_one(lesson, build, parameters, quick, kernel, progress, cell_timeout):
    """Execute one lesson, write and print its run record, return it."""
    from tqdm import tqdm

    started = time.time()
    output = build / "notebooks" / lesson.path.name
    options = dict(cwd=lesson.path.parent, kernel=kernel, progress=progress, cell_timeout=cell_timeout)
    try:
        execution = execute(lesson.path, output, parameters, **options)
    except LessonInterrupted as stop:
        record = write_run(build, lesson, stop.execution, parameters, quick, started, cell_timeout)
        tqdm.write(summary_line(record) + f"  partial notebook: {record['output']}")
        raise
    record = write_run(build, lesson, execution, parameters, quick, started, cell_timeout)
    tqdm.write(summary_line(record))
    return record


VOLATILE_CELL_METADATA = ("execution", "papermill")  # timestamps and durations of one execution


def without_volatile_metadata(notebook):
    """``notebook`` without what only describes one execution: the
    notebook's ``papermill`` metadata (paths, times, parameters), each
    cell's ``execution`` and ``papermill`` metadata, and the empty ``tags``
    lists papermill adds. Changed in place and returned."""
    notebook.metadata.pop("papermill", None)
    for cell in notebook.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        if cell.metadata.get("tags") == []:
            del cell.metadata["tags"]
    return notebook


def replace_source(source, fresh_nb):
    """Atomically replace notebook ``source`` with ``fresh_nb`` less its
    volatile metadata (:func:`without_volatile_metadata`), keeping the
    file's permissions."""
    import nbformat

    source = Path(source)
    text = nbformat.writes(without_volatile_metadata(fresh_nb))
    mode = stat.S_IMODE(source.stat().st_mode)
    atomic_write(source, text if text.endswith("\n") else text + "\n")
    os.chmod(source, mode)


# the runtime phrase of a lesson's first markdown cell: the plain form this runner writes
# ("under a minute" / "about 2 min" "on a 2-core laptop"), or the older form whose details
# stood in parentheses ("about 23 s at the defaults on ... (`course refresh`, ...: 23 s wall, 20 s CPU)")
RUNTIME_LINE = re.compile(
    r"\*\*Runtime:\*\*(?: (?:under a minute|about \d+(?:\.\d+)? min) on an? \d+-core laptop"
    r"|[^\n(]*\([^)\n]*\))"
)


def runtime_text(record):
    """The runtime phrase a lesson shows, in plain words, from the run
    ``record`` that made its outputs: ``**Runtime:** under a minute on a
    2-core laptop`` (under half a minute wall, so that a slower machine
    still keeps the promise) or ``**Runtime:** about 5 min on a 2-core
    laptop`` (minutes rounded, at least 1). No tool, no date: the record
    keeps the exact seconds, the CPU time and the date."""
    seconds = record["seconds"]
    how_long = "under a minute" if seconds < 30 else f"about {max(1, round(seconds / 60))} min"
    cores = record.get("cpus") or cpu_count()
    return f"**Runtime:** {how_long} on a {cores}-core laptop"


def with_runtime(notebook, record):
    """``notebook`` with the runtime phrase of its first markdown cell
    (:data:`RUNTIME_LINE`, the plain or the older parenthesised form)
    replaced by :func:`runtime_text`; the text after it (``; nothing is
    trained.``) stays. A lesson without that phrase is returned as is."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = RUNTIME_LINE.sub(lambda _: runtime_text(record), cell.source, count=1)
            break
    return notebook


def refresh(lessons, build, kernel=KERNEL, progress=True, cell_timeout=CELL_TIMEOUT, write=print):
    """Re-execute each lesson from a fresh kernel at its defaults, as
    ``run`` does (run record and results in ``build``), then replace the
    source with the executed notebook, only when the whole lesson
    succeeded. The stored outputs and the runtime a lesson quotes thus
    come from one named run. Returns ``{lesson: "ok" | "failed"}``;
    Ctrl-C re-raises with the current source unchanged."""
    build = Path(build).resolve()
    outcome = {}
    with results_go_to(build):
        for lesson in lessons:
            try:
                record = _run_one(lesson, build, {}, False, kernel, progress, cell_timeout)  # {}: the defaults
            except LessonInterrupted:
                write(f"{lesson.name}: interrupted; {lesson.path} unchanged")
                raise
            outcome[lesson.name] = record["status"]
            if record["status"] != "ok":
                write(f"{lesson.name}: {failure_text(record['failure'])}; {lesson.path} unchanged")
                continue
            replace_source(lesson.path, with_runtime(read_notebook(Path(record["output"])), record))
            write(f"{lesson.name}: refreshed in {record['seconds']:.1f} s")
    return outcome
