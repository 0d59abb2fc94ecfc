"""``tf.keras``: the subset custom training loops use, checked against TensorFlow 2.21 / Keras 3.

Numbers marked "TF" were printed by the same snippet under TensorFlow 2.21
(Keras 3.15).
"""
import re
from pathlib import Path

import numpy as np
import pytest

import gradtape as tf
from gradtape.testing import check_gradients

keras = tf.keras


# ---------------------------------------------------------------------------
# The namespace and the old import paths
# ---------------------------------------------------------------------------

def test_toolkit_modules_are_the_same_under_both_paths():
    import gradtape.data
    import gradtape.distribute
    import gradtape.optimizers
    import gradtape.train
    from gradtape.losses import SparseCategoricalCrossentropy
    assert gradtape.optimizers is keras.optimizers and tf.losses is keras.losses
    assert tf.layers is keras.layers and tf.initializers is keras.initializers
    assert gradtape.train is keras.train and gradtape.distribute is keras.distribute
    # gradtape.data is tf.data now; it still gives the bundled digits
    assert gradtape.data.load_digits is keras.data.load_digits
    assert tf.data.Dataset is gradtape.data.Dataset
    assert SparseCategoricalCrossentropy is keras.losses.SparseCategoricalCrossentropy
    assert keras.Sequential is keras.layers.Sequential and keras.Model is keras.layers.Model
    assert tf.metrics is keras.metrics   # as TF's tf.metrics


def test_a_missing_keras_name_says_so():
    with pytest.raises(AttributeError, match=r"tf.keras.layers.ConvLSTM2D is not implemented"):
        keras.layers.ConvLSTM2D
    with pytest.raises(AttributeError, match=r"tf.keras.metrics.serialize is not implemented"):
        keras.metrics.serialize
    assert not hasattr(keras, "saving") and hasattr(keras.layers, "Dense")


def test_the_demo_command_still_runs_from_the_package():
    from gradtape.__main__ import main
    with pytest.raises(SystemExit):
        main(["demo", "--help"])


# ---------------------------------------------------------------------------
# A custom training loop on the bundled digits
# ---------------------------------------------------------------------------

def _digits():
    (x_train, y_train), (x_test, y_test) = tf.data.load_digits()
    return (x_train / 16.0).astype(np.float32), y_train, (x_test / 16.0).astype(np.float32), y_test


def test_custom_training_loop_learns_the_digits():
    tf.random.set_seed(0)
    x_train, y_train, x_test, y_test = _digits()
    model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dropout(0.1, seed=0), keras.layers.Dense(10)])
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = keras.optimizers.Adam(0.01)
    train_loss = keras.metrics.Mean(name="train_loss")
    train_accuracy = keras.metrics.SparseCategoricalAccuracy(name="train_accuracy")
    test_accuracy = keras.metrics.SparseCategoricalAccuracy(name="test_accuracy")
    losses = []
    for epoch in range(4):
        train_loss.reset_state()
        train_accuracy.reset_state()
        for start in range(0, len(x_train), 64):
            x, y = x_train[start:start + 64], y_train[start:start + 64]
            with tf.GradientTape() as tape:
                logits = model(x, training=True)
                loss = loss_fn(y, logits)
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            train_loss(loss)
            train_accuracy(y, logits)
        losses.append(float(train_loss.result()))
    test_accuracy(y_test, model(x_test, training=False))
    assert losses[-1] < losses[0] / 3
    assert float(train_accuracy.result()) > 0.9
    assert float(test_accuracy.result()) > 0.9
    hand = np.mean(np.argmax(model(x_test).numpy(), -1) == y_test)
    assert float(test_accuracy.result()) == pytest.approx(hand, abs=1e-6)


def test_the_loop_in_docs_training_md_runs_and_learns(capsys):
    guide = Path(__file__).resolve().parents[2] / "docs" / "training.md"
    loop = re.findall(r"```python\n(.*?)```", guide.read_text(), re.S)[0]
    tf.random.set_seed(0)
    namespace = {}
    exec(loop, namespace)
    assert float(namespace["train_accuracy"].result()) > 0.9
    model, x_test, y_test = namespace["model"], namespace["x_test"], namespace["y_test"]
    assert np.mean(np.argmax(model(x_test).numpy(), -1) == y_test) > 0.9
    assert len(capsys.readouterr().out.splitlines()) == 5


