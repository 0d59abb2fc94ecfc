"""Keras 3's recurrent layers against TensorFlow 2.21: outputs and gradients with the same
weights, weight shapes and initial values, errors; gradients checked numerically."""
import numpy as np
import pytest

import gradtape as tf
from gradtape.testing import check_gradients

L = tf.keras.layers
X = np.array([[[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0]],
              [[1.0, 0.0], [-0.5, -1.5], [0.25, 0.75]]], np.float32)
H0 = np.array([[0.1, -0.2], [0.3, 0.4]], np.float32)
C0 = np.array([[-0.5, 0.6], [0.0, 0.2]], np.float32)


def _w(shape):
    """Small fixed weights: a ramp of (i % 7 - 3) / 10 over the weight's elements."""
    return (np.arange(np.prod(shape), dtype=np.float32).reshape(shape) % 7 - 3) / 10


def _with_weights(layer):
    layer(X)
    layer.set_weights([_w(tuple(w.shape)) for w in layer.weights])
    return layer


def _close(actual, expected):
    np.testing.assert_allclose(np.asarray(actual), np.array(expected, np.float32),
                               rtol=1e-5, atol=2e-6)


def test_simple_rnn_backwards_sequences():
    # TensorFlow 2.21's values: outputs in the order the steps ran (last step first)
    out = _with_weights(L.SimpleRNN(2, return_sequences=True, go_backwards=True))(X)
    _close(out, [[[-0.268271, -0.049958], [-0.597675, -0.418891], [-0.128101, -0.178531]],
                 [[-0.421899, -0.244919], [0.149923, -0.015619], [-0.56722, -0.405308]]])


def test_lstm_states_initial_state_and_gradients():
    # TensorFlow 2.21's values
    layer = _with_weights(L.LSTM(2, return_state=True))
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        output, h, c = layer(x, initial_state=[H0, C0])
        loss = tf.reduce_sum(output) + 2 * tf.reduce_sum(c)
    gx, gk = tape.gradient(loss, [x, layer.cell.kernel])
    _close(output, [[0.052902, 0.156861], [0.034817, 0.06529]])
    _close(h, output)
    _close(c, [[0.146539, 0.439301], [0.065225, 0.175795]])
    _close(gx, [[[0.100301, 0.164005], [0.055956, 0.155018], [0.051426, 0.254909]],
                [[0.024964, 0.085455], [0.233879, 0.360785], [0.150846, 0.349973]]])
    _close(gk, [[0.060697, 0.199794, -0.168634, 0.031844, 0.209166, 0.32106, -0.016803, -0.00823],
                [0.716335, 1.066264, -0.056563, 0.123988, 1.011601, 0.703935, 0.086151, 0.221461]])


def test_gru_reset_after_sequences_and_bias_gradient():
    # TensorFlow 2.21's values (Keras 3's GRU: reset_after=True, bias of shape (2, 3 * units))
    layer = _with_weights(L.GRU(2, return_sequences=True))
    with tf.GradientTape() as tape:
        out = layer(X)
        loss = tf.reduce_sum(out * out)
    gb = tape.gradient(loss, layer.cell.bias)
    _close(out, [[[0.090915, 0.140692], [0.183487, 0.418413], [0.13926, 0.339282]],
                 [[0.113381, 0.280534], [0.080879, 0.149747], [0.102129, 0.300958]]])
    _close(gb, [[-0.04902, -0.173895, 0.001702, 0.078283, 1.203565, 2.386662],
                [-0.04902, -0.173895, 0.001702, 0.078283, 0.499084, 1.109064]])


def test_gru_reset_before():
    # TensorFlow 2.21's values
    _close(_with_weights(L.GRU(2, reset_after=False))(X),
           [[0.138932, 0.298663], [0.106671, 0.24829]])


def test_rnn_of_a_cell_is_the_layer():
    # as TensorFlow: RNN(LSTMCell(n)) computes LSTM(n)
    layer = _with_weights(L.LSTM(2, return_sequences=True))
    wrapped = _with_weights(L.RNN(L.LSTMCell(2), return_sequences=True))
    _close(wrapped(X), layer(X))


