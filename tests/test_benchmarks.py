"""benchmarks/: the code runs end to end on a tiny configuration, and the
README generator touches nothing outside its markers.

No timing is asserted here: timings belong to `make bench`, not to tests.
"""

import json

import nbformat
import numpy as np
import pytest

from benchmarks import cli, numpy_ops, overhead, readme, report


def _tiny_npz(path):
    """Random uint8 images with labels 0..9: 40 train, 20 test."""
    rng = np.random.default_rng(0)
    np.savez(
        path,
        x_train=rng.integers(0, 256, (40, 28, 28), dtype=np.uint8),
        y_train=np.arange(40) % 10,
        x_test=rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
        y_test=np.arange(20) % 10,
    )
    return path


def _tiny_lesson(folder):
    """A one-cell lesson with a quick profile in its metadata, for the course runner."""
    folder.mkdir()
    params = nbformat.v4.new_code_cell("STEPS = 3  # how many steps")
    params.metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(cells=[params, nbformat.v4.new_code_cell("print(STEPS)")])
    nb.metadata["kernelspec"] = {
        "name": "convnets-course",
        "display_name": "Python 3 (convnets course)",
        "language": "python",
    }
    nb.metadata["course"] = {"quick": {"STEPS": 1}}
    nbformat.write(nb, str(folder / "01_tiny.ipynb"))
    return folder


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):  # the tests that use it are marked slow and training
    """All five parts on tiny settings: 40 images, 1 epoch, batch 8."""
    tmp = tmp_path_factory.mktemp("bench")
    argv = [
        "--data-npz",
        str(_tiny_npz(tmp / "tiny.npz")),
        "--train-size",
        "40",
        "--test-size",
        "20",
        "--batch-size",
        "8",
        "--seeds",
        "0,1",
        "--epochs",
        "1",
        "--variant-epochs",
        "1",
        "--overhead-epochs",
        "1",
        "--overhead-pairs",
        "1",
        "--ops-batch",
        "2",
        "--naive-images",
        "1",
        "--ops-repeats",
        "1",
        "--matmul-n",
        "64",
        "--flops-epochs",
        "2",
        "--course-quick",
        "--course-notebooks",
        str(_tiny_lesson(tmp / "lessons")),
        "--build-dir",
        str(tmp / "build"),
        "--out-dir",
        str(tmp / "results"),
        "--unit-dir",
        str(tmp / "units"),
    ]
    code = cli.main(argv)
    paths = list((tmp / "results").glob("*.json"))
    return code, paths, tmp


