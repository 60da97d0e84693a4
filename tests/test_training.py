"""helpers.training: seeded, JSON-friendly, honest about its inputs."""

import json

import numpy as np
import pytest

from helpers import models, training


def _tiny_data(n=64):
    rng = np.random.default_rng(0)
    y = np.eye(10, dtype="float32")[rng.integers(0, 10, n)]
    x = rng.random((n, 28, 28, 1), dtype=np.float32)
    return (x, y), (x[:16], y[:16])


@pytest.mark.training
def test_result_record(keras):
    _, result = training.train_and_evaluate(models.dense_baseline, _tiny_data(), epochs=2, batch_size=32, seed=3)
    assert result.params == 407_050
    assert result.model == "dense_baseline"
    assert len(result.history["loss"]) == 2
    assert 0.0 <= result.test_acc <= 1.0
    assert result.samples_per_second > 0
    assert len(result.epoch_seconds) == 2 and all(s > 0 for s in result.epoch_seconds)
    record = json.loads(result.to_json())
    assert record["seed"] == 3
    assert record["train_test_gap"] == pytest.approx(result.train_acc - result.test_acc)


@pytest.mark.training
def test_same_seed_same_result(keras):
    _, a = training.train_and_evaluate(models.dense_baseline, _tiny_data(), epochs=1, batch_size=32, seed=7)
    _, b = training.train_and_evaluate(models.dense_baseline, _tiny_data(), epochs=1, batch_size=32, seed=7)
    assert a.history["loss"] == pytest.approx(b.history["loss"], rel=1e-5)
    assert a.test_loss == pytest.approx(b.test_loss, rel=1e-5)


def test_bad_input(keras):
    (x, y), test = _tiny_data()
    with pytest.raises(ValueError, match="differ in length"):
        training.train_and_evaluate(models.dense_baseline, ((x, y[:10]), test), epochs=1, batch_size=8, seed=0)
    with pytest.raises(ValueError, match="epochs must be an int >= 1, got 0"):
        training.train_and_evaluate(models.dense_baseline, ((x, y), test), epochs=0, batch_size=8, seed=0)


@pytest.mark.parametrize("dtype", ["float32", "uint8", "int64"])
def test_as_tensor_keeps_shape_dtype_and_values(keras, dtype):
    import tensorflow as tf

    array = np.arange(2 * 5 * 5 * 1).reshape(2, 5, 5, 1).astype(dtype)
    tensor = training.as_tensor(array)
    assert isinstance(tensor, tf.Tensor)
    assert tensor.shape == array.shape and tensor.dtype.name == dtype
    np.testing.assert_array_equal(tensor.numpy(), array)


def test_as_tensor_copies_so_later_changes_to_the_array_do_not_leak_in(keras):
    array = np.zeros((4, 3), np.float32)
    tensor = training.as_tensor(array[:, :2])  # a non-contiguous view is fine too
    array[:] = 1.0
    np.testing.assert_array_equal(tensor.numpy(), np.zeros((4, 2), np.float32))


@pytest.mark.training
def test_a_model_fits_tensors_made_by_as_tensor_as_it_fits_arrays(keras):
    (x, y), _ = _tiny_data(32)

    def fit_once(to_input):
        keras.utils.set_random_seed(5)
        model = models.dense_baseline()
        model.compile(optimizer="rmsprop", loss="categorical_crossentropy")
        return model.fit(to_input(x), to_input(y), epochs=1, batch_size=8, shuffle=False, verbose=0).history["loss"]

    assert fit_once(training.as_tensor) == pytest.approx(fit_once(lambda a: a), rel=1e-5)


def test_as_tensor_returns_a_tensor_unchanged(keras):
    tensor = training.as_tensor(np.ones((3, 2), np.float32))
    assert training.as_tensor(tensor) is tensor


@pytest.mark.training
def test_train_and_evaluate_takes_tensors_as_it_takes_arrays(keras):
    (x, y), (xt, yt) = _tiny_data()
    _, from_arrays = training.train_and_evaluate(
        models.dense_baseline, ((x, y), (xt, yt)), epochs=1, batch_size=32, seed=2
    )
    as_tensors = ((training.as_tensor(x), training.as_tensor(y)), (training.as_tensor(xt), training.as_tensor(yt)))
    _, from_tensors = training.train_and_evaluate(models.dense_baseline, as_tensors, epochs=1, batch_size=32, seed=2)
    assert from_tensors.history["loss"] == pytest.approx(from_arrays.history["loss"], rel=1e-5)
    assert from_tensors.test_acc == pytest.approx(from_arrays.test_acc)


@pytest.mark.training
def test_train_and_evaluate_returns_the_trained_model(keras):
    (x, y), (xt, yt) = _tiny_data()
    model, result = training.train_and_evaluate(
        models.dense_baseline, ((x, y), (xt, yt)), epochs=1, batch_size=32, seed=4
    )
    assert model.name == result.model and model.count_params() == result.params
    loss, acc = model.evaluate(xt, yt, verbose=0)  # the returned model is the one that was scored
    assert acc == pytest.approx(result.test_acc) and loss == pytest.approx(result.test_loss, rel=1e-5)


