"""What Binder builds, minus conda: a fresh venv holding exactly the pip list
of environment.yml, then postBuild run in it, then lesson 01 executed there
with papermill at its default parameters, measuring the kernel's peak RSS
against Binder's memory. A dependency the lessons import but environment.yml forgets
fails here, not on Binder.

The venv (~2 GB) is cached outside the repo, keyed by a hash of
environment.yml, postBuild and the Python version, so it costs minutes only
when one of them changes: ``~/.cache/convnets-course/binder-venv-<hash>``
(``$XDG_CACHE_HOME`` or ``$COURSE_CACHE_DIR`` move it). postBuild runs on
every test run, as Binder would run it on every build, so its editable
install points at this checkout.
"""

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENT_YML = ROOT / "environment.yml"
POSTBUILD = ROOT / "postBuild"
OVERRIDES = ROOT / "jupyter-settings" / "overrides.json"
NOTEBOOKS = ROOT / "notebooks"
KERNEL_NAME = "convnets-course"
KERNEL_DISPLAY_NAME = "Python 3 (convnets course)"
BINDER_RAM_BUDGET_BYTES = 1.5 * 2**30  # Binder gives ~2 GB; the course promises < 1.5 GB per lesson
CACHE_DIR = Path(
    os.environ.get("COURSE_CACHE_DIR")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "convnets-course"
)
REPORT = ROOT / "build" / "binder_env.json"

pytestmark = pytest.mark.slow


def environment_pip_list(path=ENVIRONMENT_YML):
    """The ``pip:`` list of environment.yml, as written (list of str)."""
    env = yaml.safe_load(path.read_text())
    pip = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip) == 1, f"{path.name} must have exactly one pip: list, found {len(pip)}"
    return [str(line) for line in pip[0]]


def environment_python(path=ENVIRONMENT_YML):
    """The ``python=X.Y`` that environment.yml asks conda for, as (X, Y)."""
    env = yaml.safe_load(path.read_text())
    pythons = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python=")]
    assert len(pythons) == 1, f"{path.name} must pin python=X.Y exactly once"
    return tuple(int(part) for part in pythons[0].split("=", 1)[1].split(".")[:2])


def environment_hash():
    """12 hex digits naming one build: environment.yml, postBuild, Python X.Y."""
    digest = hashlib.sha256()
    for path in (ENVIRONMENT_YML, POSTBUILD):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(f"python{sys.version_info[0]}.{sys.version_info[1]}".encode())
    return digest.hexdigest()[:12]


def lesson_01():
    found = sorted(NOTEBOOKS.glob("01_*.ipynb"))
    assert found, f"lesson 01 (notebooks/01_*.ipynb) is missing; found {sorted(p.name for p in NOTEBOOKS.glob('*.ipynb'))}"
    return found[0]


