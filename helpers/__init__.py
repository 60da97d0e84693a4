"""helpers: the code the convnets course notebooks import, and nothing else.

Modules: ``ops`` (NumPy conv/pool reference ops), ``data`` (MNIST),
``models`` (Keras builders), ``training`` (seeded train + evaluate, shifted
test digits), ``ablation`` (lesson 05's experiment, shared with the
benchmark), ``stats`` (paired comparisons and both noise sources),
``plots`` (every figure), ``session`` (lesson start-up, results record),
``exercises`` (checked answers), ``checks`` (argument checks with clear
messages), ``files`` (atomic writes, strict JSON).
Import the module you need; this package imports nothing heavy itself.
The course runner and its notebook tools live apart, in ``course/``.
"""

__version__ = "0.1.0"
