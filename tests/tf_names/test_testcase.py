"""``tf.test.TestCase``: a test class written for TensorFlow runs on gradtape,
and its assertions fail where TensorFlow's do."""
import unittest

import numpy as np
import pytest

import gradtape as tf


class _Written(tf.test.TestCase):
    """A test written as TensorFlow's tests are."""

    def test_values(self):
        x = tf.constant([[1.0, 2.0]])
        self.assertAllClose(x * 2, [[2.0, 4.0]])
        self.assertAllClose({"a": x, "b": [x, 1.0]}, {"a": [[1.0, 2.0]], "b": [[[1.0, 2.0]], 1.0]})
        self.assertAllEqual(tf.constant([1, 2]), np.array([1, 2]))
        self.assertAllCloseAccordingToType(tf.constant([1.0], tf.float16), [1.0004])
        self.assertNotAllClose(x, [[1.0, 3.0]])
        self.assertAllInRange(x, 1.0, 2.0)
        self.assertAllInSet(tf.constant([1, 2, 2]), {1, 2})
        self.assertAllGreater(x, 0.5)
        self.assertDTypeEqual(x, tf.float32)
        self.assertShapeEqual(np.zeros((1, 2)), x)
        self.assertEqual(self.evaluate([x, {"k": x}])[1]["k"].tolist(), [[1.0, 2.0]])
        with self.session() as sess:
            self.assertAllClose(sess.run(x), [[1.0, 2.0]])
        with self.assertRaisesOpError("incompatible|Incompatible|broadcast"):
            tf.constant([1.0, 2.0]) + tf.constant([1.0, 2.0, 3.0])


def test_a_tensorflow_style_test_class_runs():
    result = unittest.TextTestRunner(stream=open("/dev/null", "w")).run(
        unittest.defaultTestLoader.loadTestsFromTestCase(_Written))
    assert result.wasSuccessful(), result.failures + result.errors


@pytest.mark.parametrize("check", [
    lambda t: t.assertAllClose([1.0, 2.0], [1.0, 2.1]),
    lambda t: t.assertAllClose([1.0, 2.0], [[1.0, 2.0]]),    # shapes differ
    lambda t: t.assertAllEqual([1, 2], [1, 3]),
    lambda t: t.assertNotAllClose([1.0], [1.0]),
    lambda t: t.assertAllInRange([0.0, 3.0], 0.0, 3.0, open_upper_bound=True),
    lambda t: t.assertAllInSet([1, 4], {1, 2}),
])
def test_the_assertions_fail(check):
    with pytest.raises(AssertionError):
        check(_Written("test_values"))
