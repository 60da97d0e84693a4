"""Part 1: does training through the helpers cost anything?

Runs ``helpers_keras.py`` (A: ``train_and_evaluate(seed_convnet, ...)``) and
``plain_keras.py`` (B: the lesson's code typed as a plain Keras script)
alternately, A B A B ..., each in a fresh Python process, on the same
arrays, epochs, batch size and seed. Each run reports

* ``fit_seconds``: ``model.fit`` alone;
* ``total_seconds``: seed + build + compile + fit + evaluate, i.e. all of
  ``train_and_evaluate`` against the same lines of the plain script.

samples/s = epochs x training samples / seconds. The ratio is A / B
(helpers / plain); >= 1.00 means the helpers add no cost. This machine's
speed drifts by tens of percent over minutes (2 shared vCPUs), so each A is
compared with the B run right after it, and ``ratio_total`` is the median of
those per-pair ratios; the per-side medians and means are kept too.
"""

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from .stats import mean_std

HERE = Path(__file__).resolve().parent
SIDES = {"helpers": HERE / "helpers_keras.py", "plain": HERE / "plain_keras.py"}


def _run_side(side, npz, epochs, batch_size, seed):
    """One fresh process; returns its JSON record."""
    cmd = [sys.executable, str(SIDES[side]), "--npz", str(npz), "--epochs", str(epochs),
           "--batch-size", str(batch_size), "--seed", str(seed)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{SIDES[side].name} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    record = json.loads(done.stdout.strip().splitlines()[-1])
    samples = epochs * record["train_samples"]
    record["fit_samples_per_s"] = samples / record["fit_seconds"]
    record["total_samples_per_s"] = samples / record["total_seconds"]
    return record


def run(data, *, epochs, batch_size, seed, pairs, log=print):
    """Alternate A B ``pairs`` times on ``data`` = ``((x_train, y_train), (x_test, y_test))``
    (uint8 arrays, integer labels). Returns the part's record."""
    if pairs < 1:
        raise ValueError(f"pairs must be >= 1, got {pairs}")
    (x_train, y_train), (x_test, y_test) = data
    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-overhead-") as tmp:
        npz = Path(tmp) / "data.npz"
        np.savez(npz, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
        for index in range(pairs):
            for side in ("helpers", "plain"):
                record = _run_side(side, npz, epochs, batch_size, seed)
                record["order"] = len(runs)
                runs.append(record)
                log(f"  {side:7s} run {index + 1}/{pairs}: fit {record['fit_samples_per_s']:.0f} samples/s, "
                    f"total {record['total_seconds']:.1f} s, test acc {record['test_acc']:.4f}")
    summary = {}
    for side in ("helpers", "plain"):
        mine = [r for r in runs if r["side"] == side]
        for key in ("fit_samples_per_s", "total_samples_per_s"):
            mean, std = mean_std(r[key] for r in mine)
            summary[f"{side}_{key}_mean"] = mean
            summary[f"{side}_{key}_std"] = std
            summary[f"{side}_{key}_median"] = statistics.median(r[key] for r in mine)
    pairs_a_b = list(zip(runs[0::2], runs[1::2]))  # (helpers, plain), run back to back
    pair_ratios = {key: [a[key] / b[key] for a, b in pairs_a_b]
                   for key in ("total_samples_per_s", "fit_samples_per_s")}
    accs = {side: [r["test_acc"] for r in runs if r["side"] == side] for side in ("helpers", "plain")}
    return {
        "epochs": epochs,
        "batch_size": batch_size,
        "seed": seed,
        "pairs": pairs,
        "train_samples": int(len(x_train)),
        "test_samples": int(len(x_test)),
        "order": " ".join(["A", "B"] * pairs) + " (A = helpers, B = plain; each a fresh process)",
        "runs": runs,
        **summary,
        "pair_ratios_total": pair_ratios["total_samples_per_s"],
        "pair_ratios_fit": pair_ratios["fit_samples_per_s"],
        "ratio_total": statistics.median(pair_ratios["total_samples_per_s"]),
        "ratio_fit": statistics.median(pair_ratios["fit_samples_per_s"]),
        "ratio_of_means_total": (summary["helpers_total_samples_per_s_mean"]
                                 / summary["plain_total_samples_per_s_mean"]),
        "max_test_acc_difference": float(max(abs(a - b) for a in accs["helpers"] for b in accs["plain"])),
    }
