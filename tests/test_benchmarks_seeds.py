"""benchmarks/accuracy.py's units and merge, benchmarks/seeds.py's files and runners, and the
seeds workflow: part 4 run seed by seed gives what one serial run gives. Synthetic runs (no
training) except the tests marked slow, which train on tiny data in fresh processes."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from benchmarks import accuracy, cli, report, seeds, summary
from helpers import ablation, stats
from helpers.files import finite_or_none

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "seeds.yml"
SEEDS, CURVE_SEEDS, SHIFTS, N = (3, 1, 4), (1, 5), (0, 1, 2), 60
SETTINGS = accuracy.settings(
    seeds=SEEDS,
    seed_epochs=2,
    variant_epochs=1,
    batch_size=8,
    curve_seeds=CURVE_SEEDS,
    curve_train_size=30,
    curve_epochs=2,
    shifts=SHIFTS,
)
DATA = {"train_samples": 200, "test_samples": N, "sha256": "0" * 64}
HEADS = {"flatten": SETTINGS["variants"], "global_max": SETTINGS["global_variants"]}


def _runs(seed, head):
    """One seed's runs of every variant of ``head``, as ``helpers.ablation.train_variants`` returns
    them: per-image answers that differ by variant, seed and shift."""
    rng = np.random.default_rng([seed, len(head)])
    found = []
    for i, kind in enumerate(HEADS[head]):
        correct = {px: rng.random(N) < 0.9 - i / 20 - px / 10 for px in SHIFTS}
        found.append(
            {
                "variant": kind,
                "seed": seed,
                "head": head,
                "params": 100 + i,
                "epoch_seconds": [2.0, 1.0],
                "train_acc": 0.95 - i / 50 + seed / 1000,
                "test_acc": float(correct[0].mean()),
                "shift_acc": {px: float(right.mean()) for px, right in correct.items()},
                "correct": correct,
            }
        )
    return found


def _mnist(seed):
    return {
        "model": "mnist_convnet",
        "params": 93_322,
        "epochs": 2,
        "seed": seed,
        "train_acc": 0.99,
        "test_acc": 0.98 + seed / 1000,
        "fit_seconds": 3.0,
        "samples_per_second": 100.0,
        "train_test_gap": 0.01 - seed / 1000,
    }


def _curves(seed):
    runs = [
        {
            "model": name,
            "seed": seed,
            "params": 10,
            "train_acc": 0.9,
            "test_acc": 0.8,
            "history": {"loss": [1.0, 0.5], "val_loss": [0.9, 0.8 + seed / 100 + m / 10]},
        }
        for m, name in enumerate(ablation.CURVE_MODELS)
    ]
    return runs, 30


def _run_info(seed, **changes):
    return {
        "tf_threads": 1,
        "cores": 2,
        "config": seeds.unit_config(cli.DEFAULTS),
        "machine": {"host_id": "abc"},
        "versions": {"tensorflow": "2.21.0"},
        "data": "synthetic",
        "started": f"2026-01-0{1 + seed % 3}T10:00:00+00:00",
        "finished": f"2026-01-0{1 + seed % 3}T11:00:00+00:00",
        "seconds": 60.0,
    } | changes


def _unit(seed, runs=None, settings=SETTINGS):
    """The unit record of ``seed``, as ``accuracy.unit`` gives it after training."""
    trained = seed in settings["seeds"]
    runs = runs or ({head: _runs(seed, head) for head in HEADS} if trained else None)
    record = accuracy.unit_record(
        seed,
        settings,
        DATA,
        _mnist(seed) if trained else None,
        runs,
        _curves(seed) if seed in settings["curve_seeds"] else None,
    )
    return record | {"run": _run_info(seed)}


def _units():
    return [_unit(s) for s in accuracy.unit_seeds(SETTINGS)]


def serial_mismatches(result, seeds_=SEEDS):
    """What differs between a merged ``result`` and the statistics a serial run computes over all
    the runs at once (helpers.ablation, the lesson's own functions); [] when nothing does."""
    found = []
    for head, kinds in HEADS.items():
        runs = [r for s in seeds_ for r in _runs(s, head)]
        part = result if head == "flatten" else result["global_max_head"]
        for kind in kinds:
            for px in SHIFTS:
                mean, sd = stats.mean_sd(ablation.accuracies(runs, kind, px))
                got = part["variants"][kind]
                if got["shift_acc_mean"][str(px)] != pytest.approx(mean) or got["shift_acc_std"][
                    str(px)
                ] != pytest.approx(sd):
                    found.append(f"{head} {kind} {px} px mean/sd")
        for b in kinds[1:]:
            for px in (0, max(SHIFTS)):
                want = ablation.compare(runs, kinds[0], b, px)
                got = part["paired"][f"{kinds[0]}-{b}"][str(px)]
                for key in ("diffs", "mean", "sd", "t", "p"):
                    if got[key] != pytest.approx(want[key]):
                        found.append(f"{head} {kinds[0]}-{b} {px} px {key}")
                if got["signs"] != want["signs"] or got["mcnemar"] != [list(m) for m in want["mcnemar"]]:
                    found.append(f"{head} {kinds[0]}-{b} {px} px signs/McNemar")
    mnist = [_mnist(s)["test_acc"] for s in seeds_]
    if (result["mnist_convnet"]["test_acc_mean"], result["mnist_convnet"]["test_acc_std"]) != pytest.approx(
        stats.mean_sd(mnist)
    ):
        found.append("mnist_convnet mean/sd")
    return found


# --- the merge ----------------------------------------------------------------------


def test_the_merge_gives_the_serial_statistics():
    result = accuracy.merge(_units())
    assert serial_mismatches(result) == []
    assert result["seeds"] == [3, 1, 4] and result["train_samples"] == 200 and result["test_samples"] == N
    assert list(result["variants"]) == list(accuracy.VARIANTS)  # the run's order, kept for the tables
    assert list(result["paired"]) == ["max-avg", "max-strided_conv", "max-learned_pool", "max-none"]
    assert set(result["paired"]["max-none"]) == {"0", "2"}
    assert list(result["variants"]["avg"]["runs"]) == ["3", "1", "4"]
    assert result["curves"]["seeds"] == [1, 5] and [r["seed"] for r in result["curves"]["runs"]] == [1] * 3 + [5] * 3
    assert [u["seed"] for u in result["units"]] == [3, 1, 4, 5] and result["units"][0]["tf_threads"] == 1


def test_the_merge_does_not_depend_on_the_order_of_the_units_or_on_json():
    units = _units()
    merged = accuracy.merge(units)
    assert accuracy.merge(units[::-1]) == merged
    assert accuracy.merge(json.loads(json.dumps(units))) == merged


def test_a_merge_that_mis_pairs_or_drops_seeds_does_not_pass_for_serial():
    """The test of the test above: serial_mismatches catches a merge that pairs seed 3's max with
    seed 1's avg, and one that leaves a seed out."""
    runs = {s: {head: _runs(s, head) for head in HEADS} for s in SEEDS}
    for a, b in ((3, 1), (1, 3)):  # swap the avg runs of seeds 3 and 1, each labelled with its new seed
        runs[a]["flatten"] = [
            r if r["variant"] != "avg" else r | {"seed": a}
            for r in _runs(a, "flatten")[:1] + _runs(b, "flatten")[1:2] + _runs(a, "flatten")[2:]
        ]
    mis_paired = accuracy.merge([_unit(s, runs.get(s)) for s in accuracy.unit_seeds(SETTINGS)])
    assert "flatten max-avg 0 px diffs" in serial_mismatches(mis_paired)
    assert "flatten max-avg 0 px signs/McNemar" in serial_mismatches(mis_paired)

    fewer = accuracy.settings(**SETTINGS | {"seeds": [3, 4]})
    dropped = accuracy.merge([_unit(s, settings=fewer) for s in accuracy.unit_seeds(fewer)])
    assert serial_mismatches(dropped) != []
    assert serial_mismatches(dropped, seeds_=(3, 4)) == []


def test_the_summary_and_the_tables_read_a_merged_result(tmp_path):
    units = tmp_path / "units"
    for record in _units():
        seeds.write_unit(units, record)
    path, record = seeds.merge_files([units], tmp_path / "results")
    assert path.name == f"2026-01-03-{seeds.machine.host_id()}-merged-partial.json"
    assert json.loads(path.read_text()) == json.loads(json.dumps(finite_or_none(record)))
    assert record["config"]["seeds"] == cli.DEFAULTS["seeds"] and record["config"]["parts"] == ["accuracy"]
    assert record["started"] == "2026-01-01T10:00:00+00:00" and record["finished"] == "2026-01-03T11:00:00+00:00"
    shipped = summary.summarize(json.loads(path.read_text()))
    assert shipped["budget"]["seeds"] == [3, 1, 4]
    assert shipped["heads"]["flatten"]["avg"]["shift_acc"]["2"] == [
        record["parts"]["accuracy"]["variants"]["avg"]["runs"][str(s)]["shift_acc"]["2"] for s in SEEDS
    ]
    table = "\n".join(report.accuracy_markdown(json.loads(path.read_text())["parts"]["accuracy"]))
    assert "| `max` − `none` | 2 |" in table and "| global max head: `none` |" in table
    written = summary.write(tmp_path / "nothing-here", tmp_path / "ablation.json", result=path)
    assert json.loads(written[1].read_text())["source"] == f"benchmarks/results/{path.name}"


def test_the_merge_command_writes_a_result_and_names_bad_input(tmp_path, capsys):
    units = tmp_path / "units"
    for record in _units():
        seeds.write_unit(units, record)
    assert cli.main(["merge", str(units), "--out-dir", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "Paired by seed" in out and "(4 units)" in out and len(list((tmp_path / "out").glob("*.json"))) == 1
    (units / "seed-4.json").unlink()
    assert cli.main(["merge", str(units), "--out-dir", str(tmp_path / "out")]) == 2
    assert "no unit for seeds [4]" in capsys.readouterr().err


def _with(units, which, **changes):
    return [u | changes if u["seed"] == which else u for u in units]


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda u: [x for x in u if x["seed"] != 1], r"no unit for seeds \[1\] of the run's seeds \[3, 1, 4, 5\]"),
        (lambda u: u + [u[0]], r"seed 3 is there twice \(unit 0 and unit 4\)"),
        (
            lambda u: _with(u, 4, settings=SETTINGS | {"variant_epochs": 3}),
            "different runs: their settings differ in variant_epochs",
        ),
        (lambda u: _with(u, 4, data=DATA | {"sha256": "1" * 64}), "their data differ in sha256"),
        (lambda u: _with(u, 4, run=_run_info(4, versions={"tensorflow": "2.20.0"})), "different package versions"),
        (lambda u: _with(u, 4, seed=7), r"holds seed 7, which is not one of the run's seeds"),
        (lambda u: u[:1] + [{"seed": 1}], "unit 1 is not the record of one seed of part 4"),
        (lambda u: [], "units is empty"),
    ],
)
def test_bad_units_are_named(change, words):
    with pytest.raises(ValueError, match=words):
        accuracy.merge(change(_units()))


