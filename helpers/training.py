"""Seeded training and evaluation: the trained model and one JSON-friendly record."""

import dataclasses
import time

import numpy as np

from helpers import checks, ops
from helpers.files import strict_json
from helpers.session import configure_backend

# Importing this module configures Keras on TensorFlow quietly (TF's C++
# start-up notices would otherwise land in a notebook as stderr).
keras = configure_backend()


def as_tensor(array):
    """A NumPy array -> a TensorFlow tensor with the same shape, dtype and values.

    Why not let ``fit`` convert it: ``tf.convert_to_tensor``, which
    ``model.fit(numpy_array)`` uses, keeps two copies of the array in
    TensorFlow 2.21 (+360 MiB of RSS for MNIST's 179 MiB of float32 training
    images). Running an op on the array stores one copy (+179 MiB). On
    Binder's 2 GB that difference matters; ``fit``, ``evaluate`` and
    ``predict`` take the tensor exactly as they take the array. A tensor is
    returned as it is.
    """
    import tensorflow as tf

    if tf.is_tensor(array):
        return array
    return tf.raw_ops.Identity(input=np.ascontiguousarray(array))


@dataclasses.dataclass
class Result:
    """What one training run measured.

    ``history`` maps metric -> per-epoch list (``val_*`` entries are the
    validation set, or the test set, whichever was scored every epoch);
    ``epoch_seconds`` is the wall time of each epoch.
    """

    model: str
    params: int
    epochs: int
    batch_size: int
    seed: int
    history: dict
    epoch_seconds: list
    train_acc: float
    test_loss: float
    test_acc: float
    fit_seconds: float
    samples_per_second: float

    @property
    def train_test_gap(self):
        """Final-epoch train accuracy minus test accuracy."""
        return self.train_acc - self.test_acc

    def to_dict(self):
        return dataclasses.asdict(self) | {"train_test_gap": self.train_test_gap}

    def to_json(self):
        """Strict JSON: a NaN or infinite number is written as ``null``."""
        return strict_json(self.to_dict())


class EpochLog(keras.callbacks.Callback):
    """Times every epoch; with ``show=True`` prints one line per epoch:
    ``<label> epoch 2/5: loss 0.0561, accuracy 0.9829, 21.4 s``."""

    def __init__(self, epochs, label="", show=False):
        super().__init__()
        self.epochs, self.label, self.show = epochs, label, show
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)
        if self.show:
            logs = logs or {}
            scores = ", ".join(f"{name} {logs[name]:.4f}" for name in
                               ("loss", "accuracy", "val_loss", "val_accuracy") if name in logs)
            prefix = f"{self.label} " if self.label else ""
            print(f"{prefix}epoch {epoch + 1}/{self.epochs}: {scores}, {self.seconds[-1]:.1f} s", flush=True)


# --- argument checks (bad-input agent): the boundary of the public functions ---

def _check_training_data(data):
    """``((x_train, y_train), (x_test, y_test))``: float images ``(N, H, W, C)``
    and one-hot labels ``(N, K)``, N >= 1, train and test alike (arrays or tensors)."""
    try:
        (x_train, y_train), (x_test, y_test) = data
    except (TypeError, ValueError):
        raise TypeError("data must be ((x_train, y_train), (x_test, y_test)), as data.preprocess "
                        f"makes them, got {checks.describe(data)}") from None
    named = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    for name, array in named.items():
        if array is None or isinstance(array, (str, bytes, dict)):
            raise TypeError(f"{name} must be an array, got {checks.describe(array)}")
        shape, kind = np.shape(array), _dtype_kind(array)
        images = name.startswith("x")
        if len(shape) != (4 if images else 2):
            what = "float images (N, H, W, C)" if images else "one-hot labels (N, 10)"
            raise ValueError(f"{name} must be {what} (see data.preprocess), got shape {shape}")
        if shape[0] == 0:
            raise ValueError(f"{name} must hold at least one sample, got shape {shape}")
        if kind != "f":
            what = "float images in [0, 1]" if images else "float one-hot labels"
            raise TypeError(f"{name} must be {what} (see data.preprocess), got a {kind!r}-kind dtype")
    for name, array in named.items():
        _check_finite(array, name)
    for a, b in (("x_train", "x_test"), ("y_train", "y_test")):
        if np.shape(named[a])[1:] != np.shape(named[b])[1:]:
            raise ValueError(f"{a} and {b} must have the same shape per sample, "
                             f"got {np.shape(named[a])} and {np.shape(named[b])}")
    return (x_train, y_train), (x_test, y_test)


