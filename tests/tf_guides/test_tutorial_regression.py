"""TensorFlow's tutorial "Basic regression: Predict fuel efficiency"
(keras/regression), run with ``import gradtape as tf``. The auto-mpg data is
replaced by seeded synthetic data of the same shape (9 features: six numbers and
a one-hot origin; 80 training and 20 test rows), the trainable weights are set
from a seeded generator and ``fit`` runs with ``shuffle=False``, so both
libraries compute alike. Expected values are TensorFlow 2.21's (Keras 3),
typed from its output."""
import numpy as np
import pytest

import gradtape as tf

layers = tf.keras.layers


def _data():
    rng = np.random.default_rng(0)
    n = 100
    num = rng.normal(size=(n, 6)) * [1.7, 100., 38., 850., 2.8, 3.7] \
        + [5.5, 195., 104., 2990., 15.5, 76.]
    features = np.concatenate([num, np.eye(3)[rng.integers(0, 3, size=n)]], axis=1)
    mpg = 46 - 0.008 * features[:, 3] - 0.05 * features[:, 2] \
        + 0.3 * (features[:, 5] - 76) + rng.normal(size=n)
    return features[:80], features[80:], mpg[:80], mpg[80:]


def _set_trainable_weights(model, seed):
    rng = np.random.default_rng(seed)
    model.set_weights([v.numpy() if not v.trainable else
                       rng.normal(scale=0.3, size=tuple(v.shape)).astype(np.float32)
                       for v in model.weights])


def build_and_compile_model(norm):
    model = tf.keras.Sequential([norm, layers.Dense(64, activation='relu'),
                                 layers.Dense(64, activation='relu'), layers.Dense(1)])
    model.compile(loss='mean_absolute_error', optimizer=tf.keras.optimizers.Adam(0.001))
    return model


