"""reverse_sequence, nn.space_to_depth / depth_to_space, image.extract_patches,
dynamic_partition and dynamic_stitch: TensorFlow 2.21's values, errors and gradients."""
import numpy as np
import pytest

import gradtape as tf
from gradtape.testing import check_gradients

X34 = np.arange(12.).reshape(3, 4)
Y = np.arange(32.).reshape(1, 4, 4, 2)
Z = np.arange(1., 26.).reshape(1, 5, 5, 1)


@pytest.mark.parametrize("fn, want", [
    (lambda: tf.reverse_sequence(X34, [2, 4, 0], seq_axis=1, batch_axis=0),
     [[1., 0., 2., 3.], [7., 6., 5., 4.], [8., 9., 10., 11.]]),
    (lambda: tf.reverse_sequence(X34, [2, 3, 0, 1], seq_axis=0, batch_axis=1),
     [[4., 9., 2., 3.], [0., 5., 6., 7.], [8., 1., 10., 11.]]),
    (lambda: tf.reverse_sequence(np.arange(12).reshape(3, 2, 2), [2, 1, 0], seq_axis=1, batch_axis=0),
     [[[2, 3], [0, 1]], [[4, 5], [6, 7]], [[8, 9], [10, 11]]]),
    (lambda: tf.nn.space_to_depth(Y, 2),
     [[[[0., 1., 2., 3., 8., 9., 10., 11.], [4., 5., 6., 7., 12., 13., 14., 15.]],
       [[16., 17., 18., 19., 24., 25., 26., 27.], [20., 21., 22., 23., 28., 29., 30., 31.]]]]),
    (lambda: tf.nn.depth_to_space(tf.nn.space_to_depth(Y, 2), 2), Y),
    (lambda: tf.nn.depth_to_space(np.arange(8.).reshape(1, 1, 2, 4), 2),
     [[[[0.], [1.], [4.], [5.]], [[2.], [3.], [6.], [7.]]]]),
    (lambda: tf.image.extract_patches(Z, [1, 3, 3, 1], [1, 5, 5, 1], [1, 1, 1, 1], "VALID"),
     [[[[1., 2., 3., 6., 7., 8., 11., 12., 13.]]]]),
    (lambda: tf.image.extract_patches(Z, [1, 2, 2, 1], [1, 2, 2, 1], [1, 1, 1, 1], "SAME"),
     [[[[1., 2., 6., 7.], [3., 4., 8., 9.], [5., 0., 10., 0.]],
       [[11., 12., 16., 17.], [13., 14., 18., 19.], [15., 0., 20., 0.]],
       [[21., 22., 0., 0.], [23., 24., 0., 0.], [25., 0., 0., 0.]]]]),
    (lambda: tf.image.extract_patches(Z, [1, 2, 2, 1], [1, 3, 3, 1], [1, 2, 2, 1], "VALID"),
     [[[[1., 3., 11., 13.]]]]),
    (lambda: tf.image.extract_patches(Z, [1, 2, 2, 1], [1, 3, 3, 1], [1, 2, 2, 1], "SAME"),
     [[[[1., 3., 11., 13.], [4., 0., 14., 0.]], [[16., 18., 0., 0.], [19., 0., 0., 0.]]]]),
    (lambda: tf.image.extract_patches(Z, [1, 3, 2, 1], [1, 1, 2, 1], [1, 1, 1, 1], "SAME")[0, :2],
     [[[0., 0., 1., 2., 6., 7.], [0., 0., 3., 4., 8., 9.], [0., 0., 5., 0., 10., 0.]],
      [[1., 2., 6., 7., 11., 12.], [3., 4., 8., 9., 13., 14.], [5., 0., 10., 0., 15., 0.]]]),
    (lambda: tf.image.extract_patches(np.arange(18.).reshape(1, 3, 3, 2), [1, 2, 2, 1], [1, 1, 1, 1],
                                      [1, 1, 1, 1], "VALID"),
     [[[[0., 1., 2., 3., 6., 7., 8., 9.], [2., 3., 4., 5., 8., 9., 10., 11.]],
       [[6., 7., 8., 9., 12., 13., 14., 15.], [8., 9., 10., 11., 14., 15., 16., 17.]]]]),
    (lambda: tf.dynamic_stitch([[0, 2], [1, 2]], [[1., 2.], [3., 4.]]), [1., 3., 4.]),
    (lambda: tf.dynamic_stitch([[0, 3]], [[1., 2.]]), [1., 0., 0., 2.]),
    (lambda: tf.dynamic_stitch([[0, 1], [2]], [[[1., 2.], [3., 4.]], [[5., 6.]]]),
     [[1., 2.], [3., 4.], [5., 6.]]),
    (lambda: tf.dynamic_stitch([[0, 1], 2], [[1., 2.], 3.]), [1., 2., 3.]),
    (lambda: tf.dynamic_stitch([[0, 2, 0]], [[1, 2, 3]]), [3, 0, 2]),
    (lambda: tf.dynamic_stitch([[[0, 1], [2, 0]]], [[[1., 2.], [3, 4]]]), [4., 2., 3.]),
], ids=lambda v: "" if callable(v) else None)
def test_values_as_tensorflow(fn, want):
    got = fn()
    want = np.asarray(want)
    assert got.shape == want.shape
    np.testing.assert_array_equal(got.numpy(), want)


