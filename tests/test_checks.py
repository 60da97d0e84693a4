"""helpers.checks: each checker's message names the argument, what it got, what to pass."""

import numpy as np
import pytest

from helpers import checks


@pytest.mark.parametrize("value", [1, 7, np.int64(3), np.uint8(1), 10**30])
def test_positive_int_accepts_ints(value):
    assert checks.positive_int(value, "k") == value
    assert type(checks.positive_int(value, "k")) is int


@pytest.mark.parametrize(
    "value, error, message",
    [
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
    ],
)
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
    for bad, error in (
        ((1, 2, 3), TypeError),
        ((2.0, 2), TypeError),
        ((True, 2), TypeError),
        ("22", TypeError),
        (None, TypeError),
        ((0, 2), ValueError),
        (-1, ValueError),
    ):
        with pytest.raises(error, match="pool must be an int >= 1 or a pair of them"):
            checks.pair(bad, "pool")


def test_array_of():
    x = checks.array_of([[1, 2], [3, 4]], "x", "(H, W)", kinds="iu")
    assert isinstance(x, np.ndarray) and x.shape == (2, 2)
    assert checks.array_of(np.zeros((0, 3)), "x", "(N, D)").shape == (0, 3)
    assert checks.array_of(np.zeros((5, 4, 3)), "x", "(H, W) or (H, W, C)").ndim == 3
    assert checks.array_of(np.zeros((2, 3, 4, 5)), "x", "(N, ...)").ndim == 4
    assert checks.array_of(np.zeros((0, 4, 4, 1)), "x", "(N, H, W, C)", empty="N").shape == (0, 4, 4, 1)
    assert checks.array_of(np.zeros((3, 3)), "m", "(K, K)").shape == (3, 3)
    assert checks.array_of(np.zeros((2, 3)), "g", (2, 3)).shape == (2, 3)
    assert checks.array_of(np.zeros((2, 3)), "w", "(c_in, c_out)", sizes={"c_in": 2}).shape == (2, 3)


@pytest.mark.parametrize(
    "value, kwargs, error, words",
    [
        (None, {}, TypeError, "x must be an array, got None"),
        ("abc", {"kinds": "f"}, TypeError, "x must be a float array, got 'abc'"),
        ({"a": 1}, {}, TypeError, "got {'a': 1} (dict)"),
        ([[1], [2, 3]], {}, ValueError, "not rectangular"),
        (np.zeros(3), {"shape": "(H, W)"}, ValueError, "x must be an array of shape (H, W), got shape (3,) (ndim 1)"),
        (
            np.zeros(3),
            {"shape": "(H, W, C) or (N, H, W, C)"},
            ValueError,
            "x must be an array of shape (H, W, C) or (N, H, W, C), got shape (3,)",
        ),
        (
            np.zeros((3, 4)),
            {"shape": "(K, K)", "kinds": "iuf"},
            ValueError,
            "x must be a numeric array of shape (K, K) with K = 3, got shape (3, 4)",
        ),
        (
            np.zeros((3, 3, 2, 8)),
            {"shape": "(kh, kw, c_in, c_out)", "sizes": {"c_in": 1}},
            ValueError,
            "x must be an array of shape (kh, kw, c_in, c_out) with c_in = 1, got shape (3, 3, 2, 8)",
        ),
        (np.zeros((2, 4)), {"shape": (2, 3)}, ValueError, "x must be an array of shape (2, 3), got shape (2, 4)"),
        (
            np.zeros((1, 0, 4, 1)),
            {"shape": "(N, H, W, C)", "empty": "N"},
            ValueError,
            "x must have H >= 1, got shape (1, 0, 4, 1)",
        ),
        (np.zeros((3, 0)), {"shape": "(N, ...)", "empty": False}, ValueError, "x must not be empty, got shape (3, 0)"),
        (np.zeros(()), {"shape": "(N, ...)"}, ValueError, "x must be an array of shape (N, ...), got shape ()"),
        (np.array(["a"]), {"kinds": "iuf"}, TypeError, "x must be a numeric array, got dtype <U1 (str)"),
        (np.array([True]), {"kinds": "iu"}, TypeError, "x must be an integer array, got dtype bool"),
        (np.zeros((0, 2)), {"empty": False}, ValueError, "x must not be empty, got shape (0, 2)"),
        (
            np.array([1.0, np.nan, np.inf]),
            {"finite": True},
            ValueError,
            "x must hold finite numbers, got 2 NaN or infinite values",
        ),
    ],
)
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


def test_a_shape_is_written_as_a_docstring_writes_it():
    for spec in ("N, H", "(N, H) or N", "(..., N)", "(N, H-1)"):
        with pytest.raises(ValueError, match="shape must be written like"):
            checks.array_of(np.zeros((2, 2)), "x", spec)


def test_require_and_instance():
    checks.require(True, "k", "fit", "k=9")
    with pytest.raises(ValueError, match=r"^k must fit in n=5, got k=9$"):
        checks.require(3 > 5, "k", "fit in n=5", "k=9")
    with pytest.raises(TypeError, match=r"^k must be an int, got 'a'$"):
        checks.require(False, "k", "be an int", "'a'", TypeError)
    assert checks.instance(3, "n", int, "an int") == 3
    with pytest.raises(TypeError, match=r"model must be a Keras model, got None"):
        checks.instance(None, "model", dict, "a Keras model")


