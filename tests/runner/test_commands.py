"""course run / refresh end to end, in real kernels (all ``slow``): fixture
lessons, then a quick run of the real ones, and proof that ``pytest
--nbval`` (the check of refreshed outputs) really compares."""

import json
import re
import shutil
import signal
import subprocess
import sys
import time

import nbformat
import psutil
import pytest
from runner_fixtures import REPO, course_subprocess, snapshot, write_lesson

from course import cli, commands
from course.lessons import find_lessons, load_lessons, read_notebook
from course.parameters import parse_declarations

pytestmark = pytest.mark.slow
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

LOG_STEP = "with open(LOG, 'a') as log:\n    log.write('{name}\\n')"
FIGURE_STEP = (
    "%matplotlib inline\nfrom matplotlib.figure import Figure\n"
    "fig = Figure(figsize=(2, 2))\nax = fig.subplots()\nax.plot([0, 1], [0, EPOCHS])\nfig"
)
# what helpers.session.save_results writes, without importing TensorFlow into the fixture's kernel
RESULTS_STEP = (
    "import json, os, pathlib\n"
    "path = pathlib.Path(os.environ['COURSE_BUILD_DIR']) / 'results' / '01_first.json'\n"
    "path.parent.mkdir(parents=True, exist_ok=True)\n"
    "path.write_text(json.dumps({'schema': 1, 'lesson': '01_first', 'saved_at': '2026-01-01T00:00:00+00:00',\n"
    "    'versions': {'python': '3.11'}, 'device': 'CPU', 'data_source': 'fixture cache',\n"
    "    'key_metrics': {'test_acc': 0.98765, 'params': 93322}, 'epoch_seconds': {'fit': [1.5, 2.5]},\n"
    "    'details': {}}))"
)
# 300 MiB written (so the pages are really resident), held for a second: the lesson's memory peak
MEMORY_STEP = "import time\nblock = b'\\x01' * (300 * 2**20)\ntime.sleep(1.0)\ndel block"


@pytest.fixture(scope="module")
def fixture_course(tmp_path_factory):
    """Three lessons run once with ``--quick -p EPOCHS 3 -p LOG <file>``:
    01 draws a figure and saves results, 02 fails in its 4th cell, 03 runs
    and peaks in memory in its 4th cell."""
    root = tmp_path_factory.mktemp("course")
    notebooks, build, log = root / "notebooks", root / "build", root / "order.log"
    params = "SEED = 0  # seed\nEPOCHS = 5  # 1..5: epochs (each <= 5)\nLOG = 'unset'  # where to log"
    write_lesson(
        notebooks,
        "01_first",
        params,
        LOG_STEP.format(name="01"),
        "print('epochs', EPOCHS, 'seed', SEED)",
        FIGURE_STEP,
        RESULTS_STEP,
        quick={"EPOCHS": 1, "SEED": 7},
    )
    write_lesson(
        notebooks,
        "02_broken",
        "LOG = 'unset'\nSIZE = 10",
        LOG_STEP.format(name="02"),
        "assert SIZE > 5, f'SIZE={SIZE} is too small'",
        "print('unreached')",
        quick={"SIZE": 2},
    )
    write_lesson(
        notebooks, "03_third", "LOG = 'unset'", LOG_STEP.format(name="03"), MEMORY_STEP, "print('done')", quick={}
    )
    before = snapshot(notebooks)
    result = course_subprocess(
        "--notebooks", notebooks, "--build", build, "run", "--quick", "-p", "EPOCHS", "3", "-p", "LOG", log
    )
    return {"notebooks": notebooks, "build": build, "log": log, "before": before, "result": result}


def record(build, name):
    return json.loads((build / "runs" / f"{name}.json").read_text())


def injected(nb):
    """``{name: value}`` of papermill's injected-parameters cell."""
    cells = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(cells) <= 1
    return {name: p.default for name, p in parse_declarations(cells[0].source).items()} if cells else {}


