"""TensorFlow's guide "tf.data: Build TensorFlow input pipelines" (guide/data), its
in-memory parts, run with ``import gradtape as tf``: basic mechanics, dataset
structure, NumPy arrays and Python generators, batching and padded batching,
training workflows (repeat, shuffle, epochs), preprocessing with ``map``,
time-series windowing and Keras.  The files (text lines, CSV, TFRecord) become
``Dataset.range`` of the same length, random data is NumPy's with a seed, and every
shuffle is given a seed so that its order can be compared.  Every expected value is
TensorFlow 2.21's, as it printed it."""
import warnings

import numpy as np
import pytest

import gradtape as tf


@pytest.fixture(autouse=True)
def no_global_seed():
    # as a TensorFlow program starts: a seeded shuffle then draws from its op seed alone
    tf.random.set_seed(None)
    yield
    tf.random.set_seed(None)


def test_basic_mechanics():
    dataset = tf.data.Dataset.from_tensor_slices([8, 3, 0, 8, 2, 1])
    assert repr(dataset) == ("<_TensorSliceDataset element_spec=TensorSpec(shape=(), "
                             "dtype=tf.int32, name=None)>")
    assert [int(elem.numpy()) for elem in dataset] == [8, 3, 0, 8, 2, 1]
    it = iter(dataset)
    assert int(next(it).numpy()) == 8
    total = dataset.reduce(0, lambda state, value: state + value)
    assert str(total) == "tf.Tensor(22, shape=(), dtype=int32)"


def test_dataset_structure():
    dataset1 = tf.data.Dataset.from_tensor_slices(tf.random.uniform([4, 10]))
    assert repr(dataset1.element_spec) == "TensorSpec(shape=(10,), dtype=tf.float32, name=None)"
    dataset2 = tf.data.Dataset.from_tensor_slices(
        (tf.random.uniform([4]), tf.random.uniform([4, 100], maxval=100, dtype=tf.int32)))
    assert repr(dataset2.element_spec) == (
        "(TensorSpec(shape=(), dtype=tf.float32, name=None), TensorSpec(shape=(100,), "
        "dtype=tf.int32, name=None))")
    dataset3 = tf.data.Dataset.zip((dataset1, dataset2))
    assert repr(dataset3.element_spec) == (
        "(TensorSpec(shape=(10,), dtype=tf.float32, name=None), (TensorSpec(shape=(), "
        "dtype=tf.float32, name=None), TensorSpec(shape=(100,), dtype=tf.int32, name=None)))")
    shapes = [f"shapes: {a.shape}, {b.shape}, {c.shape}" for a, (b, c) in dataset3]
    assert shapes == ["shapes: (10,), (), (100,)"] * 4


def test_numpy_arrays():
    images = np.arange(24, dtype=np.uint8).reshape(3, 2, 4)
    labels = np.array([9, 0, 3], np.uint8)
    dataset = tf.data.Dataset.from_tensor_slices((images / 255, labels))
    assert repr(dataset) == (
        "<_TensorSliceDataset element_spec=(TensorSpec(shape=(2, 4), dtype=tf.float64, "
        "name=None), TensorSpec(shape=(), dtype=tf.uint8, name=None))>")
    image, label = next(iter(dataset))
    np.testing.assert_array_equal(image.numpy(), images[0] / 255)
    assert label.dtype == tf.uint8 and int(label) == 9


def count(stop):
    i = 0
    while i < stop:
        yield i
        i += 1


def test_python_generator():
    ds_counter = tf.data.Dataset.from_generator(count, args=[25], output_types=tf.int32,
                                                output_shapes=())
    batches = [b.numpy().tolist() for b in ds_counter.repeat().batch(10).take(10)]
    # TensorFlow 2.21's printout
    assert batches == [list(range(10)), list(range(10, 20)),
                       [20, 21, 22, 23, 24, 0, 1, 2, 3, 4], list(range(5, 15)),
                       list(range(15, 25))] * 2


