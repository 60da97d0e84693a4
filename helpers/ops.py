"""NumPy reference versions of the operations a convnet is made of.

Shapes follow Keras (channels last):

* feature maps: ``(H, W, C)`` for one image or ``(N, H, W, C)`` for a batch;
* kernels: ``(kh, kw, c_in, c_out)``, exactly the array ``Conv2D.kernel`` holds;
* sizes and strides: an int ``k`` (meaning ``(k, k)``) or a pair ``(kh, kw)``.

Every function returns the same rank it was given: ``(H, W, C)`` in gives
``(H', W', C')`` out, ``(N, H, W, C)`` in gives ``(N, H', W', C')`` out.
"""

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

PADDINGS = ("valid", "same")


# --- argument checks -------------------------------------------------------

def _pair(value, name):
    """``3 -> (3, 3)``, ``(3, 5) -> (3, 5)``; every entry must be an int >= 1."""
    pair = (value, value) if np.isscalar(value) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, (int, np.integer)) for v in pair):
        raise TypeError(f"{name} must be an int or a pair of ints, got {value!r}")
    if min(pair) < 1:
        raise ValueError(f"{name} must be >= 1, got {value!r}")
    return tuple(int(v) for v in pair)


def _check_padding(padding):
    if padding not in PADDINGS:
        raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}")


def _as_batch(x, name="x"):
    """Return ``(x as (N, H, W, C), was_single_image)``."""
    x = np.asarray(x)
    if x.ndim == 3:
        return x[np.newaxis], True
    if x.ndim == 4:
        return x, False
    raise ValueError(
        f"{name} must have shape (H, W, C) or (N, H, W, C), got shape {x.shape} "
        f"(ndim {x.ndim}); for a single grayscale image use x[..., np.newaxis]"
    )


def _unbatch(y, was_single):
    return y[0] if was_single else y


# --- sizes -------------------------------------------------------------------

def same_padding(n, k, stride=1):
    """Zeros TensorFlow adds ``(before, after)`` one axis for ``padding='same'``.

    The output has ``ceil(n / stride)`` positions; the total padding is what
    makes that fit, and when it is odd the extra pixel goes *after*
    (bottom / right).
    """
    n, k, stride = _positive_int(n, "n"), _positive_int(k, "k"), _positive_int(stride, "stride")
    out = math.ceil(n / stride)
    total = max((out - 1) * stride + k - n, 0)
    return total // 2, total - total // 2


def conv_output_size(n, k, stride=1, padding="valid"):
    """Output length along one axis of a conv or pooling window.

    ``'valid'``: ``floor((n - k) / stride) + 1`` (the window must fit);
    ``'same'``: ``ceil(n / stride)``.
    """
    n, k, stride = _positive_int(n, "n"), _positive_int(k, "k"), _positive_int(stride, "stride")
    _check_padding(padding)
    if padding == "same":
        return math.ceil(n / stride)
    if k > n:
        raise ValueError(
            f"kernel size k={k} is larger than the input size n={n}; "
            "use padding='same' or a smaller kernel"
        )
    return (n - k) // stride + 1


def _positive_int(value, name):
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return int(value)


def receptive_field(layers):
    """Receptive field of the last layer of a stack, on the input.

    ``layers`` is a list of ``(kernel, stride)``, first layer first; a conv
    3x3 is ``(3, 1)`` and a 2x2 max-pool is ``(2, 2)``. Returns
    ``(size, jump)``: one output unit sees ``size x size`` input pixels, and
    neighbouring output units are ``jump`` input pixels apart.
    """
    size, jump = 1, 1
    for index, layer in enumerate(layers):
        if len(layer) != 2:
            raise ValueError(f"layers[{index}] must be (kernel, stride), got {layer!r}")
        kernel = _positive_int(layer[0], f"layers[{index}] kernel")
        stride = _positive_int(layer[1], f"layers[{index}] stride")
        size += (kernel - 1) * jump
        jump *= stride
    return size, jump


# --- padding -----------------------------------------------------------------

def pad2d(x, pad, value=0.0):
    """Pad the two spatial axes of ``(H, W, C)`` or ``(N, H, W, C)``.

    ``pad`` is an int (the same on all four sides) or
    ``((top, bottom), (left, right))``, like ``keras.layers.ZeroPadding2D``.
    """
    batch, single = _as_batch(x)
    if np.isscalar(pad):
        pad = ((pad, pad), (pad, pad))
    try:
        (top, bottom), (left, right) = pad
    except (TypeError, ValueError):
        raise ValueError(
            f"pad must be an int or ((top, bottom), (left, right)), got {pad!r}"
        ) from None
    if min(top, bottom, left, right) < 0:
        raise ValueError(f"pad must not be negative, got {pad!r}")
    widths = ((0, 0), (top, bottom), (left, right), (0, 0))
    return _unbatch(np.pad(batch, widths, constant_values=value), single)


