"""Part 1: does training through the helpers cost anything?

Runs :mod:`benchmarks.helpers_keras` (A: ``train_and_evaluate(mnist_convnet,
...)``, as lesson 04 trains) and :mod:`benchmarks.plain_keras` (B: the
lesson's code typed as a plain Keras script), each in a fresh Python
process, on the same arrays, epochs, batch size and seed. Each run reports

* ``fit_seconds``: ``model.fit`` alone;
* ``total_seconds``: seed + build + compile + fit + evaluate, i.e. all of
  ``train_and_evaluate`` against the same lines of the plain script;
* ``cpu_seconds``: CPU time (user + system, all threads) of the whole
  process, start-up and imports included, as the OS counts it.

samples/s = epochs x training samples / seconds. The ratio is A / B
(helpers / plain); >= 1.00 means the helpers add no cost. Wall-clock
ratios carry every other process's load; the CPU-time ratio
(``samples_per_cpu_s``) is what the work itself costs.

Runs come in back-to-back pairs, and the pairs alternate their order:
A B, B A, A B, ... This machine's speed drifts by tens of percent over
minutes (2 shared vCPUs), so each A is compared only with the B of its own
pair, and a cost that belongs to a position in the pair (whatever runs
first or second is slower: caches, frequency, a neighbour's load) shows up
with opposite signs in the two orders and cancels in the median.
``ratio_total`` is the median of the per-pair ratios; the medians per
order, and ``second_over_first`` (speed of the second run of a pair over the
first), tell an order effect from a real cost.
"""

import json
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from helpers.stats import mean_sd

REPO = Path(__file__).resolve().parent.parent
SIDES = {"helpers": "benchmarks.helpers_keras", "plain": "benchmarks.plain_keras"}
KEYS = ("total_samples_per_s", "fit_samples_per_s", "samples_per_cpu_s")
NAMES = ("total", "fit", "cpu")  # pair_ratios_<name>, ratio_<name>


def pair_orders(pairs):
    """``['AB', 'BA', 'AB', ...]``: the order of each pair (A = helpers, B = plain)."""
    return ["AB" if index % 2 == 0 else "BA" for index in range(pairs)]


def _run_side(side, npz, epochs, batch_size, seed):
    """One fresh process; returns its JSON record."""
    cmd = [
        sys.executable,
        "-m",
        SIDES[side],
        "--npz",
        str(npz),
        "--epochs",
        str(epochs),
        "--batch-size",
        str(batch_size),
        "--seed",
        str(seed),
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{SIDES[side]} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    record = json.loads(done.stdout.strip().splitlines()[-1])
    record["cpu_seconds"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    samples = epochs * record["train_samples"]
    record["fit_samples_per_s"] = samples / record["fit_seconds"]
    record["total_samples_per_s"] = samples / record["total_seconds"]
    record["samples_per_cpu_s"] = samples / record["cpu_seconds"]
    return record


def pair_summary(runs, orders):
    """Per-pair ratios from ``runs`` (two per pair, in the order they ran).

    Returns ``{'pair_ratios_total': [A/B per pair], 'pair_ratios_fit': [...],
    'pair_ratios_cpu': [...], 'ratio_total_by_order': {'AB': median, 'BA': median},
    'ratio_fit_by_order': ..., 'ratio_cpu_by_order': ...,
    'second_over_first_total': [speed of a pair's second run / its first]}``.
    """
    summary = {}
    pairs = [runs[2 * i : 2 * i + 2] for i in range(len(orders))]
    by_side = [{run["side"]: run for run in pair} for pair in pairs]
    for key, name in zip(KEYS, NAMES):
        if not all(key in run for run in runs):
            continue
        ratios = [pair["helpers"][key] / pair["plain"][key] for pair in by_side]
        summary[f"pair_ratios_{name}"] = ratios
        summary[f"ratio_{name}_by_order"] = {
            order: statistics.median(r for r, o in zip(ratios, orders) if o == order)
            for order in ("AB", "BA")
            if order in orders
        }
    summary["second_over_first_total"] = [
        second["total_samples_per_s"] / first["total_samples_per_s"] for first, second in pairs
    ]
    return summary


def run(data, *, epochs, batch_size, seed, pairs, log=print):
    """``pairs`` back-to-back A/B pairs, alternating A B / B A, on ``data`` =
    ``((x_train, y_train), (x_test, y_test))`` (uint8 arrays, integer labels).
    Returns the part's record."""
    if pairs < 1:
        raise ValueError(f"pairs must be >= 1, got {pairs}")
    (x_train, y_train), (x_test, y_test) = data
    orders = pair_orders(pairs)
    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-overhead-") as tmp:
        npz = Path(tmp) / "data.npz"
        np.savez(npz, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
        for index, order in enumerate(orders):
            for side in ("helpers", "plain") if order == "AB" else ("plain", "helpers"):
                record = _run_side(side, npz, epochs, batch_size, seed)
                record["order"] = len(runs)
                record["pair"] = index
                runs.append(record)
                log(
                    f"  pair {index + 1}/{pairs} ({order}) {side:7s}: fit {record['fit_samples_per_s']:.0f} "
                    f"samples/s, total {record['total_seconds']:.1f} s, CPU {record['cpu_seconds']:.1f} s, "
                    f"test acc {record['test_acc']:.4f}"
                )
    summary = {}
    for side in ("helpers", "plain"):
        mine = [r for r in runs if r["side"] == side]
        for key in KEYS:
            mean, std = mean_sd([r[key] for r in mine])
            summary[f"{side}_{key}_mean"] = mean
            summary[f"{side}_{key}_std"] = std
            summary[f"{side}_{key}_median"] = statistics.median(r[key] for r in mine)
    ratios = pair_summary(runs, orders)
    accs = {side: [r["test_acc"] for r in runs if r["side"] == side] for side in ("helpers", "plain")}
    return {
        "epochs": epochs,
        "batch_size": batch_size,
        "seed": seed,
        "pairs": pairs,
        "train_samples": len(x_train),
        "test_samples": len(x_test),
        "pair_orders": orders,
        "order": " | ".join(" ".join(o) for o in orders) + " (A = helpers, B = plain; each a fresh process)",
        "runs": runs,
        **summary,
        **ratios,
        "ratio_total": statistics.median(ratios["pair_ratios_total"]),
        "ratio_fit": statistics.median(ratios["pair_ratios_fit"]),
        "ratio_cpu": statistics.median(ratios["pair_ratios_cpu"]),
        "ratio_of_means_total": (
            summary["helpers_total_samples_per_s_mean"] / summary["plain_total_samples_per_s_mean"]
        ),
        "max_test_acc_difference": float(max(abs(a - b) for a in accs["helpers"] for b in accs["plain"])),
    }