def test_generator_of_series_shuffled_and_padded():
    rng = np.random.default_rng(5)

    def gen_series():
        i = 0
        while True:
            size = int(rng.integers(0, 10))
            yield i, np.round(rng.normal(size=(size,)), 2)
            i += 1
    ds_series = tf.data.Dataset.from_generator(
        gen_series, output_types=(tf.int32, tf.float32), output_shapes=((), (None,)))
    assert repr(ds_series) == (
        "<_FlatMapDataset element_spec=(TensorSpec(shape=(), dtype=tf.int32, name=None), "
        "TensorSpec(shape=(None,), dtype=tf.float32, name=None))>")
    ids, sequence_batch = next(iter(ds_series.shuffle(20, seed=7).padded_batch(10)))
    # TensorFlow 2.21's ids and first padded rows for the same NumPy series
    assert ids.numpy().tolist() == [12, 4, 2, 3, 13, 18, 14, 25, 8, 28]
    assert sequence_batch.shape == (10, 8)
    np.testing.assert_array_equal(sequence_batch.numpy()[:5], np.array([
        [-0.40, 0.19, -0.02, 0.61, -0.36, -0.15, 0.0, 0.0],
        [-0.04, -0.30, -1.05, -0.40, -1.09, -1.36, 0.22, 0.0],
        [-0.08, -1.16, -0.63, -0.49, -0.71, 0.55, -0.06, 0.0],
        [-0.59, 0.41, 0.83, -1.64, -0.26, -0.98, -0.17, -1.29],
        [0.24, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]], np.float32))


def test_simple_batching():
    inc_dataset = tf.data.Dataset.range(100)
    dec_dataset = tf.data.Dataset.range(0, -100, -1)
    dataset = tf.data.Dataset.zip((inc_dataset, dec_dataset))
    batched_dataset = dataset.batch(4)
    got = [[arr.numpy().tolist() for arr in batch] for batch in batched_dataset.take(4)]
    assert got == [[[0, 1, 2, 3], [0, -1, -2, -3]], [[4, 5, 6, 7], [-4, -5, -6, -7]],
                   [[8, 9, 10, 11], [-8, -9, -10, -11]],
                   [[12, 13, 14, 15], [-12, -13, -14, -15]]]
    assert repr(batched_dataset) == (
        "<_BatchDataset element_spec=(TensorSpec(shape=(None,), dtype=tf.int64, name=None), "
        "TensorSpec(shape=(None,), dtype=tf.int64, name=None))>")
    assert repr(dataset.batch(7, drop_remainder=True)) == (
        "<_BatchDataset element_spec=(TensorSpec(shape=(7,), dtype=tf.int64, name=None), "
        "TensorSpec(shape=(7,), dtype=tf.int64, name=None))>")


def test_padded_batching():
    dataset = tf.data.Dataset.range(100)
    dataset = dataset.map(lambda x: tf.fill([tf.cast(x, tf.int32)], x))
    assert repr(dataset.element_spec) == "TensorSpec(shape=(None,), dtype=tf.int64, name=None)"
    dataset = dataset.padded_batch(4, padded_shapes=(None,))
    got = [batch.numpy().tolist() for batch in dataset.take(2)]
    assert got == [[[0, 0, 0], [1, 0, 0], [2, 2, 0], [3, 3, 3]],
                   [[4, 4, 4, 4, 0, 0, 0], [5, 5, 5, 5, 5, 0, 0], [6, 6, 6, 6, 6, 6, 0],
                    [7, 7, 7, 7, 7, 7, 7]]]


def test_multiple_epochs():
    titanic_lines = tf.data.Dataset.range(627)  # the Titanic CSV has 627 lines
    # repeat before batch: batches straddle epochs; after: each epoch ends with 115
    assert [b.shape[0] for b in titanic_lines.repeat(3).batch(128)] == [128] * 14 + [89]
    assert [b.shape[0] for b in titanic_lines.batch(128).repeat(3)] == \
        ([128] * 4 + [115]) * 3


def test_random_shuffling():
    lines = tf.data.Dataset.range(627)
    counter = tf.data.experimental.Counter()
    dataset = tf.data.Dataset.zip((counter, lines))
    dataset = dataset.shuffle(buffer_size=100, seed=11).batch(20)
    n, line_batch = next(iter(dataset))
    # TensorFlow 2.21's first batch: every index from the first 100 + 19 lines
    assert n.numpy().tolist() == [31, 38, 87, 68, 44, 24, 43, 17, 75, 36, 16, 13, 64, 48,
                                  54, 27, 19, 40, 58, 74]
    shuffled = tf.data.Dataset.zip((counter, lines)).shuffle(buffer_size=100, seed=13)
    maxima = [int(tf.reduce_max(n)) for n, _ in shuffled.repeat(2).batch(10)]
    # shuffle before repeat: the epoch boundary holds (the last batches of the first epoch
    # end near 626, the second epoch starts low again)
    assert maxima[60:] == [620, 615, 594, 104, 112, 120, 129, 138, 134, 149, 159, 169, 190,
                           200, 212, 228, 232, 249, 252, 265, 229, 259, 295, 283, 304, 307,
                           330, 337, 357, 354, 374, 377, 380, 397, 405, 424, 431, 451, 457,
                           460, 466, 489, 495, 492, 509, 511, 537, 541, 555, 558, 572, 523,
                           582, 597, 612, 617, 622, 614, 625, 621, 608, 626, 623, 606, 624,
                           620]


