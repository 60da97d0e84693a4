"""Part 4: accuracy over seeds -- lesson 04's convnet, and lesson 05's experiment on full data.

1. The MNIST convnet (``helpers.models.mnist_convnet``) trained for
   ``seed_epochs`` on every seed: the published 0.9885-0.9923 test accuracy.
2. Lesson 05's downsampling experiment, run by the lesson's own code
   (``helpers.ablation.train_variants``): every variant (max, avg,
   strided_conv, learned_pool, none) trained for ``variant_epochs`` on every
   seed, scored on the test set moved by each of ``shifts`` px (claims a, b);
   the same for max and none under a GlobalMaxPooling2D head (claim c); and
   the paired comparisons max - other (per-seed differences, mean +- sd,
   signs, paired t, McNemar per seed).
3. Claim (d)'s learning curves (``helpers.ablation.train_curves``): the
   no-pool stack under a Dense-512 head, under a Dense-64 head (the control
   that differs only in head width) and lesson 04's convnet, each trained
   for ``curve_epochs`` on a class-stratified ``curve_train_size`` digits on
   every one of ``curve_seeds``, the test set scored after every epoch.

A seed is the unit of work: nothing one seed trains depends on another
seed. :func:`unit` trains one seed (1-3 above, as far as they use it) and
returns a JSON-ready record; the per-image answers McNemar's test needs stay
inside it, as one ``[b01, b10, p]`` per pair and shift. :func:`merge` turns
the units of every seed into the part's result: means +- sd, signs, the
paired t. Serial runs, local processes, Ray tasks and CI jobs
(``benchmarks.seeds``) all run :func:`unit` and :func:`merge`, so a result
does not depend on where its seeds ran.

Every run: rmsprop, batch ``batch_size``; gap = final-epoch train accuracy -
test accuracy; std is the sample standard deviation over seeds (ddof=1).
Cost on 2 cores, full data: the MNIST convnet (5 epochs) about 1.5 min per
seed; with 1 variant epoch, the five variants and the two global-head runs
about 7 min per seed together (the default 5 seeds: about 45 min); the
curves (6,000 digits, 10 epochs) about 7 min per seed (3 seeds: about 20 min).
"""

import hashlib
import json
import statistics

import numpy as np

from helpers import ablation, models, stats
from helpers.data import subset
from helpers.files import finite_or_none

VARIANTS = models.DOWNSAMPLING_KINDS
GLOBAL_VARIANTS = ("max", "none")
SHIFTS = (0, 1, 2, 3, 4)
UNIT_KIND = "benchmarks part 4: one seed"  # marks a unit record (a file of one seed)


def settings(
    *,
    seeds,
    seed_epochs,
    variant_epochs,
    batch_size,
    curve_seeds=(0, 1, 2),
    curve_train_size=6000,
    curve_epochs=10,
    variants=VARIANTS,
    global_variants=GLOBAL_VARIANTS,
    shifts=SHIFTS,
    threshold=0.990,
):
    """What every unit of one run shares, checked: a dict that :func:`unit`
    takes and :func:`merge` requires to be the same in every unit."""
    seeds, curve_seeds = [int(s) for s in seeds], [int(s) for s in curve_seeds]
    if not seeds:
        raise ValueError("seeds must name at least one seed, e.g. [0, 1, 2]")
    for name, values in (("seeds", seeds), ("curve_seeds", curve_seeds)):
        if len(set(values)) != len(values):
            raise ValueError(f"{name} must not repeat a seed, got {values}")
    unknown = set(variants) - set(VARIANTS)
    if unknown:
        raise ValueError(f"variants must be among {VARIANTS}, got {sorted(unknown)}")
    return {
        "seeds": seeds,
        "seed_epochs": seed_epochs,
        "variant_epochs": variant_epochs,
        "batch_size": batch_size,
        "variants": list(variants),
        "global_variants": list(global_variants),
        "shifts": list(shifts),
        "threshold": threshold,
        "curve_seeds": curve_seeds,
        "curve_train_size": curve_train_size,
        "curve_epochs": curve_epochs,
    }


def unit_seeds(settings):
    """Every seed that has a unit: ``seeds``, then the curve seeds not among them."""
    return settings["seeds"] + [s for s in settings["curve_seeds"] if s not in settings["seeds"]]


def describe_data(data):
    """``{'train_samples', 'test_samples', 'sha256'}`` of preprocessed ``data``: units merge only when
    they trained on the same arrays, wherever each one loaded them."""
    digest = hashlib.sha256()
    for array in (a for pair in data for a in pair):
        digest.update(np.ascontiguousarray(array).tobytes())
    (x_train, _), (x_test, _) = data
    return {"train_samples": len(x_train), "test_samples": len(x_test), "sha256": digest.hexdigest()}