def _check_finite(array, name, chunk=4096):
    """No NaN or inf in ``array``: one would make the loss NaN and the run
    worthless. Checked ``chunk`` samples at a time, so the check never holds
    a second full-size array (a tensor is checked by TensorFlow)."""
    import tensorflow as tf

    if tf.is_tensor(array):
        ok = tf.reduce_all(tf.math.is_finite(array), axis=tuple(range(1, array.shape.rank)))
        bad = np.flatnonzero(~ok.numpy())
    else:
        bad = []
        for start in range(0, len(array), chunk):
            finite = np.isfinite(array[start:start + chunk]).reshape(min(chunk, len(array) - start), -1).all(axis=1)
            if not finite.all():
                bad = start + np.flatnonzero(~finite)
                break
    if len(bad):
        raise ValueError(f"{name} must hold finite numbers, got NaN or inf in sample {bad[0]}; "
                         "it would make the loss NaN: fix or drop those samples")


class StopOnNaN(keras.callbacks.Callback):
    """Stops training at the end of the first epoch whose loss is NaN or inf
    (every later epoch would be NaN too); ``epoch`` is that epoch (1-based)."""

    epoch = None

    def on_epoch_end(self, epoch, logs=None):
        if not np.isfinite((logs or {}).get("loss", 0.0)):
            self.epoch, self.model.stop_training = epoch + 1, True


def _dtype_kind(array):
    """NumPy's dtype kind letter of an array or a TensorFlow tensor ('f', 'i', ...)."""
    dtype = getattr(array, "dtype", None)
    dtype = getattr(dtype, "as_numpy_dtype", dtype)  # a tf.DType
    return np.dtype(dtype).kind if dtype is not None else np.asarray(array).dtype.kind


def _check_fit_options(build, epochs, batch_size, seed, optimizer, progress, label, test_every_epoch):
    checks.function(build, "build")
    if isinstance(build, keras.Model):  # a model is callable too, but fit would reuse its weights
        raise TypeError("build must be a function that returns a new model (e.g. models.mnist_convnet), "
                        f"got the model {build.name!r} itself; pass the function, not its result")
    checks.integer(epochs, "epochs")          # >= 1 is checked with batch_size, below
    checks.integer(batch_size, "batch_size")
    checks.non_negative_int(seed, "seed", maximum=2**32 - 1)
    if not (isinstance(optimizer, str) and optimizer) and not hasattr(optimizer, "apply_gradients"):
        raise TypeError(f"optimizer must be a Keras optimizer or its name (e.g. 'rmsprop'), "
                        f"got {checks.describe(optimizer)}")
    checks.boolean(progress, "progress")
    checks.text(label, "label", empty=True)
    checks.boolean(test_every_epoch, "test_every_epoch")


def _check_shift_args(model, images, labels, distances, seed, batch_size):
    """Checked ``(images, labels, distances as a list of ints)`` for the shift measurements."""
    if not callable(getattr(model, "predict", None)):
        raise TypeError(f"model must have a predict method (a Keras model), got {checks.describe(model)}")
    images = checks.array_of(images, "images", ndim=4, kinds="iuf", shape="(N, H, W, C)", empty=False)
    labels = checks.array_of(labels, "labels", ndim=1, kinds="iu", shape="(N,) integer labels")
    checks.same_length(images=images, labels=labels)
    if isinstance(distances, (str, bytes, dict)) or not hasattr(distances, "__iter__"):
        raise TypeError(f"distances must be a list of pixel distances, got {checks.describe(distances)}")
    limit = min(images.shape[1:3]) - 1
    distances = [checks.non_negative_int(d, "distances entry", maximum=limit) for d in distances]
    if not distances:
        raise ValueError("distances must hold at least one distance, e.g. [0, 1, 2]")
    checks.non_negative_int(seed, "seed")
    checks.positive_int(batch_size, "batch_size")
    return images, labels, distances


