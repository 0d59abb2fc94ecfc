"""Keras 3's guide "Working with RNNs" (keras-io guides/working_with_rnns.py), adapted:
small synthetic data instead of MNIST, fixed weights instead of random ones; the values are
TensorFlow 2.21's (Keras 3.15) for the same code.

The layers whose ``summary()`` is checked are given the names TensorFlow gave them
automatically (gradtape's counters depend on the tests run before). Left out: the
nested-input cell's training (TensorFlow fails at building the RNN, which is tested).
"""
import numpy as np
import pytest

import gradtape as tf

keras = tf.keras
layers = keras.layers


def ramp(shape):
    return ((np.arange(np.prod(shape)).reshape(shape) % 7 - 3) / 10).astype("float32")


def ramp_weights(model):
    for layer in model.layers:
        if layer.weights:
            layer.set_weights([ramp(tuple(w.shape)) for w in layer.weights])


def _summary(model, capsys):
    model.summary()
    return capsys.readouterr().out.splitlines()


def _unbuilt_rows(names):
    """The rows of an unbuilt model's summary (TensorFlow 2.21's layout)."""
    rows = []
    for name in names:
        rows += [f"│ {name:<31} │ ?                      │   0 (unbuilt) │",
                 "├─────────────────────────────────┼────────────────────────┼───────────────┤"]
    return rows[:-1]


HEAD = ["┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓",
        "┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃",
        "┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩"]
FOOT = ["└─────────────────────────────────┴────────────────────────┴───────────────┘"]
NO_PARAMS = [" Total params: 0 (0.00 B)", " Trainable params: 0 (0.00 B)",
             " Non-trainable params: 0 (0.00 B)"]


def test_built_in_rnn_layers(capsys):
    model = keras.Sequential(name="sequential")
    model.add(layers.Embedding(input_dim=1000, output_dim=64, name="embedding"))
    model.add(layers.LSTM(128, name="lstm"))
    model.add(layers.Dense(10, name="dense"))
    # TensorFlow 2.21's table of the unbuilt model
    assert _summary(model, capsys) == ['Model: "sequential"'] + HEAD + _unbuilt_rows(
        ["embedding (Embedding)", "lstm (LSTM)", "dense (Dense)"]) + FOOT + NO_PARAMS
    with pytest.raises(ValueError, match="You tried to call `count_params` on layer 'lstm'"):
        model.layers[1].count_params()
    # TensorFlow 2.21's shapes and table
    assert model(np.zeros((2, 5), "int32")).shape == (2, 10)
    assert _summary(model, capsys) == ['Model: "sequential"'] + HEAD + [
        "│ embedding (Embedding)           │ (2, 5, 64)             │        64,000 │",
        "├─────────────────────────────────┼────────────────────────┼───────────────┤",
        "│ lstm (LSTM)                     │ (2, 128)               │        98,816 │",
        "├─────────────────────────────────┼────────────────────────┼───────────────┤",
        "│ dense (Dense)                   │ (2, 10)                │         1,290 │"] + FOOT + [
        " Total params: 164,106 (641.04 KB)", " Trainable params: 164,106 (641.04 KB)",
        " Non-trainable params: 0 (0.00 B)"]
    assert (model.count_params(), model.layers[1].count_params()) == (164106, 98816)
    assert model.get_layer(index=1) is model.get_layer("lstm") is model.layers[1]

    model = keras.Sequential(name="sequential_1")
    model.add(layers.Embedding(input_dim=1000, output_dim=64, name="embedding_1"))
    model.add(layers.GRU(256, return_sequences=True, name="gru"))
    model.add(layers.SimpleRNN(128, name="simple_rnn"))
    model.add(layers.Dense(10, name="dense_1"))
    assert _summary(model, capsys) == ['Model: "sequential_1"'] + HEAD + _unbuilt_rows(
        ["embedding_1 (Embedding)", "gru (GRU)", "simple_rnn (SimpleRNN)",
         "dense_1 (Dense)"]) + FOOT + NO_PARAMS
    assert model(np.zeros((2, 5), "int32")).shape == (2, 10)
    assert [tuple(w.shape) for w in model.weights] == [
        (1000, 64), (64, 768), (256, 768), (2, 768), (256, 128), (128, 128), (128,),
        (128, 10), (10,)]


