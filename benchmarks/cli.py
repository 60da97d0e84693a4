"""``course bench`` (or ``python -m benchmarks``): run the parts, write the JSON, print the table.

The defaults are the full benchmark (the one the README shows); every
option shrinks or selects it, e.g. ``--parts ops,flops`` or
``--parts 4 --seeds 0 --epochs 1 --train-size 2000``. A result counts as
*complete* (the README generator uses only those) when all five parts ran
with the defaults on verified MNIST and none failed.

Part 4 runs seed by seed (``benchmarks.seeds``): ``--workers N`` trains N
seeds at once in local processes, ``--ray-address`` as Ray tasks, ``--unit``
only the given seeds (one JSON each, no result), and
``python -m benchmarks merge PATH...`` turns unit files into a result.
"""

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

from helpers.files import atomic_write, finite_or_none
from helpers.session import default_build_dir

from . import machine, report

HERE = Path(__file__).resolve().parent
RESULTS_DIR = HERE / "results"
PARTS = ("overhead", "ops", "lessons", "accuracy", "flops")  # part 1 .. part 5

# The full benchmark. Part 4 runs lesson 05's experiment with more seeds than
# the lesson (5 against 3: a paired t-test with 4 degrees of freedom, not 2)
# on all the data. One epoch over 60,000 digits is already 938 updates, five
# times the lesson's; the 'none' variant costs 11x the MNIST convnet's forward
# FLOPs per digit, and one epoch keeps 5 seeds within part 4's ~45 min.
DEFAULTS = {
    "parts": list(PARTS),
    "seeds": [0, 1, 2, 3, 4],
    "epochs": 5,
    "variant_epochs": 1,
    "batch_size": 64,
    "train_size": 60000,
    "test_size": 10000,
    "overhead_epochs": 1,
    "overhead_pairs": 4,
    "ops_batch": 64,
    "naive_images": 64,
    "ops_repeats": 30,
    "matmul_n": 2048,
    "flops_epochs": 3,
    "curve_seeds": [0, 1, 2],
    "curve_train_size": 6000,
    "curve_epochs": 10,
    "course_quick": False,
    "course_notebooks": None,
    "data_npz": None,
}
# The options the ablation's numbers (part 4's variants and curves) depend on.
ABLATION_SETTINGS = (
    "seeds",
    "variant_epochs",
    "batch_size",
    "train_size",
    "test_size",
    "curve_seeds",
    "curve_train_size",
    "curve_epochs",
)


def _int_list(text):
    try:
        return [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}") from None


def _parts(text):
    chosen = []
    for key in (k.strip() for k in text.split(",") if k.strip()):
        if key.isdigit() and 1 <= int(key) <= len(PARTS):
            key = PARTS[int(key) - 1]
        if key not in PARTS:
            raise argparse.ArgumentTypeError(
                f"unknown part {key!r}; parts are 1-5 or {', '.join(PARTS)} (comma-separated)"
            )
        if key not in chosen:
            chosen.append(key)
    if not chosen:
        raise argparse.ArgumentTypeError("--parts names no part")
    return [p for p in PARTS if p in chosen]


def _positive(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text}")
    return value


