"""Linear algebra matches TensorFlow 2.21: values, gradients (first and second
order), NaN/inf where TensorFlow gives them, and error classes.  Every
expected number below is TensorFlow 2.21's, recorded from the same program."""
import warnings

import numpy as np
import pytest

import gradtape as tf


def _grads(f, *values, order=1):
    """``f``'s value, its gradient, and (``order=2``) the gradient of
    ``sum(gradient**2)`` with respect to the first input."""
    xs = [tf.constant(v) for v in values]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NaN and inf are the point here
        with tf.GradientTape(persistent=True) as outer:
            outer.watch(xs)
            with tf.GradientTape() as inner:
                inner.watch(xs)
                y = f(*xs)
            grads = inner.gradient(y, xs)
            square = tf.reduce_sum(grads[0] * grads[0])
        second = outer.gradient(square, xs)[0] if order == 2 else None
    return y.numpy(), [g.numpy() for g in grads], None if second is None else second.numpy()


# --- tf.norm: TensorFlow's sqrt(reduce_sum(x * x)) -------------------------

def test_euclidean_norm_gradient_at_zero_is_nan():
    # TensorFlow 2.21: [[nan, nan], [0.6, 0.8]]; second order nan on the zero row
    x = np.array([[0.0, 0.0], [3.0, 4.0]], np.float32)
    y, (g,), g2 = _grads(lambda x: tf.norm(x, axis=1), x, order=2)
    np.testing.assert_allclose(y, [0.0, 5.0])
    np.testing.assert_allclose(g, [[np.nan, np.nan], [0.6, 0.8]], rtol=1e-6)
    assert np.isnan(g2[0]).all() and np.isfinite(g2[1]).all()


def test_euclidean_norm_gradient_where_squares_underflow_is_inf():
    # TensorFlow 2.21: norm 0.0, gradient [inf, inf] (x * x underflows in float32)
    y, (g,), _ = _grads(tf.norm, np.array([1e-30, 1e-30], np.float32))
    assert y == 0.0
    np.testing.assert_array_equal(g, [np.inf, np.inf])


def test_frobenius_norm_gradient_at_zero_is_nan():
    # TensorFlow 2.21: all nan
    _, (g,), _ = _grads(lambda x: tf.norm(x, ord="fro", axis=[0, 1]), np.zeros((2, 2)))
    assert np.isnan(g).all()


# --- the spectral norm: TensorFlow's reduce_max(abs(svd values)) ----------

def test_spectral_norm_splits_the_gradient_between_equal_singular_values():
    # TensorFlow 2.21: value 1.0, gradient [[0.5, 0], [0, 0.5]], second order zeros
    y, (g,), g2 = _grads(lambda x: tf.norm(x, ord=2, axis=[0, 1]), np.eye(2), order=2)
    assert y == 1.0
    np.testing.assert_allclose(g, [[0.5, 0.0], [0.0, 0.5]], atol=1e-12)
    np.testing.assert_allclose(g2, np.zeros((2, 2)), atol=1e-12)


def test_spectral_norm_gradient_at_zero_is_zero():
    # TensorFlow 2.21: [[0, 0], [0, 0]] (abs has gradient 0 at 0)
    _, (g,), _ = _grads(lambda x: tf.norm(x, ord=2, axis=[0, 1]), np.zeros((2, 2)))
    np.testing.assert_array_equal(g, np.zeros((2, 2)))


def test_spectral_norm_has_a_second_derivative():
    # TensorFlow 2.21: 4.319596107466321, gradient below, second order ~1e-17 (zero)
    x = np.array([[3.0, -3.0], [1.0, 2.0]])
    y, (g,), g2 = _grads(lambda x: tf.norm(x, ord=2, axis=[0, 1]), x, order=2)
    np.testing.assert_allclose(y, 4.319596107466321, rtol=1e-12)
    np.testing.assert_allclose(g, [[0.6140412024714944, -0.7595611192771703],
                                   [-0.1348660717227458, 0.16682760697153617]], rtol=1e-9)
    np.testing.assert_allclose(g2, np.zeros((2, 2)), atol=1e-12)


# --- svd: TensorFlow's rules, finite at repeated and zero singular values --

def test_singular_values_gradient_at_repeated_values():
    # TensorFlow 2.21: u @ diag(ct) @ v^T = diag(1, 2, 3); second order zeros
    def f(x):
        return tf.reduce_sum(tf.linalg.svd(x, compute_uv=False) * tf.constant([1.0, 2.0, 3.0], tf.float64))
    y, (g,), g2 = _grads(f, np.eye(3), order=2)
    assert y == 6.0
    np.testing.assert_allclose(g, np.diag([1.0, 2.0, 3.0]), atol=1e-12)
    np.testing.assert_allclose(g2, np.zeros((3, 3)), atol=1e-12)


def test_singular_values_gradient_of_the_zero_matrix():
    # TensorFlow 2.21: [[1, 0, 0], [0, 2, 0]]
    def f(x):
        return tf.reduce_sum(tf.linalg.svd(x, compute_uv=False) * tf.constant([1.0, 2.0], tf.float64))
    _, (g,), _ = _grads(f, np.zeros((2, 3)))
    np.testing.assert_allclose(g, [[1.0, 0.0, 0.0], [0.0, 2.0, 0.0]], atol=1e-12)


def test_svd_gradient_with_a_zero_and_repeated_singular_values_is_finite():
    # TensorFlow 2.21: the identity, for both (its safe reciprocals give 0 for 1/0)
    _, (g,), _ = _grads(lambda x: tf.reduce_sum(tf.linalg.svd(x)[0]), np.diag([2.0, 2.0, 1.0]))
    np.testing.assert_allclose(g, np.eye(3), atol=1e-12)

    def f(x):
        s, u, _ = tf.linalg.svd(x)
        return tf.reduce_sum(u[:, 0] ** 2 + s)
    _, (g,), _ = _grads(f, np.diag([3.0, 2.0, 0.0]))
    np.testing.assert_allclose(g, np.eye(3), atol=1e-12)
