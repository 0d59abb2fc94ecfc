"""Which sources get a gradient: only those the tape watched (or computed from
something it watched), as in TensorFlow.

An unwatched constant, a non-trainable Variable, a Variable under
``watch_accessed_variables=False``, a value computed off the tape, the output
of ``stop_gradient`` or of an op fed only by such values gets None, even when
it is an input of a recorded op.  Each scenario returns its gradients as plain
lists; ``EXPECTED`` holds what TensorFlow 2.21 returns for the same code.
"""
import warnings

import pytest

import gradtape


def _unwatched_constant(tf):
    x, y = tf.constant(2.0), tf.constant(3.0)
    with tf.GradientTape(persistent=True) as t:
        t.watch(y)
        z = x * y
    return [t.gradient(z, x), *t.gradient(z, [x, y]), t.gradient(z, y),
            t.gradient(z, x, unconnected_gradients="zero")]


def _unwatched_constant_non_persistent(tf):
    x, y = tf.constant(2.0), tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(y)
        z = tf.sin(x) * y
    return [t.gradient(z, x)]


def _non_trainable_variable(tf):
    v, w = tf.Variable(2.0, trainable=False), tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as t:
        z = v * w
    return [t.gradient(z, v), *t.gradient(z, [v, w])]


def _non_trainable_variable_watched(tf):
    v = tf.Variable(2.0, trainable=False)
    with tf.GradientTape() as t:
        t.watch(v)
        z = v * v
    return [t.gradient(z, v)]


def _no_auto_watch(tf):
    w = tf.Variable(3.0)
    y = tf.constant(4.0)
    with tf.GradientTape(watch_accessed_variables=False, persistent=True) as t:
        t.watch(y)
        z = w * y * w
    return [t.gradient(z, w), *t.gradient(z, [w, y])]


def _no_auto_watch_then_watch(tf):
    w, u = tf.Variable(3.0), tf.Variable(5.0)
    with tf.GradientTape(watch_accessed_variables=False) as t:
        t.watch(w)
        z = w * u
    return t.gradient(z, [w, u])


def _computed_before_the_tape(tf):
    x, y = tf.constant(2.0), tf.constant(3.0)
    w = tf.Variable(1.5)
    a = x * x
    b = w * 2.0
    with tf.GradientTape() as t:
        t.watch(y)
        z = a * y + b * y
    return t.gradient(z, [a, b, w, y])


def _untracked_intermediate(tf):
    x, y = tf.constant(2.0), tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(y)
        b = x * 2.0
        z = b * y
    return t.gradient(z, [b, x, y])


def _tracked_intermediate(tf):
    x, y = tf.constant(2.0), tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
        c = x * 2.0
        z = c * y
    return t.gradient(z, [c, x, y])


def _after_argmax(tf):
    x, y = tf.constant(2.0), tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
        tf.argmax(tf.stack([x, y]))
        z = x * y
    return t.gradient(z, [x, y])


def _after_comparison_feeding_where(tf):
    x, y = tf.constant(2.0), tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
        r = tf.where(x > 0.0, y, 0.0)
        z = r * y
    return t.gradient(z, [x, y, r])


def _after_is_finite(tf):
    x, y = tf.constant(2.5), tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
        r = tf.where(tf.math.is_finite(x), 1.0, 0.0)
        z = r * y
    return t.gradient(z, [x, y, r])


def _round_starts_anew(tf):
    x, y = tf.constant(2.5), tf.constant(3.0)
    with tf.GradientTape(persistent=True) as t:
        t.watch(x)
        r = tf.round(x)
        f = tf.floor(x)
        z = r * y + f * f
    return [*t.gradient(z, [x, y, r, f])]


def _stop_gradient_output(tf):
    x, y = tf.constant(2.5), tf.constant(3.0)
    with tf.GradientTape(persistent=True) as t:
        t.watch(x)
        r = tf.stop_gradient(x)
        s = r * 2.0
        z = r * y + s
    return [*t.gradient(z, [x, y, r, s]),
            *t.gradient(z, [x, y, r, s], unconnected_gradients="zero")]