def test_bidirectional_concat_sequences():
    # TensorFlow 2.21's values: backward outputs put back in time order
    out = _with_weights(L.Bidirectional(L.LSTM(2, return_sequences=True)))(X)
    _close(out, [[[-0.014853, 0.0, 0.044722, 0.075212], [0.053202, 0.059124, 0.10598, 0.095805],
                  [0.07194, 0.130843, 0.056721, 0.094015]],
                 [[0.045083, 0.053615, 0.022113, 0.039813],
                  [-0.056938, -0.047183, -0.046235, -0.037374],
                  [0.029189, 0.049729, 0.053411, 0.068166]]])


def test_bidirectional_states_and_initial_state():
    # TensorFlow 2.21's values: forward states then backward ones, in and out
    layer = _with_weights(L.Bidirectional(L.GRU(2, return_state=True), merge_mode="ave"))
    output, forward_h, backward_h = layer(X, initial_state=[H0, C0])
    _close(output, [[0.107955, 0.336143], [0.136817, 0.338499]])
    _close(forward_h, [[0.152888, 0.333131], [0.137263, 0.331963]])
    _close(backward_h, [[0.063021, 0.339154], [0.136372, 0.345036]])


def test_bidirectional_merge_none_returns_both_and_states():
    # as TensorFlow: a tuple of 6 tensors (2 outputs, 2 + 2 LSTM states)
    out = L.Bidirectional(L.LSTM(2, return_state=True), merge_mode=None)(X)
    assert isinstance(out, tuple) and len(out) == 6
    assert [tuple(o.shape) for o in out] == [(2, 2)] * 6


