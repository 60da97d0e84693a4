"""Executing one notebook: papermill in a fresh kernel, measured.

:func:`execute` runs a notebook top to bottom in a new kernel of the named
Jupyter kernelspec, with a per-cell time limit, while a
:class:`KernelSampler` watches the kernel's process tree (wall and CPU
seconds, peak RSS and the code cell running at that peak). It returns an
:class:`Execution`; Ctrl-C shuts the kernel down and raises
:class:`LessonInterrupted`.
"""

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from course import CourseError
from course.lessons import read_notebook

KERNEL = "convnets-course"
CELL_TIMEOUT = 1800  # seconds one cell may run; the slowest lesson cell takes a few minutes


class KernelSampler:
    """Samples, in a thread every ``interval`` s, a process and all its
    descendants: ``peak_rss`` is the largest summed RSS seen (bytes),
    ``peak_cell`` the value of ``cell`` (the code cell running, or last
    run, as told by :meth:`entered`) when it was seen, ``cpu_seconds``
    the user + system CPU time they used (each process's last sample,
    summed). Wall time much larger than CPU time means the machine was
    busy with something else.

    ``pid``: a function returning the root pid, or None while there is no
    process yet (the kernel is still starting).
    """

    def __init__(self, pid, interval=0.1):
        self.pid, self.interval, self.peak_rss = pid, interval, 0
        self.cell = self.peak_cell = None
        self.cpu = {}  # pid -> CPU seconds at its last sample
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.sample_until_stopped, daemon=True)

    @property
    def cpu_seconds(self):
        return sum(self.cpu.values())

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
                self.cpu[process.pid] = times.user + times.system
            except psutil.Error:
                pass
        if rss > self.peak_rss:
            self.peak_rss, self.peak_cell = rss, self.cell
        return rss

    def sample_until_stopped(self):
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(self.interval)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


@dataclass
class Execution:
    """What executing one notebook produced.

    ``status``: ok, failed or interrupted; ``seconds``: wall time;
    ``peak_rss``: bytes; ``failure``: None, or ``{"cell": 1-based position
    in the source notebook (None: no cell to blame), "execution_count",
    "exception": "Name: first line of the message"}``; ``peak_cell``: the
    1-based position of the code cell running at the memory peak.
    """

    status: str
    seconds: float
    peak_rss: int
    cpu_seconds: float
    output: Path
    failure: dict | None = None
    peak_cell: int | None = None


class LessonInterrupted(KeyboardInterrupt):
    """Ctrl-C during a lesson; ``execution`` describes the partial run."""

    def __init__(self, execution):
        super().__init__(execution.output)
        self.execution = execution


def kernel_pid(km):
    """The pid of ``km``'s kernel process, or None before it started."""
    return getattr(km.provisioner, "pid", None) if km.provisioner is not None else None


def shut_down(km, now):
    """Shut the kernel down; if the manager cannot, kill its process tree."""
    import psutil
    from jupyter_core.utils import run_sync

    pid = kernel_pid(km)
    try:
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=now)
    except Exception:  # a dead or wedged kernel: killed below
        pass
    if pid is None or not psutil.pid_exists(pid):
        return
    try:
        root = psutil.Process(pid)
        tree = [root, *root.children(recursive=True)]
    except psutil.Error:
        return
    for process in tree:
        try:
            process.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(tree, timeout=5)


def _counted_cells(executed_nb):
    """The cells as papermill counted them (without its error-marker cells)."""
    return [c for c in executed_nb.cells if "papermill-error-cell-tag" not in c.metadata.get("tags", [])]


def source_position(executed_nb, cell_index):
    """1-based position in the source notebook of the cell papermill ran
    as ``cell_index`` (papermill's injected-parameters cell not counted)."""
    cells = _counted_cells(executed_nb)
    injected = sum(1 for c in cells[:cell_index] if "injected-parameters" in c.metadata.get("tags", []))
    return cell_index - injected + 1


def failure_in(executed_nb, cell_index, execution_count, ename, evalue):
    """The failure record of the cell at ``cell_index`` (papermill's count)."""
    first_line = (evalue or "").strip().splitlines()[:1]
    exception = f"{ename}: {first_line[0]}" if first_line else ename
    return {
        "cell": source_position(executed_nb, cell_index),
        "execution_count": execution_count,
        "exception": exception,
    }


