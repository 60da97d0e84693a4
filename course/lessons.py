"""Finding the lessons and reading what they declare.

A lesson is a notebook ``NN_name.ipynb`` (NN: two digits; name: letters,
digits, underscores) in the lesson folder, ``notebooks/`` of the working
directory unless ``--notebooks`` names another, taken in file-name order.
That rule, :func:`find_lessons`, is the only one: the runner, the site and
the launch links all ask it (so ``_template.ipynb`` is never a lesson). Its code cell tagged ``parameters`` (papermill's
tag) declares its knobs, one ``NAME = literal  # comment`` per line (see
:mod:`course.parameters` for types and bounds). The cell is read with
``ast``; nothing in it is executed.

Its quick profile -- the values ``course run --quick`` injects -- is the
notebook metadata ``metadata["course"]["quick"]`` (``{"EPOCHS": 1}``),
which a learner does not see; it is checked against the declarations like
a ``-p`` value.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from course import CourseError
from course.parameters import check_quick, parse_declarations

NOTEBOOKS = Path("notebooks")  # relative: the course in the working directory, not where course/ is installed
LESSON_FILE = re.compile(r"^\d\d_\w+\.ipynb$")


@dataclass
class Lesson:
    """One notebook of the course.

    ``parameters``: ``{name: Parameter}`` in the order the cell declares
    them; ``quick``: the quick profile from the notebook metadata
    ``course.quick`` (checked against the declarations, values converted),
    or None when the notebook has none.
    """

    path: Path
    parameters: dict = field(default_factory=dict)
    quick: dict | None = None

    @property
    def name(self):
        """The file name without ``.ipynb``: ``"04_mnist_convnet"``."""
        return self.path.stem

    @property
    def number(self):
        """The leading digits of the file name: ``"04"``."""
        return re.match(r"\d*", self.name).group(0)


def read_notebook(path):
    """The notebook at ``path`` (nbformat 4), or :class:`CourseError`
    saying why it cannot be read (missing, truncated, not a notebook)."""
    import nbformat

    try:
        return nbformat.read(str(path), as_version=4)
    except Exception as error:  # nbformat raises many kinds for a damaged file
        reason = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
        raise CourseError(f"{path}: not a readable notebook ({type(error).__name__}: {reason})") from None


def parameters_cell(nb):
    """The code cell tagged ``parameters``, or None."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            return cell
    return None


def quick_profile(nb, parameters, where):
    """The checked quick profile of notebook ``nb`` (its metadata
    ``course.quick``), or None when it has none."""
    course = nb.get("metadata", {}).get("course", {})
    if not isinstance(course, dict):
        raise CourseError(
            f"{where}: the notebook metadata course must be a dict (it holds quick, "
            f"the quick profile); got {type(course).__name__}"
        )
    if "quick" not in course:
        return None
    return check_quick(course["quick"], parameters, where)


def load_lesson(path):
    """A :class:`Lesson` with the parameters of its parameters cell and the
    quick profile of its metadata; :class:`CourseError` if the notebook,
    the cell or the profile is broken."""
    path = Path(path)
    nb = read_notebook(path)
    cell = parameters_cell(nb)
    parameters = {} if cell is None else parse_declarations(cell.source, where=path.stem)
    return Lesson(path, parameters, quick_profile(nb, parameters, path.stem))


def find_lessons(folder=NOTEBOOKS):
    """The paths of the lessons in ``folder``: every ``NN_name.ipynb``
    (:data:`LESSON_FILE`), in file-name order (not read yet: see
    :func:`load_lessons`)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CourseError(f"--notebooks: {folder} is not a directory")
    return sorted(path for path in folder.iterdir() if LESSON_FILE.match(path.name) and path.is_file())


def _matches(path, key):
    """Whether ``--only``/``--from`` key ``"4"``, ``"04"`` or ``"04_mnist_convnet"`` names ``path``."""
    key = key.strip()
    number = re.match(r"\d*", path.stem).group(0)
    return key == path.stem or (key.isdigit() and number != "" and int(key) == int(number))


def select(paths, only=None, start=None):
    """The lessons among ``paths`` named by ``only`` (``"01,04"``: numbers
    or file stems) and from ``start`` on (``"03"``), in course order."""
    names = ", ".join(path.stem for path in paths) or "none"
    chosen = list(paths)
    if only:
        keys = [key for key in only.split(",") if key.strip()]
        for key in keys:
            if not any(_matches(path, key) for path in paths):
                raise CourseError(f"--only: no lesson {key!r} (lessons: {names})")
        chosen = [path for path in chosen if any(_matches(path, key) for key in keys)]
    if start:
        found = [path for path in paths if _matches(path, start)]
        if not found:
            raise CourseError(f"--from: no lesson {start!r} (lessons: {names})")
        chosen = [path for path in chosen if path.name >= found[0].name]
    return chosen


def load_lessons(paths):
    """:func:`load_lesson` of each path; every broken one is named in one
    :class:`CourseError`, so a run starts only when all can."""
    lessons, problems = [], []
    for path in paths:
        try:
            lessons.append(load_lesson(path))
        except CourseError as error:
            problems.append(str(error))
    if problems:
        raise CourseError("cannot read the lessons:\n  " + "\n  ".join(problems))
    return lessons
