"""Lesson 04: what the lesson relies on that its own cells no longer assert.

The lesson draws its learning curves on a validation split held out of the
training images and scores the test set once, after training
(``train_and_evaluate(..., validation=(x_val, y_val))``).
"""

import numpy as np
import pytest

from helpers import models, training


def _tiny(n, seed):
    rng = np.random.default_rng(seed)
    return rng.random((n, 28, 28, 1), dtype=np.float32), np.eye(10, dtype="float32")[rng.integers(0, 10, n)]


@pytest.mark.training
def test_validation_fills_the_curves_and_the_test_set_is_scored_once_at_the_end(keras):
    train, test, val = _tiny(64, 0), _tiny(16, 1), _tiny(24, 2)
    model, result = training.train_and_evaluate(models.dense_baseline, (train, test), epochs=2, batch_size=32,
                                                seed=1, validation=val)
    assert len(result.history["val_accuracy"]) == 2
    val_loss, val_acc = model.evaluate(*val, verbose=0)
    test_loss, test_acc = model.evaluate(*test, verbose=0)
    assert result.history["val_accuracy"][-1] == pytest.approx(val_acc)    # the curves are the validation set
    assert result.history["val_loss"][-1] == pytest.approx(val_loss, rel=1e-5)
    assert result.test_acc == pytest.approx(test_acc)                       # the record's test score is the test set
    assert result.test_loss == pytest.approx(test_loss, rel=1e-5)


@pytest.mark.training
def test_validation_refuses_bad_input(keras):
    train, test = _tiny(32, 0), _tiny(8, 1)
    run = dict(epochs=1, batch_size=16, seed=0)
    with pytest.raises(ValueError, match="not both"):
        training.train_and_evaluate(models.dense_baseline, (train, test), test_every_epoch=True, validation=test, **run)
    with pytest.raises(TypeError, match=r"validation must be \(x_val, y_val\)"):
        training.train_and_evaluate(models.dense_baseline, (train, test), validation=test[0], **run)
    with pytest.raises(ValueError, match="x_val must be float images"):
        training.train_and_evaluate(models.dense_baseline, (train, test), validation=(test[0][..., 0], test[1]), **run)
    with pytest.raises(ValueError, match="differ in length: 8 vs 7"):
        training.train_and_evaluate(models.dense_baseline, (train, test), validation=(test[0], test[1][:7]), **run)
