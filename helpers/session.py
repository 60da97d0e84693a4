"""What every lesson does first, and what it leaves behind.

``start_lesson(seed)`` is the first code cell of each notebook: it selects
the TensorFlow backend, turns on inline figures, silences TensorFlow's C++
start-up log lines (they go to the process's stderr and would land in the
notebook as noise), seeds Python, NumPy and TensorFlow, and prints the
versions and the device in one line.

``save_results(lesson, key_metrics, ...)`` is the last: it writes the
lesson's record, ``build/results/<lesson>.json``. That record is the whole
contract between a lesson and the course runner (``course``), which reads
it for its report; its fields are listed in :data:`RECORD_FIELDS`.
"""

import datetime
import numbers
import os
import platform
import sys
from pathlib import Path

from helpers import checks
from helpers.files import finite_or_none, write_json

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


def device():
    """What TensorFlow computes on: ``"CPU"``, or the first GPU's name."""
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return "CPU"
    details = tf.config.experimental.get_device_details(gpus[0])
    return f"GPU ({details.get('device_name', gpus[0].name)})"


def start_lesson(seed=0):
    """Configure Keras/TensorFlow, show figures inline, seed everything with
    ``seed``, print the versions and the device in one line."""
    seed = checks.non_negative_int(seed, "seed", maximum=2**32 - 1)  # NumPy's seed range
    keras = configure_backend()
    show_figures_inline()
    keras.utils.set_random_seed(seed)
    line = ", ".join(f"{name} {version}" for name, version in versions().items())
    print(f"seed {seed}; {line}; device {device()}")


SCHEMA = 1
# A results record, field by field (what the runner's report reads):
RECORD_FIELDS = {
    "schema": "int: this layout's version",
    "lesson": "str: the notebook's name without .ipynb, e.g. '04_mnist_convnet'",
    "saved_at": "str: UTC time, ISO 8601",
    "versions": "{package: version} the lesson ran with",
    "device": "str: 'CPU' or the GPU's name",
    "data_source": "str or null: where MNIST came from (helpers.data), null if unused",
    "key_metrics": "{name: number or null}: the few numbers the report shows",
    "epoch_seconds": "{training run: [seconds per epoch]}, empty if nothing trained",
    "details": "anything else the lesson measured (JSON)",
}


def _check_key_metrics(key_metrics):
    if not isinstance(key_metrics, dict) or not key_metrics:
        raise TypeError(f"key_metrics must be a non-empty dict of name -> number, got {key_metrics!r}")
    for name, value in key_metrics.items():
        if not isinstance(name, str) or not (value is None or (isinstance(value, numbers.Real)
                                                                 and not isinstance(value, bool))):
            raise TypeError(f"key_metrics[{name!r}] must be a number (or None), got {value!r}")


def _check_epoch_seconds(epoch_seconds):
    if not isinstance(epoch_seconds, dict):
        raise TypeError(f"epoch_seconds must be a dict of training run -> [seconds per epoch], "
                        f"got {checks.describe(epoch_seconds)}")
    for run, seconds in epoch_seconds.items():
        if not (isinstance(run, str) and isinstance(seconds, (list, tuple))
                and all(isinstance(s, numbers.Real) for s in seconds)):
            raise TypeError(f"epoch_seconds must map a run's name to a list of seconds, "
                            f"got {run!r}: {seconds!r}")


def results_record(lesson, key_metrics, epoch_seconds=None, details=None):
    """The record :func:`save_results` writes, as a dict (see :data:`RECORD_FIELDS`)."""
    if not isinstance(lesson, str) or not lesson:
        raise TypeError(f"lesson must be the notebook's name, e.g. '01_convolution', got {lesson!r}")
    if lesson != Path(lesson).name or lesson.startswith(".") or "\\" in lesson:
        raise ValueError(f"lesson must be a plain file name, e.g. '01_convolution', got {lesson!r}")
    _check_key_metrics(key_metrics)
    if details is not None and not isinstance(details, dict):
        raise TypeError(f"details must be a dict (or None), got {checks.describe(details)}")
    epoch_seconds = {} if epoch_seconds is None else epoch_seconds
    _check_epoch_seconds(epoch_seconds)
    data = sys.modules.get("helpers.data")  # only if the lesson loaded MNIST
    return finite_or_none({
        "schema": SCHEMA,
        "lesson": lesson,
        "saved_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "versions": versions(),
        "device": device(),
        "data_source": getattr(getattr(data, "load_mnist", None), "last_source", None),
        "key_metrics": key_metrics,
        "epoch_seconds": epoch_seconds,
        "details": {} if details is None else details,
    })


def save_results(lesson, key_metrics, epoch_seconds=None, details=None, build_dir=None):
    """Write the lesson's results record to ``build/results/<lesson>.json``
    (atomically, strict JSON: NaN becomes null); returns the path.

    ``key_metrics``: ``{name: number}``, the few numbers the course report
    shows; ``epoch_seconds``: ``{training run: [seconds, ...]}``;
    ``details``: anything else worth keeping (JSON-able).
    """
    if build_dir is not None and not isinstance(build_dir, (str, os.PathLike)):
        raise TypeError(f"build_dir must be a folder path (str or Path) or None, got {checks.describe(build_dir)}")
    record = results_record(lesson, key_metrics, epoch_seconds, details)
    return write_json(Path(build_dir or BUILD_DIR) / "results" / f"{lesson}.json", record)
