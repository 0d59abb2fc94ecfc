"""Keras 3's guide "Customizing what happens in fit() with TensorFlow", run with
``import gradtape as tf`` (``keras = tf.keras``). The random data become 96 seeded
samples, the Dense layer's weights are set the same in both runs, and ``fit`` gets
``shuffle=False, verbose=0`` (TensorFlow's shuffled order cannot be reproduced).
Expected values are TensorFlow 2.21's (Keras 3), typed from its printout."""
import numpy as np
import pytest

import gradtape as tf

keras = tf.keras
layers = keras.layers

_rs = np.random.RandomState(0)
W0 = [np.linspace(-0.3, 0.3, 32).reshape(32, 1).astype("float32"), np.array([0.1], "float32")]
x = _rs.random_sample((96, 32))
y = _rs.random_sample((96, 1))
sw = _rs.random_sample((96, 1))


def build(model_class=keras.Model):
    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1)(inputs)
    model = model_class(inputs, outputs)
    model.set_weights(W0)
    return model


class FirstModel(keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply(gradients, trainable_vars)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


# TensorFlow 2.21's three epochs of the first example (and the first three of the second)
LOSS = [0.3281417787075043, 0.2906090319156647, 0.2587887942790985]
MAE = [0.4848477840423584, 0.4559917151927948, 0.42941346764564514]


def test_a_first_simple_example():
    model = build(FirstModel)
    assert model.metrics == []   # TensorFlow 2.21: no metric before compile
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    assert [m.name for m in model.metrics] == ["loss", "compile_metrics"]   # TF 2.21
    history = model.fit(x, y, epochs=3, shuffle=False, verbose=0)
    assert sorted(history.history) == ["loss", "mae"]
    np.testing.assert_allclose(history.history["loss"], LOSS, rtol=2e-6)
    np.testing.assert_allclose(history.history["mae"], MAE, rtol=2e-6)


def test_a_train_step_called_by_hand_returns_the_nested_metrics():
    model = build(FirstModel)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    logs = model.train_step((tf.constant(x[:4], tf.float32), tf.constant(y[:4], tf.float32)))
    # TensorFlow 2.21: {'loss': ..., 'compile_metrics': {'mae': ...}}
    assert list(logs) == ["loss", "compile_metrics"] and list(logs["compile_metrics"]) == ["mae"]


class LowerLevelModel(keras.Model):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")
        self.loss_fn = keras.losses.MeanSquaredError()

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.loss_fn(y, y_pred)
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply(gradients, trainable_vars)
        self.loss_tracker.update_state(loss)
        self.mae_metric.update_state(y, y_pred)
        return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

    @property
    def metrics(self):
        return [self.loss_tracker, self.mae_metric]


def test_going_lower_level():
    model = build(LowerLevelModel)
    model.compile(optimizer="adam")
    history = model.fit(x, y, epochs=5, shuffle=False, verbose=0)
    # TensorFlow 2.21: the metrics are reset at each epoch's start
    np.testing.assert_allclose(history.history["loss"], LOSS + [0.2326553612947464,
                                                               0.21206872165203094], rtol=2e-6)
    np.testing.assert_allclose(history.history["mae"], MAE + [0.40748509764671326,
                                                             0.3899271786212921], rtol=2e-6)


class WeightedModel(keras.Model):
    def train_step(self, data):
        if len(data) == 3:
            x, y, sample_weight = data
        else:
            sample_weight = None
            x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred, sample_weight=sample_weight)
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply(gradients, trainable_vars)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred, sample_weight=sample_weight)
        return {m.name: m.result() for m in self.metrics}


def test_supporting_sample_weight():
    model = build(WeightedModel)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    history = model.fit(x, y, sample_weight=sw, epochs=3, shuffle=False, verbose=0)
    # TensorFlow 2.21 (the compiled "mae" is unweighted, as Keras' `metrics=`)
    np.testing.assert_allclose(history.history["loss"],
                               [0.158408522605896, 0.13926155865192413, 0.12294112890958786],
                               rtol=2e-6)
    np.testing.assert_allclose(history.history["mae"],
                               [0.48485997319221497, 0.4563160836696625, 0.43012580275535583],
                               rtol=2e-6)


class EvalModel(keras.Model):
    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def test_providing_your_own_evaluation_step():
    model = build(EvalModel)
    model.compile(loss="mse", metrics=["mae"])
    # TensorFlow 2.21: [0.3429884612560272, 0.4975045919418335]
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0),
                               [0.3429884612560272, 0.4975045919418335], rtol=2e-6)