ENCODER_DECODER_SUMMARY = """\
Model: "functional_1"
┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓
┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃
┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩
│ input_layer_1       │ (None, None)      │          0 │ -                 │
│ (InputLayer)        │                   │            │                   │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ input_layer_2       │ (None, None)      │          0 │ -                 │
│ (InputLayer)        │                   │            │                   │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ embedding_2         │ (None, None, 64)  │     64,000 │ input_layer_1[0]… │
│ (Embedding)         │                   │            │                   │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ embedding_3         │ (None, None, 64)  │    128,000 │ input_layer_2[0]… │
│ (Embedding)         │                   │            │                   │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ encoder (LSTM)      │ [(None, 64),      │     33,024 │ embedding_2[0][0] │
│                     │ (None, 64),       │            │                   │
│                     │ (None, 64)]       │            │                   │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ decoder (LSTM)      │ (None, 64)        │     33,024 │ embedding_3[0][0… │
│                     │                   │            │ encoder[0][1],    │
│                     │                   │            │ encoder[0][2]     │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense_2 (Dense)     │ (None, 10)        │        650 │ decoder[0][0]     │
└─────────────────────┴───────────────────┴────────────┴───────────────────┘
 Total params: 258,698 (1010.54 KB)
 Trainable params: 258,698 (1010.54 KB)
 Non-trainable params: 0 (0.00 B)
"""


def test_outputs_and_states_encoder_decoder(capsys):
    encoder_vocab = 1000
    decoder_vocab = 2000
    encoder_input = layers.Input(shape=(None,), name="input_layer_1")
    encoder_embedded = layers.Embedding(input_dim=encoder_vocab, output_dim=64,
                                        name="embedding_2")(encoder_input)
    output, state_h, state_c = layers.LSTM(64, return_state=True, name="encoder")(
        encoder_embedded)
    encoder_state = [state_h, state_c]
    decoder_input = layers.Input(shape=(None,), name="input_layer_2")
    decoder_embedded = layers.Embedding(input_dim=decoder_vocab, output_dim=64,
                                        name="embedding_3")(decoder_input)
    decoder_output = layers.LSTM(64, name="decoder")(decoder_embedded,
                                                    initial_state=encoder_state)
    output = layers.Dense(10, name="dense_2")(decoder_output)
    model = keras.Model([encoder_input, decoder_input], output, name="functional_1")
    # TensorFlow 2.21's shapes, layer order and table
    assert (encoder_embedded.shape, state_h.shape) == ((None, None, 64), (None, 64))
    assert [type(layer).__name__ for layer in model.layers] == [
        "InputLayer", "InputLayer", "Embedding", "Embedding", "LSTM", "LSTM", "Dense"]
    assert "\n".join(_summary(model, capsys)) + "\n" == ENCODER_DECODER_SUMMARY
    assert model.count_params() == 258698
    assert model.get_layer("encoder").count_params() == 33024
    ramp_weights(model)
    out = model([np.array([[1, 2, 3], [4, 5, 6]]), np.array([[7, 8], [9, 10]])])
    # TensorFlow 2.21's values
    np.testing.assert_allclose(out.numpy(), [
        [-0.446466, -1.124228, -0.019409, 0.50797, 0.664967, 0.971074, -0.553907, -0.446466,
         -1.124228, -0.019409],
        [-0.447985, 1.675813, 1.766329, -0.965936, -1.367263, -1.854388, 1.193429, -0.447985,
         1.675813, 1.766329]], rtol=1e-5, atol=2e-6)


