"""The course runner: execute every lesson with papermill, collect what it measured.

    course run [--only 01,04] [--from 03] [-p NAME VALUE]... [--quick]
    course refresh [--check]
    course report

``run`` executes each lesson of ``notebooks/`` in order, each in a fresh
``convnets-course`` kernel, into ``build/notebooks/`` (the sources are never
written), and leaves per lesson a record ``build/runs/<lesson>.json``
(status, wall and CPU seconds, peak RSS of the kernel's process tree and
the cell running at that peak, parameters, failure, key metrics) that
``report`` and the benchmarks read.
``refresh`` re-executes the sources in place (atomic replace, only after
success); ``refresh --check`` executes into a temp dir and lists the stored
outputs that would change, by nbval's own comparison. ``report`` writes
``build/report.md`` and exports every figure as PNG under ``build/figures/``.

A lesson's knobs live in its cell tagged ``parameters``; the dict ``QUICK``
in that cell says what ``--quick`` means for the lesson (the one place).
"""

import argparse
import ast
import base64
import copy
import datetime
import json
import logging
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
BUILD = REPO / "build"
SANITIZE = REPO / "tests" / "nbval_sanitize.cfg"
KERNEL = "convnets-course"
QUICK = "QUICK"
INTERRUPTED = 130  # exit code of a run stopped by Ctrl-C (128 + SIGINT)


class CourseError(Exception):
    """Bad input to the runner (unknown lesson, parameter, missing QUICK): nothing ran."""


# ---------------------------------------------------------------- lessons


@dataclass
class Lesson:
    """One notebook of the course. ``parameters``: name -> default value as
    written in the ``parameters`` cell (None when not a literal); ``quick``:
    the cell's ``QUICK`` dict, or None when the cell declares none."""

    path: Path
    parameters: dict = field(default_factory=dict)
    quick: dict | None = None

    @property
    def name(self):
        return self.path.stem

    @property
    def number(self):
        """The leading digits of the file name: ``"04"`` for 04_mnist_convnet."""
        return re.match(r"\d+", self.name).group(0)


def read_notebook(path):
    import nbformat

    return nbformat.read(str(path), as_version=4)


def parameters_cell(nb):
    """The code cell tagged ``parameters`` (papermill's tag), or None."""
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            return cell
    return None


def declared_parameters(source, where="parameters cell"):
    """Parse a parameters cell: ``(parameters, quick)``.

    ``parameters`` maps every top-level ``NAME = value`` (except ``QUICK``)
    to its literal value (None if the value is not a literal); ``quick`` is
    the literal dict assigned to ``QUICK``, or None. Reads the code with
    ``ast``; nothing is executed.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise CourseError(f"{where}: cannot parse the parameters cell: {error}") from None
    parameters, quick = {}, None
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, value = node.targets[0].id, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            name, value = node.target.id, node.value
        else:
            continue
        try:
            literal = ast.literal_eval(value)
        except ValueError:
            literal = None
            if name == QUICK:
                raise CourseError(f"{where}: QUICK must be a literal dict, e.g. QUICK = {{'EPOCHS': 1}}") from None
        if name == QUICK:
            quick = literal
        else:
            parameters[name] = literal
    if quick is not None:
        if not isinstance(quick, dict):
            raise CourseError(f"{where}: QUICK must be a dict of parameter -> value, got {type(quick).__name__}")
        unknown = sorted(set(quick) - set(parameters))
        if unknown:
            raise CourseError(
                f"{where}: QUICK sets {', '.join(unknown)}, which the parameters cell does not declare "
                f"(declared: {', '.join(parameters) or 'none'})"
            )
    return parameters, quick


def load_lesson(path):
    """A :class:`Lesson` with the parameters and QUICK of its parameters cell."""
    cell = parameters_cell(read_notebook(path))
    if cell is None:
        return Lesson(Path(path))
    parameters, quick = declared_parameters(cell.source, where=str(path))
    return Lesson(Path(path), parameters, quick)


def find_lessons(folder=NOTEBOOKS):
    """Every ``NN_*.ipynb`` in ``folder``, in file-name order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CourseError(f"--notebooks: {folder} is not a directory")
    return [load_lesson(path) for path in sorted(folder.glob("[0-9]*.ipynb"))]