def test_dynamic_partition_values_as_tensorflow():
    x = tf.constant(np.arange(6.).reshape(3, 2), tf.float32)
    parts = tf.dynamic_partition(x, [1, 0, 1], 2)
    assert [p.numpy().tolist() for p in parts] == [[[2., 3.]], [[0., 1.], [4., 5.]]]
    parts = tf.dynamic_partition(x, [[1, 0], [1, 1], [0, 2]], 3)
    assert [p.numpy().tolist() for p in parts] == [[1., 4.], [0., 2., 3.], [5.]]
    parts = tf.dynamic_partition(x, 0, 2)
    assert parts[0].shape == (1, 3, 2) and parts[1].shape == (0, 3, 2)


@pytest.mark.parametrize("fn, error, message", [
    (lambda: tf.reverse_sequence(X34, [2, 4, 0]), TypeError, "Expected int for argument 'seq_dim' not None"),
    (lambda: tf.reverse_sequence(X34, [2, 5, 0], 1, 0), tf.errors.InvalidArgumentError,
     r"seq_lens\(1\) > input.dims\(1\)"),
    (lambda: tf.reverse_sequence(X34, [2, -1, 0], 1, 0), tf.errors.InvalidArgumentError, r"seq_lens\(1\) < 0"),
    (lambda: tf.reverse_sequence(X34, [2, 4], 1, 0), tf.errors.InvalidArgumentError,
     r"Length of seq_lengths != input.dims\(0\), \(2 vs. 3\)"),
    (lambda: tf.reverse_sequence(X34, [2, 4, 1], 1, 1), tf.errors.InvalidArgumentError, "batch_dim == seq_dim == 1"),
    (lambda: tf.reverse_sequence(X34, [2, 4, 1], 2, 0), tf.errors.InvalidArgumentError,
     r"seq_dim must be < input rank \( 2 vs. 2\)"),
    (lambda: tf.reverse_sequence(X34, [2, 4, 1], -1, 0), tf.errors.InvalidArgumentError, "Invalid seq_dim -1"),
    (lambda: tf.reverse_sequence(X34, [2., 4., 1.], 1, 0), tf.errors.InvalidArgumentError, "seq_lengths"),
    (lambda: tf.nn.space_to_depth(Y, 3), tf.errors.InvalidArgumentError,
     "Image width 4 and height 4 should be divisible by block_size: 3"),
    (lambda: tf.nn.space_to_depth(Y, 1), tf.errors.InvalidArgumentError,
     "Value for attr 'block_size' of 1 must be at least minimum 2"),
    (lambda: tf.nn.depth_to_space(Y, 2), tf.errors.InvalidArgumentError,
     "Input depth dimension 2 should be divisible by: 4"),
    (lambda: tf.nn.space_to_depth(np.zeros((4, 4, 2)), 2), tf.errors.InvalidArgumentError,
     "Input rank should be 4 instead of 3"),
    (lambda: tf.nn.space_to_depth(Y, 2, data_format="NCHW"), tf.errors.NotFoundError, "NCHW"),
    (lambda: tf.image.extract_patches(Z, [2, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1], "VALID"),
     tf.errors.UnimplementedError, "Only support ksizes across space"),
    (lambda: tf.image.extract_patches(Z, [1, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1], "FULL"),
     tf.errors.InvalidArgumentError, "Value for attr 'padding' of \"FULL\" is not in the list"),
    (lambda: tf.image.extract_patches(Z[0], [1, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1], "VALID"),
     tf.errors.InvalidArgumentError, r"input must be 4-dimensional\[5,5,1\]"),
    (lambda: tf.image.extract_patches(Z, [1, 2, 2], [1, 1, 1, 1], [1, 1, 1, 1], "VALID"),
     tf.errors.InvalidArgumentError, "Length for attr 'ksizes' of 3 must be at least minimum 4"),
    (lambda: tf.dynamic_partition(X34, [1, 0, 3], 2), tf.errors.InvalidArgumentError,
     r"partitions\[2\] = 3 is not in \[0, 2\)"),
    (lambda: tf.dynamic_partition(X34, [1, 0], 2), tf.errors.InvalidArgumentError,
     r"data.shape must start with partitions.shape, got data.shape = \[3,4\], partitions.shape = \[2\]"),
    (lambda: tf.dynamic_partition(X34, [1., 0., 1.], 2), TypeError, "partitions"),
    (lambda: tf.dynamic_stitch([[0, 1]], [[1., 2., 3.]]), tf.errors.InvalidArgumentError,
     r"data\[0\].shape = \[3\] does not start with indices\[0\].shape = \[2\]"),
    (lambda: tf.dynamic_stitch([[0, -1]], [[1., 2.]]), tf.errors.InvalidArgumentError,
     r"indices\[1\] is out of range"),
    (lambda: tf.dynamic_stitch([[0, 1], [2]], [[1., 2.]]), ValueError,
     "List argument 'data' to 'dynamic_stitch' Op with length 1 must match length 2"),
])
def test_errors_as_tensorflow(fn, error, message):
    with pytest.raises(error, match=message):
        fn()


