"""Part 2: the NumPy reference ops of ``helpers.ops`` against TensorFlow.

On one float32 batch ``(N, 28, 28, 32)`` (N = 64 by default) and a
``(3, 3, 32, 64)`` kernel, 'valid' padding, stride 1:

* ``conv2d`` (im2col: the patch matrix times the flattened kernel, one
  GEMM per block of images) vs ``tf.nn.conv2d``; and its achieved GFLOP/s,
  ``2 * N*H'*W' * kh*kw*C_in * C_out`` FLOPs per call, as a fraction of those
  of a float32 ``n x n`` matmul with about the same FLOPs (``2 n**3``),
  the machine's own matrix-product speed;
* ``conv2d_naive`` (a Python loop over images and output positions) vs
  ``tf.nn.conv2d``, timed on the first ``naive_images`` images of the batch
  and scaled linearly to N (its work is exactly linear in N) when that is
  fewer than N;
* ``max_pool2d`` (2x2, stride 2) vs ``tf.nn.max_pool2d`` on the same batch.

Every NumPy result is checked against TensorFlow's before it is timed.
Calls that are compared run interleaved in one loop (:func:`interleaved`):
one repeat in one order (TensorFlow, NumPy, matmul), the next in the reverse
order, so that a change in the machine's load, or a call that slows down
whatever runs after it (a library's threads still busy), falls on both
sides. Times are medians of ``repeats`` calls after one warm-up call; ratio =
NumPy time / TensorFlow time (1.0 = as fast, 3.0 = three times slower), also
given for the repeats where TensorFlow ran first and where NumPy ran first.
"""

import statistics
import time

import numpy as np

from .stats import time_calls


