"""``fit`` and ``evaluate`` run ``train_step``/``test_step`` under ``gradtape.function``,
as Keras 3 wraps them in ``tf.function`` unless ``run_eagerly=True``: a Python side effect
in the step happens while tracing, and the numbers are the eager ones. Expected values
are TensorFlow 2.21's (Keras 3), typed from its output."""
import numpy as np

import gradtape as tf


class _Counted(tf.keras.Model):
    def __init__(self, calls):
        super().__init__()
        self.calls = calls
        self.dense = tf.keras.layers.Dense(1, kernel_initializer="zeros")

    def call(self, x):
        return self.dense(x)

    def train_step(self, data):
        self.calls.append(tuple(data[0].shape))
        return super().train_step(data)


def _data():
    x = np.arange(8, dtype="float32").reshape(8, 1) / 8
    return x, 2 * x


def test_fit_traces_its_step_and_gives_the_eager_numbers():
    calls = []
    model = _Counted(calls)
    model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
    history = model.fit(*_data(), batch_size=4, epochs=2, shuffle=False, verbose=0)
    # TensorFlow 2.21: traced twice (the first call creates the optimizer's Variables),
    # nothing in the second epoch; losses [0.97315, 0.46346]
    assert calls == [(4, 1), (4, 1)]
    np.testing.assert_allclose(history.history["loss"], [0.97315, 0.46346], rtol=1e-5)
    np.testing.assert_allclose(model.evaluate(*_data(), batch_size=4, verbose=0),
                               0.27034714818000793, rtol=1e-6)


def test_run_eagerly_calls_the_step_for_every_batch():
    calls = []
    model = _Counted(calls)
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    model.fit(*_data(), batch_size=4, epochs=1, shuffle=False, verbose=0)
    assert calls == [(4, 1), (4, 1)]   # TensorFlow 2.21: once per batch


def test_a_step_sized_by_the_batch_compiles():
    # tf.shape(x)[0] as a size (Keras' GAN guide): read on every compiled call
    @tf.function
    def column(x):
        return tf.ones((tf.shape(x)[0], 1)) + tf.zeros(tf.shape(x)[:1])[:, None]
    assert [column(tf.ones((n, 2))).shape for n in (3, 5, 3)] == [(3, 1), (5, 1), (3, 1)]
    assert column.experimental_get_tracing_count() == 2