# --- one seed ---------------------------------------------------------------------


def _mnist_convnet_run(data, seed, epochs, batch_size, log):
    import keras

    from helpers import training

    keras.backend.clear_session()
    _, result = training.train_and_evaluate(models.mnist_convnet, data, epochs=epochs, batch_size=batch_size, seed=seed)
    log(
        f"  seed {seed}: mnist_convnet test acc {result.test_acc:.4f}, gap {result.train_test_gap:+.4f}, "
        f"{result.fit_seconds:.0f} s"
    )
    return {
        key: getattr(result, key)
        for key in ("model", "params", "epochs", "seed", "train_acc", "test_acc", "fit_seconds", "samples_per_second")
    } | {"train_test_gap": result.train_test_gap}


def _curve_runs(data, seed, index, settings, log):
    """Claim (d) for one seed: :func:`helpers.ablation.train_curves` on a class-stratified
    ``curve_train_size`` training digits (the same digits for every seed)."""
    (x_train, y_train), test = data
    chosen, _ = subset(
        np.arange(len(y_train)), np.asarray(y_train).argmax(axis=1), settings["curve_train_size"], seed=0
    )
    names = ablation.run_order(ablation.CURVE_MODELS, index)  # the order a serial run gives this seed
    runs = ablation.train_curves(
        names,
        ((x_train[chosen], y_train[chosen]), test),
        seeds=[seed],
        epochs=settings["curve_epochs"],
        batch_size=settings["batch_size"],
        progress=False,
    )
    for r in runs:
        log(
            f"  seed {seed}: {r['model']} lowest test loss {min(r['history']['val_loss']):.4f} "
            f"(epoch {int(np.argmin(r['history']['val_loss'])) + 1}), last {r['history']['val_loss'][-1]:.4f}; "
            f"train acc {r['train_acc']:.4f}, test acc {r['test_acc']:.4f}"
        )
    return runs, len(chosen)


def unit(data, seed, settings, log=print):
    """Train everything ``seed`` contributes to a run of ``settings``
    (:func:`settings`): if it is one of ``seeds``, the MNIST convnet and
    every variant under both heads; if it is one of ``curve_seeds``, claim
    (d)'s three models. ``data``: preprocessed ``((x_train, y_train),
    (x_test, y_test))``. Returns :func:`unit_record`."""
    if seed not in unit_seeds(settings):
        raise ValueError(f"seed {seed} is not one of this run's seeds {unit_seeds(settings)}")
    mnist, runs, curves = None, None, None
    if seed in settings["seeds"]:
        index = settings["seeds"].index(seed)
        mnist = _mnist_convnet_run(data, seed, settings["seed_epochs"], settings["batch_size"], log)
        runs = {
            head: ablation.train_variants(
                ablation.run_order(kinds, index),
                data,
                seeds=[seed],
                epochs=settings["variant_epochs"],
                batch_size=settings["batch_size"],
                shifts=settings["shifts"],
                head=head,
                progress=False,
            )
            for head, kinds in (("flatten", settings["variants"]), ("global_max", settings["global_variants"]))
        }
        for head, found in runs.items():
            for r in found:
                log(
                    f"  seed {seed}: {r['variant']:13s}{'' if head == 'flatten' else ' (' + head + ')'} "
                    + "  ".join(f"{px} px {acc:.4f}" for px, acc in r["shift_acc"].items())
                )
    if seed in settings["curve_seeds"]:
        curves = _curve_runs(data, seed, settings["curve_seeds"].index(seed), settings, log)
    return unit_record(seed, settings, describe_data(data), mnist, runs, curves)


def _compared(shifts):
    """The shifts the paired comparisons are made at: clean and the largest."""
    return [px for px in (0, max(shifts)) if px in shifts]


def _mcnemar(runs, kinds, shifts):
    """``{'a-b': {px: [b01, b10, p]}}`` for ``kinds[0]`` against each other kind, one seed's runs."""
    by_kind = {r["variant"]: r for r in runs}
    return {
        f"{kinds[0]}-{b}": {
            str(px): list(stats.mcnemar(by_kind[kinds[0]]["correct"][px], by_kind[b]["correct"][px])) for px in shifts
        }
        for b in kinds[1:]
    }