@pytest.mark.training
def test_progress_prints_one_line_per_epoch(keras, capsys):
    _, result = training.train_and_evaluate(
        models.dense_baseline, _tiny_data(), epochs=3, batch_size=32, seed=1, progress=True, label="dense"
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == ["dense epoch 1/3", "dense epoch 2/3", "dense epoch 3/3"]
    assert all(" loss " in line and " accuracy " in line and line.endswith(" s") for line in lines)
    assert f"accuracy {result.history['accuracy'][-1]:.4f}" in lines[-1]


@pytest.mark.training
def test_silent_by_default_and_test_every_epoch_gives_curves(keras, capsys):
    _, result = training.train_and_evaluate(
        models.dense_baseline, _tiny_data(), epochs=2, batch_size=32, seed=1, test_every_epoch=True
    )
    assert capsys.readouterr().out == ""
    assert len(result.history["val_accuracy"]) == 2
    assert result.history["val_accuracy"][-1] == pytest.approx(result.test_acc)


@pytest.mark.training
def test_to_json_is_strict_json(keras):
    _, result = training.train_and_evaluate(models.dense_baseline, _tiny_data(), epochs=1, batch_size=32, seed=0)
    result.test_loss = float("nan")
    text = result.to_json()
    assert "NaN" not in text and json.loads(text)["test_loss"] is None


class _Majority:
    """A stand-in model: predicts class 1 for any image whose top-left pixel is dark."""

    def predict(self, x, batch_size=None, verbose=0):
        x = np.asarray(x)
        probs = np.zeros((len(x), 10))
        probs[np.arange(len(x)), np.where(x[:, 0, 0, 0] > 0.5, 0, 1)] = 1
        return probs


def test_accuracy_under_shift_moves_every_image(keras):
    images = np.zeros((40, 28, 28, 1), np.float32)
    images[:, 0, 0, 0] = 1.0  # a bright top-left pixel: the model says 0
    labels = np.zeros(40, int)
    acc = training.accuracy_under_shift(_Majority(), images, labels, [0, 1, 3], seed=0)
    assert list(acc) == [0, 1, 3]
    # unshifted, all right; shifted by >= 1 px in any direction the pixel leaves (0, 0): all wrong
    assert acc[0] == 1.0 and acc[1] == 0.0 and acc[3] == 0.0


# --- lesson 03 ---
def test_in_batches_joins_arrays_tuples_and_dicts_as_one_call_would():
    images = np.arange(10 * 2 * 2, dtype=float).reshape(10, 2, 2)
    sizes = []

    def stats(batch):
        sizes.append(len(batch))
        return {"sum": batch.sum(axis=(1, 2)), "pair": (batch[:, 0], batch.max(axis=(1, 2)))}

    got = training.in_batches(stats, images, batch_size=4)
    assert sizes == [4, 4, 2]  # never more than batch_size at a time
    assert np.array_equal(got["sum"], images.sum(axis=(1, 2)))
    assert np.array_equal(got["pair"][0], images[:, 0]) and np.array_equal(got["pair"][1], images.max(axis=(1, 2)))
    assert np.array_equal(training.in_batches(lambda b: b * 2, images, batch_size=100), images * 2)


@pytest.mark.parametrize(
    "fn, images, batch_size, error, words",
    [
        (lambda b: b, np.zeros((3, 2)), 0, ValueError, "batch_size must be an int >= 1, got 0"),
        (lambda b: b, np.zeros((3, 2)), 2.0, TypeError, "batch_size must be an int >= 1, got 2.0"),
        (lambda b: b, np.zeros((0, 2)), 2, ValueError, "images must have N >= 1, got shape (0, 2)"),
        (lambda b: b, np.float32(1.0), 2, ValueError, "images must be"),
        ("sum", np.zeros((3, 2)), 2, TypeError, "fn must be a function"),
    ],
)
def test_in_batches_refuses_bad_input(fn, images, batch_size, error, words):
    with pytest.raises(error) as info:
        training.in_batches(fn, images, batch_size=batch_size)
    assert words in str(info.value)


@pytest.mark.training
def test_a_loss_that_becomes_nan_stops_the_run_with_a_message(keras):
    """Issue 26: the run ends in an error, never in a Result whose loss is NaN."""
    x, y = np.zeros((4, 28, 28, 1), np.float32), np.eye(10, dtype=np.float32)[:4]

    def build():  # finite data, a layer that makes every activation NaN
        inputs = keras.Input((28, 28, 1))
        hidden = keras.layers.Lambda(lambda t: t * float("nan"))(keras.layers.Flatten()(inputs))
        return keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(hidden), name="nan_net")

    with pytest.raises(FloatingPointError, match="nan_net stopped: the loss became NaN or inf in epoch 1 of 3"):
        training.train_and_evaluate(build, ((x, y), (x, y)), epochs=3, batch_size=2, seed=0)


def test_nan_in_a_tensor_is_refused_before_training(keras):
    x, y = np.zeros((4, 28, 28, 1), np.float32), np.eye(10, dtype=np.float32)[:4]
    bad = x.copy()
    bad[3, 0, 0, 0] = np.inf
    with pytest.raises(ValueError, match="x_train must hold finite numbers, got NaN or inf in sample 3"):
        training.train_and_evaluate(
            models.dense_baseline, ((training.as_tensor(bad), y), (x, y)), epochs=1, batch_size=2, seed=0
        )


def test_training_data_is_checked_without_a_copy_tensors_too(keras):
    from helpers import checks

    x = np.zeros((6, 4, 4, 1), np.float32)
    x[4, 0, 0, 0] = np.inf
    for images in (x, training.as_tensor(x)):
        with pytest.raises(ValueError, match="x_train must hold finite numbers, got NaN or inf in sample 4"):
            checks.samples(images, "x_train", "(N, H, W, C)", "f", chunk=3)
    tensor = training.as_tensor(x[:4])
    assert checks.samples(tensor, "x_train", "(N, H, W, C)", "f") is tensor
