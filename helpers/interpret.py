"""Looking inside a trained convnet (lesson 06): the plumbing around the
lesson's own occlusion, saliency, gradient-ascent and Grad-CAM code.

* :func:`conv_pool_stack` lists a model's windows ``(kernel, stride)`` from
  the input up to a layer, for ``ops.receptive_field``;
* :func:`strongest_units` finds, for every image and channel of a layer,
  its most active unit (where the channel responds most to that image);
* :func:`pre_activation` gives a conv layer's maps before its ReLU, which
  gradient ascent can climb even where the ReLU is off;
* :func:`class_scores` gives the class scores before the softmax, whose
  gradient with respect to the pixels is the saliency map;
* :func:`split_at` cuts a model in two at a layer: the part that makes the
  layer's maps, and the part that turns them into class scores (before the
  softmax), so a ``tf.GradientTape`` can differentiate a class score with
  respect to the input or to the maps;
* :func:`spread_to_input` paints a map of units (conv3's 3x3, or the
  positions of an occluding patch) back onto the input pixels each unit sees;
* :func:`stroke_mask` marks a digit's strokes (and, with ``margin``, the
  pixels next to them);
* :func:`class_activation_map` is CAM for a network whose head is global
  average pooling then one Dense layer (not lesson 04's convnet).

Shapes follow Keras: images ``(N, 28, 28, 1)`` floats in [0, 1], maps
``(N, H, W, C)``.
"""

import numpy as np

from helpers import checks
from helpers.session import configure_backend

keras = configure_backend()

_WINDOWED = ("Conv2D", "MaxPooling2D", "AveragePooling2D")
_PASS_THROUGH = ("InputLayer", "Activation", "ReLU", "Dropout")


def _layer_index(model, layer):
    """The index of the layer named ``layer`` in ``model.layers``."""
    names = [layer.name for layer in model.layers]
    checks.require(checks.text(layer, "layer") in names, "layer", f"name a layer of the model: {names}", repr(layer))
    return names.index(layer)


def conv_pool_stack(model, layer):
    """The ``(kernel, stride)`` of every conv and pooling layer of ``model``
    from its input up to and including ``layer`` (a name), first layer first:
    what ``ops.receptive_field`` takes. For the lesson convnet and ``"conv3"``:
    ``[(3, 1), (2, 2), (3, 1), (2, 2), (3, 1)]``.

    Only square windows and strides, 'valid' padding and no dilation: with
    those, unit ``(i, j)`` of the layer sees the input square whose top-left
    pixel is ``(i * jump, j * jump)``.
    """
    checks.instance(model, "model", keras.Model, "a Keras model (e.g. models.mnist_convnet())")
    stack = []
    for current in model.layers[: _layer_index(model, layer) + 1]:
        kind = type(current).__name__
        if kind in _PASS_THROUGH:
            continue
        checks.require(kind in _WINDOWED, "layer", "be reached through conv and pooling layers only", current.name)
        config = current.get_config()
        size = config.get("kernel_size", config.get("pool_size"))
        stride = config.get("strides") or size
        square = len(set(size)) == len(set(stride)) == 1 and set(config.get("dilation_rate", (1, 1))) == {1}
        checks.require(
            config.get("padding") == "valid" and square,
            current.name,
            "have 'valid' padding, square windows and strides, no dilation",
            f"{config.get('padding')!r}, {tuple(size)}, {tuple(stride)}",
        )
        stack.append((int(size[0]), int(stride[0])))
    return stack