def test_compiled_train_step_with_metrics_matches_eager():
    x_train, y_train, _, _ = _digits()

    def run(compiled):
        tf.random.set_seed(1)
        model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(16, activation="tanh"),
                                  keras.layers.Dense(10)])
        loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        optimizer = keras.optimizers.Adam(0.01)
        mean_loss, accuracy = keras.metrics.Mean(), keras.metrics.SparseCategoricalAccuracy()

        def train_step(x, y):
            with tf.GradientTape() as tape:
                logits = model(x, training=True)
                loss = loss_fn(y, logits)
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            mean_loss(loss)
            accuracy(y, logits)

        step = tf.function(train_step) if compiled else train_step
        for start in range(0, 320, 32):
            step(tf.constant(x_train[start:start + 32]), tf.constant(y_train[start:start + 32]))
        return float(mean_loss.result()), float(accuracy.result()), model.get_weights()

    eager, compiled = run(False), run(True)
    assert eager[:2] == compiled[:2]
    for a, b in zip(eager[2], compiled[2]):
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------------------
# Numbers with fixed weights, against TensorFlow
# ---------------------------------------------------------------------------

K1 = np.array([[0.5, -1.0, 0.25], [1.5, 0.75, -0.5]], np.float32)
B1 = np.array([0.1, -0.2, 0.3], np.float32)
K2 = np.array([[1.0, -1.0], [0.5, 2.0], [-1.5, 0.25]], np.float32)
B2 = np.array([0.0, 0.5], np.float32)
X = np.array([[1.0, 2.0], [-0.5, 0.25]], np.float32)


def _fixed_model():
    model = keras.Sequential([keras.layers.Dense(3, activation="tanh"), keras.layers.Dense(2)])
    model(X)
    model.set_weights([K1, B1, K2, B2])
    return model


