"""helpers.checks: each checker's message names the argument, what it got, what to pass."""

import numpy as np
import pytest

from helpers import checks


@pytest.mark.parametrize("value", [1, 7, np.int64(3), np.uint8(1), 10**30])
def test_positive_int_accepts_ints(value):
    assert checks.positive_int(value, "k") == value
    assert type(checks.positive_int(value, "k")) is int


@pytest.mark.parametrize("value, error, message", [
    (0, ValueError, "k must be an int >= 1, got 0"),
    (-3, ValueError, "k must be an int >= 1, got -3"),
    (2.5, TypeError, "k must be an int >= 1, got 2.5"),
    (3.0, TypeError, "k must be an int >= 1, got 3.0"),
    (True, TypeError, "k must be an int >= 1, got True (bool)"),
    (np.True_, TypeError, "k must be an int >= 1, got"),
    ("3", TypeError, "k must be an int >= 1, got '3'"),
    (None, TypeError, "k must be an int >= 1, got None"),
    (float("nan"), TypeError, "k must be an int >= 1, got nan"),
    ([3], TypeError, "k must be an int >= 1, got [3] (list)"),
    (np.array(3), TypeError, "k must be an int >= 1, got an array of shape ()"),
])
def test_positive_int_refuses(value, error, message):
    with pytest.raises(error) as info:
        checks.positive_int(value, "k")
    assert str(info.value).startswith(message)


def test_bounds_in_messages():
    assert checks.non_negative_int(0, "seed") == 0
    with pytest.raises(ValueError, match="seed must be an int >= 0, got -1"):
        checks.non_negative_int(-1, "seed")
    with pytest.raises(ValueError, match="index must be an int in 0..9, got 10"):
        checks.integer(10, "index", 0, 9)
    with pytest.raises(ValueError, match="size must be an int in 1..256, got 1000"):
        checks.positive_int(1000, "size", maximum=256)
    with pytest.raises(TypeError, match="dy must be an int, got 1.5"):
        checks.integer(1.5, "dy")
    assert checks.integer(-4, "dy") == -4


def test_number():
    assert checks.number(0.5, "rate", 0, 1) == 0.5
    assert checks.number(np.float32(2), "x") == 2
    assert checks.number(float("inf"), "x", finite=False) == float("inf")
    with pytest.raises(ValueError, match="rate must be a finite number in 0..1, got 1.5"):
        checks.number(1.5, "rate", 0, 1)
    with pytest.raises(ValueError, match="x must be a finite number, got nan"):
        checks.number(float("nan"), "x")
    with pytest.raises(TypeError, match="x must be a finite number, got True"):
        checks.number(True, "x")
    with pytest.raises(TypeError, match="x must be a finite number, got '1'"):
        checks.number("1", "x")


def test_boolean_and_text_and_function():
    assert checks.boolean(np.True_, "progress") is True
    with pytest.raises(TypeError, match="progress must be True or False, got 1"):
        checks.boolean(1, "progress")
    assert checks.text("a", "label") == "a"
    assert checks.text("", "label", empty=True) == ""
    with pytest.raises(ValueError, match="label must be a non-empty str"):
        checks.text("", "label")
    with pytest.raises(TypeError, match="label must be a str, got 3"):
        checks.text(3, "label")
    with pytest.raises(TypeError, match="build must be a function"):
        checks.function(3, "build")


def test_one_of():
    assert checks.one_of("same", "padding", ("valid", "same")) == "same"
    assert checks.one_of(np.str_("same"), "padding", ("valid", "same")) == "same"
    with pytest.raises(ValueError, match=r"padding must be one of 'valid', 'same', got 'full'"):
        checks.one_of("full", "padding", ("valid", "same"))
    with pytest.raises(ValueError, match=r"\(lower case\), got 'SAME'"):
        checks.one_of("SAME", "padding", ("valid", "same"))
    with pytest.raises(TypeError, match="padding must be one of 'valid', 'same', got None"):
        checks.one_of(None, "padding", ("valid", "same"))
    with pytest.raises(TypeError, match="got an array"):
        checks.one_of(np.array(["same"]), "padding", ("valid", "same"))  # no ambiguous-truth crash
    with pytest.raises(TypeError):
        checks.one_of(True, "n", (1, 2))  # True is not 1


def test_pair():
    assert checks.pair(3, "pool") == (3, 3)
    assert checks.pair((2, np.int64(3)), "pool") == (2, 3)
    assert checks.pair([0, 1], "pad", minimum=0) == (0, 1)
    for bad, error in (((1, 2, 3), TypeError), ((2.0, 2), TypeError), ((True, 2), TypeError),
                       ("22", TypeError), (None, TypeError), ((0, 2), ValueError), (-1, ValueError)):
        with pytest.raises(error, match="pool must be an int >= 1 or a pair of them"):
            checks.pair(bad, "pool")


def test_array_of():
    x = checks.array_of([[1, 2], [3, 4]], "x", ndim=2, kinds="iu")
    assert isinstance(x, np.ndarray) and x.shape == (2, 2)
    assert checks.array_of(np.zeros((0, 3)), "x", ndim=2).shape == (0, 3)


@pytest.mark.parametrize("value, kwargs, error, words", [
    (None, {}, TypeError, "x must be an array, got None"),
    ("abc", {"kinds": "f"}, TypeError, "x must be a float array, got 'abc'"),
    ({"a": 1}, {}, TypeError, "got {'a': 1} (dict)"),
    ([[1], [2, 3]], {}, ValueError, "not rectangular"),
    (np.zeros(3), {"ndim": 2}, ValueError, "x must be an array with 2 dimensions, got shape (3,) (ndim 1)"),
    (np.zeros(3), {"ndim": (3, 4), "shape": "(N, H, W, C)"}, ValueError, "x must be an array of shape (N, H, W, C), got shape (3,)"),
    (np.array(["a"]), {"kinds": "iuf"}, TypeError, "x must be a numeric array, got dtype <U1 (str)"),
    (np.array([True]), {"kinds": "iu"}, TypeError, "x must be an integer array, got dtype bool"),
    (np.zeros((0, 2)), {"empty": False}, ValueError, "x must not be empty, got shape (0, 2)"),
    (np.array([1.0, np.nan, np.inf]), {"finite": True}, ValueError, "x must hold finite numbers, got 2 NaN or infinite values"),
])
def test_array_of_refuses(value, kwargs, error, words):
    with pytest.raises(error) as info:
        checks.array_of(value, "x", **kwargs)
    assert words in str(info.value)


def test_same_length():
    assert checks.same_length(images=[1, 2], labels=np.zeros(2)) == 2
    with pytest.raises(ValueError, match="images and labels must have the same length, got images 1, labels 2"):
        checks.same_length(images=[1], labels=[1, 2])


def test_describe_is_short():
    assert checks.describe("x" * 500).endswith("...")
    assert len(checks.describe("x" * 500)) <= 60
    assert checks.describe(np.zeros((1000, 1000))) == "an array of shape (1000, 1000) and dtype float64"


def test_finite():
    assert checks.finite([1, 2.5], "means").tolist() == [1, 2.5]
    assert checks.finite(3, "x").ndim == 0
    with pytest.raises(ValueError, match="means must hold finite numbers, got 1 NaN or infinite value"):
        checks.finite([1, float("nan")], "means")
    with pytest.raises(TypeError, match="means must be a numeric array, got dtype bool"):
        checks.finite([True], "means")
