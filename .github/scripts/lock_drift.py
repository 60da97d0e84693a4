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
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uv", default="uv", help="the uv executable (make setup puts one in .venv/uv/bin/uv)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository (Makefile, requirements.in/.txt)")
    parser.add_argument("--fail-on-drift", action="store_true", help="exit 1 when any version would change")
    args = parser.parse_args(argv)

    command = lock_command((args.root / "Makefile").read_text())
    try:
        fresh = resolve_fresh(args.uv, command, cwd=args.root)
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"::error::resolving requirements.in afresh failed: {error}")
        return 2
    changes = drift((args.root / "requirements.txt").read_text(), fresh)
    text = report(changes)
    print(text)
    for name, old, new, labels in changes:
        print(f"::warning title=lock drift::{name} {old} -> {new} ({', '.join(labels)})")
    if os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(os.environ["GITHUB_STEP_SUMMARY"], "a") as summary:
            summary.write("## Lock drift\n\n" + text)
    return 1 if changes and args.fail_on_drift else 0


if __name__ == "__main__":
    sys.exit(main())
