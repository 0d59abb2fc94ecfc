"""Keras 3's guide "Writing a training loop from scratch in TensorFlow", run with
``import gradtape as tf`` (``keras = tf.keras``). MNIST is replaced by seeded
random arrays of the same shapes (96 training and 40 validation samples,
batches of 32) and the weights are set from seeded NumPy arrays, the same in
both runs. Expected values are TensorFlow 2.21's (Keras 3), typed from its
printout."""
import numpy as np
import pytest

import gradtape as tf

keras = tf.keras

_rng = np.random.RandomState(0)
x_train = _rng.randint(0, 256, size=(96, 784)).astype("float32") / 255.0
y_train = _rng.randint(0, 10, size=(96,)).astype("int64")
x_val = _rng.randint(0, 256, size=(40, 784)).astype("float32") / 255.0
y_val = _rng.randint(0, 10, size=(40,)).astype("int64")
batch_size = 32

_w = np.random.RandomState(1)
INIT = [a.astype("float32") for a in (
    _w.normal(0, 0.05, (784, 64)), _w.normal(0, 0.05, (64,)), _w.normal(0, 0.1, (64, 64)),
    _w.normal(0, 0.1, (64,)), _w.normal(0, 0.1, (64, 10)), _w.normal(0, 0.1, (10,)))]

# TensorFlow 2.21's per-batch losses, two epochs of three batches, and accuracies
LOSSES = [2.322184, 2.345410, 2.444036, 2.091566, 2.275082, 2.330972]
TRAIN_ACC = [0.114583, 0.156250]
VAL_ACC = [0.025000, 0.025000]


def batches(x, y):
    for i in range(0, len(x), batch_size):
        yield x[i:i + batch_size], y[i:i + batch_size]


def get_model():
    inputs = keras.Input(shape=(784,), name="digits")
    x1 = keras.layers.Dense(64, activation="relu")(inputs)
    x2 = keras.layers.Dense(64, activation="relu")(x1)
    outputs = keras.layers.Dense(10, name="predictions")(x2)
    model = keras.Model(inputs=inputs, outputs=outputs)
    model.set_weights(INIT)
    return model


def test_the_functional_model():
    model = get_model()
    # TensorFlow 2.21: an InputLayer named after the Input, then the three Dense layers
    assert [type(layer).__name__ for layer in model.layers] == [
        "InputLayer", "Dense", "Dense", "Dense"]
    assert model.layers[0].name == "digits" and model.layers[-1].name == "predictions"
    assert model.name.startswith("functional")
    assert [tuple(w.shape) for w in model.trainable_weights] == [
        (784, 64), (64,), (64, 64), (64,), (64, 10), (10,)]
    assert keras.Input(shape=(784,)).shape == (None, 784)
    assert repr(keras.Input(shape=(3,), batch_size=4, dtype="float64", name="x")) == (
        "<KerasTensor shape=(4, 3), dtype=float64, sparse=False, ragged=False, name=x>")


def test_functional_model_errors():
    inputs = keras.Input(shape=(3,))
    other = keras.Input(shape=(3,))
    outputs = keras.layers.Dense(2)(inputs)
    with pytest.raises(ValueError, match="is not connected to `inputs`"):   # TF 2.21
        keras.Model(other, outputs)
    with pytest.raises(ValueError, match="A KerasTensor cannot be used as input"):   # TF 2.21
        tf.concat([inputs, inputs], 0)


def _train_two_epochs(train_step, test_step, train_acc_metric, val_acc_metric):
    """The guide's epoch loop: the per-batch losses and each epoch's accuracies."""
    losses, train_acc, val_acc = [], [], []
    for epoch in range(2):
        for x_batch_train, y_batch_train in batches(x_train, y_train):
            losses.append(float(train_step(tf.constant(x_batch_train),
                                           tf.constant(y_batch_train))))
        train_acc.append(float(train_acc_metric.result()))
        train_acc_metric.reset_state()
        for x_batch_val, y_batch_val in batches(x_val, y_val):
            test_step(tf.constant(x_batch_val), tf.constant(y_batch_val))
        val_acc.append(float(val_acc_metric.result()))
        val_acc_metric.reset_state()
    np.testing.assert_allclose(losses, LOSSES, atol=2e-6)
    np.testing.assert_allclose(train_acc, TRAIN_ACC, atol=1e-6)
    np.testing.assert_allclose(val_acc, VAL_ACC, atol=1e-6)


@pytest.mark.parametrize("compiled", [False, True])
def test_an_end_to_end_loop_with_metrics(compiled):
    """The eager loop, then the same steps under tf.function: the same numbers."""
    model = get_model()
    optimizer = keras.optimizers.Adam(learning_rate=1e-3)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    train_acc_metric = keras.metrics.SparseCategoricalAccuracy()
    val_acc_metric = keras.metrics.SparseCategoricalAccuracy()

    def train_step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            loss_value = loss_fn(y, logits)
        grads = tape.gradient(loss_value, model.trainable_weights)
        optimizer.apply(grads, model.trainable_weights)
        train_acc_metric.update_state(y, logits)
        return loss_value

    def test_step(x, y):
        val_logits = model(x, training=False)
        val_acc_metric.update_state(y, val_logits)

    if compiled:
        train_step, test_step = tf.function(train_step), tf.function(test_step)
    _train_two_epochs(train_step, test_step, train_acc_metric, val_acc_metric)


