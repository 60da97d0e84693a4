"""Lesson 05's full-data results, small enough to ship with the helpers.

``python -m benchmarks.summary`` reads the newest complete benchmark result
(``benchmarks/results/*.json``, the one the README's table comes from) and
writes, per seed, what lesson 05 decides its claims on: each variant's
accuracy on test digits moved by each shift (``shift_acc``; ``'0'``: the
clean digits) and its training accuracy, under the Flatten head and under
the global max head, with the benchmark's budget (seeds, epochs, training and test digits, date) stated
beside them. The file is package data of ``helpers``
(``helpers/full_data/ablation.json``), so the lesson finds it wherever the
helpers are installed, Colab included. ``make bench`` does not rewrite it:
run this module after a new benchmark.
"""

import argparse
import json
from pathlib import Path

from helpers.files import atomic_write

from .readme import newest_complete

HERE = Path(__file__).resolve().parent
RESULTS_DIR = HERE / "results"
OUTPUT = HERE.parent / "helpers" / "full_data" / "ablation.json"
HEADS = {"flatten": lambda a: a["variants"], "global_max": lambda a: a["global_max_head"]["variants"]}


def _per_seed(variant, seeds, shifts):
    """``{'shift_acc': {px: [...]}, 'train_acc': [...]}``, one entry per seed, in ``seeds`` order
    (``shift_acc['0']``: the clean test digits, counted image by image as the lesson counts them)."""
    runs = variant["runs"]
    missing = [s for s in seeds if str(s) not in runs]
    if missing:
        raise ValueError(f"the benchmark result has no run for seeds {missing}")
    per = [runs[str(s)] for s in seeds]
    return {"shift_acc": {str(px): [r["shift_acc"][str(px)] for r in per] for px in shifts},
            "train_acc": [r["train_acc"] for r in per]}


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
        "budget": {"seeds": seeds, "epochs": a["variant_epochs"], "batch_size": a["batch_size"],
                   "train_size": a["train_samples"], "test_size": a["test_samples"], "shifts": shifts},
        "heads": {head: {kind: _per_seed(v, seeds, shifts) for kind, v in variants(a).items()}
                  for head, variants in HEADS.items()},
    }


def write(results_dir=RESULTS_DIR, output=OUTPUT):
    """Summarize the newest complete result in ``results_dir`` into ``output``; returns ``(source, output)``."""
    path, record = newest_complete(results_dir)
    summary = summarize(record, source=f"benchmarks/results/{Path(path).name}")
    atomic_write(output, json.dumps(summary, indent=1) + "\n")
    return path, Path(output)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    source, output = write(args.results_dir, args.output)
    print(f"{output}: from {source}")


if __name__ == "__main__":
    main()
