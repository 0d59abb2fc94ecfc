"""Bug: an argument of the wrong kind failed deep inside with Python's or
NumPy's own words: ``tf.add_n(None)`` / ``tf.stack(None)`` ("'NoneType' object
is not iterable"), ``tf.ones(None)``, ``tf.as_dtype(tensor)`` (a ValueError from
``np.dtype``), ``int(tensor)`` of a non-scalar ("only 0-dimensional arrays can
be converted"), and ``tf.explain`` of something that is not a tape (an
AttributeError).  Each is now a TypeError saying what was expected."""
import pytest

import gradtape as tf

CASES = [
    (lambda: tf.add_n(None), r"add_n: inputs must be a list of tensors, got NoneType"),
    (lambda: tf.stack(None), r"stack: values must be a list of tensors, got NoneType"),
    (lambda: tf.concat(tf.ones((2, 2)), 0), r"concat: values must be a list of tensors, got Tensor"),
    (lambda: tf.ones(None), r"ones: a shape must be a list of ints, got None"),
    (lambda: tf.zeros(2.5), r"zeros: a shape must be a list of ints, got 2.5"),
    (lambda: tf.as_dtype(tf.ones(2)), r"cannot interpret .* as a gradtape dtype"),
    (lambda: tf.cast(tf.ones(2), tf.ones(2)), r"cannot interpret .* as a gradtape dtype"),
    (lambda: int(tf.constant([1, 2])), r"only scalar \(0-d\) tensors convert to a Python int, "
                                       r"got a tensor of shape \(2,\)"),
    (lambda: float(tf.ones((1, 1))), r"Python float, got a tensor of shape \(1, 1\)"),
    (lambda: complex(tf.ones(3)), r"Python complex, got a tensor of shape \(3,\)"),
    (lambda: tf.explain(tf.ones(2), tf.ones(2), [tf.ones(2)]), r"expected a GradientTape, got Tensor"),
]


@pytest.mark.parametrize("call,pattern", CASES)
def test_misplaced_argument_is_a_named_type_error(call, pattern):
    with pytest.raises(TypeError, match=pattern):
        call()


def test_tuples_and_scalars_still_work():
    assert tf.add_n((tf.ones(2), tf.ones(2))).numpy().tolist() == [2.0, 2.0]
    assert tf.stack((tf.ones(2), tf.ones(2))).shape == (2, 2)
    assert int(tf.constant(3)) == 3 and float(tf.constant([[2.5]])[0, 0]) == 2.5
