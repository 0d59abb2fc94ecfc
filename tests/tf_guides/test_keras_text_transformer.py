"""Keras' example "Text classification with Transformer" (keras-io
examples/nlp/text_classification_with_transformer.py), adapted: tiny synthetic token data
instead of IMDB, fixed weights, dropout rates of 0 (TensorFlow's random dropout masks cannot
be matched), Adam(0.01) and ``shuffle=False``; the values are TensorFlow 2.21's (Keras 3.15)
for the same code."""
import numpy as np
import pytest

import gradtape as tf

keras = tf.keras
layers = keras.layers


class TransformerBlock(layers.Layer):
    def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1):
        super().__init__()
        self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.ffn = keras.Sequential([layers.Dense(ff_dim, activation="relu"),
                                     layers.Dense(embed_dim)])
        self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
        self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
        self.dropout1 = layers.Dropout(rate)
        self.dropout2 = layers.Dropout(rate)

    def call(self, inputs):
        attn_output = self.att(inputs, inputs)
        attn_output = self.dropout1(attn_output)
        out1 = self.layernorm1(inputs + attn_output)
        ffn_output = self.ffn(out1)
        ffn_output = self.dropout2(ffn_output)
        return self.layernorm2(out1 + ffn_output)


class TokenAndPositionEmbedding(layers.Layer):
    def __init__(self, maxlen, vocab_size, embed_dim):
        super().__init__()
        self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
        self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

    def call(self, x):
        maxlen = tf.shape(x)[-1]
        positions = tf.range(start=0, limit=maxlen, delta=1)
        positions = self.pos_emb(positions)
        x = self.token_emb(x)
        return x + positions


def test_transformer_text_classifier_trains_as_tensorflow():
    vocab_size, maxlen, embed_dim, num_heads, ff_dim = 20, 6, 4, 2, 8
    rng = np.random.default_rng(0)
    x_all = rng.integers(0, vocab_size, size=(24, maxlen))
    y_all = (x_all[:, :3].sum(axis=1) > x_all[:, 3:].sum(axis=1)).astype("int64")
    x_train, y_train, x_val, y_val = x_all[:16], y_all[:16], x_all[16:], y_all[16:]

    inputs = layers.Input(shape=(maxlen,))
    x = TokenAndPositionEmbedding(maxlen, vocab_size, embed_dim)(inputs)
    x = TransformerBlock(embed_dim, num_heads, ff_dim, rate=0.0)(x)
    x = layers.GlobalAveragePooling1D()(x)
    x = layers.Dropout(0.0)(x)
    x = layers.Dense(20, activation="relu")(x)
    x = layers.Dropout(0.0)(x)
    outputs = layers.Dense(2, activation="softmax")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    # TensorFlow 2.21's weights, in its order
    assert [tuple(w.shape) for w in model.weights] == [
        (20, 4), (6, 4), (4, 2, 4), (2, 4), (4, 2, 4), (2, 4), (4, 2, 4), (2, 4), (2, 4, 4),
        (4,), (4, 8), (8,), (8, 4), (4,), (4,), (4,), (4,), (4,), (4, 20), (20,), (20, 2),
        (2,)]
    model.set_weights([((np.arange(np.prod(w.shape)).reshape(w.shape) % (7 + i % 5) - 3)
                        / 10).astype("float32") for i, w in enumerate(model.weights)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=8, epochs=2, shuffle=False, verbose=0,
                        validation_data=(x_val, y_val))
    # TensorFlow 2.21's numbers
    assert history.history["loss"] == pytest.approx([0.696676, 0.691314], abs=2e-6)
    assert history.history["val_loss"] == pytest.approx([0.676549, 0.660184], abs=2e-6)
    assert history.history["accuracy"] == [0.5, 0.5]
    assert history.history["val_accuracy"] == [0.75, 0.75]
    np.testing.assert_allclose(model.predict(x_val[:2], verbose=0),
                               [[0.473396, 0.526604], [0.476192, 0.523808]], atol=3e-6)
