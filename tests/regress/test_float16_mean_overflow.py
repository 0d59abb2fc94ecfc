"""Bug: ``reduce_mean`` and ``reduce_logsumexp`` of float16 tensors summed in
float16, so the mean of 100,000 ones was inf (the sum passes float16's
maximum, 65504) and so was the log-sum-exp of 100,000 zeros (log 1e5 = 11.5).
They now accumulate in float32 and return float16.  The gradient of the mean
divided by the count cast to float16 (inf for 70,000 elements), giving 0; it
now multiplies by 1/count, which float16 holds."""
import numpy as np

import gradtape as tf


def test_mean_of_many_float16_values():
    out = tf.reduce_mean(tf.ones((100_000,), tf.float16))
    assert out.dtype == tf.float16 and out.numpy() == 1.0
    rows = tf.reduce_mean(tf.fill([3, 70_000], tf.constant(0.5, tf.float16)), axis=1)
    np.testing.assert_array_equal(rows.numpy(), np.full(3, 0.5, np.float16))


def test_logsumexp_of_many_float16_values():
    out = tf.reduce_logsumexp(tf.zeros((100_000,), tf.float16))
    assert out.dtype == tf.float16
    np.testing.assert_allclose(float(out), np.log(1e5), rtol=1e-3)


def test_float16_mean_gradient_keeps_its_dtype():
    x = tf.ones((70_000,), tf.float16)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_mean(x)
    g = tape.gradient(y, x)
    assert g.dtype == tf.float16 and np.all(g.numpy() == np.float16(1 / 70_000))