def test_weights_layout_and_initial_values():
    # TensorFlow 2.21's layout: kernel, recurrent_kernel, bias; LSTM's forget bias starts at one
    lstm, gru, simple = L.LSTM(3), L.GRU(3), L.SimpleRNN(3)
    for layer in (lstm, gru, simple):
        layer(X)
    assert [tuple(w.shape) for w in lstm.weights] == [(2, 12), (3, 12), (12,)]
    assert [tuple(w.shape) for w in gru.weights] == [(2, 9), (3, 9), (2, 9)]
    assert [tuple(w.shape) for w in simple.weights] == [(2, 3), (3, 3), (3,)]
    _close(lstm.cell.bias, [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    assert type(lstm.cell.recurrent_initializer).__name__ == "Orthogonal"
    assert type(lstm.cell.kernel_initializer).__name__ == "GlorotUniform"
    rk = gru.cell.recurrent_kernel.numpy()   # orthogonal columns per (3, 9): rows orthonormal
    np.testing.assert_allclose(rk @ rk.T, np.eye(3), atol=1e-5)
    assert (lstm.cell.state_size, gru.cell.state_size, simple.cell.state_size) == ([3, 3], 3, 3)
    assert (lstm.units, gru.reset_after) == (3, True)
    assert [w.name for w in lstm.weights][0].startswith("lstm_cell")


def test_bidirectional_copies_the_layer():
    # as TensorFlow: fresh forward_/backward_ copies, forward weights first
    layer = L.Bidirectional(L.GRU(2, name="g"))
    layer(X)
    assert layer.forward_layer.name == "forward_g" and layer.backward_layer.name == "backward_g"
    assert layer.backward_layer.go_backwards and not layer.forward_layer.go_backwards
    assert [tuple(w.shape) for w in layer.weights] == [(2, 6), (2, 6), (2, 6)] * 2


def test_stateful_keeps_and_resets_states():
    # as TensorFlow: the kept states continue the sequence; reset_states zeroes them
    layer = _with_weights(L.LSTM(2, stateful=True))
    layer.reset_states()
    plain = _with_weights(L.LSTM(2, return_state=True))
    _, h, c = plain(X[:, :2])
    layer(X[:, :2])
    assert len(layer.weights) == 3 and not any(s.trainable for s in layer.states)
    _close(layer(X[:, 2:]), plain(X[:, 2:], initial_state=[h, c])[0])
    layer.reset_states()
    assert all(not np.asarray(s).any() for s in layer.states)
    with pytest.raises(ValueError, match="If an RNN is stateful, the batch size"):
        layer(np.ones((3, 3, 2), np.float32))


def test_functional_model_with_initial_state():
    # as TensorFlow: the encoder's states feed the decoder through a functional model
    encoder_input = L.Input(shape=(None, 2))
    _, state_h, state_c = L.LSTM(2, return_state=True, name="enc")(encoder_input)
    decoder_input = L.Input(shape=(None, 2))
    decoder_output = L.LSTM(2, name="dec")(decoder_input, initial_state=[state_h, state_c])
    model = tf.keras.Model([encoder_input, decoder_input], decoder_output)
    enc = _with_weights(L.LSTM(2, return_state=True))
    dec = _with_weights(L.LSTM(2))
    for layer in model.layers:
        if layer.name in ("enc", "dec"):
            layer.set_weights(enc.get_weights())
    _, h, c = enc(X)
    _close(model([X, X[::-1]]), dec(X[::-1], initial_state=[h, c]))


def test_errors_as_tensorflow():
    # TensorFlow 2.21's error types
    with pytest.raises(ValueError, match="invalid value for argument `units`"):
        L.LSTM(0)
    with pytest.raises(ValueError, match="Please initialize `Bidirectional`"):
        L.Bidirectional(3)
    with pytest.raises(ValueError, match="Invalid merge mode"):
        L.Bidirectional(L.LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="should have a `call` method"):
        L.RNN(3)
    with pytest.raises(ValueError):
        L.LSTM(2)(np.ones((2, 3), np.float32))
    with pytest.raises(tf.errors.InvalidArgumentError):
        L.GRU(2)(np.ones((2, 0, 2), np.float32))


def test_nested_inputs_reach_the_cell_build_as_in_keras_3():
    # TensorFlow 2.21 (Keras 3) gives a cell of nested inputs the shape tuple of the first
    # input only; the guide's cell then fails with IndexError, as in TensorFlow
    class Nested(L.Layer):
        state_size = [2, 3]

        def build(self, input_shapes):
            self.w = self.add_weight((input_shapes[1][1], 2), name="w")

        def call(self, inputs, states):
            return inputs[0], states

    with pytest.raises(IndexError):
        L.RNN(Nested())((np.ones((1, 2, 2), np.float32), np.ones((1, 2, 3), np.float32)))


def test_dropout_while_training_raises():
    # TensorFlow draws random dropout masks: gradtape refuses rather than differ
    layer = L.LSTM(2, dropout=0.5)
    _close(layer(X), layer(X, training=False))      # no dropout outside training
    with pytest.raises(NotImplementedError, match="dropout=0.5 while training"):
        layer(X, training=True)


MASK = np.array([[True, False, True], [False, True, True]])


def test_masked_steps_keep_states_and_repeat_outputs():
    # TensorFlow 2.21's values
    layer = _with_weights(L.LSTM(2, return_sequences=True, return_state=True))
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        output, h, c = layer(x, mask=MASK)
        loss = tf.reduce_sum(output) + tf.reduce_sum(c)
    _close(output, [[[-0.014853, 0.0], [-0.014853, 0.0], [0.052623, 0.094107]],
                    [[0.0, 0.0], [-0.084498, -0.091741], [0.016627, 0.03192]]])
    _close(c, [[0.142944, 0.24983], [0.030917, 0.083768]])
    _close(tape.gradient(loss, x), [[[0.246466, 0.415628], [0.0, 0.0], [0.041102, 0.142637]],
                                    [[0.0, 0.0], [0.248385, 0.376078], [0.100945, 0.21415]]])
    # a fully masked sequence keeps its initial state
    _, state = _with_weights(L.SimpleRNN(2, return_state=True))(
        X, mask=np.array([[False] * 3, [True] * 3]))
    _close(state, [[0.0, 0.0], [-0.469709, -0.281494]])


def test_masked_bidirectional_outputs_zeros_at_masked_steps():
    # TensorFlow 2.21's values
    out = _with_weights(L.Bidirectional(L.GRU(2, return_sequences=True)))(X, mask=MASK)
    _close(out, [[[0.090915, 0.140692, 0.092078, 0.234351], [0.0, 0.0, 0.0, 0.0],
                  [0.071969, 0.255014, 0.007616, 0.205147]],
                 [[0.0, 0.0, 0.0, 0.0], [0.028698, 0.000609, 0.054885, 0.12882],
                  [0.073648, 0.244953, 0.057522, 0.242724]]])


@pytest.mark.parametrize("make", [
    lambda: L.SimpleRNN(2, return_sequences=True, go_backwards=True, dtype="float64"),
    lambda: L.LSTM(2, return_state=True, dtype="float64"),
    lambda: L.GRU(2, return_sequences=True, dtype="float64"),
    lambda: L.GRU(2, reset_after=False, dtype="float64"),
    lambda: L.Bidirectional(L.LSTM(2, return_sequences=True, dtype="float64"), dtype="float64"),
])
def test_gradients_numerically(make):
    layer = make()
    layer(X.astype(np.float64))
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=tuple(w.shape)) * 0.5 for w in layer.weights]
    layer.set_weights(weights)
    check_gradients(lambda x: layer(x), [X.astype(np.float64)], order=1)
    check_gradients(lambda w: _with_kernel(layer, w, X), [weights[0]], order=1)


