"""TensorFlow's "Overfit and underfit" tutorial (tutorials/keras/overfit_and_underfit),
run with ``import gradtape as tf``: ``pack_row``, the ``InverseTimeDecay``
schedule, ``compile`` with ``BinaryCrossentropy`` and the ``'accuracy'``
metric, ``fit`` with validation data, the L2-regularized model and its
``losses``, the dropout and combined models.

The Higgs CSV is replaced by seeded random features (40 training and 20
validation rows, batches of 10, 3 epochs, ``shuffle=False``), the widths are
64 instead of 512, the weights are set from seeded NumPy arrays, and the
models trained with ``fit`` use Dropout rate 0 (random masks differ between
TensorFlow and gradtape). Callbacks, ``tf.data`` and TensorBoard are left out.
Expected values are TensorFlow 2.21's (Keras 3), typed from its printout."""
import numpy as np
import pytest

import gradtape as tf
from gradtape.keras import layers, regularizers

FEATURES = 28
N_TRAIN = 40
BATCH_SIZE = 10
STEPS_PER_EPOCH = N_TRAIN // BATCH_SIZE
W = 64

_rng = np.random.RandomState(0)
x = _rng.normal(size=(N_TRAIN, FEATURES)).astype("float32")
y = (_rng.uniform(size=(N_TRAIN, 1)) > 0.5).astype("float32")
xv = _rng.normal(size=(20, FEATURES)).astype("float32")
yv = (_rng.uniform(size=(20, 1)) > 0.5).astype("float32")

lr_schedule = tf.keras.optimizers.schedules.InverseTimeDecay(
    0.001,
    decay_steps=STEPS_PER_EPOCH*1000,
    decay_rate=1,
    staircase=False)


def get_optimizer():
    return tf.keras.optimizers.Adam(lr_schedule)


def seed(model, s):
    r = np.random.RandomState(s)
    model.set_weights([r.normal(0, 1 / np.sqrt(w.shape[0]) if len(w.shape) > 1 else 0.1,
                                tuple(w.shape)).astype("float32") for w in model.weights])


def compile_and_fit(model, name, optimizer=None, max_epochs=3):
    if optimizer is None:
        optimizer = get_optimizer()
    model.compile(optimizer=optimizer,
                  loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[
                      tf.keras.metrics.BinaryCrossentropy(
                          from_logits=True, name='binary_crossentropy'),
                      'accuracy'])
    lines = []
    model.summary(print_fn=lines.append)
    history = model.fit(x, y, batch_size=BATCH_SIZE, epochs=max_epochs,
                        validation_data=(xv, yv), shuffle=False, verbose=0)
    return history, "\n".join(lines)


def check_history(history, expected):
    # Keras 3's logs are sorted by name, the validation ones after the training ones
    assert list(history.history) == [
        "accuracy", "binary_crossentropy", "loss",
        "val_accuracy", "val_binary_crossentropy", "val_loss"]
    for name, values in expected.items():
        np.testing.assert_allclose(history.history[name], values, rtol=1e-6, err_msg=name)


def dropout_model_fn(rate):
    return tf.keras.Sequential([
        layers.Dense(W, activation='elu', input_shape=(FEATURES,)),
        layers.Dropout(rate),
        layers.Dense(W, activation='elu'),
        layers.Dropout(rate),
        layers.Dense(1)
    ])


def test_pack_row_and_schedule():
    def pack_row(*row):
        label = row[0]
        features = tf.stack(row[1:], 1)
        return features, label
    cols = [tf.constant(c) for c in np.concatenate([y, x], 1).T[:, :5]]
    features, label = pack_row(*cols)
    assert features.shape == (5, 28) and label.shape == (5,) and features.dtype == tf.float32
    step = np.linspace(0, 100000)
    lr = lr_schedule(step)
    # TensorFlow 2.21's learning rates
    assert lr.dtype == tf.float32 and lr.shape == (50,)
    np.testing.assert_allclose(np.asarray(lr)[[0, 1, 25, -1]],
                               [1.0000000e-03, 6.6216220e-04, 7.2700306e-05, 3.8461541e-05],
                               rtol=1e-6)


