"""The "Introduction to Variables" guide (site/en/guide/variable.ipynb), its
code cells adapted; expected values are TensorFlow 2.21's, typed from its output."""
import numpy as np
import pytest

import gradtape as tf


def test_the_setup_cell_can_turn_placement_logging_on_and_off():
    # TensorFlow 2.21: returns None (gradtape runs every op on the CPU: nothing to log)
    assert tf.debugging.set_log_device_placement(True) is None
    assert tf.debugging.set_log_device_placement(False) is None


def test_create_and_inspect():
    # TensorFlow 2.21's values and printouts
    my_variable = tf.Variable(tf.constant([[1.0, 2.0], [3.0, 4.0]]))
    assert tf.Variable([False, False, False, True]).dtype == tf.bool
    assert tf.Variable([5 + 4j, 6 + 1j]).dtype == tf.complex128
    assert f"DType:  {my_variable.dtype}" == "DType:  <dtype: 'float32'>"
    assert str(my_variable.shape) == "(2, 2)"
    np.testing.assert_array_equal(tf.math.argmax(my_variable).numpy(), [1, 1])
    np.testing.assert_array_equal(tf.reshape(my_variable, [1, 4]).numpy(), [[1, 2, 3, 4]])
    assert my_variable.shape == (2, 2)


def test_assign_keeps_dtype_and_shape():
    # TensorFlow 2.21: assign of ints keeps float32; a new shape is a ValueError
    a = tf.Variable([2.0, 3.0])
    a.assign([1, 2])
    assert a.dtype == tf.float32
    np.testing.assert_array_equal(a.numpy(), [1.0, 2.0])
    with pytest.raises(ValueError):
        a.assign([1.0, 2.0, 3.0])


def test_variables_do_not_share_memory():
    # TensorFlow 2.21's values
    a = tf.Variable([2.0, 3.0])
    b = tf.Variable(a)
    a.assign([5, 6])
    np.testing.assert_array_equal(a.numpy(), [5.0, 6.0])
    np.testing.assert_array_equal(b.numpy(), [2.0, 3.0])
    np.testing.assert_array_equal(a.assign_add([2, 3]).numpy(), [7.0, 9.0])
    np.testing.assert_array_equal(a.assign_sub([7, 9]).numpy(), [0.0, 0.0])


def test_names_trainability_and_devices():
    # TensorFlow 2.21's values
    my_tensor = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    a = tf.Variable(my_tensor, name="Mark")
    b = tf.Variable(my_tensor + 1, name="Mark")
    assert a.name == b.name == "Mark:0"
    np.testing.assert_array_equal((a == b).numpy(), [[False, False], [False, False]])
    step_counter = tf.Variable(1, trainable=False)
    assert not step_counter.trainable
    with tf.device("CPU:0"):
        a = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        c = tf.matmul(a, tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
    np.testing.assert_array_equal(c.numpy(), [[22.0, 28.0], [49.0, 64.0]])
    with tf.device("CPU:0"):
        b = tf.Variable([[1.0, 2.0, 3.0]])
    with tf.device("GPU:0"):  # soft placement: runs on the CPU
        k = a * b
    np.testing.assert_array_equal(k.numpy(), [[1.0, 4.0, 9.0], [4.0, 10.0, 18.0]])


def test_updates_of_another_shape_are_tensorflows_errors():
    a = tf.Variable([2.0, 3.0])
    # TensorFlow 2.21: assign raises ValueError, assign_add/assign_sub InvalidArgumentError
    with pytest.raises(ValueError, match="shape"):
        a.assign([1.0, 2.0, 3.0])
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"Cannot update variable with shape \[2\] using a Tensor with "
                             r"shape \[1\], shapes must be equal"):
        a.assign_add([1.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"with shape \[\]"):
        a.assign_sub(1.0)
    np.testing.assert_array_equal(a.numpy(), [2.0, 3.0])
