"""lbeta, igamma, igammac, zeta, betainc, weighted_moments, local_response_normalization,
expm and sqrtm: values, gradients, edge cases and errors against TensorFlow 2.21's
(written here as literals), and float64 central differences."""
import numpy as np
import pytest

import gradtape as tf
from gradtape.testing import check_gradients

inf, nan = np.inf, np.nan


def f32(*values):
    return np.array(values, np.float32)


def f64(*values):
    return np.array(values, np.float64)


def _value_and_gradients(fn, args):
    xs = [tf.constant(a) for a in args]
    with tf.GradientTape() as tape:
        tape.watch(xs)
        y = fn(*xs)
    return y, tape.gradient(y, xs)


# -- values at TensorFlow's edge cases ----------------------------------------

@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("fn, args, want", [
    (tf.math.zeta, [f32(1., .5, 2., 2., 3.), f32(1., 1., 0., -1.5, -2.)], f32(inf, nan, inf, 9.379247, nan)),
    (tf.math.igamma, [f32(0., 1., -1., 1.), f32(1., 0., 1., -1.)], f32(nan, 0., nan, nan)),
    (tf.math.igammac, [f32(.5, 1.), f32(1., 2.)], f32(0.15729916, 0.13533528)),
    (tf.math.betainc, [f32(.5, 2., -1., 2., 5.), f32(1., 3., 1., 3., .5), f32(.3, .999, .5, .5, .9)],
     f32(0.5477226, 1., nan, 0.6875, 0.31664294)),
    (tf.math.lbeta, [np.zeros((2, 0), np.float32)], f32(-inf, -inf)),
    (tf.math.lbeta, [f32(1., 2.)], np.float32(-0.6931472)),
], ids=["zeta", "igamma", "igammac", "betainc", "lbeta_empty", "lbeta"])
def test_values_match_tensorflow(fn, args, want):
    got = fn(*args)
    assert got.dtype == tf.float32
    np.testing.assert_allclose(got.numpy(), want, rtol=2e-6)


def test_igamma_near_the_switch_between_series_and_fraction_matches_tensorflow_float64():
    got = tf.math.igamma(f64(1e4, 1e4, 100.), f64(1e4 + 50, 1e4 + 1.5, 101.5))
    np.testing.assert_allclose(got.numpy(), f64(0.69234244, 0.50731322, 0.57242695), rtol=1e-7)


def test_weighted_moments_of_zero_weights_are_zeros():
    mean, variance = tf.nn.weighted_moments(f32(1., 2.), [0], f32(0., 0.))
    assert (mean.numpy(), variance.numpy()) == (0., 0.)


def test_sqrtm_of_a_real_matrix_with_a_negative_eigenvalue_is_nan():
    assert np.isnan(tf.linalg.sqrtm(f64([-4., 0.], [0., 9.]).reshape(2, 2)).numpy()).all()


# -- gradients against TensorFlow's, float64 --------------------------------

@pytest.mark.parametrize("fn, args, value, grads", [
    (tf.math.igamma, [f64(.5, 1.), f64(1., 2.)], f64(0.84270079, 0.86466472),
     [f64(-0.38983726, -0.22082543), f64(0.20755375, 0.13533528)]),
    (tf.math.igammac, [f64(.5, 1.), f64(1., 2.)], f64(0.15729921, 0.13533528),
     [f64(0.38983726, 0.22082543), f64(-0.20755375, -0.13533528)]),
    (tf.math.zeta, [f64(2., 3.5), f64(1., 2.5)], f64(1.64493407, 0.06517125),
     [None, f64(-2.40411381, -0.07664606)]),
    (tf.math.lbeta, [np.array([[1., 2., 3.], [.5, .5, 4.]])], f64(-4.09434456, -0.24156448),
     [np.array([[-2.28333333, -1.28333333, -0.78333333], [-3.46962769, -3.46962769, -0.25]])]),
    (tf.linalg.expm, [np.array([[1., 2.], [-3., .5]])],
     np.array([[-1.47174181, 1.12588141], [-1.68882212, -1.75321216]]),
     [np.array([[-1.79901043, -0.5763022], [1.32243598, -1.98888425]])]),
    (tf.linalg.sqrtm, [np.array([[5., 2.], [2., 3.]])],
     np.array([[2.174086, 0.52282892], [0.52282892, 1.65125707]]),
     [np.array([[0.18088959, 0.20414033], [0.20414033, 0.23816372]])]),
], ids=["igamma", "igammac", "zeta", "lbeta", "expm", "sqrtm"])
def test_float64_gradients_match_tensorflow(fn, args, value, grads):
    got, got_grads = _value_and_gradients(fn, args)
    np.testing.assert_allclose(got.numpy(), value, rtol=1e-7)
    for g, want in zip(got_grads, grads):
        if want is None:
            assert g is None
        else:
            np.testing.assert_allclose(g.numpy(), want, rtol=1e-7, atol=1e-9)


