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


def test_result_record(keras):
    result = training.train_and_evaluate(models.dense_baseline, _tiny_data(), epochs=2, batch_size=32, seed=3)
    assert result.params == 407_050
    assert result.model == "dense_baseline"
    assert len(result.history["loss"]) == 2
    assert 0.0 <= result.test_acc <= 1.0
    assert result.samples_per_second > 0
    record = json.loads(result.to_json())
    assert record["seed"] == 3
    assert record["train_test_gap"] == pytest.approx(result.train_acc - result.test_acc)


def test_same_seed_same_result(keras):
    a = training.train_and_evaluate(models.dense_baseline, _tiny_data(), epochs=1, batch_size=32, seed=7)
    b = training.train_and_evaluate(models.dense_baseline, _tiny_data(), epochs=1, batch_size=32, seed=7)
    assert a.history["loss"] == pytest.approx(b.history["loss"], rel=1e-5)
    assert a.test_loss == pytest.approx(b.test_loss, rel=1e-5)


def test_bad_input(keras):
    (x, y), test = _tiny_data()
    with pytest.raises(ValueError, match="differ in length"):
        training.train_and_evaluate(models.dense_baseline, ((x, y[:10]), test), epochs=1, batch_size=8, seed=0)
    with pytest.raises(ValueError, match="epochs and batch_size must be >= 1"):
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


def test_train_and_evaluate_takes_tensors_as_it_takes_arrays(keras):
    (x, y), (xt, yt) = _tiny_data()
    from_arrays = training.train_and_evaluate(models.dense_baseline, ((x, y), (xt, yt)), epochs=1, batch_size=32, seed=2)
    as_tensors = ((training.as_tensor(x), training.as_tensor(y)), (training.as_tensor(xt), training.as_tensor(yt)))
    from_tensors = training.train_and_evaluate(models.dense_baseline, as_tensors, epochs=1, batch_size=32, seed=2)
    assert from_tensors.history["loss"] == pytest.approx(from_arrays.history["loss"], rel=1e-5)
    assert from_tensors.test_acc == pytest.approx(from_arrays.test_acc)
