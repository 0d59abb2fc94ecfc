"""``tf.keras.callbacks``' built-in callbacks in ``fit`` / ``evaluate`` / ``predict``
against TensorFlow 2.21 (Keras 3.15): every expected value is what TensorFlow printed
for the same code (small synthetic data, fixed initial weights, ``shuffle=False``)."""
import os
import warnings

import numpy as np
import pytest

import gradtape as tf

keras = tf.keras

_rng = np.random.default_rng(1)
x = _rng.random((500, 32)).astype("float32")
y = _rng.integers(0, 10, 500)
WEIGHTS = [(_rng.standard_normal((32, 64)) * 0.2).astype("float32"), np.zeros(64, "float32"),
           (_rng.standard_normal((64, 64)) * 0.2).astype("float32"), np.zeros(64, "float32"),
           (_rng.standard_normal((64, 10)) * 0.2).astype("float32"), np.zeros(10, "float32")]
METRIC = "sparse_categorical_accuracy"


def get_compiled_model(lr=1e-3):
    inputs = keras.Input(shape=(32,))
    h = keras.layers.Dense(64, activation="relu")(inputs)
    h = keras.layers.Dense(64, activation="relu")(h)
    outputs = keras.layers.Dense(10, activation="softmax")(h)
    model = keras.Model(inputs=inputs, outputs=outputs)
    model.set_weights(WEIGHTS)
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=lr),
                  loss="sparse_categorical_crossentropy", metrics=[METRIC])
    return model


def fit(model, callbacks, epochs=12, **kwargs):
    kwargs.setdefault("batch_size", 64)
    return model.fit(x, y, epochs=epochs, callbacks=callbacks, verbose=0, shuffle=False,
                     **kwargs)


# TensorFlow 2.21's val_loss / val accuracy of get_compiled_model(lr=0.01) with
# validation_split=0.2, batch_size=64, epoch by epoch
VAL_LOSS = [2.280771, 2.279569, 2.253976, 2.293427, 2.325962, 2.423401]
VAL_ACC = [0.22, 0.22, 0.21, 0.21, 0.23, 0.15]


@pytest.mark.parametrize("kwargs,epochs,stopped,best,wait,best_epoch,bias,printed", [
    # TensorFlow 2.21: accuracy found to improve upward; the best (first) epoch restored
    (dict(monitor=f"val_{METRIC}", patience=1, restore_best_weights=True, verbose=1),
     [0, 1], 1, 0.2199999988079071, 1, 0, 0.0656171441078186,
     "Epoch 2: early stopping\nRestoring model weights from the end of the best epoch: 1.\n"),
    # TensorFlow 2.21: a baseline improved on does not restart the wait unless beaten
    (dict(monitor=f"val_{METRIC}", mode="max", patience=2, baseline=0.2, verbose=1),
     [0, 1, 2], 2, 0.2199999988079071, 2, 0, 0.07448071241378784,
     "Epoch 3: early stopping\n"),
    # TensorFlow 2.21: nothing watched before start_from_epoch
    (dict(monitor="loss", patience=0, min_delta=0.05, start_from_epoch=3, verbose=1),
     [0, 1, 2, 3, 4], 4, 2.245462417602539, 1, 3, 0.08790270984172821,
     "Epoch 5: early stopping\n"),
    (dict(monitor="val_loss", patience=3, restore_best_weights=True, verbose=1),
     [0, 1, 2, 3, 4, 5], 5, 2.253976345062256, 3, 2, 0.07448071241378784,
     "Epoch 6: early stopping\nRestoring model weights from the end of the best epoch: 3.\n"),
])
def test_early_stopping(capsys, kwargs, epochs, stopped, best, wait, best_epoch, bias, printed):
    model = get_compiled_model(lr=0.01)
    stop = keras.callbacks.EarlyStopping(**kwargs)
    history = fit(model, [stop], validation_split=0.2)
    assert capsys.readouterr().out == printed
    assert history.epoch == epochs
    n = len(epochs)
    np.testing.assert_allclose(history.history["val_loss"], VAL_LOSS[:n], atol=2e-6)
    np.testing.assert_allclose(history.history[f"val_{METRIC}"], VAL_ACC[:n], atol=2e-6)
    assert (stop.stopped_epoch, stop.wait, stop.best_epoch) == (stopped, wait, best_epoch)
    np.testing.assert_allclose(stop.best, best, rtol=1e-6)
    np.testing.assert_allclose(model.get_weights()[5][0], bias, rtol=2e-6)


