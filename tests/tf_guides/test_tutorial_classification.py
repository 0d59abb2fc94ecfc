"""TensorFlow's "Basic classification: Classify images of clothing" tutorial run with
``import gradtape as tf``; Fashion-MNIST is replaced by seeded arrays of its shapes
and the weights by seeded NumPy draws. Expected values are TensorFlow 2.21's
(Keras 3), typed from its output."""
import numpy as np

import gradtape as tf

from .tutorial_data import image_dataset, set_seeded_weights

keras = tf.keras


def _trained_model():
    (train_images, train_labels), (test_images, test_labels) = image_dataset(
        256, 64, (28, 28), seed=3)
    assert train_images.shape == (256, 28, 28) and list(train_labels[:5]) == [2, 4, 0, 8, 5]
    train_images, test_images = train_images / 255.0, test_images / 255.0
    model = tf.keras.Sequential([
        tf.keras.layers.Flatten(input_shape=(28, 28)),
        tf.keras.layers.Dense(128, activation='relu'),
        tf.keras.layers.Dense(10)
    ])
    model.compile(optimizer='adam',
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=['accuracy'])
    model.build((None, 28, 28))
    set_seeded_weights(model, seed=4)
    history = model.fit(train_images, train_labels, epochs=2, shuffle=False, verbose=0)
    return model, history, test_images, test_labels


def test_fit_and_evaluate():
    model, history, test_images, test_labels = _trained_model()
    # TensorFlow 2.21's history and evaluate
    assert list(history.history) == ['accuracy', 'loss']
    np.testing.assert_allclose(history.history['accuracy'], [0.08203125, 0.140625])
    np.testing.assert_allclose(history.history['loss'], [2.346008777618408, 2.2775537967681885],
                               rtol=1e-6)
    test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=2)
    assert type(test_acc) is float and test_acc == 0.0625
    np.testing.assert_allclose(test_loss, 2.339285373687744, rtol=1e-6)


def test_predict_on_the_softmax_model():
    model, _, test_images, test_labels = _trained_model()
    probability_model = tf.keras.Sequential([model, tf.keras.layers.Softmax()])
    predictions = probability_model.predict(test_images, verbose=0)
    # TensorFlow 2.21: a float32 NumPy array of every batch's outputs
    assert type(predictions) is np.ndarray and predictions.dtype == np.float32
    assert predictions.shape == (64, 10)
    np.testing.assert_allclose(predictions[0], [
        0.09801013, 0.07454271, 0.11967269, 0.09703802, 0.07613894, 0.10951144,
        0.09726296, 0.08393203, 0.12738538, 0.11650576], rtol=1e-5)
    assert np.argmax(predictions[0]) == 8 and test_labels[0] == 5
    np.testing.assert_allclose(predictions[:, :3].sum(axis=0), [6.0981507, 4.878361, 7.7470727],
                               rtol=1e-5)
    img = np.expand_dims(test_images[1], 0)
    assert img.shape == (1, 28, 28)
    predictions_single = probability_model.predict(img, verbose=0)
    np.testing.assert_allclose(predictions_single, [[
        0.09605353, 0.0769967, 0.12103853, 0.09659073, 0.07658724, 0.10773618,
        0.09850207, 0.08310488, 0.12883858, 0.11455163]], rtol=1e-5)
    assert np.argmax(predictions_single[0]) == 8
    np.testing.assert_array_equal(probability_model.predict_on_batch(img), predictions_single)
    # a batch size that does not divide the data gives the same rows
    np.testing.assert_allclose(probability_model.predict(test_images, batch_size=5, verbose=0),
                               predictions, rtol=1e-6)


def test_predict_prints_one_line_per_call(capsys):
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, kernel_initializer='ones')])
    out = model.predict(np.ones((40, 2)))
    assert out.shape == (40, 1) and capsys.readouterr().out.startswith('2/2')


def test_predict_keeps_the_structure_of_the_outputs():
    # TensorFlow 2.21: a list (or dict) of float32 arrays, the batches joined
    inp = keras.Input((3,))
    a = keras.layers.Dense(2, kernel_initializer='ones')(inp)
    b = keras.layers.Dense(1, kernel_initializer='ones')(inp)
    x = np.arange(15.).reshape(5, 3)
    out = keras.Model(inp, [a, b]).predict(x, batch_size=2, verbose=0)
    assert type(out) is list and [o.shape for o in out] == [(5, 2), (5, 1)]
    assert all(o.dtype == np.float32 for o in out)
    np.testing.assert_array_equal(out[1][:, 0], [3.0, 12.0, 21.0, 30.0, 39.0])
    out = keras.Model(inp, {'x': a, 'y': b}).predict(x, batch_size=2, verbose=0)
    assert type(out) is dict and {k: v.shape for k, v in out.items()} == {'x': (5, 2), 'y': (5, 1)}
