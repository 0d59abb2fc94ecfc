"""TensorFlow's DCGAN tutorial (tutorials/generative/dcgan), run with
``import gradtape as tf``: the Sequential generator (Dense, BatchNormalization,
LeakyReLU, Reshape, Conv2DTranspose with the tutorial's ``output_shape``
asserts) and discriminator (Conv2D, LeakyReLU, Dropout, Flatten, Dense), the
cross-entropy losses and the ``tf.function`` train step with two tapes.

MNIST is replaced by seeded random images, the noise by seeded NumPy arrays
(``tf.random.normal`` draws other numbers than TensorFlow's), and the weights
are set from seeded NumPy arrays, the same in both runs. The train step uses a
discriminator with Dropout rate 0 so that ``training=True`` is deterministic.
Expected values are TensorFlow 2.21's (Keras 3), typed from its printout."""
import os

import numpy as np
import pytest

import gradtape as tf
from gradtape.keras import layers

BATCH_SIZE = 4
noise_dim = 100


def make_generator_model():
    model = tf.keras.Sequential()
    model.add(layers.Dense(7*7*256, use_bias=False, input_shape=(100,)))
    model.add(layers.BatchNormalization())
    model.add(layers.LeakyReLU())

    model.add(layers.Reshape((7, 7, 256)))
    assert model.output_shape == (None, 7, 7, 256)  # Note: None is the batch size

    model.add(layers.Conv2DTranspose(128, (5, 5), strides=(1, 1), padding='same', use_bias=False))
    assert model.output_shape == (None, 7, 7, 128)
    model.add(layers.BatchNormalization())
    model.add(layers.LeakyReLU())

    model.add(layers.Conv2DTranspose(64, (5, 5), strides=(2, 2), padding='same', use_bias=False))
    assert model.output_shape == (None, 14, 14, 64)
    model.add(layers.BatchNormalization())
    model.add(layers.LeakyReLU())

    model.add(layers.Conv2DTranspose(1, (5, 5), strides=(2, 2), padding='same', use_bias=False,
                                     activation='tanh'))
    assert model.output_shape == (None, 28, 28, 1)
    return model


def make_discriminator_model(rate=0.3):
    model = tf.keras.Sequential()
    model.add(layers.Conv2D(64, (5, 5), strides=(2, 2), padding='same', input_shape=[28, 28, 1]))
    model.add(layers.LeakyReLU())
    model.add(layers.Dropout(rate))

    model.add(layers.Conv2D(128, (5, 5), strides=(2, 2), padding='same'))
    model.add(layers.LeakyReLU())
    model.add(layers.Dropout(rate))

    model.add(layers.Flatten())
    model.add(layers.Dense(1))
    return model


def seed_weights(model, seed):
    """Every weight from a seeded NumPy generator, in the model's weight order."""
    rng = np.random.RandomState(seed)
    values = []
    for w in model.weights:
        shape = tuple(w.shape)
        if "gamma" in w.name:
            values.append((1 + rng.normal(0, 0.1, shape)).astype("float32"))
        elif "moving_variance" in w.name:
            values.append(np.ones(shape, "float32"))
        else:
            fan = int(np.prod(shape[:-1])) if len(shape) > 1 else 10
            values.append(rng.normal(0, 1.0 / np.sqrt(fan), shape).astype("float32"))
    model.set_weights(values)


cross_entropy = tf.keras.losses.BinaryCrossentropy(from_logits=True)


def discriminator_loss(real_output, fake_output):
    real_loss = cross_entropy(tf.ones_like(real_output), real_output)
    fake_loss = cross_entropy(tf.zeros_like(fake_output), fake_output)
    total_loss = real_loss + fake_loss
    return total_loss


def generator_loss(fake_output):
    return cross_entropy(tf.ones_like(fake_output), fake_output)


_rng = np.random.RandomState(0)
NOISE = _rng.normal(size=(1, 100)).astype("float32")
IMAGES = (_rng.randint(0, 256, size=(8, 28, 28, 1)).astype("float32") - 127.5) / 127.5
NOISES = _rng.normal(size=(2, BATCH_SIZE, noise_dim)).astype("float32")


def test_output_shapes():
    generator = make_generator_model()
    # TensorFlow 2.21: Sequential's input and output shapes, None for the batch
    assert generator.input_shape == (None, 100)
    assert generator.output_shape == (None, 28, 28, 1)
    assert len(generator.trainable_variables) == 10 and len(generator.weights) == 16
    assert make_discriminator_model().output_shape == (None, 1)


