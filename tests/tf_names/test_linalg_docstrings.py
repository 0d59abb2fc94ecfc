"""The ``>>>`` examples of TensorFlow's ``tf.linalg`` docstrings that gradtape did
not run before (missing names), with TensorFlow 2.21's printed values, and the
edge cases around them as TensorFlow 2.21 gives them."""
import numpy as np
import pytest

import gradtape as tf
from gradtape.testing import check_gradients


def test_tensor_diag_part_docstring():
    # TensorFlow 2.21's values (tf.linalg.tensor_diag_part's docstring)
    x = [[[[1111, 1112], [1121, 1122]],
          [[1211, 1212], [1221, 1222]]],
         [[[2111, 2112], [2121, 2122]],
          [[2211, 2212], [2221, 2222]]]]
    got = tf.linalg.tensor_diag_part(x)
    assert got.dtype == tf.int32
    np.testing.assert_array_equal(got.numpy(), [[1111, 1212], [2121, 2222]])
    assert tf.linalg.diag_part(x).shape == tf.TensorShape([2, 2, 2])


def test_tensor_diag_and_part_values():
    # TensorFlow 2.21's values
    np.testing.assert_array_equal(tf.linalg.tensor_diag_part([[1, 2], [3, 4]]).numpy(), [1, 4])
    assert tf.linalg.tensor_diag_part(3).numpy() == 3
    assert tf.linalg.tensor_diag_part(tf.zeros([2, 3, 2, 3])).shape == (2, 3)
    np.testing.assert_array_equal(tf.linalg.tensor_diag([1, 2]).numpy(), [[1, 0], [0, 2]])
    assert tf.linalg.tensor_diag([[1, 2], [3, 4]]).shape == (2, 2, 2, 2)


@pytest.mark.parametrize("call,match", [
    # TensorFlow 2.21's errors
    (lambda: tf.linalg.tensor_diag_part([1, 2]), r"even and positive, got shape \[2\]"),
    (lambda: tf.linalg.tensor_diag_part([[[1, 2]]]), r"even and positive, got shape \[1,1,2\]"),
    (lambda: tf.linalg.tensor_diag_part([[1, 2, 3], [3, 4, 5]]),
     r"Invalid shape \[2,3\]: dimensions 0 and 1 do not match"),
    (lambda: tf.linalg.tensor_diag_part(tf.zeros([2, 3, 3, 2])),
     r"Invalid shape \[2,3,3,2\]: dimensions 0 and 2 do not match"),
    (lambda: tf.linalg.tensor_diag(3), "Input must be at least rank 1, got 0"),
])
def test_tensor_diag_errors(call, match):
    with pytest.raises(tf.errors.InvalidArgumentError, match=match):
        call()


def test_tensor_diag_gradients():
    x = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        y = tf.linalg.tensor_diag_part(x) * [1.0, 2.0]
    # TensorFlow 2.21's gradient
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [[1.0, 0.0], [0.0, 2.0]])
    check_gradients(tf.linalg.tensor_diag_part, [np.arange(36.0).reshape(2, 3, 2, 3)], order=2)
    check_gradients(tf.linalg.tensor_diag, [np.arange(6.0).reshape(2, 3)], order=2)
