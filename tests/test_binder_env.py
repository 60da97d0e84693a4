"""What Binder builds, minus conda: a fresh venv with environment.yml's pip
list installed the way conda installs it (``pip install -r requirements.txt``,
the lock, relative to environment.yml), then postBuild run in it, then
``pip check``, then lesson 01 executed there with papermill at its default
parameters, measuring the kernel's peak RSS against Binder's memory. A
dependency the lessons import but the lock forgets fails here, not on Binder.

The venv (~2 GB) is cached outside the repo, keyed by a hash of
environment.yml, the files its pip list reads (the lock), postBuild and the
Python version, so it costs minutes only when one of them changes:
``~/.cache/convnets-course/binder-venv-<hash>`` (``$XDG_CACHE_HOME`` or
``$COURSE_CACHE_DIR`` move it). postBuild runs on every test run, as Binder
would run it on every build, so its editable install points at this checkout.
"""

import json
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
import yaml
from environments import (
    ROOT,
    cached_venv,
    differences_from_lock,
    input_hash,
    installed_in,
    isolated_env,
    lock_for,
    pip_check,
    pip_install,
    run,
    this_python,
)

ENVIRONMENT_YML = ROOT / "environment.yml"
POSTBUILD = ROOT / "postBuild"
OVERRIDES = ROOT / "jupyter-settings" / "overrides.json"
NOTEBOOKS = ROOT / "notebooks"
KERNEL_NAME = "convnets-course"
KERNEL_DISPLAY_NAME = "Python 3 (convnets course)"
BINDER_RAM_BUDGET_BYTES = 1.5 * 2**30  # Binder gives ~2 GB; the course promises < 1.5 GB per lesson
REPORT = ROOT / "build" / "binder_env.json"

pytestmark = pytest.mark.slow


def environment_pip_list(path=ENVIRONMENT_YML):
    """The ``pip:`` list of environment.yml, as written (list of str)."""
    env = yaml.safe_load(path.read_text())
    pip = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip) == 1, f"{path.name} must have exactly one pip: list, found {len(pip)}"
    return [str(line) for line in pip[0]]


def pip_install_args(pip_list, base):
    """``pip install`` arguments for a conda ``pip:`` list: conda hands pip the
    list as a requirements file next to environment.yml, so ``-r FILE`` is
    relative to ``base``. Returns (arguments, [files read])."""
    args, files = [], []
    for line in pip_list:
        if line.startswith(("-r ", "--requirement ")):
            path = base / line.split(None, 1)[1].strip()
            args += ["-r", str(path)]
            files.append(path)
        else:
            args.append(line)
    return args, files


def environment_python(path=ENVIRONMENT_YML):
    """The ``python=X.Y`` that environment.yml asks conda for, as (X, Y)."""
    env = yaml.safe_load(path.read_text())
    pythons = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python=")]
    assert len(pythons) == 1, f"{path.name} must pin python=X.Y exactly once"
    return tuple(int(part) for part in pythons[0].split("=", 1)[1].split(".")[:2])


def lesson_01():
    found = sorted(NOTEBOOKS.glob("01_*.ipynb"))
    assert found, (
        f"lesson 01 (notebooks/01_*.ipynb) is missing; found {sorted(p.name for p in NOTEBOOKS.glob('*.ipynb'))}"
    )
    return found[0]


def test_pip_install_args_reads_requirement_files_relative_to_environment_yml(tmp_path):
    args, files = pip_install_args(["-r requirements.txt", "six==1.17.0"], tmp_path)
    assert args == ["-r", str(tmp_path / "requirements.txt"), "six==1.17.0"]
    assert files == [tmp_path / "requirements.txt"]


@pytest.fixture(scope="module")
def binder_venv(tmp_path_factory):
    """(venv, home, timings): environment.yml's pip list installed into a
    cached venv, then postBuild run in it (every time)."""
    assert sys.version_info[:2] == environment_python(), (
        f"environment.yml asks for Python {environment_python()}, the tests run {sys.version_info[:2]}"
    )
    args, files = pip_install_args(environment_pip_list(), ENVIRONMENT_YML.parent)
    home = tmp_path_factory.mktemp("binder-home")
    log = home / "build.log"
    timings = {}

    def build(venv):
        run([sys.executable, "-m", "venv", venv], log=log)
        timings["pip_install_s"] = pip_install(venv, *args, cwd=ENVIRONMENT_YML.parent, log=log)

    digest = input_hash(ENVIRONMENT_YML, *files, POSTBUILD, extra=this_python())
    with cached_venv("binder-venv", digest, build) as (venv, build_seconds):
        timings["cached"] = build_seconds is None
        # Binder runs ./postBuild from the repo root, with the environment active.
        timings["postbuild_s"] = round(run([POSTBUILD], cwd=ROOT, env=isolated_env(venv, home), log=log), 1)
        yield venv, home, timings


