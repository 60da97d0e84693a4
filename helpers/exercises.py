"""Checked answers for the exercises at the end of each lesson.

These grade a learner's *answer*: a wrong one prints "not yet" and never
raises. (``helpers.checks`` is the other kind: it checks a helper's
*arguments* and raises a clear error.) Two checks, each prints one line and
returns ``True`` / ``False``:

* ``check(answer, expected, hint="")`` -- a value the learner computed or
  predicted (a number, a tuple such as a shape, a string, an array)::

      answer_1 = ...   # your number here
      answered_1 = check(answer_1, expected_1, hint="each filter has 3*3*32 weights, plus a bias")

  prints ``not answered yet: replace the ... with your answer`` until the
  learner fills it in, then ``right: 18496`` or
  ``not yet: 18432 is not the answer. Hint: ...``.

* ``check_function(fn, reference, inputs, hint="")`` -- a function the
  learner implements (also reachable as ``check(fn, reference, inputs=...)``)::

      def my_relu(x):
          ...   # your code here

      implemented = check_function(my_relu, lambda x: np.maximum(x, 0),
                                   inputs=[np.array([-1.0, 2.0]), np.zeros((2, 3))],
                                   hint="keep the positive part")

  ``reference`` is the right function, or a list with the right result for
  each input. Each entry of ``inputs`` is one call's arguments: a tuple is
  spread as positional arguments (``fn(*entry)``), anything else is the one
  argument (so a tuple *argument* is written ``((3, 5),)``). The learner's
  function gets copies, so it cannot change the reference's inputs. While the
  body is still ``...`` (it returns ``None`` / ``...``) or raises
  ``NotImplementedError``: ``not answered yet``; if it raises anything else:
  ``not yet: my_relu(...) raised ValueError: <message>``; a wrong result:
  ``not yet`` with the first input it got wrong and why (wrong shape, wrong
  type, wrong values).

What counts as the same answer -- strict, so a wrong answer is never "right":

* no broadcasting: shapes must match exactly (``12`` is not ``(12, 12)``,
  ``[7, 7, 7]`` is not ``7``); a list or tuple answer may stand for a tuple
  or an array of the same shape;
* ``True``/``False`` only match bools (``True`` is not ``1``), numbers only
  match numbers (``"3"`` is not ``3``), strings only equal strings;
* a whole number expected (an int: a count, a size) needs an int answer
  of exactly that value, or a float within ``WHOLE_ATOL = 1e-6`` of it --
  float rounding, not a different answer: ``26.0``, ``12.0000001`` and
  ``1e-10`` (for ``0``) count, ``25.9999`` and ``12.5`` do not, and the
  "not yet" line says so (``expected a whole number; a float counts within
  1e-06 of it``); floats match within ``rtol=1e-6`` (relative) +
  ``atol=1e-9``; NaN matches NaN.

Assign the return value (``answered = check(...)``): a bare ``check(...)``
as a cell's last line would also display ``False``. A lesson's worked
solution asserts it: ``assert check(worked, expected)``.
"""

import copy
import numbers

import numpy as np

from helpers import checks
from helpers.checks import describe

RTOL, ATOL = 1e-6, 1e-9
# A count computed in floats (28 / 2, a mean of 0s) is off by rounding only:
# far less than this, while a wrong count is off by at least 1.
WHOLE_ATOL = 1e-6
WHOLE_RULE = f"expected a whole number; a float counts within {WHOLE_ATOL:g} of it"
NOT_ANSWERED = "not answered yet: replace the ... with your answer"


def check(answer, expected, hint="", *, inputs=None, rtol=RTOL, atol=ATOL):
    """Say whether ``answer`` is ``expected``: print "right", "not yet" (with
    ``hint``) or "not answered yet" (``answer`` is ``...``/None or holds a
    ``...``); return True only when it is right.

    With ``inputs``, ``answer`` is the learner's function and ``expected``
    the reference: see :func:`check_function`.
    """
    if inputs is not None:
        return check_function(answer, expected, inputs, hint, rtol=rtol, atol=atol)
    checks.require(expected is not None and not _holds_ellipsis(expected), "expected", "be the right answer", expected)
    hint = checks.text(hint, "hint", empty=True)
    if _unanswered(answer):
        print(NOT_ANSWERED)
        return False
    reason = difference(answer, expected, rtol, atol)
    if reason is None:
        print(f"right: {_short(answer)}")
        return True
    print(f"not yet: {_short(answer)} is not the answer{_why(reason)}." + _hint(hint))
    return False


