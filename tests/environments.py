"""What the environment tests share: reading the lock, comparing an installed
environment with it, and building throw-away venvs outside the repo.

Not a test module (pytest collects ``test_*.py`` only); the tests import it
as ``environments`` (pytest puts ``tests/`` on ``sys.path``).
"""

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.txt"
REQUIREMENTS_IN = ROOT / "requirements.in"
# Installed next to the lock on purpose: pip seeds every venv with itself, and
# postBuild installs the course's own package (editable, no dependencies).
NOT_IN_LOCK = frozenset({"pip", "convnets-course-helpers"})
CACHE_DIR = Path(
    os.environ.get("COURSE_CACHE_DIR")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "convnets-course"
)


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
    listing = subprocess.run([python, "-m", "pip", "list", "--format=json", "--disable-pip-version-check"],
                             capture_output=True, text=True, check=True, env=env)
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
    out = subprocess.run([python, "-c", "import sys; print(*sys.version_info[:2])"],
                         capture_output=True, text=True, check=True).stdout
    return tuple(int(part) for part in out.split())


def this_python():
    """``python3.X`` of the interpreter running the tests, for cache keys."""
    return f"python{sys.version_info[0]}.{sys.version_info[1]}"