def select(lessons, only=None, start=None):
    """The lessons named by ``only`` (``"01,04"``: numbers or file stems)
    and from ``start`` on (``"03"``), in course order."""

    def matches(lesson, key):
        key = key.strip()
        return key == lesson.name or (key.isdigit() and int(key) == int(lesson.number))

    names = ", ".join(lesson.name for lesson in lessons) or "none"
    chosen = list(lessons)
    if only:
        keys = [key for key in only.split(",") if key.strip()]
        for key in keys:
            if not any(matches(lesson, key) for lesson in lessons):
                raise CourseError(f"--only: no lesson {key!r} (lessons: {names})")
        chosen = [lesson for lesson in chosen if any(matches(lesson, key) for key in keys)]
    if start:
        found = [i for i, lesson in enumerate(lessons) if matches(lesson, start)]
        if not found:
            raise CourseError(f"--from: no lesson {start!r} (lessons: {names})")
        first = lessons[found[0]].path
        chosen = [lesson for lesson in chosen if lesson.path.name >= first.name]
    return chosen


def parse_value(text):
    """A ``-p`` value, typed exactly as ``papermill -p`` types it
    (True/False/None, int, float, else the string)."""
    from papermill.cli import _resolve_type

    return _resolve_type(text)


def injectable(value):
    """Whether papermill's Python translator writes ``value`` back as the
    same Python value (anything else it turns into a string)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, list):
        return all(injectable(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and injectable(item) for key, item in value.items())
    return False


def lesson_parameters(lessons, overrides=(), quick=False):
    """``{lesson name: parameters to inject}``; checks everything first.

    ``overrides``: ``[(NAME, value), ...]`` from ``-p``, each passed to every
    lesson that declares NAME and applied on top of QUICK. A name no
    lesson declares, or ``--quick`` on a lesson without QUICK, raises
    :class:`CourseError` listing what the lessons declare.
    """
    declared = "; ".join(f"{lesson.name}: {', '.join(lesson.parameters) or 'none'}" for lesson in lessons)
    for name, _ in overrides:
        if name == QUICK:
            raise CourseError("-p QUICK: QUICK is the quick profile, not a parameter; use --quick")
        if not any(name in lesson.parameters for lesson in lessons):
            raise CourseError(f"-p {name}: no selected lesson declares this parameter. Declared parameters: {declared}")
    plan = {}
    for lesson in lessons:
        values = {}
        if quick:
            if lesson.quick is None:
                raise CourseError(
                    f"--quick: {lesson.path} declares no QUICK dict in its parameters cell "
                    f"(declared: {', '.join(lesson.parameters) or 'none'})"
                )
            for name, value in lesson.quick.items():
                if not injectable(value):
                    raise CourseError(
                        f"--quick: {lesson.path}: QUICK[{name!r}] = {value!r} cannot be injected faithfully: "
                        "papermill writes only None, bool, int, float, str, list and dict back as Python "
                        "(a tuple would arrive as a string); use a list"
                    )
            values.update(lesson.quick)
        values.update((name, value) for name, value in overrides if name in lesson.parameters)
        plan[lesson.name] = values
    return plan


# ---------------------------------------------------------------- memory


class KernelSampler:
    """Samples, in a thread every ``interval`` s, a process and all its
    descendants: ``peak_rss`` is the largest summed RSS seen (bytes),
    ``peak_cell`` the value of ``cell`` (the code cell running, or last
    run, as told by :meth:`entered`) when it was seen, ``cpu_seconds``
    the user + system CPU time they used (each process's last sample,
    summed). Wall time much larger than CPU time means the
    machine was busy with something else.

    ``pid``: a function returning the root pid, or None while it has no
    process yet (the kernel is still starting).
    """

    def __init__(self, pid, interval=0.1):
        self.pid, self.interval, self.peak_rss = pid, interval, 0
        self.cell = self.peak_cell = None
        self._cpu = {}  # pid -> CPU seconds at its last sample
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample_until_stopped, daemon=True)

    @property
    def cpu_seconds(self):
        return sum(self._cpu.values())

    def entered(self, cell, cell_index):
        """A cell starts: a code cell becomes ``cell`` (markdown cells run no code)."""
        if cell.cell_type == "code":
            self.cell = cell_index

    def sample(self):
        """Add one sample; returns the tree's RSS now (bytes; 0 without a root)."""
        import psutil

        pid = self.pid()
        if pid is None:
            return 0
        try:
            root = psutil.Process(pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.Error:
            return 0
        rss = 0
        for process in processes:
            try:
                with process.oneshot():
                    rss += process.memory_info().rss
                    times = process.cpu_times()
                self._cpu[process.pid] = times.user + times.system
            except psutil.Error:
                pass
        if rss > self.peak_rss:
            self.peak_rss, self.peak_cell = rss, self.cell
        return rss

    def _sample_until_stopped(self):
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


# ---------------------------------------------------------------- executing


@dataclass
class Execution:
    """What executing one notebook produced. ``failure``: None, or
    ``{"cell": 1-based cell position in the source notebook, "execution_count",
    "exception": "Name: message"}``; ``status``: ok, failed or interrupted."""

    status: str
    seconds: float
    peak_rss: int
    cpu_seconds: float
    output: Path
    failure: dict | None = None
    peak_cell: int | None = None  # 1-based position in the source notebook of the cell running at the peak


def _shut_down(km, now):
    """Shut the kernel down; if the manager cannot, kill its process tree."""
    import psutil
    from jupyter_core.utils import run_sync

    pid = getattr(km.provisioner, "pid", None) if km.provisioner is not None else None
    try:
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=now)
    except Exception:
        pass
    finally:
        if pid is not None and psutil.pid_exists(pid):
            try:
                root = psutil.Process(pid)
                tree = [root, *root.children(recursive=True)]
            except psutil.Error:
                tree = []
            for process in tree:
                try:
                    process.kill()
                except psutil.Error:
                    pass
            psutil.wait_procs(tree, timeout=5)


