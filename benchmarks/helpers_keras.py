"""The lesson's MNIST convnet trained through the course helpers.

The "A" side of the training-overhead benchmark: the same arrays, epochs,
batch size and seed as :mod:`benchmarks.plain_keras`, but through
``helpers.training.train_and_evaluate(helpers.models.mnist_convnet, ...)``,
the call lesson 04 makes. Prints one JSON line of timings in the same format.

    python -m benchmarks.helpers_keras --npz data.npz --epochs 2 --batch-size 64 --seed 0
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--npz", required=True, help="arrays x_train, y_train, x_test, y_test (uint8)")
    parser.add_argument("--epochs", type=int, required=True)
    parser.add_argument("--batch-size", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    args = parser.parse_args(argv)

    from helpers import data, models, training

    with np.load(args.npz) as arrays:
        train = data.preprocess(arrays["x_train"], arrays["y_train"])
        test = data.preprocess(arrays["x_test"], arrays["y_test"])

    start = time.perf_counter()
    _model, result = training.train_and_evaluate(
        models.mnist_convnet, (train, test), epochs=args.epochs, batch_size=args.batch_size, seed=args.seed
    )
    total_seconds = time.perf_counter() - start

    print(
        json.dumps(
            {
                "side": "helpers",
                "train_samples": len(train[0]),
                "params": result.params,
                "fit_seconds": result.fit_seconds,
                "total_seconds": total_seconds,
                "test_acc": result.test_acc,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