def test_the_missing_unit_error_says_how_to_run_it():
    with pytest.raises(ValueError, match=r"--seeds 3,1,4 --unit 1,5"):
        accuracy.merge([u for u in _units() if u["seed"] not in (1, 5)])


def test_bad_unit_files_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file or folder"):
        seeds.load_units([tmp_path / "nowhere"])
    with pytest.raises(FileNotFoundError, match="no unit files"):
        seeds.load_units([tmp_path])
    (tmp_path / "seed-0.json").write_text("{truncated")
    with pytest.raises(ValueError, match=r"seed-0\.json is not JSON"):
        seeds.load_units([tmp_path])


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"seeds": []}, "seeds must name at least one seed"),
        ({"seeds": [1, 1]}, "seeds must not repeat a seed"),
        ({"curve_seeds": [2, 2]}, "curve_seeds must not repeat"),
        ({"variants": ["max", "maxx"]}, r"variants must be among .*'maxx'"),
    ],
)
def test_bad_settings_are_named(kwargs, words):
    with pytest.raises(ValueError, match=words):
        accuracy.settings(**({"seeds": [0, 1], "seed_epochs": 1, "variant_epochs": 1, "batch_size": 8} | kwargs))


def test_the_units_are_the_seeds_then_the_other_curve_seeds():
    assert accuracy.unit_seeds(SETTINGS) == [3, 1, 4, 5]
    assert _unit(5)["runs"] is None and _unit(5)["curves"]["train_samples"] == 30
    assert _unit(4)["curves"] is None and set(_unit(4)["mcnemar"]["global_max"]) == {"max-none"}


