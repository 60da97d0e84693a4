"""The argument checks every public helper runs at its boundary.

Each checker takes the value and the argument's ``name``, returns the value
(converted where that is the point, e.g. an ``np.integer`` to ``int`` or a
list to an array) and otherwise raises:

* ``TypeError`` when the *kind* of value is wrong (a float where an int is
  needed, a string where an array is needed, ``None``);
* ``ValueError`` when the kind is right but the value is not (``0`` where
  ``>= 1`` is needed, the wrong number of dimensions, NaN, an unknown option).

Every message has the same three parts -- the argument's name, what it got,
what to pass -- e.g. ``stride must be an int >= 1, got 0``::

    >>> positive_int(0, "stride")
    Traceback (most recent call last):
    ValueError: stride must be an int >= 1, got 0

``bool`` is never accepted as an int (``True`` is almost always a mistake
for a size), and a whole float (``3.0``) is not an int either.
"""

import math
import numbers
import os
from pathlib import Path

import numpy as np

# numpy dtype kinds, in words for messages
KIND_NAMES = {"b": "bool", "i": "int", "u": "unsigned int", "f": "float", "c": "complex",
              "U": "str", "S": "bytes", "O": "object", "M": "datetime", "m": "timedelta", "V": "void"}
NUMERIC = "iuf"   # real numbers (no bool, no complex)


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
    if value is None or isinstance(value, (int, float, str)) and not isinstance(value, bool):
        return text
    return f"{text} ({type(value).__name__})"


def is_int(value):
    """True for a Python or NumPy integer that is not a bool."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


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
    if not isinstance(value, numbers.Real) or isinstance(value, (bool, np.bool_)):
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


def function(value, name):
    """Something callable."""
    if not callable(value):
        raise TypeError(f"{name} must be a function (callable), got {describe(value)}")
    return value


def array_of(value, name, ndim=None, kinds=None, shape=None, empty=True, finite=False):
    """``value`` as a NumPy array, checked.

    ``ndim``: an int or a tuple of allowed ranks; ``shape``: a text shown in
    messages, e.g. ``"(N, H, W, C)"``; ``kinds``: the allowed dtype kinds as
    a string of NumPy kind letters (``"iuf"`` real numbers, ``"b"`` bool,
    ``"iu"`` integers); ``empty=False`` refuses a size-0 array;
    ``finite=True`` refuses NaN and infinities.
    """
    if value is None or isinstance(value, (str, bytes, dict, set)):
        raise TypeError(f"{name} must be {_array_words(ndim, shape, kinds)}, got {describe(value)}")
    try:
        array = np.asarray(value)
    except (ValueError, TypeError) as error:  # ragged nested lists
        raise ValueError(f"{name} must be {_array_words(ndim, shape, kinds)}, got {describe(value)}, "
                         "which is not rectangular (rows of different lengths?)") from None
    if kinds is not None and array.dtype.kind not in kinds:
        raise TypeError(f"{name} must be {_array_words(ndim, shape, kinds)}, "
                        f"got dtype {array.dtype} ({KIND_NAMES.get(array.dtype.kind, '?')})")
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    if allowed is not None and array.ndim not in allowed:
        raise ValueError(f"{name} must be {_array_words(ndim, shape, kinds)}, "
                         f"got shape {array.shape} (ndim {array.ndim})")
    if not empty and array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    if finite and array.dtype.kind in "fc" and not np.isfinite(array).all():
        bad = int(array.size - np.count_nonzero(np.isfinite(array)))
        raise ValueError(f"{name} must hold finite numbers, got {bad} NaN or infinite "
                         f"value{'s' if bad > 1 else ''} in shape {array.shape}")
    return array


def finite(value, name):
    """Real numbers with no NaN or infinity, as an array (a scalar gives a 0-d array)."""
    return array_of(value, name, kinds=NUMERIC, finite=True)


# The most memory one array a helper makes may take. Binder gives a learner
# 2 GB in all; a size this big is a typo (pad=10**5), and NumPy's own
# failure ("array is too big", a MemoryError for 1.75 TiB) names no argument.
MAX_ARRAY_BYTES = 2**30


def fits_in_memory(shape, dtype, name):
    """Refuse, naming ``name``, an array of ``shape`` and ``dtype`` that would
    take more than ``MAX_ARRAY_BYTES``; computed before anything is allocated."""
    size = math.prod(int(n) for n in shape) * np.dtype(dtype).itemsize  # Python ints: no overflow
    if size > MAX_ARRAY_BYTES:
        raise ValueError(f"{name} would make an array of shape {tuple(int(n) for n in shape)} "
                         f"({size / 2**30:,.1f} GiB of {np.dtype(dtype)}), more than the "
                         f"{MAX_ARRAY_BYTES / 2**30:g} GiB a helper may allocate; pass a smaller {name}")
    return size


def same_length(**named):
    """All the named sequences have the same ``len``:
    ``same_length(images=x, labels=y)``."""
    lengths = {name: len(value) for name, value in named.items()}
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{name} {length}" for name, length in lengths.items())
        raise ValueError(f"{' and '.join(named)} must have the same length, got {listed}")
    return next(iter(lengths.values()), 0)


def _bounds(minimum, maximum):
    if minimum is not None and maximum is not None:
        return f" in {minimum}..{maximum}"
    if minimum is not None:
        return f" >= {minimum}"
    if maximum is not None:
        return f" <= {maximum}"
    return ""


def _array_words(ndim, shape, kinds):
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
    if shape:
        return f"{article} {dtype}array of shape {shape}"
    if ndim is None:
        return f"{article} {dtype}array"
    ranks = (ndim,) if isinstance(ndim, int) else ndim
    return f"{article} {dtype}array with {' or '.join(str(r) for r in ranks)} dimensions"