def test_sequential_with_fixed_weights_gives_tensorflows_logits_gradients_and_step():
    model = _fixed_model()
    tf_logits = [[1.7770128, -0.02135754], [0.37245587, 1.1956711]]  # TF
    np.testing.assert_allclose(model(X).numpy(), tf_logits, rtol=1e-6, atol=1e-7)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    with tf.GradientTape() as tape:
        loss = loss_fn(np.array([1, 0]), model(X, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    assert float(loss) == pytest.approx(1.5693777, rel=1e-6)  # TF
    tf_grads = [  # TF, in Keras' order: kernel, bias, kernel, bias
        [[0.33300433, -0.79615635, -0.92034984], [-0.16010673, -1.0740633, -1.0825297]],
        [-0.65833414, -0.17425707, -0.01054579],
        [[0.35144997, -0.35144997], [-0.03216556, 0.03216557], [-0.19834271, 0.19834271]],
        [0.08151603, -0.081516]]
    for g, expected in zip(grads, tf_grads):
        np.testing.assert_allclose(g.numpy(), expected, rtol=1e-5, atol=1e-7)
    keras.optimizers.Adam(0.1).apply_gradients(zip(grads, model.trainable_variables))
    np.testing.assert_allclose(model.trainable_variables[0].numpy(),
                               [[0.40000162, -0.90000105, 0.349999],
                                [1.5999974, 0.849999, -0.40000096]], rtol=1e-5)  # TF


def test_embedding_looks_up_rows():
    table = np.arange(8.0).reshape(4, 2)
    layer = keras.layers.Embedding(4, 2, embeddings_initializer=keras.initializers.Constant(table))
    out = layer(np.array([[3, 0], [1, 1]]))
    assert out.dtype == tf.float32
    np.testing.assert_array_equal(out.numpy(), [[[6, 7], [0, 1]], [[2, 3], [2, 3]]])  # TF
    np.testing.assert_array_equal(layer(np.array([[1.0, 3.0]])).numpy(), [[[2, 3], [6, 7]]])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"7 is not in \[0, 4\)"):
        layer(np.array([[7]]))


def test_default_initializers_are_keras():
    dense, embedding = keras.layers.Dense(3), keras.layers.Embedding(4, 2)
    assert type(dense.kernel_initializer) is keras.initializers.GlorotUniform
    assert type(dense.bias_initializer) is keras.initializers.Zeros
    init = embedding.embeddings_initializer
    assert type(init) is keras.initializers.RandomUniform
    assert init.get_config() == {"minval": -0.05, "maxval": 0.05, "seed": None}  # TF
    conv = keras.layers.Conv2D(2, 3)
    assert type(conv.kernel_initializer) is keras.initializers.GlorotUniform
    assert (conv.strides, conv.padding, conv.dilation_rate) == ((1, 1), "valid", (1, 1))  # TF
    tf.random.set_seed(0)
    values = embedding(np.array([0]))
    assert np.all(np.abs(embedding.embeddings.numpy()) <= 0.05) and values.shape == (1, 2)


def test_flatten_shapes_and_channels_first():
    assert keras.layers.Flatten()(tf.ones((2, 3, 4))).shape == (2, 12)
    assert keras.layers.Flatten()(tf.ones((3,))).shape == (3, 1)  # TF
    x = tf.reshape(tf.range(12.0), (1, 2, 3, 2))
    np.testing.assert_array_equal(keras.layers.Flatten(data_format="channels_first")(x).numpy(),
                                  [[0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5, 11]])  # TF
    assert keras.layers.Flatten()(tf.zeros((0, 2, 2))).shape == (0, 4)


# ---------------------------------------------------------------------------
# Model subclassing
# ---------------------------------------------------------------------------

class TwoDense(keras.Model):
    def __init__(self):
        super().__init__()
        self.d2 = keras.layers.Dense(10)
        self.d1 = keras.layers.Dense(4)
        self.drop = keras.layers.Dropout(0.9)

    def call(self, x, training=False):
        return self.d2(self.drop(self.d1(x), training=training))


def test_model_builds_lazily_and_orders_variables_as_keras():
    model = TwoDense()
    assert model.name.startswith("two_dense") and model.trainable_variables == []
    model(tf.ones((2, 3)))
    assert model.built and model.d1.built
    # TF: [(4, 10), (10,), (3, 4), (4,)] -- the sub-layers in assignment order
    assert [tuple(v.shape) for v in model.trainable_variables] == [(4, 10), (10,), (3, 4), (4,)]
    names = [v.name for v in model.variables]
    assert names == [f"{model.d2.name}/kernel:0", f"{model.d2.name}/bias:0",
                     f"{model.d1.name}/kernel:0", f"{model.d1.name}/bias:0"]
    assert isinstance(model.trainable_variables, list)


def test_an_input_shape_builds_a_sequential_model_at_once():
    # TF: built, [(8, 3), (3,), (3, 2), (2,)]
    model = keras.Sequential([keras.layers.Flatten(input_shape=(4, 2)), keras.layers.Dense(3),
                              keras.layers.Dense(2)])
    assert model.built and [tuple(v.shape) for v in model.trainable_variables] == [
        (8, 3), (3,), (3, 2), (2,)]
    assert not keras.layers.Dense(3, input_shape=(5,)).built   # TF: a lone layer waits
    model = keras.Sequential([keras.layers.Dense(3, input_dim=7)])
    assert [tuple(v.shape) for v in model.trainable_variables] == [(7, 3), (3,)]  # TF
    model = keras.Sequential([keras.Input(shape=(5,)), keras.layers.Dense(3)])
    assert len(model.layers) == 1 and len(model.trainable_variables) == 2  # TF
    model.add(keras.layers.Dense(4))
    assert [tuple(v.shape) for v in model.trainable_variables][2:] == [(3, 4), (4,)]
    model = keras.Sequential([keras.Input(shape=(3,), dtype="int32"), keras.layers.Embedding(10, 2),
                              keras.layers.Flatten(), keras.layers.Dense(1)])
    assert [tuple(v.shape) for v in model.trainable_variables] == [(10, 2), (6, 1), (1,)]
    with pytest.raises(ValueError, match="an Input can only come first"):
        keras.Sequential([keras.layers.Dense(3), keras.Input(shape=(2,))])
    with pytest.raises(TypeError, match="unexpected keyword argument 'units_out'"):
        keras.layers.Dense(3, units_out=2)


def test_build_with_an_input_shape():
    model = keras.Sequential([keras.layers.Dense(4), keras.layers.Dense(2)])
    model.build((None, 3))   # TF: [(3, 4), (4,), (4, 2), (2,)]
    assert [tuple(v.shape) for v in model.trainable_variables] == [(3, 4), (4,), (4, 2), (2,)]
    model = TwoDense()
    model.build((None, 3))   # TF: a subclassed model is marked built, its layers wait
    assert model.built and model.variables == []
    model(tf.ones((1, 3)))
    assert len(model.trainable_variables) == 4
    with pytest.raises(ValueError, match=r"give the input shape"):
        keras.Sequential([keras.layers.Dense(4)]).build()


def test_layer_names_follow_keras():
    first, second = keras.layers.Dense(1), keras.layers.Dense(1)
    assert first.name.startswith("dense") and second.name != first.name
    assert keras.layers.Dense(1, name="dense_out").name == "dense_out"
    named = keras.layers.Dense(2, name="head")
    named(tf.ones((1, 3)))
    assert [v.name for v in named.variables] == ["head/kernel:0", "head/bias:0"]


def _dropout_model(call):
    class M(keras.Model):
        def __init__(self):
            super().__init__()
            self.drop = keras.layers.Dropout(0.99, seed=0)
            self.drop2 = keras.layers.Dropout(0.99, seed=1)
    M.call = call
    return M()


def test_training_flag_reaches_dropout_through_the_call_context():
    ones = tf.ones((1, 64))
    # TF: the flag given to the model reaches a sub-layer called without one
    def kept(t):
        return int(np.count_nonzero(t.numpy()))

    model = _dropout_model(lambda self, x: self.drop(x))
    assert kept(model(ones, training=True)) < 32
    assert kept(model(ones)) == 64
    # TF: without a flag, call's own default applies
    model = _dropout_model(lambda self, x, training=True: self.drop(x))
    assert kept(model(ones)) < 32
    # TF: a flag passed to a sub-layer holds for the rest of the outer call (a Keras quirk:
    # drop2 does not drop; TF's sum is 8.0 of 8 ones)
    model = _dropout_model(lambda self, x: self.drop2(self.drop(x, training=False)))
    np.testing.assert_array_equal(model(ones, training=True).numpy(), ones.numpy())
    # and the context ends with the outermost call
    np.testing.assert_array_equal(model.drop(ones).numpy(), ones.numpy())
    # TF 2.21 (Keras 3): a flag given by position is refused; None by position is no flag
    model = _dropout_model(lambda self, x: self.drop(x, True))
    with pytest.raises(ValueError, match="Only input tensors may be passed as positional"):
        model(ones, training=False)
    model = _dropout_model(lambda self, x: self.drop(x, None))
    assert kept(model(ones, training=True)) < 32


def test_layers_without_a_training_parameter_are_called_without_it():
    class Double(keras.layers.Layer):
        def call(self, inputs):
            return inputs * 2.0

    model = keras.Sequential([Double(), keras.layers.Dropout(0.5)])
    np.testing.assert_array_equal(model(tf.ones((1, 2)), training=False).numpy(), [[2.0, 2.0]])


@pytest.mark.parametrize("method,alternative", [
    ("test_on_batch", r"update_state"), ("train_on_batch", "GradientTape")])
def test_keras_training_engine_raises_naming_the_custom_loop(method, alternative):
    model = keras.Sequential([keras.layers.Dense(2)])
    with pytest.raises(NotImplementedError, match=rf"Sequential\.{method}\(\) is not supported: "
                                                  rf".*{alternative}"):
        getattr(model, method)(np.ones((1, 3)), np.ones((1, 2)))
    with pytest.raises(NotImplementedError, match=rf"TwoDense\.{method}\(\)"):
        getattr(TwoDense(), method)()


def test_model_of_tensors_and_missing_call_are_refused():
    with pytest.raises(ValueError, match="All `inputs` values must be KerasTensors"):  # TF 2.21
        keras.Model(inputs=tf.ones((1, 2)), outputs=tf.ones((1, 2)))
    with pytest.raises(NotImplementedError, match="must define call"):
        keras.Model()(tf.ones((1, 2)))


def test_sparse_labels_as_tensors_are_checked_by_the_op():
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    logits = tf.constant([[0.0, 0.0], [1000.0, 0.0]])
    assert float(loss_fn(tf.constant([1, 0]), logits)) == pytest.approx(np.log(2) / 2)
    assert float(loss_fn(tf.constant([[1.0], [0.0]]), logits)) == pytest.approx(np.log(2) / 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"label value of 2 .*\[0, 2\)"):
        loss_fn(tf.constant([2, 0]), logits)
    # TensorFlow 2.21: the loss casts the labels to float32 first, so bool labels count as 1 and 0
    assert float(loss_fn(tf.constant([True, False]), logits)) == pytest.approx(np.log(2) / 2)


def test_dense_needs_a_batch_axis():
    # TF: ValueError, "expected min_ndim=2, found ndim=1"
    with pytest.raises(ValueError, match=r"at least 2 dimensions\), got shape \(3,\)"):
        keras.layers.Dense(2)(tf.ones((3,)))


def test_set_weights_checks_count_and_shapes():
    model = _fixed_model()
    np.testing.assert_array_equal(model.get_weights()[2], K2)
    with pytest.raises(ValueError, match="expected 4 arrays, got 1"):
        model.set_weights([K1])
    with pytest.raises(ValueError, match=r"has shape \(2, 3\), got an array of shape \(3, 2\)"):
        model.set_weights([K1.T, B1, K2, B2])


# ---------------------------------------------------------------------------
# Metrics, against hand-computed values (the same as TF's)
# ---------------------------------------------------------------------------

def test_mean_weights_and_counts_samples():
    mean = keras.metrics.Mean()
    assert mean.name == "mean" and float(mean.result()) == 0.0
    mean.update_state([1.0, 2.0, 3.0])
    mean.update_state(5.0, sample_weight=2.0)
    assert float(mean.result()) == pytest.approx(16 / 5)
    assert float(mean(10.0)) == pytest.approx(26 / 6)
    mean.reset_state()
    assert float(mean.result()) == 0.0
    # rows count once each, the weight per row: (1 + 2) / 2 * 1 + (3 + 4) / 2 * 0, over 1
    mean.update_state(tf.constant([[1.0, 2.0], [3.0, 4.0]]), sample_weight=[1.0, 0.0])
    assert float(mean.result()) == pytest.approx(1.5)
    assert [v.name for v in mean.variables] == ["mean/total:0", "mean/count:0"]
    assert not any(v.trainable for v in mean.variables)


def test_sum_adds_weighted_values():
    total = keras.metrics.Sum()
    total.update_state([1.0, 2.0])
    total.update_state([[1.0, 1.0]], sample_weight=[3.0])
    assert float(total.result()) == pytest.approx(3.0 + 6.0)


def test_sparse_categorical_accuracy():
    acc = keras.metrics.SparseCategoricalAccuracy()
    assert acc.name == "sparse_categorical_accuracy"
    acc.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0.0]])   # 0 and 1 right
    assert float(acc.result()) == 0.5
    acc.update_state([0, 1], [[0.9, 0.1, 0.0], [0.5, 0.2, 0.3]], sample_weight=[3.0, 1.0])
    assert float(acc.result()) == pytest.approx((1 + 3) / (2 + 4))
    acc.update_state(np.array([2, 1]), np.array([[0.1, 0.6, 0.3], [0.05, 0.95, 0.0]]))
    assert float(acc.result()) == pytest.approx((1 + 3 + 1) / (2 + 4 + 2))
    tie = keras.metrics.SparseCategoricalAccuracy()
    tie.update_state([1], [[0.5, 0.5]])   # TF: a tie goes to the first class
    assert float(tie.result()) == 0.0
    assert repr(tie) == "<SparseCategoricalAccuracy name=sparse_categorical_accuracy>"


