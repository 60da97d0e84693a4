"""course.cli: the subcommands, options, where paths come from, and every
setup error as one message and exit status 2 before any kernel starts (no
kernels here)."""

import subprocess
import sys
from pathlib import Path

import pytest
from runner_fixtures import REPO

from course import cli, commands


def test_command_line_options_go_before_or_after_the_command():
    parser = cli.parser()
    before = parser.parse_args(["--build", "b", "--no-progress", "run", "--quick", "-p", "EPOCHS", "2"])
    after = parser.parse_args(["run", "--build", "b", "--no-progress", "--quick", "-p", "EPOCHS", "2"])
    assert vars(before) == vars(after)
    assert after.build == Path("b") and after.no_progress and after.parameter == [["EPOCHS", "2"]]
    assert after.cell_timeout == cli.CELL_TIMEOUT == 1800
    assert parser.parse_args(["refresh", "--only", "04", "--cell-timeout", "90"]).cell_timeout == 90.0


def test_help_says_where_the_quick_profile_lives(capsys):
    with pytest.raises(SystemExit):
        cli.parser().parse_args(["run", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "quick profile, from its notebook metadata course.quick" in text and "QUICK" not in text


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--cell-timeout", "0"],
        ["run", "--cell-timeout", "-5"],
        ["run", "--cell-timeout", "soon"],
        ["refresh", "--cell-timeout", "inf"],
        ["refresh", "--check"],  # gone: `pytest --nbval` is the check
    ],
)
def test_bad_options_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "positive number of seconds" in err or "unrecognized arguments: --check" in err


COMMANDS = ["run", "refresh", "report", "site", "launch", "bench", "data"]


