"""Checked answers for the exercises at the end of each lesson."""

import numpy as np


def check(answer, expected, hint=""):
    """Compare a learner's ``answer`` with ``expected`` and say so.

    Numbers and arrays are compared with a small tolerance, anything else with
    ``==``. Prints "right" or "not yet" (with the hint) and returns a bool, so
    a lesson can ``assert check(...)`` on its own worked answer.
    """
    if answer is None or answer is Ellipsis:
        print("not answered yet: replace the ... with your answer")
        return False
    try:
        right = bool(np.allclose(answer, expected, rtol=1e-6, atol=1e-9))
    except (TypeError, ValueError):
        right = answer == expected
    if right:
        print(f"right: {answer!r}")
    else:
        print(f"not yet: {answer!r} is not the answer." + (f" Hint: {hint}" if hint else ""))
    return right