def test_dict_of_and_list_of():
    assert checks.dict_of({"a": 1}, "ys", "name -> values") == {"a": 1}
    for value in ({}, None, [("a", 1)], {1: 2}):
        with pytest.raises(TypeError, match="ys must be a non-empty dict of name -> values, got"):
            checks.dict_of(value, "ys", "name -> values", keys=str)
    assert checks.list_of([1, 2], "names", "names", length=2) == [1, 2]
    assert checks.list_of(np.array([7, 1]), "labels", "captions", at_least=2).tolist() == [7, 1]
    assert checks.list_of([], "layers", "pairs", at_least=0) == []
    with pytest.raises(TypeError, match="names must be a non-empty list of captions, got 'ab'"):
        checks.list_of("ab", "names", "captions")
    with pytest.raises(ValueError, match="names must be a list of 3 captions, got 2"):
        checks.list_of(["a", "b"], "names", "captions", length=3)
    with pytest.raises(TypeError, match=r"names must be a non-empty list of captions, got \[\] \(list\)"):
        checks.list_of([], "names", "captions")
    with pytest.raises(ValueError, match="labels must be a list of at least 4 captions, got 1"):
        checks.list_of(["a"], "labels", "captions", at_least=4)


def test_padding_and_pads():
    assert checks.padding("same", "padding") == "same"
    assert checks.padding((1, np.int64(0)), "padding", pairs=True) == (1, 0)
    for value, error in ((1, TypeError), ((1, 0), TypeError), ("full", ValueError)):
        with pytest.raises(error, match="padding must be one of 'valid', 'same'"):
            checks.padding(value, "padding")
    for value, error in ((1, TypeError), ((1,), TypeError), ((0.5, 0), TypeError), ((-1, 0), ValueError)):
        with pytest.raises(error, match="padding must"):
            checks.padding(value, "padding", pairs=True)
    assert checks.pads(2, "pad") == ((2, 2), (2, 2))
    assert checks.pads([[0, 1], (2, np.int64(3))], "pad") == ((0, 1), (2, 3))
    for value, error in (
        (1.5, ValueError),
        (((1, 1),), ValueError),
        (((1, 1.5), (1, 1)), TypeError),
        (((1, 1), (1, -1)), ValueError),
    ):
        with pytest.raises(error, match="pad must"):
            checks.pads(value, "pad")


@pytest.mark.parametrize(
    "value, dtype, expected",
    [
        (255, np.uint8, 255),
        (-128, np.int8, -128),
        (3.0, np.int16, 3),
        (-np.inf, np.float32, -np.inf),
        (True, bool, True),
        (0, bool, False),
    ],
)
def test_fill_value_accepts_what_the_dtype_holds(value, dtype, expected):
    got = checks.fill_value(value, "value", dtype)
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize(
    "value, dtype, error, words",
    [
        (256, np.uint8, ValueError, "value must be an int in 0..255 to fill a uint8 array"),
        (0.5, np.int32, ValueError, "to fill a int32 array"),
        (float("nan"), np.uint8, ValueError, "value must be an int in 0..255"),
        (2, bool, ValueError, "value must be 0 or 1 to fill a bool array, got 2"),
        ("0", np.float32, TypeError, "value must be a number, got '0'"),
    ],
)
def test_fill_value_refuses_what_the_dtype_cannot_hold(value, dtype, error, words):
    with pytest.raises(error) as info:
        checks.fill_value(value, "value", dtype)
    assert words in str(info.value)


def test_nested():
    data = ((1, 2), [3, 4])
    assert checks.nested(data, "data", "((x_train, y_train), (x_test, y_test))") is data
    assert checks.nested((None, "a"), "pair", "(a, b)") == (None, "a")
    for value in (None, (1, 2), ((1, 2), (3,)), ((1, 2), (3, 4), (5, 6)), "abcd", ((1, 2), 3)):
        with pytest.raises(TypeError, match=r"data must be \(\(x_train, y_train\), \(x_test, y_test\)\), got"):
            checks.nested(value, "data", "((x_train, y_train), (x_test, y_test))")


def test_samples_checks_a_big_array_without_converting_it():
    x = np.zeros((5, 2, 2, 1), np.float32)
    assert checks.samples(x, "x_train", "(N, H, W, C)", "f") is x
    x[3, 1, 0, 0] = np.nan
    with pytest.raises(ValueError, match="x_train must hold finite numbers, got NaN or inf in sample 3"):
        checks.samples(x, "x_train", "(N, H, W, C)", "f", chunk=2)
    with pytest.raises(ValueError, match=r"y must be a float array of shape \(N, K\), got shape \(5,\)"):
        checks.samples(np.zeros(5, int), "y", "(N, K)", "f")  # the shape first: integer labels, not one-hot
    with pytest.raises(ValueError, match="x must have N >= 1, got shape"):
        checks.samples(np.zeros((0, 2), np.float32), "x", "(N, K)", "f")
    with pytest.raises(TypeError, match=r"x must be a float array of shape \(N, K\), got None"):
        checks.samples(None, "x", "(N, K)", "f")


def test_a_hint_is_added_for_its_number_of_dimensions_only():
    with pytest.raises(ValueError, match=r"got shape \(28, 28\) \(ndim 2\); for one image use x\[np.newaxis\]$"):
        checks.array_of(np.zeros((28, 28)), "x", "(N, H, W)", hint={2: "for one image use x[np.newaxis]"})
    with pytest.raises(ValueError, match=r"got shape \(1, 28, 28, 1\) \(ndim 4\)$"):
        checks.array_of(np.zeros((1, 28, 28, 1)), "x", "(N, H, W)", hint={2: "for one image use x[np.newaxis]"})


def test_is_number():
    assert checks.is_number(3) and checks.is_number(np.float32(0.5)) and checks.is_number(float("nan"))
    assert not any(checks.is_number(v) for v in (True, np.True_, "3", None, [1], 1j))
