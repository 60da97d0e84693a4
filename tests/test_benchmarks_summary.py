"""benchmarks.summary: lesson 05's full-data summary is written from the
newest benchmark result whose part 4 ran at the default budget, per seed and
in seed order, with the benchmark's budget; on synthetic results (no training)."""

import json

import pytest

from benchmarks import summary
from benchmarks.cli import DEFAULTS


def _variant(seeds, base):
    # per seed: accuracy at 0..2 px falls by 0.1 a pixel; training accuracy 0.01 above clean
    return {
        "runs": {
            str(s): {
                "test_acc": base + s / 100 + 1e-7,
                "train_acc": base + s / 100 + 0.01,
                "shift_acc": {str(px): base + s / 100 - px / 10 for px in (0, 1, 2)},
                "epoch_seconds": [1.0],
                "params": 10,
            }
            for s in seeds
        }
    }


def _history(seed, model):
    return {"loss": [1.0, 0.5], "val_loss": [0.9, 0.8 + seed / 100 + model / 10]}


def _curves(seeds):
    # the runs in training order (seeds in 'seeds' order, models rotated)
    runs = [
        {
            "model": name,
            "seed": s,
            "params": 10,
            "history": _history(s, m),
            "train_acc": 0.9 + s / 100,
            "test_acc": 0.8 + m / 10,
        }
        for s in seeds
        for m, name in enumerate(("b", "a"))
    ]
    return {"seeds": list(seeds), "epochs": 2, "train_samples": 60, "runs": runs}


def _record(finished, seeds=(3, 1), epochs=1, config=None, errors=None):
    return {
        "complete": False,
        "finished": finished,
        "config": dict(DEFAULTS) | (config or {}),
        "errors": errors or {},
        "parts": {
            "accuracy": {
                "seeds": list(seeds),
                "variant_epochs": epochs,
                "batch_size": 64,
                "train_samples": 600,
                "test_samples": 100,
                "shifts": [0, 1, 2],
                "variants": {"max": _variant(seeds, 0.9), "none": _variant(seeds, 0.8)},
                "global_max_head": {"variants": {"max": _variant(seeds, 0.7), "none": _variant(seeds, 0.6)}},
                "curves": _curves(seeds),
            }
        },
    }


def _results(tmp_path, records):
    folder = tmp_path / "results"
    folder.mkdir()
    for name, record in records.items():
        (folder / name).write_text(json.dumps(record))
    return folder


def test_the_summary_holds_per_seed_accuracies_in_seed_order_and_the_budget(tmp_path):
    folder = _results(tmp_path, {"2026-01-02-x.json": _record("2026-01-02T10:00:00+00:00", seeds=(3, 1))})
    _, output = summary.write(folder, tmp_path / "helpers" / "full_data" / "ablation.json")
    found = json.loads(output.read_text())
    assert found["budget"] == {
        "seeds": [3, 1],
        "epochs": 1,
        "batch_size": 64,
        "train_size": 600,
        "test_size": 100,
        "shifts": [0, 1, 2],
    }
    assert found["date"] == "2026-01-02" and found["source"] == "benchmarks/results/2026-01-02-x.json"
    flat = found["heads"]["flatten"]["max"]
    assert flat["shift_acc"]["0"] == pytest.approx([0.93, 0.91])  # seed 3, then seed 1
    assert flat["shift_acc"]["2"] == pytest.approx([0.73, 0.71])
    assert flat["train_acc"] == pytest.approx([0.94, 0.92])
    assert found["heads"]["global_max"]["none"]["shift_acc"]["1"] == pytest.approx([0.53, 0.51])
    assert set(found["heads"]) == {"flatten", "global_max"}
    curves = found["curves"]
    assert curves["budget"] == {"seeds": [3, 1], "epochs": 2, "train_size": 60, "test_size": 100, "batch_size": 64}
    assert curves["models"]["a"]["history"] == [_history(3, 1), _history(1, 1)]  # seed 3, then seed 1
    assert curves["models"]["b"]["train_acc"] == pytest.approx([0.93, 0.91])
    assert curves["models"]["a"]["test_acc"] == pytest.approx([0.9, 0.9])


def test_the_newest_default_part_4_is_summarized(tmp_path):
    folder = _results(
        tmp_path,
        {
            "2026-01-01-a.json": _record("2026-01-01T10:00:00+00:00", epochs=1),
            "2026-01-04-b.json": _record("2026-01-04T10:00:00+00:00", epochs=3, config={"seeds": [0]}),  # newer, small
            "2026-01-05-d.json": _record("2026-01-05T10:00:00+00:00", epochs=4, errors={"accuracy": "failed"}),
            "2026-01-06-e.json": _record("2026-01-06T10:00:00+00:00", epochs=5, config={"curve_epochs": 2}),
            "2026-01-02-c.json": _record("2026-01-02T10:00:00+00:00", epochs=2),
        },
    )
    _, output = summary.write(folder, tmp_path / "out.json")
    found = json.loads(output.read_text())
    assert found["budget"]["epochs"] == 2 and found["date"] == "2026-01-02"


def test_no_default_part_4_is_an_error_that_says_what_to_run(tmp_path):
    folder = _results(tmp_path, {"a.json": _record("2026-01-01T10:00:00+00:00", config={"train_size": 600})})
    with pytest.raises(FileNotFoundError, match="--parts accuracy"):
        summary.write(folder, tmp_path / "out.json")


def test_a_seed_without_a_run_is_an_error(tmp_path):
    record = _record("2026-01-02T10:00:00+00:00")
    del record["parts"]["accuracy"]["variants"]["none"]["runs"]["1"]
    with pytest.raises(ValueError, match=r"no run for seeds \[1\]"):
        summary.summarize(record)


