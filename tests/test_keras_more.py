"""tf.keras.layers.DepthwiseConv2D and fit(class_weight=...), against TensorFlow 2.21 / Keras 3."""
import numpy as np
import pytest

import gradtape as tf
from gradtape.testing import check_gradients

# The inputs and weights every DepthwiseConv2D case uses (the same arrays were fed to TF).
X = (np.arange(2 * 4 * 5 * 3, dtype=np.float32).reshape(2, 4, 5, 3) % 7 - 3) / 4


def _pattern(shape):
    size = int(np.prod(shape))
    return (np.arange(size, dtype=np.float32).reshape(shape) % 5 - 2) / 3


def _run(**kwargs):
    layer = tf.keras.layers.DepthwiseConv2D(**kwargs)
    x = tf.constant(X)
    layer.build(x.shape)
    layer.set_weights([_pattern(w.shape) for w in layer.get_weights()])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layer(x)
        loss = tf.reduce_sum(y * y) / 10
    return layer, y, tape.gradient(loss, [x] + layer.trainable_weights)


def _sumsq(t):
    return float(np.sum(np.square(t.numpy(), dtype=np.float64)))


def test_depthwise_conv2d_valid_with_bias():
    # TensorFlow 2.21's values
    layer, y, (gx, gk, gb) = _run(kernel_size=2)
    assert [tuple(w.shape) for w in layer.weights] == [(2, 2, 3, 1), (3,)]
    assert y.shape == (2, 3, 4, 3)
    np.testing.assert_allclose(y.numpy().ravel()[:12], [
        0.1666667, -0.3333333, -0.5833334, -1., -0.5833333, 0.6666667,
        -1., -0.25, -0.4166667, 0.1666667, 0.6666666, 0.8333334], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(float(tf.reduce_sum(y)), -24.5, rtol=1e-5)
    np.testing.assert_allclose(gb.numpy(), [-3.0500002, -1.6833333, -0.1666667], rtol=1e-5)
    np.testing.assert_allclose(gk.numpy().ravel()[:10], [
        -1.4333334, -0.3625, 0.6291667, 1.2083334, 0.7083333, -0.9541667,
        -1.1458334, 0.0041667, 0.7041668, 1.4958333], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_sumsq(gx), 2.047808885574341, rtol=1e-5)
    np.testing.assert_allclose(_sumsq(gk), 10.251823425292969, rtol=1e-5)


def test_depthwise_conv2d_strided_same_multiplier_relu():
    # TensorFlow 2.21's values
    layer, y, (gx, gk, gb) = _run(kernel_size=(2, 3), strides=2, padding="same",
                                  depth_multiplier=2, activation="relu")
    assert tuple(layer.kernel.shape) == (2, 3, 3, 2) and tuple(layer.bias.shape) == (6,)
    assert y.shape == (2, 2, 3, 6)
    np.testing.assert_allclose(float(tf.reduce_sum(y)), 17.08333396911621, rtol=1e-5)
    np.testing.assert_allclose(y.numpy().ravel()[:12], [
        0, 0, 0.083333336, 0, 1.1666667, 0, 0, 0.25, 0, 0, 1.5, 0], atol=1e-6)
    np.testing.assert_allclose(gb.numpy(), [0.0666667, 0.1333333, 0.4, 0.95, 1.8000002,
                                            0.0666667], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gk.numpy().ravel()[:10], [
        -0.05, 0.0208333, 0.075, -0.0541667, 0.4208333, -0.05,
        0., 0.0041667, 0.0291667, 0.4083334], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(_sumsq(gx), 0.6179322600364685, rtol=1e-5)
    np.testing.assert_allclose(_sumsq(gk), 1.2419098615646362, rtol=1e-5)


def test_depthwise_conv2d_dilated_without_bias():
    # TensorFlow 2.21's values
    layer, y, (gx, gk) = _run(kernel_size=2, dilation_rate=2, padding="same", use_bias=False)
    assert [tuple(w.shape) for w in layer.weights] == [(2, 2, 3, 1)]
    assert y.shape == (2, 4, 5, 3)
    np.testing.assert_allclose(y.numpy().ravel()[:12], [
        0.1666667, -0.3333333, -0.25, -0.3333333, 0.3333333, 0.0833333,
        -0.0833333, -0.1666667, 0.0833333, 0.75, 0.5, 0.0833333], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_sumsq(gx), 0.5432716608047485, rtol=1e-5)
    np.testing.assert_allclose(_sumsq(gk), 3.100104331970215, rtol=1e-5)


def test_depthwise_conv2d_float64_multiplier():
    # TensorFlow 2.21's values
    layer, y, (gx, gk, gb) = _run(kernel_size=3, depth_multiplier=2, dtype="float64")
    assert y.dtype == tf.float64 and y.shape == (2, 2, 3, 6)
    np.testing.assert_allclose(float(tf.reduce_sum(y)), -9.500000283122063, rtol=1e-9)
    np.testing.assert_allclose(gb.numpy(), [-1.4833334, -0.2666667, -0.6333334, 0.3333333,
                                            2.0833334, -1.9333334], rtol=1e-6)
    np.testing.assert_allclose(_sumsq(gx), 7.858797073364258, rtol=1e-6)
    np.testing.assert_allclose(_sumsq(gk), 16.792379473125994, rtol=1e-9)


def test_depthwise_conv2d_numerical_gradients():
    layer = tf.keras.layers.DepthwiseConv2D(2, strides=2, padding="same", depth_multiplier=2,
                                            dtype="float64")
    layer.build((1, 3, 4, 2))
    check_gradients(lambda x: layer(x), [X[:1, :3, :4, :2].astype(np.float64)], order=1)


def test_depthwise_conv2d_config():
    # TensorFlow 2.21's get_config (constraints and activity_regularizer aside)
    config = tf.keras.layers.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2,
                                             activation="relu", use_bias=False,
                                             depthwise_regularizer="l2", name="d2").get_config()
    assert config["name"] == "d2"
    assert {k: config[k] for k in ("depth_multiplier", "kernel_size", "strides", "padding",
                                   "data_format", "dilation_rate", "activation", "use_bias")} == {
        "depth_multiplier": 2, "kernel_size": (3, 3), "strides": (2, 2), "padding": "same",
        "data_format": "channels_last", "dilation_rate": (1, 1), "activation": "relu",
        "use_bias": False}
    assert config["depthwise_initializer"]["class_name"] == "GlorotUniform"
    assert config["bias_initializer"]["class_name"] == "Zeros"
    assert config["depthwise_regularizer"] == {"module": "keras.regularizers", "class_name": "L2",
                                               "config": {"l2": 0.01}, "registered_name": None}
    assert config["bias_regularizer"] is None
    copy = tf.keras.layers.DepthwiseConv2D.from_config(config)
    assert copy.get_config() == config


def test_depthwise_conv2d_errors():
    # TensorFlow 2.21 raises InvalidArgumentError for unequal strides
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.keras.layers.DepthwiseConv2D(3, strides=(1, 2))(tf.constant(X))
    with pytest.raises(ValueError, match="channels_last"):
        tf.keras.layers.DepthwiseConv2D(2, data_format="channels_first")
    with pytest.raises(ValueError, match="depth_multiplier"):
        tf.keras.layers.DepthwiseConv2D(2, depth_multiplier=0)
