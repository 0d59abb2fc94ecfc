"""Tapes and accumulators nested all four ways, with TensorFlow's semantics:
a recorder sees the work of the recorders inside it, never of those outside."""
import numpy as np
import pytest

import gradtape as tf

ForwardAccumulator = tf.autodiff.ForwardAccumulator


def _mlp_problem(seed=0):
    rng = np.random.default_rng(seed)
    x = tf.constant(rng.standard_normal((6, 4)))
    labels = tf.constant(rng.standard_normal((6, 2)))
    params = [tf.Variable(rng.standard_normal((4, 5)) * 0.7, name="w1"),
              tf.Variable(rng.standard_normal(5) * 0.1, name="b1"),
              tf.Variable(rng.standard_normal((5, 2)) * 0.7, name="w2"),
              tf.Variable(rng.standard_normal(2) * 0.1, name="b2")]
    direction = [tf.constant(rng.standard_normal(p.shape)) for p in params]

    def loss():
        w1, b1, w2, b2 = params
        hidden = tf.tanh(x @ w1 + b1)
        out = tf.sigmoid(hidden @ w2 + b2)
        return tf.reduce_mean((out - labels) ** 2.0)
    return params, direction, loss


def _dot(a, b):
    return tf.add_n([tf.reduce_sum(p * q) for p, q in zip(a, b)])


def hvp_forward_over_reverse(params, v, loss):
    with ForwardAccumulator(params, v) as acc:
        with tf.GradientTape() as tape:
            value = loss()
        grads = tape.gradient(value, params)
    return acc.jvp(grads)


def hvp_reverse_over_reverse(params, v, loss):
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            value = loss()
        grads = inner.gradient(value, params)
        gv = _dot(grads, v)
    return outer.gradient(gv, params)


def hvp_reverse_over_forward(params, v, loss):
    with tf.GradientTape() as tape:
        with ForwardAccumulator(params, v) as acc:
            value = loss()
        directional = acc.jvp(value)
    return tape.gradient(directional, params)


def _numerical_hvp(params, v, loss, eps=1e-5):
    def grads_at(sign):
        for p, d in zip(params, v):
            p.assign_add(sign * eps * d.numpy())
        with tf.GradientTape() as tape:
            value = loss()
        g = [t.numpy() for t in tape.gradient(value, params)]
        for p, d in zip(params, v):
            p.assign_sub(sign * eps * d.numpy())
        return g
    return [(a - b) / (2 * eps) for a, b in zip(grads_at(1.0), grads_at(-1.0))]


def test_hvp_forward_over_reverse_equals_reverse_over_reverse_on_an_mlp():
    params, v, loss = _mlp_problem()
    fwd = hvp_forward_over_reverse(params, v, loss)
    rev = hvp_reverse_over_reverse(params, v, loss)
    rof = hvp_reverse_over_forward(params, v, loss)
    num = _numerical_hvp(params, v, loss)
    for f, r, m, n, p in zip(fwd, rev, rof, num, params):
        assert f.shape == p.shape and f.dtype == tf.float64
        np.testing.assert_allclose(f.numpy(), r.numpy(), rtol=1e-11, atol=1e-14)
        np.testing.assert_allclose(m.numpy(), r.numpy(), rtol=1e-11, atol=1e-14)
        np.testing.assert_allclose(f.numpy(), n, rtol=1e-5, atol=1e-8)


def test_hvp_is_linear_in_the_direction_and_symmetric():
    params, v, loss = _mlp_problem(1)
    _, u, _ = _mlp_problem(2)
    hv = hvp_forward_over_reverse(params, v, loss)
    hu = hvp_forward_over_reverse(params, u, loss)
    # <u, H v> == <v, H u>
    np.testing.assert_allclose(_dot(u, hv).numpy(), _dot(v, hu).numpy(), rtol=1e-10)


def test_tape_inside_tape():
    x = tf.Variable(1.0)
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            y = x * x * x
        dy_dx = t1.gradient(y, x)
    d2y_dx2 = t2.gradient(dy_dx, x)
    assert dy_dx.numpy() == 3.0 and d2y_dx2.numpy() == 6.0


