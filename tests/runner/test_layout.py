"""The tree says what it is: ``helpers`` (the learner's package) imports no
notebook tooling; the runner lives in ``course/``; nothing leans on the
private names of a dependency."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK_TOOLS = ("papermill", "nbval", "nbclient", "nbformat", "jupyter_client")


def imported_modules(path):
    """Every module name ``path`` imports (``import a.b`` and ``from a.b import c``
    give ``a.b``; relative imports are left out)."""
    tree = ast.parse(Path(path).read_text(), filename=str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def test_helpers_source_imports_no_notebook_tool():
    found = [
        f"{path.relative_to(REPO)}: {name}"
        for path in sorted((REPO / "helpers").rglob("*.py"))
        for name in imported_modules(path)
        if name.split(".")[0] in NOTEBOOK_TOOLS
    ]
    assert found == []


@pytest.mark.slow  # imports TensorFlow: ~15 s
def test_importing_every_helpers_module_loads_no_notebook_tool():
    """Imports every helpers module in a fresh interpreter and lists the
    notebook tools that ended up in ``sys.modules`` (catches indirect imports)."""
    modules = sorted(f"helpers.{p.stem}" for p in (REPO / "helpers").glob("*.py") if p.stem != "__init__")
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n    importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {NOTEBOOK_TOOLS!r}))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300,
                          env={"KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_runner_is_not_in_helpers():
    assert not (REPO / "helpers" / "course.py").exists()
    assert (REPO / "course" / "__main__.py").exists()
