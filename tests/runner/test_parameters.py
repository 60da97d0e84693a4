"""course.parameters: declared types and bounds; -p and quick-profile values
converted or refused before any kernel starts (no kernels here)."""

from pathlib import Path

import pytest

from course import CourseError
from course.lessons import Lesson
from course.parameters import (
    Parameter,
    check_quick,
    convert,
    injectable,
    lesson_parameters,
    parse_cli_value,
    parse_declarations,
)

CELL = """\
SEED = 0             # seeds everything
DIGIT_INDEX = 0      # 0..9999: which MNIST test image
SHIFT = [2, 3]       # -8..8: [dy, dx]
SEEDS = [0]          # 0..: training seeds
RATE = 0.001         # 0..1: learning rate
KIND = "max"         # which pooling
SHOW = False         # draw the extra figure
MAX_STRIDE = 7       # 1..: the stride experiment tries 1 .. MAX_STRIDE
SMALL = 3            # ..8: at most eight
PATH = None          # a file, or None
TRAIN: int = 600     # annotated
"""
QUICK = {"SEEDS": 1, "RATE": 1}  # the lesson's quick profile (notebook metadata course.quick)


@pytest.fixture
def lesson():
    parameters = parse_declarations(CELL, where="01_x")
    return Lesson(Path("01_x.ipynb"), parameters, check_quick(QUICK, parameters, "01_x"))


def plan(lesson, *pairs, quick=False):
    return lesson_parameters([lesson], list(pairs), quick)["01_x"]


def test_types_and_bounds_come_from_defaults_and_comments(lesson):
    p = lesson.parameters
    assert p["DIGIT_INDEX"] == Parameter("DIGIT_INDEX", 0, int, None, 0, 9999)
    assert p["SHIFT"] == Parameter("SHIFT", [2, 3], list, int, -8, 8)
    assert (p["SEEDS"].low, p["SEEDS"].high) == (0, None)
    assert (p["SMALL"].low, p["SMALL"].high) == (None, 8)
    assert (p["RATE"].kind, p["KIND"].kind, p["SHOW"].kind, p["PATH"].kind, p["TRAIN"].kind) == (
        float,
        str,
        bool,
        None,
        int,
    )
    # "1 .. MAX_STRIDE" is prose, not a bound at the comment's start
    assert (p["MAX_STRIDE"].low, p["SEED"].low) == (1, None)
    assert "QUICK" not in p


def test_quick_values_are_converted_like_p_values(lesson):
    assert lesson.quick == {"SEEDS": [1], "RATE": 1.0}  # a lone seed -> a list; int -> float
    assert plan(lesson, quick=True) == {"SEEDS": [1], "RATE": 1.0}
    assert plan(lesson, ("SEEDS", "[0, 1, 2]"), quick=True) == {"SEEDS": [0, 1, 2], "RATE": 1.0}  # -p wins
    assert plan(lesson) == {}


@pytest.mark.parametrize(
    "name, text, value",
    [
        ("DIGIT_INDEX", "9999", 9999),
        ("SEED", "-3", -3),  # no bound: any whole number
        ("RATE", "1", 1.0),
        ("RATE", "0.5", 0.5),
        ("SHIFT", "[-8, 8]", [-8, 8]),
        ("SHIFT", "2", [2]),
        ("SHOW", "True", True),
        ("KIND", "avg", "avg"),
        ("KIND", "3", "3"),  # str takes anything, as typed
        ("KIND", "'quoted'", "quoted"),
        ("PATH", "[1, 'a']", [1, "a"]),  # a None default takes any literal
        ("PATH", "some/file.npz", "some/file.npz"),
        ("TRAIN", "60000", 60000),
    ],
)
def test_good_values_are_converted(lesson, name, text, value):
    got = plan(lesson, (name, text))[name]
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize(
    "name, text, got, wanted",
    [
        ("DIGIT_INDEX", "1.5", "1.5 (float)", "a whole number in 0..9999"),
        ("DIGIT_INDEX", "True", "True (bool)", "a whole number in 0..9999"),
        ("DIGIT_INDEX", "x", "'x' (str)", "a whole number in 0..9999"),
        ("DIGIT_INDEX", "10000", "10000 (int)", "a whole number in 0..9999"),
        ("DIGIT_INDEX", "-1", "-1 (int)", "a whole number in 0..9999"),
        ("MAX_STRIDE", "0", "0 (int)", "a whole number >= 1"),
        ("SMALL", "9", "9 (int)", "a whole number <= 8"),
        ("RATE", "2", "2 (int)", "a number in 0..1"),
        ("RATE", "nan", "'nan' (str)", "a number in 0..1"),
        ("RATE", "True", "True (bool)", "a number in 0..1"),
        ("SHIFT", "9", "9 (int)", "a list of whole numbers each in -8..8"),
        ("SHIFT", "[1, 2.5]", "[1, 2.5] (list)", "a list of whole numbers each in -8..8"),
        ("SHIFT", "'2, 3'", "'2, 3' (str)", "a list of whole numbers each in -8..8"),
        ("SEEDS", "(0, 1)", "(0, 1) (tuple)", "a list of whole numbers each >= 0"),
        ("SHOW", "1", "1 (int)", "True or False"),
        ("SHOW", "yes", "'yes' (str)", "True or False"),
        ("PATH", "(1, 2)", "(1, 2) (tuple)", "a Python literal"),  # papermill would inject a string
    ],
)
def test_bad_values_are_refused_with_what_to_pass(lesson, name, text, got, wanted):
    with pytest.raises(CourseError) as error:
        plan(lesson, (name, text))
    message = str(error.value)
    assert message.startswith(f"01_x: -p {name} got {got}; {name} takes {wanted}"), message
    assert "(default " in message


