"""Part 4 seed by seed: in this process, in N local processes, as Ray tasks, or one seed per machine.

A seed is part 4's unit of work (:mod:`benchmarks.accuracy`): every unit
trains its own seed and writes one JSON file, ``seed-<n>.json`` in the unit
folder (``--unit-dir``; default ``bench/units`` in the build folder); the
merge turns the files of every seed into the part's result, whichever way
they ran::

    python -m benchmarks --parts accuracy --seeds 0,1,2,3           # one after another, here
    python -m benchmarks --parts accuracy --seeds 0,1,2,3 --workers 2   # two processes at once
    python -m benchmarks --parts accuracy --seeds 0,1,2,3 --ray-address local   # Ray tasks
    python -m benchmarks --parts accuracy --seeds 0,1,2,3 --unit 2  # seed 2's unit only, no merge
    python -m benchmarks merge build/bench/units                     # the units -> a result file

Threads: training is deterministic for a seed and a TensorFlow thread count
(another process gives the same weights, bit for bit), but the thread count
changes how sums are split, so 1 and 2 threads give slightly different
numbers. Each unit records its count; ``--threads T`` sets it (intra- and
inter-op, set before TensorFlow starts; default: TensorFlow's own, one per
core, for units run here one after another; cores // N with ``--workers N``;
1 for Ray tasks, each of which reserves that many CPUs).

Ray (``--ray-address``: ``local`` starts an instance on this machine, else
the address of a running cluster) is an optional extra, not in the course
lock: ``pip install 'convnets-course-helpers[ray]'``. The tasks carry
``benchmarks/`` and ``helpers/`` with them; every node needs the lock's
packages, and MNIST (in its Keras cache) or the ``--data-npz`` file at the
same path. Each unit checks what it trained on (:func:`accuracy.describe_data`),
and the merge refuses units of different data, settings or package versions.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

from helpers.files import finite_or_none
from helpers.session import default_build_dir

from . import cli, machine

HERE = Path(__file__).resolve().parent
UNIT_DIR = default_build_dir() / "bench" / "units"
# The options a unit's training depends on: the ablation's, the convnet's epochs and the data.
UNIT_CONFIG = (*cli.ABLATION_SETTINGS, "epochs", "data_npz")
RAY_MISSING = (
    "--ray-address needs Ray, which the course lock leaves out: pip install "
    "'convnets-course-helpers[ray]' (or pip install ray) into an environment that has the lock"
)


def unit_config(config):
    """The part of the bench ``config`` (``benchmarks.cli``) a unit depends on, JSON-ready."""
    return {key: (str(config[key]) if isinstance(config[key], Path) else config[key]) for key in UNIT_CONFIG}


def part4_settings(config):
    """:func:`benchmarks.accuracy.settings` from the bench ``config``."""
    from . import accuracy

    return accuracy.settings(
        seeds=config["seeds"],
        seed_epochs=config["epochs"],
        variant_epochs=config["variant_epochs"],
        batch_size=config["batch_size"],
        curve_seeds=config["curve_seeds"],
        curve_train_size=config["curve_train_size"],
        curve_epochs=config["curve_epochs"],
    )


def thread_env(threads):
    """The environment that gives TensorFlow (and OpenMP) ``threads`` threads."""
    return {name: str(threads) for name in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS")}


def cap_threads(threads):
    """Give TensorFlow ``threads`` intra- and inter-op threads in this process (None: its default,
    one per core). Must come before TensorFlow's runtime starts (its first operation)."""
    if threads is None:
        return
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads must be an int >= 1 or None (TensorFlow's default), got {threads!r}")
    os.environ.update(thread_env(threads))
    tf = sys.modules.get("tensorflow")
    if tf is not None:  # imported already: its runtime may not have started yet
        try:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(threads)
        except RuntimeError:
            raise RuntimeError(
                f"threads={threads}: TensorFlow has started in this process already with its "
                "own thread count; set the threads in a fresh process"
            ) from None


def cores():
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def unit_path(unit_dir, seed):
    return Path(unit_dir) / f"seed-{seed}.json"


def write_unit(unit_dir, record):
    """``record`` as ``<unit_dir>/seed-<n>.json``, atomically; returns the path."""
    path = unit_path(unit_dir, record["seed"])
    cli.write_json(path, record)
    return path


def unit_here(data, seed, config, threads=None, source=None, log=print):
    """One seed's unit in this process on ``data`` (uint8, as ``benchmarks.cli.load_data`` gives
    it), with what ran it: ``run`` = ``{tf_threads, cores, config, machine, versions, data, started,
    finished, seconds}`` (``tf_threads`` None: TensorFlow's default, one per core; ``config``:
    :func:`unit_config`)."""
    from helpers.data import preprocess

    from . import accuracy

    started, start = machine.utc_now(), time.perf_counter()
    (x_train, y_train), (x_test, y_test) = data
    record = accuracy.unit(
        (preprocess(x_train, y_train), preprocess(x_test, y_test)), seed, part4_settings(config), log=log
    )
    record["run"] = {
        "tf_threads": threads,
        "cores": cores(),
        "config": unit_config(config),
        "machine": machine.describe(),
        "versions": machine.versions(),
        "data": source,
        "started": started,
        "finished": machine.utc_now(),
        "seconds": round(time.perf_counter() - start, 1),
    }
    return record


def run_unit(seed, config, threads=None):
    """One seed's unit in a fresh process (a local worker, a Ray task, a CI job): caps the threads,
    loads the data here, trains; returns the record."""
    cap_threads(threads)
    from helpers.session import configure_backend

    configure_backend()
    data, source = cli.load_data(config)
    return unit_here(data, seed, config, threads, source, log=lambda text: print(text, flush=True))


def _by_workers(config, seeds, workers, threads, done):
    """Each seed's unit in its own spawned process, ``workers`` at a time (a fresh process per unit:
    TensorFlow keeps memory from every model it trained)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(
        max_workers=min(workers, len(seeds)),
        mp_context=multiprocessing.get_context("spawn"),
        initializer=cap_threads,
        initargs=(threads,),
        max_tasks_per_child=1,
    ) as pool:
        futures = {pool.submit(run_unit, seed, config, threads): seed for seed in seeds}
        for future in as_completed(futures):
            done(futures[future], future)


def _import_ray():
    try:
        import ray
    except ImportError:
        raise RuntimeError(RAY_MISSING) from None
    return ray


def _by_ray(config, seeds, address, threads, done):
    """Each seed's unit as a Ray task reserving ``threads`` CPUs, in a fresh worker process
    (``max_calls=1``) that caps TensorFlow at that many threads."""
    ray = _import_ray()
    local = address == "local"
    ray.init(
        address=None if local else address,
        num_cpus=cores() if local else None,
        include_dashboard=False,
        runtime_env={"py_modules": [str(HERE), str(HERE.parent / "helpers")], "env_vars": thread_env(threads)},
        **({"object_store_memory": 200 * 2**20} if local else {}),
    )  # units are small dicts
    try:
        task = ray.remote(num_cpus=threads, max_calls=1)(run_unit)
        pending = {task.remote(seed, config, threads): seed for seed in seeds}
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            done(pending.pop(ready[0]), _RayResult(ray, ready[0]))
    finally:
        ray.shutdown()


class _RayResult:
    """A Ray object reference read like a ``concurrent.futures.Future``."""

    def __init__(self, ray, ref):
        self.ray, self.ref = ray, ref

    def result(self):
        return self.ray.get(self.ref)


def run_units(
    config, seeds, *, data=None, source=None, workers=1, threads=None, ray_address=None, unit_dir=UNIT_DIR, log=print
):
    """Every unit of ``seeds`` (each one of the run's seeds, ``config['seeds']``), here one after
    another (``data`` loaded already), in ``workers`` processes, or as Ray tasks at ``ray_address``.
    Each record is written to ``unit_dir`` as soon as it is done; a unit that fails does not stop
    the others. Returns the records in ``seeds`` order; RuntimeError naming the seeds that failed."""
    from . import accuracy

    expected = accuracy.unit_seeds(part4_settings(config))
    unknown = [s for s in seeds if s not in expected]
    if unknown:
        raise ValueError(f"--unit: seeds {unknown} are not among the run's seeds {expected} (--seeds, --curve-seeds)")
    if workers > 1 and ray_address:
        raise ValueError("pass --workers or --ray-address, not both")
    config = unit_config(config)
    records, failed = {}, {}

    def done(seed, future):
        try:
            records[seed] = future.result()
        except Exception as error:  # reported with the others' at the end
            failed[seed] = f"{type(error).__name__}: {error}"
            log(f"seed {seed}: failed: {failed[seed]}")
            return
        log(f"seed {seed}: done in {records[seed]['run']['seconds']:.0f} s -> {write_unit(unit_dir, records[seed])}")

    if ray_address:
        threads = threads or 1
        log(f"part 4: {len(seeds)} seed units as Ray tasks ({ray_address}), {threads} TensorFlow thread(s) each")
        _by_ray(config, seeds, ray_address, threads, done)
    elif workers > 1:
        threads = threads or max(1, cores() // workers)
        log(f"part 4: {len(seeds)} seed units in {workers} processes, {threads} TensorFlow thread(s) each")
        _by_workers(config, seeds, workers, threads, done)
    else:
        for seed in seeds:
            done(seed, _Done(lambda seed=seed: unit_here(data, seed, config, threads, source, log)))
    if failed:
        raise RuntimeError(
            f"seeds {sorted(failed)} failed ({'; '.join(f'{s}: {e}' for s, e in failed.items())}); "
            f"the others are in {unit_dir}"
        )
    return [records[s] for s in seeds]


class _Done:
    """A call run now, read like a ``concurrent.futures.Future``."""

    def __init__(self, call):
        self.call = call

    def result(self):
        return self.call()


def run(config, data, source=None, log=print):
    """Part 4 for ``benchmarks.cli``: every unit (:func:`run_units`, as ``config``'s ``workers``,
    ``threads``, ``ray_address`` and ``unit_dir`` say), merged."""
    from . import accuracy

    seeds = accuracy.unit_seeds(part4_settings(config))
    records = run_units(
        config,
        seeds,
        data=data,
        source=source,
        workers=config["workers"],
        threads=config["threads"],
        ray_address=config["ray_address"],
        unit_dir=config["unit_dir"],
        log=log,
    )
    result = accuracy.merge(records)
    accuracy.log_means(result, log)
    return result


# --- merging unit files --------------------------------------------------------------


def unit_files(paths):
    """The unit files among ``paths``: files as given, folders' ``*.json`` sorted."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(path.glob("*.json"))
        elif path.is_file():
            found.append(path)
        else:
            raise FileNotFoundError(f"{path}: no such file or folder; pass unit files (seed-<n>.json) or their folder")
    if not found:
        raise FileNotFoundError(f"no unit files (*.json) in {', '.join(map(str, paths))}")
    return found


def load_units(paths):
    """``(records, names)`` of the unit files among ``paths``; ValueError naming a file that is not JSON."""
    records, names = [], []
    for path in unit_files(paths):
        try:
            records.append(json.loads(path.read_text()))
        except ValueError as error:
            raise ValueError(f"{path} is not JSON ({error}); rerun its seed or leave it out") from None
        names.append(str(path))
    return records, names


def result_record(part, records):
    """The result file of merged units, like one of ``python -m benchmarks --parts accuracy``: its config
    from the units', machine and versions from the first unit (each unit's in ``part['units']``)."""
    from . import report

    first = records[0]["run"]
    config = dict(cli.DEFAULTS, parts=["accuracy"]) | first["config"]
    record = {
        "schema": 1,
        "started": min(r["run"]["started"] for r in records),
        "finished": max(r["run"]["finished"] for r in records),
        "complete": False,
        "default_config": cli.is_default(config),
        "merged_units": len(records),
        "machine": first["machine"],
        "versions": first["versions"],
        "config": config,
        "data": first["data"],
        "parts": {"accuracy": part},
        "seconds": {"accuracy": round(sum(r["run"]["seconds"] for r in records), 1)},
        "contention": {},
        "errors": {},
    }
    record["targets"] = report.targets(record)
    return record


def merge_files(paths, out_dir=cli.RESULTS_DIR):
    """Merge the unit files among ``paths`` into a result file in ``out_dir``
    (``<date>-<host>-merged-partial.json``); returns ``(path, record)``."""
    from . import accuracy

    records, names = load_units(paths)
    part = accuracy.merge(records, names)
    record = result_record(part, accuracy.check_units(records, names))
    path = cli.result_path(out_dir, record["finished"][:10], f"{machine.host_id()}-merged", default=False)
    cli.write_json(path, record)
    return path, record


def merge_main(argv=None):
    """``python -m benchmarks merge PATH... [--out-dir DIR]``."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks merge", description="Merge part 4's per-seed unit files into one result file."
    )
    parser.add_argument("paths", nargs="+", type=Path, help="unit files (seed-<n>.json) or folders of them")
    parser.add_argument(
        "--out-dir", type=Path, default=cli.RESULTS_DIR, help="where the result goes (default: benchmarks/results)"
    )
    args = parser.parse_args(argv)
    try:
        path, record = merge_files(args.paths, args.out_dir)
    except (FileNotFoundError, ValueError) as error:
        print(f"benchmarks merge: error: {error}", file=sys.stderr)
        return 2
    from . import report

    print("\n".join(report.accuracy_markdown(finite_or_none(record["parts"]["accuracy"]))))
    print(f"\nwrote {path} ({record['merged_units']} units)")
    return 0
