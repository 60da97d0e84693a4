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
    """A NumPy array -> a tensor of Keras' backend with the same shape, dtype
    and values (a copy: later changes to the array do not reach it).

    Why not let ``fit`` convert it: on TensorFlow, ``tf.convert_to_tensor``,
    which ``model.fit(numpy_array)`` uses, keeps two copies of the array in
    TensorFlow 2.21 (+360 MiB of RSS for MNIST's 179 MiB of float32 training
    images). Running an op on the array stores one copy (+179 MiB). On
    Binder's 2 GB that difference matters; ``fit``, ``evaluate`` and
    ``predict`` take the tensor exactly as they take the array. On another
    backend, ``keras.ops.convert_to_tensor`` of a copy. A tensor is returned
    as it is.
    """
    if keras.ops.is_tensor(array):
        return array
    if keras.backend.backend() != "tensorflow":
        return keras.ops.convert_to_tensor(np.array(array))
    import tensorflow as tf

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
            scores = ", ".join(
                f"{name} {logs[name]:.4f}" for name in ("loss", "accuracy", "val_loss", "val_accuracy") if name in logs
            )
            prefix = f"{self.label} " if self.label else ""
            print(f"{prefix}epoch {epoch + 1}/{self.epochs}: {scores}, {self.seconds[-1]:.1f} s", flush=True)


class StopOnNaN(keras.callbacks.Callback):
    """Stops training at the end of the first epoch whose loss is NaN or inf
    (every later epoch would be NaN too); ``epoch`` is that epoch (1-based)."""

    epoch = None

    def on_epoch_end(self, epoch, logs=None):
        if not np.isfinite((logs or {}).get("loss", 0.0)):
            self.epoch, self.model.stop_training = epoch + 1, True


def train_and_evaluate(
    build,
    data,
    *,
    epochs,
    batch_size,
    seed,
    optimizer="rmsprop",
    progress=False,
    label="",
    test_every_epoch=False,
    validation=None,
):
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
    checks.require(
        callable(build) and not isinstance(build, keras.Model),
        "build",
        "be a function that returns a new model (e.g. models.mnist_convnet), not a model",
        checks.describe(build),
        TypeError,
    )
    epochs, batch_size = checks.positive_int(epochs, "epochs"), checks.positive_int(batch_size, "batch_size")
    seed = checks.non_negative_int(seed, "seed", maximum=2**32 - 1)
    checks.require(
        (isinstance(optimizer, str) and optimizer) or hasattr(optimizer, "apply_gradients"),
        "optimizer",
        "be a Keras optimizer or its name (e.g. 'rmsprop')",
        checks.describe(optimizer),
        TypeError,
    )
    progress, label = checks.boolean(progress, "progress"), checks.text(label, "label", empty=True)
    test_every_epoch = checks.boolean(test_every_epoch, "test_every_epoch")
    (x_train, y_train), (x_test, y_test) = checks.nested(data, "data", "((x_train, y_train), (x_test, y_test))")
    x_train, y_train = _labelled_images(x_train, y_train, "train")
    x_test, y_test = _labelled_images(x_test, y_test, "test", like=(x_train, y_train))
    validation = None if validation is None else checks.nested(validation, "validation", "(x_val, y_val)")
    held_out = None if validation is None else _labelled_images(*validation, "val", like=(x_train, y_train))
    checks.require(held_out is None or not test_every_epoch, "validation", "be None with test_every_epoch=True", "both")
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
    history = model.fit(
        x_train,
        y_train,
        epochs=epochs,
        batch_size=batch_size,
        verbose=0,
        validation_data=held_out,
        callbacks=[log, nan],
    )
    fit_seconds = time.perf_counter() - start
    if nan.epoch is not None:  # a NaN result would read as a measurement; it is a failed run
        raise FloatingPointError(
            f"training {label or model.name} stopped: the loss became NaN or inf in epoch "
            f"{nan.epoch} of {epochs}; use a smaller learning rate or check the model's layers"
        )
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
    checks.function(getattr(model, "predict", None), "model.predict")  # a Keras model
    images = checks.array_of(images, "images", "(N, H, W, C)", "iuf", empty=False)
    labels = checks.array_of(labels, "labels", "(N,)", "iu", sizes={"N": len(images)})
    distances = checks.list_of(distances, "distances", "pixel distances, e.g. [0, 1, 2]", at_least=0)
    distances = [checks.non_negative_int(d, "distances entry", maximum=min(images.shape[1:3]) - 1) for d in distances]
    checks.require(distances, "distances", "hold at least one distance, e.g. [0, 1, 2]", "[]")
    seed, batch_size = checks.non_negative_int(seed, "seed"), checks.positive_int(batch_size, "batch_size")
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
    images = checks.array_of(images, "images", "(N, ...)", empty=False)
    batch_size = checks.positive_int(batch_size, "batch_size")
    return _join([fn(images[start : start + batch_size]) for start in range(0, len(images), batch_size)])


def _join(parts):
    """Per-batch results (arrays, or tuples/dicts of them) -> one result, arrays concatenated."""
    first = parts[0]
    if isinstance(first, dict):
        return {key: _join([part[key] for part in parts]) for key in first}
    if isinstance(first, tuple):
        return tuple(_join(list(column)) for column in zip(*parts))
    return np.concatenate([np.asarray(part) for part in parts])


# --- the training data, checked where it comes in -----------------------------------


def _labelled_images(images, labels, part, like=None):
    """``(images, labels)`` of one part of the data (``"train"``, ``"test"``,
    ``"val"``), checked: float images ``(N, H, W, C)``, one-hot labels
    ``(N, K)``, N >= 1, one label per image, no NaN or inf (either makes the
    loss NaN); given ``like``, the training pair, the same H, W, C and K.
    Arrays or tensors, never copied."""
    x, y = f"x_{part}", f"y_{part}"
    images, labels = checks.samples(images, x, "(N, H, W, C)", "f"), checks.samples(labels, y, "(N, K)", "f")
    checks.require(len(images) == len(labels), y, "hold one label per image: the two differ in length", len(labels))
    if like is not None:
        want = tuple(like[0].shape[1:]), tuple(like[1].shape[1:])
        checks.require(tuple(images.shape[1:]) == want[0], x, f"have x_train's image shape {want[0]}", images.shape[1:])
        checks.require(tuple(labels.shape[1:]) == want[1], y, f"have y_train's label shape {want[1]}", labels.shape[1:])
    return images, labels
