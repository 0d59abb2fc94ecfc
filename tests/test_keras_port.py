"""Keras 3 behaviour of ``Conv1D``, Sequential and functional models, and a loss per output.

Every expected value is TensorFlow 2.21's (``tf.keras`` is Keras 3), typed by hand from
what it printed.
"""
import numpy as np
import pytest

import gradtape as tf
from gradtape.testing import check_gradients

keras = tf.keras
layers = keras.layers

X = (np.arange(10, dtype="float32").reshape(1, 5, 2) - 4.5) / 2
KERNEL = np.array([[[1.0, -1.0], [0.5, -0.5]], [[0.5, 2.0], [0.25, 1.0]],
                   [[-1.5, 0.25], [-0.75, 0.125]]], "float32")


def conv1d(**kwargs):
    conv = layers.Conv1D(2, 3, **kwargs)
    conv.build((None, 5, 2))
    conv.set_weights([KERNEL, np.array([0.1, -0.2], "float32")])
    return conv


@pytest.mark.parametrize("kwargs,want_y,want_dx", [
    # TensorFlow 2.21's values
    (dict(padding="causal", dilation_rate=2),
     [[4.7875, -0.98125], [2.5375, -0.60625], [-1.275, -6.48125], [-2.775, -3.10625],
      [-7.4, 3.39375]],
     [[-63.640625, -31.8203125], [-23.115625, -11.5578127], [6.7593746, 3.3796873],
      [6.7718759, 3.3859379], [23.896875, 11.9484377]]),
    (dict(padding="same", strides=2),
     [[0.975, -6.85625], [-3.65, 1.51875], [2.9125, 4.175]],
     [[-26.45, -13.225], [-16.690624, -8.345312], [2.4249997, 1.2124999],
      [9.184375, 4.5921874], [19.612501, 9.80625]]),
    (dict(padding="valid"),
     [[-3.65, -0.35625], [-3.65, 1.51875], [-3.65, 3.39375]],
     [[-6.5875, -3.29375], [-15.4125, -7.70625], [-0.890625, -0.4453125],
      [21.634375, 10.817188], [12.646875, 6.3234377]]),
])
def test_conv1d_values_and_input_gradient(kwargs, want_y, want_dx):
    conv = conv1d(**kwargs)
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = conv(x)
        loss = tf.reduce_sum(y * y)
    assert [tuple(w.shape) for w in conv.weights] == [(3, 2, 2), (2,)]   # TF 2.21
    np.testing.assert_allclose(y.numpy()[0], want_y, rtol=1e-6)
    np.testing.assert_allclose(tape.gradient(loss, x).numpy()[0], want_dx, rtol=1e-6)


@pytest.mark.parametrize("kwargs", [dict(padding="causal", dilation_rate=2),
                                    dict(padding="same", strides=2), dict(padding="valid")])
def test_conv1d_gradients_numerically(kwargs):
    conv = layers.Conv1D(2, 3, dtype="float64", **kwargs)
    conv.build((None, 5, 2))
    conv.set_weights([KERNEL.astype("float64"), np.array([0.1, -0.2])])

    weights = conv.kernel

    def f(x, kernel):   # the layer's call with the kernel as an argument
        conv.kernel = kernel
        try:
            return conv(x)
        finally:
            conv.kernel = weights
    check_gradients(f, [X.astype("float64"), KERNEL.astype("float64")], order=2)


def test_conv1d_shapes_and_errors():
    inputs = keras.Input(shape=(None, 3))
    # TensorFlow 2.21: (None, None, 4) (None, None, 4) (16, 10, 3)
    assert layers.Conv1D(4, 3, strides=2)(inputs).shape == (None, None, 4)
    assert layers.Conv1D(4, 3, padding="causal")(inputs).shape == (None, None, 4)
    assert keras.Input(batch_shape=(16, 10, 3)).shape == (16, 10, 3)
    with pytest.raises(ValueError):   # TF 2.21: ValueError for each
        layers.Conv1D(2, (2, 2))
    with pytest.raises(ValueError):
        layers.Conv1D(2, 3, padding="full")
    with pytest.raises(ValueError):
        layers.Conv1D(2, 3)(tf.ones((2, 3)))


