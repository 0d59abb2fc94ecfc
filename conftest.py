"""Shared pytest set-up.

NumPy prints scalars as 6.0, not np.float32(6.0), in doctests (the form
TensorFlow's and gradtape's reprs use).  Every Python block of README.md and
docs/*.md runs as a test (Sybil): the blocks of one file share a namespace,
in order; a block that cannot run here is preceded by the Sybil marker
``<!-- skip: next -->`` with the reason beside it.
"""
import doctest

import numpy as np
import pytest
from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser, SkipParser

from gradtape._core.tensor import LEGACY_PRINTING


@pytest.fixture(autouse=True)
def _legacy_printing(doctest_namespace):
    with np.printoptions(**LEGACY_PRINTING):
        yield


def _markdown_setup(namespace):
    import gradtape
    gradtape.random.set_seed(0)
    namespace["_saved_printoptions"] = np.get_printoptions()
    np.set_printoptions(**LEGACY_PRINTING)


def _markdown_teardown(namespace):
    np.set_printoptions(**namespace.pop("_saved_printoptions"))


pytest_collect_file = Sybil(
    parsers=[PythonCodeBlockParser(doctest_optionflags=doctest.ELLIPSIS
                                   | doctest.NORMALIZE_WHITESPACE), SkipParser()],
    patterns=["README.md", "docs/*.md"],
    setup=_markdown_setup,
    teardown=_markdown_teardown,
).pytest()