def test_lessons_run_in_order_each_into_build_and_sources_untouched(fixture_course):
    assert fixture_course["log"].read_text().split() == ["01", "02", "03"]
    # papermill's regex misreads "(each <= 5)" and would call EPOCHS unknown; the runner checked it with ast
    assert "unknown parameter" not in fixture_course["result"].stderr
    assert snapshot(fixture_course["notebooks"]) == fixture_course["before"]
    for name in ("01_first", "02_broken", "03_third"):
        assert (fixture_course["build"] / "notebooks" / f"{name}.ipynb").exists()
        rec = record(fixture_course["build"], name)
        assert rec["seconds"] > 0 and rec["cell_timeout"] == 1800
        assert rec["peak_rss_bytes"] > 20 * 2**20  # a Python kernel holds tens of MiB: the sampler saw it
        assert 0 < rec["cpu_seconds"] < rec["seconds"] + 5


def test_the_record_says_which_cell_was_running_at_the_memory_peak(fixture_course):
    rec = record(fixture_course["build"], "03_third")
    assert rec["peak_rss_bytes"] > 300 * 2**20
    # position 4 in the source: title, parameters, log step, the memory step (injected cell not counted)
    assert rec["peak_rss_cell"] == 4
    assert "MiB (cell 4)" in (fixture_course["build"] / "report.md").read_text()


def test_failing_lesson_does_not_stop_the_others(fixture_course):
    result, build = fixture_course["result"], fixture_course["build"]
    assert result.returncode == 1
    assert [record(build, n)["status"] for n in ("01_first", "02_broken", "03_third")] == ["ok", "failed", "ok"]
    failure = record(build, "02_broken")["failure"]
    assert failure == {"cell": 4, "execution_count": 4, "exception": "AssertionError: SIZE=2 is too small"}
    partial = build / "notebooks" / "02_broken.ipynb"
    assert "02_broken: failed at cell 4 (In [4]): AssertionError: SIZE=2 is too small" in result.stderr
    assert f"partial notebook: {partial}" in result.stderr
    last = nbformat.read(str(partial), as_version=4).cells[-1]
    assert last.source == "print('unreached')" and last.execution_count is None and last.outputs == []


def test_quick_parameters_and_p_overrides_are_injected(fixture_course):
    build = fixture_course["build"]
    nb = read_notebook(build / "notebooks" / "01_first.ipynb")
    # the quick profile gives EPOCHS=1, SEED=7; -p EPOCHS 3 wins over it; -p LOG reaches every lesson declaring LOG
    assert injected(nb) == {"EPOCHS": 3, "SEED": 7, "LOG": str(fixture_course["log"])}
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "epochs 3 seed 7" in printed
    # 03 declares neither EPOCHS nor SEED: only LOG is passed to it
    assert record(build, "03_third")["parameters"] == {"LOG": str(fixture_course["log"])}


def test_summary_lines_and_report_read_the_results_record(fixture_course):
    result, build = fixture_course["result"], fixture_course["build"]
    assert "01_first" in result.stdout and "test_acc=0.9877" in result.stdout
    rows = {
        line.split(" | ")[0].strip("| "): line
        for line in (build / "report.md").read_text().splitlines()
        if line.startswith("| 0")
    }
    assert set(rows) == {"01_first", "02_broken", "03_third"}
    assert "quick run; test_acc=0.9877, params=93,322" in rows["01_first"]
    assert "| median 2.0 s (1 runs, 2 epochs) | python 3.11 | CPU | fixture cache |" in rows["01_first"]
    assert "| failed at cell 4 (In [4]): AssertionError: SIZE=2 is too small |" in rows["02_broken"]
    assert re.search(
        r"^\| 03_third \| ok \| [\d.]+ s \(CPU [\d.]+ s\) \| \d+ MiB \(cell 4\) \| no results record \|",
        rows["03_third"],
    )
    figures = sorted((build / "figures" / "01_first").glob("*.png"))
    assert len(figures) == 1 and figures[0].read_bytes().startswith(PNG_MAGIC)


