"""conv2d, conv1d, pooling and embedding_lookup against numbers, shapes and
errors recorded from TensorFlow 2.21.  Gradient checks run from tests/specs/conv.py."""
import numpy as np
import pytest

import gradtape as tf
from gradtape.errors import InvalidArgumentError, UnimplementedError
from gradtape.testing import check_gradients

X = np.arange(2 * 5 * 4 * 2, dtype=np.float32).reshape(2, 5, 4, 2) % 7 - 3
W = np.arange(3 * 2 * 2 * 3, dtype=np.float32).reshape(3, 2, 2, 3) % 5 - 2
P = np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4],
             np.float32).reshape(1, 4, 5, 1)


def _weights(y):
    return tf.reshape(tf.range(1.0, 1.0 + float(np.prod(y.shape))), y.shape)


def test_conv2d_same_stride2_values_and_gradients_match_tensorflow():
    x, w = tf.constant(X), tf.constant(W)
    with tf.GradientTape() as tape:
        tape.watch([x, w])
        y = tf.nn.conv2d(x, w, 2, "SAME")
        loss = tf.reduce_sum(y * y)
    gx, gw = tape.gradient(loss, [x, w])
    assert y.shape == (2, 3, 2, 3) and y.dtype == tf.float32
    np.testing.assert_array_equal(y.numpy()[1, :, :, 2], [[1, -6], [-1, -2], [-1, 2]])
    np.testing.assert_array_equal(gx.numpy()[0, :, :, 1],
                                  [[-4, -12, -46, -18], [22, 38, 64, -38], [-20, -16, -26, 4],
                                   [46, 86, 38, 86], [-30, -34, -20, -12]])
    np.testing.assert_array_equal(gw.numpy()[:, :, 0, 1], [[70, -126], [100, 38], [-166, 62]])


def test_conv2d_dilated_valid_matches_tensorflow():
    y = tf.nn.conv2d(X, W, 1, "VALID", dilations=[2, 1])
    assert y.shape == (2, 1, 3, 3)
    np.testing.assert_array_equal(y.numpy()[0, :, :, 0], [[-3, 16, -7]])


def test_strides_and_dilations_take_an_int_a_pair_or_nhwc_four():
    a = tf.nn.conv2d(X, W, 2, "SAME")
    b = tf.nn.conv2d(X, W, [2, 2], "SAME")
    c = tf.nn.conv2d(X, W, [1, 2, 2, 1], "SAME", dilations=[1, 1, 1, 1])
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    np.testing.assert_array_equal(a.numpy(), c.numpy())


def test_explicit_padding_shape_matches_tensorflow():
    y = tf.nn.conv2d(tf.zeros((2, 7, 6, 3)), tf.zeros((3, 2, 3, 4)), 1,
                     [[0, 0], [1, 2], [0, 1], [0, 0]])
    assert y.shape == (2, 8, 6, 4)


def test_integer_convolution_is_computed_as_in_tensorflow():
    y = tf.nn.conv2d(tf.ones((1, 3, 3, 1), tf.int32), tf.ones((2, 2, 1, 1), tf.int32), 1, "SAME")
    assert y.dtype == tf.int32
    np.testing.assert_array_equal(y.numpy()[0, :, :, 0], [[4, 4, 2], [4, 4, 2], [2, 2, 1]])


def test_conv1d_dilated_same_matches_tensorflow():
    x = tf.constant([[[1.0], [2.0], [3.0], [4.0], [5.0]]])
    w = tf.constant([[[1.0]], [[0.0]], [[-1.0]]])
    y = tf.nn.conv1d(x, w, 1, "SAME", dilations=2)
    np.testing.assert_array_equal(y.numpy().ravel(), [-3, -4, -4, 2, 3])


def test_max_pool_same_gradient_goes_to_the_first_maximum_as_in_tensorflow():
    x = tf.constant(P)
    with tf.GradientTape() as tape:
        tape.watch(x)
        m = tf.nn.max_pool2d(x, 3, 2, "SAME")
        loss = tf.reduce_sum(m * _weights(m))
    np.testing.assert_array_equal(m.numpy()[0, :, :, 0], [[9, 9, 9], [8, 9, 9]])
    np.testing.assert_array_equal(tape.gradient(loss, x).numpy()[0, :, :, 0],
                                  [[0, 0, 0, 0, 0], [1, 0, 0, 0, 0], [0, 4, 7, 0, 9],
                                   [0, 0, 0, 0, 0]])


