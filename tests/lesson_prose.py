"""Numbers typed into a lesson's markdown that only an output may hold.

DESIGN.md §3b: a measured number (an accuracy, a p-value, a percentage, a
count that depends on data or training) appears in a lesson only in an
output, printed by code, so that strict nbval pins it. Markdown explains;
it may hold integers that are exact facts (93,322 parameters, 26×26) and
numbers quoted from a source, each listed with its reason in the
notebook's metadata ``course.quoted_numbers`` (``{"99.3%": "the book's
prose"}``).

What is flagged, in markdown outside code spans, code fences and link
targets: decimals (``0.9907``, ``1.5``), percentages and percentage points
(``59%``, ``4 pp``, ``12 percent``), scientific notation (``1e-5``) and
counts of the form "N of M" or "N out of M" (``95 of 1,000``). Inline maths
is scanned too: a number typed between dollars is still typed.

A regex cannot tell a measured count from an exact one: "208 of the 784
pixels" (geometry) is flagged like "95 of 1,000 digits" (a trained net's
errors). Such an exact fact is rephrased or quoted with its reason; a count
is not required to be followed by a noun, since "right on 95 of 1,000." is
as measured as "95 of 1,000 digits". What is not a total is left out: an M
followed by ``×`` is a size ("9 of the 3×3 windows"). Bare integers are never
flagged ("it misclassifies 95 digits" passes): keep such counts printed.

Run as a script on notebooks to list what it flags::

    python tests/lesson_prose.py notebooks/04_mnist_convnet.ipynb
"""

import json
import re
import sys
from pathlib import Path

NUMBER = r"\d[\d,]*(?:\.\d+)?"
PATTERNS = {
    "percentage": re.compile(rf"(?<![\w.]){NUMBER}\s*(?:\\?%|\s?pp\b|\s?percent\b|\s?per cent\b)"),
    "scientific": re.compile(r"(?<![\w.])\d+(?:\.\d+)?[eE][-+]?\d+\b"),
    "decimal": re.compile(r"(?<![\w.])\d*\.\d+\b"),
    # "95 of 1,000", "95 out of the 1,000"; not "9 of the 3×3 windows" (a size, not a total)
    "count of a total": re.compile(
        rf"(?<![\w.]){NUMBER}\s+(?:out\s+)?of\s+(?:the\s+|all\s+)?{NUMBER}\b(?!\s*[×x*]\s*\d)"
    ),
}
# Removed before scanning: what is code or an address, not prose.
NOT_PROSE = [
    re.compile(r"```.*?```", re.S),  # code fences
    re.compile(r"`[^`\n]*`"),  # code spans
    re.compile(r"\]\([^)\s]*\)"),  # link targets
    re.compile(r"</?[A-Za-z][^>\n]*>"),  # HTML tags and autolinks (not "p < 0.05 ... >")
    re.compile(r"https?://\S+"),  # bare addresses
]


def prose(markdown):
    """``markdown`` with code, link targets and addresses blanked out (same length)."""
    for pattern in NOT_PROSE:
        markdown = pattern.sub(lambda m: " " * len(m.group(0)), markdown)
    return markdown


def typed_numbers(markdown, quoted=()):
    """``[(kind, text)]``: every number in ``markdown``'s prose that only an
    output may hold, except those whose text is in ``quoted``."""
    text, found, taken = prose(markdown), [], []
    for kind, pattern in PATTERNS.items():
        for match in pattern.finditer(text):
            span = match.span()
            if any(start < span[1] and span[0] < end for start, end in taken):
                continue  # "59%" is one percentage, not a percentage and a decimal
            taken.append(span)
            number = match.group(0).strip()
            if number not in quoted:
                found.append((kind, number))
    return found


def notebook_typed_numbers(notebook):
    """``[(cell index, kind, text)]`` over the markdown cells of ``notebook``
    (an nbformat dict), with its ``course.quoted_numbers`` allowed."""
    quoted = notebook.get("metadata", {}).get("course", {}).get("quoted_numbers", {})
    flagged = []
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "markdown":
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            flagged += [(index, kind, text) for kind, text in typed_numbers(source, quoted)]
    return flagged


def main(paths):
    total = 0
    for path in paths:
        flagged = notebook_typed_numbers(json.loads(Path(path).read_text(encoding="utf-8")))
        total += len(flagged)
        print(f"{path}: {len(flagged)} typed number(s)")
        for index, kind, text in flagged:
            print(f"  cell {index}: {kind}: {text}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
