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


def test_inside_a_function_a_captured_tensor_gets_none_as_in_graph_mode():
    c = tf.constant(2.0)

    @tf.custom_gradient
    def g(x):
        return x * c, lambda dy: dy * 100.0

    @tf.function
    def step(x):
        with tf.GradientTape(persistent=True) as t:
            t.watch([x, c])
            z = g(x)
            zz = g(tf.constant(1.0))
        return t.gradient(z, [x, c]), t.gradient(zz, c)

    for _ in range(2):   # traced, then replayed
        (dx, dc), dcc = step(tf.constant(2.0))
        # TensorFlow 2.21's tf.function: 100.0, None, None (eagerly the last is 1.0)
        assert (_value(dx), dc, dcc) == (100.0, None, None)


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


# --- tf.GradientTape ----------------------------------------------------------

def test_docstring_class_examples():
    x = tf.constant(3.0)
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
    assert str(g.gradient(y, x)) == "tf.Tensor(6.0, shape=(), dtype=float32)"   # TensorFlow 2.21
    x = tf.constant(5.0)
    with tf.GradientTape() as g:
        g.watch(x)
        with tf.GradientTape() as gg:
            gg.watch(x)
            y = x * x
        dy_dx = gg.gradient(y, x)
    assert [_value(dy_dx), _value(g.gradient(dy_dx, x))] == [10.0, 2.0]   # TensorFlow 2.21
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as g:
        g.watch(x)
        y = x * x
        z = y * y
    assert [_value(g.gradient(z, x)), _value(g.gradient(y, x))] == [108.0, 6.0]
    x, w = tf.Variable(2.0), tf.Variable(5.0)
    with tf.GradientTape(watch_accessed_variables=False, persistent=True) as tape:
        tape.watch(x)
        y = x ** 2
        z = w ** 3
    assert _value(tape.gradient(y, x)) == 4.0 and tape.gradient(z, w) is None


def test_docstring_unbuilt_layers_get_no_gradients():
    a, b = tf.keras.layers.Dense(3), tf.keras.layers.Dense(3)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(a.variables)   # empty: a is not built yet
        result = b(a(tf.ones((2, 4))))
        # TensorFlow 2.21: [None, None] (asked inside the context)
        assert tape.gradient(result, a.variables) == [None, None]


def test_docstring_jacobian_and_batch_jacobian():
    with tf.GradientTape() as g:
        x = tf.constant([1.0, 2.0])
        g.watch(x)
        y = x * x
    assert g.jacobian(y, x).numpy().tolist() == [[2.0, 0.0], [0.0, 4.0]]   # TensorFlow 2.21
    with tf.GradientTape() as g:
        x = tf.constant([[1., 2.], [3., 4.]], dtype=tf.float32)
        g.watch(x)
        y = x * x
    assert g.batch_jacobian(y, x).numpy().tolist() == [[[2, 0], [0, 4]], [[6, 0], [0, 8]]]


def test_jacobian_arguments_and_errors():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * x
    with pytest.raises(RuntimeError, match="persistent=True"):   # TensorFlow 2.21's class
        g.jacobian(y, x, experimental_use_pfor=False)
    x2 = tf.constant([[1., 2.], [3., 4.]])
    with tf.GradientTape(persistent=True) as g:
        g.watch(x2)
        y = x2[:1] * 2
        doubled = x2 * 2
    with pytest.raises(ValueError):   # TensorFlow 2.21: the first dimensions differ
        g.batch_jacobian(y, x2)
    with pytest.raises(ValueError):   # TensorFlow 2.21: rank 1
        g.batch_jacobian(tf.reduce_sum(x2, axis=1), x2)
    assert g.jacobian(doubled, x2, experimental_use_pfor=False).shape == (2, 2, 2, 2)
    assert g.batch_jacobian(doubled, x2, experimental_use_pfor=False).numpy().tolist() == [
        [[2.0, 0.0], [0.0, 2.0]], [[2.0, 0.0], [0.0, 2.0]]]
    unconnected = g.batch_jacobian(doubled, tf.constant([[1.0], [2.0]]),
                                   unconnected_gradients=tf.UnconnectedGradients.ZERO)
    assert unconnected.numpy().tolist() == [[[0.0], [0.0]], [[0.0], [0.0]]]   # TensorFlow 2.21


def test_watch_errors_and_stop_recording_errors():
    with tf.GradientTape() as g:
        for bad in (1.0, np.array([1.0]), "a", None):
            with pytest.raises(ValueError, match="not tf.Tensor or tf.Variable"):   # TensorFlow 2.21
                g.watch(bad)
    with pytest.raises(RuntimeError, match="Trying to stop recording a tape which is not recording"):
        with tf.GradientTape().stop_recording():
            pass
    with tf.GradientTape() as tape:
        with tape.stop_recording():
            with pytest.raises(ValueError, match="Tape is not recording"):
                with tape.stop_recording():
                    pass
    x = tf.constant(4.0)
    with tf.GradientTape() as tape:
        with tape.stop_recording():
            y = x ** 2
    assert tape.gradient(y, x) is None   # TensorFlow 2.21


