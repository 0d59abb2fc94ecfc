"""Layers: lazy building, the forward computation, Dropout, Sequential, freezing."""
import numpy as np
import pytest

import gradtape as tf
from gradtape import layers
from gradtape.testing import check_gradients


def test_dense_builds_on_first_call_and_computes_affine_map():
    layer = layers.Dense(3, kernel_initializer=tf.initializers.RandomNormal(seed=0),
                         bias_initializer=tf.initializers.Constant(0.5))
    assert not layer.built and layer.variables == []
    x = np.arange(8, dtype=np.float32).reshape(2, 4)
    y = layer(x)
    assert layer.built and tuple(layer.kernel.shape) == (4, 3)
    np.testing.assert_allclose(y.numpy(), x @ layer.kernel.numpy() + 0.5, rtol=1e-6)
    assert y.dtype == tf.float32


@pytest.mark.parametrize("name,fn", [
    ("relu", lambda z: np.maximum(z, 0)),
    ("tanh", np.tanh),
    ("sigmoid", lambda z: 1 / (1 + np.exp(-z))),
    ("softmax", lambda z: np.exp(z) / np.exp(z).sum(-1, keepdims=True)),
    (None, lambda z: z),
])
def test_activations_by_name(name, fn):
    layer = layers.Dense(4, activation=name, kernel_initializer=tf.initializers.RandomNormal(stddev=1.0, seed=1))
    x = np.linspace(-2, 2, 6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_allclose(layer(x).numpy(), fn(x @ layer.kernel.numpy()), rtol=1e-5, atol=1e-6)


def test_softmax_activation_survives_large_inputs():
    layer = layers.Dense(2, activation="softmax", kernel_initializer="ones", use_bias=False)
    out = layer(np.array([[1000.0, 1000.0]], np.float32)).numpy()
    np.testing.assert_allclose(out, [[0.5, 0.5]])


def test_dense_on_rank_3_inputs_acts_on_the_last_axis():
    layer = layers.Dense(2, kernel_initializer=tf.initializers.RandomNormal(seed=2))
    x = np.random.default_rng(0).standard_normal((3, 4, 5)).astype(np.float32)
    np.testing.assert_allclose(layer(x).numpy(), x @ layer.kernel.numpy(), rtol=1e-5, atol=1e-6)


def test_dense_gradients_match_finite_differences():
    layer = layers.Dense(3, activation="tanh", dtype="float64",
                         kernel_initializer=tf.initializers.RandomNormal(stddev=1.0, seed=3))
    layer(np.zeros((1, 2)))
    check_gradients(lambda x: layer(x), [np.array([[0.3, -0.7], [1.1, 0.2]])], order=2)


def test_dense_weight_gradients():
    layer = layers.Dense(2, kernel_initializer=tf.initializers.RandomNormal(seed=4))
    x = np.array([[1.0, 2.0, 3.0]], np.float32)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(x) ** 2)
    g_kernel, g_bias = tape.gradient(loss, layer.trainable_variables)  # Keras order
    y = x @ layer.kernel.numpy()
    np.testing.assert_allclose(g_kernel.numpy(), x.T @ (2 * y), rtol=1e-5)
    np.testing.assert_allclose(g_bias.numpy(), (2 * y).sum(0), rtol=1e-5)


def test_dense_errors():
    with pytest.raises(ValueError, match="units"):
        layers.Dense(0)
    with pytest.raises(ValueError, match="unknown activation 'swishy'"):
        layers.Dense(2, activation="swishy")
    layer = layers.Dense(2)
    layer(np.ones((1, 3), np.float32))
    with pytest.raises(ValueError, match=r"last dimension is 3, got shape \(1, 4\)"):
        layer(np.ones((1, 4), np.float32))


def test_layer_names_are_unique_and_name_their_variables():
    a, b = layers.Dense(1), layers.Dense(1)
    assert a.name != b.name and a.name.startswith("dense") and b.name.startswith("dense")
    a(np.ones((1, 1), np.float32))
    assert {v.name for v in a.variables} == {f"{a.name}/kernel:0", f"{a.name}/bias:0"}


def test_dropout_only_while_training_and_keeps_the_expectation():
    drop = layers.Dropout(0.25, seed=0)
    x = np.ones((200, 100), np.float32)
    assert np.array_equal(drop(x).numpy(), x)
    assert np.array_equal(drop(x, training=False).numpy(), x)
    y = drop(x, training=True).numpy()
    assert set(np.unique(y).tolist()) == {0.0, np.float32(1 / 0.75)}
    np.testing.assert_allclose((y == 0).mean(), 0.25, atol=0.01)
    np.testing.assert_allclose(y.mean(), 1.0, atol=0.02)


def test_dropout_gradient_is_the_mask():
    drop = layers.Dropout(0.5, seed=1)
    x = tf.Variable(np.ones((4, 4), np.float32))
    with tf.GradientTape() as tape:
        y = drop(x, training=True)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), y.numpy())


def test_dropout_rate_is_checked():
    # TensorFlow 2.21 accepts rate 1.0 (zeros) and refuses a rate above 1
    with pytest.raises(ValueError, match="rate"):
        layers.Dropout(1.5)


def test_sequential_passes_training_to_layers_and_collects_variables():
    tf.random.set_seed(0)
    model = layers.Sequential([layers.Dense(5, activation="relu"), layers.Dropout(0.5, seed=0),
                               lambda t: t * 2.0, layers.Dense(2)])
    x = np.ones((3, 4), np.float32)
    assert model(x).shape == (3, 2)
    assert len(model.trainable_variables) == 4
    assert not np.allclose(model(x, training=True).numpy(), model(x).numpy())
    assert [m.name for m in model.submodules][:2] == [model.layers[0].name, model.layers[1].name]


def test_freezing_a_layer():
    model = layers.Sequential([layers.Dense(2), layers.Dense(1)])
    model(np.ones((1, 3), np.float32))
    model.layers[0].trainable = False
    assert len(model.trainable_variables) == 2
    assert len(model.non_trainable_weights) == 2
    with tf.GradientTape() as tape:
        y = model(np.ones((1, 3), np.float32))
    assert tape.gradient(y, model.layers[0].kernel) is None


def test_custom_layer_with_add_weight():
    class Scale(layers.Layer):
        def build(self, input_shape):
            self.scale = self.add_weight((input_shape[-1],), initializer="ones", name="scale")

        def call(self, inputs, training=None):
            return inputs * self.scale

    layer = Scale()
    x = np.array([[1.0, 2.0]], np.float32)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(layer(x))
    np.testing.assert_allclose(tape.gradient(y, layer.scale).numpy(), [1.0, 2.0])
