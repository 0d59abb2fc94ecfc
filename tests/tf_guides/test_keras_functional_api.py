"""Keras 3's functional-API guide, run with ``import gradtape as tf``.

Every expected value is TensorFlow 2.21's (``tf.keras`` is Keras 3), typed by hand
from what it printed. Downloads are replaced by seeded NumPy data; weights are set from
the same NumPy arrays in both runs. Not covered: plot_model, saving, LSTM (not in
gradtape), pretrained applications.
"""
import numpy as np
import pytest

import gradtape as tf

keras = tf.keras
layers = keras.layers


def set_weights(model, seed, scale):
    rng = np.random.default_rng(seed)
    model.set_weights([np.round(rng.standard_normal(w.shape), 2).astype("float32") * scale
                       for w in model.get_weights()])


def test_input_shape_and_dtype():
    inputs = keras.Input(shape=(784,))
    # TensorFlow 2.21: (None, 784) float32 'float32' (Keras 3 dtypes are strings)
    assert inputs.shape == (None, 784)
    assert inputs.dtype == "float32" and isinstance(inputs.dtype, str)
    assert keras.Input(shape=(3,), dtype="int32").dtype == tf.int32


def test_fit_with_validation_split_and_evaluate():
    inputs = keras.Input(shape=(784,))
    x = layers.Dense(64, activation="relu")(inputs)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(10)(x)
    model = keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")
    set_weights(model, 0, 0.1)
    rng = np.random.default_rng(0)
    x_train = (rng.integers(0, 256, (200, 784)) / 255).astype("float32")
    y_train = rng.integers(0, 10, 200)
    x_test = (rng.integers(0, 256, (50, 784)) / 255).astype("float32")
    y_test = rng.integers(0, 10, 50)
    model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  optimizer=keras.optimizers.RMSprop(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    history = model.fit(x_train, y_train, batch_size=64, epochs=2, validation_split=0.2,
                        verbose=0, shuffle=False)
    # TensorFlow 2.21's values
    want = {"accuracy": [0.16249999403953552, 0.18125000596046448],
            "loss": [2.319969654083252, 2.252967357635498],
            "val_accuracy": [0.10000000149011612, 0.125],
            "val_loss": [2.4617702960968018, 2.6471874713897705]}
    assert sorted(history.history) == sorted(want)
    for key, values in want.items():
        np.testing.assert_allclose(history.history[key], values, rtol=2e-6)
    test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
    np.testing.assert_allclose([test_loss, test_accuracy], [2.492239475250244, 0.12], rtol=2e-6)


def test_validation_split_needs_enough_samples():
    inputs = keras.Input(shape=(2,))
    model = keras.Model(inputs, layers.Dense(1)(inputs))
    model.compile(loss="mse")
    with pytest.raises(ValueError, match="not sufficient to split"):   # TensorFlow 2.21
        model.fit(np.ones((1, 2)), np.ones((1, 1)), validation_split=0.5, verbose=0)


def encoder_layers(encoder_input):
    x = layers.Conv2D(16, 3, activation="relu")(encoder_input)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.MaxPooling2D(3)(x)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.Conv2D(16, 3, activation="relu")(x)
    return layers.GlobalMaxPooling2D()(x)


def decoder_layers(encoded):
    x = layers.Reshape((4, 4, 1))(encoded)
    x = layers.Conv2DTranspose(16, 3, activation="relu")(x)
    x = layers.Conv2DTranspose(32, 3, activation="relu")(x)
    x = layers.UpSampling2D(3)(x)
    x = layers.Conv2DTranspose(16, 3, activation="relu")(x)
    return layers.Conv2DTranspose(1, 3, activation="relu")(x)


IMG = (np.arange(784, dtype="float32").reshape(1, 28, 28, 1) % 11) / 11


def test_autoencoder_one_graph_two_models():
    encoder_input = keras.Input(shape=(28, 28, 1), name="img")
    encoder_output = encoder_layers(encoder_input)
    encoder = keras.Model(encoder_input, encoder_output, name="encoder")
    autoencoder = keras.Model(encoder_input, decoder_layers(encoder_output), name="autoencoder")
    set_weights(autoencoder, 1, 0.3)
    out = autoencoder(IMG)
    # TensorFlow 2.21's values
    assert tuple(out.shape) == (1, 28, 28, 1)
    np.testing.assert_allclose(float(tf.reduce_sum(out)), 205.85537719726562, rtol=1e-5)
    np.testing.assert_allclose(float(tf.reduce_sum(encoder(IMG))), 90.36355590820312, rtol=1e-5)


def test_models_called_like_layers(capsys):
    encoder_input = keras.Input(shape=(28, 28, 1), name="original_img")
    encoder = keras.Model(encoder_input, encoder_layers(encoder_input), name="encoder")
    decoder_input = keras.Input(shape=(16,), name="encoded_img")
    decoder = keras.Model(decoder_input, decoder_layers(decoder_input), name="decoder")
    autoencoder_input = keras.Input(shape=(28, 28, 1), name="img")
    autoencoder = keras.Model(autoencoder_input, decoder(encoder(autoencoder_input)),
                              name="autoencoder")
    set_weights(autoencoder, 1, 0.3)
    # TensorFlow 2.21: the same numbers; the nested models are of class Functional
    np.testing.assert_allclose(float(tf.reduce_sum(autoencoder(IMG))), 205.85537719726562,
                               rtol=1e-5)
    assert [type(layer).__name__ for layer in autoencoder.layers] == \
        ["InputLayer", "Functional", "Functional"]
    autoencoder.summary()
    table = capsys.readouterr().out
    assert "│ encoder (Functional)            │ (None, 16)             │        18,672 │" in table
    assert "│ decoder (Functional)            │ (None, 28, 28, 1)      │         9,569 │" in table


def test_ensemble_average():
    def get_model():
        inputs = keras.Input(shape=(128,))
        return keras.Model(inputs, layers.Dense(1)(inputs))

    model1, model2, model3 = get_model(), get_model(), get_model()
    inputs = keras.Input(shape=(128,))
    outputs = layers.average([model1(inputs), model2(inputs), model3(inputs)])
    ensemble_model = keras.Model(inputs=inputs, outputs=outputs)
    set_weights(ensemble_model, 2, 0.1)
    x = (np.arange(256, dtype="float32").reshape(2, 128) % 13) / 13
    # TensorFlow 2.21's values
    np.testing.assert_allclose(ensemble_model(x).numpy(), [[-0.177718], [-0.1764872]], rtol=1e-5)


def ticket_model():
    num_tags, num_words, num_departments = 12, 100, 4
    title_input = keras.Input(shape=(None,), name="title")
    body_input = keras.Input(shape=(None,), name="body")
    tags_input = keras.Input(shape=(num_tags,), name="tags")
    title_features = layers.Embedding(num_words, 8)(title_input)
    body_features = layers.Embedding(num_words, 8)(body_input)
    assert title_features.shape == (None, None, 8)   # TensorFlow 2.21: unknown length stays None
    # (the guide's LSTMs are replaced by average pooling: gradtape has no LSTM)
    title_features = layers.GlobalAveragePooling1D()(title_features)
    body_features = layers.GlobalAveragePooling1D()(body_features)
    x = layers.concatenate([title_features, body_features, tags_input])
    priority_pred = layers.Dense(1, name="priority")(x)
    department_pred = layers.Dense(num_departments, name="department")(x)
    model = keras.Model(inputs=[title_input, body_input, tags_input],
                        outputs=[priority_pred, department_pred])
    set_weights(model, 3, 0.3)
    rng = np.random.default_rng(1)
    data = {"title": rng.integers(num_words, size=(64, 10)),
            "body": rng.integers(num_words, size=(64, 20)),
            "tags": rng.integers(2, size=(64, num_tags)).astype("float32")}
    targets = {"priority": rng.random(size=(64, 1)),
               # one-hot (the guide's are multi-hot: for labels that do not sum to 1 the
               # gradient differs from TensorFlow's on purpose, see docs/tensorflow.md)
               "department": np.eye(num_departments)[rng.integers(num_departments, size=64)]}
    return model, data, targets


def ticket_model_compiled_by_name():
    """The guide's compile call: a loss and a weight per output, by the outputs' names."""
    model, data, targets = ticket_model()
    model.compile(optimizer=keras.optimizers.RMSprop(1e-3),
                  loss={"priority": keras.losses.BinaryCrossentropy(from_logits=True),
                        "department": keras.losses.CategoricalCrossentropy(from_logits=True)},
                  loss_weights={"priority": 1.0, "department": 0.2})
    return model, data, targets


def test_losses_per_output_by_name_with_weights():
    model, data, targets = ticket_model_compiled_by_name()
    history = model.fit(data, targets, epochs=2, batch_size=32, verbose=0, shuffle=False)
    # TensorFlow 2.21's values
    want = {"department_loss": [1.8132107257843018, 1.7811367511749268],
            "loss": [1.1690022945404053, 1.1521728038787842],
            "priority_loss": [0.806360125541687, 0.7959453463554382]}
    assert sorted(history.history) == sorted(want)
    for key, values in want.items():
        np.testing.assert_allclose(history.history[key], values, rtol=2e-6)
    result = model.evaluate([data["title"], data["body"], data["tags"]],
                            [targets["priority"], targets["department"]], verbose=0)
    np.testing.assert_allclose(result, [1.1425211429595947, 0.7899801135063171,
                                        1.7627054452896118], rtol=2e-6)


def test_list_losses_with_validation_data_values():
    model, data, targets = ticket_model_compiled_by_name()
    model.fit(data, targets, epochs=2, batch_size=32, verbose=0, shuffle=False)
    model.compile(optimizer=keras.optimizers.RMSprop(1e-3),
                  loss=[keras.losses.BinaryCrossentropy(from_logits=True),
                        keras.losses.CategoricalCrossentropy(from_logits=True)],
                  loss_weights=[1.0, 0.2])
    logs = model.evaluate(data, targets, verbose=0, return_dict=True)
    np.testing.assert_allclose([logs["loss"], logs["priority_loss"], logs["department_loss"]],
                               [1.1425211429595947, 0.7899801135063171, 1.7627054452896118],
                               rtol=2e-6)   # TensorFlow 2.21
    x = [data["title"], data["body"], data["tags"]]
    y = [targets["priority"], targets["department"]]
    history = model.fit(x, y, epochs=1, batch_size=32, verbose=0, shuffle=False,
                        validation_data=([a[:16] for a in x], [a[:16] for a in y]))
    # TensorFlow 2.21's values
    want = {"department_loss": 1.753610372543335, "loss": 1.1382575035095215,
            "priority_loss": 0.7875353693962097, "val_department_loss": 1.593911051750183,
            "val_loss": 1.0890984535217285, "val_priority_loss": 0.7703162431716919}
    assert sorted(history.history) == sorted(want)
    for key, value in want.items():
        np.testing.assert_allclose(history.history[key], [value], rtol=2e-6)


def two_output_model():
    inputs = keras.Input(shape=(2,), name="i")
    p = layers.Dense(1, name="p", kernel_initializer="ones")(inputs)
    d = layers.Dense(3, name="d", kernel_initializer="ones")(inputs)
    return keras.Model(inputs, [p, d])


def test_one_loss_applies_to_every_output():
    model = two_output_model()
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    x = np.arange(8, dtype="float32").reshape(4, 2)
    y1, y2 = np.zeros((4, 1), "float32"), np.ones((4, 3), "float32")
    # TensorFlow 2.21: {'d_loss': 56.0, 'loss': 125.0, 'p_loss': 69.0}
    want = {"d_loss": 56.0, "loss": 125.0, "p_loss": 69.0}
    assert model.evaluate(x, [y1, y2], verbose=0, return_dict=True) == want
    assert model.evaluate(x, {"p": y1, "d": y2}, verbose=0, return_dict=True) == want


def test_one_loss_for_two_outputs_of_the_same_shape_is_their_sum():
    inputs = keras.Input(shape=(2,))
    a = layers.Dense(1, name="a", kernel_initializer="ones")(inputs)
    b = layers.Dense(1, name="b", kernel_initializer="zeros")(inputs)
    model = keras.Model(inputs, [a, b])
    model.compile(loss="mse")
    logs = model.evaluate(np.ones((2, 2)), [np.zeros((2, 1)), np.ones((2, 1))], verbose=0,
                          return_dict=True)
    assert logs == {"loss": 5.0, "a_loss": 4.0, "b_loss": 1.0}   # Keras 3 sums the outputs' losses


def test_dict_inputs_are_matched_by_input_name():
    y_in, a_in = keras.Input(shape=(2,), name="y"), keras.Input(shape=(2,), name="a")
    model = keras.Model([y_in, a_in], layers.subtract([y_in, a_in]))
    ones, zeros = np.ones((1, 2), "float32"), np.zeros((1, 2), "float32")
    # TensorFlow 2.21: [[1. 1.]] (not the keys' sorted order)
    np.testing.assert_array_equal(model({"y": ones, "a": zeros}).numpy(), [[1.0, 1.0]])
    with pytest.raises(ValueError, match='Missing data for input "a"'):   # TensorFlow 2.21
        model({"y": ones, "zz": zeros})


def test_shared_embedding():
    shared_embedding = layers.Embedding(1000, 128)
    text_input_a = keras.Input(shape=(None,), dtype="int32")
    text_input_b = keras.Input(shape=(None,), dtype="int32")
    encoded_input_a = shared_embedding(text_input_a)
    encoded_input_b = shared_embedding(text_input_b)
    # TensorFlow 2.21: (None, None, 128) twice; the layer's output is its first call's
    assert encoded_input_a.shape == encoded_input_b.shape == (None, None, 128)
    assert shared_embedding.output is encoded_input_a


def test_functional_config_is_refused():
    class CustomDense(layers.Layer):
        def __init__(self, units=32):
            super().__init__()
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units),
                                     initializer="random_normal", trainable=True)
            self.b = self.add_weight(shape=(self.units,), initializer="random_normal",
                                     trainable=True)

        def call(self, inputs):
            return tf.matmul(inputs, self.w) + self.b

    inputs = keras.Input((4,))
    model = keras.Model(inputs, CustomDense(10)(inputs))
    assert [tuple(w.shape) for w in model.weights] == [(4, 10), (10,)]
    with pytest.raises(NotImplementedError, match="functional model"):
        model.get_config()