def source_position(executed_nb, cell_index):
    """1-based position in the source notebook of the cell papermill ran
    as ``cell_index`` (papermill's injected cells not counted)."""
    # papermill counts cells before adding its error-marker cells to the file
    cells = [c for c in executed_nb.cells if "papermill-error-cell-tag" not in c.metadata.get("tags", [])]
    injected = sum(1 for c in cells[:cell_index] if "injected-parameters" in c.metadata.get("tags", []))
    return cell_index - injected + 1


def failure_in(executed_nb, cell_index, execution_count, ename, evalue):
    """The failure record for the cell at ``cell_index`` of the executed
    notebook: its position in the source (injected cells not counted)."""
    first_line = (evalue or "").strip().splitlines()[:1]
    exception = f"{ename}: {first_line[0]}" if first_line else ename
    return {"cell": source_position(executed_nb, cell_index), "execution_count": execution_count,
            "exception": exception}


def last_started_cell(executed_nb):
    """Index (papermill's count) of the last cell papermill started, or None."""
    cells = [c for c in executed_nb.cells if "papermill-error-cell-tag" not in c.metadata.get("tags", [])]
    started = [i for i, c in enumerate(cells) if c.metadata.get("papermill", {}).get("start_time")]
    return started[-1] if started else None


class _ParametersCheckedByTheRunner(logging.Filter):
    """Drop papermill's own parameter-inference warnings: its regex parser
    misreads some commented lines and then calls declared names unknown;
    the runner has already checked every name with ``ast``."""

    def filter(self, record):
        message = record.getMessage()
        return not (message.startswith("Passed unknown parameter") or message.startswith("Unable to parse line"))


for _name in ("papermill", "papermill.execute", "papermill.translators"):
    logging.getLogger(_name).addFilter(_ParametersCheckedByTheRunner())


