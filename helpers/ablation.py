"""The downsampling experiment of lesson 05 (and of ``benchmarks/accuracy.py``).

One loop, so the lesson and the benchmark run the same experiment::

    for seed in seeds:                        # every variant on every seed
        for variant in variants (rotated):    # same data, epochs, batch, optimizer
            model = train(variant, seed)
            score it on the test digits moved by 0, 1, ... px

and the paired comparison of two variants over those runs: per-seed
differences (:func:`helpers.stats.paired_comparison`) and, seed by seed,
McNemar's test on the same test images (:func:`helpers.stats.mcnemar`).
Claim (d)'s learning curves (:func:`train_curves`) and the verdicts on the
book's claims (a)-(d) (:func:`claims`) are shared the same way: the lesson,
the benchmark and the README decide with one function.
"""

import functools
import json
from importlib import resources

import numpy as np

from helpers import checks, models, stats, training, verdicts
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


def train_variants(
    variants, data, *, seeds, epochs, batch_size, shifts=(0,), head="flatten", shift_seed=0, progress=True
):
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
    data = (
        (training.as_tensor(x_train), training.as_tensor(y_train)),  # one TensorFlow copy for all runs
        (training.as_tensor(x_test), training.as_tensor(y_test)),
    )
    labels = np.asarray(y_test).argmax(axis=1)
    runs = []
    for index, seed in enumerate(seeds):
        for variant in run_order(variants, index):
            keras.backend.clear_session()  # free the previous model's graph
            label = f"{variant}{'' if head == 'flatten' else ' ' + head} seed {seed}"
            model, result = training.train_and_evaluate(
                functools.partial(models.downsampling_variant, variant, head=head),
                data,
                epochs=epochs,
                batch_size=batch_size,
                seed=seed,
                progress=progress,
                label=label,
            )
            correct = training.correct_under_shift(
                model, np.asarray(x_test), labels, shifts, seed=shift_seed, batch_size=SCORE_BATCH
            )
            runs.append(
                {
                    "variant": variant,
                    "seed": seed,
                    "head": head,
                    "params": result.params,
                    "epoch_seconds": result.epoch_seconds,
                    "train_acc": result.train_acc,
                    "test_acc": result.test_acc,
                    "shift_acc": {px: float(right.mean()) for px, right in correct.items()},
                    "correct": correct,
                }
            )
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
    found["mcnemar"] = [
        stats.mcnemar(_run(runs, a, s)["correct"][shift], _run(runs, b, s)["correct"][shift]) for s in seeds_of(runs)
    ]
    return found


def summary(runs):
    """The runs without their per-image arrays, JSON-friendly:
    ``{variant: {seed: {'test_acc', 'train_acc', 'shift_acc', 'epoch_seconds', 'params'}}}``."""
    found = {}
    for r in runs:
        found.setdefault(r["variant"], {})[str(r["seed"])] = {
            key: r[key] for key in ("test_acc", "train_acc", "shift_acc", "epoch_seconds", "params")
        }
    return found


# --- claim (d): learning curves of the Dense-512 head and its two controls ----

# The no-pool stack under the book's Dense-512 head; the same stack under Dense-64 (the control that
# differs only in head width); lesson 04's convnet (max pooling, Dense-64).
CURVE_MODELS = {
    "none, Dense-512": lambda: models.no_pool_convnet("dense512"),
    "none, Dense-64": lambda: models.no_pool_convnet("dense64"),
    "max, Dense-64": models.mnist_convnet,
}


def train_curves(names, data, *, seeds, epochs, batch_size, progress=True):
    """Train each model of ``names`` (keys of :data:`CURVE_MODELS`) once per
    seed on ``data`` (preprocessed ``((x_train, y_train), (x_test, y_test))``),
    scoring the test digits after every epoch; ``progress``: one line per
    epoch for the first seed. Returns one dict per run: ``model, seed,
    params, history`` (``loss, accuracy, val_loss, val_accuracy``, one value
    per epoch; ``val_``: the test digits), ``train_acc`` (the training digits
    evaluated after the last epoch, not Keras' running mean) and ``test_acc``."""
    for name in names:
        checks.one_of(name, "each name in names", list(CURVE_MODELS))
    (x_train, y_train), (x_test, y_test) = data
    data = (
        (training.as_tensor(x_train), training.as_tensor(y_train)),
        (training.as_tensor(x_test), training.as_tensor(y_test)),
    )
    runs = []
    for index, seed in enumerate(seeds):
        for name in run_order(names, index):
            keras.backend.clear_session()
            model, result = training.train_and_evaluate(
                CURVE_MODELS[name],
                data,
                epochs=epochs,
                batch_size=batch_size,
                seed=seed,
                progress=progress and index == 0,
                label=f"{name} seed {seed}",
                test_every_epoch=True,
            )
            _, train_acc = model.evaluate(data[0][0], data[0][1], batch_size=SCORE_BATCH, verbose=0)
            runs.append(
                {
                    "model": name,
                    "seed": seed,
                    "params": result.params,
                    "history": result.history,
                    "train_acc": float(train_acc),
                    "test_acc": result.test_acc,
                }
            )
    return runs


def curves_by_model(runs):
    """``{model: [history, ...]}``, one history per seed in :func:`seeds_of` order."""
    found = {}
    for seed in seeds_of(runs):
        for r in runs:
            if r["seed"] == seed:
                found.setdefault(r["model"], []).append(r["history"])
    return found


