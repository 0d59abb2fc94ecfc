"""Keras 3's guide "Making new layers and models via subclassing", run with
``import gradtape as tf`` (``keras = tf.keras``); MNIST is replaced by small
seeded arrays. Expected values are TensorFlow 2.21's (Keras 3), typed from
its output."""
import numpy as np
import pytest

import gradtape as tf
from gradtape.testing import check_gradients

keras = tf.keras


class ActivityRegularizationLayer(keras.layers.Layer):
    def __init__(self, rate=1e-2):
        super().__init__()
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * tf.reduce_mean(inputs))
        return inputs


class OuterLayer(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.activity_reg = ActivityRegularizationLayer(1e-2)

    def call(self, inputs):
        return self.activity_reg(inputs)


def test_add_loss_keeps_the_losses_of_the_last_call():
    layer = OuterLayer()
    assert len(layer.losses) == 0
    _ = layer(tf.zeros(1, 1))   # dtype 1 is TensorFlow's enum number of float32
    assert len(layer.losses) == 1
    _ = layer(tf.zeros(1, 1))
    assert len(layer.losses) == 1
    _ = layer(tf.ones((2, 2)) * 3.0)
    # TensorFlow 2.21: [0.03] on the outer layer and on the inner one
    np.testing.assert_allclose([float(v) for v in layer.losses], [0.03], rtol=1e-6)
    np.testing.assert_allclose([float(v) for v in layer.activity_reg.losses], [0.03], rtol=1e-6)


def test_add_loss_takes_tensors_only():
    with pytest.raises(ValueError, match=r"`add_loss\(\)` can only be called"):
        keras.layers.Layer().add_loss(3.0)   # TensorFlow 2.21: ValueError


def test_tf_zeros_takes_a_dtype_enum_number():
    # TensorFlow 2.21: tf.as_dtype(1) is float32, 9 int64, 19 float16; 0 and 200 are TypeErrors
    assert tf.zeros(1, 1).dtype == tf.float32 and tf.zeros(1, 1).shape == (1,)
    assert tf.as_dtype(9) == tf.int64 and tf.as_dtype(19) == tf.float16
    for bad in (0, 200):
        with pytest.raises(TypeError):
            tf.as_dtype(bad)


class OuterLayerWithKernelRegularizer(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(32, kernel_regularizer=keras.regularizers.l2(1e-3))

    def call(self, inputs):
        return self.dense(inputs)


def test_kernel_regularizer_loss():
    layer = OuterLayerWithKernelRegularizer()
    _ = layer(tf.zeros((1, 1)))
    layer.dense.kernel.assign(np.arange(32, dtype="float32").reshape(1, 32) / 10)
    # TensorFlow 2.21: [0.10416001081466675]
    np.testing.assert_allclose([float(v) for v in layer.losses], [0.10416001081466675], rtol=1e-6)


def test_regularizers_values_and_configs():
    x = tf.constant([1.0, -2.0])
    # TensorFlow 2.21: 0.5 2.75 1.5 2.5
    assert float(keras.regularizers.l2(0.1)(x)) == pytest.approx(0.5)
    assert float(keras.regularizers.L1L2(l1=0.5, l2=0.25)(x)) == pytest.approx(2.75)
    assert float(keras.regularizers.L1(0.5)(x)) == pytest.approx(1.5)
    assert float(keras.regularizers.L2(0.5)(x)) == pytest.approx(2.5)
    assert keras.regularizers.get("l2").get_config() == {"l2": 0.01}
    assert keras.regularizers.serialize(keras.regularizers.l2(0.1)) == {
        "module": "keras.regularizers", "class_name": "L2", "config": {"l2": 0.1},
        "registered_name": None}
    for bad in (-1, float("nan"), "x"):
        with pytest.raises(ValueError, match="expected a non-negative float"):
            keras.regularizers.L2(bad)
    with pytest.raises(ValueError, match="Could not interpret regularizer identifier: foo"):
        keras.regularizers.get("foo")


def test_regularizer_gradients():
    check_gradients(lambda w: keras.regularizers.L1L2(l1=0.3, l2=0.2)(w),
                    [np.array([[0.5, -1.5], [2.0, 0.25]])])


def test_activity_bias_and_frozen_regularizers():
    d = keras.layers.Dense(2, kernel_initializer="ones",
                           activity_regularizer=keras.regularizers.l1(0.5))
    y = d(tf.constant([[1.0, 2.0], [3.0, -4.0]]))
    # TensorFlow 2.21: [[3, 3], [-1, -1]] and losses [2.0] (the l1 penalty over the batch size)
    np.testing.assert_allclose(y.numpy(), [[3, 3], [-1, -1]])
    assert [float(v) for v in d.losses] == [2.0]
    d = keras.layers.Dense(2, bias_initializer="ones", kernel_initializer="ones",
                           bias_regularizer="l1", kernel_regularizer="l2", trainable=False)
    _ = d(tf.ones((1, 2)))
    assert d.losses == []   # TensorFlow 2.21: a frozen layer's weights add no penalty
    d.trainable = True
    # TensorFlow 2.21 (kernel of ones here): kernel's l2 first, then bias's l1
    np.testing.assert_allclose([float(v) for v in d.losses], [0.04, 0.02], rtol=1e-6)
    config = keras.layers.Layer(activity_regularizer="l2", name="block").get_config()
    assert list(config) == ["name", "activity_regularizer", "trainable", "dtype"]   # TF 2.21


def test_activity_penalty_gradient_reaches_the_kernel():
    d = keras.layers.Dense(1, kernel_initializer="ones", use_bias=False,
                           activity_regularizer=keras.regularizers.l2(0.5))
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        _ = d(x)
        loss = sum(d.losses)
    # 0.5 * (3^2 + 7^2) / 2 = 14.5; d/dk = 0.5 * 2 * (3 * [1, 2] + 7 * [3, 4]) / 2
    assert float(loss) == pytest.approx(14.5)
    np.testing.assert_allclose(tape.gradient(loss, d.kernel).numpy(), [[12.0], [17.0]])


class Linear(keras.layers.Layer):
    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units),
                                 initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="random_normal",
                                 trainable=True)

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config


