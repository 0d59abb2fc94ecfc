"""Op specs: shape ops (see tests/opspec.py for the format)."""
import gradtape as tf
from tests.opspec import OpSpec, away_from, binary, rand, reduction, unary  # noqa: F401

SPECS = [
    OpSpec("reshape", lambda x: tf.reshape(x, (3, -1)) * 2.0, [(rand((2, 3)),)], 2),
    OpSpec("transpose", lambda x: tf.transpose(x, perm=[2, 0, 1]), [(rand((2, 3, 4)),)], 2),
    OpSpec("expand_dims", lambda x: tf.expand_dims(x, 1), [(rand((2, 3)),)], 2),
    OpSpec("squeeze", lambda x: tf.squeeze(x), [(rand((1, 3, 1)),)], 2),
    OpSpec("broadcast_to", lambda x: tf.broadcast_to(x, (2, 3)), [(rand((3,)),)], 2),
    OpSpec("stack", lambda x, y: tf.stack([x, y], axis=1), [(rand((2, 3)), rand((2, 3)))], 2),
    OpSpec("identity", tf.identity, [(rand((3,)),)], 2),]