def late_test_loss(history, last):
    """The test loss (``history['val_loss']``) averaged over the last ``last`` epochs."""
    return float(np.mean(history["val_loss"][-last:]))


def overfit_signature(history, last):
    """True when a run shows overfitting's signature: its lowest test loss
    came before the last ``last`` epochs, its test loss over those epochs
    averages above that lowest value, and its training loss after the last
    epoch is below its value at that lowest point."""
    test_loss, train_loss = history["val_loss"], history["loss"]
    best = int(np.argmin(test_loss))
    return (
        best < len(test_loss) - last
        and late_test_loss(history, last) > test_loss[best]
        and train_loss[-1] < train_loss[best]
    )


def overfit_verdict(costs, signatures):
    """Claim (d) as a whole, from its cost verdicts (one :class:`helpers.verdicts.Verdict` per
    control) and the Dense-512 model's per-seed signatures (bools): *supported* when every cost
    is supported and every seed shows the signature; *contradicted* when every cost is
    contradicted; *not settled* otherwise. Returns ``(verdict, reason)``."""
    costs, signatures = list(costs), list(signatures)
    marked = f"the signature on {sum(signatures)} of {len(signatures)} seeds"
    if all(v.verdict == verdicts.SUPPORTED for v in costs) and all(signatures):
        return verdicts.SUPPORTED, f"every cost supported, {marked}"
    if all(v.verdict == verdicts.CONTRADICTED for v in costs):
        return verdicts.CONTRADICTED, f"every cost contradicted, {marked}"
    return verdicts.NOT_SETTLED, f"costs {', '.join(v.verdict for v in costs)}; {marked}"


# --- the verdicts on the book's claims -----------------------------------------


def _pp(values):
    return 100 * np.asarray(values, dtype=float)  # accuracies -> percentage points


def claims(accuracy, shift, curves=None, last=3):
    """The claims (a)-(d), each decided by :func:`helpers.verdicts.decide_pair`.

    ``accuracy``: ``{head: {variant: {px: (S,) accuracies}}}`` with heads
    ``'flatten'`` (every variant) and ``'global_max'`` (``max``, ``none``),
    each at 0 px and at ``shift`` px, one value per seed in one seed order.
    ``curves``: ``{model: [history per seed]}`` of :data:`CURVE_MODELS`
    (:func:`curves_by_model`), or None for no (d) rows. Returns a list of
    :class:`helpers.verdicts.Verdict`: (a) clean accuracy, max - other (pp,
    claim +); (b) the drop from clean to ``shift`` px, max - other (pp,
    claim -), also under the global max head; (head) the drop, global -
    Flatten head (claim -); (c) clean accuracy, max - none under both heads
    (claim +); (d) the test loss over the last ``last`` epochs, Dense-512 -
    each control (claim +)."""
    clean, lost = "clean accuracy (pp)", f"drop 0->{shift} px (pp)"
    flat, glob = accuracy["flatten"], accuracy["global_max"]

    def drop(found, kind):
        return _pp(found[kind][0]) - _pp(found[kind][shift])

    found = [
        verdicts.decide_pair(f"(a) max - {b}", clean, _pp(flat["max"][0]), _pp(flat[b][0]))
        for b in ("avg", "strided_conv", "learned_pool")
    ]
    found += [
        verdicts.decide_pair(f"(b) max - {b}", lost, drop(flat, "max"), drop(flat, b), expect="-")
        for b in ("avg", "strided_conv", "learned_pool", "none")
    ]
    found += [
        verdicts.decide_pair("(b) global head: max - none", lost, drop(glob, "max"), drop(glob, "none"), expect="-")
    ]
    found += [
        verdicts.decide_pair(f"(head) {kind}: global - Flatten", lost, drop(glob, kind), drop(flat, kind), expect="-")
        for kind in ("max", "none")
    ]
    found += [
        verdicts.decide_pair(f"(c) {name}: max - none", clean, _pp(head["max"][0]), _pp(head["none"][0]))
        for name, head in (("Flatten", flat), ("global head", glob))
    ]
    if curves is not None:
        loss = f"test loss, last {last} epochs"
        big = [late_test_loss(h, last) for h in curves["none, Dense-512"]]
        found += [
            verdicts.decide_pair(f"(d) Dense-512 - {name}", loss, big, [late_test_loss(h, last) for h in curves[name]])
            for name in ("none, Dense-64", "max, Dense-64")
        ]
    return found


def full_data():
    """Lesson 05's experiment on the full data (``make bench``, part 4), as
    shipped with the helpers (``helpers/full_data/ablation.json``, written by
    ``benchmarks/summary.py``): its budget, per-seed accuracies per head and
    variant, and claim (d)'s curves."""
    return json.loads(resources.files("helpers").joinpath("full_data/ablation.json").read_text())


def summary_claims(summary, shift, last=3):
    """:func:`claims` on a full-data ``summary`` (:func:`full_data`): the
    accuracies at 0 and ``shift`` px as arrays over its seeds, and (d) from
    its curves."""
    accuracy = {
        head: {kind: {px: np.array(v["shift_acc"][str(px)]) for px in (0, shift)} for kind, v in variants.items()}
        for head, variants in summary["heads"].items()
    }
    curves = {name: model["history"] for name, model in summary["curves"]["models"].items()}
    return claims(accuracy, shift, curves, last)