def test_mixed_partials_forward_over_forward():
    x, y = tf.constant(0.7, tf.float64), tf.constant(-1.3, tf.float64)
    with ForwardAccumulator(x, tf.constant(1.0, tf.float64)) as outer:
        with ForwardAccumulator(y, tf.constant(1.0, tf.float64)) as inner:
            f = x * y * tf.sin(x)
        df_dy = inner.jvp(f)
    np.testing.assert_allclose(df_dy.numpy(), 0.7 * np.sin(0.7))
    np.testing.assert_allclose(outer.jvp(df_dy).numpy(), np.sin(0.7) + 0.7 * np.cos(0.7))


def test_inner_accumulator_does_not_see_outer_primals():
    x, y = tf.constant(2.0), tf.constant(3.0)
    with ForwardAccumulator(x, tf.constant(1.0)) as outer:
        with ForwardAccumulator(y, tf.constant(1.0)) as inner:
            z = x * 5.0
    assert inner.jvp(z) is None
    assert outer.jvp(z).numpy() == 5.0


def test_tape_inside_accumulator_ignores_the_accumulators_jvps():
    x = tf.constant(3.0)
    with ForwardAccumulator(x, tf.constant(1.0)) as acc:
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            y = x * x
            jvp = acc.jvp(y)
    assert jvp.numpy() == 6.0
    # the tape did not record the JVP computation 2 * x * tangent
    assert tape.gradient(jvp, x) is None
    assert tape.gradient(y, x).numpy() == 6.0


def test_accumulator_inside_tape_is_recorded_reverse_over_forward():
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        with ForwardAccumulator(x, tf.constant(1.0)) as acc:
            y = x * x * x
        jvp = acc.jvp(y)
    assert jvp.numpy() == 27.0
    assert tape.gradient(jvp, x).numpy() == 18.0


def test_accumulator_inside_accumulator_on_variables():
    v = tf.Variable([0.5, -1.0], dtype=tf.float64)
    t = tf.constant([1.0, 2.0], tf.float64)
    with ForwardAccumulator(v, t) as outer:
        with ForwardAccumulator(v, t) as inner:
            y = tf.reduce_sum(tf.exp(v))
        first = inner.jvp(y)
    np.testing.assert_allclose(first.numpy(), np.sum(np.exp([0.5, -1.0]) * [1.0, 2.0]))
    np.testing.assert_allclose(outer.jvp(first).numpy(),
                               np.sum(np.exp([0.5, -1.0]) * np.array([1.0, 2.0]) ** 2))


def test_three_levels_mixing_both_modes():
    x = tf.constant(0.4, tf.float64)
    one = tf.constant(1.0, tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        with ForwardAccumulator(x, one) as acc:
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = tf.sin(x) * x
            g = inner.gradient(y, x)  # cos(x) x + sin(x)
        h = acc.jvp(g)  # -sin(x) x + 2 cos(x)
    third = tape.gradient(h, x)  # -cos(x) x - 3 sin(x)
    np.testing.assert_allclose(h.numpy(), -np.sin(0.4) * 0.4 + 2 * np.cos(0.4))
    np.testing.assert_allclose(third.numpy(), -np.cos(0.4) * 0.4 - 3 * np.sin(0.4))


@pytest.mark.parametrize("inner_persistent", [False, True])
def test_forward_over_reverse_with_jacobian_inside(inner_persistent):
    x = tf.constant(np.array([0.3, -0.8, 1.1]))
    u = tf.constant(np.array([1.0, 0.5, -2.0]))
    with ForwardAccumulator(x, u) as acc:
        with tf.GradientTape(persistent=inner_persistent) as tape:
            tape.watch(x)
            y = tf.tanh(x) * tf.reduce_sum(x * x)
        jac = tape.jacobian(y, x)
    xv, uv = x.numpy(), u.numpy()

    def jacobian_at(p):
        s = np.sum(p * p)
        return np.diag((1 - np.tanh(p) ** 2) * s) + 2 * np.outer(np.tanh(p), p)
    eps = 1e-6
    expected = (jacobian_at(xv + eps * uv) - jacobian_at(xv - eps * uv)) / (2 * eps)
    np.testing.assert_allclose(acc.jvp(jac).numpy(), expected, rtol=1e-6, atol=1e-8)
