"""``cumsum``/``cumprod(exclusive=True)`` over an empty axis return an empty
tensor of the input's shape, as TensorFlow's do (and their gradients too)."""
import numpy as np
import pytest

import gradtape as tf


@pytest.mark.parametrize("scan", [tf.cumsum, tf.math.cumprod], ids=["cumsum", "cumprod"])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_exclusive_scan_over_an_empty_axis_is_empty(scan, reverse, axis):
    x = tf.zeros((2, 0, 3))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = scan(x, axis=axis, exclusive=True, reverse=reverse)
    # TensorFlow 2.21: shape (2, 0, 3) for every axis and direction
    assert y.shape == (2, 0, 3) and y.dtype == tf.float32
    assert tape.gradient(y, x).numpy().shape == (2, 0, 3)


def test_exclusive_scan_along_a_non_empty_axis_is_unchanged():
    x = tf.constant([[1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(tf.cumsum(x, axis=1, exclusive=True).numpy(), [[0.0, 1.0, 3.0]])
    np.testing.assert_array_equal(tf.math.cumprod(x, axis=1, exclusive=True).numpy(),
                                  [[1.0, 1.0, 2.0]])
