"""executing_eagerly, device, init_scope, get_static_value, py_function and
grad_pass_through, against TensorFlow 2.21's behaviour."""
import numpy as np
import pytest

import gradtape as tf
from gradtape.testing import check_gradients

from ._tf import assert_tf, value_and_grads


def test_executing_eagerly_is_false_only_while_tracing():
    seen = []

    @tf.function
    def f(x):
        seen.append(tf.executing_eagerly())
        with tf.init_scope():          # TensorFlow lifts init_scope out of the trace
            seen.append(tf.executing_eagerly())
        return x * 2.0

    assert tf.executing_eagerly() is True
    f(tf.constant(1.0))
    assert seen == [False, True]


def test_device_is_a_no_op_context():
    with tf.device("/GPU:0") as d:
        y = tf.constant(2.0) * 3.0
    assert d is None and y.numpy() == 6.0
    with tf.device(None):
        pass
    with pytest.raises(RuntimeError, match="tf.device does not support functions."):
        tf.device(lambda op: "/cpu:0")


def test_init_scope_pauses_tapes():
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        with tf.init_scope() as scope:
            lifted = x * x
        y = x * lifted
    assert scope is None
    assert tape.gradient(y, x).numpy() == 4.0   # the lifted product is a constant
    with tf.init_scope():
        assert tf.executing_eagerly()


def test_init_scope_inside_a_function_runs_once_at_trace_time():
    calls = []

    @tf.function
    def f(x):
        with tf.init_scope():
            calls.append(1)
        return x + 1.0

    f(tf.constant(1.0))
    f(tf.constant(2.0))
    assert len(calls) == 1


def test_get_static_value():
    np.testing.assert_array_equal(tf.get_static_value(tf.constant([[3.0, 4.0]])), [[3.0, 4.0]])
    assert tf.get_static_value(tf.Variable(1.0)) is None
    assert tf.get_static_value(3.0) == 3.0
    assert tf.get_static_value([1.0, 2.0]) == [1.0, 2.0]
    assert tf.get_static_value(None) is None
    seen = []
    f = tf.function(lambda x: seen.append(tf.get_static_value(x * 2.0)) or x)
    f(tf.constant(1.0))
    assert seen == [None]      # a value computed from the function's input is not static


def test_py_function_results_and_conversions():
    x = tf.Variable([1.0, 2.0])
    pair = tf.py_function(lambda a, b: (a + b, a * b), [x, x], [tf.float32, tf.float32])
    assert isinstance(pair, list)
    np.testing.assert_array_equal(pair[1].numpy(), [1.0, 4.0])
    assert isinstance(tf.py_function(lambda a: a, [x], (tf.float32,)), list)
    assert tf.py_function(lambda a: None, [x], []) == []
    np.testing.assert_array_equal(
        tf.py_function(lambda a: a.numpy() * 2, [x], tf.float32).numpy(), [2.0, 4.0])
    three = tf.py_function(lambda a: 3, [x], tf.float32)
    assert three.numpy() == 3.0 and three.dtype == tf.float32
    assert tf.py_function(func=lambda a: a, inp=[x], Tout=tf.float32).shape == (2,)

    @tf.py_function(Tout=tf.float32)
    def double(a):
        return a * 2.0
    np.testing.assert_array_equal(double(x).numpy(), [2.0, 4.0])


def test_py_function_errors():
    x = tf.constant([1.0, 2.0])
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="Tensor conversion requested dtype float32 for Tensor with dtype int32"):
        tf.py_function(lambda a: tf.cast(a, tf.int32), [x], tf.float32)
    with pytest.raises(TypeError, match="Missing required argument: 'Tout'"):
        tf.py_function(lambda a: a, [x], None)


def test_py_function_gradient_is_tensorflows():
    x, w = tf.Variable([[1.0, 2.0], [3.0, 4.0]]), tf.Variable([0.5, -1.5])
    got = value_and_grads(
        lambda: tf.reduce_sum(tf.py_function(lambda a, b: tf.exp(a) * b, [x, w], tf.float32)),
        x, w)
    assert_tf(got, (-81.5789, [[1.3591409, -11.083584], [10.0427685, -81.897224]],
                    [22.803818, 61.987206]))


def test_py_function_gradient_matches_central_differences():
    check_gradients(lambda a, b: tf.py_function(lambda u, v: tf.exp(u) * v, [a, b], tf.float64),
                    [[[1.0, 2.0], [0.3, -0.4]], [0.5, -1.5]], order=2)


def test_grad_pass_through():
    x, w = tf.Variable([[1.0, 2.0], [3.0, 4.0]]), tf.Variable([0.5, -1.5])
    got = value_and_grads(lambda: tf.reduce_sum(
        tf.grad_pass_through(lambda t: tf.round(t))(x * w) * tf.constant([[1., 2.], [3., 4.]])),
        x, w)
    assert_tf(got, (-24.0, [[0.5, -3.0], [1.5, -6.0]], [10.0, 20.0]))
    z = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        y = tf.grad_pass_through(z.assign)(tf.constant(2.0) * x[0, 0])
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [[2.0, 0.0], [0.0, 0.0]])
    assert y.numpy() == 2.0 and z.numpy() == 2.0


def test_grad_pass_through_composes_in_both_modes_and_second_order():
    # passed through the identity, the gradient is the true one, which central
    # differences check in reverse and forward mode, to second order
    check_gradients(lambda a: tf.grad_pass_through(tf.identity)(a * a) * tf.sin(a),
                    [[1.2, -0.7, 3.4]], order=2)


def test_py_function_inside_a_compiled_function_runs_on_every_call():
    # as TensorFlow: the Python body runs on each call, eagerly (so it may read values)
    calls = []

    def double(a):
        calls.append(1)
        return a * 2.0

    f = tf.function(lambda x: tf.py_function(double, [x], tf.float32))
    assert f(tf.constant(1.0)).numpy() == 2.0 and f(tf.constant(2.0)).numpy() == 4.0
    assert len(calls) == 2
    g = tf.function(lambda x: tf.py_function(lambda a: a.numpy() * 2, [x], tf.float32))
    assert g(tf.constant(1.0)).numpy() == 2.0