def test_early_stopping_compares_in_float32():
    # TensorFlow 2.21 (keras.ops on Python floats): 1.0 - 1e-9 is not below 1.0 + 2e-9,
    # so the baseline is not beaten and training stops after the second epoch
    model = keras.Sequential([keras.layers.Dense(1, kernel_initializer="zeros",
                                                 use_bias=False)])
    model.compile(keras.optimizers.SGD(0.0), loss="mse")
    stop = keras.callbacks.EarlyStopping(monitor="loss", patience=2, min_delta=1e-9,
                                         baseline=1.0 + 2e-9)
    history = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=10, verbose=0,
                        callbacks=[stop])
    assert (history.epoch, stop.stopped_epoch, stop.best, stop.wait) == ([0, 1], 1, 1.0, 2)


def test_early_stopping_needs_a_direction_and_warns_on_a_missing_monitor():
    # TensorFlow 2.21's errors and warning
    model = keras.Sequential([keras.layers.Dense(1)])
    model.compile(loss="mse", metrics=[keras.metrics.TruePositives(name="tp")])
    with pytest.raises(ValueError, match="monitor=tp, but Keras isn't able to automatically"):
        model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=2, verbose=0,
                  callbacks=[keras.callbacks.EarlyStopping("tp")])
    model = keras.Sequential([keras.layers.Dense(1)])
    model.compile(loss="mse")
    with pytest.warns(UserWarning, match="Early stopping conditioned on metric `val_loss` "
                                         "which is not available. Available metrics are: loss"):
        model.fit(np.ones((2, 1)), np.ones((2, 1)), epochs=2, verbose=0,
                  callbacks=[keras.callbacks.EarlyStopping()])
    with pytest.raises(ValueError, match="does not support a factor >= 1.0"):
        keras.callbacks.ReduceLROnPlateau(factor=1.0)


def test_reduce_lr_on_plateau(capsys):
    model = get_compiled_model(lr=0.01)
    reduce = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1,
                                               min_delta=0.01, cooldown=1, min_lr=0.002,
                                               verbose=1)
    history = fit(model, [reduce], epochs=10, validation_split=0.2)
    # TensorFlow 2.21's messages and the learning rates it logged
    assert capsys.readouterr().out == (
        "\nEpoch 2: ReduceLROnPlateau reducing learning rate to 0.004999999888241291.\n"
        "\nEpoch 3: ReduceLROnPlateau reducing learning rate to 0.0024999999441206455.\n"
        "\nEpoch 4: ReduceLROnPlateau reducing learning rate to 0.002.\n")
    assert list(history.history) == ["loss", METRIC, "val_loss", f"val_{METRIC}",
                                     "learning_rate"]
    np.testing.assert_allclose(history.history["learning_rate"],
                               [0.01, 0.01, 0.005, 0.0025] + [0.002] * 6, rtol=1e-7)
    np.testing.assert_allclose(history.history["loss"], [
        2.639539, 2.304308, 2.256213, 2.217912, 2.198198, 2.183954, 2.169537, 2.154911,
        2.140413, 2.12402], atol=2e-6)


def test_learning_rate_scheduler(capsys):
    model = get_compiled_model(lr=0.01)
    scheduler = keras.callbacks.LearningRateScheduler(
        lambda epoch, lr: lr if epoch < 2 else lr * 0.5, verbose=1)
    history = fit(model, [scheduler], epochs=4)
    # TensorFlow 2.21's messages, logs and final rate
    assert capsys.readouterr().out == "".join(
        f"\nEpoch {i}: LearningRateScheduler setting learning rate to {rate}.\n"
        for i, rate in [(1, 0.009999999776482582), (2, 0.009999999776482582),
                        (3, 0.004999999888241291), (4, 0.0024999999441206455)])
    np.testing.assert_allclose(history.history["learning_rate"], [0.01, 0.01, 0.005, 0.0025],
                               rtol=1e-7)
    np.testing.assert_allclose(history.history["loss"],
                               [2.567702, 2.295288, 2.245943, 2.212142], atol=2e-6)
    assert float(np.array(model.optimizer.learning_rate)) == 0.0024999999441206455

    model = get_compiled_model(lr=0.01)   # a schedule of the epoch alone
    history = fit(model, [keras.callbacks.LearningRateScheduler(lambda e: 0.1 / (e + 1))],
                  epochs=2, batch_size=250)
    np.testing.assert_allclose(history.history["learning_rate"], [0.1, 0.05], rtol=1e-7)
    np.testing.assert_allclose(history.history["loss"], [56.539368, 12.555245], rtol=1e-6)
    with pytest.raises(ValueError, match="should be a float. Got: 1"):
        fit(model, [keras.callbacks.LearningRateScheduler(lambda epoch, lr: 1)], epochs=1)


