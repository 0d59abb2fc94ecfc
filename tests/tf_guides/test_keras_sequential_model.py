"""Keras 3's Sequential-model guide, run with ``import gradtape as tf``.

Every expected value is TensorFlow 2.21's (``tf.keras`` is Keras 3), typed by hand
from what it printed. Weights are set from the same NumPy arrays in both runs.
"""
import numpy as np
import pytest

import gradtape as tf

keras = tf.keras
layers = keras.layers


def set_weights(model, seed):
    rng = np.random.default_rng(seed)
    model.set_weights([np.round(rng.standard_normal(w.shape), 2).astype("float32") * 0.5
                       for w in model.get_weights()])


def test_model_equals_stacked_layers():
    model = keras.Sequential([layers.Dense(2, activation="relu", name="layer1"),
                              layers.Dense(3, activation="relu", name="layer2"),
                              layers.Dense(4, name="layer3")])
    x = np.arange(9, dtype="float32").reshape(3, 3) / 10
    model(x)
    set_weights(model, 0)
    # TensorFlow 2.21's values
    np.testing.assert_allclose(model(x).numpy(), [[0.11, -0.505, -0.105, -0.08]] * 3, rtol=1e-6)


def test_pop_and_add():
    model = keras.Sequential()
    model.add(layers.Dense(2, activation="relu"))
    model.add(layers.Dense(3, activation="relu"))
    last = layers.Dense(4)
    model.add(last)
    assert model.pop() is last   # TensorFlow 2.21: pop returns the removed layer
    assert len(model.layers) == 2


def test_pop_rebuilds_a_model_with_an_input():
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2, name="a"),
                              layers.Dense(4, name="b")])
    assert model.output_shape == (None, 4)
    assert model.pop().name == "b"
    # TensorFlow 2.21: (None, 2) 1
    assert model.output_shape == (None, 2)
    assert len(model.layers) == 1


UNBUILT = """\
Model: "unbuilt"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense_7 (Dense)                 │ ?                      │   0 (unbuilt) │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_8 (Dense)                 │ ?                      │   0 (unbuilt) │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 0 (0.00 B)
 Trainable params: 0 (0.00 B)
 Non-trainable params: 0 (0.00 B)
"""

CALLED = """\
Model: "unbuilt"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense_7 (Dense)                 │ (1, 2)                 │            10 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_8 (Dense)                 │ (1, 3)                 │             9 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 19 (76.00 B)
 Trainable params: 19 (76.00 B)
 Non-trainable params: 0 (0.00 B)
"""


def test_summary_before_and_after_the_first_call(capsys):
    # TensorFlow 2.21's tables: unbuilt layers show "?"; the first call's shape builds it
    model = keras.Sequential([layers.Dense(2, activation="relu", name="dense_7"),
                              layers.Dense(3, name="dense_8")], name="unbuilt")
    assert model.weights == []
    with pytest.raises(AttributeError, match="has no defined inputs yet"):
        model.inputs
    model.summary()
    assert capsys.readouterr().out == UNBUILT
    model(tf.ones((1, 4)))
    assert len(model.weights) == 4
    model.summary()
    assert capsys.readouterr().out == CALLED


def test_first_call_builds_for_its_batch_size():
    model = keras.Sequential([layers.Dense(2), layers.Dense(3)])
    model(np.ones((5, 4), "float32"))
    # TensorFlow 2.21: inputs [<KerasTensor shape=(5, 4) ...>], output_shape (5, 3)
    assert [t.shape for t in model.inputs] == [(5, 4)]
    assert model.output_shape == (5, 3)
    model.add(layers.Dense(7))
    assert model.output_shape == (5, 7)
    assert len(model.weights) == 6


def test_build_and_input_shape_give_unknown_batch(capsys):
    model = keras.Sequential([layers.Dense(2, name="d")])
    model.build((None, 3))
    assert model.output_shape == (None, 2)   # TensorFlow 2.21
    model = keras.Sequential()
    model.add(layers.Dense(2, activation="relu", input_shape=(4,)))
    assert len(model.weights) == 2 and model.output_shape == (None, 2)   # TensorFlow 2.21