UNITS, TIMESTEPS, INPUT_DIM = 32, 10, 5


class CustomRNN(layers.Layer):
    def __init__(self, classifier):
        super().__init__()
        self.units = UNITS
        self.projection_1 = layers.Dense(units=UNITS, activation="tanh")
        self.projection_2 = layers.Dense(units=UNITS, activation="tanh")
        self.classifier = classifier

    def call(self, inputs):
        outputs = []
        state = tf.zeros(shape=(inputs.shape[0], self.units))
        for t in range(inputs.shape[1]):
            x = inputs[:, t, :]
            h = self.projection_1(x)
            y = h + self.projection_2(state)
            state = y
            outputs.append(y)
        features = tf.stack(outputs, axis=1)
        return self.classifier(features)


def test_functional_model_inside_a_custom_layer():
    inputs = keras.Input((None, UNITS))
    x = layers.GlobalAveragePooling1D()(inputs)
    model = keras.Model(inputs, layers.Dense(1)(x))
    rnn_model = CustomRNN(model)
    rnn_model(tf.zeros((1, TIMESTEPS, INPUT_DIM)))
    set_weights(rnn_model, 5, 0.3)
    x = (np.arange(50, dtype="float32").reshape(1, 10, 5) % 4) / 4
    # TensorFlow 2.21's values
    np.testing.assert_allclose(rnn_model(x).numpy(), [[0.8486057]], rtol=1e-5)
    assert len(rnn_model.weights) == 6


