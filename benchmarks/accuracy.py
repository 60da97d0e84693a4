"""Part 4: accuracy over seeds -- lesson 04's convnet, and lesson 05's experiment on full data.

1. The MNIST convnet (``helpers.models.mnist_convnet``) trained for
   ``seed_epochs`` on every seed: the published 0.9885-0.9923 test accuracy.
2. Lesson 05's downsampling experiment, run by the lesson's own code
   (``helpers.ablation.train_variants``): every variant (max, avg,
   strided_conv, learned_pool, none) trained for ``variant_epochs`` on every
   seed, scored on the test set moved by each of ``shifts`` px (claims a, b);
   the same for max and none under a GlobalMaxPooling2D head (claim c); and
   the paired comparisons max - other (``helpers.ablation.compare``: per-seed
   differences, mean +- sd, signs, paired t, McNemar per seed).
3. Claim (d)'s learning curves (``helpers.ablation.train_curves``): the
   no-pool stack under a Dense-512 head, under a Dense-64 head (the control
   that differs only in head width) and lesson 04's convnet, each trained
   for ``curve_epochs`` on a class-stratified ``curve_train_size`` digits on
   every one of ``curve_seeds``, the test set scored after every epoch.

Every run: rmsprop, batch ``batch_size``; gap = final-epoch train accuracy -
test accuracy; std is the sample standard deviation over seeds (ddof=1).
Cost on 2 cores, full data: the MNIST convnet (5 epochs) about 1.5 min per
seed; with 1 variant epoch, the five variants and the two global-head runs
about 7 min per seed together (the default 5 seeds: about 45 min); the
curves (6,000 digits, 10 epochs) about 7 min per seed (3 seeds: about 20 min).
"""

import statistics

import numpy as np

from helpers import ablation, stats
from helpers.data import subset

VARIANTS = ("max", "avg", "strided_conv", "learned_pool", "none")
GLOBAL_VARIANTS = ("max", "none")
SHIFTS = (0, 1, 2, 3, 4)


def _mnist_convnet_runs(data, seeds, epochs, batch_size, log):
    import keras

    from helpers import models, training

    runs = []
    for seed in seeds:
        keras.backend.clear_session()
        _, result = training.train_and_evaluate(models.mnist_convnet, data, epochs=epochs, batch_size=batch_size,
                                                seed=seed)
        runs.append({key: getattr(result, key) for key in ("model", "params", "epochs", "seed", "train_acc",
                                                           "test_acc", "fit_seconds", "samples_per_second")}
                    | {"train_test_gap": result.train_test_gap})
        log(f"  mnist_convnet seed {seed}: test acc {result.test_acc:.4f}, gap {result.train_test_gap:+.4f}, "
            f"{result.fit_seconds:.0f} s")
    return runs


def _seconds_per_epoch(run):
    """Median seconds of the epochs after the first (the first builds the graph)."""
    return statistics.median(run["epoch_seconds"][1:] or run["epoch_seconds"])


def variant_summary(runs, variant, shifts):
    """Mean and sd over seeds of one variant's accuracies, its per-seed runs."""
    mine = [r for r in runs if r["variant"] == variant]
    acc_mean, acc_std = stats.mean_sd(ablation.accuracies(runs, variant))
    gap_mean, gap_std = stats.mean_sd([r["train_acc"] - r["test_acc"] for r in mine])
    shift = {px: stats.mean_sd(ablation.accuracies(runs, variant, px)) for px in shifts}
    return {
        "params": mine[0]["params"],
        "test_acc_mean": acc_mean, "test_acc_std": acc_std, "test_acc_min": min(r["test_acc"] for r in mine),
        "gap_mean": gap_mean, "gap_std": gap_std,
        "shift_acc_mean": {str(px): m for px, (m, _) in shift.items()},
        "shift_acc_std": {str(px): s for px, (_, s) in shift.items()},
        "seconds_per_epoch_median": statistics.median(_seconds_per_epoch(r) for r in mine),
        "runs": ablation.summary(runs)[variant],
    }


def _paired(runs, pairs, shifts):
    """``{'a-b': {px: comparison}}``, McNemar as ``[b01, b10, p]`` per seed."""
    return {f"{a}-{b}": {str(px): ablation.compare(runs, a, b, px) for px in shifts} for a, b in pairs}


