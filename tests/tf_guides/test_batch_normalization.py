"""tf.keras.layers.BatchNormalization as the advanced autodiff guide uses it: under
a tape, with training=True, so the batch statistics couple the examples and the
Jacobian of a batch is no longer block diagonal.  Expected numbers are
TensorFlow 2.21's (Keras 3)."""
import numpy as np
import pytest

import gradtape as tf
from gradtape.testing import check_gradients

X = [[1.0, 2.0, 0.5], [3.0, -1.0, 0.0], [0.0, 0.5, 2.0], [-1.0, 1.0, 1.0]]
WEIGHTS = [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [3.0, 6.0, 9.0], [4.0, 8.0, 12.0]]

TRAINING_OUTPUT = [[0.16899222, 1.2696290, -0.50662953],
                   [1.5209302, -1.5004706, -1.1821356],
                   [-0.50697672, -0.11542082, 1.5198886],
                   [-1.1829457, 0.34626245, 0.16887653]]


def _batch_norm_under_tape(**kwargs):
    x = tf.constant(X)
    bn = tf.keras.layers.BatchNormalization(**kwargs)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = bn(x, training=True)
        loss = tf.reduce_sum(y * tf.constant(WEIGHTS))
    return x, bn, y, loss, tape


def test_training_uses_the_batch_statistics_and_moves_the_moving_ones():
    _, bn, y, _, _ = _batch_norm_under_tape()
    np.testing.assert_allclose(y.numpy(), TRAINING_OUTPUT, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(bn.moving_mean.numpy(), [0.0075, 0.00625, 0.00875], rtol=1e-6)
    np.testing.assert_allclose(bn.moving_variance.numpy(), [1.011875, 1.0017188, 0.99546874],
                               rtol=1e-6)


def test_gradients_flow_through_the_batch_statistics():
    x, bn, _, loss, tape = _batch_norm_under_tape()
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(),
                               [[-0.92708284, -2.3641648, -4.8658638],
                                [0.44385087, -1.4031078, 0.80542779],
                                [0.07737279, 0.8864634, -1.6145566],
                                [0.40585935, 2.880809, 5.6749897]], rtol=1e-5, atol=1e-5)
    dgamma, dbeta = tape.gradient(loss, [bn.gamma, bn.beta])
    np.testing.assert_allclose(dgamma.numpy(), [-3.0418603, -1.3850498, 7.0928135], rtol=1e-5)
    np.testing.assert_allclose(dbeta.numpy(), [10.0, 20.0, 30.0])


def test_the_batch_jacobian_is_not_block_diagonal():
    x, _, y, _, tape = _batch_norm_under_tape()
    j = tape.jacobian(y, x)
    assert j.shape == (4, 3, 4, 3)
    assert abs(float(j[0, 0, 1, 0])) > 0.1  # example 1 moves example 0's output


def test_derivatives_against_central_differences():
    bn = tf.keras.layers.BatchNormalization(dtype="float64")
    check_gradients(lambda x: bn(x, training=True), [X], order=2)


def test_inference_and_the_default_call_use_the_moving_statistics():
    x, bn, _, _, _ = _batch_norm_under_tape()
    expected = [[0.98617178, 1.9910451, 0.4921197], [2.9734197, -1.0048848, -0.00876549],
                [-0.00745218, 0.49308014, 1.9947753], [-1.0010761, 0.99240184, 0.99300486]]
    np.testing.assert_allclose(bn(x, training=False).numpy(), expected, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(bn(x).numpy(), expected, rtol=1e-6, atol=1e-7)


def test_weights_their_trainability_and_the_defaults():
    _, bn, _, _, _ = _batch_norm_under_tape()
    assert (bn.momentum, bn.epsilon, bn.axis, bn.center, bn.scale) == (0.99, 0.001, -1, True, True)
    def short(variables):
        return [v.name.split("/")[-1].split(":")[0] for v in variables]
    # Keras' order, as TensorFlow lists them
    assert short(bn.variables) == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert short(bn.trainable_variables) == ["gamma", "beta"]
    assert short(bn.non_trainable_variables) == ["moving_mean", "moving_variance"]


def test_another_axis_momentum_and_epsilon():
    bn = tf.keras.layers.BatchNormalization(axis=1, momentum=0.5, epsilon=0.1)
    y = bn(tf.reshape(tf.range(24.0), [2, 3, 4]), training=True)
    np.testing.assert_allclose(y.numpy()[0, 0], [-1.2272017, -1.0635748, -0.89994788, -0.73632103],
                               rtol=1e-6)
    np.testing.assert_allclose(y.numpy()[1, 2], [0.73632097, 0.89994788, 1.0635748, 1.2272017],
                               rtol=1e-6)
    np.testing.assert_allclose(bn.moving_mean.numpy(), [3.75, 5.75, 7.75])
    np.testing.assert_allclose(bn.moving_variance.numpy(), [19.125, 19.125, 19.125])
    assert bn.gamma.shape == (3,)


def test_without_center_and_scale_only_the_moving_statistics_exist():
    _, bn, y, _, _ = _batch_norm_under_tape(center=False, scale=False)
    np.testing.assert_allclose(y.numpy(), TRAINING_OUTPUT, rtol=1e-6, atol=1e-6)
    assert len(bn.variables) == 2 and not bn.trainable_variables


def test_an_axis_outside_the_inputs_rank_is_refused():
    with pytest.raises(ValueError, match="axis 3 is out of range for inputs of rank 2"):
        tf.keras.layers.BatchNormalization(axis=3)(tf.constant(X))
