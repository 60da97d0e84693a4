"""JupyterLab, end to end, the way a learner meets it.

A JupyterLab server from the course environment (this venv) serves a temp
copy of notebooks/; headless Debian Chromium, driven by Playwright, opens
every lesson in the Lab UI (cells rendered = cells in the file, title
visible, the course kernel picked without a dialog) and runs lesson 01
through the Run menu (no error or stderr output, every code cell executed).
Solutions open folded: a solution cell (``jupyter.source_hidden`` and
``outputs_hidden`` in its metadata) shows JupyterLab's collapsed
placeholders, not its code or output, until a click expands it. A
screenshot of each lesson goes to build/screenshots/.

Animations and sliders, on a scratch notebook (the lessons are edited
elsewhere): after Run All, a ``helpers.plots`` animation steps frame by
frame, and moving the ``n`` slider of ``helpers.widgets.conv_explorer``
changes the output size it prints. Stored outputs of a notebook nobody has
trusted yet (a fresh clone) show the animation's last frame and the
explorer's still figure, not an empty widget area.

The last tests prove the checks can fail: a notebook with a stderr cell
and a deliberately broken cell, run the same way, must be reported cell by
cell; a notebook naming an unregistered kernel must fail to open (JupyterLab's
"Select Kernel" dialog).
"""

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat
import psutil
import pytest
from chromium import chromium_context
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
SCREENSHOTS = ROOT / "build" / "screenshots"
LEARNER_OVERRIDES = ROOT / "jupyter-settings" / "overrides.json"
KERNEL_NAME = "convnets-course"
KERNEL_DISPLAY_NAME = "Python 3 (convnets course)"
# On top of what learners get (jupyter-settings/overrides.json), for the test only:
TEST_OVERRIDES = {
    # render every cell, so counting .jp-Cell counts the notebook (no virtual windowing)
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    # the served copy is never written back, whatever the test does
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
}
SERVER_START_TIMEOUT_S = 90
NOTEBOOK_OPEN_TIMEOUT_S = 90
RUN_ALL_TIMEOUT_S = 20 * 60