def test_tiny_model():
    tiny_model = tf.keras.Sequential([
        layers.Dense(16, activation='elu', input_shape=(FEATURES,)),
        layers.Dense(1)
    ])
    seed(tiny_model, 1)
    history, summary = compile_and_fit(tiny_model, 'sizes/Tiny')
    # TensorFlow 2.21's summary rows and history
    assert "(None, 16)             │           464" in summary
    assert "Total params: 481 (1.88 KB)" in summary
    check_history(history, {
        "accuracy": [0.425, 0.45, 0.5],
        "binary_crossentropy": [0.7434587, 0.7296731, 0.7187084],
        "loss": [0.7434587, 0.7296731, 0.7187084],
        "val_accuracy": [0.35, 0.35, 0.35],
        "val_binary_crossentropy": [0.910329, 0.9104296, 0.910741],
        "val_loss": [0.910329, 0.9104296, 0.910741]})


def test_l2_model():
    l2_model = tf.keras.Sequential([
        layers.Dense(W, activation='elu',
                     kernel_regularizer=regularizers.l2(0.001),
                     input_shape=(FEATURES,)),
        layers.Dense(W, activation='elu',
                     kernel_regularizer=regularizers.l2(0.001)),
        layers.Dense(W, activation='elu',
                     kernel_regularizer=regularizers.l2(0.001)),
        layers.Dense(W, activation='elu',
                     kernel_regularizer=regularizers.l2(0.001)),
        layers.Dense(1)
    ])
    seed(l2_model, 2)
    features = x[:5]
    result = l2_model(features)
    regularization_loss = tf.add_n(l2_model.losses)
    # TensorFlow 2.21's values
    assert len(l2_model.losses) == 4
    np.testing.assert_allclose(float(regularization_loss), 0.25667449831962585, rtol=1e-6)
    np.testing.assert_allclose(result.numpy()[:, 0], [0.15042523, 0.7067847, 0.40034372,
                                                      -0.21283771, -0.42085218], rtol=1e-5)
    history, _ = compile_and_fit(l2_model, "regularizers/l2")
    # the loss holds the penalty, binary_crossentropy does not (TensorFlow 2.21)
    check_history(history, {
        "accuracy": [0.55, 0.625, 0.65],
        "binary_crossentropy": [0.7253338, 0.6217249, 0.5613682],
        "loss": [0.9817478, 0.8774314, 0.8164743],
        "val_accuracy": [0.5, 0.55, 0.6],
        "val_binary_crossentropy": [0.7610525, 0.7500449, 0.7555965],
        "val_loss": [1.017005, 1.005355, 1.010374]})
    l2_model(features)
    np.testing.assert_allclose(float(tf.add_n(l2_model.losses)), 0.2547774016857147, rtol=1e-6)


def test_dropout_model():
    dropout_model = dropout_model_fn(0.5)
    seed(dropout_model, 3)
    # TensorFlow 2.21: outside training Dropout passes its input through
    np.testing.assert_allclose(dropout_model(x[:5], training=False).numpy()[:, 0],
                               [0.5879998, -1.2056183, -0.21096508, 0.09126718, -0.1256591],
                               rtol=1e-5)
    # in training each unit is dropped or scaled by 1 / (1 - rate)
    out = layers.Dropout(0.5)(tf.ones((4, 6)), training=True).numpy()
    assert set(out.ravel().tolist()) <= {0.0, 2.0}
    dropout_model = dropout_model_fn(0.0)
    seed(dropout_model, 3)
    history, summary = compile_and_fit(dropout_model, "regularizers/dropout")
    assert "(Dropout)" in summary and "Total params: 6,081 (23.75 KB)" in summary
    check_history(history, {   # TensorFlow 2.21
        "accuracy": [0.475, 0.5, 0.55],
        "binary_crossentropy": [0.7819454, 0.7309159, 0.697011],
        "loss": [0.7819454, 0.7309159, 0.697011],
        "val_accuracy": [0.55, 0.55, 0.5],
        "val_binary_crossentropy": [0.7234395, 0.7280757, 0.7337812],
        "val_loss": [0.7234395, 0.7280757, 0.7337812]})


