"""Op specs: reductions ops (see tests/opspec.py for the format)."""
import gradtape as tf
from tests.opspec import OpSpec, away_from, binary, rand, reduction, unary  # noqa: F401

SPECS = [
    reduction("reduce_sum", tf.reduce_sum),
    reduction("reduce_mean", tf.reduce_mean),]
