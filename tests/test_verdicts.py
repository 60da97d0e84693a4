"""helpers.verdicts: the rule (supported / contradicted / not settled) on
synthetic per-seed results, its p-value format and its bad-input errors."""

import math
import re

import numpy as np
import pytest

from helpers import stats, verdicts


def test_every_seed_agrees_and_the_test_is_significant_supports():
    v = verdicts.decide("a > b", "accuracy a - b (pp)", [3.1, 2.4, 2.9])
    assert v.verdict == verdicts.SUPPORTED and v.signs == "+++" and v.p < 0.05
    assert v.reason == "all 3 seeds +, p < 0.05"


def test_a_claim_of_a_negative_difference_is_supported_by_negative_seeds():
    v = verdicts.decide("a < b", "accuracy a - b (pp)", [-3.1, -2.4, -2.9], expect="-")
    assert v.verdict == verdicts.SUPPORTED


def test_mixed_signs_are_not_settled_however_large():
    v = verdicts.decide("a > b", "m", [9.0, -0.1, 8.0])
    assert v.verdict == verdicts.NOT_SETTLED and v.reason == "signs differ: 2 of 3 seeds +"


def test_a_zero_difference_does_not_count_as_agreeing():
    v = verdicts.decide("a > b", "m", [2.0, 0.0, 2.1, 1.9])
    assert v.signs == "+0++" and v.verdict == verdicts.NOT_SETTLED


def test_floating_point_noise_is_a_tie_not_a_sign():
    same = (0.953 - 0.316) * 100 - (0.965 - 0.328) * 100  # the same drop, 637 of 1,000 digits, twice
    v = verdicts.decide("a < b", "drop (pp)", [-2.2, -3.6, same], expect="-")
    assert v.signs == "--0" and v.verdict == verdicts.NOT_SETTLED
    assert v.reason == "signs differ: 2 of 3 seeds -, 1 tie"  # a tie is not a seed of the other sign


def test_ties_are_counted_apart_from_the_other_sign():
    assert verdicts.decide("a > b", "m", [1.0, 0.0, -1.0, 0.0, 2.0]).reason == "signs differ: 2 of 5 seeds +, 2 ties"


def test_every_seed_disagrees_and_the_test_is_significant_contradicts():
    v = verdicts.decide("a > b", "m", [-3.1, -2.4, -2.9])
    assert v.verdict == verdicts.CONTRADICTED and v.reason == "all 3 seeds -, p < 0.05"


def test_every_seed_agrees_but_the_test_is_not_significant_is_not_settled():
    v = verdicts.decide("a > b", "m", [0.8, 3.3, 0.9])  # mean 1.67, sd 1.42: t = 2.04, p = 0.18
    assert v.signs == "+++" and v.p > 0.05
    assert v.verdict == verdicts.NOT_SETTLED and "p >= 0.05" in v.reason


def test_one_seed_is_not_settled_and_says_why():
    v = verdicts.decide("a > b", "m", [5.0])
    assert v.verdict == verdicts.NOT_SETTLED and v.reason.startswith("1 seed")
    assert v.p is None and v.t is None and math.isnan(v.sd)


def test_alpha_is_the_threshold():
    diffs = [0.8, 3.3, 0.9]
    p = stats.paired_t(diffs)[1]
    assert verdicts.decide("c", "m", diffs, alpha=p * 1.01).verdict == verdicts.SUPPORTED
    assert verdicts.decide("c", "m", diffs, alpha=p * 0.99).verdict == verdicts.NOT_SETTLED


def test_decide_pair_uses_a_minus_b_and_reuses_the_paired_t():
    a, b = [0.95, 0.93, 0.96, 0.94], [0.90, 0.91, 0.92, 0.90]
    v = verdicts.decide_pair("a > b", "m", a, b)
    assert np.allclose(v.diffs, np.subtract(a, b))
    assert (v.t, v.p) == stats.paired_t(np.subtract(a, b))
    assert v.verdict == verdicts.SUPPORTED


