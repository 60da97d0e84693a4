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

from helpers import checks

MAX_INPUT_SIZE = 256  # measured_receptive_field pokes S*S pixels: 65,536 at most


# --- sizes -------------------------------------------------------------------


def same_padding(n, k, stride=1):
    """Zeros TensorFlow adds ``(before, after)`` one axis for ``padding='same'``.

    The output has ``ceil(n / stride)`` positions; the total padding is what
    makes that fit, and when it is odd the extra pixel goes *after*
    (bottom / right).
    """
    n, k, stride = checks.positive_int(n, "n"), checks.positive_int(k, "k"), checks.positive_int(stride, "stride")
    out = math.ceil(n / stride)
    total = max((out - 1) * stride + k - n, 0)
    return total // 2, total - total // 2


def conv_output_size(n, k, stride=1, padding="valid", dilation=1):
    """Output length along one axis of a conv or pooling window.

    ``padding`` is ``'valid'`` (no padding), ``'same'`` or an explicit
    ``(before, after)`` pair of ints >= 0. A window of ``k`` taps spaced
    ``dilation`` apart spans ``dilation * (k - 1) + 1`` inputs, so

    * ``(before, after)``: ``floor((n + before + after - dilation*(k - 1) - 1) / stride) + 1``
      (the window must fit in the padded input);
    * ``'valid'``: the same with ``(0, 0)``, i.e. ``floor((n - k) / stride) + 1``
      when ``dilation=1``;
    * ``'same'``: ``ceil(n / stride)`` whatever ``k`` and ``dilation``
      (TensorFlow/Keras pad as much as that needs).
    """
    n, k = checks.positive_int(n, "n"), checks.positive_int(k, "k")
    stride, dilation = checks.positive_int(stride, "stride"), checks.positive_int(dilation, "dilation")
    padding = checks.padding(padding, "padding", pairs=True)
    if padding == "same":
        return math.ceil(n / stride)
    before, after = (0, 0) if padding == "valid" else padding
    span = dilation * (k - 1) + 1
    checks.require(
        span <= n + before + after,
        "k",
        f"fit in n={n} plus padding ({before}, {after}); use padding='same' or a smaller k",
        f"k={k}, dilation {dilation} ({span} wide)",
    )
    return (n + before + after - span) // stride + 1


def receptive_field(layers):
    """Receptive field of the last layer of a stack, on the input.

    ``layers`` is a list of ``(kernel, stride)``, first layer first; a conv
    3x3 is ``(3, 1)`` and a 2x2 max-pool is ``(2, 2)``. Returns
    ``(size, jump)``: one output unit sees ``size x size`` input pixels, and
    neighbouring output units are ``jump`` input pixels apart.
    """
    checks.list_of(layers, "layers", "(kernel, stride) pairs", at_least=0)
    size, jump = 1, 1
    for index, layer in enumerate(layers):
        checks.require(
            isinstance(layer, (list, tuple)) and len(layer) == 2,
            f"layers[{index}]",
            "be (kernel, stride)",
            checks.describe(layer),
        )
        kernel = checks.positive_int(layer[0], f"layers[{index}] kernel")
        stride = checks.positive_int(layer[1], f"layers[{index}] stride")
        size += (kernel - 1) * jump
        jump *= stride
    return size, jump


# --- padding -----------------------------------------------------------------


def pad2d(x, pad, value=0.0):
    """Pad the two spatial axes of ``(H, W, C)`` or ``(N, H, W, C)``.

    ``pad`` is an int (the same on all four sides) or
    ``((top, bottom), (left, right))``, like ``keras.layers.ZeroPadding2D``.
    The border is filled with ``value`` (0 unless given; a value ``x``'s
    dtype holds exactly, e.g. ``-np.inf`` before a max-pool of floats). The
    result keeps ``x``'s dtype.
    """
    batch, single = _as_batch(x)
    (top, bottom), (left, right) = checks.pads(pad, "pad")
    value = checks.fill_value(value, "value", batch.dtype)
    n, h, w, c = batch.shape
    checks.fits_in_memory((n, h + top + bottom, w + left + right, c), batch.dtype, "pad")
    widths = ((0, 0), (top, bottom), (left, right), (0, 0))
    return _unbatch(np.pad(batch, widths, constant_values=value), single)


# --- convolution -------------------------------------------------------------


