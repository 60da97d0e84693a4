"""Benchmarks of the convnets course: speed, memory and accuracy, in one run.

``python -m benchmarks`` (or ``make bench``) runs five parts and writes
``benchmarks/results/<date>-<host id>.json`` plus a markdown table:

1. ``overhead``  -- training through the helpers vs a plain Keras script;
2. ``ops``       -- the NumPy conv/pool reference ops vs TensorFlow;
3. ``lessons``   -- every lesson at its defaults via the course runner;
4. ``accuracy``  -- the MNIST convnet and downsampling variants over seeds;
5. ``flops``     -- achieved training GFLOP/s vs NumPy matmul GFLOP/s.

``python -m benchmarks.readme`` rewrites the README's results table from the
newest complete result. Modules: ``cli`` (options, running the parts),
``report`` (targets and tables), one module per part, ``machine``.
"""