class ActivityRegularizationLayer(keras.layers.Layer):
    def call(self, inputs):
        self.add_loss(1e-2 * tf.reduce_sum(inputs))
        return inputs


def test_losses_tracked_by_the_model():
    inputs = keras.Input(shape=(784,), name="digits")
    x = keras.layers.Dense(64, activation="relu")(inputs)
    x = ActivityRegularizationLayer()(x)
    x = keras.layers.Dense(64, activation="relu")(x)
    outputs = keras.layers.Dense(10, name="predictions")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    model.set_weights(INIT)
    assert len(model.losses) == 0   # TensorFlow 2.21: declaring the model adds no loss
    optimizer = keras.optimizers.Adam(learning_rate=1e-3)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            loss_value = loss_fn(y, logits)
            loss_value += sum(model.losses)
        grads = tape.gradient(loss_value, model.trainable_weights)
        optimizer.apply(grads, model.trainable_weights)
        return loss_value

    losses = [float(train_step(tf.constant(xb), tf.constant(yb)))
              for xb, yb in batches(x_train, y_train)]
    # TensorFlow 2.21: 9.781066, 6.642690, 4.506444
    np.testing.assert_allclose(losses, [9.781066, 6.642690, 4.506444], atol=2e-6)
    _ = model(x_val[:2])
    # TensorFlow 2.21: [0.04525319114327431], the one loss of the last call
    np.testing.assert_allclose([float(v) for v in model.losses], [0.04525319114327431],
                               rtol=2e-6)


@pytest.mark.parametrize("kernel, strides, padding, shape, total, loss, grad_sums", [
    # TensorFlow 2.21's output shape, sum of outputs, loss and gradient sums (kernel, bias)
    (3, 2, "valid", (2, 7, 5, 3), 86.56, 128.228, [876.0, 173.12]),
    (1, 3, "valid", (2, 9, 6, 3), 50.46, 23.6628, [68.94, 100.9199]),
    (2, 1, "valid", (2, 4, 3, 3), 25.96, 36.9416, [295.752, 51.92]),
    (3, 2, "same", (2, 6, 4, 3), 57.92, 85.7792, [621.08, 115.84]),
    ((2, 3), (1, 2), "same", (2, 3, 4, 3), 13.06, 6.69, [132.18, 26.12]),
])
def test_conv2d_transpose_layer(kernel, strides, padding, shape, total, loss, grad_sums):
    x = np.arange(2 * 3 * 2 * 2, dtype="float32").reshape(2, 3, 2, 2) / 10
    layer = keras.layers.Conv2DTranspose(3, kernel, strides=strides, padding=padding,
                                         activation="relu")
    layer(x)
    kshape = tuple(layer.kernel.shape)
    assert kshape[2:] == (3, 2)   # (height, width, filters, input channels), as Keras
    layer.kernel.assign((np.arange(np.prod(kshape)).reshape(kshape) % 7 - 3).astype("float32") / 5)
    layer.bias.assign(np.array([0.1, -0.2, 0.3], "float32"))
    with tf.GradientTape() as tape:
        y = layer(x)
        value = tf.reduce_sum(y * y)
    grads = tape.gradient(value, layer.trainable_weights)
    assert tuple(y.shape) == shape
    np.testing.assert_allclose([float(tf.reduce_sum(y)), float(value)], [total, loss], rtol=1e-5)
    np.testing.assert_allclose([float(tf.reduce_sum(g)) for g in grads], grad_sums, rtol=1e-5)


