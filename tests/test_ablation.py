"""helpers.ablation: the experiment loop of lesson 05 and benchmarks/accuracy.py."""

import numpy as np
import pytest

from helpers import ablation, stats, verdicts


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
            runs.append(
                {
                    "variant": variant,
                    "seed": seed,
                    "head": "flatten",
                    "params": 10,
                    "epoch_seconds": [1.0],
                    "train_acc": 1.0,
                    "test_acc": right.mean(),
                    "shift_acc": {0: right.mean(), 2: right.mean() / 2},
                    "correct": {0: right, 2: right},
                }
            )
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
    runs = ablation.train_variants(
        ["max", "strided_conv"], data, seeds=[3, 4], epochs=1, batch_size=10, shifts=(0, 2), progress=True
    )
    assert [(r["variant"], r["seed"]) for r in runs] == [
        ("max", 3),
        ("strided_conv", 3),
        ("strided_conv", 4),
        ("max", 4),
    ]
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("max seed 3 epoch 1/1: loss ") and len(lines) == 4
    for r in runs:
        assert set(r["correct"]) == {0, 2} and r["correct"][0].shape == (10,)
        assert r["shift_acc"][0] == pytest.approx(r["test_acc"])  # shift 0 is the clean test set
        assert len(r["epoch_seconds"]) == 1
    assert {r["params"] for r in runs if r["variant"] == "strided_conv"} == {121_994}
    heads = ablation.train_variants(
        ["none"], data, seeds=[0], epochs=1, batch_size=10, head="global_max", progress=False
    )
    assert heads[0]["params"] == 60_554 and heads[0]["head"] == "global_max"


# --- claim (d): curves, and the verdicts on (a)-(d) ------------------------------


def _history(test_loss, train_loss=None):
    return {"val_loss": list(test_loss), "loss": list(train_loss or [1.0 - i / 10 for i in range(len(test_loss))])}


def test_late_test_loss_averages_the_last_epochs():
    assert ablation.late_test_loss(_history([5.0, 1.0, 2.0, 3.0]), 2) == 2.5
    assert ablation.late_test_loss(_history([4.0]), 3) == 4.0  # fewer epochs than asked: all of them


@pytest.mark.parametrize(
    "test_loss, train_loss, expected",
    [
        ([1.0, 0.5, 0.7, 0.9], None, True),  # lowest at epoch 2, rises after, training loss still falling
        ([1.0, 0.8, 0.6, 0.5], None, False),  # still falling: the lowest is the last epoch
        ([1.0, 0.5, 0.4, 0.9], None, False),  # lowest inside the last 2 epochs
        ([1.0, 0.5, 0.7, 0.9], [1.0, 0.5, 0.6, 0.7], False),  # training loss rose too: not overfitting, diverging
    ],
)
def test_overfit_signature(test_loss, train_loss, expected):
    assert ablation.overfit_signature(_history(test_loss, train_loss), 2) is expected


def _accuracy(seeds=3):
    # max beats every other variant clean by 2 pp and loses 1 pp less at 4 px, in every seed (with a little spread)
    spread = np.arange(seeds) / 1000
    flat = {
        kind: {0: 0.9 - 0.02 * (kind != "max") + spread, 4: 0.5 - 0.01 * (kind != "max") + 2 * spread}
        for kind in ("max", "avg", "strided_conv", "learned_pool", "none")
    }
    flat = {kind: {px: v - 0.03 * (kind != "max") * (px == 4) for px, v in acc.items()} for kind, acc in flat.items()}
    glob = {kind: {px: v - 0.1 for px, v in flat[kind].items()} for kind in ("max", "none")}
    return {"flatten": flat, "global_max": glob}


def test_claims_decides_each_claim_by_its_metric_and_sign():
    found = {v.claim: v for v in ablation.claims(_accuracy(), 4)}
    assert list(found)[:3] == ["(a) max - avg", "(a) max - strided_conv", "(a) max - learned_pool"]
    a, b = found["(a) max - avg"], found["(b) max - none"]
    assert a.metric == "clean accuracy (pp)" and a.diffs == pytest.approx([2.0, 2.0, 2.0]) and a.expect == "+"
    # the drop: max 0.9 - 0.5 = 40 pp; others 0.88 - 0.46 = 42 pp: max - other = -2 pp, the claimed sign
    assert b.metric == "drop 0->4 px (pp)" and b.diffs == pytest.approx([-2.0, -2.0, -2.0]) and b.expect == "-"
    assert not any(claim.startswith("(d)") for claim in found)  # no curves, no (d)


