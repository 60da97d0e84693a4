"""Small statistics for comparing two models, in plain Python and NumPy.

Two kinds of noise decide whether a measured difference means anything:

* **test-set sampling**: an accuracy ``p`` measured on ``n`` test images is
  one draw; another ``n`` images would give another number. Its standard
  error is ``sqrt(p (1 - p) / n)`` (:func:`binomial_se`); resampling the
  test set (:func:`bootstrap_accuracies`) measures the same thing without
  the formula.
* **training**: another seed (weights, batch order) gives another model.

Comparisons are *paired*: both models are scored on the same test images
(:func:`mcnemar` counts the images only one of them gets right) and trained
with the same seeds (:func:`paired_t` tests the per-seed differences).
Every p-value here is exact (no normal approximation, no SciPy).
"""

import math

import numpy as np

from helpers import checks


def mean_sd(values):
    """``(mean, sample standard deviation)`` of ``values`` (``ddof=1``).

    The course's one rule for mean +- sd (lessons, benchmarks, README): for
    a single value the sd is ``nan``, not 0.0: one seed (or one run) says
    nothing about spread, and 0.0 would read as "measured, and none". The
    JSON writers store it as ``null`` (``helpers.files.finite_or_none``) and
    the tables print the mean alone."""
    values = np.asarray(values, dtype=float).ravel()
    if values.size == 0:
        raise ValueError("values is empty: pass at least one number, e.g. one accuracy per seed")
    sd = float(values.std(ddof=1)) if values.size > 1 else math.nan
    return float(values.mean()), sd


def binomial_se(p, n):
    """Standard error of an accuracy ``p`` measured on ``n`` independent test
    images: ``sqrt(p (1 - p) / n)``."""
    checks.require(0.0 <= p <= 1.0, "p", "be an accuracy in [0, 1]", repr(p))
    checks.require(n >= 1, "n", "be the number of test images (>= 1)", repr(n))
    return math.sqrt(p * (1.0 - p) / n)


def bootstrap_accuracies(correct, draws=1000, seed=0):
    """Accuracy on ``draws`` resampled test sets: ``correct`` ``(n,)`` bools
    (one per test image) -> ``(draws,)`` accuracies, each on ``n`` images
    drawn with replacement. Their sd is the test-sampling standard error."""
    correct = np.asarray(correct, dtype=bool).ravel()
    if correct.size == 0:
        raise ValueError("correct is empty: pass one bool per test image")
    index = np.random.default_rng(seed).integers(0, correct.size, size=(draws, correct.size))
    return correct[index].mean(axis=1)


def sign_test(plus, minus):
    """Two-sided exact sign test: if each of ``plus + minus`` outcomes went
    either way with probability 1/2, the chance of a split at least as
    uneven as ``plus`` against ``minus`` (integer arithmetic; none: 1)."""
    n = plus + minus
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(min(plus, minus) + 1)) / 2**n
    return min(1.0, 2.0 * tail)


def mcnemar(a_correct, b_correct):
    """McNemar's exact test: do models a and b differ on the same test images?

    ``a_correct``, ``b_correct``: ``(n,)`` bools, image by image. Only the
    images where they disagree count: ``b01`` = a wrong, b right; ``b10`` =
    a right, b wrong. If the models were equally good, each disagreement
    would go either way with probability 1/2, so ``p`` is the two-sided
    binomial probability of a split at least this uneven. Returns
    ``(b01, b10, p)``.
    """
    a, b = np.asarray(a_correct, dtype=bool), np.asarray(b_correct, dtype=bool)
    checks.require(
        a.shape == b.shape and a.ndim == 1,
        "a_correct and b_correct",
        "be two (n,) arrays of the same n",
        f"shapes {a.shape} and {b.shape}",
    )
    b01, b10 = int(np.sum(~a & b)), int(np.sum(a & ~b))
    return b01, b10, sign_test(b01, b10)  # McNemar's exact test is a sign test on the disagreements


def t_two_sided_p(t, df):
    """``P(|T| >= |t|)`` for Student's t with ``df`` (an int >= 1) degrees of
    freedom, from the exact finite series (Abramowitz & Stegun 26.7.3-4)."""
    checks.require(int(df) == df and df >= 1, "df", "be an int >= 1", repr(df))
    if math.isinf(t):
        return 0.0
    theta = math.atan(abs(t) / math.sqrt(df))
    s, c = math.sin(theta), math.cos(theta)
    if df % 2:  # odd: (2/pi) (theta + sin cos (1 + 2/3 cos^2 + 2*4/(3*5) cos^4 + ...))
        term, series = 1.0, 1.0 if df > 1 else 0.0
        for k in range(1, (df - 1) // 2):
            term *= (2 * k) / (2 * k + 1) * c * c
            series += term
        inside = 2.0 / math.pi * (theta + s * c * series)
    else:  # even: sin (1 + 1/2 cos^2 + 1*3/(2*4) cos^4 + ...)
        term, series = 1.0, 1.0
        for k in range(1, df // 2):
            term *= (2 * k - 1) / (2 * k) * c * c
            series += term
        inside = s * series
    return min(1.0, max(0.0, 1.0 - inside))


def paired_t(diffs):
    """Paired t-test of per-seed differences ``diffs`` (a - b, one per seed)
    against 0: ``t = mean / (sd / sqrt(n))`` with ``n - 1`` degrees of
    freedom. Returns ``(t, p)``, ``p`` two-sided. All differences equal:
    ``t`` is infinite (``p = 0``), or 0 (``p = 1``) if they are all 0."""
    diffs = np.asarray(diffs, dtype=float).ravel()
    checks.require(diffs.size >= 2, "diffs", "hold at least 2 values (one per seed) to estimate a spread", diffs.size)
    mean, sd = mean_sd(diffs)
    if np.ptp(diffs) == 0.0:  # all equal (their sd can come out as 1e-17, not 0, in floating point)
        return (0.0, 1.0) if mean == 0.0 else (math.copysign(math.inf, mean), 0.0)
    t = mean / (sd / math.sqrt(diffs.size))
    return t, t_two_sided_p(t, diffs.size - 1)


def paired_comparison(a, b):
    """Per-seed ``a - b`` and what they say: ``a``, ``b`` are one score per
    seed, in the same seed order. Returns ``{'diffs', 'mean', 'sd', 'signs'
    ('+', '-' or '0' per seed), 'a_wins' (seeds where a > b), 't', 'p'}``
    (``t``/``p`` are None with one seed)."""
    a, b = np.asarray(a, dtype=float).ravel(), np.asarray(b, dtype=float).ravel()
    checks.require(
        a.shape == b.shape and a.size,
        "a and b",
        "hold one score per seed each, the same seeds",
        f"{a.size} and {b.size}",
    )
    diffs = a - b
    mean, sd = mean_sd(diffs)
    t, p = paired_t(diffs) if diffs.size > 1 else (None, None)
    return {
        "diffs": diffs.tolist(),
        "mean": mean,
        "sd": sd,
        "signs": "".join("+" if d > 0 else "-" if d < 0 else "0" for d in diffs),
        "a_wins": int(np.sum(diffs > 0)),
        "t": t,
        "p": p,
    }
