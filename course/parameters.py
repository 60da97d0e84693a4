"""Lesson parameters: declared in the ``parameters`` cell, checked by the runner.

A declaration is one line ``NAME = literal  # comment``. The literal's type
is the parameter's type (bool, int, float, str, or a list of one of
those; a None default takes any literal). A comment may start with an
inclusive bound ``lo..hi:`` (either side may be empty: ``1..:``,
``..8:``); for a list default the bound applies to each element::

    DIGIT_INDEX = 0     # 0..9999: which MNIST test image the examples use
    SHIFT = [2, 3]      # -8..8: [dy, dx]

The cell holds the lesson's knobs only. The quick profile (what ``course
run --quick`` injects) is not a knob: it lives in the notebook metadata,
``metadata["course"]["quick"] = {"DIGIT_INDEX": 5}``, out of a learner's
sight; a ``QUICK = ...`` line in the cell is refused with that advice.

Every value the runner injects -- ``-p NAME VALUE`` and the lesson's quick
profile -- is converted to the parameter's type or refused here, before
any kernel starts, so lessons never check their own parameters:

- int takes an int (not 1.5, True or "x"); float takes an int or a float;
- bool takes True or False; str takes anything, as text;
- list takes a list whose elements are of the default's element type;
  a lone value of that type becomes a one-element list.
"""

import ast
import io
import math
import re
import tokenize
from dataclasses import dataclass

from course import CourseError

QUICK = "QUICK"  # the old name of the quick profile, refused in a parameters cell
QUICK_PLACE = "the notebook metadata course.quick"  # where the quick profile lives, in words
BOUND = re.compile(r"^\s*(?P<low>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)?\.\.(?P<high>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)?\s*:")
SCALARS = (bool, int, float, str)  # bool first: True is an int too
# (one value, many values) in words, for error messages
WORDS = {
    bool: ("True or False", "True/False values"),
    int: ("a whole number", "whole numbers"),
    float: ("a number", "numbers"),
    str: ("any text", "texts"),
}


@dataclass(frozen=True)
class Parameter:
    """One declared parameter. ``kind``: the type every value is converted
    to (bool, int, float, str, list, or None for any literal); ``element``:
    a list's element type (None: unchecked); ``low``/``high``: the bound
    (None: open), for numbers and for each element of a list of numbers."""

    name: str
    default: object
    kind: type | None
    element: type | None = None
    low: float | None = None
    high: float | None = None

    def wanted(self):
        """What to pass, in words: ``"a whole number in 0..9999"``."""
        if self.kind is list:
            what = "a list" + (f" of {WORDS[self.element][1]}" if self.element in WORDS else "")
        else:
            what = WORDS[self.kind][0] if self.kind in WORDS else "a Python literal (number, text, list, dict, None)"
        if self.low is not None or self.high is not None:
            what += (" each" if self.kind is list else "") + " " + self.bound()
        return what

    def bound(self):
        """The bound in words: ``"in 0..9999"``, ``">= 1"``, ``"<= 8"``."""
        low, high = (None if side is None else _number(side) for side in (self.low, self.high))
        if low is not None and high is not None:
            return f"in {low}..{high}"
        return f">= {low}" if low is not None else f"<= {high}"


def _number(value):
    """A bound as written: ``3`` not ``3.0``."""
    return str(int(value)) if float(value).is_integer() else str(value)


def kind_of(value):
    """``(kind, element)`` of a default: its scalar type, or ``(list, element type)``."""
    for kind in SCALARS:
        if type(value) is kind:
            return kind, None
    if isinstance(value, list):
        kinds = {kind_of(item)[0] for item in value}
        if kinds == {int, float}:
            return list, float
        return list, (kinds.pop() if len(kinds) == 1 and None not in kinds and list not in kinds else None)
    return None, None


def comments_by_line(source):
    """``{line number: comment text without '#'}`` of ``source``."""
    comments = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = token.string[1:].strip()
    return comments


def declare(name, default, comment, where):
    """The :class:`Parameter` for ``NAME = default  # comment``; its default
    must be of its own kind and inside its own bound."""
    kind, element = kind_of(default)
    match = BOUND.match(comment or "")
    low = high = None
    if match and (match["low"] or match["high"]):
        low, high = (float(match[side]) if match[side] else None for side in ("low", "high"))
        if kind not in (int, float) and element not in (int, float):
            raise CourseError(
                f"{where}: {name} has a bound ({match.group(0).strip()}) but its default "
                f"{default!r} is not a number or a list of numbers"
            )
    parameter = Parameter(name, default, kind, element, low, high)
    try:
        convert(parameter, default)
    except ValueError:
        raise CourseError(f"{where}: the default {name} = {default!r} is not {parameter.wanted()}") from None
    return parameter