def test_course_console_script_is_installed_and_lists_every_command(tmp_path):
    """The ``course`` command of the venv starts from any folder and names
    every tool of the course as a subcommand."""
    script = Path(sys.executable).parent / "course"
    done = subprocess.run([str(script), "--help"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "{" + ",".join(COMMANDS) + "}" in done.stdout


def test_paths_come_from_the_working_directory_or_the_environment(tmp_path, monkeypatch):
    """Never from where the package is installed (site-packages, on Colab)."""
    monkeypatch.delenv("COURSE_BUILD_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    args = cli.parser().parse_args(["report"])
    assert args.build == tmp_path / "build" and args.notebooks.resolve() == tmp_path / "notebooks"
    monkeypatch.setenv("COURSE_BUILD_DIR", str(tmp_path / "elsewhere"))
    assert cli.parser().parse_args(["report"]).build == tmp_path / "elsewhere"
    assert cli.parser().parse_args(["report", "--build", "b"]).build == Path("b")  # the option wins


def test_the_parameters_are_checked_once_and_the_checked_values_run(tmp_path, monkeypatch, lessons):
    """``course run`` checks every value (course.parameters.lesson_parameters)
    once, and commands.run injects exactly what that check returned."""
    calls, ran = [], {}
    real = cli.lesson_parameters

    def counted(*args):
        calls.append(args)
        return real(*args)

    def fake_run(lessons, build, plan, *rest):
        ran.update(plan)
        return []

    monkeypatch.setattr(cli, "lesson_parameters", counted)
    monkeypatch.setattr(cli, "run", fake_run)
    monkeypatch.setattr(cli, "check_kernel", lambda name: None)
    code = cli.main(
        [
            "--notebooks",
            str(lessons),
            "--build",
            str(tmp_path / "build"),
            "--no-progress",
            "run",
            "--quick",
            "-p",
            "EPOCHS",
            "3",
        ]
    )
    assert code == 0 and len(calls) == 1
    assert ran == {"01_a": {"EPOCHS": 3}, "02_b": {}}
    assert "lesson_parameters" not in vars(commands), "commands.run must not check the values again"


@pytest.fixture
def lessons(tmp_path, make_lesson):
    """Two lessons whose first code cell would leave a file ``ran`` if a kernel ever ran it."""
    folder = tmp_path / "nb"
    make_lesson(folder, "01_a", "SEED = 0\nEPOCHS = 5  # 1..: epochs", "open('ran', 'w').close()", quick={"EPOCHS": 1})
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
        assert (
            "03_c: line 2 of the parameters cell sets QUICK; the quick profile lives in the notebook "
            "metadata course.quick" in err
        )


def test_site_builds_the_executed_lessons_into_the_build_folder(capsys, tmp_path, lessons, monkeypatch):
    (tmp_path / "README.md").write_text("# A course\n\n[Lesson 1](notebooks/01_a.ipynb)\n")
    (tmp_path / "pyproject.toml").write_text('[tool.course]\nrepository = "alice/course"\nref = "v1.0"\n')
    monkeypatch.chdir(tmp_path)  # the site's index page and launch links: the course in the working directory
    assert cli.main(["--notebooks", str(lessons), "--build", "b", "site"]) == 0
    pages = sorted(path.name for path in (tmp_path / "b" / "site").glob("*.html"))
    assert pages == ["01_a.html", "02_b.html", "index.html"]
    assert "01_a.html" in (tmp_path / "b" / "site" / "index.html").read_text()
    assert (
        "colab.research.google.com/github/alice/course/blob/v1.0/notebooks/01_a.ipynb"
        in (tmp_path / "b" / "site" / "01_a.html").read_text()
    )
    assert "site: 3 pages in b/site" in capsys.readouterr().out
    assert not (lessons / "ran").exists(), "the site renders what is stored, it runs nothing"


def test_site_outside_a_course_is_one_message(capsys, tmp_path, monkeypatch, lessons):
    """No lessons, no README.md or no pyproject.toml in the working directory:
    exit 2 with what is missing, and no site."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()

    def site_error(folder):
        assert cli.main(["--notebooks", str(folder), "site"]) == 2
        return capsys.readouterr().err

    assert "--notebooks: no lessons (NN_name.ipynb) in" in site_error(tmp_path / "empty")
    assert "no README.md: the site's index page is the course's README" in site_error(lessons)
    (tmp_path / "README.md").write_text("# A course\n")
    assert "the launch links come from the course's pyproject.toml [tool.course]" in site_error(lessons)
    assert not (tmp_path / "build" / "site").exists()


def test_bench_and_launch_pass_their_options_on(capsys, monkeypatch):
    """``course bench ARGS`` is the benchmarks' own command line, ``course
    bench summary|readme`` their tools, ``course launch ARGS`` course.launch's."""
    from course import launch

    monkeypatch.chdir(REPO)
    with pytest.raises(SystemExit) as stop:
        cli.main(["bench", "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: course bench") and "--parts" in out and "--build-dir" in out
    with pytest.raises(SystemExit) as stop:
        cli.main(["bench", "--parts", "nine"])
    assert stop.value.code == 2 and "unknown part 'nine'" in capsys.readouterr().err
    for tool, option in (("summary", "--results-dir"), ("readme", "--readme")):
        with pytest.raises(SystemExit):
            cli.main(["bench", tool, "--help"])
        assert option in capsys.readouterr().out
    seen = []
    monkeypatch.setattr(launch, "main", lambda argv: seen.append(argv) or 0)
    assert cli.main(["launch", "--check", "--root", "x"]) == 0 and seen == [["--check", "--root", "x"]]


def test_bench_outside_the_course_folder_is_one_message(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["bench"]) == 2
    assert f"no benchmarks/ in {tmp_path}: run `course bench` in the course's folder" in capsys.readouterr().err


def test_commands_with_options_of_their_own_only_take_those(capsys):
    for argv in (["report", "--only", "01"], ["site", "--quick"], ["data", "--force"]):
        with pytest.raises(SystemExit) as stop:
            cli.main(argv)
        assert stop.value.code == 2 and "unrecognized arguments" in capsys.readouterr().err


def test_no_lessons(capsys, tmp_path):
    (tmp_path / "empty").mkdir()
    assert "no lessons to run" in setup_error(capsys, tmp_path, tmp_path / "empty", "run")
    assert "is not a directory" in setup_error(capsys, tmp_path, tmp_path / "nope", "refresh")
