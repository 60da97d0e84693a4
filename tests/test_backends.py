"""The helpers and lessons 01-03 on another Keras backend: JAX, on the CPU.

The lessons' stored outputs are TensorFlow's; here each of lessons 01-03 is
executed under ``KERAS_BACKEND=jax`` into a temp folder, at its defaults,
and must run through with every assert holding and nothing on stderr.

The JAX venv is the course environment plus JAX: a venv of the same Python
whose ``course-lock.pth`` puts the site-packages of the environment running
the tests (.venv, the lock: tests/test_environment.py, and the course
package installed there) on its path, with
JAX installed into the venv itself, constrained by the lock so no locked
package moves. Cached like the other venvs (environments.cached_venv), keyed
by JAX's pin and the lock.
"""

import json
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest
from environments import (
    LOCK,
    ROOT,
    cached_venv,
    execute_lesson,
    first_line,
    input_hash,
    install_kernel,
    installed_in,
    isolated_env,
    normalize,
    pip_install,
    problems,
    run,
)

# JAX for the CPU (jaxlib comes with it; scipy is its one dependency outside the lock).
JAX_VERSION = "0.10.2"
JAX_ADDS = {"jax", "jaxlib", "scipy"}
KERNEL = "convnets-course-jax"
LESSONS = ("01_convolution", "02_padding_and_strides", "03_max_pooling")
REPORT = ROOT / "build" / "backends_jax.json"  # what ran, on which Python, backend and device, how long

pytestmark = pytest.mark.slow


def site_packages(venv):
    """``venv``'s own site-packages folder."""
    out = subprocess.run(
        [venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return Path(out.strip())


@pytest.fixture(scope="module")
def jax_venv(tmp_path_factory):
    """(venv, env, timings): the course environment plus JAX, with a kernel
    ``convnets-course-jax`` and ``KERAS_BACKEND=jax`` in ``env``."""
    home = tmp_path_factory.mktemp("jax-home")
    log = home / "build.log"
    # addsitedir, not a bare path: .venv's own .pth files (the editable course package) must run too
    pth = f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n"
    timings = {"python": sys.version.split()[0], "backend": "jax", "jax": JAX_VERSION}

    def build(venv):
        run([sys.executable, "-m", "venv", venv], log=log)
        (site_packages(venv) / "course-lock.pth").write_text(pth)
        timings["pip_install_s"] = pip_install(venv, f"jax=={JAX_VERSION}", "-c", LOCK, log=log)

    key = input_hash(LOCK, extra=f"{sys.version} jax=={JAX_VERSION} {pth}")
    with cached_venv("jax-venv", key, build) as (venv, build_seconds):
        timings["cached"] = build_seconds is None
        env = {**isolated_env(venv, home), "KERAS_BACKEND": "jax"}
        install_kernel(venv, KERNEL, "Python 3 (convnets course, JAX)", env=env, log=log, where="--user")
        yield venv, env, timings


def own_packages(venv):
    """Normalized names of the distributions in ``venv``'s own site-packages (not through the .pth)."""
    listing = subprocess.run(
        [
            venv / "bin" / "python",
            "-m",
            "pip",
            "list",
            "--path",
            site_packages(venv),
            "--format=json",
            "--disable-pip-version-check",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return {normalize(p["name"]) for p in json.loads(listing.stdout)}


def test_the_jax_venv_is_the_lock_plus_jax(jax_venv):
    venv, env, _ = jax_venv
    assert own_packages(venv) - {"pip", "setuptools"} == JAX_ADDS  # venv seeds pip and setuptools
    installed = installed_in(venv / "bin" / "python", env=env)
    assert installed["jax"] == JAX_VERSION and "tensorflow-cpu" in installed


def python_in(venv, env, code):
    """Run ``code`` in ``venv``'s Python; return its stdout (the assertion shows stderr on failure)."""
    done = subprocess.run(
        [venv / "bin" / "python", "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return done.stdout


def test_start_lesson_names_jax_its_device_and_tf32_off(jax_venv):
    venv, env, _ = jax_venv
    out = python_in(
        venv,
        env,
        """
        from helpers import session
        session.start_lesson(seed=1)
        print(session.versions()["jax"], session.device(), session.tf32())
    """,
    ).splitlines()
    assert out[0].startswith("seed 1; python 3.") and out[0].endswith("; backend jax, device CPU, TF32 off")
    assert f"jax {JAX_VERSION}" in out[0] and "tensorflow " in out[0]  # the lessons' own TF ops
    assert out[1] == f"{JAX_VERSION} CPU off"


@pytest.mark.training
def test_as_tensor_gives_the_backends_tensor_and_a_model_fits_it(jax_venv):
    venv, env, _ = jax_venv
    out = python_in(
        venv,
        env,
        """
        import jax
        import numpy as np
        from helpers import models, training
        array = np.arange(12, dtype=np.float32).reshape(4, 3)
        tensor = training.as_tensor(array[:, :2])  # a non-contiguous view is fine too
        array[:] = 99  # a later change to the array must not leak in
        print(isinstance(tensor, jax.Array), tensor.shape, tensor.dtype, np.asarray(tensor).tolist())
        print(training.as_tensor(tensor) is tensor)
        rng = np.random.default_rng(0)
        x, y = rng.random((64, 28, 28, 1), dtype=np.float32), np.eye(10, dtype=np.float32)[rng.integers(0, 10, 64)]
        losses = [training.train_and_evaluate(models.dense_baseline, ((to(x), to(y)), (x, y)), epochs=1, batch_size=32,
                                              seed=0)[1].history["loss"][0] for to in (training.as_tensor, np.asarray)]
        print(np.isfinite(losses).all(), np.isclose(*losses, rtol=1e-5))
    """,
    ).splitlines()
    assert out == ["True (4, 2) float32 [[0.0, 1.0], [3.0, 4.0], [6.0, 7.0], [9.0, 10.0]]", "True", "True True"]


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_runs_on_jax_with_every_assert(jax_venv, lesson, tmp_path):
    _venv, env, timings = jax_venv
    notebook = ROOT / "notebooks" / f"{lesson}.ipynb"
    env = {**env, "COURSE_BUILD_DIR": str(tmp_path / "build")}
    executed, seconds = execute_lesson(
        ROOT / ".venv" / "bin" / "papermill",
        notebook,
        tmp_path / notebook.name,
        env=env,
        cwd=ROOT / "notebooks",
        kernel=KERNEL,
        log=tmp_path / "papermill.log",
    )
    assert problems(executed) == [], f"{lesson} on JAX: cells left unexecuted or with error/stderr output"
    line = first_line(executed)
    assert line.endswith("backend jax, device CPU, TF32 off") and f"jax {JAX_VERSION}" in line, line
    record = json.loads((tmp_path / "build" / "results" / f"{lesson}.json").read_text())
    assert record["versions"]["jax"] == JAX_VERSION and record["device"] == "CPU"

    ran = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    ran[lesson] = {**timings, "device": record["device"], "parameters": "defaults", "papermill_s": round(seconds, 1)}
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(ran, indent=2) + "\n")
