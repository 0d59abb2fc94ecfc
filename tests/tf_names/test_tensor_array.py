"""tf.TensorArray: eager TensorFlow's behaviour (sharing on write, zeros for unwritten
elements, clear_after_read, dynamic_size), errors and gradients; numbers from
TensorFlow 2.21."""
import numpy as np
import pytest

import gradtape as tf
from gradtape.testing import check_gradients

from ._tf import assert_tf, value_and_grads


def test_write_returns_a_new_array_sharing_the_elements():
    ta = tf.TensorArray(tf.float32, size=3)
    ta2 = ta.write(0, 1.0)
    assert ta2 is not ta
    ta3 = ta2.write(1, 2.0).write(2, 3.0)
    np.testing.assert_array_equal(ta3.stack().numpy(), [1.0, 2.0, 3.0])
    ta3.write(0, 5.0)            # eager TensorFlow: the write is seen through ta3 as well
    assert ta3.read(0).numpy() == 5.0
    assert ta.size().numpy() == 3 and ta.size().dtype == tf.int32


def test_unwritten_elements_are_zeros():
    ta = tf.TensorArray(tf.float32, size=3).write(0, 1.0)
    assert ta.read(1).numpy() == 0.0
    np.testing.assert_array_equal(ta.stack().numpy(), [1.0, 0.0, 0.0])
    ta = tf.TensorArray(tf.float32, size=2).write(0, [1.0, 2.0])
    np.testing.assert_array_equal(ta.stack().numpy(), [[1.0, 2.0], [0.0, 0.0]])


def test_clear_after_read():
    ta = tf.TensorArray(tf.float32, size=1).write(0, 1.0)
    assert ta.read(0).numpy() == 1.0
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="Could not read index 0 twice because it was cleared"):
        ta.read(0)
    kept = tf.TensorArray(tf.float32, size=1, clear_after_read=False).write(0, 1.0)
    assert kept.read(0).numpy() == kept.read(0).numpy() == 1.0


def test_dynamic_size_grows():
    ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True).write(0, 1.0).write(3, 4.0)
    assert ta.size().numpy() == 4
    np.testing.assert_array_equal(ta.stack().numpy(), [1.0, 0.0, 0.0, 4.0])


