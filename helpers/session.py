"""What every lesson does first, and what it leaves behind.

``start_lesson(seed)`` is the first code cell of each notebook: it selects
the Keras backend (TensorFlow, unless ``KERAS_BACKEND`` names JAX or
PyTorch), turns TensorFloat-32 off, turns on inline figures, silences
TensorFlow's C++ start-up log lines (they go to the process's stderr and
would land in the notebook as noise), seeds Python, NumPy and the backend,
and prints one line: the versions, the backend, the device and TF32.

``save_results(lesson, key_metrics, ...)`` is the last: it writes the
lesson's record, ``build/results/<lesson>.json`` (``build/`` is
``$COURSE_BUILD_DIR``, else ``build`` in the current working directory).
That record is the whole contract between a lesson and the course runner
(``course``), which reads it for its report; its fields are listed in
:data:`RECORD_FIELDS`.
"""

import datetime
import importlib
import importlib.util
import os
import platform
import sys
from pathlib import Path

from helpers import checks
from helpers.files import finite_or_none, write_json

# The Keras backends the lessons run on. Their stored outputs are
# TensorFlow's; lessons 01-03 are also run on JAX (tests/test_backends.py).
BACKENDS = ("tensorflow", "jax", "torch")


def default_build_dir():
    """Where lessons save records: ``$COURSE_BUILD_DIR``, else ``build/`` in the
    current working directory (the lesson's folder locally, ``/content`` on
    Colab), as an absolute path, read at each call (never the installed
    package's folder: on Colab that is inside site-packages)."""
    return Path(os.environ.get("COURSE_BUILD_DIR", "build")).resolve()


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
    """Import Keras on the backend ``KERAS_BACKEND`` names (TensorFlow if
    unset) with TensorFloat-32 off, and return it.

    TensorFlow is imported first (quietly) wherever it is installed, whatever
    the backend: lessons 01 and 03 check gradients with ``tf.GradientTape``.
    """
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if importlib.util.find_spec("tensorflow") is not None:
        _import_tensorflow_quietly()
    import keras

    backend = keras.backend.backend()
    if backend not in BACKENDS:
        raise RuntimeError(
            f"the lessons run Keras on {', '.join(BACKENDS)}, but KERAS_BACKEND={backend!r} was set before "
            "the lesson started; set one of those (or unset it: TensorFlow) and restart the kernel"
        )
    turn_tf32_off(backend)
    return keras