def test_the_shipped_summary_is_the_newest_default_part_4():
    # helpers/full_data/ablation.json must be rewritten (python -m benchmarks.summary) after a new benchmark
    _, record = summary.newest_part4(summary.RESULTS_DIR)
    shipped = json.loads(summary.OUTPUT.read_text())
    assert shipped == json.loads(json.dumps(summary.summarize(record, source=shipped["source"])))


def test_the_readme_verdict_table_comes_from_lesson_05s_claims_function():
    from benchmarks import readme
    from helpers import ablation

    record = _record("2026-01-02T10:00:00+00:00", seeds=(0, 1, 2))
    a = record["parts"]["accuracy"]
    a["variants"] = {
        kind: _variant((0, 1, 2), 0.9 - i / 100)
        for i, kind in enumerate(("max", "avg", "strided_conv", "learned_pool", "none"))
    }
    a["curves"]["runs"] = [
        {"model": name, "seed": s, "params": 10, "history": _history(s, m), "train_acc": 0.9, "test_acc": 0.8}
        for s in (0, 1, 2)
        for m, name in enumerate(ablation.CURVE_MODELS)
    ]
    shipped = summary.summarize(record)
    text = readme.claims_markdown(shipped)
    rows = [line for line in text.splitlines() if line.startswith("| (")]
    expected = ablation.summary_claims(shipped, 2)
    assert [row.split(" | ")[0][2:] for row in rows] == [v.claim for v in expected]
    assert all(f"**{v.verdict}**" in row for row, v in zip(rows, expected, strict=True))
    assert "(d) from learning curves on 60 training digits, 2 epochs, seeds 0, 1, 2" in text


def test_the_readme_takes_each_part_from_its_newest_default_rerun(tmp_path):
    from benchmarks import readme

    complete = _record("2026-01-01T10:00:00+00:00", epochs=1) | {"complete": True}
    complete["parts"]["ops"] = {"kept": True}
    folder = _results(
        tmp_path, {"old.json": complete, "new-partial.json": _record("2026-01-05T10:00:00+00:00", epochs=7)}
    )
    merged, sources = readme.with_newest_parts(complete, "old.json", folder)
    assert merged["parts"]["accuracy"]["variant_epochs"] == 7 and merged["parts"]["ops"] == {"kept": True}
    assert "part accuracy rerun alone on 2026-01-05" in sources and "new-partial.json" in sources
    assert complete["parts"]["accuracy"]["variant_epochs"] == 1  # the record itself is not changed
    assert "targets" not in merged, "the complete run's target verdicts would judge parts no longer shown"
    (tmp_path / "b").mkdir()
    older = _results(tmp_path / "b", {"old.json": complete})
    assert readme.with_newest_parts(complete, "old.json", older) == (complete, "`benchmarks/results/old.json`")


def test_a_part_rerun_at_other_settings_is_not_taken(tmp_path):
    from benchmarks import readme
    from benchmarks.cli import DEFAULTS

    complete = _record("2026-01-01T10:00:00+00:00", epochs=1) | {"complete": True}
    complete["parts"]["ops"] = {"kept": True}
    rerun = {
        "finished": "2026-01-05T10:00:00+00:00",
        "config": dict(DEFAULTS, parts=["ops"]),
        "parts": {"ops": {"rerun": True}},
    }
    other = {
        "finished": "2026-01-06T10:00:00+00:00",
        "config": dict(DEFAULTS, parts=["ops"], ops_batch=8),
        "parts": {"ops": {"small": True}},
    }
    folder = _results(tmp_path, {"old.json": complete, "rerun-partial.json": rerun, "other-partial.json": other})
    merged, sources = readme.with_newest_parts(complete, "old.json", folder)
    assert merged["parts"]["ops"] == {"rerun": True}, "the newest run at the default settings, not the newest run"
    assert "part ops rerun alone on 2026-01-05, `benchmarks/results/rerun-partial.json`" in sources


def test_a_part_rerun_on_another_machine_says_which(tmp_path):
    from benchmarks import readme
    from benchmarks.cli import DEFAULTS

    complete = _record("2026-01-01T10:00:00+00:00", epochs=1) | {"complete": True, "machine": {"cpu_model": "A"}}
    rerun = {
        "finished": "2026-01-05T10:00:00+00:00",
        "config": dict(DEFAULTS, parts=["ops"]),
        "parts": {"ops": {"rerun": True}},
        "machine": {"cpu_model": "B"},
    }
    complete["parts"]["ops"] = {"kept": True}
    folder = _results(tmp_path, {"old.json": complete, "rerun-partial.json": rerun})
    _, sources = readme.with_newest_parts(complete, "old.json", folder)
    assert "part ops rerun alone on 2026-01-05 on B, `benchmarks/results/rerun-partial.json`" in sources


def test_a_result_named_by_hand_is_summarized_whatever_its_budget(tmp_path):
    """--result: a merged run of other seeds (python -m benchmarks merge) ships as it is, its budget beside it."""
    folder = _results(
        tmp_path,
        {
            "merged.json": _record("2026-01-03T10:00:00+00:00", seeds=(7,), config={"seeds": [7], "train_size": 600}),
            "failed.json": _record("2026-01-03T10:00:00+00:00", errors={"accuracy": "failed"}),
        },
    )
    _, output = summary.write(tmp_path / "no-results-here", tmp_path / "out.json", result=folder / "merged.json")
    found = json.loads(output.read_text())
    assert found["budget"]["seeds"] == [7] and found["source"] == "benchmarks/results/merged.json"
    with pytest.raises(ValueError, match="holds no part 4"):
        summary.write(folder, tmp_path / "out.json", result=folder / "failed.json")
