"""Bug: a Variable handed to NumPy inside a tape (``np.sin(v)``, ``v.numpy()``)
was not watched, so ``explain`` said "it was never read while the tape
recorded" instead of naming the escape to NumPy.  In TensorFlow such a read
goes through ``read_value`` and the tape watches the Variable; gradtape now
does the same, and ``explain`` points at the NumPy call."""
import numpy as np

import gradtape as tf


def test_numpy_function_on_a_variable_is_a_watched_read():
    v = tf.Variable([0.5, 2.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.constant(np.sin(v)) * 2.0)
    assert tape.watched_variables() == (v,)
    assert tape.gradient(y, v) is None
    reason = tf.explain(tape, y, [v]).reasons[0]
    assert reason.category == "left_tape"
    assert "NumPy" in str(reason)


def test_numpy_method_on_a_variable_is_a_watched_read():
    v = tf.Variable(1.5)
    with tf.GradientTape() as tape:
        value = v.numpy()
    assert value == 1.5 and tape.watched_variables() == (v,)


def test_non_trainable_variable_stays_unwatched():
    v = tf.Variable(1.5, trainable=False)
    with tf.GradientTape() as tape:
        np.asarray(v)
    assert tape.watched_variables() == ()