def _log_variants(runs, variants, shifts, log):
    for kind in variants:
        line = "  ".join(f"{px} px {m:.4f}" for px, m in
                         ((px, stats.mean_sd(ablation.accuracies(runs, kind, px))[0]) for px in shifts))
        log(f"  {kind:13s} mean over seeds: {line}")


def _curves(data, seeds, epochs, train_size, batch_size, log):
    """Claim (d): :func:`helpers.ablation.train_curves` on a class-stratified ``train_size`` training digits."""
    (x_train, y_train), test = data
    index, _ = subset(np.arange(len(y_train)), np.asarray(y_train).argmax(axis=1), train_size, seed=0)
    runs = ablation.train_curves(list(ablation.CURVE_MODELS), ((x_train[index], y_train[index]), test), seeds=seeds,
                                 epochs=epochs, batch_size=batch_size, progress=False)
    for r in runs:
        log(f"  {r['model']} seed {r['seed']}: lowest test loss {min(r['history']['val_loss']):.4f} "
            f"(epoch {int(np.argmin(r['history']['val_loss'])) + 1}), last {r['history']['val_loss'][-1]:.4f}; "
            f"train acc {r['train_acc']:.4f}, test acc {r['test_acc']:.4f}")
    return {"seeds": list(seeds), "epochs": epochs, "train_samples": int(len(index)), "runs": runs}


def run(data, *, seeds, seed_epochs, variant_epochs, batch_size, curve_seeds=(0, 1, 2), curve_train_size=6000,
        curve_epochs=10, variants=VARIANTS, threshold=0.990, shifts=SHIFTS, global_variants=GLOBAL_VARIANTS,
        log=print):
    """``data``: preprocessed ``((x_train, y_train), (x_test, y_test))``."""
    if not seeds:
        raise ValueError("seeds must name at least one seed, e.g. [0, 1, 2]")
    unknown = set(variants) - set(VARIANTS)
    if unknown:
        raise ValueError(f"variants must be among {VARIANTS}, got {sorted(unknown)}")
    mnist = _mnist_convnet_runs(data, seeds, seed_epochs, batch_size, log)
    runs = ablation.train_variants(variants, data, seeds=seeds, epochs=variant_epochs, batch_size=batch_size,
                                   shifts=shifts, progress=False)
    _log_variants(runs, variants, shifts, log)
    global_runs = ablation.train_variants(global_variants, data, seeds=seeds, epochs=variant_epochs,
                                          batch_size=batch_size, shifts=shifts, head="global_max", progress=False)
    _log_variants(global_runs, global_variants, shifts, log)
    curves = _curves(data, curve_seeds, curve_epochs, curve_train_size, batch_size, log) if curve_seeds else None
    acc_mean, acc_std = stats.mean_sd([r["test_acc"] for r in mnist])
    gap_mean, gap_std = stats.mean_sd([r["train_test_gap"] for r in mnist])
    (x_train, _), (x_test, _) = data
    compared = [px for px in (0, max(shifts)) if px in shifts]
    return {
        "seeds": list(seeds),
        "seed_epochs": seed_epochs,
        "variant_epochs": variant_epochs,
        "batch_size": batch_size,
        "train_samples": int(len(x_train)),
        "test_samples": int(len(x_test)),
        "shifts": list(shifts),
        "std": "sample standard deviation over seeds (ddof=1); null for one seed",
        "mnist_convnet": {"runs": mnist, "test_acc_mean": acc_mean, "test_acc_std": acc_std,
                          "test_acc_min": min(r["test_acc"] for r in mnist), "gap_mean": gap_mean, "gap_std": gap_std,
                          "every_seed_at_least": threshold,
                          "every_seed_meets_threshold": all(r["test_acc"] >= threshold for r in mnist)},
        "variants": {kind: variant_summary(runs, kind, shifts) for kind in variants},
        "paired": _paired(runs, [(variants[0], other) for other in variants[1:]], compared),
        "global_max_head": {
            "variants": {kind: variant_summary(global_runs, kind, shifts) for kind in global_variants},
            "paired": _paired(global_runs, [(global_variants[0], other) for other in global_variants[1:]], compared),
        },
        "curves": curves,
    }