def check_function(fn, reference, inputs, hint="", *, rtol=RTOL, atol=ATOL):
    """Call the learner's ``fn`` on every entry of ``inputs`` and compare with
    ``reference`` (a function, or a list of the right results, one per input).
    Prints one line -- right / not yet (the first input it gets wrong) /
    not answered yet -- and returns True only when every result is right."""
    checks.require(
        isinstance(inputs, (list, tuple)) and inputs,
        "inputs",
        "be a non-empty list of inputs, one per call",
        describe(inputs),
        TypeError,
    )
    calls = [entry if isinstance(entry, tuple) else (entry,) for entry in inputs]
    checks.require(
        callable(reference) or (isinstance(reference, (list, tuple)) and len(reference) == len(calls)),
        "reference",
        f"be the right function or {len(calls)} results",
        describe(reference),
        TypeError,
    )
    expected = [reference(*copy.deepcopy(args)) for args in calls] if callable(reference) else list(reference)
    checks.require(not _holds_ellipsis(expected), "expected", "be the right answer", expected)
    hint = checks.text(hint, "hint", empty=True)
    if _unanswered(fn):
        print(NOT_ANSWERED)
        return False
    name = getattr(fn, "__name__", "your function")
    if not callable(fn):
        print(f"not yet: {_short(fn)} is not a function; define one with def." + _hint(hint))
        return False
    for args, want in zip(calls, expected):
        shown = f"{name}({', '.join(_short(a, 40) for a in args)})"
        try:
            got = fn(*copy.deepcopy(args))
        except NotImplementedError:
            print(f"not answered yet: {name} still raises NotImplementedError; write its body")
            return False
        except Exception as error:  # the learner's bug: report it in one line, don't raise
            message = str(error).strip().splitlines()
            print(
                f"not yet: {shown} raised {type(error).__name__}{': ' + message[0] if message else ''}." + _hint(hint)
            )
            return False
        if (got is None or got is Ellipsis) and want is not None:
            print(f"not answered yet: {name} returns {got!r}; write its body and return the result")
            return False
        reason = difference(got, want, rtol, atol)
        if reason is not None:
            print(f"not yet: {shown} gave {_short(got)}{_why(reason)}." + _hint(hint))
            return False
    print(f"right: {name} gives the expected result on all {len(calls)} input{'s' * (len(calls) > 1)}")
    return True


def difference(answer, expected, rtol=RTOL, atol=ATOL):
    """``None`` if ``answer`` counts as ``expected`` (see the module
    docstring), else a short reason, e.g. ``"shape (3,), expected shape ()"``
    (an empty string when the values just differ)."""
    try:
        return _difference(answer, expected, rtol, atol)
    except Exception as error:  # a learner's answer must never crash the check
        return f"{_kind(answer)} that cannot be compared with the answer: {type(error).__name__}"


def _difference(answer, expected, rtol, atol):
    if isinstance(expected, (bool, np.bool_)):
        if not isinstance(answer, (bool, np.bool_)):
            return f"{_kind(answer)}, expected True or False"
        return None if bool(answer) == bool(expected) else ""
    if isinstance(expected, (str, bytes)):
        if not isinstance(answer, type(expected)):
            return f"{_kind(answer)}, expected a {type(expected).__name__}"
        return None if answer == expected else ""
    if isinstance(expected, numbers.Number) or (isinstance(expected, np.ndarray) and expected.ndim == 0):
        return _number_difference(answer, expected, rtol, atol)
    if isinstance(expected, dict):
        return _dict_difference(answer, expected, rtol, atol)
    if isinstance(expected, (list, tuple)):
        return _sequence_difference(answer, expected, rtol, atol)
    if isinstance(expected, np.ndarray):
        return _array_difference(answer, expected, rtol, atol)
    try:
        same = answer == expected
    except Exception:  # an object whose == raises is not the answer
        return f"{_kind(answer)} that cannot be compared with the answer"
    return None if isinstance(same, (bool, np.bool_)) and same else ""


def _number_difference(answer, expected, rtol, atol):
    expected = expected.item() if isinstance(expected, np.generic | np.ndarray) else expected
    if isinstance(answer, (bool, np.bool_)) or not _is_number(answer):
        return f"{_kind(answer)}, expected a number"
    answer = answer.item() if isinstance(answer, np.generic | np.ndarray) else answer
    if isinstance(expected, numbers.Integral):
        return _whole_difference(answer, expected)
    if isinstance(expected, numbers.Real) and np.isnan(expected):
        return None if isinstance(answer, numbers.Real) and np.isnan(answer) else ""
    return None if abs(answer - expected) <= atol + rtol * abs(expected) else ""