def interleaved(calls, repeats):
    """Time ``calls`` (name -> function of no arguments) in one loop.

    Each is called once untimed (warm-up); then repeat 0 calls them in the
    order given, repeat 1 in the reverse order, and so on. Returns
    ``{name: [seconds of each repeat]}``.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    names = list(calls)
    for name in names:
        calls[name]()
    seconds = {name: [] for name in names}
    for repeat in range(repeats):
        for name in names if repeat % 2 == 0 else names[::-1]:
            start = time.perf_counter()
            calls[name]()
            seconds[name].append(time.perf_counter() - start)
    return seconds


def summary(seconds):
    """``{'median_s', 'min_s', 'repeats'}`` of a list of times (the shape of ``time_calls``)."""
    return {"median_s": statistics.median(seconds), "min_s": min(seconds), "repeats": len(seconds)}


def ratio_by_order(numpy_s, tf_s):
    """Median NumPy/TensorFlow ratio of the repeats where TensorFlow ran
    first (even repeats of :func:`interleaved` with TensorFlow listed first)
    and of those where NumPy ran first; an order that never ran is left out."""
    ratios = [a / b for a, b in zip(numpy_s, tf_s)]
    orders = {"tf_first": ratios[0::2], "numpy_first": ratios[1::2]}
    return {order: statistics.median(values) for order, values in orders.items() if values}


def run(
    *,
    batch=64,
    size=28,
    c_in=32,
    c_out=64,
    kernel_size=3,
    naive_images=64,
    repeats=10,
    naive_repeats=3,
    seed=0,
    log=print,
):
    import tensorflow as tf

    from helpers import ops

    if naive_images < 1:
        raise ValueError(f"naive_images must be >= 1, got {naive_images}")
    naive_images = min(naive_images, batch)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, size, size, c_in), dtype=np.float32)
    kernel = rng.standard_normal((kernel_size, kernel_size, c_in, c_out), dtype=np.float32) * 0.1
    x_tf, kernel_tf = tf.constant(x), tf.constant(kernel)
    out_size = size - kernel_size + 1
    conv_flops = 2 * batch * out_size**2 * kernel_size**2 * c_in * c_out
    n = max(1, round((conv_flops / 2) ** (1 / 3)))  # an n x n matmul does 2 n**3 FLOPs
    a, b = rng.standard_normal((2, n, n), dtype=np.float32)

    def tf_conv():
        return tf.nn.conv2d(x_tf, kernel_tf, strides=1, padding="VALID").numpy()

    def tf_pool():
        return tf.nn.max_pool2d(x_tf, ksize=2, strides=2, padding="VALID").numpy()

    reference = tf_conv()
    checks = {
        "conv2d_max_abs_diff": float(np.abs(ops.conv2d(x, kernel) - reference).max()),
        "conv2d_naive_max_abs_diff": float(
            np.abs(ops.conv2d_naive(x[:naive_images], kernel) - reference[:naive_images]).max()
        ),
        "max_pool2d_equal": bool(np.array_equal(ops.max_pool2d(x), tf_pool())),
    }
    scale = float(np.abs(reference).max())
    for key in ("conv2d_max_abs_diff", "conv2d_naive_max_abs_diff"):
        if checks[key] > 1e-4 * scale:
            raise AssertionError(f"{key} = {checks[key]:.3g} against TensorFlow (outputs up to {scale:.3g})")
    if not checks["max_pool2d_equal"]:
        raise AssertionError("max_pool2d differs from tf.nn.max_pool2d")

    conv = interleaved(
        {"tf_conv2d": tf_conv, "conv2d": lambda: ops.conv2d(x, kernel), "matmul": lambda: a @ b}, repeats
    )
    pool = interleaved({"tf_max_pool2d": tf_pool, "max_pool2d": lambda: ops.max_pool2d(x)}, repeats)
    timings = {name: summary(seconds) for name, seconds in (conv | pool).items()}
    timings["conv2d_naive"] = time_calls(lambda: ops.conv2d_naive(x[:naive_images], kernel), naive_repeats)
    naive_scale = batch / naive_images
    timings["conv2d_naive"]["measured_images"] = naive_images
    timings["conv2d_naive"]["scaled_to_batch_median_s"] = timings["conv2d_naive"]["median_s"] * naive_scale
    conv_tf = timings["tf_conv2d"]["median_s"]
    gflops = {
        name: flops / timings[name]["median_s"] / 1e9
        for name, flops in (("conv2d", conv_flops), ("tf_conv2d", conv_flops), ("matmul", 2 * n**3))
    }
    record = {
        "input_shape": [batch, size, size, c_in],
        "kernel_shape": [kernel_size, kernel_size, c_in, c_out],
        "dtype": "float32",
        "padding": "valid",
        "pool": "2x2 stride 2",
        "timing": "interleaved: TensorFlow, NumPy (, matmul) on even repeats, the reverse order on odd ones",
        "naive_scaling": (
            "measured on the full batch"
            if naive_scale == 1
            else f"measured on {naive_images} of {batch} images, time x {naive_scale:g} (work is linear in N)"
        ),
        "timings": timings,
        "checks": checks,
        "ratio_conv2d_vs_tf": timings["conv2d"]["median_s"] / conv_tf,
        "ratio_conv2d_vs_tf_by_order": ratio_by_order(conv["conv2d"], conv["tf_conv2d"]),
        "conv2d_flops": conv_flops,
        "matmul": {"n": n, "flops": 2 * n**3, "gflops": gflops["matmul"]},
        "conv2d_gflops": gflops["conv2d"],
        "tf_conv2d_gflops": gflops["tf_conv2d"],
        "conv2d_fraction_of_matmul": gflops["conv2d"] / gflops["matmul"],
        "ratio_conv2d_naive_vs_tf": timings["conv2d_naive"]["scaled_to_batch_median_s"] / conv_tf,
        "ratio_max_pool2d_vs_tf": timings["max_pool2d"]["median_s"] / timings["tf_max_pool2d"]["median_s"],
    }
    by_order = ", ".join(
        f"{order.replace('_', ' ')} {value:.2f}x" for order, value in record["ratio_conv2d_vs_tf_by_order"].items()
    )
    log(
        f"  conv2d {timings['conv2d']['median_s'] * 1e3:.1f} ms, tf.nn.conv2d {conv_tf * 1e3:.1f} ms: "
        f"{record['ratio_conv2d_vs_tf']:.2f}x ({by_order}); conv2d {gflops['conv2d']:.1f} GFLOP/s = "
        f"{record['conv2d_fraction_of_matmul']:.0%} of a {n}x{n} matmul's {gflops['matmul']:.1f} "
        f"(tf.nn.conv2d {gflops['tf_conv2d']:.1f})"
    )
    log(
        f"  conv2d_naive {timings['conv2d_naive']['scaled_to_batch_median_s'] * 1e3:.0f} ms; "
        f"max_pool2d {timings['max_pool2d']['median_s'] * 1e3:.2f} ms, "
        f"tf.nn.max_pool2d {timings['tf_max_pool2d']['median_s'] * 1e3:.2f} ms"
    )
    return record