def test_lambda_callback(capsys):
    model = get_compiled_model()
    callback = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: print("begin", epoch, logs),
        on_epoch_end=lambda epoch, logs: print("end", epoch, sorted(logs)),
        on_train_begin=lambda logs: print("train begin", logs),
        on_train_end=lambda logs: print("train end", sorted(logs)),
        on_train_batch_end=lambda batch, logs: print(" batch", batch, round(logs["loss"], 5)))
    fit(model, [callback], epochs=2, batch_size=200)
    # TensorFlow 2.21's printout
    assert capsys.readouterr().out == (
        "train begin {}\nbegin 0 {}\n batch 0 2.61069\n batch 1 2.57069\n batch 2 2.51446\n"
        f"end 0 ['loss', '{METRIC}']\nbegin 1 {{}}\n batch 0 2.40094\n batch 1 2.40711\n"
        f" batch 2 2.36967\nend 1 ['loss', '{METRIC}']\ntrain end ['loss', '{METRIC}']\n")


def test_terminate_on_nan(capsys):
    model = keras.Sequential([keras.Input((32,)),
                              keras.layers.Dense(10, kernel_initializer="zeros")])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    targets = np.ones((500, 10), "float32")
    targets[250:] = np.nan
    history = model.fit(x, targets, epochs=3, batch_size=100, verbose=0, shuffle=False,
                        callbacks=[keras.callbacks.TerminateOnNaN()])
    # TensorFlow 2.21: stopped at the third batch, its epoch still logged
    assert capsys.readouterr().out == "Batch 2: Invalid loss, terminating training\n"
    assert history.epoch == [0] and np.isnan(history.history["loss"][0])
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 0. Loss "
                                           "value: nan. Terminating training immediately."):
        model.fit(x, targets, epochs=3, batch_size=100, verbose=0, shuffle=False,
                  callbacks=[keras.callbacks.TerminateOnNaN(raise_error=True)])


def test_csv_logger(tmp_path):
    path = os.path.join(tmp_path, "log.csv")
    model = get_compiled_model()
    fit(model, [keras.callbacks.CSVLogger(path)], epochs=2, batch_size=100)
    fit(model, [keras.callbacks.CSVLogger(path, append=True, separator=";")], epochs=1,
        batch_size=100, validation_split=0.2)
    rows = open(path).read().splitlines()
    # TensorFlow 2.21's file (numbers to float32 precision)
    assert rows[0] == f"epoch,loss,{METRIC},val_loss,val_{METRIC}"
    assert [row.split(",")[0] for row in rows[1:3]] == ["0", "1"]
    assert [row.split(",")[3:] for row in rows[1:3]] == [["NA", "NA"], ["NA", "NA"]]
    np.testing.assert_allclose([float(v) for v in rows[1].split(",")[1:3]],
                               [2.45711088180542, 0.11400000005960464], rtol=1e-6)
    np.testing.assert_allclose([float(v) for v in rows[2].split(",")[1:3]],
                               [2.33929705619812, 0.12200000137090683], rtol=1e-6)
    last = rows[3].split(";")
    assert last[0] == "0" and len(rows) == 4
    np.testing.assert_allclose([float(v) for v in last[1:]], [
        2.32928729057312, 0.11249999701976776, 2.2125847339630127, 0.17000000178813934],
        rtol=1e-6)


