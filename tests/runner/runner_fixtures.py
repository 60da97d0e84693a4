"""What the runner's tests share: tiny fixture lessons (no TensorFlow),
the runner in a subprocess, and records as the runner and the lessons write them."""

import json
import signal
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course.execute import Execution
from helpers import session

REPO = Path(__file__).resolve().parents[2]
KERNELSPEC = {"name": "convnets-course", "display_name": "Python 3 (convnets course)", "language": "python"}


def write_lesson(folder, name, parameters, *cells, quick=None):
    """Write ``folder/name.ipynb``: a title, a ``parameters`` cell (unless
    None), then ``cells`` (source strings, or ``(source, [tags])``);
    ``quick``: the quick profile, written where lessons keep it (notebook
    metadata ``course.quick``), none if None. Returns the path."""
    nb = new_notebook(metadata={"kernelspec": KERNELSPEC})
    if quick is not None:
        nb.metadata["course"] = {"quick": quick}
    nb.cells.append(new_markdown_cell(f"# {name}"))
    if parameters is not None:
        cell = new_code_cell(parameters)
        cell.metadata["tags"] = ["parameters"]
        nb.cells.append(cell)
    for item in cells:
        source, tags = item if isinstance(item, tuple) else (item, [])
        cell = new_code_cell(source)
        if tags:
            cell.metadata["tags"] = tags
        nb.cells.append(cell)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, str(path))
    return path


def course_subprocess(*args, timeout=300, sigint=signal.SIG_DFL):
    """``python -m course --no-progress ARGS`` in a subprocess, from the repo.

    The child starts with SIGINT set to ``sigint``, not to whatever this test
    process inherited: under ``nohup ... &`` or a CI launcher SIGINT arrives
    ignored, and an ignored signal stays ignored across exec."""
    return subprocess.run(
        [sys.executable, "-m", "course", "--no-progress", *map(str, args)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=lambda: signal.signal(signal.SIGINT, sigint),
    )


def snapshot(folder):
    """``{file name: bytes}`` of everything in ``folder``."""
    return {path.name: path.read_bytes() for path in sorted(Path(folder).iterdir())}


def results_record(lesson="01_a", **changes):
    """A save_results record as helpers.session writes it (without importing TensorFlow)."""
    record = {
        "schema": session.SCHEMA,
        "lesson": lesson,
        "saved_at": "2026-01-01T00:00:00+00:00",
        "versions": {"python": "3.11.9", "keras": "3.12.0"},
        "device": "CPU",
        "data_source": "keras cache",
        "key_metrics": {"test_acc": 0.98765, "params": 93322},
        "epoch_seconds": {"convnet": [20.5, 21.5]},
        "details": {},
    }
    return {**record, **changes}


def write_results(build, lesson="01_a", **changes):
    path = Path(build) / "results" / f"{lesson}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results_record(lesson, **changes)))
    return path


def execution(build, status="ok", failure=None, lesson="01_a"):
    return Execution(
        status, 12.345, 300 * 2**20, 10.0, Path(build) / "notebooks" / f"{lesson}.ipynb", failure, peak_cell=4
    )