@pytest.mark.slow
@pytest.mark.training
def test_tiny_run_measures_every_part(tiny_run, capsys):
    code, paths, _ = tiny_run
    assert code == 0
    assert len(paths) == 1 and paths[0].name.endswith("-partial.json")  # not the default configuration
    record = json.loads(paths[0].read_text())
    assert record["complete"] is False and record["default_config"] is False
    assert record["errors"] == {}
    assert list(record["parts"]) == list(cli.PARTS)
    assert record["machine"]["logical_cores"] >= 1 and record["versions"]["keras"]
    assert set(record["seconds"]) == set(cli.PARTS) | {"total"}

    part_1 = record["parts"]["overhead"]
    assert [r["side"] for r in part_1["runs"]] == ["helpers", "plain"]  # the first pair: A then B
    assert part_1["pair_orders"] == ["AB"]
    assert all(r["train_samples"] == 40 and r["params"] == 93_322 for r in part_1["runs"])
    assert all(r["cpu_seconds"] > 0 for r in part_1["runs"]) and len(part_1["pair_ratios_cpu"]) == 1
    assert len(part_1["pair_ratios_total"]) == 1 and part_1["ratio_total"] == part_1["pair_ratios_total"][0]

    ops = record["parts"]["ops"]
    assert ops["input_shape"] == [2, 28, 28, 32] and ops["kernel_shape"] == [3, 3, 32, 64]
    assert ops["checks"]["max_pool2d_equal"] is True
    assert ops["timings"]["conv2d_naive"]["measured_images"] == 1
    assert ops["naive_scaling"] == "measured on 1 of 2 images, time x 2 (work is linear in N)"
    assert ops["conv2d_flops"] == 2 * 2 * 26 * 26 * 3 * 3 * 32 * 64
    assert (
        ops["matmul"]["n"] == round((ops["conv2d_flops"] / 2) ** (1 / 3)) and ops["timings"]["matmul"]["repeats"] == 1
    )
    assert ops["conv2d_gflops"] == pytest.approx(ops["conv2d_flops"] / ops["timings"]["conv2d"]["median_s"] / 1e9)
    assert ops["conv2d_fraction_of_matmul"] == pytest.approx(ops["conv2d_gflops"] / ops["matmul"]["gflops"])
    assert list(ops["ratio_conv2d_vs_tf_by_order"]) == ["tf_first"]  # one repeat: one order

    lessons = record["parts"]["lessons"]
    assert lessons["all_ok"] is True and list(lessons["lessons"]) == ["01_tiny"]
    assert lessons["lessons"]["01_tiny"]["parameters"] == {"STEPS": 1}  # --quick reached the runner
    assert lessons["lessons"]["01_tiny"]["peak_rss_bytes"] > 0 and lessons["lessons"]["01_tiny"]["cpu_seconds"] > 0

    accuracy = record["parts"]["accuracy"]  # lesson 05's experiment, by helpers.ablation
    assert accuracy["seeds"] == [0, 1] and accuracy["train_samples"] == 40 and accuracy["shifts"] == [0, 1, 2, 3, 4]
    assert [r["seed"] for r in accuracy["mnist_convnet"]["runs"]] == [0, 1]
    variants = accuracy["variants"]
    assert list(variants) == ["max", "avg", "strided_conv", "learned_pool", "none"]
    assert variants["none"]["params"] == 2_038_922 and variants["strided_conv"]["params"] == 121_994
    assert set(variants["avg"]["runs"]) == {"0", "1"} and set(variants["avg"]["shift_acc_mean"]) == set("01234")
    paired = accuracy["paired"]["max-none"]
    assert set(paired) == {"0", "4"} and len(paired["0"]["diffs"]) == 2 and len(paired["4"]["mcnemar"]) == 2
    assert paired["0"]["diffs"][0] == pytest.approx(
        variants["max"]["runs"]["0"]["test_acc"] - variants["none"]["runs"]["0"]["test_acc"]
    )
    assert list(accuracy["global_max_head"]["variants"]) == ["max", "none"]
    assert accuracy["global_max_head"]["variants"]["none"]["params"] == 60_554
    assert list(accuracy["global_max_head"]["paired"]) == ["max-none"]

    flops = record["parts"]["flops"]
    assert flops["training"]["training_flops_per_sample"] == 3 * flops["training"]["forward_flops_per_sample"]
    assert flops["matmul"]["flops"] == 2 * 64**3
    assert len(flops["training"]["epoch_seconds"]) == 2
    assert all("steal_percent" in record["contention"][part] for part in cli.PARTS)

    assert {t["name"] for t in record["targets"]} == {t["name"] for t in report.targets(record)}
    table = report.markdown(record)
    assert table.startswith("Measured by `make bench` on ")
    assert "| measure | result | target |" in table and "| `none` | 1 | 2,038,922 |" in table
    assert "| global max head: `none` | 1 | 60,554 |" in table and "| `max` − `none` | 4 |" in table


@pytest.mark.slow
@pytest.mark.training
def test_readme_generator_rewrites_only_between_markers(tiny_run, tmp_path):
    _, paths, _ = tiny_run
    record = json.loads(paths[0].read_text())
    results = tmp_path / "results"
    results.mkdir()
    (results / "2000-01-01-aaaa.json").write_text(json.dumps(record))  # incomplete: must be ignored
    complete = dict(record, complete=True)
    (results / "2000-01-02-bbbb.json").write_text(json.dumps(complete))
    before = "# Course\n\nintro text\n\n## Results\n\n<!-- results:start -->\nold table\n"
    after = "<!-- results:end -->\n\n## Data\n\ntrailing text, no newline at end"
    page = tmp_path / "README.md"
    page.write_text(before + after)

    assert readme.main(["--results-dir", str(results), "--readme", str(page)]) == 0
    text = page.read_text()
    start = text.index(readme.START) + len(readme.START)
    end = text.index(readme.END)
    assert text[:start] == before[: before.index(readme.START) + len(readme.START)]
    assert text[end:] == after
    assert "old table" not in text
    assert "Measured by `make bench`" in text[start:end] and "2000-01-02-bbbb.json" in text[start:end]

    assert readme.main(["--results-dir", str(results), "--readme", str(page)]) == 0
    assert page.read_text() == text  # idempotent

    broken = tmp_path / "BROKEN.md"
    broken.write_text("no markers here\n")
    assert readme.main(["--results-dir", str(results), "--readme", str(broken)]) == 1
    assert broken.read_text() == "no markers here\n"