def test_a_run_over_damaged_build_files_reports_them(fixture_course, tmp_path):
    """A truncated notebook and foreign records left in build/ (a full disk,
    an older runner): the next run and report go on and say so."""
    build = tmp_path / "build"
    shutil.copytree(fixture_course["build"], build)
    (build / "notebooks" / "02_broken.ipynb").write_text('{"cells": [')
    (build / "runs" / "02_broken.json").write_text('{"lesson": "02_b')
    (build / "runs" / "00_old.json").write_text(json.dumps({"lesson": "00_old", "seconds": 1}))
    (build / "results" / "01_first.json").write_text("[]")
    assert cli.main(["--build", str(build), "report"]) == 0
    text = (build / "report.md").read_text()
    assert "| run record 02_broken.json: not JSON" in text and "| run record 00_old.json: not a run record" in text
    result = course_subprocess("--notebooks", fixture_course["notebooks"], "--build", build, "run", "--only", "03")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "| 03_third | ok |" in (build / "report.md").read_text()


def test_a_dying_kernel_fails_its_lesson_only(tmp_path):
    notebooks, build = tmp_path / "nb", tmp_path / "build"
    write_lesson(notebooks, "01_dies", "X = 1", "print('alive')", "import os\nos._exit(1)", "print('unreached')")
    write_lesson(notebooks, "02_fine", "X = 1", "print('fine')")
    result = course_subprocess("--notebooks", notebooks, "--build", build, "run")
    assert result.returncode == 1
    assert "01_dies: failed at cell 4: DeadKernelError: Kernel died" in result.stderr
    assert record(build, "02_fine")["status"] == "ok"


def test_ctrl_c_shuts_the_kernel_down_and_leaves_sources_untouched(tmp_path):
    """The second lesson sends SIGINT to the runner (its kernel's parent), as
    Ctrl-C in the terminal would, and records its kernel's pid first."""
    notebooks, build, pid_file = tmp_path / "nb", tmp_path / "build", tmp_path / "kernel.pid"
    write_lesson(notebooks, "01_done", "X = 1", "print('finished')")
    write_lesson(
        notebooks,
        "02_stopped",
        f"PID_FILE = {str(pid_file)!r}",
        "import os, pathlib, signal, time\npathlib.Path(PID_FILE).write_text(str(os.getpid()))",
        "os.kill(os.getppid(), signal.SIGINT)\ntime.sleep(120)",
        "print('unreached')",
    )
    write_lesson(notebooks, "03_never", "X = 1", "print('never')")
    before = snapshot(notebooks)
    started = time.monotonic()
    result = course_subprocess("--notebooks", notebooks, "--build", build, "run", timeout=120)
    assert result.returncode == cli.INTERRUPTED, result.stderr
    assert time.monotonic() - started < 60  # did not wait for the 120 s sleep
    assert "interrupted; the kernel was shut down" in result.stderr
    kernel_pid = int(pid_file.read_text())
    assert not psutil.pid_exists(kernel_pid) or psutil.Process(kernel_pid).status() == psutil.STATUS_ZOMBIE
    assert snapshot(notebooks) == before
    assert record(build, "01_done")["status"] == "ok"
    assert record(build, "02_stopped")["status"] == "interrupted"
    assert not (build / "notebooks" / "03_never.ipynb").exists()