def test_conv_stack_output_shapes():
    model = keras.Sequential()
    model.add(keras.Input(shape=(250, 250, 3)))
    model.add(layers.Conv2D(32, 5, strides=2, activation="relu"))
    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.MaxPooling2D(3))
    assert model.output_shape == (None, 40, 40, 32)   # TensorFlow 2.21
    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.MaxPooling2D(3))
    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.MaxPooling2D(2))
    assert model.output_shape == (None, 4, 4, 32)   # TensorFlow 2.21
    model.add(layers.GlobalMaxPooling2D())
    model.add(layers.Dense(10))
    assert model.output_shape == (None, 10)


def feature_model():
    initial_model = keras.Sequential([
        keras.Input(shape=(9, 9, 3)),
        layers.Conv2D(4, 5, strides=2, activation="relu"),
        layers.Conv2D(4, 3, activation="relu", name="my_intermediate_layer"),
        layers.Conv2D(2, 1, activation="relu"),
    ])
    set_weights(initial_model, 1)
    return initial_model


IMAGE = (np.arange(243, dtype="float32").reshape(1, 9, 9, 3) % 7) / 7


def test_feature_extraction_from_every_layer():
    initial_model = feature_model()
    feature_extractor = keras.Model(inputs=initial_model.inputs,
                                    outputs=[layer.output for layer in initial_model.layers])
    features = feature_extractor(IMAGE)
    # TensorFlow 2.21's values
    assert [tuple(f.shape) for f in features] == [(1, 3, 3, 4), (1, 1, 1, 4), (1, 1, 1, 2)]
    np.testing.assert_allclose([float(tf.reduce_sum(f)) for f in features],
                               [1.187856912612915, 1.632285714149475, 0.8251715898513794],
                               rtol=1e-5)
    np.testing.assert_allclose(features[2].numpy().ravel(), [0.4878369, 0.3373347], rtol=1e-5)


def test_feature_extraction_from_one_layer():
    initial_model = feature_model()
    feature_extractor = keras.Model(
        inputs=initial_model.inputs,
        outputs=initial_model.get_layer(name="my_intermediate_layer").output)
    features = feature_extractor(IMAGE)
    assert tuple(features.shape) == (1, 1, 1, 4)   # TensorFlow 2.21
    np.testing.assert_allclose(float(tf.reduce_sum(features)), 1.632285714149475, rtol=1e-5)


def test_layer_and_model_errors():
    # TensorFlow 2.21's errors
    with pytest.raises(AttributeError, match="never been called and thus has no defined output"):
        layers.Dense(2).output
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2)])
    with pytest.raises(AttributeError, match="never been called and thus has no defined input"):
        model.input
    with pytest.raises(ValueError, match="No such layer: zzz"):
        model.get_layer("zzz")
    with pytest.raises(ValueError, match="at index 3 but model only has 1 layers"):
        model.get_layer(index=3)


def test_freeze_all_but_the_last_layer_and_fit():
    model = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(5, activation="relu"),
                              layers.Dense(5, activation="relu"), layers.Dense(3)])
    set_weights(model, 2)
    for layer in model.layers[:-1]:
        layer.trainable = False
    assert (len(model.trainable_weights), len(model.non_trainable_weights)) == (2, 4)
    model.compile(optimizer=keras.optimizers.SGD(0.1),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    xt = (np.arange(48, dtype="float32").reshape(8, 6) % 5) / 5
    yt = np.arange(8) % 3
    history = model.fit(xt, yt, batch_size=4, epochs=2, verbose=0, shuffle=False)
    # TensorFlow 2.21's values
    np.testing.assert_allclose(history.history["loss"], [1.203850269317627, 1.1863614320755005],
                               rtol=1e-5)
    np.testing.assert_allclose(model.layers[0].get_weights()[0][0],
                               [0.095, -0.26, -0.205, -1.22, 0.9], rtol=1e-6)
    np.testing.assert_allclose(model.layers[-1].get_weights()[1],
                               [-0.144898, -0.2727568, 0.3776548], rtol=1e-5)


def test_frozen_base_model_in_a_sequential():
    base_model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(6, activation="relu")])
    base_model.trainable = False
    model = keras.Sequential([base_model, layers.Dense(3)])
    model.build((None, 8))
    # TensorFlow 2.21: 2 2 2
    assert (len(model.trainable_weights), len(model.non_trainable_weights),
            len(model.layers)) == (2, 2, 2)
