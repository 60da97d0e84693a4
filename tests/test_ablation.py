"""helpers.ablation: the experiment loop of lesson 05 and benchmarks/accuracy.py."""

import numpy as np
import pytest

from helpers import ablation, stats


def test_run_order_rotates_so_each_variant_leads_once():
    variants = ["max", "avg", "none"]
    orders = [ablation.run_order(variants, i) for i in range(3)]
    assert orders == [["max", "avg", "none"], ["avg", "none", "max"], ["none", "max", "avg"]]
    assert [o[0] for o in orders] == variants
    assert ablation.run_order(variants, 4) == orders[1]


def _fake_runs():
    """Two variants, two seeds, 4 test images, shifts 0 and 2."""
    correct = {("a", 0): [1, 1, 1, 0], ("b", 0): [1, 0, 0, 0], ("a", 1): [1, 1, 0, 0], ("b", 1): [1, 1, 0, 1]}
    runs = []
    for seed in (1, 0):  # trained seed 1 first: seeds_of keeps that order
        for variant in ("a", "b"):
            right = np.array(correct[variant, seed], bool)
            runs.append({"variant": variant, "seed": seed, "head": "flatten", "params": 10,
                         "epoch_seconds": [1.0], "train_acc": 1.0, "test_acc": right.mean(),
                         "shift_acc": {0: right.mean(), 2: right.mean() / 2}, "correct": {0: right, 2: right}})
    return runs


def test_accuracies_and_paired_comparison():
    runs = _fake_runs()
    assert ablation.seeds_of(runs) == [1, 0]
    assert ablation.accuracies(runs, "a").tolist() == [0.5, 0.75]
    assert ablation.accuracies(runs, "b", shift=2).tolist() == [0.375, 0.125]
    found = ablation.compare(runs, "a", "b")
    assert found["diffs"] == pytest.approx([-0.25, 0.5]) and found["signs"] == "-+"
    assert found["mcnemar"] == [stats.mcnemar([1, 1, 0, 0], [1, 1, 0, 1]), stats.mcnemar([1, 1, 1, 0], [1, 0, 0, 0])]
    assert found["mcnemar"][1][:2] == (0, 2)  # seed 0: two images only a gets right


def test_summary_drops_the_per_image_arrays():
    found = ablation.summary(_fake_runs())
    assert set(found) == {"a", "b"} and set(found["a"]) == {"0", "1"}
    assert found["a"]["0"]["shift_acc"] == {0: 0.75, 2: 0.375}
    assert "correct" not in found["a"]["0"]


def test_missing_run_is_named():
    with pytest.raises(ValueError, match="0 runs of variant 'c' with seed 1"):
        ablation.accuracies(_fake_runs(), "c")


@pytest.mark.training
def test_train_variants_trains_every_variant_on_every_seed(keras, capsys):
    rng = np.random.default_rng(0)
    x = rng.random((40, 28, 28, 1), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[np.arange(40) % 10]
    data = ((x[:30], y[:30]), (x[30:], y[30:]))
    runs = ablation.train_variants(["max", "strided_conv"], data, seeds=[3, 4], epochs=1, batch_size=10,
                                   shifts=(0, 2), progress=True)
    assert [(r["variant"], r["seed"]) for r in runs] == [("max", 3), ("strided_conv", 3),
                                                         ("strided_conv", 4), ("max", 4)]
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("max seed 3 epoch 1/1: loss ") and len(lines) == 4
    for r in runs:
        assert set(r["correct"]) == {0, 2} and r["correct"][0].shape == (10,)
        assert r["shift_acc"][0] == pytest.approx(r["test_acc"])  # shift 0 is the clean test set
        assert len(r["epoch_seconds"]) == 1
    assert {r["params"] for r in runs if r["variant"] == "strided_conv"} == {121_994}
    heads = ablation.train_variants(["none"], data, seeds=[0], epochs=1, batch_size=10, head="global_max",
                                    progress=False)
    assert heads[0]["params"] == 60_554 and heads[0]["head"] == "global_max"