def test_shuffle_buffer_bounds_how_far_an_element_moves_ahead():
    # with a buffer of b, output i is one of the first i + b inputs
    order = [int(x) for x in tf.data.Dataset.range(200).shuffle(7, seed=3)]
    assert sorted(order) == list(range(200))
    assert all(x < i + 7 for i, x in enumerate(order))


def test_time_series_batches():
    range_ds = tf.data.Dataset.range(100000)
    batches = range_ds.batch(10, drop_remainder=True)
    assert [b.numpy().tolist() for b in batches.take(2)] == [list(range(10)),
                                                             list(range(10, 20))]

    def dense_1_step(batch):
        return batch[:-1], batch[1:]
    pairs = [(f.numpy().tolist(), lab.numpy().tolist())
             for f, lab in batches.map(dense_1_step).take(2)]
    assert pairs == [(list(range(9)), list(range(1, 10))),
                     (list(range(10, 19)), list(range(11, 20)))]

    def label_next_5_steps(batch):
        return batch[:-5], batch[-5:]
    pairs = [(f.numpy().tolist(), lab.numpy().tolist())
             for f, lab in batches.map(label_next_5_steps).take(2)]
    assert pairs == [([0, 1, 2, 3, 4], [5, 6, 7, 8, 9]),
                     ([10, 11, 12, 13, 14], [15, 16, 17, 18, 19])]
    feature_length, label_length = 10, 3
    features = range_ds.batch(feature_length, drop_remainder=True)
    labels = range_ds.batch(feature_length).skip(1).map(lambda labels: labels[:label_length])
    predicted_steps = tf.data.Dataset.zip((features, labels))
    pairs = [(f.numpy().tolist(), lab.numpy().tolist()) for f, lab in predicted_steps.take(3)]
    assert pairs == [(list(range(10)), [10, 11, 12]), (list(range(10, 20)), [20, 21, 22]),
                     (list(range(20, 30)), [30, 31, 32])]


def test_time_series_windows():
    range_ds = tf.data.Dataset.range(100000)
    window_size = 5
    windows = range_ds.window(window_size, shift=1)
    assert [repr(sub_ds) for sub_ds in windows.take(1)] == [
        "<_VariantDataset element_spec=TensorSpec(shape=(), dtype=tf.int64, name=None)>"]
    assert [int(x) for x in windows.flat_map(lambda x: x).take(12)] == \
        [0, 1, 2, 3, 4, 1, 2, 3, 4, 5, 2, 3]

    def sub_to_batch(sub):
        return sub.batch(window_size, drop_remainder=True)
    assert [e.numpy().tolist() for e in windows.flat_map(sub_to_batch).take(3)] == \
        [[0, 1, 2, 3, 4], [1, 2, 3, 4, 5], [2, 3, 4, 5, 6]]

    def make_window_dataset(ds, window_size=5, shift=1, stride=1):
        windows = ds.window(window_size, shift=shift, stride=stride)

        def sub_to_batch(sub):
            return sub.batch(window_size, drop_remainder=True)
        return windows.flat_map(sub_to_batch)
    ds = make_window_dataset(range_ds, window_size=10, shift=5, stride=3)
    assert [e.numpy().tolist() for e in ds.take(3)] == [
        [0, 3, 6, 9, 12, 15, 18, 21, 24, 27], [5, 8, 11, 14, 17, 20, 23, 26, 29, 32],
        [10, 13, 16, 19, 22, 25, 28, 31, 34, 37]]
    dense_labels_ds = ds.map(lambda batch: (batch[:-1], batch[1:]))
    inputs, labels = next(iter(dense_labels_ds))
    assert inputs.numpy().tolist() == [0, 3, 6, 9, 12, 15, 18, 21, 24]
    assert labels.numpy().tolist() == [3, 6, 9, 12, 15, 18, 21, 24, 27]


def test_map_with_a_python_function():
    ds = tf.data.Dataset.range(3).map(lambda x: tf.py_function(lambda v: v * 2, [x], tf.int64))
    assert list(ds.as_numpy_iterator()) == [0, 2, 4]


