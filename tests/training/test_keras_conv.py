"""``tf.keras.layers.Conv2D`` and ``MaxPooling2D`` against TensorFlow 2.21 / Keras 3.

Numbers marked TF were printed by the same layers under TensorFlow 2.21.
"""
import numpy as np
import pytest

import gradtape as tf
from gradtape.testing import check_gradients

keras = tf.keras

X = (np.arange(2 * 5 * 6 * 3, dtype=np.float32).reshape(2, 5, 6, 3) % 7 - 3) / 4
KERNEL = ((np.arange(3 * 2 * 3 * 2, dtype=np.float32).reshape(3, 2, 3, 2) % 5) - 2) / 3
BIAS = np.array([0.5, -0.25], np.float32)


def _conv(**kwargs):
    layer = keras.layers.Conv2D(2, (3, 2), **kwargs)
    layer(X)
    layer.set_weights([KERNEL, BIAS])
    return layer(X).numpy()


@pytest.mark.parametrize("kwargs,shape,corner,total", [
    ({}, (2, 3, 5, 2),
     [[[0.25, 0.0], [0.25, 1.25]], [[0.8333334, -0.08333325], [0.25, 0.0]]], 9.833333015441895),
    ({"strides": 2, "padding": "same"}, (2, 3, 3, 2),
     [[[-0.6666666, 0.5833334], [0.33333328, 0.08333337]],
      [[0.8333334, -0.08333325], [0.25, 1.25]]],
     6.500000953674316),
    ({"dilation_rate": (2, 1), "padding": "same", "activation": "relu"}, (2, 5, 6, 2),
     [[[0.0, 0.5], [0.0, 0.0]], [[1.8333333, 0.75], [0.0, 0.5]]], 62.91666793823242),
])
def test_conv2d_with_fixed_weights_gives_tensorflows_numbers(kwargs, shape, corner, total):
    y = _conv(**kwargs)   # TF: the same layer, kernel and bias
    assert y.shape == shape
    np.testing.assert_allclose(y[1, :2, :2, :], corner, rtol=1e-5, atol=1e-6)
    assert float(y.sum()) == pytest.approx(total, rel=1e-5)


@pytest.mark.parametrize("kwargs,shape,total,corner", [
    ({}, (2, 2, 3, 3), 18.5, [[0.25, 0.75], [0.5, 0.25]]),
    ({"pool_size": 3, "strides": 2, "padding": "same"}, (2, 3, 3, 3), 32.75,
     [[0.75, 0.75], [0.5, 0.75]]),
    ({"pool_size": (2, 3), "strides": 1}, (2, 4, 4, 3), 58.0, [[0.75, 0.75], [0.25, 0.75]]),
])
def test_max_pooling_gives_tensorflows_numbers(kwargs, shape, total, corner):
    y = keras.layers.MaxPooling2D(**kwargs)(X).numpy()   # TF
    assert y.shape == shape and float(y.sum()) == total
    np.testing.assert_array_equal(y[0, :2, :2, 0], corner)


def test_a_small_convnet_builds_lazily():
    model = keras.Sequential([keras.layers.Conv2D(4, 3, activation="relu"),
                              keras.layers.MaxPooling2D(), keras.layers.Flatten(),
                              keras.layers.Dense(10)])
    assert model(tf.ones((2, 8, 8, 1))).shape == (2, 10)
    assert [tuple(v.shape) for v in model.trainable_variables] == [  # TF
        (3, 3, 1, 4), (4,), (36, 10), (10,)]


def test_conv_and_pool_errors():
    with pytest.raises(ValueError, match="filters must be a positive integer"):
        keras.layers.Conv2D(0, 3)
    with pytest.raises(ValueError, match="padding must be 'valid' or 'same'"):
        keras.layers.Conv2D(2, 3, padding="full")
    with pytest.raises(ValueError, match="kernel_size must be a positive integer or a pair"):
        keras.layers.Conv2D(2, (3, 3, 3))
    with pytest.raises(ValueError, match="data_format must be one of"):
        keras.layers.MaxPooling2D(data_format="channels_first")
    with pytest.raises(ValueError, match=r"expected images of shape .*got shape \(2, 5\)"):
        keras.layers.Conv2D(2, 3)(tf.ones((2, 5)))
    conv = keras.layers.Conv2D(2, 3)
    conv(tf.ones((1, 4, 4, 3)))
    with pytest.raises(ValueError, match=r"expected 3 input channels, got shape \(1, 4, 4, 1\)"):
        conv(tf.ones((1, 4, 4, 1)))


def test_conv2d_gradients_in_inputs_kernel_and_bias():
    layer = keras.layers.Conv2D(2, (2, 3), strides=(1, 2), padding="same", activation="tanh",
                                dtype="float64")
    layer(np.zeros((1, 4, 5, 2)))
    rng = np.random.default_rng(0)

    def f(x, kernel, bias):
        layer.kernel, layer.bias = kernel, bias
        return layer(x)

    check_gradients(f, [rng.standard_normal((1, 4, 5, 2)), rng.standard_normal((2, 3, 2, 2)),
                        rng.standard_normal(2)])


def test_max_pooling_gradients():
    x = np.random.default_rng(1).permutation(48).reshape(1, 4, 4, 3) / 7.0  # no ties
    check_gradients(keras.layers.MaxPooling2D(pool_size=2, strides=1, dtype="float64"), [x])
