"""helpers.stats: exact p-values checked against published tables and closed forms."""

import math

import numpy as np
import pytest

from helpers import stats


def test_mean_sd_uses_the_sample_sd():
    mean, sd = stats.mean_sd([1.0, 2.0, 3.0, 4.0])
    assert mean == 2.5 and sd == pytest.approx(math.sqrt(5 / 3))
    assert math.isnan(stats.mean_sd([0.7])[1])


def test_mean_sd_is_the_one_rule_and_one_value_has_no_sd_in_the_json():
    """The benchmarks compute mean +- sd with this function (no second copy with 0.0 for one value),
    and a single value's sd is written as null."""
    import ast
    from pathlib import Path

    from helpers.files import strict_json

    root = Path(__file__).resolve().parent.parent
    defined = [
        f"{path.relative_to(root)}:{node.name}"
        for folder in ("helpers", "benchmarks")
        for path in sorted((root / folder).rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef) and node.name in ("mean_sd", "mean_std")
    ]
    assert defined == ["helpers/stats.py:mean_sd"]
    assert strict_json(dict(zip(("mean", "sd"), stats.mean_sd([0.7]), strict=True))) == '{"mean": 0.7, "sd": null}'


def test_binomial_se():
    assert stats.binomial_se(0.99, 10_000) == pytest.approx(math.sqrt(0.99 * 0.01 / 10_000))
    assert stats.binomial_se(1.0, 50) == 0.0


def test_bootstrap_sd_is_the_binomial_standard_error():
    correct = np.zeros(1000, bool)
    correct[:900] = True  # accuracy 0.9 on 1000 images: se = 0.00949
    accs = stats.bootstrap_accuracies(correct, draws=4000, seed=1)
    assert accs.shape == (4000,) and accs.mean() == pytest.approx(0.9, abs=0.001)
    assert accs.std() == pytest.approx(stats.binomial_se(0.9, 1000), rel=0.05)
    assert np.array_equal(accs, stats.bootstrap_accuracies(correct, draws=4000, seed=1))  # seeded


@pytest.mark.parametrize(
    "t, df, p",
    [
        # two-sided 5% and 1% critical values of Student's t, to 4 decimals (any statistics table)
        (12.7062, 1, 0.05),
        (4.3027, 2, 0.05),
        (3.1824, 3, 0.05),
        (2.7764, 4, 0.05),
        (2.5706, 5, 0.05),
        (2.2281, 10, 0.05),
        (2.0860, 20, 0.05),
        (63.6567, 1, 0.01),
        (9.9248, 2, 0.01),
        (4.0321, 5, 0.01),
        (2.8453, 20, 0.01),
    ],
)
def test_t_two_sided_p_matches_the_t_table(t, df, p):
    assert stats.t_two_sided_p(t, df) == pytest.approx(p, abs=1e-5)
    assert stats.t_two_sided_p(-t, df) == stats.t_two_sided_p(t, df)


def test_t_two_sided_p_closed_forms():
    # df = 1 is the Cauchy distribution: P(|T| >= t) = 1 - 2 atan(t) / pi; df = 2: 1 - t / sqrt(t^2 + 2)
    for t in (0.1, 1.0, 3.0):
        assert stats.t_two_sided_p(t, 1) == pytest.approx(1 - 2 * math.atan(t) / math.pi, abs=1e-12)
        assert stats.t_two_sided_p(t, 2) == pytest.approx(1 - t / math.sqrt(t * t + 2), abs=1e-12)
    assert stats.t_two_sided_p(0.0, 7) == pytest.approx(1.0)
    assert stats.t_two_sided_p(math.inf, 3) == 0.0
    # many degrees of freedom: the normal distribution, P(|Z| >= 1.96) = 0.04999579
    assert stats.t_two_sided_p(1.959964, 4000) == pytest.approx(0.05, abs=2e-4)


def test_paired_t_by_hand():
    diffs = [0.2, -0.06, 0.22]  # mean 0.12, sd 0.15620...
    t, p = stats.paired_t(diffs)
    sd = np.std(diffs, ddof=1)
    assert t == pytest.approx(0.12 / (sd / math.sqrt(3)))
    assert p == pytest.approx(1 - t / math.sqrt(t * t + 2))  # df = 2 closed form
    assert stats.paired_t([0.1, 0.1, 0.1]) == (math.inf, 0.0)
    assert stats.paired_t([0.0, 0.0]) == (0.0, 1.0)


def test_mcnemar_counts_and_exact_p():
    a = np.array([1, 1, 1, 1, 0, 0, 1, 0], bool)
    b = np.array([1, 0, 0, 0, 1, 0, 1, 0], bool)
    b01, b10, p = stats.mcnemar(a, b)
    assert (b01, b10) == (1, 3)  # a wrong and b right once; a right and b wrong 3 times
    assert p == pytest.approx(2 * (1 + 4) / 16)  # 2 P(X <= 1), X ~ Bin(4, 1/2) = 0.625
    assert stats.mcnemar(b, a)[:2] == (3, 1) and stats.mcnemar(b, a)[2] == p
    assert stats.mcnemar(a, a) == (0, 0, 1.0)
    # a 10-0 split: p = 2 / 2^10
    b01, b10, p = stats.mcnemar(np.zeros(10, bool), np.ones(10, bool))
    assert (b01, b10, p) == (10, 0, 2 / 1024)


def test_mcnemar_large_counts_agree_with_the_normal_approximation():
    a = np.r_[np.ones(300, bool), np.zeros(240, bool)]
    b = ~a  # 240 images only b gets right, 300 only a
    _, _, p = stats.mcnemar(a, b)
    z = (300 - 240) / math.sqrt(540)  # continuity-free normal approximation
    normal_p = math.erfc(z / math.sqrt(2))
    assert p == pytest.approx(normal_p, rel=0.15) and 0.01 < p < 0.02


def test_paired_comparison():
    found = stats.paired_comparison([0.99, 0.98, 0.97], [0.98, 0.99, 0.96])
    assert found["diffs"] == pytest.approx([0.01, -0.01, 0.01])
    assert found["signs"] == "+-+" and found["a_wins"] == 2
    assert found["mean"] == pytest.approx(0.01 / 3)
    assert found["t"] == pytest.approx(stats.paired_t(found["diffs"])[0])
    single = stats.paired_comparison([0.9], [0.8])
    assert single["t"] is None and single["p"] is None and single["signs"] == "+"


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: stats.mean_sd([]), "values is empty"),
        (lambda: stats.binomial_se(1.5, 10), "p must be an accuracy"),
        (lambda: stats.binomial_se(0.5, 0), "n must be"),
        (lambda: stats.bootstrap_accuracies([]), "correct is empty"),
        (lambda: stats.mcnemar([True, False], [True]), "same n"),
        (lambda: stats.t_two_sided_p(1.0, 2.5), "df must be an int"),
        (lambda: stats.paired_t([0.1]), "at least 2 values"),
        (lambda: stats.paired_comparison([0.9, 0.8], [0.9]), "one score per seed"),
    ],
)
def test_bad_input_is_named(call, words):
    with pytest.raises(ValueError, match=words):
        call()
