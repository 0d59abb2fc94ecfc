"""The optional C part of the tape (gradtape/_core/_record.c); everything else is in
pyproject.toml. Without a C compiler the build skips it and gradtape runs its Python
reference implementation."""
from setuptools import Extension, setup

setup(ext_modules=[Extension("gradtape._core._record", ["gradtape/_core/_record.c"],
                             optional=True)])