def test_categorical_accuracy():
    acc = keras.metrics.CategoricalAccuracy()
    acc.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]])
    assert acc.name == "categorical_accuracy" and float(acc.result()) == 0.5
    np.testing.assert_array_equal(
        keras.metrics.categorical_accuracy([[1, 0], [0, 1], [0, 1]],
                                           [[0.7, 0.3], [0.6, 0.4], [0.2, 0.8]]).numpy(),
        [1.0, 0.0, 1.0])


def test_metric_results_are_float32_scalars():
    result = keras.metrics.Mean()([1.0, 2.0])
    assert result.dtype == tf.float32 and result.shape == ()
    assert keras.metrics.Mean(dtype="float64").result().dtype == tf.float64


# ---------------------------------------------------------------------------
# Activations
# ---------------------------------------------------------------------------

def test_activations_give_kerass_values():
    act = keras.activations
    np.testing.assert_allclose(act.relu(tf.constant([-1.0, 2.0, 8.0]), negative_slope=0.1,
                                        max_value=6.0).numpy(), [-0.1, 2.0, 6.0])  # TF
    np.testing.assert_allclose(act.relu(tf.constant([-1.0, 0.5, 2.0]), threshold=1.0).numpy(),
                               [0.0, 0.0, 2.0])
    np.testing.assert_allclose(act.gelu(tf.constant([1.0])).numpy(), [0.8413447], rtol=1e-6)  # TF
    np.testing.assert_allclose(act.elu(tf.constant([-1.0])).numpy(), [-0.63212055], rtol=1e-6)
    np.testing.assert_allclose(act.elu(tf.constant([-1.0, 1.0]), alpha=2.0).numpy(),
                               [2 * (np.exp(-1) - 1), 1.0], rtol=1e-6)
    np.testing.assert_allclose(act.selu(tf.constant([-1.0, 1.0])).numpy(),
                               [-1.1113307, 1.050701], rtol=1e-6)  # TF
    np.testing.assert_allclose(act.swish(tf.constant([1.0])).numpy(), [0.7310586], rtol=1e-6)
    np.testing.assert_allclose(act.softmax(tf.constant([1.0, 2.0])).numpy(),
                               [0.26894143, 0.7310586], rtol=1e-6)  # TF: rank 1 works
    assert act.get(None) is act.linear and act.get("swish") is act.silu
    with pytest.raises(ValueError, match="unknown activation 'swishy'"):
        act.get("swishy")
    layer = keras.layers.Dense(2, activation="leaky_relu", kernel_initializer="ones")
    np.testing.assert_allclose(layer(tf.constant([[-1.0]])).numpy(), [[-0.2, -0.2]])


