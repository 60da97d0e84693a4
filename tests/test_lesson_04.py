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
    model, result = training.train_and_evaluate(
        models.dense_baseline, (train, test), epochs=2, batch_size=32, seed=1, validation=val
    )
    assert len(result.history["val_accuracy"]) == 2
    val_loss, val_acc = model.evaluate(*val, verbose=0)
    test_loss, test_acc = model.evaluate(*test, verbose=0)
    assert result.history["val_accuracy"][-1] == pytest.approx(val_acc)  # the curves are the validation set
    assert result.history["val_loss"][-1] == pytest.approx(val_loss, rel=1e-5)
    assert result.test_acc == pytest.approx(test_acc)  # the record's test score is the test set
    assert result.test_loss == pytest.approx(test_loss, rel=1e-5)


@pytest.mark.training
def test_validation_refuses_bad_input(keras):
    train, test = _tiny(32, 0), _tiny(8, 1)
    run = dict(epochs=1, batch_size=16, seed=0)
    with pytest.raises(ValueError, match="validation must be None with test_every_epoch=True"):
        training.train_and_evaluate(models.dense_baseline, (train, test), test_every_epoch=True, validation=test, **run)
    with pytest.raises(TypeError, match=r"validation must be \(x_val, y_val\)"):
        training.train_and_evaluate(models.dense_baseline, (train, test), validation=test[0], **run)
    with pytest.raises(
        ValueError, match=r"x_val must be a float array of shape \(N, H, W, C\), got shape \(8, 28, 28\)"
    ):
        training.train_and_evaluate(models.dense_baseline, (train, test), validation=(test[0][..., 0], test[1]), **run)
    with pytest.raises(ValueError, match="y_val must hold one label per image: the two differ in length, got 7"):
        training.train_and_evaluate(models.dense_baseline, (train, test), validation=(test[0], test[1][:7]), **run)


def _reaches_conv3(row, col):
    """Does a poke at input pixel (row, col) change conv3 of the lesson's stack?
    Kernels of ones and max-pooling, so that no change can cancel out."""
    from helpers import ops

    image = np.zeros((1, 28, 28, 1))
    image[0, row, col, 0] = 1.0
    a = image
    for c_in, pool in ((1, True), (1, True), (1, False)):  # conv1 + pool1, conv2 + pool2, conv3
        a = ops.conv2d(a, np.ones((3, 3, c_in, 1)))
        if pool:
            a = ops.max_pool2d(a, pool=2)
    return bool(a.any())


def test_the_last_two_rows_and_columns_reach_no_conv3_unit():
    """Section 8 states it from ops.receptive_field (18x18 fields, 4 px apart, 3x3 units: rows 0-25)."""
    from helpers import ops

    size, jump = ops.receptive_field([(3, 1), (2, 2), (3, 1), (2, 2), (3, 1)])
    assert (size, jump) == (18, 4)
    assert [_reaches_conv3(r, 13) for r in (0, 25, 26, 27)] == [True, True, False, False]
    assert [_reaches_conv3(13, c) for c in (0, 25, 26, 27)] == [True, True, False, False]


def test_the_lesson_05_claims_lesson_04_prints_exist(keras):
    """Section 8 prints lesson 05's full-data verdicts by claim name: the names must stay."""
    from helpers import ablation

    seeds = np.array([0.9, 0.91, 0.92])
    accuracy = {
        head: {kind: {0: seeds, 4: seeds - 0.3} for kind in kinds}
        for head, kinds in (
            ("flatten", ("max", "avg", "strided_conv", "learned_pool", "none")),
            ("global_max", ("max", "none")),
        )
    }
    names = {v.claim for v in ablation.claims(accuracy, 4)}
    assert {"(b) max - none", "(b) global head: max - none"} <= names
