"""nn ops: values against NumPy formulas, stability at extreme logits, the
gradients TensorFlow gives at kinks, dropout's statistics and seeding, and
the errors for bad input.  Gradient checks run from tests/specs/nn.py."""
import math

import numpy as np
import pytest

import gradtape as tf

X = np.array([-3.0, -1.0, -0.25, 0.0, 0.5, 2.0, 7.0])


def _grad(f, x):
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x).numpy()


def _np_log_softmax(x, axis=-1):
    s = x - x.max(axis, keepdims=True)
    return s - np.log(np.exp(s).sum(axis, keepdims=True))


_ERF = np.vectorize(math.erf)


@pytest.mark.parametrize("fn,ref", [
    (tf.nn.relu6, lambda x: np.clip(x, 0, 6)),
    (tf.nn.leaky_relu, lambda x: np.where(x > 0, x, 0.2 * x)),
    (tf.nn.elu, lambda x: np.where(x > 0, x, np.expm1(x))),
    (tf.nn.selu, lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x))),
    (tf.nn.gelu, lambda x: 0.5 * x * (1 + _ERF(x / np.sqrt(2)))),
    (lambda x: tf.nn.gelu(x, approximate=True),
     lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))),
    (tf.nn.softsign, lambda x: x / (1 + np.abs(x))),
    (tf.nn.silu, lambda x: x / (1 + np.exp(-x))),
    (tf.nn.swish, lambda x: x / (1 + np.exp(-x))),
])
def test_activation_values_and_dtype(fn, ref):
    y = fn(tf.constant(X.astype(np.float32)))
    assert y.dtype == tf.float32
    np.testing.assert_allclose(y.numpy(), ref(X), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(fn(tf.constant(X)).numpy(), ref(X), rtol=1e-12, atol=1e-14)


def test_gradients_at_kinks_follow_tensorflow():
    x = np.array([0.0, 6.0, -1.0, 3.0])
    np.testing.assert_array_equal(_grad(tf.nn.relu6, x), [0.0, 0.0, 0.0, 1.0])
    np.testing.assert_allclose(_grad(tf.nn.leaky_relu, x), [0.2, 1.0, 0.2, 1.0])
    np.testing.assert_allclose(_grad(tf.nn.elu, x), [1.0, 1.0, np.exp(-1.0), 1.0])


def test_activation_rejects_integer_input():
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"Value for attr 'T' of int32 is not in the list.*\[Op:elu\]"):
        tf.nn.elu(tf.constant([1, 2]))  # TensorFlow accepts integers in relu6, not elu


def test_softmax_rows_sum_to_one_and_match_numpy():
    x = np.random.default_rng(0).normal(size=(4, 5)) * 10
    y = tf.nn.softmax(tf.constant(x)).numpy()
    np.testing.assert_allclose(y.sum(-1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(y, np.exp(_np_log_softmax(x)), rtol=1e-12)
    y0 = tf.nn.softmax(tf.constant(x), axis=0).numpy()
    np.testing.assert_allclose(y0.sum(0), 1.0, rtol=1e-12)


def test_log_softmax_stays_finite_at_large_logits():
    x = tf.constant([[1000.0, -1000.0, 0.0], [-1e30, 1e30, 0.0]])
    y = tf.nn.log_softmax(x).numpy()
    assert np.isfinite(y).all()
    np.testing.assert_allclose(y[0], [0.0, -2000.0, -1000.0])
    g = _grad(lambda t: tf.nn.log_softmax(t)[:, 0], [[1000.0, -1000.0, 0.0]])
    np.testing.assert_allclose(g, [[0.0, 0.0, 0.0]], atol=1e-6)


def test_softmax_rejects_scalar_and_bad_axis():
    with pytest.raises(tf.errors.InvalidArgumentError, match="softmax.*rank >= 1"):
        tf.nn.softmax(tf.constant(1.0))
    with pytest.raises(tf.errors.InvalidArgumentError, match="softmax: axis 2"):
        tf.nn.softmax(tf.zeros((2, 2)), axis=2)


def test_sparse_cross_entropy_at_extreme_logits():
    logits = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 0.0]])
    labels = np.array([1, 1])
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=tf.constant(logits))
    np.testing.assert_allclose(loss.numpy(), [2000.0, 0.0])
    g = _grad(lambda x: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=x),
              logits)
    np.testing.assert_allclose(g, [[1.0, -1.0, 0.0], [0.0, 0.0, 0.0]], atol=1e-12)


