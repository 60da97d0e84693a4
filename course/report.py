"""``build/report.md``: one row per lesson run, and its figures as PNG.

Reads only records: each run record ``build/runs/<lesson>.json`` (status,
time, memory) and the results record it points to (versions, device,
data source, key metrics, seconds per epoch, as the lesson saved them with
``helpers.session.save_results``); the executed notebook only for its
figures. A missing, damaged or foreign file becomes a note in its row.
"""

import base64
import binascii
import datetime
import shutil
import statistics
from pathlib import Path

from course import CourseError
from course.lessons import read_notebook
from course.records import failure_text, format_metrics, peak_place, read_results, read_run
from helpers.files import atomic_write

HEADER = [
    "Lesson",
    "Status",
    "Runtime",
    "Peak memory",
    "Key metrics",
    "Seconds per epoch",
    "Versions",
    "Device",
    "Data source",
    "Date",
]
EXPLANATION = (
    "Runtime: wall time of the lesson (CPU: user + system time of its kernel process tree); peak memory: "
    "largest summed RSS of that tree, sampled every 0.1 s, and the cell (1-based position in the lesson "
    "notebook) that was running then. Key metrics, versions, device, data source and seconds per epoch "
    "come from the lesson's results record (build/results/<lesson>.json)."
)


def export_figures(executed_nb, folder):
    """Write every PNG output of ``executed_nb`` to ``folder`` as
    ``cellNN_K.png`` (NN: 1-based cell position; K: its Kth PNG).
    Returns the paths; an undecodable image is skipped."""
    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    paths = []
    for index, cell in enumerate(executed_nb.cells, start=1):
        pngs = [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
        for k, output in enumerate(pngs, start=1):
            try:
                image = base64.b64decode(output["data"]["image/png"], validate=False)
            except (binascii.Error, TypeError, ValueError):
                continue
            paths.append(atomic_write(folder / f"cell{index:02d}_{k}.png", image))
    return paths


def epoch_summary(epoch_seconds):
    """``"median 21.4 s (3 runs, 15 epochs)"`` of ``{run: [seconds, ...]}``."""
    seconds = [s for run in epoch_seconds.values() if isinstance(run, list) for s in run if isinstance(s, (int, float))]
    if not seconds:
        return "—"
    return f"median {statistics.median(seconds):.1f} s ({len(epoch_seconds)} runs, {len(seconds)} epochs)"


def results_cells(record):
    """The report's cells that come from the lesson's results record:
    key metrics, seconds per epoch, versions, device, data source."""
    if not record.get("results"):
        note = "no results record" if record["status"] == "ok" else "—"
        return [note, "—", "—", "—", "—"]
    results, problem = read_results(record["results"])
    if problem:
        return [f"results record {problem}", "—", "—", "—", "—"]
    versions = ", ".join(f"{name} {version}" for name, version in results["versions"].items()) or "—"
    metrics = format_metrics(results["key_metrics"]) or "—"
    if record.get("quick"):
        metrics = "quick run; " + metrics
    return [
        metrics,
        epoch_summary(results["epoch_seconds"]),
        versions,
        str(results["device"]),
        str(results["data_source"] or "—"),
    ]


def figures_of(record, build):
    """Export the executed notebook's figures; ``(paths, problem)``."""
    output = Path(record.get("output") or "")
    if not output.is_file():
        return [], f"executed notebook {output} is missing"
    try:
        return export_figures(read_notebook(output), Path(build) / "figures" / record["lesson"]), None
    except CourseError as error:
        return [], str(error)


def lesson_row(record, build):
    """``(row cells, detail line)`` for one readable run record."""
    status = record["status"] if not record.get("failure") else failure_text(record["failure"])
    row = [
        record["lesson"],
        status,
        f"{record['seconds']:.1f} s (CPU {record['cpu_seconds']:.1f} s)",
        f"{record['peak_rss_bytes'] / 2**20:.0f} MiB{peak_place(record)}",
        *results_cells(record),
        record["started"][:16].replace("T", " ") + " UTC",
    ]
    figures, problem = figures_of(record, build)
    links = ", ".join(f"[{p.name}](figures/{record['lesson']}/{p.name})" for p in figures) or "none"
    detail = f"- **{record['lesson']}**: executed notebook `{record['output']}`; figures: {links}"
    return row, detail + (f" ({problem})" if problem else "")


def table(rows):
    """A markdown table of ``rows`` under :data:`HEADER` (``|`` escaped)."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    return lines + ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in rows]


def report(build):
    """Write ``build/report.md`` from ``build/runs/*.json`` (and what they
    point to); export figures to ``build/figures/<lesson>/``. A run record
    that cannot be read gets a row saying why. Returns the report's path."""
    build = Path(build)
    rows, details = [], []
    for path in sorted((build / "runs").glob("*.json")):
        record, problem = read_run(path)
        if problem:
            rows.append([path.stem, f"run record {path.name}: {problem}"] + ["—"] * (len(HEADER) - 2))
            continue
        row, detail = lesson_row(record, build)
        rows.append(row)
        details.append(detail)
    now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    lines = ["# Course run report", "", f"Generated {now} by `course report`.", EXPLANATION, ""]
    if rows:
        lines += [*table(rows), "", "## Lessons", "", *details]
    else:
        lines.append("No lesson runs recorded under build/runs/: run `course run` first.")
    return atomic_write(build / "report.md", "\n".join(lines) + "\n")
