"""A user's write into a NumPy array never reaches a tensor, and NumPy array
subclasses never bring their own arithmetic in."""
import numpy as np
import pytest

import gradtape as tf


def test_numpy_of_a_tensor_is_a_writable_copy():
    x = tf.constant([1.0, 2.0])
    a = x.numpy()
    a[0] = 5.0                       # TensorFlow: writable, and x is unchanged
    np.testing.assert_array_equal(x.numpy(), [1.0, 2.0])


def test_writing_into_one_gradient_leaves_the_other():
    a, b = tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        y = a + b
    ga, gb = tape.gradient(y, [a, b])
    ga.numpy()[:] = 9.0
    np.testing.assert_array_equal(gb.numpy(), [1.0, 1.0])
    np.testing.assert_array_equal(ga.numpy(), [1.0, 1.0])


def test_writing_into_a_read_value_leaves_the_variable_and_the_tape():
    v = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        r = v.read_value()
        y = tf.reduce_sum(r * r)
    r.numpy()[:] = 0.0
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(tape.gradient(y, v).numpy(), [2.0, 4.0])


def test_np_asarray_of_a_tensor_is_read_only_and_of_a_variable_a_copy():
    x = tf.constant([1.0, 2.0])
    view = np.asarray(x)
    with pytest.raises(ValueError):  # TensorFlow: "assignment destination is read-only"
        view[0] = 5.0
    v = tf.Variable([1.0, 2.0])
    arr = np.asarray(v)
    arr[0] = 7.0                     # TensorFlow: writable, the Variable unchanged
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])


def test_a_later_write_into_the_source_array_never_reaches_the_tensor():
    arr = np.ones(3)
    t = tf.convert_to_tensor(arr)
    x = tf.constant([2.0, 2.0, 2.0], dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(x * arr)
    arr[:] = 5.0
    np.testing.assert_array_equal(t.numpy(), [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [1.0, 1.0, 1.0])


@pytest.mark.filterwarnings("ignore:the matrix subclass:PendingDeprecationWarning")
def test_a_matrix_multiplies_elementwise_as_a_plain_array():
    m = np.matrix([[1.0, 2.0], [3.0, 4.0]])
    x = tf.constant(m)
    assert type(x.numpy()) is np.ndarray
    np.testing.assert_array_equal((x * x).numpy(), [[1.0, 4.0], [9.0, 16.0]])
    ones = tf.ones((2, 2), dtype=tf.float64)
    np.testing.assert_array_equal((m * ones).numpy(), [[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(tf.Variable(m).numpy(), [[1.0, 2.0], [3.0, 4.0]])


def test_a_masked_array_with_masked_values_is_refused():
    masked = np.ma.masked_array([1.0, 2.0, 3.0], mask=[False, True, False])
    with pytest.raises(TypeError, match="masked array.*filled"):
        tf.constant(masked)
    with pytest.raises(TypeError, match="masked array"):
        tf.constant([1.0, 1.0, 1.0], dtype=tf.float64) * masked
    np.testing.assert_array_equal(tf.constant(masked.filled(0.0)).numpy(), [1.0, 0.0, 3.0])


def test_a_masked_array_without_masked_values_converts():
    unmasked = np.ma.masked_array([1.0, 2.0])
    np.testing.assert_array_equal(tf.reduce_sum(tf.constant(unmasked)).numpy(), 3.0)
