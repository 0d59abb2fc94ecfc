"""Op specs: nn ops (see tests/opspec.py for the format)."""
import gradtape as tf
from tests.opspec import OpSpec, away_from, binary, rand, reduction, unary  # noqa: F401

SPECS = [
    unary("relu", tf.nn.relu, kink=True),
]