def _pad_for(batch, window, strides, padding, value=0.0):
    """Apply 'same' padding for this window and stride (no-op for 'valid')."""
    _check_padding(padding)
    if padding == "valid":
        return batch
    _, h, w, _ = batch.shape
    pads = (same_padding(h, window[0], strides[0]), same_padding(w, window[1], strides[1]))
    return pad2d(batch, pads, value=value)


def _check_window_fits(batch, window, name):
    _, h, w, _ = batch.shape
    if window[0] > h or window[1] > w:
        raise ValueError(
            f"{name} {window} is larger than the (padded) input {h}x{w}; "
            "use padding='same', a larger input or a smaller window"
        )


# --- convolution -------------------------------------------------------------

def _check_conv_args(x, kernel, bias, stride, padding):
    batch, single = _as_batch(x)
    kernel = np.asarray(kernel)
    if kernel.ndim != 4:
        raise ValueError(
            f"kernel must have shape (kh, kw, c_in, c_out), got shape {kernel.shape}"
        )
    if kernel.shape[2] != batch.shape[-1]:
        raise ValueError(
            f"channel mismatch: x has {batch.shape[-1]} channels (shape {np.shape(x)}) "
            f"but kernel expects c_in={kernel.shape[2]} (shape {kernel.shape})"
        )
    if bias is not None and np.shape(bias) != (kernel.shape[3],):
        raise ValueError(
            f"bias must have shape (c_out,) = ({kernel.shape[3]},), got {np.shape(bias)}"
        )
    strides = _pair(stride, "stride")
    padded = _pad_for(batch, kernel.shape[:2], strides, padding)
    _check_window_fits(padded, kernel.shape[:2], "kernel")
    return padded, single, kernel, strides


def conv2d_naive(x, kernel, bias=None, stride=1, padding="valid"):
    """2D convolution (Keras' cross-correlation) with visible loops.

    x ``(H, W, C_in)`` or ``(N, H, W, C_in)``; kernel ``(kh, kw, C_in, C_out)``;
    bias ``(C_out,)`` or None. For every output location: cut out the
    ``(kh, kw, C_in)`` patch, dot it with the kernel -> a ``C_out`` vector.
    """
    padded, single, kernel, (sh, sw) = _check_conv_args(x, kernel, bias, stride, padding)
    n, h, w, _ = padded.shape
    kh, kw, _, c_out = kernel.shape
    out_h, out_w = (h - kh) // sh + 1, (w - kw) // sw + 1
    out = np.zeros((n, out_h, out_w, c_out), dtype=np.result_type(padded, kernel))
    for i in range(n):
        for row in range(out_h):
            for col in range(out_w):
                patch = padded[i, row * sh: row * sh + kh, col * sw: col * sw + kw, :]
                out[i, row, col] = np.tensordot(patch, kernel, axes=3)
    if bias is not None:
        out += bias
    return _unbatch(out, single)


def conv2d(x, kernel, bias=None, stride=1, padding="valid"):
    """Vectorised :func:`conv2d_naive`: all patches at once, one ``einsum``.

    ``sliding_window_view`` gives a view of shape
    ``(N, out_h, out_w, C_in, kh, kw)`` without copying; the einsum dots
    every patch with every filter.
    """
    padded, single, kernel, (sh, sw) = _check_conv_args(x, kernel, bias, stride, padding)
    kh, kw = kernel.shape[:2]
    patches = sliding_window_view(padded, (kh, kw), axis=(1, 2))[:, ::sh, ::sw]
    out = np.einsum("nhwcij,ijco->nhwo", patches, kernel, optimize=True)
    if bias is not None:
        out = out + bias
    return _unbatch(out, single)


# --- pooling -------------------------------------------------------------------

def _pool(x, pool, stride, padding, reduce, pad_value):
    batch, single = _as_batch(x)
    window = _pair(pool, "pool")
    strides = window if stride is None else _pair(stride, "stride")
    padded = _pad_for(batch, window, strides, padding, value=pad_value)
    _check_window_fits(padded, window, "pool")
    windows = sliding_window_view(padded, window, axis=(1, 2))[:, :: strides[0], :: strides[1]]
    return _unbatch(reduce(windows), single)


