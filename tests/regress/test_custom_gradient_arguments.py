"""custom_gradient's arguments as TensorFlow treats them: a Variable passed as
an argument is an input (grad_fn needs no ``variables`` for it), keyword
arguments reach ``f``, nested arguments give one gradient per tensor, and a
forward returning a Python float or NumPy value gives a tensor."""
import numpy as np

import gradtape as tf


def test_variable_argument_is_an_input_not_a_captured_variable():
    @tf.custom_gradient
    def f(x, w):
        def grad(dy):
            return dy * 10.0, dy * 100.0
        return x * w, grad

    v, x = tf.Variable(2.0), tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x, v)
    # TensorFlow 2.21: [10.0, 100.0]
    assert [g.numpy() for g in tape.gradient(y, [x, v])] == [10.0, 100.0]


def test_variable_argument_and_captured_variable():
    u = tf.Variable(3.0)

    @tf.custom_gradient
    def f(x, w):
        def grad(dy, variables=None):
            assert [v.name for v in variables] == [u.name]
            return (dy * 10.0, dy * 100.0), [dy * 1000.0]
        return x * w * u, grad

    v, x = tf.Variable(2.0), tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x, v)
    # TensorFlow 2.21: [10.0, 100.0, 1000.0]
    assert [g.numpy() for g in tape.gradient(y, [x, v, u])] == [10.0, 100.0, 1000.0]


def test_keyword_arguments_reach_f():
    @tf.custom_gradient
    def scaled(x, scale=1.0):
        def grad(dy):
            return dy * scale
        return x * scale, grad

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = scaled(x, scale=5.0)
    # TensorFlow 2.21: y 15.0, gradient 5.0
    assert y.numpy() == 15.0 and tape.gradient(y, x).numpy() == 5.0


def test_nested_arguments_get_one_gradient_per_tensor():
    @tf.custom_gradient
    def f(pair, c):
        def grad(dy):
            return [tf.reduce_sum(dy) * 2.0, dy * 3.0], tf.reduce_sum(dy) * 4.0
        return pair[0] + pair[1] * c, grad

    a, b, c = tf.constant(1.0), tf.constant([1.0, 2.0]), tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch([a, b, c])
        y = f([a, b], c)
    ga, gb, gc = tape.gradient(y, [a, b, c])
    # TensorFlow 2.21: 4.0, [3.0, 3.0], 8.0
    assert ga.numpy() == 4.0 and gc.numpy() == 8.0
    np.testing.assert_array_equal(gb.numpy(), [3.0, 3.0])


def test_forward_returning_a_python_float_or_numpy_value():
    @tf.custom_gradient
    def const_py(x):
        return 4.0, lambda dy: dy * 7.0

    @tf.custom_gradient
    def const_np(x):
        return np.full((2,), 4.0, np.float32), lambda dy: dy * 7.0

    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y_py, y_np = const_py(x), const_np(x)
    # TensorFlow 2.21: float32 tensors 4.0 and [4., 4.]; gradients 7 per element
    assert isinstance(y_py, tf.Tensor) and y_py.dtype == tf.float32 and y_py.numpy() == 4.0
    assert isinstance(y_np, tf.Tensor) and y_np.numpy().tolist() == [4.0, 4.0]
    np.testing.assert_array_equal(tape.gradient(y_np, x).numpy(), [7.0, 7.0])
    # outside any tape as well
    assert isinstance(const_py(x), tf.Tensor) and isinstance(const_np(x), tf.Tensor)