def conv2d_naive(x, kernel, bias=None, stride=1, padding="valid"):
    """2D convolution (Keras' cross-correlation) with visible loops.

    x ``(H, W, C_in)`` or ``(N, H, W, C_in)``; kernel ``(kh, kw, C_in, C_out)``;
    bias ``(C_out,)`` or None. For every output location: cut out the
    ``(kh, kw, C_in)`` patch, dot it with the kernel -> a ``C_out`` vector.
    The output dtype is the one :func:`conv2d` documents.
    """
    padded, single, kernel, bias, (sh, sw) = _conv_inputs(x, kernel, bias, stride, padding)
    n, h, w, _ = padded.shape
    kh, kw, _, c_out = kernel.shape
    out_h, out_w = (h - kh) // sh + 1, (w - kw) // sw + 1
    out = np.zeros((n, out_h, out_w, c_out), dtype=kernel.dtype)
    for i in range(n):
        for row in range(out_h):
            for col in range(out_w):
                patch = padded[i, row * sh : row * sh + kh, col * sw : col * sw + kw, :]
                out[i, row, col] = np.tensordot(patch, kernel, axes=3)
    if bias is not None:
        out += bias
    return _unbatch(out, single)


def _patches(padded, window, strides, name="kernel"):
    """Every ``window`` patch of a padded batch ``(N, H, W, C)``, flattened:
    ``(N, H', W', kh*kw*C)``, in (row, column, channel) order, a copy."""
    n, h, w, c = padded.shape
    (kh, kw), (sh, sw) = window, strides
    checks.fits_in_memory((n, (h - kh) // sh + 1, (w - kw) // sw + 1, kh * kw * c), padded.dtype, name)
    view = sliding_window_view(padded, window, axis=(1, 2))[:, ::sh, ::sw]  # (N, H', W', C, kh, kw), no copy
    return view.transpose(0, 1, 2, 4, 5, 3).reshape(view.shape[:3] + (kh * kw * c,))


def im2col(x, window, stride=1, padding="valid"):
    """The patches a convolution dots with its kernel, one flattened patch per output position.

    x ``(H, W, C)`` or ``(N, H, W, C)``; ``window`` an int ``k`` or ``(kh, kw)``.
    Returns ``(H', W', kh*kw*C)`` (or ``(N, H', W', kh*kw*C)``): at output
    position ``(r, c)``, the ``(kh, kw, C)`` patch under the window, flattened
    row by row and channel last -- the order of ``kernel.reshape(kh*kw*C, C_out)``.
    Reshaped to ``(N*H'*W', kh*kw*C)`` it is the *patch matrix*: a convolution
    is that matrix times the reshaped kernel (:func:`conv2d`). Each input pixel
    is copied into up to ``kh*kw`` patches. Keeps ``x``'s dtype; 'same' pads with zeros.
    """
    batch, single = _as_batch(x)
    window, strides = checks.pair(window, "window"), checks.pair(stride, "stride")
    padded = _padded(batch, window, strides, padding, "window")
    return _unbatch(_patches(padded, window, strides, "window"), single)


# Patch matrix per GEMM: small enough to be still in the CPU's cache when BLAS reads it, large enough that
# BLAS's threads, which meet at every call (slow when other programs keep the cores busy), meet rarely.
_BLOCK_BYTES = 2**22


def conv2d(x, kernel, bias=None, stride=1, padding="valid"):
    """:func:`conv2d_naive` as a matrix product (im2col, then a GEMM).

    x ``(H, W, C_in)`` or ``(N, H, W, C_in)``; kernel ``(kh, kw, C_in, C_out)``;
    bias ``(C_out,)`` or None; returns ``(H', W', C_out)`` or ``(N, H', W', C_out)``.
    The patch matrix of :func:`im2col`, ``(N*H'*W', kh*kw*C_in)``, one row per
    output position, times the kernel flattened the same way,
    ``(kh*kw*C_in, C_out)``, one column per filter, gives every output:
    ``N*H'*W' * kh*kw*C_in * C_out`` multiply-adds, done by BLAS. The product
    is taken a block of images at a time (about 4 MB of patch matrix, at
    least one image), so that each block is multiplied while it is still in
    the CPU's cache instead of being written out to main memory and read back.

    The sums are computed, and returned, in float: float32 when the inputs
    are float32 or float16 (as Keras), float64 when any is float64 -- or
    integer or bool, so that e.g. uint8 pixels give exact sums (uint8 would
    wrap at 256, bool would give a logical OR). NaN or inf in ``x`` spread to
    the outputs whose windows hold them, as in Keras.
    """
    padded, single, kernel, bias, strides = _conv_inputs(x, kernel, bias, stride, padding)
    n, h, w, _ = padded.shape
    kh, kw, c_in, c_out = kernel.shape
    out_h, out_w = (h - kh) // strides[0] + 1, (w - kw) // strides[1] + 1
    weights = kernel.reshape(kh * kw * c_in, c_out)  # one column per filter
    rows = out_h * out_w  # patch-matrix rows per image
    out = np.empty((n * rows, c_out), kernel.dtype)  # one row per output position
    step = max(1, _BLOCK_BYTES // (rows * weights.shape[0] * kernel.itemsize))  # images per block
    for i in range(0, n, step):
        patches = _patches(padded[i : i + step], (kh, kw), strides).reshape(-1, weights.shape[0])
        np.matmul(patches, weights, out=out[i * rows : (i + step) * rows])  # those images' rows of the GEMM
    out = out.reshape(n, out_h, out_w, c_out)
    if bias is not None:
        out += bias
    return _unbatch(out, single)


def conv2d_backward(x, kernel, grad_out, stride=1, padding="valid"):
    """The backward pass of :func:`conv2d`: the gradients of a loss ``L``.

    x ``(H, W, C_in)`` or ``(N, H, W, C_in)`` and kernel ``(kh, kw, C_in, C_out)``
    as given to :func:`conv2d`; ``grad_out`` = dL/d(output), the shape of
    ``conv2d(x, kernel, stride=stride, padding=padding)``. Returns
    ``(grad_x, grad_kernel, grad_bias)``, shaped like ``x``, ``kernel`` and ``(C_out,)``:

    * ``grad_kernel``: weight ``(i, j, c, o)`` multiplied the input pixel at
      offset ``(i, j)`` of every window, so its gradient is the sum over the
      batch and the positions of that pixel times the output error: the
      cross-correlation of the input with the error (the error plays the
      kernel). As a matrix product: ``patch_matrix.T @ grad_out``.
    * ``grad_x``: each input pixel reached every output whose window held
      it, through the weight between them; so it collects the error of those
      outputs times those weights: the error, zero-padded by ``kh - 1`` and
      ``kw - 1`` (*full*; a stride ``s`` also puts ``s - 1`` zeros between
      its entries), cross-correlated with the kernel flipped in both spatial
      axes (input and output channels swapped) -- the true convolution of
      the error with the kernel. 'same' padding is then cut off.
    * ``grad_bias``: the error summed over the batch and the positions.

    Computed in the float dtype :func:`conv2d` documents.
    """
    padded, single, kernel, _, (sh, sw) = _conv_inputs(x, kernel, None, stride, padding)
    n, hp, wp, c_in = padded.shape
    kh, kw, _, c_out = kernel.shape
    out_shape = (n, (hp - kh) // sh + 1, (wp - kw) // sw + 1, c_out)
    grad = checks.array_of(grad_out, "grad_out", out_shape[1:] if single else out_shape, "biuf")
    dtype = _compute_dtype(padded, kernel, grad)
    padded, kernel = padded.astype(dtype, copy=False), kernel.astype(dtype, copy=False)
    grad = grad.astype(dtype, copy=False).reshape(out_shape)
    # kernel: the input's patches times the error, one GEMM
    patches = _patches(padded, (kh, kw), (sh, sw)).reshape(-1, kh * kw * c_in)
    grad_kernel = (patches.T @ grad.reshape(-1, c_out)).reshape(kernel.shape)
    # input: the error at every stride-1 position (zeros between strides), padded by k - 1,
    # cross-correlated with the flipped kernel
    spread = np.zeros((n, hp - kh + 1, wp - kw + 1, c_out), dtype)
    spread[:, ::sh, ::sw] = grad
    flipped = kernel[::-1, ::-1].transpose(0, 1, 3, 2)  # (kh, kw, c_out, c_in)
    grad_padded = conv2d(pad2d(spread, ((kh - 1, kh - 1), (kw - 1, kw - 1))), flipped)  # (N, hp, wp, c_in)
    h, w = np.shape(x)[-3:-1]
    top, left = (0, 0) if padding == "valid" else (same_padding(h, kh, sh)[0], same_padding(w, kw, sw)[0])
    grad_x = grad_padded[:, top : top + h, left : left + w]
    return _unbatch(grad_x, single), grad_kernel, grad.sum(axis=(0, 1, 2))


# --- pooling -------------------------------------------------------------------


def _pool(x, pool, stride, padding, reduce, pad_value):
    batch, single = _as_batch(x)
    window = checks.pair(pool, "pool")
    strides = window if stride is None else checks.pair(stride, "stride")
    padded = _padded(batch, window, strides, padding, "pool", pad_value)
    windows = sliding_window_view(padded, window, axis=(1, 2))[:, :: strides[0], :: strides[1]]
    if isinstance(reduce, np.ufunc):  # fold the window one offset at a time: same result, several times faster
        out = None
        for row in range(window[0]):
            for col in range(window[1]):
                part = windows[..., row, col]  # (N, H', W', C): that offset of every window
                out = part.copy() if out is None else reduce(out, part, out=out)
        return _unbatch(out, single)
    return _unbatch(reduce(windows), single)


def _lowest(dtype):
    """The smallest value of ``dtype``: what 'same' max-pooling pads with."""
    if dtype.kind == "f":
        return -np.inf
    if dtype.kind == "b":
        return False
    return np.iinfo(dtype).min


def max_pool2d(x, pool=2, stride=None, padding="valid"):
    """Max over each ``pool`` window; stride defaults to the window (as Keras).

    ``(N, H, W, C) -> (N, H', W', C)``; 26x26 -> 13x13, 11x11 -> 5x5 (floor).
    A maximum is exact in any dtype, so the output keeps ``x``'s dtype
    (uint8 in, uint8 out); 'same' padding pads with the dtype's lowest value
    (-inf for floats), which never wins.
    """
    batch, _ = _as_batch(x)
    return _pool(x, pool, stride, padding, np.maximum, _lowest(batch.dtype))


def avg_pool2d(x, pool=2, stride=None, padding="valid"):
    """Mean over each ``pool`` window; with 'same' padding the padded zeros
    are not counted (as Keras' ``AveragePooling2D``).

    The sums are computed in float64 for integer, bool and float16 input
    (exact) and returned as float32, like float32 input; float64 input stays
    float64.
    """
    batch, single = _as_batch(x)
    out_dtype = np.dtype(np.float64 if batch.dtype == np.float64 else np.float32)
    sum_dtype = batch.dtype if batch.dtype in (np.float32, np.float64) else np.dtype(np.float64)
    ones = np.ones((1,) + batch.shape[1:3] + (1,), dtype=np.float64)  # broadcasts over N and C
    sums = _pool(batch.astype(sum_dtype, copy=False), pool, stride, padding, lambda w: w.sum(axis=(-2, -1)), 0.0)
    counts = _pool(ones, pool, stride, padding, lambda w: w.sum(axis=(-2, -1)), 0.0)
    return _unbatch((sums / counts).astype(out_dtype, copy=False), single)


def max_pool2d_backward(x, grad, pool=2, stride=None, padding="valid"):
    """The backward pass of :func:`max_pool2d`: each window's gradient goes to its winner.

    ``x`` ``(N, H, W, C)`` is what the max-pool read, ``grad``
    ``(N, H', W', C)`` the gradient of the loss with respect to its output
    (the shape ``max_pool2d(x, pool, stride, padding)`` returns); the result
    is the gradient with respect to ``x``, ``(N, H, W, C)``. It is zero
    except at each window's maximum, which receives that window's ``grad``:
    the other values of the window did not change the output, so they get
    nothing. Where overlapping windows share a winner, it receives the sum.
    A tie goes to the first maximum in reading order (row by row), padding
    never wins (as TensorFlow's ``MaxPool`` gradient), and a NaN wins its
    window (as it spreads through ``max_pool2d``). ``(H, W, C)`` in gives
    ``(H, W, C)`` out. Returned in float: ``grad``'s float dtype (float32 for
    float16), float64 for integer or bool ``grad``.
    """
    batch, single = _as_batch(x)
    window = checks.pair(pool, "pool")
    strides = window if stride is None else checks.pair(stride, "stride")
    padded = _padded(batch, window, strides, padding, "pool", _lowest(batch.dtype))
    real = _padded(np.ones((1,) + batch.shape[1:3] + (1,), bool), window, strides, padding, "pool", False)
    n, h, w, c = batch.shape
    out_h, out_w = (padded.shape[1] - window[0]) // strides[0] + 1, (padded.shape[2] - window[1]) // strides[1] + 1
    grad = checks.array_of(grad, "grad", (n, out_h, out_w, c)[1 if single else 0 :], "biuf")
    size = window[0] * window[1]
    checks.fits_in_memory((n, out_h, out_w, c, size), padded.dtype, "pool")
    view = sliding_window_view(padded, window, axis=(1, 2))[:, :: strides[0], :: strides[1]]
    values = view.reshape(n, out_h, out_w, c, size)  # each window's values, in reading order
    in_frame = sliding_window_view(real, window, axis=(1, 2))[:, :: strides[0], :: strides[1]]
    in_frame = in_frame.reshape(1, out_h, out_w, 1, size)  # False where a window holds padding
    top = values.max(axis=-1, keepdims=True)  # NaN if the window holds one
    is_top = (values == top) | (np.isnan(values) & np.isnan(top)) if values.dtype.kind == "f" else values == top
    winner = (is_top & in_frame).argmax(axis=-1)  # (N, H', W', C): the first winner's index
    rows = np.arange(out_h)[:, None, None] * strides[0] + winner // window[1]
    cols = np.arange(out_w)[None, :, None] * strides[1] + winner % window[1]
    dtype = _compute_dtype(grad)
    grad_padded = np.zeros(padded.shape, dtype=dtype)
    np.add.at(
        grad_padded,
        (np.arange(n)[:, None, None, None], rows, cols, np.arange(c)),
        grad.reshape(n, out_h, out_w, c).astype(dtype, copy=False),
    )  # overlapping winners add up
    top_pad = same_padding(h, window[0], strides[0])[0] if padding == "same" else 0
    left_pad = same_padding(w, window[1], strides[1])[0] if padding == "same" else 0
    return _unbatch(grad_padded[:, top_pad : top_pad + h, left_pad : left_pad + w], single)


# --- probing what a stack of layers does ---------------------------------------


def shift2d(x, dy, dx):
    """Move the content of ``(H, W, C)`` or ``(N, H, W, C)`` down by ``dy``
    rows and right by ``dx`` columns (negative: up / left), filling the
    uncovered border with zeros. Same shape out."""
    batch, single = _as_batch(x)
    _, h, w, _ = batch.shape
    dy, dx = checks.integer(dy, "dy"), checks.integer(dx, "dx")
    checks.require(abs(dy) < h and abs(dx) < w, "shift", f"leave part of the map: |dy| < {h}, |dx| < {w}", (dy, dx))
    out = np.zeros_like(batch)
    out[:, max(dy, 0) : h + min(dy, 0), max(dx, 0) : w + min(dx, 0)] = batch[
        :, max(-dy, 0) : h - max(dy, 0), max(-dx, 0) : w - max(dx, 0)
    ]
    return _unbatch(out, single)


def shift_each(images, offsets):
    """Shift every image by its own ``(dy, dx)``: ``images`` ``(N, H, W, C)``,
    ``offsets`` ``(N, 2)`` ints -> ``(N, H, W, C)``, borders filled with zeros."""
    images = checks.array_of(images, "images", "(N, H, W, C)", "biuf")
    offsets = checks.array_of(offsets, "offsets", "(N, 2)", "iu", sizes={"N": len(images)})
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
    checks.function(stack, "stack")
    s = checks.positive_int(input_size, "input_size", maximum=MAX_INPUT_SIZE)
    batch_size = checks.positive_int(batch_size, "batch_size")
    base = np.asarray(stack(np.zeros((1, s, s, 1), np.float32)))
    checks.require(
        base.ndim == 4 and len(base) == 1 and 0 not in base.shape,
        "stack",
        f"map (N, {s}, {s}, 1) to (N, H', W', C)",
        f"shape {base.shape} for N = 1",
    )
    base = base[0]  # (H', W', C)
    row = base.shape[0] // 2 if row is None else checks.integer(row, "row", 0, base.shape[0] - 1)
    col = base.shape[1] // 2 if col is None else checks.integer(col, "col", 0, base.shape[1] - 1)
    changed = np.zeros(s * s, dtype=bool)
    for start in range(0, s * s, batch_size):  # a batch at a time: all S*S output maps at once is big
        pixels = np.arange(start, min(start + batch_size, s * s))
        pokes = np.zeros((len(pixels), s * s), np.float32)
        pokes[np.arange(len(pixels)), pixels] = 1.0
        out = np.asarray(stack(pokes.reshape(-1, s, s, 1)))
        changed[pixels] = np.any(out[:, row, col, :] != base[row, col, :], axis=-1)
    changed = changed.reshape(s, s)
    checks.require(changed.any(), "stack", f"change output ({row}, {col}) for some pixel: use positive weights", "none")
    rows, cols = np.nonzero(changed)
    return int(rows.max() - rows.min() + 1), int(cols.max() - cols.min() + 1)


# --- shared by the operations: batches, dtypes, padding and the conv's inputs ---------


def _as_batch(x):
    """``(x as (N, H, W, C), was_single_image)``; an empty batch (N = 0) is fine."""
    x = checks.array_of(x, "x", "(H, W, C) or (N, H, W, C)", "biuf", empty="N", hint={2: "add a channel: x[..., None]"})
    return (x[np.newaxis], True) if x.ndim == 3 else (x, False)


def _unbatch(y, was_single):
    return y[0] if was_single else y


def _compute_dtype(*arrays):
    """The float dtype a sum of products is computed in: float64 for ints and
    bools (exact up to 2**53, where uint8 would wrap at 256 and bool would
    give a logical OR), float32 for float16 (whose sums lose digits fast),
    otherwise the inputs' own float dtype (float32 stays float32, as Keras)."""
    dtype = np.result_type(*arrays)
    if dtype.kind in "biu":
        return np.dtype(np.float64)
    return np.dtype(np.float32) if dtype == np.float16 else dtype


def _padded(batch, window, strides, padding, name, value=0):
    """``batch`` with the zeros (or ``value``) that ``padding`` adds for this
    window and stride: none for 'valid', TensorFlow's for 'same'. The window,
    named ``name`` in errors, must fit the padded batch, and that in memory."""
    padding = checks.padding(padding, "padding")
    n, h, w, c = batch.shape
    same = (same_padding(h, window[0], strides[0]), same_padding(w, window[1], strides[1]))
    pads = same if padding == "same" else ((0, 0), (0, 0))
    checks.fits_in_memory((n, h + sum(pads[0]), w + sum(pads[1]), c), batch.dtype, name)
    padded = pad2d(batch, pads, value=value) if padding == "same" else batch
    checks.require(
        window[0] <= padded.shape[1] and window[1] <= padded.shape[2],
        name,
        f"fit in the (padded) input {padded.shape[1]}x{padded.shape[2]}; use padding='same' or a smaller window",
        window,
    )
    return padded


def _conv_inputs(x, kernel, bias, stride, padding):
    """``(padded batch, was_single, kernel, bias, strides)`` for the
    convolutions, checked, all in the :func:`_compute_dtype` of ``x``,
    ``kernel`` and ``bias``; ``kernel``'s ``c_in`` must be ``x``'s channels."""
    batch, single = _as_batch(x)
    kernel = checks.array_of(
        kernel, "kernel", "(kh, kw, c_in, c_out)", "biuf", sizes={"c_in": batch.shape[-1]}, empty=False
    )
    bias = None if bias is None else checks.array_of(bias, "bias", "(c_out,)", "biuf", sizes={"c_out": kernel.shape[3]})
    strides = checks.pair(stride, "stride")
    dtype = _compute_dtype(batch, kernel, *([] if bias is None else [bias]))
    batch, kernel = batch.astype(dtype, copy=False), kernel.astype(dtype, copy=False)
    bias = None if bias is None else bias.astype(dtype, copy=False)
    padded = _padded(batch, kernel.shape[:2], strides, padding, "kernel")
    (n, h, w, _), (kh, kw, _, c_out) = padded.shape, kernel.shape
    checks.fits_in_memory((n, (h - kh) // strides[0] + 1, (w - kw) // strides[1] + 1, c_out), dtype, "kernel")
    return padded, single, kernel, bias, strides
