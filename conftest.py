"""Shared pytest set-up: NumPy prints scalars as 6.0, not np.float32(6.0), in
doctests (the form TensorFlow's and gradtape's reprs use)."""
import numpy as np
import pytest


@pytest.fixture(autouse=True)
def _legacy_printing(doctest_namespace):
    with np.printoptions(legacy="1.25"):
        yield
