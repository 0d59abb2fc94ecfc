"""The Core APIs logistic regression guide (breast cancer diagnosis) under gradtape.

The download is replaced by a synthetic table of the same shape (569 rows, 30
float features of very different scales, a 0/1 diagnosis) made with a fixed
NumPy seed, split 427/142; the ``tf.data`` shuffle and batch by NumPy
permutations; the model's random initial values by fixed ones.  The model,
loss, accuracy and training loop are the guide's.  Every expected value is
what TensorFlow 2.21 printed for the same program.
"""
import numpy as np
import pytest

import gradtape as tf

TOL = dict(rtol=3e-6, atol=1e-6)   # float32 sums in another order: a few ulps


def _wdbc():
    rng = np.random.default_rng(0)
    n = 569
    scales = rng.uniform(0.01, 1000, 30)
    y = rng.integers(0, 2, n)
    x = (rng.normal(size=(n, 30)) + 0.8 * y[:, None]) * scales + scales
    perm = rng.permutation(n)
    return x[perm[:427]], y[perm[:427]], x[perm[427:]], y[perm[427:]]


class Normalize(tf.Module):
    def __init__(self, x):
        self.mean = tf.Variable(tf.math.reduce_mean(x, axis=0))
        self.std = tf.Variable(tf.math.reduce_std(x, axis=0))

    def norm(self, x):
        return (x - self.mean) / self.std


def log_loss(y_pred, y):
    ce = tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=y_pred)
    return tf.reduce_mean(ce)


class LogisticRegression(tf.Module):
    def __init__(self):
        self.built = False

    def __call__(self, x, train=True):
        if not self.built:
            rand_w = tf.random.uniform(shape=[x.shape[-1], 1], seed=22)
            rand_b = tf.random.uniform(shape=[], seed=22)
            self.w = tf.Variable(rand_w)
            self.b = tf.Variable(rand_b)
            self.built = True
        z = tf.add(tf.matmul(x, self.w), self.b)
        z = tf.squeeze(z, axis=1)
        if train:
            return z
        return tf.sigmoid(z)


def predict_class(y_pred, thresh=0.5):
    return tf.cast(y_pred > thresh, tf.float32)


def accuracy(y_pred, y):
    y_pred = tf.math.sigmoid(y_pred)
    y_pred_class = predict_class(y_pred)
    check_equal = tf.cast(y_pred_class == y, tf.float32)
    return tf.reduce_mean(check_equal)


class ExportModule(tf.Module):
    def __init__(self, model, norm_x, class_pred):
        self.model = model
        self.norm_x = norm_x
        self.class_pred = class_pred

    @tf.function(input_signature=[tf.TensorSpec(shape=[None, None], dtype=tf.float32)])
    def __call__(self, x):
        x = self.norm_x.norm(x)
        y = self.model(x, train=False)
        return self.class_pred(y)


@pytest.fixture(scope="module")
def guide():
    tf.random.set_seed(22)
    x_train, y_train, x_test, y_test = _wdbc()
    x_train, y_train = (tf.convert_to_tensor(x_train, dtype=tf.float32),
                        tf.convert_to_tensor(y_train, dtype=tf.float32))
    x_test, y_test = (tf.convert_to_tensor(x_test, dtype=tf.float32),
                      tf.convert_to_tensor(y_test, dtype=tf.float32))
    norm_x = Normalize(x_train)
    x_train_norm, x_test_norm = norm_x.norm(x_train), norm_x.norm(x_test)
    log_reg = LogisticRegression()
    untrained = log_reg(x_train_norm[:5], train=False)
    log_reg.w.assign(np.random.default_rng(1).uniform(size=(30, 1)).astype(np.float32))
    log_reg.b.assign(0.5)
    out = dict(x_train=x_train, x_test=x_test, norm_x=norm_x, x_train_norm=x_train_norm,
               untrained=untrained, y_pred=log_reg(x_train_norm[:5], train=False))

    xs, ys = x_train_norm.numpy(), y_train.numpy()
    learning_rate, history, first_grads = 0.01, [], None
    for epoch in range(6):
        batch_losses, batch_accs = [], []
        order = np.random.default_rng(100 + epoch).permutation(len(xs))
        for i in range(0, len(xs), 64):
            x_batch, y_batch = tf.constant(xs[order[i:i + 64]]), tf.constant(ys[order[i:i + 64]])
            with tf.GradientTape() as tape:
                y_pred_batch = log_reg(x_batch)
                batch_loss = log_loss(y_pred_batch, y_batch)
            batch_acc = accuracy(y_pred_batch, y_batch)
            grads = tape.gradient(batch_loss, log_reg.variables)
            first_grads = first_grads or [g.numpy() for g in grads]
            for g, v in zip(grads, log_reg.variables):
                v.assign_sub(learning_rate * g)
            batch_losses.append(batch_loss)
            batch_accs.append(batch_acc)
        train_loss, train_acc = tf.reduce_mean(batch_losses), tf.reduce_mean(batch_accs)
        y_pred_test = log_reg(x_test_norm)
        test_loss, test_acc = log_loss(y_pred_test, y_test), accuracy(y_pred_test, y_test)
        history.append([v.numpy() for v in (train_loss, train_acc, test_loss, test_acc)])
    out.update(first_grads=first_grads, history=history, log_reg=log_reg,
               train_classes=predict_class(log_reg(x_train_norm, train=False)),
               export=ExportModule(log_reg, norm_x, predict_class))
    return out


