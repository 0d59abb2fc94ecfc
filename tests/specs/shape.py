"""Op specs: shape ops (see tests/opspec.py for the format)."""
import gradtape as tf
from tests.opspec import OpSpec, away_from, binary, rand, reduction, unary  # noqa: F401


def _unstack_mix(x, axis):
    parts = tf.unstack(x, axis=axis)
    return parts[0] * parts[-1] + parts[1]


def _split_mix(x, sizes, axis):
    a, b, c = tf.split(x, sizes, axis=axis)
    return tf.concat([c * 2.0, a * b[..., :1]], axis=axis) if axis == -1 else a * c + 1.0


def _split_unused(x):
    _, b = tf.split(x, 2)  # the first part gets no cotangent
    return b * b


SPECS = [
    OpSpec("reshape", lambda x, s: tf.reshape(x, s) * 2.0,
           [(rand((2, 3)), (3, -1)), (rand(()), (1, 1)), (rand((0, 3)), (3, 0)),
            (rand((2, 3)), (-1,))], 2),
    OpSpec("transpose", lambda x, p: tf.transpose(x, perm=p),
           [(rand((2, 3, 4)), [2, 0, 1]), (rand((2, 3)), None), (rand(()), None),
            (rand((0, 2)), [1, 0])], 2),
    OpSpec("matrix_transpose", tf.linalg.matrix_transpose, [(rand((2, 3, 4)),)], 2),
    OpSpec("expand_dims", lambda x, a: tf.expand_dims(x, a),
           [(rand((2, 3)), 1), (rand((2, 3)), -1), (rand(()), 0), (rand((2,)), -2)], 2),
    OpSpec("squeeze", lambda x, a: tf.squeeze(x, axis=a),
           [(rand((1, 3, 1)), None), (rand((1, 3, 1)), -1), (rand((1, 3, 1)), [0, 2]),
            (rand((1,)), None)], 2),
    OpSpec("broadcast_to", lambda x, s: tf.broadcast_to(x, s),
           [(rand((3,)), (2, 3)), (rand(()), (2, 2)), (rand((2, 1)), (2, 4)),
            (rand((1, 3)), (0, 3))], 2),
    OpSpec("stack", lambda x, y, a: tf.stack([x, y, x * y], axis=a),
           [(rand((2, 3)), rand((2, 3)), 1), (rand((2, 3)), rand((2, 3)), -1),
            (rand(()), rand(()), 0)], 2),
    OpSpec("concat", lambda x, y, a: tf.concat([x, y * x[:1] if a == 0 else y, x], axis=a),
           [(rand((2, 3)), rand((1, 3)), 0), (rand((2, 3)), rand((2, 2)), -1),
            (rand((2, 3)), rand((0, 3)), 0)], 2),
    # squared, so the cotangents of stack and concat depend on the inputs and second
    # order runs the transposes of their VJPs (insert_slice, unslice_axis)
    OpSpec("stack_squared", lambda x, y: tf.square(tf.stack([x, y], axis=1)),
           [(rand((2, 3)), rand((2, 3)))], 2),
    OpSpec("concat_squared", lambda x, y: tf.square(tf.concat([x, y], axis=-1)),
           [(rand((2, 3)), rand((2, 2)))], 2),
    OpSpec("identity", tf.identity, [(rand((3,)),), (rand(()),)], 2),
    OpSpec("unstack", _unstack_mix,
           [(rand((3, 2)), 0), (rand((2, 4)), -1), (rand((2, 3, 2)), 1)], 2),
    OpSpec("split", _split_mix,
           [(rand((6, 2)), 3, 0), (rand((2, 5)), [2, -1, 2], -1), (rand((3, 4)), [1, 0, 3], -1)],
           2),
    OpSpec("split_unused_part", _split_unused, [(rand((4, 2)),)], 2),
    OpSpec("tile", lambda x, m: tf.tile(x, m) ** 2,
           [(rand((2, 3)), [2, 1]), (rand((3,)), [3]), (rand(()), []), (rand((2, 1)), [0, 3]),
            (rand((1, 2, 2)), [2, 1, 3])], 2),
    OpSpec("pad_constant", lambda x, p, c: tf.pad(x, p, constant_values=c) ** 2,
           [(rand((2, 3)), [[1, 0], [2, 1]], 0.0), (rand((3,)), [[0, 2]], 1.5),
            (rand(()), [], 0.0), (rand((0, 2)), [[1, 1], [0, 1]], 0.5)], 2),
    OpSpec("pad_reflect", lambda x, p: tf.pad(x, p, mode="REFLECT") ** 2,
           [(rand((3, 4)), [[2, 1], [3, 0]]), (rand((2,)), [[1, 1]]), (rand((4,)), [[0, 0]])], 2),
    OpSpec("pad_symmetric", lambda x, p: tf.pad(x, p, mode="symmetric") ** 2,
           [(rand((3, 2)), [[3, 2], [1, 2]]), (rand((1,)), [[1, 1]])], 2),
    OpSpec("fill", lambda v, d: tf.fill(d, v) * tf.fill(d, v),
           [(rand(()), [2, 3]), (rand(()), [])], 2),
    OpSpec("linspace", lambda a, b, n, ax: tf.linspace(a, b, n, axis=ax) ** 2,
           [(rand(()), rand(()), 4, 0), (rand((2,)), rand((2,)), 3, -1),
            (rand((2,)), rand(()), 1, 0),
            (rand((3, 1)), rand((2,)), 2, 1)], 2),
    OpSpec("roll", lambda x: tf.roll(x, shift=[1, -2, 1], axis=[0, -1, 0]) * x,
           [(rand((3, 4)),)], 2),
]
