"""``tf.test.compute_gradient`` as TensorFlow's: the default step is 1/1024,
the result is a pair of tuples (one Jacobian per argument), Jacobians have the
arguments' dtype, and ``x`` must be a list or tuple."""
import numpy as np
import pytest

import gradtape as tf


def test_pair_of_tuples_in_the_arguments_dtype():
    theo, num = tf.test.compute_gradient(
        lambda x, y: x ** 3 * y, [np.array([1.0, 2.0], np.float32), np.array([3.0], np.float32)])
    assert type(theo) is tuple and type(num) is tuple and len(theo) == len(num) == 2
    # TensorFlow 2.21: float32; [[9, 0], [0, 36]] and [[1], [8]], theoretical and numerical
    assert all(j.dtype == np.float32 for j in theo + num)
    for j in (theo[0], num[0]):
        np.testing.assert_array_equal(j, [[9.0, 0.0], [0.0, 36.0]])
    for j in (theo[1], num[1]):
        np.testing.assert_array_equal(j, [[1.0], [8.0]])


def test_default_step_is_tensorflows():
    theo, num = tf.test.compute_gradient(tf.sin, [np.array([0.5])])
    # TensorFlow 2.21: 0.8775825618903728 and 0.8775824224023836 (delta = 1/1024)
    assert theo[0][0, 0] == 0.8775825618903728
    assert num[0][0, 0] == 0.8775824224023836
    delta = 1.0 / 1024
    assert num[0][0, 0] == (np.sin(0.5 + delta) - np.sin(0.5 - delta)) / (2 * delta)


def test_x_must_be_a_list_or_tuple():
    with pytest.raises(ValueError, match=r"`x` must be a list or tuple of values convertible "
                                         r"to a Tensor \(arguments to `f`\), not a "):
        tf.test.compute_gradient(tf.sin, np.array([0.5]))