@pytest.mark.parametrize("name", ["relu", "relu6", "leaky_relu", "elu", "selu", "gelu", "silu",
                                  "sigmoid", "hard_sigmoid", "tanh", "softplus", "softsign",
                                  "exponential", "softmax", "log_softmax", "linear"])
def test_activation_gradients(name):
    fn = keras.activations.get(name)
    check_gradients(fn, [np.array([[-2.3, -0.4, 0.7, 1.9, 4.1]])])


def test_relu_variants_gradients():
    check_gradients(lambda x: keras.activations.relu(x, negative_slope=0.1, max_value=2.0,
                                                     threshold=0.5),
                    [np.array([-1.3, 0.2, 0.8, 1.1, 3.7])])
    check_gradients(lambda x: keras.activations.elu(x, alpha=0.5), [np.array([-1.3, 0.7])])


# ---------------------------------------------------------------------------
# Gradients through the layers, against central differences
# ---------------------------------------------------------------------------

def test_dense_gradients_in_inputs_kernel_and_bias():
    layer = keras.layers.Dense(3, activation="tanh", dtype="float64")
    layer(np.zeros((1, 2)))
    rng = np.random.default_rng(0)

    def f(x, kernel, bias):
        layer.kernel, layer.bias = kernel, bias
        return layer(x)

    check_gradients(f, [rng.standard_normal((4, 2)), rng.standard_normal((2, 3)),
                        rng.standard_normal(3)])


def test_embedding_gradient_in_the_table():
    layer = keras.layers.Embedding(5, 3, dtype="float64")
    indices = np.array([[0, 3], [3, 4]])
    layer(indices)

    def f(table):
        layer.embeddings = table
        return layer(indices) ** 2

    check_gradients(f, [np.random.default_rng(1).standard_normal((5, 3))])


def test_flatten_and_model_gradients():
    check_gradients(lambda x: keras.layers.Flatten(dtype="float64")(x) ** 2,
                    [np.random.default_rng(2).standard_normal((2, 3, 2))])
    tf.random.set_seed(3)
    model = keras.Sequential([keras.layers.Flatten(dtype="float64"),
                              keras.layers.Dense(4, activation="gelu", dtype="float64"),
                              keras.layers.Dense(2, activation="softmax", dtype="float64")])
    check_gradients(lambda x: model(x), [np.random.default_rng(4).standard_normal((3, 2, 2))])
