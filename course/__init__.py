"""The course runner (``course`` / ``python -m course``): executes the lessons
with papermill, records what each run measured, writes the report.

For teachers, CI and maintainers; learners never import it (``helpers`` is
theirs). One module per job:

- ``lessons``: find the lesson notebooks, read their ``parameters`` cell and
  their quick profile (notebook metadata ``course.quick``);
- ``parameters``: type and bound of each parameter, ``-p`` and quick values checked;
- ``execute``: one notebook in a fresh kernel, its time and memory sampled;
- ``records``: the run record per lesson, and reading the lesson's results record;
- ``report``: ``build/report.md`` and the figures as PNG;
- ``commands``: ``run`` and ``refresh``;
- ``cli``: the command line, and the checks before any kernel starts.

``launch`` and ``site`` (the lessons' Colab/Binder links, the course's web
page) are separate tools that share the package.
"""


class CourseError(Exception):
    """Bad input to the runner (unknown lesson or parameter, a value of the
    wrong type, an unwritable build folder, ...): nothing ran. ``course``
    prints the message and exits with status 2."""
