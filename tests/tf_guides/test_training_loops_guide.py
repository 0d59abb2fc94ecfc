"""The "Basic training loops" guide (site/en/guide/basic_training_loops.ipynb),
its code cells adapted: the noise is NumPy's with a fixed seed.  Expected
values are TensorFlow 2.21's (with Keras 3), typed from its output."""
import numpy as np
import pytest

import gradtape as tf

TRUE_W, TRUE_B, NUM_EXAMPLES = 3.0, 2.0, 201


def _data():
    x = tf.cast(tf.linspace(-2, 2, NUM_EXAMPLES), tf.float32)
    noise = tf.constant(np.random.default_rng(3).normal(size=NUM_EXAMPLES).astype(np.float32))
    return x, x * TRUE_W + TRUE_B + noise


class MyModel(tf.Module):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.w = tf.Variable(5.0)
        self.b = tf.Variable(0.0)

    def __call__(self, x):
        return self.w * x + self.b


class MyModelKeras(tf.keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.w = tf.Variable(5.0)
        self.b = tf.Variable(0.0)

    def call(self, x):
        return self.w * x + self.b


def loss(target_y, predicted_y):
    return tf.reduce_mean(tf.square(target_y - predicted_y))


def train(model, x, y, learning_rate):
    with tf.GradientTape() as t:
        current_loss = loss(y, model(x))
    dw, db = t.gradient(current_loss, [model.w, model.b])
    model.w.assign_sub(learning_rate * dw)
    model.b.assign_sub(learning_rate * db)


def report(model, loss):
    return f"W = {model.w.numpy():1.2f}, b = {model.b.numpy():1.2f}, loss={loss:2.5f}"


def training_loop(model, x, y):
    lines = []
    for _ in range(10):
        train(model, x, y, learning_rate=0.1)
        lines.append(report(model, loss(y, model(x))))
    return lines


# TensorFlow 2.21's printout, epochs 0 to 9
EPOCHS = ["W = 4.49, b = 0.41, loss=6.37067", "W = 4.11, b = 0.74, loss=4.18055",
          "W = 3.84, b = 1.00, loss=2.90792", "W = 3.64, b = 1.21, loss=2.16234",
          "W = 3.49, b = 1.38, loss=1.72195", "W = 3.38, b = 1.52, loss=1.45973",
          "W = 3.31, b = 1.62, loss=1.30240", "W = 3.25, b = 1.71, loss=1.20730",
          "W = 3.21, b = 1.78, loss=1.14943", "W = 3.18, b = 1.84, loss=1.11398"]


def test_the_module_trains_as_in_tensorflow():
    x, y = _data()
    model = MyModel()
    assert [float(v.numpy()) for v in model.variables] == [0.0, 5.0]  # b, then w (by name)
    assert model(3.0).numpy() == 15.0
    assert "%1.6f" % loss(y, model(x)).numpy() == "10.170427"  # TensorFlow 2.21
    assert report(model, loss(y, model(x))) == "W = 5.00, b = 0.00, loss=10.17043"
    assert training_loop(model, x, y) == EPOCHS
    # TensorFlow: 3.177742 and 1.8354149 (float32 sums differ in the last place)
    np.testing.assert_allclose([model.w.numpy(), model.b.numpy()], [3.177742, 1.8354149],
                               rtol=1e-6)


def test_the_keras_model_trains_the_same_but_lists_no_variables():
    x, y = _data()
    keras_model = MyModelKeras()
    assert training_loop(keras_model, x, y) == EPOCHS
    # TensorFlow 2.21 (Keras 3): tf.Variable attributes are not a model's variables
    assert keras_model.variables == [] and keras_model.trainable_variables == []
    assert keras_model.weights == []


def test_an_optimizer_given_no_variables_refuses_as_keras_does():
    x, y = _data()
    km = MyModelKeras()
    with tf.GradientTape() as t:
        current = loss(y, km(x))
    grads = t.gradient(current, km.trainable_variables)
    assert grads == []
    # TensorFlow 2.21: ValueError: not enough values to unpack (expected 2, got 0)
    with pytest.raises(ValueError, match="not enough values to unpack"):
        tf.keras.optimizers.SGD(learning_rate=0.1).apply_gradients(
            zip(grads, km.trainable_variables))
    assert km.w.numpy() == 5.0


def test_keras_fit_trains_no_plain_variables_as_in_keras_3():
    # TensorFlow 2.21 (Keras 3) tracks no plain tf.Variable of a Model: the guide's fit
    # keeps w = 5 and b = 0, and the loss stays 10.17043 for all ten epochs
    x, y = _data()
    keras_model = MyModelKeras()
    keras_model.compile(run_eagerly=False,
                        optimizer=tf.keras.optimizers.SGD(learning_rate=0.1),
                        loss=tf.keras.losses.MeanSquaredError())
    history = keras_model.fit(x, y, epochs=10, batch_size=1000, verbose=0)
    np.testing.assert_allclose(history.history["loss"], [10.17043] * 10, rtol=1e-6)
    assert (keras_model.w.numpy(), keras_model.b.numpy()) == (5.0, 0.0)


def test_keras_saving_is_out_of_scope():
    keras_model = MyModelKeras()
    with pytest.raises(NotImplementedError, match="Checkpoint"):
        keras_model.save_weights("my_checkpoint.weights.h5")
