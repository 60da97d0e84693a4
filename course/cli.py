"""The ``course`` command: every tool of the course, one subcommand each.

    course run [--only 01,04] [--from 03] [-p NAME VALUE]... [--quick] [--cell-timeout S]
    course refresh [--only 04]
    course report
    course site [--out DIR]
    course launch [--repo OWNER/NAME --ref TAG] [--check]
    course bench [--parts ops,flops ...]   |   course bench summary   |   course bench readme
    course data

``python -m course`` is the same command. It works on the course in the
working directory, never where the package is installed: the lessons are
``notebooks/`` (``--notebooks``), and everything it writes goes under the
build folder: ``--build``, else ``$COURSE_BUILD_DIR``, else ``build/``
(the folder ``helpers.session.save_results`` writes a lesson's record to).

``run`` executes each lesson in order, each in a fresh ``convnets-course``
kernel, into ``build/notebooks/`` and writes ``build/report.md``.
``refresh`` re-executes the sources in place (atomic, only on success);
``pytest --nbval`` then checks their stored outputs. ``report`` rebuilds
the report from the records. ``site`` renders the executed lessons as a
static site in ``build/site/`` (:mod:`course.site`). ``launch`` writes the
Colab and Binder links (:mod:`course.launch`) and ``bench`` runs the
benchmarks of the checkout's ``benchmarks/``; both take options of their
own (``course launch --help``, ``course bench --help``), passed on as given.
``data`` fetches and verifies MNIST (:mod:`helpers.data`).

Everything that can be checked before a kernel starts is checked here,
once, and the checked values are passed on: the lessons are readable,
every ``-p`` value and quick-profile value (notebook metadata
``course.quick``) fits its parameter's type and bound, the build folder
is writable, the kernel exists. Any problem is one message and exit
status 2; a failed lesson gives 1, Ctrl-C 130.
"""

import argparse
import importlib
import signal
import sys
import tempfile
from pathlib import Path

from course import CourseError, launch, site
from course.commands import refresh, run
from course.execute import CELL_TIMEOUT, KERNEL
from course.lessons import NOTEBOOKS, find_lessons, load_lessons, select
from course.parameters import lesson_parameters
from course.records import failures_text
from course.report import report
from helpers.session import default_build_dir

INTERRUPTED = 130  # exit status of a run stopped by Ctrl-C (128 + SIGINT)
FORWARDED = ("launch", "bench")  # commands whose options are their own tool's, passed on untouched
BENCH_TOOLS = {"summary": "benchmarks.summary", "readme": "benchmarks.readme"}  # course bench <tool>; else the bench


def seconds(text):
    """``--cell-timeout``: a positive number of seconds."""
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"got {text!r}; pass a positive number of seconds, e.g. 1800")
    return value


def shared_options():
    """``{flag: add_argument keywords}`` of the options several commands share;
    the build folder's default is read now (``$COURSE_BUILD_DIR`` may change)."""
    return {
        "--notebooks": dict(type=Path, default=NOTEBOOKS, help="the lesson folder (default: ./notebooks)"),
        "--build": dict(
            type=Path, default=default_build_dir(), help="the output folder (default: $COURSE_BUILD_DIR, else ./build)"
        ),
        "--kernel": dict(default=KERNEL, help=f"Jupyter kernel (default: {KERNEL})"),
        "--no-progress": dict(action="store_true", default=False, help="no progress bars"),
    }


def _shared(target, flags, top=False):
    """Add the shared options ``flags`` to ``target``: with their defaults on
    the top parser, without on a command, so that they may come before or
    after it (``course --build b run`` = ``course run --build b``)."""
    options = shared_options()
    for flag in flags:
        target.add_argument(flag, **(options[flag] if top else dict(options[flag], default=argparse.SUPPRESS)))


def _executing(sub):
    """Options of the commands that execute lessons."""
    _shared(sub, ("--notebooks", "--build", "--kernel", "--no-progress"))
    sub.add_argument("--only", help="comma-separated lessons, e.g. 01,04")
    sub.add_argument("--from", dest="start", help="start at this lesson, e.g. 03")
    sub.add_argument(
        "--cell-timeout",
        type=seconds,
        default=CELL_TIMEOUT,
        help=f"seconds one cell may run before the lesson fails (default: {CELL_TIMEOUT})",
    )