def execute(source, output, parameters=None, cwd=None, kernel=KERNEL, progress=True):
    """Execute notebook ``source`` into ``output`` with papermill in a fresh
    ``kernel``, sampling its memory (and noting which cell runs at the
    peak). Returns an :class:`Execution`; on
    Ctrl-C the kernel is shut down and ``KeyboardInterrupt`` re-raised
    after ``output`` holds the partial notebook."""
    import papermill
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync
    from papermill.exceptions import PapermillExecutionError

    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    km = AsyncKernelManager(kernel_name=kernel)
    log = output.with_suffix(".kernel.log")  # the kernel's own stdout/stderr, not the lesson's outputs
    kernel_pid = lambda: getattr(km.provisioner, "pid", None) if km.provisioner is not None else None  # noqa: E731
    status, failure, start = "ok", None, time.perf_counter()
    interrupted = False
    with KernelSampler(kernel_pid) as sampler:
        try:
            with open(log, "wb") as kernel_log:
                run_sync(km.start_kernel)(cwd=str(cwd or Path(source).parent), stdout=kernel_log, stderr=kernel_log)
            papermill.execute_notebook(
                str(source),
                str(output),
                parameters=parameters or None,
                kernel_name=kernel,
                progress_bar=progress,
                cwd=str(cwd or Path(source).parent),
                km=km,
                on_cell_start=lambda cell, cell_index: sampler.entered(cell, cell_index),  # nbclient's hook
            )
        except PapermillExecutionError as error:
            status = "failed"
            executed = read_notebook(output)
            failure = failure_in(executed, error.cell_index, error.exec_count, error.ename, error.evalue)
        except KeyboardInterrupt:
            status, interrupted = "interrupted", True
        except Exception as error:  # the kernel died or could not start, ...
            status = "failed"
            failure = {"cell": None, "execution_count": None, "exception": f"{type(error).__name__}: {error}".strip()}
            started = last_started_cell(read_notebook(output)) if output.exists() else None
            if started is not None:  # blame the cell that was running
                failure = failure_in(read_notebook(output), started, None, type(error).__name__, str(error))
        finally:
            sampler.sample()  # the last moments before shutdown
            _shut_down(km, now=interrupted)  # graceful unless the lesson was cut short
    seconds = time.perf_counter() - start
    peak_cell = None
    if sampler.peak_cell is not None and output.exists():
        peak_cell = source_position(read_notebook(output), sampler.peak_cell)
    execution = Execution(status, seconds, sampler.peak_rss, sampler.cpu_seconds, output, failure, peak_cell)
    if interrupted:
        raise LessonInterrupted(execution)
    return execution


class LessonInterrupted(KeyboardInterrupt):
    """Ctrl-C during a lesson; ``execution`` describes the partial run."""

    def __init__(self, execution):
        super().__init__(execution.output)
        self.execution = execution


# ---------------------------------------------------------------- results


def read_json(path):
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None


def write_json_atomic(path, data):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    part.write_text(json.dumps(data, indent=2) + "\n")
    os.replace(part, path)
    return path


NOT_METRICS = {"parameters", "versions", "seed", "seeds", "data_source", "lesson"}  # given, not measured
ACCURACY = re.compile(r"(^|[._])(test_|train_|val_)?acc(uracy)?$")


def key_metrics(results, exclude=(), limit=6):
    """``{name: number}`` for a summary: the results' ``key_metrics`` dict
    if it has one; else every number in it (nested dicts flattened as
    ``outer.inner``, a list of accuracies, one per seed, as its mean),
    leaving out echoed inputs (``NOT_METRICS`` and the names in
    ``exclude``, compared lower-case), accuracies first (test before
    train), at most ``limit``."""
    if not isinstance(results, dict):
        return {}
    if isinstance(results.get("key_metrics"), dict):
        return dict(list(results["key_metrics"].items())[:limit])
    skip = NOT_METRICS | {name.lower() for name in exclude}
    flat = {}

    def visit(prefix, value, depth):
        if isinstance(value, dict) and depth < 3:
            for key, inner in value.items():
                if not (depth == 0 and str(key).lower() in skip):
                    visit(f"{prefix}{key}.", inner, depth + 1)
        elif isinstance(value, list) and value and all(_is_number(v) for v in value):
            if ACCURACY.search(prefix[:-1]):  # an accuracy per seed: their mean
                flat[prefix[:-1]] = sum(value) / len(value)
        elif _is_number(value):
            flat[prefix[:-1]] = value

    visit("", results, 0)
    ordered = sorted(flat, key=lambda name: (not ACCURACY.search(name), "test" not in name, name))
    return {name: flat[name] for name in ordered[:limit]}


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def format_number(value):
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, int) and abs(value) >= 10000:
        return f"{value:,}"
    return str(value)


def format_metrics(metrics):
    return ", ".join(f"{name}={format_number(value)}" for name, value in metrics.items())


def fresh_results(build, lesson, since):
    """``build/results/<lesson>.json`` if it was written at or after
    ``since`` (epoch seconds), i.e. by this run; else None."""
    path = Path(build) / "results" / f"{lesson}.json"
    if path.exists() and path.stat().st_mtime >= since - 1:
        return read_json(path)
    return None


def failure_place(failure):
    """``"cell 7 (In [5])"``: the failing cell's 1-based position in the
    lesson notebook and its execution count; ``"the kernel"`` when no cell
    is to blame (the kernel died or did not start)."""
    if not failure or failure.get("cell") is None:
        return "the kernel"
    if failure.get("execution_count") is None:  # the kernel died before answering
        return f"cell {failure['cell']}"
    return f"cell {failure['cell']} (In [{failure['execution_count']}])"


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
        line += f"  {failure_place(record['failure'])}: {record['failure']['exception']}"
    elif record.get("metrics"):
        line += "  " + format_metrics(record["metrics"])
    return line