# -- a loss per output ------------------------------------------------------------------

def two_output_model(dict_outputs=False):
    inputs = keras.Input(shape=(3,), name="x")
    hidden = layers.Dense(4, activation="relu", name="h")(inputs)
    a = layers.Dense(1, name="a")(hidden)
    b = layers.Dense(2, name="b")(hidden)
    model = keras.Model(inputs, {"a": a, "b": b} if dict_outputs else [a, b])
    rng = np.random.default_rng(0)
    model.set_weights([np.round(rng.standard_normal(w.shape), 2).astype("float32")
                       for w in model.get_weights()])
    return model


_rng = np.random.default_rng(1)
MX = np.round(_rng.standard_normal((6, 3)), 2).astype("float32")
YA = np.round(_rng.standard_normal((6, 1)), 2).astype("float32")
YB = np.round(_rng.standard_normal((6, 2)), 2).astype("float32")
SW = np.array([1, 2, 0, 1, 1, 3], "float32")


def compiled(dict_outputs=False, **kwargs):
    model = two_output_model(dict_outputs)
    model.compile(optimizer=keras.optimizers.SGD(0.1), **kwargs)
    return model


def rounded(logs):
    return {k: np.round(v, 5).tolist() for k, v in logs.items()}


@pytest.mark.parametrize("kwargs,evaluated,history,last_bias", [
    # TensorFlow 2.21's values
    (dict(loss=["mse", "mae"]),
     {"a_loss": 1.02533, "b_loss": 1.16892, "loss": 1.84388},
     {"a_loss": [1.08866, 0.86141], "b_loss": [1.16892, 1.16945], "loss": [1.8861, 1.78262]},
     [0.195, -0.91]),
    (dict(loss=["mse", "mae"], loss_weights=[1.0, 0.2]),
     {"a_loss": 1.02533, "b_loss": 1.16892, "loss": 0.95761},
     {"a_loss": [1.08866, 0.84022], "b_loss": [1.16892, 1.19311], "loss": [0.99982, 0.87858]},
     [0.21, -0.99]),
    (dict(loss={"a": "mse", "b": "mae"}, loss_weights={"a": 0.5, "b": 2.0}),
     {"a_loss": 1.02533, "b_loss": 1.16892, "loss": 2.58371},
     {"a_loss": [1.05674, 0.96976], "b_loss": [1.16892, 1.12279], "loss": [2.59417, 2.51083]},
     [0.17, -0.81]),
    (dict(loss="mse"),   # one loss: applied to each output
     {"a_loss": 1.02533, "b_loss": 2.19514, "loss": 2.79931},
     {"a_loss": [1.08866, 0.95254], "b_loss": [2.16883, 1.79584], "loss": [2.82399, 2.52271]},
     [0.13307, -0.59955]),
    (dict(loss=["mse", None]),   # None: no loss on that output, nor a per-output log
     {"loss": 0.73604}, {"loss": [0.77825, 0.64866]}, [0.22, -1.01]),
])
@pytest.mark.filterwarnings("ignore:Gradients do not exist")
def test_loss_per_output_in_evaluate_and_fit(kwargs, evaluated, history, last_bias):
    model = compiled(**kwargs)
    logs = model.evaluate(MX, [YA, YB], batch_size=4, verbose=0, return_dict=True)
    assert rounded(logs) == evaluated
    values = model.evaluate(MX, [YA, YB], batch_size=4, verbose=0)
    # TF 2.21: [loss, a_loss, b_loss], the metrics' order
    want = [evaluated[k] for k in ("loss", "a_loss", "b_loss") if k in evaluated]
    assert np.round(values, 5).tolist() == (want if len(want) > 1 else want[0])
    fitted = model.fit(MX, [YA, YB], batch_size=4, epochs=2, verbose=0, shuffle=False)
    assert rounded(fitted.history) == history
    np.testing.assert_allclose(model.get_weights()[-1], last_bias, atol=1e-5)