def _check_validation(validation, train):
    """``(x_val, y_val)``, checked as the training pair's held-out twin."""
    if not isinstance(validation, (tuple, list)) or len(validation) != 2:
        raise TypeError("validation must be (x_val, y_val): held-out images and one-hot labels, "
                        f"got {checks.describe(validation)}")
    try:
        _, (x_val, y_val) = _check_training_data((train, validation))
    except (TypeError, ValueError) as error:  # the same checks, with the validation arrays' names
        raise type(error)(str(error).replace("x_test", "x_val").replace("y_test", "y_val")) from None
    if len(x_val) != len(y_val):
        raise ValueError(f"validation images and labels differ in length: {len(x_val)} vs {len(y_val)}")
    return x_val, y_val


def train_and_evaluate(build, data, *, epochs, batch_size, seed, optimizer="rmsprop",
                       progress=False, label="", test_every_epoch=False, validation=None):
    """Seed everything, build, compile, fit and evaluate one model.

    ``build``: a no-argument function returning an uncompiled model;
    ``data``: ``((x_train, y_train), (x_test, y_test))`` preprocessed
    (float32 images ``(N, 28, 28, 1)``, one-hot labels ``(N, 10)``).
    ``progress=True`` prints one line per epoch (prefixed by ``label``);
    ``test_every_epoch=True`` also scores the test set after every epoch
    (``history['val_accuracy']``), for learning curves.
    ``validation=(x_val, y_val)`` scores that held-out part of the training
    data after every epoch instead, so that curves and the choice of epochs
    never look at the test set, which is then scored once, at the end.
    Returns ``(model, result)``: the trained model and its :class:`Result`.
    """
    _check_fit_options(build, epochs, batch_size, seed, optimizer, progress, label, test_every_epoch)
    (x_train, y_train), (x_test, y_test) = _check_training_data(data)
    if len(x_train) != len(y_train) or len(x_test) != len(y_test):
        raise ValueError(
            f"images and labels differ in length: train {len(x_train)} vs {len(y_train)}, "
            f"test {len(x_test)} vs {len(y_test)}; pass one label per image"
        )
    if epochs < 1 or batch_size < 1:
        raise ValueError(f"epochs and batch_size must be >= 1, got {epochs} and {batch_size}")
    if validation is not None and test_every_epoch:
        raise ValueError("pass validation=(x_val, y_val) or test_every_epoch=True, not both: "
                         "each one fills history['val_*']")
    held_out = None if validation is None else _check_validation(validation, (x_train, y_train))
    x_train, y_train, x_test, y_test = map(as_tensor, (x_train, y_train, x_test, y_test))  # one copy each
    if test_every_epoch:
        held_out = (x_test, y_test)
    elif held_out is not None:
        held_out = tuple(map(as_tensor, held_out))
    keras.utils.set_random_seed(seed)
    model = build()
    model.compile(optimizer=optimizer, loss="categorical_crossentropy", metrics=["accuracy"])
    log, nan = EpochLog(epochs, label=label, show=progress), StopOnNaN()
    start = time.perf_counter()
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size, verbose=0,
                        validation_data=held_out,
                        callbacks=[log, nan])
    fit_seconds = time.perf_counter() - start
    if nan.epoch is not None:  # a NaN result would read as a measurement; it is a failed run
        raise FloatingPointError(
            f"training {label or model.name} stopped: the loss became NaN or inf in epoch {nan.epoch} "
            f"of {epochs}; use a smaller learning rate (optimizer) or check the model's layers")
    test_loss, test_acc = model.evaluate(x_test, y_test, verbose=0)
    history = {k: [float(v) for v in values] for k, values in history.history.items()}
    return model, Result(
        model=model.name,
        params=int(model.count_params()),
        epochs=epochs,
        batch_size=batch_size,
        seed=seed,
        history=history,
        epoch_seconds=log.seconds,
        train_acc=history["accuracy"][-1],
        test_loss=float(test_loss),
        test_acc=float(test_acc),
        fit_seconds=fit_seconds,
        samples_per_second=epochs * len(x_train) / fit_seconds,
    )