def test_environment_yml_installs_exactly_the_lock(binder_venv):
    venv, home, _ = binder_venv
    installed = installed_in(venv / "bin" / "python", env=isolated_env(venv, home))
    assert differences_from_lock(installed, lock_for()) == []
    assert "convnets-course-helpers" in installed, "postBuild did not install helpers"


def test_pip_check_passes_in_the_binder_env(binder_venv):
    """Every installed package's requirements are met: the lock is complete and
    the course's own package (loose dependencies) fits it."""
    venv, home, _ = binder_venv
    done = pip_check(venv, isolated_env(venv, home))
    assert done.returncode == 0, done.stdout + done.stderr


def test_postbuild_registers_the_course_kernel_and_lab_settings(binder_venv):
    venv, home, _ = binder_venv
    env = isolated_env(venv, home)
    listing = subprocess.run(
        [venv / "bin" / "jupyter", "kernelspec", "list", "--json"], capture_output=True, text=True, check=True, env=env
    )
    spec = json.loads(listing.stdout)["kernelspecs"].get(KERNEL_NAME)
    assert spec, f"postBuild did not register the {KERNEL_NAME!r} kernel"
    assert Path(spec["resource_dir"]).is_relative_to(venv), (
        f"{KERNEL_NAME} is registered outside the venv: {spec['resource_dir']}"
    )
    assert spec["spec"]["display_name"] == KERNEL_DISPLAY_NAME
    assert Path(spec["spec"]["argv"][0]).parent == venv / "bin", (
        f"the kernel runs {spec['spec']['argv'][0]}, not the venv's python"
    )
    assert spec["spec"].get("env") == {"MALLOC_ARENA_MAX": "2"}, "the kernel lacks postBuild's memory setting"

    settings_dir = subprocess.run(
        [venv / "bin" / "python", "-c", "from jupyterlab.labapp import LabApp; print(LabApp().app_settings_dir)"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.strip()
    installed = Path(settings_dir) / "overrides.json"
    assert installed.exists(), f"postBuild did not install JupyterLab's overrides.json into {settings_dir}"
    assert json.loads(installed.read_text()) == json.loads(OVERRIDES.read_text())


def test_lesson_01_runs_with_papermill_in_the_binder_env(binder_venv):
    venv, home, timings = binder_venv
    notebook = lesson_01()  # at its default parameters (seconds; nothing is trained): Binder's real peak memory
    output = home / notebook.name
    log = home / "papermill.log"
    cmd = [venv / "bin" / "papermill", "--kernel", KERNEL_NAME, "--cwd", NOTEBOOKS, notebook, output]
    started = time.monotonic()
    # wait4's rusage covers papermill and every descendant it reaped, the kernel included: ru_maxrss is
    # the peak resident set of the largest of them, in KiB on Linux. But a child's ru_maxrss starts at
    # the high-water mark of the process it was forked from (Linux records the old memory's peak at
    # exec), and this pytest process grows past a GiB over the whole suite. So papermill is started
    # and waited for by a fresh, small Python process, whose own peak is all the child inherits.
    measure = (
        "import os, subprocess, sys\n"
        "with open(sys.argv[1], 'w') as log:\n"
        "    child = subprocess.Popen(sys.argv[2:], stdout=log, stderr=subprocess.STDOUT)\n"
        "    _, status, usage = os.wait4(child.pid, 0)\n"
        "print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)"
    )
    measured = subprocess.run(
        [sys.executable, "-c", measure, log, *cmd],
        capture_output=True,
        text=True,
        env=isolated_env(venv, home),
        check=True,
    )
    returncode, peak_kib = map(int, measured.stdout.split())
    seconds = time.monotonic() - started
    assert returncode == 0, f"papermill {notebook.name} failed in the Binder venv:\n{log.read_text()[-4000:]}"

    executed = nbformat.read(output, as_version=4)
    code_cells = [c for c in executed.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code_cells), "papermill left a code cell unexecuted"
    noisy = [
        (i, o.get("name", o.output_type))
        for i, c in enumerate(executed.cells)
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error" or o.get("name") == "stderr"
    ]
    assert not noisy, f"cells with error/stderr output in the Binder venv: {noisy}"

    peak_bytes = peak_kib * 1024
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(
        json.dumps(
            {
                "venv": str(venv),
                **timings,
                "lesson": notebook.name,
                "parameters": "defaults",
                "papermill_s": round(seconds, 1),
                "peak_rss_mib": round(peak_bytes / 2**20),
            },
            indent=2,
        )
        + "\n"
    )
    assert peak_bytes < BINDER_RAM_BUDGET_BYTES, f"lesson 01 peaked at {peak_bytes / 2**30:.2f} GiB RSS"