def test_the_default_train_and_test_steps():
    model = build()
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    history = model.fit(x, y, sample_weight=sw, epochs=2, batch_size=40, shuffle=False,
                        verbose=0)
    # TensorFlow 2.21: the loss tracker weights each batch by its size (40, 40, 16)
    np.testing.assert_allclose(history.history["loss"],
                               [0.16089840233325958, 0.14136265218257904], rtol=2e-6)
    np.testing.assert_allclose(history.history["mae"],
                               [0.48879802227020264, 0.4597071707248688], rtol=2e-6)
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    np.testing.assert_allclose([logs["loss"], logs["mae"]],
                               [0.27005210518836975, 0.4399673044681549], rtol=2e-6)


def test_engine_errors():
    model = build()
    with pytest.raises(ValueError, match="You must call `compile"):
        model.fit(x, y)
    model.compile(optimizer="adam")
    with pytest.raises(ValueError, match="No loss to compute"):   # TensorFlow 2.21
        model.fit(x, y, verbose=0)
    with pytest.raises(NotImplementedError, match="validation_split"):
        model.fit(x, y, validation_split=0.5)
    with pytest.raises(NotImplementedError, match="'crossentropy'"):
        model.compile(loss="mse", metrics=["crossentropy"])


def test_shapes_holding_scalar_tensors():
    # TensorFlow 2.21 takes a scalar integer tensor among a shape's sizes
    b = tf.shape(tf.zeros((3, 2)))[0]
    assert tf.ones((b, 1)).shape == (3, 1) and tf.zeros([b, 2]).shape == (3, 2)
    assert tf.random.normal((b, 2)).shape == (3, 2)


class GAN(keras.Model):
    def __init__(self, discriminator, generator, latent_dim):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.seed_generator = keras.random.SeedGenerator(1337)

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn

    def train_step(self, real_images):
        if isinstance(real_images, tuple):
            real_images = real_images[0]
        batch_size = tf.shape(real_images)[0]
        random_latent_vectors = keras.random.normal(
            shape=(batch_size, self.latent_dim), seed=self.seed_generator)
        generated_images = self.generator(random_latent_vectors)
        combined_images = tf.concat([generated_images, real_images], axis=0)
        labels = tf.concat([tf.ones((batch_size, 1)), tf.zeros((batch_size, 1))], axis=0)
        labels += 0.05 * keras.random.uniform(tf.shape(labels), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            predictions = self.discriminator(combined_images)
            d_loss = self.loss_fn(labels, predictions)
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply(grads, self.discriminator.trainable_weights)
        random_latent_vectors = keras.random.normal(
            shape=(batch_size, self.latent_dim), seed=self.seed_generator)
        misleading_labels = tf.zeros((batch_size, 1))
        with tf.GradientTape() as tape:
            predictions = self.discriminator(self.generator(random_latent_vectors))
            g_loss = self.loss_fn(misleading_labels, predictions)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply(grads, self.generator.trainable_weights)
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}


def test_an_end_to_end_gan_with_fit():
    # the guide's networks, narrower and for 14x14 images; its random draws are NumPy's, so only the run is checked
    discriminator = keras.Sequential([
        keras.Input(shape=(14, 14, 1)),
        layers.Conv2D(8, (3, 3), strides=(2, 2), padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.GlobalMaxPooling2D(),
        layers.Dense(1),
    ], name="discriminator")
    latent_dim = 16
    generator = keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        layers.Dense(7 * 7 * 8),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Reshape((7, 7, 8)),
        layers.Conv2DTranspose(8, (4, 4), strides=(2, 2), padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2D(1, (7, 7), padding="same", activation="sigmoid"),
    ], name="generator")
    all_digits = np.random.RandomState(0).rand(8, 14, 14, 1).astype("float32")
    gan = GAN(discriminator=discriminator, generator=generator, latent_dim=latent_dim)
    gan.compile(d_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
                g_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
                loss_fn=keras.losses.BinaryCrossentropy(from_logits=True))
    before = [w.numpy() for w in gan.trainable_weights]
    history = gan.fit(all_digits, epochs=2, batch_size=4, verbose=0)
    assert sorted(history.history) == ["d_loss", "g_loss"]
    assert all(len(v) == 2 and np.isfinite(v).all() for v in history.history.values())
    assert all(not np.array_equal(a, w.numpy()) for a, w in zip(before, gan.trainable_weights))
