"""The Core APIs multilayer perceptron guide (MNIST digits) under gradtape.

The ``tfds`` download is replaced by synthetic batches of the same dtypes and
shapes (uint8 images ``(128, 28, 28, 1)``, int64 labels) made with a fixed
NumPy seed, 300 training, 150 validation and 200 test images, and the
``tf.data`` map by a loop; the random Xavier weights by fixed ones of the same
range.  The layers, the model (784-700-500-10, ``tf.function``), the loss, the
guide's own Adam and the training loop are the guide's.  Every expected value
is what TensorFlow 2.21 printed for the same program.
"""
import numpy as np
import pytest

import gradtape as tf


def _mnist(rng, n):
    y = rng.integers(0, 10, n).astype(np.int64)
    x = rng.integers(0, 256, (n, 28, 28, 1)).astype(np.uint8)
    x[np.arange(n), y, :10, 0] = 255   # a class-dependent stripe to learn
    return x, y


def preprocess(x, y):
    x = tf.reshape(x, shape=[-1, 784])
    x = x / 255
    return x, y


def xavier_init(shape):
    in_dim, out_dim = shape
    xavier_lim = tf.sqrt(6.) / tf.sqrt(tf.cast(in_dim + out_dim, tf.float32))
    return tf.random.uniform(shape=(in_dim, out_dim), minval=-xavier_lim,
                             maxval=xavier_lim, seed=22)


class DenseLayer(tf.Module):
    def __init__(self, out_dim, weight_init=xavier_init, activation=tf.identity):
        self.out_dim = out_dim
        self.weight_init = weight_init
        self.activation = activation
        self.built = False

    def __call__(self, x):
        if not self.built:
            self.in_dim = x.shape[1]
            self.w = tf.Variable(xavier_init(shape=(self.in_dim, self.out_dim)))
            self.b = tf.Variable(tf.zeros(shape=(self.out_dim,)))
            self.built = True
        z = tf.add(tf.matmul(x, self.w), self.b)
        return self.activation(z)


class MLP(tf.Module):
    def __init__(self, layers):
        self.layers = layers

    @tf.function
    def __call__(self, x, preds=False):
        for layer in self.layers:
            x = layer(x)
        return x


def cross_entropy_loss(y_pred, y):
    sparse_ce = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=y_pred)
    return tf.reduce_mean(sparse_ce)


def accuracy(y_pred, y):
    class_preds = tf.argmax(tf.nn.softmax(y_pred), axis=1)
    is_equal = tf.equal(y, class_preds)
    return tf.reduce_mean(tf.cast(is_equal, tf.float32))


class Adam:
    def __init__(self, learning_rate=1e-3, beta_1=0.9, beta_2=0.999, ep=1e-7):
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.learning_rate = learning_rate
        self.ep = ep
        self.t = 1.
        self.v_dvar, self.s_dvar = [], []
        self.built = False

    def apply_gradients(self, grads, vars):
        if not self.built:
            for var in vars:
                self.v_dvar.append(tf.Variable(tf.zeros(shape=var.shape)))
                self.s_dvar.append(tf.Variable(tf.zeros(shape=var.shape)))
            self.built = True
        for i, (d_var, var) in enumerate(zip(grads, vars)):
            self.v_dvar[i].assign(self.beta_1 * self.v_dvar[i] + (1 - self.beta_1) * d_var)
            self.s_dvar[i].assign(self.beta_2 * self.s_dvar[i]
                                  + (1 - self.beta_2) * tf.square(d_var))
            v_dvar_bc = self.v_dvar[i] / (1 - (self.beta_1 ** self.t))
            s_dvar_bc = self.s_dvar[i] / (1 - (self.beta_2 ** self.t))
            var.assign_sub(self.learning_rate * (v_dvar_bc / (tf.sqrt(s_dvar_bc) + self.ep)))
        self.t += 1.


def train_step(x_batch, y_batch, loss, acc, model, optimizer):
    with tf.GradientTape() as tape:
        y_pred = model(x_batch)
        batch_loss = loss(y_pred, y_batch)
    batch_acc = acc(y_pred, y_batch)
    grads = tape.gradient(batch_loss, model.variables)
    optimizer.apply_gradients(grads, model.variables)
    return batch_loss, batch_acc


class ExportModule(tf.Module):
    def __init__(self, model, preprocess, class_pred):
        self.model = model
        self.preprocess = preprocess
        self.class_pred = class_pred

    @tf.function(input_signature=[tf.TensorSpec(shape=[None, None, None, None], dtype=tf.uint8)])
    def __call__(self, x):
        x = self.preprocess(x)
        y = self.model(x)
        return self.class_pred(y)


def preprocess_test(x):
    x = tf.reshape(x, shape=[-1, 784])
    return x / 255


def class_pred_test(y):
    return tf.argmax(tf.nn.softmax(y), axis=1)


def accuracy_score(y_pred, y):
    is_equal = tf.equal(y_pred, y)
    return tf.reduce_mean(tf.cast(is_equal, tf.float32))


