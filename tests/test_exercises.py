"""helpers.exercises: right only when right, never a crash on a learner's answer."""

import numpy as np
import pytest

from helpers import exercises
from helpers.exercises import check, check_function


def _said(capsys):
    return capsys.readouterr().out.strip()


# --- right answers (what the lessons' worked solutions pass) -------------------


@pytest.mark.parametrize(
    "answer, expected",
    [
        (18_496, 18_496),
        (np.int64(18_496), 18_496),
        (26.0, 26),  # a whole float is the int
        (12.0000001, 12),  # float rounding of a whole number ...
        (1e-10, 0),  # ... and of zero (WHOLE_ATOL)
        (np.float32(28 / 3 * 3), 28),
        (np.array([26.0000001, 13.0]), np.array([26, 13])),
        (complex(12, 0), 12),
        ((13, 13, 32), (13, 13, 32)),
        ([13, 13, 32], (13, 13, 32)),  # a list stands for the tuple
        (np.array([13, 13, 32]), (13, 13, 32)),
        ((None, 26, 26, 32), (None, 26, 26, 32)),  # a Keras shape
        (np.array([0.1 + 0.2]), [0.3]),
        (0.1 + 0.2, 0.3),
        (np.float32(0.3), 0.3),
        (np.array(7), 7),  # a 0-d array is a number
        ("same", "same"),
        ((True, True), (True, True)),
        (np.True_, True),
        ([[4, 2], [2, 7]], np.array([[4, 2], [2, 7]])),
        ([[4.0, 2.0], [2.0, 7.0]], np.array([[4, 2], [2, 7]])),
        (np.array([[0.5, np.nan]]), np.array([[0.5, np.nan]])),
        (float("nan"), float("nan")),
        (np.array(["a", "b"]), np.array(["a", "b"])),
        ({"conv1": 320, "dense": 650}, {"dense": 650, "conv1": 320}),
        (3 + 0j, 3),
    ],
)
def test_right_answers(capsys, answer, expected):
    assert check(answer, expected) is True
    assert _said(capsys).startswith("right: ")


# --- wrong answers: each of these was once marked right, or crashed ----------


@pytest.mark.parametrize(
    "answer, expected, reason",
    [
        (12, (12, 12), "a number, expected a tuple of 2"),  # was broadcast
        ([7, 7, 7], 7, "a list of 3, expected a number"),  # was broadcast
        (True, 1, "True/False, expected a number"),  # bool is not int
        (1, True, "a number, expected True or False"),
        ((1, 1), (True, True), "entry 0: a number, expected True or False"),
        ([True, 1], np.array([1, 1]), "entry 0: True/False, expected a number"),
        (np.array([1, 2, 3]), [1, 2], "3 entries, expected 2"),  # crashed
        (np.array([1, 2, 3]), np.array([1, 2]), "shape (3,), expected shape (2,)"),
        (np.ones((2, 2)), np.ones((2, 1)), "shape (2, 2), expected shape (2, 1)"),  # was broadcast
        (np.ones(4), np.ones((2, 2)), "shape (4,), expected shape (2, 2)"),
        (np.array(["a", "b"]), np.array([1, 2]), "dtype <U1, expected numbers"),  # crashed
        (np.array([1, 2]), np.array(["1", "2"]), ""),
        ([[4, 2], [2]], np.array([[4, 2], [2, 7]]), "rows of different lengths"),
        ("3", 3, "a str, expected a number"),
        (3, "3", "a number, expected a str"),
        ("valid", "same", ""),
        ((13, 13), (13, 13, 32), "2 entries, expected 3"),
        (25.99999, 26, "expected a whole number; a float counts within 1e-06 of it"),
        (12.5, 12, "expected a whole number"),
        (-1e-5, 0, "expected a whole number"),
        (np.array([26.5]), np.array([26]), "expected a whole number"),
        (np.int64(11), 12, ""),
        (0.31, 0.3, ""),
        (float("nan"), 0.3, ""),
        (0.3, float("nan"), ""),
        ([26], 26, "a list of 1, expected a number"),
        (np.array([26]), 26, "an array of shape (1,), expected a number"),
        ({"a": 1}, {"a": 1, "b": 2}, "keys ['a'], expected ['a', 'b']"),
        ({"a": 1, "b": 3}, {"a": 1, "b": 2}, "['b']: wrong value"),
        (print, 3, "a builtin_function_or_method, expected a number"),
        (object(), np.array([1]), "expected an array of shape (1,)"),
    ],
)
def test_wrong_answers_are_never_right_and_never_crash(capsys, answer, expected, reason):
    assert check(answer, expected, hint="think again") is False
    said = _said(capsys)
    assert said.startswith("not yet: ") and said.endswith("Hint: think again")
    assert reason in said


def test_the_hint_is_printed_only_when_given(capsys):
    assert not check(18_432, 18_496, hint="do not forget the biases")
    assert "Hint: do not forget the biases" in _said(capsys)
    assert not check(18_432, 18_496)
    assert "Hint" not in _said(capsys)


@pytest.mark.parametrize("answer", [..., None, (..., ..., 16), [1, [2, ...]]])
def test_unanswered(capsys, answer):
    assert check(answer, (26, 26, 16)) is False
    assert _said(capsys) == exercises.NOT_ANSWERED


def test_a_big_array_answer_is_described_not_dumped(capsys):
    check(np.zeros((100, 100)), np.ones((100, 100)))
    said = _said(capsys)
    assert "shape (100, 100)" in said and len(said) < 200


