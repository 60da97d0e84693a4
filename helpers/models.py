"""Keras model builders: the lesson's convnet, its baseline and its variants.

Every builder returns a fresh, *uncompiled* ``keras.Model`` that takes
``(28, 28, 1)`` images and outputs 10 softmax probabilities. Layer names are
fixed, so lessons and tests can look layers up by name.
"""

from helpers.session import configure_backend

# Importing this module configures Keras on TensorFlow quietly (TF's C++
# start-up notices would otherwise land in a notebook as stderr).
keras = configure_backend()
layers = keras.layers

INPUT_SHAPE = (28, 28, 1)
NUM_CLASSES = 10
DOWNSAMPLING_KINDS = ("max", "avg", "strided", "none")
NO_POOL_HEADS = ("dense64", "dense512")


def _head(x, units=64):
    """Flatten -> Dense(units, relu) -> Dense(10, softmax)."""
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(units, activation="relu", name="dense")(x)
    return layers.Dense(NUM_CLASSES, activation="softmax", name="predictions")(x)


def _downsample(x, kind, channels, index):
    """The step between two conv blocks: halve the map (or, for 'none', don't)."""
    if kind == "max":
        return layers.MaxPooling2D(2, name=f"pool{index}")(x)
    if kind == "avg":
        return layers.AveragePooling2D(2, name=f"pool{index}")(x)
    if kind == "strided":
        # a 2x2 conv with stride 2: learnable downsampling, same output size as max-pool
        return layers.Conv2D(channels, 2, strides=2, name=f"pool{index}")(x)
    return x


def downsampling_variant(kind="max", head_units=64):
    """The lesson convnet with its two 2x2 downsampling steps swapped for ``kind``.

    ``max`` (the lesson convnet), ``avg`` (AveragePooling2D), ``strided`` (a learnable
    2x2 stride-2 Conv2D), ``none`` (no downsampling). Same three 3x3 convs
    (32, 64, 64 filters) and the same Dense head in every variant.
    """
    if kind not in DOWNSAMPLING_KINDS:
        raise ValueError(f"kind must be one of {DOWNSAMPLING_KINDS}, got {kind!r}")
    inputs = keras.Input(shape=INPUT_SHAPE, name="image")
    x = layers.Conv2D(32, 3, activation="relu", name="conv1")(inputs)
    x = _downsample(x, kind, 32, 1)
    x = layers.Conv2D(64, 3, activation="relu", name="conv2")(x)
    x = _downsample(x, kind, 64, 2)
    x = layers.Conv2D(64, 3, activation="relu", name="conv3")(x)
    outputs = _head(x, head_units)
    return keras.Model(inputs, outputs, name=f"convnet_{kind}")


def mnist_convnet():
    """The lesson's MNIST convnet (93,322 parameters).

    Conv2D(32,3)-MaxPool2-Conv2D(64,3)-MaxPool2-Conv2D(64,3)-Flatten-
    Dense(64)-Dense(10); shapes 28 -> 26 -> 13 -> 11 -> 5 -> 3 -> 576.
    """
    model = downsampling_variant("max")
    model.name = "mnist_convnet"
    return model


def no_pool_convnet(head="dense64"):
    """The lesson convnet with no pooling: 26x26x32 -> 24x24x64 -> 22x22x64.

    ``head='dense64'``: the lesson's own head (2,038,922 parameters);
    ``head='dense512'``: a Dense-512 head (15.8M parameters in that layer).
    """
    if head not in NO_POOL_HEADS:
        raise ValueError(f"head must be one of {NO_POOL_HEADS}, got {head!r}")
    model = downsampling_variant("none", head_units=int(head.removeprefix("dense")))
    model.name = f"no_pool_{head}"
    return model


def dense_baseline():
    """The densely connected baseline: Flatten -> Dense(512, relu) -> Dense(10)."""
    inputs = keras.Input(shape=INPUT_SHAPE, name="image")
    x = layers.Flatten(name="flatten")(inputs)
    x = layers.Dense(512, activation="relu", name="dense")(x)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name="dense_baseline")


def param_counts(model):
    """``{layer name: parameter count}`` for the layers that have parameters."""
    return {layer.name: layer.count_params() for layer in model.layers if layer.count_params()}


def forward_flops(model):
    """Multiply-adds x 2 of one forward pass of one sample through the Conv2D
    and Dense layers (pooling and activations are not counted)."""
    flops = 0
    for layer in model.layers:
        if isinstance(layer, layers.Conv2D):
            _, h, w, c_out = layer.output.shape
            kh, kw, c_in, _ = layer.kernel.shape
            flops += 2 * h * w * c_out * kh * kw * c_in
        elif isinstance(layer, layers.Dense):
            n_in, n_out = layer.kernel.shape
            flops += 2 * n_in * n_out
    return int(flops)
