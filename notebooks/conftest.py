"""pytest in notebooks/, where `make test` runs strict nbval on the lessons.

``_template.ipynb`` is where a new lesson starts, not a lesson: it is stored
without outputs, so a copy starts clean and no lock change (the versions line
start_lesson prints) leaves it stale -- ``course refresh`` re-executes the
lessons only. nbval would fail on a notebook without outputs, so it is left
out here; tests/test_lesson_layout.py::test_the_template_runs_top_to_bottom
executes it in a fresh kernel instead, and the layout tests hold it to every
convention of a lesson.
"""

collect_ignore = ["_template.ipynb"]