def max_pool2d(x, pool=2, stride=None, padding="valid"):
    """Max over each ``pool`` window; stride defaults to the window (as Keras).

    ``(N, H, W, C) -> (N, H', W', C)``; 26x26 -> 13x13, 11x11 -> 5x5 (floor).
    """
    return _pool(x, pool, stride, padding, lambda w: w.max(axis=(-2, -1)), -np.inf)


def avg_pool2d(x, pool=2, stride=None, padding="valid"):
    """Mean over each ``pool`` window; with 'same' padding the padded zeros
    are not counted (as Keras' ``AveragePooling2D``)."""
    batch, _ = _as_batch(x)
    ones = np.ones(batch.shape[:3] + (1,), dtype=np.float64)
    sums = _pool(batch, pool, stride, padding, lambda w: w.sum(axis=(-2, -1)), 0.0)
    counts = _pool(ones, pool, stride, padding, lambda w: w.sum(axis=(-2, -1)), 0.0)
    out = (sums / counts).astype(np.result_type(batch, np.float32))
    return out[0] if np.ndim(x) == 3 else out


# --- probing what a stack of layers does ---------------------------------------

def shift2d(x, dy, dx):
    """Move the content of ``(H, W, C)`` or ``(N, H, W, C)`` down by ``dy``
    rows and right by ``dx`` columns (negative: up / left), filling the
    uncovered border with zeros. Same shape out."""
    batch, single = _as_batch(x)
    _, h, w, _ = batch.shape
    if abs(dy) >= h or abs(dx) >= w:
        raise ValueError(f"shift ({dy}, {dx}) moves everything out of a {h}x{w} map")
    out = np.zeros_like(batch)
    out[:, max(dy, 0): h + min(dy, 0), max(dx, 0): w + min(dx, 0)] = \
        batch[:, max(-dy, 0): h - max(dy, 0), max(-dx, 0): w - max(dx, 0)]
    return _unbatch(out, single)


def shift_each(images, offsets):
    """Shift every image by its own ``(dy, dx)``: ``images`` ``(N, H, W, C)``,
    ``offsets`` ``(N, 2)`` ints -> ``(N, H, W, C)``, borders filled with zeros."""
    images, offsets = np.asarray(images), np.asarray(offsets)
    if offsets.shape != (len(images), 2):
        raise ValueError(f"offsets must have shape ({len(images)}, 2), got {offsets.shape}")
    out = np.empty_like(images)
    for dy, dx in np.unique(offsets, axis=0):  # shift2d moves a whole batch one way
        chosen = (offsets[:, 0] == dy) & (offsets[:, 1] == dx)
        out[chosen] = shift2d(images[chosen], int(dy), int(dx))
    return out


def measured_receptive_field(stack, input_size, row=None, col=None, batch_size=64):
    """Measure the receptive field of one output unit by poking the input.

    ``stack`` maps a batch ``(N, S, S, 1)`` to ``(N, H', W', C)``; use
    positive weights (e.g. kernels of ones) so that no change cancels out.
    Each of the ``S*S`` images in the batch has one pixel set to 1; the
    pixels whose poke changes output ``(row, col)`` (default: the centre,
    any channel) are that unit's receptive field. Returns its
    ``(height, width)``. The pokes go through ``stack`` ``batch_size`` at a
    time, so memory stays small whatever ``S``.
    """
    s = _positive_int(input_size, "input_size")
    batch_size = _positive_int(batch_size, "batch_size")
    base = np.asarray(stack(np.zeros((1, s, s, 1), np.float32)))[0]   # (H', W', C)
    row = base.shape[0] // 2 if row is None else row
    col = base.shape[1] // 2 if col is None else col
    changed = np.zeros(s * s, dtype=bool)
    for start in range(0, s * s, batch_size):  # a batch at a time: all S*S output maps at once is big
        pixels = np.arange(start, min(start + batch_size, s * s))
        pokes = np.zeros((len(pixels), s * s), np.float32)
        pokes[np.arange(len(pixels)), pixels] = 1.0
        out = np.asarray(stack(pokes.reshape(-1, s, s, 1)))
        changed[pixels] = np.any(out[:, row, col, :] != base[row, col, :], axis=-1)
    changed = changed.reshape(s, s)
    if not changed.any():
        raise ValueError(f"no input pixel changes output ({row}, {col}); use positive weights")
    rows, cols = np.nonzero(changed)
    return int(rows.max() - rows.min() + 1), int(cols.max() - cols.min() + 1)
