"""Bug: a NumPy failure inside an op escaped raw, without the op's name.

``tf.ones(2) + tf.ones(3)`` raised NumPy's "operands could not be broadcast"
ValueError; ``tf.where`` with unbroadcastable branches and ``tf.negative`` of a
bool tensor likewise.  The engine now turns such failures into
``InvalidArgumentError`` (or TypeError) naming the op and its input shapes.
"""
import pytest

import gradtape as tf
from gradtape.errors import InvalidArgumentError

CASES = [
    (lambda: tf.ones(2) + tf.ones(3), r"add: .*broadcast.*float32\[2\], float32\[3\]"),
    (lambda: tf.matmul(tf.ones((2, 2, 2)), tf.ones((3, 2, 2))),
     r"matmul.*[\[(]2, 2, 2[\])].*[\[(]3, 2, 2[\])]"),
    (lambda: tf.where(tf.constant([True, False]), tf.ones(3), tf.ones(3)), r"where: .*broadcast"),
]


@pytest.mark.parametrize("call,pattern", CASES)
def test_numpy_failures_become_gradtape_errors(call, pattern):
    with pytest.raises(InvalidArgumentError, match=pattern) as info:
        call()
    assert not type(info.value).__module__.startswith("numpy")
    assert info.value.__suppress_context__  # no NumPy traceback chained on


def test_recorded_ops_translate_too():
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape():
        with pytest.raises(InvalidArgumentError, match="multiply"):
            x * tf.ones(3)


def test_bool_negative_is_an_error_naming_the_op():
    # TensorFlow 2.21: InvalidArgumentError (Neg has no bool kernel)
    with pytest.raises(InvalidArgumentError, match="negative") as info:
        tf.negative(tf.constant([True]))
    assert not type(info.value).__module__.startswith("numpy")