def test_second_derivative_of_igamma_in_a_raises_as_tensorflow():
    a, x = tf.constant(f64(.5, 3.)), tf.constant(f64(1., 2.))
    with tf.GradientTape() as outer:
        outer.watch(a)
        with tf.GradientTape() as inner:
            inner.watch(a)
            y = tf.math.igamma(a, x)
        grad = inner.gradient(y, a)
    with pytest.raises(LookupError, match="IgammaGradA"):
        outer.gradient(grad, a)


# -- float64 central differences, reverse and forward --------------------------

_A = np.array([[1., 2., .3], [-3., .5, .2], [.1, .4, -1.]])
_S = np.array([[5., 2., .3], [1., 3., .2], [.1, .4, 2.]])

CENTRAL = {
    "lbeta": (tf.math.lbeta, [np.array([[1., 2., 3.], [.5, .5, 4.]])], 2),
    "igamma": (tf.math.igamma, [f64(.5, 3., 7., 2.), f64(1., 2., 12., .3)], 1),
    "igamma_in_x": (lambda x: tf.math.igamma(f64(.5, 3., 7.), x), [f64(1., 2., 12.)], 2),
    "igammac": (tf.math.igammac, [f64(.5, 3., 7., 2.), f64(1., 2., 12., .3)], 1),
    "zeta": (lambda q: tf.math.zeta(f64(2., 3.5, 5.), q), [f64(1., 2.5, 30.)], 2),
    "betainc": (lambda x: tf.math.betainc(f64(.5, 2., 5.), f64(1., 3., .5), x), [f64(.3, .6, .9)], 2),
    "weighted_moments": (lambda x, w: tf.nn.weighted_moments(x, [0], w), [f64(1., 2., 4.), f64(1., .5, 2.)], 2),
    "local_response_normalization": (
        lambda x: tf.nn.local_response_normalization(x, 1, .5, .3, .75), [np.arange(1, 9.).reshape(1, 1, 2, 4) / 4], 2),
    "expm": (tf.linalg.expm, [_A], 2),
    "expm_batch_scaled": (tf.linalg.expm, [np.stack([3 * _A, _A / 2])], 1),
    "sqrtm": (tf.linalg.sqrtm, [_S], 2),
    "sqrtm_batch": (tf.linalg.sqrtm, [np.stack([_S, _S.T + 1])], 1),
}


@pytest.mark.parametrize("name", sorted(CENTRAL))
def test_against_central_differences(name):
    fn, args, order = CENTRAL[name]
    check_gradients(fn, args, order=order)


# -- errors --------------------------------------------------------------------

@pytest.mark.parametrize("call, error", [
    (lambda: tf.linalg.expm(np.ones((2, 2), np.int32)), ValueError),
    (lambda: tf.linalg.sqrtm(np.ones((2, 3), np.float32)), tf.errors.InvalidArgumentError),
    (lambda: tf.nn.local_response_normalization(np.ones((1, 1, 2), np.float32)), tf.errors.InvalidArgumentError),
    (lambda: tf.math.lbeta(np.float32(2.)), tf.errors.InvalidArgumentError),
    (lambda: tf.math.igamma(np.int32(1), np.int32(2)), tf.errors.InvalidArgumentError),
    (lambda: tf.math.lbeta(np.int32([1, 2])), tf.errors.InvalidArgumentError),
], ids=["expm_int", "sqrtm_not_square", "lrn_rank_3", "lbeta_scalar", "igamma_int", "lbeta_int"])
def test_errors_have_tensorflows_types(call, error):
    with pytest.raises(error):
        call()