def test_regression_tutorial(capsys):
    train_features, test_features, train_labels, test_labels = _data()
    normalizer = tf.keras.layers.Normalization(axis=-1)
    normalizer.adapt(np.array(train_features))
    # TensorFlow 2.21's adapted mean, shape (1, 9)
    np.testing.assert_allclose(normalizer.mean.numpy(), [[5.576, 224.782, 99.017, 2842.436,
                                                          14.74, 76.337, 0.312, 0.287, 0.4]],
                               atol=6e-4)
    assert normalizer.mean.shape == (1, 9)
    np.testing.assert_allclose(normalizer(train_features[:1]).numpy(),
                               [[0.079, -0.45, 0.807, 0.254, -0.259, 0.292, -0.674, -0.635,
                                 1.225]], atol=6e-4)

    horsepower = np.array(train_features[:, 2])
    horsepower_normalizer = layers.Normalization(input_shape=[1, ], axis=None)
    horsepower_normalizer.adapt(horsepower)
    horsepower_model = tf.keras.Sequential([horsepower_normalizer, layers.Dense(units=1)])
    capsys.readouterr()
    horsepower_model.summary()
    lines = capsys.readouterr().out.splitlines()
    # TensorFlow 2.21: the normalizer counts 3 non-trainable weights (mean, variance, count)
    assert "│ (None, 1)              │             3 │" in lines[4]
    assert lines[-3:] == [" Total params: 5 (24.00 B)", " Trainable params: 2 (8.00 B)",
                          " Non-trainable params: 3 (16.00 B)"]
    _set_trainable_weights(horsepower_model, 1)
    # a 1-D input gains the Input's last axis of size 1, as in Keras 3
    predictions = horsepower_model.predict(horsepower[:10], verbose=0)
    assert predictions.shape == (10, 1) and isinstance(predictions, np.ndarray)
    # TensorFlow 2.21's predictions before training
    np.testing.assert_allclose(predictions.ravel(), [0.33, 0.184, 0.126, 0.247, 0.18, 0.243,
                                                     0.346, 0.289, 0.299, 0.307], atol=6e-4)

    horsepower_model.compile(optimizer=tf.optimizers.Adam(learning_rate=0.1),
                             loss='mean_absolute_error')
    history = horsepower_model.fit(train_features[:, 2], train_labels, epochs=20, verbose=0,
                                   validation_split=0.2, shuffle=False)
    # TensorFlow 2.21: validation_split keeps the last 16 rows out (2 steps of 32 remain)
    assert sorted(history.history) == ['loss', 'val_loss']
    assert history.params == {'verbose': 0, 'epochs': 20, 'steps': 2}
    np.testing.assert_allclose([history.history['loss'][-1], history.history['val_loss'][-1]],
                               [15.26365852355957, 11.66888427734375], rtol=1e-5)
    test_results = {'horsepower_model': horsepower_model.evaluate(
        test_features[:, 2], test_labels, verbose=0)}
    y = horsepower_model.predict(tf.linspace(0.0, 250, 251), verbose=0)
    assert y.shape == (251, 1) and y.dtype == np.float32
    np.testing.assert_allclose(y[[0, 1, 2, -1]].ravel(), [2.85, 2.864, 2.878, 6.365], atol=6e-4)

    linear_model = tf.keras.Sequential([normalizer, layers.Dense(units=1)])
    linear_model(train_features[:1])
    _set_trainable_weights(linear_model, 2)
    np.testing.assert_allclose(linear_model.predict(train_features[:10], verbose=0).ravel(),
                               [-0.395, 0.417, 0.373, -1.77, 0.464, -0.621, -1.723, 1.496,
                                0.38, -1.648], atol=6e-4)
    assert linear_model.layers[1].kernel.shape == (9, 1)
    linear_model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.1),
                         loss='mean_absolute_error')
    history = linear_model.fit(train_features, train_labels, epochs=20, verbose=0,
                               validation_split=0.2, shuffle=False)
    np.testing.assert_allclose([history.history['loss'][-1], history.history['val_loss'][-1]],
                               [14.465973854064941, 16.492477416992188], rtol=1e-5)
    test_results['linear_model'] = linear_model.evaluate(test_features, test_labels, verbose=0)

    dnn_horsepower_model = build_and_compile_model(horsepower_normalizer)
    _set_trainable_weights(dnn_horsepower_model, 3)
    history = dnn_horsepower_model.fit(train_features[:, 2], train_labels, validation_split=0.2,
                                       verbose=0, epochs=10, shuffle=False)
    np.testing.assert_allclose([history.history['loss'][-1], history.history['val_loss'][-1]],
                               [20.06942367553711, 16.71811294555664], rtol=1e-5)
    test_results['dnn_horsepower_model'] = dnn_horsepower_model.evaluate(
        test_features[:, 2], test_labels, verbose=0)

    dnn_model = build_and_compile_model(normalizer)
    dnn_model(train_features[:1])
    _set_trainable_weights(dnn_model, 4)
    history = dnn_model.fit(train_features, train_labels, validation_split=0.2, verbose=0,
                            epochs=10, shuffle=False)
    np.testing.assert_allclose([history.history['loss'][-1], history.history['val_loss'][-1]],
                               [12.135116577148438, 6.960427284240723], rtol=1e-5)
    test_results['dnn_model'] = dnn_model.evaluate(test_features, test_labels, verbose=0)
    # TensorFlow 2.21's test losses
    np.testing.assert_allclose([test_results[k] for k in ('horsepower_model', 'linear_model',
                                                          'dnn_horsepower_model', 'dnn_model')],
                               [13.175863265991211, 14.367568969726562, 18.30503273010254,
                                8.41140079498291], rtol=1e-5)
    test_predictions = dnn_model.predict(test_features, verbose=0).flatten()
    assert test_predictions.shape == (20,)
    np.testing.assert_allclose(test_predictions[:5], [7.165, 9.555, 7.484, 11.692, 12.332],
                               atol=6e-4)
    assert dnn_model.predict(test_features, batch_size=8, verbose=0).shape == (20, 1)
    history = dnn_model.fit(train_features, train_labels, verbose=0, epochs=2, shuffle=False,
                            validation_data=(test_features, test_labels))
    # TensorFlow 2.21's History with validation_data
    np.testing.assert_allclose(history.history['loss'], [10.669808387756348, 10.071908950805664],
                               rtol=1e-5)
    np.testing.assert_allclose(history.history['val_loss'], [7.710423946380615, 7.093493461608887],
                               rtol=1e-5)


