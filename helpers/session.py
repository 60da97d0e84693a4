"""What every lesson does first, and what it leaves behind.

``start_lesson(seed)`` is the first code cell of each notebook: it selects
the TensorFlow backend, turns on inline figures, silences TensorFlow's C++ start-up log lines (they
go to the process's stderr and would land in the notebook as noise), seeds
Python, NumPy and TensorFlow, and prints the versions in one line.
"""

import json
import os
import platform
from pathlib import Path

BUILD_DIR = Path(os.environ.get("COURSE_BUILD_DIR", Path(__file__).resolve().parent.parent / "build"))


def _import_tensorflow_quietly():
    """Import TensorFlow with file descriptor 2 pointed at /dev/null.

    TensorFlow >= 2.20 prints oneDNN notices before its logging is set up,
    so ``TF_CPP_MIN_LOG_LEVEL`` cannot hide them. Python errors still raise.
    """
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import tensorflow  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def configure_backend():
    """Set the environment for Keras 3 on TensorFlow, then import both."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    _import_tensorflow_quietly()
    import keras

    if keras.backend.backend() != "tensorflow":
        raise RuntimeError(
            f"this course runs Keras on TensorFlow, but KERAS_BACKEND={keras.backend.backend()!r} "
            "was set before the lesson started; unset it and restart the kernel"
        )
    return keras


def versions():
    """``{package: version}`` of what the lessons run with."""
    import keras
    import matplotlib
    import numpy
    import tensorflow

    return {
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "tensorflow": tensorflow.__version__,
        "keras": keras.__version__,
        "matplotlib": matplotlib.__version__,
    }


def show_figures_inline():
    """In a notebook, make a returned ``Figure`` display as a picture
    (``%matplotlib inline``); outside IPython, do nothing."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        shell.run_line_magic("matplotlib", "inline")


def start_lesson(seed=0):
    """Configure Keras/TensorFlow, show figures inline, seed everything with
    ``seed``, print the versions in one line."""
    keras = configure_backend()
    show_figures_inline()
    keras.utils.set_random_seed(seed)
    line = ", ".join(f"{name} {version}" for name, version in versions().items())
    print(f"seed {seed}; {line}")


def save_results(lesson, results, build_dir=None):
    """Write ``results`` (JSON-able dict) to ``build/results/<lesson>.json``
    atomically; returns the path."""
    folder = Path(build_dir or BUILD_DIR) / "results"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{lesson}.json"
    tmp = path.with_suffix(".json.part")
    tmp.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, path)
    return path
