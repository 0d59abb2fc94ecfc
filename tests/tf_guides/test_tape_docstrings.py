"""The examples in TensorFlow's docstrings of tf.GradientTape, tf.autodiff.ForwardAccumulator,
tf.custom_gradient, tf.recompute_grad, tf.stop_gradient and tf.UnconnectedGradients, and
the cases around them; every expected value is TensorFlow 2.21's."""
import numpy as np
import pytest

import gradtape as tf


def _value(t):
    return None if t is None else float(t.numpy())


# --- tf.custom_gradient -------------------------------------------------------

@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_docstring_bar_and_log1pexp():
    @tf.custom_gradient
    def bar(x, y):
        def grad(upstream):
            return upstream * y, upstream * x
        return x * y, grad

    @tf.custom_gradient
    def log1pexp(x):
        e = tf.exp(x)
        def grad(upstream):
            return upstream * (1 - 1 / (1 + e))
        return tf.math.log(1 + e), grad

    x, y = tf.constant(2.0), tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, y])
        z = bar(x, y)
    # TensorFlow 2.21: 6.0, 3.0, 2.0
    assert [_value(z), _value(tape.gradient(z, x)), _value(tape.gradient(z, y))] == [6.0, 3.0, 2.0]
    big = tf.constant(100.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(big)
        naive = tf.math.log(1 + tf.exp(big))
        stable = log1pexp(big)
    # TensorFlow 2.21: the naive one is inf with a nan gradient, the custom one 1.0
    assert np.isinf(_value(naive)) and np.isnan(_value(tape.gradient(naive, big)))
    assert _value(tape.gradient(stable, big)) == 1.0


def test_docstring_linear_poly_with_variables():
    weights = tf.Variable(tf.ones([2]))

    @tf.custom_gradient
    def linear_poly(x):
        poly = weights[1] * x + weights[0]

        def grad_fn(dpoly, variables):
            assert len(variables) == 1 and variables[0] is weights
            dy_dw = dpoly * tf.stack([x ** 1, x ** 0])
            return dpoly * weights[1], [tf.reduce_sum(tf.reshape(dy_dw, [2, -1]), axis=1)]
        return poly, grad_fn

    x = tf.constant([1., 2., 3.])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        poly = linear_poly(x)
    # TensorFlow 2.21: [2, 3, 4], [1, 1, 1], [6, 3]
    assert poly.numpy().tolist() == [2.0, 3.0, 4.0]
    assert tape.gradient(poly, x).numpy().tolist() == [1.0, 1.0, 1.0]
    assert tape.gradient(poly, weights).numpy().tolist() == [6.0, 3.0]


w = tf.constant(3.0)


@tf.custom_gradient
def _times_w(x):
    """x * w with a gradient of 100 for x; w is captured, not an input."""
    return x * w, lambda dy: dy * 100.0


def test_a_captured_tensor_gets_no_gradient_when_the_tape_records_the_custom_op():
    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, w])
        y = _times_w(x)
    # TensorFlow 2.21: 100.0 and None
    assert _value(tape.gradient(y, x)) == 100.0
    assert tape.gradient(y, w) is None


def test_a_tape_tracking_no_input_differentiates_the_function_s_own_ops():
    # TensorFlow's tape does not record the custom op when it tracks none of
    # its inputs, and keeps the Identity of the function's own result instead
    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(w)
        y = _times_w(x)
    assert tape.gradient(y, x) is None   # TensorFlow 2.21: None
    assert _value(tape.gradient(y, w)) == 2.0   # TensorFlow 2.21: 2.0

    @tf.custom_gradient
    def g(x):
        return tf.exp(w) + x, lambda dy: dy * 100.0
    with tf.GradientTape() as tape:
        tape.watch(w)
        y = g(tf.constant(1.0))
    assert _value(tape.gradient(y, w)) == pytest.approx(20.085537)   # TensorFlow 2.21: 20.085537

    @tf.custom_gradient
    def two(x):
        return (x * w, w * w), lambda d1, d2: d1 * 100.0
    with tf.GradientTape() as tape:
        tape.watch(w)
        a, b = two(x)
    assert _value(tape.gradient([a, b], w)) == 8.0   # TensorFlow 2.21: 8.0

    xs = tf.constant([1.0, 2.0])

    @tf.custom_gradient
    def scaled(z):
        return z * xs, lambda dy: dy * 100.0
    with tf.GradientTape() as tape:
        tape.watch(xs)
        y = scaled(tf.constant([1.0, 1.0]))
    # TensorFlow 2.21: the identity
    assert tape.jacobian(y, xs).numpy().tolist() == [[1.0, 0.0], [0.0, 1.0]]


