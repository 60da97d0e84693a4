"""The downsampling experiment of lesson 05 (and of ``benchmarks/accuracy.py``).

One loop, so the lesson and the benchmark run the same experiment::

    for seed in seeds:                        # every variant on every seed
        for variant in variants (rotated):    # same data, epochs, batch, optimizer
            model = train(variant, seed)
            score it on the test digits moved by 0, 1, ... px

and the paired comparison of two variants over those runs: per-seed
differences (:func:`helpers.stats.paired_comparison`) and, seed by seed,
McNemar's test on the same test images (:func:`helpers.stats.mcnemar`).
"""

import numpy as np

from helpers import models, stats, training
from helpers.session import configure_backend

keras = configure_backend()

# Test digits scored per call: the no-pool stack's maps for 500 digits take ~180 MB at once
# (26x26x32 + 24x24x64 + 22x22x64 floats each), 100 digits ~36 MB, at about the same speed.
SCORE_BATCH = 100


def run_order(variants, seed_index):
    """``variants`` rotated by ``seed_index``: the i-th seed starts at the
    i-th variant, so no variant always trains first (the first model of a
    process also pays TensorFlow's one-time start-up)."""
    variants = list(variants)
    start = seed_index % len(variants)
    return variants[start:] + variants[:start]


def train_variants(variants, data, *, seeds, epochs, batch_size, shifts=(0,), head="flatten",
                   shift_seed=0, progress=True):
    """Train each of ``variants`` (``helpers.models.DOWNSAMPLING_KINDS``)
    once per seed under identical settings and score it on the test set
    moved by each of ``shifts`` pixels (``training.correct_under_shift``,
    directions fixed by ``shift_seed``).

    ``data``: preprocessed ``((x_train, y_train), (x_test, y_test))``,
    one-hot labels. ``head``: the classifier on top of conv3 (see
    ``models.downsampling_variant``). Returns one dict per run, in the
    order trained: ``variant, seed, head, params, epoch_seconds, train_acc,
    test_acc, shift_acc {px: accuracy}, correct {px: (N,) bools}``.
    """
    (x_train, y_train), (x_test, y_test) = data
    data = ((training.as_tensor(x_train), training.as_tensor(y_train)),  # one TensorFlow copy for all runs
            (training.as_tensor(x_test), training.as_tensor(y_test)))
    labels = np.asarray(y_test).argmax(axis=1)
    runs = []
    for index, seed in enumerate(seeds):
        for variant in run_order(variants, index):
            keras.backend.clear_session()  # free the previous model's graph
            label = f"{variant}{'' if head == 'flatten' else ' ' + head} seed {seed}"
            model, result = training.train_and_evaluate(
                lambda: models.downsampling_variant(variant, head=head), data, epochs=epochs,
                batch_size=batch_size, seed=seed, progress=progress, label=label)
            correct = training.correct_under_shift(model, np.asarray(x_test), labels, shifts, seed=shift_seed,
                                                   batch_size=SCORE_BATCH)
            runs.append({"variant": variant, "seed": seed, "head": head, "params": result.params,
                         "epoch_seconds": result.epoch_seconds, "train_acc": result.train_acc,
                         "test_acc": result.test_acc,
                         "shift_acc": {px: float(right.mean()) for px, right in correct.items()},
                         "correct": correct})
    return runs


def _run(runs, variant, seed):
    found = [r for r in runs if r["variant"] == variant and r["seed"] == seed]
    if len(found) != 1:
        raise ValueError(f"runs hold {len(found)} runs of variant {variant!r} with seed {seed}; expected 1")
    return found[0]


def seeds_of(runs):
    """The seeds in ``runs``, in the order they were first trained."""
    return list(dict.fromkeys(r["seed"] for r in runs))


def accuracies(runs, variant, shift=0):
    """``(S,)`` accuracies of ``variant`` on the test set moved by ``shift``
    px, one per seed (in :func:`seeds_of` order)."""
    return np.array([_run(runs, variant, seed)["shift_acc"][shift] for seed in seeds_of(runs)])


def compare(runs, a, b, shift=0):
    """Variant ``a`` against ``b`` at ``shift`` px, paired by seed and by
    test image: :func:`helpers.stats.paired_comparison` of their per-seed
    accuracies (``diffs`` = a - b) plus ``mcnemar``: one ``(b01, b10, p)``
    per seed (b01: images only b gets right; b10: only a)."""
    found = stats.paired_comparison(accuracies(runs, a, shift), accuracies(runs, b, shift))
    found["mcnemar"] = [stats.mcnemar(_run(runs, a, s)["correct"][shift], _run(runs, b, s)["correct"][shift])
                        for s in seeds_of(runs)]
    return found


def summary(runs):
    """The runs without their per-image arrays, JSON-friendly:
    ``{variant: {seed: {'test_acc', 'train_acc', 'shift_acc', 'epoch_seconds', 'params'}}}``."""
    found = {}
    for r in runs:
        found.setdefault(r["variant"], {})[str(r["seed"])] = {
            key: r[key] for key in ("test_acc", "train_acc", "shift_acc", "epoch_seconds", "params")}
    return found
