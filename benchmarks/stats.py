"""Timing shared by the benchmark parts. Mean +- sd is ``helpers.stats.mean_sd``, the
course's one rule (the lessons, the benchmark and the README all use it)."""

import statistics
import time


def time_calls(fn, repeats, warmup=1):
    """Call ``fn()`` ``warmup`` times untimed, then ``repeats`` times timed.

    Returns ``{'median_s', 'min_s', 'repeats'}`` (wall clock, perf_counter).
    """
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    for _ in range(warmup):
        fn()
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - start)
    return {"median_s": statistics.median(seconds), "min_s": min(seconds), "repeats": repeats}
