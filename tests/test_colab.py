"""Colab, as near as this machine gets to it.

Colab's Python and Colab's versions of TensorFlow, Keras, NumPy, matplotlib
and ipywidgets (requirements-colab.txt, beside the lock); the course package
installed as the lessons' Colab set-up cell installs it, ``pip install`` of
the repository (not editable: a package in site-packages, so anything that
looks for files beside the package's source fails here as on Colab), and
MNIST fetched by ``python -m helpers.data``, as that cell does. Then lessons
01-03 are executed at their defaults and 04-06 with their quick profiles
(the runner's ``--quick``), each in a fresh kernel whose working directory
is an empty folder outside the repository, like Colab's ``/content``, with
neither ``KERAS_BACKEND`` nor ``COURSE_BUILD_DIR`` set.

The venv (~2.5 GB: the full ``tensorflow`` build, Colab's) is cached outside
the repo (environments.CACHE_DIR), keyed by requirements-colab.txt and the
interpreter's version; the course package is uninstalled and installed
again on every run, so each run tests this checkout. papermill (it executes
the lessons) and ipykernel (their kernel) are the test's tools, not Colab's
pins, so pip picks releases that fit the pins.

What ran, on which Python and device, and each lesson's time: build/colab.json.
"""

import json
import subprocess

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
    load_lock_drift,
    pip_check,
    pip_install,
    problems,
    run,
)
from packaging.requirements import Requirement
from packaging.version import Version

PINS = ROOT / "requirements-colab.txt"
TOOLS = ("papermill", "ipykernel")
KERNEL = "convnets-course"
QUICK = ("04_mnist_convnet", "05_no_pooling_ablation", "06_what_the_convnet_learned")  # with their quick profiles
LESSONS = ("01_convolution", "02_padding_and_strides", "03_max_pooling", *QUICK)
REPORT = ROOT / "build" / "colab.json"

lock_drift = load_lock_drift()
COLAB = lock_drift.colab_pins(PINS.read_text())


def test_requirements_colab_pins_colabs_five_packages_within_the_declared_bounds():
    """The pins the drift job refreshes; each meets pyproject's bound, so installing the course moves none."""
    import tomllib

    assert set(COLAB.pins) == {"tensorflow", "keras", "numpy", "matplotlib", "ipywidgets"}
    assert COLAB.python.count(".") == 1 and COLAB.as_of
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for line in project["dependencies"] + project["optional-dependencies"]["tensorflow"]:
        bound = Requirement(line)
        assert Version(COLAB.pins[bound.name]) in bound.specifier, f"Colab's {bound.name} is outside {bound}"


def test_a_scheduled_workflow_runs_this_test_and_the_jax_one_on_colabs_python():
    import yaml

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "colab.yml").read_text())
    assert "schedule" in workflow[True]  # YAML reads the key `on` as True
    steps = workflow["jobs"]["colab-and-jax"]["steps"]
    pythons = [str(s["with"]["python-version"]).split() for s in steps if "setup-python" in str(s.get("uses"))]
    assert pythons == [[COLAB.python, "3.11"]], "the workflow must set up Colab's Python (requirements-colab.txt)"
    assert any("pytest tests/test_colab.py tests/test_backends.py" in str(s.get("run")) for s in steps)


def interpreter_version(python):
    out = subprocess.run(
        [python, "-c", "import platform; print(platform.python_version())"], capture_output=True, text=True, check=True
    ).stdout
    return out.strip()


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """(venv, env, content, timings): Colab's Python and pins, the course
    package installed as the set-up cell installs it, a kernel in the venv;
    ``content`` is the empty working directory (Colab's /content)."""
    python = find_python(COLAB.python)
    version = interpreter_version(python)
    home = tmp_path_factory.mktemp("colab-home")
    content = home / "content"
    content.mkdir()
    log = home / "build.log"
    timings = {"python": version, "pins": COLAB.pins, "pins_as_of": COLAB.as_of}

    def build(venv):
        run([python, "-m", "venv", venv], log=log)
        timings["pip_install_s"] = pip_install(venv, "-r", PINS, *TOOLS, log=log)

    with cached_venv("colab-venv", input_hash(PINS, extra=f"{version} {TOOLS}"), build) as (venv, build_seconds):
        timings["cached"] = build_seconds is None
        env = isolated_env(venv, home)
        for unset in ("COURSE_BUILD_DIR", "KERAS_BACKEND", "TF_CPP_MIN_LOG_LEVEL"):  # none is set on Colab
            env.pop(unset, None)
        pip = [venv / "bin" / "python", "-m", "pip", "--disable-pip-version-check"]
        run([*pip, "uninstall", "--quiet", "--yes", "convnets-course-helpers"], env=env, log=log)
        timings["setup_cell_s"] = round(
            pip_install(venv, ROOT, env=env, log=log)  # the set-up cell's install, from this checkout
            + run([venv / "bin" / "python", "-m", "helpers.data"], env=env, cwd=content, log=log),
            1,
        )
        install_kernel(venv, KERNEL, "Python 3 (Colab-like)", env=env, log=log)
        yield venv, env, content, timings


@pytest.mark.slow
def test_the_setup_cell_installs_the_course_from_site_packages_and_moves_no_pin(colab):
    venv, env, content, _ = colab
    installed = installed_in(venv / "bin" / "python", env=env)
    assert {name: installed.get(name) for name in COLAB.pins} == COLAB.pins
    assert "tensorflow-cpu" not in installed and "convnets-course-helpers" in installed
    where = subprocess.run(
        [venv / "bin" / "python", "-c", "import helpers; print(helpers.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=content,
    ).stdout.strip()
    assert where.startswith(str(venv)) and "site-packages" in where, f"helpers imported from {where}"
    done = pip_check(venv, env)
    assert done.returncode == 0, done.stdout + done.stderr


def quick_profile(lesson):
    """The lesson's quick profile (notebook metadata course.quick, checked by the runner's own reader)."""
    from course.lessons import load_lesson

    return load_lesson(ROOT / "notebooks" / f"{lesson}.ipynb").quick


@pytest.mark.slow
@pytest.mark.parametrize(
    "lesson", [pytest.param(name, marks=[pytest.mark.training] if name in QUICK else []) for name in LESSONS]
)
def test_lesson_runs_as_on_colab(colab, lesson):
    venv, env, content, timings = colab
    parameters = quick_profile(lesson) if lesson in QUICK else None
    executed, seconds = execute_lesson(
        venv / "bin" / "papermill",
        ROOT / "notebooks" / f"{lesson}.ipynb",
        content.parent / f"{lesson}.ipynb",
        env=env,
        cwd=content,
        kernel=KERNEL,
        parameters=parameters,
        log=content.parent / "papermill.log",
    )
    assert problems(executed) == [], f"{lesson} on Colab's versions: cells unexecuted or with error/stderr output"
    line = first_line(executed)
    shown = [f"python {timings['python']}"] + [f"{name} {v}" for name, v in COLAB.pins.items() if name != "ipywidgets"]
    assert all(part in line for part in shown) and line.endswith("backend tensorflow, device CPU, TF32 off"), line
    # save_results wrote under the working directory, not beside the installed package
    record = json.loads((content / "build" / "results" / f"{lesson}.json").read_text())
    assert record["versions"]["tensorflow"] == COLAB.pins["tensorflow"]

    ran = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    ran[lesson] = {
        **timings,
        "device": record["device"],
        "parameters": parameters or "defaults",
        "papermill_s": round(seconds, 1),
    }
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(ran, indent=2) + "\n")