pytestmark = pytest.mark.slow


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A running JupyterLab server: ``url(path)`` and ``api(path)``."""

    def __init__(self, port, token, root):
        self.base = f"http://127.0.0.1:{port}"
        self.token = token
        self.root = root

    def url(self, path):
        sep = "&" if "?" in path else "?"
        return f"{self.base}/{path.lstrip('/')}{sep}token={self.token}"

    def api(self, path, method="GET"):
        request = urllib.request.Request(self.url(f"api/{path}"), method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def close_sessions(self):
        """Shut down every notebook's kernel (one lesson's kernel never lingers into the next)."""
        for session in self.api("sessions"):
            self.api(f"sessions/{session['id']}", method="DELETE")

    def kernel_of(self, notebook_path):
        """The kernel model ({name, execution_state, ...}) of the session on ``notebook_path``."""
        sessions = [s for s in self.api("sessions") if s["path"] == notebook_path]
        return sessions[0]["kernel"] if sessions else None


def stop(process, timeout=30):
    """SIGTERM (the server then shuts its kernels down), SIGKILL if it hangs;
    then SIGKILL whatever it started (kernels) that is still alive."""
    try:
        children = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    for child in children:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()


@pytest.fixture(scope="module")
def lab():
    """JupyterLab from this venv on 127.0.0.1, a free port, a random token,
    serving a temp copy of notebooks/, with temp settings, workspaces, config
    and runtime dirs. Stopped and removed however the tests end."""
    with tempfile.TemporaryDirectory(prefix="convnets-lab-") as tmp:
        tmp = Path(tmp)
        root = tmp / "root"
        shutil.copytree(NOTEBOOKS, root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        (root / "scratch").mkdir()
        app_settings = tmp / "app-settings"
        app_settings.mkdir()
        overrides = json.loads(LEARNER_OVERRIDES.read_text())
        for plugin, values in TEST_OVERRIDES.items():
            overrides.setdefault(plugin, {}).update(values)
        (app_settings / "overrides.json").write_text(json.dumps(overrides, indent=2))
        env = dict(os.environ)
        env.update(
            JUPYTER_CONFIG_DIR=str(tmp / "config"),  # no user config leaks in
            JUPYTER_DATA_DIR=str(tmp / "data"),  # so kernels come from the venv (sys.prefix) only
            JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
            IPYTHONDIR=str(tmp / "ipython"),
            COURSE_BUILD_DIR=str(tmp / "build"),  # save_results() of a UI run stays out of the repo's build/
        )
        port, token = free_port(), secrets.token_hex(24)
        log = open(tmp / "server.log", "w")  # noqa: SIM115 -- open while the server runs, closed at teardown
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyterlab",
                "--no-browser",
                "--allow-root",
                "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={port}",
                "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={token}",
                f"--ServerApp.root_dir={root}",
                f"--LabApp.app_settings_dir={app_settings}",
                f"--LabApp.user_settings_dir={tmp / 'user-settings'}",
                f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=root,
            start_new_session=True,
        )
        server = Lab(port, token, root)
        try:
            deadline = time.monotonic() + SERVER_START_TIMEOUT_S
            while True:
                assert process.poll() is None, (
                    f"JupyterLab exited {process.returncode}:\n{(tmp / 'server.log').read_text()[-3000:]}"
                )
                try:
                    server.api("status")
                    break
                except OSError:
                    assert time.monotonic() < deadline, (
                        f"JupyterLab did not answer in {SERVER_START_TIMEOUT_S} s:\n{(tmp / 'server.log').read_text()[-3000:]}"
                    )
                    time.sleep(0.5)
            yield server
        finally:
            stop(process)
            log.close()


@pytest.fixture(scope="module")
def browser():
    """A Playwright browser context on Debian's headless Chromium, with a
    fresh user-data-dir (never a browser download)."""
    with chromium_context() as context:
        yield context


def open_notebook(browser, lab, path):
    """A page with ``path`` (relative to the server root) open in the Lab UI,
    in a workspace of its own, cells rendered and the kernel idle. Fails,
    closing the page, if a dialog blocks the notebook or it does not settle."""
    page = browser.new_page()
    try:
        workspace = re.sub(r"[^A-Za-z0-9]+", "-", path)
        page.goto(lab.url(f"lab/workspaces/{workspace}/tree/{path}"))
        page.locator(".jp-NotebookPanel").wait_for(state="visible", timeout=NOTEBOOK_OPEN_TIMEOUT_S * 1000)
        expected = len(nbformat.read(lab.root / path, as_version=4).cells)
        deadline = time.monotonic() + NOTEBOOK_OPEN_TIMEOUT_S
        while True:  # cells attach progressively: wait for the count to reach the file's and the kernel to be idle
            dialogs = visible_dialogs(page)
            assert not dialogs, f"{path}: a dialog blocks the notebook: {dialogs}"
            kernel = lab.kernel_of(path)
            if rendered_cells(page).count() >= expected and kernel and kernel["execution_state"] == "idle":
                return page
            assert time.monotonic() < deadline, (
                f"{path}: {rendered_cells(page).count()} of {expected} cells rendered, kernel {kernel}, "
                f"after {NOTEBOOK_OPEN_TIMEOUT_S} s"
            )
            page.wait_for_timeout(250)
    except BaseException:
        page.close()
        raise


def rendered_cells(page):
    return page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell")


def visible_toasts(page):
    """Texts of notification toasts (e.g. the "official Jupyter news" question)."""
    return [t.inner_text() for t in page.locator(".Toastify__toast").all() if t.is_visible()]


def visible_dialogs(page):
    """Titles of modal dialogs on the page (e.g. "Select Kernel")."""
    return [d.inner_text().split("\n")[0] for d in page.locator(".jp-Dialog").all() if d.is_visible()]


def run_all_cells(page):
    """Run menu -> Run All Cells, as a learner would."""
    page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click()


def expand_all_cells(page):
    """View menu -> Expand All Code, then Expand All Outputs: the folded
    solution cells show their prompts and outputs (a collapsed cell shows
    neither), as a learner who opens them all would see them."""
    for command in ("notebook:show-all-cell-code", "notebook:show-all-cell-outputs"):
        page.locator(".lm-MenuBar-item", has_text=re.compile(r"^View$")).click()
        page.locator(f".lm-Menu-item[data-command='{command}']").click()
    expect(page.locator(".jp-NotebookPanel .jp-InputPlaceholder")).to_have_count(0)


def wait_until_run_finishes(page, lab, path, timeout_s=RUN_ALL_TIMEOUT_S):
    """Until no cell shows ``[*]`` and the kernel is idle, twice in a row."""
    deadline = time.monotonic() + timeout_s
    page.wait_for_timeout(1000)
    settled = 0
    while settled < 2:
        assert time.monotonic() < deadline, f"{path}: still running after {timeout_s} s"
        prompts = page.locator(".jp-NotebookPanel .jp-CodeCell .jp-InputArea-prompt").all_inner_texts()
        kernel = lab.kernel_of(path)
        running = any("*" in p for p in prompts) or not kernel or kernel["execution_state"] != "idle"
        settled = 0 if running else settled + 1
        page.wait_for_timeout(1000)


def cell_report(page):
    """Per rendered cell: its type, prompt text, number of outputs and the
    last line of every error or stderr output (JupyterLab renders both as
    application/vnd.jupyter.stderr; a traceback's last line names the error)."""
    return page.evaluate("""() => Array.from(
        document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell')).map(cell => ({
          type: cell.classList.contains('jp-CodeCell') ? 'code'
              : cell.classList.contains('jp-MarkdownCell') ? 'markdown' : 'raw',
          prompt: (cell.querySelector('.jp-InputArea-prompt') || {}).innerText || '',
          stderr: Array.from(cell.querySelectorAll(
              '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
              .map(o => o.innerText.trim().split('\\n').slice(-1)[0]),
          outputs: cell.querySelectorAll('.jp-OutputArea-output').length,
        }))""")


def run_problems(report, committed=None):
    """What a learner would see go wrong after Run All in a fresh kernel, one
    line each: a code cell without an execution count, counts not 1, 2, 3...
    in cell order (a cell skipped or run twice), an error or stderr output,
    and, given the ``committed`` notebook, a cell that has outputs there but
    showed none."""
    problems = []
    code_cells = [c for c in committed.cells if c.cell_type == "code"] if committed else None
    expected_count = 0
    for index, cell in enumerate(report):
        if cell["type"] != "code":
            continue
        expected_count += 1
        match = re.fullmatch(r"\[(\d+)\]:", cell["prompt"].strip())
        if not match:
            problems.append(f"cell {index}: no execution count (prompt {cell['prompt'].strip()!r})")
        elif int(match.group(1)) != expected_count:
            problems.append(f"cell {index}: execution count {match.group(1)}, expected {expected_count}")
        for line in cell["stderr"]:
            problems.append(f"cell {index}: error/stderr output: {line}")
        if code_cells and code_cells[expected_count - 1].outputs and not cell["outputs"]:
            problems.append(
                f"cell {index}: no output, the committed notebook has {len(code_cells[expected_count - 1].outputs)}"
            )
    return problems


def assert_ran_cleanly(report, committed=None):
    problems = run_problems(report, committed)
    assert not problems, "after Run All Cells:\n" + "\n".join(problems)


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def title_of(notebook):
    """The text of the first ``# `` heading of the first markdown cell, as
    rendered (without Markdown's backticks and emphasis marks)."""
    first = next(c for c in notebook.cells if c.cell_type == "markdown")
    heading = next((line[2:].strip() for line in first.source.splitlines() if line.startswith("# ")), None)
    assert heading, "a lesson's first markdown cell starts with its '# ' title"
    return re.sub(r"[`*]", "", heading)


def test_there_are_lessons():
    assert LESSONS, f"no lessons (NN_*.ipynb) in {NOTEBOOKS}"
    assert LESSONS[0].name.startswith("01_"), f"the first lesson is {LESSONS[0].name}, expected 01_*"


def test_jupyterlab_lists_the_course_kernel(lab):
    specs = lab.api("kernelspecs")["kernelspecs"]
    assert KERNEL_NAME in specs, (
        f"JupyterLab from {sys.prefix} lists {sorted(specs)}, not {KERNEL_NAME}; run make setup"
    )
    assert specs[KERNEL_NAME]["spec"]["display_name"] == KERNEL_DISPLAY_NAME
    for lesson in LESSONS:
        kernelspec = nbformat.read(lesson, as_version=4).metadata.get("kernelspec", {})
        assert kernelspec.get("name") == KERNEL_NAME, f"{lesson.name} names kernel {kernelspec.get('name')!r}"


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_renders_in_jupyterlab(browser, lab, lesson):
    path = f"notebooks/{lesson.name}"
    notebook = nbformat.read(lesson, as_version=4)
    page = open_notebook(browser, lab, path)
    try:
        page.wait_for_timeout(2000)  # let anything that would pop up (dialog, news toast) appear
        screenshot(page, lesson.stem)
        assert visible_dialogs(page) == [], f"{lesson.name}: a dialog blocks the notebook"
        assert visible_toasts(page) == [], "jupyter-settings/overrides.json should keep notifications away"
        assert rendered_cells(page).count() == len(notebook.cells)
        title = title_of(notebook)
        heading = page.locator(".jp-NotebookPanel .jp-RenderedMarkdown h1").first
        expect(heading).to_be_in_viewport()  # on screen when the lesson opens, not merely in the DOM
        assert title in heading.inner_text(), (
            f"{lesson.name}: the first heading is {heading.inner_text()!r}, not {title!r}"
        )
        assert lab.kernel_of(path)["name"] == KERNEL_NAME
        kernel_label = page.locator(".jp-NotebookPanel-toolbar [data-jp-item-name='kernelName']").first
        assert kernel_label.inner_text().strip() == KERNEL_DISPLAY_NAME
        # the solution cells, and only they, open with their input collapsed
        hidden = [i for i, cell in enumerate(notebook.cells) if cell.metadata.get("jupyter", {}).get("source_hidden")]
        assert collapsed_inputs(page) == hidden, f"{lesson.name}: collapsed cells on open"
    finally:
        page.close()
        lab.close_sessions()


def collapsed_inputs(page):
    """Positions of the rendered cells that show JupyterLab's collapsed-input placeholder."""
    return page.evaluate("""() => Array.from(
        document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell')).flatMap((cell, i) => {
          const placeholder = cell.querySelector('.jp-InputPlaceholder');
          return placeholder && placeholder.offsetParent !== null ? [i] : [];
        })""")


def solution_notebook():
    """An exercise cell, a folded solution cell (marked as the lessons mark
    them) with an output, and a cell after it; outputs stored, as committed."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    solution = new_code_cell(
        "answer = 6 * 7  # SOLUTION_INPUT\nprint('SOLUTION_OUTPUT', answer)",
        execution_count=2,
        outputs=[new_output("stream", name="stdout", text="SOLUTION_OUTPUT 42\n")],
    )
    solution.metadata.update(jupyter={"source_hidden": True, "outputs_hidden": True}, tags=["solution"])
    return new_notebook(
        cells=[
            new_markdown_cell("# Solutions folded\n\n**Exercise 1.** Compute the answer."),
            new_code_cell("answer = None  # EXERCISE_INPUT", execution_count=1),
            new_markdown_cell("## Solutions\n\n**Solution 1.**"),
            solution,
            new_code_cell(
                "print('AFTER')", execution_count=3, outputs=[new_output("stream", name="stdout", text="AFTER\n")]
            ),
        ],
        metadata={"kernelspec": {"name": KERNEL_NAME, "display_name": KERNEL_DISPLAY_NAME, "language": "python"}},
    )


def test_a_solution_opens_collapsed_and_expands_on_click(browser, lab):
    """A fixture notebook (the lessons are edited elsewhere): JupyterLab shows
    the solution's input and output as collapsed placeholders, the other
    cells in full; a click on each placeholder shows the code and the output."""
    path = "scratch/solutions.ipynb"
    nbformat.write(solution_notebook(), lab.root / path)
    page = open_notebook(browser, lab, path)
    try:
        cells = rendered_cells(page)
        solution, exercise = cells.nth(3), cells.nth(1)
        assert collapsed_inputs(page) == [3]
        expect(solution.locator(".jp-Cell-inputCollapser")).to_be_attached()
        expect(solution.locator(".jp-InputPlaceholder")).to_be_visible()
        expect(solution.locator(".jp-InputArea")).to_be_hidden()
        # JupyterLab 4 previews the source's first line in the placeholder (so a lesson's solution
        # cell starts with a comment line, not the answer); the output is hidden entirely
        expect(solution.locator(".jp-InputPlaceholder .jp-PlaceholderText")).to_have_text(
            "answer = 6 * 7  # SOLUTION_INPUT"
        )
        expect(solution.locator(".jp-OutputArea")).to_be_hidden()
        expect(page.get_by_text("SOLUTION_OUTPUT 42")).to_be_hidden()
        expect(exercise.locator(".jp-InputArea")).to_be_visible()
        expect(exercise.locator(".jp-InputPlaceholder")).to_have_count(0)
        screenshot(page, "solution_collapsed")
        solution.locator(".jp-InputPlaceholder").click()
        expect(solution.locator(".jp-InputArea")).to_be_visible()
        expect(solution.locator(".jp-InputArea .cm-content")).to_contain_text("print('SOLUTION_OUTPUT', answer)")
        expect(solution.locator(".jp-InputPlaceholder")).to_be_hidden()
        # outputs_hidden: the output now shows as its own placeholder, opened by a second click
        expect(solution.locator(".jp-OutputArea")).to_have_count(0)
        expect(solution.locator(".jp-OutputPlaceholder .jp-PlaceholderText")).to_have_text("SOLUTION_OUTPUT 42")
        solution.locator(".jp-OutputPlaceholder").click()
        expect(solution.locator(".jp-OutputArea")).to_be_visible()
        expect(solution.locator(".jp-OutputArea")).to_contain_text("SOLUTION_OUTPUT 42")
        assert collapsed_inputs(page) == []
        screenshot(page, "solution_expanded")
    finally:
        page.close()
        lab.close_sessions()


def without_outputs(notebook):
    """A copy of ``notebook`` with every output and execution count removed."""
    cleared = nbformat.from_dict(json.loads(json.dumps(notebook)))
    for cell in cleared.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return cleared


def test_lesson_01_runs_through_the_ui(browser, lab):
    lesson = LESSONS[0]
    committed = nbformat.read(lesson, as_version=4)
    # Run a copy stripped of outputs (same folder, so the kernel's cwd is the
    # lesson's): every count and output on screen then comes from this run.
    path = f"notebooks/{lesson.stem}_cleared.ipynb"
    nbformat.write(without_outputs(committed), lab.root / path)
    page = open_notebook(browser, lab, path)
    try:
        expand_all_cells(page)  # the folded solutions too: every prompt and output on screen
        before = [c["prompt"].strip() for c in cell_report(page) if c["type"] == "code"]
        assert set(before) == {"[ ]:"}, f"the cleared copy shows prompts {sorted(set(before))}"
        run_all_cells(page)
        wait_until_run_finishes(page, lab, path)
        report = cell_report(page)
        last_figure = page.locator(".jp-NotebookPanel .jp-OutputArea-output img").last
        if last_figure.count():
            last_figure.scroll_into_view_if_needed()
        screenshot(page, f"{lesson.stem}_after_run_all")
        assert len(report) == len(committed.cells)
        assert_ran_cleanly(report, committed)
    finally:
        page.close()
        lab.close_sessions()


def test_the_ui_check_reports_a_broken_cell(browser, lab):
    """The test of the test: a notebook with a cell writing to stderr, then a
    cell that raises, then one Run All never reaches."""
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Broken on purpose"),
            nbformat.v4.new_code_cell("x = 1\nx"),
            nbformat.v4.new_code_cell("import sys\nprint('a warning on stderr', file=sys.stderr)"),
            nbformat.v4.new_code_cell("raise ValueError('deliberately broken cell')"),
            nbformat.v4.new_code_cell("y = 2"),
        ],
        metadata={"kernelspec": {"name": KERNEL_NAME, "display_name": KERNEL_DISPLAY_NAME, "language": "python"}},
    )
    path = "scratch/broken.ipynb"
    nbformat.write(notebook, lab.root / path)
    page = open_notebook(browser, lab, path)
    try:
        run_all_cells(page)
        wait_until_run_finishes(page, lab, path, timeout_s=120)
        report = cell_report(page)
        screenshot(page, "broken_notebook_after_run_all")
    finally:
        page.close()
        lab.close_sessions()
    problems = run_problems(report)
    assert not any(p.startswith("cell 1:") for p in problems), problems  # the good cell ran cleanly
    assert any(p.startswith("cell 2:") and "a warning on stderr" in p for p in problems), problems
    assert any(p.startswith("cell 3:") and "ValueError: deliberately broken cell" in p for p in problems), problems
    assert any(p.startswith("cell 4:") and "no execution count" in p for p in problems), problems
    with pytest.raises(AssertionError, match="deliberately broken"):
        assert_ran_cleanly(report)


def test_the_ui_check_reports_an_unknown_kernel(browser, lab):
    """The test of the test: a notebook naming a kernel nobody registered
    gets JupyterLab's "Select Kernel" dialog, and opening it must fail."""
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# Unknown kernel on purpose"), nbformat.v4.new_code_cell("1")],
        metadata={"kernelspec": {"name": "no-such-kernel", "display_name": "No such kernel", "language": "python"}},
    )
    path = "scratch/unknown_kernel.ipynb"
    nbformat.write(notebook, lab.root / path)
    try:
        with pytest.raises(AssertionError, match="Select Kernel"):
            open_notebook(browser, lab, path).close()
    finally:
        lab.close_sessions()


