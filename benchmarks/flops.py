"""Part 5: how close training runs to what this machine can do.

* Achieved training GFLOP/s of lesson 04's MNIST convnet: one training step costs
  about 3 forward passes per sample (forward, gradient w.r.t. activations,
  gradient w.r.t. weights), and ``helpers.models.forward_flops`` counts a
  forward pass as 2 x multiply-adds of the Conv2D and Dense layers (pooling,
  activations, loss and optimizer update are not counted). So
  GFLOP/s = 3 x forward_flops x samples/s / 1e9, with samples/s the
  median over ``epochs`` timed epochs after a warm-up fit (tracing
  excluded); the slowest and fastest epoch are kept too.
* NumPy float32 matmul GFLOP/s: ``a @ b`` with ``n x n`` matrices,
  2 n^3 FLOPs, best of ``repeats`` after a warm-up: the machine's practical
  dense-math ceiling for this BLAS and these cores.
"""

import statistics

import numpy as np

from .stats import time_calls

TRAINING_FLOPS_PER_FORWARD = 3


def matmul_gflops(n=2048, repeats=5, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    timing = time_calls(lambda: a @ b, repeats)
    flops = 2 * n**3
    return {
        "n": n,
        "dtype": "float32",
        "flops": flops,
        **timing,
        "gflops_best": flops / timing["min_s"] / 1e9,
        "gflops_median": flops / timing["median_s"] / 1e9,
    }


def training_gflops(data, *, batch_size=64, seed=0, warmup_batches=20, epochs=3):
    """``data``: preprocessed ``(x_train, y_train)``; times ``epochs`` epochs of
    ``fit`` one by one, after a warm-up fit that traces the training step."""
    import keras

    from helpers import models
    from helpers.training import EpochLog, as_tensor

    x, y = map(as_tensor, data)  # the input lesson 04's training gets (train_and_evaluate converts so)
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    model = models.mnist_convnet()
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    warm = min(len(x), warmup_batches * batch_size)
    model.fit(x[:warm], y[:warm], epochs=1, batch_size=batch_size, verbose=0)  # traces the step
    timer = EpochLog(epochs)  # times each epoch, prints nothing
    model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0, callbacks=[timer])
    forward = models.forward_flops(model)
    epoch_rates = [len(x) / seconds for seconds in timer.seconds]
    samples_per_s = statistics.median(epoch_rates)
    return {
        "model": "mnist_convnet",
        "batch_size": batch_size,
        "samples": len(x),
        "epoch_seconds": timer.seconds,
        "samples_per_s": samples_per_s,
        "samples_per_s_slowest_epoch": min(epoch_rates),
        "samples_per_s_fastest_epoch": max(epoch_rates),
        "forward_flops_per_sample": forward,
        "training_flops_per_sample": TRAINING_FLOPS_PER_FORWARD * forward,
        "gflops": TRAINING_FLOPS_PER_FORWARD * forward * samples_per_s / 1e9,
    }


def run(train_data, *, batch_size=64, matmul_n=2048, epochs=3, log=print):
    training = training_gflops(train_data, batch_size=batch_size, epochs=epochs)
    matmul = matmul_gflops(matmul_n)
    log(
        f"  training {training['samples_per_s']:.0f} samples/s = {training['gflops']:.1f} GFLOP/s; "
        f"numpy float32 matmul {matmul['gflops_best']:.1f} GFLOP/s"
    )
    return {
        "convention": (
            "training step = 3 x forward FLOPs; forward = 2 x multiply-adds of Conv2D and Dense "
            "layers (helpers.models.forward_flops)"
        ),
        "training": training,
        "matmul": matmul,
        "training_fraction_of_matmul": training["gflops"] / matmul["gflops_best"],
    }