def parser():
    p = argparse.ArgumentParser(prog="course bench", description=__doc__.splitlines()[0])
    d = DEFAULTS
    p.add_argument(
        "--parts",
        type=_parts,
        default=d["parts"],
        help="comma-separated parts, by number or name: 1 overhead, 2 ops, 3 lessons, 4 accuracy, "
        "5 flops (default: all)",
    )
    p.add_argument("--seeds", type=_int_list, default=d["seeds"], help="part 4 seeds (default: 0,1,2,3,4)")
    p.add_argument("--epochs", type=_positive, default=d["epochs"], help="part 4: MNIST convnet epochs (default: 5)")
    p.add_argument(
        "--variant-epochs",
        type=_positive,
        default=d["variant_epochs"],
        help="part 4: epochs of every downsampling variant (default: 1)",
    )
    p.add_argument(
        "--curve-seeds",
        type=_int_list,
        default=d["curve_seeds"],
        help="part 4, claim (d): seeds of the learning curves (default: 0,1,2)",
    )
    p.add_argument(
        "--curve-train-size",
        type=_positive,
        default=d["curve_train_size"],
        help="part 4, claim (d): training digits of the learning curves (default: 6000)",
    )
    p.add_argument(
        "--curve-epochs",
        type=_positive,
        default=d["curve_epochs"],
        help="part 4, claim (d): epochs of the learning curves, test digits scored after each (default: 10)",
    )
    p.add_argument("--batch-size", type=_positive, default=d["batch_size"], help="parts 1, 4, 5 (default: 64)")
    p.add_argument(
        "--train-size",
        type=_positive,
        default=d["train_size"],
        help="training images for parts 1, 4, 5 (stratified subset; default: all 60000)",
    )
    p.add_argument(
        "--test-size", type=_positive, default=d["test_size"], help="test images for parts 1, 4 (default: all 10000)"
    )
    p.add_argument(
        "--overhead-epochs", type=_positive, default=d["overhead_epochs"], help="part 1: epochs per run (default: 1)"
    )
    p.add_argument(
        "--overhead-pairs",
        type=_positive,
        default=d["overhead_pairs"],
        help="part 1: back-to-back A/B pairs, alternating A B and B A (default: 4)",
    )
    p.add_argument("--ops-batch", type=_positive, default=d["ops_batch"], help="part 2: images in the batch (64)")
    p.add_argument(
        "--naive-images",
        type=_positive,
        default=d["naive_images"],
        help="part 2: images conv2d_naive is timed on, scaled to the batch (default: 64, all)",
    )
    p.add_argument(
        "--ops-repeats", type=_positive, default=d["ops_repeats"], help="part 2: timed calls, half in each order (30)"
    )
    p.add_argument("--matmul-n", type=_positive, default=d["matmul_n"], help="part 5: matmul size n (2048)")
    p.add_argument(
        "--flops-epochs",
        type=_positive,
        default=d["flops_epochs"],
        help="part 5: timed training epochs, median taken (default: 3)",
    )
    p.add_argument("--course-quick", action="store_true", help="part 3: run the lessons with --quick")
    p.add_argument("--course-notebooks", type=Path, default=None, help="part 3: lesson folder (default: notebooks/)")
    p.add_argument(
        "--data-npz",
        type=Path,
        default=None,
        help="use these arrays (x_train, y_train, x_test, y_test; not verified) instead of MNIST",
    )
    p.add_argument(
        "--workers",
        type=_positive,
        default=1,
        help="part 4: train this many seeds at once, each in its own process with TensorFlow's threads "
        "capped at cores // N (default: 1, one seed after another in this process)",
    )
    p.add_argument(
        "--threads",
        type=_positive,
        default=None,
        help="part 4: TensorFlow threads per seed (default: one per core; cores // N with --workers; 1 "
        "with --ray-address); the thread count changes the last digits of the results",
    )
    p.add_argument(
        "--ray-address",
        default=None,
        help="part 4: run each seed as a Ray task on this cluster ('local': a Ray instance on this "
        "machine); needs the extra: pip install 'convnets-course-helpers[ray]'",
    )
    p.add_argument(
        "--unit",
        type=_int_list,
        default=None,
        help="part 4: train only these seeds (of --seeds), one JSON each in --unit-dir, and merge "
        "nothing (python -m benchmarks merge does); needs --parts accuracy",
    )
    p.add_argument(
        "--unit-dir",
        type=Path,
        default=default_build_dir() / "bench" / "units",
        help="part 4: where each seed's JSON goes, seed-<n>.json (default: bench/units/ in the "
        "build folder, $COURSE_BUILD_DIR, else ./build)",
    )
    p.add_argument("--out-dir", type=Path, default=RESULTS_DIR, help="where the JSON goes (benchmarks/results)")
    p.add_argument(
        "--build-dir",
        type=Path,
        default=default_build_dir() / "bench",
        help="part 3: the course runner's output folder (default: bench/ in $COURSE_BUILD_DIR, else in ./build)",
    )
    return p


