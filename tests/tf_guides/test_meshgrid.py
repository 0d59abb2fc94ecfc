"""tf.meshgrid as the Core APIs optimizer guide uses it (a loss surface over a
grid of steps and parameter values); expected values are TensorFlow 2.21's."""
import numpy as np
import pytest

import gradtape as tf
from gradtape.testing import check_gradients


def test_xy_indexing_puts_the_second_vector_down_the_rows():
    X, Y = tf.meshgrid([1, 2, 3], [4, 5])
    np.testing.assert_array_equal(X.numpy(), [[1, 2, 3], [1, 2, 3]])
    np.testing.assert_array_equal(Y.numpy(), [[4, 4, 4], [5, 5, 5]])
    assert X.dtype == Y.dtype == tf.int32


def test_three_vectors_in_both_indexings():
    a, b, c = tf.range(2.0), tf.range(3.0), tf.range(4.0)
    assert [g.shape.as_list() for g in tf.meshgrid(a, b, c)] == [[3, 2, 4]] * 3
    assert [g.shape.as_list() for g in tf.meshgrid(a, b, c, indexing="ij")] == [[2, 3, 4]] * 3


def test_a_loss_surface_over_steps_and_values():
    t_vals = tf.range(1.0, 5.0)
    x_vals = tf.cast(tf.linspace(-2, 2, 3), tf.float32)
    t_grid, x_grid = tf.meshgrid(t_vals, x_vals)
    assert t_grid.shape == x_grid.shape == (3, 4)
    np.testing.assert_array_equal(x_grid.numpy()[:, 0], [-2.0, 0.0, 2.0])
    np.testing.assert_array_equal(t_grid.numpy()[0], [1.0, 2.0, 3.0, 4.0])


def test_gradients_reach_the_coordinate_vectors():
    x, y = tf.constant([1.0, 2.0, 3.0]), tf.constant([4.0, 5.0])
    with tf.GradientTape() as tape:
        tape.watch([x, y])
        X, Y = tf.meshgrid(x, y)
        loss = tf.reduce_sum(X * X * Y)
    dx, dy = tape.gradient(loss, [x, y])
    np.testing.assert_allclose(dx.numpy(), [18.0, 36.0, 54.0])  # TensorFlow's numbers
    np.testing.assert_allclose(dy.numpy(), [14.0, 14.0])


def test_derivatives_against_central_differences():
    check_gradients(lambda x, y: tf.meshgrid(x, y), [[0.5, -1.0, 2.0], [0.3, 0.7]])
    check_gradients(lambda x, y, z: tf.meshgrid(x, y, z, indexing="ij"),
                    [[0.5, -1.0], [0.3, 0.7, 1.1], [2.0]])


def test_edge_cases_and_errors():
    assert tf.meshgrid() == []
    np.testing.assert_array_equal(tf.meshgrid([1.0, 2.0, 3.0])[0].numpy(), [1.0, 2.0, 3.0])
    assert tf.meshgrid(tf.constant([[1, 2]]), [3, 4, 5])[0].shape == (3, 2)  # flattened
    with pytest.raises(ValueError, match="must be either 'xy' or 'ij', got 'xz'"):
        tf.meshgrid([1.0], indexing="xz")
    with pytest.raises(TypeError, match="'foo' is an invalid keyword argument"):
        tf.meshgrid([1.0], foo=1)
