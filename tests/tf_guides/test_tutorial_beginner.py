"""TensorFlow's "quickstart for beginners" tutorial run with ``import gradtape as tf``;
MNIST is replaced by seeded arrays of its shapes and the weights by seeded NumPy
draws. Expected values are TensorFlow 2.21's (Keras 3), typed from its output."""
import numpy as np

import gradtape as tf

from .tutorial_data import image_dataset, set_seeded_weights


def _data():
    (x_train, y_train), (x_test, y_test) = image_dataset(256, 64, (28, 28), seed=0)
    return (x_train / 255.0, y_train), (x_test / 255.0, y_test)


def _model(*middle):
    return tf.keras.models.Sequential([
        tf.keras.layers.Flatten(input_shape=(28, 28)),
        tf.keras.layers.Dense(128, activation='relu'),
        *middle,
        tf.keras.layers.Dense(10)
    ])


def test_untrained_predictions_and_loss():
    (x_train, y_train), _ = _data()
    model = _model(tf.keras.layers.Dropout(0.2))
    predictions = model(x_train[:1]).numpy()
    assert [w.shape for w in model.get_weights()] == [(784, 128), (128,), (128, 10), (10,)]
    set_seeded_weights(model, seed=1)
    predictions = model(x_train[:1]).numpy()
    assert predictions.dtype == np.float32
    # TensorFlow 2.21's logits, softmax and loss
    np.testing.assert_allclose(predictions, [[
        -0.2025507, -0.2886374, -0.014348, -0.4009413, -0.1687268, -0.4751758,
        -0.2701515, 0.4482473, -0.3050375, -0.2510638]], rtol=2e-6, atol=1e-7)
    np.testing.assert_allclose(tf.nn.softmax(predictions).numpy(), [[
        0.095718, 0.0878226, 0.1155391, 0.0784935, 0.0990109, 0.0728776, 0.0894612,
        0.183498, 0.0863941, 0.0911852]], rtol=1e-5)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    loss = loss_fn(y_train[:1], predictions).numpy()
    assert loss.dtype == np.float32
    np.testing.assert_allclose(loss, 2.3125255, rtol=1e-6)


def test_compile_with_accuracy_fit_evaluate_and_softmax_model():
    # Dropout is left out: its masks come from each library's own random numbers
    (x_train, y_train), (x_test, y_test) = _data()
    model = _model()
    model(x_train[:1])
    set_seeded_weights(model, seed=1)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer='adam', loss=loss_fn, metrics=['accuracy'])
    assert [m.name for m in model.metrics] == ['loss', 'compile_metrics']   # TensorFlow 2.21
    history = model.fit(x_train, y_train, epochs=2, shuffle=False, verbose=0)
    # TensorFlow 2.21: the keys in name order, 'accuracy' first
    assert list(history.history) == ['accuracy', 'loss']
    np.testing.assert_allclose(history.history['accuracy'], [0.05859375, 0.16796875])
    np.testing.assert_allclose(history.history['loss'], [2.3487815856933594, 2.273864269256592],
                               rtol=1e-6)
    # TensorFlow 2.21's evaluate: [loss, accuracy]
    np.testing.assert_allclose(model.evaluate(x_test, y_test, verbose=0),
                               [2.333664655685425, 0.140625], rtol=1e-6)
    assert type(model.metrics[1].metrics[0]).__name__ == 'SparseCategoricalAccuracy'
    probability_model = tf.keras.Sequential([model, tf.keras.layers.Softmax()])
    np.testing.assert_allclose(probability_model(x_test[:2]).numpy(), [
        [0.12845854, 0.09176682, 0.08518709, 0.1181088, 0.09124343, 0.1275691,
         0.12841772, 0.05389253, 0.10811318, 0.06724267],
        [0.12898333, 0.09271773, 0.08421829, 0.11682481, 0.09181988, 0.12842141,
         0.12645975, 0.05497377, 0.10676309, 0.06881785]], rtol=1e-5)


def test_accuracy_picks_its_class_from_the_shapes():
    # TensorFlow 2.21 (Keras 3): BinaryAccuracy for one output column,
    # CategoricalAccuracy for one-hot targets; the metric keeps the name given
    x = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], np.float32)
    for units, y, cls, expected in [
            (1, np.array([[1.0], [0.0], [1.0]], np.float32), 'BinaryAccuracy', [0.0, 2.0]),
            (2, np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 0.0]], np.float32),
             'CategoricalAccuracy', [0.6666666865348816, 1.1666666269302368])]:
        model = tf.keras.Sequential([tf.keras.layers.Dense(units)])
        model.build((None, 2))
        model.set_weights([np.array([[1.0] * units, [-1.0] * units], np.float32),
                           np.zeros(units, np.float32)])
        model.compile(loss='mse', metrics=['acc'])
        logs = model.evaluate(x, y, verbose=0, return_dict=True)
        assert list(logs) == ['acc', 'loss']
        assert type(model.metrics[1].metrics[0]).__name__ == cls
        np.testing.assert_allclose([logs['acc'], logs['loss']], expected, rtol=1e-6)