def test_normalization_layer():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20, 3)) * [1., 10., 100.] + [0., 5., -50.]
    norm = tf.keras.layers.Normalization(axis=-1)
    norm.adapt(x)
    # TensorFlow 2.21's values
    np.testing.assert_allclose(norm.mean.numpy(), [[1.8776482e-02, 5.1421885e+00, -3.0110769e+01]],
                               rtol=1e-6)
    np.testing.assert_allclose(norm.variance.numpy(),
                               [[1.2847911e+00, 5.6967327e+01, 5.3962329e+03]], rtol=1e-6)
    np.testing.assert_allclose(norm(x[:2]).numpy(), [[0.09435821, -0.19386609, 0.6010564],
                                                     [0.07598118, -0.7285536, 0.22148767]],
                               rtol=1e-5)
    assert [(v.dtype, v.trainable) for v in norm.weights] == [
        (tf.float32, False), (tf.float32, False), (tf.int64, False)]
    # a list is a sequence of batches whose statistics are merged: TensorFlow 2.21's values
    batched = tf.keras.layers.Normalization()
    batched.adapt([x[:7].astype(np.float32), x[7:].astype(np.float32)])
    np.testing.assert_allclose(batched.mean.numpy(), [[1.8776484e-02, 5.1421885e+00, -3.0110765e+01]],
                               rtol=1e-6)
    np.testing.assert_allclose(batched.variance.numpy(),
                               [[1.2847911e+00, 5.6967319e+01, 5.3962324e+03]], rtol=1e-6)
    # given statistics, and their inverse: TensorFlow 2.21 gives [[1, 1]] and [[5, 1]]
    given = tf.keras.layers.Normalization(mean=[1., 2.], variance=[4., 9.])
    assert given(np.array([[3., 5.]])).numpy().tolist() == [[1.0, 1.0]]
    inverse = tf.keras.layers.Normalization(mean=3., variance=4., invert=True, axis=None)
    assert inverse(np.array([[1., -1.]])).numpy().tolist() == [[5.0, 1.0]]
    # TensorFlow 2.21: never adapted, the layer keeps mean 0 and variance 1
    assert tf.keras.layers.Normalization()(np.ones((2, 3))).numpy().tolist() == [[1.0] * 3] * 2
    # TensorFlow 2.21's errors
    with pytest.raises(ValueError, match="both `mean` and `variance` must be set"):
        tf.keras.layers.Normalization(mean=1.)
    with pytest.raises(ValueError, match=r"The layer was built with input_shape=\(20, 3\), but "
                       r"adapt\(\) is being called with data with an incompatible shape"):
        norm.adapt(np.ones((4, 2)))
    # the gradient with respect to the inputs: TensorFlow 2.21 gives 1/sqrt(variance)
    one = tf.keras.layers.Normalization(axis=None)
    one.adapt(x[:, 1])
    xx = tf.constant([[1.], [2.]])
    with tf.GradientTape() as tape:
        tape.watch(xx)
        y = one(xx)
    np.testing.assert_allclose(tape.gradient(y, xx).numpy(), [[0.13249122], [0.13249122]],
                               rtol=1e-6)


def test_validation_split_too_small():
    model = tf.keras.Sequential([layers.Dense(1)])
    model.compile(loss="mse")
    # TensorFlow 2.21 (Keras 3) raises this ValueError
    with pytest.raises(ValueError, match=r"Training data contains 1 samples, which is not "
                       r"sufficient to split it into a validation and training set"):
        model.fit(np.ones((1, 2)), np.ones((1, 1)), validation_split=0.2, verbose=0)


def test_input_rank_is_adjusted_or_refused():
    model = tf.keras.Sequential([tf.keras.Input(shape=(2,)), layers.Dense(1)])
    # TensorFlow 2.21: a trailing axis of size 1 too many is dropped; other ranks raise
    assert model(np.ones((3, 2, 1), np.float32)).shape == (3, 1)
    with pytest.raises(ValueError, match="Invalid input shape for input"):
        model(np.ones((3,), np.float32))