def _with_kernel(layer, kernel, x):
    """The layer's output as a function of its first kernel (a tensor replacing the weight)."""
    cell = layer.cell if hasattr(layer, "cell") else layer.forward_layer.cell
    saved = cell.kernel
    cell.kernel = kernel
    try:
        return layer(x.astype(np.float64))
    finally:
        cell.kernel = saved


def test_stateful_layer_trained_by_fit():
    # TensorFlow 2.21's values: the kept states carry over from batch to batch in fit
    rng = np.random.default_rng(0)
    x = rng.random((8, 3, 2)).astype(np.float32)
    y = rng.random((8, 1)).astype(np.float32)
    model = tf.keras.Sequential([L.LSTM(2, stateful=True), L.Dense(1)])
    model(x[:4])
    model.set_weights([((np.arange(np.prod(w.shape)).reshape(tuple(w.shape)) % 5) - 2) / 10
                       for w in model.weights])
    model.layers[0].reset_states()
    model.compile(loss="mse", optimizer="sgd")
    history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], [0.498843789100647, 0.46743243932724],
                               rtol=1e-5)
    _close(model.layers[0].states[0], [[0.1319816, -0.14701779], [0.11531998, -0.13566403],
                                       [0.12629865, -0.15666212], [0.11259265, -0.11354424]])


def test_stateful_in_a_functional_model():
    # TensorFlow 2.21's values: the symbolic call makes zero states for the Input's batch
    # size and leaves them alone; calls on data keep their final states
    x = np.random.default_rng(0).random((8, 3, 2)).astype(np.float32)
    with pytest.raises(ValueError, match="the batch size must be static"):
        L.LSTM(2, stateful=True)(tf.keras.Input(shape=(3, 2)))
    layer = L.LSTM(2, stateful=True, kernel_initializer="ones", recurrent_initializer="ones")
    inputs = tf.keras.Input(batch_shape=(4, 3, 2))
    outputs = layer(inputs)
    assert outputs.shape == (4, 2)
    _close(layer.states[0], np.zeros((4, 2)))
    _close(layer.states[1], np.zeros((4, 2)))
    want = [[0.88105, 0.88105], [0.910457, 0.910457], [0.9165484, 0.9165484],
            [0.8244897, 0.8244897]]
    _close(tf.keras.Model(inputs, outputs)(x[:4]), want)
    _close(layer.states[0], want)
    layer(inputs)   # another symbolic call keeps the states
    _close(layer.states[0], want)
    bidirectional = L.Bidirectional(L.LSTM(2, stateful=True))
    assert bidirectional(tf.keras.Input(batch_shape=(4, 3, 2))).shape == (4, 4)
    assert [tuple(s.shape) for s in bidirectional.forward_layer.states] == [(4, 2), (4, 2)]
    with pytest.raises(ValueError, match="the batch size must be static"):
        L.Bidirectional(L.LSTM(2, stateful=True))(tf.keras.Input(shape=(3, 2)))


