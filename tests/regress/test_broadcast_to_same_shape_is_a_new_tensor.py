"""``tf.broadcast_to(x, x.shape)`` is a new tensor, as in TensorFlow: a
gradient with respect to it is None when it is not used."""
import numpy as np

import gradtape as tf


def test_broadcast_to_the_same_shape_returns_a_new_tensor():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.broadcast_to(x, x.shape)
        unused = tf.reduce_sum(x * 3.0)
        used = tf.reduce_sum(y * y)
    # TensorFlow 2.21: y is not x; None; [2, 4]; [2, 4]
    assert y is not x
    assert tape.gradient(unused, y) is None
    np.testing.assert_array_equal(tape.gradient(used, x).numpy(), [2.0, 4.0])
    np.testing.assert_array_equal(tape.gradient(used, y).numpy(), [2.0, 4.0])