def test_ctrl_c_is_ignored_when_the_run_starts_with_sigint_ignored_and_sigterm_stops_it(tmp_path):
    """``nohup course run &`` (or a background job of a script, some CI
    launchers) starts the runner with SIGINT ignored. The runner keeps it so,
    as any program that respects nohup does: Ctrl-C does not stop it, SIGTERM
    (``kill PID``, what the README says to use) stops it as cleanly as Ctrl-C."""
    notebooks, build, pid_file = tmp_path / "nb", tmp_path / "build", tmp_path / "kernel.pid"
    survived = tmp_path / "survived"
    write_lesson(
        notebooks,
        "01_stopped",
        f"PID_FILE, SURVIVED = {str(pid_file)!r}, {str(survived)!r}",
        "import os, pathlib, signal, time\npathlib.Path(PID_FILE).write_text(str(os.getpid()))",
        "os.kill(os.getppid(), signal.SIGINT)\ntime.sleep(2)\npathlib.Path(SURVIVED).write_text('yes')",
        "os.kill(os.getppid(), signal.SIGTERM)\ntime.sleep(120)",
        "print('unreached')",
    )
    before = snapshot(notebooks)
    started = time.monotonic()
    result = course_subprocess("--notebooks", notebooks, "--build", build, "run", timeout=120, sigint=signal.SIG_IGN)
    assert survived.read_text() == "yes"  # the SIGINT did not stop the run
    assert result.returncode == cli.INTERRUPTED, result.stderr
    assert time.monotonic() - started < 60
    assert "interrupted; the kernel was shut down" in result.stderr
    kernel_pid = int(pid_file.read_text())
    assert not psutil.pid_exists(kernel_pid) or psutil.Process(kernel_pid).status() == psutil.STATUS_ZOMBIE
    assert snapshot(notebooks) == before
    assert record(build, "01_stopped")["status"] == "interrupted"


def test_refresh_replaces_only_after_success(tmp_path):
    notebooks = tmp_path / "nb"
    good = write_lesson(notebooks, "01_good", "N = 3", "print(N * 2)")
    bad = write_lesson(notebooks, "02_bad", "N = 3", "print(N)", "raise RuntimeError('boom')")
    good.chmod(0o644)
    titled = read_notebook(good)
    titled.cells[0].source += "\n\n**Runtime:** about 9 min on a 2-core laptop; nothing is trained."
    nbformat.write(titled, str(good))
    bad_bytes = bad.read_bytes()
    build = tmp_path / "build"
    result = course_subprocess("--notebooks", notebooks, "--build", build, "refresh")
    assert result.returncode == 1
    assert "02_bad: failed at cell 4 (In [3]): RuntimeError: boom" in result.stdout
    assert "01_good: refreshed in" in result.stdout
    assert bad.read_bytes() == bad_bytes  # byte-identical after a failing refresh
    assert sorted(p.name for p in notebooks.iterdir()) == ["01_good.ipynb", "02_bad.ipynb"]  # no temp files
    nb = read_notebook(good)
    assert nb.cells[2].execution_count == 2 and nb.cells[2].outputs[0]["text"] == "6\n"
    assert good.stat().st_mode & 0o777 == 0o644  # permissions kept
    # the run that made the stored outputs left its record, with the exact times the lesson does not show
    run = record(build, "01_good")
    assert run["status"] == "ok" and record(build, "02_bad")["status"] == "failed"
    assert run["seconds"] > 0 and run["cpu_seconds"] > 0 and run["started"] and run["cpus"] >= 1
    # ... and the runtime sentence says it in plain words, the text after it kept
    assert nb.cells[0].source.endswith(
        f"\n\n**Runtime:** under a minute on a {run['cpus']}-core laptop; nothing is trained."
    )
    # nothing that only describes this execution is stored: no papermill paths or times, no cell timestamps
    assert "papermill" not in nb.metadata
    for cell in nb.cells:
        assert not {"execution", "papermill"} & set(cell.metadata), cell.metadata