def load_data(config):
    """uint8 ``((x_train, y_train), (x_test, y_test))`` cut to the configured
    sizes (stratified), and a description of where it came from."""
    import numpy as np

    from helpers import data

    if config["data_npz"]:
        with np.load(config["data_npz"]) as arrays:
            (x_train, y_train), (x_test, y_test) = (
                (arrays["x_train"], arrays["y_train"]),
                (arrays["x_test"], arrays["y_test"]),
            )
        source = f"{config['data_npz']} (not verified)"
    else:
        (x_train, y_train), (x_test, y_test) = data.load_mnist()
        source = f"MNIST, verified, from {data.load_mnist.last_source}"
    x_train, y_train = data.subset(x_train, y_train, config["train_size"], seed=0)
    x_test, y_test = data.subset(x_test, y_test, config["test_size"], seed=0)
    return ((x_train, y_train), (x_test, y_test)), source


def is_default(config):
    return all(config[key] == value for key, value in DEFAULTS.items())


def result_path(out_dir, date, host, default, clock=None):
    """``<date>-<host>.json`` for the full benchmark, ``...-partial.json`` otherwise;
    ``clock`` (``HHMMSS``) in a partial name keeps a rerun of one part from
    overwriting an earlier partial result of the same day."""
    stamp = "" if default else (f"-{clock}" if clock else "") + "-partial"
    return Path(out_dir) / f"{date}-{host}{stamp}.json"


def write_json(path, record):
    """The record as strict JSON (NaN -> null), atomically, keys in the order
    they were measured (parts 1..5), unlike ``helpers.files.write_json``."""
    atomic_write(path, json.dumps(finite_or_none(record), indent=2, allow_nan=False) + "\n")


def run_part(name, config, data, log):
    from helpers.data import preprocess

    (x_train, y_train), _ = data if data else ((None, None), (None, None))
    if name == "overhead":
        from . import overhead

        return overhead.run(
            data,
            epochs=config["overhead_epochs"],
            batch_size=config["batch_size"],
            seed=0,
            pairs=config["overhead_pairs"],
            log=log,
        )
    if name == "ops":
        from . import numpy_ops

        return numpy_ops.run(
            batch=config["ops_batch"], naive_images=config["naive_images"], repeats=config["ops_repeats"], log=log
        )
    if name == "lessons":
        from . import lessons

        return lessons.run(
            build_dir=config["build_dir"], notebooks=config["course_notebooks"], quick=config["course_quick"], log=log
        )
    if name == "accuracy":
        from . import seeds

        return seeds.run(config, data, source=config.get("data_source"), log=log)
    if name == "flops":
        from . import flops

        return flops.run(
            preprocess(x_train, y_train),
            batch_size=config["batch_size"],
            matmul_n=config["matmul_n"],
            epochs=config["flops_epochs"],
            log=log,
        )
    raise ValueError(f"unknown part {name!r}")


def _check_part4_runner(p, args):
    if args.workers > 1 and args.ray_address:
        p.error("pass --workers or --ray-address, not both")
    if args.unit is not None and args.parts != ["accuracy"]:
        p.error("--unit trains part 4's seeds alone: pass --parts accuracy")
    if args.unit is not None and not args.unit:
        p.error("--unit names no seed; pass seeds of --seeds, e.g. --unit 2")