def unit_record(seed, settings, data, mnist, runs, curves):
    """One seed's record, as JSON reads it back (so a unit from this process and one from a
    file merge alike): ``kind, seed, settings, data`` (:func:`describe_data`), ``mnist_convnet``
    (a run, or None), ``runs`` (``{head: [run without its per-image arrays]}``, or None),
    ``mcnemar`` (``{head: {'a-b': {px: [b01, b10, p]}}}``, or None) and ``curves``
    (``{'train_samples', 'runs'}``, or None). ``runs``: ``{head: [runs of
    helpers.ablation.train_variants, each with its 'correct' arrays]}``; ``curves``: ``(runs,
    train_samples)`` of the curve models."""
    kinds = {"flatten": settings["variants"], "global_max": settings["global_variants"]}
    record = {
        "kind": UNIT_KIND,
        "seed": seed,
        "settings": settings,
        "data": data,
        "mnist_convnet": mnist,
        "runs": None
        if runs is None
        else {head: [{k: v for k, v in r.items() if k != "correct"} for r in found] for head, found in runs.items()},
        "mcnemar": None
        if runs is None
        else {head: _mcnemar(found, kinds[head], _compared(settings["shifts"])) for head, found in runs.items()},
        "curves": None if curves is None else {"train_samples": curves[1], "runs": curves[0]},
    }
    return json.loads(json.dumps(finite_or_none(record), allow_nan=False))


# --- every seed -------------------------------------------------------------------


def check_units(units, names=None):
    """``units`` (unit records) in :func:`unit_seeds` order, after checking that they are one
    run's: the same settings, data and versions, each seed once, none missing. ``names``: how
    errors name each unit (file names; default ``unit 0``, ``unit 1``, ...)."""
    units = list(units)
    names = list(names) if names is not None else [f"unit {i}" for i in range(len(units))]
    if not units:
        raise ValueError("units is empty: pass the record (or file) of every seed of the run")
    for name, u in zip(names, units, strict=True):
        if not isinstance(u, dict) or u.get("kind") != UNIT_KIND:
            raise ValueError(f"{name} is not the record of one seed of part 4 (no kind {UNIT_KIND!r})")
    first = units[0]
    for key in ("settings", "data"):
        for name, u in zip(names, units, strict=True):
            if u[key] != first[key]:
                differ = sorted(k for k in set(u[key]) | set(first[key]) if u[key].get(k) != first[key].get(k))
                raise ValueError(
                    f"{name} (seed {u['seed']}) and {names[0]} (seed {first['seed']}) come from "
                    f"different runs: their {key} differ in {', '.join(differ)}; merge the units of "
                    "one run only"
                )
    versions = {n: (u.get("run") or {}).get("versions") for n, u in zip(names, units, strict=True)}
    if len({json.dumps(v, sort_keys=True) for v in versions.values()}) > 1:
        raise ValueError(
            f"the units ran on different package versions: {versions}; run every seed in one environment (the lock)"
        )
    expected, by_seed = unit_seeds(first["settings"]), {}
    for name, u in zip(names, units, strict=True):
        if u["seed"] in by_seed:
            raise ValueError(
                f"seed {u['seed']} is there twice ({by_seed[u['seed']][0]} and {name}); pass each seed's unit once"
            )
        if u["seed"] not in expected:
            raise ValueError(f"{name} holds seed {u['seed']}, which is not one of the run's seeds {expected}")
        by_seed[u["seed"]] = (name, u)
    missing = [s for s in expected if s not in by_seed]
    if missing:
        raise ValueError(
            f"no unit for seeds {missing} of the run's seeds {expected}: run them (python -m benchmarks "
            f"--parts accuracy --seeds {','.join(map(str, first['settings']['seeds']))} --unit "
            f"{','.join(map(str, missing))} ...) or pass their files"
        )
    return [by_seed[s][1] for s in expected]


def _seconds_per_epoch(run):
    """Median seconds of the epochs after the first (the first builds the graph)."""
    return statistics.median(run["epoch_seconds"][1:] or run["epoch_seconds"])


