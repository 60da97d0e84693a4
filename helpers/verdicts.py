"""Verdicts on claims: supported, contradicted or not settled, by one rule.

A claim compares two recipes ("max pooling is more accurate than average
pooling") on one named metric. Each seed trains both and gives one paired
difference; the claim says which sign that difference should have. The
rule:

* **supported** when every seed's difference has the claimed sign AND the
  paired t-test over seeds (:func:`helpers.stats.paired_t`) gives
  ``p < alpha``;
* **contradicted** when every seed's difference has the opposite sign AND
  ``p < alpha``;
* **not settled** otherwise: mixed signs (or a zero, a *tie*, counted
  apart in the reason), ``p >= alpha``, or a single seed (no spread, no test).

``alpha`` is 0.05 (:data:`ALPHA`). The sign test (how likely signs this
lopsided are if each seed were a coin toss) is reported beside it but does
not decide: with fewer than 6 seeds it cannot reach 0.05 even when every
seed agrees (3 seeds: p = 0.25 at best).

The paired t asks "do these two *recipes* differ" (the seeds are the
samples); McNemar's test (:func:`helpers.stats.mcnemar`) asks "do these
two *trained networks* differ" on the same test images, one seed at a time.
When every seed is scored on the same test images, the spread between seeds
holds training noise only: a verdict then holds for those test images, and
says nothing about how another draw of test images would come out.

    >>> v = decide("(a) max vs avg", "clean accuracy, max - avg (pp)", [3.1, 2.4, 2.9])
    >>> v.verdict, v.reason
    ('supported', 'all 3 seeds +, p < 0.05')
"""

import math
from dataclasses import dataclass

import numpy as np

from helpers import checks, stats

ALPHA = 0.05
# Differences closer to 0 than this count as 0 (sign '0'): two accuracies that are the same count of
# test images can differ by 1e-16 after floating-point subtraction.
TIE = 1e-9
SUPPORTED, CONTRADICTED, NOT_SETTLED = "supported", "contradicted", "not settled"


@dataclass
class Verdict:
    """One claim, decided. ``diffs``: one paired difference per seed, in the
    metric's unit; ``signs``: '+', '-' or '0' per seed; ``expect``: the sign
    the claim predicts ('+' or '-'); ``t``, ``p``: the paired t-test (None
    with one seed); ``sign_p``: the two-sided sign test; ``reason``: why
    the verdict is what it is, in words."""

    claim: str
    metric: str
    diffs: list
    mean: float
    sd: float
    signs: str
    expect: str
    t: float | None
    p: float | None
    sign_p: float
    alpha: float
    verdict: str
    reason: str


def format_p(p):
    """A p-value for print: '<0.001' below 0.001, else three decimals; '-'
    for None (no test)."""
    if p is None:
        return "-"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def sign_test_p(diffs):
    """Two-sided sign test: the chance, if each nonzero difference were + or
    - with probability 1/2, of a split at least as lopsided as this one
    (zeros, within :data:`TIE`, are dropped; none left: p = 1)."""
    diffs = np.asarray(diffs, dtype=float).ravel()
    return stats.sign_test(int(np.sum(diffs > TIE)), int(np.sum(diffs < -TIE)))


def _per_seed(values, name):
    """``values``, one finite number per seed, as a flat float array."""
    return checks.array_of(values, name, kinds="biuf", empty=False, finite=True).astype(float).ravel()


def decide(claim, metric, diffs, expect="+", alpha=ALPHA):
    """Decide ``claim`` from its per-seed paired differences ``diffs`` (one
    per seed, in ``metric``'s unit, e.g. pp) by the module's rule.
    ``expect``: '+' if the claim predicts positive differences, '-' if
    negative. Returns a :class:`Verdict`."""
    expect = checks.one_of(expect, "expect", ("+", "-"))
    checks.require(0 < checks.number(alpha, "alpha") < 1, "alpha", "be a significance level in (0, 1)", alpha)
    diffs = _per_seed(diffs, "diffs")
    signs = "".join("+" if d > TIE else "-" if d < -TIE else "0" for d in diffs)
    mean, sd = stats.mean_sd(diffs)
    against = "-" if expect == "+" else "+"
    if diffs.size < 2:
        t = p = None
        verdict, reason = NOT_SETTLED, "1 seed: no spread between seeds, so no test"
    else:
        t, p = stats.paired_t(diffs)
        agree, n = signs.count(expect), diffs.size
        if agree == n and p < alpha:
            verdict, reason = SUPPORTED, f"all {n} seeds {expect}, p < {alpha:g}"
        elif signs.count(against) == n and p < alpha:
            verdict, reason = CONTRADICTED, f"all {n} seeds {against}, p < {alpha:g}"
        elif agree == n or signs.count(against) == n:
            verdict, reason = NOT_SETTLED, f"all {n} seeds {signs[0]}, but p >= {alpha:g}"
        else:
            ties = signs.count("0")
            verdict, reason = (
                NOT_SETTLED,
                f"signs differ: {agree} of {n} seeds {expect}" + (f", {ties} tie{'s' * (ties > 1)}" if ties else ""),
            )
    return Verdict(
        claim=claim,
        metric=metric,
        diffs=diffs.tolist(),
        mean=mean,
        sd=sd,
        signs=signs,
        expect=expect,
        t=t,
        p=p,
        sign_p=sign_test_p(diffs),
        alpha=alpha,
        verdict=verdict,
        reason=reason,
    )


def decide_pair(claim, metric, a, b, expect="+", alpha=ALPHA):
    """:func:`decide` on ``a - b``: ``a``, ``b`` hold one result per seed
    of two variants, in the same seed order."""
    a, b = _per_seed(a, "a"), _per_seed(b, "b")
    checks.same_length(a=a, b=b)
    return decide(claim, metric, a - b, expect=expect, alpha=alpha)


def table(verdicts):
    """A small text table: claim, metric, per-seed differences, mean ± sd,
    signs against the claimed one, t-test p, sign-test p, verdict (reason)."""
    rows = [("claim", "metric", "per seed", "mean ± sd", "signs", "t-test p", "sign p", "verdict")]
    for v in verdicts:
        sd = "" if math.isnan(v.sd) else f" ± {v.sd:.2f}"
        rows.append(
            (
                v.claim,
                v.metric,
                " ".join(f"{d:+.2f}" for d in v.diffs),
                f"{v.mean:+.2f}{sd}",
                f"{v.signs} (claim {v.expect})",
                format_p(v.p),
                format_p(v.sign_p),
                f"{v.verdict} ({v.reason})",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1] for row in rows)


def markdown(verdicts):
    """The verdicts as a markdown table: claim, metric, per-seed
    differences, mean ± sd, signs, t-test p, sign-test p, verdict (reason)."""
    rows = [
        "| claim | metric | per seed | mean ± sd | signs (claim) | t-test p | sign p | verdict |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for v in verdicts:
        sd = "" if math.isnan(v.sd) else f" ± {v.sd:.2f}"
        rows.append(
            f"| {v.claim} | {v.metric} | {' '.join(f'{d:+.2f}' for d in v.diffs)} | {v.mean:+.2f}{sd} | "
            f"`{v.signs}` ({v.expect}) | {format_p(v.p)} | {format_p(v.sign_p)} | **{v.verdict}** ({v.reason}) |"
        )
    return "\n".join(rows)
