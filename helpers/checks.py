"""The argument checks every public helper runs at its boundary.

A helper checks each argument in one line, before its idea::

    x = checks.array_of(x, "x", "(N, H, W, C)", kinds="iuf")
    stride = checks.positive_int(stride, "stride")
    checks.require(k <= n, "k", f"fit in the input n={n}; use padding='same'", f"k={k}")

Each checker takes the value and the argument's ``name``, returns the value
(converted where that is the point, e.g. an ``np.integer`` to ``int`` or a
list to an array) and otherwise raises:

* ``TypeError`` when the *kind* of value is wrong (a float where an int is
  needed, a string where an array is needed, ``None``);
* ``ValueError`` when the kind is right but the value is not (``0`` where
  ``>= 1`` is needed, the wrong shape, NaN, an unknown option).

Every message has the same three parts -- the argument's name, what it got,
what to pass -- e.g. ``stride must be an int >= 1, got 0``::

    >>> positive_int(0, "stride")
    Traceback (most recent call last):
    ValueError: stride must be an int >= 1, got 0

``bool`` is never accepted as an int (``True`` is almost always a mistake
for a size), and a whole float (``3.0``) is not an int either.

(These check a helper's *arguments*; ``helpers.exercises.check`` grades a
learner's *answer*, and never raises for a wrong one.)
"""

import ast
import functools
import math
import numbers
import os
import re
from pathlib import Path

import numpy as np

# numpy dtype kinds, in words for messages
KIND_NAMES = {
    "b": "bool",
    "i": "int",
    "u": "unsigned int",
    "f": "float",
    "c": "complex",
    "U": "str",
    "S": "bytes",
    "O": "object",
    "M": "datetime",
    "m": "timedelta",
    "V": "void",
}
NUMERIC = "iuf"  # real numbers (no bool, no complex)
PADDINGS = ("valid", "same")


def describe(value, limit=60):
    """A short description of ``value`` for an error message: its repr
    (cut to ``limit`` characters) and, unless obvious, its type; arrays by
    shape and dtype, never their contents."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if hasattr(value, "shape") and hasattr(value, "dtype") and not np.isscalar(value):
        return f"a {type(value).__name__} of shape {tuple(value.shape)} and dtype {value.dtype}"
    text = repr(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    if value is None or (isinstance(value, (int, float, str, tuple)) and not isinstance(value, bool)):
        return text
    return f"{text} ({type(value).__name__})"


def require(ok, name, must, got, error=ValueError):
    """Nothing if ``ok``; else ``error("<name> must <must>, got <got>")``.

    The one line for a rule that ties an argument to the others, e.g.
    ``require(k <= n, "kernel", f"fit in the {n}x{n} input", f"{k}x{k}")``.
    ``got`` is text, as the message shows it.
    """
    if not ok:
        raise error(f"{name} must {must}, got {got}")


def instance(value, name, types, what):
    """``value`` if it is an instance of ``types``; else ``TypeError`` saying
    it must be ``what`` (e.g. ``"a Keras model (e.g. models.mnist_convnet())"``)."""
    if not isinstance(value, types):
        raise TypeError(f"{name} must be {what}, got {describe(value)}")
    return value


# --- numbers and options ---------------------------------------------------------


def is_int(value):
    """True for a Python or NumPy integer that is not a bool."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def is_number(value):
    """True for a real number (Python or NumPy int or float) that is not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def integer(value, name, minimum=None, maximum=None):
    """An int (Python or NumPy, not bool) in ``minimum..maximum`` (either may
    be None: unbounded); returned as a Python ``int``."""
    bounds = _bounds(minimum, maximum)
    if not is_int(value):
        raise TypeError(f"{name} must be an int{bounds}, got {describe(value)}")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be an int{bounds}, got {value}")
    return int(value)


def positive_int(value, name, maximum=None):
    """An int >= 1 (a size, a count, a stride)."""
    return integer(value, name, 1, maximum)


def non_negative_int(value, name, maximum=None):
    """An int >= 0 (a seed, a padding, an index)."""
    return integer(value, name, 0, maximum)


def number(value, name, minimum=None, maximum=None, finite=True):
    """A real number (int or float, not bool), finite unless ``finite=False``,
    in ``minimum..maximum``; returned as it is."""
    bounds = _bounds(minimum, maximum)
    what = f"a {'finite ' if finite else ''}number{bounds}"
    if not is_number(value):
        raise TypeError(f"{name} must be {what}, got {describe(value)}")
    if finite and not np.isfinite(value):
        raise ValueError(f"{name} must be {what}, got {value}")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {what}, got {value}")
    return value


def boolean(value, name):
    """``True`` or ``False`` (a NumPy bool too); returned as a Python bool."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {describe(value)}")
    return bool(value)


