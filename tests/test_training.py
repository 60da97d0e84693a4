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