def random_directions(n, seed):
    """``(n, 2)`` unit steps, each up, down, left or right, drawn with ``seed``."""
    n, seed = checks.non_negative_int(n, "n"), checks.non_negative_int(seed, "seed")
    steps = np.array([(-1, 0), (1, 0), (0, -1), (0, 1)])
    return steps[np.random.default_rng(seed).integers(0, 4, size=n)]


def accuracy_under_shift(model, images, labels, distances, seed=0, batch_size=500):
    """Test accuracy of ``model`` on ``images`` ``(N, 28, 28, 1)`` moved by
    each of ``distances`` pixels, each image in its own random direction
    (up, down, left or right, fixed by ``seed`` for all distances).
    ``labels``: ``(N,)`` ints. Returns ``{distance: accuracy}``."""
    correct = correct_under_shift(model, images, labels, distances, seed=seed, batch_size=batch_size)
    return {distance: float(right.mean()) for distance, right in correct.items()}


def correct_under_shift(model, images, labels, distances, seed=0, batch_size=500):
    """As :func:`accuracy_under_shift`, image by image: ``{distance: (N,)
    bools}``, True where ``model`` classifies the moved image right (what a
    paired test such as ``helpers.stats.mcnemar`` compares)."""
    images, labels, distances = _check_shift_args(model, images, labels, distances, seed, batch_size)
    directions = random_directions(len(images), seed)
    correct = {}
    for distance in distances:
        moved = as_tensor(ops.shift_each(images, directions * int(distance)))
        guess = model.predict(moved, batch_size=batch_size, verbose=0).argmax(axis=1)
        correct[int(distance)] = guess == labels
    return correct


# --- lesson 03: per-image measurements, a batch at a time ----------------------

def in_batches(fn, images, batch_size=250):
    """``fn(images)``, computed ``batch_size`` images at a time.

    ``fn`` maps a batch ``(B, ...)`` to per-image results: an array
    ``(B, ...)``, or a tuple or dict of them (nested as deep as you like).
    Returns the same structure for all ``N`` images, each array the batches'
    arrays joined along axis 0.

    Why batches: the feature maps ``fn`` makes on the way can be far bigger
    than its results. 1,000 MNIST digits through 32 3x3 filters are a
    (1000, 26, 26, 32) float32 map, 87 MB, and comparing two maps keeps
    several such arrays alive at once; 250 digits at a time keep that under
    100 MB whatever ``N`` is (lesson 03 must fit Binder's memory for all
    10,000 test digits).
    """
    checks.function(fn, "fn")
    images = checks.array_of(images, "images", ndim=tuple(range(1, 33)), shape="(N, ...)", empty=False)
    batch_size = checks.positive_int(batch_size, "batch_size")
    return _join([fn(images[start:start + batch_size]) for start in range(0, len(images), batch_size)])


def _join(parts):
    """Per-batch results (arrays, or tuples/dicts of them) -> one result, arrays concatenated."""
    first = parts[0]
    if isinstance(first, dict):
        return {key: _join([part[key] for part in parts]) for key in first}
    if isinstance(first, tuple):
        return tuple(_join(list(column)) for column in zip(*parts))
    return np.concatenate([np.asarray(part) for part in parts])
