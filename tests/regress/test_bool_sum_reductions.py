"""Bug: ``reduce_sum``/``reduce_mean``/``reduce_prod`` of a bool tensor
returned a bool (``reduce_sum([True, True])`` was ``True``, not 2): NumPy
reduces bools with "or"/"and".  TensorFlow has no such kernels; gradtape now
raises a TypeError that points to ``reduce_any``/``reduce_all`` or a cast."""
import numpy as np
import pytest

import gradtape as tf


@pytest.mark.parametrize("fn", [tf.reduce_sum, tf.reduce_mean, tf.reduce_prod],
                         ids=lambda f: f.__name__)
def test_bool_sums_are_refused(fn):
    with pytest.raises(TypeError, match=rf"{fn.__name__}: input_tensor must be a numeric tensor, got bool"):
        fn(tf.constant([True, True]))


def test_counting_with_a_cast_works():
    mask = tf.constant([True, True, False])
    assert tf.reduce_sum(tf.cast(mask, tf.int32)).numpy() == 2
    assert bool(tf.reduce_any(mask)) and not bool(tf.reduce_all(mask))
    np.testing.assert_allclose(tf.reduce_mean(tf.cast(mask, tf.float32)).numpy(), 2 / 3)