def test_docstring_reset_is_a_new_tape():
    x = tf.Variable(1.0)
    with tf.GradientTape() as t:
        loss = x * 2
        t.reset()
        loss += x * 3
    assert _value(t.gradient(loss, x)) == 3.0   # TensorFlow 2.21: only the second part
    with pytest.raises(ValueError, match="Tape is not recording"):
        tf.GradientTape().reset()


def test_a_gradient_taken_while_recording_is_stopped():
    # TensorFlow 2.21: the gradient is computed, and the tape that resumes is a new one
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * 2
        with g.stop_recording():
            assert g.gradient(y, x).numpy().tolist() == [2.0, 2.0]
            with pytest.raises(RuntimeError, match="non-persistent"):
                g.gradient(y, x)
        z = x * 3
        w = y * x
    assert g.gradient(z, x) is None   # x is not watched by the new tape
    with pytest.raises(RuntimeError, match="non-persistent"):
        g.gradient(w, x)
    with tf.GradientTape() as g:
        g.watch(x)
        y = x * 2
        with g.stop_recording():
            assert g.jacobian(y, x).numpy().tolist() == [[2.0, 0.0], [0.0, 2.0]]
        g.watch(x)
        z = x * 5
    assert g.gradient(z, x).numpy().tolist() == [5.0, 5.0]
    assert g.watched_variables() == ()


# --- tf.autodiff.ForwardAccumulator --------------------------------------------

def test_docstring_forward_accumulator_linear_regression():
    x = tf.constant([[2.0, 3.0], [1.0, 4.0]])
    targets = tf.constant([[1.], [-1.]])
    dense = tf.keras.layers.Dense(1)
    dense.build([None, 2])
    dense.kernel.assign([[0.5], [-0.3]])
    loss_fn = lambda: tf.reduce_sum((dense(x) - targets) ** 2.)
    kernel_fprop = []
    with tf.autodiff.ForwardAccumulator(dense.kernel, tf.constant([[1.], [0.]])) as acc:
        kernel_fprop.append(acc.jvp(loss_fn()))
    with tf.autodiff.ForwardAccumulator(dense.kernel, tf.constant([[0.], [1.]])) as acc:
        kernel_fprop.append(acc.jvp(loss_fn()))
    with tf.autodiff.ForwardAccumulator(dense.bias, tf.constant([1.])) as acc:
        bias_fprop = acc.jvp(loss_fn())
    with tf.GradientTape() as tape:
        loss = loss_fn()
    kernel_grad, bias_grad = tape.gradient(loss, (dense.kernel, dense.bias))
    np.testing.assert_allclose(kernel_grad, tf.stack(kernel_fprop)[:, tf.newaxis])
    np.testing.assert_allclose(bias_grad, bias_fprop[tf.newaxis])
    # residuals [-0.9, 0.3]: 2 * (-0.9 * [2, 3] + 0.3 * [1, 4]) and 2 * (-0.9 + 0.3)
    np.testing.assert_allclose(kernel_grad.numpy().ravel(), [-3.0, -3.0], rtol=1e-6)
    np.testing.assert_allclose(bias_grad.numpy(), [-1.2], rtol=1e-6)


def test_docstring_forward_accumulator_nesting():
    primal = tf.constant(1.1)
    with tf.autodiff.ForwardAccumulator(primal, tf.constant(1.)) as outer:
        with tf.autodiff.ForwardAccumulator(primal, tf.constant(1.)) as inner:
            primal_out = primal ** tf.constant(3.5)
    inner_jvp = inner.jvp(primal_out)
    # TensorFlow 2.21: 4.4417057, 10.094786, and None the other way round
    assert inner_jvp.numpy() == np.float32(4.4417057)
    assert outer.jvp(inner_jvp).numpy() == np.float32(10.094786)
    assert inner.jvp(outer.jvp(primal_out)) is None
    v = tf.Variable([1., 2.])
    with tf.autodiff.ForwardAccumulator(v, tf.constant([1., 0.])) as acc:
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(v ** 3.)
        backward = tape.gradient(y, v)
    assert backward.numpy().tolist() == [3.0, 12.0]   # TensorFlow 2.21
    assert acc.jvp(backward).numpy().tolist() == [6.0, 0.0]


