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
