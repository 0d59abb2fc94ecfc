"""selu's derivative at 0 is TensorFlow's (``scale``), ``squared_difference``
works on integers, and softmax cross-entropy casts the labels to the logits'
dtype, as TensorFlow does."""
import numpy as np

import gradtape as tf


def test_selu_derivative_at_zero_is_scale():
    x = tf.constant([-1.0, 0.0, 1.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.selu(x)
    # TensorFlow 2.21: [0.64676899, 1.05070102, 1.05070102]
    np.testing.assert_allclose(tape.gradient(y, x).numpy(),
                               [0.6467689871788025, 1.0507010221481323, 1.0507010221481323],
                               rtol=1e-6)


def test_selu_gradient_matches_finite_differences_away_from_zero():
    tf.testing.check_gradients(tf.nn.selu, [tf.constant([-1.5, -0.2, 0.3, 2.0], tf.float64)])


def test_squared_difference_on_integers():
    # TensorFlow 2.21: int32 [4, 9]; int64 [1, 9]
    got = tf.math.squared_difference(tf.constant([1, 5]), tf.constant([3, 2]))
    assert got.dtype == tf.int32 and got.numpy().tolist() == [4, 9]
    got = tf.math.squared_difference(tf.constant([1, 5], tf.int64), 2)
    assert got.dtype == tf.int64 and got.numpy().tolist() == [1, 9]


def test_softmax_cross_entropy_casts_labels_to_the_logits_dtype():
    logits = tf.constant([[1.0, 2.0, 0.5]])
    # TensorFlow 2.21: float32 [0.464369] for int32, float64 and list labels
    for labels in (tf.constant([[0, 1, 0]]), tf.constant([[0.0, 1.0, 0.0]], tf.float64),
                   [[0, 1, 0]]):
        got = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        assert got.dtype == tf.float32
        np.testing.assert_allclose(got.numpy(), [0.464369], rtol=1e-5)


def test_cast_labels_still_get_a_gradient():
    labels = tf.constant([[0.25, 0.75]], tf.float64)
    logits = tf.constant([[0.0, 0.0]])
    with tf.GradientTape() as tape:
        tape.watch(labels)
        y = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    g = tape.gradient(y, labels)
    # d/dlabels = -log_softmax(logits) = log 2 per entry, in the labels' dtype
    assert g.dtype == tf.float64
    np.testing.assert_allclose(g.numpy(), [[np.log(2.0)] * 2], rtol=1e-6)