def test_a_gan_training_loop():
    discriminator = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(64, (3, 3), strides=(2, 2), padding="same"),
        keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Conv2D(128, (3, 3), strides=(2, 2), padding="same"),
        keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.GlobalMaxPooling2D(),
        keras.layers.Dense(1),
    ], name="discriminator")
    latent_dim = 128
    generator = keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        keras.layers.Dense(7 * 7 * 128),
        keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Reshape((7, 7, 128)),
        keras.layers.Conv2DTranspose(128, (4, 4), strides=(2, 2), padding="same"),
        keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Conv2DTranspose(128, (4, 4), strides=(2, 2), padding="same"),
        keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Conv2D(1, (7, 7), padding="same", activation="sigmoid"),
    ], name="generator")
    rs = np.random.RandomState(3)
    for model in (discriminator, generator):
        model.set_weights([rs.normal(0, 0.05, w.shape).astype("float32")
                           for w in model.get_weights()])
    d_optimizer = keras.optimizers.Adam(learning_rate=0.0003)
    g_optimizer = keras.optimizers.Adam(learning_rate=0.0004)
    loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)
    batch_size = 4

    # the guide's step; its random draws come in as arguments, the same in both runs
    @tf.function
    def train_step(real_images, random_latent_vectors, noise, random_latent_vectors2):
        generated_images = generator(random_latent_vectors)
        combined_images = tf.concat([generated_images, real_images], axis=0)
        labels = tf.concat([tf.ones((batch_size, 1)), tf.zeros((real_images.shape[0], 1))],
                           axis=0)
        labels += 0.05 * noise
        with tf.GradientTape() as tape:
            predictions = discriminator(combined_images)
            d_loss = loss_fn(labels, predictions)
        grads = tape.gradient(d_loss, discriminator.trainable_weights)
        d_optimizer.apply(grads, discriminator.trainable_weights)
        misleading_labels = tf.zeros((batch_size, 1))
        with tf.GradientTape() as tape:
            predictions = discriminator(generator(random_latent_vectors2))
            g_loss = loss_fn(misleading_labels, predictions)
        grads = tape.gradient(g_loss, generator.trainable_weights)
        g_optimizer.apply(grads, generator.trainable_weights)
        return d_loss, g_loss, generated_images

    data = np.random.RandomState(4)
    all_digits = data.rand(12, 28, 28, 1).astype("float32")
    printed = []
    for step in range(3):
        real = all_digits[step * 4:(step + 1) * 4]
        z1 = data.normal(size=(batch_size, latent_dim)).astype("float32")
        noise = data.rand(2 * batch_size, 1).astype("float32")
        z2 = data.normal(size=(batch_size, latent_dim)).astype("float32")
        d_loss, g_loss, generated = train_step(tf.constant(real), tf.constant(z1),
                                               tf.constant(noise), tf.constant(z2))
        printed.append([float(d_loss), float(g_loss), float(generated[0, 14, 14, 0]),
                        float(tf.reduce_mean(generated))])
    # TensorFlow 2.21: d_loss, g_loss, a generated pixel and the generated images' mean
    np.testing.assert_allclose(printed, [[0.698882, 0.730211, 0.575110, 0.443291],
                                         [0.703535, 0.714163, 0.562497, 0.436505],
                                         [0.702570, 0.706603, 0.122035, 0.444945]], atol=2e-6)


def test_conv2d_transpose_gradients():
    from gradtape.testing import check_gradients
    layer = keras.layers.Conv2DTranspose(2, 3, strides=2, padding="valid", dtype="float64",
                                         bias_initializer="ones")
    check_gradients(lambda x: layer(x), [np.random.default_rng(0).standard_normal((1, 2, 2, 3))])


# TensorFlow 2.21's printout of the guide's discriminator.summary()
DISCRIMINATOR_SUMMARY = """\
Model: "discriminator"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ conv2d (Conv2D)                 │ (None, 14, 14, 64)     │           640 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ leaky_re_lu (LeakyReLU)         │ (None, 14, 14, 64)     │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ conv2d_1 (Conv2D)               │ (None, 7, 7, 128)      │        73,856 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ leaky_re_lu_1 (LeakyReLU)       │ (None, 7, 7, 128)      │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ global_max_pooling2d            │ (None, 128)            │             0 │
│ (GlobalMaxPooling2D)            │                        │               │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 1)              │           129 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 74,625 (291.50 KB)
 Trainable params: 74,625 (291.50 KB)
 Non-trainable params: 0 (0.00 B)
"""

# TensorFlow 2.21's summary of a model with non-trainable weights and a long layer name
LONG_SUMMARY_TAIL = """\
│ batch_normalization             │ (None, 3)              │            12 │
│ (BatchNormalization)            │                        │               │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ a_very_long_layer_name_that_wr… │ (None, 300000)         │     1,200,000 │
│ (Dense)                         │                        │               │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 1,200,027 (4.58 MB)
 Trainable params: 1,200,021 (4.58 MB)
 Non-trainable params: 6 (24.00 B)
"""


def test_summary(capsys):
    layers = keras.layers
    names = ("conv2d", "leaky_re_lu", "conv2d_1", "leaky_re_lu_1", "global_max_pooling2d", "dense")
    discriminator = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(64, (3, 3), strides=(2, 2), padding="same", name=names[0]),
        layers.LeakyReLU(negative_slope=0.2, name=names[1]),
        layers.Conv2D(128, (3, 3), strides=(2, 2), padding="same", name=names[2]),
        layers.LeakyReLU(negative_slope=0.2, name=names[3]),
        layers.GlobalMaxPooling2D(name=names[4]),
        layers.Dense(1, name=names[5]),
    ], name="discriminator")
    discriminator.summary()
    assert capsys.readouterr().out == DISCRIMINATOR_SUMMARY
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3),
                              layers.BatchNormalization(name="batch_normalization"),
                              layers.Dense(300000, name="a_very_long_layer_name_that_wraps_around")])
    model.summary()
    assert capsys.readouterr().out.endswith(LONG_SUMMARY_TAIL)
    keras.Sequential([layers.Dense(2)]).summary()   # TF 2.21 lists an unbuilt model's layers
    assert "│ ?                      │   0 (unbuilt) │" in capsys.readouterr().out