def test_one_seed_merges_with_no_sd_and_no_t():
    one = accuracy.settings(seeds=[2], seed_epochs=1, variant_epochs=1, batch_size=8, curve_seeds=[], shifts=SHIFTS)
    result = accuracy.merge([_unit(2, settings=one)])
    assert np.isnan(result["variants"]["max"]["test_acc_std"]) and result["paired"]["max-avg"]["0"]["t"] is None
    assert result["curves"] is None
    table = "\n".join(report.accuracy_markdown(finite_or_none(result)))
    assert "nan" not in table


# --- running units ---------------------------------------------------------------------


def test_threads_are_capped_by_the_environment_tensorflow_reads(monkeypatch):
    for name in seeds.thread_env(1):
        monkeypatch.setenv(name, "unset")  # restored after the test
    monkeypatch.delitem(sys.modules, "tensorflow", raising=False)  # as in a fresh worker, before the import
    seeds.cap_threads(3)
    assert {name: os.environ[name] for name in seeds.thread_env(3)} == seeds.thread_env(3)
    assert set(seeds.thread_env(3)) == {"TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS"}
    with pytest.raises(ValueError, match="threads must be an int >= 1"):
        seeds.cap_threads(0)


def test_runner_options_are_checked(capsys, tmp_path):
    with pytest.raises(SystemExit):
        cli.main(["--parts", "accuracy", "--workers", "2", "--ray-address", "local"])
    assert "pass --workers or --ray-address, not both" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["--unit", "1"])
    assert "--unit trains part 4's seeds alone: pass --parts accuracy" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["--workers", "0"])
    assert "must be an integer >= 1" in capsys.readouterr().err
    with pytest.raises(ValueError, match=r"seeds \[9\] are not among the run's seeds \[0, 1, 2\]"):
        seeds.run_units(dict(cli.DEFAULTS, seeds=[0, 1]), [9], unit_dir=tmp_path)