# ---------------------------------------------------------------- run


def run(lessons, build=BUILD, parameters=None, quick=False, kernel=KERNEL, progress=True, write=print):
    """Execute ``lessons`` in order into ``build/notebooks``; write each
    record to ``build/runs/<lesson>.json``; then the report. Returns the
    records. A failing lesson does not stop the others; Ctrl-C stops after
    shutting the current kernel down (re-raised as KeyboardInterrupt)."""
    from tqdm import tqdm

    build = Path(build).resolve()
    plan = lesson_parameters(lessons, parameters or (), quick)
    saved_build_dir = os.environ.get("COURSE_BUILD_DIR")
    os.environ["COURSE_BUILD_DIR"] = str(build)  # kernels inherit it: save_results() writes here
    records = []
    bar = tqdm(lessons, desc="course", unit="lesson", disable=not progress, position=0)
    try:
        for lesson in bar:
            bar.set_postfix_str(lesson.name)
            started = time.time()
            output = build / "notebooks" / lesson.path.name
            try:
                execution = execute(lesson.path, output, plan[lesson.name], lesson.path.parent, kernel, progress)
            except LessonInterrupted as stop:
                record = _record(lesson, stop.execution, plan[lesson.name], quick, started, build)
                records.append(record)
                tqdm.write(summary_line(record) + f"  partial notebook: {record['output']}")
                raise
            record = _record(lesson, execution, plan[lesson.name], quick, started, build)
            records.append(record)
            tqdm.write(summary_line(record))
    finally:
        bar.close()
        if saved_build_dir is None:
            os.environ.pop("COURSE_BUILD_DIR", None)
        else:
            os.environ["COURSE_BUILD_DIR"] = saved_build_dir
        if records:
            write(f"report: {report(build)}")
    return records


def _record(lesson, execution, parameters, quick, started, build):
    """Write ``build/runs/<lesson>.json`` (atomically) and return it as a dict."""
    results = fresh_results(build, lesson.name, started) if execution.status == "ok" else None
    record = {
        "lesson": lesson.name,
        "source": str(lesson.path.resolve()),
        "output": str(execution.output),
        "status": execution.status,
        "seconds": round(execution.seconds, 2),
        "peak_rss_bytes": execution.peak_rss,
        "peak_rss_cell": execution.peak_cell,
        "cpu_seconds": round(execution.cpu_seconds, 2),
        "failure": execution.failure,
        "parameters": parameters,
        "quick": quick,
        "started": datetime.datetime.fromtimestamp(started, datetime.timezone.utc).isoformat(timespec="seconds"),
        "results": str(Path(build) / "results" / f"{lesson.name}.json") if results is not None else None,
        "declared_parameters": list(lesson.parameters),
        "metrics": key_metrics(results, exclude=lesson.parameters),
    }
    write_json_atomic(Path(build) / "runs" / f"{lesson.name}.json", record)
    return record


def failures_text(records):
    """The closing lines of a run: one per failed or interrupted lesson."""
    lines = []
    for record in records:
        if record["status"] == "ok":
            continue
        failure = record.get("failure")
        if failure:
            what = f"failed at {failure_place(failure)}: {failure['exception']}"
        else:
            what = "interrupted (Ctrl-C)"
        lines.append(f"  {record['lesson']}: {what}\n    partial notebook: {record['output']}")
    return lines


# ---------------------------------------------------------------- nbval comparison


