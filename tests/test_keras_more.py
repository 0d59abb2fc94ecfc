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


# fit(class_weight=...): a Dense layer with fixed weights, SGD(0.1), batches of 2 of 5 samples.
CW_X = ((np.arange(10, dtype=np.float32).reshape(5, 2) % 4) - 1.5) / 2
CW_LABELS = np.array([0, 1, 2, 1, 0])


def _fit(units, activation, loss, y, class_weight, **kwargs):
    model = tf.keras.Sequential([tf.keras.Input((2,)),
                                 tf.keras.layers.Dense(units, activation=activation)])
    kernel, bias = model.get_weights()
    model.set_weights([(np.arange(kernel.size, dtype=np.float32).reshape(kernel.shape) % 3 - 1) / 2,
                       np.zeros_like(bias)])
    model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss=loss,
                  **kwargs.pop("compile", {}))
    history = model.fit(CW_X, y, batch_size=2, epochs=2, shuffle=False, verbose=0,
                        class_weight=class_weight, **kwargs)
    return history.history, model.get_weights()[0].ravel()


@pytest.mark.parametrize("loss, y, class_weight, losses, kernel", [
    # TensorFlow 2.21's values: sparse labels
    ("sparse_categorical_crossentropy", CW_LABELS, {0: 1.0, 1: 2.0, 2: 0.5},
     [1.345905065536499, 1.1824272871017456],
     [-0.6074858, 0.14528131, 0.46220437, -0.5851776, 0.2190901, 0.36608747]),
    # TensorFlow 2.21's values: sparse labels of shape (n, 1) in float, a class left out
    ("sparse_categorical_crossentropy", CW_LABELS.reshape(5, 1).astype("float32"), {1: 3.0},
     [1.9425628185272217, 1.6226800680160522],
     [-0.5999286, 0.18781129, 0.41211745, -0.6051185, 0.3075167, 0.29760182]),
    # TensorFlow 2.21's values: one-hot labels
    ("categorical_crossentropy", np.eye(3)[CW_LABELS], {0: 0.25, 2: 4.0},
     [1.8964757919311523, 1.6735670566558838],
     [-0.39488277, 0.14236736, 0.25251538, -0.48862046, 0.13748203, 0.35113844]),
])
def test_fit_class_weight(loss, y, class_weight, losses, kernel):
    history, trained = _fit(3, "softmax", loss, y, class_weight)
    np.testing.assert_allclose(history["loss"], losses, rtol=1e-5)
    np.testing.assert_allclose(trained, kernel, rtol=1e-5, atol=1e-7)


def test_fit_class_weight_binary_labels():
    # TensorFlow 2.21's values: labels of shape (n, 1)
    history, trained = _fit(1, "sigmoid", "binary_crossentropy",
                            np.array([[0.], [1.], [1.], [0.], [1.]]), {0: 2.0, 1: 0.5})
    np.testing.assert_allclose(history["loss"], [0.7976446151733398, 0.7790730595588684],
                               rtol=1e-5)
    np.testing.assert_allclose(trained, [-0.4776311, -0.0353925], rtol=1e-5)


def test_fit_class_weight_leaves_validation_split_unweighted():
    # TensorFlow 2.21's values
    history, trained = _fit(3, "softmax", "sparse_categorical_crossentropy", CW_LABELS,
                            {0: 1.0, 1: 2.0, 2: 0.5}, validation_split=0.4)
    np.testing.assert_allclose(history["loss"], [1.303399920463562, 1.235303521156311],
                               rtol=1e-5)
    np.testing.assert_allclose(history["val_loss"], [0.8846553564071655, 0.8438370227813721],
                               rtol=1e-5)
    np.testing.assert_allclose(trained, [-0.50788903, 0.08000969, 0.42787936, -0.52717006,
                                         0.11689916, 0.41027093], rtol=1e-5)


def test_fit_class_weight_with_sample_weight_raises():
    # TensorFlow 2.21 raises ValueError
    with pytest.raises(ValueError, match="class_weight` and `sample_weight"):
        _fit(3, "softmax", "sparse_categorical_crossentropy", CW_LABELS, {0: 2.0},
             sample_weight=np.ones(5))


def test_fit_class_weight_weights_weighted_metrics_only():
    # TensorFlow 2.21's values: 'accuracy' unweighted, 'weighted_accuracy' weighted
    history, trained = _fit(1, "sigmoid", "binary_crossentropy",
                            np.array([[0.], [1.], [1.], [0.], [1.]]), {0: 2.0, 1: 0.5},
                            compile={"metrics": ["accuracy"], "weighted_metrics": ["accuracy"]})
    np.testing.assert_allclose(history["accuracy"], [0.6000000238418579] * 2, rtol=1e-6)
    np.testing.assert_allclose(history["weighted_accuracy"], [0.5454545617103577] * 2,
                               rtol=1e-6)
    np.testing.assert_allclose(history["loss"], [0.7976446151733398, 0.7790730595588684],
                               rtol=1e-5)


def test_compiled_metric_names_repeated_and_weighted():
    # TensorFlow 2.21's names and values (one epoch, sample weights)
    model = tf.keras.Sequential([tf.keras.Input((2,)),
                                 tf.keras.layers.Dense(1, activation="sigmoid",
                                                       kernel_initializer="ones")])
    model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="binary_crossentropy",
                  metrics=["accuracy", "mae", "mae"],
                  weighted_metrics=["accuracy", "mae", "mae", "mse"])
    history = model.fit(CW_X, np.array([[0.], [1.], [1.], [0.], [1.]]),
                        sample_weight=np.array([2, .5, .5, 2, .5]), batch_size=2, epochs=1,
                        shuffle=False, verbose=0).history
    expected = {"accuracy": 0.4000000059604645, "loss": 0.949830174446106,
                "mae": 0.5496582388877869, "mae_1": 0.5496582388877869,
                "mse": 0.32623836398124695, "weighted_accuracy": 0.4545454680919647,
                "weighted_mae": 0.5222560167312622, "weighted_mae_1": 0.5222560167312622}
    assert sorted(history) == sorted(expected)
    for name, value in expected.items():
        np.testing.assert_allclose(history[name], [value], rtol=1e-5, err_msg=name)
