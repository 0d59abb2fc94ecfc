"""Keras 3's guide "Understanding masking & padding" (keras-io
guides/understanding_masking_and_padding.py), adapted: ``tf`` ops instead of ``keras.ops``,
small sizes and fixed weights instead of random ones; the values are TensorFlow 2.21's
(Keras 3.15) for the same code. Then what the guide leaves out: masked losses and metrics
in ``fit``, and the rules for which calls receive a mask.
"""
import warnings

import numpy as np
import pytest

import gradtape as tf
from gradtape.testing import check_gradients

keras = tf.keras
layers = keras.layers


def ramp(shape):
    return ((np.arange(np.prod(shape)).reshape(shape) % 7 - 3) / 10).astype("float32")


def ramp_weights(obj):
    obj.set_weights([ramp(tuple(w.shape)) for w in obj.weights])


RAW_INPUTS = [[711, 632, 71], [73, 8, 3215, 55, 927], [83, 91, 1, 645, 1253, 927]]
PADDED = np.array([[711, 632, 71, 0, 0, 0], [73, 8, 3215, 55, 927, 0],
                   [83, 91, 1, 645, 1253, 927]], "int32")
PADDING_MASK = [[True, True, True, False, False, False], [True, True, True, True, True, False],
                [True] * 6]
# TensorFlow 2.21's LSTM(3) outputs after Embedding(5000, 4, mask_zero=True), ramp weights
LSTM_OUTPUTS = [[0.111742, -0.110253, -0.07699], [0.124505, -0.131756, -0.121784],
                [0.131156, -0.124212, -0.122808]]


def test_padding_and_mask_generating_layers():
    padded_inputs = keras.utils.pad_sequences(RAW_INPUTS, padding="post")
    np.testing.assert_array_equal(padded_inputs, PADDED)
    assert padded_inputs.dtype == np.int32
    embedding = layers.Embedding(input_dim=5000, output_dim=4, mask_zero=True)
    masked_output = embedding(padded_inputs)
    assert masked_output._keras_mask.numpy().tolist() == PADDING_MASK
    unmasked_embedding = tf.cast(tf.tile(tf.expand_dims(padded_inputs, axis=-1), [1, 1, 10]),
                                 tf.float32)
    masked_embedding = layers.Masking()(unmasked_embedding)
    assert masked_embedding._keras_mask.numpy().tolist() == PADDING_MASK
    assert masked_embedding._keras_mask.dtype == tf.bool


def test_pad_sequences_options():
    # TensorFlow 2.21's arrays and errors
    np.testing.assert_array_equal(keras.utils.pad_sequences(RAW_INPUTS, maxlen=4),
                                  [[0, 711, 632, 71], [8, 3215, 55, 927], [1, 645, 1253, 927]])
    np.testing.assert_array_equal(
        keras.utils.pad_sequences(RAW_INPUTS, maxlen=4, truncating="post", value=-1),
        [[-1, 711, 632, 71], [73, 8, 3215, 55], [83, 91, 1, 645]])
    padded = keras.utils.pad_sequences([[[1, 2]], [], [[3, 4], [5, 6]]], dtype="float32")
    assert padded.shape == (3, 2, 2) and padded.dtype == np.float32
    np.testing.assert_array_equal(padded[0], [[0, 0], [1, 2]])
    with pytest.raises(ValueError, match='Padding type "middle" not understood'):
        keras.utils.pad_sequences(RAW_INPUTS, padding="middle")
    with pytest.raises(ValueError, match="must be a list of iterables"):
        keras.utils.pad_sequences([1, 2])
    with pytest.raises(ValueError, match=r"Shape of sample \(3,\) of sequence at position 1"):
        keras.utils.pad_sequences([[[1, 2]], [[1, 2, 3]]])


def test_mask_propagation_in_sequential_and_functional_models():
    model = keras.Sequential([layers.Embedding(input_dim=5000, output_dim=4, mask_zero=True),
                              layers.LSTM(3)])
    model.build((None, 6))
    ramp_weights(model)
    np.testing.assert_allclose(model(PADDED).numpy(), LSTM_OUTPUTS, atol=2e-6)
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(input_dim=5000, output_dim=4, mask_zero=True)(inputs)
    outputs = layers.LSTM(3)(x)
    model = keras.Model(inputs, outputs)
    ramp_weights(model)
    np.testing.assert_allclose(model(PADDED).numpy(), LSTM_OUTPUTS, atol=2e-6)