def test_stateful_sequential_built_by_its_first_call_or_fit():
    # TensorFlow 2.21: the first call's batch size is the states' batch size
    x = np.random.default_rng(0).random((10, 3, 2)).astype(np.float32)
    model = tf.keras.Sequential([L.LSTM(2, stateful=True)])
    model(x[:4])
    with pytest.raises(ValueError, match="Expected batch size: 4"):
        model(x[:2])
    # fit builds on the batches' shape: known when the batch size divides the samples
    y = np.ones((10, 1), np.float32)
    model = tf.keras.Sequential([L.LSTM(2, stateful=True), L.Dense(1)])
    model.compile(loss="mse", optimizer="sgd")
    model.fit(x[:8], y[:8], batch_size=4, epochs=1, shuffle=False, verbose=0)
    assert model.input_shape == (4, 3, 2)
    assert tuple(model.layers[0].states[0].shape) == (4, 2)
    model = tf.keras.Sequential([L.LSTM(2, stateful=True), L.Dense(1)])
    model.compile(loss="mse", optimizer="sgd")
    with pytest.raises(ValueError, match="the batch size must be static"):
        model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)


def test_stacked_cells():
    # TensorFlow 2.21's values: a list of cells runs as StackedRNNCells, states cell by cell
    layer = _with_weights(L.RNN([L.GRUCell(2), L.LSTMCell(3)], return_state=True,
                                return_sequences=True))
    assert [tuple(w.shape) for w in layer.weights] == [(2, 6), (2, 6), (2, 6), (2, 12), (3, 12),
                                                      (12,)]
    assert layer.cell.state_size == [2, [3, 3]]
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        output, gru_states, lstm_states = layer(x)
        loss = tf.reduce_sum(output) + tf.reduce_sum(lstm_states[1])
    assert len(gru_states) == 1 and len(lstm_states) == 2
    _close(output[:, -1], [[0.119439, -0.119058, -0.074887], [0.115055, -0.119161, -0.08208]])
    _close(lstm_states[1], [[0.273103, -0.251358, -0.142454], [0.260417, -0.250859, -0.1561]])
    _close(tape.gradient(loss, x), [[[0.035241, 0.037008], [0.030323, 0.03601],
                                     [0.04466, 0.019912]],
                                    [[0.050513, 0.050264], [0.028355, 0.013314],
                                     [0.03899, 0.027526]]])
    given = layer(X, initial_state=[[tf.ones((2, 2))], [tf.ones((2, 3)), tf.zeros((2, 3))]])
    _close(given[0][:, -1], [[0.138623, -0.140393, -0.062019], [0.134959, -0.140321, -0.069492]])


def test_stacked_stateful_keeps_every_cells_states():
    # as TensorFlow: the kept states continue the sequence, cell by cell
    layer = _with_weights(L.RNN([L.SimpleRNNCell(2), L.LSTMCell(2)], stateful=True))
    layer.reset_states()
    plain = _with_weights(L.RNN([L.SimpleRNNCell(2), L.LSTMCell(2)], return_state=True))
    _, first, second = plain(X[:, :2])
    layer(X[:, :2])
    _close(layer(X[:, 2:]), plain(X[:, 2:], initial_state=[first, second])[0])


def test_mask_as_an_input_of_a_functional_model():
    # TensorFlow 2.21's values: the mask is an Input, given to both recurrent layers
    xi = tf.keras.Input((None, 2))
    mi = tf.keras.Input((None,), dtype="bool")
    lstm = L.LSTM(2, return_sequences=True)
    model = tf.keras.Model([xi, mi], L.Bidirectional(L.GRU(2))(lstm(xi, mask=mi), mask=mi))
    model.set_weights([_w(tuple(w.shape)) for w in model.weights])
    _close(model([X, MASK]), [[0.07731383, 0.22789416, 0.07576761, 0.2198005],
                              [0.07400168, 0.2129241, 0.07166429, 0.20163418]])