def text(value, name, empty=False):
    """A ``str`` (non-empty unless ``empty=True``)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {describe(value)}")
    if not empty and not value:
        raise ValueError(f"{name} must be a non-empty str, got ''")
    return value


def path(value, name):
    """A file path: a non-empty ``str`` or an ``os.PathLike`` (a ``Path``); returned as a ``Path``."""
    if not isinstance(value, (str, os.PathLike)) or not str(value):
        raise TypeError(f"{name} must be a file path (a non-empty str or a Path), got {describe(value)}")
    return Path(value)


def function(value, name):
    """Something callable."""
    if not callable(value):
        raise TypeError(f"{name} must be a function (callable), got {describe(value)}")
    return value


def one_of(value, name, options):
    """``value`` if it is one of ``options`` (compared by type and ``==``, so
    an array or a list never raises here); else ``ValueError`` listing them."""

    def same_kind(option):
        return isinstance(value, type(option)) and isinstance(value, bool) == isinstance(option, bool)

    for option in options:
        if same_kind(option) and value == option:
            return option
    listed = ", ".join(repr(o) for o in options)
    hint = ""
    if isinstance(value, str) and any(isinstance(o, str) and o == value.lower() for o in options):
        hint = " (lower case)"
    error = ValueError if any(same_kind(o) for o in options) else TypeError
    raise error(f"{name} must be one of {listed}{hint}, got {describe(value)}")


# --- sizes and paddings ----------------------------------------------------------


def pair(value, name, minimum=1):
    """An int ``k`` (meaning ``(k, k)``) or a pair of ints, each >= ``minimum``;
    returned as a tuple of two Python ints."""
    what = f"an int >= {minimum} or a pair of them"
    if is_int(value):
        values = (value, value)
    elif isinstance(value, (tuple, list, np.ndarray)) and len(value) == 2 and all(is_int(v) for v in value):
        values = tuple(value)
    else:
        raise TypeError(f"{name} must be {what}, got {describe(value)}")
    if min(values) < minimum:
        raise ValueError(f"{name} must be {what}, got {describe(value)}")
    return tuple(int(v) for v in values)


def padding(value, name, pairs=False):
    """``'valid'`` or ``'same'``; with ``pairs=True`` also an explicit
    ``(before, after)`` pair of ints >= 0, returned as a tuple of ints."""
    if not pairs or isinstance(value, str):
        return one_of(value, name, PADDINGS)
    if not (isinstance(value, (tuple, list)) and len(value) == 2 and all(is_int(p) for p in value)):
        raise TypeError(
            f"{name} must be 'valid', 'same' or a (before, after) pair of ints >= 0, "
            f"got {describe(value)}; for p zeros on each side pass (p, p)"
        )
    require(min(value) >= 0, name, "not be negative", tuple(value))
    return int(value[0]), int(value[1])


def pads(value, name):
    """Zeros to add around an image: an int ``p`` (``p`` on all four sides)
    or ``((top, bottom), (left, right))``, as ``keras.layers.ZeroPadding2D``
    takes them; returned in the second form, as Python ints."""
    if is_int(value):
        value = ((value, value), (value, value))
    try:
        (top, bottom), (left, right) = value
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an int or ((top, bottom), (left, right)), got {describe(value)}") from None
    for side, amount in zip(("top", "bottom", "left", "right"), (top, bottom, left, right)):
        if not is_int(amount):
            raise TypeError(f"{name} must hold ints (zeros to add), got {side}={describe(amount)}")
    require(min(top, bottom, left, right) >= 0, name, "not be negative", describe(value))
    return (int(top), int(bottom)), (int(left), int(right))


def fill_value(value, name, dtype):
    """``value`` if an array of ``dtype`` holds it exactly (an int in range
    for an integer dtype, 0 or 1 for bool; -inf is fine for a float)."""
    dtype = np.dtype(dtype)
    if dtype.kind == "b" and isinstance(value, (bool, np.bool_)):
        return bool(value)
    number(value, name, finite=False)
    if dtype.kind == "f":
        return value
    if dtype.kind == "b":
        require(value in (0, 1), name, "be 0 or 1 to fill a bool array", value)
        return bool(value)
    low, high = np.iinfo(dtype).min, np.iinfo(dtype).max
    require(
        float(value).is_integer() and low <= value <= high,
        name,
        f"be an int in {low}..{high} to fill a {dtype} array (or convert to float first)",
        value,
    )
    return int(value)


# --- containers ------------------------------------------------------------------


def dict_of(value, name, what, keys=object):
    """A non-empty ``dict`` of ``what`` (words for the message, e.g.
    ``"run name -> history dict"``), every key an instance of ``keys``."""
    if not isinstance(value, dict) or not value or not all(isinstance(key, keys) for key in value):
        raise TypeError(f"{name} must be a non-empty dict of {what}, got {describe(value)}")
    return value


def list_of(value, name, what, length=None, at_least=1):
    """A non-empty list, tuple or 1-D array of ``what`` (a ``str`` is one
    item, not a list); of exactly ``length`` items when given, else of at
    least ``at_least`` (``at_least=0``: may be empty)."""
    if (
        not isinstance(value, (list, tuple, np.ndarray))
        or (isinstance(value, np.ndarray) and value.ndim == 0)
        or (not len(value) and at_least)
    ):
        raise TypeError(f"{name} must be a {'non-empty ' * bool(at_least)}list of {what}, got {describe(value)}")
    if length is not None and len(value) != length:
        raise ValueError(f"{name} must be a list of {length} {what}, got {len(value)}")
    if len(value) < at_least:
        raise ValueError(f"{name} must be a list of at least {at_least} {what}, got {len(value)}")
    return value


def nested(value, name, form):
    """``value`` if it is nested as ``form`` writes it, in tuples or lists of
    those lengths, e.g. ``nested(data, "data", "((x_train, y_train), (x_test, y_test))")``;
    else ``TypeError`` quoting ``form``."""
    if not _nested_like(value, _template(form)):
        raise TypeError(f"{name} must be {form}, got {describe(value)}")
    return value


def same_length(**named):
    """All the named sequences have the same ``len``:
    ``same_length(images=x, labels=y)``."""
    lengths = {name: len(value) for name, value in named.items()}
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{name} {length}" for name, length in lengths.items())
        raise ValueError(f"{' and '.join(named)} must have the same length, got {listed}")
    return next(iter(lengths.values()), 0)


# --- arrays ----------------------------------------------------------------------


def array_of(value, name, shape=None, kinds=None, *, sizes=None, empty=True, finite=False, hint=None):
    """``value`` as a NumPy array, checked against what its docstring says.

    ``shape``: the shapes allowed, written as a docstring writes them:
    ``"(N, H, W, C)"``, ``"(H, W) or (H, W, C)"``, ``"(N, ...)"`` (``...``
    last: any further axes), or an exact shape such as ``(2, 4, 4, 3)``.
    An axis is a name or a number; a name used twice means one size
    (``"(K, K)"``: square), and ``sizes`` gives names the sizes the other
    arguments fix (``sizes={"c_in": 3}``).
    ``kinds``: the dtype kinds allowed, in NumPy's letters (``"iuf"`` real
    numbers, ``"biuf"`` with bools, ``"iu"`` integers).
    ``empty``: True (any axis may be 0), False (none), or the name of the
    one axis of ``shape`` that may be 0 (``"N"``: an empty batch means
    something; the other named axes must be >= 1).
    ``finite=True`` refuses NaN and infinities. ``hint``: ``{ndim: words}``,
    added to the message for a wrong shape with that many dimensions
    (``{2: "for one image use x[np.newaxis]"}``).
    """
    words = _array_words(shape, kinds)
    if value is None or isinstance(value, (str, bytes, dict, set)):
        raise TypeError(f"{name} must be {words}, got {describe(value)}")
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):  # ragged nested lists
        raise ValueError(
            f"{name} must be {words}, got {describe(value)}, which is not rectangular (rows of different lengths?)"
        ) from None
    _check_layout(array.shape, array.dtype, name, shape, kinds, sizes, empty, hint=hint)
    if finite and array.dtype.kind in "fc" and not np.isfinite(array).all():
        bad = int(array.size - np.count_nonzero(np.isfinite(array)))
        raise ValueError(
            f"{name} must hold finite numbers, got {bad} NaN or infinite "
            f"value{'s' if bad > 1 else ''} in shape {array.shape}"
        )
    return array


def samples(value, name, shape, kinds=None, *, sizes=None, chunk=4096):
    """A big array or tensor of samples along axis 0 (training images or
    labels), checked without a copy: ``shape``, ``kinds`` and ``sizes`` as
    for :func:`array_of`, at least one sample, and no NaN or infinity
    (looked for ``chunk`` samples at a time: no second full-size array)."""
    if not (hasattr(value, "shape") and hasattr(value, "dtype")):  # a list, None, a str: as array_of
        value = array_of(value, name, shape, kinds, sizes=sizes)
    _check_layout(tuple(value.shape), _numpy_dtype(value.dtype), name, shape, kinds, sizes, False, shape_first=True)
    for start in range(0, len(value), chunk):
        part = np.asarray(value[start : start + chunk])
        finite_rows = np.isfinite(part).reshape(len(part), -1).all(axis=1)
        if not finite_rows.all():
            raise ValueError(
                f"{name} must hold finite numbers, got NaN or inf in sample "
                f"{start + np.flatnonzero(~finite_rows)[0]}; fix or drop that sample"
            )
    return value


# The most memory one array a helper makes may take. Binder gives a learner
# 2 GB in all; a size this big is a typo (pad=10**5), and NumPy's own
# failure ("array is too big", a MemoryError for 1.75 TiB) names no argument.
MAX_ARRAY_BYTES = 2**30


def fits_in_memory(shape, dtype, name):
    """Refuse, naming ``name``, an array of ``shape`` and ``dtype`` that would
    take more than ``MAX_ARRAY_BYTES``; computed before anything is allocated."""
    size = math.prod(int(n) for n in shape) * np.dtype(dtype).itemsize  # Python ints: no overflow
    if size > MAX_ARRAY_BYTES:
        raise ValueError(
            f"{name} would make an array of shape {tuple(int(n) for n in shape)} "
            f"({size / 2**30:,.1f} GiB of {np.dtype(dtype)}), more than the "
            f"{MAX_ARRAY_BYTES / 2**30:g} GiB a helper may allocate; pass a smaller {name}"
        )
    return size


# --- the shapes and words behind the checkers ------------------------------------------


def _check_layout(shape_of_value, dtype, name, shape, kinds, sizes, empty, shape_first=False, hint=None):
    """The dtype kind, the shape (with ``sizes``) and the empty axes of an
    array, as :func:`array_of` documents them; the kind first, unless
    ``shape_first`` (for samples, whose shape tells more: labels not one-hot)."""
    words, hint = _array_words(shape, kinds), (hint or {}).get(len(shape_of_value), "")
    hint = hint and f"; {hint}"
    axes = _matching_axes(shape, len(shape_of_value))
    if shape_first and axes is None:
        raise ValueError(f"{name} must be {words}, got shape {shape_of_value} (ndim {len(shape_of_value)}){hint}")
    if kinds is not None and dtype.kind not in kinds:
        raise TypeError(f"{name} must be {words}, got dtype {dtype} ({KIND_NAMES.get(dtype.kind, '?')})")
    if axes is None:
        raise ValueError(f"{name} must be {words}, got shape {shape_of_value} (ndim {len(shape_of_value)}){hint}")
    known = dict(sizes or {})
    for axis, size in zip(axes, shape_of_value):
        expected = int(axis) if axis.isdigit() else known.setdefault(axis, size)
        if axis != "..." and size != expected:
            named = "" if axis.isdigit() else f" with {axis} = {expected}"
            raise ValueError(f"{name} must be {words}{named}, got shape {shape_of_value}{hint}")
    for axis, size in zip(axes if empty is not True else (), shape_of_value):
        if size == 0 and axis not in (empty, "..."):
            raise ValueError(f"{name} must have {axis} >= 1, got shape {shape_of_value}")
    if empty is False and 0 in shape_of_value:  # no shape given, or an axis of its "..."
        raise ValueError(f"{name} must not be empty, got shape {shape_of_value}")


def _numpy_dtype(dtype):
    """The NumPy dtype of an array's or a tensor's dtype (TensorFlow's DType, ``torch.float32``)."""
    dtype = getattr(dtype, "as_numpy_dtype", dtype)
    try:
        return np.dtype(dtype)
    except TypeError:
        return np.dtype(str(dtype).rpartition(".")[2])


def _bounds(minimum, maximum):
    if minimum is not None and maximum is not None:
        return f" in {minimum}..{maximum}"
    if minimum is not None:
        return f" >= {minimum}"
    if maximum is not None:
        return f" <= {maximum}"
    return ""


_AXIS = re.compile(r"\.\.\.|\d+|[A-Za-z_][\w']*")


@functools.cache
def _alternatives(shape):
    """``"(H, W) or (N, H, W)"`` -> ``(("H", "W"), ("N", "H", "W"))``; an exact
    shape ``(2, 3)`` -> ``(("2", "3"),)``."""
    if not isinstance(shape, str):
        return (tuple(str(int(n)) for n in shape),)
    alternatives = []
    for part in shape.split(" or "):
        axes = tuple(
            axis.strip() for axis in part.strip().removeprefix("(").removesuffix(")").split(",") if axis.strip()
        )
        if not part.strip().startswith("(") or not all(_AXIS.fullmatch(axis) for axis in axes) or "..." in axes[:-1]:
            raise ValueError(f"shape must be written like '(N, H, W) or (H, W)', got {shape!r}")
        alternatives.append(axes)
    return tuple(alternatives)


@functools.cache
def _template(form):
    """``"((a, b), c)"`` -> ``((None, None), None)``: the nesting of ``form``."""
    return ast.literal_eval(re.sub(r"[A-Za-z_]\w*", "None", form))


def _nested_like(value, template):
    if template is None:
        return True
    return (
        isinstance(value, (tuple, list))
        and len(value) == len(template)
        and all(_nested_like(item, part) for item, part in zip(value, template))
    )


def _matching_axes(shape, ndim):
    """The axes of the alternative of ``shape`` with ``ndim`` dimensions (None if none;
    no ``shape``: any ndim, unnamed axes)."""
    if shape is None:
        return ()
    for axes in _alternatives(shape):
        if len(axes) == ndim or (axes[-1:] == ("...",) and ndim >= len(axes) - 1):
            return axes
    return None


def _array_words(shape, kinds):
    if kinds is None:
        dtype = ""
    elif set(kinds) <= set("iu"):
        dtype = "integer "
    elif set(kinds) == {"f"}:
        dtype = "float "
    elif set(kinds) <= set(NUMERIC):
        dtype = "numeric "
    elif set(kinds) <= set("b" + NUMERIC):
        dtype = "numeric (or bool) "
    else:
        dtype = "/".join(KIND_NAMES[k] for k in kinds) + " "
    article = "an" if (dtype or "array")[0] in "aeiou" else "a"
    if shape is None:
        return f"{article} {dtype}array"
    written = shape if isinstance(shape, str) else str(tuple(int(n) for n in shape))
    return f"{article} {dtype}array of shape {written}"
