"""The array namespace every rule and the engine compute with.

Rules refer to ``xp`` and nothing else, so the engine can later run on another
array-API namespace (CuPy, Dask) by changing this one name.
"""
import numpy as xp  # noqa: F401  (re-exported)
