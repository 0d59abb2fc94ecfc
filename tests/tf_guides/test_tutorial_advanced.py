"""TensorFlow's "quickstart for experts" tutorial run with ``import gradtape as tf``:
a subclassed Conv2D model trained by a ``tf.function`` step with Keras metrics.
MNIST is replaced by seeded arrays of its shapes (batched by hand instead of
``tf.data``) and the weights by seeded NumPy draws. Expected values are
TensorFlow 2.21's (Keras 3), typed from its output."""
import numpy as np

import gradtape as tf

from .tutorial_data import image_dataset, set_seeded_weights

Dense, Flatten, Conv2D = tf.keras.layers.Dense, tf.keras.layers.Flatten, tf.keras.layers.Conv2D
Model = tf.keras.Model


class MyModel(Model):
    def __init__(self):
        super().__init__()
        self.conv1 = Conv2D(32, 3, activation='relu')
        self.flatten = Flatten()
        self.d1 = Dense(128, activation='relu')
        self.d2 = Dense(10)

    def call(self, x):
        x = self.conv1(x)
        x = self.flatten(x)
        x = self.d1(x)
        return self.d2(x)


def _batches(x, y):
    return [(x[i:i + 32], y[i:i + 32]) for i in range(0, len(x), 32)]


def test_custom_training_loop_with_keras_metrics():
    (x_train, y_train), (x_test, y_test) = image_dataset(128, 64, (28, 28), seed=7)
    x_train, x_test = x_train / 255.0, x_test / 255.0
    x_train = x_train[..., tf.newaxis].astype("float32")
    x_test = x_test[..., tf.newaxis].astype("float32")
    train_ds, test_ds = _batches(x_train, y_train), _batches(x_test, y_test)
    model = MyModel()
    model(x_train[:1])
    set_seeded_weights(model, seed=8)
    loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = tf.keras.optimizers.Adam()
    train_loss = tf.keras.metrics.Mean(name='train_loss')
    train_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name='train_accuracy')
    test_loss = tf.keras.metrics.Mean(name='test_loss')
    test_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name='test_accuracy')

    @tf.function
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            predictions = model(images, training=True)
            loss = loss_object(labels, predictions)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        train_loss(loss)
        train_accuracy(labels, predictions)

    @tf.function
    def test_step(images, labels):
        predictions = model(images, training=False)
        t_loss = loss_object(labels, predictions)
        test_loss(t_loss)
        test_accuracy(labels, predictions)

    lines = []
    for epoch in range(2):
        for metric in (train_loss, train_accuracy, test_loss, test_accuracy):
            metric.reset_state()
        for images, labels in train_ds:
            train_step(images, labels)
        for test_images, test_labels in test_ds:
            test_step(test_images, test_labels)
        lines.append(f'Epoch {epoch + 1}, '
                     f'Loss: {train_loss.result():0.6f}, '
                     f'Accuracy: {train_accuracy.result() * 100:0.6f}, '
                     f'Test Loss: {test_loss.result():0.6f}, '
                     f'Test Accuracy: {test_accuracy.result() * 100:0.6f}')
    # TensorFlow 2.21's printout
    assert lines == [
        'Epoch 1, Loss: 2.457141, Accuracy: 8.593750, Test Loss: 2.372524, '
        'Test Accuracy: 9.375000',
        'Epoch 2, Loss: 2.239393, Accuracy: 17.187500, Test Loss: 2.335957, '
        'Test Accuracy: 14.062500']
    np.testing.assert_allclose(train_loss.result().numpy(), 2.2393928, rtol=1e-6)
    assert test_accuracy.result().numpy() == np.float32(0.140625)
    np.testing.assert_allclose(model(x_test[:1]).numpy(), [[
        -0.23738527, 0.0705896, -0.60320985, -0.00131652, 0.28940314, -0.06433162,
        0.41994372, -0.8664784, 0.20728517, -0.04226723]], rtol=1e-5, atol=1e-7)
    # TensorFlow 2.21: 8 optimizer steps and a tracing count of 2
    assert optimizer.iterations.numpy() == 8
    assert train_step.experimental_get_tracing_count() == 2