def test_max_pool_ties_pick_the_first_in_row_major_order_as_in_tensorflow():
    x = tf.constant(np.array([[1, 1, 0], [1, 1, 2], [2, 0, 2]], np.float32).reshape(1, 3, 3, 1))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        overlapping = tf.nn.max_pool2d(x, 2, 1, "SAME")
        tiled = tf.nn.max_pool2d(x, 2, 2, "SAME")
    np.testing.assert_array_equal(tape.gradient(overlapping, x).numpy()[0, :, :, 0],
                                  [[1, 0, 0], [0, 0, 4], [2, 0, 2]])
    np.testing.assert_array_equal(tape.gradient(tiled, x).numpy()[0, :, :, 0],
                                  [[1, 0, 0], [0, 0, 1], [1, 0, 1]])


def test_avg_pool_same_divides_by_the_valid_count_as_in_tensorflow():
    x = tf.constant(P)
    with tf.GradientTape() as tape:
        tape.watch(x)
        a = tf.nn.avg_pool2d(x, 3, 2, "SAME")
        loss = tf.reduce_sum(a * _weights(a))
    np.testing.assert_allclose(a.numpy()[0, :, :, 0],
                               [[4.6666665, 4.7777777, 5.0], [4.5, 6.1666665, 7.0]], rtol=1e-6)
    np.testing.assert_allclose(
        tape.gradient(loss, x).numpy()[0, :, :, 0],
        [[0.16666667, 0.3888889, 0.22222222, 0.7222222, 0.5],
         [0.16666667, 0.3888889, 0.22222222, 0.7222222, 0.5],
         [1.1666666, 2.2222223, 1.0555556, 3.0555556, 2.0],
         [1.0, 1.8333334, 0.8333334, 2.3333335, 1.5]], rtol=1e-6)


def test_avg_pool_window_larger_than_the_input_has_the_exact_gradient():
    # TensorFlow's forward agrees here, but its AvgPoolGrad kernel does not give
    # the derivative of that forward (it divides by other counts); this follows
    # the forward
    x = np.random.default_rng(0).standard_normal((1, 4, 6, 1))
    check_gradients(lambda t: tf.nn.avg_pool2d(t, 8, 1, "SAME"), [x], order=1)
    y = tf.nn.avg_pool2d(tf.constant(np.arange(4.0).reshape(1, 4, 1, 1)), [5, 1], 1, "SAME")
    np.testing.assert_allclose(y.numpy().ravel(), [1.0, 1.5, 1.5, 2.0])


def test_generic_pool_names_dispatch_on_rank():
    x3 = tf.constant([[[1.0], [3.0], [2.0], [0.0]]])
    np.testing.assert_array_equal(tf.nn.max_pool(x3, 2, 2, "VALID").numpy().ravel(), [3, 2])
    np.testing.assert_array_equal(tf.nn.avg_pool(x3, 2, 2, "VALID").numpy().ravel(), [2, 1])
    assert tf.nn.max_pool(tf.zeros((2, 7, 6, 3)), 2, 2, "SAME").shape == (2, 4, 3, 3)
    with pytest.raises(UnimplementedError, match="rank 5"):
        tf.nn.max_pool(tf.ones((1, 4, 4, 4, 2)), 2, 2, "SAME")


def test_max_pool_of_integers_keeps_the_dtype():
    y = tf.nn.max_pool2d(tf.constant(P.astype(np.int32)), 2, 2, "SAME")
    assert y.dtype == tf.int32
    np.testing.assert_array_equal(y.numpy()[0, :, :, 0], [[9, 6, 5], [8, 9, 9]])


def test_embedding_lookup_is_a_gather_along_axis_zero():
    table = tf.constant(np.arange(12.0).reshape(3, 4))
    ids = [[0, 1], [2, 2]]
    y = tf.nn.embedding_lookup(table, ids)
    assert y.shape == (2, 2, 4)
    np.testing.assert_array_equal(y.numpy()[1, 0], [8, 9, 10, 11])
    with tf.GradientTape() as tape:
        tape.watch(table)
        loss = tf.reduce_sum(tf.nn.embedding_lookup(table, ids))
    np.testing.assert_array_equal(tf.convert_to_tensor(tape.gradient(loss, table)).numpy(),
                                  [[1] * 4, [1] * 4, [2] * 4])


