"""What the environment tests share: reading the lock, comparing an installed
environment with it, and building throw-away venvs outside the repo.

Not a test module (pytest collects ``test_*.py`` only); the tests import it
as ``environments`` (pytest puts ``tests/`` on ``sys.path``).
"""

import contextlib
import fcntl
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.txt"
REQUIREMENTS_IN = ROOT / "requirements.in"
GPU_LOCK = ROOT / "requirements-gpu.txt"  # make setup GPU=1: TensorFlow's GPU build on Linux x86-64
# Installed next to the lock on purpose: pip seeds every venv with itself, and
# postBuild installs the course's own package (editable, no dependencies).
NOT_IN_LOCK = frozenset({"pip", "convnets-course-helpers"})
CACHE_DIR = Path(
    os.environ.get("COURSE_CACHE_DIR")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "convnets-course"
)


def load_lock_drift():
    """.github/scripts/lock_drift.py as a module (the weekly job's drift report, and Colab's pins)."""
    path = ROOT / ".github" / "scripts" / "lock_drift.py"
    spec = importlib.util.spec_from_file_location("lock_drift", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def normalize(name):
    """A distribution name as PEP 503 compares them: ``Jupyter_Core`` -> ``jupyter-core``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_lines(path):
    """The requirement lines of a requirements file (comments, blank lines and
    uv's ``# via`` annotations dropped), as str."""
    lines = []
    for line in Path(path).read_text().splitlines():
        line = line.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def requirements(path):
    """Every requirement of a requirements file, as ``packaging`` Requirements."""
    return [Requirement(line) for line in requirement_lines(path)]


def pinned_version(requirement):
    """The X of ``name==X``; AssertionError if ``requirement`` is not one exact pin."""
    specifiers = list(requirement.specifier)
    assert len(specifiers) == 1 and specifiers[0].operator == "==" and "*" not in specifiers[0].version, (
        f"{requirement} is not pinned with a single =="
    )
    return specifiers[0].version


def lock_for(environment=None, path=LOCK):
    """{normalized name: version} the lock installs where the markers see
    ``environment`` (a dict of marker variables; None: this interpreter)."""
    chosen = {}
    for requirement in requirements(path):
        if requirement.marker is None or requirement.marker.evaluate(environment):
            name = normalize(requirement.name)
            assert name not in chosen, f"the lock gives {name} twice for {environment or 'this interpreter'}"
            chosen[name] = pinned_version(requirement)
    return chosen


def installed_here():
    """{normalized name: version} of every distribution this interpreter sees."""
    from importlib.metadata import distributions

    return {normalize(d.metadata["Name"]): d.version for d in distributions()}


def installed_in(python, env=None):
    """{normalized name: version} of every distribution in the environment of ``python``."""
    listing = subprocess.run(
        [python, "-m", "pip", "list", "--format=json", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return {normalize(p["name"]): p["version"] for p in json.loads(listing.stdout)}


def differences_from_lock(installed, lock, not_in_lock=NOT_IN_LOCK):
    """Sorted list of human-readable differences between ``installed`` and
    ``lock`` (both {name: version}); empty when the environment is the lock."""
    found = []
    for name in sorted(set(installed) | set(lock)):
        if name in not_in_lock:
            continue
        if name not in installed:
            found.append(f"{name}=={lock[name]} is in the lock but not installed")
        elif name not in lock:
            found.append(f"{name} {installed[name]} is installed but not in the lock")
        elif installed[name] != lock[name]:
            found.append(f"{name} {installed[name]} is installed, the lock has {lock[name]}")
    return found


def input_hash(*paths, extra=""):
    """12 hex digits naming the inputs of one build (the files' names and bytes, plus ``extra``)."""
    digest = hashlib.sha256()
    for path in paths:
        path = Path(path)
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(extra.encode())
    return digest.hexdigest()[:12]


def isolated_env(venv, home):
    """Environment for commands "inside" ``venv``: its bin/ first on PATH, and
    Jupyter/IPython user dirs in ``home`` so only the venv's own kernels,
    settings and config are seen."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "CONDA_PREFIX")}
    env.update(
        PATH=f"{Path(venv) / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        VIRTUAL_ENV=str(venv),
        JUPYTER_CONFIG_DIR=str(Path(home) / "jupyter-config"),
        JUPYTER_DATA_DIR=str(Path(home) / "jupyter-data"),
        JUPYTER_RUNTIME_DIR=str(Path(home) / "jupyter-runtime"),
        IPYTHONDIR=str(Path(home) / "ipython"),
        COURSE_BUILD_DIR=str(Path(home) / "build"),  # what a lesson saves stays out of the repo's build/
        PYTHONNOUSERSITE="1",
    )
    return env


def run(cmd, *, log, **kwargs):
    """Run ``cmd``, append it and its output to ``log``, return its wall seconds;
    on failure, the assertion shows the command and its output's tail."""
    started = time.monotonic()
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)
    with open(log, "a") as out:
        out.write(f"$ {' '.join(map(str, cmd))}\n{result.stdout}\n")
    assert result.returncode == 0, f"{' '.join(map(str, cmd))} exited {result.returncode}:\n{result.stdout[-4000:]}"
    return time.monotonic() - started


def pip_install(venv, *args, log, **kwargs):
    """``pip install --quiet *args`` into ``venv`` (through :func:`run`); its wall seconds, rounded to 0.1."""
    command = [venv / "bin" / "python", "-m", "pip", "--disable-pip-version-check", "install", "--quiet", *args]
    return round(run(command, log=log, **kwargs), 1)


def pip_check(venv, env):
    """``pip check`` in ``venv``: every installed package's requirements met. Its CompletedProcess."""
    command = [venv / "bin" / "python", "-m", "pip", "--disable-pip-version-check", "check"]
    return subprocess.run(command, capture_output=True, text=True, env=env)


def install_kernel(venv, name, display_name, *, env, log, where="--sys-prefix"):
    """Register ``venv``'s Python as the Jupyter kernel ``name`` (``where``: ``--sys-prefix`` or ``--user``)."""
    command = [venv / "bin" / "python", "-m", "ipykernel", "install", where, "--name", name]
    run([*command, "--display-name", display_name], env=env, log=log)


@contextlib.contextmanager
def cached_venv(prefix, digest, build):
    """Yield ``(venv, seconds)``: the venv ``CACHE_DIR/<prefix>-<digest>``,
    made by ``build(venv)`` unless a complete one is already there (then
    ``seconds`` is None). One build per prefix is kept (a venv is ~2 GB);
    a lock file keeps two test runs from building one venv at once, and is
    held while the caller uses it."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    venv = CACHE_DIR / f"{prefix}-{digest}"
    complete = venv / ".complete"
    with open(CACHE_DIR / f"{prefix}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        seconds = None
        if not complete.exists():
            started = time.monotonic()
            shutil.rmtree(venv, ignore_errors=True)
            build(venv)
            complete.write_text(digest + "\n")
            seconds = time.monotonic() - started
            for stale in CACHE_DIR.glob(f"{prefix}-*"):
                if stale.is_dir() and stale != venv:
                    shutil.rmtree(stale, ignore_errors=True)
        yield venv, seconds


def python_version_of(python):
    """(major, minor) of the interpreter ``python``."""
    out = subprocess.run(
        [python, "-c", "import sys; print(*sys.version_info[:2])"], capture_output=True, text=True, check=True
    ).stdout
    return tuple(int(part) for part in out.split())


def this_python():
    """``python3.X`` of the interpreter running the tests, for cache keys."""
    return f"python{sys.version_info[0]}.{sys.version_info[1]}"


def runs_python(candidate, version):
    """True if ``candidate`` starts and is Python ``version`` ("3.13"); a pyenv shim may exist and refuse."""
    try:
        done = subprocess.run(
            [candidate, "-c", "import platform; print(platform.python_version())"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except OSError:
        return False
    return done.returncode == 0 and done.stdout.strip().rsplit(".", 1)[0] == version


def find_python(version):
    """A Python ``version`` ("3.13") interpreter: $COURSE_PYTHON313 (for 3.13),
    python3.13 on PATH, or pyenv's; the test fails naming where it looked."""
    variable = "COURSE_PYTHON" + version.replace(".", "")
    candidates = [
        os.environ.get(variable),
        shutil.which(f"python{version}"),
        *sorted(str(p) for p in (Path.home() / ".pyenv" / "versions").glob(f"{version}.*/bin/python{version}")),
    ]
    for candidate in candidates:
        if candidate and runs_python(candidate, version):
            return candidate
    pytest.fail(
        f"no Python {version} among {candidates}: set {variable}, put python{version} on PATH, "
        f"or `pyenv install {version}`"
    )


def execute_lesson(papermill, notebook, output, *, env, cwd, kernel, parameters=None, log=None):
    """Execute ``notebook`` into ``output`` with the ``papermill`` executable in
    kernel ``kernel``, working directory ``cwd``, ``parameters`` injected
    ({name: value}, via a YAML file: lists and floats keep their type);
    returns ``(executed notebook, wall seconds)``; on failure the assertion
    shows papermill's output."""
    import nbformat

    command = [papermill, "--kernel", kernel, "--cwd", cwd, notebook, output]
    if parameters:
        values = Path(output).with_suffix(".parameters.json")  # JSON is YAML
        values.write_text(json.dumps(parameters))
        command += ["-f", values]
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    seconds = time.monotonic() - started
    if log is not None:
        with open(log, "a") as out:
            out.write(f"$ {' '.join(map(str, command))}\n{done.stdout}\n{done.stderr}\n")
    assert done.returncode == 0, f"papermill {Path(notebook).name} failed:\n{done.stderr[-4000:]}"
    return nbformat.read(output, as_version=4), seconds


def first_line(executed):
    """The first line a lesson prints: start_lesson's versions, backend, device and TF32."""
    for cell in executed.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.output_type == "stream" and out.get("name") == "stdout":
                return out.text.splitlines()[0]
    return ""


def problems(executed):
    """(cell index, what) for every code cell left unexecuted or with an error or stderr output."""
    found = []
    for i, cell in enumerate(executed.cells):
        if cell.cell_type != "code":
            continue
        if not cell.execution_count:
            found.append((i, "not executed"))
        found += [
            (i, out.get("name", out.output_type))
            for out in cell.outputs
            if out.output_type == "error" or out.get("name") == "stderr"
        ]
    return found
