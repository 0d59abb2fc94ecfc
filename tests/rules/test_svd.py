"""tf.linalg.svd against numbers recorded from TensorFlow 2.21.  Singular
vectors' signs are arbitrary, so only quantities they do not change are
compared; gradient checks run from tests/specs/linalg.py."""
import numpy as np
import pytest

import gradtape as tf
from gradtape.errors import InvalidArgumentError, UnimplementedError

A = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 7.0]])
S_TF = [10.191428257097225, 0.36713768594389984]


def test_values_shapes_and_reconstruction():
    s, u, v = tf.linalg.svd(tf.constant(A))
    np.testing.assert_allclose(s.numpy(), S_TF, rtol=1e-12)
    assert u.shape == (3, 2) and v.shape == (2, 2)
    np.testing.assert_allclose((u.numpy() * s.numpy()) @ v.numpy().T, A, atol=1e-12)
    np.testing.assert_allclose(u.numpy().T @ u.numpy(), np.eye(2), atol=1e-12)
    np.testing.assert_allclose(tf.linalg.svd(tf.constant(A), compute_uv=False).numpy(), S_TF,
                               rtol=1e-12)


def test_full_matrices_and_batch_shapes_match_tensorflow():
    _, u, v = tf.linalg.svd(tf.constant(A), full_matrices=True)
    assert u.shape == (3, 3) and v.shape == (2, 2)
    s, u, v = tf.linalg.svd(tf.ones((2, 3, 4)))
    assert (s.shape, u.shape, v.shape) == ((2, 3), (2, 3, 3), (2, 4, 3))
    assert s.dtype == tf.float32


def test_gradients_of_sign_invariant_losses_match_tensorflow():
    a = tf.constant(A)
    weights = tf.reshape(tf.range(9.0, dtype=tf.float64), (3, 3))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(a)
        s, u, v = tf.linalg.svd(a)
        loss = tf.reduce_sum(s * s * tf.constant([1.0, 2.0], tf.float64)) + \
            tf.reduce_sum(tf.matmul(u, u, transpose_b=True) * weights)
        values_only = tf.reduce_sum(tf.linalg.svd(a, compute_uv=False) *
                                    tf.constant([1.0, 2.0], tf.float64))
    np.testing.assert_allclose(tape.gradient(loss, a).numpy(),
                               [[2.377034988462688, 3.828269412466055],
                                [9.020618189223335, 6.140353641585909],
                                [8.148016206637784, 15.124665168611882]], rtol=1e-10)
    np.testing.assert_allclose(tape.gradient(values_only, a).numpy(),
                               [[-1.404372966224978, 1.2653207157741688],
                                [0.8407865636790433, 0.003688700371349274],
                                [0.5589933624060764, 0.6381934084441079]], rtol=1e-10)


def test_forward_mode_of_the_singular_values_is_u_t_da_v():
    a, da = tf.constant(A), tf.constant(np.arange(6.0).reshape(3, 2))
    with tf.autodiff.ForwardAccumulator(a, da) as acc:
        s, u, v = tf.linalg.svd(a)
    want = np.einsum("mk,mn,nk->k", u.numpy(), da.numpy(), v.numpy())
    np.testing.assert_allclose(acc.jvp(s).numpy(), want, rtol=1e-12)


def test_full_matrices_derivative_of_a_non_square_matrix_is_refused():
    a = tf.constant(A)
    with tf.GradientTape() as tape:
        tape.watch(a)
        _, u, _ = tf.linalg.svd(a, full_matrices=True)
        loss = tf.reduce_sum(u)
    with pytest.raises(UnimplementedError, match="full_matrices=False"):
        tape.gradient(loss, a)


@pytest.mark.parametrize("value,match", [(np.ones(3), "rank >= 2"),
                                         (np.ones((3, 3), np.int32), "floating-point")])
def test_bad_inputs_raise_invalid_argument(value, match):
    with pytest.raises(InvalidArgumentError, match=match):
        tf.linalg.svd(value)