# -- errors: TensorFlow's classes, clear messages -----------------------------

@pytest.mark.parametrize("call,error,match", [
    (lambda: tf.nn.conv2d(tf.zeros((2, 7, 6, 3)), tf.ones((3, 3, 2, 4)), 1, "SAME"),
     InvalidArgumentError, "input depth must be evenly divisible by filter depth: 3 vs 2"),
    (lambda: tf.nn.conv2d(tf.zeros((2, 7, 6, 4)), tf.ones((3, 3, 2, 4)), 1, "SAME"),
     UnimplementedError, "grouped convolution"),
    (lambda: tf.nn.conv2d(tf.zeros((7, 6, 3)), tf.ones((3, 3, 3, 4)), 1, "SAME"),
     InvalidArgumentError, "convolution input must be 4-dimensional"),
    (lambda: tf.nn.conv2d(tf.zeros((2, 7, 6, 3)), tf.ones((3, 3, 4)), 1, "SAME"),
     InvalidArgumentError, "convolution filter must be 4-dimensional"),
    (lambda: tf.nn.conv2d(tf.zeros((2, 7, 6, 3)), tf.ones((9, 3, 3, 4)), 1, "VALID"),
     InvalidArgumentError, r"Computed output size would be negative: -1 \[input_size: 7, "
                           r"effective_filter_size: 9, stride: 1\]"),
    (lambda: tf.nn.conv2d(tf.zeros((2, 7, 6, 3)), tf.ones((3, 3, 3, 4)), [2, 1, 1, 1], "SAME"),
     UnimplementedError, "batch and depth dimensions"),
    (lambda: tf.nn.conv2d(tf.zeros((2, 7, 6, 3)), tf.ones((3, 3, 3, 4)), [1, 1, 1], "SAME"),
     ValueError, "strides should be of length 1, 2 or 4"),
    (lambda: tf.nn.conv2d(tf.zeros((2, 7, 6, 3)), tf.ones((3, 3, 3, 4)), 0, "SAME"),
     InvalidArgumentError, "strides must be positive"),
    (lambda: tf.nn.conv2d(tf.zeros((2, 7, 6, 3)), tf.ones((3, 3, 3, 4)), 1, "same"),
     InvalidArgumentError, "'SAME' or 'VALID'"),
    (lambda: tf.nn.conv2d(tf.zeros((2, 7, 6, 3)), tf.ones((3, 3, 3, 4), tf.float64), 1, "SAME"),
     InvalidArgumentError, "expected to be a float32 tensor but is a float64 tensor"),
    (lambda: tf.nn.conv2d(tf.zeros((2, 7, 6, 3)), tf.ones((3, 3, 3, 4)), 1, "SAME",
                          data_format="NCHW"),
     InvalidArgumentError, "NHWC"),
    (lambda: tf.nn.max_pool2d(tf.zeros((2, 7, 6, 3)), [2, 1, 1, 1], 1, "VALID"),
     UnimplementedError, "Pooling on the batch and depth dimensions"),
    (lambda: tf.nn.max_pool2d(tf.zeros((7, 6, 3)), 2, 2, "VALID"),
     InvalidArgumentError, "4-dimensional"),
    (lambda: tf.nn.max_pool2d(tf.zeros((2, 7, 6, 3)), 8, 1, "VALID"),
     InvalidArgumentError, "Computed output size would be negative: -1"),
    (lambda: tf.nn.max_pool2d(tf.zeros((2, 7, 6, 3)), 0, 1, "VALID"),
     InvalidArgumentError, "ksize must be positive"),
    (lambda: tf.nn.avg_pool2d(tf.ones((1, 3, 3, 1), tf.int32), 2, 2, "SAME"),
     TypeError, "floating-point"),
    (lambda: tf.nn.avg_pool2d(tf.zeros((2, 7, 6, 3)), 2, 2, [[0, 0], [1, 1], [1, 1], [0, 0]]),
     TypeError, "'SAME' or 'VALID'"),
    (lambda: tf.nn.embedding_lookup(tf.zeros((3, 2)), [5]),
     InvalidArgumentError, r"5 is not in \[0, 3\)"),
    (lambda: tf.nn.embedding_lookup(tf.zeros((3, 2)), [1], max_norm=1.0),
     UnimplementedError, "max_norm"),
])
def test_bad_arguments_raise_tensorflows_error_classes(call, error, match):
    with pytest.raises(error, match=match):
        call()