def test_forward_accumulator_errors_and_unconnected():
    x = tf.constant([1.0, 2.0])
    with pytest.raises(ValueError, match="specified as a primal multiple times"):   # TensorFlow 2.21
        tf.autodiff.ForwardAccumulator([x, x], [tf.constant([1.0, 0.0])] * 2)
    with pytest.raises(ValueError, match="requested dtype float32 for Tensor with dtype int32"):
        tf.autodiff.ForwardAccumulator(x, tf.constant([1, 0]))
    with pytest.raises(ValueError, match="same nested structure"):
        tf.autodiff.ForwardAccumulator([x], tf.constant([1.0, 0.0]))
    with tf.autodiff.ForwardAccumulator(x, tf.constant([1.0, 0.0])) as acc:
        y = x * 2
        z = tf.constant(3.0) * 2
    # TensorFlow 2.21: None, 0.0, and [[2, 0], {'a': 0.0}]
    assert acc.jvp(z) is None
    assert _value(acc.jvp(z, unconnected_gradients=tf.UnconnectedGradients.ZERO)) == 0.0
    got = acc.jvp([y, {'a': z}], unconnected_gradients='zero')
    assert got[0].numpy().tolist() == [2.0, 0.0] and _value(got[1]['a']) == 0.0
    with pytest.raises(ValueError, match="'bogus' is not a valid UnconnectedGradients"):
        acc.jvp(y, unconnected_gradients='bogus')


# --- tf.stop_gradient and tf.UnconnectedGradients -------------------------------

@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_docstring_stable_softmax():
    def softmax(x):
        numerator = tf.exp(x)
        return numerator / tf.reduce_sum(numerator)

    def stable_softmax(x):
        z = x - tf.stop_gradient(tf.reduce_max(x))
        numerator = tf.exp(z)
        return numerator / tf.reduce_sum(numerator)

    x = tf.constant([1000.0, 1000.0, 999.0])
    with tf.GradientTape(persistent=True) as t:
        t.watch(x)
        a = softmax(x)
        b = stable_softmax(x)
        lb = b[0] * 2.0 + b[2]
    # TensorFlow 2.21: nan for the naive one; the stable one and its gradient
    assert np.isnan(a.numpy()).all()
    np.testing.assert_allclose(b.numpy(), [0.42231882, 0.42231882, 0.15536241], rtol=1e-6)
    np.testing.assert_allclose(t.gradient(lb, x).numpy(), [0.42231882, -0.42231882, 0.0],
                               rtol=1e-6, atol=1e-7)


def test_unconnected_gradients_values():
    u = tf.UnconnectedGradients
    assert [m.value for m in u] == ["none", "zero"] and u("zero") is u.ZERO   # TensorFlow 2.21
    x, y = tf.Variable([2., 2.]), tf.Variable(3.)
    with tf.GradientTape(persistent=True) as tape:
        z = y**2
    assert tape.gradient(z, x, unconnected_gradients='none') is None
    assert tape.gradient(z, x, unconnected_gradients=u.ZERO).numpy().tolist() == [0.0, 0.0]
    assert tape.jacobian(z, x, unconnected_gradients=u.ZERO).numpy().tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match="Unknown value for unconnected_gradients: 'ZERO'"):
        tape.gradient(z, x, unconnected_gradients='ZERO')


def test_recompute_grad_gives_zeros_for_what_the_function_does_not_use():
    # TensorFlow's recompute_grad asks its inner tape for UnconnectedGradients.ZERO
    x, b, var, unused = tf.constant([1.0, 2.0]), tf.constant(5.0), tf.Variable(3.0), tf.Variable(4.0)

    def g(a, c):
        _ = unused * 1.0
        return a * var
    f = tf.recompute_grad(g)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, b])
        y = f(x, b)
    dx, db, dvar, dunused = tape.gradient(y, [x, b, var, unused])
    # TensorFlow 2.21: [3, 3], 0.0, 3.0, 0.0
    assert (dx.numpy().tolist(), _value(db), _value(dvar), _value(dunused)) == (
        [3.0, 3.0], 0.0, 3.0, 0.0)
    assert tape.jacobian(y, b).numpy().tolist() == [0.0, 0.0]   # TensorFlow 2.21
    stopped = tf.recompute_grad(lambda a: tf.stop_gradient(a) * 2)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = stopped(x)
    assert tape.gradient(y, x).numpy().tolist() == [0.0, 0.0]   # TensorFlow 2.21


def test_recompute_grad_converts_a_python_number():
    x = tf.constant(1.0)
    three = tf.recompute_grad(lambda a: 3.0)
    # TensorFlow 2.21: tf.Tensor(3.0, shape=(), dtype=float32), with or without a tape
    assert str(three(x)) == "tf.Tensor(3.0, shape=(), dtype=float32)"
    with tf.GradientTape() as tape:
        tape.watch(x)
        assert str(three(x)) == "tf.Tensor(3.0, shape=(), dtype=float32)"
