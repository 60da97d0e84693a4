"""Keras model builders: the lesson's convnet, its baseline and its variants.

Every builder returns a fresh, *uncompiled* ``keras.Model`` that takes
``(28, 28, 1)`` images and outputs 10 softmax probabilities. Layer names are
fixed, so lessons and tests can look layers up by name.
"""

import numpy as np

from helpers import checks
from helpers.session import configure_backend

# Importing this module configures Keras on TensorFlow quietly (TF's C++
# start-up notices would otherwise land in a notebook as stderr).
keras = configure_backend()
layers = keras.layers

INPUT_SHAPE = (28, 28, 1)
NUM_CLASSES = 10
DOWNSAMPLING_KINDS = ("max", "avg", "strided_conv", "learned_pool", "none")
HEADS = ("flatten", "global_max", "global_avg")
NO_POOL_HEADS = ("dense64", "dense512")


def _head(x, head="flatten", units=64):
    """``head`` -> Dense(units, relu) -> Dense(10, softmax).

    ``flatten`` keeps every position (a weight per position and channel);
    ``global_max`` / ``global_avg`` keep one number per channel (its largest
    / mean value over the map), so the classifier cannot tell *where* a
    feature was found.
    """
    if head == "flatten":
        x = layers.Flatten(name="flatten")(x)
    elif head == "global_max":
        x = layers.GlobalMaxPooling2D(name="global_pool")(x)
    else:
        x = layers.GlobalAveragePooling2D(name="global_pool")(x)
    x = layers.Dense(units, activation="relu", name="dense")(x)
    return layers.Dense(NUM_CLASSES, activation="softmax", name="predictions")(x)


def _downsample(x, kind, channels, index):
    """The step after conv1 and conv2: halve the map (``none``: leave it)."""
    if kind == "max":
        return layers.MaxPooling2D(2, name=f"pool{index}")(x)
    if kind == "avg":
        return layers.AveragePooling2D(2, name=f"pool{index}")(x)
    if kind == "learned_pool":
        # a 2x2 conv with stride 2 and no activation: a pooling whose weights are learned
        return layers.Conv2D(channels, 2, strides=2, name=f"pool{index}")(x)
    return x  # "none", and "strided_conv", whose convs downsample themselves


def downsampling_variant(kind="max", head_units=64, head="flatten"):
    """The lesson convnet with its downsampling swapped for ``kind``.

    Three 3x3 ReLU convs (32, 64, 64 filters; layers ``conv1..conv3``), then
    ``head`` (``flatten``, ``global_max`` or ``global_avg``; layer
    ``flatten`` or ``global_pool``), ``dense`` (``head_units``, ReLU) and
    ``predictions`` (10, softmax). What sits between the convs:

    ============  =============================================  ============================  ========
    kind          after conv1 and after conv2 (``pool1/2``)       maps 28 -> conv3 output       params
    ============  =============================================  ============================  ========
    max           MaxPooling2D(2)                                26, 13, 11, 5, 3x3x64           93,322
    avg           AveragePooling2D(2)                            26, 13, 11, 5, 3x3x64           93,322
    strided_conv  nothing: conv1 and conv2 have stride 2 (the    13, 6, 4x4x64                  121,994
                  book's "strided convolution")
    learned_pool  Conv2D(c, 2, strides=2), linear: learned       26, 13, 11, 5, 3x3x64          113,898
                  2x2 pooling
    none          nothing                                        26, 24, 22x22x64             2,038,922
    ============  =============================================  ============================  ========

    Parameters with the default Flatten -> Dense(64) head. A global head makes the
    dense layer 64*64 + 64 whatever the map size (60,554 parameters for
    ``max``, ``avg``, ``strided_conv`` and ``none``; 81,130 for
    ``learned_pool``). One unit of conv3 sees 18x18 input pixels under
    max, avg and learned_pool, 15x15 under strided_conv, 7x7 under none.
    """
    checks.one_of(kind, "kind", DOWNSAMPLING_KINDS)
    checks.positive_int(head_units, "head_units")
    checks.one_of(head, "head", HEADS)
    stride = 2 if kind == "strided_conv" else 1
    inputs = keras.Input(shape=INPUT_SHAPE, name="image")
    x = layers.Conv2D(32, 3, strides=stride, activation="relu", name="conv1")(inputs)
    x = _downsample(x, kind, 32, 1)
    x = layers.Conv2D(64, 3, strides=stride, activation="relu", name="conv2")(x)
    x = _downsample(x, kind, 64, 2)
    x = layers.Conv2D(64, 3, activation="relu", name="conv3")(x)
    outputs = _head(x, head, head_units)
    suffix = "" if head == "flatten" else f"_{head}"
    return keras.Model(inputs, outputs, name=f"convnet_{kind}{suffix}")


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
    checks.one_of(head, "head", NO_POOL_HEADS)
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
    checks.instance(model, "model", keras.Model, "a Keras model (e.g. models.mnist_convnet())")
    return {layer.name: layer.count_params() for layer in model.layers if layer.count_params()}


def forward_flops(model):
    """Multiply-adds x 2 of one forward pass of one sample through the
    Conv1D/2D/3D and Dense layers, from each layer's actual output shape:
    ``2 x (output positions) x (output channels) x (weights per output)``.

    A conv's output positions are its output map (``h x w`` for Conv2D); a
    Dense layer counts once per position of its input's leading axes (on
    ``(5, 16)`` it is applied 5 times). Nested models (a ``Sequential``
    block inside a model) are walked, and a layer called twice counts twice.
    Biases, pooling, activations and other layers without weights count 0;
    any other layer with weights (BatchNormalization, DepthwiseConv2D, ...)
    is refused by name rather than silently left out.
    """
    checks.instance(model, "model", keras.Model, "a Keras model (e.g. models.mnist_convnet())")
    checks.require(model.built and model.inputs, "model", "be built: start it with keras.Input(shape)", model.name)
    return sum(_layer_flops(layer) for layer in _leaf_layers(model))


COUNTED = (layers.Conv1D, layers.Conv2D, layers.Conv3D, layers.Dense)


def _leaf_layers(model):
    """The layers of ``model``, nested models opened up (a Sequential block is one layer of its parent)."""
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            yield from _leaf_layers(layer)
        else:
            yield layer


def _layer_flops(layer):
    # type(...) in, not isinstance: Conv2DTranspose and the depthwise convs are
    # counted differently and must be refused, not counted as a Conv2D
    if type(layer) not in COUNTED:
        checks.require(
            not layer.weights,
            "model",
            "have weights only in Conv1D/2D/3D and Dense layers (forward_flops cannot count others)",
            f"layer {layer.name!r} ({type(layer).__name__})",
        )
        return 0
    # one node per call of the layer: its output shape in that call (the public
    # layer.output raises for a layer called more than once)
    shapes = [tuple(node.output_tensors[0].shape) for node in layer._inbound_nodes]
    checks.require(shapes, "model", "be Sequential or functional, not subclassed", f"{layer.name!r} never called")
    weights_per_output = int(np.prod(layer.kernel.shape[:-1]))  # kh*kw*c_in/groups, or n_in
    total = 0
    for shape in shapes:
        checks.require(
            None not in shape[1:],
            "model",
            "have fixed input sizes, e.g. keras.Input((28, 28, 1))",
            f"output shape {shape} for layer {layer.name!r}",
        )
        total += 2 * int(np.prod(shape[1:])) * weights_per_output
    return total