def test_a_second_refresh_with_the_same_results_changes_no_byte(tmp_path):
    """Two refreshes of a lesson whose outputs do not change leave the file
    byte-identical (both runs are under a minute: the same runtime phrase)."""
    notebooks, build = tmp_path / "nb", tmp_path / "build"
    path = write_lesson(
        notebooks,
        "01_same",
        "N = 3  # 1..: n",
        "print(N * 2)",
        "import time\ntime.sleep(0.3)",
        FIGURE_STEP.replace("EPOCHS", "N"),
        quick={"N": 1},
    )
    nb = read_notebook(path)
    nb.cells[0].source += "\n\n**Runtime:** about 3 min on a 2-core laptop; nothing is trained."
    nbformat.write(nb, str(path))
    path.chmod(0o640)
    texts = []
    for _ in range(2):
        result = course_subprocess("--notebooks", notebooks, "--build", build, "refresh")
        assert result.returncode == 0, result.stdout + result.stderr
        texts.append(path.read_bytes())
    assert texts[0] == texts[1]
    assert b"under a minute" in texts[1] and b"iopub" not in texts[1] and b"papermill" not in texts[1]
    assert read_notebook(path).metadata["course"] == {"quick": {"N": 1}}  # the lesson's own metadata kept
    assert path.stat().st_mode & 0o777 == 0o640


def test_refresh_strips_volatile_metadata_only():
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    kernelspec = {"name": "k", "display_name": "K"}
    nb = new_notebook(
        metadata={"papermill": {"duration": 3.2}, "course": {"quick": {}}, "kernelspec": kernelspec},
        cells=[new_markdown_cell("# A"), new_code_cell("x = 1")],
    )
    nb.cells[0].metadata.update(tags=[], papermill={"status": "completed"})
    nb.cells[1].metadata.update(
        tags=["solution"],
        execution={"iopub.status.busy": "2026-01-01T00:00:00Z"},
        papermill={"duration": 0.1},
        jupyter={"source_hidden": True},
    )
    commands.without_volatile_metadata(nb)
    assert nb.metadata == {"course": {"quick": {}}, "kernelspec": kernelspec}
    assert nb.cells[0].metadata == {}
    assert nb.cells[1].metadata == {"tags": ["solution"], "jupyter": {"source_hidden": True}}


@pytest.mark.parametrize(
    "seconds, phrase",
    [
        (0.4, "under a minute"),
        (29.9, "under a minute"),
        (30, "about 1 min"),
        (59.9, "about 1 min"),
        (89, "about 1 min"),
        (91, "about 2 min"),
        (267, "about 4 min"),
        (300, "about 5 min"),
        (3600, "about 60 min"),
    ],
)
def test_runtime_text_is_plain_words(seconds, phrase):
    run = {"seconds": seconds, "cpu_seconds": 1.0, "started": "2026-01-02T03:04:05+00:00", "cpus": 2}
    assert commands.runtime_text(run) == f"**Runtime:** {phrase} on a 2-core laptop"
    assert "core laptop" in commands.runtime_text({"seconds": seconds})  # an older record: this machine's CPUs


def test_with_runtime_replaces_the_first_markdown_cells_sentence_only():
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    run = {"seconds": 125.4, "cpu_seconds": 98.6, "started": "2026-01-02T03:04:05+00:00", "cpus": 2}
    text = "**Runtime:** about 2 min on a 2-core laptop"
    for before, after in [
        ("**Runtime:** under a minute on a 2-core laptop; nothing is trained.", f"{text}; nothing is trained."),
        ("**Runtime:** about 5 min on a 16-core laptop.", f"{text}."),
        # the older form, details in parentheses: upgraded, the text after the parenthesis kept
        (
            "**Runtime:** about 1.5 min at the defaults on a 2-core CPU, no GPU (`course refresh`, 2026-11-24: "
            "91 s wall, 137 s CPU); `--quick` needs less.",
            f"{text}; `--quick` needs less.",
        ),
        ("**Runtime:** (to be measured); nothing is trained.", f"{text}; nothing is trained."),
    ]:
        nb = new_notebook(
            cells=[new_markdown_cell(f"# A\n\n{before} Then more."), new_code_cell("x = 1"), new_markdown_cell(before)]
        )
        commands.with_runtime(nb, run)
        assert nb.cells[0].source == f"# A\n\n{after} Then more." and nb.cells[2].source == before
        assert not re.search(
            r"course|refresh|20\d\d|wall|CPU\)",
            nb.cells[0].source.split(" Then")[0].replace("`--quick` needs less.", ""),
        )
    plain = new_notebook(cells=[new_markdown_cell("# B, with no runtime sentence")])
    assert commands.with_runtime(plain, run).cells[0].source == "# B, with no runtime sentence"