def variant_summary(runs, shifts):
    """Mean and sd over seeds of one variant's accuracies; ``runs``: its run on each seed, in seed order."""
    acc_mean, acc_std = stats.mean_sd([r["shift_acc"]["0"] for r in runs])  # counted image by image
    gap_mean, gap_std = stats.mean_sd([r["train_acc"] - r["test_acc"] for r in runs])
    shift = {str(px): stats.mean_sd([r["shift_acc"][str(px)] for r in runs]) for px in shifts}
    return {
        "params": runs[0]["params"],
        "test_acc_mean": acc_mean,
        "test_acc_std": acc_std,
        "test_acc_min": min(r["test_acc"] for r in runs),
        "gap_mean": gap_mean,
        "gap_std": gap_std,
        "shift_acc_mean": {px: m for px, (m, _) in shift.items()},
        "shift_acc_std": {px: s for px, (_, s) in shift.items()},
        "seconds_per_epoch_median": statistics.median(_seconds_per_epoch(r) for r in runs),
        "runs": {
            str(r["seed"]): {key: r[key] for key in ("test_acc", "train_acc", "shift_acc", "epoch_seconds", "params")}
            for r in runs
        },
    }


def _head(units, head, kinds, shifts):
    """``{'variants', 'paired'}`` of one head: per-variant summaries and ``kinds[0]`` against each
    other kind at each compared shift (:func:`helpers.stats.paired_comparison` of the per-seed
    accuracies, in seed order, plus each unit's McNemar ``[b01, b10, p]``)."""

    def runs_of(kind):
        found = [[r for r in u["runs"][head] if r["variant"] == kind] for u in units]
        for u, mine in zip(units, found, strict=True):
            if len(mine) != 1:
                raise ValueError(
                    f"seed {u['seed']}'s unit holds {len(mine)} runs of {kind!r} ({head} head); expected 1"
                )
        return [mine[0] for mine in found]

    per_kind = {kind: runs_of(kind) for kind in kinds}
    paired = {}
    for b in kinds[1:]:
        pair = f"{kinds[0]}-{b}"
        paired[pair] = {}
        for px in map(str, _compared(shifts)):
            found = stats.paired_comparison(
                [r["shift_acc"][px] for r in per_kind[kinds[0]]], [r["shift_acc"][px] for r in per_kind[b]]
            )
            paired[pair][px] = found | {"mcnemar": [u["mcnemar"][head][pair][px] for u in units]}
    return {"variants": {kind: variant_summary(per_kind[kind], shifts) for kind in kinds}, "paired": paired}


def merge(units, names=None):
    """The part's result from the unit records of every seed (:func:`check_units`; ``names`` for its
    errors): what a serial run of the same seeds gives, computed from the per-seed values alone."""
    units = check_units(units, names)
    s, data = units[0]["settings"], units[0]["data"]
    trained = [u for u in units if u["seed"] in s["seeds"]]
    mnist = [u["mnist_convnet"] for u in trained]
    acc_mean, acc_std = stats.mean_sd([r["test_acc"] for r in mnist])
    gap_mean, gap_std = stats.mean_sd([r["train_test_gap"] for r in mnist])
    flat = _head(trained, "flatten", s["variants"], s["shifts"])
    global_max = _head(trained, "global_max", s["global_variants"], s["shifts"])
    curve_units = [u for s_ in s["curve_seeds"] for u in units if u["seed"] == s_]
    return {
        "seeds": s["seeds"],
        "seed_epochs": s["seed_epochs"],
        "variant_epochs": s["variant_epochs"],
        "batch_size": s["batch_size"],
        "train_samples": data["train_samples"],
        "test_samples": data["test_samples"],
        "shifts": s["shifts"],
        "std": "sample standard deviation over seeds (ddof=1); null for one seed",
        "mnist_convnet": {
            "runs": mnist,
            "test_acc_mean": acc_mean,
            "test_acc_std": acc_std,
            "test_acc_min": min(r["test_acc"] for r in mnist),
            "gap_mean": gap_mean,
            "gap_std": gap_std,
            "every_seed_at_least": s["threshold"],
            "every_seed_meets_threshold": all(r["test_acc"] >= s["threshold"] for r in mnist),
        },
        "variants": flat["variants"],
        "paired": flat["paired"],
        "global_max_head": global_max,
        "curves": {
            "seeds": s["curve_seeds"],
            "epochs": s["curve_epochs"],
            "train_samples": curve_units[0]["curves"]["train_samples"],
            "runs": [r for u in curve_units for r in u["curves"]["runs"]],
        }
        if curve_units
        else None,
        "units": [{"seed": u["seed"]} | (u.get("run") or {}) for u in units],
    }


def log_means(result, log=print):
    """One line per variant and head: the mean accuracy over seeds at each shift."""
    for label, variants in (("", result["variants"]), (" (global_max)", result["global_max_head"]["variants"])):
        for kind, v in variants.items():
            log(
                f"  {kind:13s}{label} mean over seeds: "
                + "  ".join(f"{px} px {m:.4f}" for px, m in v["shift_acc_mean"].items())
            )