def test_dynamic_stitch_gradient_reaches_overwritten_slices_as_tensorflow():
    a, b = tf.constant([1., 2.]), tf.constant([3., 4.])
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        y = tf.dynamic_stitch([[0, 2], [1, 2]], [a, b]) * [1., 2., 3.]
    ga, gb = tape.gradient(y, [a, b])
    np.testing.assert_array_equal(ga.numpy(), [1., 3.])
    np.testing.assert_array_equal(gb.numpy(), [2., 3.])


@pytest.mark.parametrize("fn, args", [
    (lambda x: tf.reverse_sequence(x, [1, 3], seq_axis=1, batch_axis=0) ** 2, [np.random.rand(2, 3)]),
    (lambda x: tf.nn.space_to_depth(x, 2) ** 3, [np.random.rand(2, 2, 4, 1)]),
    (lambda x: tf.nn.depth_to_space(x, 2) ** 3, [np.random.rand(1, 2, 1, 8)]),
    (lambda x: tf.image.extract_patches(x, [1, 2, 3, 1], [1, 2, 1, 1], [1, 1, 1, 1], "SAME") ** 2,
     [np.random.rand(1, 3, 4, 2)]),
    (lambda x: tf.image.extract_patches(x, [1, 2, 2, 1], [1, 1, 1, 1], [1, 2, 1, 1], "VALID") ** 2,
     [np.random.rand(1, 4, 3, 1)]),
    (lambda x: tf.dynamic_partition(x, [2, 0, 2], 3)[2] ** 3, [np.random.rand(3, 2)]),
    (lambda a, b: tf.dynamic_stitch([[2, 0], [1]], [a, b]) ** 3, [np.random.rand(2, 2), np.random.rand(1, 2)]),
], ids=["reverse_sequence", "space_to_depth", "depth_to_space", "extract_patches_same",
        "extract_patches_dilated", "dynamic_partition", "dynamic_stitch"])
def test_gradients_against_central_differences(fn, args):
    check_gradients(fn, args, order=2)