SCRATCH_KERNELSPEC = {"kernelspec": {"name": KERNEL_NAME, "display_name": KERNEL_DISPLAY_NAME, "language": "python"}}
POOLING_EXAMPLE = "np.array([[1, 3, 2, 1], [4, 6, 5, 0], [3, 1, 1, 2], [0, 2, 4, 3]])"


def widgets_notebook():
    """An animation and the conv explorer, unexecuted."""
    return nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Animations and sliders"),
            nbformat.v4.new_code_cell("import numpy as np\n\nfrom helpers import plots, widgets"),
            nbformat.v4.new_code_cell(f"plots.pooling_animation({POOLING_EXAMPLE})"),
            nbformat.v4.new_code_cell("widgets.conv_explorer(n=8, k=3, padding='valid', stride=2)"),
        ],
        metadata=SCRATCH_KERNELSPEC,
    )


def output_size(page):
    """The output size the explorer prints (``... = 3: a 3x3 output ...``), or None."""
    text = page.locator(".jp-NotebookPanel .widget-output").first.inner_text()
    match = re.search(r"= (\d+)(?: \(span [^)]*\))?: a (\d+)x\2 output", text)
    return int(match.group(2)) if match else None


def test_an_animation_steps_and_a_slider_changes_the_output_size(browser, lab):
    path = "scratch/widgets.ipynb"
    nbformat.write(widgets_notebook(), lab.root / path)
    page = open_notebook(browser, lab, path)
    try:
        run_all_cells(page)
        wait_until_run_finishes(page, lab, path, timeout_s=180)
        assert_ran_cleanly(cell_report(page))
        # the animation: Next frame shows another frame, Previous frame the first again
        animation = page.locator(".jp-NotebookPanel .jp-OutputArea-output div.animation")
        expect(animation).to_have_count(1)
        image = animation.locator("img")
        animation.locator('button[title="First frame"]').click()
        first = image.get_attribute("src")
        animation.locator('button[title="Next frame"]').click()
        assert image.get_attribute("src") != first, "Next frame did not change the animation's image"
        animation.locator('button[title="Previous frame"]').click()
        assert image.get_attribute("src") == first
        # the explorer: live controls (not the static still), and the n slider changes the output size
        expect(page.locator(".jp-NotebookPanel .widget-vbox").first).to_be_visible(timeout=30_000)
        expect(page.locator(".jp-NotebookPanel .widget-output .jp-OutputArea-output img")).to_have_count(1)
        assert output_size(page) == 3  # floor((8 - 3) / 2) + 1
        slider = page.locator(".jp-NotebookPanel .widget-hslider", has=page.get_by_text("n", exact=True)).first
        slider.locator(".noUi-handle").focus()
        page.keyboard.press("ArrowRight")  # n: 8 -> 9
        expect(slider.locator(".widget-readout")).to_have_text("9")
        deadline = time.monotonic() + 30
        while output_size(page) != 4 and time.monotonic() < deadline:  # floor((9 - 3) / 2) + 1
            page.wait_for_timeout(250)
        assert output_size(page) == 4, page.locator(".jp-NotebookPanel .widget-output").first.inner_text()
        screenshot(page, "widgets_after_slider")
    finally:
        page.close()
        lab.close_sessions()