def test_unstack_gather_scatter_concat():
    ta = tf.TensorArray(tf.float32, size=3).unstack([[1.0, 2.0], [3.0, 4.0]])
    assert ta.size().numpy() == 2     # as TensorFlow: unstack replaces every element
    np.testing.assert_array_equal(ta.read(1).numpy(), [3.0, 4.0])
    ta = tf.TensorArray(tf.float32, size=3).unstack([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(ta.gather([2, 0]).numpy(), [3.0, 1.0])
    ta = tf.TensorArray(tf.float32, size=3).scatter([2, 0], [5.0, 6.0])
    np.testing.assert_array_equal(ta.stack().numpy(), [6.0, 0.0, 5.0])
    ta = tf.TensorArray(tf.float32, size=2, infer_shape=False)
    np.testing.assert_array_equal(ta.write(0, [1.0, 2.0]).write(1, [3.0]).concat().numpy(),
                                  [1.0, 2.0, 3.0])


def test_empty_and_shapes():
    assert tf.TensorArray(tf.float32, size=0).stack().shape == (0,)
    assert tf.TensorArray(tf.float32, size=0, element_shape=[2]).stack().shape == (0, 2)
    ta = tf.TensorArray(tf.float32, size=2)
    assert ta.element_shape == tf.TensorShape(None)
    assert ta.write(0, [1.0, 2.0]).element_shape == (2,)
    assert (ta.dtype, ta.dynamic_size) == (tf.float32, False)


@pytest.mark.parametrize("call,kind,text", [
    (lambda: tf.TensorArray(tf.float32), ValueError,
     "Size must be declared for TensorArrays when eager execution is enabled."),
    (lambda: tf.TensorArray(tf.float32, size=3).write(3, 1.0), tf.errors.OutOfRangeError,
     "Tried to write to index 3 but array is not resizeable and size is: 3"),
    (lambda: tf.TensorArray(tf.float32, size=2).write(-1, 1.0), tf.errors.OutOfRangeError,
     r"Writing to negative indices \(index -1\) is not allowed."),
    (lambda: tf.TensorArray(tf.float32, size=2).read(-1), tf.errors.OutOfRangeError,
     r"Reading from negative indices \(index -1\) is not allowed."),
    (lambda: tf.TensorArray(tf.float32, size=1).write(0, tf.constant(1, tf.int32)),
     tf.errors.InvalidArgumentError,
     "TensorArray dtype is float32 but Op is trying to write dtype int32"),
    (lambda: tf.TensorArray(tf.float32, size=2).write(0, [1.0, 2.0]).write(1, [1.0, 2.0, 3.0]),
     ValueError, r"Incompatible shape for value \(\(3,\)\), expected \(\(2,\)\)"),
    (lambda: tf.TensorArray(tf.float32, size=2).write(0, 1.0).write(1, 2.0).concat(),
     tf.errors.InvalidArgumentError,
     "Concat saw a scalar shape at index 0 but requires at least vectors."),
    (lambda: tf.TensorArray(tf.float32, size=2).read(0), ValueError,
     "Cannot convert a partially known TensorShape <unknown> to a Tensor."),
])
def test_errors_are_tensorflows(call, kind, text):
    with pytest.raises(kind, match=text):
        call()


@pytest.fixture
def xw():
    return tf.Variable([[1.0, 2.0], [3.0, 4.0]]), tf.Variable([0.5, -1.5])


def test_gradients_are_tensorflows(xw):
    x, w = xw

    def written_and_unstacked():
        ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        for i in range(2):
            ta = ta.write(i, x[i] * w)
        ta2 = tf.TensorArray(tf.float32, size=2).unstack(x * x)
        return tf.reduce_sum(ta.stack() ** 2) + tf.reduce_sum(ta2.gather([1, 0]) * w)

    def concatenated():
        ta = tf.TensorArray(tf.float32, size=2, infer_shape=False)
        ta = ta.write(0, x[0] * w).write(1, x[1, :1])
        return tf.reduce_sum(ta.concat() ** 2)

    def scattered():
        ta = tf.TensorArray(tf.float32, size=3, clear_after_read=False).scatter([2, 0], x * w)
        return tf.reduce_sum(ta.stack() ** 3) + tf.reduce_sum(ta.read(2))

    assert_tf(value_and_grads(written_and_unstacked, x, w),
              (22.5, [[1.5, 3.0], [4.5, 6.0]], [20.0, -40.0]))
    assert_tf(value_and_grads(concatenated, x, w),
              (18.25, [[0.5, 9.0], [6.0, 0.0]], [1.0, -12.0]))
    assert_tf(value_and_grads(scattered, x, w),
              (-242.0, [[0.875, -42.0], [3.375, -162.0]], [22.0, 488.0]))


def _through_array(x, w):
    ta = tf.TensorArray(x.dtype, size=0, dynamic_size=True, clear_after_read=False)
    for i in range(2):
        ta = ta.write(i, tf.sin(x[i]) * w)
    other = tf.TensorArray(x.dtype, size=2).unstack(x * w)
    scattered = tf.TensorArray(x.dtype, size=3).scatter([2, 0], x * x)
    return (ta.stack() * ta.read(1), other.gather([1, 0]), scattered.stack(),
            tf.TensorArray(x.dtype, size=2).write(0, w).write(1, x[0]).concat())


def test_gradients_match_central_differences():
    check_gradients(_through_array, [[[1.0, 2.0], [0.3, -0.4]], [0.5, -1.5]], order=2)


def test_reads_inside_a_compiled_function_do_not_clear():
    # TensorFlow's TensorArray docstring: in tf.function, reading an element twice
    # with the default clear_after_read works: fibonacci(7) is [0, 1, 1, 2, 3, 5, 8]
    @tf.function
    def fibonacci(n):
        ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        ta = ta.unstack([0.0, 1.0])
        for i in range(2, n):
            ta = ta.write(i, ta.read(i - 1) + ta.read(i - 2))
        return ta.stack()

    for _ in range(2):
        assert fibonacci(7).numpy().tolist() == [0, 1, 1, 2, 3, 5, 8]