class MyLayer(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.embedding = layers.Embedding(input_dim=5000, output_dim=4, mask_zero=True)
        self.lstm = layers.LSTM(3)

    def call(self, inputs):
        x = self.embedding(inputs)
        mask = self.embedding.compute_mask(inputs)
        return self.lstm(x, mask=mask)


def test_passing_mask_tensors_directly_to_layers():
    layer = MyLayer()
    lengths = np.array([[3], [10], [6], [1]])
    x = (np.arange(40).reshape(4, 10) * 37 % 100 * (np.arange(10) < lengths)).astype("int32")
    layer(x)
    ramp_weights(layer)
    # TensorFlow 2.21's values
    np.testing.assert_allclose(layer(x).numpy(), [
        [0.06266, -0.105364, -0.083994], [0.148072, -0.132856, -0.122733],
        [0.08879, -0.154104, -0.148177], [0.083062, -0.053295, -0.036682]], atol=2e-6)


class TemporalSplit(keras.layers.Layer):
    def call(self, inputs):
        return tf.split(inputs, 2, axis=1)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        return tf.split(mask, 2, axis=1)


class CustomEmbedding(keras.layers.Layer):
    def __init__(self, input_dim, output_dim, mask_zero=False, **kwargs):
        super().__init__(**kwargs)
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.mask_zero = mask_zero

    def build(self, input_shape):
        self.embeddings = self.add_weight(shape=(self.input_dim, self.output_dim),
                                          initializer="random_normal", dtype="float32")

    def call(self, inputs):
        inputs = tf.cast(inputs, "int32")
        return tf.gather(self.embeddings, inputs)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return tf.not_equal(inputs, 0)


def test_custom_layers_that_modify_or_generate_masks():
    masked_embedding = layers.Masking()(tf.cast(
        tf.tile(tf.expand_dims(PADDED, axis=-1), [1, 1, 10]), tf.float32))
    first_half, second_half = TemporalSplit()(masked_embedding)
    assert first_half._keras_mask.numpy().tolist() == [[True] * 3] * 3
    assert second_half._keras_mask.numpy().tolist() == [[False] * 3, [True, True, False],
                                                        [True] * 3]
    layer = CustomEmbedding(10, 32, mask_zero=True)
    x = (np.arange(30).reshape(3, 10) * 7 % 9).astype("int32")
    y = layer(x)
    mask = layer.compute_mask(x)
    # TensorFlow 2.21's mask; overriding compute_mask makes a layer support masking
    assert mask.numpy().tolist() == [
        [False] + [True] * 8 + [False], [True] * 8 + [False, True], [True] * 7 + [False] * 1
        + [True] * 2]
    assert y._keras_mask.numpy().tolist() == mask.numpy().tolist()
    assert layer.supports_masking


class MyActivation(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return tf.nn.relu(inputs)


def test_opting_in_to_mask_propagation():
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(input_dim=5000, output_dim=4, mask_zero=True)(inputs)
    x = MyActivation()(x)
    # TensorFlow 2.21: "Mask found: <KerasTensor shape=(None, None), dtype=bool, ...>"
    assert isinstance(x._keras_mask, keras.KerasTensor)
    assert (x._keras_mask.shape, x._keras_mask.dtype) == ((None, None), "bool")
    outputs = layers.LSTM(3)(x)
    model = keras.Model(inputs, outputs)
    ramp_weights(model)
    np.testing.assert_allclose(model(PADDED).numpy(), [
        [0.102246, -0.130886, -0.091996], [0.115524, -0.149554, -0.121727],
        [0.125971, -0.148539, -0.124506]], atol=2e-6)


class TemporalSoftmax(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        assert mask is not None
        broadcast_float_mask = tf.expand_dims(tf.cast(mask, "float32"), -1)
        inputs_exp = tf.exp(inputs) * broadcast_float_mask
        inputs_sum = tf.reduce_sum(inputs_exp * broadcast_float_mask, axis=-1, keepdims=True)
        return inputs_exp / inputs_sum


def test_layers_that_need_mask_information():
    with warnings.catch_warnings():   # 0/0 at the masked steps (NumPy's warning)
        warnings.simplefilter("ignore", RuntimeWarning)
        inputs = keras.Input(shape=(None,), dtype="int32")
        x = layers.Embedding(input_dim=10, output_dim=4, mask_zero=True)(inputs)
        x = layers.Dense(1)(x)
        outputs = TemporalSoftmax()(x)
        model = keras.Model(inputs, outputs)
        ramp_weights(model)
        y = model(np.array([[1, 2, 0], [3, 0, 0]]))
    # TensorFlow 2.21's values: the guide's sum over a last axis of size 1 gives 0/0 where masked
    np.testing.assert_array_equal(y.numpy()[..., 0], [[1.0, 1.0, np.nan], [1.0, np.nan, np.nan]])
    assert y._keras_mask.numpy().tolist() == [[True, True, False], [True, False, False]]


# ---------------------------------------------------------------------------
# Beyond the guide
# ---------------------------------------------------------------------------

X = np.array([[1, 2, 0, 0], [3, 4, 1, 0], [2, 0, 0, 0], [4, 4, 3, 2]])
Y = np.array([[1, 0, 2, 2], [2, 1, 0, 1], [0, 1, 1, 1], [1, 2, 0, 0]])


def _tagger():
    model = keras.Sequential([keras.Input((4,), dtype="int32"),
                              layers.Embedding(5, 3, mask_zero=True),
                              layers.LSTM(4, return_sequences=True), layers.Dense(3)])
    ramp_weights(model)
    return model


def test_fit_weights_the_loss_and_metrics_by_the_outputs_mask():
    model = _tagger()
    model.compile(optimizer=keras.optimizers.SGD(0.5),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"], weighted_metrics=["accuracy"])
    history = model.fit(X, Y, batch_size=2, epochs=2, shuffle=False, verbose=0)
    # TensorFlow 2.21's numbers: only the unpadded steps count
    assert history.history["accuracy"] == pytest.approx([0.2, 0.5], abs=1e-6)
    assert history.history["weighted_accuracy"] == pytest.approx([0.2, 0.5], abs=1e-6)
    assert history.history["loss"] == pytest.approx([1.116374, 1.070068], abs=2e-6)
    assert model.evaluate(X, Y, verbose=0) == pytest.approx([1.047098, 0.5, 0.5, 0.5], abs=2e-6)
    weighted = model.evaluate(X, Y, sample_weight=np.array([1.0, 2.0, 0.5, 1.0]), verbose=0)
    assert weighted == pytest.approx([1.295076, 0.5, 0.5, 0.416667], abs=2e-6)
    np.testing.assert_allclose(model.predict(X, verbose=0)[0], [
        [0.02943, -0.25795, -0.3521], [0.0537, -0.25713, -0.36244],
        [0.0537, -0.25713, -0.36244], [0.0537, -0.25713, -0.36244]], atol=2e-5)
    outputs = model(X)
    zeros = np.zeros((4, 4, 3))
    # TensorFlow 2.21: the mean over the kept steps; "sum" and the metrics weight by 0/1
    assert float(keras.losses.MeanSquaredError()(zeros, outputs)) == pytest.approx(0.067053,
                                                                                   abs=1e-6)
    assert float(keras.losses.MeanSquaredError(reduction="sum")(zeros, outputs)) == \
        pytest.approx(0.67053, abs=1e-5)
    metric = keras.metrics.MeanSquaredError()
    metric.update_state(zeros, outputs)
    assert float(metric.result()) == pytest.approx(0.067053, abs=1e-6)


def test_masked_layers_and_their_output_masks():
    embedding = layers.Embedding(5, 2, mask_zero=True)
    embedding.build((None, 3))
    embedding.set_weights([ramp((5, 2))])
    e = embedding(np.array([[1, 2, 0], [3, 0, 0]]))
    lstm = layers.LSTM(2, return_sequences=True)
    lstm.build((None, 3, 2))
    ramp_weights(lstm)
    states = [tf.ones((2, 2)), tf.ones((2, 2))]
    # TensorFlow 2.21: a call with more than one tensor (here the initial state) is not
    # given its input's mask
    np.testing.assert_allclose(lstm(e, initial_state=states).numpy()[:, -1], [
        [0.11375, 0.14599], [0.1015, 0.12848]], atol=1e-5)
    out = lstm(e)
    np.testing.assert_allclose(out.numpy()[:, :, 0], [[0.02202, 0.0465, 0.0465],
                                                      [0.01805, 0.01805, 0.01805]], atol=1e-5)
    assert out._keras_mask.numpy().tolist() == [[True, True, False], [True, False, False]]
    bidi = layers.Bidirectional(layers.GRU(2, return_sequences=True), merge_mode=None)
    bidi.build((None, 3, 2))
    ramp_weights(bidi)
    forward, backward = bidi(e)
    np.testing.assert_allclose(backward.numpy()[:, :, 1], [[0.21513, 0.1791, 0.0],
                                                           [0.16694, 0.0, 0.0]], atol=1e-5)
    assert backward._keras_mask.numpy().tolist() == out._keras_mask.numpy().tolist()
    pooled = layers.GlobalAveragePooling1D()(e)
    np.testing.assert_allclose(pooled.numpy(), [[0.0, 0.1], [0.3, -0.3]], atol=1e-7)
    assert getattr(pooled, "_keras_mask", None) is None
    joined = layers.Concatenate(axis=1)([e, tf.ones((2, 2, 2))])
    assert joined._keras_mask.numpy().tolist() == [[True, True, False, True, True],
                                                   [True, False, False, True, True]]
    assert layers.Add()([e, e])._keras_mask.numpy().tolist() == out._keras_mask.numpy().tolist()
    assert getattr(layers.Add()([e, tf.ones((2, 3, 2))]), "_keras_mask", None) is None
    with pytest.raises(NotImplementedError, match="inputs with masks"):
        layers.Maximum()([e, e])
    soft = layers.Softmax()(tf.constant([[1.0, 2.0, 3.0]]), mask=tf.constant([[True, False, True]]))
    np.testing.assert_allclose(soft.numpy(), [[0.1192, 0.0, 0.8808]], atol=1e-4)
    masked = layers.Masking()(tf.constant([[[1.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [2.0, 2.0]]]))
    assert masked._keras_mask.numpy().tolist() == [[True, False], [False, True]]


def test_a_layer_without_masking_support_drops_the_mask_with_a_warning():
    e = layers.Embedding(5, 2, mask_zero=True)(np.array([[1, 0]]))
    with pytest.warns(UserWarning, match="Layer 'flat' \\(of type Flatten\\) was passed an "
                      "input with a mask attached to it"):
        flat = layers.Flatten(name="flat")(e)
    assert getattr(flat, "_keras_mask", None) is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        layers.Dense(2)(e)
    with pytest.raises(AttributeError, match="has no attribute '_keras_mask'"):
        tf.constant(1.0)._keras_mask


def test_masked_recurrent_gradients_in_float64():
    mask = np.array([[True, True, False], [True, False, False]])
    layer = layers.GRU(2, return_sequences=True, dtype="float64")
    layer.build((None, 3, 2))
    ramp_weights(layer)
    x = np.linspace(-1.0, 1.0, 12).reshape(2, 3, 2)
    check_gradients(lambda inputs: layer(inputs, mask=mask), [x], order=1)
    pooled = layers.GlobalAveragePooling1D(dtype="float64")
    check_gradients(lambda inputs: pooled(inputs, mask=mask), [x], order=1)


class TwoInputs(layers.Layer):
    def call(self, a, b, a_mask=None, b_mask=None, mask=None):
        self.seen = [a_mask, b_mask, mask]
        return a


class OneInput(layers.Layer):
    def call(self, a, mask=None):
        self.seen = mask
        return a * 2.0


@pytest.mark.filterwarnings("ignore:Layer '.*' \\(of type:UserWarning")   # as TensorFlow's
def test_which_masks_a_call_receives():
    e = layers.Embedding(5, 2, mask_zero=True)(np.array([[1, 0]]))
    # TensorFlow 2.21: with several tensors each gets its own mask as `<name>_mask`
    two = TwoInputs()
    two(e, tf.ones((1, 2, 2)))
    assert two.seen[0].numpy().tolist() == [[True, False]] and two.seen[1:] == [None, None]
    one = OneInput()
    one(e)
    assert one.seen.numpy().tolist() == [[True, False]]
    one(e, mask=tf.constant([[False, True]]))   # a mask given wins
    assert one.seen.numpy().tolist() == [[False, True]]
    seen = []
    lam = layers.Lambda(lambda x, mask=None: (seen.append(mask), x[0])[1])
    lam([tf.ones((1, 2)), tf.ones((1, 2))])
    assert seen == [[None, None]]