def test_stored_outputs_of_an_untrusted_notebook_show_still_figures(browser, lab):
    """As a learner's fresh clone opens: JupyterLab sanitises untrusted HTML
    (no scripts) and renders no widget from a stored output; the animation
    shows its last frame and the explorer its still figure."""
    import base64

    import numpy as np
    from IPython.core.formatters import DisplayFormatter

    from helpers import plots, widgets

    animation = plots.pooling_animation(eval(POOLING_EXAMPLE, {"np": np}))
    data = {
        mime: base64.b64encode(v).decode("ascii") if isinstance(v, bytes) else v
        for mime, v in DisplayFormatter().format(animation)[0].items()
    }
    still = {
        widgets.WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": "0" * 32},
        "image/png": base64.b64encode(animation.still).decode("ascii"),
        "text/plain": widgets.STATIC_TEXT,
    }
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Stored outputs"),
            nbformat.v4.new_code_cell(
                "plots.pooling_animation(x)",
                execution_count=1,
                outputs=[nbformat.v4.new_output("execute_result", data=data, execution_count=1)],
            ),
            nbformat.v4.new_code_cell(
                "widgets.conv_explorer()",
                execution_count=2,
                outputs=[nbformat.v4.new_output("display_data", data=still)],
            ),
        ],
        metadata=SCRATCH_KERNELSPEC,
    )
    path = "scratch/stored.ipynb"
    nbformat.write(notebook, lab.root / path)
    page = open_notebook(browser, lab, path)
    try:
        outputs = page.locator(".jp-NotebookPanel .jp-Cell .jp-OutputArea-output")
        expect(outputs).to_have_count(2)
        images = outputs.locator("img")
        expect(images).to_have_count(2)
        for i in range(2):
            assert images.nth(i).evaluate("i => i.complete && i.naturalWidth > 0"), f"output {i}: no image"
        src = images.nth(0).get_attribute("src")
        assert src == "data:image/png;base64," + base64.b64encode(animation.still).decode("ascii")
        expect(page.get_by_text(widgets.STATIC_TEXT)).to_have_count(0)
        expect(page.get_by_text("Error displaying widget")).to_have_count(0)
        screenshot(page, "stored_outputs_untrusted")
    finally:
        page.close()
        lab.close_sessions()