def test_custom_layer_in_a_functional_model_with_a_static_batch():
    inputs = keras.Input(batch_shape=(16, TIMESTEPS, INPUT_DIM))
    x = layers.Conv1D(32, 3)(inputs)
    assert x.shape == (16, 8, 32)   # TensorFlow 2.21
    model = keras.Model(inputs, CustomRNN(layers.Dense(1))(x))
    assert model.output_shape == (16, 8, 1)   # TensorFlow 2.21


def test_conv1d_values():
    x = (np.arange(2 * 7 * 4, dtype="float32").reshape(2, 7, 4) % 5) / 5
    rng = np.random.default_rng(0)
    conv = layers.Conv1D(3, 3, strides=2, padding="same", activation="relu")
    conv(x)
    conv.set_weights([np.round(rng.standard_normal(w.shape), 2).astype("float32")
                      for w in conv.get_weights()])
    # TensorFlow 2.21's values
    assert [w.shape for w in conv.get_weights()] == [(3, 4, 3), (3,)]
    np.testing.assert_allclose(conv(x).numpy(), [
        [[0.924, 0.0, 0.39399996], [0.0, 0.0, 0.0], [0.822, 0.03199995, 0.71199995],
         [0.0, 0.0, 0.0]],
        [[0.0, 0.0, 0.0], [0.822, 0.03199995, 0.71199995], [0.0, 0.0, 0.0],
         [0.0, 0.0, 0.664]]], rtol=1e-5, atol=1e-6)
    dilated = layers.Conv1D(2, 2, dilation_rate=2)
    dilated(x)
    dilated.set_weights([np.round(rng.standard_normal(w.shape), 2).astype("float32")
                         for w in dilated.get_weights()])
    np.testing.assert_allclose(dilated(x).numpy(), [
        [[3.1920002, 2.7900002], [2.232, 0.994], [3.1620002, 0.5180001],
         [2.7020001, 0.24200007], [3.1120002, 2.966]],
        [[3.1620002, 0.5180001], [2.7020001, 0.24200007], [3.1120002, 2.966],
         [3.1920002, 2.7900002], [2.232, 0.994]]], rtol=1e-5)


