"""course.lessons: finding, selecting and reading lesson notebooks (no kernels)."""

import pytest
from runner_fixtures import REPO

from course import CourseError
from course.lessons import find_lessons, load_lesson, load_lessons, select


def names(paths):
    return [path.stem for path in paths]


def test_select_only_and_from(tmp_path, make_lesson):
    for name in ("01_a", "02_b", "03_c", "04_d"):
        make_lesson(tmp_path, name, "SEED = 0")
    (tmp_path / "notes.ipynb").write_text("not a lesson: no leading digits")
    paths = find_lessons(tmp_path)
    assert names(paths) == ["01_a", "02_b", "03_c", "04_d"]
    assert names(select(paths, only="01,04")) == ["01_a", "04_d"]
    assert names(select(paths, only="04,1")) == ["01_a", "04_d"]  # course order, numbers or stems
    assert names(select(paths, start="03")) == ["03_c", "04_d"]
    assert names(select(paths, only="02_b,04", start="03")) == ["04_d"]
    with pytest.raises(CourseError, match=r"--only: no lesson '07' \(lessons: 01_a, 02_b, 03_c, 04_d\)"):
        select(paths, only="01,07")
    with pytest.raises(CourseError, match="--from: no lesson '9'"):
        select(paths, start="9")


def test_a_lesson_is_nn_name_ipynb_and_runner_site_and_launch_share_the_rule(tmp_path, make_lesson):
    from course import launch, site

    for name in ("02_b", "01_a", "10_j"):
        make_lesson(tmp_path, name, "SEED = 0")
    for name in ("_template", "1_short", "001_long", "01-dash", "01_", "notes", "01_a.ipynb"):
        make_lesson(tmp_path, name, "SEED = 0")  # not lessons: no two digits, underscore and name
    (tmp_path / "03_folder.ipynb").mkdir()
    assert names(find_lessons(tmp_path)) == ["01_a", "02_b", "10_j"]  # file-name order
    assert site.find_lessons is find_lessons and launch.find_lessons is find_lessons


def test_notebooks_folder_must_exist(tmp_path):
    with pytest.raises(CourseError, match="--notebooks: .* is not a directory"):
        find_lessons(tmp_path / "nope")


def test_the_quick_profile_is_read_from_the_notebook_metadata(tmp_path, make_lesson):
    path = make_lesson(tmp_path, "01_a", "EPOCHS = 5  # 1..: epochs\nRATE = 0.1", quick={"EPOCHS": 1, "RATE": 1})
    lesson = load_lesson(path)
    assert list(lesson.parameters) == ["EPOCHS", "RATE"] and lesson.parameters["EPOCHS"].default == 5
    assert lesson.quick == {"EPOCHS": 1, "RATE": 1.0}  # converted like a -p value
    assert (lesson.name, lesson.number) == ("01_a", "01")
    assert load_lesson(make_lesson(tmp_path, "02_b", "EPOCHS = 5")).quick is None  # no profile: none


def test_a_quick_line_in_the_parameters_cell_says_where_the_profile_goes(tmp_path, make_lesson):
    make_lesson(tmp_path, "01_a", "EPOCHS = 5\nQUICK = {'EPOCHS': 1}")
    with pytest.raises(CourseError) as error:
        load_lessons(find_lessons(tmp_path))
    message = str(error.value)
    assert "01_a: line 2 of the parameters cell sets QUICK" in message
    assert "notebook metadata course.quick" in message and "delete the line" in message


@pytest.mark.parametrize(
    "quick, message",
    [
        (
            {"EPOCH": 1},
            r"02_b: the notebook metadata course.quick sets EPOCH, which the parameters cell does not "
            r"declare \(declared: SEED, EPOCHS\)",
        ),
        (
            {"EPOCHS": 0},
            r"02_b: course.quick\['EPOCHS'\] got 0 \(int\); EPOCHS takes a whole number >= 1 \(default 5\)"
            r"\n\(fix the lesson's quick profile, the notebook metadata course.quick\)",
        ),
        ({"EPOCHS": "1"}, r"02_b: course.quick\['EPOCHS'\] got '1' \(str\); EPOCHS takes a whole number >= 1"),
        ([1], r"02_b: the notebook metadata course.quick must be a dict of parameter -> value, .*got list"),
    ],
)
def test_a_bad_quick_profile_names_the_lesson_and_what_to_fix(tmp_path, make_lesson, quick, message):
    make_lesson(tmp_path, "01_a", "SEED = 0")
    make_lesson(tmp_path, "02_b", "SEED = 0\nEPOCHS = 5  # 1..: epochs", quick=quick)
    with pytest.raises(CourseError, match=message):
        load_lessons(find_lessons(tmp_path))


def test_course_metadata_that_is_not_a_dict(tmp_path, make_lesson):
    import nbformat

    path = make_lesson(tmp_path, "01_a", "SEED = 0")
    nb = nbformat.read(str(path), as_version=4)
    nb.metadata["course"] = "quick"
    nbformat.write(nb, str(path))
    with pytest.raises(CourseError, match="01_a: the notebook metadata course must be a dict"):
        load_lesson(path)


def test_a_lesson_without_parameters_cell_declares_nothing(tmp_path, make_lesson):
    lesson = load_lesson(make_lesson(tmp_path, "01_a", None, "print(1)"))
    assert lesson.parameters == {} and lesson.quick is None


@pytest.mark.parametrize(
    "content, reason",
    [
        ('{"cells": [', "NotJSONError"),  # truncated by a full disk
        ("", "NotJSONError"),
        ("[]", "AttributeError"),  # JSON, but not a notebook
        ("{}", "ValidationError"),
    ],
)
def test_broken_notebooks_are_named_in_one_error(tmp_path, make_lesson, content, reason):
    make_lesson(tmp_path, "01_fine", "SEED = 0")
    (tmp_path / "02_broken.ipynb").write_text(content)
    (tmp_path / "03_broken_too.ipynb").write_text(content)
    with pytest.raises(CourseError) as error:
        load_lessons(find_lessons(tmp_path))
    message = str(error.value)
    assert "02_broken.ipynb: not a readable notebook" in message and reason in message
    assert "03_broken_too.ipynb: not a readable notebook" in message
    # a broken lesson that is not selected does not stop the others
    assert names(lesson.path for lesson in load_lessons(select(find_lessons(tmp_path), only="01"))) == ["01_fine"]


def test_a_parameters_cell_that_does_not_parse_names_its_lesson(tmp_path, make_lesson):
    make_lesson(tmp_path, "01_a", "SEED = = 0")
    with pytest.raises(CourseError, match="01_a: cannot parse the parameters cell"):
        load_lessons(find_lessons(tmp_path))


def test_every_real_lesson_loads():
    """The lessons in notebooks/ declare parameters the runner can check
    (defaults inside their own bounds), a quick profile in their metadata
    of the right types, and no QUICK in their parameters cell."""
    lessons = load_lessons(find_lessons(REPO / "notebooks"))
    assert lessons, "notebooks/ holds no lessons"
    for lesson in lessons:
        assert lesson.quick is not None, f"{lesson.name}: no quick profile (notebook metadata course.quick)"
        assert "SEED" in lesson.parameters, f"{lesson.name}: no SEED"
