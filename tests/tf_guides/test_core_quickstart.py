"""The Core APIs quickstart (linear regression on Auto MPG) run under gradtape.

The download is replaced by a synthetic table of the same shape (392 rows of 8
float columns, the last an origin in 1..3) made with a fixed NumPy seed;
``tf.random.shuffle`` and the ``tf.data`` shuffle and batch by NumPy
permutations; the model's random initial values by fixed ones.  The model,
loss and training loop are the guide's.  Every expected value is what
TensorFlow 2.21 printed for the same program.
"""
import numpy as np
import pytest

import gradtape as tf

TOL = dict(rtol=2e-6, atol=1e-6)   # float32 sums in another order: a few ulps


def _auto_mpg():
    rng = np.random.default_rng(0)
    n = 392
    data = np.empty((n, 8), np.float64)
    data[:, 0] = rng.uniform(9, 46, n)
    data[:, 1] = rng.choice([4, 6, 8], n)
    data[:, 2] = rng.uniform(68, 455, n)
    data[:, 3] = rng.uniform(46, 230, n)
    data[:, 4] = rng.uniform(1600, 5100, n)
    data[:, 5] = rng.uniform(8, 25, n)
    data[:, 6] = rng.integers(70, 83, n)
    data[:, 7] = rng.integers(1, 4, n)
    return data, rng.permutation(n)


def onehot_origin(x):
    origin = tf.cast(x[:, -1], tf.int32)
    origin_oh = tf.one_hot(origin - 1, 3)
    return tf.concat([x[:, :-1], origin_oh], axis=1)


class Normalize(tf.Module):
    def __init__(self, x):
        self.mean = tf.math.reduce_mean(x, axis=0)
        self.std = tf.math.reduce_std(x, axis=0)

    def norm(self, x):
        return (x - self.mean) / self.std

    def unnorm(self, x):
        return (x * self.std) + self.mean


class LinearRegression(tf.Module):
    def __init__(self):
        self.built = False

    @tf.function
    def __call__(self, x):
        if not self.built:
            rand_w = tf.random.uniform(shape=[x.shape[-1], 1])
            rand_b = tf.random.uniform(shape=[])
            self.w = tf.Variable(rand_w)
            self.b = tf.Variable(rand_b)
            self.built = True
        y = tf.add(tf.matmul(x, self.w), self.b)
        return tf.squeeze(y, axis=1)


class ExportModule(tf.Module):
    def __init__(self, model, extract_features, norm_x, norm_y):
        self.model = model
        self.extract_features = extract_features
        self.norm_x = norm_x
        self.norm_y = norm_y

    @tf.function(input_signature=[tf.TensorSpec(shape=[None, None], dtype=tf.float32)])
    def __call__(self, x):
        x = self.extract_features(x)
        x = self.norm_x.norm(x)
        y = self.model(x)
        return self.norm_y.unnorm(y)


def mse_loss(y_pred, y):
    return tf.reduce_mean(tf.square(y_pred - y))


@pytest.fixture(scope="module")
def guide():
    """The guide's cells up to the trained model (5 epochs instead of 100)."""
    tf.random.set_seed(22)
    data, perm = _auto_mpg()
    dataset_tf = tf.convert_to_tensor(data, dtype=tf.float32)
    dataset_shuffled = tf.gather(dataset_tf, perm)
    train_data, test_data = dataset_shuffled[100:], dataset_shuffled[:100]
    x_train, y_train = train_data[:, 1:], train_data[:, 0]
    x_test, y_test = test_data[:, 1:], test_data[:, 0]
    x_train_ohe, x_test_ohe = onehot_origin(x_train), onehot_origin(x_test)
    norm_x, norm_y = Normalize(x_train_ohe), Normalize(y_train)
    x_train_norm, y_train_norm = norm_x.norm(x_train_ohe), norm_y.norm(y_train)
    x_test_norm, y_test_norm = norm_x.norm(x_test_ohe), norm_y.norm(y_test)

    lin_reg = LinearRegression()
    lin_reg(x_train_norm[:1])
    lin_reg.w.assign(np.random.default_rng(1).uniform(size=(9, 1)).astype(np.float32))
    lin_reg.b.assign(0.25)
    out = dict(dataset_tf=dataset_tf, x_train_ohe=x_train_ohe, norm_y=norm_y,
               names=[v.name for v in lin_reg.variables],
               prediction=norm_y.unnorm(lin_reg(x_train_norm[:1])))

    xs, ys = x_train_norm.numpy(), y_train_norm.numpy()
    learning_rate, losses = 0.01, []
    for epoch in range(5):
        order = np.random.default_rng(100 + epoch).permutation(len(xs))
        for i in range(0, len(xs), 64):
            x_batch, y_batch = tf.constant(xs[order[i:i + 64]]), tf.constant(ys[order[i:i + 64]])
            batch_losses = []
            with tf.GradientTape() as tape:
                y_pred_batch = lin_reg(x_batch)
                batch_loss = mse_loss(y_pred_batch, y_batch)
            grads = tape.gradient(batch_loss, lin_reg.variables)
            for g, v in zip(grads, lin_reg.variables):
                v.assign_sub(learning_rate * g)
            batch_losses.append(batch_loss)
        train_loss = tf.reduce_mean(batch_losses)
        test_loss = mse_loss(lin_reg(x_test_norm), y_test_norm)
        losses.append((train_loss.numpy(), test_loss.numpy()))
    out.update(losses=losses, train_loss=train_loss, lin_reg=lin_reg,
               export=ExportModule(lin_reg, onehot_origin, norm_x, norm_y), x_test=x_test)
    return out


