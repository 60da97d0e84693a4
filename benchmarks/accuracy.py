"""Part 4: test accuracy and train-test gap over seeds.

For every seed: the seed convnet (``helpers.models.seed_convnet``) trained
for ``seed_epochs``, and each downsampling variant
(``helpers.models.downsampling_variant``: max, avg, strided, none) trained
for ``variant_epochs`` -- the same epochs for every variant, so the variants
compare with each other. When both epoch counts are equal, the 'max'
variant *is* the seed convnet (same layers, same seed) and its runs are
reused rather than trained twice.

Every run goes through ``helpers.training.train_and_evaluate`` (rmsprop,
batch 64 by default). gap = final-epoch train accuracy - test accuracy.
std is the sample standard deviation over seeds.
"""

from .stats import mean_std

VARIANTS = ("max", "avg", "strided", "none")


def _summary(runs):
    acc_mean, acc_std = mean_std(r["test_acc"] for r in runs)
    gap_mean, gap_std = mean_std(r["train_test_gap"] for r in runs)
    return {
        "test_acc_mean": acc_mean,
        "test_acc_std": acc_std,
        "test_acc_min": min(r["test_acc"] for r in runs),
        "gap_mean": gap_mean,
        "gap_std": gap_std,
        "fit_seconds_mean": mean_std(r["fit_seconds"] for r in runs)[0],
    }


def _record(result):
    keep = ("model", "params", "epochs", "batch_size", "seed", "train_acc", "test_loss", "test_acc",
            "fit_seconds", "samples_per_second")
    record = {key: getattr(result, key) for key in keep}
    record["train_test_gap"] = result.train_test_gap
    return record


def run(data, *, seeds, seed_epochs, variant_epochs, batch_size, variants=VARIANTS, threshold=0.990,
        log=print):
    """``data``: preprocessed ``((x_train, y_train), (x_test, y_test))``."""
    import keras

    from helpers import models, training

    if not seeds:
        raise ValueError("seeds must name at least one seed")
    unknown = set(variants) - set(VARIANTS)
    if unknown:
        raise ValueError(f"variants must be among {VARIANTS}, got {sorted(unknown)}")

    def train(name, build, epochs, seed):
        keras.backend.clear_session()
        record = _record(training.train_and_evaluate(build, data, epochs=epochs, batch_size=batch_size,
                                                     seed=seed))
        log(f"  {name:12s} seed {seed}: test acc {record['test_acc']:.4f}, gap {record['train_test_gap']:+.4f}, "
            f"{record['fit_seconds']:.0f} s")
        return record

    seed_runs, variant_runs = [], {kind: [] for kind in variants}
    for seed in seeds:
        seed_runs.append(train("seed_convnet", models.seed_convnet, seed_epochs, seed))
        for kind in variants:
            if kind == "max" and variant_epochs == seed_epochs:
                variant_runs[kind].append(dict(seed_runs[-1], reused_from="seed_convnet"))
                continue
            variant_runs[kind].append(
                train(f"variant {kind}", lambda kind=kind: models.downsampling_variant(kind), variant_epochs, seed))

    (x_train, _), (x_test, _) = data
    seed_summary = _summary(seed_runs)
    return {
        "seeds": list(seeds),
        "seed_epochs": seed_epochs,
        "variant_epochs": variant_epochs,
        "batch_size": batch_size,
        "train_samples": int(len(x_train)),
        "test_samples": int(len(x_test)),
        "std": "sample standard deviation over seeds (ddof=1)",
        "seed_convnet": {"runs": seed_runs, **seed_summary,
                         "every_seed_at_least": threshold,
                         "every_seed_meets_threshold": all(r["test_acc"] >= threshold for r in seed_runs)},
        "variants": {kind: {"runs": runs, "params": runs[0]["params"], **_summary(runs)}
                     for kind, runs in variant_runs.items()},
    }
