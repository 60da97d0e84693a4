"""Lesson 05's full-data results, small enough to ship with the helpers.

``python -m benchmarks.summary`` reads the newest benchmark result
(``benchmarks/results/*.json``) whose part 4 ran at the default budget
without error (a full ``make bench``, or ``python -m benchmarks --parts
accuracy``) and writes, per seed, what lesson 05 decides its claims on: each
variant's accuracy on test digits moved by each shift (``shift_acc``;
``'0'``: the clean digits) and its training accuracy, under the Flatten head
and under the global max head; and claim (d)'s learning curves (per model
and seed: the per-epoch history, the training digits' accuracy after the
last epoch, the test accuracy); with the benchmark's budget (seeds, epochs,
training and test digits, date) stated beside them. The file is package data of ``helpers``
(``helpers/full_data/ablation.json``), so the lesson finds it wherever the
helpers are installed, Colab included. ``make bench`` does not rewrite it:
run this module after a new benchmark. ``--result PATH`` summarizes that
result instead, whatever its budget (the merged seeds of
``python -m benchmarks merge``, e.g. 20 seeds over many machines); the
budget written beside the accuracies says what ran.
"""

import argparse
import json
from pathlib import Path

from helpers.files import atomic_write

from .cli import ABLATION_SETTINGS, DEFAULTS
from .readme import newest

HERE = Path(__file__).resolve().parent
RESULTS_DIR = HERE / "results"
OUTPUT = HERE.parent / "helpers" / "full_data" / "ablation.json"
HEADS = {"flatten": lambda a: a["variants"], "global_max": lambda a: a["global_max_head"]["variants"]}


def newest_part4(results_dir):
    """``(path, record)`` of the newest result whose part 4 ran at the default budget
    (``benchmarks.cli.ABLATION_SETTINGS`` as in its ``DEFAULTS``) on verified MNIST, without error."""

    def default_part4(record):
        config = record.get("config", {})
        return (
            "accuracy" in record.get("parts", {})
            and "accuracy" not in record.get("errors", {})
            and config.get("data_npz") is None
            and all(config.get(key) == DEFAULTS[key] for key in ABLATION_SETTINGS)
        )

    return newest(
        results_dir,
        default_part4,
        "result with part 4 at the default budget; run `python -m benchmarks --parts accuracy` (or `make bench`) first",
    )


def _curves(curves):
    """``{model: {'history': [...], 'train_acc': [...], 'test_acc': [...]}}``, one entry per seed in seed order."""
    found = {}
    for seed in curves["seeds"]:
        for r in (r for r in curves["runs"] if r["seed"] == seed):
            model = found.setdefault(r["model"], {"history": [], "train_acc": [], "test_acc": []})
            for key in model:
                model[key].append(r[key])
    return found


def _per_seed(variant, seeds, shifts):
    """``{'shift_acc': {px: [...]}, 'train_acc': [...]}``, one entry per seed, in ``seeds`` order
    (``shift_acc['0']``: the clean test digits, counted image by image as the lesson counts them)."""
    runs = variant["runs"]
    missing = [s for s in seeds if str(s) not in runs]
    if missing:
        raise ValueError(f"the benchmark result has no run for seeds {missing}")
    per = [runs[str(s)] for s in seeds]
    return {
        "shift_acc": {str(px): [r["shift_acc"][str(px)] for r in per] for px in shifts},
        "train_acc": [r["train_acc"] for r in per],
    }


def summarize(record, source="benchmark result"):
    """The summary of one complete benchmark ``record`` (a dict, as the JSON)."""
    a = record["parts"]["accuracy"]
    seeds, shifts = list(a["seeds"]), list(a["shifts"])
    return {
        "what": "lesson 05's experiment on the full data (make bench, part 4): per head and variant, one entry "
        "per seed in 'seeds' order: shift_acc, test accuracy on the digits moved by each shift in px "
        "('0': clean); train_acc, training accuracy (Keras' running mean over the last epoch)",
        "source": source,
        "date": record["finished"][:10],
        "budget": {
            "seeds": seeds,
            "epochs": a["variant_epochs"],
            "batch_size": a["batch_size"],
            "train_size": a["train_samples"],
            "test_size": a["test_samples"],
            "shifts": shifts,
        },
        "heads": {
            head: {kind: _per_seed(v, seeds, shifts) for kind, v in variants(a).items()}
            for head, variants in HEADS.items()
        },
        "curves": {
            "what": "claim (d): per model, one entry per seed in 'seeds' order: history, per epoch (val_: the "
            "test digits); train_acc, the training digits evaluated after the last epoch; test_acc",
            "budget": {
                "seeds": a["curves"]["seeds"],
                "epochs": a["curves"]["epochs"],
                "train_size": a["curves"]["train_samples"],
                "test_size": a["test_samples"],
                "batch_size": a["batch_size"],
            },
            "models": _curves(a["curves"]),
        },
    }


def read_result(path):
    """``(path, record)`` of one result file that holds part 4; ValueError saying what it lacks."""
    path = Path(path)
    record = json.loads(path.read_text())
    if "accuracy" not in record.get("parts", {}) or "accuracy" in record.get("errors", {}):
        raise ValueError(f"{path} holds no part 4 (accuracy) that ran without error")
    return path, record


def write(results_dir=RESULTS_DIR, output=OUTPUT, result=None):
    """Summarize the newest default-budget part 4 in ``results_dir`` (or the file ``result``) into
    ``output``; returns ``(source, output)``."""
    path, record = newest_part4(results_dir) if result is None else read_result(result)
    summary = summarize(record, source=f"benchmarks/results/{Path(path).name}")
    atomic_write(output, json.dumps(summary, indent=1) + "\n")
    return path, Path(output)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument(
        "--result",
        type=Path,
        default=None,
        help="summarize this result file (any budget) instead of the newest default part 4",
    )
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    source, output = write(args.results_dir, args.output, args.result)
    print(f"{output}: from {source}")


if __name__ == "__main__":
    main()