@pytest.mark.parametrize(
    "diffs, expected",
    [
        ([1.0, 2.0, 3.0], 0.25),  # 3 of 3: 2 x 1/8
        ([1.0] * 6, 2 / 64),  # 6 of 6: the fewest seeds that can reach 0.05
        ([1.0, -1.0], 1.0),
        ([1.0, 1.0, 1.0, -1.0, 0.0], 0.625),  # the zero dropped: 3 of 4, 2 x 5/16
        ([0.0, 0.0], 1.0),
    ],
)
def test_sign_test_p(diffs, expected):
    assert verdicts.sign_test_p(diffs) == pytest.approx(expected)


def test_sign_test_p_rejects_the_null_at_the_rate_alpha_or_less():
    # a test of the test: on coin-toss signs, p < 0.05 happens at most 5% of the time (exactly, by enumeration)
    n = 10
    rejected = (
        sum(math.comb(n, k) for k in range(n + 1) if verdicts.sign_test_p([1.0] * k + [-1.0] * (n - k)) < 0.05) / 2**n
    )
    assert 0.0 < rejected <= 0.05


def test_the_rule_rarely_supports_a_claim_when_there_is_no_difference():
    # a test of the test: differences drawn around 0, 5 seeds; "supported" needs all + and p < 0.05
    rng = np.random.default_rng(0)
    found = [verdicts.decide("c", "m", rng.normal(0.0, 1.0, 5)).verdict for _ in range(2000)]
    assert found.count(verdicts.SUPPORTED) / len(found) <= 0.05 / 2 + 0.01  # one tail of a two-sided test


def test_format_p():
    assert verdicts.format_p(0.0) == "<0.001" and verdicts.format_p(0.00099) == "<0.001"
    assert verdicts.format_p(0.001) == "0.001" and verdicts.format_p(0.0456) == "0.046"
    assert verdicts.format_p(None) == "-"


def test_table_prints_one_row_per_claim_with_the_verdict():
    found = verdicts.table(
        [
            verdicts.decide("(a) max > avg", "clean acc (pp)", [3.1, 2.4, 2.9]),
            verdicts.decide("(d) gap", "gap (pp)", [-1.6]),
        ]
    )
    lines = found.splitlines()
    assert len(lines) == 3 and lines[0].startswith("claim")
    assert "supported" in lines[1] and "+3.10 +2.40 +2.90" in lines[1] and "0.250" in lines[1]
    assert "not settled (1 seed" in lines[2] and "0.000" not in found


def test_markdown_has_one_row_per_claim_and_the_same_cells_as_the_table():
    found = verdicts.markdown(
        [
            verdicts.decide("(a) max > avg", "clean acc (pp)", [3.1, 2.4, 2.9]),
            verdicts.decide("(d) gap", "gap (pp)", [-1.6]),
        ]
    )
    lines = found.splitlines()
    assert len(lines) == 4 and lines[1] == "|---|---|---|---|---|---|---|---|"
    assert lines[2].startswith("| (a) max > avg | clean acc (pp) | +3.10 +2.40 +2.90 | +2.80 ± 0.36 | `+++` (+) |")
    assert lines[2].endswith("| 0.250 | **supported** (all 3 seeds +, p < 0.05) |")
    assert "**not settled** (1 seed" in lines[3] and all(line.count("|") == 9 for line in lines)


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: verdicts.decide("c", "m", []), "diffs must not be empty, got shape (0,)"),
        (lambda: verdicts.decide("c", "m", [1.0, float("nan")]), "diffs must hold finite numbers, got 1 NaN"),
        (lambda: verdicts.decide("c", "m", [1.0, 2.0], expect="up"), "expect must be one of '+', '-', got 'up'"),
        (lambda: verdicts.decide("c", "m", [1.0, 2.0], alpha=5), "alpha must be a significance level in (0, 1), got 5"),
        (lambda: verdicts.decide_pair("c", "m", [1.0, 2.0], [1.0]), "a and b must have the same length, got a 2, b 1"),
        (lambda: verdicts.decide_pair("c", "m", [1.0, np.nan], [1.0, 2.0]), "a must hold finite numbers"),
        (
            lambda: verdicts.decide_pair("c", "m", [1.0, 2.0], [np.inf, 2.0]),
            "b must hold finite numbers, got 1 NaN or infinite",
        ),
    ],
)
def test_bad_input_is_explained(call, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        call()