def isolated_env(venv, home):
    """Environment for commands "inside" the Binder venv: its bin/ first on
    PATH, and Jupyter/IPython user dirs in ``home`` so only the venv's own
    kernels, settings and config are seen."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "CONDA_PREFIX")}
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        VIRTUAL_ENV=str(venv),
        JUPYTER_CONFIG_DIR=str(home / "jupyter-config"),
        JUPYTER_DATA_DIR=str(home / "jupyter-data"),
        JUPYTER_RUNTIME_DIR=str(home / "jupyter-runtime"),
        IPYTHONDIR=str(home / "ipython"),
        COURSE_BUILD_DIR=str(home / "build"),  # what the lesson saves stays out of the repo's build/
        PYTHONNOUSERSITE="1",
    )
    return env


def run(cmd, *, log, **kwargs):
    """Run ``cmd``; on failure, the assertion shows the command and its output tail."""
    started = time.monotonic()
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)
    log.write_text((log.read_text() if log.exists() else "") + f"$ {' '.join(map(str, cmd))}\n{result.stdout}\n")
    assert result.returncode == 0, f"{' '.join(map(str, cmd))} exited {result.returncode}:\n{result.stdout[-4000:]}"
    return time.monotonic() - started


@pytest.fixture(scope="module")
def binder_venv(tmp_path_factory):
    """(venv path, timings dict): environment.yml's pip list installed into a
    cached venv, then postBuild run in it (every time)."""
    assert sys.version_info[:2] == environment_python(), (
        f"environment.yml asks for Python {environment_python()}, the tests run {sys.version_info[:2]}"
    )
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    venv = CACHE_DIR / f"binder-venv-{environment_hash()}"
    complete = venv / ".environment-yml-installed"
    home = tmp_path_factory.mktemp("binder-home")
    log = home / "build.log"
    timings = {"cached": True}
    with open(CACHE_DIR / f"{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two test runs never build one venv at once
        if not complete.exists():
            timings["cached"] = False
            shutil.rmtree(venv, ignore_errors=True)
            run([sys.executable, "-m", "venv", venv], log=log)
            timings["pip_install_s"] = run(
                [venv / "bin" / "python", "-m", "pip", "install", "--disable-pip-version-check", "--quiet",
                 *environment_pip_list()], log=log)
            complete.write_text(ENVIRONMENT_YML.read_text())
            for stale in CACHE_DIR.glob("binder-venv-*"):  # keep one build (~2 GB) on disk
                if stale.is_dir() and stale != venv:
                    shutil.rmtree(stale, ignore_errors=True)
                    stale.with_name(stale.name + ".lock").unlink(missing_ok=True)
        # Binder runs ./postBuild from the repo root, with the environment active.
        timings["postbuild_s"] = run([POSTBUILD], cwd=ROOT, env=isolated_env(venv, home), log=log)
        yield venv, home, timings


def test_environment_yml_installs_the_pinned_versions(binder_venv):
    venv, home, _ = binder_venv
    freeze = subprocess.run([venv / "bin" / "python", "-m", "pip", "list", "--format=json"],
                            capture_output=True, text=True, check=True, env=isolated_env(venv, home))
    installed = {p["name"].lower().replace("_", "-"): p["version"] for p in json.loads(freeze.stdout)}
    from packaging.requirements import Requirement

    for line in environment_pip_list():
        requirement = Requirement(line)
        if requirement.marker and not requirement.marker.evaluate():
            continue
        name = requirement.name.lower().replace("_", "-")
        assert name in installed, f"{requirement.name} is in environment.yml but not installed in {venv}"
        assert installed[name] in requirement.specifier, f"{name} {installed[name]} is not {requirement.specifier}"
    assert "convnets-course-helpers" in installed, "postBuild did not install helpers"


def test_postbuild_registers_the_course_kernel_and_lab_settings(binder_venv):
    venv, home, _ = binder_venv
    env = isolated_env(venv, home)
    listing = subprocess.run([venv / "bin" / "jupyter", "kernelspec", "list", "--json"],
                             capture_output=True, text=True, check=True, env=env)
    spec = json.loads(listing.stdout)["kernelspecs"].get(KERNEL_NAME)
    assert spec, f"postBuild did not register the {KERNEL_NAME!r} kernel"
    assert Path(spec["resource_dir"]).is_relative_to(venv), f"{KERNEL_NAME} is registered outside the venv: {spec['resource_dir']}"
    assert spec["spec"]["display_name"] == KERNEL_DISPLAY_NAME
    assert Path(spec["spec"]["argv"][0]).parent == venv / "bin", f"the kernel runs {spec['spec']['argv'][0]}, not the venv's python"
    assert spec["spec"].get("env") == {"MALLOC_ARENA_MAX": "2"}, "the kernel lacks postBuild's memory setting"

    settings_dir = subprocess.run(
        [venv / "bin" / "python", "-c", "from jupyterlab.labapp import LabApp; print(LabApp().app_settings_dir)"],
        capture_output=True, text=True, check=True, env=env).stdout.strip()
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
    with open(log, "w") as log_file:
        process = subprocess.Popen(cmd, stdout=log_file, stderr=subprocess.STDOUT, env=isolated_env(venv, home))
        # wait4's rusage covers papermill and every descendant it reaped, the kernel included:
        # ru_maxrss is the peak resident set of the largest of them, in KiB on Linux.
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - started
    assert process.returncode == 0, f"papermill {notebook.name} failed in the Binder venv:\n{log.read_text()[-4000:]}"

    executed = nbformat.read(output, as_version=4)
    code_cells = [c for c in executed.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code_cells), "papermill left a code cell unexecuted"
    noisy = [(i, o.get("name", o.output_type)) for i, c in enumerate(executed.cells) if c.cell_type == "code"
             for o in c.outputs if o.output_type == "error" or o.get("name") == "stderr"]
    assert not noisy, f"cells with error/stderr output in the Binder venv: {noisy}"

    peak_bytes = usage.ru_maxrss * 1024
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps({
        "venv": str(venv), **timings, "lesson": notebook.name, "parameters": "defaults",
        "papermill_s": round(seconds, 1), "peak_rss_mib": round(peak_bytes / 2**20),
    }, indent=2) + "\n")
    assert peak_bytes < BINDER_RAM_BUDGET_BYTES, f"lesson 01 peaked at {peak_bytes / 2**30:.2f} GiB RSS"
