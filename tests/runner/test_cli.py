"""The course runner on tiny fixture notebooks (no TensorFlow), plus one
end-to-end quick run over the real lessons in notebooks/."""

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course import cli as course

REPO = Path(__file__).resolve().parents[2]
KERNELSPEC = {"name": "convnets-course", "display_name": "Python 3 (convnets course)", "language": "python"}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def make_lesson(folder, name, parameters, *cells):
    """Write ``folder/name.ipynb``: a title, a ``parameters`` cell, then
    ``cells`` (source strings, or ``(source, [tags])``). Returns the path."""
    nb = new_notebook(metadata={"kernelspec": KERNELSPEC})
    nb.cells.append(new_markdown_cell(f"# {name}"))
    if parameters is not None:
        cell = new_code_cell(parameters)
        cell.metadata["tags"] = ["parameters"]
        nb.cells.append(cell)
    for item in cells:
        source, tags = item if isinstance(item, tuple) else (item, [])
        cell = new_code_cell(source)
        if tags:
            cell.metadata["tags"] = tags
        nb.cells.append(cell)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, str(path))
    return path


def snapshot(folder):
    """``{file name: bytes}`` of everything in ``folder``."""
    return {path.name: path.read_bytes() for path in sorted(Path(folder).iterdir())}


def run_course(*args, timeout=300):
    """``python -m course --no-progress ARGS`` in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "course", "--no-progress", *map(str, args)],
        cwd=REPO, capture_output=True, text=True, timeout=timeout,
    )


LOG_STEP = "import pathlib\nwith open(LOG, 'a') as log:\n    log.write('{name}\\n')"

FIGURE_STEP = (
    "%matplotlib inline\nfrom matplotlib.figure import Figure\n"
    "fig = Figure(figsize=(2, 2))\nax = fig.subplots()\nax.plot([0, 1], [0, EPOCHS])\n"
    "ax.set_title('fixture'); ax.set_xlabel('x'); ax.set_ylabel('y')\nfig"
)

RESULTS_STEP = (
    "import json, os, pathlib\n"
    "folder = pathlib.Path(os.environ['COURSE_BUILD_DIR']) / 'results'\n"
    "folder.mkdir(parents=True, exist_ok=True)\n"
    "(folder / '01_first.json').write_text(json.dumps({'test_acc': 0.98765, 'params': 93322, 'seed': 0, "
    "'data_source': 'fixture cache', 'versions': {'python': '3.11'}}))"
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
    params = "SEED = 0  # seed\nEPOCHS = 5  # epochs (each <= 5)\nLOG = 'unset'  # where to log\nQUICK = {'EPOCHS': 1, 'SEED': 7}"
    make_lesson(notebooks, "01_first", params, LOG_STEP.format(name="01"),
                "print('epochs', EPOCHS, 'seed', SEED)", FIGURE_STEP, RESULTS_STEP)
    make_lesson(notebooks, "02_broken", "LOG = 'unset'\nSIZE = 10\nQUICK = {'SIZE': 2}",
                LOG_STEP.format(name="02"), "assert SIZE > 5, f'SIZE={SIZE} is too small'", "print('unreached')")
    make_lesson(notebooks, "03_third", "LOG = 'unset'\nQUICK = {}", LOG_STEP.format(name="03"), MEMORY_STEP,
                "print('done')")
    before = snapshot(notebooks)
    result = run_course("--notebooks", notebooks, "--build", build, "run", "--quick",
                        "-p", "EPOCHS", "3", "-p", "LOG", log)
    return {"root": root, "notebooks": notebooks, "build": build, "log": log, "before": before, "result": result}


def executed(build, name):
    return nbformat.read(str(build / "notebooks" / f"{name}.ipynb"), as_version=4)


def record(build, name):
    return json.loads((build / "runs" / f"{name}.json").read_text())


def test_lessons_run_in_order_each_into_build_and_sources_untouched(fixture_course):
    assert fixture_course["log"].read_text().split() == ["01", "02", "03"]
    # papermill's regex misreads "(each <= 5)" and would call EPOCHS unknown; the runner checked it with ast
    assert "unknown parameter" not in fixture_course["result"].stderr
    assert snapshot(fixture_course["notebooks"]) == fixture_course["before"]
    for name in ("01_first", "02_broken", "03_third"):
        assert (fixture_course["build"] / "notebooks" / f"{name}.ipynb").exists()
        rec = record(fixture_course["build"], name)
        assert rec["seconds"] > 0
        # a Python kernel holds tens of MiB: the sampler saw the kernel, not nothing
        assert rec["peak_rss_bytes"] > 20 * 2**20
        assert 0 < rec["cpu_seconds"] < rec["seconds"] + 5


def test_the_record_says_which_cell_was_running_at_the_memory_peak(fixture_course):
    rec = record(fixture_course["build"], "03_third")
    assert rec["peak_rss_bytes"] > 300 * 2**20
    # position 4 in the source: title, parameters, log step, the memory step (papermill's injected cell not counted)
    assert rec["peak_rss_cell"] == 4
    assert "(cell 4)" in course.summary_line(rec)
    assert "MiB (cell 4)" in (fixture_course["build"] / "report.md").read_text()


def test_failing_lesson_does_not_stop_the_others(fixture_course):
    result, build = fixture_course["result"], fixture_course["build"]
    assert result.returncode == 1
    assert [record(build, n)["status"] for n in ("01_first", "02_broken", "03_third")] == ["ok", "failed", "ok"]
    failure = record(build, "02_broken")["failure"]
    # cells of 02: title, parameters, log, assert -> the assert is the 4th (injected cell not counted)
    assert failure == {"cell": 4, "execution_count": 4, "exception": "AssertionError: SIZE=2 is too small"}
    partial = build / "notebooks" / "02_broken.ipynb"
    assert "02_broken: failed at cell 4 (In [4]): AssertionError: SIZE=2 is too small" in result.stderr
    assert f"partial notebook: {partial}" in result.stderr
    last = nbformat.read(str(partial), as_version=4).cells[-1]
    assert last.source == "print('unreached')" and last.execution_count is None and last.outputs == []


def test_quick_parameters_and_p_overrides_are_injected(fixture_course):
    build = fixture_course["build"]
    nb = executed(build, "01_first")
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    values, _ = course.declared_parameters(injected[0].source)
    # QUICK gives EPOCHS=1, SEED=7; -p EPOCHS 3 wins over QUICK; -p LOG reaches every lesson declaring LOG
    assert values == {"EPOCHS": 3, "SEED": 7, "LOG": str(fixture_course["log"])}
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "epochs 3 seed 7" in printed
    # 03 declares neither EPOCHS nor SEED: only LOG is passed to it
    assert record(build, "03_third")["parameters"] == {"LOG": str(fixture_course["log"])}


def test_summary_lines_and_report(fixture_course):
    result, build = fixture_course["result"], fixture_course["build"]
    assert "01_first" in result.stdout and "test_acc=0.9877" in result.stdout
    report = (build / "report.md").read_text()
    rows = {line.split(" | ")[0].strip("| "): line for line in report.splitlines() if line.startswith("| 0")}
    assert set(rows) == {"01_first", "02_broken", "03_third"}
    assert "test_acc=0.9877" in rows["01_first"] and "params=93,322" in rows["01_first"]
    assert "fixture cache" in rows["01_first"] and "python 3.11" in rows["01_first"]
    assert "| failed at cell 4 (In [4]): AssertionError: SIZE=2 is too small |" in rows["02_broken"]
    assert re.search(r"^\| 03_third \| ok \| [\d.]+ s \(CPU [\d.]+ s\) \| \d+ MiB \(cell 4\) \| quick run; — \|", rows["03_third"])
    figures = sorted((build / "figures" / "01_first").glob("*.png"))
    assert len(figures) == 1 and figures[0].read_bytes().startswith(PNG_MAGIC)


def test_a_dying_kernel_fails_its_lesson_only(tmp_path):
    notebooks, build = tmp_path / "nb", tmp_path / "build"
    make_lesson(notebooks, "01_dies", "X = 1", "print('alive')", "import os\nos._exit(1)", "print('unreached')")
    make_lesson(notebooks, "02_fine", "X = 1", "print('fine')")
    result = run_course("--notebooks", notebooks, "--build", build, "run")
    assert result.returncode == 1
    assert "01_dies: failed at cell 4: DeadKernelError: Kernel died" in result.stderr
    assert record(build, "02_fine")["status"] == "ok"


def test_report_alone_rebuilds_from_records(fixture_course):
    build = fixture_course["build"]
    (build / "report.md").unlink()
    assert course.main(["--build", str(build), "report"]) == 0
    assert "| 02_broken | failed" in (build / "report.md").read_text()


def test_sampler_sums_the_whole_process_tree():
    """A parent that holds little starts a child that holds 150 MiB: the
    sampler, given the parent's pid, sees the child's memory and CPU."""
    child = "import time; block = bytearray(150 * 2**20); sum(range(3 * 10**6)); time.sleep(3)"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}])"
    process = subprocess.Popen([sys.executable, "-c", parent])
    try:
        with course.KernelSampler(lambda: process.pid, interval=0.05) as sampler:
            time.sleep(2.5)
    finally:
        process.wait(timeout=30)
    assert sampler.peak_rss > 150 * 2**20
    assert sampler.cpu_seconds > 0.05
    assert course.KernelSampler(lambda: None).sample() == 0  # no kernel yet: nothing to measure


def test_sampler_blames_code_cells_only():
    from nbformat.v4 import new_code_cell, new_markdown_cell

    sampler = course.KernelSampler(lambda: None)
    sampler.entered(new_code_cell("x = 1"), 3)
    sampler.entered(new_markdown_cell("# the end"), 4)  # runs no code: the memory is still cell 3's
    assert sampler.cell == 3


def test_key_metrics_put_accuracies_first_and_skip_echoed_inputs():
    results = {
        "seed": 0, "epochs": 2, "versions": {"numpy": "2.4.6"}, "train_acc_images": 10000, "flag": True,
        "variants": {"max": {"test_acc": [0.99, 0.98], "train_acc": [0.995], "params": 93322}},
        "dense": {"test_acc": 0.978},
    }
    assert course.key_metrics(results, exclude=["EPOCHS"], limit=4) == {
        "dense.test_acc": 0.978, "variants.max.test_acc": 0.985,  # a per-seed list -> its mean
        "variants.max.train_acc": 0.995, "train_acc_images": 10000,
    }
    assert course.key_metrics({"key_metrics": {"b": 1, "a": 2}, "test_acc": 0.5}) == {"b": 1, "a": 2}


def test_report_without_runs_says_what_to_do(tmp_path):
    text = course.report(tmp_path).read_text()
    assert "run `python -m course run` first" in text


def test_select_only_and_from(tmp_path):
    for name in ("01_a", "02_b", "03_c", "04_d"):
        make_lesson(tmp_path, name, "SEED = 0")
    lessons = course.find_lessons(tmp_path)
    names = lambda chosen: [lesson.name for lesson in chosen]  # noqa: E731
    assert names(lessons) == ["01_a", "02_b", "03_c", "04_d"]
    assert names(course.select(lessons, only="01,04")) == ["01_a", "04_d"]
    assert names(course.select(lessons, only="04,1")) == ["01_a", "04_d"]  # course order, numbers or stems
    assert names(course.select(lessons, start="03")) == ["03_c", "04_d"]
    assert names(course.select(lessons, only="02_b,04", start="03")) == ["04_d"]
    with pytest.raises(course.CourseError, match=r"--only: no lesson '07' \(lessons: 01_a, 02_b, 03_c, 04_d\)"):
        course.select(lessons, only="01,07")
    with pytest.raises(course.CourseError, match="--from: no lesson '9'"):
        course.select(lessons, start="9")


def test_command_line_options_go_before_or_after_the_command():
    parser = course._parser()
    before = parser.parse_args(["--build", "b", "--no-progress", "run", "--quick", "-p", "EPOCHS", "2"])
    after = parser.parse_args(["run", "--build", "b", "--no-progress", "--quick", "-p", "EPOCHS", "2"])
    assert vars(before) == vars(after)
    assert after.build == Path("b") and after.no_progress and after.parameter == [["EPOCHS", "2"]]
    assert parser.parse_args(["report"]).build == course.BUILD


def test_course_console_script_is_installed(tmp_path):
    """The ``course`` command of the venv runs this runner from any folder."""
    script = Path(sys.executable).parent / "course"
    done = subprocess.run([str(script), "--help"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "{run,refresh,report}" in done.stdout


def test_values_are_typed_like_papermill_p():
    assert [course.parse_value(v) for v in ("3", "0.5", "True", "None", "abc")] == [3, 0.5, True, None, "abc"]


def test_declared_parameters_and_quick():
    source = "SEED = 0  # seed\nTRAIN_SIZE: int = 60000\nSEEDS = [0, 1]\nQUICK = {'TRAIN_SIZE': 500, 'SEEDS': [0]}\nimport os\n"
    parameters, quick = course.declared_parameters(source)
    assert parameters == {"SEED": 0, "TRAIN_SIZE": 60000, "SEEDS": [0, 1]}
    assert quick == {"TRAIN_SIZE": 500, "SEEDS": [0]}
    assert course.declared_parameters("SEED = 0") == ({"SEED": 0}, None)
    with pytest.raises(course.CourseError, match="QUICK sets EPOCHS, which the parameters cell does not declare"):
        course.declared_parameters("SEED = 0\nQUICK = {'EPOCHS': 1}")
    with pytest.raises(course.CourseError, match="QUICK must be a literal dict"):
        course.declared_parameters("SEED = 0\nQUICK = dict(SEED=1)")
    with pytest.raises(course.CourseError, match="QUICK must be a dict"):
        course.declared_parameters("SEED = 0\nQUICK = [1]")


def test_quick_is_read_from_the_parameters_cell_only(tmp_path):
    path = make_lesson(tmp_path, "01_a", "EPOCHS = 5\nQUICK = {'EPOCHS': 1}", "QUICK = {'EPOCHS': 99}")
    lesson = course.load_lesson(path)
    assert lesson.parameters == {"EPOCHS": 5} and lesson.quick == {"EPOCHS": 1}
    plan = course.lesson_parameters([lesson], [("EPOCHS", 2)], quick=True)
    assert plan == {"01_a": {"EPOCHS": 2}}  # -p wins over QUICK
    assert course.lesson_parameters([lesson], [], quick=True) == {"01_a": {"EPOCHS": 1}}
    assert course.lesson_parameters([lesson], [], quick=False) == {"01_a": {}}


def test_quick_values_papermill_cannot_inject_are_an_error(tmp_path):
    lesson = course.load_lesson(make_lesson(tmp_path, "01_a", "SHIFT = (2, 3)\nQUICK = {'SHIFT': (1, 1)}"))
    with pytest.raises(course.CourseError, match=r"QUICK\['SHIFT'\] = \(1, 1\) cannot be injected .*use a list"):
        course.lesson_parameters([lesson], [], quick=True)
    assert course.injectable({"SIZES": [5, 28], "LR": 1e-3, "NAME": "max", "X": None})
    assert not course.injectable({1: 2}) and not course.injectable([(1, 2)])


def test_quick_without_a_quick_dict_is_an_error(tmp_path):
    lesson = course.load_lesson(make_lesson(tmp_path, "01_a", "EPOCHS = 5"))
    with pytest.raises(course.CourseError, match=r"--quick: .*01_a.ipynb declares no QUICK dict .*declared: EPOCHS"):
        course.lesson_parameters([lesson], [], quick=True)


def test_unknown_parameter_is_an_error_before_anything_runs(tmp_path, capsys):
    make_lesson(tmp_path / "nb", "01_a", "SEED = 0\nEPOCHS = 5", "open('ran', 'w').close()")
    make_lesson(tmp_path / "nb", "02_b", "TRAIN_SIZE = 100")
    code = course.main(["--notebooks", str(tmp_path / "nb"), "--build", str(tmp_path / "build"),
                        "run", "-p", "EPOCHS", "1", "-p", "EPOCH", "1"])
    assert code == 2
    message = capsys.readouterr().err
    assert "-p EPOCH: no selected lesson declares this parameter" in message
    assert "01_a: SEED, EPOCHS; 02_b: TRAIN_SIZE" in message
    assert not (tmp_path / "build").exists() and not (tmp_path / "nb" / "ran").exists()


def test_ctrl_c_shuts_the_kernel_down_and_leaves_sources_untouched(tmp_path):
    """The second lesson sends SIGINT to the runner (its kernel's parent), as
    Ctrl-C in the terminal would, and records its kernel's pid first."""
    notebooks, build, pid_file = tmp_path / "nb", tmp_path / "build", tmp_path / "kernel.pid"
    make_lesson(notebooks, "01_done", "X = 1", "print('finished')")
    make_lesson(notebooks, "02_stopped", f"PID_FILE = {str(pid_file)!r}",
                "import os, pathlib, signal, time\npathlib.Path(PID_FILE).write_text(str(os.getpid()))",
                "os.kill(os.getppid(), signal.SIGINT)\ntime.sleep(120)", "print('unreached')")
    make_lesson(notebooks, "03_never", "X = 1", "print('never')")
    before = snapshot(notebooks)
    started = time.monotonic()
    result = run_course("--notebooks", notebooks, "--build", build, "run", timeout=120)
    assert result.returncode == course.INTERRUPTED, result.stderr
    assert time.monotonic() - started < 60  # did not wait for the 120 s sleep
    assert "interrupted; the kernel was shut down" in result.stderr
    kernel_pid = int(pid_file.read_text())
    assert not psutil.pid_exists(kernel_pid) or psutil.Process(kernel_pid).status() == psutil.STATUS_ZOMBIE
    assert snapshot(notebooks) == before
    assert record(build, "01_done")["status"] == "ok"
    assert "finished" in (build / "notebooks" / "01_done.ipynb").read_text()
    assert record(build, "02_stopped")["status"] == "interrupted"
    assert not (build / "notebooks" / "03_never.ipynb").exists()


def test_refresh_replaces_only_after_success(tmp_path):
    notebooks = tmp_path / "nb"
    good = make_lesson(notebooks, "01_good", "N = 3", "print(N * 2)")
    bad = make_lesson(notebooks, "02_bad", "N = 3", "print(N)", "raise RuntimeError('boom')")
    bad_bytes = bad.read_bytes()
    result = run_course("--notebooks", notebooks, "refresh")
    assert result.returncode == 1
    assert "02_bad: FAILED at cell 4 (In [3]): RuntimeError: boom" in result.stdout
    assert bad.read_bytes() == bad_bytes  # byte-identical after a failing refresh
    assert sorted(p.name for p in notebooks.iterdir()) == ["01_good.ipynb", "02_bad.ipynb"]  # no temp files
    cell = course.read_notebook(good).cells[2]
    assert cell.execution_count == 2 and cell.outputs[0]["text"] == "6\n"
    assert course.read_notebook(good).metadata["papermill"]["output_path"] == str(good)


def test_refresh_check_finds_changed_outputs_as_nbval_does(tmp_path):
    notebooks = tmp_path / "nb"
    path = make_lesson(
        notebooks, "01_a", "N = 3",
        "print(N * 2)",
        ("# nbval-ignore-output: the time differs every run\nimport time\nprint(time.time())", ["nbval-ignore-output"]),
        "print('address', object())",  # masked by the sanitize file's 0xADDRESS rule
        "print('stable')",
    )
    assert run_course("--notebooks", notebooks, "refresh").returncode == 0
    assert run_course("--notebooks", notebooks, "refresh", "--check").returncode == 0  # fresh: nothing changes

    # tamper with one deterministic stored output: the check must name that cell, and only it
    nb = course.read_notebook(path)
    nb.cells[5].outputs[0]["text"] = "stale\n"
    nbformat.write(nb, str(path))
    tampered = path.read_bytes()
    result = run_course("--notebooks", notebooks, "refresh", "--check")
    assert result.returncode == 1
    assert "01_a: Cell 4 would change" in result.stdout and "stale" in result.stdout
    assert "01_a: 1 checked output(s) would change" in result.stdout
    assert path.read_bytes() == tampered  # --check writes nothing

    nbval = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--nbval", "--nbval-kernel-name", "convnets-course",
         "--nbval-sanitize-with", str(REPO / "tests" / "nbval_sanitize.cfg"), str(path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    failed = sorted(line.split("::")[1].split()[0:2] for line in nbval.stdout.splitlines() if line.startswith("FAILED"))
    assert failed == [["Cell", "4"]], nbval.stdout[-3000:]


def test_nbval_comparison_ignores_png_and_tagged_cells():
    course._borrow_nbval()
    compare = course.NbvalComparison(REPO / "tests" / "nbval_sanitize.cfg")

    def nb_with(outputs, tags=()):
        nb = new_notebook()
        cell = new_code_cell("x", execution_count=1, outputs=outputs)
        cell.metadata["tags"] = list(tags)
        nb.cells.append(cell)
        return nb

    def figure(png):
        return nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure size 200x200>"})

    assert compare.differences(nb_with([figure("AAAA")]), nb_with([figure("BBBB")])) == []
    changed = [nbformat.v4.new_output("stream", name="stdout", text="2\n")]
    stored = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    assert [n for n, _ in compare.differences(nb_with(stored), nb_with(changed))] == [0]
    assert compare.differences(nb_with(stored, ["nbval-ignore-output"]), nb_with(changed)) == []


@pytest.mark.slow
def test_quick_run_of_the_real_lessons(tmp_path):
    """``course run --quick`` over whatever lessons notebooks/ holds: each
    succeeds, and runs with exactly its QUICK parameters injected."""
    lessons = course.find_lessons(REPO / "notebooks")
    if not lessons:
        pytest.skip("notebooks/ holds no lessons yet")
    # (that notebooks/ stays untouched is tested on fixtures above: here other
    # people may be saving lessons while this runs)
    build = tmp_path / "build"
    started = time.monotonic()
    result = run_course("--build", build, "run", "--quick", timeout=1200)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    for lesson in lessons:
        rec = record(build, lesson.name)
        assert rec["status"] == "ok" and rec["quick"] is True
        assert rec["parameters"] == lesson.quick
        nb = executed(build, lesson.name)
        injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
        if lesson.quick:
            assert len(injected) == 1, f"{lesson.name}: no injected-parameters cell"
            assert course.declared_parameters(injected[0].source)[0] == lesson.quick
    report = (build / "report.md").read_text()
    assert all(f"| {lesson.name} | ok |" in report for lesson in lessons)
    print(f"course run --quick: {len(lessons)} lessons in {elapsed:.0f} s")
