"""``tf.constant(tensor)`` is the tensor itself, as in TensorFlow, so a tape's
gradient flows through it; a new shape or a Variable gives a fresh constant."""
import numpy as np
import pytest

import gradtape as tf


def test_constant_of_a_tensor_is_the_tensor_and_gradients_flow():
    x = tf.constant([1.0, 2.0])
    assert tf.constant(x) is x and tf.constant(x, tf.float32) is x
    with tf.GradientTape() as tape:
        tape.watch(x)
        z = tf.reduce_sum(tf.constant(x) ** 2)
    # TensorFlow 2.21: [2.0, 4.0]
    np.testing.assert_array_equal(tape.gradient(z, x).numpy(), [2.0, 4.0])


def test_constant_of_a_tensor_with_another_dtype_raises_as_tensorflow():
    with pytest.raises(TypeError, match=r"^Expected tensor \[1\. 2\.\] with dtype tf\.float64, "
                                        r"but got dtype tf\.float32\.$"):
        tf.constant(tf.constant([1.0, 2.0]), tf.float64)


def test_new_shape_or_variable_gives_a_fresh_constant():
    x, v = tf.constant([1.0, 2.0]), tf.Variable([3.0, 4.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        shaped = tf.constant(x, shape=(2, 1))
        copied = tf.constant(v)
        z = tf.reduce_sum(shaped) + tf.reduce_sum(copied)
    # TensorFlow 2.21: None for both
    assert tape.gradient(z, [x, v]) == [None, None]
    assert tf.constant(v, tf.float64).dtype == tf.float64
