"""Bug: ``tf.random.normal((2,), dtype=tf.int32)`` silently returned zeros
(normal samples truncated to integers; TensorFlow refuses the dtype), and a
negative or non-integer shape reached NumPy ("negative dimensions are not
allowed").  Both are now named errors."""
import pytest

import gradtape as tf
from gradtape.errors import InvalidArgumentError


@pytest.mark.parametrize("fn", [tf.random.normal, tf.random.truncated_normal],
                         ids=lambda f: f.__name__)
def test_normal_samples_need_a_floating_dtype(fn):
    with pytest.raises(TypeError, match=rf"{fn.__name__}: dtype must be a floating type.*got int32"):
        fn((2,), dtype=tf.int32)
    assert fn((2,), dtype=tf.float16, seed=1).dtype == tf.float16


@pytest.mark.parametrize("fn", [tf.random.normal, tf.random.uniform, tf.random.truncated_normal],
                         ids=lambda f: f.__name__)
def test_shapes_are_checked(fn):
    with pytest.raises(InvalidArgumentError, match=rf"{fn.__name__}: dimensions must be non-negative"):
        fn((2, -1))
    with pytest.raises(TypeError, match=rf"{fn.__name__}: a shape must be a list of ints"):
        fn((2.5,))
    assert fn(tf.constant([2, 3]), seed=0).shape == (2, 3)