def test_claims_d_compares_dense512_with_each_control_on_late_test_loss():
    curves = {
        "none, Dense-512": [_history([1.0, 0.5, 0.9, 1.1]) for _ in range(3)],
        "none, Dense-64": [_history([1.0, 0.6, 0.5, 0.4 + s / 100]) for s in range(3)],
        "max, Dense-64": [_history([1.0, 0.9, 0.8, 0.7 + s / 100]) for s in range(3)],
    }
    found = {v.claim: v for v in ablation.claims(_accuracy(), 4, curves=curves, last=2)}
    width, yardstick = found["(d) Dense-512 - none, Dense-64"], found["(d) Dense-512 - max, Dense-64"]
    assert width.metric == "test loss, last 2 epochs" and width.expect == "+"
    assert width.diffs == pytest.approx([1.0 - 0.45, 1.0 - 0.455, 1.0 - 0.46])
    assert yardstick.diffs == pytest.approx([1.0 - 0.75, 1.0 - 0.755, 1.0 - 0.76])
    assert width.verdict == yardstick.verdict == "supported"


def test_curves_by_model_orders_histories_by_seed():
    runs = [{"model": m, "seed": s, "history": {"val_loss": [s + i]}} for s in (5, 2) for i, m in enumerate("ab")]
    assert ablation.curves_by_model(runs) == {
        "a": [{"val_loss": [5]}, {"val_loss": [2]}],
        "b": [{"val_loss": [6]}, {"val_loss": [3]}],
    }


@pytest.mark.training
def test_train_curves_scores_the_test_digits_every_epoch_and_the_training_digits_at_the_end(keras):
    rng = np.random.default_rng(0)
    x = rng.random((40, 28, 28, 1), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[np.arange(40) % 10]
    runs = ablation.train_curves(
        ["none, Dense-64", "max, Dense-64"],
        ((x[:30], y[:30]), (x[30:], y[30:])),
        seeds=[0, 1],
        epochs=2,
        batch_size=10,
        progress=False,
    )
    assert [(r["model"], r["seed"]) for r in runs] == [
        ("none, Dense-64", 0),
        ("max, Dense-64", 0),
        ("max, Dense-64", 1),
        ("none, Dense-64", 1),
    ]
    for r in runs:
        assert len(r["history"]["val_loss"]) == 2 and 0.0 <= r["train_acc"] <= 1.0
    assert {r["params"] for r in runs if r["model"] == "max, Dense-64"} == {93_322}
    with pytest.raises(ValueError, match="each name in names"):
        ablation.train_curves(["dense"], ((x, y), (x, y)), seeds=[0], epochs=1, batch_size=10)


@pytest.mark.parametrize(
    "costs, signatures, expected",
    [
        (["supported", "supported"], [True, True, True], "supported"),
        (["supported", "supported"], [True, False, True], "not settled"),  # a seed without the signature
        (["supported", "not settled"], [True, True, True], "not settled"),  # one control not beaten
        (["contradicted", "contradicted"], [True, True, False], "contradicted"),
        (["contradicted", "supported"], [True, True, True], "not settled"),
    ],
)
def test_overfit_verdict_needs_every_cost_and_every_signature(costs, signatures, expected):
    found = [
        verdicts.decide(
            "c",
            "m",
            [1.0, 2.0, 1.5] if v == "supported" else [-1.0, -2.0, -1.5] if v == "contradicted" else [1.0, -1.0, 0.5],
        )
        for v in costs
    ]
    assert [v.verdict for v in found] == costs  # the synthetic costs are what they say
    verdict, reason = ablation.overfit_verdict(found, signatures)
    assert verdict == expected and f"the signature on {sum(signatures)} of 3 seeds" in reason