def test_loss_per_output_of_dict_outputs():
    model = compiled(dict_outputs=True, loss={"a": "mse", "b": keras.losses.MeanAbsoluteError()},
                     loss_weights={"a": 0.5, "b": 2.0})
    logs = model.evaluate(MX, {"a": YA, "b": YB}, batch_size=4, verbose=0, return_dict=True)
    # TensorFlow 2.21's values
    assert rounded(logs) == {"a_loss": 1.02533, "b_loss": 1.16892, "loss": 2.58371}
    history = model.fit(MX, {"a": YA, "b": YB}, batch_size=4, epochs=2, verbose=0,
                        shuffle=False).history
    assert rounded(history) == {"a_loss": [1.05674, 0.96976], "b_loss": [1.16892, 1.12279],
                                "loss": [2.59417, 2.51083]}


def test_loss_per_output_with_sample_weight():
    model = compiled(loss=["mse", "mae"], loss_weights=[1.0, 0.2])
    logs = model.evaluate(MX, [YA, YB], batch_size=4, verbose=0, return_dict=True,
                          sample_weight=SW)
    # TensorFlow 2.21's values: each output's loss is a mean over the batches, each counted
    # once (its traced step does not know the batch size); the total is by batch size
    assert rounded(logs) == {"a_loss": 1.70689, "b_loss": 1.65056, "loss": 1.47427}
    history = model.fit(MX, [YA, YB], batch_size=4, epochs=2, verbose=0, shuffle=False,
                        sample_weight=SW).history
    assert rounded(history) == {"a_loss": [1.86329, 1.13395], "b_loss": [1.65181, 1.70034],
                                "loss": [1.5787, 1.24566]}
    np.testing.assert_allclose(model.get_weights()[-1], [0.23, -0.97], atol=1e-5)


def test_loss_per_output_run_eagerly_counts_batches_by_size():
    for weights, want in [(None, {"a_loss": 0.7360367, "b_loss": 1.107844, "loss": 1.8438807}),
                          (SW, {"a_loss": 1.1907359, "b_loss": 1.4176692, "loss": 2.6084051})]:
        model = two_output_model()
        model.compile(optimizer="sgd", loss=["mse", "mae"], run_eagerly=True)
        logs = model.evaluate(MX, [YA, YB], batch_size=4, verbose=0, return_dict=True,
                              sample_weight=weights)
        # TensorFlow 2.21's values (eager: the batch sizes are known)
        assert logs == pytest.approx(want, rel=1e-6)


def test_loss_per_output_errors():
    # TensorFlow 2.21's errors
    with pytest.raises(ValueError, match=r"Expected keys \['a', 'b'\] in loss dict, but found "
                                         r"loss.keys\(\)=\['a', 'zz'\]"):
        compiled(loss={"a": "mse", "zz": "mae"}).evaluate(MX, [YA, YB], verbose=0)
    with pytest.raises(ValueError, match="`loss_weights` must match the number of losses, "
                                         "got 1 losses and 2 weights."):
        compiled(loss="mse", loss_weights=[1.0, 0.5]).evaluate(MX, [YA, YB], verbose=0)
    # Keras 3 puts a list of fewer losses on the first outputs only: gradtape refuses it
    with pytest.raises(NotImplementedError, match="1 loss for a model with 2 outputs"):
        compiled(loss=["mse"])


@pytest.mark.parametrize("kwargs,want", [
    # TensorFlow 2.21's values
    (dict(loss=["mse"]), 2.38998), (dict(loss="mse", loss_weights=[0.5]), 1.19499),
    (dict(loss="mse", loss_weights=0.5), 1.19499), (dict(loss={"o": "mse"}), 2.38998)])
def test_one_output_loss_list_and_weight(kwargs, want):
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, layers.Dense(1, name="o", kernel_initializer="ones")(inputs))
    model.compile(optimizer="sgd", **kwargs)
    logs = model.evaluate(MX, YA, verbose=0, return_dict=True)
    assert list(logs) == ["loss"] and round(logs["loss"], 5) == want


