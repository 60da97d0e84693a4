"""Part 2: the NumPy reference ops of ``helpers.ops`` against TensorFlow.

On one float32 batch ``(N, 28, 28, 32)`` (N = 64 by default) and a
``(3, 3, 32, 64)`` kernel, 'valid' padding, stride 1:

* ``conv2d`` (vectorised: sliding_window_view + einsum) vs ``tf.nn.conv2d``;
* ``conv2d_naive`` (a Python loop over images and output positions) vs
  ``tf.nn.conv2d``, timed on the first ``naive_images`` images of the batch
  and scaled linearly to N (its work is exactly linear in N) when that is
  fewer than N;
* ``max_pool2d`` (2x2, stride 2) vs ``tf.nn.max_pool2d`` on the same batch.

Every NumPy result is checked against TensorFlow's before it is timed.
Times are medians of ``repeats`` calls after one warm-up call; ratio =
NumPy time / TensorFlow time (1.0 = as fast, 3.0 = three times slower).
"""

import numpy as np

from .stats import time_calls


def run(*, batch=64, size=28, c_in=32, c_out=64, kernel_size=3, naive_images=64, repeats=10,
        naive_repeats=3, seed=0, log=print):
    import tensorflow as tf

    from helpers import ops

    if not 1 <= naive_images:
        raise ValueError(f"naive_images must be >= 1, got {naive_images}")
    naive_images = min(naive_images, batch)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, size, size, c_in), dtype=np.float32)
    kernel = rng.standard_normal((kernel_size, kernel_size, c_in, c_out), dtype=np.float32) * 0.1
    x_tf, kernel_tf = tf.constant(x), tf.constant(kernel)

    def tf_conv():
        return tf.nn.conv2d(x_tf, kernel_tf, strides=1, padding="VALID").numpy()

    def tf_pool():
        return tf.nn.max_pool2d(x_tf, ksize=2, strides=2, padding="VALID").numpy()

    reference = tf_conv()
    checks = {
        "conv2d_max_abs_diff": float(np.abs(ops.conv2d(x, kernel) - reference).max()),
        "conv2d_naive_max_abs_diff": float(
            np.abs(ops.conv2d_naive(x[:naive_images], kernel) - reference[:naive_images]).max()),
        "max_pool2d_equal": bool(np.array_equal(ops.max_pool2d(x), tf_pool())),
    }
    scale = float(np.abs(reference).max())
    for key in ("conv2d_max_abs_diff", "conv2d_naive_max_abs_diff"):
        if checks[key] > 1e-4 * scale:
            raise AssertionError(f"{key} = {checks[key]:.3g} against TensorFlow (outputs up to {scale:.3g})")
    if not checks["max_pool2d_equal"]:
        raise AssertionError("max_pool2d differs from tf.nn.max_pool2d")

    timings = {
        "tf_conv2d": time_calls(tf_conv, repeats),
        "conv2d": time_calls(lambda: ops.conv2d(x, kernel), repeats),
        "conv2d_naive": time_calls(lambda: ops.conv2d_naive(x[:naive_images], kernel), naive_repeats),
        "tf_max_pool2d": time_calls(tf_pool, repeats),
        "max_pool2d": time_calls(lambda: ops.max_pool2d(x), repeats),
    }
    naive_scale = batch / naive_images
    timings["conv2d_naive"]["measured_images"] = naive_images
    timings["conv2d_naive"]["scaled_to_batch_median_s"] = timings["conv2d_naive"]["median_s"] * naive_scale
    conv_tf = timings["tf_conv2d"]["median_s"]
    record = {
        "input_shape": [batch, size, size, c_in],
        "kernel_shape": [kernel_size, kernel_size, c_in, c_out],
        "dtype": "float32",
        "padding": "valid",
        "pool": "2x2 stride 2",
        "naive_scaling": (
            "measured on the full batch" if naive_scale == 1
            else f"measured on {naive_images} of {batch} images, time x {naive_scale:g} (work is linear in N)"
        ),
        "timings": timings,
        "checks": checks,
        "ratio_conv2d_vs_tf": timings["conv2d"]["median_s"] / conv_tf,
        "ratio_conv2d_naive_vs_tf": timings["conv2d_naive"]["scaled_to_batch_median_s"] / conv_tf,
        "ratio_max_pool2d_vs_tf": timings["max_pool2d"]["median_s"] / timings["tf_max_pool2d"]["median_s"],
    }
    log(f"  conv2d {timings['conv2d']['median_s'] * 1e3:.1f} ms, conv2d_naive "
        f"{timings['conv2d_naive']['scaled_to_batch_median_s'] * 1e3:.0f} ms, tf.nn.conv2d "
        f"{conv_tf * 1e3:.1f} ms; max_pool2d {timings['max_pool2d']['median_s'] * 1e3:.2f} ms, "
        f"tf.nn.max_pool2d {timings['tf_max_pool2d']['median_s'] * 1e3:.2f} ms")
    return record
