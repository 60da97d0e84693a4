"""course.cli: options, and every setup error as one message and exit
status 2 before any kernel starts (no kernels here)."""

import subprocess
import sys
from pathlib import Path

import pytest

from course import cli


def test_command_line_options_go_before_or_after_the_command():
    parser = cli.parser()
    before = parser.parse_args(["--build", "b", "--no-progress", "run", "--quick", "-p", "EPOCHS", "2"])
    after = parser.parse_args(["run", "--build", "b", "--no-progress", "--quick", "-p", "EPOCHS", "2"])
    assert vars(before) == vars(after)
    assert after.build == Path("b") and after.no_progress and after.parameter == [["EPOCHS", "2"]]
    assert after.cell_timeout == cli.CELL_TIMEOUT == 1800
    assert parser.parse_args(["report"]).build == cli.BUILD
    assert parser.parse_args(["refresh", "--only", "04", "--cell-timeout", "90"]).cell_timeout == 90.0


def test_help_says_where_the_quick_profile_lives(capsys):
    with pytest.raises(SystemExit):
        cli.parser().parse_args(["run", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "quick profile, from its notebook metadata course.quick" in text and "QUICK" not in text


@pytest.mark.parametrize("argv", [
    ["run", "--cell-timeout", "0"], ["run", "--cell-timeout", "-5"], ["run", "--cell-timeout", "soon"],
    ["refresh", "--cell-timeout", "inf"],
    ["refresh", "--check"],  # gone: `pytest --nbval` is the check
])
def test_bad_options_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "positive number of seconds" in err or "unrecognized arguments: --check" in err


def test_course_console_script_is_installed(tmp_path):
    """The ``course`` command of the venv runs this runner from any folder."""
    script = Path(sys.executable).parent / "course"
    done = subprocess.run([str(script), "--help"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "{run,refresh,report}" in done.stdout


@pytest.fixture
def lessons(tmp_path, make_lesson):
    """Two lessons whose first code cell would leave a file ``ran`` if a kernel ever ran it."""
    folder = tmp_path / "nb"
    make_lesson(folder, "01_a", "SEED = 0\nEPOCHS = 5  # 1..: epochs", "open('ran', 'w').close()",
                quick={"EPOCHS": 1})
    make_lesson(folder, "02_b", "TRAIN_SIZE = 100  # 1..60000: images", "open('ran', 'w').close()", quick={})
    return folder


def setup_error(capsys, tmp_path, folder, *argv, build=None):
    """Run ``course`` in-process; assert exit 2, nothing ran, nothing built; return stderr."""
    build = build or tmp_path / "build"
    code = cli.main(["--notebooks", str(folder), "--build", str(build), "--no-progress", *argv])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("course: error: ")
    assert not (folder / "ran").exists()
    return err


def test_unknown_parameter(capsys, tmp_path, lessons):
    err = setup_error(capsys, tmp_path, lessons, "run", "-p", "EPOCHS", "1", "-p", "EPOCH", "1")
    assert "-p EPOCH: no selected lesson declares this parameter" in err
    assert "01_a: SEED, EPOCHS; 02_b: TRAIN_SIZE" in err
    assert not (tmp_path / "build").exists()


def test_wrong_types_and_bounds_name_lesson_parameter_value(capsys, tmp_path, lessons):
    err = setup_error(capsys, tmp_path, lessons, "run", "-p", "EPOCHS", "1.5", "-p", "TRAIN_SIZE", "0")
    assert "01_a: -p EPOCHS got 1.5 (float); EPOCHS takes a whole number >= 1 (default 5)" in err
    assert "02_b: -p TRAIN_SIZE got 0 (int); TRAIN_SIZE takes a whole number in 1..60000 (default 100)" in err
    assert not (tmp_path / "build").exists()


def test_an_unwritable_build_folder(capsys, tmp_path, lessons):
    (tmp_path / "a_file").write_text("")
    err = setup_error(capsys, tmp_path, lessons, "run", build=tmp_path / "a_file" / "build")
    assert "--build: cannot write to" in err and "pass a writable folder" in err
    err = setup_error(capsys, tmp_path, lessons, "report", build=tmp_path / "a_file" / "build")
    assert "--build: cannot write to" in err


def test_a_kernel_that_is_not_installed(capsys, tmp_path, lessons):
    for command in ("run", "refresh"):
        err = setup_error(capsys, tmp_path, lessons, command, "--kernel", "no-such-kernel")
        assert "--kernel: no Jupyter kernel named 'no-such-kernel' is installed (installed: " in err
        assert "convnets-course" in err


def test_a_broken_notebook_among_the_lessons(capsys, tmp_path, lessons):
    (lessons / "03_truncated.ipynb").write_text('{"cells": [{"cell_type": "co')
    for command in ("run", "refresh"):
        err = setup_error(capsys, tmp_path, lessons, command)
        assert "03_truncated.ipynb: not a readable notebook (NotJSONError" in err
    assert not (tmp_path / "build").exists()


def test_a_bad_quick_value_in_a_lesson(capsys, tmp_path, lessons, make_lesson):
    make_lesson(lessons, "03_c", "SEEDS = [0]  # 0..: seeds", quick={"SEEDS": -1})
    err = setup_error(capsys, tmp_path, lessons, "run", "--quick")
    assert "03_c: course.quick['SEEDS'] got -1 (int); SEEDS takes a list of whole numbers each >= 0" in err
    assert "(fix the lesson's quick profile, the notebook metadata course.quick)" in err


def test_a_quick_line_left_in_a_parameters_cell(capsys, tmp_path, lessons, make_lesson):
    make_lesson(lessons, "03_c", "SEEDS = [0]  # 0..: seeds\nQUICK = {'SEEDS': [1]}")
    for command in ("run", "refresh"):
        err = setup_error(capsys, tmp_path, lessons, command)
        assert "03_c: line 2 of the parameters cell sets QUICK; the quick profile lives in the notebook " \
               "metadata course.quick" in err


def test_no_lessons(capsys, tmp_path):
    (tmp_path / "empty").mkdir()
    assert "no lessons to run" in setup_error(capsys, tmp_path, tmp_path / "empty", "run")
    assert "is not a directory" in setup_error(capsys, tmp_path, tmp_path / "nope", "refresh")