def test_ray_missing_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    with pytest.raises(RuntimeError, match=r"pip install 'convnets-course-helpers\[ray\]'"):
        seeds._import_ray()


# --- the workflow -------------------------------------------------------------------------


def workflow():
    return yaml.safe_load(WORKFLOW.read_text())


def test_the_workflow_runs_one_job_per_seed_and_merges_them():
    flow = workflow()
    inputs = flow[True]["workflow_dispatch"]["inputs"]  # YAML 1.1 reads the key `on` as True
    assert inputs["seeds"]["required"] and inputs["seeds"]["default"].split() == ["0", "1", "2", "3", "4"]
    assert inputs["curve_seeds"]["default"].split() == ["0", "1", "2"]
    assert flow["permissions"] == {"contents": "read"}
    jobs = flow["jobs"]
    assert jobs["seed"]["needs"] == "plan"
    assert jobs["seed"]["strategy"]["matrix"]["seed"] == "${{ fromJSON(needs.plan.outputs.matrix) }}"
    assert jobs["seed"]["strategy"]["fail-fast"] is False
    assert "seed" in jobs["merge"]["needs"]
    upload = [s for s in jobs["seed"]["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    assert upload[0]["with"]["path"] == "units/seed-${{ matrix.seed }}.json"
    assert upload[0]["with"]["name"] == "unit-seed-${{ matrix.seed }}"
    download = next(
        s for s in jobs["merge"]["steps"] if str(s.get("uses", "")).startswith("actions/download-artifact@")
    )
    assert download["with"] == {"pattern": "unit-seed-*", "path": "units", "merge-multiple": True}
    merge = " ".join(s.get("run", "") for s in jobs["merge"]["steps"])
    assert "-m benchmarks merge units" in merge and "-m benchmarks.summary --result" in merge
    uploaded = next(s for s in jobs["merge"]["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact@"))
    assert "helpers/full_data/ablation.json" in uploaded["with"]["path"]


def _plan(tmp_path, seeds_, curve_seeds):
    """Run the workflow's plan step (Python) as GitHub would; its outputs, or None if it fails."""
    step = workflow()["jobs"]["plan"]["steps"][0]
    assert step["shell"] == "python"
    output = tmp_path / "github_output"
    output.write_text("")
    done = subprocess.run(
        [sys.executable, "-c", step["run"]],
        capture_output=True,
        text=True,
        env=dict(os.environ, SEEDS=seeds_, CURVE_SEEDS=curve_seeds, GITHUB_OUTPUT=str(output)),
    )
    return dict(line.split("=", 1) for line in output.read_text().splitlines()) if done.returncode == 0 else None


def test_the_plan_step_makes_one_job_per_unit_and_the_seed_job_runs_one_unit(tmp_path):
    found = _plan(tmp_path, "5, 6 0", "0 1 2")
    assert found == {"matrix": "[5, 6, 0, 1, 2]", "seeds": "5,6,0", "curve_seeds": "0,1,2"}
    settings = seeds.part4_settings(dict(cli.DEFAULTS, seeds=[5, 6, 0], curve_seeds=[0, 1, 2]))
    assert json.loads(found["matrix"]) == accuracy.unit_seeds(settings)  # every unit the merge needs, once
    assert _plan(tmp_path, "1 2", "")["matrix"] == "[1, 2]"
    assert _plan(tmp_path, "1 1", "") is None and _plan(tmp_path, "a", "0") is None and _plan(tmp_path, "", "0") is None
    train = next(s for s in workflow()["jobs"]["seed"]["steps"] if "--unit" in s.get("run", ""))
    argv = (
        train["run"]
        .split("-m benchmarks", 1)[1]
        .replace('"$SEEDS"', found["seeds"])
        .replace('"$CURVE_SEEDS"', found["curve_seeds"])
        .replace('"$SEED"', "6")
        .replace("$OPTIONS", "")
        .split()
    )
    args = cli.parser().parse_args(argv)
    assert (args.parts, args.seeds, args.curve_seeds, args.unit) == (["accuracy"], [5, 6, 0], [0, 1, 2], [6])
    assert seeds.unit_path(args.unit_dir, 6) == Path("units/seed-6.json")


# --- the same numbers, serially, in worker processes and as Ray tasks (tiny data) -------------


def _tiny_npz(path):
    """MNIST-shaped random digits whose class shows as a bright square: learnable in one epoch."""
    rng = np.random.default_rng(0)
    labels = np.arange(400) % 10
    x = rng.integers(0, 60, (400, 28, 28), dtype=np.uint8)
    for i, label in enumerate(labels):
        x[i, 2 + 2 * label : 8 + 2 * label, 4:10] = 255
    np.savez(path, x_train=x[:300], y_train=labels[:300], x_test=x[300:], y_test=labels[300:])
    return path


def _bench(tmp_path, name, *options, python=sys.executable):
    """``python -m benchmarks --parts accuracy`` on tiny data in a fresh process; its part 4."""
    out = tmp_path / name
    argv = [
        python,
        "-m",
        "benchmarks",
        "--parts",
        "accuracy",
        "--data-npz",
        str(_tiny_npz(tmp_path / "tiny.npz")),
        "--seeds",
        "0,1",
        "--epochs",
        "1",
        "--variant-epochs",
        "1",
        "--batch-size",
        "32",
        "--curve-seeds",
        "1",
        "--curve-train-size",
        "100",
        "--curve-epochs",
        "2",
        "--out-dir",
        str(out),
        "--unit-dir",
        str(out / "units"),
        *options,
    ]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (path,) = out.glob("*.json")
    return json.loads(path.read_text())["parts"]["accuracy"]


def numbers(part):
    """A part 4 result without what depends on where and when it ran (timings, machines)."""
    timing = {"epoch_seconds", "fit_seconds", "samples_per_second", "seconds_per_epoch_median", "units"}

    def keep(value):
        if isinstance(value, dict):
            return {k: keep(v) for k, v in value.items() if k not in timing}
        return [keep(v) for v in value] if isinstance(value, list) else value

    return keep(part)


@pytest.mark.slow
@pytest.mark.training
def test_workers_give_the_serial_numbers(tmp_path):
    threads = max(1, seeds.cores() // 2)  # what --workers 2 gives each process
    serial = _bench(tmp_path, "serial", "--threads", str(threads))
    workers = _bench(tmp_path, "workers", "--workers", "2")
    assert [u["tf_threads"] for u in workers["units"]] == [threads, threads]
    assert [u["tf_threads"] for u in serial["units"]] == [threads, threads]
    assert numbers(workers) == numbers(serial)
    assert len(numbers(workers)["paired"]["max-none"]["0"]["diffs"]) == 2


def _ray_python():
    """A Python that has Ray and the course's packages: this one, else $RAY_PYTHON."""
    if importlib.util.find_spec("ray") is not None:
        return sys.executable
    return os.environ.get("RAY_PYTHON")


@pytest.mark.slow
@pytest.mark.training
@pytest.mark.skipif(
    not _ray_python(),
    reason="Ray is not installed here (the extra: pip install "
    "'convnets-course-helpers[ray]'); or point RAY_PYTHON at a Python that has it and the lock",
)
def test_ray_tasks_give_the_serial_numbers(tmp_path):
    serial = _bench(tmp_path, "serial", "--threads", "1")
    by_ray = _bench(tmp_path, "ray", "--ray-address", "local", python=_ray_python())
    assert [u["tf_threads"] for u in by_ray["units"]] == [1, 1]
    assert numbers(by_ray) == numbers(serial)