def test_cross_batch_statefulness_and_state_reuse():
    rng = np.random.default_rng(0)
    paragraph1, paragraph2, paragraph3 = (rng.random((2, 4, 3)).astype(np.float32)
                                          for _ in range(3))
    lstm_layer = layers.LSTM(2, stateful=True)
    lstm_layer(paragraph1)
    lstm_layer.set_weights([ramp(tuple(w.shape)) for w in lstm_layer.weights])
    lstm_layer.reset_states()
    output = lstm_layer(paragraph1)
    output = lstm_layer(paragraph2)
    # TensorFlow 2.21's values
    np.testing.assert_allclose(output.numpy(), [[0.132507, 0.110993], [0.147925, 0.089033]],
                               rtol=1e-5, atol=2e-6)
    existing_state = lstm_layer.states
    new_lstm_layer = layers.LSTM(2)
    new_lstm_layer(paragraph3)
    new_lstm_layer.set_weights(lstm_layer.get_weights())
    new_output = new_lstm_layer(paragraph3, initial_state=existing_state)
    np.testing.assert_allclose(new_output.numpy(), [[0.121782, 0.107713], [0.14479, 0.089288]],
                               rtol=1e-5, atol=2e-6)
    lstm_layer.reset_states()
    assert [s.numpy().tolist() for s in lstm_layer.states] == [[[0.0, 0.0], [0.0, 0.0]]] * 2
    assert len(lstm_layer.weights) == 3   # the kept states are not weights

    # the same layer in a functional model on an Input of a fixed batch size: TensorFlow
    # 2.21 keeps zero states for it, and calls give the values above
    inputs = keras.Input(batch_shape=(2, 4, 3))
    lstm_layer = layers.LSTM(2, stateful=True)
    model = keras.Model(inputs, lstm_layer(inputs))
    assert [s.numpy().tolist() for s in lstm_layer.states] == [[[0.0, 0.0], [0.0, 0.0]]] * 2
    lstm_layer.set_weights([ramp(tuple(w.shape)) for w in lstm_layer.weights])
    model(paragraph1)
    np.testing.assert_allclose(model(paragraph2).numpy(), [[0.132507, 0.110993],
                                                            [0.147925, 0.089033]],
                               rtol=1e-5, atol=2e-6)
    assert (model.input_shape, model.count_params()) == ((2, 4, 3), 48)


def test_bidirectional_summary(capsys):
    model = keras.Sequential(name="sequential_2")
    # TensorFlow 2.21 warns about input_shape= (prefer an Input first)
    with pytest.warns(UserWarning, match="Do not pass an `input_shape`/`input_dim` argument"):
        bidirectional = layers.Bidirectional(layers.LSTM(64, return_sequences=True),
                                             input_shape=(5, 10), name="bidirectional")
    model.add(bidirectional)
    model.add(layers.Bidirectional(layers.LSTM(32), name="bidirectional_1"))
    model.add(layers.Dense(10, name="dense_3"))
    # TensorFlow 2.21's table
    assert _summary(model, capsys) == ['Model: "sequential_2"'] + HEAD + [
        "│ bidirectional (Bidirectional)   │ (None, 5, 128)         │        38,400 │",
        "├─────────────────────────────────┼────────────────────────┼───────────────┤",
        "│ bidirectional_1 (Bidirectional) │ (None, 64)             │        41,216 │",
        "├─────────────────────────────────┼────────────────────────┼───────────────┤",
        "│ dense_3 (Dense)                 │ (None, 10)             │           650 │"] + FOOT + [
        " Total params: 80,266 (313.54 KB)", " Trainable params: 80,266 (313.54 KB)",
        " Non-trainable params: 0 (0.00 B)"]


batch_size = 64
input_dim = 28
units = 64
output_size = 10


def build_model(allow_cudnn_kernel=True):
    if allow_cudnn_kernel:
        lstm_layer = keras.layers.LSTM(units, input_shape=(None, input_dim))
    else:
        lstm_layer = keras.layers.RNN(keras.layers.LSTMCell(units),
                                      input_shape=(None, input_dim))
    return keras.models.Sequential([lstm_layer, keras.layers.BatchNormalization(),
                                    keras.layers.Dense(output_size)])


