"""TensorFlow's "Convolutional Neural Network (CNN)" tutorial run with
``import gradtape as tf``; CIFAR-10 is replaced by seeded arrays of its shapes and
the weights by seeded NumPy draws. Expected values are TensorFlow 2.21's (Keras 3),
typed from its output."""
import numpy as np
import pytest

import gradtape as tf

from .tutorial_data import image_dataset, set_seeded_weights

layers, models = tf.keras.layers, tf.keras.models


def test_cnn_fit_with_validation_data_and_evaluate(capsys):
    (train_images, train_labels), (test_images, test_labels) = image_dataset(
        200, 50, (32, 32, 3), seed=5)
    train_labels, test_labels = train_labels.reshape(-1, 1), test_labels.reshape(-1, 1)
    train_images, test_images = train_images / 255.0, test_images / 255.0
    model = models.Sequential()
    model.add(layers.Conv2D(32, (3, 3), activation='relu', input_shape=(32, 32, 3)))
    model.add(layers.MaxPooling2D((2, 2)))
    model.add(layers.Conv2D(64, (3, 3), activation='relu'))
    model.add(layers.MaxPooling2D((2, 2)))
    model.add(layers.Conv2D(64, (3, 3), activation='relu'))
    model.add(layers.Flatten())
    model.add(layers.Dense(64, activation='relu'))
    model.add(layers.Dense(10))
    model.summary()
    assert "Total params: 122,570 (478.79 KB)" in capsys.readouterr().out   # TensorFlow 2.21
    set_seeded_weights(model, seed=6)
    model.compile(optimizer='adam',
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=['accuracy'])
    history = model.fit(train_images, train_labels, epochs=2, shuffle=False,
                        validation_data=(test_images, test_labels))
    # TensorFlow 2.21's history: the training logs in name order, then the val_ ones
    assert list(history.history) == ['accuracy', 'loss', 'val_accuracy', 'val_loss']
    expected = {'accuracy': [0.10000000149011612, 0.10499999672174454],
                'loss': [2.3261754512786865, 2.299994707107544],
                'val_accuracy': [0.10000000149011612, 0.07999999821186066],
                'val_loss': [2.3151869773864746, 2.3200528621673584]}
    for name, values in expected.items():
        np.testing.assert_allclose(history.history[name], values, rtol=1e-6)
    assert "val_accuracy: 0.0800 - val_loss: 2.3201" in capsys.readouterr().out
    test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=2)
    np.testing.assert_allclose([test_acc, test_loss], [0.07999999821186066, 2.3200528621673584],
                               rtol=1e-6)
    np.testing.assert_allclose(model(test_images[:2]).numpy(), [
        [-0.11273903, -0.17391826, -0.28059042, -0.23670232, 0.15167026, -0.21457723,
         0.05522129, -0.04819787, -0.124796, 0.09026062],
        [-0.11242086, -0.17360033, -0.28052226, -0.23656696, 0.15151139, -0.21449918,
         0.05492416, -0.04836166, -0.12489754, 0.09036927]], rtol=1e-5, atol=1e-7)


def test_validation_data_must_be_a_tuple_of_arrays():
    # TensorFlow 2.21 raises ValueError for both
    model = models.Sequential([layers.Dense(1)])
    model.compile(loss='mse')
    for bad in [np.ones((2, 1)), (np.ones((2, 1)),)]:
        with pytest.raises(ValueError, match="validation_data"):
            model.fit(np.ones((2, 1)), np.ones((2, 1)), validation_data=bad, verbose=0)


def test_validation_data_with_weights_and_its_own_batch_size():
    # TensorFlow 2.21's history (one epoch, 'accuracy' on one output column is binary)
    model = models.Sequential([layers.Dense(1, kernel_initializer='ones')])
    model.compile(loss='mse', metrics=['accuracy', 'mae'])
    history = model.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0, validation_batch_size=1,
                        validation_data=(np.ones((2, 3)), np.ones((2, 1))))
    assert history.history == {'accuracy': [1.0], 'loss': [4.0], 'mae': [2.0],
                               'val_accuracy': [1.0], 'val_loss': [3.94956374168396],
                               'val_mae': [1.9873509407043457]}
    history = model.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0,
                        validation_data=(np.ones((2, 3)), np.ones((2, 1)), np.array([1., 0.])))
    expected = {'accuracy': [1.0], 'loss': [3.94956374168396], 'mae': [1.9873509407043457],
                'val_accuracy': [1.0], 'val_loss': [1.9566413164138794],
                'val_mae': [1.9782018661499023]}
    assert list(history.history) == list(expected)
    for name, values in expected.items():
        np.testing.assert_allclose(history.history[name], values, rtol=1e-6)
