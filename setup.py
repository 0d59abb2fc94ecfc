"""The optional C parts: the tape's (gradtape/_core/_apply.c, _record.c and _sweep.c) and
the random streams' (gradtape/_philox.c); everything else is in pyproject.toml. Without a
C compiler the build skips them and gradtape runs its Python reference implementations.
With NumPy's headers (pyproject.toml asks for NumPy at build time) the tape's parts also
read arrays' shapes and dtypes directly (``GRADTAPE_NUMPY``)."""
from setuptools import Extension, setup

try:
    import numpy
except ImportError:  # a build without NumPy: the C parts read arrays through Python
    NUMPY = {}
else:
    NUMPY = {"include_dirs": [numpy.get_include()], "define_macros": [("GRADTAPE_NUMPY", "1")]}

setup(ext_modules=[Extension(f"gradtape._core.{name}", [f"gradtape/_core/{name}.c"],
                             depends=["gradtape/_core/_slots.h"], optional=True, **NUMPY)
                   for name in ("_apply", "_record", "_sweep")]
      + [Extension("gradtape._philox", ["gradtape/_philox.c"], optional=True)])