# -- Keras ------------------------------------------------------------------

def _regression_model():
    model = tf.keras.Sequential([tf.keras.layers.Dense(4, activation="tanh"),
                                 tf.keras.layers.Dense(1)])
    model.build((None, 3))
    model.set_weights([np.linspace(-1, 1, 12).reshape(3, 4).astype("float32"),
                       np.zeros(4, "float32"),
                       np.linspace(0.5, -0.5, 4).reshape(4, 1).astype("float32"),
                       np.zeros(1, "float32")])
    model.compile(optimizer=tf.keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    return model


def _regression_data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32") + 0.3).astype("float32")
    return x, y, np.linspace(0.5, 1.5, 20).astype("float32")


def close(got, want):
    np.testing.assert_allclose(np.asarray(got, np.float64), want, rtol=2e-5, atol=1e-5)


def test_keras_fit_on_a_shuffled_dataset_with_sample_weights_and_validation():
    x, y, sw = _regression_data()
    model = _regression_model()
    train = tf.data.Dataset.from_tensor_slices((x[:16], y[:16], sw[:16]))
    train = train.shuffle(16, seed=4).batch(5)
    val = tf.data.Dataset.from_tensor_slices((x[16:], y[16:])).batch(3)
    with pytest.warns(UserWarning, match="`shuffle=True` was passed, but will be ignored"):
        history = model.fit(train, validation_data=val, epochs=3, verbose=0)
    # TensorFlow 2.21 / Keras 3: each epoch reshuffles (Keras starts two passes an epoch)
    close(history.history["loss"], [3.73859, 2.90161, 1.76915])
    close(history.history["mae"], [1.3567, 1.21542, 1.01267])
    close(history.history["val_loss"], [2.34141, 1.62104, 1.35472])
    close(history.history["val_mae"], [1.19082, 1.20856, 1.08534])
    assert history.params == {"verbose": 0, "epochs": 3, "steps": 4}
    kernel, bias, kernel2, bias2 = model.get_weights()
    close(kernel, [[-0.56771, -0.75962, -0.95042, -1.06185],
                   [-0.69277, -0.14124, 0.38905, 0.83474],
                   [0.82169, 0.68322, 0.496, 0.37757]])
    close(bias, [0.22937, 0.02849, -0.15944, -0.28036])
    close(kernel2.ravel(), [0.45525, 0.02487, -0.47209, -0.88934])
    close(bias2, [0.56478])
    close(model.evaluate(val, verbose=0), [1.35472, 1.08534])
    predicted = [1.19262, -0.16675, -0.29805, 1.90463]
    close(model.predict(val.map(lambda a, b: a), verbose=0).ravel(), predicted)
    close(model.predict(val, verbose=0).ravel(), predicted)  # the targets are left out


def test_keras_fit_with_steps_per_epoch_on_a_repeated_dataset():
    x, y, sw = _regression_data()
    model = _regression_model()
    train = tf.data.Dataset.from_tensor_slices((x[:16], y[:16])).batch(5)
    history = model.fit(train.repeat(), epochs=3, steps_per_epoch=3, verbose=0, shuffle=False)
    assert history.params == {"verbose": 0, "epochs": 3, "steps": 3}
    # TensorFlow 2.21: the epochs go on through the repeated batches
    close(history.history["loss"], [3.6293, 2.13941, 3.10654])
    # a dataset of unknown length: Keras learns it when the data runs out, and warns
    with pytest.warns(UserWarning, match="Your input ran out of data"):
        history = model.fit(train.filter(lambda a, b: True), epochs=2, verbose=0,
                            shuffle=False)
    assert history.params == {"verbose": 0, "epochs": 2, "steps": None}
    close(history.history["loss"], [2.15452, 1.80168])


def test_keras_refuses_what_a_dataset_must_carry():
    model = _regression_model()
    x, y, sw = _regression_data()
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(4)
    with pytest.raises(ValueError, match="`y` should not be passed"):
        model.fit(ds, y=y, verbose=0)
    with pytest.raises(ValueError, match="`sample_weights` should not be passed"):
        model.fit(ds, sample_weight=sw, verbose=0)
    with pytest.raises(ValueError, match="`validation_split` is only supported for tensors"):
        model.fit(ds, validation_split=0.5, verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # as Keras 3, batch_size is ignored with a dataset (its batches are the dataset's)
        history = model.fit(ds, batch_size=2, epochs=1, verbose=0, shuffle=False)
    assert history.params["steps"] == 5
