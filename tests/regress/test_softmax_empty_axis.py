"""Bug: ``softmax`` and ``log_softmax`` over an empty axis failed ("zero-size
array to reduction operation maximum"); TensorFlow returns an empty tensor of
the input's shape, and so does gradtape now, gradients included."""
import numpy as np
import pytest

import gradtape as tf


@pytest.mark.parametrize("fn", [tf.nn.softmax, tf.nn.log_softmax], ids=lambda f: f.__name__)
@pytest.mark.parametrize("shape,axis", [((2, 0), -1), ((0,), 0), ((3, 0, 2), 1)])
def test_softmax_of_an_empty_axis_is_empty(fn, shape, axis):
    x = tf.ones(shape, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x, axis=axis)
    assert y.shape == shape and y.dtype == tf.float32
    assert tape.gradient(y, x).shape == shape


def test_non_empty_softmax_unchanged():
    x = tf.constant([[1.0, 2.0, 3.0], [-np.inf, 0.0, 0.0]])
    np.testing.assert_allclose(tf.nn.softmax(x).numpy()[1], [0.0, 0.5, 0.5])
    np.testing.assert_allclose(tf.nn.log_softmax(x).numpy()[0],
                               [1.0, 2.0, 3.0] - np.log(np.exp([1.0, 2.0, 3.0]).sum()), rtol=1e-6)