def test_combined_model():
    combined_model = tf.keras.Sequential([
        layers.Dense(W, kernel_regularizer=regularizers.l2(0.0001),
                     activation='elu', input_shape=(FEATURES,)),
        layers.Dropout(0.0),
        layers.Dense(W, kernel_regularizer=regularizers.l2(0.0001),
                     activation='elu'),
        layers.Dropout(0.0),
        layers.Dense(1)
    ])
    seed(combined_model, 4)
    history, _ = compile_and_fit(combined_model, "regularizers/combined")
    check_history(history, {   # TensorFlow 2.21
        "accuracy": [0.475, 0.625, 0.65],
        "binary_crossentropy": [0.7457404, 0.6863788, 0.6483698],
        "loss": [0.7580777, 0.6987056, 0.6606883],
        "val_accuracy": [0.55, 0.55, 0.55],
        "val_binary_crossentropy": [0.8107221, 0.810084, 0.8122314],
        "val_loss": [0.8230524, 0.8224049, 0.824546]})
    logs = combined_model.evaluate(xv, yv, verbose=0, return_dict=True)
    assert list(logs) == ["accuracy", "binary_crossentropy", "loss"]   # sorted, as Keras 3
    np.testing.assert_allclose([logs["accuracy"], logs["binary_crossentropy"], logs["loss"]],
                               [0.550000011920929, 0.8122314214706421, 0.8245460391044617],
                               rtol=1e-6)


def test_accuracy_by_name_follows_the_shapes():
    # TensorFlow 2.21 (Keras 3): 'accuracy' is binary for one output unit, sparse
    # categorical for integer labels, categorical for one-hot labels
    ones = np.ones((4, 3), "float32")
    model = tf.keras.Sequential([tf.keras.Input((3,)), layers.Dense(3, kernel_initializer="ones")])
    model.compile(loss="sparse_categorical_crossentropy", metrics=["acc"])
    logs = model.evaluate(ones, np.array([0, 1, 2, 0]), verbose=0, return_dict=True)
    assert logs["acc"] == 0.5   # ties: argmax picks class 0
    assert [type(m).__name__ for m in model.metrics[1].metrics] == ["SparseCategoricalAccuracy"]
    model.compile(loss="categorical_crossentropy", metrics=["accuracy"])
    model.evaluate(ones, np.eye(3)[[0, 1, 2, 0]], verbose=0)
    assert [type(m).__name__ for m in model.metrics[1].metrics] == ["CategoricalAccuracy"]
    # TensorFlow 2.21: labels of shape (n,) against logits (n, 1) go through the compiled
    # loss and 'accuracy', but the BinaryCrossentropy metric raises ValueError
    tiny = dropout_model_fn(0.0)
    tiny.compile(loss=tf.keras.losses.BinaryCrossentropy(from_logits=True), metrics=["accuracy"])
    assert list(tiny.evaluate(x, y[:, 0], verbose=0, return_dict=True)) == ["accuracy", "loss"]
    tiny.compile(loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                 metrics=[tf.keras.metrics.BinaryCrossentropy(from_logits=True)])
    with pytest.raises(ValueError):
        tiny.fit(x, y[:, 0], verbose=0)


def test_validation_data_forms():
    r = np.random.RandomState(0)
    xs = r.normal(size=(12, 3)).astype("float32")
    ys = r.normal(size=(12, 1)).astype("float32")
    ws = r.uniform(size=(12,)).astype("float32")
    model = tf.keras.Sequential([tf.keras.Input((3,)),
                                 layers.Dense(1, kernel_initializer="ones")])
    model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse", metrics=["mae"],
                  weighted_metrics=["mse"])
    history = model.fit(xs, ys, batch_size=5, epochs=2, shuffle=False, verbose=0,
                        validation_data=(xs[:7], ys[:7], ws[:7]), validation_batch_size=3)
    # TensorFlow 2.21's history: the validation weights reach the weighted metrics
    expected = {"loss": [3.52887, 1.47976], "mae": [1.73536, 1.03026],
                "mse": [3.52887, 1.47976], "val_loss": [0.270993, 0.310543],
                "val_mae": [0.87089, 0.852603], "val_mse": [0.962345, 1.10279]}
    assert list(history.history) == list(expected)
    for name, values in expected.items():
        np.testing.assert_allclose(history.history[name], values, rtol=1e-5, err_msg=name)  # printed to 6 digits
    # TensorFlow 2.21: validation data without targets is a ValueError
    for bad in [(xs,), xs]:
        with pytest.raises(ValueError, match="None values not supported"):
            model.fit(xs, ys, validation_data=bad, verbose=0)