@pytest.fixture(scope="module")
def guide():
    tf.random.set_seed(22)
    rng = np.random.default_rng(0)
    splits = [_mnist(rng, n) for n in (300, 150, 200)]
    train_data, val_data = ([preprocess(tf.constant(x[i:i + 128]), tf.constant(y[i:i + 128]))
                             for i in range(0, len(x), 128)] for x, y in splits[:2])
    mlp_model = MLP([DenseLayer(out_dim=700, activation=tf.nn.relu),
                     DenseLayer(out_dim=500, activation=tf.nn.relu),
                     DenseLayer(out_dim=10)])
    first = mlp_model(train_data[0][0])
    weights = np.random.default_rng(5)
    for layer in mlp_model.layers:
        lim = np.sqrt(6.) / np.sqrt(layer.in_dim + layer.out_dim)
        layer.w.assign(weights.uniform(-lim, lim, (layer.in_dim, layer.out_dim)).astype(np.float32))
    optimizer, steps, epochs = Adam(), [], []
    for epoch in range(3):
        train = [train_step(x, y, cross_entropy_loss, accuracy, mlp_model, optimizer)
                 for x, y in train_data]
        val = [(cross_entropy_loss(mlp_model(x), y), accuracy(mlp_model(x), y))
               for x, y in val_data]
        steps += [(loss.numpy(), acc.numpy()) for loss, acc in train]
        epochs.append([tf.reduce_mean([p[k] for p in part]).numpy()
                       for part in (train, val) for k in (0, 1)])
    export = ExportModule(mlp_model, preprocess_test, class_pred_test)
    x_test, y_test = (tf.constant(a) for a in splits[2])
    return dict(train_data=train_data, first=first, model=mlp_model, optimizer=optimizer,
                steps=steps, epochs=epochs, test_classes=export(x_test), y_test=y_test)


def test_the_preprocessed_batches(guide):
    x, y = guide["train_data"][0]
    assert (x.shape, str(x.dtype), y.dtype) == ((128, 784), "<dtype: 'float32'>", tf.int64)
    np.testing.assert_allclose(x.numpy()[0, :3], [0.11372549, 0.00784314, 0.10196079], rtol=1e-6)


def test_the_model_and_its_variables(guide):
    assert guide["first"].shape == (128, 10) and guide["first"].dtype == tf.float32
    assert [tuple(v.shape) for v in guide["model"].variables] == [   # TensorFlow's order
        (700,), (784, 700), (500,), (700, 500), (10,), (500, 10)]
    assert guide["optimizer"].v_dvar[0].name == "Variable:0"         # TensorFlow's name


def test_training_step_by_step(guide):
    # (batch loss, batch accuracy) of each training step: TensorFlow 2.21's
    want = [(2.4065316, 0.0703125), (3.2005067, 0.1171875), (2.2899518, 0.13636364),
            (2.3843265, 0.125), (2.1430826, 0.234375), (2.0748408, 0.13636364),
            (2.055277, 0.125), (2.1060636, 0.34375), (1.7146355, 0.77272725)]
    np.testing.assert_allclose(guide["steps"], want, rtol=2e-6)
    # per epoch (train loss, train accuracy, validation loss, validation accuracy)
    np.testing.assert_allclose(np.array(guide["epochs"])[:, [0, 2, 3]], [
        (2.6323302, 2.5451307, 0.14950284), (2.20075, 2.2394557, 0.1196733),
        (1.9586587, 2.0759335, 0.20348012)], rtol=2e-6)
    assert guide["optimizer"].t == 10.0
    np.testing.assert_allclose(guide["model"].layers[2].w.numpy()[0, :4],
                               [0.07226647, 0.09132627, -0.05810573, -0.05844866], rtol=1e-5)


def test_the_export_module_and_the_accuracy_by_digit(guide):
    test_classes, y_test = guide["test_classes"], guide["y_test"]
    assert test_classes.dtype == tf.int64 and test_classes.shape == (200,)
    assert f"{accuracy_score(test_classes, y_test):.3f}" == "0.180"   # TensorFlow's
    label_accs = {}
    for label in range(10):
        pred_label = test_classes[y_test == label]
        label_filled = tf.cast(tf.fill(pred_label.shape[0], label), tf.int64)
        label_accs[accuracy_score(pred_label, label_filled).numpy()] = label
    assert [(label_accs[k], f"{k:.3f}") for k in sorted(label_accs)] == [   # TensorFlow's
        (9, "0.000"), (4, "0.050"), (5, "0.235"), (0, "0.333"), (8, "1.000")]


@pytest.mark.parametrize("dtype", ["float32", "uint8", "int16", "bool"])
def test_sparse_cross_entropy_takes_only_int32_and_int64_labels(dtype):
    # TensorFlow 2.21: InvalidArgumentError "Value for attr 'Tlabels' of float is not in
    # the list of allowed values: int32, int64" (gradtape took uint8/int16, TypeError else)
    labels = tf.cast(tf.constant([1, 0]), dtype)
    with pytest.raises(tf.errors.InvalidArgumentError, match="attr 'Tlabels' of .* int32, int64"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=tf.zeros((2, 3)))


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "float32"])
def test_keras_sparse_cross_entropy_casts_small_integer_labels(dtype):
    y = tf.cast(tf.constant([0, 2]), dtype)
    p = tf.constant([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])
    # TensorFlow 2.21 (Keras 3) for every one of these label dtypes
    np.testing.assert_allclose(tf.keras.losses.sparse_categorical_crossentropy(y, p).numpy(),
                               [1.60944, 0.22314], atol=1e-5)
    np.testing.assert_allclose(
        tf.keras.losses.sparse_categorical_crossentropy(y, p, from_logits=True).numpy(),
        [1.23983, 0.68973], atol=1e-5)
