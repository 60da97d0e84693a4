"""The course's one command, ``course`` (``python -m course``): executes the
lessons with papermill, records what each run measured, writes the report,
and renders the site, the launch links, the benchmarks and the data.

For teachers, CI and maintainers; learners never import it (``helpers`` is
theirs). It works on the course in the working directory (``notebooks/``,
``build/``; ``COURSE_BUILD_DIR`` or ``--build`` moves the build folder),
never where the package is installed. One module per job:

- ``lessons``: what a lesson is (``NN_name.ipynb``, the one rule the
  runner, the site and the launch links use), its ``parameters`` cell and
  its quick profile (notebook metadata ``course.quick``);
- ``parameters``: type and bound of each parameter, ``-p`` and quick values checked;
- ``execute``: one notebook in a fresh kernel, its time and memory sampled;
- ``records``: the run record per lesson, and reading the lesson's results record;
- ``report``: ``build/report.md`` and the figures as PNG;
- ``commands``: ``run`` and ``refresh``, given lessons and checked values;
- ``site``: the executed lessons as a static site;
- ``launch``: the lessons' Colab/Binder links and Colab set-up cell;
- ``cli``: the ``course`` command line: every subcommand, and the checks
  before any kernel starts, made once.
"""


class CourseError(Exception):
    """Bad input to the runner (unknown lesson or parameter, a value of the
    wrong type, an unwritable build folder, ...): nothing ran. ``course``
    prints the message and exits with status 2."""