def test_get_config_and_from_config():
    layer = Linear(64, name="linear_7")
    config = layer.get_config()
    # TensorFlow 2.21's dict, in its order
    assert config == {"name": "linear_7", "trainable": True,
                      "dtype": {"module": "keras", "class_name": "DTypePolicy",
                                "config": {"name": "float32"}, "registered_name": None},
                      "units": 64}
    assert list(config) == ["name", "trainable", "dtype", "units"]
    new_layer = Linear.from_config(config)
    assert new_layer.units == 64 and new_layer.name == "linear_7" and new_layer.dtype == tf.float32


def test_from_config_of_a_layer_with_its_own_get_config():
    class Plain(keras.layers.Layer):
        def __init__(self, units=32):
            super().__init__()
            self.units = units

        def get_config(self):
            return {"units": self.units}

    assert Plain.from_config(Plain(64).get_config()).units == 64   # TensorFlow 2.21


def test_a_layer_called_on_a_tuple_of_tensors_passes_gradients():
    class Sampling(keras.layers.Layer):
        def call(self, inputs):
            z_mean, z_log_var = inputs
            return z_mean + tf.exp(0.5 * z_log_var) * 2.0

    z_mean, z_log_var = tf.Variable([[1.0, 2.0]]), tf.Variable([[0.0, 2.0]])
    with tf.GradientTape() as tape:
        z = Sampling()((z_mean, z_log_var))
    # TensorFlow 2.21: [[1, 1]] and exp(0.5 * v) = [[1, e]]
    g_mean, g_log_var = tape.gradient(z, [z_mean, z_log_var])
    np.testing.assert_allclose(g_mean.numpy(), [[1.0, 1.0]])
    np.testing.assert_allclose(g_log_var.numpy(), [[1.0, np.e]], rtol=1e-6)


# The guide's VAE; its Sampling layer draws epsilon with keras.backend.random_normal,
# replaced here by seeded NumPy draws (the same in TensorFlow's run) so the numbers compare.
_EPSILON = {}


class Sampling(keras.layers.Layer):
    """Uses (z_mean, z_log_var) to sample z, the vector encoding a digit."""

    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch = tf.shape(z_mean)[0]
        dim = tf.shape(z_mean)[1]
        epsilon = keras.backend.random_normal(shape=(batch, dim))
        assert epsilon.shape == z_mean.shape and epsilon.dtype == tf.float32
        epsilon = _EPSILON["now"]
        return z_mean + tf.exp(0.5 * z_log_var) * epsilon


class Encoder(keras.layers.Layer):
    """Maps MNIST digits to a triplet (z_mean, z_log_var, z)."""

    def __init__(self, latent_dim=32, intermediate_dim=64, name="encoder", **kwargs):
        super().__init__(name=name, **kwargs)
        self.dense_proj = keras.layers.Dense(intermediate_dim, activation="relu")
        self.dense_mean = keras.layers.Dense(latent_dim)
        self.dense_log_var = keras.layers.Dense(latent_dim)
        self.sampling = Sampling()

    def call(self, inputs):
        x = self.dense_proj(inputs)
        z_mean = self.dense_mean(x)
        z_log_var = self.dense_log_var(x)
        z = self.sampling((z_mean, z_log_var))
        return z_mean, z_log_var, z


class Decoder(keras.layers.Layer):
    """Converts z, the encoded digit vector, back into a readable digit."""

    def __init__(self, original_dim, intermediate_dim=64, name="decoder", **kwargs):
        super().__init__(name=name, **kwargs)
        self.dense_proj = keras.layers.Dense(intermediate_dim, activation="relu")
        self.dense_output = keras.layers.Dense(original_dim, activation="sigmoid")

    def call(self, inputs):
        x = self.dense_proj(inputs)
        return self.dense_output(x)


