"""helpers.exercises.check says right or wrong, with the hint."""

import numpy as np

from helpers.exercises import check


def test_right_answers(capsys):
    assert check(18_496, 18_496)
    assert check((13, 13, 32), (13, 13, 32))
    assert check(np.array([0.1 + 0.2]), [0.3])
    assert check("same", "same")
    assert "right" in capsys.readouterr().out


def test_wrong_answers_print_the_hint(capsys):
    assert not check(18_432, 18_496, hint="do not forget the biases")
    assert "Hint: do not forget the biases" in capsys.readouterr().out
    assert not check((13, 13), (13, 13, 32))
    assert not check("valid", "same")


def test_unanswered(capsys):
    assert not check(..., 3)
    assert "not answered yet" in capsys.readouterr().out