def _integer_variable_cast(tf):
    i = tf.Variable(2)
    y = tf.constant(3.0)
    with tf.GradientTape() as t:
        c = tf.cast(i, tf.float32)
        z = c * y
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return t.gradient(z, [c, y])


def _jacobian_of_unwatched(tf):
    x, y = tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])
    with tf.GradientTape(persistent=True) as t:
        t.watch(y)
        z = x * y
    return [t.jacobian(z, x), t.jacobian(z, y),
            t.jacobian(z, x, unconnected_gradients="zero")]


def _batch_jacobian_of_unwatched(tf):
    x, y = tf.constant([[1.0], [2.0]]), tf.constant([[3.0], [4.0]])
    with tf.GradientTape(persistent=True) as t:
        t.watch(y)
        z = x * y
    return [t.batch_jacobian(z, x), t.batch_jacobian(z, y)]


def _inner_tape_watches_nothing(tf):
    x = tf.constant(2.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            z = x * x * x
        g = inner.gradient(z, x)
    return [g, outer.gradient(z, x)]


def _second_order_of_unwatched(tf):
    x, y = tf.constant(2.0), tf.constant(3.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            z = x * x * y
        g = inner.gradient(z, x)
    return outer.gradient(g, [x, y])


def _target_is_source(tf):
    x = tf.constant(2.0)
    with tf.GradientTape() as t:
        z = x * 2.0
    return t.gradient([z, x], [z, x])


SCENARIOS = [_unwatched_constant, _unwatched_constant_non_persistent, _non_trainable_variable,
             _non_trainable_variable_watched, _no_auto_watch, _no_auto_watch_then_watch,
             _computed_before_the_tape, _untracked_intermediate, _tracked_intermediate,
             _after_argmax, _after_comparison_feeding_where, _after_is_finite,
             _round_starts_anew, _stop_gradient_output, _integer_variable_cast,
             _jacobian_of_unwatched, _batch_jacobian_of_unwatched, _inner_tape_watches_nothing,
             _second_order_of_unwatched, _target_is_source]


def as_lists(grads):
    """Gradients as plain Python values (None stays None)."""
    return [None if g is None else g.numpy().tolist() for g in grads]


# TensorFlow 2.21's answers to the scenarios above
EXPECTED = {
    "unwatched_constant": [None, None, 2.0, 2.0, 0.0],
    "unwatched_constant_non_persistent": [None],
    "non_trainable_variable": [None, None, 2.0],
    "non_trainable_variable_watched": [4.0],
    "no_auto_watch": [None, None, 9.0],
    "no_auto_watch_then_watch": [5.0, None],
    "computed_before_the_tape": [None, None, None, 7.0],
    "untracked_intermediate": [None, None, 4.0],
    "tracked_intermediate": [3.0, 6.0, None],
    "after_argmax": [3.0, None],
    "after_comparison_feeding_where": [None, None, None],
    "after_is_finite": [None, None, None],
    "round_starts_anew": [None, None, 3.0, 4.0],
    "stop_gradient_output": [None, None, None, None, 0.0, 0.0, 0.0, 0.0],
    "integer_variable_cast": [None, None],
    "jacobian_of_unwatched": [None, [[1.0, 0.0], [0.0, 2.0]], [[0.0, 0.0], [0.0, 0.0]]],
    "batch_jacobian_of_unwatched": [[[[0.0]], [[0.0]]], [[[1.0]], [[2.0]]]],
    "inner_tape_watches_nothing": [None, 12.0],
    "second_order_of_unwatched": [6.0, None],
    "target_is_source": [1.0, 1.0],
}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__.strip("_"))
def test_gradient_reaches_a_source_only_as_tensorflow_does(scenario):
    assert as_lists(scenario(gradtape)) == EXPECTED[scenario.__name__.strip("_")]
