"""Part 3: every lesson at its defaults, through the course runner.

Runs ``python -m course --build <dir> --no-progress run`` (each
lesson in a fresh kernel, executed into ``<dir>/notebooks/``; the sources are
not touched) and reads the runner's per-lesson records
``<dir>/runs/<lesson>.json``: status, wall seconds, CPU seconds and the peak
RSS of the kernel's process tree (the runner samples it every 0.1 s). The whole course's
wall time is the runner command's, start to exit, as a learner waits for it.
"""

import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GB = 1e9  # the targets are in GB (10^9 bytes)


def run(*, build_dir, notebooks=None, quick=False, log=print):
    build_dir = Path(build_dir).resolve()
    runs_dir = build_dir / "runs"
    if runs_dir.exists():  # records of an earlier run must not pass for this one's
        for old in runs_dir.glob("*.json"):
            old.unlink()
    cmd = [sys.executable, "-m", "course", "--build", str(build_dir), "--no-progress"]
    if notebooks is not None:
        cmd += ["--notebooks", str(notebooks)]
    cmd += ["run"] + (["--quick"] if quick else [])
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    wall = time.perf_counter() - start
    records = [json.loads(path.read_text()) for path in sorted(runs_dir.glob("*.json"))]
    if not records:
        raise RuntimeError(
            f"the course runner left no records in {runs_dir} (exit {done.returncode}):\n"
            f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        )
    lessons = {
        r["lesson"]: {
            "status": r["status"],
            "seconds": r["seconds"],
            "peak_rss_bytes": r["peak_rss_bytes"],
            "peak_rss_gb": r["peak_rss_bytes"] / GB,
            "peak_rss_cell": r.get("peak_rss_cell"),  # the cell running at the peak (1-based)
            "cpu_seconds": r.get("cpu_seconds"),  # CPU of the kernel's process tree
            "metrics": r.get("metrics"),
            "failure": r.get("failure"),
            "parameters": r.get("parameters"),
        }
        for r in records
    }
    for name, lesson in lessons.items():
        log(f"  {name:32s} {lesson['status']:7s} {lesson['seconds']:7.1f} s  peak {lesson['peak_rss_gb']:.2f} GB")
    return {
        "command": " ".join(
            ["python", "-m", "course", "--build", str(build_dir), "--no-progress"]
            + (["--notebooks", str(notebooks)] if notebooks is not None else [])
            + ["run"]
            + (["--quick"] if quick else [])
        ),
        "quick": quick,
        "runner_exit_code": done.returncode,
        "all_ok": done.returncode == 0 and all(lesson["status"] == "ok" for lesson in lessons.values()),
        "course_wall_seconds": wall,
        "lessons_seconds_sum": sum(lesson["seconds"] for lesson in lessons.values()),
        "max_peak_rss_gb": max(lesson["peak_rss_gb"] for lesson in lessons.values()),
        "peak_rss": "summed RSS of the lesson kernel's process tree, sampled every 0.1 s by the course runner",
        "lessons": lessons,
    }