def test_untrained_generator_and_discriminator():
    generator = make_generator_model()
    seed_weights(generator, 1)
    generated_image = generator(NOISE, training=False)
    assert generated_image.shape == (1, 28, 28, 1) and generated_image.dtype == tf.float32
    # TensorFlow 2.21's values
    np.testing.assert_allclose(float(tf.reduce_sum(generated_image)), 119.49111938476562,
                               rtol=1e-5)
    np.testing.assert_allclose(generated_image[0, 10, 10:14, 0].numpy(),
                               [0.4608443, 0.94277155, 0.8411284, 0.38536265], rtol=1e-5)
    discriminator = make_discriminator_model()
    seed_weights(discriminator, 2)
    decision = discriminator(generated_image)
    assert decision.shape == (1, 1)
    # TensorFlow 2.21: [[-0.00567961]] (a sum of 6272 products: compared to 1e-5)
    np.testing.assert_allclose(decision.numpy(), [[-0.00567961]], atol=1e-5)
    # Dropout is the identity outside training
    np.testing.assert_array_equal(discriminator(generated_image, training=False).numpy(),
                                  decision.numpy())


def test_train_step():
    generator = make_generator_model()
    seed_weights(generator, 1)
    discriminator = make_discriminator_model(0.0)
    seed_weights(discriminator, 2)
    generator_optimizer = tf.keras.optimizers.Adam(1e-4)
    discriminator_optimizer = tf.keras.optimizers.Adam(1e-4)
    tf.train.Checkpoint(generator_optimizer=generator_optimizer,
                        discriminator_optimizer=discriminator_optimizer,
                        generator=generator, discriminator=discriminator)

    @tf.function
    def train_step(images, noise):
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            generated_images = generator(noise, training=True)

            real_output = discriminator(images, training=True)
            fake_output = discriminator(generated_images, training=True)

            gen_loss = generator_loss(fake_output)
            disc_loss = discriminator_loss(real_output, fake_output)

        gradients_of_generator = gen_tape.gradient(gen_loss, generator.trainable_variables)
        gradients_of_discriminator = disc_tape.gradient(disc_loss,
                                                        discriminator.trainable_variables)

        generator_optimizer.apply_gradients(zip(gradients_of_generator,
                                                generator.trainable_variables))
        discriminator_optimizer.apply_gradients(zip(gradients_of_discriminator,
                                                    discriminator.trainable_variables))
        return gen_loss, disc_loss, [tf.reduce_sum(tf.abs(g)) for g in
                                     gradients_of_generator + gradients_of_discriminator]

    # TensorFlow 2.21's losses and sums of absolute gradients (generator's ten, then the
    # discriminator's six) for two steps
    expected = [
        (0.722590982913971, 1.3705288171768188,
         [1309.0587158203125, 13.921897888183594, 16.333873748779297, 6353.87646484375,
          1.3109180927276611, 1.2687442302703857, 2186.064697265625, 1.101393699645996,
          1.1307121515274048, 27.91290855407715, 20.618846893310547, 0.6611655354499817,
          1676.19384765625, 0.9817970395088196, 532.90380859375, 0.00035259127616882324]),
        (0.7345803380012512, 1.358331322669983,
         [1319.8887939453125, 14.569108963012695, 16.71629524230957, 6668.7744140625,
          1.4022136926651, 1.4525926113128662, 2286.21826171875, 1.0141850709915161,
          0.6693331599235535, 25.083486557006836, 19.397789001464844, 0.5575836300849915,
          1604.130859375, 1.0551642179489136, 513.8260498046875, 0.017628639936447144])]
    for step, (gen_loss, disc_loss, grads) in enumerate(expected):
        g, d, sums = train_step(IMAGES[step * 4:(step + 1) * 4], NOISES[step])
        np.testing.assert_allclose([float(g), float(d)], [gen_loss, disc_loss], rtol=1e-6)
        # the last one is the Dense bias's, a sum over the batch that cancels: 1e-6 absolute
        np.testing.assert_allclose([float(s) for s in sums], grads, rtol=1e-5, atol=1e-6)
    assert int(generator_optimizer.iterations) == 2
    # TensorFlow 2.21's moving statistics of the first BatchNormalization after two steps
    bn = generator.layers[1]
    np.testing.assert_allclose(np.asarray(bn.moving_mean)[:4],
                               [-0.6104879, 0.1635283, -0.1270419, -0.42721963], rtol=1e-6)
    np.testing.assert_allclose(np.asarray(bn.moving_variance)[:4],
                               [0.9908692, 1.003575, 0.9898605, 0.99172586], rtol=1e-6)
    np.testing.assert_allclose(np.asarray(generator.layers[0].kernel)[0, :4],
                               [0.16247196, -0.06099759, -0.05288919, -0.10734513], rtol=1e-6)
    np.testing.assert_allclose(np.asarray(discriminator.layers[-1].kernel)[:4, 0],
                               [0.00679371, 0.00748566, -0.00553388, -0.00277614], rtol=1e-5)
    np.testing.assert_allclose(np.asarray(discriminator.layers[-1].bias), [0.29124102],
                               rtol=1e-6)
    out = generator(NOISES[0][:2], training=False)
    np.testing.assert_allclose(out[0, 14, 12:16, 0].numpy(),
                               [0.97120684, 0.18411203, 0.85105044, 0.9719322], rtol=1e-4)
    np.testing.assert_allclose(float(tf.reduce_mean(out)), 0.16505369544029236, rtol=1e-5)