def last_started_cell(executed_nb):
    """Index (papermill's count) of the last cell papermill started, or None."""
    cells = _counted_cells(executed_nb)
    started = [i for i, c in enumerate(cells) if c.metadata.get("papermill", {}).get("start_time")]
    return started[-1] if started else None


def _readable(path):
    """The notebook at ``path``, or None if there is none (or it is damaged)."""
    try:
        return read_notebook(path) if Path(path).exists() else None
    except CourseError:
        return None


def crash_failure(output, error):
    """The failure record when the kernel died, timed out or did not start:
    the cell that was running is blamed, if the partial notebook says which."""
    name, message = type(error).__name__, str(error)
    nb = _readable(output)
    started = last_started_cell(nb) if nb is not None else None
    if started is None:
        return {"cell": None, "execution_count": None, "exception": f"{name}: {message}".strip()}
    return failure_in(nb, started, None, name, message)


class _ParametersCheckedByTheRunner(logging.Filter):
    """Drop papermill's own parameter-inference warnings: its regex parser
    misreads some commented lines and then calls declared names unknown;
    the runner has already checked every name with ``ast``."""

    def filter(self, record):
        message = record.getMessage()
        return not (message.startswith("Passed unknown parameter") or message.startswith("Unable to parse line"))


for _logger in ("papermill", "papermill.execute", "papermill.translators"):
    logging.getLogger(_logger).addFilter(_ParametersCheckedByTheRunner())


def _papermill(source, output, parameters, cwd, km, sampler, progress, cell_timeout):
    """Start ``km``'s kernel (its own stdout/stderr to a log next to
    ``output``) and let papermill execute ``source`` into ``output`` in it."""
    import papermill
    from jupyter_core.utils import run_sync

    with open(output.with_suffix(".kernel.log"), "wb") as kernel_log:
        run_sync(km.start_kernel)(cwd=cwd, stdout=kernel_log, stderr=kernel_log)
    papermill.execute_notebook(
        str(source),
        str(output),
        parameters=parameters or None,
        kernel_name=km.kernel_name,
        progress_bar=progress,
        cwd=cwd,
        km=km,
        execution_timeout=cell_timeout,
        on_cell_start=lambda cell, cell_index: sampler.entered(cell, cell_index),  # nbclient's hook
        # widget state is kernel-side and holds random model ids: stored, it would change the
        # notebook on every run; the cell's still figure is what a static view shows anyway
        store_widget_state=False,
    )


def execute(source, output, parameters=None, *, cwd=None, kernel=KERNEL, progress=True, cell_timeout=CELL_TIMEOUT):
    """Execute notebook ``source`` into ``output`` in a fresh ``kernel``
    (working directory ``cwd``, default the notebook's folder), injecting
    ``parameters``; each cell may run ``cell_timeout`` seconds. Returns an
    :class:`Execution`; on Ctrl-C the kernel is shut down and
    :class:`LessonInterrupted` raised once ``output`` holds the partial notebook."""
    from jupyter_client.manager import AsyncKernelManager
    from papermill.exceptions import PapermillExecutionError

    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    cwd = str(cwd or Path(source).parent)
    km = AsyncKernelManager(kernel_name=kernel)
    status, failure, start = "ok", None, time.perf_counter()
    with KernelSampler(lambda: kernel_pid(km)) as sampler:
        try:
            _papermill(source, output, parameters, cwd, km, sampler, progress, cell_timeout)
        except PapermillExecutionError as error:
            status = "failed"
            failure = failure_in(read_notebook(output), error.cell_index, error.exec_count, error.ename, error.evalue)
        except KeyboardInterrupt:
            status = "interrupted"
        except Exception as error:  # the kernel died, a cell timed out, the kernel did not start
            status, failure = "failed", crash_failure(output, error)
        finally:
            sampler.sample()  # the last moments before shutdown
            shut_down(km, now=status == "interrupted")  # graceful unless the lesson was cut short
    executed = _readable(output) if sampler.peak_cell is not None else None
    peak_cell = source_position(executed, sampler.peak_cell) if executed is not None else None
    execution = Execution(
        status, time.perf_counter() - start, sampler.peak_rss, sampler.cpu_seconds, output, failure, peak_cell
    )
    if status == "interrupted":
        raise LessonInterrupted(execution)
    return execution
