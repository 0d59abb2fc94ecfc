"""sqrt, rsqrt and reciprocal VJPs give 0 where the incoming cotangent is 0
(TensorFlow's SqrtGrad, RsqrtGrad, ReciprocalGrad kernels), so
``tf.where(x > 0, tf.sqrt(x), 0.)`` has gradient 0 at 0; a NaN cotangent
still gives NaN, and a direct gradient at 0 is still infinite."""
import numpy as np
import pytest

import gradtape as tf

# TensorFlow 2.21 at x = [0, 4, -1]: the where form, the plain sum, and a
# cotangent of [0, 1, nan]
EXPECTED = {
    "sqrt": ([0.0, 0.25, 0.0], [np.inf, 0.25, np.nan], [0.0, 0.25, np.nan]),
    "rsqrt": ([0.0, -0.0625, 0.0], [-np.inf, -0.0625, np.nan], [0.0, -0.0625, np.nan]),
    "reciprocal": ([0.0, -0.0625, 0.0], [-np.inf, -0.0625, -1.0], [0.0, -0.0625, np.nan]),
}
OPS = {"sqrt": tf.sqrt, "rsqrt": tf.math.rsqrt, "reciprocal": tf.math.reciprocal}


@pytest.mark.parametrize("name", sorted(OPS))
def test_zero_cotangent_gives_zero(name):
    f = OPS[name]
    x = tf.constant([0.0, 4.0, -1.0])
    with np.errstate(all="ignore"):
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            selected = tf.reduce_sum(tf.where(x > 0.0, f(x), 0.0))
            plain = tf.reduce_sum(f(x))
            weighted = tf.reduce_sum(f(x) * tf.constant([0.0, 1.0, np.nan]))
        got = [tape.gradient(y, x).numpy() for y in (selected, plain, weighted)]
    for g, want in zip(got, EXPECTED[name]):
        np.testing.assert_array_equal(g, np.array(want, np.float32))


@pytest.mark.parametrize("name", sorted(OPS))
def test_gradients_away_from_zero_match_finite_differences(name):
    x = tf.constant([0.5, 1.5, 3.0], tf.float64)
    tf.testing.check_gradients(OPS[name], [x])