def test_an_outer_tape_that_does_not_track_the_input_sees_the_own_ops():
    x = tf.constant(2.0)
    with tf.GradientTape() as outer:
        outer.watch(w)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = _times_w(x)
        assert _value(inner.gradient(y, x)) == 100.0   # TensorFlow 2.21: 100.0
    assert _value(outer.gradient(y, w)) == 2.0   # TensorFlow 2.21: 2.0


def test_a_value_made_inside_the_function_gets_no_gradient():
    box = []

    @tf.custom_gradient
    def k(x):
        m = x * 2.0
        box.append(m)
        return m * m, lambda dy: dy * 100.0
    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = k(x)
    # TensorFlow 2.21: None and 100.0
    assert tape.gradient(y, box[0]) is None
    assert _value(tape.gradient(y, x)) == 100.0


def _first_and_second(fn, x, upstream=None):
    """fn's gradient at x from an inner tape, and an outer tape's gradient of it."""
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            y = fn(x)
        g = t1.gradient(y, x, output_gradients=None if upstream is None else upstream(x))
    return [_value(g), _value(t2.gradient(g, x))]


def test_nested_custom_gradients_of_the_docstring():
    x = tf.constant(2.0)

    @tf.custom_gradient
    def op(x):
        @tf.custom_gradient
        def grad_fn(dy):
            return dy * 3 * x ** 2, lambda ddy: ddy * 100.0
        return x ** 3, grad_fn

    # TensorFlow 2.21: 12.0 and 12.0 (the upstream seed is not on t2, so t2
    # differentiates grad_fn's own ops, not grad_grad_fn)
    assert _first_and_second(op, x) == [12.0, 12.0]
    # TensorFlow 2.21: 24.0 and 100.0 (now the upstream is on t2)
    assert _first_and_second(op, x, upstream=lambda x: x * 1.0) == [24.0, 100.0]

    @tf.custom_gradient
    def op_with_fused_backprop(x):
        x_grad = 3 * x ** 2

        def first_order_gradient(dy):
            @tf.custom_gradient
            def first_order_custom(unused_x):
                return x_grad, lambda ddy: ddy * 6 * x * 10
            return dy * first_order_custom(x)
        return x ** 3, first_order_gradient

    assert _first_and_second(op_with_fused_backprop, x) == [12.0, 120.0]   # TensorFlow 2.21


def test_grad_fn_runs_once_per_backward_pass(capsys):
    @tf.custom_gradient
    def f(a, b):
        def grad(dy):
            print("grad_fn called")
            return dy * b, dy * a
        return a * b, grad
    a, b = tf.constant(2.0), tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        z = f(a, b)
    assert [_value(g) for g in tape.gradient(z, [a, b])] == [3.0, 2.0]
    assert capsys.readouterr().out == "grad_fn called\n"   # TensorFlow 2.21: once


# --- tf.recompute_grad --------------------------------------------------------

def test_docstring_recompute_grad_runs_the_function_again_once(capsys):
    y = tf.Variable(1.0)

    def my_function(x):
        tf.print("running")
        return x * y
    my_function_recompute = tf.recompute_grad(my_function)
    with tf.GradientTape() as tape:
        r = tf.constant(1.0)
        for _ in range(4):
            r = my_function_recompute(r)
    assert capsys.readouterr().err == "running\n" * 4
    grad = tape.gradient(r, [y])
    # TensorFlow 2.21 prints "running" four times more, and the gradient is 4.0
    assert capsys.readouterr().err == "running\n" * 4
    assert _value(grad[0]) == 4.0
