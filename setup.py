"""The optional C parts: the tape's (gradtape/_core/_apply.c, _record.c and _sweep.c) and
the random streams' (gradtape/_philox.c); everything else is in pyproject.toml. Without a
C compiler the build skips them and gradtape runs its Python reference implementations."""
from setuptools import Extension, setup

setup(ext_modules=[Extension(f"gradtape._core.{name}", [f"gradtape/_core/{name}.c"],
                             depends=["gradtape/_core/_slots.h"], optional=True)
                   for name in ("_apply", "_record", "_sweep")]
      + [Extension("gradtape._philox", ["gradtape/_philox.c"], optional=True)])