@pytest.mark.parametrize("kwargs,evaluated", [
    # TensorFlow 2.21's values: metrics per output, named '<output>_<metric>'
    (dict(metrics=["mae", "mse"]), {"a_mae": 0.6531, "b_mse": 2.06327}),
    (dict(metrics=[["mae", "mse"], []]), {"a_mae": 0.6531, "a_mse": 0.73604}),
    (dict(metrics={"a": ["mae"], "b": "mse"}), {"a_mae": 0.6531, "b_mse": 2.06327}),
    (dict(metrics={"a": ["mae"]}), {"a_mae": 0.6531}),
    (dict(metrics=[["accuracy"], ["accuracy"]]), {"a_accuracy": 0.0, "b_accuracy": 0.33333}),
])
def test_metrics_per_output(kwargs, evaluated):
    model = compiled(loss=["mse", "mae"], **kwargs)
    logs = model.evaluate(MX, [YA, YB], batch_size=4, verbose=0, return_dict=True)
    losses = {"a_loss": 1.02533, "b_loss": 1.16892, "loss": 1.84388}
    assert rounded(logs) == dict(losses, **evaluated)
    values = model.evaluate(MX, [YA, YB], batch_size=4, verbose=0)
    # TF 2.21: the losses, then the metrics in the order of their names
    assert np.round(values, 5).tolist() == [1.84388, 1.02533, 1.16892] + [
        evaluated[k] for k in sorted(evaluated)]


def test_weighted_metrics_per_output_and_fit():
    model = compiled(loss=["mse", "mae"], metrics=[["mse"], []],
                     weighted_metrics=[["mae"], ["mse"]])
    logs = model.evaluate(MX, [YA, YB], batch_size=4, verbose=0, return_dict=True,
                          sample_weight=SW)
    # TensorFlow 2.21's values
    assert rounded(logs) == {"a_loss": 1.70689, "a_mae": 0.78328, "a_mse": 0.73604,
                             "b_loss": 1.65056, "b_mse": 1.82149, "loss": 2.60841}
    model = compiled(loss=["mse", "mae"],
                     metrics=[["mae"], ["mse", keras.metrics.MeanAbsoluteError()]])
    history = model.fit(MX, [YA, YB], batch_size=4, epochs=2, verbose=0, shuffle=False)
    assert rounded(history.history) == {   # TensorFlow 2.21's values
        "a_loss": [1.08866, 0.86141], "a_mae": [0.66834, 0.692], "b_loss": [1.16892, 1.16945],
        "b_mean_absolute_error": [1.10784, 1.11036], "b_mse": [2.06192, 2.07063],
        "loss": [1.8861, 1.78262]}


def test_metrics_for_dict_outputs():
    model = compiled(dict_outputs=True, loss={"a": "mse", "b": "mae"},
                     metrics={"a": "mae", "b": ["mse"]})
    logs = model.evaluate(MX, {"a": YA, "b": YB}, batch_size=4, verbose=0, return_dict=True)
    # TensorFlow 2.21's values
    assert rounded(logs) == {"a_loss": 1.02533, "a_mae": 0.6531, "b_loss": 1.16892,
                             "b_mse": 2.06327, "loss": 1.84388}


# -- a functional model's layers and summary ---------------------------------------------

BRANCHED = """\
Model: "branched"
┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓
┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃
┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩
│ i (InputLayer)      │ (None, 3)         │          0 │ -                 │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ a (Dense)           │ (None, 3)         │         12 │ i[0][0]           │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ b (Dense)           │ (None, 3)         │         12 │ i[0][0]           │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ a2 (Dense)          │ (None, 3)         │         12 │ a[0][0]           │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ add (Add)           │ (None, 3)         │          0 │ b[0][0], a2[0][0] │
└─────────────────────┴───────────────────┴────────────┴───────────────────┘
 Total params: 36 (144.00 B)
 Trainable params: 36 (144.00 B)
 Non-trainable params: 0 (0.00 B)
"""

