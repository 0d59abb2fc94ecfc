"""Op specs: indexing ops (see tests/opspec.py for the format)."""
import numpy as np

import gradtape as tf
from tests.opspec import OpSpec, away_from, binary, rand, reduction, unary  # noqa: F401

_MASK = np.array([[True, False, True], [False, False, True]])

SPECS = [
    OpSpec("getitem_basic", lambda x: x[1:, ::-1, None], [(rand((3, 4)),)], 2),
    OpSpec("getitem_int_ellipsis", lambda x: x[..., 1] * x[0], [(rand((3, 3)),)], 2),
    OpSpec("getitem_negative_steps", lambda x: x[-1::-2, 2:0:-1] * x[0, -1], [(rand((4, 3)),)], 2),
    OpSpec("getitem_scalar", lambda x: x[()] * x[None, ...], [(rand(()),)], 2),
    OpSpec("getitem_int_array", lambda x: x[[0, 2, 0]], [(rand((3, 2)),)], 2),
    OpSpec("getitem_array_2d", lambda x: x[:, [[0, 1], [1, 1]]] ** 2, [(rand((2, 3)),)], 2),
    OpSpec("getitem_bool_mask", lambda x: x[_MASK] * tf.reduce_sum(x[x > 0.0] ** 2),
           [(rand((2, 3)),)], 2, array_api=False),
    OpSpec("getitem_split_advanced", lambda x: x[[0, 1], :, [1, 0]], [(rand((2, 3, 2)),)], 2,
           array_api=False),
    OpSpec("getitem_split_by_none", lambda x: x[[0, 1, 1], None, 1:, 0] ** 2,
           [(rand((2, 3, 2)),)], 2, array_api=False),
    OpSpec("getitem_empty", lambda x: x[2:2] * 3.0, [(rand((3, 2)),)], 2),
    OpSpec("gather", lambda x, i, a: tf.gather(x, i, axis=a) ** 2,
           [(rand((4, 2)), [3, 0, 3, 3], 0), (rand((2, 3)), [[2, 2], [0, 1]], 1),
            (rand((2, 3)), [1], -1), (rand((3,)), 2, 0), (rand((3, 2)), [], 0)], 2),
    OpSpec("gather_batch_dims",
           lambda x, i, a, b: tf.gather(x, i, axis=a, batch_dims=b) ** 2,
           [(rand((2, 3)), [[2, 2], [0, 1]], 1, 1), (rand((2, 3, 4)), [[1, 0], [0, 0]], 2, 1),
            (rand((2, 3, 2)), [[0, 2, 2], [1, 1, 0]], -2, -1)], 2, array_api=False),
    OpSpec("gather_nd", lambda x, i, b: tf.gather_nd(x, i, batch_dims=b) ** 2,
           [(rand((3, 2)), [[2, 1], [0, 0], [2, 1]], 0), (rand((3, 2)), [[2], [2]], 0),
            (rand((2, 3, 2)), [[[1]], [[0]]], 1), (rand((2, 3)), [[[1], [1]], [[0], [2]]], 1)], 2,
           array_api={0, 2, 3}),
    OpSpec("boolean_mask", lambda x, m, a: tf.boolean_mask(x, m, axis=a) ** 2,
           [(rand((2, 3)), _MASK.tolist(), 0), (rand((2, 3)), [True, False, True], 1),
            (rand((3,)), [False] * 3, 0)], 2, array_api={0}),
    OpSpec("slice", lambda x, b, s: tf.slice(x, b, s) ** 2,
           [(rand((3, 4)), [1, 0], [2, -1]), (rand((3,)), [3], [0]),
            (rand((2, 2)), [0, 1], [1, 1])], 2),
    OpSpec("reverse", lambda x, a: tf.reverse(x, a) * x,
           [(rand((2, 3)), [0, -1]), (rand((3,)), [0]), (rand((2, 3)), [])], 2),
    OpSpec("tensor_scatter_nd_add",
           lambda x, u: tf.tensor_scatter_nd_add(x, [[1], [3], [1]], u) ** 2,
           [(rand((4, 2)), rand((3, 2)))], 2),
    OpSpec("tensor_scatter_nd_update",
           lambda x, u: tf.tensor_scatter_nd_update(x, [[1, 0], [2, 1], [1, 0]], u) ** 2,
           [(rand((3, 2)), rand((3,)))], 2, array_api=False),
]