class NbvalComparison:
    """nbval's own output comparison, outside pytest.

    Borrows ``compare_outputs``, ``sanitize`` and ``format_output_compare``
    from ``nbval.plugin.IPyNbCell`` with the same skip list as strict
    ``--nbval`` (no nbdime: PNGs are not compared) and the patterns of the
    sanitize file, so ``refresh --check`` and nbval agree by construction.
    """

    def __init__(self, sanitize_file=SANITIZE):
        from nbval import plugin

        patterns = {}
        if sanitize_file is not None:
            patterns.update(plugin.get_sanitize_patterns(Path(sanitize_file).read_text()))
        skip = (
            "metadata",
            "traceback",
            "prompt_number",
            "output_type",
            "name",
            "execution_count",
            "application/vnd.jupyter.widget-view+json",
            "image/png",
            "image/jpeg",
        )
        self.parent = type("NbvalFile", (), {"sanitize_patterns": patterns, "skip_compare": skip})()
        self.colors = plugin.nocolors
        self._plugin = plugin

    compare_outputs = None  # set by _borrow_nbval(), from nbval
    sanitize = None

    def format_output_compare(self, key, stored, fresh):
        """Describe one mismatch (nbval's own formatter needs pytest's hooks)."""
        trim = self._plugin._trim_base64
        self.comparison_traceback += [
            f"mismatch {key!r}",
            "stored:",
            _indent(str(trim(stored) if isinstance(stored, str) else stored)),
            "fresh:",
            _indent(str(trim(fresh) if isinstance(fresh, str) else fresh)),
        ]

    def checked(self, cell):
        """nbval's decision for one code cell: are its outputs compared?"""
        from collections import defaultdict

        options = defaultdict(bool, self._plugin.find_metadata_tags(cell.metadata))
        options.update(dict(self._plugin.find_comment_markers(cell.source)))
        options.setdefault("check", True)
        return not options["skip"] and options["check"] and cell.execution_count is not None

    def differences(self, stored_nb, fresh_nb):
        """``[(code cell number as nbval counts it, what differs)]`` for every
        compared cell whose fresh outputs differ from the stored ones."""
        stored = [cell for cell in stored_nb.cells if cell.cell_type == "code"]
        fresh = [cell for cell in fresh_nb.cells if cell.cell_type == "code"]
        if [cell.source for cell in stored] != [cell.source for cell in fresh][: len(stored)]:
            raise CourseError("the executed notebook's code cells differ from the source's")
        found = []
        for number, (old, new) in enumerate(zip(stored, fresh)):
            if not self.checked(old):
                continue
            coalesce = self._plugin.coalesce_streams
            reference = coalesce(copy.deepcopy(old.outputs))
            test = coalesce(copy.deepcopy(new.outputs))
            if not self.compare_outputs(test, reference):
                found.append((number, "\n".join(str(line) for line in self.comparison_traceback).strip()))
        return found


def _borrow_nbval():
    from nbval.plugin import IPyNbCell

    NbvalComparison.compare_outputs = IPyNbCell.compare_outputs
    NbvalComparison.sanitize = IPyNbCell.sanitize


# ---------------------------------------------------------------- refresh


def refresh(lessons, check=False, sanitize_file=SANITIZE, kernel=KERNEL, progress=True, write=print):
    """Re-execute each lesson from a fresh kernel with its default parameters.

    ``check=False``: replace the source with the executed notebook
    atomically, only when the whole lesson succeeded. ``check=True``: write
    nothing; report the stored outputs nbval would find changed. Returns
    ``{lesson: {"status", "changed": [(cell, detail)], "failure"}}``.
    """
    _borrow_nbval()
    comparison = NbvalComparison(sanitize_file)
    outcome = {}
    saved_build_dir = os.environ.get("COURSE_BUILD_DIR")
    with tempfile.TemporaryDirectory(prefix="course-refresh-") as scratch:
        if check:  # a check writes nothing outside its temp dir, results included
            os.environ["COURSE_BUILD_DIR"] = scratch
        try:
            _refresh_each(lessons, check, comparison, scratch, kernel, progress, write, outcome)
        finally:
            if saved_build_dir is None:
                os.environ.pop("COURSE_BUILD_DIR", None)
            else:
                os.environ["COURSE_BUILD_DIR"] = saved_build_dir
    return outcome


def _refresh_each(lessons, check, comparison, scratch, kernel, progress, write, outcome):
    """Execute, compare and (unless ``check``) replace each lesson; fills ``outcome``."""
    for lesson in lessons:
        fresh_path = Path(scratch) / lesson.path.name
        try:
            execution = execute(lesson.path, fresh_path, None, lesson.path.parent, kernel, progress)
        except LessonInterrupted:
            write(f"{lesson.name}: interrupted; {lesson.path} unchanged")
            raise
        if execution.status != "ok":
            write(
                f"{lesson.name}: FAILED at {failure_place(execution.failure)}: "
                f"{execution.failure['exception']}; {lesson.path} unchanged"
            )
            outcome[lesson.name] = {"status": "failed", "changed": [], "failure": execution.failure}
            continue
        fresh = read_notebook(fresh_path)
        changed = comparison.differences(read_notebook(lesson.path), fresh)
        outcome[lesson.name] = {"status": "ok", "changed": changed, "failure": None}
        for number, detail in changed:
            write(f"{lesson.name}: Cell {number} would change:\n{_indent(detail)}")
        if check:
            write(f"{lesson.name}: {len(changed)} checked output(s) would change ({execution.seconds:.1f} s)")
            continue
        _replace_source(lesson.path, fresh_path, fresh)
        write(f"{lesson.name}: refreshed in {execution.seconds:.1f} s, {len(changed)} checked output(s) changed")