NBVAL = [
    "-m",
    "pytest",
    "-p",
    "no:cacheprovider",
    "--nbval",
    "--nbval-kernel-name",
    "convnets-course",
    "--nbval-sanitize-with",
    str(REPO / "tests" / "nbval_sanitize.cfg"),
]


def nbval_failures(path):
    """The ``Cell N`` items strict nbval reports as failed for notebook ``path``."""
    done = subprocess.run(
        [sys.executable, *NBVAL, str(path)], cwd=path.parent, capture_output=True, text=True, timeout=600
    )
    failed = [
        " ".join(line.split("::")[1].split()[:2]) for line in done.stdout.splitlines() if line.startswith("FAILED")
    ]
    return failed, done


def test_nbval_really_compares_a_refreshed_lesson(tmp_path):
    """The check of ``course refresh`` is ``pytest --nbval``: after a refresh
    it passes (ignored and sanitized outputs too); tampering one
    deterministic stored output makes it fail on that cell and only it."""
    notebooks = tmp_path / "nb"
    path = write_lesson(
        notebooks,
        "01_a",
        "N = 3",
        "print(N * 2)",
        ("# nbval-ignore-output: the time differs every run\nimport time\nprint(time.time())", ["nbval-ignore-output"]),
        "print('address', object())",  # masked by the sanitize file's 0xADDRESS rule
        "print('stable')",
    )
    assert course_subprocess("--notebooks", notebooks, "--build", tmp_path / "build", "refresh").returncode == 0
    failed, done = nbval_failures(path)
    assert failed == [] and done.returncode == 0, done.stdout[-3000:]
    nb = read_notebook(path)
    nb.cells[5].outputs[0]["text"] = "stale\n"
    nbformat.write(nb, str(path))
    failed, done = nbval_failures(path)
    assert failed == ["Cell 4"], done.stdout[-3000:]


def test_nbval_really_compares_a_real_lesson(tmp_path):
    """The same on a copy of lesson 01 as committed: strict nbval fails once
    one of its deterministic stored outputs (a stream, untagged) is changed."""
    (source,) = sorted((REPO / "notebooks").glob("01_*.ipynb"))
    nb = read_notebook(source)
    numbers = [i for i, c in enumerate(c for c in nb.cells if c.cell_type == "code")]
    code = [c for c in nb.cells if c.cell_type == "code"]
    target = next(
        i
        for i in numbers
        if "nbval-ignore-output" not in code[i].metadata.get("tags", [])
        and any(o.get("output_type") == "stream" and o.get("text") for o in code[i].outputs)
    )
    stream = next(o for o in code[target].outputs if o.get("output_type") == "stream")
    stream["text"] = "tampered\n" + stream["text"]
    copy = tmp_path / source.name
    nbformat.write(nb, str(copy))
    failed, done = nbval_failures(copy)
    assert f"Cell {target}" in failed, done.stdout[-3000:]


def test_quick_run_of_the_real_lessons(tmp_path):
    """``course run --quick`` over whatever lessons notebooks/ holds: each
    succeeds, and runs with exactly its quick profile injected."""
    lessons = load_lessons(find_lessons(REPO / "notebooks"))
    build = tmp_path / "build"
    started = time.monotonic()
    result = course_subprocess("--build", build, "run", "--quick", timeout=1500)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    for lesson in lessons:
        rec = record(build, lesson.name)
        assert rec["status"] == "ok" and rec["quick"] is True
        assert rec["parameters"] == lesson.quick
        assert injected(read_notebook(build / "notebooks" / f"{lesson.name}.ipynb")) == lesson.quick
    report = (build / "report.md").read_text()
    assert all(f"| {lesson.name} | ok |" in report for lesson in lessons)
    print(f"course run --quick: {len(lessons)} lessons in {elapsed:.0f} s")