def test_one_compiled_metric_for_two_outputs_raises():
    model = two_output_model()
    model.compile(loss="mse", metrics=[keras.metrics.MeanAbsoluteError()])
    x = np.arange(8, dtype="float32").reshape(4, 2)
    # TensorFlow 2.21 raises ValueError on the first batch: a flat list of metrics must
    # have one entry per output
    with pytest.raises(ValueError, match="Invalid `metrics`"):
        model.evaluate(x, [np.zeros((4, 1)), np.ones((4, 3))], verbose=0)


@pytest.mark.parametrize("units, targets, name, want", [
    # TensorFlow 2.21's values: "accuracy" is picked from the shapes of the first batch
    (4, "sparse", "acc", {"acc": 0.1666666716337204, "loss": 1.8239675760269165}),
    (4, "column", "accuracy", {"accuracy": 0.1666666716337204, "loss": 1.7824558019638062}),
    (4, "one_hot", "accuracy", {"accuracy": 0.3333333432674408, "loss": 2.1468794345855713}),
    (1, "binary", "accuracy", {"accuracy": 0.4166666567325592, "loss": 4.502382278442383}),
])
def test_accuracy_by_name(units, targets, name, want):
    rng = np.random.default_rng(0)
    x = rng.random((12, 3)).astype("float32")
    y = {"sparse": lambda: rng.integers(0, 4, 12), "column": lambda: rng.integers(0, 4, (12, 1)),
         "one_hot": lambda: np.eye(4)[rng.integers(0, 4, 12)],
         "binary": lambda: rng.integers(0, 2, (12, 1))}
    for key in ("sparse", "column", "one_hot", "binary"):   # the same draws as TensorFlow's run
        value = y[key]()
        if key == targets:
            break
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(units)])
    model.layers[0].set_weights([np.arange(3 * units, dtype="float32").reshape(3, units) / 5 - 0.5,
                                 np.linspace(-1, 1, units).astype("float32")])
    loss = "mse" if targets in ("one_hot", "binary") else \
        keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(loss=loss, metrics=[name])
    logs = model.evaluate(x, value, verbose=0, return_dict=True)
    assert sorted(logs) == sorted(want)
    for key, number in want.items():
        np.testing.assert_allclose(logs[key], number, rtol=1e-6)