def _replace_source(source, fresh_path, fresh_nb):
    """Atomically replace ``source`` with the executed notebook, its
    papermill paths pointing at the source (not the temp dir)."""
    import nbformat

    where = os.path.relpath(source, REPO) if Path(source).resolve().is_relative_to(REPO) else str(source)
    papermill_meta = fresh_nb.metadata.get("papermill", {})
    papermill_meta["input_path"] = papermill_meta["output_path"] = where
    part = Path(source).with_name(f".{Path(source).name}.refresh.part")
    try:
        nbformat.write(fresh_nb, str(part))
        shutil.copymode(source, part)
        os.replace(part, source)
    finally:
        if part.exists():
            part.unlink()


def _indent(text, prefix="    "):
    return "\n".join(prefix + line for line in text.splitlines())


# ---------------------------------------------------------------- report


VERSION_LINE = re.compile(r"^seed -?\d+; (python .*)$", re.MULTILINE)
DATA_LINE = re.compile(r"^MNIST from (.+)$", re.MULTILINE)


def _stream_text(nb):
    return "".join(
        output.get("text", "")
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.output_type == "stream"
    )


def export_figures(executed_nb, folder):
    """Write every PNG output of ``executed_nb`` to ``folder`` as
    ``cellNN_K.png`` (NN: 1-based cell position). Returns the paths."""
    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    paths = []
    for index, cell in enumerate(executed_nb.cells, start=1):
        pngs = [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
        for k, output in enumerate(pngs, start=1):
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"cell{index:02d}_{k}.png"
            path.write_bytes(base64.b64decode(output["data"]["image/png"]))
            paths.append(path)
    return paths


def report(build=BUILD):
    """Write ``build/report.md`` from ``build/runs/*.json``,
    ``build/results/*.json`` and the executed notebooks; export figures to
    ``build/figures/<lesson>/``. Returns the report path."""
    build = Path(build)
    rows, details = [], []
    for record_path in sorted((build / "runs").glob("*.json")):
        record = read_json(record_path)
        if not record:
            continue
        lesson = record["lesson"]
        results = read_json(record["results"]) if record.get("results") else None
        executed = Path(record["output"])
        nb = read_notebook(executed) if executed.exists() else None
        text = _stream_text(nb) if nb is not None else ""
        match = VERSION_LINE.search(text)  # start_lesson's line, as the kernel printed it
        versions = match.group(1) if match else (results or {}).get("versions")
        if isinstance(versions, dict):
            versions = ", ".join(f"{k} {v}" for k, v in versions.items())
        versions = versions or "—"
        source = (results or {}).get("data_source")
        if not source:
            match = DATA_LINE.search(text)
            source = match.group(1) if match else "—"
        figures = export_figures(nb, build / "figures" / lesson) if nb is not None else []
        status = record["status"]
        if record.get("failure"):
            status += f" at {failure_place(record['failure'])}: {record['failure']['exception']}"
        declared = record.get("declared_parameters", record.get("parameters") or ())
        metrics = format_metrics(key_metrics(results, exclude=declared) if results else record.get("metrics") or {})
        metrics = metrics or "—"
        if record.get("quick"):
            metrics = "quick run; " + metrics
        rows.append(
            [
                lesson,
                status,
                f"{record['seconds']:.1f} s (CPU {record.get('cpu_seconds', 0):.1f} s)",
                f"{record['peak_rss_bytes'] / 2**20:.0f} MiB{peak_place(record)}",
                metrics,
                versions,
                source,
                record["started"][:16].replace("T", " ") + " UTC",
            ]
        )
        figure_links = ", ".join(f"[{p.name}](figures/{lesson}/{p.name})" for p in figures) or "none"
        details.append(f"- **{lesson}**: executed notebook `{record['output']}`; figures: {figure_links}")
    lines = [
        "# Course run report",
        "",
        f"Generated {datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')} "
        "by `python -m course report`.",
        "Runtime: wall time of the lesson (CPU: user + system time of its kernel process tree); "
        "peak memory: largest summed RSS of that tree, sampled every 0.1 s, and the cell "
        "(1-based position in the lesson notebook) that was running then.",
        "",
    ]
    if rows:
        header = ["Lesson", "Status", "Runtime", "Peak memory", "Key metrics", "Versions", "Data source", "Date"]
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
        lines += ["", "## Lessons", "", *details]
    else:
        lines.append("No lesson runs recorded under build/runs/: run `python -m course run` first.")
    path = build / "report.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


# ---------------------------------------------------------------- command line


def _parser():
    def common(target, default):
        """The shared options, before or after the command (``course --build b run`` = ``course run --build b``)."""
        pick = (lambda value: value) if default else (lambda value: argparse.SUPPRESS)
        target.add_argument("--notebooks", type=Path, default=pick(NOTEBOOKS), help="lesson folder (default: notebooks/)")
        target.add_argument("--build", type=Path, default=pick(BUILD), help="output folder (default: build/)")
        target.add_argument("--kernel", default=pick(KERNEL), help=f"Jupyter kernel (default: {KERNEL})")
        target.add_argument("--no-progress", action="store_true", default=pick(False), help="no progress bars")

    parser = argparse.ArgumentParser(prog="course", description=__doc__.split("\n")[0])
    common(parser, default=True)
    commands = parser.add_subparsers(dest="command", required=True)

    def selection(sub):
        sub.add_argument("--only", help="comma-separated lessons, e.g. 01,04")
        sub.add_argument("--from", dest="start", help="start at this lesson, e.g. 03")

    run_cmd = commands.add_parser("run", help="execute the lessons into build/notebooks/, then report")
    common(run_cmd, default=False)
    selection(run_cmd)
    run_cmd.add_argument(
        "-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
        help="set a parameter in every lesson that declares it (typed like papermill -p)",
    )
    run_cmd.add_argument("--quick", action="store_true", help="each lesson's QUICK parameters (-p wins)")
    refresh_cmd = commands.add_parser("refresh", help="re-execute the source notebooks in place (atomic)")
    common(refresh_cmd, default=False)
    selection(refresh_cmd)
    refresh_cmd.add_argument("--check", action="store_true", help="write nothing; list outputs that would change")
    refresh_cmd.add_argument(
        "--sanitize-with", type=Path, default=SANITIZE, help="nbval sanitize file (default: tests/nbval_sanitize.cfg)"
    )
    common(commands.add_parser("report", help="build build/report.md and build/figures/"), default=False)
    return parser


def _raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv=None):
    """Entry point of ``course`` / ``python -m course``; returns the exit code."""
    args = _parser().parse_args(argv)
    progress = not args.no_progress
    saved_sigterm = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)  # stop as cleanly as Ctrl-C
    try:
        if args.command == "report":
            print(f"report: {report(args.build)}")
            return 0
        lessons = select(find_lessons(args.notebooks), args.only, args.start)
        if not lessons:
            raise CourseError(f"no lessons to run in {args.notebooks}")
        if args.command == "run":
            overrides = [(name, parse_value(value)) for name, value in args.parameter]
            records = run(lessons, args.build, overrides, args.quick, args.kernel, progress)
            problems = failures_text(records)
            if problems:
                print(f"{len(problems)} of {len(records)} lesson(s) failed:", *problems, sep="\n", file=sys.stderr)
                return 1
            print(f"all {len(records)} lesson(s) ok")
            return 0
        outcome = refresh(lessons, args.check, args.sanitize_with, args.kernel, progress)
        failed = [name for name, o in outcome.items() if o["status"] != "ok"]
        changed = [name for name, o in outcome.items() if o["changed"]]
        if failed:
            print(f"failed: {', '.join(failed)} (sources unchanged)", file=sys.stderr)
            return 1
        if args.check and changed:
            print(f"stored outputs out of date in: {', '.join(changed)}; run `course refresh`", file=sys.stderr)
            return 1
        return 0
    except CourseError as error:
        print(f"course: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("course: interrupted; the kernel was shut down, notebooks/ is unchanged", file=sys.stderr)
        return INTERRUPTED
    finally:
        signal.signal(signal.SIGTERM, saved_sigterm)


if __name__ == "__main__":
    sys.exit(main())