def _assignments(tree):
    """``(name, value node, first line, last line)`` of each top-level ``NAME = ...``."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            yield node.targets[0].id, node.value, node.lineno, node.end_lineno
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            yield node.target.id, node.value, node.lineno, node.end_lineno


def parse_declarations(source, where="parameters cell"):
    """``{name: Parameter}`` of a parameters cell's ``source``, in order.
    A ``QUICK = ...`` line (where the quick profile used to live) raises:
    the profile belongs in the notebook metadata (:func:`check_quick`)."""
    try:
        tree = ast.parse(source)
        comments = comments_by_line(source)
    except (SyntaxError, tokenize.TokenError) as error:
        raise CourseError(f"{where}: cannot parse the parameters cell: {error}") from None
    parameters = {}
    for name, node, first, last in _assignments(tree):
        if name == QUICK:
            raise CourseError(
                f"{where}: line {first} of the parameters cell sets QUICK; the quick profile lives in "
                f"{QUICK_PLACE}, out of the learner's sight. Move the dict there "
                f'(nb.metadata["course"]["quick"] = {{"EPOCHS": 1, ...}}, written with nbformat) '
                f"and delete the line"
            )
        try:
            value = ast.literal_eval(node)
        except ValueError:
            value = None  # not a literal: papermill can still override it, unchecked
        parameters[name] = declare(name, value, comments.get(first, comments.get(last)), where)
    return parameters


def check_quick(quick, parameters, where):
    """``quick`` (a lesson's quick profile, from :data:`QUICK_PLACE`) with
    each value converted like a ``-p`` value; a name the parameters cell
    does not declare, or a value of the wrong type, raises."""
    if not isinstance(quick, dict):
        raise CourseError(
            f"{where}: {QUICK_PLACE} must be a dict of parameter -> value, "
            f'e.g. {{"EPOCHS": 1}}; got {type(quick).__name__}'
        )
    unknown = sorted(set(quick) - set(parameters))
    if unknown:
        raise CourseError(
            f"{where}: {QUICK_PLACE} sets {', '.join(map(str, unknown))}, which the parameters cell "
            f"does not declare (declared: {', '.join(parameters) or 'none'})"
        )
    problems = [refusal(where, f"course.quick[{name!r}]", parameters[name], value) for name, value in quick.items()]
    problems = [problem for problem in problems if problem]
    if problems:
        raise CourseError("\n".join(problems) + f"\n(fix the lesson's quick profile, {QUICK_PLACE})")
    return {name: convert(parameters[name], value) for name, value in quick.items()}


def parse_cli_value(text):
    """A ``-p`` value: the Python literal ``text`` spells (``3``, ``0.5``,
    ``True``, ``[0, 1]``, ``'a'``), else ``text`` itself as a string."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text


def injectable(value):
    """Whether papermill writes ``value`` into the notebook as the same
    Python value (a tuple or a set would arrive as a string)."""
    if value is None or isinstance(value, SCALARS):
        return not (isinstance(value, float) and not math.isfinite(value))
    if isinstance(value, list):
        return all(injectable(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and injectable(item) for key, item in value.items())
    return False


def _scalar(kind, value, text=None):
    """``value`` as a ``kind`` scalar (None: any injectable literal), or ValueError."""
    if kind is str:
        return value if isinstance(value, str) else (text if text is not None else str(value))
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind is bool and isinstance(value, bool):
        return value
    if kind is int and is_number and isinstance(value, int):
        return value
    if kind is float and is_number and math.isfinite(value):
        return float(value)
    if kind is None and injectable(value):
        return value
    raise ValueError(value)


def _in_bound(parameter, value):
    if (parameter.low is not None and value < parameter.low) or (parameter.high is not None and value > parameter.high):
        raise ValueError(value)
    return value


def convert(parameter, value, text=None):
    """``value`` converted to ``parameter``'s type and checked against its
    bound; ValueError if it cannot be. ``text``: the command-line spelling
    of ``value``, which a str parameter takes as it was typed."""
    if parameter.kind is not list:
        value = _scalar(parameter.kind, value, text)
        return _in_bound(parameter, value) if parameter.kind in (int, float) else value
    if not isinstance(value, list):
        value = [value]  # a lone element: a one-element list
    items = [_scalar(parameter.element, item) for item in value]
    if parameter.element in (int, float):
        items = [_in_bound(parameter, item) for item in items]
    return items


def refusal(lesson, given, parameter, value, text=None):
    """None if ``value`` converts; else one line naming the lesson, where the
    value came from (``given``), what it was and what to pass."""
    try:
        convert(parameter, value, text)
        return None
    except ValueError:
        return (
            f"{lesson}: {given} got {value!r} ({type(value).__name__}); {parameter.name} takes "
            f"{parameter.wanted()} (default {parameter.default!r})"
        )


def lesson_parameters(lessons, overrides=(), quick=False):
    """``{lesson name: {name: value to inject}}``, everything checked first.

    ``overrides``: ``[(NAME, text), ...]`` from ``-p``, each parsed
    (:func:`parse_cli_value`), converted for every lesson that declares
    NAME, and applied on top of the quick profile. A name no lesson
    declares, ``--quick`` on a lesson without a quick profile, or a value a
    lesson cannot take raises one
    :class:`CourseError` that lists every problem.
    """
    _check_names(lessons, overrides)
    plan, problems = {}, []
    for lesson in lessons:
        values = {}
        if quick:
            if lesson.quick is None:
                problems.append(
                    f"--quick: {lesson.name} has no quick profile ({QUICK_PLACE} is missing; "
                    f"declared parameters: {', '.join(lesson.parameters) or 'none'})"
                )
            values.update(lesson.quick or {})
        for name, text in overrides:
            if name in lesson.parameters:
                value, parameter = parse_cli_value(text), lesson.parameters[name]
                problem = refusal(lesson.name, f"-p {name}", parameter, value, text)
                if problem:
                    problems.append(problem)
                else:
                    values[name] = convert(parameter, value, text)
        plan[lesson.name] = values
    if problems:
        raise CourseError("\n".join(problems))
    return plan


def _check_names(lessons, overrides):
    """Every ``-p`` name is declared by some lesson (and is not QUICK)."""
    declared = "; ".join(f"{lesson.name}: {', '.join(lesson.parameters) or 'none'}" for lesson in lessons)
    for name, _ in overrides:
        if name == QUICK:
            raise CourseError("-p QUICK: the quick profile is not a parameter; use --quick")
        if not any(name in lesson.parameters for lesson in lessons):
            raise CourseError(f"-p {name}: no selected lesson declares this parameter. Declared parameters: {declared}")
