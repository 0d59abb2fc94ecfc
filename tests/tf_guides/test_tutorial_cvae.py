"""TensorFlow's convolutional VAE tutorial (tutorials/generative/cvae), run
with ``import gradtape as tf``: encoder and decoder ``Sequential`` models
started by ``InputLayer(input_shape=...)``, the reparameterization trick, the
log-normal density, the sigmoid cross-entropy ELBO and the ``tf.function``
train step.

MNIST is replaced by seeded random binarized images (two batches of four),
the latent size is 2, the weights are set from seeded NumPy arrays and the
reparameterization's noise is a seeded NumPy array (``tf.random.normal``
draws other numbers than TensorFlow's), the same in both runs. Expected
values are TensorFlow 2.21's (Keras 3), typed from its printout."""
import numpy as np
import pytest

import gradtape as tf


def preprocess_images(images):
    images = images.reshape((images.shape[0], 28, 28, 1)) / 255.
    return np.where(images > .5, 1.0, 0.0).astype('float32')


_rng = np.random.RandomState(0)
train_images = preprocess_images(_rng.randint(0, 256, size=(8, 28, 28)))
batch_size = 4
latent_dim = 2
EPS = _rng.normal(size=(3, batch_size, latent_dim)).astype("float32")


class CVAE(tf.keras.Model):
    """Convolutional variational autoencoder."""

    def __init__(self, latent_dim):
        super(CVAE, self).__init__()
        self.latent_dim = latent_dim
        self.eps = None   # the test's fixed noise for reparameterize
        self.encoder = tf.keras.Sequential(
            [
                tf.keras.layers.InputLayer(input_shape=(28, 28, 1)),
                tf.keras.layers.Conv2D(
                    filters=32, kernel_size=3, strides=(2, 2), activation='relu'),
                tf.keras.layers.Conv2D(
                    filters=64, kernel_size=3, strides=(2, 2), activation='relu'),
                tf.keras.layers.Flatten(),
                # No activation
                tf.keras.layers.Dense(latent_dim + latent_dim),
            ]
        )

        self.decoder = tf.keras.Sequential(
            [
                tf.keras.layers.InputLayer(input_shape=(latent_dim,)),
                tf.keras.layers.Dense(units=7*7*32, activation=tf.nn.relu),
                tf.keras.layers.Reshape(target_shape=(7, 7, 32)),
                tf.keras.layers.Conv2DTranspose(
                    filters=64, kernel_size=3, strides=2, padding='same',
                    activation='relu'),
                tf.keras.layers.Conv2DTranspose(
                    filters=32, kernel_size=3, strides=2, padding='same',
                    activation='relu'),
                # No activation
                tf.keras.layers.Conv2DTranspose(
                    filters=1, kernel_size=3, strides=1, padding='same'),
            ]
        )

    @tf.function
    def sample(self, eps=None):
        if eps is None:
            eps = tf.random.normal(shape=(100, self.latent_dim))
        return self.decode(eps, apply_sigmoid=True)

    def encode(self, x):
        mean, logvar = tf.split(self.encoder(x), num_or_size_splits=2, axis=1)
        return mean, logvar

    def reparameterize(self, mean, logvar):
        eps = tf.random.normal(shape=mean.shape)
        if self.eps is not None:
            eps = self.eps
        return eps * tf.exp(logvar * .5) + mean

    def decode(self, z, apply_sigmoid=False):
        logits = self.decoder(z)
        if apply_sigmoid:
            probs = tf.sigmoid(logits)
            return probs
        return logits


def log_normal_pdf(sample, mean, logvar, raxis=1):
    log2pi = tf.math.log(2. * np.pi)
    return tf.reduce_sum(
        -.5 * ((sample - mean) ** 2. * tf.exp(-logvar) + logvar + log2pi),
        axis=raxis)


def compute_loss(model, x):
    mean, logvar = model.encode(x)
    z = model.reparameterize(mean, logvar)
    x_logit = model.decode(z)
    cross_ent = tf.nn.sigmoid_cross_entropy_with_logits(logits=x_logit, labels=x)
    logpx_z = -tf.reduce_sum(cross_ent, axis=[1, 2, 3])
    logpz = log_normal_pdf(z, 0., 0.)
    logqz_x = log_normal_pdf(z, mean, logvar)
    return -tf.reduce_mean(logpx_z + logpz - logqz_x)


@tf.function
def train_step(model, x, optimizer):
    """Executes one training step and returns the loss."""
    with tf.GradientTape() as tape:
        loss = compute_loss(model, x)
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
    return loss


def make_model():
    with pytest.warns(UserWarning, match="`input_shape` is deprecated"):   # as Keras 3
        model = CVAE(latent_dim)
    weights = np.random.RandomState(1)
    for w in model.trainable_variables:
        shape = tuple(w.shape)
        fan = int(np.prod(shape[:-1])) if len(shape) > 1 else 10
        w.assign(weights.normal(0, 1 / np.sqrt(fan), shape).astype("float32"))
    return model


