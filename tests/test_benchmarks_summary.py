"""benchmarks.summary: lesson 05's full-data summary is written from the
newest complete benchmark result, per seed and in seed order, with the
benchmark's budget; on synthetic results (no training)."""

import json

import pytest

from benchmarks import summary


def _variant(seeds, base):
    # per seed: accuracy at 0..2 px falls by 0.1 a pixel; training accuracy 0.01 above clean
    return {"runs": {str(s): {"test_acc": base + s / 100 + 1e-7, "train_acc": base + s / 100 + 0.01,
                              "shift_acc": {str(px): base + s / 100 - px / 10 for px in (0, 1, 2)},
                              "epoch_seconds": [1.0], "params": 10} for s in seeds}}


def _record(finished, seeds=(3, 1), complete=True, epochs=1):
    return {"complete": complete, "finished": finished,
            "parts": {"accuracy": {"seeds": list(seeds), "variant_epochs": epochs, "batch_size": 64,
                                   "train_samples": 600, "test_samples": 100, "shifts": [0, 1, 2],
                                   "variants": {"max": _variant(seeds, 0.9), "none": _variant(seeds, 0.8)},
                                   "global_max_head": {"variants": {"max": _variant(seeds, 0.7),
                                                                    "none": _variant(seeds, 0.6)}}}}}


def _results(tmp_path, records):
    folder = tmp_path / "results"
    folder.mkdir()
    for name, record in records.items():
        (folder / name).write_text(json.dumps(record))
    return folder


def test_the_summary_holds_per_seed_accuracies_in_seed_order_and_the_budget(tmp_path):
    folder = _results(tmp_path, {"2026-01-02-x.json": _record("2026-01-02T10:00:00+00:00", seeds=(3, 1))})
    source, output = summary.write(folder, tmp_path / "helpers" / "full_data" / "ablation.json")
    found = json.loads(output.read_text())
    assert found["budget"] == {"seeds": [3, 1], "epochs": 1, "batch_size": 64, "train_size": 600,
                               "test_size": 100, "shifts": [0, 1, 2]}
    assert found["date"] == "2026-01-02" and found["source"] == "benchmarks/results/2026-01-02-x.json"
    flat = found["heads"]["flatten"]["max"]
    assert flat["shift_acc"]["0"] == pytest.approx([0.93, 0.91])      # seed 3, then seed 1
    assert flat["shift_acc"]["2"] == pytest.approx([0.73, 0.71])
    assert flat["train_acc"] == pytest.approx([0.94, 0.92])
    assert found["heads"]["global_max"]["none"]["shift_acc"]["1"] == pytest.approx([0.53, 0.51])
    assert set(found["heads"]) == {"flatten", "global_max"}


def test_the_newest_complete_result_is_summarized(tmp_path):
    folder = _results(tmp_path, {
        "2026-01-01-a.json": _record("2026-01-01T10:00:00+00:00", epochs=1),
        "2026-01-03-b.json": _record("2026-01-03T10:00:00+00:00", epochs=3, complete=False),  # newer, incomplete
        "2026-01-02-c.json": _record("2026-01-02T10:00:00+00:00", epochs=2),
    })
    _, output = summary.write(folder, tmp_path / "out.json")
    found = json.loads(output.read_text())
    assert found["budget"]["epochs"] == 2 and found["date"] == "2026-01-02"


def test_a_seed_without_a_run_is_an_error(tmp_path):
    record = _record("2026-01-02T10:00:00+00:00")
    del record["parts"]["accuracy"]["variants"]["none"]["runs"]["1"]
    with pytest.raises(ValueError, match=r"no run for seeds \[1\]"):
        summary.summarize(record)


def test_the_shipped_summary_is_the_newest_complete_benchmark():
    # helpers/full_data/ablation.json must be rewritten (python -m benchmarks.summary) after a new benchmark
    _, record = summary.newest_complete(summary.RESULTS_DIR)
    shipped = json.loads(summary.OUTPUT.read_text())
    assert shipped == json.loads(json.dumps(summary.summarize(record, source=shipped["source"])))
