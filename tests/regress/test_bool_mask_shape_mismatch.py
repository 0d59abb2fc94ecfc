"""Bug: ``x[mask]`` with a bool mask shorter than the axis it covers silently
selected elements (``x[[True]]`` on a length-2 vector gave ``[x[0]]``): masks
were turned into indices before any shape check.  NumPy and TensorFlow refuse
it; gradtape now raises InvalidArgumentError."""
import numpy as np
import pytest

import gradtape as tf
from gradtape.errors import InvalidArgumentError


@pytest.mark.parametrize("shape,key", [
    ((2,), lambda: tf.constant([True])),
    ((2,), lambda: [True, False, True]),
    ((2, 3), lambda: (Ellipsis, np.array([True, False]))),
    ((2, 3), lambda: tf.constant([[True, False, True]])),
])
def test_mismatched_masks_are_rejected(shape, key):
    with pytest.raises(InvalidArgumentError, match="bool mask does not match"):
        tf.ones(shape)[key()]


def test_matching_masks_still_select():
    x = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    np.testing.assert_array_equal(x[..., [True, False, True]].numpy(), [[1, 3], [4, 6]])
    np.testing.assert_array_equal(x[x > 4.0].numpy(), [5, 6])
    np.testing.assert_array_equal(x[tf.constant([False, True])].numpy(), [[4, 5, 6]])