def strongest_units(model, layer, images, batch_size=500):
    """Each image's most active unit of every channel of ``layer``.

    ``images``: ``(N, H, W, C)`` as the model takes them. Returns
    ``(values, rows, cols)``, each ``(N, channels)``: ``values[n, c]`` is the
    largest activation of channel ``c`` over all positions for image ``n``,
    found at unit ``(rows[n, c], cols[n, c])`` (the first such unit, in
    row-major order, if several tie). The layer's maps are computed
    ``batch_size`` images at a time and never kept whole (10,000 images
    through conv2 would be 310 MB).
    """
    checks.instance(model, "model", keras.Model, "a Keras model (e.g. models.mnist_convnet())")
    _layer_index(model, layer)
    images = checks.array_of(images, "images", "(N, H, W, C)", "iuf", empty=False, finite=True).astype(np.float32)
    batch_size = checks.positive_int(batch_size, "batch_size")
    probe = keras.Model(model.input, model.get_layer(layer).output)
    values, places = [], []
    for start in range(0, len(images), batch_size):
        maps = np.asarray(probe(images[start : start + batch_size], training=False))
        checks.require(maps.ndim == 4, "layer", "output maps (N, H, W, C)", f"{layer!r}, of shape {maps.shape[1:]}")
        flat = maps.reshape(len(maps), -1, maps.shape[-1])  # (B, H*W, C)
        values.append(flat.max(axis=1))
        places.append(flat.argmax(axis=1))
    width = probe.output.shape[2]
    place = np.concatenate(places)
    return np.concatenate(values), place // width, place % width


def _softmax_dense(model):
    """The model's last layer, which must be a Dense layer with a softmax."""
    last = model.layers[-1] if model.layers else None
    softmax = type(last).__name__ == "Dense" and last.get_config().get("activation") == "softmax"
    checks.require(softmax, "model", "end in a Dense layer with a softmax, as the course's models do", repr(model.name))
    return last


def _logits(layers, last, x):
    """``x`` through ``layers`` in order, then ``last``'s kernel and bias without its softmax."""
    import tensorflow as tf

    for current in layers:
        x = current(x, training=False)
    return tf.matmul(x, last.kernel) + last.bias


def split_at(model, layer):
    """``(features, head)``: ``features`` maps images to ``layer``'s output
    (a Keras model); ``head`` maps that output to the class scores *before*
    the softmax (the logits), through the model's later layers and the last
    Dense layer's own weights. ``head(features(x))`` is the network's scores
    for ``x``; both are differentiable, so ``tf.GradientTape`` can take the
    gradient of a score with respect to the images or the maps.

    ``model`` must be a chain (each layer feeds the next, as every model of
    ``helpers.models``) whose last layer is a Dense layer with a softmax.
    Pass the input layer's name to get ``features`` = the identity.
    """
    checks.instance(model, "model", keras.Model, "a Keras model (e.g. models.mnist_convnet())")
    index = _layer_index(model, layer)
    last = _softmax_dense(model)
    checks.require(index < len(model.layers) - 1, "layer", f"come before the last layer {last.name!r}", repr(layer))
    later = model.layers[index + 1 : -1]
    features = keras.Model(model.input, model.layers[index].output)

    def head(maps):
        """``layer``'s output ``(N, ...)`` -> class scores before the softmax ``(N, classes)``."""
        return _logits(later, last, maps)

    return features, head


def pre_activation(model, layer):
    """A function: images ``(N, H, W, C)`` -> the maps of the conv layer
    ``layer`` *before* its activation (its ReLU): the layer's convolution of
    the layer below's output, plus its bias. Differentiable, so a
    ``tf.GradientTape`` can climb it: a ReLU unit that is off (output 0) has
    no gradient, while the value before the ReLU always has one wherever
    the layers below let the input through."""
    checks.instance(model, "model", keras.Model, "a Keras model (e.g. models.mnist_convnet())")
    index = _layer_index(model, layer)
    conv = model.layers[index]
    checks.require(type(conv).__name__ == "Conv2D", "layer", "name a Conv2D", f"{layer!r} ({type(conv).__name__})")
    below = None if index == 0 else keras.Model(model.input, model.layers[index - 1].output)

    def before_activation(images):
        """images -> ``layer``'s maps before its activation."""
        inputs = images if below is None else below(images, training=False)
        outputs = conv.convolution_op(inputs, conv.kernel)
        return outputs + conv.bias if conv.use_bias else outputs

    return before_activation