def test_the_data_and_its_printout(guide):
    t = guide["dataset_tf"]
    assert (str(t.dtype), t.shape) == ("<dtype: 'float32'>", (392, 8))   # TensorFlow 2.21's
    ohe = guide["x_train_ohe"]
    assert ohe.shape == (292, 9) and str(ohe.dtype) == "<dtype: 'float32'>"
    np.testing.assert_allclose(ohe.numpy()[:2], [   # TensorFlow 2.21's values
        [6.0, 451.9690, 143.4566, 3699.500, 10.07163, 73.0, 0.0, 0.0, 1.0],
        [4.0, 127.3869, 113.3201, 3907.893, 13.71550, 76.0, 1.0, 0.0, 0.0]], rtol=1e-6)
    np.testing.assert_allclose([guide["norm_y"].mean.numpy(), guide["norm_y"].std.numpy()],
                               [28.151608, 11.031357], **TOL)   # TensorFlow 2.21's


def test_unnamed_variables_are_all_variable_0(guide):
    # TensorFlow 2.21: eager names are not made unique (gradtape said Variable_1:0)
    assert guide["names"] == ["Variable:0", "Variable:0"]


def test_the_first_prediction(guide):
    np.testing.assert_allclose(guide["prediction"].numpy(), [44.734585], **TOL)   # TensorFlow's


def test_the_training_losses_epoch_by_epoch(guide):
    # (train, test) mean squared error after each epoch: TensorFlow 2.21's
    want = [(2.4808683, 3.497298), (2.9823961, 3.019848), (1.4537212, 2.644998),
            (1.6211476, 2.3382883), (1.1678698, 2.0873458)]
    np.testing.assert_allclose(guide["losses"], want, **TOL)
    assert f"{guide['train_loss']:0.3f}" == "1.168"
    lin_reg = guide["lin_reg"]
    np.testing.assert_allclose(lin_reg.w.numpy().ravel(), [   # TensorFlow 2.21's
        0.384995, 0.642393, 0.122936, 0.59582, 0.126988, 0.210616, 0.695342, 0.460558,
        0.628623], atol=2e-6)
    np.testing.assert_allclose(lin_reg.b.numpy(), 0.15924881, rtol=1e-5)


def test_the_export_module(guide):
    preds = guide["export"](guide["x_test"])
    assert preds.shape == (100,) and preds.dtype == tf.float32
    np.testing.assert_allclose(preds[:10].numpy(), [   # TensorFlow 2.21's
        32.423195, 45.95556, 54.41048, 30.246914, 39.246502, 47.87522, 23.346434,
        16.021427, 25.457941, 19.275238], rtol=1e-6)


def test_saved_model_is_out_of_scope_and_says_so():
    with pytest.raises(AttributeError, match="tf.saved_model is not implemented"):
        tf.saved_model.save


@pytest.mark.parametrize("module,prefix", [
    (tf.data, "tf.data"), (tf.distribute, "tf.distribute"), (tf.config, "tf.config"),
    (tf.debugging, "tf.debugging"), (tf.optimizers, "tf.keras.optimizers")])
def test_a_missing_name_of_a_module_gradtape_has_says_so(module, prefix):
    name = "TFRecordDataset" if prefix == "tf.data" else "no_such_name"
    with pytest.raises(AttributeError, match=f"TensorFlow's {prefix}.{name} is not implemented"):
        getattr(module, name)
    assert getattr(module, name, 7) == 7
