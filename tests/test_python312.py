"""The closest this machine gets to Colab: another Python (3.12), the course
package installed from its own loose dependencies (not the lock), the plain
``tensorflow`` package (Colab's name, not the lock's ``tensorflow-cpu``), and
lesson 01 executed there with papermill in a kernel registered inside that venv.
Twice: with the newest releases pip picks (``newest``), and with every
declared lower bound exactly (``lowest``: numpy, matplotlib, keras and
tensorflow at the ``>=`` versions of pyproject.toml), so the bounds Colab
and other environments rely on are tested, not just written down.

Each venv is cached outside the repo (see environments.CACHE_DIR), keyed by a
hash of pyproject's dependencies and the interpreter's version, so its ~2 GB are
installed only when the declared dependencies change; the course's own
package is reinstalled (not editable, as ``pip install git+...`` on Colab
would) on every run, so the run tests this checkout.
"""

import json
import subprocess
import tomllib
from pathlib import Path

import pytest
from environments import (
    ROOT,
    cached_venv,
    execute_lesson,
    find_python,
    first_line,
    input_hash,
    install_kernel,
    installed_in,
    isolated_env,
    normalize,
    pip_check,
    pip_install,
    problems,
    run,
)
from packaging.requirements import Requirement
from packaging.version import Version

PYPROJECT = ROOT / "pyproject.toml"
KERNEL_NAME = "convnets-course"
REPORTS = ROOT / "build"  # python312_newest.json, python312_lowest.json

pytestmark = pytest.mark.slow


def interpreter_version(python):
    out = subprocess.run(
        [python, "-c", "import platform; print(platform.python_version())"], capture_output=True, text=True, check=True
    ).stdout
    return out.strip()


def declared_dependencies(pyproject=PYPROJECT):
    """pyproject's dependencies and its tensorflow extra: what these venvs install."""
    project = tomllib.loads(Path(pyproject).read_text())["project"]
    return project["dependencies"] + project["optional-dependencies"]["tensorflow"]


def lower_bounds(pyproject=PYPROJECT):
    """{name: version}: the ``>=`` bound of each dependency and of the ``tensorflow`` extra."""
    bounds = {}
    for line in declared_dependencies(pyproject):
        requirement = Requirement(line)
        (specifier,) = requirement.specifier
        assert specifier.operator == ">=", f"{line}: expected a single lower bound"
        bounds[normalize(requirement.name)] = specifier.version
    return bounds


def test_lower_bounds_cover_helpers_dependencies_and_tensorflow():
    assert set(lower_bounds()) == {"numpy", "matplotlib", "keras", "tensorflow"}


@pytest.fixture(scope="module", params=["newest", "lowest"])
def venv312(request, tmp_path_factory):
    """(venv, home, timings): Python 3.12 with the course package's loose
    dependencies, the ``tensorflow`` extra, papermill and ipykernel; for
    ``lowest``, constrained to each declared lower bound."""
    python = find_python("3.12")
    version = interpreter_version(python)
    home = tmp_path_factory.mktemp(f"py312-{request.param}-home")
    log = home / "build.log"
    timings = {"python": version, "dependencies": request.param}
    constraints = home / "lower-bounds.txt"
    constraints.write_text("".join(f"{name}=={v}\n" for name, v in lower_bounds().items()))

    def build(venv):
        run([python, "-m", "venv", venv], log=log)
        pinned = ["-c", constraints] if request.param == "lowest" else []
        timings["pip_install_s"] = pip_install(venv, f"{ROOT}[tensorflow]", "papermill", "ipykernel", *pinned, log=log)

    prefix = "py312-venv" if request.param == "newest" else "py312-lowest-venv"
    key = input_hash(extra=f"{version} {declared_dependencies()}")
    with cached_venv(prefix, key, build) as (venv, build_seconds):
        timings["cached"] = build_seconds is None
        env = isolated_env(venv, home)
        timings["reinstall_s"] = pip_install(venv, "--no-deps", "--force-reinstall", ROOT, env=env, log=log)
        install_kernel(venv, KERNEL_NAME, "Python 3.12 (loose dependencies)", env=env, log=log)
        yield venv, home, timings


def test_the_venv_has_plain_tensorflow_and_no_lock(venv312):
    venv, home, timings = venv312
    installed = installed_in(venv / "bin" / "python", env=isolated_env(venv, home))
    if timings["dependencies"] == "lowest":
        wrong = {
            name: installed.get(name)
            for name, v in lower_bounds().items()
            if name not in installed or Version(installed[name]) != Version(v)
        }
        assert not wrong, f"not at the declared lower bounds {lower_bounds()}: {wrong}"
    assert "tensorflow" in installed and "tensorflow-cpu" not in installed
    assert "convnets-course-helpers" in installed
    assert "jupyterlab" not in installed and "pytest" not in installed, "the course extra was installed"
    done = pip_check(venv, isolated_env(venv, home))
    assert done.returncode == 0, done.stdout + done.stderr


def test_lesson_01_runs_on_python_312_with_loose_dependencies(venv312):
    venv, home, timings = venv312
    notebook = min((ROOT / "notebooks").glob("01_*.ipynb"))
    executed, seconds = execute_lesson(
        venv / "bin" / "papermill",
        notebook,
        home / notebook.name,
        env=isolated_env(venv, home),
        cwd=ROOT / "notebooks",
        kernel=KERNEL_NAME,
    )
    assert problems(executed) == [], "cells unexecuted or with error/stderr output on Python 3.12"
    line = first_line(executed)
    assert f"python {timings['python']}" in line and line.endswith("TF32 off"), line

    report = REPORTS / f"python312_{timings['dependencies']}.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(
        json.dumps({"venv": str(venv), **timings, "lesson": notebook.name, "papermill_s": round(seconds, 1)}, indent=2)
        + "\n"
    )