def _units_only(args, config, log):
    """``--unit``: train the given seeds' units, write them, merge nothing."""
    from . import seeds

    data, source = (None, None) if args.workers > 1 or args.ray_address else load_data(config)
    try:
        seeds.run_units(
            config,
            args.unit,
            data=data,
            source=source,
            workers=args.workers,
            threads=args.threads,
            ray_address=args.ray_address,
            unit_dir=args.unit_dir,
            log=log,
        )
    except (RuntimeError, ValueError) as error:
        log(f"benchmarks: error: {error}")
        return 1
    return 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["merge"]:
        from . import seeds

        return seeds.merge_main(argv[1:])
    p = parser()
    args = p.parse_args(argv)
    _check_part4_runner(p, args)
    bench_start = time.perf_counter()
    config = {key: getattr(args, key) for key in DEFAULTS}
    config["build_dir"] = args.build_dir
    default = is_default(config)

    def log(text):
        print(text, flush=True)

    from . import seeds

    if args.workers == 1 and not args.ray_address:
        seeds.cap_threads(args.threads)  # part 4 trains in this process: before TensorFlow starts
    from helpers.session import configure_backend

    configure_backend()  # Keras on TensorFlow, TF's C++ start-up noise silenced
    if args.unit is not None:
        return _units_only(args, config, log)
    date, clock, host = (
        time.strftime("%Y-%m-%d", time.gmtime()),
        time.strftime("%H%M%S", time.gmtime()),
        machine.host_id(),
    )
    path = result_path(args.out_dir, date, host, default, clock)
    record = {
        "schema": 1,
        "started": machine.utc_now(),
        "finished": None,
        "complete": False,
        "default_config": default,
        "machine": machine.describe(),
        "versions": machine.versions(),
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in config.items()}
        | {"part4_runner": {"workers": args.workers, "threads": args.threads, "ray": bool(args.ray_address)}},
        "data": None,
        "parts": {},
        "seconds": {},
        "contention": {},
        "errors": {},
    }
    log(f"benchmarks -> {path}")
    log(
        f"machine: {record['machine']['cpu_model']}, {record['machine']['logical_cores']} cores, "
        f"load average {os.getloadavg()[0]:.2f}; parts: {', '.join(config['parts'])}"
    )
    data = None
    if {"overhead", "accuracy", "flops"} & set(config["parts"]):
        data, record["data"] = load_data(config)
        log(f"data: {len(data[0][0])} train / {len(data[1][0])} test images, {record['data']}")
    config |= {
        "data_source": record["data"],
        "workers": args.workers,
        "threads": args.threads,
        "ray_address": args.ray_address,
        "unit_dir": args.unit_dir,
    }
    for number, name in enumerate(PARTS, start=1):
        if name not in config["parts"]:
            continue
        log(f"== part {number}: {name}")
        start = time.perf_counter()
        with machine.Monitor() as monitor:
            try:
                record["parts"][name] = run_part(name, config, data, log)
            except Exception as error:  # record it, run the other parts, exit non-zero
                record["errors"][name] = f"{type(error).__name__}: {error}"
                traceback.print_exc()
        record["seconds"][name] = round(time.perf_counter() - start, 1)
        record["contention"][name] = monitor.summary()
        c = record["contention"][name]
        log(
            f"   part {number} took {record['seconds'][name]:.0f} s; other processes used on average "
            f"{c.get('outside_cpu_mean_percent', 0):.0f}% CPU (max {c.get('outside_cpu_max_percent', 0):.0f}%), "
            f"max load {c.get('load1_max', 0):.2f}"
        )
        write_json(path, record)  # a late failure still leaves the earlier parts
    record["seconds"]["total"] = round(time.perf_counter() - bench_start, 1)
    record["finished"] = machine.utc_now()
    lessons_ok = "lessons" not in record["parts"] or record["parts"]["lessons"]["all_ok"]
    record["complete"] = default and not record["errors"] and lessons_ok and set(record["parts"]) == set(PARTS)
    record["targets"] = report.targets(record)
    write_json(path, record)
    log("")
    log(report.markdown(finite_or_none(record)))  # one seed: sd is NaN, shown as no sd
    log(f"\nwrote {path} ({'complete' if record['complete'] else 'not complete: not used for the README'})")
    if record["errors"]:
        log(f"parts that failed: {', '.join(record['errors'])}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
