"""Which locked versions would change if the lock were generated today?

    python .github/scripts/lock_drift.py --uv .venv/uv/bin/uv

Resolves requirements.in afresh with the Makefile's own lock command
(``uv $(LOCK_COMMAND)``, into a temp file, so no existing pin steers the
resolver) and compares, platform by platform, what each lock installs. The
weekly CI job runs it: CI keeps testing the committed lock and this says,
in the job summary and as warnings, what a `make lock` from scratch would
move, so drift is seen instead of silently tested. Exit status 0 whether or
not anything drifted (2 if the resolve itself fails); ``--fail-on-drift``
makes drift exit 1.

It also checks Colab's pins, requirements-colab.txt (tests/test_colab.py
installs them). Colab's runtime list cannot be read from CI, so that file
is refreshed by hand: in a fresh Colab notebook run
``!python --version; pip list --format=freeze > colab.txt``, download
colab.txt, then

    python .github/scripts/lock_drift.py --colab-freeze colab.txt --colab-python 3.X --write-colab

compares (and with ``--write-colab`` rewrites) the pins and the Python
version, and stamps today's date. Without ``--colab-freeze`` the weekly job
only checks that the file parses and warns when it is older than
``COLAB_MAX_AGE_DAYS``: it cannot tell whether Colab has moved.
"""

import argparse
import datetime
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
# Where the course runs (the lock's markers name these), at the oldest and a late 3.11.
PLATFORMS = {
    "linux-x86_64": dict(sys_platform="linux", platform_machine="x86_64", os_name="posix", platform_system="Linux"),
    "macos-arm64": dict(sys_platform="darwin", platform_machine="arm64", os_name="posix", platform_system="Darwin"),
    "windows-amd64": dict(sys_platform="win32", platform_machine="AMD64", os_name="nt", platform_system="Windows"),
}
PYTHONS = ("3.11.0", "3.11.14")


def environments():
    """{label: marker environment} for every platform x Python 3.11 checked."""
    return {
        f"{platform} py{python}": {**markers, "python_full_version": python, "python_version": "3.11",
                                   "implementation_name": "cpython", "platform_python_implementation": "CPython"}
        for platform, markers in PLATFORMS.items() for python in PYTHONS
    }


def lock_command(makefile_text):
    """The uv arguments of the Makefile's ``LOCK_COMMAND := ...`` line, as a list."""
    found = re.search(r"^LOCK_COMMAND := (.+)$", makefile_text, re.M)
    if not found:
        raise ValueError("the Makefile has no 'LOCK_COMMAND := ...' line; lock_drift runs that command")
    return found.group(1).split()


def versions(lock_text, environment):
    """{normalized name: version} the lock ``lock_text`` installs in ``environment``."""
    chosen = {}
    for line in lock_text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(environment):
            (specifier,) = requirement.specifier
            chosen[re.sub(r"[-_.]+", "-", requirement.name).lower()] = specifier.version
    return chosen


def drift(locked_text, fresh_text, checked=None):
    """[(name, locked version or None, fresh version or None, [environment labels])]
    for every package whose version differs between the two locks somewhere."""
    checked = environments() if checked is None else checked
    changes = {}
    for label, environment in checked.items():
        old, new = versions(locked_text, environment), versions(fresh_text, environment)
        for name in sorted(set(old) | set(new)):
            if old.get(name) != new.get(name):
                changes.setdefault((name, old.get(name), new.get(name)), []).append(label)
    return [(name, old, new, labels) for (name, old, new), labels in sorted(changes.items(), key=str)]


def report(changes):
    """Markdown for a job summary: one row per change."""
    if not changes:
        return "No drift: resolving requirements.in today gives the committed lock.\n"
    rows = [f"| {name} | {old or '(absent)'} | {new or '(absent)'} | {', '.join(labels)} |"
            for name, old, new, labels in changes]
    return "\n".join([
        f"{len(changes)} locked versions would change if the lock were generated today "
        "(CI still tests the committed lock; `rm requirements.txt && make lock` adopts them):",
        "", "| package | locked | today | where |", "|---|---|---|---|", *rows, "",
    ])


def resolve_fresh(uv, command, cwd=ROOT):
    """Run ``uv <command> -o <temp file>`` in ``cwd``; return the fresh lock's text."""
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "requirements.txt"
        subprocess.run([uv, *command, "--quiet", "-o", str(output)], cwd=cwd, check=True)
        return output.read_text()


# -- Colab's pins (requirements-colab.txt) -----------------------------------

COLAB_PACKAGES = ("tensorflow", "keras", "numpy", "matplotlib", "ipywidgets")
COLAB_MAX_AGE_DAYS = 90


class ColabPins(NamedTuple):
    python: str   # "3.13"
    as_of: str    # "2026-08" or "2026-08-14": when Colab's list was read
    pins: dict    # {name: version}, the COLAB_PACKAGES


def colab_pins(text):
    """The Python, date and pins of requirements-colab.txt's ``text``; ValueError
    naming the line if it is not ``# python: X.Y``, ``# as of: YYYY-MM[-DD]``
    and one ``name==version`` per package of COLAB_PACKAGES."""
    python = re.search(r"^# python: (\d+\.\d+)$", text, re.M)
    as_of = re.search(r"^# as of: (\d{4}-\d{2}(?:-\d{2})?)$", text, re.M)
    if not python or not as_of:
        raise ValueError("requirements-colab.txt needs a '# python: 3.X' and an '# as of: YYYY-MM' line")
    pins = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            requirement = Requirement(line)
            specifiers = list(requirement.specifier)
            if len(specifiers) != 1 or specifiers[0].operator != "==" or requirement.marker or requirement.extras:
                raise ValueError(f"requirements-colab.txt: {line!r} must be a plain name==version pin")
            pins[re.sub(r"[-_.]+", "-", requirement.name).lower()] = specifiers[0].version
    if sorted(pins) != sorted(COLAB_PACKAGES):
        raise ValueError(f"requirements-colab.txt must pin exactly {', '.join(COLAB_PACKAGES)}; it pins {', '.join(pins)}")
    return ColabPins(python.group(1), as_of.group(1), pins)