def test_every_refusal_is_listed_at_once(lesson):
    other = Lesson(Path("02_y.ipynb"), parse_declarations("SEED = 0  # 0..9: seed"))
    with pytest.raises(CourseError) as error:
        lesson_parameters([lesson, other], [("SEED", "12"), ("DIGIT_INDEX", "x")])
    lines = str(error.value).splitlines()
    assert [line.split(" got")[0] for line in lines] == ["01_x: -p DIGIT_INDEX", "02_y: -p SEED"]


def test_unknown_names_and_missing_quick_are_errors(lesson):
    with pytest.raises(
        CourseError,
        match=r"-p EPOCH: no selected lesson declares this parameter. "
        r"Declared parameters: 01_x: SEED, DIGIT_INDEX",
    ):
        plan(lesson, ("EPOCH", "1"))
    with pytest.raises(CourseError, match="-p QUICK: the quick profile is not a parameter; use --quick"):
        plan(lesson, ("QUICK", "{}"))
    bare = Lesson(Path("02_y.ipynb"), parse_declarations("EPOCHS = 5"))
    with pytest.raises(
        CourseError,
        match=r"--quick: 02_y has no quick profile \(the notebook metadata course.quick "
        r"is missing; declared parameters: EPOCHS\)",
    ):
        lesson_parameters([bare], [], quick=True)


@pytest.mark.parametrize(
    "cell, message",
    [
        (
            "SEED = 0\nQUICK = {'SEED': 1}",
            "line 2 of the parameters cell sets QUICK; the quick profile lives in the notebook metadata course.quick",
        ),
        ("SEED = 0\nQUICK = dict(SEED=1)", "line 2 of the parameters cell sets QUICK"),
        ("N = 12  # 0..9: n", r"the default N = 12 is not a whole number in 0..9"),
        ("NAME = 'max'  # 0..9: n", r"NAME has a bound \(0..9:\) but its default 'max' is not a number"),
        ("SEED = = 0", "cannot parse the parameters cell"),
    ],
)
def test_bad_declarations_are_errors_naming_the_lesson(cell, message):
    with pytest.raises(CourseError, match=message) as error:
        parse_declarations(cell, where="03_z")
    assert str(error.value).startswith("03_z: ")


@pytest.mark.parametrize(
    "quick, message",
    [
        (
            {"EPOCHS": 1},
            "the notebook metadata course.quick sets EPOCHS, which the parameters cell does not declare "
            r"\(declared: SEED\)",
        ),
        ([1], "the notebook metadata course.quick must be a dict of parameter -> value"),
        ({"SEED": 10}, r"course.quick\['SEED'\] got 10 \(int\); SEED takes a whole number in 0..9"),
        ({"SEED": 1.5}, r"course.quick\['SEED'\] got 1.5 \(float\); SEED takes a whole number in 0..9 \(default 0\)"),
        ({"SEED": None}, r"course.quick\['SEED'\] got None \(NoneType\)"),
    ],
)
def test_a_bad_quick_profile_is_an_error_naming_the_lesson(quick, message):
    parameters = parse_declarations("SEED = 0  # 0..9: s")
    with pytest.raises(CourseError, match=message) as error:
        check_quick(quick, parameters, "03_z")
    assert str(error.value).startswith("03_z: ")


def test_a_float_bound_and_a_multi_line_declaration():
    parameters = parse_declarations("RATE = 0.5  # 0.1..1e3: rate\nSIZES = [\n    5,\n    28,\n]  # 1..28: sizes")
    assert (parameters["RATE"].low, parameters["RATE"].high) == (0.1, 1000.0)
    assert (parameters["SIZES"].low, parameters["SIZES"].high) == (1, 28)


def test_cli_values_are_literals_else_text():
    assert [parse_cli_value(v) for v in ("3", "0.5", "True", "None", "[0, 1]", "abc", "1 2", "'x'")] == [
        3,
        0.5,
        True,
        None,
        [0, 1],
        "abc",
        "1 2",
        "x",
    ]


def test_injectable_is_what_papermill_writes_back_as_python():
    assert injectable({"SIZES": [5, 28], "LR": 1e-3, "NAME": "max", "X": None})
    assert not injectable({1: 2}) and not injectable([(1, 2)]) and not injectable(float("inf"))


def test_convert_directly():
    seeds = Parameter("SEEDS", [0], list, int, 0, None)
    assert convert(seeds, 3) == [3] and convert(seeds, [1, 2]) == [1, 2]
    with pytest.raises(ValueError):
        convert(seeds, [-1])
    assert convert(Parameter("K", "max", str), 5, text="5") == "5"
