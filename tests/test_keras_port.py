"""Keras 3 behaviour of ``Conv1D``, Sequential and functional models, and a loss per output.

Every expected value is TensorFlow 2.21's (``tf.keras`` is Keras 3), typed by hand from
what it printed.
"""
import numpy as np
import pytest

import gradtape as tf
from gradtape.testing import check_gradients

keras = tf.keras
layers = keras.layers

X = (np.arange(10, dtype="float32").reshape(1, 5, 2) - 4.5) / 2
KERNEL = np.array([[[1.0, -1.0], [0.5, -0.5]], [[0.5, 2.0], [0.25, 1.0]],
                   [[-1.5, 0.25], [-0.75, 0.125]]], "float32")


def conv1d(**kwargs):
    conv = layers.Conv1D(2, 3, **kwargs)
    conv.build((None, 5, 2))
    conv.set_weights([KERNEL, np.array([0.1, -0.2], "float32")])
    return conv


@pytest.mark.parametrize("kwargs,want_y,want_dx", [
    # TensorFlow 2.21's values
    (dict(padding="causal", dilation_rate=2),
     [[4.7875, -0.98125], [2.5375, -0.60625], [-1.275, -6.48125], [-2.775, -3.10625],
      [-7.4, 3.39375]],
     [[-63.640625, -31.8203125], [-23.115625, -11.5578127], [6.7593746, 3.3796873],
      [6.7718759, 3.3859379], [23.896875, 11.9484377]]),
    (dict(padding="same", strides=2),
     [[0.975, -6.85625], [-3.65, 1.51875], [2.9125, 4.175]],
     [[-26.45, -13.225], [-16.690624, -8.345312], [2.4249997, 1.2124999],
      [9.184375, 4.5921874], [19.612501, 9.80625]]),
    (dict(padding="valid"),
     [[-3.65, -0.35625], [-3.65, 1.51875], [-3.65, 3.39375]],
     [[-6.5875, -3.29375], [-15.4125, -7.70625], [-0.890625, -0.4453125],
      [21.634375, 10.817188], [12.646875, 6.3234377]]),
])
def test_conv1d_values_and_input_gradient(kwargs, want_y, want_dx):
    conv = conv1d(**kwargs)
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = conv(x)
        loss = tf.reduce_sum(y * y)
    assert [tuple(w.shape) for w in conv.weights] == [(3, 2, 2), (2,)]   # TF 2.21
    np.testing.assert_allclose(y.numpy()[0], want_y, rtol=1e-6)
    np.testing.assert_allclose(tape.gradient(loss, x).numpy()[0], want_dx, rtol=1e-6)


@pytest.mark.parametrize("kwargs", [dict(padding="causal", dilation_rate=2),
                                    dict(padding="same", strides=2), dict(padding="valid")])
def test_conv1d_gradients_numerically(kwargs):
    conv = layers.Conv1D(2, 3, dtype="float64", **kwargs)
    conv.build((None, 5, 2))
    conv.set_weights([KERNEL.astype("float64"), np.array([0.1, -0.2])])

    weights = conv.kernel

    def f(x, kernel):   # the layer's call with the kernel as an argument
        conv.kernel = kernel
        try:
            return conv(x)
        finally:
            conv.kernel = weights
    check_gradients(f, [X.astype("float64"), KERNEL.astype("float64")], order=2)


def test_conv1d_shapes_and_errors():
    inputs = keras.Input(shape=(None, 3))
    # TensorFlow 2.21: (None, None, 4) (None, None, 4) (16, 10, 3)
    assert layers.Conv1D(4, 3, strides=2)(inputs).shape == (None, None, 4)
    assert layers.Conv1D(4, 3, padding="causal")(inputs).shape == (None, None, 4)
    assert keras.Input(batch_shape=(16, 10, 3)).shape == (16, 10, 3)
    with pytest.raises(ValueError):   # TF 2.21: ValueError for each
        layers.Conv1D(2, (2, 2))
    with pytest.raises(ValueError):
        layers.Conv1D(2, 3, padding="full")
    with pytest.raises(ValueError):
        layers.Conv1D(2, 3)(tf.ones((2, 3)))
