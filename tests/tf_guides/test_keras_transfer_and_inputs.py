"""From Keras 3's transfer-learning and functional-API guides: unfreezing keeps
BatchNormalization's moving statistics non-trainable, a training flag given to a
functional model replaces the one its layers were declared with, and a dict of
inputs is matched by the Inputs' names. Expected values are TensorFlow 2.21's
(Keras 3), typed from its output."""
import numpy as np
import pytest

import gradtape as tf

keras = tf.keras


def test_unfreezing_keeps_moving_statistics_non_trainable():
    bn = keras.layers.BatchNormalization()
    bn.build((None, 3))
    bn.trainable = False
    bn.trainable = True
    # TensorFlow 2.21: 2 trainable (gamma, beta), 2 non-trainable (moving mean, variance)
    assert (len(bn.trainable_weights), len(bn.non_trainable_weights)) == (2, 2)


def test_the_models_training_flag_replaces_the_declared_one():
    inputs = keras.Input((2,))
    bn = keras.layers.BatchNormalization()
    model = keras.Model(inputs, bn(inputs, training=False))
    x = np.array([[1.0, 2.0], [3.0, 6.0]], "float32")
    # TensorFlow 2.21: batch statistics under training=True, the moving ones otherwise
    np.testing.assert_allclose(model(x, training=True).numpy(),
                               [[-0.9995003938674927, -0.9998750686645508],
                                [0.9995005130767822, 0.9998750686645508]], rtol=1e-6)
    inference = [[0.9795103669166565, 1.9303085803985596],
                 [2.978511333465576, 5.86971378326416]]
    np.testing.assert_allclose(model(x).numpy(), inference, rtol=1e-6)
    np.testing.assert_allclose(model(x, training=False).numpy(), inference, rtol=1e-6)
    np.testing.assert_allclose([v.numpy() for v in bn.non_trainable_weights],
                               [[0.019999999552965164, 0.03999999910593033],
                                [1.0, 1.0299999713897705]], rtol=1e-6)


def test_a_dict_of_inputs_is_matched_by_input_name():
    y = keras.Input((2,), name="y")
    a = keras.Input((2,), name="a")
    model = keras.Model([y, a], keras.layers.Subtract()([y, a]))
    data = {"a": np.ones((1, 2), "float32"), "y": np.zeros((1, 2), "float32")}
    assert model(data).numpy().tolist() == [[-1.0, -1.0]]   # TensorFlow 2.21: y - a
    with pytest.raises(ValueError, match='Missing data for input "y"'):   # TensorFlow 2.21
        model({"a": data["a"]})


def test_compiled_metrics_on_two_outputs_of_a_subclassed_model_are_refused():
    # Keras 3 applies compiled metrics to each output, named by the outputs of a functional
    # model (tests/test_keras_port.py); a subclassed model's outputs have no names, and
    # gradtape refuses rather than measure the two outputs stacked together
    class TwoHeads(keras.Model):
        def __init__(self):
            super().__init__()
            self.a, self.b = keras.layers.Dense(1), keras.layers.Dense(1)

        def call(self, x):
            return [self.a(x), self.b(x)]

    x = np.ones((4, 2), "float32")
    model = TwoHeads()
    model.compile(optimizer="sgd", metrics=["mae"])
    with pytest.raises(NotImplementedError, match="compiled metrics on a model with 2 outputs"):
        model.compute_metrics(x, [np.ones((4, 1)), np.zeros((4, 1))], model(x))