def test_stop_training_params_and_a_reused_history(capsys):
    class StopAt(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 1:
                self.model.stop_training = True

        def on_epoch_end(self, epoch, logs=None):
            print("epoch end", epoch, self.params)

    model = get_compiled_model()
    history = keras.callbacks.History()
    returned = fit(model, [StopAt(), history], epochs=3, batch_size=100)
    # TensorFlow 2.21: the epoch ends after the batch that set stop_training
    assert capsys.readouterr().out == \
        "epoch end 0 {'verbose': 0, 'epochs': 3, 'steps': 5}\n"
    assert returned is history and model.history is history and model.stop_training
    np.testing.assert_allclose(history.history["loss"], [2.546462], atol=2e-6)
    np.testing.assert_allclose(history.history[METRIC], [0.11], atol=2e-6)
    # TensorFlow 2.21: a History given again keeps its values, its epochs restart
    assert fit(model, [history], epochs=2, batch_size=250) is history
    assert history.epoch == [0, 1]
    np.testing.assert_allclose(history.history["loss"], [2.546462, 2.398589, 2.350762],
                               atol=2e-6)
    np.testing.assert_allclose(history.history[METRIC], [0.11, 0.124, 0.114], atol=2e-6)


def test_evaluate_and_predict_callbacks(capsys):
    class Show(keras.callbacks.Callback):
        def on_test_begin(self, logs=None):
            print("test", self.params)

        def on_predict_begin(self, logs=None):
            print("predict", self.params)

        def on_predict_batch_end(self, batch, logs=None):
            out = logs["outputs"]
            print(batch, type(out).__name__, out.dtype, np.shape(out))

    model = get_compiled_model()
    model.evaluate(x, y, callbacks=[Show()], verbose=0)
    model.predict(x[:40], callbacks=[Show()], verbose=0)
    # TensorFlow 2.21's params and the NumPy outputs of each batch
    assert capsys.readouterr().out == (
        "test {'verbose': 0, 'epochs': 1, 'steps': 16}\n"
        "predict {'verbose': 0, 'epochs': 1, 'steps': 2}\n"
        "0 ndarray float32 (32, 10)\n1 ndarray float32 (8, 10)\n")


def test_progress_lines_follow_the_callbacks(capsys):
    # TensorFlow 2.21 prints no "Epoch 1/1" for one epoch
    model = keras.Sequential([keras.layers.Dense(1, kernel_initializer="zeros")])
    model.compile(loss="mse")
    model.fit(np.ones((2, 1)), np.ones((2, 1)), epochs=1)
    assert capsys.readouterr().out == "1/1 - loss: 1.0000\n"


def test_steps_per_epoch_beyond_the_data_warns_and_stops_the_epoch():
    model = keras.Sequential([keras.layers.Dense(1, kernel_initializer="zeros")])
    model.compile(keras.optimizers.SGD(0.0), loss="mse")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(np.ones((4, 1)), np.ones((4, 1)), batch_size=2, epochs=2,
                            steps_per_epoch=3, verbose=0)
    # TensorFlow 2.21: params say 3 steps, each epoch ran out after 2
    assert history.params == {"verbose": 0, "epochs": 2, "steps": 3}
    assert sum("Your input ran out of data" in str(w.message) for w in caught) == 2


def test_initial_epoch(capsys):
    class Begin(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            print("begin", epoch)

    model = keras.Sequential([keras.layers.Dense(1, kernel_initializer="zeros")])
    model.compile(keras.optimizers.SGD(0.1), loss="mse")
    history = model.fit(np.ones((4, 1)), np.ones((4, 1)), epochs=4, initial_epoch=2,
                        verbose=0, callbacks=[Begin()])
    # TensorFlow 2.21: epochs 2 and 3 run, numbered so
    assert capsys.readouterr().out == "begin 2\nbegin 3\n"
    assert history.epoch == [2, 3] and history.params["epochs"] == 4
    np.testing.assert_allclose(history.history["loss"], [1.0, 0.36000001430511475], rtol=1e-7)
    history = model.fit(np.ones((4, 1)), np.ones((4, 1)), epochs=2, initial_epoch=3,
                        verbose=0)
    assert (history.epoch, history.history) == ([], {})
    model.fit(np.ones((4, 1)), np.ones((4, 1)), epochs=2, initial_epoch=1, verbose=2)
    assert capsys.readouterr().out == "Epoch 2/2\n1/1 - loss: 0.1296\n"
