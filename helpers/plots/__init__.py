"""Every figure the lessons draw.

Each function builds and returns a new ``matplotlib.figure.Figure`` (no
pyplot state is touched, so figures never leak between cells); every figure
has a title and its axes are labelled. In a notebook, the returned Figure
displays itself as the cell's value. A model has one style (colour, line,
marker, hatch) in every figure of the course: ``MODEL_STYLES``, read with
:func:`model_style`.

One module per lesson (its docstring names the lesson that draws it) and
``kit``, the shared panels, checks, model styles and the figures several
lessons draw; lessons call every figure as ``plots.<name>``.
"""

from helpers.plots.animations import conv_animation, pooling_animation, window_walk, window_walk_animation
from helpers.plots.kit import (
    MAX_PANELS,
    MODEL_ALIASES,
    MODEL_STYLES,
    SIGNED_CMAP,
    grouped_bars,
    image_grid,
    line_plot,
    model_style,
    training_curves,
)
from helpers.plots.lesson01 import composed_kernel, conv_arithmetic, kernel_recovery, shift_equivariance, signed_maps
from helpers.plots.lesson02 import (
    OTHER_PADDING_COLOUR,
    PADDING_COLOURS,
    dilated_taps,
    padded_arithmetic,
    reach_maps,
    stride_shift_maps,
    stride_shrink,
    strided_walk,
    window_counts,
    window_positions,
)
from helpers.plots.lesson03 import compare_maps, pooling_windows, shift_change_bars, shift_status
from helpers.plots.lesson04 import confusion_matrix, feature_maps, kernel_grid, layer_activations, shift_robustness
from helpers.plots.lesson05 import accuracy_vs_shift, paired_differences, receptive_fields
from helpers.plots.lesson06 import channel_patterns, filter_matches, where_it_looks
