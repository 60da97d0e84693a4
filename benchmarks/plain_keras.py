"""The lesson's MNIST convnet as a plain, standalone Keras script (no helpers).

The "B" side of the training-overhead benchmark: the code a reader would
type from the book. It reads the arrays :mod:`benchmarks.helpers_keras`
reads (an .npz with x_train, y_train, x_test, y_test), seeds, builds,
compiles, fits and evaluates, and prints one JSON line of timings.

    python -m benchmarks.plain_keras --npz data.npz --epochs 2 --batch-size 64 --seed 0
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

    import keras
    from keras import layers

    with np.load(args.npz) as arrays:
        train_images, train_labels = arrays["x_train"], arrays["y_train"]
        test_images, test_labels = arrays["x_test"], arrays["y_test"]
    train_images = train_images.reshape((len(train_images), 28, 28, 1)).astype("float32") / 255
    test_images = test_images.reshape((len(test_images), 28, 28, 1)).astype("float32") / 255
    train_labels = keras.utils.to_categorical(train_labels, 10)
    test_labels = keras.utils.to_categorical(test_labels, 10)

    start = time.perf_counter()
    keras.utils.set_random_seed(args.seed)
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(filters=32, kernel_size=3, activation="relu")(inputs)
    x = layers.MaxPooling2D(pool_size=2)(x)
    x = layers.Conv2D(filters=64, kernel_size=3, activation="relu")(x)
    x = layers.MaxPooling2D(pool_size=2)(x)
    x = layers.Conv2D(filters=64, kernel_size=3, activation="relu")(x)
    x = layers.Flatten()(x)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    fit_start = time.perf_counter()
    model.fit(train_images, train_labels, epochs=args.epochs, batch_size=args.batch_size, verbose=0)
    fit_seconds = time.perf_counter() - fit_start
    _test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=0)
    total_seconds = time.perf_counter() - start

    print(
        json.dumps(
            {
                "side": "plain",
                "train_samples": len(train_images),
                "params": int(model.count_params()),
                "fit_seconds": fit_seconds,
                "total_seconds": total_seconds,
                "test_acc": float(test_acc),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