def test_sparse_cross_entropy_matches_numpy_and_tensorflow_example():
    logits = np.array([[2., -5., .5, -.1], [0., 0., 1.9, 1.4], [-100., 100., -100., -100.]],
                      np.float32)
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.constant([0, 3, 1]), logits=tf.constant(logits))
    assert loss.dtype == tf.float32
    np.testing.assert_allclose(loss.numpy(), [0.29750752, 1.1448325, 0.0], atol=1e-6)


def test_sparse_cross_entropy_errors():
    logits = tf.zeros((2, 3))
    with pytest.raises(tf.errors.InvalidArgumentError, match="label value of 3.*\\[0, 3\\)"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 3], logits=logits)
    with pytest.raises(tf.errors.InvalidArgumentError, match="label value of -1"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[-1, 0], logits=logits)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="swapped.*labels=\\.\\.\\., logits=\\.\\.\\."):
        tf.nn.sparse_softmax_cross_entropy_with_logits(logits, tf.constant([0, 1]))
    with pytest.raises(ValueError, match="labels.shape=\\(3,\\).*logits.shape=\\(2, 3\\)"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 1, 2], logits=logits)
    with pytest.raises(ValueError, match="both labels= and logits="):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=None, logits=logits)


def test_softmax_cross_entropy_values_and_gradients_for_both_inputs():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(3, 4))
    labels = rng.uniform(size=(3, 4))
    labels /= labels.sum(-1, keepdims=True)
    z, x = tf.constant(labels), tf.constant(logits)
    with tf.GradientTape() as tape:
        tape.watch([z, x])
        loss = tf.nn.softmax_cross_entropy_with_logits(labels=z, logits=x)
    gz, gx = tape.gradient(loss, [z, x])
    np.testing.assert_allclose(loss.numpy(), -(labels * _np_log_softmax(logits)).sum(-1))
    np.testing.assert_allclose(gz.numpy(), -_np_log_softmax(logits))
    np.testing.assert_allclose(gx.numpy(), np.exp(_np_log_softmax(logits)) - labels, atol=1e-12)


def test_softmax_cross_entropy_finite_at_extreme_logits():
    logits = tf.constant([[1000.0, -1000.0], [-1000.0, 1000.0]])
    labels = tf.constant([[0.0, 1.0], [0.0, 1.0]])
    loss = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    np.testing.assert_allclose(loss.numpy(), [2000.0, 0.0])
    g = _grad(lambda x: tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=x), logits)
    np.testing.assert_allclose(g, [[1.0, -1.0], [0.0, 0.0]])


def test_sigmoid_cross_entropy_stable_with_correct_gradient():
    x = np.array([-1000.0, -2.0, 0.0, 3.0, 1000.0])
    z = np.array([1.0, 0.0, 0.5, 1.0, 0.0])
    loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=tf.constant(x)).numpy()
    small = np.abs(x) < 50
    sig = 1 / (1 + np.exp(-np.where(small, x, 0.0)))
    ref = np.where(small, -z * np.log(sig) - (1 - z) * np.log1p(-sig), np.maximum(x, 0) - x * z)
    np.testing.assert_allclose(loss, ref, rtol=1e-12)
    g = _grad(lambda t: tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=t), x)
    np.testing.assert_allclose(g, [0.0, sig[1], 0.5, sig[3], 1.0] - z, atol=1e-12)
    with pytest.raises(ValueError, match="same shape"):
        tf.nn.sigmoid_cross_entropy_with_logits(labels=[1.0], logits=tf.zeros((2,)))
    with pytest.raises(ValueError, match="both labels= and logits="):
        tf.nn.sigmoid_cross_entropy_with_logits(logits=tf.zeros((2,)))


