"""Assignment to a slice of a Variable (``v[0].assign(x)``) and
``tensor_scatter_nd_update`` over non-finite values.  Every expected value
below is TensorFlow 2.21's, as it printed them."""
import numpy as np
import pytest

import gradtape as tf


def test_slices_assign_into_the_variable_and_return_it():
    # TensorFlow 2.21's values
    v = tf.Variable([[1., 2., 3.], [4., 5., 6.]])
    assert v[0].assign([7., 8., 9.]) is v
    np.testing.assert_array_equal(v.numpy(), [[7., 8., 9.], [4., 5., 6.]])
    v[:, 1].assign([10., 20.])
    np.testing.assert_array_equal(v.numpy(), [[7., 10., 9.], [4., 20., 6.]])
    v[0, 0].assign(-1.)
    np.testing.assert_array_equal(v.numpy(), [[-1., 10., 9.], [4., 20., 6.]])
    v[0].assign(5.)                     # a scalar broadcast to the row
    np.testing.assert_array_equal(v.numpy(), [[5., 5., 5.], [4., 20., 6.]])
    v[0:2].assign([1., 1., 1.])         # a row broadcast to the rows
    np.testing.assert_array_equal(v.numpy(), np.ones((2, 3)))
    v[tf.constant(1)].assign([0., 0., 0.])   # a scalar tensor index
    np.testing.assert_array_equal(v.numpy(), [[1., 1., 1.], [0., 0., 0.]])
    v[0].assign([1, 2, 3], name="row")  # Python ints into a float Variable
    np.testing.assert_array_equal(v.numpy(), [[1., 2., 3.], [0., 0., 0.]])


@pytest.mark.parametrize("key, value, expected", [
    (slice(1, 3), [5., 6.], [1., 5., 6., 4.]),
    (slice(None, None, 2), [5., 6.], [5., 2., 6., 4.]),
    (slice(None, None, -1), [5., 6., 7., 8.], [8., 7., 6., 5.]),
])
def test_strided_slices(key, value, expected):
    # TensorFlow 2.21's values
    w = tf.Variable([1., 2., 3., 4.])
    w[key].assign(value)
    np.testing.assert_array_equal(w.numpy(), expected)


def test_newaxis_ellipsis_int_and_nonfinite():
    # TensorFlow 2.21's values
    w = tf.Variable([1., 2.])
    w[..., tf.newaxis].assign([[5.], [6.]])
    np.testing.assert_array_equal(w.numpy(), [5., 6.])
    iv = tf.Variable([1, 2, 3], dtype=tf.int64)
    assert iv[1:].assign([7, 8]).numpy().tolist() == [1, 7, 8]
    f = tf.Variable([np.inf, 1., np.nan])
    assert f[0].assign(3.).numpy()[:2].tolist() == [3., 1.]
    s = tf.Variable(3.)
    assert s[...].assign(4.).numpy() == 4.0


def test_errors_as_tensorflow():
    # TensorFlow 2.21's error types
    v = tf.Variable([[1., 2., 3.], [4., 5., 6.]])
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"Cannot broadcast input shape \[2\] into final shape \[3\]"):
        v[0].assign([1., 2.])
    with pytest.raises(ValueError, match="Tensor conversion requested dtype float32"):
        v[0].assign(tf.constant([1, 2, 3]))
    with pytest.raises(TypeError, match="Cannot convert 9.5"):
        tf.Variable([1, 2, 3])[1].assign(9.5)
    with pytest.raises(tf.errors.InvalidArgumentError):
        v[5].assign(1.)
    with pytest.raises(TypeError):
        v[0].assign([1., 2., 3.], read_value=False)
    np.testing.assert_array_equal(v.numpy(), [[1., 2., 3.], [4., 5., 6.]])


def test_only_a_slice_read_from_a_variable_has_assign():
    # as TensorFlow 2.21: no assign_add/assign_sub on a slice, no assign on a
    # slice of a slice, a mask, or a constant's slice
    v = tf.Variable([[1., 2.], [3., 4.]])
    assert hasattr(v[0], "assign")
    assert not hasattr(v[0], "assign_add") and not hasattr(v[0], "assign_sub")
    assert not hasattr(v[0][1], "assign")
    assert not hasattr(v[v > 2.], "assign")
    assert not hasattr(tf.constant([1., 2.])[0], "assign")
    with pytest.raises(AttributeError, match="no attribute 'assign'"):
        tf.constant([1., 2.])[0].assign(3.)


def test_gradients_around_an_assignment():
    # TensorFlow 2.21's values: a read before the assignment keeps its value,
    # a read after sees the new one, and nothing flows through the assignment
    w = tf.Variable([1., 2., 3.])
    with tf.GradientTape(persistent=True) as t:
        y = w * w
        w[0].assign(10.)
        z = tf.reduce_sum(w * w)
    np.testing.assert_array_equal(t.gradient(y, w), [2., 4., 6.])
    np.testing.assert_array_equal(t.gradient(z, w), [20., 4., 6.])
    x = tf.Variable([1., 2., 3.])
    with tf.GradientTape() as t:
        a = tf.constant(2.)
        t.watch(a)
        x[0].assign(a * 3.)
        z = tf.reduce_sum(x)
    ga, gx = t.gradient(z, [a, x])
    assert ga is None
    np.testing.assert_array_equal(gx, [1., 1., 1.])
    k = tf.Variable([1., 2.], trainable=False)
    with tf.GradientTape() as t:
        k[0].assign(5.)
    assert t.watched_variables() == ()


def test_assignment_replayed_by_a_function():
    # TensorFlow 2.21's values
    v = tf.Variable([[1., 2.], [3., 4.]])

    @tf.function
    def step(x):
        v[:, 1].assign(v[:, 1] + x)
        return v[0, 1] * 1.0

    assert step(tf.constant(1.)).numpy() == 3.0
    assert step(tf.constant(2.)).numpy() == 5.0
    np.testing.assert_array_equal(v.numpy(), [[1., 5.], [3., 7.]])


def test_scatter_update_replaces_nonfinite_values():
    # TensorFlow 2.21's values: a replaced inf or nan, or an inf in an update
    # that a later one overrides, leaves no nan
    out = tf.tensor_scatter_nd_update(tf.constant([np.inf, 1., np.nan]), [[0], [2]], [5., 6.])
    np.testing.assert_array_equal(out, [5., 1., 6.])
    out = tf.tensor_scatter_nd_update(tf.constant([1., 1.]), [[0], [0]], [np.inf, 6.])
    np.testing.assert_array_equal(out, [6., 1.])
    v = tf.Variable([np.inf, 2.])
    np.testing.assert_array_equal(v.scatter_nd_update([[0]], [1.]), [1., 2.])


def test_many_slices_kept_or_dropped_still_assign():
    # as TensorFlow 2.21: any slice read from the Variable keeps its assign,
    # however many slices were read since
    v = tf.Variable([[1., 2.], [3., 4.]])
    kept = [v[i % 2] for i in range(600)]
    for _ in range(600):
        v[0]
    kept[3].assign([7., 8.])
    np.testing.assert_array_equal(v.numpy(), [[1., 2.], [7., 8.]])
    assert not hasattr(tf.constant([1.0])[0], "assign")