def turn_tf32_off(backend):
    """Compute float32 matmuls and convolutions in full float32 on every device.

    On Ampere and newer NVIDIA GPUs, TensorFlow, JAX (at its default
    precision) and PyTorch's cuDNN use TensorFloat-32 for them: a 10-bit
    mantissa, so results agree with the CPU's only to about 1e-3, and the
    lessons' asserts to 1e-5 and 1e-6 would fail or mean something else
    there. On a CPU nothing changes. ``backend``: one of :data:`BACKENDS`;
    TensorFlow is set too whenever it is loaded (the lessons' own TF ops).
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
    if "tensorflow" in sys.modules or backend == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_tensor_float_32_execution(False)
    if backend == "jax":
        import jax

        jax.config.update("jax_default_matmul_precision", "highest")
    if backend == "torch":
        import torch

        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False


def tf32():
    """``"off"`` if no loaded framework may use TensorFloat-32 for float32
    matmuls or convolutions, else ``"on"``."""
    allowed = []
    if "tensorflow" in sys.modules:
        allowed.append(sys.modules["tensorflow"].config.experimental.tensor_float_32_execution_enabled())
    if "jax" in sys.modules:
        allowed.append(sys.modules["jax"].config.jax_default_matmul_precision not in ("highest", "float32"))
    if "torch" in sys.modules:
        torch = sys.modules["torch"]
        allowed.append(torch.backends.cuda.matmul.allow_tf32 or torch.backends.cudnn.allow_tf32)
    return "on" if any(allowed) else "off"


def versions():
    """``{package: version}`` of what the lessons run with: Python, NumPy, the
    backend's package (and TensorFlow's, if loaded beside another backend),
    Keras, matplotlib."""
    import keras
    import matplotlib
    import numpy

    found = {"python": platform.python_version(), "numpy": numpy.__version__}
    backend = keras.backend.backend()
    for package in (backend, "tensorflow"):
        if package == backend or package in sys.modules:
            found[package] = importlib.import_module(package).__version__
    found.update(keras=keras.__version__, matplotlib=matplotlib.__version__)
    return found


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
    """What Keras computes on: ``"CPU"``, or the first accelerator as
    ``"GPU (its name)"`` (``"TPU (...)"`` for a TPU under JAX)."""
    import keras

    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        first = jax.devices()[0]
        return "CPU" if first.platform == "cpu" else f"{first.platform.upper()} ({first.device_kind})"
    if backend == "torch":
        import torch

        if torch.cuda.is_available():
            return f"GPU ({torch.cuda.get_device_name(0)})"
        return "GPU (Apple MPS)" if torch.backends.mps.is_available() else "CPU"
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return "CPU"
    details = tf.config.experimental.get_device_details(gpus[0])
    return f"GPU ({details.get('device_name', gpus[0].name)})"


def start_lesson(seed=0):
    """Configure Keras (TF32 off), show figures inline, seed everything with
    ``seed``, print the versions, the backend, the device and TF32 in one line."""
    seed = checks.non_negative_int(seed, "seed", maximum=2**32 - 1)  # NumPy's seed range
    keras = configure_backend()
    show_figures_inline()
    keras.utils.set_random_seed(seed)
    line = ", ".join(f"{name} {version}" for name, version in versions().items())
    print(f"seed {seed}; {line}; backend {keras.backend.backend()}, device {device()}, TF32 {tf32()}")


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


def results_record(lesson, key_metrics, epoch_seconds=None, details=None):
    """The record :func:`save_results` writes, as a dict (see :data:`RECORD_FIELDS`)."""
    checks.require(
        isinstance(lesson, str) and lesson,
        "lesson",
        "be the notebook's name, e.g. '01_convolution'",
        repr(lesson),
        TypeError,
    )
    checks.require(
        lesson == Path(lesson).name and lesson[0] != "." and "\\" not in lesson,
        "lesson",
        "be a plain file name, e.g. '01_convolution'",
        repr(lesson),
    )
    for name, value in checks.dict_of(key_metrics, "key_metrics", "name -> number", keys=str).items():
        checks.require(
            value is None or checks.is_number(value),
            f"key_metrics[{name!r}]",
            "be a number or None",
            repr(value),
            TypeError,
        )
    checks.instance(details, "details", (dict, type(None)), "a dict (or None)")
    epoch_seconds = checks.instance(
        {} if epoch_seconds is None else epoch_seconds,
        "epoch_seconds",
        dict,
        "a dict of training run -> [seconds per epoch]",
    )
    for run, seconds in epoch_seconds.items():
        listed = isinstance(run, str) and isinstance(seconds, (list, tuple)) and all(map(checks.is_number, seconds))
        checks.require(listed, f"epoch_seconds[{run!r}]", "be a list of seconds", repr(seconds), TypeError)
    data = sys.modules.get("helpers.data")  # only if the lesson loaded MNIST
    return finite_or_none(
        {
            "schema": SCHEMA,
            "lesson": lesson,
            "saved_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "versions": versions(),
            "device": device(),
            "data_source": getattr(getattr(data, "load_mnist", None), "last_source", None),
            "key_metrics": key_metrics,
            "epoch_seconds": epoch_seconds,
            "details": {} if details is None else details,
        }
    )


def save_results(lesson, key_metrics, epoch_seconds=None, details=None, build_dir=None):
    """Write the lesson's results record to ``build/results/<lesson>.json``
    (atomically, strict JSON: NaN becomes null); returns the path.
    ``build_dir``: the folder, default :func:`default_build_dir`.

    ``key_metrics``: ``{name: number}``, the few numbers the course report
    shows; ``epoch_seconds``: ``{training run: [seconds, ...]}``;
    ``details``: anything else worth keeping (JSON-able).
    """
    checks.instance(build_dir, "build_dir", (str, os.PathLike, type(None)), "a folder path (str or Path) or None")
    record = results_record(lesson, key_metrics, epoch_seconds, details)
    return write_json(Path(build_dir or default_build_dir()) / "results" / f"{lesson}.json", record)