def test_the_data_and_the_normalizer(guide):
    assert str(guide["x_train"].dtype) == "<dtype: 'float32'>"   # TensorFlow 2.21's printout
    assert guide["x_train"].shape == (427, 30)
    norm_x = guide["norm_x"]
    assert [v.shape.as_list() for v in norm_x.variables] == [[30], [30]]
    assert len(norm_x.trainable_variables) == 2
    np.testing.assert_allclose(guide["x_train_norm"].numpy()[0, :5], [   # TensorFlow's
        0.18040344, -0.27783826, 0.69352007, 1.6680872, 1.4912573], rtol=5e-6)


def test_the_sigmoid_cell():
    x = tf.linspace(-10, 10, 500)
    assert x.dtype == tf.float64 and str(x.dtype) == "<dtype: 'float64'>"
    np.testing.assert_allclose(x.numpy()[:3], [-10.0, -9.95991984, -9.91983968])
    s = tf.math.sigmoid(tf.cast(x, tf.float32))
    np.testing.assert_allclose(s.numpy()[[0, 1, 249, 250, 498, 499]], [   # TensorFlow's
        4.5397861e-05, 4.7254285e-05, 4.9499014e-01, 5.0500989e-01, 9.9995273e-01,
        9.9995458e-01], rtol=2e-7)


def test_the_untrained_and_the_fixed_model(guide):
    untrained = guide["untrained"].numpy()
    assert untrained.shape == (5,) and ((untrained > 0) & (untrained < 1)).all()
    np.testing.assert_allclose(guide["y_pred"].numpy(), [   # TensorFlow 2.21's
        9.8924893e-01, 9.8929870e-01, 8.5719343e-04, 9.9981964e-01, 9.5310622e-01], **TOL)


def test_training_epoch_by_epoch(guide):
    b_grad, w_grad = guide["first_grads"]   # TensorFlow 2.21's first gradients
    np.testing.assert_allclose(b_grad, -0.0479839, rtol=1e-5)
    np.testing.assert_allclose(w_grad.ravel()[:4], [0.0093531, 0.00411165, -0.01270152, 0.011459],
                               rtol=1e-5, atol=1e-7)
    # (train loss, train accuracy, test loss, test accuracy): TensorFlow 2.21's
    want = [(0.08148252, 0.9666217, 0.09479237, 0.97887325),
            (0.076939665, 0.97098213, 0.09454253, 0.97887325),
            (0.080021225, 0.9688019, 0.09426979, 0.97887325),
            (0.07777039, 0.969892, 0.09401985, 0.97887325),
            (0.075562336, 0.97098213, 0.09378281, 0.97887325),
            (0.07825999, 0.969892, 0.09353437, 0.97887325)]
    np.testing.assert_allclose(guide["history"], want, rtol=3e-6)
    assert f"{tf.constant(guide['history'][-1][0]):.3f}" == "0.078"


def test_classes_and_the_export_module(guide):
    classes = guide["train_classes"]
    assert classes.dtype == tf.float32
    np.testing.assert_array_equal(classes.numpy()[:10], [1, 1, 0, 1, 1, 1, 1, 0, 0, 1])
    np.testing.assert_array_equal(guide["export"](guide["x_test"])[:10].numpy(),
                                  [0, 1, 0, 1, 1, 1, 1, 0, 0, 0])   # TensorFlow's
    assert len(guide["export"].variables) == 4


def test_linspace_with_num_0_is_empty():
    # TensorFlow 2.21: an empty result (gradtape raised InvalidArgumentError)
    assert tf.linspace(0.0, 1.0, 0).shape == (0,)
    assert tf.linspace(0, 1, 0).dtype == tf.float64
    assert tf.linspace([0.0, 1.0], [1.0, 2.0], 0).shape == (0, 2)
    assert tf.linspace([0.0, 1.0], [1.0, 2.0], 0, axis=-1).shape == (2, 0)
    assert tf.linspace(0.0, 1.0, tf.constant(0)).shape == (0,)
    x = tf.constant(0.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.linspace(x, 1.0, 0))
    assert tape.gradient(y, x).numpy() == 0.0        # TensorFlow's: 0.0, not None
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.linspace(0.0, 1.0, -1)
    with pytest.raises(TypeError):                   # TensorFlow: num must be an integer
        tf.linspace(2.0, 5.0, 2.0)


class _Frame:
    """What the guide converts: a pandas DataFrame or Series exposes ``__array__``."""

    def __init__(self, array):
        self.array = array

    def __array__(self, dtype=None, copy=None):
        return self.array if dtype is None else self.array.astype(dtype)


def test_a_table_keeps_its_numpy_dtype():
    table = _Frame(np.array([[1.5, 2.0], [3.0, 4.25]]))
    labels = _Frame(np.array([0, 1, 1], np.int64))
    # TensorFlow 2.21: float64 and int64 (gradtape made float32 and int32)
    assert tf.convert_to_tensor(table).dtype == tf.float64
    assert tf.convert_to_tensor(labels).dtype == tf.int64
    assert tf.add(labels, 1).dtype == tf.int64
    # with dtype=, as the guide converts them
    np.testing.assert_array_equal(tf.convert_to_tensor(table, dtype=tf.float32).numpy(),
                                  [[1.5, 2.0], [3.0, 4.25]])
    assert tf.convert_to_tensor(labels, dtype=tf.float32).dtype == tf.float32
