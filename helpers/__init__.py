"""helpers: the code the convnets course notebooks import.

Modules: ``ops`` (NumPy conv/pool reference ops), ``data`` (MNIST),
``models`` (Keras builders), ``training`` (seeded train + evaluate),
``plots`` (every figure), ``session`` (lesson start-up, results record),
``exercises`` (checked answers), ``files`` (atomic writes, strict JSON).
Import the module you need; this package imports nothing heavy itself.
"""

__version__ = "0.1.0"
