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
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env={"KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_runner_is_not_in_helpers():
    assert not (REPO / "helpers" / "course.py").exists()
    assert (REPO / "course" / "__main__.py").exists()


OWN = {"helpers", "course", "benchmarks", "tests", "conftest", "runner_fixtures"}


def private_uses(path):
    """``["line N: name"]`` for each private (``_x``, not dunder) name of a
    third-party module that ``path`` imports or reaches by attribute."""
    tree = ast.parse(Path(path).read_text(), filename=str(path))
    third_party = lambda module: module.split(".")[0] not in OWN | set(sys.stdlib_module_names)
    private = lambda name: name.startswith("_") and not (name.startswith("__") and name.endswith("__"))
    bound, found = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in (a for a in node.names if third_party(a.name)):
                bound.add(alias.asname or alias.name.split(".")[0])
                found += [f"line {node.lineno}: {alias.name}" for part in alias.name.split(".") if private(part)]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and third_party(node.module):
            bound.update(alias.asname or alias.name for alias in node.names)
            parts = node.module.split(".") + [alias.name for alias in node.names]
            found += [f"line {node.lineno}: from {node.module} import {p}" for p in parts if private(p)]
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and private(node.attr):
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in bound:
                found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


def test_no_code_uses_a_private_name_of_a_dependency():
    """Private names of papermill, nbval or any other dependency may change
    in any release: course/, helpers/, benchmarks/ and tests/ use none."""
    found = {
        str(path.relative_to(REPO)): uses
        for folder in ("course", "helpers", "benchmarks", "tests")
        for path in sorted((REPO / folder).rglob("*.py"))
        if (uses := private_uses(path))
    }
    assert found == {}


def test_the_private_name_scan_finds_what_it_looks_for(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os, papermill.cli\nfrom nbval import plugin\nfrom papermill.cli import _resolve_type\n"
        "from keras.src import _private as p\nimport numpy._core\n"
        "plugin._trim_base64('x')\npapermill.cli._resolve_type('1')\nos._exit\nplugin.__name__\n"
    )
    assert private_uses(sample) == [
        "line 3: from papermill.cli import _resolve_type",
        "line 4: from keras.src import _private",
        "line 5: numpy._core",
        "line 6: plugin._trim_base64",
        "line 7: papermill.cli._resolve_type",
    ]