class VariationalAutoEncoder(keras.Model):
    """Combines the encoder and decoder into an end-to-end model for training."""

    def __init__(self, original_dim, intermediate_dim=64, latent_dim=32, name="autoencoder",
                 **kwargs):
        super().__init__(name=name, **kwargs)
        self.original_dim = original_dim
        self.encoder = Encoder(latent_dim=latent_dim, intermediate_dim=intermediate_dim)
        self.decoder = Decoder(original_dim, intermediate_dim=intermediate_dim)

    def call(self, inputs):
        z_mean, z_log_var, z = self.encoder(inputs)
        reconstructed = self.decoder(z)
        kl_loss = -0.5 * tf.reduce_mean(z_log_var - tf.square(z_mean) - tf.exp(z_log_var) + 1)
        self.add_loss(kl_loss)
        return reconstructed


def test_the_variational_autoencoder():
    vae = VariationalAutoEncoder(784, 64, 32)
    rs = np.random.RandomState(5)
    x_train = (rs.randint(0, 256, size=(128, 784)) / 255).astype("float32")
    _EPSILON["now"] = np.zeros((1, 32), "float32")
    vae(x_train[:1])
    assert (vae.name, vae.encoder.name) == ("autoencoder", "encoder")   # TF 2.21
    assert [tuple(w.shape) for w in vae.weights] == [   # TF 2.21's order
        (784, 64), (64,), (64, 32), (32,), (64, 32), (32,), (32, 64), (64,), (64, 784), (784,)]
    vae.set_weights([rs.normal(0, 0.05, w.shape).astype("float32") for w in vae.get_weights()])
    optimizer = keras.optimizers.Adam(learning_rate=1e-3)
    mse_loss_fn = keras.losses.MeanSquaredError()
    loss_metric = keras.metrics.Mean()
    printed = []
    for epoch in range(2):
        for step in range(2):
            x_batch_train = x_train[step * 64:(step + 1) * 64]
            _EPSILON["now"] = rs.normal(size=(64, 32)).astype("float32")
            with tf.GradientTape() as tape:
                reconstructed = vae(x_batch_train)
                loss = mse_loss_fn(x_batch_train, reconstructed)
                loss += sum(vae.losses)
            grads = tape.gradient(loss, vae.trainable_weights)
            optimizer.apply_gradients(zip(grads, vae.trainable_weights))
            loss_metric(loss)
            printed.append([float(loss_metric.result()), float(vae.losses[0])])
    # TensorFlow 2.21: the running mean loss and the KL loss after each step
    np.testing.assert_allclose(printed, [[0.129928, 0.045515], [0.116261, 0.018271],
                                         [0.109030, 0.010240], [0.104270, 0.005702]], atol=2e-6)


def test_the_variational_autoencoder_with_fit():
    rs = np.random.RandomState(5)
    x_train = (rs.randint(0, 256, size=(128, 784)) / 255).astype("float32")
    vae = VariationalAutoEncoder(784, 64, 32)
    _EPSILON["now"] = np.zeros((1, 32), "float32")
    vae(x_train[:1])
    rs2 = np.random.RandomState(6)
    vae.set_weights([rs2.normal(0, 0.05, w.shape).astype("float32") for w in vae.get_weights()])
    _EPSILON["now"] = rs2.normal(size=(64, 32)).astype("float32")
    optimizer = keras.optimizers.Adam(learning_rate=1e-3)
    vae.compile(optimizer, loss=keras.losses.MeanSquaredError())
    # shuffle=False: TensorFlow's shuffled order cannot be reproduced
    history = vae.fit(x_train, x_train, epochs=2, batch_size=64, shuffle=False, verbose=0)
    # TensorFlow 2.21: {'loss': [0.10381099581718445, 0.08900399506092072]}, then 0.08645157516002655
    np.testing.assert_allclose(history.history["loss"], [0.10381099581718445, 0.08900399506092072],
                               rtol=2e-6)
    assert list(history.history) == ["loss"]
    np.testing.assert_allclose(vae.evaluate(x_train, x_train, batch_size=64, verbose=0),
                               0.08645157516002655, rtol=2e-6)


def test_keras_random_draws():
    gen = keras.random.SeedGenerator(1337)
    a = keras.random.normal(shape=(2, 3), seed=gen)
    b = keras.random.normal(shape=(2, 3), seed=gen)
    assert a.shape == (2, 3) and a.dtype == tf.float32 and not np.array_equal(a.numpy(), b.numpy())
    labels = tf.zeros((4, 1))
    u = keras.random.uniform(tf.shape(labels), seed=gen)
    assert u.shape == (4, 1) and float(tf.reduce_min(u)) >= 0 and float(tf.reduce_max(u)) < 1
    # an int seed gives the same values on every call, as Keras 3's stateless draws
    np.testing.assert_array_equal(keras.random.normal((3,), seed=4).numpy(),
                                  keras.random.normal((3,), seed=4).numpy())