SHARED = """\
Model: "two"
┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓
┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃
┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩
│ i (InputLayer)      │ (None, 3)         │          0 │ -                 │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ j (InputLayer)      │ (None, 2)         │          0 │ -                 │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ shared (Dense)      │ (None, 3)         │         12 │ i[0][0],          │
│                     │                   │            │ to3[0][0]         │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ pre (Dense)         │ (None, 3)         │          9 │ j[0][0]           │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ to3 (Dense)         │ (None, 3)         │          9 │ j[0][0]           │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ cat (Concatenate)   │ (None, 6)         │          0 │ shared[0][0],     │
│                     │                   │            │ pre[0][0]         │
└─────────────────────┴───────────────────┴────────────┴───────────────────┘
 Total params: 30 (120.00 B)
 Trainable params: 30 (120.00 B)
 Non-trainable params: 0 (0.00 B)
"""


def test_functional_layers_in_keras_order_and_summary_with_connections(capsys):
    def dense(name, value):
        return layers.Dense(3, name=name, kernel_initializer=keras.initializers.Constant(value))

    i = keras.Input(shape=(3,), name="i")
    a2 = dense("a2", 3.0)(dense("a", 1.0)(i))
    b = dense("b", 2.0)(i)
    model = keras.Model(i, layers.Add(name="add")([b, a2]), name="branched")
    # TensorFlow 2.21: by depth from the outputs, then in the order met from the outputs
    assert [layer.name for layer in model.layers] == ["i", "a", "b", "a2", "add"]
    assert [float(w.flat[0]) for w in model.get_weights()] == [1.0, 0.0, 2.0, 0.0, 3.0, 0.0]
    model.summary()
    assert capsys.readouterr().out == BRANCHED   # TensorFlow 2.21's table

    j = keras.Input(shape=(2,), name="j")
    shared = layers.Dense(3, name="shared")
    joined = layers.Concatenate(name="cat")([shared(i), layers.Dense(3, name="pre")(j)])
    model = keras.Model([i, j], [joined, shared(layers.Dense(3, name="to3")(j))], name="two")
    assert [layer.name for layer in model.layers] == ["i", "j", "shared", "pre", "to3", "cat"]
    model.summary()
    assert capsys.readouterr().out == SHARED   # TensorFlow 2.21's table


AFTER_FIT = """\
Model: "q"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dd (Dense)                      │ (None, 2)              │             8 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ s (Lambda)                      │ (None)                 │             0 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 26 (108.00 B)
 Trainable params: 8 (32.00 B)
 Non-trainable params: 0 (0.00 B)
 Optimizer params: 18 (76.00 B)
"""


def test_summary_of_one_axis_and_of_a_built_optimizer(capsys):
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2, name="dd"),
                              layers.Lambda(lambda t: tf.reduce_sum(t, axis=1), name="s")],
                             name="q")
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((4, 3)), np.ones((4,)), verbose=0)
    model.summary()
    # TensorFlow 2.21's table: "(None)" for one axis; Adam's iteration, learning rate and
    # two slots per weight counted
    assert capsys.readouterr().out == AFTER_FIT


# -- how a Sequential model is built -------------------------------------------------------

def test_sequential_built_inside_another_on_the_symbolic_shape():
    inner = keras.Sequential([layers.Dense(3)])
    outer = keras.Sequential([keras.Input(shape=(4,)), inner, layers.Dense(2)])
    # TensorFlow 2.21: (None, 2) (None, 3) [(None, 4)]
    assert outer.output_shape == (None, 2)
    assert inner.output_shape == (None, 3)
    assert [t.shape for t in inner.inputs] == [(None, 4)]


