"""recompute_grad takes list, tuple and dict arguments whose tensors have
different shapes, and gives the gradients of the plain function (TF does)."""
import numpy as np

import gradtape as tf


def _block(xs, d):
    return tf.reduce_sum(xs[0] * xs[0]) * d["k"][0, 0] + d["c"]


def test_nested_arguments_of_different_shapes():
    a, b, c = tf.constant([1.0, 2.0]), tf.constant([[3.0]]), tf.constant(0.5)
    got = {}
    for name, fn in [("plain", _block), ("recompute", tf.recompute_grad(_block))]:
        with tf.GradientTape() as tape:
            tape.watch([a, b, c])
            y = fn([a, a * 2.0], {"k": b, "c": c})
        got[name] = [y.numpy()] + [g.numpy() for g in tape.gradient(y, [a, b, c])]
    # TensorFlow 2.21 (both): y 15.5; gradients [6, 12], [[5]], 1
    for name in got:
        y, ga, gb, gc = got[name]
        assert y == 15.5 and gc == 1.0
        np.testing.assert_array_equal(ga, [6.0, 12.0])
        np.testing.assert_array_equal(gb, [[5.0]])


def test_nested_arguments_in_forward_mode():
    a, b = tf.constant([1.0, 2.0]), tf.constant(3.0)
    fn = tf.recompute_grad(lambda pair: tf.reduce_sum(pair[0] * pair[1]))
    with tf.autodiff.ForwardAccumulator([a, b], [tf.constant([1.0, 0.0]), tf.constant(1.0)]) as acc:
        y = fn((a, b))
    # d/da . [1, 0] = b = 3, d/db . 1 = sum(a) = 3
    assert acc.jvp(y).numpy() == 6.0