def test_the_lessons_own_mistakes_raise():
    with pytest.raises(ValueError, match="expected must be the right answer"):
        check(3, None)
    with pytest.raises(ValueError, match="expected must be the right answer"):
        check(3, (1, ...))
    with pytest.raises(TypeError, match="hint must be a str"):
        check(3, 3, hint=3)


def test_tolerances_can_be_chosen(capsys):
    assert not check(0.301, 0.3)
    assert check(0.301, 0.3, rtol=0.01)


# --- implement exercises: checking the learner's function ---------------------

INPUTS = [np.array([-1.0, 2.0]), np.zeros((2, 3)), np.array([[3.0, -4.0]])]


def _relu(x):
    return np.maximum(x, 0)


def test_a_right_function(capsys):
    def my_relu(x):
        return np.where(x > 0, x, 0.0)

    assert check_function(my_relu, _relu, INPUTS) is True
    assert _said(capsys) == "right: my_relu gives the expected result on all 3 inputs"
    assert check(my_relu, _relu, inputs=INPUTS) is True  # the same through check
    _said(capsys)


def test_reference_results_instead_of_a_reference_function(capsys):
    def area(h, w):
        return h * w

    assert check_function(area, [6, 0], inputs=[(2, 3), (0, 5)])
    assert not check_function(lambda h, w: h + w, [6, 0], inputs=[(2, 3), (0, 5)])
    assert _said(capsys).endswith("not yet: <lambda>(2, 3) gave 5.")


def test_a_body_of_dots_is_not_answered_yet(capsys):
    def my_relu(x): ...

    assert check_function(my_relu, _relu, INPUTS, hint="h") is False
    assert _said(capsys).startswith("not answered yet: my_relu returns None")


def test_not_implemented_is_not_answered_yet(capsys):
    def my_relu(x):
        raise NotImplementedError

    assert check_function(my_relu, _relu, INPUTS) is False
    assert _said(capsys).startswith("not answered yet: my_relu still raises NotImplementedError")


def test_an_unanswered_function_name(capsys):
    assert check_function(..., _relu, INPUTS) is False
    assert _said(capsys) == exercises.NOT_ANSWERED


def test_an_exception_is_one_line_not_a_traceback(capsys):
    def my_relu(x):
        raise ValueError("operands could not be broadcast\nsecond line")

    assert check_function(my_relu, _relu, INPUTS, hint="use np.maximum") is False
    assert _said(capsys) == (
        "not yet: my_relu([-1.0, 2.0]) raised ValueError: operands could not be broadcast. Hint: use np.maximum"
    )


def test_a_wrong_function_names_the_first_input_it_gets_wrong(capsys):
    def my_relu(x):
        return np.abs(x)

    assert check_function(my_relu, _relu, INPUTS) is False
    assert _said(capsys) == "not yet: my_relu([-1.0, 2.0]) gave [1.0, 2.0]."


def test_a_wrong_shape_is_named(capsys):
    assert not check_function(lambda x: x.sum(), _relu, INPUTS)
    assert "gave 1.0 (a number, expected an array of shape (2,))" in _said(capsys)
    assert not check_function(lambda x: x.ravel(), _relu, [np.zeros((2, 3))])
    assert "shape (6,), expected shape (2, 3)" in _said(capsys)


def test_the_learner_cannot_change_the_reference_inputs(capsys):
    def sneaky(x):
        x[:] = 0  # in place: must not change what the reference sees
        return _relu(x)

    data = np.array([1.0, 2.0])
    assert not check_function(sneaky, _relu, [data])
    np.testing.assert_array_equal(data, [1.0, 2.0])
    _said(capsys)


def test_a_non_function_answer(capsys):
    assert not check_function(3, _relu, INPUTS)
    assert "3 is not a function" in _said(capsys)


@pytest.mark.parametrize(
    "inputs, reference, error, words",
    [
        ([], _relu, TypeError, "inputs must be a non-empty list"),
        (None, _relu, TypeError, "inputs must be a non-empty list"),
        (np.zeros(3), _relu, TypeError, "inputs must be a non-empty list"),
        ([1, 2], [1], TypeError, r"reference must be the right function or 2 results, got \[1\] \(list\)"),
        ([1, 2], 3, TypeError, "reference must be the right function"),
    ],
)
def test_the_lessons_own_function_check_mistakes_raise(inputs, reference, error, words):
    with pytest.raises(error, match=words):
        check_function(_relu, reference, inputs)


def test_difference_reports_reasons():
    assert exercises.difference((1, 2), (1, 2)) is None
    assert exercises.difference((1, 3), (1, 2)) == "entry 1: wrong value"
    assert exercises.difference(np.zeros(2), np.zeros(3)) == "shape (2,), expected shape (3,)"


def test_the_whole_number_rule_is_stated_where_the_learner_reads_it(capsys):
    """The rule for floats against a whole-number answer: in the docstring and in the "not yet" line."""
    assert "WHOLE_ATOL" in exercises.__doc__ and "12.0000001" in exercises.__doc__
    assert check(12.0000001, 12) and _said(capsys) == "right: 12.0000001"
    assert not check(12.01, 12)
    assert (
        _said(capsys)
        == "not yet: 12.01 is not the answer (expected a whole number; a float counts within 1e-06 of it)."
    )
    assert not check(11, 12)
    assert _said(capsys) == "not yet: 11 is not the answer."  # an int answer: the message it always had
