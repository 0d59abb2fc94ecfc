"""Op specs: convolution and pooling (see tests/opspec.py for the format).

Samples cover SAME/VALID/explicit padding, strides 1 and 2, dilation 2,
batches of 1 and 2 and odd sizes.  Max-pool inputs are a random permutation
of well-separated values, so no window has a near-tie a finite difference
could flip.
"""
import numpy as np

import gradtape as tf
from tests.opspec import OpSpec, rand


def _separated(shape):
    """Distinct values 0.1 apart, in random order."""
    n = int(np.prod(shape))
    return (np.random.default_rng(n).permutation(n) * 0.1 - 0.05 * n).reshape(shape)


def _conv(strides, padding, dilations=1):
    return lambda x, w: tf.nn.conv2d(x, w, strides, padding, dilations=dilations)


def _pool(pool, ksize, strides, padding):
    return lambda x: pool(x, ksize, strides, padding)


SPECS = [
    OpSpec("conv2d_same", _conv(1, "SAME"),
           [(rand((1, 4, 3, 2)), rand((3, 2, 2, 2))), (rand((2, 3, 3, 1)), rand((2, 2, 1, 2)))], 2, array_api=False),
    OpSpec("conv2d_valid_stride2", _conv(2, "VALID"),
           [(rand((1, 5, 5, 2)), rand((3, 3, 2, 1))), (rand((2, 4, 5, 1)), rand((2, 3, 1, 2)))], 2, array_api=False),
    OpSpec("conv2d_same_stride2", _conv([2, 1], "SAME"), [(rand((2, 5, 4, 1)), rand((2, 2, 1, 2)))], 2, array_api=False),
    OpSpec("conv2d_dilated", _conv(1, "SAME", dilations=2),
           [(rand((1, 5, 4, 2)), rand((2, 2, 2, 1))), (rand((1, 5, 5, 1)), rand((3, 2, 1, 2)))], 2, array_api=False),
    OpSpec("conv2d_dilated_strided_valid", _conv(2, "VALID", dilations=[2, 1]),
           [(rand((1, 6, 5, 1)), rand((2, 2, 1, 2)))], 2, array_api=False),
    OpSpec("conv2d_explicit_padding", _conv(1, [[0, 0], [1, 0], [0, 2], [0, 0]]),
           [(rand((1, 3, 3, 1)), rand((2, 2, 1, 2)))], 2, array_api=False),
    OpSpec("depthwise_conv2d",
           lambda x, w, s, p, d: tf.nn.depthwise_conv2d(x, w, [1, s, s, 1], p, dilations=d),
           [(rand((1, 4, 3, 2)), rand((3, 2, 2, 2)), 1, "SAME", None),
            (rand((2, 5, 5, 3)), rand((2, 3, 3, 1)), 2, "VALID", None),
            (rand((1, 5, 4, 2)), rand((2, 2, 2, 3)), 1, "SAME", [2, 1]),
            (rand((1, 6, 5, 1)), rand((2, 2, 1, 2)), 2, "VALID", [2, 2]),
            (rand((1, 3, 3, 2)), rand((2, 2, 2, 1)), 1, [[0, 0], [1, 0], [0, 2], [0, 0]], None)],
           2, array_api=False),
    OpSpec("conv1d", lambda x, w: tf.nn.conv1d(x, w, 2, "SAME"),
           [(rand((2, 5, 2)), rand((3, 2, 2)))], 2, array_api=False),
    # Conv1D's other paths: a dilated valid convolution, and 'causal' (zeros padded before)
    OpSpec("conv1d_valid_dilated", lambda x, w: tf.nn.conv1d(x, w, 1, "VALID", dilations=2),
           [(rand((2, 6, 2)), rand((2, 2, 3)))], 2, array_api=False),
    OpSpec("conv1d_causal", lambda x, w: tf.nn.conv1d(tf.pad(x, [[0, 0], [2, 0], [0, 0]]), w, 1,
                                                      "VALID"),
           [(rand((1, 4, 2)), rand((3, 2, 1)))], 2, array_api=False),
    OpSpec("conv2d_transpose_same_stride2",
           lambda x, w: tf.nn.conv2d_transpose(x, w, [x.shape[0], 5, 3, 2], [2, 1], "SAME"),
           [(rand((1, 3, 3, 2)), rand((2, 2, 2, 2))), (rand((2, 3, 3, 1)), rand((3, 2, 2, 1)))],
           2, array_api=False),
    OpSpec("conv2d_transpose_valid_dilated",
           lambda x, w: tf.nn.conv2d_transpose(x, w, [1, 5, 4, 1], 1, "VALID", dilations=2),
           [(rand((1, 3, 2, 2)), rand((2, 2, 1, 2)))], 2, array_api=False),
    OpSpec("conv1d_transpose", lambda x, w: tf.nn.conv1d_transpose(x, w, [2, 6, 1], 2, "SAME"),
           [(rand((2, 3, 2)), rand((3, 1, 2)))], 2, array_api=False),
    OpSpec("max_pool2d_same", _pool(tf.nn.max_pool2d, 2, 2, "SAME"),
           [(_separated((1, 5, 5, 2)),), (_separated((2, 3, 4, 1)),)], 2, array_api=False),
    OpSpec("max_pool2d_explicit_padding", _pool(tf.nn.max_pool2d, 2, 2, [[0, 0], [1, 0], [1, 1], [0, 0]]),
           [(_separated((1, 3, 4, 2)),)], 2, array_api=False),
    OpSpec("max_pool2d_overlapping_valid", _pool(tf.nn.max_pool2d, 3, [1, 2], "VALID"),
           [(_separated((1, 5, 6, 1)),), (_separated((2, 4, 3, 2)),)], 2, array_api=False),
    # the second derivative of a square reaches the transposed scatter (a gather)
    OpSpec("max_pool2d_squared", lambda x: tf.nn.max_pool2d(x, 2, 1, "VALID") ** 2,
           [(_separated((1, 3, 4, 2)),)], 2, array_api=False),
    OpSpec("max_pool1d", _pool(tf.nn.max_pool1d, 3, 2, "SAME"), [(_separated((2, 5, 1)),)], 2, array_api=False),
    OpSpec("avg_pool2d_same", _pool(tf.nn.avg_pool2d, 2, 2, "SAME"),
           [(rand((1, 5, 5, 2)),), (rand((2, 3, 4, 1)),)], 2, array_api=False),
    OpSpec("avg_pool2d_overlapping", _pool(tf.nn.avg_pool2d, [3, 2], 1, "SAME"),
           [(rand((1, 4, 3, 1)),)], 2, array_api=False),
    OpSpec("avg_pool2d_valid_stride2", _pool(tf.nn.avg_pool2d, 2, 2, "VALID"),
           [(rand((2, 5, 4, 1)),)], 2, array_api=False),
    OpSpec("avg_pool1d", _pool(tf.nn.avg_pool1d, 2, 1, "SAME"), [(rand((1, 5, 2)),)], 2, array_api=False),
    OpSpec("embedding_lookup", lambda p: tf.nn.embedding_lookup(p, np.array([[2, 0], [2, 1]])),
           [(rand((3, 2)),)], 2),
]
