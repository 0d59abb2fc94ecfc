"""Op specs: linalg ops (see tests/opspec.py for the format)."""
import gradtape as tf
from tests.opspec import OpSpec, away_from, binary, rand, reduction, unary  # noqa: F401

SPECS = [
    OpSpec("matmul", tf.matmul, [(rand((2, 3)), rand((3, 4))), (rand((2, 2, 3)), rand((3, 2)))], 2),
    OpSpec("matmul_transposed", lambda a, b: tf.matmul(a, b, transpose_a=True, transpose_b=True),
           [(rand((3, 2)), rand((4, 3)))], 2),]