def colab_age_days(as_of, today):
    """Days from ``as_of`` ("2026-08" counts from its first day) to ``today`` (a date)."""
    return (today - datetime.date.fromisoformat(as_of if len(as_of) > 7 else as_of + "-01")).days


def freeze_versions(freeze_text):
    """{normalized name: version} of ``pip list --format=freeze`` output (other lines ignored)."""
    found = {}
    for line in freeze_text.splitlines():
        name, sep, version = line.strip().partition("==")
        if sep and name and not name.startswith("#"):
            found[re.sub(r"[-_.]+", "-", name).lower()] = version.strip()
    return found


def colab_changes(colab, freeze_text, python=None):
    """[(what, pinned, Colab's)] where Colab's ``pip list --format=freeze``
    (and its Python ``python``, if given) differs from ``colab``, a ColabPins."""
    found = freeze_versions(freeze_text)
    changes = [(name, pinned, found.get(name)) for name, pinned in colab.pins.items() if found.get(name) != pinned]
    if python is not None and python != colab.python:
        changes.insert(0, ("python", colab.python, python))
    return changes


def refreshed_colab(text, freeze_text, python=None, today=None):
    """requirements-colab.txt's ``text`` with Colab's versions from the freeze
    (and ``python``), dated ``today``; ValueError if the freeze lacks a package."""
    found = freeze_versions(freeze_text)
    missing = [name for name in COLAB_PACKAGES if name not in found]
    if missing:
        raise ValueError(f"the Colab freeze has no {', '.join(missing)}; pass the output of `pip list --format=freeze`")
    colab = colab_pins(text)
    for name, pinned in colab.pins.items():
        text = re.sub(rf"^{re.escape(name)}=={re.escape(pinned)}$", f"{name}=={found[name]}", text, flags=re.M)
    text = re.sub(r"^# as of: .*$", f"# as of: {(today or datetime.date.today()).isoformat()}", text, flags=re.M)
    return re.sub(r"^# python: .*$", f"# python: {python or colab.python}", text, flags=re.M)


def check_colab(path, freeze=None, python=None, write=False, today=None):
    """Lines for the report on Colab's pins at ``path`` (see the module's doc)."""
    text = Path(path).read_text()
    colab = colab_pins(text)
    if freeze is None:
        age = colab_age_days(colab.as_of, today or datetime.date.today())
        line = (f"Colab's pins (Python {colab.python}, read from Colab's list {colab.as_of}, {age} days ago) parse; "
                "CI cannot read Colab's list: refresh them by hand (.github/scripts/lock_drift.py's doc).")
        if age > COLAB_MAX_AGE_DAYS:
            return [line, f"::warning title=Colab pins::requirements-colab.txt is {age} days old; refresh it by hand"]
        return [line]
    changes = colab_changes(colab, Path(freeze).read_text(), python)
    lines = [f"Colab: {name} {pinned} -> {now or '(absent)'}" for name, pinned, now in changes] or [
        "Colab's pins match the freeze."]
    if write:
        Path(path).write_text(refreshed_colab(text, Path(freeze).read_text(), python, today))
        lines.append(f"wrote {path}")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uv", default="uv", help="the uv executable (make setup puts one in .venv/uv/bin/uv)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository (Makefile, requirements.in/.txt)")
    parser.add_argument("--fail-on-drift", action="store_true", help="exit 1 when any version would change")
    parser.add_argument("--colab-freeze", type=Path, help="`pip list --format=freeze` output from a fresh Colab notebook")
    parser.add_argument("--colab-python", help="Colab's Python, X.Y (from `!python --version` there)")
    parser.add_argument("--write-colab", action="store_true", help="rewrite requirements-colab.txt from --colab-freeze")
    args = parser.parse_args(argv)
    if args.write_colab and not args.colab_freeze:
        parser.error("--write-colab needs --colab-freeze")
    try:
        colab_lines = check_colab(args.root / "requirements-colab.txt", args.colab_freeze, args.colab_python,
                                  args.write_colab)
    except (OSError, ValueError) as error:
        print(f"::error::requirements-colab.txt: {error}")
        return 2
    if args.colab_freeze:  # a refresh by hand: Colab's pins only
        print("\n".join(colab_lines))
        return 0

    command = lock_command((args.root / "Makefile").read_text())
    try:
        fresh = resolve_fresh(args.uv, command, cwd=args.root)
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"::error::resolving requirements.in afresh failed: {error}")
        return 2
    changes = drift((args.root / "requirements.txt").read_text(), fresh)
    text = report(changes)
    print(text)
    print("\n".join(colab_lines))
    for name, old, new, labels in changes:
        print(f"::warning title=lock drift::{name} {old} -> {new} ({', '.join(labels)})")
    if os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(os.environ["GITHUB_STEP_SUMMARY"], "a") as summary:
            summary.write("## Lock drift\n\n" + text + "\n## Colab's pins\n\n"
                          + "\n".join(line for line in colab_lines if not line.startswith("::")) + "\n")
    return 1 if changes and args.fail_on_drift else 0


if __name__ == "__main__":
    sys.exit(main())
