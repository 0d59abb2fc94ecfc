"""The ``>>>`` examples of TensorFlow's ``tf.nn`` docstrings that gradtape did not
run before (missing names), with TensorFlow 2.21's printed values, and the edge
cases around them as TensorFlow 2.21 gives them."""
import numpy as np
import pytest

import gradtape as tf

PRED = [[1.2, -0.3, 2.8, 5.2], [0.1, 0.0, 0.0, 0.0], [0.0, 0.5, 0.3, 0.3]]


def test_in_top_k_docstring():
    # TensorFlow 2.21's values (tf.math.in_top_k's docstring)
    got = tf.math.in_top_k(tf.constant([0, 1, 3]), tf.constant(PRED, tf.float32), 2)
    assert got.dtype == tf.bool
    np.testing.assert_array_equal(got.numpy(), [False, True, True])
    assert str(got) == "tf.Tensor([False  True  True], shape=(3,), dtype=bool)"
    assert tf.nn.in_top_k is tf.math.in_top_k


@pytest.mark.parametrize("targets,predictions,k,want", [
    # TensorFlow 2.21's values
    ([0, 1], [[1.0, 2.0], [3.0, 1.0]], 0, [False, False]),
    ([0, 1], [[1.0, 2.0], [3.0, 1.0]], 5, [True, True]),
    ([0, 1], [[1.0, 2.0], [3.0, 1.0]], -1, [False, False]),
    ([0, 1, 2], [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [2.0, 1.0, 1.0]], 1, [True, True, False]),
    ([0, 1], [[np.nan, 2.0], [np.inf, 1.0]], 2, [False, False]),
    ([5, -1], [[1.0, 2.0], [3.0, 1.0]], 1, [False, False]),
    (np.array([0, 1], np.int64), [[1.0, 2.0], [3.0, 1.0]], 1, [False, False]),
])
def test_in_top_k_values(targets, predictions, k, want):
    np.testing.assert_array_equal(tf.math.in_top_k(targets, predictions, k).numpy(), want)


def test_in_top_k_errors():
    # TensorFlow 2.21's errors
    with pytest.raises(ValueError, match="requested dtype float32 for Tensor with dtype float64"):
        tf.math.in_top_k([0, 1], tf.constant([[1.0, 2.0], [3.0, 1.0]], tf.float64), 1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="predictions must be 2-dimensional"):
        tf.math.in_top_k([0], [1.0, 2.0], 1)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="First dimension of predictions 2 must match length of target"):
        tf.math.in_top_k([0, 1, 1], [[1.0, 2.0], [3.0, 1.0]], 1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="not in the list of allowed values"):
        tf.math.in_top_k([0.0, 1.0], [[1.0, 2.0], [3.0, 1.0]], 1)
