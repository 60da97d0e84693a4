"""helpers.files: atomic writes and strict JSON."""

import json
import math

import numpy as np
import pytest

from helpers import files


def test_atomic_write_text_and_bytes(tmp_path):
    path = files.atomic_write(tmp_path / "sub" / "a.txt", "hello")
    assert path.read_text() == "hello"
    files.atomic_write(path, b"\x00\x01")
    assert path.read_bytes() == b"\x00\x01"
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.txt"]  # no temp file left


def test_atomic_write_gives_new_files_the_umask_mode_and_keeps_old_modes(tmp_path):
    import os

    umask = os.umask(0o022)
    try:
        path = files.atomic_write(tmp_path / "new.txt", "x")
        assert path.stat().st_mode & 0o777 == 0o644  # not mkstemp's private 0o600
        path.chmod(0o755)
        files.atomic_write(path, "y")
        assert path.stat().st_mode & 0o777 == 0o755
    finally:
        os.umask(umask)


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    path = files.atomic_write(tmp_path / "a.txt", "old")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        files.atomic_write(path, "new")
    assert path.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_atomic_write_refuses_other_types(tmp_path):
    with pytest.raises(TypeError, match="data must be str or bytes"):
        files.atomic_write(tmp_path / "a", {"a": 1})
    assert list(tmp_path.iterdir()) == []


def test_strict_json_turns_nan_and_numpy_into_json():
    value = {"a": float("nan"), "b": [np.float32(0.5), np.int64(3), math.inf], "c": np.array([1, 2])}
    text = files.strict_json(value)
    assert json.loads(text) == {"a": None, "b": [0.5, 3, None], "c": [1, 2]}
    assert "NaN" not in text and "Infinity" not in text


def test_write_json(tmp_path):
    path = files.write_json(tmp_path / "r.json", {"x": np.float64("nan")})
    assert json.loads(path.read_text()) == {"x": None}