def test_sequential_first_call_fit_evaluate_and_predict_shapes():
    model = keras.Sequential([layers.Embedding(10, 4), layers.GlobalAveragePooling1D(),
                              layers.Dense(1)])
    model(np.array([[1, 2, 3], [4, 5, 6]]))
    # TensorFlow 2.21: (2, 3) (2, 1) float32 (the Input has the model's dtype)
    assert (model.input_shape, model.output_shape) == ((2, 3), (2, 1))
    assert model.inputs[0].dtype == "float32"
    x, y = np.ones((6, 3)), np.ones((6, 2))
    for how, want in [("fit", (None, 3)), ("evaluate", (None, 3)), ("predict", (4, 3))]:
        model = keras.Sequential([layers.Dense(2)])
        model.compile(optimizer="sgd", loss="mse")
        getattr(model, how)(*((x, y) if how != "predict" else (x,)), batch_size=4, verbose=0)
        assert model.input_shape == want   # TensorFlow 2.21


def test_sequential_built_by_fit_knows_a_batch_size_that_divides_the_samples():
    # TensorFlow 2.21's shapes: (4, 3) (None, 3) (4, 3) (None, 3)
    x, y = np.ones((10, 3)), np.ones((10, 1))
    for n, kwargs, want in [(8, {"batch_size": 4}, (4, 3)), (6, {}, (None, 3)),
                            (10, {"batch_size": 4, "validation_split": 0.2}, (4, 3)),
                            (10, {"batch_size": 5, "validation_split": 0.2}, (None, 3))]:
        model = keras.Sequential([layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        model.fit(x[:n], y[:n], verbose=0, **kwargs)
        assert model.input_shape == want


def test_sequential_pop_to_empty_and_a_shared_layer():
    model = keras.Sequential([layers.Dense(2), layers.Dense(3)])
    model(np.ones((2, 5)))
    model.pop()
    assert (model.output_shape, model.inputs[0].shape) == ((2, 2), (2, 5))   # TF 2.21
    model.pop()
    assert (len(model.layers), model.built) == (0, False)   # TF 2.21
    with pytest.raises(IndexError):   # TF 2.21
        model.pop()
    dense = layers.Dense(2)
    first = keras.Sequential([keras.Input(shape=(3,)), dense])
    second = keras.Sequential([keras.Input(shape=(3,)), dense])
    # TensorFlow 2.21: a layer's output is its first call's
    assert dense.output is first.outputs[0] and dense.output is not second.outputs[0]


@pytest.mark.parametrize("as_dict", [False, True])
def test_one_output_given_in_a_list_or_dict(as_dict):
    inputs = keras.Input(shape=(3,))
    output = layers.Dense(2, kernel_initializer="ones", name="o")(inputs)
    model = keras.Model(inputs, {"o": output} if as_dict else [output])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    x = np.arange(12, dtype="float32").reshape(4, 3) / 10
    y = np.arange(8, dtype="float32").reshape(4, 2) / 3
    for targets in (y, {"o": y} if as_dict else [y]):
        logs = model.evaluate(x, targets, verbose=0, return_dict=True)
        # TensorFlow 2.21's values
        assert logs == pytest.approx({"loss": 0.32944440841674805, "mae": 0.49166664481163025},
                                     rel=1e-6)


def test_per_output_loss_trackers_listed_after_the_first_batch():
    model = compiled(loss=["mse", "mae"], metrics=[["mae"], []])
    # TensorFlow 2.21: ['loss', 'compile_metrics'], then after a batch the outputs' losses
    assert model.metrics_names == ["loss", "compile_metrics"]
    model.evaluate(MX, [YA, YB], verbose=0)
    assert model.metrics_names == ["loss", "compile_metrics", "a_loss", "b_loss"]


def test_a_built_sequential_takes_an_automatic_functional_name():
    # TensorFlow 2.21: each build of a Sequential makes a Functional model, which takes the
    # next "functional_N" name (functional, functional_2, functional_4, functional_6 there)
    def functional_number():
        inputs = keras.Input((2,))
        name = keras.Model(inputs, layers.Dense(1)(inputs)).name
        return 0 if name == "functional" else int(name.rsplit("_", 1)[1])
    first = functional_number()
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
    assert functional_number() == first + 2
    model.add(layers.Dense(3))
    assert functional_number() == first + 4
    keras.Sequential([layers.Dense(2)])   # unbuilt: no name taken
    assert functional_number() == first + 5