def _compile_and_fit(model, x_train, y_train, validation_data):
    """The guide's compile and one epoch of fit (without shuffling, to compare numbers)."""
    model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  optimizer="sgd", metrics=["accuracy"])
    return model.fit(x_train, y_train, validation_data=validation_data,
                     batch_size=batch_size, epochs=1, shuffle=False, verbose=0)


def _history(history):
    return {key: round(float(value[0]), 5) for key, value in history.history.items()}


def test_lstm_layer_and_rnn_of_lstm_cell_train_alike():
    rng = np.random.default_rng(1)
    x_train = rng.random((64, 28, 28)).astype("float32")
    y_train = rng.integers(0, 10, 64)
    x_test = rng.random((32, 28, 28)).astype("float32")
    y_test = rng.integers(0, 10, 32)
    sample, sample_label = x_train[0], y_train[0]
    model = build_model(allow_cudnn_kernel=True)
    model.set_weights([np.abs(ramp(tuple(w.shape))) + (0.5 if "variance" in w.name else 0)
                       for w in model.weights])
    history = _compile_and_fit(model, x_train, y_train, (x_test, y_test))
    # TensorFlow 2.21's values
    assert _history(history) == pytest.approx(
        {"accuracy": 0.0625, "loss": 2.30033, "val_accuracy": 0.125, "val_loss": 2.31155},
        abs=2e-5)
    noncudnn_model = build_model(allow_cudnn_kernel=False)
    noncudnn_model.set_weights(model.get_weights())
    history = _compile_and_fit(noncudnn_model, x_train, y_train, (x_test, y_test))
    assert _history(history) == pytest.approx(
        {"accuracy": 0.125, "loss": 2.2998, "val_accuracy": 0.125, "val_loss": 2.31162},
        abs=2e-5)
    with tf.device("CPU:0"):
        cpu_model = build_model(allow_cudnn_kernel=True)
        cpu_model.set_weights(model.get_weights())
        logits = cpu_model.predict_on_batch(tf.expand_dims(sample, 0))
        result = tf.argmax(logits, axis=1)
    assert (result.numpy().tolist(), int(sample_label)) == ([8], 2)
    np.testing.assert_allclose(np.asarray(logits), [[
        4.048902, 4.095204, 3.748779, 3.427766, 3.544785, 3.693968, 3.883185, 4.052547,
        4.096115, 3.746046]], rtol=1e-5)


class NestedCell(keras.layers.Layer):
    def __init__(self, unit_1, unit_2, unit_3, **kwargs):
        self.unit_1 = unit_1
        self.unit_2 = unit_2
        self.unit_3 = unit_3
        self.state_size = [tf.TensorShape([unit_1]), tf.TensorShape([unit_2, unit_3])]
        self.output_size = [tf.TensorShape([unit_1]), tf.TensorShape([unit_2, unit_3])]
        super().__init__(**kwargs)

    def build(self, input_shapes):
        i1 = input_shapes[0][1]
        i2 = input_shapes[1][1]
        i3 = input_shapes[1][2]
        self.kernel_1 = self.add_weight(shape=(i1, self.unit_1), initializer="uniform",
                                        name="kernel_1")
        self.kernel_2_3 = self.add_weight(shape=(i2, i3, self.unit_2, self.unit_3),
                                          initializer="uniform", name="kernel_2_3")

    def call(self, inputs, states):
        input_1, input_2 = tf.nest.flatten(inputs)
        s1, s2 = states
        output_1 = tf.matmul(input_1, self.kernel_1)
        output_2_3 = tf.einsum("bij,ijkl->bkl", input_2, self.kernel_2_3)
        return (output_1, output_2_3), (s1 + output_1, s2 + output_2_3)


def test_nested_cell_fails_to_build_as_in_tensorflow():
    # TensorFlow 2.21 (Keras 3.15) gives the cell the shape of the first input only:
    # ``input_shapes[1]`` raises IndexError when the RNN is called on the Inputs
    rnn = keras.layers.RNN(NestedCell(10, 20, 30))
    input_1 = keras.Input((None, 32))
    input_2 = keras.Input((None, 64, 32))
    with pytest.raises(IndexError):
        rnn((input_1, input_2))