def parser():
    """The ``course`` argument parser."""
    top = argparse.ArgumentParser(prog="course", description=__doc__.split("\n")[0])
    _shared(top, shared_options(), top=True)
    commands = top.add_subparsers(dest="command", required=True)
    run_cmd = commands.add_parser("run", help="execute the lessons into build/notebooks/, then report")
    _executing(run_cmd)
    run_cmd.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="set a parameter in every lesson that declares it (VALUE: a Python literal or text)",
    )
    run_cmd.add_argument(
        "--quick",
        action="store_true",
        help="each lesson's quick profile, from its notebook metadata course.quick: small data, 1 epoch (-p wins)",
    )
    _executing(
        commands.add_parser(
            "refresh",
            help="re-execute the source notebooks in place at their defaults "
            "(atomic); rewrites each lesson's runtime line from the run",
        )
    )
    _shared(commands.add_parser("report", help="build build/report.md and build/figures/"), ("--build",))
    site_cmd = commands.add_parser(
        "site", help="the executed lessons as a static site in build/site/ (renders what is committed, runs nothing)"
    )
    _shared(site_cmd, ("--notebooks", "--build"))
    site_cmd.add_argument("--out", type=Path, help="the site's folder (default: site/ in the build folder)")
    # add_help=False: --help goes on to the tool, which lists its own options
    commands.add_parser(
        "launch", add_help=False, help="write the lessons' Colab and Binder links (its options: course launch --help)"
    )
    commands.add_parser(
        "bench",
        add_help=False,
        help="benchmarks: speed, memory, accuracy; course bench summary, "
        "course bench readme (its options: course bench --help)",
    )
    commands.add_parser("data", help="fetch MNIST once, verify and cache it")
    return top


def check_build(build, option="--build"):
    """``build`` exists (created if need be) and a file can be written in it."""
    try:
        Path(build).mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=build):
            pass
    except OSError as error:
        raise CourseError(
            f"{option}: cannot write to {build} ({error.strerror or error}); pass a writable folder"
        ) from None


def check_kernel(name):
    """A Jupyter kernelspec ``name`` is installed (where this Python's Jupyter looks)."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    manager = KernelSpecManager()
    try:
        manager.get_kernel_spec(name)
    except NoSuchKernel:
        installed = ", ".join(sorted(manager.find_kernel_specs())) or "none"
        raise CourseError(
            f"--kernel: no Jupyter kernel named {name!r} is installed (installed: {installed}); "
            f"`make setup` registers {KERNEL!r}"
        ) from None


def chosen_lessons(args):
    """The selected lessons, all read and checked; CourseError if none.
    Their paths are absolute: a kernel runs in its lesson's folder."""
    lessons = load_lessons(select(find_lessons(Path(args.notebooks).resolve()), args.only, args.start))
    if not lessons:
        raise CourseError(f"no lessons to run in {args.notebooks}")
    return lessons


def _run(args):
    lessons = chosen_lessons(args)
    # the one check of every -p and quick value, before anything is created; run injects what it returns
    plan = lesson_parameters(lessons, [tuple(pair) for pair in args.parameter], args.quick)
    check_build(args.build)
    check_kernel(args.kernel)
    records = run(lessons, args.build, plan, args.quick, args.kernel, not args.no_progress, args.cell_timeout)
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


def _site(args):
    out = args.out or Path(args.build) / "site"
    check_build(Path(out).parent, "--out" if args.out else "--build")
    pages = site.build(out, args.notebooks)
    print(f"site: {len(pages)} pages in {out} (open {Path(out) / 'index.html'})")
    return 0


def _data(args):
    from helpers import data  # NumPy and the downloaders: only for this command

    try:
        return data.main()
    except data.MnistUnavailable as error:
        print(f"course data: {error}", file=sys.stderr)
        return 1


def from_checkout(module):
    """Import ``module`` of the course's checkout in the working directory:
    ``benchmarks/`` is not installed with the ``course`` package."""
    package = Path.cwd() / module.split(".")[0]
    if not (package / "__init__.py").is_file():
        raise CourseError(f"no {package.name}/ in {Path.cwd()}: run `course bench` in the course's folder")
    if str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))
    return importlib.import_module(module)


def _bench(argv):
    """``course bench ARGS``: the benchmarks (``benchmarks.cli``); ``course
    bench summary|readme ARGS``: lesson 05's full-data summary, the README's Results."""
    tool = BENCH_TOOLS.get(argv[0]) if argv else None
    status = from_checkout(tool or "benchmarks.cli").main(argv[1:] if tool else argv)
    return status or 0


def _raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv=None):
    """Entry point of ``course`` / ``python -m course``; returns the exit status."""
    top = parser()
    args, rest = top.parse_known_args(argv)
    if args.command in FORWARDED:
        try:
            return {"launch": launch.main, "bench": _bench}[args.command](rest)
        except CourseError as error:
            print(f"course: error: {error}", file=sys.stderr)
            return 2
    if rest:
        top.error(f"unrecognized arguments: {' '.join(rest)}")
    saved_sigterm = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)  # stop as cleanly as Ctrl-C
    try:
        commands = {"run": _run, "refresh": _refresh, "report": _report, "site": _site, "data": _data}
        return commands[args.command](args)
    except CourseError as error:
        print(f"course: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        executing = args.command in ("run", "refresh")
        print(
            "course: interrupted" + ("; the kernel was shut down, notebooks/ is unchanged" if executing else ""),
            file=sys.stderr,
        )
        return INTERRUPTED
    finally:
        signal.signal(signal.SIGTERM, saved_sigterm)


if __name__ == "__main__":
    sys.exit(main())
