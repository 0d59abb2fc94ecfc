"""Keras 3's guides "Writing your own callbacks" and the callbacks part of "Training &
evaluation with the built-in methods" (keras-team/keras-io), run on small synthetic data
with fixed initial weights and ``shuffle=False``; the expected values are what
TensorFlow 2.21 (Keras 3.15) printed for the same code."""
import warnings

import numpy as np
import pytest

import gradtape as tf

keras = tf.keras

_rng = np.random.default_rng(0)
W0 = (_rng.standard_normal((16, 1)) * 0.1).astype("float32")
x_train = _rng.random((1000, 16)).astype("float32")
y_train = _rng.integers(0, 10, 1000)
x_test = _rng.random((1000, 16)).astype("float32")
y_test = _rng.integers(0, 10, 1000)


def get_model():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # Keras' advice against input_dim
        model = keras.Sequential()
        model.add(keras.layers.Dense(1, input_dim=16))
    model.set_weights([W0, np.zeros(1, "float32")])
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.1),
                  loss="mean_squared_error", metrics=["mean_absolute_error"])
    return model


class CustomCallback(keras.callbacks.Callback):
    """The guide's callback printing every hook with its logs' keys."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def __getattribute__(self, name):
        if name.startswith("on_") and name not in ("on_batch_begin", "on_batch_end"):
            calls = object.__getattribute__(self, "calls")

            def hook(*args, logs=None):
                *index, logs = args if logs is None and args else (*args, logs)
                calls.append((name, *index, list(logs.keys())))
            return hook
        return object.__getattribute__(self, name)


def _batches(kind, n, keys):
    out = []
    for i in range(n):
        out += [(f"on_{kind}_batch_begin", i, []), (f"on_{kind}_batch_end", i, keys)]
    return out


def test_hooks_order_and_log_keys_in_fit_evaluate_predict():
    # TensorFlow 2.21's order of the hooks and the keys of their logs
    metrics = ["loss", "mean_absolute_error"]
    model = get_model()
    callback = CustomCallback()
    history = model.fit(x_train, y_train, batch_size=128, epochs=1, verbose=0,
                        validation_split=0.5, callbacks=[callback], shuffle=False)
    assert callback.calls == (
        [("on_train_begin", []), ("on_epoch_begin", 0, [])] + _batches("train", 4, metrics)
        + [("on_test_begin", [])] + _batches("test", 4, metrics)
        + [("on_test_end", metrics),
           ("on_epoch_end", 0, metrics + ["val_loss", "val_mean_absolute_error"]),
           ("on_train_end", metrics + ["val_loss", "val_mean_absolute_error"])])
    # TensorFlow 2.21's History
    assert history.params == {"verbose": 0, "epochs": 1, "steps": 4}
    assert history.epoch == [0]
    expected = {"loss": [15.009800910949707], "mean_absolute_error": [3.101121187210083],
                "val_loss": [8.977555274963379], "val_mean_absolute_error": [2.5995466709136963]}
    assert list(history.history) == list(expected)
    for name, values in expected.items():
        np.testing.assert_allclose(history.history[name], values, rtol=1e-6)

    callback = CustomCallback()
    res = model.evaluate(x_test, y_test, batch_size=128, verbose=0, callbacks=[callback])
    assert callback.calls == ([("on_test_begin", [])] + _batches("test", 8, metrics)
                              + [("on_test_end", metrics)])
    np.testing.assert_allclose(res, [8.808427810668945, 2.5413894653320312], rtol=1e-6)

    callback = CustomCallback()
    res = model.predict(x_test, batch_size=128, callbacks=[callback], verbose=0)
    assert callback.calls == ([("on_predict_begin", [])] + _batches("predict", 8, ["outputs"])
                              + [("on_predict_end", [])])
    assert res.shape == (1000, 1)


class LossAndErrorPrintingCallback(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        print("For batch {}, loss is {:7.2f}.".format(batch, logs["loss"]))

    def on_test_batch_end(self, batch, logs=None):
        print("For batch {}, loss is {:7.2f}.".format(batch, logs["loss"]))

    def on_epoch_end(self, epoch, logs=None):
        print("The average loss for epoch {} is {:7.2f} "
              "and mean absolute error is {:7.2f}.".format(
                  epoch, logs["loss"], logs["mean_absolute_error"]))


def _losses(text):
    return [line.split()[-1].rstrip(".") for line in text.splitlines()
            if line.startswith("For batch")]


def test_logs_of_batches_and_epochs(capsys):
    model = get_model()
    model.fit(x_train, y_train, batch_size=128, epochs=2, verbose=0,
              callbacks=[LossAndErrorPrintingCallback()], shuffle=False)
    model.evaluate(x_test, y_test, batch_size=128, verbose=0,
                   callbacks=[LossAndErrorPrintingCallback()])
    out = capsys.readouterr().out
    # TensorFlow 2.21's printed running losses (2 epochs of 8 batches, then evaluate)
    assert _losses(out) == ["32.37", "21.03", "16.70", "14.80", "13.61", "12.75", "12.30",
                            "12.01", "9.26", "8.40", "8.22", "8.33", "8.42", "8.43", "8.61",
                            "8.70", "9.08", "9.10", "9.24", "9.27", "9.03", "8.89", "8.84",
                            "8.83"]
    assert ("The average loss for epoch 0 is   12.01 and mean absolute error is    2.85."
            in out)
    assert ("The average loss for epoch 1 is    8.70 and mean absolute error is    2.53."
            in out)


class EarlyStoppingAtMinLoss(keras.callbacks.Callback):
    def __init__(self, patience=0):
        super().__init__()
        self.patience = patience
        self.best_weights = None

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = np.inf

    def on_epoch_end(self, epoch, logs=None):
        current = logs.get("loss")
        if np.less(current, self.best):
            self.best = current
            self.wait = 0
            self.best_weights = self.model.get_weights()
        else:
            self.wait += 1
            if self.wait >= self.patience:
                self.stopped_epoch = epoch
                self.model.stop_training = True
                print("Restoring model weights from the end of the best epoch.")
                self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")


def test_early_stopping_at_min_loss_with_steps_per_epoch(capsys):
    model = get_model()
    history = model.fit(x_train, y_train, batch_size=64, steps_per_epoch=5, epochs=30,
                        verbose=0, shuffle=False,
                        callbacks=[LossAndErrorPrintingCallback(), EarlyStoppingAtMinLoss()])
    out = capsys.readouterr().out
    # TensorFlow 2.21: stops after the third epoch of 5 batches, the weights of the second
    assert _losses(out) == ["34.07", "23.44", "18.06", "15.48", "13.71", "9.08", "9.29",
                            "8.57", "8.45", "8.66", "8.76", "8.35", "8.73", "8.98", "9.25"]
    assert out.endswith("Restoring model weights from the end of the best epoch.\n"
                        "Epoch 3: early stopping\n")
    assert history.params == {"verbose": 0, "epochs": 30, "steps": 5}
    assert history.epoch == [0, 1, 2]
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(kernel[:3, 0], [0.5089669, 0.53941894, 0.6721224], rtol=1e-6)
    np.testing.assert_allclose(bias, [0.59881854], rtol=1e-6)


LR_SCHEDULE = [(3, 0.05), (6, 0.01), (9, 0.005), (12, 0.001)]


def lr_schedule(epoch, lr):
    if epoch < LR_SCHEDULE[0][0] or epoch > LR_SCHEDULE[-1][0]:
        return lr
    for start, rate in LR_SCHEDULE:
        if epoch == start:
            return rate
    return lr


class CustomLearningRateScheduler(keras.callbacks.Callback):
    def __init__(self, schedule):
        super().__init__()
        self.schedule = schedule

    def on_epoch_begin(self, epoch, logs=None):
        if not hasattr(self.model.optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        scheduled_lr = self.schedule(epoch, self.model.optimizer.learning_rate)
        self.model.optimizer.learning_rate = scheduled_lr
        print(f"\nEpoch {epoch}: Learning rate is {float(np.array(scheduled_lr))}.")


def test_learning_rate_scheduling_callback(capsys):
    model = get_model()
    history = model.fit(x_train, y_train, batch_size=64, steps_per_epoch=5, epochs=15,
                        verbose=0, shuffle=False,
                        callbacks=[LossAndErrorPrintingCallback(),
                                   CustomLearningRateScheduler(lr_schedule)])
    out = capsys.readouterr().out
    rates = [line.split()[-1].rstrip(".") for line in out.splitlines()
             if "Learning rate is" in line]
    # TensorFlow 2.21's printed rates (the variable's float32 value once assigned)
    assert rates == ["0.10000000149011612"] * 3 + ["0.05", "0.05000000074505806",
                                                   "0.05000000074505806", "0.01",
                                                   "0.009999999776482582",
                                                   "0.009999999776482582", "0.005",
                                                   "0.004999999888241291",
                                                   "0.004999999888241291", "0.001",
                                                   "0.0010000000474974513",
                                                   "0.0010000000474974513"]
    # TensorFlow 2.21: with 16 batches of data and 5 steps an epoch, every fourth epoch
    # has the one batch left
    assert [len(chunk.split("For batch")) - 1 for chunk in out.split("Learning rate")[1:]] \
        == [5, 5, 5, 1, 5, 5, 5, 1, 5, 5, 5, 1, 5, 5, 5]
    np.testing.assert_allclose(history.history["loss"], [
        13.706835746765137, 8.664501190185547, 9.25309944152832, 8.944540023803711,
        8.003961563110352, 8.62610149383545, 9.155856132507324, 8.603097915649414,
        8.005021095275879, 8.528397560119629, 9.128974914550781, 8.6861572265625,
        7.987725734710693, 8.487943649291992, 9.12379264831543], rtol=1e-6)
    np.testing.assert_allclose(history.history["mean_absolute_error"][:3], [
        2.912381172180176, 2.516533613204956, 2.6456141471862793], rtol=1e-6)


# "Training & evaluation with the built-in methods": the callbacks part
_rng1 = np.random.default_rng(1)
x_digits = _rng1.random((500, 32)).astype("float32")
y_digits = _rng1.integers(0, 10, 500)
DIGITS_WEIGHTS = [(_rng1.standard_normal((32, 64)) * 0.2).astype("float32"),
                  np.zeros(64, "float32"),
                  (_rng1.standard_normal((64, 64)) * 0.2).astype("float32"),
                  np.zeros(64, "float32"),
                  (_rng1.standard_normal((64, 10)) * 0.2).astype("float32"),
                  np.zeros(10, "float32")]


def get_compiled_model(lr=1e-3):
    inputs = keras.Input(shape=(32,), name="digits")
    x = keras.layers.Dense(64, activation="relu", name="dense_1")(inputs)
    x = keras.layers.Dense(64, activation="relu", name="dense_2")(x)
    outputs = keras.layers.Dense(10, activation="softmax", name="predictions")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    model.set_weights(DIGITS_WEIGHTS)
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=lr),
                  loss="sparse_categorical_crossentropy",
                  metrics=["sparse_categorical_accuracy"])
    return model


def test_built_in_methods_guide_early_stopping(capsys):
    model = get_compiled_model()
    callbacks = [keras.callbacks.EarlyStopping(monitor="val_loss", min_delta=1e-2, patience=2,
                                               verbose=1)]
    history = model.fit(x_digits, y_digits, epochs=20, batch_size=64, callbacks=callbacks,
                        validation_split=0.2, verbose=0, shuffle=False)
    # TensorFlow 2.21: no val_loss better by 1e-2 than the first, stopped after epoch 3
    assert capsys.readouterr().out == "Epoch 3: early stopping\n"
    assert history.epoch == [0, 1, 2]
    expected = {"loss": [2.482892, 2.349032, 2.314272],
                "sparse_categorical_accuracy": [0.1075, 0.12, 0.1225],
                "val_loss": [2.255754, 2.256571, 2.255097],
                "val_sparse_categorical_accuracy": [0.16, 0.17, 0.17]}
    assert list(history.history) == list(expected)
    for name, values in expected.items():
        np.testing.assert_allclose(history.history[name], values, atol=2e-6)


def test_built_in_methods_guide_loss_history():
    class LossHistory(keras.callbacks.Callback):
        def on_train_begin(self, logs):
            self.per_batch_losses = []

        def on_batch_end(self, batch, logs):
            self.per_batch_losses.append(logs.get("loss"))

    model = get_compiled_model()
    losses = LossHistory()
    model.fit(x_digits, y_digits, epochs=1, batch_size=100, callbacks=[losses], verbose=0,
              shuffle=False)
    # TensorFlow 2.21's running losses after each batch
    np.testing.assert_allclose(losses.per_batch_losses,
                               [2.579353, 2.546462, 2.536266, 2.504926, 2.457111], atol=2e-6)


def test_model_checkpoint_says_saving_is_not_supported():
    # TensorFlow 2.21 saves .weights.h5 files; gradtape has no such format
    with pytest.raises(NotImplementedError, match="SavedModel or .keras model saving"):
        keras.callbacks.ModelCheckpoint(filepath="mymodel_{epoch}", save_best_only=True,
                                        monitor="val_loss", verbose=1)