def test_sequential_shapes_before_a_call():
    # TensorFlow 2.21: a Sequential model without an input shape has none until called,
    # then the shapes of that call
    model = tf.keras.Sequential([layers.Dense(3)])
    with pytest.raises(AttributeError, match="has no defined output shape yet"):
        model.output_shape
    with pytest.raises(AttributeError, match="has no defined input shape yet"):
        model.input_shape
    model(tf.ones((2, 5)))
    assert model.output_shape == (2, 3) and model.input_shape == (2, 5)
    lines = []
    model.summary(print_fn=lines.append)
    assert "│ (2, 3)                 │            18 │" in lines[0]   # TensorFlow 2.21's row
    built = tf.keras.Sequential([layers.Dense(3)])
    built.build((None, 5))
    assert built.input_shape == (None, 5) and built.output_shape == (None, 3)
    with pytest.raises(AttributeError, match="has no defined output shape yet"):
        tf.keras.Sequential([tf.keras.Input((4,))]).output_shape
    # an unknown size stays unknown where the output follows it (TensorFlow 2.21)
    ragged = tf.keras.Sequential([tf.keras.Input((None, 4)), layers.Dense(3), layers.Dense(2)])
    assert ragged.output_shape == (None, None, 2)
    pooled = tf.keras.Sequential([tf.keras.Input((None, None, 1)),
                                  layers.Conv2D(2, 3, padding="same"),
                                  layers.GlobalAveragePooling2D()])
    assert pooled.output_shape == (None, 2)
    inputs = tf.keras.Input((4,))
    two = tf.keras.Model(inputs, [layers.Dense(2)(inputs), layers.Dense(3)(inputs)])
    assert two.output_shape == [(None, 2), (None, 3)] and two.input_shape == (None, 4)


def test_checkpoint_save_and_restore_latest(tmp_path):
    discriminator = make_discriminator_model()
    seed_weights(discriminator, 2)
    discriminator_optimizer = tf.keras.optimizers.Adam(1e-4)
    checkpoint_dir = str(tmp_path / "training_checkpoints")
    checkpoint_prefix = os.path.join(checkpoint_dir, "ckpt")
    checkpoint = tf.train.Checkpoint(discriminator_optimizer=discriminator_optimizer,
                                     discriminator=discriminator)
    # TensorFlow 2.21: save numbers the files and records the newest in the directory
    assert int(checkpoint.save_counter) == 0
    first = checkpoint.save(file_prefix=checkpoint_prefix)
    kernel = discriminator.layers[-1].kernel
    saved = kernel.numpy().copy()
    kernel.assign(tf.zeros_like(kernel))
    second = checkpoint.save(file_prefix=checkpoint_prefix)
    assert [os.path.basename(p) for p in (first, second)] == ["ckpt-1", "ckpt-2"]
    assert int(checkpoint.save_counter) == 2
    assert tf.train.latest_checkpoint(checkpoint_dir) == second
    with open(os.path.join(checkpoint_dir, "checkpoint")) as f:
        assert f.read() == ('model_checkpoint_path: "ckpt-2"\n'
                            'all_model_checkpoint_paths: "ckpt-2"\n')
    checkpoint.restore(first)
    np.testing.assert_array_equal(kernel.numpy(), saved)
    checkpoint.restore(tf.train.latest_checkpoint(checkpoint_dir))
    assert not kernel.numpy().any()


def test_a_subclassed_model_may_set_its_own_shapes():
    # TensorFlow 2.21: a subclass of Model has no input_shape/output_shape of its own,
    # so it may keep its own under those names
    class Net(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.input_shape = (28, 28, 1)
            self.dense = layers.Dense(2)

        def call(self, x):
            return self.dense(x)

    net = Net()
    assert net.input_shape == (28, 28, 1)
    with pytest.raises(AttributeError):
        net.output_shape
    assert not hasattr(net, "output_shape")
