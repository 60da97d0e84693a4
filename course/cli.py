"""The course runner's command line: execute the lessons, record, report.

    course run [--only 01,04] [--from 03] [-p NAME VALUE]... [--quick] [--cell-timeout S]
    course refresh [--only 04]
    course report

``run`` executes each lesson of ``notebooks/`` in order, each in a fresh
``convnets-course`` kernel, into ``build/notebooks/`` and writes
``build/report.md``. ``refresh`` re-executes the sources in place (atomic,
only on success); ``pytest --nbval`` then checks their stored outputs.
``report`` rebuilds the report from the records.

Everything that can be checked before a kernel starts is: the lessons are
readable, every ``-p`` value and quick-profile value (notebook metadata
``course.quick``) fits its parameter's type and bound, the build folder
is writable, the kernel exists. Any problem is one message and exit
status 2; a failed lesson gives 1, Ctrl-C 130.
"""

import argparse
import signal
import sys
import tempfile
from pathlib import Path

from course import CourseError
from course.commands import refresh, run
from course.execute import CELL_TIMEOUT, KERNEL
from course.lessons import NOTEBOOKS, REPO, find_lessons, load_lessons, select
from course.parameters import lesson_parameters
from course.records import failures_text
from course.report import report

BUILD = REPO / "build"
INTERRUPTED = 130  # exit status of a run stopped by Ctrl-C (128 + SIGINT)


def seconds(text):
    """``--cell-timeout``: a positive number of seconds."""
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"got {text!r}; pass a positive number of seconds, e.g. 1800")
    return value


def _common(target, default):
    """The shared options, before or after the command (``course --build b run`` = ``course run --build b``)."""
    pick = (lambda value: value) if default else (lambda value: argparse.SUPPRESS)
    target.add_argument("--notebooks", type=Path, default=pick(NOTEBOOKS), help="lesson folder (default: notebooks/)")
    target.add_argument("--build", type=Path, default=pick(BUILD), help="output folder (default: build/)")
    target.add_argument("--kernel", default=pick(KERNEL), help=f"Jupyter kernel (default: {KERNEL})")
    target.add_argument("--no-progress", action="store_true", default=pick(False), help="no progress bars")


def _executing(sub):
    """Options of the commands that execute lessons."""
    _common(sub, default=False)
    sub.add_argument("--only", help="comma-separated lessons, e.g. 01,04")
    sub.add_argument("--from", dest="start", help="start at this lesson, e.g. 03")
    sub.add_argument("--cell-timeout", type=seconds, default=CELL_TIMEOUT,
                     help=f"seconds one cell may run before the lesson fails (default: {CELL_TIMEOUT})")


def parser():
    """The ``course`` argument parser."""
    top = argparse.ArgumentParser(prog="course", description=__doc__.split("\n")[0])
    _common(top, default=True)
    commands = top.add_subparsers(dest="command", required=True)
    run_cmd = commands.add_parser("run", help="execute the lessons into build/notebooks/, then report")
    _executing(run_cmd)
    run_cmd.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                         help="set a parameter in every lesson that declares it (VALUE: a Python literal or text)")
    run_cmd.add_argument("--quick", action="store_true",
                         help="each lesson's quick profile, from its notebook metadata course.quick: "
                              "small data, 1 epoch (-p wins)")
    _executing(commands.add_parser("refresh", help="re-execute the source notebooks in place at their defaults "
                                                   "(atomic); rewrites each lesson's runtime line from the run"))
    _common(commands.add_parser("report", help="build build/report.md and build/figures/"), default=False)
    return top


def check_build(build):
    """``build`` exists (created if need be) and a file can be written in it."""
    try:
        Path(build).mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=build):
            pass
    except OSError as error:
        raise CourseError(f"--build: cannot write to {build} ({error.strerror or error}); "
                          "pass a writable folder") from None


def check_kernel(name):
    """A Jupyter kernelspec ``name`` is installed (where this Python's Jupyter looks)."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    manager = KernelSpecManager()
    try:
        manager.get_kernel_spec(name)
    except NoSuchKernel:
        installed = ", ".join(sorted(manager.find_kernel_specs())) or "none"
        raise CourseError(f"--kernel: no Jupyter kernel named {name!r} is installed (installed: {installed}); "
                          f"`make setup` registers {KERNEL!r}") from None


def chosen_lessons(args):
    """The selected lessons, all read and checked; CourseError if none."""
    lessons = load_lessons(select(find_lessons(args.notebooks), args.only, args.start))
    if not lessons:
        raise CourseError(f"no lessons to run in {args.notebooks}")
    return lessons


def _run(args):
    lessons = chosen_lessons(args)
    overrides = [tuple(pair) for pair in args.parameter]
    lesson_parameters(lessons, overrides, args.quick)  # every value checked before anything is created
    check_build(args.build)
    check_kernel(args.kernel)
    records = run(lessons, args.build, overrides, args.quick, args.kernel, not args.no_progress, args.cell_timeout)
    problems = failures_text(records)
    if problems:
        print(f"{len(problems)} of {len(records)} lesson(s) failed:", *problems, sep="\n", file=sys.stderr)
        return 1
    print(f"all {len(records)} lesson(s) ok")
    return 0


def _refresh(args):
    lessons = chosen_lessons(args)
    check_kernel(args.kernel)
    check_build(args.build)
    outcome = refresh(lessons, args.build, args.kernel, not args.no_progress, args.cell_timeout)
    failed = [name for name, status in outcome.items() if status != "ok"]
    if failed:
        print(f"failed: {', '.join(failed)} (sources unchanged)", file=sys.stderr)
        return 1
    return 0


def _report(args):
    check_build(args.build)
    print(f"report: {report(args.build)}")
    return 0


def _raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv=None):
    """Entry point of ``course`` / ``python -m course``; returns the exit status."""
    args = parser().parse_args(argv)
    saved_sigterm = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)  # stop as cleanly as Ctrl-C
    try:
        return {"run": _run, "refresh": _refresh, "report": _report}[args.command](args)
    except CourseError as error:
        print(f"course: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("course: interrupted; the kernel was shut down, notebooks/ is unchanged", file=sys.stderr)
        return INTERRUPTED
    finally:
        signal.signal(signal.SIGTERM, saved_sigterm)


if __name__ == "__main__":
    sys.exit(main())
