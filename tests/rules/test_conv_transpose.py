"""``tf.nn.conv2d_transpose``, ``conv1d_transpose``, ``convolution`` and ``pool``
against TensorFlow 2.21's values (the numerical gradient checks are the op-spec
rows in tests/specs/conv.py)."""
import numpy as np
import pytest

import gradtape as tf


def _inputs():
    x = tf.constant(np.arange(2 * 2 * 2 * 3, dtype=np.float32).reshape(2, 2, 2, 3) / 10)
    w = tf.constant(np.arange(3 * 2 * 2 * 3, dtype=np.float32).reshape(3, 2, 2, 3) / 20 - 0.5)
    return x, w


def test_conv2d_transpose_values_and_gradients_match_tensorflow():
    x, w = _inputs()
    with tf.GradientTape() as tape:
        tape.watch([x, w])
        y = tf.nn.conv2d_transpose(x, w, [2, 4, 2, 2], [2, 1], "SAME")
        loss = tf.reduce_sum(y * y)
    gx, gw = tape.gradient(loss, [x, w])
    # TensorFlow 2.21's values
    assert y.shape == (2, 4, 2, 2)
    np.testing.assert_allclose(y.numpy()[0, :, :, 0], [[-0.125, -0.565], [0.055, 0.335],
                                                       [-0.7, -0.41], [0.325, 1.415]], atol=1e-5)
    np.testing.assert_allclose(tf.reduce_sum(y).numpy(), 29.4, rtol=1e-5)
    np.testing.assert_allclose(gx.numpy()[1, :, :, 2], [[41.196, 26.218], [10.881, -1.434]],
                               rtol=1e-4)
    np.testing.assert_allclose(gw.numpy()[:, :, 1, 0], [[29.592, 22.704], [48.216, 31.248],
                                                        [25.896, 16.944]], rtol=1e-4)


def test_conv1d_transpose_and_pool_match_tensorflow():
    x, w = _inputs()
    z = tf.nn.conv1d_transpose(x[:, 0], w[0], [2, 5, 2], 2, "VALID")
    # TensorFlow 2.21's values
    np.testing.assert_allclose(z.numpy()[1], [[-1.745, -1.16], [-0.575, 0.01], [-2.15, -1.43],
                                              [-0.71, 0.01], [0.0, 0.0]], atol=1e-5)
    p = tf.nn.pool(x, [2, 1], "AVG", strides=[1, 1], padding="SAME")
    np.testing.assert_allclose(p.numpy()[0, :, :, 0], [[0.3, 0.6], [0.6, 0.9]], atol=1e-6)
    assert tf.nn.pool(x, [2, 2], "MAX", strides=[2, 2], padding="SAME").shape == (2, 1, 1, 3)


def test_convolution_dispatches_on_rank():
    x, _ = _inputs()
    k = tf.ones((2, 2, 3, 1))
    np.testing.assert_array_equal(tf.nn.convolution(x, k).numpy(),
                                  tf.nn.conv2d(x, k, 1, "VALID").numpy())
    np.testing.assert_array_equal(tf.nn.convolution(x[:, 0], k[0], padding="SAME").numpy(),
                                  tf.nn.conv1d(x[:, 0], k[0], 1, "SAME").numpy())


def test_conv2d_transpose_refuses_shapes_tensorflow_refuses():
    x = tf.ones((2, 3, 3, 4))
    w = tf.ones((3, 3, 5, 4))
    # TF: "Size of out_backprop doesn't match computed: actual = 3, computed = 2"
    with pytest.raises(tf.errors.InvalidArgumentError, match="gives height and width"):
        tf.nn.conv2d_transpose(x, w, [2, 6, 6, 5], 2, "VALID")
    # TF: "input and out_backprop must have the same batch size"
    with pytest.raises(tf.errors.InvalidArgumentError, match="same batch size"):
        tf.nn.conv2d_transpose(x, w, [3, 6, 6, 5], 2, "SAME")
    with pytest.raises(tf.errors.InvalidArgumentError, match="depth"):
        tf.nn.conv2d_transpose(x, w, [2, 6, 6, 4], 2, "SAME")
    with pytest.raises(tf.errors.InvalidArgumentError, match="last dimension"):
        tf.nn.conv2d_transpose(tf.ones((2, 3, 3, 5)), w, [2, 6, 6, 5], 2, "SAME")
    with pytest.raises(ValueError, match="'MAX' or 'AVG'"):
        tf.nn.pool(x, [2, 2], "SUM")


def test_max_pool2d_with_explicit_padding_matches_tensorflow():
    x = tf.constant(np.arange(1.0, 13.0).reshape(1, 3, 4, 1).astype(np.float32))
    weights = tf.constant(np.arange(1.0, 7.0).reshape(1, 2, 3, 1).astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        r = tf.nn.max_pool2d(x, ksize=(2, 2), strides=(2, 2),
                             padding=[[0, 0], [1, 1], [1, 1], [0, 0]])
        loss = tf.reduce_sum(r * weights)
    # TensorFlow 2.21's values (its docstring's example, and the gradient)
    np.testing.assert_array_equal(r.numpy()[0, :, :, 0], [[1, 3, 4], [9, 11, 12]])
    np.testing.assert_array_equal(tape.gradient(loss, x).numpy()[0, :, :, 0],
                                  [[1, 0, 2, 3], [0, 0, 0, 0], [4, 0, 5, 6]])
    r2 = tf.nn.max_pool2d(x, 3, 1, [[0, 0], [2, 0], [0, 1], [0, 0]])
    np.testing.assert_array_equal(r2.numpy()[0, :, :, 0], [[3, 4, 4], [7, 8, 8], [11, 12, 12]])