@pytest.mark.slow
@pytest.mark.training
def test_readme_generator_needs_a_complete_result(tiny_run, tmp_path):
    _, paths, _ = tiny_run
    results = tmp_path / "results"
    results.mkdir()
    (results / paths[0].name).write_text(paths[0].read_text())  # the tiny run is not complete
    with pytest.raises(FileNotFoundError, match="no complete benchmark result"):
        readme.newest_complete(results)


def test_bad_options_are_named(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--parts", "7"])
    assert "unknown part '7'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["--seeds", "a,b"])
    assert "expected comma-separated integers" in capsys.readouterr().err


# --- part 1: the A/B design --------------------------------------------------
def _timed(side, seconds):
    return {"side": side, "total_samples_per_s": 1000 / seconds, "fit_samples_per_s": 900 / seconds}


def test_overhead_pairs_alternate_their_order():
    assert overhead.pair_orders(1) == ["AB"]
    assert overhead.pair_orders(4) == ["AB", "BA", "AB", "BA"]


def test_overhead_order_effect_shows_in_both_orders_and_cancels():
    # helpers and plain cost the same, but whatever runs second in a pair is 25% faster
    orders = ["AB", "BA", "AB", "BA"]
    runs = []
    for order in orders:
        first, second = ("helpers", "plain") if order == "AB" else ("plain", "helpers")
        runs += [_timed(first, 10.0), _timed(second, 8.0)]
    summary = overhead.pair_summary(runs, orders)
    assert summary["pair_ratios_total"] == pytest.approx([0.8, 1.25, 0.8, 1.25])
    assert summary["ratio_total_by_order"] == pytest.approx({"AB": 0.8, "BA": 1.25})
    assert summary["second_over_first_total"] == pytest.approx([1.25] * 4)


def test_overhead_real_cost_shows_in_both_orders_alike():
    # helpers 10% slower whatever the order; no position effect
    orders = ["AB", "BA"]
    runs = [_timed("helpers", 11.0), _timed("plain", 10.0), _timed("plain", 10.0), _timed("helpers", 11.0)]
    summary = overhead.pair_summary(runs, orders)
    assert summary["ratio_total_by_order"] == pytest.approx({"AB": 10 / 11, "BA": 10 / 11})
    assert summary["ratio_fit_by_order"] == pytest.approx({"AB": 10 / 11, "BA": 10 / 11})


def test_report_shows_the_ratio_in_each_order():
    o = {
        "epochs": 1,
        "train_samples": 60000,
        "pairs": 4,
        "pair_orders": ["AB", "BA", "AB", "BA"],
        "helpers_total_samples_per_s_median": 2900.0,
        "plain_total_samples_per_s_median": 3000.0,
        "pair_ratios_total": [0.8, 1.25, 0.8, 1.25],
        "ratio_total": 1.025,
        "ratio_total_by_order": {"AB": 0.8, "BA": 1.25},
        "ratio_cpu": 0.98,
    }
    record = {"parts": {"overhead": o}}
    row = report._summary_rows(record)[0]
    assert "4 back-to-back A/B pairs, A B and B A alternating" in row[0]
    assert "median 1.025× (range 0.80–1.25); A first 0.80×, B first 1.25×; per CPU-second 0.980×" in row[1]
    assert row[2] == "≥ 1.00× (met)"


# --- part 2: the A/B design ----------------------------------------------------
def test_interleaved_alternates_the_order_of_the_calls():
    called = []
    seconds = numpy_ops.interleaved({name: (lambda name=name: called.append(name)) for name in "abc"}, 3)
    assert called == list("abc") + list("abc") + list("cba") + list("abc")  # warm-up, then forward, reverse, ...
    assert {name: len(times) for name, times in seconds.items()} == {"a": 3, "b": 3, "c": 3}
    with pytest.raises(ValueError, match="repeats must be >= 1"):
        numpy_ops.interleaved({"a": lambda: None}, 0)


def test_ratio_by_order_splits_the_repeats_by_who_ran_first():
    # NumPy 2 s throughout; TensorFlow 1 s when it ran first (even repeats), 4 s when it ran second
    by_order = numpy_ops.ratio_by_order([2.0, 2.0, 2.0, 2.0], [1.0, 4.0, 1.0, 4.0])
    assert by_order == {"tf_first": 2.0, "numpy_first": 0.5}
    assert numpy_ops.ratio_by_order([2.0], [1.0]) == {"tf_first": 2.0}


def _ops_record(**new):
    timings = {
        name: {"median_s": seconds}
        for name, seconds in (("conv2d", 0.015), ("tf_conv2d", 0.010), ("max_pool2d", 0.001), ("tf_max_pool2d", 0.002))
    }
    timings["conv2d_naive"] = {"scaled_to_batch_median_s": 0.5}
    ops = {
        "input_shape": [64, 28, 28, 32],
        "kernel_shape": [3, 3, 32, 64],
        "timings": timings,
        "ratio_conv2d_vs_tf": 1.5,
        "ratio_conv2d_naive_vs_tf": 50.0,
        "ratio_max_pool2d_vs_tf": 0.5,
    }
    return {"parts": {"ops": ops | new}}


def test_report_shows_conv2d_by_order_and_as_a_fraction_of_matmul():
    record = _ops_record(
        ratio_conv2d_vs_tf_by_order={"tf_first": 1.4, "numpy_first": 1.6},
        conv2d_gflops=106.3,
        tf_conv2d_gflops=159.5,
        conv2d_fraction_of_matmul=0.49,
        matmul={"n": 927, "flops": 2 * 927**3, "gflops": 216.9},
    )
    assert [t["name"] for t in report.targets(record)] == [
        "conv2d time / tf.nn.conv2d time",
        "conv2d GFLOP/s / matmul GFLOP/s",
    ]
    assert [t["met"] for t in report.targets(record)] == [True, False]  # 1.5 <= 1.5; 0.49 < 0.5
    conv, flops = report._summary_rows(record)[:2]
    assert "interleaved A/B, order alternating" in conv[0]
    assert conv[1] == "15.0 ms vs 10.0 ms = 1.50×; TF first 1.40×, NumPy first 1.60×" and conv[2] == "≤ 1.5× (met)"
    assert "927×927 matmul" in flops[0] and flops[1] == "106.3 vs 216.9 GFLOP/s (`tf.nn.conv2d` 159.5)"
    assert flops[2] == "≥ 50% of matmul: 49% (**missed**)"


def test_report_renders_ops_results_written_before_the_matmul_fraction():
    record = _ops_record()
    assert [t["name"] for t in report.targets(record)] == ["conv2d time / tf.nn.conv2d time"]
    rows = report._summary_rows(record)
    assert len(rows) == 3 and rows[0][1] == "15.0 ms vs 10.0 ms = 1.50×" and "interleaved" not in rows[0][0]


# --- part 4, accuracy ---
def test_report_renders_accuracy_results_written_before_lesson_05s_experiment():
    """The README is generated from the newest complete result, which may
    predate the paired comparisons (``seed_convnet``, no shifts)."""
    old = {
        "seeds": [0, 1],
        "seed_epochs": 5,
        "variant_epochs": 2,
        "batch_size": 64,
        "train_samples": 60000,
        "test_samples": 10000,
        "seed_convnet": {
            "runs": [{"params": 93_322}],
            "test_acc_mean": 0.9914,
            "test_acc_std": 0.0006,
            "test_acc_min": 0.9907,
            "gap_mean": 0.0036,
            "gap_std": 0.0003,
        },
        "variants": {
            "strided": {
                "params": 113_898,
                "test_acc_mean": 0.9876,
                "test_acc_std": 0.0016,
                "test_acc_min": 0.9858,
                "gap_mean": -0.0025,
                "gap_std": 0.0014,
            }
        },
    }
    record = {"parts": {"accuracy": old}}
    assert report.targets(record) == [
        {"name": report.ACCURACY_TARGET_NAME, "value": 0.9907, "target": ">= 0.99", "met": True}
    ]
    table = "\n".join(report.accuracy_markdown(old))
    assert "| MNIST convnet (lesson 04) | 5 | 93,322 | 0.9914 ± 0.0006 | 0.9907 | — | +0.36 ± 0.03 |" in table
    assert "| `strided` | 2 | 113,898 | 0.9876 ± 0.0016 | 0.9858 | — | -0.25 ± 0.14 |" in table
    assert "Paired by seed" not in table


def test_a_partial_rerun_does_not_overwrite_an_earlier_partial_result_of_the_same_day(tmp_path):
    from benchmarks.cli import result_path

    first, second = (result_path(tmp_path, "2026-01-02", "abc", False, clock) for clock in ("101500", "143000"))
    assert first != second and first.name == "2026-01-02-abc-101500-partial.json"
    assert result_path(tmp_path, "2026-01-02", "abc", True, "101500").name == "2026-01-02-abc.json"