def class_scores(model):
    """A function: images -> ``model``'s class scores *before* the softmax
    (the logits), ``(N, classes)``, through the model's own layers and the
    last Dense layer's weights. Differentiable: the gradient of a score with
    respect to the pixels is the saliency map. ``model`` as for
    :func:`split_at`."""
    checks.instance(model, "model", keras.Model, "a Keras model (e.g. models.mnist_convnet())")
    last = _softmax_dense(model)
    hidden = [layer for layer in model.layers[:-1] if type(layer).__name__ != "InputLayer"]

    def scores(images):
        """images ``(N, H, W, C)`` -> class scores before the softmax ``(N, classes)``."""
        return _logits(hidden, last, images)

    return scores


def spread_to_input(unit_map, size, jump, input_side):
    """Paint a map of units back onto the input.

    ``unit_map``: ``(H', W')`` values, one per unit, or ``(N, H', W')``;
    unit ``(i, j)`` sees the ``size`` x ``size`` input square whose top-left
    pixel is ``(i * jump, j * jump)`` (a conv layer's receptive field, or
    where an occluding patch sat). Each input pixel gets the mean of the
    values of the units that see it; a pixel no unit sees gets NaN (drawn
    blank). Returns ``(input_side, input_side)`` (or ``(N, ...)``).
    """
    values = checks.array_of(unit_map, "unit_map", "(H', W') or (N, H', W')", "biuf", empty=False).astype(np.float64)
    size = checks.positive_int(size, "size")
    jump = checks.positive_int(jump, "jump")
    input_side = checks.positive_int(input_side, "input_side")
    single = values.ndim == 2
    values = values[np.newaxis] if single else values
    rows, cols = values.shape[1:]
    reach = (max(rows, cols) - 1) * jump + size
    checks.require(reach <= input_side, "input_side", f"be at least the {reach} px unit_map reaches", input_side)
    total = np.zeros((len(values), input_side, input_side))
    count = np.zeros((input_side, input_side))
    for i in range(rows):
        for j in range(cols):
            total[:, i * jump : i * jump + size, j * jump : j * jump + size] += values[:, i, j, None, None]
            count[i * jump : i * jump + size, j * jump : j * jump + size] += 1
    with np.errstate(invalid="ignore", divide="ignore"):
        painted = np.where(count > 0, total / count, np.nan)
    return painted[0] if single else painted


def stroke_mask(images, threshold=0.5, margin=0):
    """``True`` on a digit's strokes: pixels of at least ``threshold``; with
    ``margin`` = m, also every pixel within m pixels of one (the square
    around it, diagonals included). ``images``: ``(N, H, W, 1)`` or
    ``(N, H, W)``; returns bools ``(N, H, W)``."""
    images = checks.array_of(images, "images", "(N, H, W) or (N, H, W, 1)", "iuf")
    images = images[..., 0] if images.ndim == 4 else images
    checks.number(threshold, "threshold")
    margin = checks.non_negative_int(margin, "margin")
    mask = images >= threshold
    for _ in range(margin):  # grow by one pixel each way: the largest of each 3x3 neighbourhood
        padded = np.pad(mask, ((0, 0), (1, 1), (1, 1)))
        h, w = mask.shape[1:]
        mask = np.any([padded[:, r : r + h, c : c + w] for r in range(3) for c in range(3)], axis=0)
    return mask


def class_activation_map(maps, class_weights):
    """CAM (Zhou et al., 2016) for a head of global average pooling then one
    Dense layer: ``maps`` ``(H, W, C)`` (the last conv layer's output for one
    image) and ``class_weights`` ``(C,)`` (the Dense kernel's column for one
    class) -> ``(H, W)``, the weighted sum of the channels at every position.
    Its mean over positions plus the class's bias is the class score: such a
    head scores a class by averaging this map."""
    maps = checks.array_of(maps, "maps", "(H, W, C)", "iuf", empty=False)
    class_weights = checks.array_of(class_weights, "class_weights", "(C,)", "iuf", sizes={"C": maps.shape[-1]})
    return np.tensordot(maps, class_weights, axes=([-1], [0]))