def _whole_difference(answer, expected):
    """An int answer: exact; a float answer: within ``WHOLE_ATOL`` (see the module docstring)."""
    if not isinstance(answer, numbers.Real) or isinstance(answer, numbers.Integral):
        return None if answer == expected else ""  # ints (and complex numbers): exact
    return None if abs(answer - expected) <= WHOLE_ATOL else WHOLE_RULE


def _sequence_difference(answer, expected, rtol, atol):
    if isinstance(answer, np.ndarray) and answer.ndim > 0:
        answer = answer.tolist()  # Python scalars, compared entry by entry with their types
    if not isinstance(answer, (list, tuple)):
        return f"{_kind(answer)}, expected a {type(expected).__name__} of {len(expected)}"
    if len(answer) != len(expected):
        return f"{len(answer)} entries, expected {len(expected)}"
    for index, (a, e) in enumerate(zip(answer, expected)):
        reason = difference(a, e, rtol, atol)
        if reason is not None:
            return f"entry {index}: {reason or 'wrong value'}"
    return None


def _array_difference(answer, expected, rtol, atol):
    if isinstance(answer, (list, tuple)):  # entry by entry, so [True, 1] is not [1, 1]
        if not _rectangular(answer):
            return "rows of different lengths"
        if np.shape(answer) != expected.shape:
            return f"shape {np.shape(answer)}, expected shape {expected.shape}"
        return _sequence_difference(answer, expected.tolist(), rtol, atol)
    if not isinstance(answer, np.ndarray):
        return f"{_kind(answer)}, expected an array of shape {expected.shape}"
    if answer.shape != expected.shape:
        return f"shape {answer.shape}, expected shape {expected.shape}"
    kinds = answer.dtype.kind, expected.dtype.kind
    if kinds[1] == "b":
        return (
            None
            if kinds[0] == "b" and np.array_equal(answer, expected)
            else ("" if kinds[0] == "b" else f"dtype {answer.dtype}, expected True/False values")
        )
    if kinds[1] in "iufc":
        if kinds[0] not in "iufc":
            return f"dtype {answer.dtype}, expected numbers"
        if kinds[1] in "iu" and kinds[0] in "iu":
            return None if np.array_equal(answer, expected) else ""
        if kinds[1] in "iu":  # float answers to whole numbers: the scalar rule, entry by entry
            return None if np.allclose(answer, expected, rtol=0, atol=WHOLE_ATOL) else WHOLE_RULE
        return None if np.allclose(answer, expected, rtol=rtol, atol=atol, equal_nan=True) else ""
    if kinds[1] in "US":
        return None if kinds[0] == kinds[1] and np.array_equal(answer, expected) else ""
    return _sequence_difference(answer.tolist(), expected.tolist(), rtol, atol)


def _dict_difference(answer, expected, rtol, atol):
    if not isinstance(answer, dict):
        return f"{_kind(answer)}, expected a dict"
    if set(answer) != set(expected):
        return f"keys {sorted(map(str, answer))}, expected {sorted(map(str, expected))}"
    for key in expected:
        reason = difference(answer[key], expected[key], rtol, atol)
        if reason is not None:
            return f"[{key!r}]: {reason or 'wrong value'}"
    return None


# --- small pieces -------------------------------------------------------------------


def _is_number(value):
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, numbers.Number):
        return True
    return isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iufc"


def _rectangular(value):
    try:
        np.shape(value)
    except (ValueError, TypeError):
        return False
    return True


def _unanswered(value):
    """``...`` or None, or a list/tuple still holding a ``...`` (a template
    such as ``(..., ..., 16)``; a ``None`` inside is a real entry, as in a
    Keras shape ``(None, 26, 26, 32)``)."""
    return value is None or value is Ellipsis or _holds_ellipsis(value)


def _holds_ellipsis(value):
    return value is Ellipsis or (isinstance(value, (list, tuple)) and any(_holds_ellipsis(v) for v in value))


def _kind(value):
    if isinstance(value, (bool, np.bool_)):
        return "True/False"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)}"
    if _is_number(value):
        return "a number"
    return f"a {type(value).__name__}"


def _short(value, limit=80):
    if isinstance(value, np.ndarray) and value.size > 12:
        return describe(value)
    text = repr(value.tolist()) if isinstance(value, np.ndarray | np.generic) else repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _why(reason):
    return f" ({reason})" if reason else ""


def _hint(hint):
    return f" Hint: {hint}" if hint else ""