def test_l2_loss_and_moments_match_numpy():
    x = np.random.default_rng(2).normal(size=(5, 3))
    assert float(tf.nn.l2_loss(tf.constant(x))) == pytest.approx((x ** 2).sum() / 2)
    mean, var = tf.nn.moments(tf.constant(x), axes=[0])
    np.testing.assert_allclose(mean.numpy(), x.mean(0))
    np.testing.assert_allclose(var.numpy(), x.var(0))
    mean, var = tf.nn.moments(tf.constant(x), axes=[0, 1], keepdims=True)
    assert mean.shape == (1, 1) and float(var.numpy()[0, 0]) == pytest.approx(x.var())


def test_l2_normalize_unit_rows_and_zero_row_stays_finite():
    x = np.array([[3.0, 4.0], [0.0, 0.0]])
    y = tf.nn.l2_normalize(tf.constant(x), axis=1).numpy()
    np.testing.assert_allclose(y, [[0.6, 0.8], [0.0, 0.0]])
    g = _grad(lambda t: tf.nn.l2_normalize(t, axis=1), x)
    assert np.isfinite(g).all()
    assert tf.linalg.l2_normalize is tf.nn.l2_normalize


def test_dropout_scales_keeps_fraction_and_passes_gradient_through_mask():
    x = tf.ones((200, 100))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.dropout(x, rate=0.25, seed=5)
    g = tape.gradient(y, x).numpy()
    y = y.numpy()
    kept = y != 0
    np.testing.assert_allclose(y[kept], 1 / 0.75, rtol=1e-6)
    assert abs(kept.mean() - 0.75) < 0.02
    np.testing.assert_allclose(g, np.where(kept, 1 / 0.75, 0.0))


def test_dropout_reproducible_with_seeds():
    x = tf.ones((50,))
    try:
        tf.random.set_seed(7)
        a = tf.nn.dropout(x, 0.5).numpy()
        tf.random.set_seed(7)
        b = tf.nn.dropout(x, 0.5).numpy()
    finally:
        tf.random.set_seed(None)
    np.testing.assert_array_equal(a, b)
    assert 0 < (a == 0).sum() < 50
    # as TensorFlow: an op seed draws a new mask on each call, the same sequence
    # of masks after each set_seed
    try:
        tf.random.set_seed(7)
        first, second = (tf.nn.dropout(x, 0.5, seed=3).numpy() for _ in range(2))
        tf.random.set_seed(7)
        again = tf.nn.dropout(x, 0.5, seed=3).numpy()
    finally:
        tf.random.set_seed(None)
    assert (first != second).any()
    np.testing.assert_array_equal(first, again)


def test_dropout_noise_shape_and_errors():
    y = tf.nn.dropout(tf.ones((4, 300)), rate=0.5, noise_shape=[1, 300], seed=1).numpy()
    assert (y == y[0]).all() and 0 < (y[0] == 0).mean() < 1
    assert tf.nn.dropout(tf.constant([1.0, 2.0]), 0.0).numpy().tolist() == [1.0, 2.0]
    with pytest.raises(ValueError, match="rate must be a scalar in the range \\[0, 1\\), got 1"):
        tf.nn.dropout(tf.ones((2,)), 1.0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="noise_shape \\(3,\\)"):
        tf.nn.dropout(tf.ones((2,)), 0.5, noise_shape=[3])


def test_bias_add_formats_and_errors():
    v = np.arange(24.0).reshape(2, 3, 2, 2)
    b = np.array([1.0, 2.0, 3.0])
    out = tf.nn.bias_add(tf.constant(v), tf.constant(b), data_format="NCHW").numpy()
    np.testing.assert_allclose(out, v + b[:, None, None])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Must provide as many biases as "
                       r"the last dimension of the input tensor: \[3\] vs\. \[2,3,2,2\]"):
        tf.nn.bias_add(tf.constant(v), tf.constant(b))
    with pytest.raises(ValueError, match="bias must be 1-D"):
        tf.nn.bias_add(tf.zeros((2, 3)), tf.zeros((1, 3)))