def test_weights_exist_after_construction():
    # TensorFlow 2.21: the InputLayer makes each Sequential build its weights at once
    with pytest.warns(UserWarning):
        model = CVAE(latent_dim)
    assert [tuple(w.shape) for w in model.trainable_variables] == [
        (3, 3, 1, 32), (32,), (3, 3, 32, 64), (64,), (2304, 4), (4,), (2, 1568), (1568,),
        (3, 3, 64, 32), (64,), (3, 3, 32, 64), (32,), (3, 3, 1, 32), (1,)]
    assert [type(layer).__name__ for layer in model.encoder.layers] == [
        "Conv2D", "Conv2D", "Flatten", "Dense"]
    assert model.encoder.input_shape == (None, 28, 28, 1)
    assert model.decoder.output_shape == (None, 28, 28, 1)
    assert train_images.dtype == np.float32 and train_images.sum() == 3094.0


def test_log_normal_pdf():
    # TensorFlow 2.21's values and gradients
    np.testing.assert_allclose(float(tf.math.log(2. * np.pi)), 1.837877, rtol=1e-6)
    s = tf.constant([[0.5, -1.0], [2.0, 0.0]])
    np.testing.assert_allclose(log_normal_pdf(s, 0., 0.).numpy(), [-2.462877, -3.8378773],
                               rtol=1e-6)
    m = tf.Variable([[0.1, 0.2]])
    lv = tf.Variable([[-0.5, 0.3]])
    with tf.GradientTape() as tape:
        out = log_normal_pdf(s, m, lv)
    np.testing.assert_allclose(out.numpy(), [-2.403164, -4.7286353], rtol=1e-6)
    dm, dlv = tape.gradient(out, [m, lv])
    np.testing.assert_allclose(dm.numpy(), [[3.7920587, -1.0371455]], rtol=1e-6)
    np.testing.assert_allclose(dlv.numpy(), [[2.1078396, -0.4517945]], rtol=1e-6)


def test_encode_reparameterize_decode():
    model = make_model()
    mean, logvar = model.encode(train_images[:4])
    # TensorFlow 2.21's values
    np.testing.assert_allclose(mean.numpy(), [[1.0688802, -0.41068012], [1.3555944, -0.6314895],
                                              [1.3671006, -0.5303478], [1.348337, -0.58492124]],
                               rtol=1e-5)
    np.testing.assert_allclose(logvar.numpy(), [[0.10138215, -1.2439153],
                                                [-0.21765976, -0.6709393],
                                                [-0.21952839, -0.78730357],
                                                [-0.367594, -0.8476732]], rtol=1e-5)
    model.eps = tf.constant(EPS[0])
    z = model.reparameterize(mean, logvar)
    np.testing.assert_allclose(z.numpy(), [[1.8384709, -0.23906259], [0.98800284, -0.9556267],
                                           [2.1670077, -0.8498359], [1.601011, 0.0918355]],
                               rtol=1e-5)
    np.testing.assert_allclose(model.decode(z)[0, 13, 10:14, 0].numpy(),
                               [1.4687536, -0.09251752, -0.0874344, -0.7235161],
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(float(compute_loss(model, train_images[:4])), 597.8577880859375,
                               rtol=1e-6)
    model.eps = None
    sample = model.sample(tf.constant(EPS[1]))
    assert sample.shape == (4, 28, 28, 1)
    np.testing.assert_allclose(float(tf.reduce_sum(sample)), 1743.7294921875, rtol=1e-6)
    assert model.sample().shape == (100, 28, 28, 1)
    z = model.reparameterize(mean, logvar)
    assert z.shape == (4, 2) and z.dtype == tf.float32


def test_train_steps():
    model = make_model()
    optimizer = tf.keras.optimizers.Adam(1e-4)
    losses = []
    for i in range(3):
        model.eps = tf.constant(EPS[i])
        x = train_images[(i % 2) * 4:(i % 2) * 4 + 4]
        losses.append(float(train_step(model, x, optimizer)))
    # TensorFlow 2.21's losses, ELBO and kernel after three steps
    np.testing.assert_allclose(losses, [597.8577880859375, 579.7214965820312, 583.68359375],
                               rtol=1e-6)
    model.eps = tf.constant(EPS[0])
    np.testing.assert_allclose(-float(compute_loss(model, train_images[4:])), -568.662109375,
                               rtol=1e-6)
    np.testing.assert_allclose(model.encoder.layers[-1].kernel.numpy()[:3, 0],
                               [-0.01872722, -0.01855184, -0.01055395], rtol=1e-5)


def test_input_layer_arguments():
    # TensorFlow 2.21 (Keras 3)
    layer = tf.keras.layers.InputLayer(batch_shape=(2, 3))
    assert layer.output.shape == (2, 3)
    with pytest.raises(ValueError, match="You must pass a `shape` argument"):
        tf.keras.layers.InputLayer()
    with pytest.raises(ValueError, match="cannot pass both `shape` and `batch_shape`"):
        tf.keras.layers.InputLayer(shape=(3,), batch_shape=(2, 3))
