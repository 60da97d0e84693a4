"""Writing files so that a reader never sees half of one."""

import json
import math
import os
import tempfile
from pathlib import Path


def atomic_write(path, data):
    """Write ``data`` (``str`` or ``bytes``) to ``path`` all at once.

    The bytes go to a temp file in the same folder, which is then renamed
    over ``path``: a crash leaves the old file or the new one, never a mix.
    The file keeps the mode of the one it replaces (a new file gets the
    usual ``0o666 & ~umask``, not the temp file's private 0o600). Missing
    parent folders are created. Returns ``path`` as a ``Path``.
    """
    if not isinstance(data, (str, bytes)):
        raise TypeError(f"data must be str or bytes, got {type(data).__name__}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def _mode_for(path):
    """The permission bits a rewrite of ``path`` should have."""
    try:
        return os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def finite_or_none(value):
    """``value`` with every NaN or infinite float, at any depth, replaced by
    ``None``, and NumPy scalars and arrays turned into Python ones."""
    if isinstance(value, dict):
        return {str(k): finite_or_none(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_or_none(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):  # NumPy scalar or array
        return finite_or_none(value.tolist())
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return value


def strict_json(value, indent=None):
    """JSON text any strict parser reads: NaN and infinities become ``null``
    (bare ``NaN`` is not JSON), keys sorted."""
    return json.dumps(finite_or_none(value), indent=indent, sort_keys=True, allow_nan=False)


def write_json(path, value):
    """:func:`atomic_write` of ``value`` as indented :func:`strict_json`."""
    return atomic_write(path, strict_json(value, indent=2) + "\n")
